"""The release step of the site build: the data as data, and each chart's CSV beside its page.

Called by `build_site` on the freshly built site (before it is swapped in, so a failure here
leaves the previous site as it was):
- `data/<package>/` (datapackage.json, every table's CSV, the licence and the columns'
  documentation), a zip of it and an .xlsx workbook of the same tables
  (fraudbook.data.package), and one SQLite file of them with their keys and references
  (fraudbook.data.sqlite), beside the zip;
- `feed.atom` at the site's root: the Atom feed of the editions, corrections and withdrawn
  figures, from the ledger (fraudbook.kit.feed); at the root because a feed reader resolves
  its entries' relative links (`book/changes.html#change-…`) against the feed's address;
- `book/downloads/<chart>.csv` for every chart whose data a page links: the CSV text travels
  in the executed page's record of its charts (metadata.fraudbook.reads.charts), and is
  written here as a file; beside it the chart's bundle (fraudbook.pipeline.bundles).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..data.claims import book_title, edition
from ..data.load import load
from ..data.package import release_files, write_package, write_workbook, write_zip
from ..data.sqlite import SqliteError, write_sqlite
from ..kit import citations
from ..kit.feed import feed_xml
from ..kit.page import DOWNLOADS_DIR
from ..paths import Layout
from .datapages import chart_records, page_charts
from .errors import BuildError


def chart_downloads(notebook: Path) -> dict[str, str]:
    """{path relative to the page: CSV text} of every chart download in an executed page: the
    CSVs its record of charts holds (fraudbook.pipeline.datapages.page_charts)."""
    return {f"{DOWNLOADS_DIR}/{key}.csv": c.csv for key, c in page_charts(notebook).items() if c.csv}


def write_chart_downloads(layout: Layout, html_dir: Path) -> int:
    """Write every page's chart CSVs next to the page in the site; returns how many."""
    written: dict[Path, tuple[str, str]] = {}
    for nb in sorted(layout.book.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb.parts:
            continue
        page_dir = html_dir / nb.parent.relative_to(layout.root)
        for rel, text in chart_downloads(nb).items():
            target = page_dir / rel
            if target in written and written[target][1] != text:
                raise BuildError(f"two pages write different data to {rel}: "
                                 f"{written[target][0]} and {nb.name}; name their charts apart")
            written[target] = (nb.name, text)
    # Sphinx reuses its work folder between builds: a chart that is gone leaves no file.
    for folder in {t.parent for t in written} | set(html_dir.glob("**/downloads")):
        for old in folder.glob("*") if folder.is_dir() else ():
            if old.is_file() and old not in written and old.with_suffix("") not in written:
                old.unlink()
    for target, (_, text) in written.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return len(written)


def write_release(layout: Layout, html_dir: Path, log=print) -> dict[str, Path]:
    """The data package, its zip, the workbook, the SQLite file, the feed and the chart CSVs,
    into the built site."""
    ed = edition(layout.root)
    files = release_files(ed)
    ds = load(layout.data)
    folder = html_dir / files["folder"]
    try:
        write_package(ds, folder, ed, layout.data)
        write_zip(folder, html_dir / files["zip"])
        write_workbook(ds, html_dir / files["workbook"], ed)
        write_sqlite(ds, html_dir / files["sqlite"], ed, layout.data)
        feed = html_dir / files["feed"]
        feed.parent.mkdir(parents=True, exist_ok=True)
        feed.write_bytes(feed_xml(ds, ed, book_title(layout.root)))
        book_item = [citations.book_item(ds, ed)]
        for key, text in (("bibtex", citations.to_bibtex(book_item)), ("ris", citations.to_ris(book_item)),
                          ("csl", citations.to_csl_json(book_item))):
            (html_dir / files[key]).write_text(text, encoding="utf-8")
    except (OSError, sqlite3.Error, SqliteError) as exc:
        raise BuildError(f"writing the data download failed ({exc}); the previous site is unchanged") from None
    n = write_chart_downloads(layout, html_dir)
    from .bundles import write_bundles

    zips = write_bundles(chart_records(layout.book), ds, html_dir, ed, book_title(layout.root))
    log(f"data download: {files['zip']}, {files['workbook']}, {files['sqlite']}, "
        f"{files['feed']}, {n} chart CSVs, {zips} chart bundles")
    return {k: html_dir / v for k, v in files.items()}
