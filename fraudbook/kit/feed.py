"""An Atom feed of the editions, the corrections and the withdrawn figures, from the ledger.

`feed_xml(ds, edition, book_title)` is the feed the release step writes at the site's root as
`feed.atom` (fraudbook.data.package.release_files, key "feed"). It is made from
data/changes.csv alone, so it says what the Changes page says:

- one entry per edition: "Edition 2026.12", dated by the edition's last change, counting what
  it added, corrected, re-sourced, merged and withdrew; it links to the edition's heading on
  the Changes page;
- one entry per correction (`corrected`: a field of a figure or event changed; `re-sourced`:
  another source now stands first) and one per withdrawal, dated by the ledger, with a title
  that names the figure by its indicator's title and place (an event by its title), what was
  wrong and what it is now in words, the reason, and a link to the change's row on the
  Changes page (`book/changes.html#change-<change_id>`, the anchor the chapter gives every
  change). Additions and merges are counted in their edition's entry only.

No text a reader sees names an internal id, a file or a column: fields, values and what a
change affects are put into words by fraudbook.kit.ledger, which the Changes page uses too.

The site has no fixed public address, so every link is relative: a feed reader resolves them
against the feed's own address, which is why the feed sits at the root beside `book/`. Entry
ids are `urn:uuid:` + uuid5(NAMESPACE, change id) (for an edition, of "edition:<edition>"),
stable from build to build; the feed's `updated` is its newest entry's date, never the time of
the build, so the same ledger gives the same bytes.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pandas as pd

from ..data import package
from ..data.load import Dataset
from ..data.values import blank
from . import ledger
from . import words as text
from .dates import when

# Fixed once: changing it would make every feed reader show every entry again as new.
NAMESPACE = uuid.UUID("d791e7b0-736f-4052-8f79-780e693d9efe")
# The Changes page, from the site's root (the feed's own folder).
CHANGES_HREF = f"book/{text.CHANGES_PAGE}"
FEED_KINDS = ("corrected", "re-sourced", "withdrawn")
CATEGORY = {"edition": "Edition", "corrected": "Correction", "re-sourced": "New first source",
            "withdrawn": "Withdrawal"}


def entry_id(key: str) -> str:
    """The stable id of an entry: a change's id, or "edition:<edition>"."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, key)}"


def change_href(change_id: str) -> str:
    return f"book/{ledger.change_href(change_id)}"


def edition_href(edition: str) -> str:
    return f"{CHANGES_HREF}#edition-{edition.replace('.', '-')}"


def subject_title(subject_id: str, ds: Dataset, meta: pd.DataFrame) -> str:
    """A figure by its indicator's title and place ("Money lost to scams, United States"), an
    event by its title and day; "" for one no longer in the data."""
    if subject_id in meta.index:
        r = meta.loc[subject_id]
        where = ledger.place(r["geography"], ds)
        return f"{r['indicator_title']}, {where}" if where else str(r["indicator_title"])
    if subject_id in ds.events.index:
        e = ds.events.loc[subject_id]
        return f"{e['title']} ({when(e['date'])})"
    return ""


def _sentence(s: str) -> str:
    s = str(s).strip()
    return s if s.endswith((".", "!", "?", "\u201d", '"')) else s + "."


def _first_sentence(s: str, limit: int = 110) -> str:
    s = str(s).strip()
    m = re.match(r"(.+?[.!?])(?:\s|$)", s)
    first = m.group(1).rstrip(".") if m else s
    return first if len(first) <= limit else first[:limit - 1].rstrip() + "\u2026"


def _day(d: str) -> datetime:
    return datetime.strptime(str(d), "%Y-%m-%d").replace(tzinfo=UTC)


def entries(ds: Dataset) -> list[dict]:
    """The feed's entries, newest first: {key, kind, date, title, summary, link}."""
    ch = ds.changes.reset_index()
    meta = ds.figures_with_meta()
    words = ledger.Words(ds)
    labels = words.labels
    out = []
    for ed, g in ch.groupby("edition", sort=True):
        date = max(g["date"])
        out.append({"key": f"edition:{ed}", "kind": "edition", "date": date,
                    "title": f"Edition {ed}",
                    "summary": f"Edition {ed} of the data, published {when(date)}: "
                               f"{ledger.counts_sentence(g['kind'].value_counts())}.",
                    "link": edition_href(str(ed))})
    for _, c in ch[ch["kind"].isin(FEED_KINDS)].iterrows():
        kind, sid, f = c["kind"], str(c["subject_id"]), str(c["field"])
        why = _sentence(text.without_ids(c["reason"], labels))
        subject = subject_title(sid, ds, meta)
        if kind == "corrected":
            title = f"Corrected {ledger.field_words(f)}: {subject or 'a figure or event'}"
            summary = (f"{ledger.field_words(f).capitalize()}: {ledger.value_words(f, c['old'], ds, words)} \u2192 "
                       f"{ledger.value_words(f, c['new'], ds, words)}. Why: {why} "
                       f"Affects: {ledger.subject_words(sid, ds, meta)}.")
        elif kind == "re-sourced":
            title = f"New first source: {subject or 'a figure or event'}"
            before = ledger.source_words(str(c["old"]), ds) if not blank(c["old"]) else "none recorded"
            now = ledger.source_words(str(c["new"]), ds) if not blank(c["new"]) else "none recorded"
            summary = (f"A stronger source now stands first. Source before: {before}. "
                       f"Source now: {now}. Why: {why} Affects: {ledger.subject_words(sid, ds, meta)}.")
        else:
            title = f"Withdrawn: {subject or _first_sentence(text.without_ids(c['reason'], labels))}"
            summary = f"Removed from the data. What was removed, and why: {why}"
        summary += f" Edition {c['edition']}, {when(c['date'])}."
        out.append({"key": str(c["change_id"]), "kind": kind, "date": str(c["date"]),
                    "title": title, "summary": summary, "link": change_href(str(c["change_id"]))})
    # Newest first; on one day, the edition's entry before its changes, changes in ledger order.
    order = {c: i for i, c in enumerate(ch["change_id"])}
    out.sort(key=lambda e: (-_day(e["date"]).toordinal(), e["kind"] != "edition",
                            order.get(e["key"], 0), e["key"] if e["kind"] == "edition" else ""))
    return out


def feed_xml(ds: Dataset, edition: str, book_title: str) -> bytes:
    """The Atom feed of the ledger of `ds` (UTF-8 bytes): the same ledger gives the same bytes."""
    from feedgen.feed import FeedGenerator

    items = entries(ds)
    self_href = package.release_files(edition)["feed"]
    fg = FeedGenerator()
    fg.id(entry_id(f"feed:{package.NAME}"))
    fg.title(book_title)
    fg.subtitle(f"Editions of the data, corrections and withdrawn figures, from the ledger of "
                f"changes (edition {edition}).")
    fg.author({"name": package.AUTHOR})
    fg.rights(f"CC BY 4.0 ({package.LICENCE['title']}, {package.LICENCE['path']}): "
              f"reuse freely, crediting \u201c{package.AUTHOR}\u201d.")
    fg.link(href=self_href, rel="self", type="application/atom+xml")
    fg.link(href=CHANGES_HREF, rel="alternate", type="text/html")
    fg.language("en")
    fg.generator(book_title)
    fg.updated(max((_day(e["date"]) for e in items), default=_day("2000-01-01")))
    for e in items:
        fe = fg.add_entry(order="append")
        fe.id(entry_id(e["key"]))
        fe.title(e["title"])
        fe.updated(_day(e["date"]))
        fe.published(_day(e["date"]))
        fe.summary(e["summary"])
        fe.link(href=e["link"], rel="alternate", type="text/html")
        fe.category(term=CATEGORY[e["kind"]].lower().replace(" ", "-"), label=CATEGORY[e["kind"]])
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
