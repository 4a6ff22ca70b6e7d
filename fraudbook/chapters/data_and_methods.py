"""The chapter "Data and methods": how the figures were collected and checked, the data
dictionary (generated from the indicators), how much of the data rests on each kind of
source and strength, a table per issuing body saying whether the book read the body's own
text, and the figures whose source has no web address. The register of every figure and the
list of sources are pages of their own (fraudbook.chapters.register, .sources).

Nothing here computes a new figure: every count comes from fraudbook.data.claims, counting rows
of the book's own tables.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..data import claims, schema
from ..data.load import Dataset
from ..kit import charts, names, page
from ..kit import words as text
from ..kit.escape import html_text

KINDS = schema.KINDS_OF_SOURCE
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
    d["indicator_html"] = [f"<strong>{html_text(r.title)}</strong>" for r in d.itertuples()]
    d["unit_measure"] = [f"{text.UNIT_WORDS.get(r.unit, r.unit)}, {r.measures.replace('_', ' ')}"
                         for r in d.itertuples()]
    d["description_html"] = [html_text(t) for t in d["description"]]
    labels = text.id_labels(ds.sources, ds.indicators)
    d["caveats_html"] = [html_text(text.without_ids(t, labels)) for t in d["caveats"]]
    return d


READ_WORDS = {
    "own text": "its own text",
    "verbatim copy": "only a verbatim copy of its text",
    "press coverage": "only press coverage",
    "copy or summary": "only copies or summaries of others' reports",
}


def bodies_table(ds: Dataset) -> pd.DataFrame:
    """One row per issuing body: figures that cite it, as primary, from its own text, its
    sources, and what the book read of it, in words (counts from fraudbook.data.claims)."""
    b = claims.bodies(ds)
    b["read_text"] = [READ_WORDS[r] for r in b["read"]]
    b["kinds_text"] = [", ".join(text.kind_words(k) for k in ks) for ks in b["kinds"]]
    return b


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



def without_url_table(ds: Dataset, meta: pd.DataFrame | None = None) -> pd.DataFrame:
    """The figures whose source has no web address, each with its source's note (why)."""
    meta = ds.figures_with_meta() if meta is None else meta
    w = claims.without_url(ds).set_index("figure_id")
    r = page.statements(meta.loc[w.index], ds.geographies).reset_index()
    r["label"] = [text.figure_label(x) for _, x in r.iterrows()]
    labels = text.id_labels(ds.sources, ds.indicators)
    r["why"] = [text.without_ids(w.loc[f, "note"], labels) for f in r["figure_id"]]
    r["link_html"] = [f'<a href="{html_text(text.register_href(f, end))}">{html_text(lbl)}</a>'
                      for f, lbl, end in zip(r["figure_id"], r["label"], r["period_end"], strict=True)]
    return r


PRIMARY_PHRASE = {
    "official": "the issuing official body's own page",
    "research": "a research body's own page",
    "reproduction": "a verbatim copy of an official or research body's text",
    "wire": "a news agency's text", "newspaper": "a newspaper's or news site's own report",
    "republication": "a copy or summary of someone else's report", "dataset": "a dataset",
}


def primary_kinds_text(ds: Dataset) -> str:
    """'10 rest on the issuing official body's own page (marked "official"), 9 on …' for the
    page's prose, from the kind of each figure's primary source."""
    k = claims.primary_by_kind(ds)
    parts = [f"{n:,} on {PRIMARY_PHRASE[kind]} (marked \u201c{s}\u201d)"
             for kind, s, n in k.itertuples(index=False)]
    if parts:
        parts[0] = parts[0].replace(" on ", " rest on ", 1)
    return names.join(parts)
