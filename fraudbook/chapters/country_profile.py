"""The country profile: every figure, event and place the data holds about one country.

A figure concerns a country when one of its geography codes is the country or an area inside
it (geographies.csv `country`), or when the country is its `partner` (the receiving end of a
handover or repatriation); an event concerns it when the country is in its `countries`. This
is the same rule `fraudbook.data.coverage.country_coverage` uses to decide which countries get a page.

Several geography codes on one figure make ONE combined figure: it is listed once, with the
other places named ("combined with ..."), and never split.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..data.coverage import codes, parent_country
from ..data.numbers import factor
from ..data.values import blank, date_bounds
from ..kit import charts, qualifiers, tables
from ..kit import words as text
from ..kit.escape import html_text, md
from ..kit.names import country_codes, join, prose_name

# Sections of the figures, by the indicator's unit (each figure has its indicator's unit).
SECTIONS = {
    "money": "money",
    "people": "people",
    "percent": "shares",
}
SECTION_WORDS = {
    "money": "amount of money",
    "people": "count of people",
    "counts": "count of cases, centres, calls or other things",
    "shares": "share or rate of change",
}

OTHER_SERIES = "Other counts (see the tables)"
CHART_WIDTH = charts.WIDTH - 150  # room for the axis titles and labels in the text column
MAX_SERIES = 7  # the palette has 8 colours; the 8th (black) is kept for "other"


def scope_text(geography: str, partner: str, geo: pd.DataFrame, country: str) -> str:
    """Where a figure applies, as seen from `country`'s page (plain text, not escaped).

    'Northern Myanmar, combined with Cambodia and the Philippines (one figure for all; not split)',
    'From Northern Myanmar to China', 'Myawaddy; to China'.
    """
    parent = parent_country(geo)
    names = {c: prose_name(geo.loc[c, "name"]) for c in geo.index}
    cell = codes(geography)
    inside = [c for c in cell if parent.get(c) == country]
    outside = [c for c in cell if parent.get(c) != country]
    partner = "" if blank(partner) else str(partner)
    if inside:
        where = join([names[c] for c in inside])
        where = where[:1].upper() + where[1:]
        if outside:
            where += (f", combined with {join([names[c] for c in outside])} "
                      "(one figure for all of them, not split)")
        elif len(inside) > 1:
            where += " (one figure for all of them, not split)"
        if partner and partner != country:
            where += f"; to {names[partner]}"
        return where
    if partner == country:
        origin = join([names[c] for c in cell])
        combined = " (one combined figure, not split)" if len(cell) > 1 else ""
        return f"From {origin} to {names[country]}{combined}"
    raise ValueError(f"figure does not concern {country}: geography {geography!r}, partner {partner!r}")


def section_of(unit: str) -> str:
    """The profile section a figure of this unit goes in: money, people, shares or counts."""
    return SECTIONS.get(unit, "counts")


def country_figures(figs: pd.DataFrame, geo: pd.DataFrame, country: str) -> pd.DataFrame:
    """The figures (figures_with_meta rows) about `country`, with `scope`, `combined`, `section`.

    Sorted by indicator title, then by the end of the period, then by id.
    """
    mine = set(country_codes(geo, country))
    keep = [fid for fid, r in figs.iterrows()
            if mine & set(codes(r["geography"])) or r["partner"] == country]
    out = figs.loc[keep].copy()
    out["scope"] = [scope_text(r["geography"], r["partner"], geo, country) for _, r in out.iterrows()]
    out["combined"] = [len(codes(g)) > 1 for g in out["geography"]]
    out["section"] = [section_of(u) for u in out["unit"]]
    out["end_date"] = [date_bounds(str(e))[1] for e in out["period_end"]]
    out["figure_id"] = out.index
    out.index.name = None
    return out.sort_values(["indicator_title", "end_date", "figure_id"])


def country_events(events: pd.DataFrame, sources: pd.DataFrame, places: pd.DataFrame,
                   country: str) -> pd.DataFrame:
    """The events whose `countries` include `country`, oldest first, joined to their source."""
    mine = events[[country in codes(c) for c in events["countries"]]].copy()
    src = sources.rename(columns={"title": "source_title", "url": "source_url", "kind": "source_kind"})
    out = (mine.reset_index()
           .merge(src[["publisher", "date_published", "source_url"]], left_on="source_id",
                  right_index=True, how="left")
           .set_index("event_id"))
    out["start"] = [date_bounds(d)[0] for d in out["date"]]
    out["finish"] = [date_bounds(d)[0] if blank(e) else date_bounds(e)[1]
                     for d, e in zip(out["date"], out["end_date"], strict=False)]
    out["date_text"] = [text.when(d) + ("" if blank(e) else f" to {text.when(e)}")
                        for d, e in zip(out["date"], out["end_date"], strict=False)]
    out["place"] = ["" if blank(p) or p not in places.index else places.loc[p, "name"]
                    for p in out["place_id"]]
    out["source_html"] = [text.source_link(r) for _, r in out.iterrows()]
    out["source_label"] = [text.source_label(r) for _, r in out.iterrows()]
    out["event_html"] = [
        f"<strong>{html_text(r['title'])}</strong><br>{html_text(r['description'])}"
        + (f" <em>Place: {html_text(r['place'])}.</em>" if r["place"] else "")
        for _, r in out.iterrows()]
    out["event_id"] = out.index
    out.index.name = None
    return out.sort_values(["start", "event_id"])


def country_places(places: pd.DataFrame, sources: pd.DataFrame, country: str) -> pd.DataFrame:
    """The places in `country` with their coordinates and a link to the gazetteer entry's source."""
    mine = places[places["country"] == country].copy()
    src = sources.rename(columns={"url": "source_url"})
    mine = (mine.reset_index()
            .merge(src[["publisher", "date_published", "source_url"]], left_on="source_id",
                   right_index=True, how="left")
            .set_index("place_id"))
    mine["kind_text"] = mine["kind"].str.replace("_", " ").str.capitalize()
    mine["lat_text"] = [text.number(v) for v in mine["lat"]]
    mine["lon_text"] = [text.number(v) for v in mine["lon"]]
    mine["gazetteer_html"] = [
        f"{text.source_link(r)} ({html_text(r['gazetteer_ref'])})" for _, r in mine.iterrows()]
    return mine.sort_values("name")


def country_conflicts(conflicts: pd.DataFrame, figs: pd.DataFrame, figure_ids) -> pd.DataFrame:
    """Known disagreements touching any of `figure_ids`, with every figure of each side by side."""
    ids = set(figure_ids)
    rows = conflicts[[bool(ids & set(codes(f))) for f in conflicts["figure_ids"]]].copy()
    rows["figures_html"] = ["<br>".join(text.statement(figs.loc[f]) for f in codes(v))
                            for v in rows["figure_ids"]]
    return rows


def summary(geo: pd.DataFrame, country: str, figures: pd.DataFrame, events: pd.DataFrame) -> str:
    """The opening sentences (Markdown): the country's name and kind and what the page holds."""
    name = md(prose_name(geo.loc[country, "name"]))
    areas = [md(geo.loc[c, "name"]) for c in country_codes(geo, country) if c != country]
    n_fig, n_ev = len(figures), len(events)
    n_comb = int(figures["combined"].sum()) if n_fig else 0
    n_partner = int((figures["partner"] == country).sum()) if n_fig else 0
    parts = [f"{name[:1].upper() + name[1:]} is a {geo.loc[country, 'kind']} "
             f"(ISO 3166-1 code {country}). The data holds **{_count(n_fig, 'figure')}** and "
             f"**{_count(n_ev, 'event')}** that concern it."]
    if areas:
        parts.append(f"A figure about a place inside it ({join(areas)}) counts as one about "
                     f"{name}.")
    if n_comb:
        parts.append(f"{_count(n_comb, 'figure')} of these {'is a combined figure' if n_comb == 1 else 'are combined figures'} "
                     "for several places: each is shown once, with the other places named, and never split.")
    if n_partner:
        parts.append(f"{_count(n_partner, 'figure')} {'counts' if n_partner == 1 else 'count'} "
                     f"people sent to {name} from elsewhere.")
    return " ".join(parts)


def sections_sentence(figures: pd.DataFrame, name: str) -> str:
    """'Of the figures, 3 are amounts of money, 20 counts of people ...' (Markdown)."""
    counts = section_counts(figures)
    plural = {"money": "amounts of money", "people": "counts of people",
              "counts": "counts of other things (cases, centres, calls and the like)",
              "shares": "shares or rates of change"}
    parts = [f"{n:,} {SECTION_WORDS[s] if n == 1 else plural[s]}" for s, n in counts.items() if n]
    if not parts:
        return f"The data holds no figure about {md(prose_name(name))}."
    return f"Of the figures, {join(parts)}."


def _count(n: int, noun: str, prefix: str = "") -> str:
    return f"{prefix}{n:,} {noun}{'' if n == 1 else 's'}"


def section_counts(figures: pd.DataFrame) -> dict[str, int]:
    return {s: int((figures["section"] == s).sum()) for s in SECTION_WORDS}


def grouped_table(df: pd.DataFrame, group: str, columns: dict[str, str],
                  raw_html: tuple[str, ...] = (), caption: str | None = None,
                  group_title: str | None = None) -> str:
    """An HTML table with one header row per value of `group` (in the order of `df`).

    Every text is escaped except the `raw_html` columns (links built by fraudbook.kit.words). The
    group row's tooltip (`group_title` column) tells what the indicator counts.
    """
    return tables.frame_table(df, columns, raw_html=raw_html, caption=caption, group=group,
                              group_tip=group_title, css="fraudbook-table fraudbook-grouped")


# ---- charts -------------------------------------------------------------------------------

def value_chart_rows(figures: pd.DataFrame, unit: str, currency: str | None = None,
                     periods: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The quantified figures of one unit (and currency) the value chart draws, one row each.

    Unquantified statements are left out (they stay in the tables); a range keeps low and high.
    Indicators beyond the MAX_SERIES most frequent share one 'other' colour.
    """
    rows = figures[(figures["unit"] == unit) & (figures["qualifier"] != "unquantified")].copy()
    if currency:
        rows = rows[rows["currency"] == currency]
    if periods:
        rows = rows[rows["period"].isin(periods)]
    if unit == "money":
        rows = rows[rows["measures"] != "rate"]
    scale = [factor(s) for s in rows["scale"]]
    rows["plot_value"] = rows["value"] * scale
    rows["plot_low"] = rows["low"] * scale
    rows["plot_high"] = rows["high"] * scale
    rows["marker"] = rows["qualifier"].map(qualifiers.reading)
    rows["marker_text"] = rows["qualifier"].map(qualifiers.reading_text)
    rows["date"] = [d.isoformat() for d in rows["end_date"]]
    rows["year"] = [str(v)[:4] for v in rows["period_start"]]
    freq = rows["indicator_title"].value_counts()
    ranked = sorted(freq.index, key=lambda t: (-freq[t], t))
    top = set(ranked[:MAX_SERIES]) if len(ranked) > MAX_SERIES + 1 else set(ranked)
    rows["series"] = [t if t in top else OTHER_SERIES for t in rows["indicator_title"]]
    return rows.sort_values(["end_date", "figure_id"])


def value_chart(rows: pd.DataFrame, title: str, subtitle, y_title: str,
                description: str) -> alt.Chart:
    """Figures as points over time on a log scale, each with the book's mark for its qualifier
    (fraudbook.kit.qualifiers); ranges as bars."""
    by_year = bool(len(rows)) and (rows["period"] == "annual").all()
    cols = ["figure_id", "date", "year", "plot_value", "plot_low", "plot_high", "series", "marker",
            "marker_text", "amount", "period_text", "scope", "source_label", "indicator_title"]
    data = rows[cols]
    series = list(dict.fromkeys(t for t in sorted(rows["series"].unique()) if t != OTHER_SERIES))
    domain = series + ([OTHER_SERIES] if OTHER_SERIES in set(rows["series"]) else [])
    colours = charts.PALETTE[:len(series)] + (["#000000"] if OTHER_SERIES in domain else [])
    tooltip = [alt.Tooltip("indicator_title:N", title="What is counted"),
               alt.Tooltip("amount:N", title="Figure as stated"),
               alt.Tooltip("marker_text:N", title="Kind of figure"),
               alt.Tooltip("period_text:N", title="Period"),
               alt.Tooltip("scope:N", title="Where"),
               alt.Tooltip("source_label:N", title="Source")]
    colour = alt.Color("series:N", title="What is counted", scale=alt.Scale(domain=domain, range=colours),
                       legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=300,
                                         symbolType="circle"))
    x = alt.X("date:T", title="End of the period the figure covers", scale=alt.Scale(padding=12),
              axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0))
    offset = {}
    if by_year:  # yearly figures: one column per calendar year, indicators side by side
        x = alt.X("year:O", title="Calendar year", axis=alt.Axis(labelAngle=0))
        offset = {"xOffset": alt.XOffset("series:N", scale=alt.Scale(domain=domain))}
    base = alt.Chart(data)
    points = base.transform_filter("datum.marker != 'range'").mark_point(size=90, filled=True, opacity=0.9).encode(
        x=x,
        y=alt.Y("plot_value:Q", title=y_title, scale=alt.Scale(type="log"),
                axis=charts.number_axis()),
        color=colour,
        shape=charts.qualifier_shape("marker_text", rows.loc[rows["marker"] != "range", "marker"],
                                     axis="y", title="Kind of figure"),
        tooltip=tooltip, **offset,
    )
    layers = [points]
    if (rows["marker"] == "range").any():
        layers.append(base.transform_filter("datum.marker == 'range'").mark_rule(strokeWidth=6, opacity=0.7).encode(
            x=x, y=alt.Y("plot_low:Q", scale=alt.Scale(type="log")), y2="plot_high:Q",
            color=colour, tooltip=tooltip, **offset))
    return (alt.layer(*layers)
            .resolve_scale(color="shared")
            .properties(title=alt.Title(title, subtitle=subtitle), description=description,
                        width=CHART_WIDTH, height=340))


def events_chart(events: pd.DataFrame, title: str, subtitle: str, description: str) -> alt.Chart:
    """A small timeline: one point per event (a bar for events over several days), by kind."""
    data = events[["event_id", "title", "kind", "date_text", "source_label", "place"]].copy()
    data["start"] = [d.isoformat() for d in events["start"]]
    data["finish"] = [d.isoformat() for d in events["finish"]]
    data["kind"] = data["kind"].str.capitalize()
    tooltip = [alt.Tooltip("date_text:N", title="Date"), alt.Tooltip("title:N", title="Event"),
               alt.Tooltip("kind:N", title="Kind"), alt.Tooltip("place:N", title="Place"),
               alt.Tooltip("source_label:N", title="Source")]
    kinds = sorted(data["kind"].unique())
    y = alt.Y("kind:N", title="Kind of event", sort=kinds)
    first, last = events["start"].min(), events["finish"].max()
    months = (last.year - first.year) * 12 + last.month - first.month
    step = next(s for s in (1, 2, 3, 6, 12) if months / s <= 7)
    x = alt.X("start:T", title="Date", scale=alt.Scale(padding=12),
              axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount={"interval": "month", "step": step}))
    base = alt.Chart(data)
    spans = base.mark_rule(strokeWidth=4, opacity=0.6, color=charts.PALETTE[1]).encode(
        x=x, x2="finish:T", y=y, tooltip=tooltip)
    points = base.mark_point(size=80, filled=True, opacity=0.8, color=charts.PALETTE[0]).encode(
        x=x, y=y, tooltip=tooltip)
    return (alt.layer(spans, points)
            .properties(title=alt.Title(title, subtitle=subtitle), description=description,
                        width=CHART_WIDTH, height=max(80, 34 * len(kinds))))


def value_chart_spec(figures: pd.DataFrame, name: str) -> dict | None:
    """What the page's chart of figures over time draws: counts of people if the country has
    at least two, else yearly amounts of money in its most used currency; None if neither.

    Returns rows, title, subtitle, y_title, description and caption (all our words).
    """
    name = prose_name(name)
    rows = value_chart_rows(figures, "people")
    if len(rows) >= 2:
        what, y_title = "people", "People (log scale)"
        title = f"Counts of people concerning {name}, by date"
        subtitle = ["One point per figure, at the end of the period it covers; upward triangles are floors",
                    "Running totals are milestones, not a series to subtract"]
    else:
        money = figures[(figures["unit"] == "money") & (figures["period"] == "annual")]
        if money.empty:
            return None
        currency = money["currency"].value_counts().sort_index().idxmax()
        rows = value_chart_rows(figures, "money", currency=currency, periods=("annual",))
        if len(rows) < 2:
            return None
        what, y_title = f"yearly amounts of money in {currency}", f"{currency} (log scale)"
        title = f"Yearly amounts of money concerning {name}"
        subtitle = ["One point per figure and calendar year; upward triangles are floors ('more than')",
                    "Different measures, never to be added together"]
    floors = int((rows["marker"] == "floor").sum())
    first, last = rows["end_date"].min(), rows["end_date"].max()
    description = (f"Scatter chart of {len(rows)} figures ({what}) concerning {name}, "
                   f"dated {text.when(first.isoformat())} to {text.when(last.isoformat())}, "
                   f"on a logarithmic scale, coloured by what is counted; {floors} of them are floors. "
                   "Lowest: " + _extreme(rows, min) + ". Highest: " + _extreme(rows, max) + ".")
    combined = int(rows["combined"].sum())
    placed = ("in the calendar year it covers" if (rows["period"] == "annual").all()
              else "at the end of the period it covers")
    caption = (f"Every quantified figure of {what} in the data that concerns {md(name)}, placed "
               f"{placed}. Different things are counted, so the points are "
               "never to be added or joined into one series; hover over a point for the figure as "
               "stated, its period, where it applies and its source.")
    if combined:
        caption += (f" {combined} of the points {'is a combined figure' if combined == 1 else 'are combined figures'} "
                    "for several places (the tooltip names them).")
    return {"rows": rows, "title": title, "subtitle": subtitle, "y_title": y_title,
            "description": description, "caption": caption, "what": what}


def _extreme(rows: pd.DataFrame, fn) -> str:
    vals = rows["plot_value"].fillna(rows["plot_low"] if fn is min else rows["plot_high"])
    r = rows.loc[(vals == fn(vals)).to_numpy()].iloc[0]
    return f"{r['amount']} ({r['indicator_title']}, {r['period_text']})"


# ---- the page's table cells ---------------------------------------------------------------

SECTION_NONE = {
    "money": "The data holds no amount of money about {name}.",
    "people": "The data holds no count of people about {name}.",
    "counts": "The data holds no count of cases, centres, calls or other things about {name}.",
    "shares": "The data holds no share or rate of change about {name}.",
}
SECTION_CAPTIONS = {
    "money": "Amounts of money concerning {name}, by what is measured",
    "people": "Counts of people concerning {name}, by what is counted",
    "counts": "Other counts concerning {name}, by what is counted",
    "shares": "Shares and rates of change concerning {name}, by what is measured",
}


def section_output(figures: pd.DataFrame, section: str, name: str):
    """The section's table of figures grouped by indicator, or a sentence saying there is none."""
    from IPython.display import HTML, Markdown

    name = prose_name(name)
    rows = figures[figures["section"] == section].copy()
    if rows.empty:
        return Markdown(SECTION_NONE[section].format(name=md(name)))
    # Caveats may name another indicator by its id: readers get its title instead.
    from ..data.load import load

    titles = text.id_labels(pd.DataFrame(columns=["publisher"]), load().indicators)
    rows["indicator_tip"] = [d if blank(c) else f"{d} {text.without_ids(c, titles)}".strip()
                             for d, c in zip(rows["indicator_description"], rows["indicator_caveats"], strict=False)]
    return HTML(grouped_table(
        rows, "indicator_title",
        {"amount": "Figure as stated", "period_text": "Period", "scope": "Where",
         "source_html": "Source"},
        raw_html=("source_html",), caption=SECTION_CAPTIONS[section].format(name=name),
        group_title="indicator_tip"))


def conflicts_output(ds, figures: pd.DataFrame, name: str):
    """The known disagreements touching the page's figures, or a sentence saying there is none."""
    from IPython.display import Markdown

    from ..kit.page import table

    rows = country_conflicts(ds.conflicts, ds.figures_with_meta(), figures.index)
    if rows.empty:
        return Markdown("No known disagreement between sources touches a figure about "
                        f"{md(prose_name(name))}.")
    return table(rows, {"topic": "About", "differs": "What differs", "figures_html": "The figures",
                        "explanation": "Why"},
                 raw_html=("figures_html",),
                 caption=f"Disagreements between sources on figures about {prose_name(name)}")


def places_output(ds, country: str, name: str):
    """The places in the country with coordinates and gazetteer source, or a sentence."""
    from IPython.display import Markdown

    from ..kit.page import table

    rows = country_places(ds.places, ds.sources, country)
    if rows.empty:
        return Markdown(f"The data places no hub, border town or meeting city in {md(prose_name(name))}.")
    return table(rows, {"name": "Place", "kind_text": "Kind", "lat_text": "Latitude",
                        "lon_text": "Longitude", "gazetteer_html": "Gazetteer (entry)",
                        "note": "Note"},
                 numeric=("lat_text", "lon_text"), raw_html=("gazetteer_html",),
                 caption=f"Places in {prose_name(name)}")
