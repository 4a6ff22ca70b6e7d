"""The whole dataset as one SQLite file, with its keys and references, for people who query it.

`write_sqlite(ds, target, edition)` writes one table per table of fraudbook/data/schema.py,
named as the table and its CSV are, with:

- its primary key (`Table.key`) and NOT NULL on the required columns;
- its column types: a number column is INTEGER when every value is a whole number, REAL when
  every value is a number, TEXT otherwise; every other column is TEXT (dates stay the text
  `YYYY`, `YYYY-MM` or `YYYY-MM-DD` the data writes, as the data package keeps them); an empty
  cell is NULL (the data package's `missingValues: [""]`);
- its foreign keys, `Table.references` (from `Column.ref`), the same the data package's
  `foreignKeys` come from (fraudbook.data.package.table_schema). A "codes" column (several ids
  joined by ';': a figure's geography, an event's countries, a conflict's figures) declares
  none there and none here: it is text. A citation's, an audit row's and a change's
  `subject_id` names a figure or an event (or, in the ledger, one no longer in the data), so
  it is text too;
- an index on every foreign-key column;
- the cells the published CSVs hold: text that a spreadsheet would run as a formula carries the
  same leading apostrophe (fraudbook.data.package.csv_safe, the one rule for every download).

Three more tables, named with a leading underscore so that they sort apart from the data:

- `_tables`: one row per table: `table`, `title`, `description`, `key`, `rows`;
- `_columns`: one row per column: `table`, `column`, `position` (from 1, the CSV's order),
  `kind` (the schema's: text, id, number, date, enum, url, codes, currency), `type` (the
  SQLite type), `required` (1 or 0), `refers_to` ("table.column" or NULL), `description`
  (data/columns.csv);
- `_release`: one row: `name`, `title`, `description`, `edition`, `author`, `licence`,
  `licence_title`, `licence_url`, `licence_text`.

The file is written beside `target` under a temporary name and renamed over it once it is
complete and its references check (`PRAGMA foreign_key_check` finds nothing), so a reader or
a failed build never sees half a file. The same data gives the same rows in the same order
(each table in its file's order) every time.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import sqlite_utils

from ..errors import FraudbookError
from ..paths import DATA
from . import columns, package, schema
from .load import Dataset
from .values import blank

TABLES_TABLE = "_tables"
COLUMNS_TABLE = "_columns"
RELEASE_TABLE = "_release"


class SqliteError(FraudbookError, ValueError):
    """The file could not be made consistent (a reference the data's own check let through)."""


def _number(v) -> int | float | None:
    if blank(v):
        return None
    f = float(v)
    return int(f) if f.is_integer() and abs(f) < 2**63 else f


def column_type(col: schema.Column, values) -> type:
    """The SQLite type of a column's values: int (INTEGER), float (REAL) or str (TEXT)."""
    if col.kind != "number":
        return str
    kinds = set()
    for v in values:
        if blank(v):
            continue
        try:
            n = _number(v)
        except (TypeError, ValueError):
            return str
        kinds.add(type(n))
    return float if float in kinds else int


def table_rows(ds: Dataset, table: schema.Table) -> tuple[dict[str, type], list[dict]]:
    """A table's column types and its rows as the SQLite file holds them (None for empty)."""
    df = package.csv_safe(package.table_frame(ds, table))
    types = {c.name: column_type(c, df[c.name]) for c in table.columns}
    rows = []
    for rec in df.itertuples(index=False):
        row = {}
        for c, v in zip(table.columns, rec, strict=True):
            if blank(v):
                row[c.name] = None
            elif types[c.name] is str:
                row[c.name] = package.number_text(v) if c.kind == "number" else str(v)
            else:
                row[c.name] = _number(v)
        rows.append(row)
    return types, rows


_SQL_TYPE = {int: "INTEGER", float: "REAL", str: "TEXT"}


def _fill(db: sqlite_utils.Database, ds: Dataset, edition: str, notes: dict[str, dict[str, str]]) -> None:
    tables, cols = [], []
    for t in schema.TABLES:
        types, rows = table_rows(ds, t)
        db[t.name].create(types, pk=t.key, foreign_keys=t.references,
                          not_null={c.name for c in t.columns if c.required})
        db[t.name].insert_all(rows)
        tables.append({"table": t.name, "title": package.TABLE_TITLES[t.name],
                       "description": package.TABLE_DESCRIPTIONS[t.name], "key": t.key,
                       "rows": len(rows)})
        for i, c in enumerate(t.columns, start=1):
            cols.append({"table": t.name, "column": c.name, "position": i, "kind": c.kind,
                         "type": _SQL_TYPE[types[c.name]], "required": int(c.required),
                         "refers_to": c.ref,
                         "description": notes.get(t.name, {}).get(c.name)})
    db[TABLES_TABLE].create({"table": str, "title": str, "description": str, "key": str,
                             "rows": int}, pk="table", not_null={"title", "description", "key", "rows"})
    db[TABLES_TABLE].insert_all(tables)
    db[COLUMNS_TABLE].create({"table": str, "column": str, "position": int, "kind": str, "type": str,
                              "required": int, "refers_to": str, "description": str},
                             pk=("table", "column"), foreign_keys=[("table", TABLES_TABLE, "table")],
                             not_null={"position", "kind", "type", "required"})
    db[COLUMNS_TABLE].insert_all(cols)
    db[RELEASE_TABLE].create({"name": str, "title": str, "description": str, "edition": str,
                              "author": str, "licence": str, "licence_title": str,
                              "licence_url": str, "licence_text": str}, pk="name")
    db[RELEASE_TABLE].insert({
        "name": package.NAME, "title": package.TITLE, "description": package.DESCRIPTION,
        "edition": edition, "author": package.AUTHOR, "licence": package.LICENCE["name"],
        "licence_title": package.LICENCE["title"], "licence_url": package.LICENCE["path"],
        "licence_text": package.LICENCE_SENTENCE})
    db.index_foreign_keys()


def foreign_key_problems(conn: sqlite3.Connection) -> list[tuple]:
    """`PRAGMA foreign_key_check`: one row per reference to a row that is not there."""
    return list(conn.execute("PRAGMA foreign_key_check"))


def write_sqlite(ds: Dataset, target: Path, edition: str, data_dir: Path | None = None) -> Path:
    """Write the dataset `ds` at `edition` as one SQLite file at `target` (atomically) and return
    its path. The columns' descriptions are read from `data_dir` (data/ by default)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    notes = columns.read(Path(data_dir) if data_dir else DATA)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            db = sqlite_utils.Database(conn)
            with conn:
                _fill(db, ds, edition, notes)
            conn.execute("PRAGMA foreign_keys = ON")
            broken = foreign_key_problems(conn)
            if broken:
                raise SqliteError(f"{target.name}: {len(broken)} reference(s) to rows that are not "
                                  f"there, e.g. {broken[:3]} (table, rowid, referred table, key)")
            conn.execute("VACUUM")
        finally:
            conn.close()
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
