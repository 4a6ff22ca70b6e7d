"""The one chart theme and renderer of the book.

Theme: a colour-blind-safe palette (Okabe & Ito), readable type, labelled axes.
Renderer: Altair's default HTML output gets a random div id on every run (so nbval could
never compare it) and loads Vega from a CDN. Ours writes a `<div class="fraudbook-chart">`
whose id is a hash of the spec, holding the chart drawn at build time as static SVG by the
pinned vl-convert (byte-stable: the output is the same on every run), and the spec; on a
reader's first pointer or focus on it, `_static/fraudbook-charts.js` loads the Vega bundle
the build writes into `_static/vendor/` and draws the interactive chart in the same box.
No page loads anything from another host, and no page loads Vega before it is needed.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import altair as alt

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Chinese labels (sources' titles) named a font too: Noto Sans CJK (Debian's fonts-noto-cjk).
FONT = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
        "'Noto Sans CJK SC', 'Noto Sans CJK', 'Source Han Sans SC', sans-serif")
WIDTH = 620

VENDOR_BUNDLE = "vendor/vega-bundle.js"
# Axis labels for counts and amounts: 1 k, 10 m, 3 bn ("G" would read as giga).
NUMBER_LABELS = ("replace(replace(replace(format(datum.value, '~s'), 'G', ' bn'), 'M', ' m'), "
                 "'k', ' k')")


@alt.theme.register("fraudbook", enable=False)
def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": WIDTH, "continuousHeight": 320, "discreteWidth": WIDTH,
                     "stroke": None},
            "range": {"category": PALETTE},
            "title": {"anchor": "start", "fontSize": 16, "subtitleFontSize": 13,
                      "subtitleColor": "#444444", "offset": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleColor": "#222222",
                     "labelColor": "#222222", "gridColor": "#e3e3e3", "domainColor": "#666666"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "mark": {"color": PALETTE[0]},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0], "strokeWidth": 2},
            "point": {"color": PALETTE[0], "size": 60, "filled": True},
        }
    }


def source_line(rows) -> str:
    """'Sources: Xinhua, 21 Nov 2023; People's Daily Online, 5 Jan 2024.' as safe Markdown."""
    from .escape import md
    from .words import source_label

    labels = list(dict.fromkeys(md(source_label(r)) for _, r in rows.iterrows()))
    return ("Source: " if len(labels) == 1 else "Sources: ") + "; ".join(labels) + "."


def number_axis(**kw) -> alt.Axis:
    """A value axis labelled 1 k, 10 m, 3 bn."""
    return alt.Axis(labelExpr=NUMBER_LABELS, **kw)


def qualifier_shape(field: str, readings, axis: str = "y", title: str = "How the source states it",
                    **legend) -> alt.Shape:
    """The shape encoding of a field holding qualifier readings (fraudbook.kit.qualifiers):
    the same mark and legend label for "more than", "nearly", "about"… on every chart.
    The field must hold the legend labels (qualifiers.LABELS[reading])."""
    from . import qualifiers

    labels, shapes = qualifiers.legend(readings, axis)
    opts = {"orient": "bottom", "direction": "vertical", "labelLimit": 500, **legend}
    return alt.Shape(f"{field}:N", title=title, scale=alt.Scale(domain=labels, range=shapes),
                     legend=alt.Legend(**opts))


def slug(text: str, fallback: str = "chart") -> str:
    """'Estimates of the scam economy…' -> 'estimates-of-the-scam-economy' (file names)."""
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = "-".join(words)[:60].rstrip("-")
    return out or fallback


def title_text(spec: dict) -> str:
    """The chart's title as plain text ('' when it has none)."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title or "")


def _round2(m) -> str:
    text = f"{float(m.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def static_svg(spec: dict, prefix: str) -> tuple[str, int, int]:
    """The chart drawn at build time by vl-convert (pinned), as SVG that scales to its box.

    Returns (svg, width, height). The drawing is the same on every run (nbval compares it):
    ids are prefixed with the chart's id so that two charts on a page never share one, the
    size becomes a viewBox with width 100% (the container sets the aspect ratio), and the ARIA
    roles Vega writes are dropped: the container is the figure, with the description.
    """
    import re

    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec)
    m = re.match(r'<svg[^>]*?width="([\d.]+)" height="([\d.]+)"', svg)
    width, height = (round(float(m.group(1))), round(float(m.group(2)))) if m else (WIDTH, 320)
    svg = re.sub(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"', "", svg)
    # Vega numbers clip paths per process (clip1, clip5…): renumber them in order of use.
    ids = {old: f"{prefix}-{n}" for n, old in enumerate(dict.fromkeys(re.findall(r'\bid="([^"]+)"', svg)))}
    svg = re.sub(r'\bid="([^"]+)"', lambda g: f'id="{ids[g.group(1)]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda g: f"url(#{ids.get(g.group(1), g.group(1))})", svg)
    svg = re.sub(r'((?:xlink:)?href)="#([^"]+)"', lambda g: f'{g.group(1)}="#{ids.get(g.group(2), g.group(2))}"',
                 svg)
    # Coordinates to 2 decimals (356.20000000000005 -> 356.2): a third of a map's bytes.
    svg = re.sub(r'(\s(?:d|transform|x|y|x1|x2|y1|y2|cx|cy|points)=")([^"]*)"',
                 lambda g: g.group(1) + re.sub(r"-?\d+\.\d{3,}", _round2, g.group(2)) + '"', svg)
    head_end = svg.index(">") + 1
    head = svg[:head_end]
    head = re.sub(r'\s(?:width|height|class)="[^"]*"', "", head)
    head = head.replace("<svg ", '<svg class="fraudbook-chart-svg" aria-hidden="true" '
                        'focusable="false" preserveAspectRatio="xMinYMin meet" ', 1)
    if "viewBox" not in head:
        head = head.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1)
    from .escape import html_text

    label = f"<title>{html_text(title_text(spec))}</title>" if title_text(spec) else ""
    return head + label + svg[head_end:], width, height


# A phone's layout: the plotting area this wide (px), so that with its axis labels and
# padding the drawing fits a 360 px screen at about its own size (text stays readable);
# titles wrapped at this many characters; legends below.
NARROW_WIDTH = 290
NARROW_TITLE_CHARS = 38
NARROW_MEDIA = "(max-width: 600px)"


def wrap_words(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken between words."""
    lines, cur = [], ""
    for word in str(text).split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return lines + ([cur] if cur else [])


def _wrapped(value, width: int):
    """A title or subtitle (text or list of lines) as lines of at most `width` characters."""
    if isinstance(value, list):
        return [w for line in value for w in wrap_words(line, width)]
    return wrap_words(value, width) if value else value


NARROW_LABEL_CHARS = 28
# The least plotting area left beside names on the left.
NARROW_MIN_PLOT = 150


def _label_expr(values, width: int, split_bar: bool) -> str | None:
    """A Vega labelExpr that writes each long label in lines of at most `width` characters
    (a multi-line label is an array of lines); None when no label needs it."""
    cases = []
    for v in dict.fromkeys(str(x) for x in values):
        parts = v.split("|") if split_bar else [v]
        lines = [w for part in parts for w in (wrap_words(part, width) or [""])]
        if len(lines) > 1 or split_bar:
            cases.append((v, lines))
    if not cases or all(len(lines) == 1 and not split_bar for _, lines in cases):
        return None
    # (datum.label) in brackets: Vega-Lite writes a panel header's label expression in its
    # place unbracketed, which would bind to the comparison.
    out = "split((datum.label), '|')" if split_bar else "(datum.label)"
    for v, lines in reversed(cases):
        arr = "[" + ", ".join(json.dumps(x) for x in lines) + "]"
        out = f"(datum.label) === {json.dumps(v)} ? {arr} : ({out})"
    return out


def _field_values(spec: dict, field: str) -> list:
    values = []
    for rows in (spec.get("datasets") or {}).values():
        values += [r[field] for r in rows if isinstance(r, dict) and isinstance(r.get(field), str)]
    data = spec.get("data")
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        values += [r[field] for r in data["values"] if isinstance(r, dict) and isinstance(r.get(field), str)]
    return values


def _channel_labels(channel: dict, spec: dict) -> list:
    """The labels a channel's axis or legend shows: its scale's domain, its sort order, or
    the values of its field in the chart's data."""
    scale = channel.get("scale") if isinstance(channel.get("scale"), dict) else {}
    if isinstance(scale.get("domain"), list):
        return scale["domain"]
    if isinstance(channel.get("sort"), list):
        return channel["sort"]
    field = channel.get("field")
    return _field_values(spec, field) if isinstance(field, str) else []


def _left_labels(node, spec: dict) -> list[str]:
    """The labels of a y axis of names (nominal or ordinal), anywhere in the chart."""
    if isinstance(node, list):
        return [x for n in node for x in _left_labels(n, spec)]
    if not isinstance(node, dict):
        return []
    enc = node.get("encoding") if isinstance(node.get("encoding"), dict) else {}
    y = enc.get("y")
    found = []
    if isinstance(y, dict) and y.get("type") in ("nominal", "ordinal") and y.get("axis", {}) is not None:
        found += [str(v) for v in _channel_labels(y, spec)] or ["x" * NARROW_LABEL_CHARS]
    return found + [x for k, v in node.items() if k not in ("datasets", "data", "config")
                    for x in _left_labels(v, spec)]


def narrow_spec(spec: dict) -> dict:
    """The same chart laid out for a phone: a plotting area NARROW_WIDTH wide (a faceted chart
    in one column, side-by-side charts one above the other), title and subtitle wrapped,
    legends below in one column, long labels of legends, axes and panels written in several
    lines. The data, marks and encodings are those of the wide chart."""
    import copy

    out = copy.deepcopy(spec)

    def wrap_guide(guide: dict, channel: dict, key: str) -> None:
        if key == "legend":  # one column, below the chart
            guide.update({"orient": "bottom", "direction": "vertical"})
            guide.pop("columns", None)
        guide["labelLimit"] = min(guide.get("labelLimit", NARROW_WIDTH), NARROW_WIDTH)
        split_bar = "split(datum.label, '|')" in str(guide.get("labelExpr", ""))
        if guide.get("labelExpr") and not split_bar:
            return  # a number format of its own (1 k, 10 m): short already
        expr = _label_expr(_channel_labels(channel, out), NARROW_LABEL_CHARS, split_bar)
        if expr:
            guide["labelExpr"] = expr

    def walk(node) -> None:
        if isinstance(node, list):
            for x in node:
                walk(x)
            return
        if not isinstance(node, dict):
            return
        if isinstance(node.get("width"), (int, float)) and node["width"] > NARROW_WIDTH:
            node["width"] = NARROW_WIDTH
        for key in ("legend", "axis", "header"):
            if isinstance(node.get(key), dict) and "field" in node:
                wrap_guide(node[key], node, key)
        if "facet" in node and isinstance(node.get("spec"), dict):
            node["columns"] = 1
        for key in ("hconcat", "concat"):
            if key in node:
                node["vconcat"] = node.pop(key)
                node.pop("columns", None)
        for key, value in node.items():
            if key not in ("datasets", "data", "config"):
                walk(value)

    walk(out)
    left = _left_labels(out, out)
    if left:
        # Names beside the bars or dots take room from the plotting area (about 7 px a
        # character, at most one wrapped line's worth).
        longest = max(len(line) for v in left for part in v.split("|")
                      for line in (wrap_words(part, NARROW_LABEL_CHARS) or [""]))
        room = max(NARROW_MIN_PLOT, NARROW_WIDTH - 7 * longest - 16)
        for node in (out, out.get("spec") if isinstance(out.get("spec"), dict) else {}):
            if isinstance(node.get("width"), (int, float)):
                node["width"] = min(node["width"], room)
    title = out.get("title")
    if isinstance(title, dict):
        title["text"] = _wrapped(title.get("text", ""), NARROW_TITLE_CHARS)
        sub = title.get("subtitle")
        if sub:
            title["subtitle"] = _wrapped(" ".join(sub) if isinstance(sub, list) else sub,
                                         NARROW_TITLE_CHARS + 8)
    elif title:
        out["title"] = _wrapped(title, NARROW_TITLE_CHARS)
    config = out.setdefault("config", {})
    view = config.setdefault("view", {})
    view["continuousWidth"] = min(view.get("continuousWidth", NARROW_WIDTH), NARROW_WIDTH)
    view["discreteWidth"] = min(view.get("discreteWidth", NARROW_WIDTH), NARROW_WIDTH)
    # Several legends stack below the chart, each in one column.
    config.setdefault("legend", {}).update({
        "orient": "bottom", "direction": "vertical", "labelLimit": NARROW_WIDTH, "columns": 1,
        "layout": {"bottom": {"direction": "vertical", "anchor": "start"}}})
    config.setdefault("axis", {}).setdefault("labelLimit", NARROW_WIDTH // 2)
    config.setdefault("header", {}).setdefault("labelLimit", NARROW_WIDTH)
    return out


# A chart's key names its files and its page (figures/<key>-wide.svg, charts/<key>.html):
# addresses that survive a data edit, unlike a hash of the drawing.
KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEY_META = "fraudbook"


def check_key(key: str) -> str:
    if not isinstance(key, str) or len(key) > 80 or not KEY.fullmatch(key):
        raise ValueError(f"chart key {key!r}: a chart's key names its files and page: lowercase "
                         "letters, digits and '-', at most 80 characters")
    return key


def keyed(chart, key: str):
    """The chart carrying its key (Vega-Lite's `usermeta`, which no renderer draws)."""
    return chart.properties(usermeta={KEY_META: {"key": check_key(key)}})


def chart_key(spec: dict) -> str | None:
    meta = spec.get("usermeta")
    key = meta.get(KEY_META, {}).get("key") if isinstance(meta, dict) else None
    return key if isinstance(key, str) and KEY.fullmatch(key) else None


def chart_html(spec: dict) -> str:
    """The HTML for one chart: a stable-id container holding its drawing made at build time
    (static SVG: it paints with the text, prints and needs no JavaScript), links to its SVG
    and PNG files (written beside the page by the build, fraudbook.pipeline.chart_files), and its
    spec as inert JSON, which `_static/fraudbook-charts.js` draws over the static drawing,
    in the same box, when a reader first points at or focuses the chart."""
    body = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    chart_id = "chart-" + hashlib.sha1(body.encode("utf-8")).hexdigest()[:12]
    from .escape import html_text

    description = spec.get("description", "")
    svg, width, height = static_svg(spec, chart_id)
    from . import words

    key = chart_key(spec)
    name = key or slug(title_text(spec)) + "-" + chart_id[6:12]
    if key:
        from . import reads

        reads.chart(key, title=title_text(spec), description=description)
    # "</" inside the JSON would end the script element early; "<\/" is the same JSON.
    body = body.replace("</", "<\\/")
    return (
        f'<div class="fraudbook-chart" id="{chart_id}" role="figure" '
        f'aria-label="{html_text(description)}" tabindex="0" data-file="{name}" '
        f'data-width="{width}" data-height="{height}" '
        f'style="--fraudbook-chart-width: {width}px; --fraudbook-chart-ratio: {width} / {height}">'
        f'<div class="fraudbook-chart-static">{svg}</div>'
        f'<script type="application/json" class="fraudbook-chart-spec">{body}</script>'
        f'<p class="fraudbook-chart-downloads">Download this chart: '
        f'<a href="figures/{name}.svg" download="{name}.svg">SVG</a> '
        f'<a href="figures/{name}.png" download="{name}.png">PNG</a>'
        + (f' · <a href="{words.chart_page(key)}.html">its page: data, sources, citation, embed</a>' if key else "")
        + "</p>"
        "</div>"
    )


def _render(spec: dict, **metadata) -> dict:
    return {"text/html": chart_html(spec)}


alt.renderers.register("fraudbook", _render)


def enable() -> None:
    """Switch Altair to the book's theme and renderer (the notebooks' preamble calls this)."""
    alt.theme.enable("fraudbook")
    alt.renderers.enable("fraudbook")
    # Charts embed their (already aggregated) data; the default 5000-row guard stays on.


def write_vendor_bundle(static_dir: Path) -> Path:
    """Write the Vega + Vega-Lite + Vega-Embed bundle from the pinned vl-convert package."""
    import vl_convert as vlc

    path = static_dir / VENDOR_BUNDLE
    path.parent.mkdir(parents=True, exist_ok=True)
    code = vlc.javascript_bundle("window.vegaEmbed = vegaEmbed; window.vega = vega;")
    header = (f"/* Vega {vlc.get_vega_version()}, Vega-Embed {vlc.get_vega_embed_version()}, "
              f"bundled by vl-convert; generated by fraudbook.kit.charts.write_vendor_bundle */\n")
    # The bundle declares top-level names (e.g. `_`) that clash with Sphinx's own globals:
    # a function scope keeps them private; only window.vegaEmbed and window.vega escape.
    text = header + "(function () {\n" + code + "\n})();\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
