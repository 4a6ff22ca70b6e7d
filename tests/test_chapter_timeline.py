"""The cooperation timeline chapter: window checks, date precision, filters, sub-rows."""

from datetime import date

import pandas as pd
import pytest

from fraudbook.chapters import timeline as tl
from fraudbook.kit import dates


@pytest.fixture(scope="module")
def events(ds):
    return tl.events_table(ds)


# --- parameters -------------------------------------------------------------------------

@pytest.mark.parametrize("start,end,name", [
    ("2023/01/01", "2026-12-31", "'start'"),
    ("2023-01-01", "2026-12", "'end'"),
    ("2023-02-30", "2026-12-31", "'start'"),
    (20230101, "2026-12-31", "'start'"),
])
def test_window_rejects_malformed_dates_naming_the_parameter(start, end, name):
    # The page reads its window with the kit (fraudbook.kit.dates.window), as the template does.
    with pytest.raises(dates.DateParameterError, match=f"parameter {name}"):
        dates.window(start, end)


def test_window_rejects_start_after_end():
    with pytest.raises(dates.DateParameterError, match="'start' .* after parameter 'end'"):
        dates.window("2025-01-02", "2025-01-01")


def test_window_accepts_one_day():
    assert dates.window("2025-11-14", "2025-11-14") == (date(2025, 11, 14), date(2025, 11, 14))


def test_countries_must_be_countries_with_events(ds, events):
    assert tl.check_countries(["THA", "CHN", "THA"], ds, events) == ["THA", "CHN"]
    with pytest.raises(ValueError, match="countries.*area.*'MMR'"):
        tl.check_countries(["northern-myanmar"], ds, events)
    with pytest.raises(ValueError, match="no event"):
        tl.check_countries(["JPN"], ds, events)   # a country no event involves
    with pytest.raises(ValueError, match="unknown"):
        tl.check_countries(["XXX"], ds, events)


# --- dates as the sources give them ------------------------------------------------------

def test_precision_and_date_wording():
    day = pd.Series({"date": "2025-11-14", "end_date": ""})
    days = pd.Series({"date": "2023-08-15", "end_date": "2023-08-16"})
    across = pd.Series({"date": "2025-01-30", "end_date": "2025-03-11"})
    month = pd.Series({"date": "2025-07", "end_date": ""})
    assert [tl.precision(r) for r in (day, days, across, month)] == ["day", "days", "days", "month"]
    assert tl.date_words(days) == "15–16 Aug 2023"
    assert tl.date_words(across) == "30 Jan–11 Mar 2025"
    assert tl.date_words(month) == "Jul 2025 (day not given)"
    assert tl.date_as_given(month).startswith("2025-07 (month only")
    assert tl.date_as_given(days) == "2023-08-15 to 2023-08-16"


def test_real_events_keep_the_dates_their_quotes_state(events):
    e = events.set_index("event_id")
    # "came together in Chiang Mai, Thailand on August 15 and 16"
    launch = e.loc["2023-08-15-chiang-mai-launch"]
    assert (launch["first"], launch["last"], launch["precision"]) == (date(2023, 8, 15), date(2023, 8, 16), "days")
    # "From January 30 to March 11, a total of 5,446 foreign nationals ..."
    crackdown = e.loc["2025-01-30-myawaddy-crackdown"]
    assert crackdown["date_given"] == "2025-01-30 to 2025-03-11"
    # The UNODC report of Oct 2024 is dated to the month only: no day is made up.
    assert e.loc["2024-10-unodc-report", "precision"] == "month"
    assert e.loc["2024-10-unodc-report", "date_text"] == "Oct 2024 (day not given)"
    # "KUNMING, Nov. 14 (Xinhua) -- ... China, Cambodia, Laos, Myanmar, Thailand and Vietnam"
    kunming = e.loc["2025-11-14-kunming-six-country-meeting"]
    assert kunming["date_text"] == "14 Nov 2025"
    assert set(kunming["country_names"].replace(" and ", ", ").split(", ")) == {
        "China", "Cambodia", "Laos", "Myanmar", "Thailand", "Vietnam"}
    assert kunming["country_names"].count(" and ") == 1  # joined as in prose, by the kit
    assert kunming["place_name"] == "Kunming"


def test_events_sorted_by_date_and_linked_to_sources(events):
    assert list(events["first"]) == sorted(events["first"])
    assert events["source_html"].str.startswith(("<a href=", "<span title=")).all()


# --- window ------------------------------------------------------------------------------

def _events(rows):
    df = pd.DataFrame(rows, columns=["event_id", "kind", "first", "last"])
    return df


def test_window_keeps_events_overlapping_it():
    ev = _events([
        ("month-before", "report", date(2024, 5, 1), date(2024, 5, 31)),   # month-only, May
        ("inside", "meeting", date(2024, 6, 10), date(2024, 6, 10)),
        ("straddles-end", "operation", date(2024, 6, 25), date(2024, 7, 5)),
        ("after", "raid", date(2024, 7, 2), date(2024, 7, 2)),
    ])
    kept = tl.in_window(ev, date(2024, 5, 31), date(2024, 6, 30))
    assert list(kept["event_id"]) == ["month-before", "inside", "straddles-end"]


def test_page_changes_with_the_window(ds, events):
    narrow = tl.in_window(events, date(2025, 2, 1), date(2025, 3, 31))
    assert "2025-02-28-bangkok-ministerial-meeting" in set(narrow["event_id"])
    assert "2023-08-15-chiang-mai-launch" not in set(narrow["event_id"])
    assert len(narrow) < len(events)


# --- sub-rows ----------------------------------------------------------------------------

def test_slots_separate_close_events_of_one_kind_only():
    ev = _events([
        ("a", "handover", date(2023, 8, 23), date(2023, 8, 23)),
        ("b", "handover", date(2023, 8, 23), date(2023, 8, 26)),
        ("c", "meeting", date(2023, 8, 24), date(2023, 8, 24)),
        ("d", "handover", date(2023, 10, 14), date(2023, 10, 14)),
    ])
    assert tl.assign_slots(ev, gap_days=20) == [0, 1, 0, 0]


def test_centre_out_puts_first_row_in_the_middle():
    assert tl.centre_out(1) == [0]
    assert tl.centre_out(3) == [1, 0, 2]
    assert sorted(tl.centre_out(4)) == [0, 1, 2, 3]


# --- the chart's filters -----------------------------------------------------------------

def test_country_options_with_a_preset(ds, events):
    values, labels, initial = tl.country_options(events, ds, ["CHN", "THA"])
    assert values[0] == "" and labels[0] == "All countries"
    assert initial == "CHN|THA" and labels[values.index("CHN|THA")] == "China or Thailand"
    assert labels[values.index("KHM")] == "Cambodia"
    assert tl.country_options(events, ds, [])[2] == ""
    assert tl.country_options(events, ds, ["LAO"])[2] == "LAO"


def test_chart_spec_binds_two_dropdowns_and_filters(ds, events):
    start, end = date(2023, 1, 1), date(2026, 12, 31)
    rows = tl.chart_rows(events, start, end)
    spec = tl.timeline_chart(rows, ds, start, end, ["THA"], "t", "s", "d").to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert params["country_filter"]["value"] == "THA"
    assert params["country_filter"]["bind"]["input"] == "select"
    assert params["kind_filter"]["bind"]["element"] == "#" + tl.FILTERS_ID  # outside the chart div
    assert f'id="{tl.FILTERS_ID}"' in tl.filters_html()
    assert "" in params["kind_filter"]["bind"]["options"]
    assert any("country_filter" in t.get("filter", "") for t in spec["transform"])
    assert len(spec["datasets"][next(iter(spec["datasets"]))]) == len(rows)
    assert spec["description"] == "d"


def test_filter_expression_matches_whole_codes():
    # The Vega filter tests (^|;)(CODE)(;|$); the same regex in Python must not match
    # part of another code.
    import re
    def pattern(v):
        return re.compile("(^|;)(" + v + ")(;|$)")

    assert pattern("THA").search("CHN;THA;LAO")
    assert pattern("CHN|THA").search("MMR;THA")
    assert not pattern("LA").search("LAO;CHN")
    assert "(^|;)(' + country_filter + ')(;|$)" in tl.FILTER


def test_table_cells_escape_text_from_the_data():
    from types import SimpleNamespace
    ds = SimpleNamespace(
        events=pd.DataFrame([{"event_id": "e1", "date": "2024-05", "end_date": "", "kind": "report",
                              "title": "A <b>bold</b> claim", "countries": "KHM;LAO", "place_id": "",
                              "description": "Profits & losses", "source_id": "s1",
                              "quote": 'He said "no"'}]).set_index("event_id"),
        sources=pd.DataFrame([{"source_id": "s1", "publisher": "RFA", "date_published": "2024-05-27",
                               "url": "https://example.org/a"}]).set_index("source_id"),
        geographies=pd.DataFrame([{"code": "KHM", "name": "Cambodia"}, {"code": "LAO", "name": "Laos"}]
                                 ).set_index("code"),
        places=pd.DataFrame(columns=["place_id", "name"]).set_index("place_id"),
    )
    row = tl.events_table(ds).iloc[0]
    assert row["event_html"] == "<strong>A &lt;b&gt;bold&lt;/b&gt; claim</strong><br>Profits &amp; losses"
    assert row["where"] == "Cambodia and Laos"
    assert row["date_text"] == "May 2024 (day not given)"
    assert row["source_html"] == '<a href="https://example.org/a" title="He said &quot;no&quot;">RFA, 27 May 2024</a>'
    assert (row["first"], row["last"]) == (date(2024, 5, 1), date(2024, 5, 31))


def test_every_event_kind_in_the_data_has_a_label_and_a_place_in_the_legend(events):
    from fraudbook.data import schema

    assert set(tl.KIND_ORDER) == set(schema.EVENT_KINDS)
    assert events["kind_label"].notna().all(), "an event kind without a label drops out of the chart"
    assert {"verdict", "execution"} <= set(events["kind"]), "the court cases of 2025-26 are events"


# --- sentences about the data come from the data ------------------------------------------

def test_the_coverage_sentence_follows_the_events(events):
    whole = tl.window_sentence(events, events, "2023-01-01", "2026-12-31")
    assert whole.startswith(f"The data holds {len(events):,} events, the first dated "
                            f"{events.iloc[0]['date_plain']} and the newest {events.iloc[-1]['date_plain']}")
    assert "this version of the page" not in whole
    # A newer event moves "the newest"; a narrower window says what it leaves out.
    later = events.iloc[[-1]].copy()
    later["date_plain"], later["title"] = "9 Nov 2026", "A later event"
    grown = pd.concat([events, later], ignore_index=True)
    assert "the newest 9 Nov 2026." in tl.window_sentence(grown, grown, "2023-01-01", "2026-12-31")
    part = tl.in_window(events, date(2024, 1, 1), date(2024, 12, 31))
    narrow = tl.window_sentence(events, part, "2024-01-01", "2024-12-31")
    assert f"shows the {len(part):,} events dated between 1 Jan 2024 and 31 Dec 2024" in narrow


def test_the_first_handover_and_its_precision_come_from_the_data(events):
    fid = tl.first_of(events, "handover", ("MMR", "CHN"))
    handovers = events[(events["kind"] == "handover")
                       & events["countries"].str.contains("MMR") & events["countries"].str.contains("CHN")]
    assert fid == handovers.iloc[0]["event_id"]
    row = events.set_index("event_id").loc[fid]
    phrase = tl.dated_phrase(events, fid)
    assert phrase.startswith("dated [" + row["date_plain"] + "](")
    assert phrase.endswith(", with no day given") == (row["precision"] == "month")
    # The same event dated to a month only gets the words; dated to a day, it loses them.
    monthly = events.copy()
    monthly.loc[monthly["event_id"] == fid, "precision"] = "month"
    assert tl.dated_phrase(monthly, fid).endswith(", with no day given")
    daily = events.copy()
    daily.loc[daily["event_id"] == fid, "precision"] = "day"
    assert not tl.dated_phrase(daily, fid).endswith("no day given")
    with pytest.raises(ValueError, match="no handover event involving MMR, ZZZ"):
        tl.first_of(events, "handover", ("MMR", "ZZZ"))
