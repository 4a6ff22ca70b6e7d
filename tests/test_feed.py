"""The Atom feed of editions, corrections and withdrawn figures, made from the ledger: it parses
without error, has one entry per edition and one per correction, re-sourcing and withdrawal,
each dated by the ledger and linking to an anchor the Changes page has, with ids that stay the
same from build to build; it words every change as the Changes page does, names no internal
id, and the same ledger gives the same bytes."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urljoin

import feedparser
import pandas as pd
import pytest

from fraudbook.chapters import changes as chapter
from fraudbook.data import package, schema
from fraudbook.data.claims import book_title, edition
from fraudbook.data.load import load
from fraudbook.kit import ledger
from fraudbook.kit.escape import plain_text
from fraudbook.kit.feed import feed_xml

FEED_KINDS = ("corrected", "re-sourced", "withdrawn")
SITE = "https://example.org/some/mirror/"  # any address the site may be served from


@pytest.fixture(scope="module")
def ds():
    return load()


@pytest.fixture(scope="module")
def xml(ds) -> bytes:
    return feed_xml(ds, edition(), book_title())


@pytest.fixture(scope="module")
def feed(xml):
    return feedparser.parse(xml)


@pytest.fixture(scope="module")
def page_html(ds) -> str:
    """The Changes page's content, as the chapter writes it (every anchor an entry links to)."""
    return chapter.page_markdown(ds)


def _change_id(entry) -> str:
    return entry.link.rsplit("#change-", 1)[1] if "#change-" in entry.link else ""


def test_it_parses_and_describes_itself(feed, ds):
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    f = feed.feed
    assert f.title == book_title()
    assert f.id.startswith("urn:uuid:")
    assert f.author_detail.name == package.AUTHOR
    assert "CC BY 4.0" in f.rights and package.LICENCE["path"] in f.rights
    assert {(link.rel, link.href) for link in f.links} >= {("self", "feed.atom"), ("alternate", "book/changes.html")}
    newest = max(ds.changes["date"])
    assert date(*f.updated_parsed[:3]).isoformat() == newest  # the newest entry, not the build's time
    assert f.updated_parsed == max(e.updated_parsed for e in feed.entries)


def test_one_entry_per_edition_and_per_correction_and_withdrawal(feed, ds):
    ch = ds.changes
    listed = ch[ch["kind"].isin(FEED_KINDS)]
    editions = sorted(set(ch["edition"]))
    assert len(feed.entries) == len(editions) + len(listed)
    ed_entries = [e for e in feed.entries if e.title.startswith("Edition ")]
    assert sorted(e.title for e in ed_entries) == [f"Edition {ed}" for ed in editions]
    for e in ed_entries:
        ed = e.title.removeprefix("Edition ")
        mine = ch[ch["edition"] == ed]
        assert date(*e.updated_parsed[:3]).isoformat() == max(mine["date"])
        counts = mine["kind"].value_counts()
        for kind, (one, several) in ledger.KIND_WORDS.items():
            n = int(counts.get(kind, 0))
            if n:
                assert f"{n:,} {one if n == 1 else several}" in e.summary, (ed, kind)
            else:
                assert not re.search(rf"\b{several}\b|\b\d+ {one}\b", e.summary), (ed, kind)
    by_id = {_change_id(e): e for e in feed.entries if _change_id(e)}
    assert set(by_id) == set(listed.index)
    for cid, row in listed.iterrows():
        assert date(*by_id[cid].updated_parsed[:3]).isoformat() == row["date"]
        assert date(*by_id[cid].published_parsed[:3]).isoformat() == row["date"]


def test_ids_are_unique_and_stable(xml, ds):
    first = [e.id for e in feedparser.parse(xml).entries]
    assert len(set(first)) == len(first) and all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i) for i in first)
    again = [e.id for e in feedparser.parse(feed_xml(load(), edition(), book_title())).entries]
    assert again == first
    # A later edition adds entries; the entries already there keep their ids.
    grown = load()
    cid = grown.changes[grown.changes["kind"] == "corrected"].index[0]
    extra = grown.changes.loc[[cid]].copy()
    extra.index = pd.Index(["ch-999"], name="change_id")
    extra["edition"], extra["date"] = "2027.01", "2027-01-15"
    grown.changes = pd.concat([grown.changes, extra])
    later = feedparser.parse(feed_xml(grown, "2027.01", book_title()))
    ids = {_change_id(e) or e.title: e.id for e in later.entries}
    before = {_change_id(e) or e.title: e.id for e in feedparser.parse(xml).entries}
    assert {k: ids[k] for k in before} == before
    assert len(later.entries) == len(first) + 2  # the new edition and its correction
    assert later.entries[0].title == "Edition 2027.01" and date(*later.feed.updated_parsed[:3]) == date(2027, 1, 15)


def test_links_resolve_to_anchors_the_changes_page_has(feed, page_html):
    assert feed.entries
    for e in feed.entries:
        assert not re.match(r"^[a-z]+:|^/", e.link), e.link  # relative to the feed's own address
        resolved = urljoin(urljoin(SITE, "feed.atom"), e.link)
        page, anchor = resolved.split("#")
        assert page == SITE + "book/changes.html"
        if e.title.startswith("Edition "):
            assert f"({anchor})=" in page_html  # the MyST label of the edition's heading
        else:
            assert anchor == chapter.anchor(_change_id(e))
            assert f'id="{anchor}"' in page_html, anchor


def test_no_internal_id_file_or_column_name_reaches_a_reader(feed, ds):
    ids = (set(ds.figures.index) | set(ds.events.index) | set(ds.sources.index) | set(ds.changes.index)
           | set(ds.changes["subject_id"]) | set(ds.indicators.index))
    columns = {c.name for t in schema.TABLES for c in t.columns if "_" in c.name}
    words = [feed.feed.title, feed.feed.subtitle, feed.feed.rights]
    for e in feed.entries:
        words += [e.title, e.summary]
    named = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(i) for i in sorted(ids | columns, key=len, reverse=True))
                       + r")(?![\w-])|\b[\w-]+\.csv\b")
    found = [(m.group(0), w[:80]) for w in words for m in named.finditer(w)]
    assert found == []
    assert named.search(f"Corrected: {ds.figures.index[0]}") and named.search("the period_end column")
    assert set(ds.figures.index) and all(len(i) >= 4 for i in ds.figures.index)  # the search can find them


def test_each_change_is_worded_as_on_the_changes_page(feed, ds):
    meta = chapter.page.statements(ds.figures_with_meta(), ds.geographies)
    by_id = {_change_id(e): e for e in feed.entries if _change_id(e)}
    corr = chapter.corrections(ds.changes, ds, meta)
    assert len(corr)
    for _, r in corr.iterrows():
        e = by_id[r["change_id"]]
        assert r["what"] in e.summary
        assert plain_text(r["affects"]) in e.summary
        assert r["why"].strip() in e.summary
    res = chapter.resourcings(ds.changes, ds, meta)
    assert len(res)
    for _, r in res.iterrows():
        e = by_id[r["change_id"]]
        assert f"Source before: {plain_text(r['before'])}." in e.summary
        assert f"Source now: {plain_text(r['now'])}." in e.summary
        assert plain_text(r["affects"]) in e.summary


def test_a_title_names_the_figure_by_what_is_counted_and_where(feed, ds):
    meta = ds.figures_with_meta()
    by_id = {_change_id(e): e for e in feed.entries if _change_id(e)}
    seen = 0
    for cid, c in ds.changes[ds.changes["kind"].isin(("corrected", "re-sourced"))].iterrows():
        title = by_id[cid].title
        if c["subject_id"] in meta.index:
            r = meta.loc[c["subject_id"]]
            assert r["indicator_title"] in title, title
            for code in str(r["geography"]).split(";"):
                assert ds.geographies.loc[code, "name"] in title, title
            seen += 1
        else:
            assert ds.events.loc[c["subject_id"], "title"] in title, title
        if c["kind"] == "corrected":
            assert chapter.field_words(c["field"]) in title
    assert seen > 50


def test_a_withdrawn_figure_gets_its_entry(ds):
    d = load()
    row = pd.DataFrame([{"date": "2027-01-15", "edition": "2027.01", "kind": "withdrawn",
                         "subject_id": "GONE-2020-X", "field": "", "old": "", "new": "",
                         "reason": "A count of calls from a page that was later taken down. "
                                   "No other source states it."}], index=pd.Index(["ch-998"], name="change_id"))
    d.changes = pd.concat([d.changes, row])
    f = feedparser.parse(feed_xml(d, "2027.01", book_title()))
    assert not f.bozo
    entry = next(e for e in f.entries if e.link.endswith("#change-ch-998"))
    assert entry.title == "Withdrawn: A count of calls from a page that was later taken down"
    assert "No other source states it." in entry.summary and "GONE-2020-X" not in entry.summary + entry.title
    assert date(*entry.updated_parsed[:3]) == date(2027, 1, 15)
    ed = next(e for e in f.entries if e.title == "Edition 2027.01")
    assert "1 withdrawal" in ed.summary
    assert len(f.entries) == len(feedparser.parse(feed_xml(ds, edition(), book_title())).entries) + 2


def test_the_same_ledger_gives_the_same_bytes(xml, ds):
    assert feed_xml(load(), edition(), book_title()) == xml
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    changed = load()
    first = changed.changes[changed.changes["kind"] == "corrected"].index[0]
    changed.changes.loc[first, "reason"] = "Another reason."
    assert feed_xml(changed, edition(), book_title()) != xml
