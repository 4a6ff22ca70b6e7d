"""Figures as words: the source link with its strength mark and every citation on hover, the
citation a reader copies, and notes without internal ids."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from fraudbook.data import schema
from fraudbook.data.load import load
from fraudbook.kit import words


@pytest.fixture(scope="module")
def real():
    return load()


@pytest.fixture(scope="module")
def meta(real):
    return real.figures_with_meta()


def _row(**kw) -> pd.Series:
    base = {"publisher": "RFA", "date_published": "2024-05-27", "source_url": "https://example.org/a",
            "quote": "He said 31,000.", "source_id": "no-such-source", "source_kind": "wire"}
    base.update(kw)
    return pd.Series(base, name=kw.pop("name", "NO-SUCH-FIGURE"))


def _title(link: str) -> str:
    return html.unescape(re.search(r'<a [^>]*title="([^"]*)"', link)[1])


@pytest.mark.parametrize("kind,mark", sorted(schema.STRENGTH.items()))
def test_every_kind_of_source_gets_its_strength_mark(kind, mark):
    link = words.source_link(_row(source_kind=kind))
    assert link.endswith(f">{mark}</span>")
    assert f'class="fraudbook-strength fraudbook-strength-{mark.replace(" ", "-")}"' in link


def test_a_row_without_a_kind_of_source_gets_no_mark():
    # A place's own "kind" (scam_hub) is not a kind of source: no mark, the link as before.
    row = _row().drop("source_kind")
    row["kind"] = "scam_hub"
    assert words.source_link(row) == ('<a href="https://example.org/a" title="He said 31,000.">'
                                      "RFA, 27 May 2024</a>")


def test_link_text_and_tooltip_are_escaped():
    link = words.source_link(_row(publisher='<b>"X"</b>', quote='a "quote" <script>'))
    assert "<b>" not in link and "<script>" not in link
    assert "&lt;b&gt;&quot;X&quot;&lt;/b&gt;" in link
    assert _title(link) == 'a "quote" <script>'


def test_no_web_address_links_to_the_list_of_sources_with_the_mark():
    link = words.source_link(_row(source_url="", source_id="ecns-x", source_kind="republication"))
    assert link.startswith('<a href="sources.html#source-ecns-x"')
    assert "(no web address)</a>" in link and link.endswith(">secondary</span>")


def test_real_figure_tooltip_lists_the_primary_quote_then_every_other_source(real, meta):
    row = meta.loc["UNODC-01"]
    cits = real.citations_of("UNODC-01")
    assert list(cits["role"]) == ["primary", "corroborating"]
    link = words.source_link(row)
    lines = _title(link).split("\n")
    assert lines[0] == " ".join(row["quote"].split())
    assert len(lines) == len(cits)
    assert lines[1].startswith("Also reported by MailGuard (partner blog), Oct 2024 (secondary): \u201c")
    assert "&#10;" in link  # one line per citation in the tooltip
    # The mark is the primary's strength: a verbatim copy of the UNODC's text.
    assert link.endswith(">copy of official text</span>")


def test_a_figure_with_one_citation_shows_its_quote_alone(real, meta):
    single = [f for f in meta.index if len(real.citations_of(f)) == 1][0]
    assert _title(words.source_link(meta.loc[single])) == " ".join(meta.loc[single, "quote"].split())


def test_a_row_whose_source_differs_from_the_data_keeps_its_own_quote(meta):
    row = meta.loc["UNODC-01"].copy()
    row["source_id"] = "another-source"
    assert words.citations_for(row) == []
    assert "Also reported by" not in _title(words.source_link(row))


def test_statement_carries_the_amount_period_link_and_mark(meta):
    s = words.statement(meta.loc["IC3-2024-L2"])
    assert s.startswith("<strong>USD\u00a016.6\u00a0billion</strong> in 2024 (<a href=")  # one line: no-break spaces
    assert s.endswith(f">{words.strength_of(meta.loc['IC3-2024-L2'])}</span>)")


def test_cite_line_names_figure_source_book_edition_and_day(meta):
    row = meta.loc["IC3-2024-L2"].copy()
    row["where"] = "United States"
    line = words.cite_line(row, "The Book", "2026.11", "26 Nov 2026")
    assert line.startswith(f"{row['indicator_title']}, United States: USD 16.6 billion in 2024. Source: ")
    assert row["source_url"] in line
    assert line.endswith("In: The Book, edition 2026.11, accessed 26 Nov 2026.")
    assert "IC3-2024-L2" not in line


def test_without_ids_names_sources_and_indicators(real):
    labels = words.id_labels(real.sources, real.indicators)
    note = real.sources.loc["seed-2023-09-22-joint-operation", "note"]
    assert "qwitaly-2022-04-14-cns" in note
    out = words.without_ids(note, labels)
    assert "qwitaly-2022-04-14-cns" not in out
    assert words.source_label(real.sources.loc["qwitaly-2022-04-14-cns"]) in out
    assert words.without_ids("see ic3_reported_losses.", labels) == (
        f"see \u201c{real.indicators.loc['ic3_reported_losses', 'title']}\u201d.")
    # Only whole ids: a longer word that contains one is left alone.
    assert words.without_ids("xic3_reported_losses", labels) == "xic3_reported_losses"
    assert words.without_ids(float("nan"), labels) == ""


def test_kind_of_source_in_words_never_the_data_word():
    row = pd.Series({"source_kind": "republication", "original": "Associated Press",
                     "confidence": "medium"})
    assert words.source_kind_text(row) == ("copy or summary elsewhere, text of Associated Press; "
                                           "medium confidence")
    assert set(words.KIND_WORDS) == set(schema.KINDS_OF_SOURCE)
    assert set(words.STRENGTH_WORDS) == set(schema.STRENGTH.values())
