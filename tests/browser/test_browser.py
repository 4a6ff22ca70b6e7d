"""Every page in Chromium: no errors, charts drawn offline, tooltips, search, accessibility."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from site_sample import data_page_sample

from fraudbook.paths import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = sorted(
    p.relative_to(ROOT).with_suffix(".html").as_posix()
    for p in (ROOT / "book").rglob("*") if p.suffix in (".ipynb", ".md")) + data_page_sample()


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_clean_and_draws_every_chart_offline(open_page, path):
    page, record = open_page(path)
    assert record.page_errors == [], f"page errors on {path}: {record.page_errors}"
    assert record.console_errors == [], f"console errors on {path}: {record.console_errors}"
    assert record.outside == [], f"{path} asked other hosts for {record.outside}"
    charts = page.locator("div.fraudbook-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        # A drawing after the page's first loads as the reader nears it (loading="lazy").
        img = chart.locator(".fraudbook-chart-static img")
        if img.count():
            img.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                   arg=img.element_handle(), timeout=10_000)
        drawn = chart.locator(".fraudbook-chart-static img").evaluate_all(
            "imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length")
        assert drawn + chart.locator("svg, canvas").count() >= 1, f"chart {i} on {path} drew nothing"
        assert (chart.get_attribute("aria-label") or "").strip(), f"chart {i} on {path} has no description"
    # Scrolling loaded the theme's scripts too: still no error.
    assert record.page_errors == [] and record.console_errors == [], (record.page_errors, record.console_errors)


def test_root_redirects_to_the_book(open_page):
    page, record = open_page("index.html", wait_charts=False)
    page.wait_for_url("**/book/index.html", timeout=10_000)
    assert page.title()
    assert record.page_errors == []


@pytest.mark.parametrize("width", [None, 390])
def test_chart_tooltip_appears_on_hover(open_page, width):
    """Pointing at a chart loads Vega (never before) and draws the interactive chart over
    the static one, in the same box (the phone layout on a phone); its marks then show their
    tooltips."""
    page, record = open_page("book/index.html", **({"width": width} if width else {}))
    assert page.evaluate("typeof window.vegaEmbed") == "undefined", "Vega loaded before it was needed"
    chart = page.locator("div.fraudbook-chart").first
    chart.scroll_into_view_if_needed()
    before = chart.bounding_box()
    chart.hover()
    page.wait_for_function("document.querySelector('div.fraudbook-chart').dataset.interactive === 'true'",
                           timeout=30_000)
    after = chart.bounding_box()
    assert abs(after["height"] - before["height"]) <= 2 and abs(after["width"] - before["width"]) <= 2, \
        f"the chart jumped from {before} to {after}"
    mark = page.locator("div.fraudbook-chart .fraudbook-chart-canvas svg .mark-rect path").first
    mark.hover(position={"x": 1, "y": 1})
    mark.hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert "Source" in tooltip.inner_text()


def test_search_finds_a_known_term(open_page):
    page, record = open_page("search.html?q=Myawaddy", wait_charts=False)
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=20_000)
    assert results.count() >= 1
    assert record.page_errors == []


def test_keyboard_reaches_links_and_charts(open_page):
    page, _ = open_page("book/index.html")
    seen = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            return e ? [e.tagName, e.className || '', !!(e.offsetWidth || e.offsetHeight)] : null }""")
        if info:
            seen.add((info[0], "fraudbook-chart" in info[1], info[2]))
        if any(chart for _, chart, _ in seen):
            break
    assert any(tag == "A" and visible for tag, _, visible in seen), "Tab never reached a visible link"
    assert any(chart for _, chart, _ in seen), "Tab never reached a chart"


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(open_page, path, dark):
    page, _ = open_page(path, dark=dark)
    if dark:
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    bad = [v for v in result if v["impact"] in ("critical", "serious")]
    assert not bad, f"{path} ({'dark' if dark else 'light'}): {json.dumps(bad, indent=1)}"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag in ("a", "link") and a.get("href"):
            self.hrefs.append(a["href"])


def test_every_internal_link_and_anchor_resolves(built_site: Path):
    parsed = {}
    for page in built_site.rglob("*.html"):
        if "_static" in page.relative_to(built_site).parts:
            continue  # the theme's Jinja macro files, copied as they are, are not pages
        p = _Links()
        p.feed(page.read_text(encoding="utf-8"))
        parsed[page.resolve()] = p
    broken = []
    for page, p in parsed.items():
        for href in p.hrefs:
            url = urlparse(href)
            if url.scheme or href.startswith(("mailto:", "data:", "//")):
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site.resolve())}: {href}")
            elif url.fragment and target.suffix == ".html":
                if url.fragment not in parsed.get(target, _Links()).ids:
                    broken.append(f"{page.relative_to(built_site.resolve())}: {href} (no such anchor)")
    assert not broken, "\n".join(broken[:40])


def test_page_metadata(built_site: Path):
    for path in PAGES:
        html = (built_site / path).read_text(encoding="utf-8")
        assert re.search(r"<title>[^<]{3,}</title>", html), f"{path}: no title"
        assert re.search(r'<meta name="description" content="[^"]{20,}"', html), f"{path}: no description"
        assert 'rel="icon"' in html, f"{path}: no favicon"
        assert re.search(r"Data last updated: <time datetime=\"\d{4}-\d{2}-\d{2}\">", html), \
            f"{path}: no data date in the footer"


def test_a_link_to_an_earlier_figure_finds_its_row_on_the_other_part(open_page):
    """Source panels link every figure to the register's newest part; a figure whose period
    ended earlier is on the other part, where the page sends the reader."""
    from fraudbook.data.load import load
    from fraudbook.kit import words

    figs = load().figures
    earlier = next(f for f, r in figs.iterrows() if words.register_part(r["period_end"]) == "earlier")
    page, record = open_page(f"book/{words.REGISTER_PAGE}#figure-{earlier}", wait_charts=False)
    page.wait_for_url(f"**/register-earlier.html#figure-{earlier}", timeout=10_000)
    row = page.locator(f"#figure-{earlier}")
    row.wait_for(state="visible", timeout=5_000)
    assert record.page_errors == []
    # The filter menus narrow the rows and say how many are shown.
    menu = page.locator("form.fraudbook-register-filter select[data-filter='year']")
    menu.select_option(index=1)
    shown = page.locator("form.fraudbook-register-filter output").inner_text()
    total = page.locator("#fraudbook-register tbody tr").count()
    assert shown.endswith(f"of {total} figures shown") and not shown.startswith(f"{total} of")
