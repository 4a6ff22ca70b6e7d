"""Column descriptions: data/columns.csv names every column of the schema once; the data
package carries them; data/README.md's column tables are written from them."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from fraudbook.data import columns, package, schema
from fraudbook.data.load import load
from fraudbook.data.rules import DataError
from fraudbook.paths import DATA


def copy_data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    return d


def rewrite(path, edit):
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def test_every_column_of_every_table_is_described_once():
    described = columns.read(DATA)
    for t in schema.TABLES:
        assert set(described[t.name]) == set(t.column_names)
        assert all(len(v) > 10 for v in described[t.name].values()), t.name


def test_the_readme_shows_the_described_columns():
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert columns.readme_with_tables(text, columns.read(DATA)) == text, \
        "data/README.md differs from data/columns.csv: run `python -m fraudbook data-readme`"


def test_the_package_carries_each_description(tmp_path):
    folder = tmp_path / "pkg"
    package.write_package(load(), folder, "2026.12", DATA)
    d = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    fields = {(r["name"], f["name"]): f.get("description") for r in d["resources"]
              for f in r["schema"]["fields"]}
    want = columns.read(DATA)
    assert fields[("figures", "qualifier")] == want["figures"]["qualifier"]
    assert all(fields[(t, c)] == text for t, cols in want.items() for c, text in cols.items())


def test_an_edited_description_reaches_the_readme_table(tmp_path):
    d = copy_data(tmp_path)
    rewrite(d / "columns.csv", lambda rows: [r if r[:2] != ["events", "title"]
                                             else [*r[:2], "a new description of the title"]
                                             for r in rows])
    text = (d / "README.md").read_text(encoding="utf-8")
    new = columns.readme_with_tables(text, columns.read(d))
    assert "| `title` | a new description of the title |" in new.split("## `events.csv`")[1].split("\n## ")[0]
    assert new != text


@pytest.mark.parametrize("edit, where", [
    (lambda rows: rows + [["figures", "colour", "a column the schema does not have"]],
     "row 97, column 'column': 'colour' is not a column of figures"),
    (lambda rows: rows + [["tables", "x", "no such table"]],
     "row 97, column 'table': 'tables' is not a table of the schema"),
    (lambda rows: [r for r in rows if r[:2] != ["sources", "url"]],
     "sources.url has no description"),
    (lambda rows: rows + [["figures", "note", "said twice"]],
     "row 97, column 'column': figures.note is described twice"),
    (lambda rows: [r if r[:2] != ["figures", "note"] else [*r[:2], "two\nlines"] for r in rows],
     "column 'description': must be one line of text"),
    (lambda rows: [["table", "col", "description"]] + rows[1:], "row 1: the header must be"),
])
def test_a_bad_description_file_names_its_row_and_column(tmp_path, edit, where):
    d = copy_data(tmp_path)
    rewrite(d / "columns.csv", edit)
    with pytest.raises(DataError) as exc:
        columns.read(d)
    assert "columns.csv" in str(exc.value) and where in str(exc.value)


def test_make_check_reports_a_missing_description_file(tmp_path, capsys):
    from fraudbook.data.check import report
    from fraudbook.paths import Layout

    d = copy_data(tmp_path)
    (d / "columns.csv").unlink()
    assert report(d, Layout.from_env()) == 1
    err = capsys.readouterr().err
    assert "columns.csv: cannot be read" in err and "describes every column" in err
