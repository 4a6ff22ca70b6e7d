"""The loader: a valid dataset loads; each kind of bad input is named by file, row and column."""

from __future__ import annotations

import copy

import pytest

from fraudbook.data import schema
from fraudbook.data.check import main as check_main
from fraudbook.data.load import load
from fraudbook.data.rules import DataError, validate
from fraudbook.data.values import strength

from .conftest import GOOD, write_table

# Row index of each subject's primary citation in GOOD["citations"].
CIT = {c["subject_id"]: i for i, c in enumerate(GOOD["citations"]) if c["role"] == "primary"}


def test_good_fixture_loads(good_data):
    ds = load(good_data)
    assert list(ds.figures.index) == [r["figure_id"] for r in GOOD["figures"]]
    assert ds.figures.loc["DW-37", "value"] == 37.0
    joined = ds.figures_with_meta()
    # Indicator metadata and the source travel with every figure.
    assert joined.loc["DW-37", "indicator_title"] == "Losses"
    assert joined.loc["DW-37", "publisher"] == "DW"


def test_primary_citation_travels_with_figures_and_events(good_data):
    ds = load(good_data)
    # The columns chapter code reads are still there, taken from the primary citation.
    assert ds.figures.loc["DW-37", "source_id"] == "dw-2025-04-21"
    assert ds.figures.loc["DW-37", "stated"] == "an estimated $37 billion"
    assert "$37 billion" in ds.figures.loc["DW-37", "quote"]
    assert list(ds.figures.columns[-4:]) == ["source_id", "stated", "quote", "note"]
    assert ds.events.loc["2025-11-14-kunming-meeting", "source_id"] == "xinhua-2023-11-21"
    assert ds.events.loc["2025-11-14-kunming-meeting", "quote"] == "They met in Kunming."
    assert ds.citations.index.name == "citation_id"
    assert set(ds.citations.loc[["DW-37-c1", "DW-37-c2"], "role"]) == {"primary", "corroborating"}
    both = ds.citations_of("DW-37")
    assert list(both["role"]) == ["primary", "corroborating"]
    assert list(both["strength"]) == ["press", "press"]
    assert list(ds.changes["kind"]) == ["merged", "corrected"]
    assert set(ds.audit.index) == set(ds.figures.index) | set(ds.events.index)


@pytest.mark.parametrize("kind,mark", [
    ("official", "official"), ("research", "official"), ("reproduction", "copy of official text"),
    ("wire", "press"), ("newspaper", "press"), ("republication", "secondary"), ("dataset", "dataset"),
])
def test_strength_of_each_kind_of_source(kind, mark):
    assert strength(kind) == mark


def test_strength_covers_every_kind_and_rejects_others():
    assert set(schema.STRENGTH) == set(schema.KINDS_OF_SOURCE)
    with pytest.raises(KeyError, match="unknown kind"):
        strength("blog")


def _break(good_data, table, row_index, column, value):
    rows = copy.deepcopy(GOOD[table])
    rows[row_index][column] = value
    write_table(good_data, table, rows)
    _, problems = validate(good_data)
    return problems


# (table, row index, column, bad value, words expected in the reason
#  [, column reported[, table reported, row index reported]])
CASES = [
    ("figures", 0, "value", "31 000", "not a number"),          # wrong type
    ("figures", 1, "figure_id", "CN-MM-2023-11-CUM", "duplicate id"),
    ("figures", 0, "geography", "northern-myanmar;XXX", "unknown geography code 'XXX'"),
    ("figures", 0, "indicator", "no_such_indicator", "unknown indicator"),
    ("figures", 0, "indicator", "losses_regoin", "did you mean 'losses_region'"),
    ("figures", 0, "value", "-31000", "negative"),
    ("figures", 3, "value", "168.5", "outside 0-100"),
    ("figures", 2, "low", "50", "low 50 is above high 40"),
    ("figures", 0, "period_end", "2023-13-01", "not a date"),
    ("figures", 0, "period_end", "2023-02-30", "day is out of range"),
    ("figures", 0, "period_start", "2024-01", "is after period_end"),
    ("figures", 0, "qualifier", "roughly", "is not one of"),
    ("figures", 1, "currency", "", "needs an ISO 4217 currency"),
    ("figures", 0, "unit", "money", "differs from indicator"),
    # A figure's numbers are checked against the stated words of its primary citation.
    ("figures", 0, "value", "32000", "value 32000 is not a number of the stated words", "stated",
     "citations", CIT["CN-MM-2023-11-CUM"]),
    ("figures", 1, "scale", "million", "37 million is not a number of the stated words", "stated",
     "citations", CIT["DW-37"]),
    ("citations", CIT["CN-MM-2023-11-CUM"], "source_id", "nobody-2020", "unknown source"),
    ("citations", CIT["CN-MM-2023-11-CUM"], "stated", "31,001", "does not appear verbatim"),
    ("citations", CIT["CN-MM-2023-11-CUM"], "quote", "", "required value is empty"),
    ("citations", CIT["DW-37"], "subject_id", "DW-38", "unknown figure or event 'DW-38'"),
    ("citations", CIT["DW-37"], "role", "main", "is not one of"),
    ("citations", CIT["DW-37"], "stated", "", "needs the words of the quote that state it"),
    ("citations", CIT["DW-37"], "stated", "(€32.5 billion)",
     "appears elsewhere in the quote, not in the stated words"),
    ("citations", len(GOOD["citations"]) - 1, "stated", "lost", "must state the figure's value 37"),
    ("citations", len(GOOD["citations"]) - 1, "role", "primary", "already has a primary citation"),
    ("citations", len(GOOD["citations"]) - 1, "source_id", "dw-2025-04-21", "already cites 'dw-2025-04-21'"),
    ("events", 0, "countries", "CHN;ZZZ", "unknown country code 'ZZZ'"),
    ("events", 0, "place_id", "atlantis", "unknown place"),
    ("places", 0, "lat", "125.0", "outside -90..90"),
    ("sources", 0, "url", "ftp://example", "http(s) URL"),
    ("sources", 0, "kind", "blog", "is not one of"),
    ("sources", 1, "kind", "reproduction", "a reproduction must name in 'original'", "original"),
    # The issuing body is named for the kinds that carry a body's own text.
    ("sources", 1, "kind", "official", "names in 'body' the issuing body", "body"),
    ("sources", 1, "kind", "research", "names in 'body' the issuing body", "body"),
    ("figures", 0, "provisional", "maybe", "is not one of"),
    ("figures", 0, "provisional", "no", "is not one of"),
    ("events", 0, "kind", "trial", "is not one of"),
    ("geographies", 2, "country", "ZZZ", "needs a known country code"),
    ("fx_rates", 0, "per_usd", "7.3", "rate 7.3 does not appear in the quote"),
    ("conflicts", 0, "figure_ids", "DW-37", "at least two figures"),
    ("conflicts", 0, "figure_ids", "DW-37;NOPE-1", "unknown figure 'NOPE-1'"),
    ("conflicts", 0, "figure_ids", "CN-RANGE;DW-37-OLD", "merged into 'DW-37'"),
    ("conflicts", 0, "book_uses", "CN-SHARE", "not one of the conflicting figures"),
    ("changes", 0, "kind", "renamed", "is not one of"),
    ("changes", 0, "new", "NOPE-1", "names the figure that holds it now"),
    ("changes", 0, "subject_id", "DW-37", "is recorded as merged but is still in the data"),
    ("changes", 1, "subject_id", "NOPE-1", "unknown figure or event 'NOPE-1'"),
    ("changes", 1, "field", "", "names the field it changed"),
    ("changes", 1, "edition", "November", "does not match the id pattern"),
    ("audit", 0, "verdict", "fine", "is not one of"),
    ("audit", 0, "subject_id", "NOPE-1", "unknown figure or event 'NOPE-1'"),
    ("audit", 0, "checked", "26 Nov 2026", "not a date"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[2]}-{c[4][:24]}" for c in CASES])
def test_bad_cell_is_named(good_data, case):
    table, row_index, column, value, reason = case[:5]
    reported = case[5] if len(case) > 5 else column
    rtable = case[6] if len(case) > 6 else table
    rrow = case[7] if len(case) > 7 else row_index
    problems = _break(good_data, table, row_index, column, value)
    assert problems, "the broken cell was not reported"
    matching = [p for p in problems if reason in p.reason]
    assert matching, f"no problem says '{reason}': {[str(p) for p in problems]}"
    p = matching[0]
    assert p.file.endswith(f"{rtable}.csv")
    assert p.row == rrow + 2  # header is row 1
    assert p.column == reported


def test_figure_without_primary_citation_is_named_on_its_row(good_data):
    rows = copy.deepcopy(GOOD["citations"])
    rows[CIT["CN-SHARE"]]["role"] = "corroborating"
    write_table(good_data, "citations", rows)
    problems = validate(good_data)[1]
    p = next(p for p in problems if "has no primary citation" in p.reason)
    assert (p.file.endswith("figures.csv"), p.row, p.column) == (True, 5, "figure_id")


def test_event_without_primary_citation_is_named_on_its_row(good_data):
    rows = [c for c in GOOD["citations"] if c["subject_id"] != "2025-11-14-kunming-meeting"]
    write_table(good_data, "citations", rows)
    problems = validate(good_data)[1]
    p = next(p for p in problems if "has no primary citation" in p.reason)
    assert (p.file.endswith("events.csv"), p.row, p.column) == (True, 2, "event_id")


def test_figure_without_audit_row_is_named_on_its_row(good_data):
    write_table(good_data, "audit", [r for r in GOOD["audit"] if r["subject_id"] != "CN-RANGE"])
    problems = validate(good_data)[1]
    p = next(p for p in problems if "no row in data/audit.csv" in p.reason)
    assert (p.file.endswith("figures.csv"), p.row, p.column) == (True, 4, "figure_id")


def test_unknown_indicator_without_close_names_invites_a_new_one(good_data):
    problems = _break(good_data, "figures", 0, "indicator", "zzz")
    p = next(p for p in problems if p.column == "indicator")
    assert "did you mean" not in p.reason and "add it to data/indicators.csv" in p.reason


def test_withdrawn_figure_needs_no_survivor(good_data):
    rows = copy.deepcopy(GOOD["changes"])
    rows[0].update(kind="withdrawn", new="")
    write_table(good_data, "changes", rows)
    assert validate(good_data)[1] == []


def test_corroborating_citation_stating_the_number_is_accepted(good_data):
    rows = copy.deepcopy(GOOD["citations"])
    rows[-1]["stated"] = "$37 billion to scams"
    write_table(good_data, "citations", rows)
    assert validate(good_data)[1] == []


def test_missing_column(good_data):
    path = good_data / "figures.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    i = header.index("note")
    path.write_text("\n".join(",".join(line.split(",")[:i]) if n == 0 else line for n, line in enumerate(lines)) + "\n")
    _, problems = validate(good_data)
    assert any(p.column == "note" and p.reason == "missing column" and p.row == 1 for p in problems)


def test_unknown_column(good_data):
    path = good_data / "sources.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",extra"] + [line + "," for line in lines[1:]]) + "\n")
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
    rows[0].update(value="", qualifier="unquantified")
    write_table(good_data, "figures", rows)
    cits = copy.deepcopy(GOOD["citations"])
    cits[CIT["CN-MM-2023-11-CUM"]]["stated"] = "telecom fraud suspects"
    write_table(good_data, "citations", cits)
    assert validate(good_data)[1] == []
    rows[0].update(value="5")
    write_table(good_data, "figures", rows)
    assert any("unquantified" in p.reason for p in validate(good_data)[1])


def test_load_raises_with_every_problem(good_data):
    rows = copy.deepcopy(GOOD["figures"])
    rows[0]["value"] = "-1"
    write_table(good_data, "figures", rows)
    cits = copy.deepcopy(GOOD["citations"])
    cits[1]["source_id"] = "nowhere"
    write_table(good_data, "citations", cits)
    with pytest.raises(DataError) as info:
        load(good_data)
    message = str(info.value)
    assert "figures.csv, row 2, column 'value'" in message
    assert "citations.csv, row 3, column 'source_id'" in message


def test_check_command_exit_codes(good_data, capsys):
    assert check_main([str(good_data)]) == 0
    rows = copy.deepcopy(GOOD["events"])
    rows[0]["date"] = "14 Nov 2025"
    write_table(good_data, "events", rows)
    assert check_main([str(good_data)]) == 1
    err = capsys.readouterr().err
    assert "events.csv, row 2, column 'date'" in err


def test_body_may_be_empty_for_press_and_named_for_official(good_data):
    rows = copy.deepcopy(GOOD["sources"])
    rows[1].update(kind="official", body="UNODC")
    write_table(good_data, "sources", rows)
    _, problems = validate(good_data)
    assert not problems, [str(p) for p in problems]
    # A wire or newspaper page may name the body it reports, or leave it empty.
    rows[0]["body"] = "China's Ministry of Public Security"
    write_table(good_data, "sources", rows)
    assert not validate(good_data)[1]


def test_provisional_figure_rests_on_press_coverage_with_a_note(good_data):
    figs = copy.deepcopy(GOOD["figures"])
    figs[1]["provisional"] = "yes"          # DW-37: its primary source is a newspaper page
    write_table(good_data, "figures", figs)
    problems = validate(good_data)[1]
    assert [p.column for p in problems] == ["provisional"]
    assert "says in its note" in problems[0].reason and problems[0].row == 3
    srcs = copy.deepcopy(GOOD["sources"])
    srcs[1]["note"] = "Press coverage of the report; its own text was not read."
    write_table(good_data, "sources", srcs)
    assert not validate(good_data)[1]
    # The body's own page is not press coverage: a figure taken from it is not provisional.
    srcs[1].update(kind="official", body="DW")
    write_table(good_data, "sources", srcs)
    problems = validate(good_data)[1]
    assert [p.column for p in problems] == ["provisional"]
    assert "leave 'provisional' empty" in problems[0].reason


def test_provisional_travels_with_figures(good_data):
    figs = copy.deepcopy(GOOD["figures"])
    figs[0]["provisional"] = "yes"
    write_table(good_data, "figures", figs)
    srcs = copy.deepcopy(GOOD["sources"])
    srcs[0]["note"] = "Coverage only; the body's own text was not read."
    write_table(good_data, "sources", srcs)
    ds = load(good_data)
    assert ds.figures.loc["CN-MM-2023-11-CUM", "provisional"] == "yes"
    assert ds.figures.loc["DW-37", "provisional"] == ""


@pytest.mark.parametrize("kind", ["verdict", "execution"])
def test_court_events_are_known_kinds(good_data, kind):
    evs = copy.deepcopy(GOOD["events"])
    evs[0]["kind"] = kind
    write_table(good_data, "events", evs)
    assert not validate(good_data)[1]
