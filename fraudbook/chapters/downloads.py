"""The chapter "Download the data": every table of data/ with its row count, what one row is,
and links to its CSV, the whole data package (zip), the workbook (.xlsx), how to cite the
book and the data, and the licence.

The files are written into the site by the build (fraudbook.pipeline.release) at the places
`fraudbook.data.package.release_files` names; this page sits in the site's book/ folder, so
its links go one level up.
"""

from __future__ import annotations

import pandas as pd

from ..data import package, schema
from ..data.load import Dataset
from ..kit import citations
from ..kit import words as text
from ..kit.citations import release_date  # noqa: F401 (the template reads the edition's date with it)
from ..kit.dates import when  # noqa: F401 (the template writes dates with it)
from ..kit.escape import html_text

# From this page (book/downloads.html) to the site's root.
TO_ROOT = "../"


def links(edition: str) -> dict[str, str]:
    """Every download's address relative to this page."""
    return {k: TO_ROOT + v for k, v in package.release_files(edition).items()}


def tables(ds: Dataset, edition: str) -> pd.DataFrame:
    """One row per table: its title, what one row is, its rows and a link to its CSV."""
    where = links(edition)
    rows = []
    for t in schema.TABLES:
        n = len(getattr(ds, t.name))
        rows.append({
            "table": package.TABLE_TITLES[t.name],
            "description": package.TABLE_DESCRIPTIONS[t.name],
            "rows": f"{n:,}",
            # The file keeps its name on download; readers see the table's title, not the name.
            "link": f'<a href="{html_text(where["csv:" + t.name])}" download '
                    f'aria-label="CSV: {html_text(package.TABLE_TITLES[t.name])}">CSV</a>',
        })
    return pd.DataFrame(rows)


def whole_html(edition: str) -> str:
    """The links to the whole data: the zip of the package, the workbook, the descriptor."""
    where = links(edition)
    items = [
        (where["zip"], "The data package (zip): every table as CSV, with datapackage.json "
                       "(each table's columns, types and rules), the licence and the "
                       "description of every column"),
        (where["workbook"], "The same tables as an Excel workbook (.xlsx), one sheet per table, "
                            "with a README sheet"),
        (where["sqlite"], "The same tables as one SQLite database, with each table's primary "
                          "key and foreign keys, and tables describing every table and column"),
        (where["descriptor"], "datapackage.json alone (Frictionless data package descriptor)"),
        (where["feed"], "A feed (Atom) of the editions and corrections, for a feed reader"),
    ]
    lis = "".join(f'<li><a href="{html_text(h)}">{html_text(h.rsplit("/", 1)[-1])}</a>: '
                  f"{html_text(t)}</li>" for h, t in items)
    return f'<ul class="fraudbook-downloads">{lis}</ul>'


def pdf_html(edition: str) -> str:
    """The links to the book's two PDFs (printed by the build at the site's root)."""
    lis = "".join(f'<li><a href="{html_text(TO_ROOT + package.pdf_file(edition, part))}">'
                  f"{html_text(text)}</a>: {html_text(package.PDF_DESCRIPTIONS[part])}.</li>"
                  for part, text in package.PDF_TITLES.items())
    return f'<ul class="fraudbook-downloads">{lis}</ul>'


def bibtex(ds: Dataset, edition: str) -> str:
    """The book and its data as one BibTeX entry (written by pybtex, from its CSL-JSON item)."""
    return citations.to_bibtex([citations.book_item(ds, edition)])


def cite_html(ds: Dataset, edition: str) -> str:
    """The book's citation as a sentence, as BibTeX, and as files a reference manager imports."""
    where = links(edition)
    files = " · ".join(f'<a href="{html_text(where[k])}" download="{html_text(where[k].rsplit("/", 1)[-1])}">'
                       f"{label}</a>" for k, label in (("bibtex", "BibTeX"), ("ris", "RIS"),
                                                       ("csl", "CSL-JSON")))
    return (f'<p class="fraudbook-citation">{html_text(citations.book_citation_text(ds, edition))}</p>'
            f'<pre class="fraudbook-bibtex"><code>{html_text(bibtex(ds, edition).rstrip())}</code></pre>'
            f"<p>For Zotero, EndNote, Mendeley or pandoc: {files}. Every indicator's and every "
            f'chart\'s own page gives the same for its figures (<a href="{text.DATA_PAGES_INDEX}">'
            "every indicator and chart</a>).</p>")


def licence_html() -> str:
    return f"<p>{html_text(package.LICENCE_SENTENCE)} " \
           f'<a href="{html_text(package.LICENCE["path"])}">{html_text(package.LICENCE["title"])}</a>.</p>'
