"""The country profile: which figures, events and places concern a country, and how they read."""

from __future__ import annotations

import pandas as pd
import pytest

from fraudbook.chapters import country_profile as cp
from fraudbook.data.coverage import country_coverage
from fraudbook.kit import names, qualifiers

GEO = pd.DataFrame(
    [["MMR", "Myanmar", "country", ""], ["CHN", "China", "country", ""],
     ["PHL", "Philippines", "country", ""], ["KHM", "Cambodia", "country", ""],
     ["northern-myanmar", "Northern Myanmar", "area", "MMR"], ["myawaddy", "Myawaddy", "area", "MMR"],
     ["world", "World", "region", ""]],
    columns=["code", "name", "kind", "country"]).set_index("code")


def _figs(rows):
    cols = ["figure_id", "geography", "partner", "unit", "indicator_title", "period_end",
            "qualifier", "value", "low", "high", "scale", "period", "currency", "measures"]
    full = [r + [None] * (len(cols) - len(r)) for r in rows]
    df = pd.DataFrame(full, columns=cols)
    df["period_start"] = df["period_end"]
    return df.set_index("figure_id")


FIGS = _figs([
    ["A", "MMR", "", "people", "Held", "2023-08", "at_least", 120000.0],
    ["B", "northern-myanmar;PHL;KHM", "", "percent", "Share", "2023-09", "exact", 68.5],
    ["C", "myawaddy", "CHN", "people", "Sent home", "2025-07", "more_than", 5400.0],
    ["D", "KHM", "", "people", "Held", "2023-08", "about", 100000.0],
    ["E", "world", "CHN", "people", "Returned", "2025-09", "exact", 68000.0],
])


def test_areas_belong_to_their_country():
    assert names.country_codes(GEO, "MMR") == ["MMR", "northern-myanmar", "myawaddy"]
    assert names.country_codes(GEO, "CHN") == ["CHN"]


def test_country_figures_take_areas_combined_figures_and_partner_flows():
    mmr = cp.country_figures(FIGS, GEO, "MMR")
    assert set(mmr.index) == {"A", "B", "C"}        # not Cambodia's own figure D
    chn = cp.country_figures(FIGS, GEO, "CHN")
    assert set(chn.index) == {"C", "E"}              # China only as the receiving partner
    khm = cp.country_figures(FIGS, GEO, "KHM")
    assert set(khm.index) == {"B", "D"}
    assert khm.loc["B", "combined"] and not khm.loc["D", "combined"]


def test_combined_figure_names_the_other_places_and_is_not_split():
    text = cp.scope_text("northern-myanmar;PHL;KHM", "", GEO, "MMR")
    assert text.startswith("Northern Myanmar, combined with the Philippines and Cambodia")
    assert "not split" in text
    # On Cambodia's page the same one figure names Myanmar's area and the Philippines.
    assert cp.scope_text("northern-myanmar;PHL;KHM", "", GEO, "KHM").startswith(
        "Cambodia, combined with Northern Myanmar and the Philippines")


def test_flows_read_from_both_ends():
    assert cp.scope_text("myawaddy", "CHN", GEO, "MMR") == "Myawaddy; to China"
    assert cp.scope_text("myawaddy", "CHN", GEO, "CHN") == "From Myawaddy to China"
    with pytest.raises(ValueError):
        cp.scope_text("KHM", "", GEO, "MMR")


def test_prose_names_and_lists():
    # The page reads places through the kit ("the Philippines", "a, b and c"), not a copy.
    from fraudbook.data import coverage

    assert cp.prose_name is names.prose_name and cp.join is names.join
    assert cp.country_codes is names.country_codes and cp.parent_country is coverage.parent_country
    out = cp.scope_text("northern-myanmar;PHL;KHM", "", GEO, "MMR")
    assert out == ("Northern Myanmar, combined with the Philippines and Cambodia "
                   "(one figure for all of them, not split)")
    assert cp.sections_sentence(cp.country_figures(FIGS, GEO, "PHL"), "Philippines") == \
        "Of the figures, 1 share or rate of change."


def test_markers_keep_floors_and_ranges_visible():
    mine = cp.country_figures(FIGS, GEO, "MMR")
    mine = mine.assign(amount="a", period_text="p", source_label="s", scope="w")
    rows = cp.value_chart_rows(mine, "people").set_index("figure_id")
    # Marks come from the kit: "about" is its own reading (a diamond), not lumped with ceilings.
    assert rows.loc["A", "marker"] == "floor" and rows.loc["C", "marker"] == "floor"
    assert rows.loc["A", "marker_text"] == qualifiers.LABELS["floor"]
    spec = cp.value_chart(rows.reset_index(), "t", "s", "y", "d").to_dict()
    shape = spec["layer"][0]["encoding"]["shape"]["scale"]
    assert dict(zip(shape["domain"], shape["range"], strict=False))[qualifiers.LABELS["floor"]] == "triangle-up"


def test_value_chart_rows_scale_and_leave_out_unquantified():
    figs = _figs([
        ["X", "MMR", "", "money", "Losses", "2023", "range", None, 18.0, 37.0, "billion", "annual", "USD", "victim_losses"],
        ["Y", "MMR", "", "money", "Losses", "2024", "unquantified", None, None, None, None, "annual", "USD", "victim_losses"],
        ["Z", "MMR", "", "money", "Per victim", "2024", "exact", 3520.0, None, None, None, "annual", "USD", "rate"],
    ])
    figs = cp.country_figures(figs, GEO, "MMR")
    rows = cp.value_chart_rows(figs, "money", currency="USD")
    assert list(rows.index) == ["X"]             # no unquantified point, no per-victim rate
    assert rows.loc["X", "plot_low"] == 18e9 and rows.loc["X", "plot_high"] == 37e9
    assert rows.loc["X", "marker"] == "range"


def test_many_indicators_share_an_other_colour():
    rows = [[f"F{i}", "MMR", "", "people", f"Indicator {i:02d}", "2024", "exact", float(i + 1)]
            for i in range(10)]
    out = cp.value_chart_rows(cp.country_figures(_figs(rows), GEO, "MMR"), "people")
    assert out["series"].nunique() == cp.MAX_SERIES + 1
    assert (out["series"] == cp.OTHER_SERIES).sum() == 3


def test_grouped_table_escapes_text_and_groups_by_indicator():
    df = pd.DataFrame({"g": ["<b>x</b>", "<b>x</b>", "y"], "a": ["1 < 2", "3", "4"],
                       "link": ['<a href="u">s</a>'] * 3})
    out = cp.grouped_table(df, "g", {"a": "A", "link": "Source"}, raw_html=("link",))
    assert out.count('scope="rowgroup"') == 2
    assert "&lt;b&gt;x&lt;/b&gt;" in out and "1 &lt; 2" in out
    assert '<a href="u">s</a>' in out


def test_figure_block_puts_the_country_in_the_label(monkeypatch):
    from fraudbook.kit import page

    glued = {}
    monkeypatch.setattr(page, "_glue", lambda name, obj: glued.__setitem__(name, obj))
    rows = pd.DataFrame([{"publisher": "P", "date_published": "2024-01-02", "a": "x"}])
    import altair as alt

    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point()
    md = page.figure_block("cp-mmr-events", chart, caption="Caption.", sources=rows,
                           data=rows, columns={"a": "A"})
    assert md.startswith("```{glue:figure} cp-mmr-events\n:name: fig-cp-mmr-events\n")
    assert "{glue:md}`cp-mmr-events-sources`" in md and "```{glue} cp-mmr-events-data" in md
    assert {"cp-mmr-events", "cp-mmr-events-sources", "cp-mmr-events-data"} <= set(glued)


# On the real data -------------------------------------------------------------------------

def test_page_counts_match_the_runner_coverage(ds):
    """A country's page holds exactly the items that made it 'covered' in runs.yml."""
    figs = ds.figures_with_meta()
    for code, n in country_coverage(ds).items():
        f = cp.country_figures(figs, ds.geographies, code)
        e = cp.country_events(ds.events, ds.sources, ds.places, code)
        assert len(f) + len(e) == n, code


def test_the_68_5_percent_share_appears_once_as_combined_on_each_page(ds):
    # Quote: "northern Myanmar, the Philippines and Cambodia ... 68.5%" (one combined share).
    figs = ds.figures_with_meta()
    for code in ("MMR", "PHL", "KHM"):
        f = cp.country_figures(figs, ds.geographies, code)
        assert "SEED-CN-INTL-68-5" in f.index
        assert "combined with" in f.loc["SEED-CN-INTL-68-5", "scope"]
    assert "SEED-CN-INTL-68-5" not in cp.country_figures(figs, ds.geographies, "CHN").index


def test_handovers_to_china_show_on_both_pages(ds):
    # Quote of CN-MM-2023-11-MUSE: 571 suspects handed over at Muse to Chinese police.
    figs = ds.figures_with_meta()
    mmr = cp.country_figures(figs, ds.geographies, "MMR")
    chn = cp.country_figures(figs, ds.geographies, "CHN")
    assert mmr.loc["CN-MM-2023-11-MUSE", "scope"] == "Muse; to China"
    assert chn.loc["CN-MM-2023-11-MUSE", "scope"] == "From Muse to China"


def test_places_and_events_of_laos(ds):
    places = cp.country_places(ds.places, ds.sources, "LAO")
    assert set(places.index) == {"golden-triangle-sez", "vientiane"}
    assert "GeoNames" in places.loc["vientiane", "gazetteer_html"]
    ev = cp.country_events(ds.events, ds.sources, ds.places, "LAO")
    assert "2023-11-29-laos-deports-462" in ev.index
    assert list(ev["start"]) == sorted(ev["start"])


def test_country_without_data_gets_sentences(ds):
    figs = cp.country_figures(ds.figures_with_meta(), ds.geographies, "IDN")
    assert figs.empty
    out = cp.section_output(figs, "money", "Indonesia")
    assert out.data == "The data holds no amount of money about Indonesia."
    assert cp.value_chart_spec(figs, "Indonesia") is None
