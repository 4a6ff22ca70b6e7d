"""The Chinese forms of the sentence helpers (fraudbook.kit.zh) and the glossary: exact
numbers in 万 and 亿, dates as 2026年2月11日, qualifiers from the one qualifier table, and
each glossary term attested verbatim in a quote of the data."""

from __future__ import annotations

import pandas as pd
import pytest

from fraudbook.data.load import load
from fraudbook.data.numbers import scaled
from fraudbook.kit import qualifiers, zh


@pytest.mark.parametrize("value,scale,text", [
    ("21", "", "21"), ("210000", "", "21万"), ("322000", "", "32.2万"), ("467361", "", "467,361"),
    ("3.5", "billion", "35亿"), ("4.1", "billion", "41亿"), ("16.6", "billion", "166亿"),
    ("322", "million", "3.22亿"), ("1.2", "trillion", "1.2万亿"), ("5.5", "thousand", "5,500"),
    ("0.35", "million", "35万"), ("2.5", "", "2.5"), ("12345678", "", "12,345,678"),
])
def test_a_number_is_written_in_wan_and_yi_only_where_that_is_exact(value, scale, text):
    assert zh.number(value, scale) == text
    assert float(zh.exact_text(value, scale).replace(",", "")) == scaled(value, scale)


@pytest.mark.parametrize("day,text", [("2026-02-11", "2026年2月11日"), ("2025-10", "2025年10月"),
                                      ("2024", "2024年")])
def test_dates(day, text):
    assert zh.date(day) == text
    with pytest.raises(ValueError):
        zh.date("2026-02-30")


def test_every_qualifier_has_its_chinese_words_in_the_one_table():
    assert set(qualifiers.WORDS_ZH) == set(qualifiers.WORDS) == set(qualifiers.READING)
    assert qualifiers.WORDS_ZH["more_than"] == "超过" and qualifiers.WORDS_ZH["nearly"] == "近"
    assert qualifiers.WORDS_ZH["about"] == "约" and qualifiers.WORDS_ZH["at_least"] == "至少"


def test_amounts_of_the_real_figures_keep_their_numbers():
    meta = load().figures_with_meta()
    row = pd.Series({"qualifier": "more_than", "value": 3.5, "scale": "billion", "unit": "money",
                     "currency": "USD", "stated": ""})
    assert zh.amount(row) == "超过35亿美元"
    rng = pd.Series({"qualifier": "range", "low": 18, "high": 37, "scale": "billion", "unit": "money",
                     "currency": "USD", "stated": ""})
    assert zh.amount(rng) == "180亿–370亿美元"
    for _, r in meta.iterrows():
        text = zh.amount(r)
        assert text, r.name
        if r["qualifier"] not in ("unquantified", "range") and r["unit"] != "percent":
            # The number in the Chinese amount is the figure's own, exactly.
            assert zh.number(r["value"], r["scale"]) in text, (r.name, text)


def test_every_glossary_term_is_attested_in_a_quote_of_the_data():
    ds = load()
    terms = zh.glossary()
    assert len(terms) >= 10 and terms["term_zh"].is_unique and terms["term_en"].is_unique
    for _, t in terms.iterrows():
        c = ds.citations.loc[t["citation_id"]]
        assert t["term_zh"] in c["quote"], t["term_zh"]
        # Whose words they are: the issuing body the source names.
        assert isinstance(ds.sources.loc[c["source_id"], "body"], str)
