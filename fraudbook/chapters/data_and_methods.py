"""The chapter "Data and methods": the data dictionary (generated from data/indicators.csv), the sources with
their kind and confidence, a register of every figure whose rows carry the HTML id
`figure-<FIGURE_ID>`, and the bibliography as BibTeX (one entry per source) for
sphinxcontrib-bibtex.

Nothing here computes a new figure: counts are counts of rows of the book's own tables. The
disagreements the register links to are on their own page (fraudbook.chapters.disagreements).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..data.load import Dataset, blank, split_list
from ..kit import charts, escape, page
from ..kit import words as text
from ..kit.escape import html_text

# The page of the disagreements (same folder in the site): the register links there.
DISAGREEMENTS_PAGE = "disagreements.html"
KINDS = ("official", "wire", "newspaper", "research", "republication", "dataset")
CONFIDENCE = ("high", "medium", "low")
CONFIDENCE_COLOURS = ("#0072B2", "#E69F00", "#D55E00")
# The source line of a chart of the book's own tables (rows with publisher and date).
OWN_DATA = pd.DataFrame([{"publisher": "this book's data (tables of figures and sources)",
                          "date_published": ""}])
SOURCE_COUNT_COLUMNS = {"kind": "Kind of source", "confidence": "Confidence",
                        "sources": "Sources", "figures": "Figures"}

def data_dictionary(ds: Dataset) -> pd.DataFrame:
    """Every indicator with its metadata and the number of figures that use it."""
    n = ds.figures["indicator"].value_counts()
    d = ds.indicators.copy()
    d["n_figures"] = [int(n.get(i, 0)) for i in d.index]
    d = d.reset_index()
    d["indicator_html"] = [f"<strong>{html_text(r.title)}</strong><br><code>{escape.wrap_ids(r.indicator)}</code>"
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
        f"<strong>{html_text(r.publisher)}</strong>" + (f", {html_text(r.date_text)}" if r.date_text else "")
        + "<br>" + (f"{escape.wrap_ids(r.title)} (no web address known)" if blank(r.url)
                    else f'<a href="{escape.href(r.url)}">{escape.wrap_ids(r.title)}</a>')
        for r in s.itertuples()]
    s["kind_cell"] = [f"{html_text(r.kind)}, {html_text(r.confidence)} confidence"
                      + ("" if blank(r.original) else escape.small("text of " + html_text(r.original)))
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
    g["_k"] = g["kind"].map({k: i for i, k in enumerate(KINDS)})
    g["_c"] = g["confidence"].map({k: i for i, k in enumerate(CONFIDENCE)})
    g = g.sort_values(["_k", "_c"]).drop(columns=["_k", "_c"]).reset_index(drop=True)
    g["kind_text"] = g["kind"].str.capitalize()
    return g


def sources_chart(counts: pd.DataFrame) -> alt.Chart:
    """Stacked bars: figures per kind of source, split by confidence in the page read."""
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("kind_text:N", title="Kind of source",
                    sort=list(dict.fromkeys(counts["kind_text"]))),
            x=alt.X("figures:Q", title="Figures in the book's data", axis=charts.number_axis()),
            color=alt.Color("confidence:N", title="Confidence in the page read",
                            scale=alt.Scale(domain=list(CONFIDENCE), range=list(CONFIDENCE_COLOURS))),
            order=alt.Order("confidence_rank:Q"),
            tooltip=[alt.Tooltip("kind_text:N", title="Kind of source"),
                     alt.Tooltip("confidence:N", title="Confidence"),
                     alt.Tooltip("figures:Q", title="Figures", format=",d"),
                     alt.Tooltip("sources:Q", title="Sources", format=",d")],
        )
        .transform_calculate(confidence_rank="indexof(['high', 'medium', 'low'], datum.confidence)")
        .properties(
            height=220,
            title=alt.Title("Where the figures come from",
                            subtitle="Figures in the book's data by the kind of source they are "
                                     "read in, and our confidence in that page"),
            description="Stacked bar chart of the number of figures per kind of source, split by "
            "confidence: " + "; ".join(f"{r.kind}, {r.confidence} confidence: {r.figures} figures "
                                       f"from {r.sources} sources" for r in counts.itertuples()),
        )
    )


def register(ds: Dataset, meta: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure with display columns and links to the disagreements it is part of."""
    meta = ds.figures_with_meta() if meta is None else meta
    r = page.statements(meta, ds.geographies)
    links: dict[str, list[str]] = {}
    for cid, c in ds.conflicts.iterrows():
        for fid in split_list(c["figure_ids"]):
            links.setdefault(fid, []).append(
                f'<a href="{DISAGREEMENTS_PAGE}#conflict-{html_text(cid)}">{html_text(cid)}</a>')
    r["conflicts_html"] = [", ".join(links.get(fid, [])) for fid in r.index]
    r["quote_text"] = r["quote"]
    r = r.reset_index()
    r["figure_html"] = [escape.wrap_ids(f) for f in r["figure_id"]]
    r["what_html"] = [f'<a href="#indicator-{html_text(x.indicator)}">{html_text(x.indicator_title)}</a>'
                      + escape.small(html_text(x.where)) for x in r.itertuples()]
    r["amount_html"] = [f"<strong>{html_text(x.amount)}</strong>" + escape.small(html_text(x.period_text))
                        for x in r.itertuples()]
    r["source_cell"] = [x.source_html + (escape.small("Disagreements: " + x.conflicts_html) if x.conflicts_html else "")
                        for x in r.itertuples()]
    return r
