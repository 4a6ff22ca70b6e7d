"""The loader: a valid dataset loads; each kind of bad input is named by file, row and column."""

from __future__ import annotations

import copy

import pytest

from fraudbook.data.check import main as check_main
from fraudbook.data.load import DataError, load, validate

from .conftest import GOOD, write_table


def test_good_fixture_loads(good_data):
    ds = load(good_data)
    assert list(ds.figures.index) == [r["figure_id"] for r in GOOD["figures"]]
    assert ds.figures.loc["DW-37", "value"] == 37.0
    joined = ds.figures_with_meta()
    # Indicator metadata and the source travel with every figure.
    assert joined.loc["DW-37", "indicator_title"] == "Losses"
    assert joined.loc["DW-37", "publisher"] == "DW"


def _break(good_data, table, row_index, column, value):
    rows = copy.deepcopy(GOOD[table])
    rows[row_index][column] = value
    write_table(good_data, table, rows)
    _, problems = validate(good_data)
    return problems


# (table, row index, column, bad value, words expected in the reason[, column reported])
CASES = [
    ("figures", 0, "value", "31 000", "not a number"),          # wrong type
    ("figures", 1, "figure_id", "CN-MM-2023-11-CUM", "duplicate id"),
    ("figures", 0, "source_id", "nobody-2020", "unknown source"),
    ("figures", 0, "geography", "northern-myanmar;XXX", "unknown geography code 'XXX'"),
    ("figures", 0, "indicator", "no_such_indicator", "unknown indicator"),
    ("figures", 0, "value", "-31000", "negative"),
    ("figures", 3, "value", "168.5", "outside 0-100"),
    ("figures", 2, "low", "50", "low 50 is above high 40"),
    ("figures", 0, "period_end", "2023-13-01", "not a date"),
    ("figures", 0, "period_end", "2023-02-30", "day is out of range"),
    ("figures", 0, "period_start", "2024-01", "is after period_end"),
    ("figures", 0, "value", "32000", "does not appear in the quote"),
    ("figures", 1, "scale", "million", "37 million does not appear in the quote", "value"),
    ("figures", 0, "stated", "31,001", "does not appear verbatim"),
    ("figures", 0, "qualifier", "roughly", "is not one of"),
    ("figures", 1, "currency", "", "needs an ISO 4217 currency"),
    ("figures", 0, "unit", "money", "differs from indicator"),
    ("figures", 0, "quote", "", "required value is empty"),
    ("events", 0, "countries", "CHN;ZZZ", "unknown country code 'ZZZ'"),
    ("events", 0, "place_id", "atlantis", "unknown place"),
    ("places", 0, "lat", "125.0", "outside -90..90"),
    ("sources", 0, "url", "ftp://example", "not an http(s) URL"),
    ("geographies", 2, "country", "ZZZ", "needs a known country code"),
    ("fx_rates", 0, "per_usd", "7.3", "rate 7.3 does not appear in the quote"),
    ("conflicts", 0, "figure_ids", "DW-37", "at least two figures"),
    ("conflicts", 0, "figure_ids", "DW-37;NOPE-1", "unknown figure 'NOPE-1'"),
    ("conflicts", 0, "book_uses", "CN-SHARE", "not one of the conflicting figures"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[2]}-{c[4][:24]}" for c in CASES])
def test_bad_cell_is_named(good_data, case):
    table, row_index, column, value, reason = case[:5]
    reported = case[5] if len(case) > 5 else column
    problems = _break(good_data, table, row_index, column, value)
    assert problems, "the broken cell was not reported"
    matching = [p for p in problems if reason in p.reason]
    assert matching, f"no problem says '{reason}': {[str(p) for p in problems]}"
    p = matching[0]
    assert p.file.endswith(f"{table}.csv")
    assert p.row == row_index + 2  # header is row 1
    assert p.column == reported


def test_missing_column(good_data):
    path = good_data / "figures.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    i = header.index("note")
    path.write_text("\n".join(",".join(l.split(",")[:i]) if n == 0 else l for n, l in enumerate(lines)) + "\n")
    _, problems = validate(good_data)
    assert any(p.column == "note" and p.reason == "missing column" and p.row == 1 for p in problems)


def test_unknown_column(good_data):
    path = good_data / "sources.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",extra"] + [l + "," for l in lines[1:]]) + "\n")
    _, problems = validate(good_data)
    assert any(p.column == "extra" and "unknown column" in p.reason for p in problems)


def test_malformed_row_wrong_field_count(good_data):
    path = good_data / "places.csv"
    path.write_text(path.read_text() + "lost,Lost,capital,CHN,1.0\n")
    _, problems = validate(good_data)
    p = next(p for p in problems if "malformed row" in p.reason)
    assert (p.file.endswith("places.csv"), p.row) == (True, 3)


def test_malformed_csv_unclosed_quote(good_data):
    path = good_data / "geographies.csv"
    path.write_text(path.read_text() + 'LAO,"Laos,country,,LA\n')
    _, problems = validate(good_data)
    assert any(p.file.endswith("geographies.csv") and "malformed" in p.reason for p in problems)


def test_empty_file(good_data):
    (good_data / "events.csv").write_text("")
    _, problems = validate(good_data)
    assert any(p.file.endswith("events.csv") and "empty" in p.reason for p in problems)


def test_missing_file(good_data):
    (good_data / "places.csv").unlink()
    _, problems = validate(good_data)
    assert any(p.file.endswith("places.csv") and "missing" in p.reason for p in problems)


def test_unquantified_figure_needs_no_number(good_data):
    rows = copy.deepcopy(GOOD["figures"])
    rows[0].update(value="", qualifier="unquantified", stated="31,000")
    write_table(good_data, "figures", rows)
    assert validate(good_data)[1] == []
    rows[0].update(value="5")
    write_table(good_data, "figures", rows)
    assert any("unquantified" in p.reason for p in validate(good_data)[1])


def test_load_raises_with_every_problem(good_data):
    rows = copy.deepcopy(GOOD["figures"])
    rows[0]["value"] = "-1"
    rows[1]["source_id"] = "nowhere"
    write_table(good_data, "figures", rows)
    with pytest.raises(DataError) as info:
        load(good_data)
    message = str(info.value)
    assert "figures.csv, row 2, column 'value'" in message
    assert "figures.csv, row 3, column 'source_id'" in message


def test_check_command_exit_codes(good_data, capsys):
    assert check_main([str(good_data)]) == 0
    rows = copy.deepcopy(GOOD["events"])
    rows[0]["date"] = "14 Nov 2025"
    write_table(good_data, "events", rows)
    assert check_main([str(good_data)]) == 1
    err = capsys.readouterr().err
    assert "events.csv, row 2, column 'date'" in err
