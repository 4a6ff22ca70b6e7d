"""Fast on a phone, whole without JavaScript, printable, and a PDF edition (real Chromium).

Rules, not timings: the Lighthouse measurement is `make site-report` (benchmarks/).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fraudbook.paths import ROOT

PAGES = sorted(
    p.relative_to(ROOT).with_suffix(".html").as_posix()
    for p in (ROOT / "book").rglob("*") if p.suffix in (".ipynb", ".md"))


def site_pages(site: Path) -> list[str]:
    return ["index.html", *sorted(p.relative_to(site).as_posix() for p in (site / "book").rglob("*.html"))]


def test_every_chart_has_a_static_drawing_in_the_html(built_site: Path):
    charts = 0
    for path in site_pages(built_site):
        text = (built_site / path).read_text(encoding="utf-8")
        for m in re.finditer(r'<div class="fraudbook-chart" id="(chart-[0-9a-f]+)"', text):
            charts += 1
            # The drawing made at build time, in a <picture>: the phone layout on a narrow
            # screen, the wide one otherwise; both files beside the page, the HTML holds neither.
            static = re.match(r'<div class="fraudbook-chart"([^>]*)><div class="fraudbook-chart-static"><picture>'
                              r'<source media="\(max-width: 600px\)" srcset="([^"]+)" width="(\d+)" height="\d+">'
                              r'<img src="([^"]+)" width="(\d+)" height="\d+" alt=""', text[m.start():])
            assert static, f"{path}: chart {m.group(1)} has no static drawing"
            attrs, narrow, narrow_w, wide, wide_w = static.groups()
            for rel in (narrow, wide):
                svg = ((built_site / path).parent / rel).read_text(encoding="utf-8")
                assert svg.startswith("<svg") and re.search(r'viewBox="0 0 \d+ \d+"', svg[:500]), rel
            # The phone drawing fits a 360 px screen at no less than 80% of its size.
            assert int(narrow_w) <= 450, f"{path}: {narrow} is {narrow_w} px wide"
            for key in ("data-spec", "data-narrow-spec"):
                spec = re.search(f'{key}="([^"]+)"', attrs).group(1)
                assert json.loads(((built_site / path).parent / spec).read_text(encoding="utf-8"))["$schema"]
        assert 'class="fraudbook-chart-spec"' not in text, f"{path} still carries a chart's spec inline"
        if "fraudbook-chart" in text:
            assert "vendor/vega-bundle.js" not in text, f"{path} loads Vega from its HTML"
        assert "fontawesome.js" not in text, f"{path} loads Font Awesome's script"
        assert not re.search(r'<script src="[^"]*"></script>', text.split("</head>")[0]
                             .replace('src="../_static/searchtools.js"', "")) or path.endswith("search.html"), \
            f"{path}: a render-blocking script in <head>"
    assert charts > 10


def test_chart_downloads_exist_and_carry_title_source_and_edition(built_site: Path):
    from fraudbook.data.claims import edition

    for path in site_pages(built_site):
        text = (built_site / path).read_text(encoding="utf-8")
        for name in re.findall(r'<a href="figures/([^"]+)\.svg" download=', text):
            svg = (built_site / path).parent / "figures" / f"{name}.svg"
            png = svg.with_suffix(".png")
            assert svg.exists() and png.exists(), f"{path}: no download files for {name}"
            body = svg.read_text(encoding="utf-8")
            assert "<title>" in body and "Source" in body and f"edition {edition()}" in body, name
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_static_drawing_is_byte_stable():
    """nbval compares the chart outputs: the drawing must be the same on every run."""
    import altair as alt
    import pandas as pd

    from fraudbook.kit import charts

    charts.enable()
    df = pd.DataFrame({"year": ["2021", "2022", "2023"], "n": [3, 5, 8]})
    spec = alt.Chart(df, title="A test").mark_bar().encode(x="year:N", y="n:Q").to_dict()
    first = charts.chart_html(spec)
    assert first == charts.chart_html(spec) == charts.chart_html(json.loads(json.dumps(spec)))


@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_at_360_px(open_page, path):
    page, _ = open_page(path, width=360)
    overflow = page.evaluate("""() => {
        const doc = document.documentElement;
        const wide = [...document.querySelectorAll('.bd-article *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.right > doc.clientWidth + 1 && getComputedStyle(e).position !== 'fixed'
                && !e.closest('.visually-hidden, [hidden]') && !isInsideScroller(e);
        }).slice(0, 3).map(e => e.tagName + '.' + e.className);
        function isInsideScroller(e) {
            for (let p = e.parentElement; p && p !== doc; p = p.parentElement) {
                const o = getComputedStyle(p).overflowX;
                if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
            }
            return false;
        }
        return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
    }""")
    assert overflow["scroll"] <= overflow["client"], f"{path} scrolls sideways at 360 px: {overflow}"
    assert not overflow["wide"], f"{path}: wider than the screen at 360 px: {overflow['wide']}"


def test_source_panel_opens_from_the_keyboard_and_closes_with_escape(open_page):
    page, record = open_page("book/losses.html")
    link = page.locator("a.fraudbook-source-link").first
    link.wait_for(state="attached")
    panel_id = link.get_attribute("aria-controls")
    assert panel_id and link.get_attribute("aria-expanded") == "false"
    link.focus()
    page.keyboard.press("Enter")
    panel = page.locator(f"#{panel_id}")
    panel.wait_for(state="visible", timeout=5_000)
    assert link.get_attribute("aria-expanded") == "true"
    assert page.url.endswith("book/losses.html"), "Enter left the page instead of opening the panel"
    words = panel.inner_text()
    assert "Source:" in words and len(panel.locator("blockquote").inner_text()) > 10
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden", timeout=5_000)
    assert link.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == panel_id
    assert record.page_errors == [] and record.console_errors == []


@pytest.mark.parametrize("path", ["book/index.html", "book/losses.html", "book/geography.html",
                                  "book/disagreements.html"])
@pytest.mark.parametrize("width", [390, 1280])
def test_every_chart_is_visible_without_javascript(open_page, path, width):
    page, _ = open_page(path, javascript=False, width=width)
    charts = page.locator("div.fraudbook-chart")
    assert charts.count() >= 1
    layout = "-narrow.svg" if width <= 600 else "-wide.svg"
    for i in range(charts.count()):
        img = charts.nth(i).locator(".fraudbook-chart-static img")
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(),
                               timeout=5_000)
        assert img.evaluate("img => img.currentSrc").endswith(layout), f"{path}: chart {i} not the {layout} drawing"
        box = img.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, f"{path}: chart {i} not visible: {box}"
        assert box["width"] <= width, f"{path}: chart {i} wider than the screen"


def _outline_titles(reader) -> list[str]:
    """Every title in a PDF's outline (bookmarks), at every depth."""
    out, stack = [], [reader.outline]
    while stack:
        for item in stack.pop():
            if isinstance(item, list):
                stack.append(item)
            else:
                out.append(item.title)
    return out


def _drawing(reader) -> tuple[int, int, int]:
    """(raster images, link annotations with a web address, internal links) of a PDF."""
    images = sum(len(page.images) for page in reader.pages)
    uris = internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and action.get_object().get("/URI"):
                uris += 1
            elif "/Dest" in annot.get_object() or (action is not None and "/D" in action.get_object()):
                internal += 1
    return images, uris, internal


@pytest.mark.slow
def test_pdf_editions_have_every_chapter_vector_figures_and_links(built_site: Path):
    from pypdf import PdfReader

    from fraudbook.data.claims import edition
    from fraudbook.pipeline.sphinx_ext import pdf_name

    titles, drawn = [], 0
    for part in ("", "reference"):
        pdf = built_site / pdf_name(edition(), part)
        assert pdf.exists(), f"no PDF at {pdf.name}"
        reader = PdfReader(pdf)
        images, uris, internal = _drawing(reader)
        assert images == 0, f"{pdf.name}: {images} raster images"
        assert uris > 50, f"{pdf.name}: the source links are not clickable ({uris} web links)"
        assert internal > 0, f"{pdf.name}: no internal links (contents)"
        titles += _outline_titles(reader)
        # Figures are drawn as vector paths: content streams hold rectangle and path operators.
        if part == "":
            drawn = sum(b" re\n" in page.get_contents().get_data() for page in reader.pages[:60]
                        if page.get_contents() is not None)
    titles = " | ".join(titles)
    # Every chapter is in the outline of one of the two PDFs.
    for path in PAGES:
        html = (built_site / path).read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        name = re.sub(r"<[^>]+>|#", "", h1.group(1)).replace("\u00b6", "").strip() if h1 else ""
        name = re.sub(r"\s+", " ", name.replace("&amp;", "&").replace("&#8217;", "\u2019"))
        assert name[:25] in titles, f"chapter {path} ({name!r}) missing from the PDFs' outlines"
    assert drawn > 0, "no page of the reading edition draws a vector path"


THEME_SCRIPTS = ("scripts/pydata-sphinx-theme.js", "scripts/bootstrap.js")


def _fetched(page) -> list[str]:
    return page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")


def test_theme_scripts_load_on_the_first_move_and_the_first_click_counts(open_page):
    page, record = open_page("book/losses.html")
    assert not [u for u in _fetched(page) if any(s in u for s in THEME_SCRIPTS)], \
        "the theme's scripts were fetched before the reader did anything"
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    # The colour-mode button, clicked before the theme's script has run: the click is kept
    # and replayed, so one click changes the mode.
    before = page.evaluate("document.documentElement.dataset.mode")
    page.locator(".theme-switch-button >> visible=true").first.click()
    page.wait_for_function("m => document.documentElement.dataset.mode !== m", arg=before, timeout=10_000)
    fetched = _fetched(page)
    assert all(any(s in u for u in fetched) for s in THEME_SCRIPTS), fetched
    # The menu Bootstrap drives opens too.
    toggle = page.locator(".dropdown-toggle >> visible=true").first
    toggle.click()
    page.locator(".dropdown-menu.show").wait_for(state="visible", timeout=5_000)
    assert record.page_errors == [] and record.console_errors == []


def test_search_shortcut_before_the_theme_has_loaded_opens_search(open_page):
    page, record = open_page("book/losses.html")
    assert page.evaluate("document.getElementById('pst-search-dialog').open") is False
    page.keyboard.press("Control+k")
    page.wait_for_function("document.getElementById('pst-search-dialog').open", timeout=10_000)
    assert record.page_errors == []


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_first_visit_takes_the_systems_colour_before_any_script_file_runs(browser, server, scheme):
    # No stored mode (a first visit); scripts from files blocked, so only <head>'s line can act.
    ctx = browser.new_context(color_scheme=scheme)
    try:
        ctx.route("**/*.js*", lambda r: r.abort())
        page = ctx.new_page()
        page.goto(f"{server}/book/losses.html", wait_until="load")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
    finally:
        ctx.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_register_filter_is_there_from_the_first_paint_or_not_at_all(open_page, javascript):
    # The menus must not appear after the table has painted (the table would move down).
    page, _ = open_page("book/register.html", javascript=javascript, wait_charts=False, width=390)
    form = page.locator("form.fraudbook-register-filter")
    assert form.is_visible() is javascript
    if javascript:
        rows = page.locator("#fraudbook-register tbody tr").count()
        # The count the script writes at load is the one the page already holds.
        assert form.locator("output").inner_text() == f"{rows} of {rows} figures shown"


@pytest.mark.parametrize("path", ["book/register.html", "book/register-earlier.html", "book/sources.html"])
def test_long_pages_do_not_shift_while_they_load(open_page, path):
    """A long table laid out as its rows arrive (automatic column widths) moved the rows a
    reader already saw (layout shift 0.02-0.07 on these pages); so did the register's filter
    menus appearing above its table. Fixed column shares and menus in the page keep it still."""
    page, _ = open_page(path, wait_charts=False, width=390)
    shift = page.evaluate("""() => new Promise(done => {
        let total = 0;
        new PerformanceObserver(l => { for (const e of l.getEntries()) total += e.value; })
            .observe({type: 'layout-shift', buffered: true});
        setTimeout(() => done(total), 500);
    })""")
    assert shift < 0.01, f"{path} moved while loading: layout shift {shift:.4f}"
