"""The changes ledger (data/changes.csv) in a reader's words, stated once: the kinds of
change, the fields of figures and events, and their old and new values, with ids replaced
by labels and the book's internal words never shown. The Changes page and the feed both
use it.
"""

from __future__ import annotations

import re

from ..data.load import Dataset
from ..data.values import blank
from . import qualifiers
from . import words as text
from .dates import when
from .names import join, names

KINDS = ("corrected", "re-sourced", "merged", "withdrawn", "added")  # the order the Changes page lists them in
KIND_WORDS = {  # (one, several)
    "added": ("addition", "additions"), "corrected": ("correction", "corrections"),
    "re-sourced": ("re-sourcing", "re-sourcings"), "merged": ("merge", "merges"),
    "withdrawn": ("withdrawal", "withdrawals"),
}
# The fields of figures and events as a reader names them.
FIELD_WORDS = {
    "indicator": "what is counted", "value": "the number", "low": "the low end of the range",
    "high": "the high end of the range", "qualifier": "how the number is stated",
    "scale": "the scale", "unit": "the unit", "currency": "the currency",
    "period": "the kind of period", "period_start": "the start of the period",
    "period_end": "the end of the period", "geography": "the place", "partner": "the partner",
    "provisional": "whether it is provisional", "note": "the note", "date": "the date",
    "end_date": "the end date", "kind": "the kind of event", "title": "the title",
    "countries": "the countries", "place_id": "the place", "description": "the description",
    "source_id": "the source that stands first",
}
DATE_FIELDS = ("period_start", "period_end", "date", "end_date")
TEXT_FIELDS = ("note", "description", "title")
# Words of the book's working notes that readers never see (data/README.md "Words readers see").
INTERNAL = re.compile(r"\bseed\b|\baudit\b|\bP-[A-Z0-9]+-[A-Z0-9-]+|\b[\w-]+\.csv\b|"
                      r"\b[a-z]+_[a-z_]+\b|figures-[ab]\b", re.I)
UNSHOWN = "a wording that named the book's internal working notes"
PERIOD_WORDS = {"annual": "a year", "span": "a stretch of time", "cumulative": "a running total",
                "as_of": "a count at a date", "on_date": "a single day"}




# A change's kind as the label of a link to it ("Corrected 26 Nov 2026").
CHANGE_WORDS = {"corrected": "Corrected", "re-sourced": "Re-sourced", "withdrawn": "Withdrawn",
                "merged": "Merged", "added": "Added"}


def change_word(kind: str) -> str:
    return CHANGE_WORDS.get(kind, kind.capitalize())


def change_href(change_id: str) -> str:
    """The address of a change's entry on the Changes page, from a page in book/."""
    return f"{text.CHANGES_PAGE}#{anchor(change_id)}"


def anchor(change_id: str) -> str:
    """The id of a change's entry on the Changes page."""
    return f"change-{change_id}"


def field_words(field: str) -> str:
    return FIELD_WORDS.get(field, field.replace("_", " "))


class Words:
    """What wording a ledger's values needs, computed once per feed: the labels that replace
    sources' and indicators' ids in free text, and one pattern finding any other id."""

    def __init__(self, ds: Dataset):
        self.labels = text.id_labels(ds.sources, ds.indicators)
        ids = {i for i in (set(ds.figures.index) | set(ds.events.index) | set(ds.changes["subject_id"])
                           | set(ds.conflicts.index) | set(ds.places.index) | set(ds.sources.index)) if i}
        alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        self.ids = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])") if ids else None


def readable(value: str, ds: Dataset, words: Words | None = None) -> str:
    """Free text from the ledger, quoted, with ids replaced by labels; UNSHOWN where internal
    words remain (an old note may have carried them: that is often why it was corrected)."""
    words = words or Words(ds)
    out = text.without_ids(value, words.labels)
    if INTERNAL.search(out) or (words.ids is not None and words.ids.search(out)):
        return UNSHOWN
    return f"\u201c{out}\u201d"


def source_words(source_id: str, ds: Dataset) -> str:
    if source_id not in ds.sources.index:
        return "a source no longer listed"
    s = ds.sources.loc[source_id]
    return f"{s['title']} ({text.source_label(s)})"


def value_words(field: str, value, ds: Dataset, words: Words | None = None) -> str:
    """A field's old or new value as a reader reads it."""
    if blank(value):
        return "nothing"
    v = str(value)
    if field in TEXT_FIELDS:
        return readable(v, ds, words)
    if field in DATE_FIELDS:
        try:
            return when(v)
        except ValueError:
            return v
    if field == "qualifier":
        return qualifiers.WORDS.get(v, "").strip() or {"exact": "exactly as stated",
                                                       "range": "a range",
                                                       "unquantified": "in words"}.get(v, v)
    if field == "indicator":
        return str(ds.indicators.loc[v, "title"]) if v in ds.indicators.index else v.replace("_", " ")
    if field == "place_id":
        return str(ds.places.loc[v, "name"]) if v in ds.places.index else v.replace("-", " ")
    if field in ("geography", "countries", "partner"):
        try:
            return names(v, ds.geographies)
        except KeyError:
            return v
    if field == "source_id":
        return source_words(v, ds)
    if field == "period":
        return PERIOD_WORDS.get(v, v)
    return v


def counts_sentence(counts) -> str:
    """'2 corrections, 1 re-sourcing and 5 additions' from counts by kind (a mapping)."""
    parts = [f"{n:,} {KIND_WORDS[k][0 if n == 1 else 1]}" for k in KINDS if (n := int(counts.get(k, 0)))]
    return join(parts, "no changes")


def place(geography, ds: Dataset) -> str:
    """A figure's place in words, '' for a code the data no longer holds."""
    try:
        return names(geography, ds.geographies, " (one combined figure)")
    except KeyError:
        return ""


def subject_words(subject_id: str, ds: Dataset, meta) -> str:
    """The figure or event a change affects, in full words: 'Fraud cases solved: 464,000 cases,
    in 2022 (China)', 'Event: … (2 May 2025)', or that it is no longer in the data."""
    if subject_id in meta.index:
        r = meta.loc[subject_id]
        words = f"{r['indicator_title']}: {text.amount(r)}, {text.period(r)}"
        where = place(r["geography"], ds)
        return f"{words} ({where})" if where else words
    if subject_id in ds.events.index:
        e = ds.events.loc[subject_id]
        return f"Event: {e['title']} ({when(e['date'])})"
    return "a figure no longer in the data"
