"""The losses chapter: estimates side by side, the US reported-loss series, currency conversion.

Everything here works on rows of `Dataset.figures_with_meta()` (after `page.statements`):
nothing is summed across series; a year-on-year change is computed only between two
consecutive years of one indicator for one geography; a currency conversion uses one sourced
rate from data/fx_rates.csv, the one dated closest to the end of the figure's period.
"""

from __future__ import annotations

import re
from datetime import date

import altair as alt
import pandas as pd

from ..data import schema
from ..data.coverage import codes
from ..data.numbers import factor, scaled
from ..data.values import blank, date_bounds
from ..kit import charts, escape, names, qualifiers
from ..kit import words as text

CURRENCIES = schema.CURRENCIES  # the currencies the data layer accepts

# Indicators of the regional and global estimates compared in the first chart.
ESTIMATE_INDICATORS = (
    "unodc_victim_losses_esea", "unodc_scam_centre_profits", "usip_scam_proceeds",
    "gcffc_extrapolated_global_losses", "gasa_reported_scam_losses", "gasa_survey_scam_losses",
)
# Series limited by first_year/last_year.
YEAR_SERIES = ("ic3_", "ftc_", "gasa_")
IC3_TOTAL = "ic3_reported_losses"
IC3_SUBSETS = ("ic3_investment_fraud_losses", "ic3_crypto_investment_losses")
FTC = ("ftc_reported_fraud_losses", "ftc_investment_scam_losses")
GASA = ("gasa_reported_scam_losses", "gasa_survey_scam_losses")

SHORT_SERIES = {
    "ic3_reported_losses": "IC3, all reported losses",
    "ic3_investment_fraud_losses": "IC3, investment fraud",
    "ic3_crypto_investment_losses": "IC3, crypto investment fraud",
    "ftc_reported_fraud_losses": "FTC, all reported fraud",
    "ftc_investment_scam_losses": "FTC, investment scams",
}
MEASURE_LABELS = {
    "victim_losses": "Money lost by victims",
    "criminal_revenue": "Criminal profits or proceeds",
    "survey_extrapolation": "Survey or other extrapolation",
}
ESTIMATORS = {"unodc": "UNODC", "usip": "USIP", "gasa": "GASA", "gcffc": "GCFFC"}


# --- parameters -----------------------------------------------------------------------

def check_parameters(currency: str, first_year: int, last_year: int, fx_rates: pd.DataFrame) -> None:
    """Stop with a clear message when the page's parameters cannot make a sensible page."""
    if first_year > last_year:
        raise ValueError(f"first_year ({first_year}) is later than last_year ({last_year}): "
                         "first_year must be less than or equal to last_year")
    if currency not in CURRENCIES:
        raise ValueError(f"currency must be one of {', '.join(CURRENCIES)}, not '{currency}'")
    if currency != "USD" and not (fx_rates["currency"] == currency).any():
        raise ValueError(f"currency {currency}: data/fx_rates.csv holds no rate for it")


def period_end_date(row: pd.Series) -> date:
    """The last day the figure's period covers ('2023' -> 31 Dec 2023)."""
    return date_bounds(str(row["period_end"]))[1]


def year_of(row: pd.Series) -> int:
    return int(str(row["period_end"])[:4])


def in_years(df: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Rows of the year-limited series (IC3, FTC, GASA) whose period ends in the years given;
    rows of other indicators are kept as they are."""
    limited = df["indicator"].str.startswith(YEAR_SERIES)
    years = df["period_end"].str[:4].astype(int)
    return df[~limited | ((years >= first_year) & (years <= last_year))]


# --- currency ---------------------------------------------------------------------------

def pick_rate(fx_rates: pd.DataFrame, currency: str, on: date) -> pd.Series | None:
    """The sourced rate for `currency` dated closest to `on` (the earlier one on a tie)."""
    rates = fx_rates[fx_rates["currency"] == currency]
    if rates.empty:
        return None
    gaps = [(abs((date_bounds(str(d))[0] - on).days), str(d), rid)
            for rid, d in zip(rates.index, rates["date"], strict=False)]
    _, _, rid = min(gaps)
    out = rates.loc[rid].copy()
    out["rate_id"] = rid
    return out


def convert(figs: pd.DataFrame, fx_rates: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Add the display currency to money figures.

    Columns added: `shown_currency`; `rate_id`, `per_usd`, `rate_date` (the rate used, empty
    when no conversion is needed or possible); `converted` (the converted amount in words,
    empty when the figure is shown as stated); `low_abs`, `value_abs`, `high_abs` (absolute
    amounts in the display currency, for charts; NaN where the figure gives none).
    """
    out = figs.copy()
    rate_ids, rates, dates, conv_text, shown = [], [], [], [], []
    cols = {"low": [], "value": [], "high": []}
    for _, row in out.iterrows():
        scale = factor(row["scale"])
        per_usd = 1.0
        rid = rdate = words = ""
        rate = None
        shown_cur = row["currency"]
        if row["unit"] == "money" and row["currency"] != currency and row["qualifier"] != "unquantified":
            if row["currency"] == "USD":
                rate = pick_rate(fx_rates, currency, period_end_date(row))
            if rate is not None:
                per_usd, rid, rdate = float(rate["per_usd"]), rate["rate_id"], str(rate["date"])
                words = text.converted_amount(row, per_usd, currency)
                shown_cur = currency
        rate_ids.append(rid)
        rates.append(per_usd if rid else float("nan"))
        dates.append(rdate)
        conv_text.append(words)
        shown.append(shown_cur)
        for col in cols:
            v = row[col]
            cols[col].append(float("nan") if blank(v) else v * scale * per_usd)
    out["shown_currency"] = shown
    out["rate_id"] = rate_ids
    out["per_usd"] = rates
    out["rate_date"] = dates
    out["converted"] = conv_text
    for col, vals in cols.items():
        out[f"{col}_abs"] = vals
    out["conversion_note"] = [conversion_note(r) for _, r in out.iterrows()]
    return out


def conversion_note(row: pd.Series) -> str:
    """'about EUR 15.7 billion (computed by the book at 0.9479 EUR per USD, rate of 3 Jan 2023)'."""
    if not row.get("rate_id"):
        return ""
    return (f"{row['converted']} (computed by the book at {text.number(row['per_usd'])} "
            f"{row['shown_currency']} per USD, rate of {text.when(row['rate_date'])})")


def conversion_words(row: pd.Series) -> str:
    """'; EUR 15.1 billion as converted by the book (rate of 3 Jan 2023)' (HTML), or '' when
    the page shows the figure as stated."""
    if not row.get("rate_id"):
        return ""
    return (f"; {escape.html_text(row['converted'])} as converted by the book "
            f"(rate of {escape.html_text(text.when(row['rate_date']))})")


def say_figure(say, figs: pd.DataFrame, key: str, fid: str) -> str:
    """Glue figure `fid`'s statement with the page's strict `say` (page.sentences), followed
    by the book's conversion where the page shows another currency."""
    extra = conversion_words(figs.loc[fid]) if fid in figs.index else ""
    return say(key, "{figure}" + extra.replace("{", "{{").replace("}", "}}"), figure=fid)


def rates_used(figs: pd.DataFrame, fx_rates: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The rates the page's conversions use, with their source link, the figures using them
    and the largest distance in days between the rate's date and a figure's period end."""
    used = figs[figs["rate_id"] != ""]
    rows = []
    for rid in sorted(set(used["rate_id"])):
        r = fx_rates.loc[rid]
        rate_day = date_bounds(str(r["date"]))[0]
        gap = max(abs((period_end_date(f) - rate_day).days)
                  for _, f in used[used["rate_id"] == rid].iterrows())
        src = sources.loc[r["source_id"]]
        link_row = pd.Series({"publisher": src["publisher"], "date_published": src["date_published"],
                              "source_url": src["url"], "quote": r["quote"]})
        rows.append({
            "rate_id": rid, "currency": r["currency"], "per_usd": text.number(r["per_usd"]),
            "date": text.when(str(r["date"])), "stated": r["stated"],
            "figures": ", ".join(sorted(used.index[used["rate_id"] == rid])),
            "max_gap_days": gap,
            "source_html": text.source_link(link_row),
        })
    return pd.DataFrame(rows, columns=["rate_id", "currency", "per_usd", "date", "stated",
                                       "figures", "max_gap_days", "source_html"])


# --- year-on-year change ----------------------------------------------------------------

def yoy_growth(figs: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year change between consecutive calendar years of the same indicator and
    geography, from annual figures in one currency. Where a year has two figures (sources
    disagree), every pairing is computed, so both readings stay visible."""
    annual = figs[(figs["period"] == "annual") & (figs["period_start"].str.len() == 4)
                  & (figs["period_start"] == figs["period_end"]) & figs["value"].notna()]
    rows = []
    for (ind, geo, _currency), grp in annual.groupby(["indicator", "geography", "currency"], dropna=False):
        years = grp["period_end"].astype(int)
        for fid_a, ya in zip(grp.index, years, strict=False):
            for fid_b, yb in zip(grp.index, years, strict=False):
                if yb != ya + 1:
                    continue
                a = scaled(grp.loc[fid_a, "value"], grp.loc[fid_a, "scale"])
                b = scaled(grp.loc[fid_b, "value"], grp.loc[fid_b, "scale"])
                rows.append({"indicator": ind, "geography": geo, "year_from": ya, "year_to": yb,
                             "from_id": fid_a, "to_id": fid_b,
                             "growth_pct": round((b - a) / a * 100, 1)})
    out = pd.DataFrame(rows, columns=["indicator", "geography", "year_from", "year_to",
                                      "from_id", "to_id", "growth_pct"])
    return out.sort_values(["indicator", "year_to", "from_id", "to_id"]).reset_index(drop=True)


def growth_words(pct: float) -> str:
    """'+17.1%' / '−9.5%' (computed by the book)."""
    sign = "+" if pct >= 0 else "−"
    return f"{sign}{text.number(abs(pct))}%"


def growth_table(growth: pd.DataFrame, figs: pd.DataFrame) -> pd.DataFrame:
    """Display rows: series, the two linked figures, the change, and which reading it uses."""
    rows = []
    for g in growth.itertuples():
        a, b = figs.loc[g.from_id], figs.loc[g.to_id]
        pair_a = (figs["indicator"] == g.indicator) & (figs["period_end"] == str(g.year_from))
        pair_b = (figs["indicator"] == g.indicator) & (figs["period_end"] == str(g.year_to))
        note = []
        if (pair_a & (figs["period"] == "annual")).sum() > 1:
            note.append(f"{g.year_from}: the figure of {a['source_label']}")
        if (pair_b & (figs["period"] == "annual")).sum() > 1:
            note.append(f"{g.year_to}: the figure of {b['source_label']}")
        approx = any(qualifiers.reading(q) != "point" for q in (a["qualifier"], b["qualifier"]))
        rows.append({
            "series": SHORT_SERIES.get(g.indicator, a["indicator_title"]), "years": f"{g.year_from}–{g.year_to}",
            "from_html": f"{escape.html_text(a['amount'])} ({a['source_html']})",
            "to_html": f"{escape.html_text(b['amount'])} ({b['source_html']})",
            "growth": growth_words(g.growth_pct) + (" (approx.)" if approx else ""),
            "note": "; ".join(note),
            "from_id": g.from_id, "to_id": g.to_id, "growth_pct": g.growth_pct,
            "year_to": g.year_to, "indicator": g.indicator,
        })
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    order = {k: i for i, k in enumerate((IC3_TOTAL,) + IC3_SUBSETS + FTC)}
    out["_o"] = out["indicator"].map(order).fillna(len(order))
    return out.sort_values(["_o", "year_to", "from_id", "to_id"]).drop(columns="_o").reset_index(drop=True)


# --- labels and chart rows --------------------------------------------------------------

def estimator(indicator: str) -> str:
    return ESTIMATORS.get(indicator.split("_")[0], indicator.split("_")[0].upper())


def short_period(row) -> str:
    """'2023', 'Oct 2022–Oct 2023', 'as of Feb 2025': the period, short, for chart labels."""
    p = row.period if hasattr(row, "period") else row["period"]
    start = row.period_start if hasattr(row, "period_start") else row["period_start"]
    end = row.period_end if hasattr(row, "period_end") else row["period_end"]
    if p == "annual" and start == end:
        return str(end)
    if p in ("annual", "span"):
        return f"{text.when(start)}–{text.when(end)}"
    if p == "cumulative":
        return f"to {text.when(end)}, cumulative"
    return f"as of {text.when(end)}"


COMBINED = " together"  # after the names of a combined figure's places (never split)


def short_where(cell: str, geographies: pd.DataFrame) -> str:
    """'KHM;LAO;MMR' -> 'Cambodia + Laos + Myanmar', for a chart's row label."""
    return " + ".join(names.name(c, geographies) for c in codes(cell))


def estimate_rows(figs: pd.DataFrame, geographies: pd.DataFrame) -> pd.DataFrame:
    """The regional and global estimates, one chart row each, in billions of the shown currency."""
    df = figs[figs["indicator"].isin(ESTIMATE_INDICATORS) & (figs["qualifier"] != "unquantified")].copy()
    df["measure"] = df["measures"].map(MEASURE_LABELS)
    df["who"] = df["indicator"].map(estimator)
    df["where"] = [short_where(g, geographies) for g in df["geography"]]
    df["label"] = [f"{r.who}, {r.where}, {short_period(r)}" for r in df.itertuples()]
    dup = df["label"].duplicated(keep=False)
    df.loc[dup, "label"] = [f"{lab} ({re.sub(r' *[(].*[)]', '', pub)})"
                            for lab, pub in zip(df.loc[dup, "label"], df.loc[dup, "publisher"], strict=False)]
    df["low_bn"] = df["low_abs"] / 1e9
    df["high_bn"] = df["high_abs"] / 1e9
    df["point_bn"] = df["value_abs"] / 1e9
    df["reading"] = df["qualifier"].map(qualifiers.reading)
    df["how"] = df["qualifier"].map(qualifiers.reading_text)
    order = {k: i for i, k in enumerate(MEASURE_LABELS.values())}
    df["_m"] = df["measure"].map(order)
    df = df.sort_values(["_m", "who", "period_end", "date_published", "label"]).drop(columns="_m")
    return df


def axis_title(currency: str) -> str:
    return f"{currency} billion, log scale"


def _tooltip(extra: list | None = None) -> list:
    tips = [alt.Tooltip("amount:N", title="Figure as stated")]
    tips += extra or []
    tips += [alt.Tooltip("period_text:N", title="Period"), alt.Tooltip("source_label:N", title="Source")]
    return tips


def estimates_chart(rows: pd.DataFrame, currency: str) -> alt.Chart:
    """Ranges as bars from low to high; a stated number as the book's mark for its qualifier
    (fraudbook.kit.qualifiers: on this horizontal axis a floor points right, a ceiling left)."""
    data = rows.reset_index()[["figure_id", "label", "measure", "low_bn", "high_bn", "point_bn",
                               "reading", "how", "amount", "conversion_note", "period_text",
                               "source_label", "qualifier"]].copy()
    marked = data.loc[data["point_bn"].notna(), "reading"]
    conv = [alt.Tooltip("conversion_note:N", title="Converted")] if currency != "USD" else []
    y = alt.Y("label:N", sort=list(data["label"]), title=None,
              axis=alt.Axis(labelLimit=270, labelFontSize=11))
    values = pd.concat([data["low_bn"], data["high_bn"], data["point_bn"]]).dropna()
    lo, hi = float(values.min()) * 0.7, float(values.max()) * 1.5
    x_scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
    ticks = [m * 10 ** k for k in range(-1, 6) for m in (1, 2, 5) if lo <= m * 10 ** k <= hi]
    colour = alt.Color("measure:N", title="What it measures",
                       scale=alt.Scale(domain=list(MEASURE_LABELS.values()), range=charts.PALETTE[:3]),
                       legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400))
    base = alt.Chart(data)
    ranges = base.transform_filter("isValid(datum.low_bn)").mark_rule(strokeWidth=6, opacity=0.7).encode(
        x=alt.X("low_bn:Q", scale=x_scale, title=axis_title(currency),
                axis=alt.Axis(values=ticks, format=",")), x2="high_bn:Q", y=y,
        color=colour, tooltip=_tooltip(conv + [alt.Tooltip("how:N", title="How the source states it")]))
    points = base.transform_filter("isValid(datum.point_bn)").mark_point(filled=True, size=110, opacity=1).encode(
        x=alt.X("point_bn:Q", scale=x_scale, title=axis_title(currency),
                axis=alt.Axis(values=ticks, format=",")), y=y, color=colour,
        shape=charts.qualifier_shape("how", marked, axis="x"),
        tooltip=_tooltip(conv + [alt.Tooltip("how:N", title="How the source states it")]))
    n = len(data)
    desc = ("Chart of yearly scam-loss and scam-revenue estimates, each on its own row, on a "
            f"logarithmic scale in {currency} billion: " + "; ".join(
                f"{r.label}: {r.amount}" for r in data.itertuples()))
    return (alt.layer(ranges, points)
            .properties(width=charts.WIDTH - 360, height=max(22 * n, 120),
                        title=alt.Title("Estimates of the scam economy measure different things",
                                        subtitle=["Bars: stated ranges; dots: figures as stated; diamonds: "
                                                  "about; triangles: floors (▶) or ceilings (◀).",
                                                  "Colour shows what is measured. Never add them up."]),
                        description=desc))


def year_points(df: pd.DataFrame, series_col: str, offsets: dict | None = None) -> pd.DataFrame:
    """Chart rows for a yearly dot plot: x position = year, nudged apart where a year has
    two figures of one series (conflicting sources) or several series share the chart."""
    data = df.reset_index().copy()
    data["year"] = data["period_end"].str[:4].astype(int)
    data["reading"] = data["qualifier"].map(qualifiers.reading)
    data["how"] = data["qualifier"].map(qualifiers.reading_text)
    data["value_bn"] = data["value_abs"] / 1e9
    base = [offsets.get(s, 0.0) if offsets else 0.0 for s in data[series_col]]
    data["x"] = [y + b for y, b in zip(data["year"], base, strict=False)]
    data = data.sort_values(["year", series_col, "date_published", "figure_id"])
    for (_, _), grp in data.groupby(["year", series_col]):
        if len(grp) > 1:
            step = 0.16
            for i, idx in enumerate(grp.index):
                data.loc[idx, "x"] += (i - (len(grp) - 1) / 2) * step
    return data


def year_chart(data: pd.DataFrame, series_col: str, title: str, subtitle: str, currency: str,
               description: str, y_title: str) -> alt.Chart:
    """Marks per year (the book's mark for each qualifier); no line, so no trend is drawn
    between breaks."""
    years = sorted(set(data["year"]))
    conv = [alt.Tooltip("conversion_note:N", title="Converted")] if currency != "USD" else []
    series = list(dict.fromkeys(data[series_col]))
    chart = alt.Chart(data[["figure_id", "x", "year", "value_bn", "how", series_col, "amount",
                            "conversion_note", "period_text", "source_label"]]).mark_point(
        filled=True, size=120, opacity=1).encode(
        x=alt.X("x:Q", title="Year (period the figure covers)",
                scale=alt.Scale(domain=[min(years) - 0.6, max(years) + 0.6], nice=False),
                axis=alt.Axis(values=years, format="d", grid=False)),
        y=alt.Y("value_bn:Q", title=y_title, scale=alt.Scale(zero=True)),
        color=alt.Color(f"{series_col}:N", title=None, scale=alt.Scale(
            domain=series, range=charts.PALETTE[:len(series)]),
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=600)
            if len(series) > 1 else None),
        shape=charts.qualifier_shape("how", data["reading"], axis="y"),
        tooltip=[alt.Tooltip(f"{series_col}:N", title="Series")]
        + _tooltip(conv + [alt.Tooltip("how:N", title="How the source states it")]),
    )
    return chart.properties(width=charts.WIDTH - 90, title=alt.Title(title, subtitle=subtitle),
                            description=description)


def describe(data: pd.DataFrame, intro: str) -> str:
    return intro + ": " + "; ".join(f"{r.year}, {r.amount} ({r.source_label})" for r in data.itertuples())


def gasa_edition(row: pd.Series) -> str:
    """Which GASA edition and method a figure comes from, from the data (never a series)."""
    year = str(row["date_published"])[:4]
    scope = "Asia" if row["geography"] == "asia" else "world"
    if row["indicator"] == "gasa_reported_scam_losses":
        return f"report of {year}: reported losses compiled ({scope})"
    return f"report of {year}: survey extrapolation ({scope})"


def growth_sentence(table: pd.DataFrame, indicator: str) -> str:
    """The latest year-on-year change of one series in words, every pairing if a year has two
    figures; says so plainly when the chosen years hold no consecutive pair."""
    rows = table[table["indicator"] == indicator] if len(table) else table
    if rows.empty:
        return ("the years chosen for this page hold no two consecutive years of this series, "
                "so the book computes no change")
    last = rows[rows["year_to"] == rows["year_to"].max()]
    first = last.iloc[0]
    parts = [f"<strong>{escape.html_text(r.growth)}</strong> (from {r.from_html} to {r.to_html})"
             for r in last.itertuples()]
    return (f"from {escape.html_text(first['years'].split('–')[0])} to {int(first['year_to'])} the change "
            f"computed by the book is " + " or ".join(parts))
