"""One vocabulary of marks: the same qualifier gets the same mark and the same legend words on
every page's chart (enforcement, prevention, losses, disagreements, country, geography).

Each chart is built from the same small set of figures, one per way a source states a number,
and its Vega-Lite spec is read back: the legend label of every qualifier must map to the same
shape, a triangle pointing towards higher values for a floor and towards lower values for a
ceiling along the chart's value axis, and a diamond for "about", on every page.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fraudbook.chapters import country_profile as cp
from fraudbook.chapters import disagreements as dis
from fraudbook.chapters import enforcement as en
from fraudbook.chapters import geography as geo
from fraudbook.chapters import losses as L
from fraudbook.chapters import prevention as pv
from fraudbook.kit import page, qualifiers

# How the sources state a number, and what the reader must see for each.
STATED = {"exact": "point", "about": "about", "nearly": "ceiling", "more_than": "floor",
          "up_to": "ceiling", "at_least": "floor", "just_under": "ceiling"}
# Written out here, not read from the kit: the rule the issue states.
EXPECTED = {
    "y": {"point": "circle", "about": "diamond", "floor": "triangle-up", "ceiling": "triangle-down"},
    "x": {"point": "circle", "about": "diamond", "floor": "triangle-right", "ceiling": "triangle-left"},
}
GEO = pd.DataFrame(
    [["MMR", "Myanmar", "country", ""], ["CHN", "China", "country", ""],
     ["KHM", "Cambodia", "country", ""], ["USA", "United States", "country", ""]],
    columns=["code", "name", "kind", "country"]).set_index("code")


def figures(indicator: str, unit: str = "people", geography: str = "MMR", scale: str = "",
            currency: str = "", measures: str = "count", **extra) -> pd.DataFrame:
    """One figure per way of stating a number, each for its own calendar year."""
    rows = []
    for i, q in enumerate(STATED):
        year = str(2018 + i)
        rows.append({
            "figure_id": f"F-{q}", "indicator": indicator, "indicator_title": indicator,
            "value": float(100 + 10 * i), "low": None, "high": None, "qualifier": q, "scale": scale,
            "unit": unit, "currency": currency, "period": "annual", "period_start": year,
            "period_end": year, "geography": geography, "partner": "", "source_id": f"s{i}",
            "stated": "", "quote": "", "note": "", "publisher": f"Publisher {i}",
            "date_published": f"{year}-12-31", "source_url": "https://example.org/", "measures": measures,
            **extra})
    df = pd.DataFrame(rows).set_index("figure_id")
    for c in ("value", "low", "high"):
        df[c] = df[c].astype(float)
    return page.statements(df)


def marks(spec) -> dict[str, str]:
    """Every legend label -> shape of the shape scales in a Vega-Lite spec."""
    out: dict[str, str] = {}
    if isinstance(spec, dict):
        shape = spec.get("shape")
        if isinstance(shape, dict) and isinstance(shape.get("scale"), dict) \
                and "domain" in shape["scale"]:
            pairs = dict(zip(shape["scale"]["domain"], shape["scale"]["range"], strict=False))
            for label, mark in pairs.items():
                assert out.get(label, mark) == mark, f"{label!r} drawn two ways in one chart"
            out.update(pairs)
        for v in spec.values():
            out.update(marks(v))
    elif isinstance(spec, list):
        for v in spec:
            out.update(marks(v))
    return out


def enforcement_chart():
    rows = en.chart_rows(en.merge_same(figures("cn_fraud_suspects_detained")))
    return en.interval_chart(rows, title="t", subtitle="s", description="d", y_title="y"), "y"


def prevention_chart():
    rows = pv.chart_rows(pv.merge_same(figures("cn_scam_calls_intercepted", unit="calls")))
    return pv.interval_chart(rows, facet="what", title="t", subtitle="s", description="d",
                             y_title="y"), "y"


RATES = pd.DataFrame([{"rate_id": "eur", "currency": "EUR", "per_usd": 0.9, "date": "2023-01-01"}]
                     ).set_index("rate_id")


def losses_year_chart():
    df = L.convert(figures("ic3_reported_losses", unit="money", geography="USA", scale="billion",
                           currency="USD", measures="victim_losses"), RATES, "USD")
    df["series"] = "IC3"
    pts = L.year_points(df, "series")
    return L.year_chart(pts, "series", "t", "s", "USD", "d", "y"), "y"


def losses_estimates_chart():
    df = L.convert(figures("unodc_victim_losses_esea", unit="money", geography="KHM",
                           scale="billion", currency="USD", measures="victim_losses"), RATES, "USD")
    return L.estimates_chart(L.estimate_rows(df, GEO), "USD"), "x"


def disagreements_chart():
    data = dis.dot_data(figures("x", unit="money", currency="USD", scale="billion").assign(
        used="Shown side by side"))
    return dis.dot_chart(pd.Series({"topic": "t", "differs": "number"}), data), "x"


def country_chart():
    figs = cp.country_figures(figures("people_held"), GEO, "MMR")
    figs["scope"] = "Myanmar"
    rows = cp.value_chart_rows(figs, "people")
    return cp.value_chart(rows, "t", "s", "y", "d"), "y"


def geography_abroad_chart():
    return geo.abroad_chart(geo.abroad_rows(figures("cn_fraud_share_from_abroad", unit="percent",
                                                    geography="CHN"))), "x"


def geography_people_chart():
    rows = geo.people_rows(figures("ohchr_people_in_scam_operations"), GEO, ["MMR"])
    return geo.people_chart(rows, "t", ["s"], colour_by_who=False), "x"


CHARTS = [enforcement_chart, prevention_chart, losses_year_chart, losses_estimates_chart,
          disagreements_chart, country_chart, geography_abroad_chart, geography_people_chart]


@pytest.mark.parametrize("build", CHARTS, ids=[b.__name__ for b in CHARTS])
def test_every_qualifier_gets_the_books_mark_and_words(build):
    chart, axis = build()
    drawn = marks(chart.to_dict())
    for q, reading in STATED.items():
        if build is geography_people_chart and reading == "point":
            continue  # a bar as stated carries no extra mark
        label = qualifiers.LABELS[reading]
        assert label in drawn, f"{build.__name__}: no legend entry for {q!r} ({label!r})"
        assert drawn[label] == EXPECTED[axis][reading], f"{build.__name__}: {q!r}"
    # No chart invents words of its own for a mark.
    assert set(drawn) <= set(qualifiers.LABELS.values())


def test_the_same_qualifier_looks_the_same_on_every_page():
    seen: dict[str, set[tuple[str, str]]] = {}
    for build in CHARTS:
        chart, axis = build()
        for label, mark in marks(chart.to_dict()).items():
            # Along the value axis: "up" on a vertical axis is "right" on a horizontal one.
            direction = {"triangle-up": "higher", "triangle-right": "higher",
                         "triangle-down": "lower", "triangle-left": "lower"}.get(mark, mark)
            seen.setdefault(label, set()).add((direction, build.__name__))
    for label, uses in seen.items():
        assert len({d for d, _ in uses}) == 1, f"{label!r} drawn differently: {sorted(uses)}"
    assert {d for d, _ in seen[qualifiers.LABELS["about"]]} == {"diamond"}
    assert {d for d, _ in seen[qualifiers.LABELS["floor"]]} == {"higher"}
    assert {d for d, _ in seen[qualifiers.LABELS["ceiling"]]} == {"lower"}


def test_nearly_is_a_ceiling_in_every_legend():
    # "nearly" was a down-triangle on one page, a left-triangle on another, a diamond on a third.
    assert qualifiers.label("nearly") == qualifiers.label("up_to") == qualifiers.label("just_under")
    for build in CHARTS:
        chart, axis = build()
        assert marks(chart.to_dict())[qualifiers.label("nearly")] == EXPECTED[axis]["ceiling"]
