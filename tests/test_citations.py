"""The citations a reference manager reads (fraudbook.kit.citations): the book's and every
figure's, as CSL-JSON, BibTeX and RIS, read back by the libraries reference managers and
LaTeX tools use (citeproc-py, bibtexparser with pylatexenc, pybtex, rispy) and compared with
the data."""

from __future__ import annotations

import dataclasses
import json
import re

import bibtexparser
import pandas as pd
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pybtex.database import parse_string as pybtex_parse

from fraudbook.data import package, schema
from fraudbook.data.claims import edition
from fraudbook.kit import citations, page, words

BOOK_TITLE = "Scam centres and the money they take: an open data book"
# citeproc-py 0.11 bundles this Harvard style only ('harvard1' is no longer shipped).
STYLE = "harvard-cite-them-right"
# Every LaTeX and BibTeX special a title may hold, a Chinese title and an em dash.
HOSTILE_TITLE = 'R&D at 50% of {the} #1 a\\b "quoted" 电信网络诈骗 — the end'
HOSTILE = {
    "id": "hostile-1", "type": "dataset", "title": HOSTILE_TITLE,
    "author": [{"literal": 'Team & "Co" {Ltd} 50%'}], "issued": {"date-parts": [[2025, 4, 21]]},
    "version": "2025.04", "container-title": "书名 — A & B", "publisher": "新华社 & Co",
    "note": "Stated by 新华社, 21 Apr 2025 (100% sure) #2",
    "URL": "https://example.org/a_b%20c?x=1&y=~z#frag",
}


@pytest.fixture(scope="module")
def ed():
    return edition()


@pytest.fixture(scope="module")
def book(ds, ed):
    return citations.book_item(ds, ed)


@pytest.fixture(scope="module")
def figures(ds, ed):
    return citations.figure_items(ds, ed)


@pytest.fixture(scope="module")
def rows(ds):
    """The register's rows: every figure with its display columns (its place in words)."""
    return page.statements(ds.figures_with_meta(), ds.geographies)


def _release_day(ds, ed) -> str:
    return str(ds.changes.loc[ds.changes["edition"] == ed, "date"].max())


def _figure_of(item: dict, ed: str) -> str:
    return item["id"].removeprefix(f"scamcentres{ed.replace('.', '')}-")


# ------------------------------------------------------------------ the items


def test_the_book_item(ds, ed, book):
    y, m, d = (int(p) for p in _release_day(ds, ed).split("-"))
    assert book["id"] == "scamcentres" + ed.replace(".", "")
    assert book["type"] == "dataset" and book["title"] == BOOK_TITLE
    assert book["author"] == [{"literal": package.AUTHOR}]
    assert book["issued"] == {"date-parts": [[y, m, d]]}
    assert book["version"] == ed and book["genre"] == "Data set and book"
    assert "CC BY 4.0" in book["note"]


def test_an_edition_without_recorded_changes_is_dated_by_its_year(ds):
    bare = dataclasses.replace(ds, changes=ds.changes.iloc[0:0])
    assert citations.release_date(bare, "2031.07") == ""
    assert citations.book_item(bare, "2031.07")["issued"] == {"date-parts": [[2031]]}
    assert all(f["issued"] == {"date-parts": [[2031]]} for f in citations.figure_items(bare, "2031.07"))


def test_one_item_per_figure_with_a_unique_key_bibtex_accepts(ds, ed, figures):
    assert sorted(_figure_of(f, ed) for f in figures) == sorted(fid.lower() for fid in ds.figures.index)
    keys = [f["id"] for f in figures]
    assert len(set(keys)) == len(keys) == len(ds.figures)
    assert all(re.fullmatch(r"[A-Za-z0-9:-]+", k) for k in keys)


def test_keys_stay_unique_when_ids_differ_only_in_case(ds, ed):
    fid = ds.figures.index[0]
    twin = ds.figures.loc[[fid]].rename(index={fid: fid.swapcase()})
    doubled = dataclasses.replace(ds, figures=pd.concat([ds.figures, twin]))
    keys = [f["id"] for f in citations.figure_items(doubled, ed)]
    assert len(keys) == len(set(keys)) == len(ds.figures) + 1


def test_each_figure_item_names_the_figure_as_the_register_cites_it(ds, ed, book, figures, rows):
    by_id = {f["id"]: f for f in figures}
    for fid, row in rows.iterrows():
        item = by_id[f"{book['id']}-{fid.lower()}"]
        # The title is the head of the register's one-line citation, before its source.
        line = words.cite_line(row, BOOK_TITLE, ed, "1 Jan 2027")
        assert line.startswith(item["title"] + ". Source: "), (fid, item["title"], line)
        assert item["type"] == "dataset" and item["container-title"] == BOOK_TITLE
        assert item["version"] == ed and item["issued"] == book["issued"]
        assert item["author"] == book["author"]
        assert item["publisher"] == row["publisher"]
        assert item["note"] == f"Stated by {words.source_label(row)}"
        if row["source_url"]:
            assert item["URL"] == row["source_url"]
        else:
            assert "URL" not in item


READABLE = ("title", "container-title", "publisher", "note", "genre")


def test_no_readable_field_holds_an_id_or_a_column_name(ds, book, figures):
    ids = set(ds.figures.index) | set(ds.sources.index) | set(ds.indicators.index)
    columns = {c.name for t in schema.TABLES for c in t.columns if "_" in c.name}
    assert "figure_id" in columns
    token = re.compile(r"[\w-]+")
    for item in [book, *figures]:
        texts = [str(item.get(k, "")) for k in READABLE] + [a["literal"] for a in item["author"]]
        found = {t for text in texts for t in token.findall(text)} & (ids | columns)
        assert not found, (item["id"], found)


# ------------------------------------------------------------------ CSL-JSON


def _render(items: list[dict]) -> dict[str, str]:
    """Each item's bibliography entry as citeproc-py renders it, by key."""
    source = CiteProcJSON(json.loads(citations.to_csl_json(items)))
    bib = CitationStylesBibliography(CitationStylesStyle(STYLE, validate=False), source, formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    bib.sort()
    return {k: str(text) for k, text in zip(bib.keys, bib.bibliography(), strict=True)}


def test_csl_json_is_stable_json_that_reads_back_as_the_items(book, figures):
    text = citations.to_csl_json([book, *figures])
    assert json.loads(text) == [book, *figures]
    assert text == citations.to_csl_json(json.loads(text))
    assert "电" in citations.to_csl_json([HOSTILE])  # UTF-8, not \\u escapes


def test_citeproc_renders_the_book_and_every_figure(ds, book, figures):
    rendered = _render([book, *figures])
    assert set(rendered) == {book["id"], *(f["id"] for f in figures)}
    year = str(book["issued"]["date-parts"][0][0])
    for item in [book, *figures]:
        text = rendered[item["id"]]
        assert item["title"] in text and package.AUTHOR in text and f"({year})" in text, text
    for item in figures:
        text = rendered[item["id"]]
        assert item["publisher"] in text and BOOK_TITLE in text, text
        if "URL" in item:
            assert item["URL"] in text


def test_citeproc_renders_the_hostile_item_as_written():
    text = _render([HOSTILE])["hostile-1"]
    for value in (HOSTILE_TITLE, HOSTILE["author"][0]["literal"], "2025", HOSTILE["publisher"],
                  HOSTILE["container-title"]):
        assert value in text, (value, text)


# ------------------------------------------------------------------ BibTeX


def _decoded(text: str):
    return bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])


def test_bibtex_reads_back_as_the_data(book, figures, ed):
    items = [book, *figures]
    text = citations.to_bibtex(items)
    lib, raw = _decoded(text), bibtexparser.parse_string(text)
    assert lib.failed_blocks == [] and raw.failed_blocks == []
    assert [e.key for e in lib.entries] == [i["id"] for i in items]
    for item, entry, verbatim in zip(items, lib.entries, raw.entries, strict=True):
        f = entry.fields_dict
        assert entry.entry_type == "misc"
        assert f["title"].value == item["title"]
        assert f["author"].value == package.AUTHOR
        assert f["year"].value == str(item["issued"]["date-parts"][0][0])
        assert f["version"].value == ed
        # An address is written as it is (LaTeX decoding would read its '%' as a comment).
        assert verbatim.fields_dict["url"].value == item["URL"] if "URL" in item \
            else "url" not in verbatim.fields_dict
    # pybtex (which sphinxcontrib-bibtex uses) reads the same entries.
    assert list(pybtex_parse(text, "bibtex").entries) == [i["id"] for i in items]


def test_bibtex_of_the_book_is_what_the_downloads_page_shows(ds, ed):
    from fraudbook.chapters import downloads

    lib = _decoded(downloads.bibtex(ds, ed))
    assert lib.failed_blocks == [] and len(lib.entries) == 1
    f = lib.entries[0].fields_dict
    assert lib.entries[0].key == f"scamcentres{ed.replace('.', '')}"
    assert f["month"].value == ("January February March April May June July August September "
                                "October November December").split()[int(_release_day(ds, ed)[5:7]) - 1]
    assert "CC BY 4.0" in f["note"].value


def test_a_hostile_title_survives_a_round_trip_through_bibtex():
    text = citations.to_bibtex([HOSTILE])
    # pybtex escapes & % # _ ; the backslash and braces are written as LaTeX commands, and
    # the Chinese text and the dash stay as they are (UTF-8).
    assert r"R\&D at 50\% of \{the\} \#1 a\textbackslash{}b" in text and "电信网络诈骗 — the end" in text
    lib, raw = _decoded(text), bibtexparser.parse_string(text)
    assert lib.failed_blocks == [] and len(lib.entries) == 1
    f = lib.entries[0].fields_dict
    assert f["title"].value == HOSTILE_TITLE
    assert f["author"].value == HOSTILE["author"][0]["literal"]
    assert f["publisher"].value == HOSTILE["publisher"]
    assert f["note"].value == HOSTILE["note"]
    assert f["howpublished"].value == HOSTILE["container-title"] + ", edition 2025.04"
    assert raw.entries[0].fields_dict["url"].value == HOSTILE["URL"]
    assert pybtex_parse(text, "bibtex").entries["hostile-1"].fields["url"] == HOSTILE["URL"]


@pytest.mark.parametrize("title", ["an { unclosed brace", "a } stray one", "}{ backwards", "$5 and $6"])
def test_odd_titles_still_make_a_file_every_reader_parses(title):
    text = citations.to_bibtex([{**HOSTILE, "title": title}])
    assert pybtex_parse(text, "bibtex").entries["hostile-1"]
    lib = _decoded(text)
    assert lib.failed_blocks == [] and len(lib.entries) == 1
    if "$" in title:  # escaped, so no reader takes it for mathematics
        assert lib.entries[0].fields_dict["title"].value == title


# ------------------------------------------------------------------ RIS


def test_ris_reads_back_as_the_data(book, figures, ed):
    items = [book, *figures]
    text = citations.to_ris(items)
    assert text.startswith("TY  - DATA\n")  # no numbered line before a record
    records = rispy.loads(text)
    assert len(records) == len(items)
    for item, rec in zip(items, records, strict=True):
        assert rec["type_of_reference"] == "DATA" and rec["id"] == item["id"]
        assert rec["title"] == item["title"] and rec["authors"] == [package.AUTHOR]
        y, m, d = item["issued"]["date-parts"][0]
        assert rec["year"] == str(y) and rec["date"] == f"{y:04d}/{m:02d}/{d:02d}/"
        assert rec["edition"] == ed
        assert rec.get("urls") == ([item["URL"]] if "URL" in item else None)
        assert rec.get("secondary_title") == item.get("container-title")
        assert rec.get("publisher") == item.get("publisher")
        assert rec["notes"] == [item["note"]]


def test_a_hostile_item_survives_a_round_trip_through_ris():
    (rec,) = rispy.loads(citations.to_ris([HOSTILE]))
    assert rec["title"] == HOSTILE_TITLE and rec["authors"] == [HOSTILE["author"][0]["literal"]]
    assert rec["urls"] == [HOSTILE["URL"]] and rec["secondary_title"] == HOSTILE["container-title"]
    assert rec["year"] == "2025" and rec["date"] == "2025/04/21/"
