"""A figure's evidence as HTML, the same wherever it is shown (the register, the page of
its indicator): its citations, primary first, each with its strength mark and the sentence
that states it; the disagreements it takes part in; the entries of the changes ledger that
concern it. Links are relative to a page in book/.
"""

from __future__ import annotations

from ..data.load import Dataset
from ..data.values import split_list
from . import ledger, words
from .dates import when
from .escape import html_text


def conflict_links(ds: Dataset) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {}
    for cid, c in ds.conflicts.iterrows():
        for fid in split_list(c["figure_ids"]):
            links.setdefault(fid, []).append(
                f'<a href="{words.DISAGREEMENTS_PAGE}#conflict-{html_text(cid)}">{html_text(c["topic"])}</a>')
    return links


def change_links(ds: Dataset) -> dict[str, list[str]]:
    """For each figure, links to the entries of the changes ledger that concern it (never
    the added entries: every figure was added once), in words with the date."""
    links: dict[str, list[str]] = {}
    changes = getattr(ds, "changes", None)
    if changes is None or changes.empty:
        return links
    for cid, c in changes.iterrows():
        kind = str(c.get("kind", ""))
        if kind == "added":
            continue
        links.setdefault(str(c["subject_id"]), []).append(
            f'<a href="{html_text(ledger.change_href(cid))}">'
            f"{html_text(ledger.change_word(kind))} {html_text(when(c['date']))}</a>")
    return links


def citations_html(ds: Dataset, fid: str, show_quotes: bool = True) -> str:
    """A figure's citations, the primary first (the column says so) and each other one after
    "also reported by": each source linked, with its strength mark and (with `show_quotes`)
    the sentence that states the figure; a sentence already printed for an earlier citation
    of the same figure is not printed again."""
    items, seen = [], set()
    for _, c in ds.citations_of(fid).iterrows():
        row = c.copy()
        row["figure_id"] = fid
        link = words.source_link(row, citations=[], hover=not show_quotes)  # quotes print below it
        said = " ".join(str(c["quote"]).split())
        if not show_quotes:
            quote = ""
        elif said in seen:
            quote = '<br><span class="fraudbook-quote">(the same sentence)</span>'
        else:
            quote = f'<br><q class="fraudbook-quote">{html_text(said)}</q>'
        seen.add(said)
        role = "" if c["role"] == "primary" else "also reported by "
        items.append(f"<li>{role}{link}{quote}</li>")
    return f'<ul class="fraudbook-citations">{"".join(items)}</ul>'


