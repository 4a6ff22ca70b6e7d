"""The SQLite file of the whole dataset: every table with every row and cell of its CSV, its
primary key, its declared foreign keys (and only those), references that all resolve and are
enforced, a description of every table and column, written atomically and the same every time;
and the release step writes it, and the feed, into the site."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from fraudbook.data import columns, package, schema
from fraudbook.data.claims import book_title, edition
from fraudbook.data.load import load
from fraudbook.data.sqlite import COLUMNS_TABLE, RELEASE_TABLE, TABLES_TABLE, SqliteError, write_sqlite
from fraudbook.paths import ROOT

DATA = ROOT / "data"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    return write_sqlite(load(), tmp_path_factory.mktemp("sqlite") / "data.sqlite", edition())


@pytest.fixture
def conn(db_path):
    c = sqlite3.connect(db_path)
    yield c
    c.close()


def csv_rows(table: str) -> list[dict]:
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_table_has_the_rows_of_its_csv(conn):
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {t.name for t in schema.TABLES} | {TABLES_TABLE, COLUMNS_TABLE, RELEASE_TABLE} == names
    for t in schema.TABLES:
        (n,) = conn.execute(f'SELECT COUNT(*) FROM "{t.name}"').fetchone()
        assert n == len(csv_rows(t.name)) > 0, t.name


def test_every_cell_is_the_published_csvs_cell(conn):
    ds = load()
    for t in schema.TABLES:
        published = list(csv.reader(package.table_csv(ds, t).splitlines()))
        cur = conn.execute(f'SELECT * FROM "{t.name}" ORDER BY rowid')
        assert [d[0] for d in cur.description] == t.column_names == published[0]
        got = [[("" if v is None else package.number_text(v) if isinstance(v, int | float) else v)
                 for v in row] for row in cur]
        assert got == published[1:], t.name


def test_keys_and_types(conn):
    for t in schema.TABLES:
        info = {r[1]: r for r in conn.execute(f'PRAGMA table_info("{t.name}")')}
        assert [c for c, r in info.items() if r[5]] == [t.key], t.name  # the primary key
        for c in t.columns:
            declared, notnull = info[c.name][2], info[c.name][3]
            assert notnull == int(c.required), (t.name, c.name)
            assert declared in (("INTEGER", "REAL") if c.kind == "number" else ("TEXT",)), (t.name, c.name)
            stored = {k for (k,) in conn.execute(f'SELECT DISTINCT typeof("{c.name}") FROM "{t.name}"')} - {"null"}
            assert stored <= {declared.lower()}, (t.name, c.name, stored)
    (kinds,) = conn.execute("SELECT group_concat(DISTINCT typeof(value)) FROM figures WHERE value IS NOT NULL").fetchone()
    assert set(kinds.split(",")) <= {"real", "integer"}
    assert conn.execute("SELECT COUNT(*) FROM figures WHERE period_start IS NULL").fetchone()[0] == \
        sum(1 for r in csv_rows("figures") if not r["period_start"])


def test_a_join_gives_what_pandas_gives_from_the_csvs(conn):
    cit = pd.read_csv(DATA / "citations.csv", dtype=str, keep_default_na=False)
    fig = pd.read_csv(DATA / "figures.csv", dtype=str, keep_default_na=False)
    src = pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False)
    joined = (cit.merge(fig, left_on="subject_id", right_on="figure_id")
              .merge(src, on="source_id", suffixes=("", "_source")))
    expected = joined.groupby(["kind", "role"]).size().to_dict()
    got = {(k, r): n for k, r, n in conn.execute(
        "SELECT s.kind, c.role, COUNT(*) FROM citations c JOIN figures f ON f.figure_id = c.subject_id "
        "JOIN sources s ON s.source_id = c.source_id GROUP BY s.kind, c.role")}
    assert got == expected and sum(got.values()) == len(joined) > 200
    # every figure has exactly one primary citation, in both
    (primaries,) = conn.execute("SELECT COUNT(*) FROM citations c JOIN figures f ON f.figure_id = c.subject_id "
                                "WHERE c.role = 'primary'").fetchone()
    assert primaries == int((joined["role"] == "primary").sum()) == len(fig)


def test_the_declared_foreign_keys_and_only_those(conn):
    declared = {(t.name, c.name, *c.ref.split(".")) for t in schema.TABLES for c in t.columns
                if c.ref and c.kind != "codes"}
    assert ("citations", "source_id", "sources", "source_id") in declared
    assert ("figures", "indicator", "indicators", "indicator") in declared
    found = set()
    for t in schema.TABLES:
        for row in conn.execute(f'PRAGMA foreign_key_list("{t.name}")'):
            found.add((t.name, row[3], row[2], row[4]))
    assert found == declared
    # the data package declares the same ones
    for t in schema.TABLES:
        fks = package.table_schema(t).get("foreignKeys", [])
        pkg = {(t.name, fk["fields"][0], fk["reference"]["resource"] or t.name, fk["reference"]["fields"][0])
               for fk in fks}
        assert pkg == {d for d in declared if d[0] == t.name}
    # a codes column (ids joined by ';') is text, never a foreign key
    codes = {(t.name, c.name) for t in schema.TABLES for c in t.columns if c.kind == "codes"}
    assert ("figures", "geography") in codes and ("conflicts", "figure_ids") in codes
    assert not codes & {(f[0], f[1]) for f in found}


def test_every_reference_resolves_and_is_enforced(db_path, tmp_path):
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(db_path.read_bytes())
    c = sqlite3.connect(copy)
    try:
        c.execute("PRAGMA foreign_keys = ON")
        assert c.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert list(c.execute("PRAGMA foreign_key_check")) == []
        row = c.execute("SELECT * FROM citations LIMIT 1").fetchone()
        names = [d[1] for d in c.execute("PRAGMA table_info(citations)")]
        bad = dict(zip(names, row, strict=True)) | {"citation_id": "new-citation", "source_id": "no-such-source"}
        sql = f"INSERT INTO citations ({', '.join(bad)}) VALUES ({', '.join('?' * len(bad))})"
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            c.execute(sql, list(bad.values()))
        c.rollback()
        good = bad | {"source_id": row[names.index("source_id")]}
        c.execute(sql, list(good.values()))  # the same row with a known source goes in
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            c.execute("UPDATE figures SET indicator = 'no_such_indicator' WHERE rowid = 1")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            c.execute("DELETE FROM sources WHERE source_id = ?", (row[names.index("source_id")],))
    finally:
        c.close()


def test_the_tables_and_columns_are_described(conn):
    tables = {r[0]: r for r in conn.execute(f'SELECT "table", title, description, key, rows FROM {TABLES_TABLE}')}
    assert list(tables) == [t.name for t in schema.TABLES]
    for t in schema.TABLES:
        assert tables[t.name][1:4] == (package.TABLE_TITLES[t.name], package.TABLE_DESCRIPTIONS[t.name], t.key)
        assert tables[t.name][4] == len(csv_rows(t.name))
    notes = columns.read(DATA)
    cols = list(conn.execute(f'SELECT "table", "column", position, kind, type, required, refers_to, description '
                             f"FROM {COLUMNS_TABLE} ORDER BY rowid"))
    assert [(r[0], r[1]) for r in cols] == [(t.name, c.name) for t in schema.TABLES for c in t.columns]
    for tname, cname, pos, kind, typ, required, refers, text in cols:
        t = next(t for t in schema.TABLES if t.name == tname)
        col = t.columns[pos - 1]
        assert col.name == cname and kind == col.kind and required == int(col.required)
        assert refers == (col.ref if col.kind != "codes" else None)
        assert text == notes[tname][cname] and text
        assert typ == next(r[2] for r in conn.execute(f'PRAGMA table_info("{tname}")') if r[1] == cname)
    (about,) = conn.execute(f"SELECT json_object('edition', edition, 'licence', licence, 'url', licence_url, "
                            f"'title', title, 'author', author) FROM {RELEASE_TABLE}").fetchall()
    assert json.loads(about[0]) == {"edition": edition(), "licence": "CC-BY-4.0", "url": package.LICENCE["path"],
                                    "title": package.TITLE, "author": package.AUTHOR}


def _dump(path: Path) -> list[str]:
    c = sqlite3.connect(path)
    try:
        return list(c.iterdump())
    finally:
        c.close()


def test_the_same_data_gives_the_same_file(db_path, tmp_path):
    again = write_sqlite(load(), tmp_path / "again.sqlite", edition())
    assert _dump(again) == _dump(db_path)
    assert again.read_bytes() == db_path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.sqlite"]  # no temporary file left


def test_a_broken_reference_leaves_the_previous_file_in_place(tmp_path):
    target = write_sqlite(load(), tmp_path / "d.sqlite", edition())
    before = target.read_bytes()
    ds = load()
    ds.citations.iloc[0, list(ds.citations.columns).index("source_id")] = "no-such-source"
    with pytest.raises(SqliteError, match="reference"):
        write_sqlite(ds, target, edition())
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["d.sqlite"]


def test_a_formula_cell_is_neutralised_as_in_the_csv(tmp_path):
    ds = load()
    first = ds.sources.index[0]
    ds.sources.loc[first, "note"] = '=HYPERLINK("http://evil.example","x")'
    c = sqlite3.connect(write_sqlite(ds, tmp_path / "h.sqlite", "2026.11"))
    try:
        (note,) = c.execute("SELECT note FROM sources WHERE source_id = ?", (first,)).fetchone()
        assert note == "'" + ds.sources.loc[first, "note"]
        assert c.execute(f"SELECT edition FROM {RELEASE_TABLE}").fetchone() == ("2026.11",)
    finally:
        c.close()


def test_the_release_step_writes_the_sqlite_file_and_the_feed_into_the_site(tmp_path):
    from fraudbook.kit.feed import feed_xml
    from fraudbook.kit.jsonld import dataset_jsonld
    from fraudbook.paths import Layout
    from fraudbook.pipeline.release import write_release

    html = tmp_path / "html"
    files = write_release(Layout(ROOT, build_override=tmp_path / "b"), html, log=lambda *_: None)
    ed = edition()
    assert files["sqlite"] == html / "data" / f"{package.NAME}-{ed}.sqlite"
    assert files["sqlite"].parent == files["zip"].parent
    assert files["feed"] == html / "feed.atom"
    c = sqlite3.connect(files["sqlite"])
    try:
        assert c.execute("SELECT COUNT(*) FROM figures").fetchone()[0] == len(csv_rows("figures"))
    finally:
        c.close()
    assert files["feed"].read_bytes() == feed_xml(load(), ed, book_title())
    described = dataset_jsonld(load(), ed, package.release_files(ed))
    for d in described["distribution"]:
        assert (html / d["contentUrl"]).is_file(), d["contentUrl"]
    # Every download the Downloads page links is a file the release step wrote, and the book's
    # citation files parse in reference managers' libraries.
    import re

    import bibtexparser
    import rispy

    from fraudbook.chapters import downloads as dl

    linked = re.findall(r'href="\.\./([^"]+)"', dl.whole_html(ed) + dl.cite_html(load(), ed))
    assert len(linked) == 8
    for path in linked:
        assert (html / path).is_file(), path
    lib = bibtexparser.parse_string(files["bibtex"].read_text(encoding="utf-8"))
    assert not lib.failed_blocks and [e.key for e in lib.entries] == [f"scamcentres{ed.replace('.', '')}"]
    (ris,) = rispy.loads(files["ris"].read_text(encoding="utf-8"))
    assert ris["type_of_reference"] == "DATA" and ris["edition"] == ed
    (csl,) = json.loads(files["csl"].read_text(encoding="utf-8"))
    assert csl["version"] == ed and csl["type"] == "dataset"
