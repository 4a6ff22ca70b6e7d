"""What each column of each table holds, for people: data/columns.csv, one row per column
(table, column, description). The published data package carries these descriptions, and the
column tables of data/README.md are written from them (`python -m fraudbook data-readme`), so a
description is stated once. The file must name every column of the schema, and only those."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..paths import COLUMNS_FILE, relative
from . import schema
from .rules import DataError, Problem

FILE = COLUMNS_FILE
HEADER = ["table", "column", "description"]


def read(data_dir: Path) -> dict[str, dict[str, str]]:
    """{table: {column: description}}, checked against the schema (DataError naming the
    file, row and column of every problem)."""
    out, problems = described(data_dir)
    if problems:
        raise DataError(problems)
    return out


def described(data_dir: Path) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """{table: {column: description}} and the problems found in the file."""
    path = Path(data_dir) / FILE
    name = relative(path)
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
    except OSError as exc:
        return {}, [Problem(name, None, None, f"cannot be read ({exc.strerror or exc}); it describes "
                                                 "every column of every table, one row each")]
    except (UnicodeDecodeError, csv.Error) as exc:
        return {}, [Problem(name, None, None, f"is not a UTF-8 CSV file ({exc})")]
    if not rows or rows[0] != HEADER:
        return {}, [Problem(name, 1, None, f"the header must be {','.join(HEADER)}")]
    tables = {t.name: t for t in schema.TABLES}
    out: dict[str, dict[str, str]] = {t: {} for t in tables}
    problems: list[Problem] = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != 3:
            problems.append(Problem(name, n, None, f"has {len(row)} cells, not 3"))
            continue
        table, column, text = (c.strip() for c in row)
        if table not in tables:
            problems.append(Problem(name, n, "table", f"'{table}' is not a table of the schema"))
        elif column not in tables[table].column_names:
            problems.append(Problem(name, n, "column", f"'{column}' is not a column of {table}"))
        elif column in out[table]:
            problems.append(Problem(name, n, "column", f"{table}.{column} is described twice"))
        elif not text or re.search(r"[\r\n]", text):
            problems.append(Problem(name, n, "description", "must be one line of text"))
        else:
            out[table][column] = text
    for t in schema.TABLES:
        for c in t.column_names:
            if c not in out[t.name] and not any(p.row and p.reason.startswith(f"{t.name}.{c}") for p in problems):
                problems.append(Problem(name, None, None, f"{t.name}.{c} has no description"))
    return out, problems


def readme_table(table: schema.Table, described: dict[str, str]) -> str:
    """The Markdown table of one table's columns, in the schema's order; neighbouring columns
    with the same description share a row (`low`, `high`)."""
    lines = ["| column | rule |", "|---|---|"]
    names = table.column_names
    i = 0
    while i < len(names):
        j = i + 1
        while j < len(names) and described[names[j]] == described[names[i]]:
            j += 1
        cols = ", ".join(f"`{c}`" for c in names[i:j])
        lines.append(f"| {cols} | {described[names[i]]} |")
        i = j
    return "\n".join(lines)


_SECTION = re.compile(r"^## `(?P<table>\w+)\.csv`\n(?:\| column \| rule \|\n\|---\|---\|\n(?:\|.*\|\n)*)?",
                      re.MULTILINE)


def readme_with_tables(text: str, notes: dict[str, dict[str, str]]) -> str:
    """data/README.md with each table's section opening with its generated column table."""
    tables = {t.name: t for t in schema.TABLES}

    def section(m: re.Match) -> str:
        t = tables.get(m["table"])
        if t is None:
            return m[0]
        return f"## `{t.file}`\n{readme_table(t, notes[t.name])}\n"

    return _SECTION.sub(section, text)
