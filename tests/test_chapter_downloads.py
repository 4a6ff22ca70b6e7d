"""The "Download the data" page: every table with its rows, description and a link to the
file the release step writes; the whole package, the workbook, how to cite and the licence."""

from __future__ import annotations

from fraudbook.chapters import downloads as dl
from fraudbook.data import package, schema
from fraudbook.data.claims import edition


def test_a_row_per_table_with_its_count_description_and_link(ds):
    ed = edition()
    t = dl.tables(ds, ed)
    assert len(t) == len(schema.TABLES)
    for (_, row), table in zip(t.iterrows(), schema.TABLES, strict=True):
        assert row["rows"] == f"{len(getattr(ds, table.name)):,}"
        assert row["description"] == package.TABLE_DESCRIPTIONS[table.name]
        assert f'href="../{package.release_files(ed)["csv:" + table.name]}"' in row["link"]


def test_links_go_to_what_the_release_step_writes():
    ed = edition()
    html = dl.whole_html(ed)
    for key in ("zip", "workbook", "descriptor"):
        assert f'href="../{package.release_files(ed)[key]}"' in html
    assert html.count("<li>") == 3


def test_citation_and_licence(ds):
    ed = edition()
    cite = dl.cite_html(ds, ed)
    assert f"edition {ed}" in cite and package.AUTHOR in cite and "@misc{" in cite
    assert "CC BY 4.0" in dl.licence_html() and "MIT" in dl.licence_html()
