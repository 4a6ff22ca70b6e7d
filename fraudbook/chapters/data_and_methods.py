"""The evidence chapters: "Where sources disagree" and "Data and methods".

Disagreements: every row of data/conflicts.csv with its figures side by side (amount with
qualifier, period, place, linked source, kind and confidence of the source), a dot plot where
the figures share one unit, and a MyST label `conflict-<conflict_id>` on its heading so any
page can link to it with {ref}.

Data and methods: the data dictionary (generated from data/indicators.csv), the sources with
their kind and confidence, a register of every figure whose rows carry the HTML id
`figure-<FIGURE_ID>`, and the bibliography as BibTeX (one entry per source) for
sphinxcontrib-bibtex.

Nothing here computes a new figure: positions on a chart are the stated numbers times their
scale; counts are counts of rows of the book's own tables.
"""

from __future__ import annotations

import html

import pandas as pd

from ..kit import words as text
from ..data.load import Dataset, split_list
from ..kit import escape, page

# Readings of a qualifier on a dot plot: a floor points right, a ceiling points left.
# Pages of the book, for links between the two chapters (same folder in the site).
DISAGREEMENTS_PAGE = "disagreements.html"
REGISTER_PAGE = "data-and-methods.html"


# --------------------------------------------------------------------------- shared helpers


# --------------------------------------------------------------------------- disagreements


# --------------------------------------------------------------------------- data and methods

def data_dictionary(ds: Dataset) -> pd.DataFrame:
    """Every indicator with its metadata and the number of figures that use it."""
    n = ds.figures["indicator"].value_counts()
    d = ds.indicators.copy()
    d["n_figures"] = [int(n.get(i, 0)) for i in d.index]
    d = d.reset_index()
    d["indicator_html"] = [f"<strong>{html.escape(r.title)}</strong><br><code>{escape.wrap_ids(r.indicator)}</code>"
                           for r in d.itertuples()]
    d["unit_measure"] = [f"{r.unit}, {r.measures.replace('_', ' ')}" for r in d.itertuples()]
    d["description_html"] = [escape.wrap_ids(t) for t in d["description"]]
    d["caveats_html"] = [escape.wrap_ids(t) for t in d["caveats"]]
    return d


def sources_table(ds: Dataset) -> pd.DataFrame:
    """Every source with kind, confidence, original, a link, and how many figures cite it."""
    n = ds.figures["source_id"].value_counts()
    s = ds.sources.copy()
    s["n_figures"] = [int(n.get(i, 0)) for i in s.index]
    s["date_text"] = [text.when(d) for d in s["date_published"]]
    s["source_cell"] = [
        f"<strong>{html.escape(r.publisher)}</strong>" + (f", {html.escape(r.date_text)}" if r.date_text else "")
        + "<br>" + (f'<a href="{html.escape(r.url, quote=True)}">{escape.wrap_ids(r.title)}</a>' if r.url
                    else f"{escape.wrap_ids(r.title)} (no web address known)")
        for r in s.itertuples()]
    s["kind_cell"] = [f"{html.escape(r.kind)}, {html.escape(r.confidence)} confidence"
                      + (escape.small("text of " + html.escape(r.original)) if r.original else "")
                      for r in s.itertuples()]
    s = s.reset_index()
    s["_p"] = s["publisher"].str.lower()
    return s.sort_values(["_p", "date_published", "source_id"]).drop(columns="_p").reset_index(drop=True)


def source_counts(ds: Dataset) -> pd.DataFrame:
    """Sources and figures by kind of source and confidence (long format, every pair that occurs)."""
    n = ds.figures["source_id"].value_counts()
    s = ds.sources.copy()
    s["n_figures"] = [int(n.get(i, 0)) for i in s.index]
    g = (s.groupby(["kind", "confidence"], observed=True)
         .agg(sources=("n_figures", "size"), figures=("n_figures", "sum")).reset_index())
    g["_k"] = g["kind"].map({k: i for i, k in enumerate(
        ("official", "wire", "newspaper", "research", "republication", "dataset"))})
    g["_c"] = g["confidence"].map({"high": 0, "medium": 1, "low": 2})
    return g.sort_values(["_k", "_c"]).drop(columns=["_k", "_c"]).reset_index(drop=True)


def register(ds: Dataset, meta: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure with display columns and links to the disagreements it is part of."""
    meta = ds.figures_with_meta() if meta is None else meta
    r = page.statements(meta, ds.geographies)
    links: dict[str, list[str]] = {}
    for cid, c in ds.conflicts.iterrows():
        for fid in split_list(c["figure_ids"]):
            links.setdefault(fid, []).append(
                f'<a href="{DISAGREEMENTS_PAGE}#conflict-{html.escape(cid)}">{html.escape(cid)}</a>')
    r["conflicts_html"] = [", ".join(links.get(fid, [])) for fid in r.index]
    r["quote_text"] = r["quote"]
    r = r.reset_index()
    r["figure_html"] = [escape.wrap_ids(f) for f in r["figure_id"]]
    r["what_html"] = [f'<a href="#indicator-{html.escape(x.indicator)}">{html.escape(str(x.indicator_title))}</a>'
                      + escape.small(html.escape(x.where)) for x in r.itertuples()]
    r["amount_html"] = [f"<strong>{html.escape(x.amount)}</strong>" + escape.small(html.escape(x.period_text))
                        for x in r.itertuples()]
    r["source_cell"] = [x.source_html + (escape.small("Disagreements: " + x.conflicts_html) if x.conflicts_html else "")
                        for x in r.itertuples()]
    return r


