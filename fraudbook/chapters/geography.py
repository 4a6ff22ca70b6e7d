"""The case-geography chapter: where the scams run from, who is held where, and the map.

Everything works on rows of `Dataset.figures_with_meta()` after `page.statements`. Rules kept:
a combined figure (several geography codes) stays one bar, never split; the only derived
number is the remainder of the 68.5% share (100 minus the share of the same whole), labelled
as computed by the book; floors ("at least", "more than") are drawn as open bars, and every
figure not stated as is gets the book's mark for its qualifier (fraudbook.kit.qualifiers: on
these horizontal charts a floor is a triangle pointing right); unquantified statements are shown in words, never as a bar; estimates of different
things are drawn side by side and never added.

The map reads the Natural Earth outlines in data/boundaries/ (see its README): features are
clipped to a box a little larger than the map frame (the layers are clipped again by Vega
with clip=True) and simplified, so the page embeds only what the frame shows. Ring winding
is kept as it is (d3/Vega convention); clipping with Sutherland-Hodgman keeps it.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import altair as alt
import pandas as pd

from ..data.coverage import codes
from ..kit import charts, escape, names, qualifiers
from ..kit import words as text
from ..paths import ROOT

BOUNDARIES = ROOT / "data" / "boundaries" / "countries-50m-east-southeast-asia.geojson"

# The map frame (lon_min, lat_min, lon_max, lat_max): mainland Southeast Asia, southern
# China and the Philippines. Beijing (about 40° N) lies outside it.
FRAME = (90.0, 0.0, 130.0, 30.0)
CLIP_MARGIN = 1.0          # degrees kept around the frame so clipping edges stay out of view
SIMPLIFY_TOLERANCE = 0.05  # degrees (Douglas-Peucker): under one pixel at the map's scale
MIN_POLYGON = 0.1          # degrees: islands whose outline spans less are dropped (under two pixels)

# Whole width of a chart with its labels: the page column holds about 660 px, of which
# vega-embed keeps some for its actions button.
CHART_WIDTH = charts.WIDTH - 100
HIGHLIGHT_COLOUR = charts.PALETTE[0]
MUTED_COLOUR = "#9a9a9a"

# Places: colour and shape by kind. The map draws places, not figures, so it keeps clear of
# the marks that say how a figure is stated (fraudbook.kit.qualifiers): no diamond, no triangle.
STAR = ("M0,-1L0.29,-0.4L0.95,-0.31L0.48,0.15L0.59,0.81L0,0.5L-0.59,0.81L-0.48,0.15L-0.95,-0.31"
        "L-0.29,-0.4Z")
PLACE_KINDS = {
    "scam_hub": ("Scam hub", "#D55E00", "square"),
    "border_town": ("Border town", "#CC79A7", "cross"),
    "meeting_city": ("Meeting city", "#0072B2", "circle"),
    "capital": ("Capital", "#000000", STAR),
    "city": ("Other city", "#009E73", "wedge"),
}

# Labels set to the left of their point where they would cover a neighbour (by place_id).
LABEL_ALIGN = {"yangon": "right", "muse": "right"}

# Who made an estimate of people, by indicator (for the side-by-side chart).
PEOPLE_INDICATORS = {
    "ohchr_people_in_scam_operations": "OHCHR: forced to work in scam operations",
    "usip_scam_workers": "USIP: working as scammers",
    "people_scamming_myanmar_cn_media": "Chinese state media: committing telecom fraud daily",
}


# --- parameters -------------------------------------------------------------------------

def check_highlight(highlight: list, geographies: pd.DataFrame, map_codes: set[str]) -> list[str]:
    """The highlighted codes, checked: each must be a country (not an area or a region)
    that the map can shade. Duplicates are dropped, order kept."""
    out: list[str] = []
    for code in highlight:
        if code not in geographies.index:
            raise ValueError(f"highlight: '{code}' is not a code in data/geographies.csv")
        kind = geographies.loc[code, "kind"]
        if kind != "country":
            article = "an" if str(kind)[:1] in "aeiou" else "a"
            raise ValueError(f"highlight: '{code}' is {article} {kind}, not a country; "
                             "only countries can be shaded on the map")
        if code not in map_codes:
            raise ValueError(f"highlight: '{code}' ({geographies.loc[code, 'name']}) has no "
                             "outline in data/boundaries/, so the map cannot shade it")
        if code not in out:
            out.append(code)
    return out


def countries_of(geography: str, geographies: pd.DataFrame) -> set[str]:
    """The countries a figure's geography touches: an area counts for its country; a region
    for none."""
    out = set()
    for code in codes(geography):
        kind = geographies.loc[code, "kind"]
        if kind == "country":
            out.add(code)
        elif kind == "area":
            out.add(geographies.loc[code, "country"])
    return out


# --- the combined share ---------------------------------------------------------------

def combined_share_parts(row: pd.Series, geographies: pd.DataFrame, highlight: list[str]) -> pd.DataFrame:
    """Two parts of one whole: the share as stated (one combined part, never split) and the
    rest, computed by the book as 100 minus the share. Only for a percent share."""
    if row["unit"] != "percent" or row["measures"] != "share" or row["qualifier"] != "exact":
        raise ValueError(f"{row.name}: only an exact percent share has a computable remainder")
    stated = Decimal(text.number(row["value"]).replace(",", ""))
    rest = Decimal(100) - stated
    if rest < 0:
        raise ValueError(f"{row.name}: a share above 100% has no remainder")
    name = names.names(row["geography"], geographies)
    touched = countries_of(row["geography"], geographies)
    return pd.DataFrame([
        {"part": f"{name}, combined", "order": 0, "value": float(stated),
         "figure": row["amount"], "how": f"as stated ({row['stated']}); one combined share, not split",
         "period_text": row["period_text"], "source_label": row["source_label"],
         "emphasis": bool(touched & set(highlight))},
        {"part": f"All other origins (computed by the book as 100 − {text.number(row['value'])})",
         "order": 1, "value": float(rest),
         "figure": f"{text.number(float(rest))}%",
         "how": f"computed by the book as 100 − {text.number(row['value'])}",
         "period_text": row["period_text"], "source_label": row["source_label"],
         "emphasis": False},
    ])


def combined_share_chart(parts: pd.DataFrame) -> alt.Chart:
    base = alt.Chart(parts).encode(
        x=alt.X("value:Q", stack="zero", title="Share of international fraud cases against China (%)",
                scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("part:N", title="Origin"), alt.Tooltip("figure:N", title="Share"),
                 alt.Tooltip("how:N", title="How"), alt.Tooltip("period_text:N", title="Period"),
                 alt.Tooltip("source_label:N", title="Source")],
    )
    bars = base.mark_bar(height=46, stroke="white", strokeWidth=2).encode(
        color=alt.Color("part:N", title=None, sort=list(parts["part"]),
                        scale=alt.Scale(domain=list(parts["part"]),
                                        range=[HIGHLIGHT_COLOUR if parts["emphasis"].iloc[0] else "#56B4E9",
                                               "#d4d4d4"]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0)),
    )
    labels = base.transform_stack(
        stack="value", groupby=[], as_=["x0", "x1"], sort=[alt.SortField("order")]
    ).transform_calculate(mid="(datum.x0 + datum.x1) / 2").mark_text(
        fontSize=13, fontWeight="bold").encode(
        x=alt.X("mid:Q"), text=alt.Text("figure:N"),
        color=alt.condition("datum.order == 0", alt.value("white"), alt.value("#222222")),
    )
    first = parts.iloc[0]
    return (bars + labels).properties(
        width=CHART_WIDTH, height=70,
        title=alt.Title("Where international fraud cases against China come from",
                        subtitle=["One share for three places together; the source gives no split between them.",
                                  "The grey part is the remainder, computed by the book."]),
        description=(f"A single bar of 100%: {first['part']} account for {first['figure']} "
                     f"of international fraud cases against China ({first['period_text']}, "
                     f"{first['source_label']}); the rest, {parts.iloc[1]['figure']}, is computed "
                     "by the book as 100 minus that share. The source does not split the share "
                     "between the three places."),
    )


# --- the share run from abroad --------------------------------------------------------------

def abroad_rows(figs: pd.DataFrame, indicator: str = "cn_fraud_share_from_abroad") -> pd.DataFrame:
    """Every statement of the share of fraud on Chinese citizens run from abroad, oldest first,
    each labelled by who said it and when."""
    rows = figs[figs["indicator"] == indicator].copy()
    rows = rows.sort_values(["period_end", "date_published"], kind="stable")
    rows["label"] = [f"{r.period_text} · {r.publisher}" for r in rows.itertuples()]
    rows["reading"] = rows["qualifier"].map(qualifiers.reading)
    rows["how"] = rows["qualifier"].map(qualifiers.reading_text)
    rows["floor"] = rows["reading"] == "floor"
    return rows


def abroad_chart(rows: pd.DataFrame) -> alt.LayerChart:
    data = rows[["label", "value", "amount", "stated", "period_text", "source_label", "floor", "how"]]
    order = list(data["label"])
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=270)),
        tooltip=[alt.Tooltip("amount:N", title="Share"), alt.Tooltip("stated:N", title="As stated"),
                 alt.Tooltip("how:N", title="How the source states it"),
                 alt.Tooltip("period_text:N", title="Period"), alt.Tooltip("source_label:N", title="Source")],
    )
    x = alt.X("value:Q", title="Share of telecom fraud on Chinese citizens run from abroad (%)",
              scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(values=[0, 20, 40, 60, 80, 100]))
    stems = base.mark_rule(color="#bbbbbb").encode(x=alt.X("zero:Q"), x2="value:Q").transform_calculate(zero="0")
    marks = base.mark_point(filled=True, size=130, opacity=1, color=charts.PALETTE[0]).encode(
        x=x, shape=charts.qualifier_shape("how", rows["reading"], axis="x"))
    reach = base.transform_filter("datum.floor").mark_rule(
        strokeDash=[3, 3], color=charts.PALETTE[0]).encode(x=x, x2=alt.X2("top:Q")).transform_calculate(top="100")
    labels = base.mark_text(align="center", dy=-14, fontSize=12).encode(x=x, text="amount:N")
    return (stems + reach + marks + labels).properties(
        width=CHART_WIDTH - 290, height=48 * len(data) + 10,
        title=alt.Title("How much of the fraud on Chinese citizens is run from abroad",
                        subtitle=["Each statement at its own date; not a series.",
                                  "A triangle pointing right is a floor ('more than'):",
                                  "the dashed line runs on because the share may be higher."]),
        description="Dot chart of statements of the share of telecom fraud against Chinese citizens "
        "committed from abroad: " + "; ".join(f"{r.amount} ({r.period_text}, {r.source_label})"
                                               for r in data.itertuples()),
    )


# --- people in scam operations ----------------------------------------------------------

def people_rows(figs: pd.DataFrame, geographies: pd.DataFrame, highlight: list[str],
                indicators: dict[str, str] = PEOPLE_INDICATORS) -> pd.DataFrame:
    """Estimates of people in scam operations whose geography is one or more countries (a
    region such as 'world' is left out), one row per figure, never added up."""
    rows = figs[figs["indicator"].isin(list(indicators))].copy()
    rows = rows[[only_countries(g, geographies) for g in rows["geography"]]]
    rows["place"] = [names.names(g, geographies, " (together)") for g in rows["geography"]]
    rows["who"] = [indicators[i] for i in rows["indicator"]]
    rows["reading"] = rows["qualifier"].map(qualifiers.reading)
    rows["how"] = rows["qualifier"].map(qualifiers.reading_text)
    rows["floor"] = rows["reading"] == "floor"
    rows["unquantified"] = rows["reading"] == "words"
    rows["emphasis"] = [bool(countries_of(g, geographies) & set(highlight)) for g in rows["geography"]]
    rows["n_codes"] = [len(codes(g)) for g in rows["geography"]]
    rows = rows.sort_values(["n_codes", "place", "period_end", "figure_id"], kind="stable")
    rows["who_short"] = [w.split(":")[0] for w in rows["who"]]
    rows["short"] = [text.short_amount(r) for _, r in rows.iterrows()]
    several = rows["who_short"].nunique() > 1
    short_place = [" + ".join(names.name(c, geographies) for c in codes(g)) for g in rows["geography"]]
    rows["label"] = [f"{p} · {r.who_short}" if several else p for p, r in zip(short_place, rows.itertuples(), strict=False)]
    dup = rows["label"].duplicated(keep=False)
    rows.loc[dup, "label"] = [f"{lab} · {p}" for lab, p in zip(rows.loc[dup, "label"], rows.loc[dup, "period_text"], strict=False)]
    return rows


def only_countries(geography: str, geographies: pd.DataFrame) -> bool:
    """Whether every code of a geography cell is a country (not an area or a region)."""
    return all(geographies.loc[c, "kind"] == "country" for c in codes(geography))


def unplaced_rows(figs: pd.DataFrame, geographies: pd.DataFrame,
                  indicators=("usip_scam_workers", "gcffc_trafficked_into_scams")) -> pd.DataFrame:
    """Estimates of people that the sources tie to no named country (a region, the world):
    left out of the chart by country and written out instead."""
    rows = figs[figs["indicator"].isin(list(indicators))]
    return rows[[not only_countries(g, geographies) for g in rows["geography"]]]


def people_chart(rows: pd.DataFrame, title: str, subtitle: list[str], colour_by_who: bool) -> alt.LayerChart:
    """Horizontal bars, one per estimate; floors open, and every figure not stated as is with
    the book's mark for its qualifier at the bar's end; unquantified statements in words."""
    data = rows[["label", "place", "who", "value", "amount", "short", "period_text", "source_label",
                 "floor", "unquantified", "emphasis", "reading", "how"]].copy()
    data["value"] = data["value"].where(~data["unquantified"], None)
    order = list(data["label"])
    tooltip = [alt.Tooltip("place:N", title="Where"), alt.Tooltip("who:N", title="What is counted"),
               alt.Tooltip("amount:N", title="Figure"),
               alt.Tooltip("how:N", title="How the source states it"),
               alt.Tooltip("period_text:N", title="Period"), alt.Tooltip("source_label:N", title="Source")]
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)), tooltip=tooltip)
    top = float(data["value"].max()) if data["value"].notna().any() else 1.0
    # Room right of the longest bar for its label.
    x = alt.X("value:Q", title="People", axis=charts.number_axis(tickCount=3),
              scale=alt.Scale(domain=[0, top * 1.5], nice=False))
    if colour_by_who:
        whos = list(dict.fromkeys(data["who"]))
        colour = alt.Color("who:N", title="What is counted", sort=whos,
                           scale=alt.Scale(domain=whos, range=charts.PALETTE[:len(whos)]),
                           legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=500))
    else:
        colour = alt.value(HIGHLIGHT_COLOUR)
    opacity = alt.condition("datum.emphasis", alt.value(1.0), alt.value(0.35))
    solid = base.transform_filter("!datum.floor && !datum.unquantified").mark_bar(height=18).encode(
        x=x, color=colour, opacity=opacity)
    open_ = base.transform_filter("datum.floor").mark_bar(height=18, fill="white", strokeWidth=2).encode(
        x=x, stroke=colour, opacity=opacity)
    marked = data.loc[~data["reading"].isin(["point", "words"]), "reading"]
    tri = base.transform_filter("datum.reading != 'point' && !datum.unquantified").mark_point(
        filled=True, size=120).encode(
        x=x, color=colour, opacity=opacity,
        shape=charts.qualifier_shape("how", marked, axis="x"))
    labels = base.transform_filter("!datum.unquantified").mark_text(align="left", dx=10, fontSize=12).encode(
        x=x, text="short:N")
    words = base.transform_filter("datum.unquantified").mark_text(
        align="left", dx=2, fontSize=12, fontStyle="italic").encode(
        x=alt.datum(0), text=alt.Text("amount:N"))
    layers = [solid, open_, tri, labels, words]
    description = (f"{title}. " + "; ".join(
        f"{r.place}: {r.amount} ({r.who}, {r.period_text}, {r.source_label})" for r in data.itertuples())
        + ". Floors are open bars with a triangle pointing right; statements without a number are "
        "written out, not drawn.")
    return alt.layer(*layers).properties(
        width=CHART_WIDTH - 270, height=34 * len(data) + 10,
        title=alt.Title(title, subtitle=subtitle),
        description=description,
    )


# --- the map ------------------------------------------------------------------------------

def _clip_edge(ring: list, inside, intersect) -> list:
    out: list = []
    if not ring:
        return out
    prev = ring[-1]
    for cur in ring:
        if inside(cur):
            if not inside(prev):
                out.append(intersect(prev, cur))
            out.append(cur)
        elif inside(prev):
            out.append(intersect(prev, cur))
        prev = cur
    return out


def clip_ring(ring: list, box: tuple[float, float, float, float]) -> list:
    """Sutherland-Hodgman clip of a closed ring ([[lon, lat], ...], first == last) to a box.
    Keeps the ring's direction; returns [] when nothing of it is inside."""
    x0, y0, x1, y1 = box
    pts = [list(p) for p in ring[:-1]] if ring and ring[0] == ring[-1] else [list(p) for p in ring]

    def at_x(x):
        return lambda p, q: [x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0])]

    def at_y(y):
        return lambda p, q: [p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y]

    for inside, cut in ((lambda p: p[0] >= x0, at_x(x0)), (lambda p: p[0] <= x1, at_x(x1)),
                        (lambda p: p[1] >= y0, at_y(y0)), (lambda p: p[1] <= y1, at_y(y1))):
        pts = _clip_edge(pts, inside, cut)
    if len(pts) < 3:
        return []
    pts = [[round(p[0], 3), round(p[1], 3)] for p in pts]
    return pts + [pts[0]]


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker simplification of an open polyline (keeps both ends)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, best_i = -1.0, None
        for i in range(a + 1, b):
            px, py = points[i]
            d = (abs(dy * px - dx * py + bx * ay - by * ax) / norm) if norm else math.hypot(px - ax, py - ay)
            if d > best:
                best, best_i = d, i
        if best_i is not None and best > tolerance:
            keep[best_i] = True
            stack += [(a, best_i), (best_i, b)]
    return [p for p, k in zip(points, keep, strict=False) if k]


def simplify_ring(ring: list, tolerance: float) -> list:
    """Simplify a closed ring, split at its first and middle points so the ends are kept."""
    if len(ring) < 8:
        return ring
    mid = len(ring) // 2
    first = simplify(ring[: mid + 1], tolerance)
    second = simplify(ring[mid:], tolerance)
    out = first[:-1] + second
    return out if len(out) >= 4 else ring


def _span(ring: list) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def map_features(features: list[dict], frame=FRAME, margin: float = CLIP_MARGIN,
                 tolerance: float = SIMPLIFY_TOLERANCE, min_polygon: float = MIN_POLYGON) -> list[dict]:
    """The features with something inside the frame (plus margin), clipped to that box and
    simplified; polygons entirely outside, or smaller than `min_polygon` degrees across, are
    dropped. Properties are kept."""
    box = (frame[0] - margin, frame[1] - margin, frame[2] + margin, frame[3] + margin)
    out = []
    for f in features:
        polys = []
        for poly in f["geometry"]["coordinates"]:
            rings = []
            for i, ring in enumerate(poly):
                clipped = clip_ring(ring, box)
                if clipped:
                    clipped = simplify_ring(clipped, tolerance)
                if not clipped or _span(clipped) < min_polygon:
                    if i == 0:
                        break  # exterior gone: the holes go too
                    continue
                rings.append(clipped)
            if rings:
                polys.append(rings)
        if polys:
            out.append({"type": "Feature", "id": f.get("id"), "properties": dict(f["properties"]),
                        "geometry": {"type": "MultiPolygon", "coordinates": polys}})
    return out


def load_boundaries(path: Path = BOUNDARIES) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["features"]


def in_frame(lat: float, lon: float, frame=FRAME) -> bool:
    return frame[0] <= lon <= frame[2] and frame[1] <= lat <= frame[3]


def place_rows(places: pd.DataFrame, events: pd.DataFrame, sources: pd.DataFrame,
               geographies: pd.DataFrame, frame=FRAME) -> pd.DataFrame:
    """One row per place inside the frame: kind, country, what happened there (the events
    with that place_id, oldest first) and the gazetteer source."""
    rows = []
    for pid, p in places.iterrows():
        if not in_frame(p["lat"], p["lon"], frame):
            continue
        ev = events[events["place_id"] == pid].sort_values(["date", "title"], kind="stable")
        happened = "; ".join(f"{text.when(e['date'])}: {e['title']}" for _, e in ev.iterrows())
        src = sources.loc[p["source_id"]]
        rows.append({
            "place_id": pid, "name": p["name"], "kind": p["kind"],
            "kind_label": PLACE_KINDS[p["kind"]][0],
            "country": names.name(p["country"], geographies), "lat": p["lat"], "lon": p["lon"],
            "events": happened or "No event on the timeline is placed here",
            "n_events": len(ev),
            "gazetteer": f"{src['publisher']} ({p['gazetteer_ref']})",
        })
    return pd.DataFrame(rows)


BOUNDARY_SOURCE = "natural-earth-50m-admin0"


def map_sources(places: pd.DataFrame, rows: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The sources of the map: the boundaries first, then the gazetteers of the places drawn."""
    ids = dict.fromkeys([BOUNDARY_SOURCE, *places.loc[rows["place_id"], "source_id"]])
    return sources.loc[list(ids)]


def map_credits(sources: pd.DataFrame) -> str:
    """'Boundaries: <link> (title). Place coordinates: <link> (title); …' (HTML, escaped)."""
    credit = {sid: f"{text.source_link(r)} ({escape.html_text(str(r['title']).strip('[]'))})"
              for sid, r in sources.iterrows()}
    return (f"Boundaries: {credit[BOUNDARY_SOURCE]}. Place coordinates: "
            + "; ".join(v for sid, v in credit.items() if sid != BOUNDARY_SOURCE) + ".")


def places_outside(places: pd.DataFrame, frame=FRAME) -> pd.DataFrame:
    return places[[not in_frame(r.lat, r.lon, frame) for r in places.itertuples()]]


def label_clusters(rows: pd.DataFrame, threshold: float = 0.5) -> pd.DataFrame:
    """One label per group of places closer than `threshold` degrees to the group's first
    place (e.g. Myawaddy, KK Park, Shwe Kokko and Mae Sot): names joined, at the mean position."""
    groups: list[list[int]] = []
    for i, r in enumerate(rows.itertuples()):
        for g in groups:
            first = rows.iloc[g[0]]
            if math.hypot(r.lat - first["lat"], r.lon - first["lon"]) < threshold:
                g.append(i)
                break
        else:
            groups.append([i])
    out = []
    for g in groups:
        sub = rows.iloc[g].sort_values("lat", ascending=False, kind="stable")
        out.append({"label": ", ".join(sub["name"]), "lat": sub["lat"].mean(), "lon": sub["lon"].mean(),
                    "n": len(sub), "first": sub.index[0] if "place_id" not in sub else sub["place_id"].iloc[0]})
    return pd.DataFrame(out)


def region_map(features: list[dict], places: pd.DataFrame, labels: pd.DataFrame,
               highlight: list[str], highlight_names: str, frame=FRAME,
               label_align: dict[str, str] | None = None) -> alt.LayerChart:
    """`label_align` maps a label's first place_id to 'right' to put it left of its point."""
    x0, y0, x1, y1 = frame
    fit = {"type": "Feature", "properties": {},
           "geometry": {"type": "MultiPoint", "coordinates": [[x0, y0], [x1, y1]]}}
    proj = dict(type="mercator", fit=fit)
    width = CHART_WIDTH + 20
    # Mercator: the frame's height in the projection's units, to give the canvas its shape.
    merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    height = round(width * (merc(y1) - merc(y0)) / math.radians(x1 - x0))
    feats = []
    for f in features:
        g = dict(f)
        g["properties"] = dict(f["properties"], highlighted=f["properties"]["iso3"] in highlight,
                               shade="Highlighted" if f["properties"]["iso3"] in highlight else "Other")
        feats.append(g)
    countries = alt.Chart(alt.Data(values=feats)).mark_geoshape(
        stroke="white", strokeWidth=0.8, clip=True).encode(
        color=alt.condition("datum.properties.highlighted", alt.value("#c9ddec"), alt.value("#e6e3dc")),
        tooltip=[alt.Tooltip("properties.name:N", title="Country"),
                 alt.Tooltip("properties.shade:N", title="On this page")],
    ).project(**proj)
    kinds = [k for k in PLACE_KINDS if k in set(places["kind"])]
    points = alt.Chart(places).mark_point(filled=True, size=70, stroke="white", strokeWidth=1,
                                          opacity=1, clip=True).encode(
        longitude="lon:Q", latitude="lat:Q",
        color=alt.Color("kind_label:N", title="Kind of place",
                        sort=[PLACE_KINDS[k][0] for k in kinds],
                        scale=alt.Scale(domain=[PLACE_KINDS[k][0] for k in kinds],
                                        range=[PLACE_KINDS[k][1] for k in kinds])),
        shape=alt.Shape("kind_label:N", title="Kind of place", sort=[PLACE_KINDS[k][0] for k in kinds],
                        scale=alt.Scale(domain=[PLACE_KINDS[k][0] for k in kinds],
                                        range=[PLACE_KINDS[k][2] for k in kinds])),
        tooltip=[alt.Tooltip("name:N", title="Place"), alt.Tooltip("kind_label:N", title="Kind"),
                 alt.Tooltip("country:N", title="Country"), alt.Tooltip("events:N", title="What happened there"),
                 alt.Tooltip("gazetteer:N", title="Coordinates from")],
    ).project(**proj)
    lab = labels.copy()
    align = LABEL_ALIGN if label_align is None else label_align
    lab["align"] = [align.get(t, "left") for t in lab["first"]]
    text_layers = []
    for side, dx in (("left", 8), ("right", -8)):
        sub = lab[lab["align"] == side]
        if len(sub):
            text_layers.append(alt.Chart(sub).mark_text(
                align=side, dx=dx, fontSize=11, clip=True, color="#222222",
                stroke="white", strokeWidth=0).encode(
                longitude="lon:Q", latitude="lat:Q", text="label:N").project(**proj))
    description = (f"Map of mainland Southeast Asia, southern China and the Philippines. Shaded: "
                   f"{highlight_names}. Points: " + "; ".join(
                       f"{r.name} ({r.kind_label}, {r.country})" for r in places.itertuples()) + ".")
    return alt.layer(countries, points, *text_layers).properties(
        width=width, height=height,
        title=alt.Title("Scam hubs, border towns and meeting cities",
                        subtitle=[f"Shaded: {highlight_names}.", "Hover over a place for what happened there."]),
        description=description,
    ).configure_view(fill="#f7fafc")
