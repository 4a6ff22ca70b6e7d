"""Citations a reference manager reads: the book and its data, and each of its figures, as
CSL-JSON items, and those items as CSL-JSON, BibTeX and RIS.

- `book_item(ds, edition)` is the book and its data (type "dataset"); `figure_items(ds,
  edition)` is one item per figure of the data, its title worded as the register's one-line
  citation begins (what is counted, where, the amount and its period: never an id).
- `to_csl_json`, `to_bibtex` and `to_ris` write items: the JSON by the json module, the BibTeX
  by pybtex (fraudbook.data.bibliography.BibWriter, which also writes book/references.bib),
  the RIS by rispy. No format is a string template.

The item's fields follow CSL-JSON (https://citeproc-js.readthedocs.io/en/latest/csl-json/
markup.html): `id`, `type`, `title`, `author` ([{"literal": ...}]), `issued` ({"date-parts":
[[y, m, d]]}), `version` (the edition); for the book `genre` and `note` (its kind of work
and licence); for a figure `container-title` (the book), `publisher` and `original-date` (its
source's), `URL` (its source's page, when one is known) and `note` ('Stated by Xinhua, 30 May
2023').
"""

from __future__ import annotations

import json
import re

import pandas as pd
import rispy
from pybtex.database import Entry, Person

from ..data import bibliography, package
from ..data.load import Dataset
from ..data.values import blank
from . import names, words

BOOK_TITLE = "Scam centres and the money they take: an open data book"
BOOK_GENRE = "Data set and book"
LICENCE_SHORT = "CC BY 4.0"
KEY_PREFIX = "scamcentres"


def release_date(ds: Dataset, edition: str) -> str:
    """The edition's date (fraudbook.data.claims.edition_date), or '' when the ledger records
    no change for it: a citation then gives the edition's year alone, never another day."""
    from ..data.claims import edition_date

    return edition_date(ds, edition) if (ds.changes["edition"] == edition).any() else ""


def book_citation_text(ds: Dataset, edition: str) -> str:
    """'The fraud data book team (2026). Scam centres and the money they take: an open data
    book (edition 2026.12), released 3 Dec 2026. Data set and book, licensed under CC BY 4.0.'"""
    from .dates import when

    date = release_date(ds, edition)
    year = date[:4] if date else edition[:4]
    return (f"{package.AUTHOR} ({year}). {BOOK_TITLE} (edition {edition})"
            f"{', released ' + when(date) if date else ''}. "
            "Data set and book, licensed under CC BY 4.0.")


def book_key(edition: str) -> str:
    """The book's citation key: 'scamcentres202612' for edition 2026.12."""
    return KEY_PREFIX + edition.replace(".", "")


def _key_part(text: str) -> str:
    """A piece of a citation key: ASCII lower-case letters, digits, '-' and ':' only."""
    return re.sub(r"[^a-z0-9:-]+", "-", str(text).lower()).strip("-") or "x"


def date_parts(day) -> list[int]:
    """'2026-12-03' -> [2026, 12, 3]; '2023-05' -> [2023, 5]; '2023' -> [2023]; '' -> []."""
    return [int(p) for p in str(day or "").split("-") if p.isdigit()][:3]


def _issued(ds: Dataset, edition: str) -> dict:
    date = release_date(ds, edition)
    return {"date-parts": [date_parts(date) if date else [int(edition[:4])]]}


def _one_line(text) -> str:
    return "" if blank(text) else " ".join(str(text).split())


def book_item(ds: Dataset, edition: str) -> dict:
    """The book and its data as one CSL-JSON item."""
    return {
        "id": book_key(edition),
        "type": "dataset",
        "title": BOOK_TITLE,
        "author": [{"literal": package.AUTHOR}],
        "issued": _issued(ds, edition),
        "version": edition,
        "genre": BOOK_GENRE,
        "note": f"{BOOK_GENRE}, licensed under {LICENCE_SHORT}",
    }


def figure_title(row: pd.Series) -> str:
    """A figure in words, as the register's one-line citation begins (words.cited_figure)."""
    return words.cited_figure(row)


def _figure_rows(ds: Dataset) -> pd.DataFrame:
    """The figures the register shows: every figure of the data (none withdrawn or merged
    into another), joined to its metadata, with its place in words."""
    gone = set(ds.changes.loc[ds.changes["kind"].isin(("withdrawn", "merged")), "subject_id"])
    meta = ds.figures_with_meta()
    meta = meta[[fid not in gone for fid in meta.index]].copy()
    meta["where"] = [names.names(g, ds.geographies, " (one combined figure)") for g in meta["geography"]]
    return meta


def figure_items(ds: Dataset, edition: str) -> list[dict]:
    """One CSL-JSON item per figure, in the order of their keys."""
    return sorted(figure_items_by_id(ds, edition).values(), key=lambda i: i["id"])


def figure_items_by_id(ds: Dataset, edition: str) -> dict[str, dict]:
    """figure_items by the figure they cite (for a page that cites some of them)."""
    issued, author = _issued(ds, edition), [{"literal": package.AUTHOR}]
    items, used = {}, {book_key(edition)}
    for fid, row in _figure_rows(ds).iterrows():
        key = base = f"{book_key(edition)}-{_key_part(fid)}"
        n = 1
        while key in used:  # two ids may differ only in case or punctuation
            n += 1
            key = f"{base}-{n}"
        used.add(key)
        url = "" if blank(row.get("source_url")) else str(row["source_url"]).strip()
        item = {
            "id": key,
            "type": "dataset",
            "title": figure_title(row),
            "container-title": BOOK_TITLE,
            "author": author,
            "issued": issued,
            "version": edition,
            "note": f"Stated by {_one_line(words.source_label(row))}",
        }
        if not blank(row.get("publisher")):
            item["publisher"] = _one_line(row["publisher"])
        if date_parts(row.get("date_published")):
            item["original-date"] = {"date-parts": [date_parts(row["date_published"])]}
        if url:
            item["URL"] = url
        items[fid] = item
    return items


# ------------------------------------------------------------------ writers


def to_csl_json(items: list[dict]) -> str:
    """The items as a CSL-JSON array: UTF-8 text, keys sorted, items in the order given."""
    return json.dumps(list(items), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _year_month_day(item: dict) -> list[int]:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return list(parts[0])


def _person(author: dict) -> Person:
    if "literal" in author:
        # Braces keep a body's name whole: no style splits it into first and last names.
        return Person("{" + bibliography.latex_markup(author["literal"], dollar=True) + "}")
    return Person(first=bibliography.latex_markup(author.get("given", ""), dollar=True),
                  last=bibliography.latex_markup(author.get("family", ""), dollar=True))


def bibtex_entry(item: dict) -> Entry:
    """A CSL-JSON item as a pybtex @misc entry: author, title (kept from case changes), year,
    month, version, howpublished (the book for a figure, the kind of work for the book),
    publisher, note and url."""
    def tex(s) -> str:
        return bibliography.latex_markup(s, dollar=True)

    fields = {"title": "{" + tex(item["title"]) + "}"}
    ymd = _year_month_day(item)
    if ymd:
        fields["year"] = str(ymd[0])
    if len(ymd) >= 2:
        fields["month"] = bibliography.MONTHS[ymd[1] - 1]
    if item.get("version"):
        fields["version"] = tex(item["version"])
    if item.get("container-title"):
        fields["howpublished"] = tex(item["container-title"] + (f", edition {item['version']}"
                                                                 if item.get("version") else ""))
    elif item.get("genre"):
        fields["howpublished"] = tex(item["genre"])
    for csl, bib in (("publisher", "publisher"), ("note", "note")):
        if item.get(csl):
            fields[bib] = tex(item[csl])
    if item.get("URL"):
        fields["url"] = item["URL"]
    return Entry("misc", fields=fields, persons={"author": [_person(a) for a in item.get("author", [])]})


def to_bibtex(items: list[dict]) -> str:
    """The items as BibTeX, one @misc entry each (key = the item's id), written by pybtex."""
    return bibliography.write_string({item["id"]: bibtex_entry(item) for item in items})


def _author_text(author: dict) -> str:
    if "literal" in author:
        return author["literal"]
    return ", ".join(p for p in (author.get("family", ""), author.get("given", "")) if p)


def ris_record(item: dict) -> dict:
    """A CSL-JSON item as a rispy record: TY DATA, ID, TI, AU, PY, DA, ET (the edition), T2
    (the book, for a figure), PB, M3 (the kind of work), UR and N1."""
    rec = {"type_of_reference": "DATA", "id": item["id"], "title": item["title"],
           "authors": [_author_text(a) for a in item.get("author", [])]}
    ymd = _year_month_day(item)
    if ymd:
        rec["year"] = str(ymd[0])
        y, m, d = (ymd + [None, None])[:3]
        rec["date"] = f"{y:04d}/{'' if m is None else f'{m:02d}'}/{'' if d is None else f'{d:02d}'}/"
    for csl, ris in (("version", "edition"), ("container-title", "secondary_title"),
                     ("publisher", "publisher"), ("genre", "type_of_work")):
        if item.get(csl):
            rec[ris] = item[csl]
    if item.get("URL"):
        rec["urls"] = [item["URL"]]
    if item.get("note"):
        rec["notes"] = [item["note"]]
    return rec


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its numbered line before each record ('1.'), which is no RIS."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(items: list[dict]) -> str:
    """The items as RIS, one record each, written by rispy."""
    return rispy.dumps([ris_record(i) for i in items], implementation=_RisWriter)
