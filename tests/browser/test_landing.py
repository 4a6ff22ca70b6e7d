"""The landing page in Chromium: the headline figures come first, as tiles in a grid that
follows the screen's width; the book's title is in the header on a phone; a laptop shows one
search control, and that one opens the search dialog."""

from __future__ import annotations

import pytest

PAGE = "book/index.html"
# What the theme and the book draw as a search control: its field-like buttons, its icon
# button, and any search input outside the (closed) dialog.
SEARCH_CONTROLS = ".search-button__button, .search-button, input[type=search], input[name=q]"


def _columns(page) -> list[int]:
    """The distinct left edges of the tiles: one per column of the grid."""
    return sorted({round(b["x"]) for b in (t.bounding_box() for t in page.locator("li.fraudbook-tile").all())})


def _visible_search_controls(page) -> int:
    return page.evaluate("""s => [...document.querySelectorAll(s)].filter(e => {
        if (e.closest('dialog:not([open])')) return false;
        const r = e.getBoundingClientRect(), cs = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'
            && r.bottom > 0 && r.right > 0 && r.left < innerWidth; }).length""", SEARCH_CONTROLS)


@pytest.mark.slow
@pytest.mark.parametrize("width", [360, 390])
def test_on_a_phone_the_tiles_are_one_column_and_the_first_is_on_the_first_screen(open_page, width):
    page, record = open_page(PAGE, width=width)
    page.set_viewport_size({"width": width, "height": 844})
    tiles = page.locator("ul.fraudbook-tiles > li.fraudbook-tile")
    assert tiles.count() >= 3
    assert len(_columns(page)) == 1, f"tiles in {len(_columns(page))} columns at {width} px"
    first = tiles.first.bounding_box()
    assert first["y"] >= 0 and first["y"] + first["height"] <= 844, \
        f"the first tile is not wholly on the first screen: {first}"
    # It is the first thing after the title and the one sentence that introduces the page.
    assert page.evaluate("""() => { const h1 = document.querySelector('article h1');
        const ul = document.querySelector('ul.fraudbook-tiles');
        const between = [...document.querySelectorAll('article p')].filter(p =>
            (h1.compareDocumentPosition(p) & 4) && (p.compareDocumentPosition(ul) & 4));
        return between.length; }""") == 1
    # Nothing in a tile is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert record.page_errors == [] and record.console_errors == []


@pytest.mark.slow
@pytest.mark.parametrize("width, columns", [(768, (2, 3)), (1280, (3, 4))])
def test_wider_screens_show_more_columns(open_page, width, columns):
    page, _ = open_page(PAGE, width=width)
    assert len(_columns(page)) in columns


@pytest.mark.slow
@pytest.mark.parametrize("path", [PAGE, "book/losses.html", "book/register.html"])
def test_the_books_title_is_in_the_header_on_a_phone(open_page, path):
    page, _ = open_page(path, width=390, wait_charts=False)
    title = page.locator(".bd-header-article a.fraudbook-header-title")
    assert title.is_visible()
    # The book's title as the theme's sidebar (hidden on a phone) has it.
    brand = page.locator(".bd-sidebar-primary .navbar-brand").text_content()
    assert title.inner_text().strip() == " ".join(brand.split()) and len(brand.strip()) > 10
    box = title.bounding_box()
    assert box["y"] < 56 and box["x"] + box["width"] <= 390
    # Beside the bar's buttons, not under them: the search button still shows and is not covered.
    search = page.locator(".bd-header-article .search-button").first
    assert search.is_visible()
    sb = search.bounding_box()
    assert box["x"] + box["width"] <= sb["x"], (box, sb)
    # And on a laptop the sidebar carries the title; the bar's copy is hidden.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not title.is_visible()
    assert page.locator(".bd-sidebar-primary .navbar-brand").is_visible()


@pytest.mark.slow
@pytest.mark.parametrize("width, expected", [(1280, 1), (390, 1)])
def test_one_search_control_shows_and_it_opens_the_search_dialog(open_page, width, expected):
    page, record = open_page("book/losses.html", width=width, wait_charts=False)
    assert _visible_search_controls(page) == expected
    # The one control opens the search dialog (before the theme's scripts have loaded, the
    # click is kept and replayed).
    page.locator(SEARCH_CONTROLS).locator("visible=true").first.click()
    page.wait_for_function("document.getElementById('pst-search-dialog').open", timeout=10_000)
    page.keyboard.type("Myawaddy")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=Myawaddy*", timeout=10_000)
    assert record.page_errors == []


@pytest.mark.slow
def test_a_tap_on_a_tiles_source_opens_the_sentence_that_states_it_in_the_tile(open_page):
    page, record = open_page(PAGE, width=390)
    tile = page.locator("li.fraudbook-tile").first
    link = tile.locator(".fraudbook-tile-source a").first
    quote = (link.get_attribute("title") or "").split("\n")[0].strip()
    assert len(quote) > 20
    link.click()
    panel = tile.locator(".fraudbook-source-panel")
    panel.wait_for(state="visible", timeout=5_000)
    assert quote in " ".join(panel.locator("blockquote").inner_text().split())
    assert link.get_attribute("aria-expanded") == "true"
    # Its row in the register is one tap away too, on the part of the register that holds it.
    href = tile.locator(".fraudbook-tile-register a").get_attribute("href")
    page.goto(page.url.rsplit("/", 1)[0] + "/" + href)
    assert page.locator(f"tr#{href.split('#')[1]}").is_visible()
    assert record.page_errors == []
