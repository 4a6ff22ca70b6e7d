"""The enforcement and prevention chapters' rules (fraudbook.chapters.enforcement and the
prevention page's own part, fraudbook.chapters.prevention)."""

from datetime import date

import pandas as pd
import pytest

from fraudbook.chapters import enforcement as en
from fraudbook.chapters import prevention as pv
from fraudbook.kit import dates, page, qualifiers


def frame(rows):
    """Small figures table with the columns the chapter uses."""
    base = {"indicator": "x", "indicator_title": "X", "value": 1.0, "low": None, "high": None,
            "qualifier": "exact", "scale": "", "unit": "people", "currency": "",
            "period": "annual", "period_start": "2023", "period_end": "2023", "geography": "CHN",
            "partner": "", "source_id": "s1", "stated": "", "quote": "", "note": "",
            "publisher": "P", "date_published": "2024-01-01", "source_url": "https://e.org/"}
    df = pd.DataFrame([{**base, **r} for r in rows]).set_index("figure_id")
    return page.statements(df)


# --- parameters (read with fraudbook.kit.dates, as the templates do) ---------------------

@pytest.mark.parametrize("bad", ["2023/01/01", "2023-1-1", "2023", "yesterday", ""])
def test_malformed_start_names_the_parameter(bad):
    with pytest.raises(dates.DateParameterError, match="parameter 'start'"):
        dates.window(bad, "2024-01-01")


def test_impossible_end_date_names_the_parameter():
    with pytest.raises(dates.DateParameterError, match="parameter 'end'"):
        dates.window("2023-01-01", "2023-02-30")


def test_start_after_end_is_refused():
    with pytest.raises(dates.DateParameterError, match="'start' .* after parameter 'end'"):
        dates.window("2025-01-01", "2024-12-31")
    assert dates.window("2024-01-01", "2024-01-01") == (date(2024, 1, 1), date(2024, 1, 1))


@pytest.mark.parametrize("bad", [1800, 3000, "2021", True])
def test_first_year_must_be_a_plausible_year(bad):
    with pytest.raises(dates.DateParameterError, match="first_year"):
        dates.check_year("first_year", bad)


def test_unknown_country_is_refused(ds):
    with pytest.raises(ValueError, match="country"):
        en.check_country("XXX", ds.geographies)


# --- selection ------------------------------------------------------------------------

def test_window_uses_the_last_day_the_period_end_covers():
    df = frame([{"figure_id": "Y", "period_end": "2023"},
                {"figure_id": "M", "period_start": "", "period": "cumulative", "period_end": "2023-11"},
                {"figure_id": "D", "period": "on_date", "period_start": "", "period_end": "2022-12-31"}])
    kept = en.in_window(df, date(2023, 1, 1), date(2023, 11, 30))
    # The calendar year 2023 is not over by 30 Nov; the Nov 2023 total is; 2022 is before.
    assert list(kept.index) == ["M"]


def test_country_keeps_areas_inside_it_and_partners(ds):
    df = frame([{"figure_id": "A", "geography": "northern-myanmar", "partner": "CHN"},
                {"figure_id": "B", "geography": "golden-triangle-sez"},
                {"figure_id": "C", "geography": "CHN;LAO;MMR;THA"},
                {"figure_id": "D", "geography": "myawaddy", "partner": "THA"}])
    assert list(en.about_country(df, "MMR", ds.geographies).index) == ["A", "C", "D"]
    assert list(en.about_country(df, "LAO", ds.geographies).index) == ["B", "C"]
    assert list(en.about_country(df, "THA", ds.geographies).index) == ["C", "D"]
    # The default keeps everything: the page follows China's crackdown and its partners.
    assert list(en.about_country(df, "CHN", ds.geographies).index) == ["A", "B", "C", "D"]


def test_only_in_leaves_out_combined_figures():
    df = frame([{"figure_id": "B", "geography": "golden-triangle-sez"},
                {"figure_id": "C", "geography": "CHN;LAO;MMR;THA"}])
    assert list(en.only_in(df, {"LAO", "golden-triangle-sez"}).index) == ["B"]


def test_since_year_drops_figures_ending_earlier(figs):
    every = pv.of(figs, pv.PREVENTION)
    kept = pv.since_year(every, 2024)
    assert {"CN-2025-CALLS", "CN-2025-SMS"} <= set(kept.index)
    assert "CN-2021-CALLS" in every.index and "CN-2021-CALLS" not in kept.index
    assert (kept["period_end"].str[:4].astype(int) >= 2024).all()
    assert set(every.index) - set(kept.index) == set(
        every.index[every["period_end"].str[:4].astype(int) < 2024])


def test_selection_sentence_names_areas(ds):
    s = en.describe_selection("MMR", date(2020, 1, 1), date(2026, 12, 31), ds.geographies)
    assert "Myanmar" in s and "Myawaddy" in s and "31 Dec 2026" in s


# --- milestones, merging, ratios ----------------------------------------------------------

def test_myanmar_handover_milestones_in_order(figs):
    mm = en.of(figs, en.MYANMAR_TOTALS)
    # 4,666 -> 31,000 -> 41,000 -> 49,000 -> over 50,000. The "over 53,000" (Nov 2024) and
    # "over 55,000" (Apr 2025) counted people arrested, not handed over: not these milestones.
    assert list(mm["value"]) == [4666, 31000, 41000, 49000, 50000]
    assert not {"CN-MM-2024-11-CUM", "CN-MM-2025-04-CUM"} & set(mm.index)
    assert list(mm["qualifier"].iloc[-2:]) == ["exact", "more_than"]


def test_milestones_are_drawn_as_milestones_not_differences(figs):
    rows = en.chart_rows(en.merge_same(en.of(figs, en.MYANMAR_TOTALS)))
    assert list(rows["y"]) == [4666, 31000, 41000, 49000, 50000]
    floors = rows[rows["label"].str.startswith("more than")]
    assert set(floors["reading"]) == {"floor"}
    assert set(floors["how"]) == {qualifiers.LABELS["floor"]}
    # 'To date' announcements have no stated start: dashed to the edge, not a made-up start.
    first = rows.iloc[0]
    assert first["open_start"] == en.OPEN and first["x_end"] == "2023-10-16"


def test_repeated_announcement_is_merged_but_different_wording_kept(figs):
    same = frame([{"figure_id": "A", "value": 464000.0, "publisher": "Xinhua"},
                  {"figure_id": "B", "value": 464000.0, "publisher": "China Daily"},
                  {"figure_id": "C", "value": 464000.0, "qualifier": "more_than"}])
    cases = en.merge_same(same)
    assert list(cases["figure_ids"]) == ["A, B", "C"]  # "more than" is a different statement
    assert "Xinhua" in cases.iloc[0]["sources"] and "China Daily" in cases.iloc[0]["sources"]
    sites = en.merge_same(figs.loc[["CN-CAC-SITES", "SEED-CN-CAC-SITES"]])
    assert len(sites) == 2  # 799,000 and 'nearly 800,000' are both shown


def test_suspects_per_case_only_from_one_source_same_period_exact(figs):
    ratios = en.ratio_table(figs, "cn_fraud_suspects_detained", "cn_fraud_cases_solved")
    # 2020: "抓获犯罪嫌疑人36.1万名" over "破获32.2万起" in one sentence of one article.
    # Apr 2021-Apr 2022: "63.4万名" over "39.4万起" at one press conference.
    assert list(ratios["period_text"]) == ["in 2020", "Apr 2021 to 14 Apr 2022"]
    assert ratios["ratio"].iloc[0] == pytest.approx(361_000 / 322_000)
    assert ratios["ratio"].iloc[1] == pytest.approx(634_000 / 394_000)
    # Jan-Nov 2021 (two 'more than' floors) and 2023 (two different sources) are skipped.
    assert not ratios["period_text"].str.contains("2021 to Nov|2023").any()


def test_ratio_skips_floors_and_mixed_sources():
    df = frame([{"figure_id": "C", "indicator": "cases", "value": 100.0, "qualifier": "more_than"},
                {"figure_id": "S", "indicator": "sus", "value": 150.0},
                {"figure_id": "C2", "indicator": "cases", "value": 100.0, "period_start": "2024",
                 "period_end": "2024"},
                {"figure_id": "S2", "indicator": "sus", "value": 150.0, "period_start": "2024",
                 "period_end": "2024", "source_id": "s2"}])
    assert en.ratio_table(df, "sus", "cases").empty


# --- chart rows --------------------------------------------------------------------------

def test_chart_rows_draw_each_figure_over_its_period():
    df = en.merge_same(frame([
        {"figure_id": "A", "period": "annual", "period_start": "2025", "period_end": "2025"},
        {"figure_id": "S", "period": "span", "period_start": "2021-01", "period_end": "2021-11"},
        {"figure_id": "C", "period": "cumulative", "period_start": "", "period_end": "2023-05",
         "value": 2.1, "scale": "billion"},
        {"figure_id": "D", "period": "on_date", "period_start": "", "period_end": "2024-08-12"},
        {"figure_id": "U", "qualifier": "unquantified", "value": None, "stated": "hundreds"},
    ]))
    rows = en.chart_rows(df, anchor=date(2020, 7, 1)).set_index("figure_ids")
    assert "U" not in rows.index  # words only: listed in the tables, not drawn
    assert (rows.loc["A", "x_start"], rows.loc["A", "x_end"]) == ("2025-01-01", "2025-12-31")
    assert (rows.loc["S", "x_start"], rows.loc["S", "x_end"]) == ("2021-01-01", "2021-11-30")
    assert rows.loc["C", "x_start"] == "2020-07-01" and rows.loc["C", "open_start"] == en.OPEN
    assert rows.loc["C", "y"] == 2.1e9
    assert rows.loc["C", "period_label"] == "Running total"
    assert rows.loc["A", "period_label"] == "Calendar year"
    assert rows.loc["D", "x_start"] == rows.loc["D", "x_end"] == "2024-08-12"


def test_miit_totals_are_never_labelled_annual(figs):
    rows = pv.chart_rows(pv.merge_same(pv.of(figs, pv.PREVENTION)))
    miit = rows[rows["figure_ids"].str.contains("CN-MIIT")]
    assert len(miit) == 3
    assert set(miit["period_label"]) == {"Running total"} and set(miit["open_start"]) == {en.OPEN}


def test_empty_selection_still_makes_a_chart():
    chart = en.interval_chart(en.chart_rows(frame([{"figure_id": "A"}]).iloc[0:0]),
                              title="t", subtitle="s", description="d", y_title="y")
    spec = chart.to_dict()
    assert spec["description"].endswith("No figures in this selection.")


# --- prose helpers -------------------------------------------------------------------------

@pytest.fixture
def glued(monkeypatch):
    out = {}
    monkeypatch.setattr(page, "_glue", lambda name, obj: out.__setitem__(name, obj.data))
    monkeypatch.delenv(page.NARROWED_ENV, raising=False)
    return out


def test_sentences_are_strict_about_figure_ids(figs, glued, monkeypatch):
    kept = figs.drop("CN-MM-2023-10-CUM")
    say = page.sentences(figs, figs)
    ok = say("enf-x", "It was {a}.", a="CN-MM-2023-10-CUM")
    assert "4,666" in ok and ok.startswith("It was <strong>") and glued["enf-x"] == ok
    # A mistyped id stops the page, naming the id and the ones close to it.
    with pytest.raises(page.FigureIdError, match="CN-MM-2023-10-CUMM.*CN-MM-2023-10-CUM"):
        say("enf-y", "It was {a}.", a="CN-MM-2023-10-CUMM")
    # A figure the default selection leaves out stops the page too; only a narrowed run
    # (parameters other than the defaults) may leave the sentence out.
    with pytest.raises(page.FigureIdError, match="not in this page's selection"):
        page.sentences(kept, figs)("enf-z", "It was {a}.", a="CN-MM-2023-10-CUM")
    monkeypatch.setenv(page.NARROWED_ENV, "1")
    assert page.sentences(kept, figs)("enf-z", "It was {a}.", a="CN-MM-2023-10-CUM") == ""


def test_years_without_a_full_year_count(figs):
    # The 2025 figure's note: "No full-year 2024 figure was found."; 2021 has spans only.
    assert en.missing_years(figs, "cn_fraud_cases_solved") == ["2021", "2024"]
