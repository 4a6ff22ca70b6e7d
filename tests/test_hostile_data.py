"""Hostile or careless tables in data/: each problem is one line naming file, row and column;
the check exits 1 without a traceback; a build stops before anything executes and leaves
book/ and the site byte-identical."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fraudbook.data.load import load
from fraudbook.data.numbers import parse_cell_number
from fraudbook.data.rules import validate

from .hostile import write_tables
from .test_hostile_build import fails_cleanly, runs, snapshot, tree  # noqa: F401 - fixture


@pytest.fixture
def data(tmp_path):
    folder = write_tables(tmp_path / "data")
    assert validate(folder)[1] == [], "the hostile-data fixture is not valid to begin with"
    return folder


def edit(folder, table, change):
    """Apply `change` (bytes -> bytes) to a table file."""
    path = folder / f"{table}.csv"
    new = change(path.read_bytes())
    assert new != path.read_bytes(), "the edit changed nothing"
    path.write_bytes(new)


def replace(old, new, count=1):
    old = old.encode() if isinstance(old, str) else old
    new = new.encode() if isinstance(new, str) else new
    return lambda b: b.replace(old, new, count)


def set_cell(table, row, column, value):
    """An edit of one cell, written back with the csv module (so quoting stays right)."""
    import csv
    import io

    def change(raw):
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        rows[row - 1][rows[0].index(column)] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return buf.getvalue().encode("utf-8")
    return change


def problems_in(folder, table):
    _, problems = validate(folder)
    for p in problems:
        text = str(p)
        assert "\n" not in text and text.isprintable(), f"not one printable line: {text!r}"
        assert len(text) < 700, "an unbounded message"
    return [p for p in problems if p.file.endswith(f"{table}.csv")]


def one(folder, table, row, column, *words):
    found = problems_in(folder, table)
    match = [p for p in found if p.row == row and p.column == column and all(w in p.reason for w in words)]
    assert match, f"no problem at row {row}, column {column!r} saying {words}: {[str(p) for p in found]}"
    return match[0]


# --- encodings and shapes ---------------------------------------------------------------------

def test_latin1_byte_names_file_row_and_byte(data):
    edit(data, "geographies", replace("Myanmar", b"Myanm\xe9r"))
    p = one(data, "geographies", 2, None, "not UTF-8", "0xE9", "byte offset")
    assert p.file.endswith("geographies.csv")


def test_utf16_file(data):
    path = data / "indicators.csv"
    path.write_bytes(path.read_text().encode("utf-16"))
    one(data, "indicators", None, None, "UTF-16")


def test_bom_at_start_is_accepted(data):
    edit(data, "geographies", lambda b: b"\xef\xbb\xbf" + b)
    edit(data, "figures", lambda b: b"\xef\xbb\xbf" + b)
    assert validate(data)[1] == []


def test_invisible_character_in_header_is_shown_escaped(data):
    edit(data, "geographies", lambda b: "\u200b".encode() + b)
    found = problems_in(data, "geographies")
    assert any(p.row == 1 and "U+200B" in p.reason for p in found), [str(p) for p in found]
    assert not any("\u200b" in str(p) for p in found), "an invisible character in a message"


def test_header_with_trailing_comma(data):
    edit(data, "places", lambda b: b.replace(b"\n", b",\n"))
    one(data, "places", 1, None, "the last column of the header has no name", "trailing comma")


def test_row_with_trailing_comma(data):
    edit(data, "places", lambda b: b.rstrip(b"\n") + b",\n")
    one(data, "places", 2, None, "malformed row", "trailing comma")


def test_mis_cased_column_name_is_one_problem(data):
    edit(data, "geographies", replace("code,name", "Code,name"))
    one(data, "geographies", 1, "Code", "unknown column", "lowercase", "rename the column 'code'")
    assert len(validate(data)[1]) == 1, "a renamed column also reported as missing"


@pytest.mark.parametrize("table,old,new", [
    ("figures", "geography", "geograhpy"),
    ("sources", "source_id", "sourceid"),
    ("citations", "subject_id", "subject"),
])
def test_a_mistyped_column_is_one_message_not_a_cascade(data, table, old, new):
    # Every reference to the table's ids would otherwise be "unknown", row after row.
    edit(data, table, lambda b: b.replace(old.encode(), new.encode(), 1))
    problems = validate(data)[1]
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].column == new and f"'{old}'" in problems[0].reason


def test_a_file_without_its_header_is_one_message(data):
    edit(data, "sources", lambda b: b.split(b"\n", 1)[1])
    problems = validate(data)[1]
    assert len(problems) == 1, [str(p) for p in problems]
    assert "not this table's header" in problems[0].reason and "source_id,title," in problems[0].reason


@pytest.mark.parametrize("char,words", [
    ("\x00", "a NUL byte"),
    ("\x1b[31m", "control character U+001B"),
    ("\u202e", "invisible character U+202E"),
    ("\u2028", "U+2028"),
])
def test_control_and_invisible_characters_in_a_value(data, char, words):
    edit(data, "sources", set_cell("sources", 3, "publisher", f"D{char}W"))
    p = one(data, "sources", 3, "publisher", words)
    assert char not in str(p)


def test_curly_quotes_used_as_csv_quotes(data):
    edit(data, "sources", replace('"31,000 suspects handed over"', "“31,000 suspects handed over”"))
    one(data, "sources", 2, None, "malformed row", "curly quotes")


def test_unclosed_quote_names_the_row_where_it_starts(data):
    edit(data, "places", replace(",Kunming,", ',"Kunming,'))
    one(data, "places", 2, None, "never ends")


@pytest.mark.parametrize("length", [2_500, 200_000, 1_000_000])
def test_value_of_unbounded_length_names_its_column(data, length):
    # Past the csv module's own field limit (131,072) too: the column is still named.
    edit(data, "sources", set_cell("sources", 2, "note", "x" * length))
    one(data, "sources", 2, "note", f"{length:,} characters long")
    import csv
    assert csv.field_size_limit() == 131_072, "the csv module's limit was left changed"


def test_a_table_linked_out_of_the_data_folder_is_refused_unread(data, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text("code,name\nTOP,secret words\n", encoding="utf-8")
    (data / "places.csv").unlink()
    (data / "places.csv").symlink_to(outside)
    problems = validate(data)[1]
    assert [(p.file.endswith("places.csv"), p.row) for p in problems] == [(True, None)]
    assert "symbolic link leading out of the data folder" in problems[0].reason
    assert "secret" not in str(problems[0])


def test_a_table_linked_inside_the_data_folder_is_read(data):
    (data / "copy").mkdir()
    (data / "places.csv").rename(data / "copy" / "places.csv")
    (data / "places.csv").symlink_to(data / "copy" / "places.csv")
    assert validate(data)[1] == []


@pytest.mark.parametrize("char,name", [("\u041e", "CYRILLIC CAPITAL LETTER O"),
                                       ("\u0399", "GREEK CAPITAL LETTER IOTA")])
def test_a_look_alike_character_in_a_reference_is_named_by_code_point(data, char, name):
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO((data / "citations.csv").read_text())))
    sid = rows[0]["subject_id"]
    letter = next(c for c in sid if c.isalpha() and c.isupper())
    edit(data, "citations", set_cell("citations", 2, "subject_id", sid.replace(letter, char, 1)))
    p = one(data, "citations", 2, "subject_id", "unknown")
    assert f"U+{ord(char):04X} {name}" in p.reason and "not an ASCII letter" in p.reason


def test_table_that_is_a_folder(data):
    (data / "places.csv").unlink()
    (data / "places.csv").mkdir()
    one(data, "places", None, None, "cannot be read")


# --- ids that differ only by case ---------------------------------------------------------------

def test_case_twin_geography_codes(data):
    edit(data, "geographies", lambda b: b + b"mmr,Myanmar again,region,,\n")
    one(data, "geographies", 6, "code", "differs from 'MMR' (row 2) only in letter case")


def test_case_twin_ids_in_a_mixed_case_column(data):
    from fraudbook.data import schema

    mixed = [t for t in schema.TABLES if any(c.name == t.key and c.pattern and "A-Za-z" in c.pattern
                                             for c in t.columns)]
    assert mixed, "the figures' ids mix cases: a table with mixed-case ids is expected"
    table = mixed[0]
    import csv
    import io
    rows = list(csv.reader(io.StringIO((data / table.file).read_text())))
    key = rows[0].index(table.key)
    twin = list(rows[1])
    twin[key] = rows[1][key].swapcase()
    edit(data, table.name, lambda b: b + (",".join(f'"{v}"' for v in twin) + "\n").encode())
    one(data, table.name, len(rows) + 1, table.key, "only in letter case")


# --- one number parser ------------------------------------------------------------------------

@pytest.mark.parametrize("text,words", [
    ("1_000", "'_' separators"),
    ("١٢٣", "non-ASCII digit"),
    ("nan", "NaN and infinity"),
    ("NaN", "NaN and infinity"),
    ("inf", "NaN and infinity"),
    ("-Infinity", "NaN and infinity"),
    (" 1e3", "without an exponent"),
    ("1e400", "without an exponent"),
    ("31,000", "thousands separators"),
    ("+31000", "'+' sign"),
    (".5", "both sides of the decimal point"),
    ("9" * 400, "more than 40 characters"),
    ("0x10", "write digits"),
])
def test_numbers_only_as_plain_ascii_decimals(data, text, words):
    edit(data, "figures", set_cell("figures", 2, "value", text))
    p = one(data, "figures", 2, "value", "is not a number", words)
    others = [q for q in problems_in(data, "figures") if q.row == 2 and q.column == "value" and q is not p]
    assert not any("quote" in q.reason for q in others), [str(q) for q in others]


def test_checker_and_loader_read_numbers_identically(data):
    edit(data, "places", set_cell("places", 2, "lat", "025.03890"))
    edit(data, "places", set_cell("places", 2, "lon", "-0.5"))
    ds = load(data)
    row = ds.places.iloc[0]
    assert row["lat"] == parse_cell_number("025.03890") == 25.0389
    assert row["lon"] == parse_cell_number("-0.5")
    assert str(ds.places["lat"].dtype) == "float64"


def test_parse_cell_number_refuses_what_float_takes():
    for text in ("1_000", "١٢٣", "nan", "inf", " 1e3", "1e3", "\u0661", "1.", "-", ""):
        with pytest.raises(ValueError):
            parse_cell_number(text)
    assert parse_cell_number("-12.50") == -12.5


# --- vocabularies -----------------------------------------------------------------------------

@pytest.mark.parametrize("table,row,value,words", [
    ("figures", 3, "GBP", "not one the book can show"),
    ("figures", 3, "usd", "three-letter ISO 4217 code"),
    ("figures", 3, "XXXX", "three-letter"),
    ("fx_rates", 2, "GBP", "not one the book can show"),
    ("fx_rates", 2, "USD", "makes no sense"),
])
def test_unknown_currency_codes_are_refused(data, table, row, value, words):
    edit(data, table, set_cell(table, row, "currency", value))
    one(data, table, row, "currency", words)


def test_the_allowed_currencies_are_the_ones_the_pages_support():
    from fraudbook.chapters import losses
    from fraudbook.data import schema
    from fraudbook.paths import ROOT
    from fraudbook.pipeline.params import template_parameters

    declared = template_parameters(ROOT / "notebooks" / "losses.ipynb")["currency"]
    assert set(declared.choices) == set(schema.CURRENCIES) == set(losses.CURRENCIES)


def test_a_currency_without_a_sourced_rate_is_refused(data):
    # The fixture holds a rate for CNY only: a figure in EUR could not be converted.
    edit(data, "figures", set_cell("figures", 3, "currency", "EUR"))
    one(data, "figures", 3, "currency", "no rate for EUR")


@pytest.mark.parametrize("table,row,column,value", [
    ("figures", 2, "geography", "northern-myanmar;"),
    ("figures", 2, "geography", ";northern-myanmar"),
    ("figures", 5, "geography", "northern-myanmar;;CHN"),
    ("figures", 5, "geography", "northern-myanmar; ;CHN"),
    ("events", 2, "countries", "CHN;MMR;"),
    ("conflicts", 2, "figure_ids", "DW-37;CN-RANGE;"),
])
def test_empty_item_in_a_list_of_codes(data, table, row, column, value):
    edit(data, table, set_cell(table, row, column, value))
    one(data, table, row, column, "has an empty item")


def test_code_listed_twice(data):
    edit(data, "events", set_cell("events", 2, "countries", "CHN;MMR;CHN"))
    one(data, "events", 2, "countries", "lists 'CHN' twice")


def test_date_with_non_ascii_digits(data):
    edit(data, "events", set_cell("events", 2, "date", "٢٠٢٥-11-14"))
    one(data, "events", 2, "date", "not a date")


# --- the commands -------------------------------------------------------------------------------

def test_check_command_prints_one_line_per_problem_without_traceback(data):
    edit(data, "figures", set_cell("figures", 2, "value", "nan"))
    edit(data, "events", set_cell("events", 2, "countries", "CHN;\x1b[2J\u202eMMR;"))
    edit(data, "geographies", lambda b: b + b"mmr,Myanmar again,region,,\n")
    env = {**os.environ, "FRAUDBOOK_DATA": str(data)}
    done = subprocess.run([sys.executable, "-m", "fraudbook", "check"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    err = done.stderr
    assert "Traceback" not in err
    assert "\x1b" not in err and "\u202e" not in err
    lines = err.splitlines()
    assert lines[0].startswith("data check FAILED")
    assert all(line.startswith("  - ") and line.isprintable() for line in lines[1:]), lines
    assert any("figures.csv, row 2, column 'value'" in line and "NaN" in line for line in lines)
    assert any("events.csv, row 2, column 'countries'" in line for line in lines)
    assert any("geographies.csv, row 6, column 'code'" in line for line in lines)


@pytest.mark.parametrize("table,change,where", [
    ("figures", set_cell("figures", 2, "note", "a\x00b"), "figures.csv, row 2, column 'note'"),
    ("figures", set_cell("figures", 2, "value", "inf"), "figures.csv, row 2, column 'value'"),
    ("figures", set_cell("figures", 3, "currency", "GBP"), "figures.csv, row 3, column 'currency'"),
    ("geographies", replace("Myanmar", b"Myanm\xe9r"), "geographies.csv, row 2"),
])
def test_bad_data_stops_the_build_before_anything_executes(tree, capsys, table, change, where):  # noqa: F811
    runs(tree, ("ok", "ok", {}))
    edit(tree / "data", table, change)
    fails_cleanly(capsys, tree, snapshot(tree), where, "BUILD FAILED")


def test_byte_offset_counts_a_byte_order_mark(data):
    edit(data, "geographies", lambda b: b"\xef\xbb\xbf" + b.replace(b"Myanmar", b"Myanm\xe9r", 1))
    header = len("code,name,kind,country,iso2\n") if (data / "geographies.csv").read_bytes()[3:].startswith(
        b"code,name,kind,country,iso2\n") else None
    p = one(data, "geographies", 2, None, "not UTF-8")
    if header is not None:
        assert f"byte offset {3 + header + len('MMR,Myanm')}" in p.reason


# --- URLs: markup through a link target -------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://example.com/a)<script>alert(document.domain)</script>",
    'https://example.com/"onmouseover="alert(1)',
    "https://example.com/a b",
    "https://example.com/a'b",
    "https://example.com/[x](y)",
    "javascript:alert(1)",
    "https://example.com/<b>",
    "https://example.com/a`b",
])
def test_a_url_that_could_end_a_link_early_is_refused(data, url):
    edit(data, "sources", set_cell("sources", 2, "url", url))
    one(data, "sources", 2, "url", "not a plain http(s) URL")


def test_a_percent_encoded_url_is_a_url(data):
    edit(data, "sources", set_cell("sources", 2, "url", "https://example.com/s?q=%3Cb%3E&a=1#x"))
    assert [p for p in problems_in(data, "sources") if p.column == "url"] == []


def test_links_refuse_what_the_loader_would_refuse():
    from fraudbook.kit import escape

    assert escape.href("https://example.com/s?q=%3Cb%3E&a=1") == "https://example.com/s?q=%3Cb%3E&amp;a=1"
    with pytest.raises(ValueError):
        escape.href("http://example.com/a)<script>")


# --- text that would become markup ------------------------------------------------------------

@pytest.mark.parametrize("table, row, column", [
    ("changes", 2, "reason"), ("geographies", 2, "name"), ("events", 2, "title"),
    ("sources", 2, "title"), ("indicators", 2, "title"),
])
def test_a_line_break_in_any_text_cell_is_refused(data, table, row, column):
    # A blank line inside a cell would end the HTML table the page shows it in; what follows
    # would be read as MyST ({{ }} substitution, directives that include files).
    payload = "Closed.\n\n```{literalinclude} /etc/passwd\n```\n{{ ''.__class__ }}"
    edit(data, table, set_cell(table, row, column, payload))
    one(data, table, row, column, "line break", "one line")


def test_a_region_whose_country_is_not_a_code_is_refused(data):
    import csv
    import io

    path = data / "geographies.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows.append({"code": "nowhere-sea", "name": "Nowhere Sea", "kind": "region",
                 "country": "XXX", "iso2": ""})
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    one(data, "geographies", len(rows) + 1, "country", "'XXX' is not a code")


def test_the_escaper_keeps_any_text_on_one_line_and_inert():
    """Text built from several cells can still hold a line break: it must not become a blank
    line of Markdown (which ends an HTML block) or open a fence or a directive."""
    from markdown_it import MarkdownIt

    from fraudbook.kit import escape

    payload = "Closed.\r\n\n```{literalinclude} /etc/passwd\n```\n\n{{ 7*191919 }} $x$ :::{note}"
    for text in (escape.html_text(payload), escape.md(payload), escape.breakable_urls(payload),
                 escape.wrap_ids(payload)):
        assert "\n" not in text and "\r" not in text
    page = f'<table><tr><td>{escape.html_text(payload)}</td></tr></table>\n\nafter\n'
    tokens = MarkdownIt("commonmark").parse(page)
    assert [t.type for t in tokens][:1] == ["html_block"] and "literalinclude" in tokens[0].content
    assert not any(t.type == "fence" for t in tokens)
    md_tokens = MarkdownIt("commonmark").parse(f"Note: {escape.md(payload)}\n")
    assert [t.type for t in md_tokens] == ["paragraph_open", "inline", "paragraph_close"]
