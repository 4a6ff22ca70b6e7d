"""The chapter "Changes and corrections": data/changes.csv for readers, edition by edition.

Per edition a dated entry with the number of changes of each kind, then: the corrections
(what was wrong, in words: "end of the period: Aug 2023 → 29 Aug 2023", when it was fixed,
the figure or event it affects, linked to its row in the register), the re-sourcings (which
source stood first before and which now), the merges (a duplicate folded into the figure
that holds it now), the withdrawals, and the additions summarised by topic. Every change has
an anchor `change-<change_id>` so a figure can link to its entry. No column name or internal
id is shown: fields and values are put into words here.
"""

from __future__ import annotations

import pandas as pd

from ..data.load import Dataset
from ..data.values import blank
from ..kit import ledger, page, reads
from ..kit import words as text
from ..kit.dates import when
from ..kit.escape import href, html_text
from ..kit.ledger import KINDS, anchor, field_words, source_words, value_words

MEASURE_WORDS = {
    "victim_losses": "money lost by victims", "criminal_revenue": "criminal revenue",
    "survey_extrapolation": "estimates from surveys", "share": "shares", "rate": "rates",
    "change": "changes from one year to the next",
}
EVENT_KIND_WORDS = {
    "meeting": "meetings", "operation": "police operations", "handover": "handovers",
    "repatriation": "repatriations", "rescue": "rescues", "raid": "raids", "report": "reports",
    "statement": "statements", "sanction": "sanctions", "seizure": "seizures",
    "verdict": "verdicts", "execution": "executions",
}


def editions(changes: pd.DataFrame) -> pd.DataFrame:
    """One row per edition, newest first: its date (the last change's) and counts by kind."""
    rows = []
    for ed, g in changes.groupby("edition", sort=False):
        counts = g["kind"].value_counts()
        rows.append({"edition": ed, "date": max(g["date"]), "n": len(g),
                     **{k: int(counts.get(k, 0)) for k in KINDS}})
    return pd.DataFrame(rows).sort_values("edition", ascending=False).reset_index(drop=True)


def counts_sentence(row) -> str:
    return ledger.counts_sentence({k: row[k] for k in KINDS})


def source_html(source_id: str, ds: Dataset) -> str:
    words = html_text(source_words(source_id, ds))
    if source_id in ds.sources.index and not blank(ds.sources.loc[source_id, "url"]):
        try:
            return f'<a href="{href(ds.sources.loc[source_id, "url"])}">{words}</a>'
        except ValueError:
            return words
    return words


def subject_html(subject_id: str, ds: Dataset, meta: pd.DataFrame) -> str:
    """The figure or event a change affects, in words; a figure links to its register row."""
    words = html_text(ledger.subject_words(subject_id, ds, meta))
    if subject_id in meta.index:
        return f'<a href="{html_text(text.register_href(subject_id, meta.loc[subject_id, "period_end"]))}">{words}</a>'
    return words


def _rows(changes: pd.DataFrame, kind: str) -> pd.DataFrame:
    return changes[changes["kind"] == kind].reset_index()


def corrections(changes: pd.DataFrame, ds: Dataset, meta: pd.DataFrame) -> pd.DataFrame:
    """Corrections: what was wrong (field, old → new in words), when fixed, what it affects."""
    out = []
    for _, c in _rows(changes, "corrected").iterrows():
        f = str(c["field"])
        old, new = value_words(f, c["old"], ds), value_words(f, c["new"], ds)
        out.append({"change_id": c["change_id"],
                    "what": f"{field_words(f).capitalize()}: {old} → {new}",
                    "affects": subject_html(c["subject_id"], ds, meta),
                    "why": c["reason"], "when": when(c["date"])})
    return pd.DataFrame(out, columns=["change_id", "what", "affects", "why", "when"])


def resourcings(changes: pd.DataFrame, ds: Dataset, meta: pd.DataFrame) -> pd.DataFrame:
    out = []
    for _, c in _rows(changes, "re-sourced").iterrows():
        out.append({"change_id": c["change_id"], "affects": subject_html(c["subject_id"], ds, meta),
                    "before": source_html(str(c["old"]), ds) if not blank(c["old"]) else "",
                    "now": source_html(str(c["new"]), ds) if not blank(c["new"]) else "",
                    "why": c["reason"], "when": when(c["date"])})
    return pd.DataFrame(out, columns=["change_id", "affects", "before", "now", "why", "when"])


def merges(changes: pd.DataFrame, ds: Dataset, meta: pd.DataFrame) -> pd.DataFrame:
    out = []
    for _, c in _rows(changes, "merged").iterrows():
        out.append({"change_id": c["change_id"], "why": c["reason"],
                    "into": subject_html(str(c["new"]), ds, meta), "when": when(c["date"])})
    return pd.DataFrame(out, columns=["change_id", "why", "into", "when"])


def withdrawals(changes: pd.DataFrame) -> pd.DataFrame:
    out = [{"change_id": c["change_id"], "why": c["reason"], "when": when(c["date"])}
           for _, c in _rows(changes, "withdrawn").iterrows()]
    return pd.DataFrame(out, columns=["change_id", "why", "when"])


def topic(subject_id: str, ds: Dataset, meta: pd.DataFrame) -> str:
    if subject_id in meta.index:
        r = meta.loc[subject_id]
        if r["measures"] == "count" and r["unit"] == "money":
            return "amounts of money"
        if r["measures"] == "count":
            return f"counts of {text.UNIT_WORDS.get(r['unit'], str(r['unit']).replace('_', ' '))}"
        return MEASURE_WORDS.get(r["measures"], str(r["measures"]).replace("_", " "))
    if subject_id in ds.events.index:
        k = ds.events.loc[subject_id, "kind"]
        return f"events: {EVENT_KIND_WORDS.get(k, k)}"
    return "other"


def additions(changes: pd.DataFrame, ds: Dataset, meta: pd.DataFrame) -> pd.DataFrame:
    """Additions summarised by topic: how many new figures or events of each kind."""
    rows = _rows(changes, "added")
    if rows.empty:
        return pd.DataFrame(columns=["topic", "n", "anchors"])
    rows["topic"] = [topic(s, ds, meta) for s in rows["subject_id"]]
    out = (rows.groupby("topic").agg(n=("change_id", "size"), ids=("change_id", list))
           .reset_index().sort_values(["n", "topic"], ascending=[False, True]))
    # Every addition keeps an anchor of its own, so a figure can still link to its entry.
    out["anchors"] = ["".join(f'<span id="{anchor(i)}"></span>' for i in ids) for ids in out["ids"]]
    out["topic"] = [t[0].upper() + t[1:] for t in out["topic"]]
    return out.drop(columns="ids").reset_index(drop=True)


def _table(df: pd.DataFrame, columns: dict[str, str], raw: tuple[str, ...], caption: str,
           anchored: bool = True) -> str:
    return page.html_table(df, columns, raw_html=raw, caption=caption,
                           row_id=(lambda r: anchor(r["change_id"])) if anchored else None)


def edition_markdown(ed_row, changes: pd.DataFrame, ds: Dataset, meta: pd.DataFrame) -> str:
    """The entry of one edition: heading, date, counts, and one table per kind of change."""
    ed = str(ed_row["edition"])
    ch = changes[changes["edition"] == ed]
    label = "edition-" + ed.replace(".", "-")
    parts = [f"({label})=", f"## Edition {html_text(ed)}", "",
             f"Published {when(ed_row['date'])}: {counts_sentence(ed_row)}.", ""]
    sections = []
    c = corrections(ch, ds, meta)
    if len(c):
        sections.append(("Corrections", "What was wrong in the data, and what it is now.",
                         _table(c, {"what": "What was wrong", "affects": "The figure or event",
                                    "why": "Why", "when": "Fixed on"}, ("affects",),
                                f"Corrections in edition {ed}")))
    r = resourcings(ch, ds, meta)
    if len(r):
        sections.append(("Re-sourcings", "A stronger source now stands first for these figures "
                         "and events; the earlier one is kept as corroborating where it still "
                         "states them.",
                         _table(r, {"affects": "The figure or event", "before": "Source before",
                                    "now": "Source now", "why": "Why", "when": "On"},
                                ("affects", "before", "now"), f"Re-sourcings in edition {ed}")))
    m = merges(ch, ds, meta)
    if len(m):
        sections.append(("Merges", "The same claim was listed twice: the duplicate was folded "
                         "into the figure that holds it now, its sources kept there as "
                         "corroborating.",
                         _table(m, {"why": "The duplicate", "into": "Merged into", "when": "On"},
                                ("into",), f"Merges in edition {ed}")))
    w = withdrawals(ch)
    if len(w):
        sections.append(("Withdrawals", "Figures and events removed from the data.",
                         _table(w, {"why": "What was removed, and why", "when": "On"}, (),
                                f"Withdrawals in edition {ed}")))
    a = additions(ch, ds, meta)
    if len(a):
        sections.append(("Additions", "New figures and events, by topic.",
                         _table(a.assign(topic_html=[x + html_text(t) for x, t in
                                                     zip(a["anchors"], a["topic"], strict=True)]),
                                {"topic_html": "Topic", "n": "New figures or events"},
                                ("topic_html",), f"Additions in edition {ed}", anchored=False)))
    for title, intro, table_html in sections:
        parts += [f"### {title} in edition {html_text(ed)}", "", intro, "", table_html, ""]
    return "\n".join(parts)


def page_markdown(ds: Dataset, edition: str = "") -> str:
    """Every edition's entry (or the one named by `edition`), newest first."""
    meta = page.statements(ds.figures_with_meta(), ds.geographies)
    eds = editions(ds.changes)
    if edition:
        eds = eds[eds["edition"] == edition]
    if eds.empty:
        return "No change is recorded for this edition."
    # The figures the entries describe: recorded, so that the page is made again when one of
    # them changes, and its footer gives the date of the newest source they cite.
    shown = ds.changes[ds.changes["edition"].isin(eds["edition"])]
    reads.figures([i for i in list(shown["subject_id"]) + list(shown["new"]) if i in meta.index])
    return "\n\n".join(edition_markdown(row, ds.changes, ds, meta) for _, row in eds.iterrows())
