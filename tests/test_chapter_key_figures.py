"""The landing page: headline figures from their primary citation, with a word on every one
that rests on a weaker source."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from fraudbook.chapters import key_figures as kf
from fraudbook.kit import words
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
    assert out.count("<li>") == len(notes)


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
