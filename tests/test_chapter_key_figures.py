"""The landing page: headline figures from their primary citation, with a word on every one
that rests on a weaker source."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from fraudbook.chapters import key_figures as kf
from fraudbook.kit import escape, words
from fraudbook.kit.page import FigureIdError
from fraudbook.paths import ROOT


def _default_headline() -> list[str]:
    nb = json.loads((ROOT / "notebooks" / "key-figures.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    scope: dict = {}
    exec("".join(cell["source"]), scope)
    return scope["headline"]


def _row(**kw):
    base = {"source_kind": "newspaper", "source_url": "https://example.org", "body": "",
            "original": "", "publisher": "The Block", "source_note": ""}
    base.update(kw)
    return pd.Series(base)


def test_headline_keeps_the_parameter_order_and_refuses_unknown_ids(figs):
    assert list(kf.headline(figs, ["UNODC-02", "UNODC-01"]).index) == ["UNODC-02", "UNODC-01"]
    with pytest.raises(FigureIdError, match="NOPE"):
        kf.headline(figs, ["UNODC-01", "NOPE"])


@pytest.mark.parametrize("kind", kf.STRONG_KINDS)
def test_no_word_needed_for_own_text_copies_and_wires_with_a_web_address(kind):
    assert kf.why_source(_row(source_kind=kind, body="UNODC")) == ""


def test_press_coverage_of_a_body_says_its_own_text_was_not_found():
    why = kf.why_source(_row(body="UNODC", publisher="AP News", source_note="Read on AP."))
    assert why == ("No text from the UNODC itself was found; the figure is taken from a "
                   "newspaper's or news site's own report (AP News). Read on AP.")
    why = kf.why_source(_row(body="China's Ministry of Public Security"))
    assert why.startswith("No text from China's Ministry of Public Security itself was found")


def test_a_copy_without_a_body_and_a_page_without_web_address_say_so():
    why = kf.why_source(_row(source_kind="republication", original="China Daily", publisher="ECNS",
                             source_url=""))
    assert why.startswith("The figure is taken from a copy or summary of someone else's report "
                          "(ECNS, carrying China Daily); no stronger source")
    assert "No web address of that page is known." in why
    # A wire without a web address needs the word too.
    assert kf.why_source(_row(source_kind="wire", source_url="")).endswith(
        "No web address of that page is known.")


def test_real_headline_notes_come_from_the_data_without_ids(ds, figs):
    top = kf.headline(figs, _default_headline())
    notes = kf.why_notes(top, words.id_labels(ds.sources, ds.indicators))
    weak = {fid for fid, r in top.iterrows()
            if r["source_kind"] not in kf.STRONG_KINDS or not isinstance(r["source_url"], str)
            or not r["source_url"]}
    assert set(notes.index) == weak and weak, "every weaker headline figure gets a word, no other"
    # The 80% share: only press and copies of the ministry's words were found.
    assert "SEED-CN-ABROAD-80" in notes.index
    assert notes.loc["SEED-CN-ABROAD-80", "why"].startswith("The figure is taken from a copy or summary")
    assert "UNODC-01" not in notes.index  # a verbatim copy of the UNODC's report
    out = kf.why_html(notes)
    for fid in top.index:
        assert fid not in out.replace(f"#figure-{fid}", "")
    assert "qwitaly-2022-04-14-cns" not in out  # a source id in a note reaches readers as a name
    # One item per reason: figures resting on one source for one reason share it.
    assert out.count("<li>") == notes["why"].nunique()
    for why in notes["why"].unique():
        assert out.count(escape.html_text(why)) == 1


def test_why_html_escapes_and_is_empty_without_notes():
    notes = pd.DataFrame([{"label": "<b>x</b>", "why": "a & b", "publisher": "P", "date_published": "",
                           "source_url": "https://example.org", "quote": "q", "source_id": "s"}])
    out = kf.why_html(notes)
    assert "&lt;b&gt;x&lt;/b&gt;" in out and "a &amp; b" in out and "<b>" not in out
    assert kf.why_html(notes.iloc[0:0]) == ""


def test_why_sentence_is_true_for_any_count():
    assert kf.why_sentence(15, 4).startswith("Of the 15 headline figures, 4 rest on")
    assert kf.why_sentence(15, 1).endswith("no stronger source stating it was found:")
    assert "Each of the 15 headline figures" in kf.why_sentence(15, 0)


# --- the tiles at the top of the page, the sentence on the estimates, the newest source ----

def _tile_parts(html: str) -> dict[str, str]:
    """A tile's lines by their class (the words a reader sees), and its links."""
    import re

    from fraudbook.kit.escape import plain_text

    parts = {m.group(1): plain_text(m.group(2))
             for m in re.finditer(r'<p class="fraudbook-tile-(\w+)">(.*?)</p>', html, re.S)}
    parts["hrefs"] = " ".join(re.findall(r'href="([^"]+)"', html))
    return parts


def test_a_tile_holds_the_amount_what_it_counts_period_place_source_and_its_register_row(ds, figs):
    row = figs.loc["UNODC-01"]
    html = kf.tile_html(row, ds.geographies)
    parts = _tile_parts(html)
    assert html.startswith('<li class="fraudbook-tile">') and html.endswith("</li>")
    assert parts["number"] == words.amount(row) == "USD 18–37 billion"
    assert parts["what"] == row["indicator_title"]
    assert parts["when"] == "in 2023 · East and Southeast Asia"
    # The source with the mark of its strength; a tap on it opens its sentence (the quote
    # travels in its title, which _static/fraudbook-sources.js reads).
    assert words.source_link(row) in html
    assert parts["source"].endswith("copy of official text")
    assert 'class="fraudbook-strength fraudbook-strength-copy-of-official-text"' in html
    # Its row in the register: on the part for periods ending before the split year.
    assert parts["hrefs"].split()[-1] == words.register_href("UNODC-01", "2023") \
        == "register-earlier.html#figure-UNODC-01"
    assert parts["register"].startswith("Every source that states it")


def test_a_tile_links_to_the_register_part_that_holds_its_row_and_names_combined_places(ds, figs):
    recent = _tile_parts(kf.tile_html(figs.loc["CN-MYW-2026-01"], ds.geographies))
    assert recent["hrefs"].split()[-1] == "register.html#figure-CN-MYW-2026-01"
    combined = _tile_parts(kf.tile_html(figs.loc["SEED-CN-INTL-68-5"], ds.geographies))
    assert combined["when"] == ("as of 30 Aug 2023 · Northern Myanmar, Philippines and Cambodia "
                                "(one combined figure)")


def test_a_tile_shows_markup_in_the_data_as_text(ds, figs):
    row = figs.loc["UNODC-01"].copy()
    row["indicator_title"] = '<img src=x onerror="alert(1)">'
    html = kf.tile_html(row, ds.geographies)
    assert "<img" not in html and "&lt;img src=x" in html


def test_tiles_are_one_list_in_the_parameters_order_and_show_no_id(ds, figs):
    from fraudbook.kit.escape import plain_text

    ids = _default_headline()
    html = kf.tiles_html(kf.headline(figs, ids), ds.geographies)
    assert html.startswith('<ul class="fraudbook-tiles"') and html.count("<li ") == len(ids)
    numbers = [_tile_parts(li)["number"] for li in html.split("<li ")[1:]]
    assert numbers == [words.amount(figs.loc[fid]) for fid in ids]
    shown = plain_text(html)
    assert not [fid for fid in ids if fid in shown], "a reader sees a figure's id"


def test_the_sentence_on_the_estimates_says_which_money_is_which_from_the_data(ds, figs):
    from fraudbook.kit.escape import plain_text

    top = kf.headline(figs, _default_headline())
    sentence = kf.differ_sentence(top, ds.conflicts)
    text = plain_text(sentence).replace("*", "")
    assert text.startswith("UNODC’s three estimates above differ because")
    assert (f"{figs.loc['SEED-UNODC-20-40', 'amount']} as of 17 Feb 2025 and "
            f"{figs.loc['UNODC-01', 'amount']} in 2023 are what victims lost") in text
    assert f"{figs.loc['UNODC-02', 'amount']} as of 21 Apr 2025 is what the criminals made" in text
    # Each disagreement it rests on is one tap away, by its topic, never its id.
    for cid in ("unodc-regional-losses", "unodc-profits-vs-losses"):
        assert f'href="disagreements.html#conflict-{cid}"' in sentence
        assert cid not in text
        assert ds.conflicts.loc[cid, "topic"] in text
    assert text.count(".") >= 1 and text.endswith(").")
    # A disagreement on the number alone (two roundings of one count) is not one of these.
    assert "ic3-2024-total" not in sentence


def test_the_sentence_follows_the_data_and_is_empty_without_a_disagreement(ds, figs):
    top = kf.headline(figs, ["UNODC-01", "UNODC-02", "CN-2022-CASES"])
    one = kf.differ_sentence(top, ds.conflicts)
    assert one.startswith("UNODC’s two estimates above differ because they count different things:")
    assert kf.differ_sentence(top, ds.conflicts.iloc[0:0]) == ""
    assert kf.differ_sentence(kf.headline(figs, ["CN-2022-CASES", "OHCHR-01"]), ds.conflicts) == ""


def _rewrite(folder, table: str, change) -> None:
    import copy

    from .conftest import GOOD, write_table

    rows = copy.deepcopy(GOOD[table])
    change(rows)
    write_table(folder, table, rows)


def test_the_newest_source_date_changes_when_the_datas_newest_source_does(good_data):
    from fraudbook.data.load import load

    ds = load(good_data)
    assert kf.newest_source(ds).name == "dw-2025-04-21"
    assert kf.newest_sentence(ds) == ('The book’s figures and events rest on 2 sources; the newest '
                                      'was published on '
                                      '<time datetime="2025-04-21">21 Apr 2025</time> (DW).')

    def newer(rows):
        next(r for r in rows if r["source_id"] == "xinhua-2023-11-21")["date_published"] = "2026-01"
    _rewrite(good_data, "sources", newer)
    ds = load(good_data)
    assert kf.newest_source(ds).name == "xinhua-2023-11-21"
    assert 'published in <time datetime="2026-01">Jan 2026</time> (Xinhua).' in kf.newest_sentence(ds)


def test_a_source_that_states_no_figure_or_event_is_not_the_newest(good_data):
    from fraudbook.data.load import load

    def gazetteer(rows):
        rows.append({"source_id": "gazetteer-2027", "title": "Gazetteer", "publisher": "GeoNames",
                     "date_published": "2027-01-05", "url": "https://example.org/gazetteer",
                     "kind": "dataset", "confidence": "high", "original": "", "note": ""})
    _rewrite(good_data, "sources", gazetteer)
    ds = load(good_data)
    assert "gazetteer-2027" in ds.sources.index
    assert kf.newest_source(ds).name == "dw-2025-04-21"


def test_the_first_page_says_how_far_the_sources_were_searched_and_what_was_not_found(ds):
    ed = "2026.12"
    searched = ds.searches[ds.searches["edition"] == ed]
    text = kf.searched_sentence(ds, ed)
    day = searched["searched"].max()
    assert f'searched up to <time datetime="{day}">' in text and "listed at the end of this page" in text
    missed = kf.not_found(ds, ed)
    assert set(missed["search_id"]) == set(searched.index[searched["outcome"] == "not_found"])
    # Nothing recorded for an edition: nothing said; every search found: no list announced.
    assert kf.searched_sentence(ds, "1999.01") == ""
    found = type(ds)(**{**vars(ds), "searches": ds.searches.assign(outcome="found")})
    assert kf.not_found(found, ed).empty and "not found" not in kf.searched_sentence(found, ed)
