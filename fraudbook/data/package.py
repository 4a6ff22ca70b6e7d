"""The data released as data: a Frictionless data package of every table in data/, a zip of
it and an .xlsx workbook of the same tables, generated from fraudbook/data/schema.py.

- `descriptor(ds, edition)` is `datapackage.json`: one resource per table, its Table Schema
  (types, required, enum, pattern, primary key, foreign keys from `Column.ref`), the licence,
  the sources, the edition as version, a title and a description.
- `write_package(ds, folder, edition)` writes the package folder (the CSVs, the descriptor,
  the licence and the columns' documentation); `write_zip` and `write_workbook` make the
  other downloads from it.
- `safe_cell` / `csv_safe` are the one rule for cells a spreadsheet would execute: every
  download (the package, the workbook, each chart's CSV) goes through them.

The build writes all of this into the site (fraudbook.pipeline.release); the "Download the
data" page links to it with `release_files`.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pandas as pd

from . import columns, schema
from .load import Dataset
from .values import blank

NAME = "scam-centres-data"
TITLE = "Scam centres and the money they take: the data"
DESCRIPTION = (
    "The sourced tables behind the data book on the cross-border telecom and online fraud "
    "economy of East and Southeast Asia: figures (losses, arrests, handovers, repatriations, "
    "scam centres), the dated events of the joint police operations, the sources that state "
    "them in their own words, the exchange rates used, the disagreements between sources, and "
    "the ledger of every change made to the data, edition by edition.")
AUTHOR = "The fraud data book team"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
LICENCE_SENTENCE = (
    "The data and the book's prose are published under the Creative Commons Attribution 4.0 "
    "International licence (CC BY 4.0): reuse them freely, crediting \u201c" + AUTHOR + "\u201d. "
    "The quotes in the tables remain their publishers' own words, reproduced as short "
    "citations. The code that builds the book is under the MIT licence.")

# What one row of each table is (data/README.md says the same for people).
TABLE_TITLES = {
    "sources": "Sources",
    "indicators": "Indicators",
    "geographies": "Geographies",
    "places": "Places",
    "figures": "Figures",
    "events": "Events",
    "citations": "Citations",
    "fx_rates": "Exchange rates",
    "conflicts": "Disagreements between sources",
    "changes": "Changes and corrections",
    "audit": "Last check of each figure and event",
    "searches": "What was looked for, and whether it was found",
}
TABLE_DESCRIPTIONS = {
    "sources": "One row per publication a figure or event is taken from: title, publisher, date, "
               "web address, what kind of source it is and how far it is trusted.",
    "indicators": "One row per thing that is measured, with what exactly is counted and what it "
                  "must not be compared with.",
    "geographies": "One row per country (ISO 3166-1 alpha-3 code), named area or region.",
    "places": "One row per scam hub, border town or meeting city, with gazetteer coordinates.",
    "figures": "One row per figure: one claim, a number, the thing measured, its period and "
               "place, stated as the source states it (qualifier, scale, unit, currency).",
    "events": "One row per dated happening on the cooperation timeline (meetings, operations, "
              "handovers, repatriations, raids, verdicts).",
    "citations": "One row per source that states a figure or an event, with the verbatim "
                 "sentence and the words in it that state the number.",
    "fx_rates": "One row per dated, sourced exchange rate used to show money in another currency.",
    "conflicts": "One row per disagreement between sources about the same thing, and which "
                 "figure the book uses.",
    "changes": "The ledger of changes to the figures and events, edition by edition: added, "
               "corrected, re-sourced, merged or withdrawn, each with its reason.",
    "audit": "One row per figure and event: the day it was last checked against its quotes and "
             "what the check found.",
    "searches": "One row per thing looked for while preparing an edition: what, where, on which "
                "day, and whether it was found, so that a gap in the data can be told from a quiet "
                "period.",
}


# A cell a spreadsheet would run as a formula starts with one of these (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(v):
    """A text cell a spreadsheet would execute gets a leading apostrophe; anything else
    (numbers, blanks, ordinary text) is returned as it is. The one rule for every download."""
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return v


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """`safe_cell` applied to every text column of a frame; numbers stay numbers."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [safe_cell(v) for v in out[col]]
    return out


def number_text(v) -> str:
    """A number as a CSV writes it: '37', '5.6', '' for none (no '37.0', no exponent)."""
    if blank(v):
        return ""
    f = float(v)
    if f.is_integer() and abs(f) < 1e18:
        return str(int(f))
    text = repr(f)
    if "e" in text:
        text = f"{f:.15f}".rstrip("0").rstrip(".")
    return text


def release_files(edition: str) -> dict[str, str]:
    """Where the downloads are, relative to the site's root (the build writes them there)."""
    return {
        "folder": f"data/{NAME}",
        "descriptor": f"data/{NAME}/datapackage.json",
        "zip": f"data/{NAME}-{edition}.zip",
        "workbook": f"data/{NAME}-{edition}.xlsx",
        "sqlite": f"data/{NAME}-{edition}.sqlite",
        # The Atom feed of editions and corrections sits at the root: a feed reader resolves
        # its entries' relative links against the feed's own address (fraudbook.kit.feed).
        "feed": "feed.atom",
        # The book and its data cited for reference managers (fraudbook.kit.citations).
        "bibtex": f"data/{NAME}-{edition}.bib",
        "ris": f"data/{NAME}-{edition}.ris",
        "csl": f"data/{NAME}-{edition}.csl.json",
        **{f"csv:{t.name}": f"data/{NAME}/{t.file}" for t in schema.TABLES},
    }


# The book's two PDFs (fraudbook.pipeline.pdf prints them at the site's root): what each holds,
# as its links say it; the file names are the build's.
PDF_TITLES = {
    "": "The book as a PDF, for reading",
    "reference": "Every figure and every source as a PDF, for reference",
}
PDF_DESCRIPTIONS = {
    "": "the key figures, the chapters, the country profiles, the disagreements between "
        "sources and how the data were made; each source's address is a numbered note at the "
        "end of its chapter",
    "reference": "the register of every figure with all its sources and the sentences that "
                 "state it, the list of every source, the changes and corrections, and how to "
                 "cite the book",
}


def pdf_file(edition: str, part: str = "") -> str:
    """A PDF's file name at the site's root: the reading edition (`part` ""), or the
    reference edition (`part` "reference")."""
    return f"fraudbook-{edition}{'-' + part if part else ''}.pdf"


def _field(col: schema.Column, note: str | None) -> dict:
    f: dict = {"name": col.name, "type": "number" if col.kind == "number" else "string"}
    if note:
        f["description"] = note
    c: dict = {}
    if col.required:
        c["required"] = True
    if col.kind == "id" and col.pattern:
        c["pattern"] = f"({col.pattern})"
    elif col.kind == "date":
        c["pattern"] = schema.DATE
    elif col.kind == "codes":
        c["pattern"] = schema.CODES
    elif col.kind == "enum":
        c["enum"] = [v for v in col.choices if v]
    elif col.kind == "currency":
        c["enum"] = list(schema.CURRENCIES)
    elif col.kind == "url":
        f["format"] = "uri"
    if c:
        f["constraints"] = c
    return f


def table_schema(table: schema.Table, notes: dict[str, str] | None = None) -> dict:
    """The Table Schema of one table, from fraudbook/data/schema.py."""
    notes = notes or {}
    out: dict = {"fields": [_field(c, notes.get(c.name)) for c in table.columns],
                 "missingValues": [""], "primaryKey": [table.key]}
    fks = [{"fields": [column], "reference": {"resource": "" if other == table.name else other,
                                              "fields": [key]}}
           for column, other, key in table.references]
    if fks:
        out["foreignKeys"] = fks
    return out


def table_frame(ds: Dataset, table: schema.Table) -> pd.DataFrame:
    """A table as published: its columns in the schema's order, as the loader read them."""
    df = getattr(ds, table.name).reset_index()
    return df[table.column_names]


def _source_entries(ds: Dataset) -> list[dict]:
    out = []
    for _sid, r in ds.sources.sort_index().iterrows():
        title = f"{r['publisher']}: {r['title']}"
        if not blank(r["date_published"]):
            title += f" ({r['date_published']})"
        entry = {"title": title}
        if not blank(r["url"]):
            entry["path"] = str(r["url"])
        out.append(entry)
    return out


def descriptor(ds: Dataset, edition: str, data_dir: Path | None = None) -> dict:
    """`datapackage.json` for the tables of `ds`, at `edition`."""
    notes = columns.read(data_dir) if data_dir else {}
    resources = []
    for t in schema.TABLES:
        resources.append({
            "name": t.name, "path": t.file, "title": TABLE_TITLES[t.name],
            "description": TABLE_DESCRIPTIONS[t.name], "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "schema": table_schema(t, notes.get(t.name)),
        })
    return {
        "name": NAME, "title": TITLE, "description": DESCRIPTION, "version": edition,
        "licenses": [LICENCE],
        "contributors": [{"title": AUTHOR, "role": "author"}],
        "keywords": ["scam centres", "online fraud", "human trafficking", "Southeast Asia",
                     "Myanmar", "Cambodia", "Laos", "law enforcement cooperation"],
        "sources": _source_entries(ds),
        "resources": resources,
    }


def table_csv(ds: Dataset, table: schema.Table) -> str:
    """One table as CSV text: numbers as numbers, formula-like text neutralised."""
    df = csv_safe(table_frame(ds, table))
    numbers = {c.name for c in table.columns if c.kind == "number"}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.column_names)
    for row in df.itertuples(index=False):
        w.writerow([number_text(v) if c in numbers else ("" if blank(v) else str(v))
                    for c, v in zip(table.column_names, row, strict=True)])
    return buf.getvalue()


def licence_text(edition: str) -> str:
    return (f"# Licence of the data (edition {edition})\n\n{LICENCE_SENTENCE}\n\n"
            f"Licence: {LICENCE['title']}, {LICENCE['path']}\n")


def write_package(ds: Dataset, folder: Path, edition: str, data_dir: Path | None = None) -> Path:
    """Write the package folder: every table's CSV, datapackage.json, LICENSE.md and the
    columns' documentation (README.md, from data/README.md where it is there)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for t in schema.TABLES:
        (folder / t.file).write_text(table_csv(ds, t), encoding="utf-8")
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor(ds, edition, data_dir), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8")
    licence = Path(data_dir) / "LICENSE.md" if data_dir else None
    (folder / "LICENSE.md").write_text(
        licence.read_text(encoding="utf-8") if licence and licence.exists()
        else licence_text(edition), encoding="utf-8")
    readme = Path(data_dir) / "README.md" if data_dir else None
    if readme and readme.exists():
        (folder / "README.md").write_text(readme.read_text(encoding="utf-8"), encoding="utf-8")
    return folder / "datapackage.json"


def write_zip(folder: Path, target: Path) -> Path:
    """A zip of the package folder, its files under one folder named as the package is."""
    folder, target = Path(folder), Path(target)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.iterdir()):
            if p.is_file():
                info = zipfile.ZipInfo(f"{target.stem}/{p.name}", date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, p.read_bytes())
    return target


def write_workbook(ds: Dataset, target: Path, edition: str) -> Path:
    """An .xlsx workbook: a README sheet (title, edition, licence, citation, what each sheet
    holds) and one sheet per table, numbers as numbers, no cell a spreadsheet would run."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    bold = Font(bold=True)
    lines = [
        (TITLE, None), (f"Edition {edition}", None), (DESCRIPTION, None), ("", None),
        ("Licence", LICENCE_SENTENCE), ("", LICENCE["path"]),
        ("Cite as", f"{AUTHOR}. {TITLE}. Edition {edition}."), ("", None),
        ("Sheet", "What one row is"),
    ]
    lines += [(t.name, f"{TABLE_DESCRIPTIONS[t.name]} ({len(getattr(ds, t.name)):,} rows)")
              for t in schema.TABLES]
    lines += [("", None), ("Columns", "Every column and rule is described in README.md of "
                           "the data package (the zip download).")]
    for i, (a, b) in enumerate(lines, start=1):
        _put(readme.cell(row=i, column=1), a)
        if b is not None:
            _put(readme.cell(row=i, column=2), b)
        if i == 1 or a in ("Sheet", "Licence", "Cite as", "Columns"):
            readme.cell(row=i, column=1).font = bold
    readme.column_dimensions["A"].width = 22
    readme.column_dimensions["B"].width = 110
    for t in schema.TABLES:
        ws = wb.create_sheet(t.name)
        numbers = {c.name for c in t.columns if c.kind == "number"}
        for j, name in enumerate(t.column_names, start=1):
            cell = ws.cell(row=1, column=j)
            _put(cell, name)
            cell.font = bold
        for i, row in enumerate(table_frame(ds, t).itertuples(index=False), start=2):
            for j, (name, v) in enumerate(zip(t.column_names, row, strict=True), start=1):
                if blank(v):
                    continue
                if name in numbers:
                    f = float(v)
                    ws.cell(row=i, column=j, value=int(f) if f.is_integer() else f)
                else:
                    _put(ws.cell(row=i, column=j), str(v))
        ws.freeze_panes = "A2"
    wb.save(target)
    return Path(target)


def _put(cell, text: str) -> None:
    """Write text as text: neutralised, and typed as a string (openpyxl would otherwise take
    a leading '=' for a formula)."""
    cell.value = safe_cell(text)
    if isinstance(cell.value, str):
        cell.data_type = "s"
