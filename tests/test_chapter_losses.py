"""Tests of fraudbook.chapters.losses: parameters, conversion, year-on-year change, labels."""

from datetime import date

import pandas as pd
import pytest

from fraudbook.chapters import losses as L
from fraudbook.data.load import load
from fraudbook.kit import names, page, qualifiers, words


def fig(fid, indicator="ic3_reported_losses", value=None, low=None, high=None, qualifier="exact",
        scale="billion", period="annual", start="2023", end="2023", geography="USA", **extra):
    row = {"figure_id": fid, "indicator": indicator, "value": value, "low": low, "high": high,
           "qualifier": qualifier, "scale": scale, "unit": "money", "currency": "USD",
           "period": period, "period_start": start, "period_end": end, "geography": geography,
           "date_published": "2024", "stated": "", "quote": "", "publisher": "P",
           "source_url": "https://example.org", "indicator_title": "T", "measures": "victim_losses"}
    row.update(extra)
    return row


def frame(*rows):
    df = pd.DataFrame(list(rows)).set_index("figure_id")
    for c in ("value", "low", "high"):
        df[c] = df[c].astype(float)
    return df


RATES = pd.DataFrame(
    [{"rate_id": "eur-a", "currency": "EUR", "per_usd": 0.5, "date": "2022-12-28"},
     {"rate_id": "eur-b", "currency": "EUR", "per_usd": 0.8, "date": "2024-06-30"},
     {"rate_id": "cny-a", "currency": "CNY", "per_usd": 7.0, "date": "2023-09-11"}]
).set_index("rate_id")


def test_first_year_after_last_year_is_refused_with_both_names():
    with pytest.raises(ValueError, match="first_year.*last_year"):
        L.check_parameters("USD", 2025, 2019, RATES)
    L.check_parameters("USD", 2019, 2019, RATES)  # one year is fine


def test_unknown_currency_or_missing_rate_is_refused():
    with pytest.raises(ValueError, match="currency"):
        L.check_parameters("GBP", 2019, 2024, RATES)
    with pytest.raises(ValueError, match="no rate"):
        L.check_parameters("EUR", 2019, 2024, RATES[RATES["currency"] == "CNY"])


def test_pick_rate_takes_the_rate_closest_to_the_date():
    assert L.pick_rate(RATES, "EUR", date(2023, 12, 31))["rate_id"] == "eur-b"
    assert L.pick_rate(RATES, "EUR", date(2022, 12, 31))["rate_id"] == "eur-a"
    assert L.pick_rate(RATES, "JPY", date(2022, 12, 31)) is None


def test_round_sig_keeps_floors_and_ceilings_true():
    assert words.round_sig(15.166, "more_than") == 15.1   # a floor is rounded down
    assert words.round_sig(37.91, "just_under") == 38.0   # a ceiling is rounded up
    assert words.round_sig(37.91, "nearly") == 38.0       # "nearly" is a ceiling too
    assert words.round_sig(15.166) == 15.2
    assert words.round_sig(1234.5) == 1230


def test_convert_uses_rate_nearest_to_period_end_and_keeps_the_original():
    df = frame(fig("A", value=10, qualifier="more_than", end="2022", start="2022"),
               fig("B", low=18, high=37, qualifier="range", end="2023", start="2023"),
               fig("C", value=64, end="2023-12", period="as_of", start=""))
    out = L.convert(page.statements(df), RATES, "EUR")
    assert out.loc["A", "rate_id"] == "eur-a"
    assert out.loc["A", "converted"] == "more than EUR 5 billion"
    assert out.loc["A", "amount"] == "more than USD 10 billion"  # as stated, untouched
    assert out.loc["B", "converted"] == "EUR 14.4–29.6 billion"
    assert out.loc["B", "low_abs"] == pytest.approx(18e9 * 0.8)
    assert "computed by the book" in out.loc["C", "conversion_note"]
    usd = L.convert(page.statements(df), RATES, "USD")
    assert (usd["rate_id"] == "").all() and usd.loc["A", "value_abs"] == 10e9


def test_yoy_growth_only_between_consecutive_years_of_one_series_and_every_pairing():
    df = frame(fig("Y19", value=3.5, start="2019", end="2019"),
               fig("Y20a", value=4.1, start="2020", end="2020"),
               fig("Y20b", value=4.2, start="2020", end="2020"),
               fig("Y22", value=10.3, start="2022", end="2022"),
               fig("F20", indicator="ftc_reported_fraud_losses", value=1, start="2020", end="2020"),
               fig("CUM", value=50.5, period="cumulative", start="2020", end="2024"))
    g = L.yoy_growth(df)
    pairs = set(zip(g["from_id"], g["to_id"], strict=False))
    assert pairs == {("Y19", "Y20a"), ("Y19", "Y20b")}   # no 2020->2022 gap, no FTC, no cumulative
    assert g.set_index("to_id").loc["Y20a", "growth_pct"] == pytest.approx(17.1)
    assert g.set_index("to_id").loc["Y20b", "growth_pct"] == pytest.approx(20.0)


def test_growth_table_names_the_figure_used_where_a_year_has_two():
    df = page.statements(frame(fig("Y19", value=3.5, start="2019", end="2019"),
                               fig("Y20a", value=4.1, start="2020", end="2020", publisher="Report"),
                               fig("Y20b", value=4.2, start="2020", end="2020", publisher="Press")))
    t = L.growth_table(L.yoy_growth(df), df)
    notes = dict(zip(t["to_id"], t["note"], strict=False))
    assert "Report" in notes["Y20a"] and "Press" in notes["Y20b"]


def test_in_years_limits_only_the_year_series():
    df = frame(fig("I", start="2018", end="2018"), fig("U", indicator="unodc_victim_losses_esea",
                                                       start="2018", end="2018"))
    assert list(L.in_years(df, 2019, 2025).index) == ["U"]


def test_combined_geographies_are_named_together():
    geos = pd.DataFrame({"name": ["Cambodia", "Laos", "Myanmar"]}, index=["KHM", "LAO", "MMR"])
    assert names.names("KHM;LAO;MMR", geos, L.COMBINED) == "Cambodia, Laos and Myanmar together"
    assert names.names("KHM", geos, L.COMBINED) == "Cambodia"
    assert L.short_where("KHM;LAO;MMR", geos) == "Cambodia + Laos + Myanmar"


def test_real_data_ic3_growth_2023_2024_both_readings():
    # IC3 2023: "exceeding $12.5 billion"; 2024: "exceeding $16 billion" (press release) and
    # "$16.6 billion" (report). (16 - 12.5) / 12.5 = 28%; (16.6 - 12.5) / 12.5 = 32.8%.
    ds = load()
    figs = ds.figures_with_meta()
    g = L.yoy_growth(figs[figs["indicator"] == "ic3_reported_losses"])
    last = g[g["year_to"] == 2024].set_index("to_id")["growth_pct"]
    assert last.to_dict() == {"IC3-2024-L": 28.0, "IC3-2024-L2": 32.8}


def test_real_data_estimates_keep_what_they_measure():
    ds = load()
    figs = L.convert(page.statements(ds.figures_with_meta()), ds.fx_rates, "USD")
    est = L.estimate_rows(figs, ds.geographies)
    assert est.loc["UNODC-02", "measure"] == L.MEASURE_LABELS["criminal_revenue"]
    assert est.loc["UNODC-01", "measure"] == L.MEASURE_LABELS["victim_losses"]
    # UNODC-01 is stated as "between US $18 billion and $37 billion": a range, drawn as one.
    assert (est.loc["UNODC-01", "low_bn"], est.loc["UNODC-01", "high_bn"]) == (18, 37)
    assert est.loc["USIP-06", "reading"] == "floor"      # "exceeds $43.8 billion"
    assert est.loc["UNODC-02", "reading"] == "ceiling"   # "just under US$40 billion"
    assert est.loc["UNODC-02", "how"] == qualifiers.LABELS["ceiling"]
