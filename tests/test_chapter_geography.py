"""Tests of the case-geography chapter module (fraudbook/chapters/geography.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from fraudbook.chapters import geography as geo

GEOS = pd.DataFrame(
    [{"code": "MMR", "name": "Myanmar", "kind": "country", "country": ""},
     {"code": "KHM", "name": "Cambodia", "kind": "country", "country": ""},
     {"code": "PHL", "name": "Philippines", "kind": "country", "country": ""},
     {"code": "USA", "name": "United States", "kind": "country", "country": ""},
     {"code": "northern-myanmar", "name": "Northern Myanmar", "kind": "area", "country": "MMR"},
     {"code": "world", "name": "World", "kind": "region", "country": ""}]).set_index("code")


# --- parameters ---------------------------------------------------------------------------

def test_check_highlight_accepts_countries_and_drops_duplicates():
    assert geo.check_highlight(["MMR", "KHM", "MMR"], GEOS, {"MMR", "KHM"}) == ["MMR", "KHM"]
    assert geo.check_highlight([], GEOS, {"MMR"}) == []


@pytest.mark.parametrize("code, words", [("northern-myanmar", "is an area, not a country"),
                                         ("world", "is a region, not a country"),
                                         ("USA", "no outline"),
                                         ("XXX", "not a code")])
def test_check_highlight_rejects_non_countries(code, words):
    with pytest.raises(ValueError, match=words):
        geo.check_highlight([code], GEOS, {"MMR", "KHM"})


def test_every_country_with_an_outline_can_be_highlighted(ds):
    outlines = {f["properties"]["iso3"] for f in geo.load_boundaries()}
    countries = [c for c in ds.geographies.index if ds.geographies.loc[c, "kind"] == "country"
                 and c in outlines]
    # The page's default highlight (the four host countries) is among them.
    assert {"MMR", "KHM", "LAO", "PHL"} <= set(countries)
    assert geo.check_highlight(countries, ds.geographies, outlines) == countries


def test_countries_of_maps_areas_to_their_country_and_regions_to_none():
    assert geo.countries_of("northern-myanmar;PHL;KHM", GEOS) == {"MMR", "PHL", "KHM"}
    assert geo.countries_of("world", GEOS) == set()


# --- the combined share -----------------------------------------------------------------

def test_combined_share_is_one_part_and_the_rest_is_computed(ds, figs):
    row = figs.loc["SEED-CN-INTL-68-5"]
    parts = geo.combined_share_parts(row, ds.geographies, ["MMR"])
    # Exactly two parts: never one per country.
    assert len(parts) == 2
    assert "Northern Myanmar" in parts.iloc[0]["part"] and "combined" in parts.iloc[0]["part"]
    # The stated share comes from the quote ("accounts for a staggering 68.5% of all international cases").
    assert "68.5%" in row["quote"]
    assert parts.iloc[0]["value"] == 68.5
    assert parts.iloc[1]["value"] == 31.5  # 100 - 68.5, exact in decimal
    assert "computed by the book as 100 − 68.5" in parts.iloc[1]["how"]
    assert "computed by the book" in parts.iloc[1]["part"]
    assert parts["emphasis"].tolist() == [True, False]
    assert geo.combined_share_parts(row, ds.geographies, ["THA"])["emphasis"].tolist() == [False, False]


def test_combined_share_refuses_what_has_no_remainder(ds, figs):
    row = figs.loc["SEED-CN-ABROAD-80"].copy()   # "approximately 80%": not exact
    with pytest.raises(ValueError):
        geo.combined_share_parts(row, ds.geographies, [])
    row = figs.loc["OHCHR-01"]                    # people, not a share
    with pytest.raises(ValueError):
        geo.combined_share_parts(row, ds.geographies, [])


# --- shares from abroad and counts of people ------------------------------------------------

def test_abroad_rows_keep_every_statement_and_mark_the_floor(figs):
    rows = geo.abroad_rows(figs)
    assert {"CN-2021-ABROAD-SHARE", "CN-2022-ABROAD-SHARE", "SEED-CN-ABROAD-80"} <= set(rows.index)
    # 超过六成 = "more than six tenths": a floor.
    assert "超过六成" in rows.loc["CN-2021-ABROAD-SHARE", "quote"]
    assert bool(rows.loc["CN-2021-ABROAD-SHARE", "floor"])
    assert not rows.loc["CN-2022-ABROAD-SHARE", "floor"]
    assert list(rows["period_end"]) == sorted(rows["period_end"])


def test_people_rows_are_never_added_and_leave_out_regions(ds, figs):
    rows = geo.people_rows(figs, ds.geographies, ["MMR"])
    assert "USIP-11" not in rows.index       # 'world': not a named country
    assert "USIP-08" in rows.index           # Cambodia, Laos and Myanmar: one combined bar
    assert rows.loc["USIP-08", "place"].endswith("(together)")
    # No row holds a sum: each value is one figure's own value.
    for fid, r in rows.iterrows():
        assert (pd.isna(r["value"]) and pd.isna(figs.loc[fid, "value"])) or r["value"] == figs.loc[fid, "value"]
    # "at least 120,000 people across Myanmar" is a floor; the Laos/Philippines/Thailand statement has no number.
    assert bool(rows.loc["OHCHR-01", "floor"])
    assert bool(rows.loc["OHCHR-03", "unquantified"])
    assert rows.loc["OHCHR-03", "amount"] == "at least tens of thousands"
    # Emphasis follows the highlight: Myanmar rows and the combined row touching Myanmar.
    assert bool(rows.loc["OHCHR-01", "emphasis"]) and bool(rows.loc["USIP-08", "emphasis"])
    assert not rows.loc["OHCHR-02", "emphasis"]
    assert rows["label"].is_unique


def test_people_chart_draws_no_bar_for_an_unquantified_statement(ds, figs):
    rows = geo.people_rows(figs, ds.geographies, [],
                           {"ohchr_people_in_scam_operations": "OHCHR: forced to work"})
    spec = geo.people_chart(rows, "t", ["s"], colour_by_who=False).to_dict()
    bar_filters = [layer["transform"][0]["filter"] for layer in spec["layer"]
                   if layer["mark"]["type"] == "bar"]
    assert all("!datum.unquantified" in f or f == "datum.floor" for f in bar_filters)
    data = next(iter(spec["datasets"].values()))
    unq = [d for d in data if d["unquantified"]]
    assert len(unq) == 1 and unq[0]["value"] is None


# --- the map ---------------------------------------------------------------------------------

def test_clip_ring_keeps_direction_and_drops_what_is_outside():
    # A clockwise square from (0,0) to (10,10), clipped to (2,2)-(5,5).
    ring = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]
    out = geo.clip_ring(ring, (2, 2, 5, 5))
    assert out[0] == out[-1]
    assert {tuple(p) for p in out} == {(2, 2), (2, 5), (5, 5), (5, 2)}
    signed = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(out, out[1:], strict=False))
    assert signed < 0  # still clockwise, like the input
    assert geo.clip_ring([[20, 20], [20, 30], [30, 30], [20, 20]], (0, 0, 10, 10)) == []


def test_simplify_keeps_ends_and_removes_collinear_points():
    line = [[0, 0], [1, 0.001], [2, 0], [3, 5]]
    assert geo.simplify(line, 0.01) == [[0, 0], [2, 0], [3, 5]]


def test_map_features_only_hold_the_frame():
    feats = geo.map_features(geo.load_boundaries())
    ids = {f["properties"]["iso3"] for f in feats}
    assert {"MMR", "THA", "LAO", "KHM", "VNM", "PHL", "CHN"} <= ids
    assert "MNG" not in ids and "NPL" not in ids   # wholly outside lon 90-130, lat 0-30
    x0, y0, x1, y1 = geo.FRAME
    m = geo.CLIP_MARGIN
    for f in feats:
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                assert ring[0] == ring[-1]
                for lon, lat in ring:
                    assert x0 - m <= lon <= x1 + m and y0 - m <= lat <= y1 + m


def test_place_rows_join_events_and_leave_out_places_outside_the_frame(ds):
    rows = geo.place_rows(ds.places, ds.events, ds.sources, ds.geographies).set_index("place_id")
    # Beijing (about 40 N) lies outside the 0-30 N frame.
    assert ds.places.loc["beijing", "lat"] > geo.FRAME[3]
    assert "beijing" not in rows.index
    assert list(geo.places_outside(ds.places).index) == ["beijing"]
    # Muse: the handover of 571 suspects (events.csv) shows in its tooltip.
    assert "571" in rows.loc["muse", "events"]
    assert rows.loc["kk-park", "gazetteer"].startswith("Wikipedia")
    assert rows.loc["myawaddy", "gazetteer"] == "GeoNames (1308052)"


def test_label_clusters_join_close_places():
    places = pd.DataFrame([
        {"place_id": "a", "name": "A", "lat": 16.7, "lon": 98.5},
        {"place_id": "b", "name": "B", "lat": 16.8, "lon": 98.6},
        {"place_id": "c", "name": "C", "lat": 20.0, "lon": 100.0}])
    lab = geo.label_clusters(places, threshold=0.5)
    assert list(lab["label"]) == ["B, A", "C"]
    assert math.isclose(lab.iloc[0]["lat"], 16.75)
    assert list(lab["first"]) == ["b", "c"]
