"""The cooperation timeline: events of data/events.csv as an interactive chart and tables.

Everything the chapter shows is read from data/events.csv joined with sources.csv,
geographies.csv and places.csv; nothing here types a date or a number. Dates keep the
precision the source gives: a day ('2023-08-15'), several days (date to end_date) or a month
only ('2023-06'), and the chart draws each kind differently.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import altair as alt
import pandas as pd

from ..data import schema
from ..data.coverage import codes
from ..data.values import blank, date_bounds
from ..kit import charts, escape, names, words
from ..kit.dates import when

# Lanes of the chart, top to bottom; only kinds present in the window are drawn.
# Every kind of event the data may hold, in the legend's order (the vocabulary is the data
# layer's: a new kind gets its label here without a second list to keep in step).
KIND_ORDER = list(schema.EVENT_KINDS)
KIND_LABELS = {k: k.replace("_", " ").capitalize() for k in KIND_ORDER}
# How precisely the source dates an event, and how the chart draws it.
PRECISION_LABELS = {"day": "Exact day", "days": "Several days",
                    "month": "Month only (day not given)"}
PRECISION_COLORS = {"day": charts.PALETTE[0], "days": charts.PALETTE[2],
                    "month": charts.PALETTE[5]}


# The lane labels take about 110 px; the whole chart then fits the book's column.
PLOT_WIDTH = charts.WIDTH - 110


def _utc(d: date) -> str:
    """`d` at UTC midnight as a Vega expression (months count from 0 there)."""
    return f"utc({d.year}, {d.month - 1}, {d.day})"


def precision(row) -> str:
    """'day', 'days' (date to end_date) or 'month' (YYYY-MM: the source gives no day)."""
    if len(str(row["date"])) == 7:
        return "month"
    return "days" if not blank(row.get("end_date")) else "day"


def date_as_given(row) -> str:
    """The date exactly as the source gives it, e.g. '2023-08-15 to 2023-08-16'."""
    p = precision(row)
    if p == "month":
        return f"{row['date']} (month only; the source gives no day)"
    if p == "days":
        return f"{row['date']} to {row['end_date']}"
    return str(row["date"])


def date_words(row) -> str:
    """'15 Aug 2023', '15–16 Aug 2023', '30 Jan–11 Mar 2025', 'Jun 2023 (day not given)'."""
    p = precision(row)
    if p == "month":
        return f"{when(row['date'])} (day not given)"
    if p == "day":
        return when(row["date"])
    a, b = date.fromisoformat(row["date"]), date.fromisoformat(row["end_date"])
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b.strftime('%b %Y')}"
    if a.year == b.year:
        return f"{a.day} {a.strftime('%b')}–{b.day} {b.strftime('%b %Y')}"
    return f"{when(row['date'])}–{when(row['end_date'])}"


def events_table(ds) -> pd.DataFrame:
    """Every event with its source, names and display columns, in date order."""
    ev = ds.events.copy()
    src = ds.sources[["publisher", "date_published", "url"]].rename(columns={"url": "source_url"})
    ev = ev.join(src, on="source_id")
    ev["first"] = [date_bounds(d)[0] for d in ev["date"]]
    ev["last"] = [date_bounds(e if not blank(e) else d)[1]
                  for d, e in zip(ev["date"], ev["end_date"], strict=False)]
    ev["precision"] = [precision(r) for _, r in ev.iterrows()]
    ev["precision_label"] = ev["precision"].map(PRECISION_LABELS)
    ev["date_given"] = [date_as_given(r) for _, r in ev.iterrows()]
    ev["date_text"] = [date_words(r) for _, r in ev.iterrows()]
    ev["date_plain"] = [t.replace(" (day not given)", "") for t in ev["date_text"]]
    ev["country_names"] = [names.join(names.name(c, ds.geographies) for c in codes(cs))
                           for cs in ev["countries"]]
    ev["place_name"] = [ds.places["name"].get(p, "") if not blank(p) else ""
                        for p in ev["place_id"]]
    ev["kind_label"] = ev["kind"].map(KIND_LABELS)
    ev["source_label"] = [words.source_label(r) for _, r in ev.iterrows()]
    ev["source_html"] = [words.source_link(r) for _, r in ev.iterrows()]
    ev["year"] = [d.year for d in ev["first"]]
    # Table cells: title in bold above our summary; countries with the place (all escaped).
    ev["event_html"] = [f"<strong>{escape.html_text(t)}</strong><br>{escape.html_text(d)}"
                        for t, d in zip(ev["title"], ev["description"], strict=False)]
    ev["where"] = [f"{c} ({p})" if p else c for c, p in zip(ev["country_names"], ev["place_name"], strict=False)]
    ev = ev.rename_axis("event_id").reset_index()
    return ev.sort_values(["first", "last", "event_id"]).reset_index(drop=True)


def in_window(events: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Events whose dates overlap [start, end] (a month-only event counts if its month does)."""
    keep = (events["first"] <= end) & (events["last"] >= start)
    return events[keep].reset_index(drop=True)


def check_countries(preset: list, ds, events: pd.DataFrame) -> list[str]:
    """The preselected countries, or a ValueError naming `countries` (areas and regions, or
    countries no event in the window involves, cannot be filtered on)."""
    geo = ds.geographies
    present = {c for cs in events["countries"] for c in codes(cs)}
    out = []
    for code in preset:
        if code not in geo.index:
            raise ValueError(f"parameter 'countries': unknown code {code!r}")
        if geo.loc[code, "kind"] != "country":
            hint = (f"; use its country {geo.loc[code, 'country']!r}"
                    if not blank(geo.loc[code, "country"]) else "")
            raise ValueError(
                f"parameter 'countries': {code!r} is {_a(geo.loc[code, 'kind'])}, but events are "
                f"tagged with countries only{hint}")
        if code not in present:
            raise ValueError(
                f"parameter 'countries': no event in the chosen window involves {code!r}")
        if code not in out:
            out.append(code)
    return out


def assign_slots(events: pd.DataFrame, gap_days: int) -> list[int]:
    """A sub-row per event so that marks in one lane closer than `gap_days` do not overlap."""
    slots = [0] * len(events)
    ends: dict[str, list[date]] = {}
    for i, (kind, first, last) in enumerate(zip(events["kind"], events["first"], events["last"], strict=False)):
        rows = ends.setdefault(kind, [])
        for s, busy_until in enumerate(rows):
            if (first - busy_until).days > gap_days:
                rows[s] = last
                slots[i] = s
                break
        else:
            rows.append(last)
            slots[i] = len(rows) - 1
    return slots


def centre_out(n: int) -> list[int]:
    """Sub-rows top to bottom with row 0 in the middle, 1 above it, 2 below, and so on,
    so that a lane's label sits beside its first row."""
    order: list[int | None] = [None] * n
    mid = (n - 1) // 2
    for slot in range(n):
        step = (slot + 1) // 2
        order[mid - step if slot % 2 else mid + step] = slot
    return order


def x_domain(events: pd.DataFrame, start: date, end: date) -> tuple[date, date]:
    """From the start of the first event's month to the end of the last one's, inside the window."""
    first = min(events["first"]).replace(day=1)
    last = date_bounds(max(events["last"]).isoformat()[:7])[1]
    return max(first, start), min(last, end)


def padded(lo: date, hi: date) -> tuple[date, date]:
    """The x domain with a margin, so a mark on the first or last day clears the axes."""
    margin = timedelta(days=max(3, (hi - lo).days // 60))
    return lo - margin, hi + margin


def chart_rows(events: pd.DataFrame, start: date, end: date, width: int = PLOT_WIDTH) -> pd.DataFrame:
    """One row per event with what the chart draws: x from/to, lane, sub-row and tooltips."""
    lo, hi = x_domain(events, start, end)
    px_per_day = width / max((hi - lo).days, 1)
    gap = math.ceil(14 / px_per_day)  # a mark is about 12 px wide
    rows = events.copy()
    rows["slot"] = assign_slots(rows, gap)
    rows["x_from"] = [d.isoformat() for d in rows["first"]]
    # Bars end after the last day, so a day's bar has the day's width.
    rows["x_to"] = [(d + timedelta(days=1)).isoformat() for d in rows["last"]]
    return rows[["event_id", "date", "end_date", "date_given", "date_text", "date_plain", "title", "countries",
                 "country_names", "place_name", "kind", "kind_label", "precision",
                 "precision_label", "source_label", "x_from", "x_to", "slot"]]


def country_options(rows: pd.DataFrame, ds, preset: list[str]) -> tuple[list[str], list[str], str]:
    """Dropdown values, labels and the initial value for the country filter.

    A value is a regular expression of country codes ('' = all). Several preselected
    countries become one extra option ('CHN|THA', 'China or Thailand') chosen at start.
    """
    name = ds.geographies["name"]
    counts: dict[str, int] = {}
    for cs in rows["countries"]:
        for c in codes(cs):
            counts[c] = counts.get(c, 0) + 1
    present = sorted(counts, key=lambda c: name[c])
    values, labels = [""], ["All countries"]
    if len(preset) > 1:
        values.append("|".join(preset))
        labels.append(" or ".join(name[c] for c in preset))
    values += present
    labels += [name[c] for c in present]
    initial = "" if not preset else ("|".join(preset) if len(preset) > 1 else preset[0])
    return values, labels, initial


# The dropdowns are drawn into this element, outside the chart's div: the chart is an image
# to assistive technology (role="img"), which must not contain interactive controls.
FILTERS_ID = "tl-chart-filters"


def filters_html() -> str:
    """The labelled box the chart's two dropdowns are drawn into (place it above the figure)."""
    # Vega empties the element before drawing the dropdowns, so the words sit outside it.
    return ('<div class="fraudbook-chart-filters" role="group" aria-labelledby="tl-chart-filters-label">'
            '<p id="tl-chart-filters-label">Filter the timeline by country and by kind of event:</p>'
            f'<div id="{FILTERS_ID}"></div></div>')


FILTER = ("(country_filter == '' || test(regexp('(^|;)(' + country_filter + ')(;|$)'), "
          "datum.countries)) && (kind_filter == '' || datum.kind == kind_filter)")


def timeline_chart(rows: pd.DataFrame, ds, start: date, end: date, preset: list[str],
                   title: str, subtitle: list[str] | str, description: str) -> alt.LayerChart:
    """The interactive timeline: one lane per kind, two dropdowns (country, kind)."""
    lo, hi = x_domain(pd.DataFrame({"first": [date.fromisoformat(d) for d in rows["x_from"]],
                                    "last": [date.fromisoformat(d) - timedelta(days=1)
                                             for d in rows["x_to"]]}), start, end)
    pad_lo, pad_hi = padded(lo, hi)
    kinds = [k for k in KIND_ORDER if k in set(rows["kind"])]
    kind_labels = [KIND_LABELS[k] for k in kinds]
    values, labels, initial = country_options(rows, ds, preset)
    country = alt.param(name="country_filter", value=initial,
                        bind=alt.binding_select(options=values, labels=labels, name="Country ",
                                                element=f"#{FILTERS_ID}"))
    kind = alt.param(name="kind_filter", value="",
                     bind=alt.binding_select(options=[""] + kinds,
                                             labels=["All kinds"] + kind_labels, name="Kind ",
                                             element=f"#{FILTERS_ID}"))
    n_slots = int(rows["slot"].max()) + 1
    x = alt.X("x_from:T", title="Date of the event",
              scale=alt.Scale(type="utc", domainRaw={"expr": f"[{_utc(pad_lo)}, {_utc(pad_hi + timedelta(days=1))}]"}),
              axis=alt.Axis(format="%b %Y", labelAngle=0, labelFlush=True,
                            tickCount={"interval": "month", "step": 6}))
    y = alt.Y("kind_label:N", title="Kind of event", sort=kind_labels,
              scale=alt.Scale(domain=kind_labels), axis=alt.Axis(grid=False, ticks=False))
    y_off = alt.YOffset("slot:O", scale=alt.Scale(domain=centre_out(n_slots),
                                                  paddingOuter=0.5))
    color = alt.Color("precision_label:N", title="How the source dates it",
                      scale=alt.Scale(domain=list(PRECISION_LABELS.values()),
                                      range=list(PRECISION_COLORS.values())),
                      legend=alt.Legend(labelLimit=400, columns=3))
    tooltip = [alt.Tooltip("date_given:N", title="Date (as the source gives it)"),
               alt.Tooltip("title:N", title="Event"),
               alt.Tooltip("country_names:N", title="Countries"),
               alt.Tooltip("place_name:N", title="Place"),
               alt.Tooltip("kind_label:N", title="Kind"),
               alt.Tooltip("precision_label:N", title="Date precision"),
               alt.Tooltip("source_label:N", title="Source (publisher, date)")]
    enc = dict(x=x, y=y, yOffset=y_off, color=color, tooltip=tooltip)
    # Encodings sit on the layer, not on each mark, so the time scale is declared once.
    spans = alt.Chart().transform_filter("datum.precision == 'days'").mark_bar(
        height=5).encode(x2="x_to:T")
    dots = alt.Chart().transform_filter("datum.precision != 'month'").mark_point(
        filled=True, size=80, opacity=1, stroke="white", strokeWidth=0.8)
    months = alt.Chart().transform_filter("datum.precision == 'month'").mark_bar(
        height=11, filled=False, strokeWidth=2, fill="white", fillOpacity=0.01).encode(
        x2="x_to:T")
    # With an offset channel the height step is one sub-row; a lane holds n_slots of them.
    step = 16
    return (
        alt.layer(months, spans, dots, data=rows)
        .encode(**enc)
        .transform_filter(FILTER)
        .add_params(country, kind)
        .properties(width=PLOT_WIDTH, height={"step": step},
                    title=alt.Title(title, subtitle=subtitle), description=description)
    )


def describe(rows: pd.DataFrame, window: str) -> str:
    """The screen-reader summary of the chart: counts per kind and precision, first and last."""
    kinds = [f"{(rows['kind'] == k).sum()} {KIND_LABELS[k].lower()}{'s' if (rows['kind'] == k).sum() != 1 else ''}"
             for k in KIND_ORDER if (rows["kind"] == k).any()]
    n_month = int((rows["precision"] == "month").sum())
    first, last = rows.iloc[0], rows.iloc[-1]
    return (f"Timeline of {len(rows)} events on cross-border fraud cooperation, {window}, "
            f"one lane per kind of event: {', '.join(kinds)}. {n_month} are dated to the month "
            f"only and drawn as hollow boxes across that month; events over several days are "
            f"bars from first to last day. The first is '{first['title']}' ({first['date_plain']}), "
            f"the last '{last['title']}' ({last['date_plain']}). Dropdowns filter by country "
            f"and kind; the table below the chart lists every event.")


def date_link(events: pd.DataFrame, event_id: str) -> str:
    """The event's date in words, linked to its source (Markdown, for glue in prose)."""
    row = events.set_index("event_id").loc[event_id]
    day = row["date_plain"]
    url = row["source_url"]
    if blank(url):
        return day
    return f"[{day}]({escape.href(url)} \"{escape.md(row['source_label'].replace(chr(34), ''))}\")"


def year_caption(year: int, n: int) -> str:
    return f"Events in {year} ({n} {'event' if n == 1 else 'events'}, in date order)"


def window_words(rows: pd.DataFrame, start: date, end: date) -> str:
    """'Jun 2023 to Feb 2026': the months of the first and last event shown."""
    a, b = rows["x_from"].min()[:7], (date.fromisoformat(rows["x_to"].max()) - timedelta(days=1)).isoformat()[:7]
    return when(a) if a == b else f"{when(a)} to {when(b)}"


def window_sentence(every: pd.DataFrame, shown: pd.DataFrame, start: str, end: str) -> str:
    """What the data holds and what the page shows, from the events themselves (Markdown):
    the first and newest event of the data, and the window when it leaves some out."""
    def one(n: int) -> str:
        return f"{n:,} {'event' if n == 1 else 'events'}"

    first, last = every.iloc[0], every.iloc[-1]
    out = (f"The data holds {one(len(every))}, the first dated {first['date_plain']} and the "
           f"newest {last['date_plain']}")
    if len(shown) < len(every):
        out += (f"; this version of the page shows the {one(len(shown))} dated between "
                f"{when(start)} and {when(end)}, from '{escape.md(shown.iloc[0]['title'])}' "
                f"({shown.iloc[0]['date_plain']}) to '{escape.md(shown.iloc[-1]['title'])}' "
                f"({shown.iloc[-1]['date_plain']})")
    return out + "."


def first_of(events: pd.DataFrame, kind: str, countries: tuple[str, ...]) -> str:
    """The id of the earliest event of `kind` that involves every one of `countries`."""
    involves = pd.Series([all(c in codes(cs) for c in countries) for cs in events["countries"]],
                         index=events.index, dtype=bool)
    hit = events[(events["kind"] == kind) & involves]
    if hit.empty:
        raise ValueError(f"no {kind} event involving {', '.join(countries)} in the data")
    return str(hit.iloc[0]["event_id"])


def dated_phrase(events: pd.DataFrame, event_id: str) -> str:
    """'dated 19 Jun 2023', or 'dated Jun 2023, with no day given' where the source gives
    the month only: the date linked to its source (Markdown)."""
    row = events.set_index("event_id").loc[event_id]
    tail = ", with no day given" if row["precision"] == "month" else ""
    return f"dated {date_link(events, event_id)}{tail}"


def filter_sentence(ds, preset: list[str]) -> str:
    """How the chart opens: on every event, or on the preselected countries (Markdown)."""
    if not preset:
        return ("The chart opens on every event. The Country and Kind menus above it narrow it "
                "to the events of one country or one kind.")
    either = " or ".join(escape.md(names.name(c, ds.geographies)) for c in preset)
    return (f"The chart opens on the events that involve {either}; choose 'All countries' in "
            f"the Country menu above it to see every event, and the Kind menu to narrow it to "
            f"one kind of event. The tables below always list every event of the window.")


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun
