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
from pathlib import Path

import altair as alt

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
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


def chart_html(spec: dict) -> str:
    """The HTML for one chart: a stable-id container holding its drawing made at build time
    (static SVG: it paints with the text, prints and needs no JavaScript), links to its SVG
    and PNG files (written beside the page by the build, fraudbook.build.lighten), and its
    spec as inert JSON, which `_static/fraudbook-charts.js` draws over the static drawing,
    in the same box, when a reader first points at or focuses the chart."""
    body = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    chart_id = "chart-" + hashlib.sha1(body.encode("utf-8")).hexdigest()[:12]
    from .escape import html_text

    description = spec.get("description", "")
    svg, width, height = static_svg(spec, chart_id)
    name = slug(title_text(spec)) + "-" + chart_id[6:12]
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
        f'<a href="figures/{name}.png" download="{name}.png">PNG</a></p>'
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
