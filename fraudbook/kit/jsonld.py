"""The data as a schema.org Dataset (JSON-LD), for search engines' dataset listings.

`dataset_jsonld(ds, edition, files)` is the description: name, description, version,
licence, creator, dates, keywords, language, the period and the countries the data covers,
the things measured, the downloads and how to cite it, computed from the data and from
fraudbook.data.package (the data package's own title, description, licence and keywords), so
that it is always true. `jsonld_script(obj)` is the `<script type="application/ld+json">`
element a page's head carries.

Addresses are relative (`files` is fraudbook.data.package.release_files(edition): paths from
the site's root): the site has no fixed public address, and a JSON-LD processor resolves a
relative URL against the page that carries it. So a page that is not at the root passes
`to_root` ("../" from book/) and every address is written from there.
"""

from __future__ import annotations

import json

from ..data import package
from ..data.claims import edition_date
from ..data.coverage import country_coverage
from ..data.load import Dataset
from ..data.values import blank
from . import citations
from .dates import first_day, last_day

CONTEXT = "https://schema.org/"
LANGUAGE = "en"
# The downloads the description lists, as (key in `files`, name, what it is, MIME type).
DOWNLOADS = (
    ("zip", "The data package (zip)",
     "Every table as CSV, with datapackage.json (each table's columns, types and rules), the "
     "licence and the description of every column.", "application/zip"),
    ("workbook", "The tables as an Excel workbook",
     "One sheet per table, with a README sheet.",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("sqlite", "The tables as one SQLite database",
     "One table per table of the data, with its primary key and foreign keys, and tables "
     "describing every table and column.", "application/vnd.sqlite3"),
    ("descriptor", "datapackage.json",
     "The Frictionless data package descriptor: each table's columns, types and rules.",
     "application/json"),
)


def temporal_coverage(ds: Dataset) -> str:
    """'2019-01-01/2026-03-31': the first day of the earliest period or event and the last day
    of the latest (a figure without a stated start counts from its end)."""
    starts, ends = [], []
    for _, f in ds.figures.iterrows():
        starts.append(first_day(f["period_end"] if blank(f["period_start"]) else f["period_start"]))
        ends.append(last_day(f["period_end"]))
    for _, e in ds.events.iterrows():
        starts.append(first_day(e["date"]))
        ends.append(last_day(e["date"] if blank(e["end_date"]) else e["end_date"]))
    starts, ends = [d for d in starts if d], [d for d in ends if d]
    if not starts or not ends:
        return ""
    return f"{min(starts).isoformat()}/{max(ends).isoformat()}"


def countries(ds: Dataset) -> list[str]:
    """The names of the countries that figures (their places and partners) and events refer
    to, an area counting for the country it lies in; sorted by name."""
    geo = ds.geographies
    return sorted(str(geo.loc[c, "name"]) for c, n in country_coverage(ds).items() if n)


def variables(ds: Dataset) -> list[dict]:
    """The things measured: every indicator that has a figure, in the table's order."""
    used = set(ds.figures["indicator"])
    out = []
    for ind, r in ds.indicators.iterrows():
        if ind not in used:
            continue
        out.append({"@type": "PropertyValue", "name": str(r["title"]),
                    "description": str(r["description"])})
    return out


def distribution(files: dict[str, str], to_root: str = "") -> list[dict]:
    return [{"@type": "DataDownload", "name": name, "description": what, "encodingFormat": mime,
             # Relative: the site has no fixed address; JSON-LD resolves it against the page.
             "contentUrl": to_root + files[key]}
            for key, name, what, mime in DOWNLOADS if key in files]


def dataset_jsonld(ds: Dataset, edition: str, files: dict[str, str], to_root: str = "",
                   cite: str | None = None) -> dict:
    """The schema.org Dataset of `ds` at `edition`; `files` are the downloads' paths from the
    site's root (fraudbook.data.package.release_files), written after `to_root` (the way from
    the page that carries the description to the root: "" at the root, "../" from book/);
    `cite` replaces the citation sentence (`citation`)."""
    published = edition_date(ds, edition)
    ledger = ds.changes[ds.changes["edition"] <= edition]
    modified = str(max(ledger["date"])) if len(ledger) else published
    organisation = {"@type": "Organization", "name": package.AUTHOR}
    out: dict = {
        "@context": CONTEXT,
        "@type": "Dataset",
        "name": package.TITLE,
        "description": package.DESCRIPTION,
        "version": edition,
        "license": package.LICENCE["path"],
        "creator": organisation,
        "publisher": organisation,
        "isAccessibleForFree": True,
        "keywords": package.descriptor(ds, edition)["keywords"],
        "inLanguage": LANGUAGE,
        "citation": cite if cite is not None else citations.book_citation_text(ds, edition),
    }
    if published:
        out["datePublished"] = published
    if modified:
        out["dateModified"] = modified
    coverage = temporal_coverage(ds)
    if coverage:
        out["temporalCoverage"] = coverage
    out["spatialCoverage"] = [{"@type": "Place", "name": n} for n in countries(ds)]
    out["variableMeasured"] = variables(ds)
    out["distribution"] = distribution(files, to_root)
    return out


def jsonld_script(obj) -> str:
    """`obj` as a `<script type="application/ld+json">` element. Every '<', '>' and '&' in
    the JSON is written as its \\u escape (the same JSON once parsed), so no text in the data
    can end the element early ('</script>') or open a comment ('<!--')."""
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{data}</script>'
