"""The one chart theme and renderer of the book.

Theme: a colour-blind-safe palette (Okabe & Ito), readable type, labelled axes.
Renderer: Altair's default HTML output gets a random div id on every run (so nbval could
never compare it) and loads Vega from a CDN. Ours writes the chart's spec into a
`<div class="fraudbook-chart">` whose id is a hash of the spec, so the output is the same
on every run; `_static/fraudbook-charts.js` draws it with the Vega bundle the build writes
into `_static/vendor/` from the pinned vl-convert package. No page loads anything from
another host.
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


def chart_html(spec: dict) -> str:
    """The HTML for one chart: a stable-id container with its spec as inert JSON."""
    body = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    chart_id = "chart-" + hashlib.sha1(body.encode("utf-8")).hexdigest()[:12]
    from .escape import html_text

    description = spec.get("description", "")
    # "</" inside the JSON would end the script element early; "<\/" is the same JSON.
    body = body.replace("</", "<\\/")
    return (
        f'<div class="fraudbook-chart" id="{chart_id}" role="figure" '
        f'aria-label="{html_text(description)}" tabindex="0">'
        f'<script type="application/json" class="fraudbook-chart-spec">{body}</script>'
        f'<p class="fraudbook-chart-fallback">{html_text(description)}</p>'
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
              f"bundled by vl-convert; generated by fraudbook.charts.write_vendor_bundle */\n")
    # The bundle declares top-level names (e.g. `_`) that clash with Sphinx's own globals:
    # a function scope keeps them private; only window.vegaEmbed and window.vega escape.
    text = header + "(function () {\n" + code + "\n})();\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
