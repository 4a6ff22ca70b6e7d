"""The "Changes and corrections" page: an entry per edition, an anchor per change, fields
and values in words, figures linked to their row in the register."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from fraudbook.chapters import changes as ch
from fraudbook.data import schema
from fraudbook.kit import ledger, words


@pytest.fixture(scope="module")
def md(ds):
    return ch.page_markdown(ds)


@pytest.mark.slow
def test_an_entry_per_edition_newest_first(ds):
    extra = pd.DataFrame([{"change_id": "ch-999", "date": "2027-01-15", "edition": "2027.01",
                           "kind": "corrected", "subject_id": ds.figures.index[0],
                           "field": "period_end", "old": "2023", "new": "2023-12",
                           "reason": "The source dates it to December."}]).set_index("change_id")
    ds2 = type(ds)(**{**vars(ds), "changes": pd.concat([ds.changes, extra])})
    text = ch.page_markdown(ds2)
    heads = re.findall(r"^## Edition (\S+)$", text, flags=re.M)
    assert heads == sorted(set(ds2.changes["edition"]), reverse=True)
    assert "(edition-2027-01)=" in text and "Published 15 Jan 2027: 1 correction." in text


def test_every_edition_of_the_data_has_its_dated_entry_with_counts(ds, md):
    for ed in set(ds.changes["edition"]):
        assert f"## Edition {ed}" in md
    row = ch.editions(ds.changes).iloc[0]
    assert f"Published {ch.when(row['date'])}: {ch.counts_sentence(row)}." in md
    newest = ds.changes[ds.changes["edition"] == row["edition"]]
    n = int((newest["kind"] == "corrected").sum())
    assert n and f"{n:,} corrections" in md


def test_an_anchor_per_change(ds, md):
    for cid in ds.changes.index:
        assert md.count(f'id="change-{cid}"') == 1, cid


def test_corrections_link_each_figure_to_its_register_row(ds, md):
    corrected = ds.changes[ds.changes["kind"] == "corrected"]
    for sid in corrected["subject_id"]:
        if sid in ds.figures.index:
            href = words.register_href(sid, ds.figures.loc[sid, "period_end"])
            assert f'href="{href}"' in md


def test_merges_name_the_figure_they_were_merged_into(ds, md):
    for _, c in ds.changes[ds.changes["kind"] == "merged"].iterrows():
        href = words.register_href(c["new"], ds.figures.loc[c["new"], "period_end"])
        assert f'href="{href}"' in md


def test_no_column_name_or_internal_word_reaches_the_page(ds, md):
    visible = re.sub(r"<[^>]+>", " ", md)  # attributes (anchors, links) are not read
    visible = re.sub(r"^\(edition-[\d-]+\)=$", "", visible, flags=re.M)
    columns = {c for t in schema.TABLES for c in t.column_names if "_" in c}
    found = sorted(c for c in columns if re.search(rf"\b{c}\b", visible))
    assert found == []
    assert not re.search(r"\bP-[A-Z0-9]+-[A-Z0-9-]+|\bseed\b|\baudit\b|\.csv\b", visible, flags=re.I)
    ids = [i for i in ds.changes["subject_id"] if len(i) > 6]
    assert [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", visible)] == []


def test_every_field_a_change_can_name_has_words():
    fields = {c.name for t in (schema.FIGURES, schema.EVENTS) for c in t.columns} - {"figure_id", "event_id"}
    assert sorted(fields - set(ledger.FIELD_WORDS)) == []


def test_values_are_put_into_words(ds):
    assert ledger.value_words("period_end", "2023-08-29", ds) == "29 Aug 2023"
    assert ledger.value_words("qualifier", "more_than", ds) == "more than"
    assert ledger.value_words("note", "", ds) == "nothing"
    assert ledger.value_words("note", "Checked against P-ABC-01.", ds) == ledger.UNSHOWN
    assert ledger.value_words("note", f"See ({ds.conflicts.index[0]}).", ds) == ledger.UNSHOWN
    sid = ds.sources.index[0]
    assert sid not in ledger.value_words("source_id", sid, ds)
