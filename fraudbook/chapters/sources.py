"""The chapter "Sources": every source in the book's data, a row each (anchored
`source-<SOURCE_ID>`, where source links without a web address lead): publisher, date and
title linked to the page read, kind of source with its strength mark and our confidence in
that page, the issuing body whose figures it carries (and whose text, for a copy), and how
many figures rest on it as primary and as corroborating source. Counts come from
fraudbook.data.claims; nothing here computes a new figure.
"""

from __future__ import annotations

import pandas as pd

from ..data import claims
from ..data.load import Dataset
from ..data.values import blank
from ..kit import escape
from ..kit import words as text
from ..kit.escape import html_text

COLUMNS = {"source_cell": "Publisher, date and title (linked to the page read)",
           "kind_cell": "Kind of source and strength", "body_cell": "Issuing body",
           "primary": "Figures taken from it", "corroborating": "Also cited for"}


SORTS = ("publisher", "date", "figures")


def sources_table(ds: Dataset, sort_by: str = "publisher") -> pd.DataFrame:
    """Every source with its kind in words and its strength, whose text it carries and whose
    figures (the body), and how many figures rest on it as primary and as corroborating;
    ordered by publisher (then date), by date (newest first) or by figures (most first)."""
    if sort_by not in SORTS:
        raise ValueError(f"sort_by: '{sort_by}' is not one of {', '.join(SORTS)}")
    s = claims.source_use(ds)
    labels = text.id_labels(ds.sources)
    s["n_figures"] = s["primary"]
    s["date_text"] = [text.when(d) for d in s["date_published"]]
    s["source_cell"] = [
        f"<strong>{html_text(r.publisher)}</strong>" + (f", {html_text(r.date_text)}" if r.date_text else "")
        + "<br>" + (f"{escape.wrap_ids(r.title)} (no web address known)" if blank(r.url)
                    else f'<a href="{escape.href(r.url)}">{escape.wrap_ids(r.title)}</a>')
        + (escape.small(html_text(text.without_ids(r.note, labels))) if blank(r.url) else "")
        for r in s.itertuples()]
    s["kind_cell"] = [html_text(text.kind_words(r.kind))
                      + (f" {text.strength_mark(r.strength)}" if r.strength != text.kind_words(r.kind) else "")
                      + escape.small(f"{html_text(r.confidence)} confidence in the page read")
                      for r in s.itertuples()]
    s["body_cell"] = [html_text("" if blank(r.body) else r.body)
                      + ("" if blank(r.original) else escape.small("carries the text of " + html_text(r.original)))
                      for r in s.itertuples()]
    s = s.reset_index()
    s["_p"] = s["publisher"].str.lower()
    s = s.sort_values(["_p", "date_published", "source_id"])
    if sort_by == "date":
        s = s.sort_values("date_published", ascending=False, kind="stable")
    elif sort_by == "figures":
        s = s.sort_values("primary", ascending=False, kind="stable")
    return s.drop(columns="_p").reset_index(drop=True)


