"""Every cell of every table on every page, measured in Chromium at four screen widths: no word
and no number broken mid-word, none wider than its cell, no number parted from its unit
(table_words.js measures each word of each cell as laid out, in the cell's own font)."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_sample import site_pages

from fraudbook.data.numbers import SCALES
from fraudbook.kit import words

pytestmark = pytest.mark.slow


MEASURE = (Path(__file__).parent / "table_words.js").read_text(encoding="utf-8")
# What a number may be followed by: the kit's unit and scale words.
UNITS = sorted({*words.UNIT_WORDS.values(), *(s for s in SCALES if s)} - {"%"})
WIDTHS = (360, 390, 768, 1280)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_table_cell_breaks_a_word_at_any_width(open_page, built_site: Path, width):
    pages = site_pages(built_site)
    offences, tables = {}, 0
    for path in pages:
        page, _ = open_page(path, wait_charts=False, width=width)
        found = page.evaluate(MEASURE, {"units": UNITS})
        page.context.close()
        tables += found["tables"]
        if found["broken"]:
            offences[path] = (found["broken"], found["samples"][:3])
    assert tables > 100, f"only {tables} tables measured: the pages changed, or the measure did"
    assert not offences, f"at {width} px, cells with a broken word: {offences}"


def test_the_measure_sees_a_word_broken_by_a_squeezed_column(open_page):
    """The measure itself: a column squeezed below its longest word is found."""
    page, _ = open_page("book/index.html", wait_charts=False, width=390)
    page.add_style_tag(content=".bd-article table { table-layout: fixed !important; width: 200px !important; }"
                               ".bd-article table * { display: revert !important; overflow-wrap: anywhere !important; }")
    found = page.evaluate(MEASURE, {"units": UNITS})
    assert found["broken"] > 0, found


def test_the_register_filter_hides_rows_laid_out_as_blocks(open_page):
    page, _ = open_page("book/register.html", wait_charts=False, width=390)
    rows = page.locator("#fraudbook-register tbody tr")
    total = rows.count()
    assert page.evaluate("getComputedStyle(document.querySelector('#fraudbook-register tbody tr')).display") == "block"
    select = page.locator("form.fraudbook-register-filter select[data-filter=country]")
    select.select_option(index=1)
    shown = page.evaluate("[...document.querySelectorAll('#fraudbook-register tbody tr')]"
                          ".filter(r => r.getClientRects().length).length")
    assert 0 < shown < total
    out = page.locator("form.fraudbook-register-filter output").inner_text()
    assert out == f"{shown} of {total} figures shown"
