"""The enforcement chapter: selecting figures, ratios, and the period-interval chart that the
prevention chapter (fraudbook.chapters.prevention) draws too.

Both pages work on rows of `Dataset.figures_with_meta()` after `page.statements()`.
Rules kept here so that the notebooks stay thin and the rules are tested:

* A figure is drawn over its period: a line from `period_start` to `period_end` and a mark
  at `period_end`. A running total whose start is not stated gets a dashed line that runs
  to the chart's left edge ("open start"); nothing is placed at an invented start date.
* The colour says what kind of period it is (calendar year, stated span, running total,
  total at a date, single day), so a running total is never read as a year's count.
* The shape says how the source states it, as on every page (fraudbook.kit.qualifiers): a
  floor ("more than", "at least") is an upward triangle, a ceiling ("up to", "just under",
  "nearly") a downward one, "about" a diamond.
* Running totals are milestones: nothing here subtracts one from another or adds them up.
* A ratio is computed only from two figures of the same period, both exact, stated by the
  same source (one announcement, one scope); see `ratio_table`.
"""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import pandas as pd

from ..data.coverage import codes
from ..data.numbers import factor, scaled
from ..data.values import blank
from ..kit import charts, escape, names, qualifiers
from ..kit import words as text
from ..kit.dates import first_day, last_day, when

# The default of the `country` parameter: the page follows China's crackdown, so with CHN
# every figure is kept (China's own counts, transfers to China, and partners' counts from
# the same operations and places, shown beside China's).
ALL = "CHN"

PERIOD_LABELS = {
    "annual": "Calendar year",
    "span": "Span, not a calendar year",
    "cumulative": "Running total",
    "as_of": "Total at a date, no period",
    "on_date": "Single day or batch",
}
PERIOD_COLOURS = dict(zip(PERIOD_LABELS.values(), charts.PALETTE, strict=False))

# Indicators of each section of the enforcement page, in display order.
CHINA_COUNTS = ("cn_fraud_cases_solved", "cn_fraud_suspects_detained", "cn_ringleaders_detained",
                "cn_court_cases_concluded")
CHINA_CHART = CHINA_COUNTS[:3]
MYANMAR_TOTALS = "mm_cn_handovers_cumulative"
MYANMAR_PARTS = ("mm_cn_handed_over_core_members", "mm_cn_handed_over_fugitives",
                 "handover_batches_to_china")
MYAWADDY_MEASURES = ("myawaddy_cn_repatriations", "suspects_detained_in_operations",
                     "people_freed_myanmar_2025")
MYAWADDY_LABELS = {
    "myawaddy_cn_repatriations": "Chinese nationals sent to China (China's ministry)",
    "suspects_detained_in_operations": "Foreigners of all countries detained (Myanmar's junta)",
    "people_freed_myanmar_2025": "All nationalities awaiting repatriation (Thai PM)",
}
MYAWADDY_TABLE = (*MYAWADDY_MEASURES, "handover_batches_to_china", "foreigners_repatriated_from_myanmar")
LAOS = ("suspects_detained_in_operations", "handover_batches_to_china", "returns_to_china_by_country",
        "scam_centres", "scam_centres_shut")
RETURNS = ("returns_to_china_by_country", "cn_persuaded_to_return",
           "suspects_detained_in_operations", "foreigners_repatriated_from_myanmar",
           "kh_intervention_requests", "kh_intervention_individuals")
CENTRES = ("scam_centres", "scam_centres_shut", "kk_park_buildings_demolished", "scam_compounds")

STATED = "Period as stated"
OPEN = "No start stated (dashed)"
CHART_WIDTH = charts.WIDTH - 140  # room for the y axis and the chart menu in the text column


# --- parameters (the dates are read by fraudbook.kit.dates.window) ---------------------------

def check_country(code: str, geographies: pd.DataFrame) -> str:
    if code not in geographies.index:
        raise ValueError(f"parameter 'country' has unknown geography code {code!r} "
                         "(see data/geographies.csv)")
    return code


# --- selection ----------------------------------------------------------------------------

end_day = last_day      # '2023' -> 31 Dec 2023
start_day = first_day  # None where no start is stated


def in_window(df: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """Rows whose period ends (last day its period_end covers) between first and last."""
    if df.empty:
        return df
    ends = df["period_end"].map(end_day)
    return df[(ends >= first) & (ends <= last)]


def about_country(df: pd.DataFrame, code: str, geographies: pd.DataFrame) -> pd.DataFrame:
    """Rows about `code` as geography (or an area in it) or as partner; all rows for ALL."""
    if code == ALL or df.empty:
        return df
    mine = {code, *names.country_codes(geographies, code)}  # a country and the areas inside it
    geo = df["geography"].map(lambda g: bool(mine & set(codes(g))))
    partner = df["partner"].map(lambda p: not blank(p) and p in mine)
    return df[geo | partner]


def of(df: pd.DataFrame, indicators) -> pd.DataFrame:
    """Rows of the given indicators, in that indicator order, then by period end and start."""
    if isinstance(indicators, str):
        indicators = (indicators,)
    out = df[df["indicator"].isin(indicators)].copy()
    out["_order"] = out["indicator"].map({k: i for i, k in enumerate(indicators)})
    out["_end"] = out["period_end"].map(end_day)
    out["_start"] = out["period_start"].map(lambda s: start_day(s) or date.min)
    out = out.sort_values(["_order", "_end", "_start", "date_published"], kind="stable")
    return out.drop(columns=["_order", "_end", "_start"])


def describe_selection(code: str, first: date, last: date, geographies: pd.DataFrame) -> str:
    """One sentence saying what the page's parameters keep."""
    window = f"whose period ends between {when(first.isoformat())} and {when(last.isoformat())}"
    if code == ALL:
        return (f"This version of the page keeps every enforcement figure in the data {window} "
                "(country parameter `CHN`, the default).")
    name = escape.md(names.prose_name(names.name(code, geographies)))
    areas = sorted(names.name(c, geographies) for c in names.country_codes(geographies, code)
                   if c != code)
    inside = f" (including {escape.md(names.join(areas))})" if areas else ""
    return (f"This version of the page is narrowed to figures about {name}{inside}, as the place "
            f"counted or as the receiving country, {window} (country parameter `{code}`).")


# --- table helpers --------------------------------------------------------------------------

def period_kind(df: pd.DataFrame) -> pd.Series:
    return df["period"].map(PERIOD_LABELS)


def start_text(row: pd.Series) -> str:
    """How the start of a figure's count is stated, in words."""
    s = start_day(row.get("period_start"))
    if row["period"] == "on_date":
        return "single day or batch"
    if row["period"] == "annual":
        return f"calendar year {row['period_start']}"
    if s is None:
        return "not stated"
    return f"since {when(str(row['period_start']))}"


def missing_years(df: pd.DataFrame, indicator: str) -> list[str]:
    """Calendar years between the first and last annual figure of `indicator` with none."""
    years = sorted({int(p) for p in df.loc[(df["indicator"] == indicator)
                                           & (df["period"] == "annual"), "period_start"].str[:4]})
    if not years:
        return []
    return [str(y) for y in range(years[0], years[-1] + 1) if y not in years]


# --- merging statements of the same figure ----------------------------------------------------

SAME = ["indicator", "period", "period_start", "period_end", "value", "low", "high", "qualifier",
        "scale", "currency"]


def merge_same(df: pd.DataFrame) -> pd.DataFrame:
    """One row per figure as stated: rows that state the same number for the same indicator
    and period (several sources repeating one announcement) become one row listing every
    source; figures that differ in any way stay apart."""
    if df.empty:
        out = df.copy()
        for c in ("figure_ids", "sources"):
            out[c] = pd.Series(dtype=str)
        return out
    work = df.reset_index()
    key = work[SAME].apply(lambda r: "|".join("" if blank(v) else str(v) for v in r), axis=1)
    rows = []
    for _, group in work.groupby(key, sort=False):
        first = group.iloc[0].copy()
        first["figure_ids"] = ", ".join(group["figure_id"])
        first["sources"] = "; ".join(dict.fromkeys(group["source_label"]))
        first["source_html"] = "; ".join(dict.fromkeys(group["source_html"]))
        rows.append(first)
    return pd.DataFrame(rows).set_index("figure_id")


# --- ratios -----------------------------------------------------------------------------------

def ratio_table(figs: pd.DataFrame, numerator: str, denominator: str) -> pd.DataFrame:
    """numerator / denominator where both figures cover exactly the same period, both are
    exact (no 'more than': the ratio of two floors is neither a floor nor a ceiling), and the
    same source states both (one announcement, one scope). One row per such pair."""
    num = figs[(figs["indicator"] == numerator) & (figs["qualifier"] == "exact")]
    den = figs[(figs["indicator"] == denominator) & (figs["qualifier"] == "exact")]
    keys = ["period", "period_start", "period_end", "source_id"]
    pairs = num.reset_index().merge(den.reset_index(), on=keys, suffixes=("_num", "_den"))
    pairs = pairs[pairs["period"].isin(["annual", "span"]) & (pairs["value_den"] > 0)]
    out = pd.DataFrame({
        "period_text": pairs["period_text_num"],
        "numerator": pairs["amount_num"],
        "denominator": pairs["amount_den"],
        "ratio": [n * factor(sn) / (d * factor(sd)) for n, d, sn, sd in
                  zip(pairs["value_num"], pairs["value_den"], pairs["scale_num"], pairs["scale_den"], strict=False)],
        "sources": pairs["source_html_num"],
        "figure_ids": pairs["figure_id_num"] + ", " + pairs["figure_id_den"],
        "period_end": pairs["period_end"],
    })
    return out.sort_values("period_end", key=lambda s: s.map(end_day)).reset_index(drop=True)


def ratio_text(r: float) -> str:
    """A computed ratio, to two decimals (the inputs are stated to three figures or more)."""
    return f"{r:.2f}"


# --- charts -------------------------------------------------------------------------------------

def month_start(d: date) -> date:
    return d.replace(day=1)


def open_anchor(df: pd.DataFrame) -> date:
    """The chart's left edge: about six months before the earliest date it draws."""
    days = [end_day(e) for e in df["period_end"]]
    days += [s for s in df["period_start"].map(start_day) if s is not None]
    return month_start(min(days) - timedelta(days=180))


def chart_rows(df: pd.DataFrame, anchor: date | None = None,
               what: dict[str, str] | None = None) -> pd.DataFrame:
    """The marks of a period-interval chart, one per row of `df` (after merge_same).

    Leaves out unquantified figures and ranges (they stay in the tables). Columns:
    x_start/x_end (ISO days), open_start, y (the number in units), reading and how (the
    qualifier's reading and legend label, fraudbook.kit.qualifiers),
    period_label, label (amount), and the tooltip texts. `what` maps an indicator to the
    label its panel and tooltip show (default: the indicator's title and unit).
    """
    what = what or {}
    df = df[(df["qualifier"] != "unquantified") & (df["qualifier"] != "range")
            & df["value"].notna()]
    if df.empty:
        return pd.DataFrame(columns=["x_start", "x_end", "open_start", "y", "reading", "how",
                                     "period_label",
                                     "label", "short", "what", "period_text", "sources", "note",
                                     "figure_ids", "start_note"])
    anchor = anchor or open_anchor(df)
    rows = []
    for fid, r in df.iterrows():
        end = end_day(r["period_end"])
        start = start_day(r["period_start"])
        open_start = r["period"] in ("cumulative", "as_of") and start is None
        if r["period"] == "on_date":
            start = end if start is None else start
        x_start = anchor if open_start else (start or end)
        unit = r["currency"] if r["unit"] == "money" else text.UNIT_WORDS.get(r["unit"], r["unit"])
        rows.append({
            "x_start": x_start.isoformat(), "x_end": end.isoformat(),
            "open_start": OPEN if open_start else STATED,
            "y": scaled(r["value"], r["scale"]),
            "reading": qualifiers.reading(r["qualifier"]),
            "how": qualifiers.label(r["qualifier"]),
            "period_label": PERIOD_LABELS[r["period"]],
            "label": r["amount"], "short": text.short_amount(r),
            "what": what.get(r["indicator"], f"{r['indicator_title']} ({unit})"),
            "period_text": r["period_text"],
            "sources": r.get("sources", r["source_label"]),
            "note": "" if blank(r["note"]) else r["note"],
            "figure_ids": r.get("figure_ids", fid),
            "start_note": "not stated" if open_start else "",
        })
    return pd.DataFrame(rows)


def _domain(values: list[str], order: list[str]) -> list[str]:
    present = set(values)
    return [v for v in order if v in present]


def _day(iso: str) -> alt.DateTime:
    d = date.fromisoformat(iso)
    return alt.DateTime(year=d.year, month=d.month, date=d.day, utc=True)


def interval_chart(rows: pd.DataFrame, *, title: str, subtitle: str | list[str],
                   description: str, y_title: str, facet: str | None = None,
                   anchor: date | None = None, labels: bool = False,
                   height: int = 300, empty: str = "No figures in this selection") -> alt.Chart:
    """Each figure as a line over its period and a mark at its end (see the module doc).

    `facet`: a column of `rows` (e.g. 'what') giving one panel per value, each with its own
    y scale (different units or magnitudes are never put on one axis).
    """
    if rows.empty:
        return (alt.Chart(pd.DataFrame({"message": [empty]}))
                .mark_text(fontSize=14, align="left", x=10, y=20)
                .encode(text="message:N")
                .properties(width=CHART_WIDTH, height=40,
                            title=alt.Title(title, subtitle=subtitle),
                            description=f"{description} {empty}."))
    left = date.fromisoformat(rows["x_start"].min())
    anchor = anchor or left
    right = date.fromisoformat(rows["x_end"].max())
    right = right + timedelta(days=max(60, (right - anchor).days // 8 if labels else 60))
    x_scale = alt.Scale(type="utc", domain=[_day(anchor.isoformat()), _day(right.isoformat())])
    periods = _domain(rows["period_label"], list(PERIOD_LABELS.values()))
    colour = alt.Color("period_label:N", title="Kind of period",
                       scale=alt.Scale(domain=periods, range=[PERIOD_COLOURS[p] for p in periods]),
                       legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=260))
    tooltip = [alt.Tooltip("what:N", title="What is counted"),
               alt.Tooltip("label:N", title="Figure as stated"),
               alt.Tooltip("period_text:N", title="Period"),
               alt.Tooltip("how:N", title="How it is stated"),
               alt.Tooltip("sources:N", title="Source"),
               alt.Tooltip("note:N", title="Note")]
    y = alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=True, nice=True),
              axis=charts.number_axis(tickCount=4))
    x = alt.X("x_start:T", title="Period covered (line) and date reached (mark)", scale=x_scale,
              axis=alt.Axis(format="%Y", tickCount="year", grid=True))
    base = alt.Chart()
    line = base.mark_rule(strokeWidth=3, opacity=0.8).encode(
        x=x, x2="x_end:T", y=y, color=colour,
        strokeDash=alt.StrokeDash("open_start:N", title="Start",
                                  scale=alt.Scale(domain=[STATED, OPEN], range=[[1, 0], [4, 3]]),
                                  legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=260)),
        tooltip=tooltip)
    point = base.mark_point(filled=True, size=110, opacity=1).encode(
        x=alt.X("x_end:T", scale=x_scale), y=y, color=colour,
        shape=charts.qualifier_shape("how", rows["reading"], axis="y"),
        tooltip=tooltip)
    layers = [line, point]
    if labels:
        layers.append(base.mark_text(align="left", dx=2, dy=-8, fontSize=11, color="#222222")
                      .encode(x=alt.X("x_start:T", scale=x_scale), y=y, text="short:N",
                              tooltip=tooltip))
    chart = alt.layer(*layers, data=rows)
    if facet:
        chart = (chart.properties(width=CHART_WIDTH, height=height)
                 .facet(spacing=18, facet=alt.Facet(f"{facet}:N", title=None, sort=list(dict.fromkeys(rows[facet])),
                                        header=alt.Header(labelOrient="top", labelAnchor="start",
                                                          labelFontSize=13, labelFontWeight="bold",
                                                          labelLimit=CHART_WIDTH)),
                        columns=1)
                 .resolve_scale(y="independent"))
    else:
        chart = chart.properties(width=CHART_WIDTH, height=height)
    return chart.properties(title=alt.Title(title, subtitle=subtitle), description=description)


def chart_description(lead: str, rows: pd.DataFrame) -> str:
    """A screen-reader summary: the lead sentence, then every mark in words."""
    parts = [f"{r.what}: {r.label}, {r.period_text}" for r in rows.itertuples()]
    return lead + (" " + "; ".join(parts) + "." if parts else "")


CHART_DATA_COLUMNS = {"what": "What is counted", "label": "Figure as stated",
                      "period_text": "Period", "period_label": "Kind of period",
                      "how": "How it is stated", "sources": "Source"}


def drawn(merged: pd.DataFrame) -> pd.DataFrame:
    """The rows of `merged` that a chart draws (quantified, not ranges)."""
    return merged[(merged["qualifier"] != "unquantified") & (merged["qualifier"] != "range")
                  & merged["value"].notna()]


# --- tables ---------------------------------------------------------------------------------

def figures_table(df: pd.DataFrame, caption: str, *, start: bool = False, notes: bool = False,
                  empty: str = "No figures in this selection."):
    """The page's table of figures: what, amount as stated, period, kind of period, source
    (linked, quote as tooltip); optionally how the start is stated and the data's note."""
    from ..kit import page

    if df.empty:
        from IPython.display import HTML
        return HTML(f'<p class="fraudbook-empty"><em>{escape.html_text(caption)}: '
                    f'{escape.html_text(empty)}</em></p>')
    out = df.copy()
    out["period_kind"] = period_kind(out)
    columns = {"indicator_title": "What is counted", "amount": "Figure as stated",
               "period_text": "Period", "period_kind": "Kind of period"}
    if out["indicator"].nunique() == 1:  # the caption says what is counted
        del columns["indicator_title"]
    if start:
        out["start_text"] = [start_text(r) for _, r in out.iterrows()]
        columns["start_text"] = "Start of the count"
    columns["source_html"] = "Source"
    if notes:
        out["note"] = out["note"].fillna("")
        columns["note"] = "Note in the data"
    return page.table(out, columns, raw_html=("source_html",), caption=caption)


def ordered(df: pd.DataFrame, first: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """`of(df, ...)` with the indicators in `first` leading and every other one after them."""
    rest = [i for i in dict.fromkeys(df["indicator"]) if i not in first]
    return of(df, [*first, *rest])


def only_in(df: pd.DataFrame, wanted: set[str]) -> pd.DataFrame:
    """Rows whose every geography code is among `wanted` (combined figures that also cover
    other places are left out)."""
    if df.empty:
        return df
    return df[df["geography"].map(lambda g: set(codes(g)) <= wanted)]


def in_geography(df: pd.DataFrame, wanted: set[str]) -> pd.DataFrame:
    """Rows tagged with any of `wanted` as geography."""
    if df.empty:
        return df
    return df[df["geography"].map(lambda g: bool(wanted & set(codes(g))))]

