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
    keys = ("zip", "workbook", "sqlite", "descriptor", "feed")
    for key in keys:
        assert f'href="../{package.release_files(ed)[key]}"' in html
    assert html.count("<li>") == len(keys)


def test_citation_and_licence(ds):
    ed = edition()
    cite = dl.cite_html(ds, ed)
    assert f"edition {ed}" in cite and package.AUTHOR in cite and "@misc{" in cite
    for key in ("bibtex", "ris", "csl"):
        assert f'href="../{package.release_files(ed)[key]}"' in cite
    assert "CC BY 4.0" in dl.licence_html() and "MIT" in dl.licence_html()


def test_the_bibtex_shown_is_one_entry_a_reader_can_paste(ds):
    import html
    import re

    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    ed = edition()
    shown = html.unescape(re.search(r"<code>(.*?)</code>", dl.cite_html(ds, ed), re.S).group(1))
    assert shown == dl.bibtex(ds, ed).rstrip()
    lib = bibtexparser.parse_string(shown, append_middleware=[LatexDecodingMiddleware()])
    assert lib.failed_blocks == [] and len(lib.entries) == 1
    entry = lib.entries[0]
    assert entry.entry_type == "misc" and entry.key == "scamcentres" + ed.replace(".", "")
    f = {k: v.value for k, v in entry.fields_dict.items()}
    assert f["author"] == package.AUTHOR and f["version"] == ed
    assert f["title"] == "Scam centres and the money they take: an open data book"
    assert f["year"] == (dl.release_date(ds, ed) or ed)[:4]
