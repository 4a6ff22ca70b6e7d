"""Charts on a phone: the layout drawn for narrow screens (fraudbook.kit.charts.narrow_spec),
and the build moving each chart's drawings and specs out of its page (fraudbook.pipeline.chart_files)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from fraudbook.kit import charts
from fraudbook.pipeline import chart_files, stylesheets

LONG = "Fraud suspects handed over from Myanmar to China (running total)"


def _width(spec: dict) -> float:
    svg = vlc.vegalite_to_svg(spec)
    return float(re.match(r'<svg[^>]*?width="([\d.]+)"', svg).group(1))


def _chart() -> dict:
    charts.enable()
    df = pd.DataFrame({"what": [LONG, "Short", LONG + " and more words still"],
                       "n": [3, 5, 8], "year": ["2021", "2022", "2023"]})
    return (alt.Chart(df, title=alt.Title("A title long enough to need more than one line on a phone",
                                          subtitle="And a subtitle that also runs on for a while, well past the edge"))
            .mark_point()
            .encode(x=alt.X("year:N"), y=alt.Y("n:Q"),
                    color=alt.Color("what:N", legend=alt.Legend(orient="right", labelLimit=600)))
            .properties(width=640)).to_dict()


def test_the_phone_layout_fits_a_small_screen_and_keeps_every_word():
    wide = _chart()
    narrow = charts.narrow_spec(wide)
    assert _width(wide) > 700
    assert _width(narrow) <= 400
    assert narrow["width"] == charts.NARROW_WIDTH
    assert all(len(line) <= charts.NARROW_TITLE_CHARS for line in narrow["title"]["text"])
    legend = narrow["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom" and legend["direction"] == "vertical"
    # Long names are written in lines, never cut: every word of every name is in the drawing.
    svg = vlc.vegalite_to_svg(narrow)
    assert "…" not in svg
    words = " ".join(re.sub(r"<[^>]+>", " ", m) for m in re.findall(r"<text[^>]*>.*?</text>", svg))
    for word in (LONG + " and more words still").split():
        assert word in words
    # The data and the marks are those of the wide chart; the wide spec is left as it was.
    assert narrow["datasets"] == wide["datasets"] and narrow["mark"] == wide["mark"]
    assert wide["width"] == 640 and wide["encoding"]["color"]["legend"]["orient"] == "right"


def test_panels_go_one_above_the_other_and_their_names_wrap():
    charts.enable()
    df = pd.DataFrame({"panel": [LONG, "Other"], "n": [1, 2], "year": ["2021", "2022"]})
    wide = (alt.Chart(df).mark_bar().encode(x="year:N", y="n:Q")
            .properties(width=300).facet(facet=alt.Facet("panel:N", header=alt.Header(labelLimit=600),
                                                          sort=[LONG, "Other"]), columns=3)).to_dict()
    narrow = charts.narrow_spec(wide)
    assert narrow["columns"] == 1
    assert "…" not in vlc.vegalite_to_svg(narrow)
    assert _width(narrow) <= 400


def test_the_build_moves_drawings_and_specs_out_of_the_page(tmp_path):
    charts.enable()
    html = charts.chart_html(_chart())
    page = tmp_path / "book" / "p.html"
    page.parent.mkdir()
    caption = '<figcaption><p>A caption. Source: Xinhua, 1 May 2024.</p></figcaption>'
    page.write_text(f"<html><body>{html}{caption}</body></html>", encoding="utf-8")
    assert chart_files.write_chart_downloads(tmp_path, "The Book", "2026.11") == 1
    out = page.read_text(encoding="utf-8")
    assert "<svg" not in out and "fraudbook-chart-spec" not in out
    name = re.search(r'data-file="([^"]+)"', out).group(1)
    figures = page.parent / "figures"
    for suffix in ("-wide.svg", "-narrow.svg", ".json", "-narrow.json", ".svg", ".png"):
        assert (figures / f"{name}{suffix}").exists(), suffix
    assert f'srcset="figures/{name}-narrow.svg"' in out and f'<img src="figures/{name}-wide.svg"' in out
    assert json.loads((figures / f"{name}-narrow.json").read_text())["width"] == charts.NARROW_WIDTH
    # A second pass (an unchanged page in an incremental build) changes nothing.
    assert chart_files.write_chart_downloads(tmp_path, "The Book", "2026.11") == 0
    assert page.read_text(encoding="utf-8") == out


def _page_with_two_stylesheets(site: Path, a_css: str, b_css: str, body: str = "<body>") -> Path:
    """site/p.html linking site/_static/a.css and b.css, as Sphinx writes a page."""
    static = site / "_static"
    static.mkdir(exist_ok=True)
    (static / "a.css").write_text(a_css, encoding="utf-8")
    (static / "b.css").write_text(b_css, encoding="utf-8")
    page = site / "p.html"
    page.write_text('<html><head><link rel="stylesheet" href="_static/a.css" />\n'
                    f'<link rel="stylesheet" href="_static/b.css" />\n</head>{body}</body></html>',
                    encoding="utf-8")
    return page


def _bundle_of(page: Path) -> str:
    return re.search(r"fraudbook-bundle-[0-9a-f]+\.css", page.read_text(encoding="utf-8")).group(0)


def test_stylesheets_are_bundled_and_unused_bundles_removed(tmp_path):
    page = _page_with_two_stylesheets(tmp_path, "p { color: red; }", "em { color: blue; }")
    static = tmp_path / "_static"
    stale = static / "fraudbook-bundle-0123456789ab.css"
    stale.write_text("old", encoding="utf-8")
    (static / "fraudbook-bundle-0123456789ab.css.gz").write_bytes(b"old")
    assert stylesheets.bundle_css(tmp_path) == 1
    text = page.read_text(encoding="utf-8")
    name = _bundle_of(page)
    # Linked no more (the bundle's link records them, for the next build).
    assert 'href="_static/a.css"' not in text and 'href="_static/b.css"' not in text
    assert 'data-from="_static/a.css _static/b.css"' in text
    assert (static / name).read_text(encoding="utf-8").count("color") == 2
    assert not stale.exists() and not (static / "fraudbook-bundle-0123456789ab.css.gz").exists()


def test_an_edited_stylesheet_reaches_pages_bundled_by_an_earlier_build(tmp_path):
    # Sphinx writes again only the pages whose source changed; the others keep the link to
    # their old bundle, which must be made again from the stylesheet as it is now.
    page = _page_with_two_stylesheets(tmp_path, ".x{color:red}", ".x{margin:0}", body='<body class="x">')
    static = tmp_path / "_static"
    stylesheets.bundle_css(tmp_path)
    first = _bundle_of(page)
    (static / "b.css").write_text(".x{margin:0}.x{table-layout:fixed}", encoding="utf-8")
    assert stylesheets.bundle_css(tmp_path) == 1
    text = page.read_text(encoding="utf-8")
    second = _bundle_of(page)
    assert second != first and text.count("fraudbook-bundle-") == 1
    assert "table-layout:fixed" in (static / second).read_text(encoding="utf-8")
    assert not (static / first).exists()


def test_theme_rules_for_classes_no_page_or_script_uses_are_left_out():
    css = ("@charset \"utf-8\";\n.used{color:red}\n.unused{color:blue}\n.used .unused, .used > p{margin:0}\n"
           "p:not(.unused){padding:0}\n@media (max-width: 600px){.unused{top:0}.used{top:1px}}\n"
           "@media print{.unused{x:y}}\n@font-face{font-family:X;src:url(x.woff)}\n"
           "@keyframes spin{from{opacity:0}to{opacity:1}}\n")
    out = stylesheets.purge_css(css, {"used"})
    assert ".used{color:red}" in out and ".unused{color:blue}" not in out
    assert ".used > p{margin:0}" in out and ".used .unused" not in out
    assert "p:not(.unused){padding:0}" in out  # a class a selector excludes is not required
    assert "@media (max-width: 600px){.used{top:1px}}" in out and "@media print" not in out
    assert "@font-face" in out and "@keyframes spin" in out and "@charset" in out


def test_classes_added_by_scripts_count_as_used(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "theme.js").write_text('el.classList.add("show"); x = "dropdown-menu";',
                                                    encoding="utf-8")
    (tmp_path / "p.html").write_text('<div class="a b">x</div>', encoding="utf-8")
    used = stylesheets.used_classes(tmp_path)
    assert {"a", "b", "show", "dropdown-menu"} <= used


@pytest.mark.slow
def test_the_charts_own_rules_survive_the_purge(built_site):
    """Rules for what the Vega bundle adds at run time (a drawn chart's .vega-embed box)
    are kept: without them an interactive chart would not fit the static drawing's box."""
    bundles = list((built_site / "_static").glob("fraudbook-bundle-*.css"))
    assert bundles
    for bundle in bundles:
        css = bundle.read_text(encoding="utf-8")
        assert ".fraudbook-chart .vega-embed" in css and ".fraudbook-chart-static" in css, bundle.name
        assert len(css) < 250_000, f"{bundle.name}: the theme's unused rules are back ({len(css)} bytes)"
