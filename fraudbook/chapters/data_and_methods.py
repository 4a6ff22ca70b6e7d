"""The chapter "Data and methods": the data dictionary (generated from the indicators), the
sources with their kind in words, their strength mark, their issuing body and how many figures
rest on each (as primary and as corroborating source), a table per issuing body saying whether
the book read the body's own text, and the register of every figure: a readable label (never
the id, which stays in the row's anchor `figure-<FIGURE_ID>` and its "Link"), every citation
with its strength and quote, the disagreements it takes part in, a one-line citation to copy,
and the values the register's filter menus read (_static/fraudbook-register.js, loaded by the
page itself; without script the full table shows). The bibliography is BibTeX for
sphinxcontrib-bibtex.

Nothing here computes a new figure: every count comes from fraudbook.data.claims, counting rows
of the book's own tables. The disagreements the register links to are on their own page
(fraudbook.chapters.disagreements).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..data import claims, schema
from ..data.load import Dataset, blank, split_list
from ..kit import charts, escape, names, page
from ..kit import words as text
from ..kit.escape import html_text

# The page of the disagreements (same folder in the site): the register links there.
DISAGREEMENTS_PAGE = "disagreements.html"
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


def kind_words(kind: str) -> str:
    """A kind of source in words ('news agency'), with its strength mark's text."""
    return text.KIND_WORDS.get(kind, kind)


def sources_table(ds: Dataset) -> pd.DataFrame:
    """Every source with its kind in words and its strength, whose text it carries and whose
    figures (the body), and how many figures rest on it as primary and as corroborating."""
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
    s["kind_cell"] = [html_text(kind_words(r.kind))
                      + (f" {text.strength_mark(r.strength)}" if r.strength != kind_words(r.kind) else "")
                      + escape.small(f"{html_text(r.confidence)} confidence in the page read")
                      for r in s.itertuples()]
    s["body_cell"] = [html_text("" if blank(r.body) else r.body)
                      + ("" if blank(r.original) else escape.small("carries the text of " + html_text(r.original)))
                      for r in s.itertuples()]
    s = s.reset_index()
    s["_p"] = s["publisher"].str.lower()
    return s.sort_values(["_p", "date_published", "source_id"]).drop(columns="_p").reset_index(drop=True)


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
    b["kinds_text"] = [", ".join(kind_words(k) for k in ks) for ks in b["kinds"]]
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



def _conflict_links(ds: Dataset) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {}
    for cid, c in ds.conflicts.iterrows():
        for fid in split_list(c["figure_ids"]):
            links.setdefault(fid, []).append(
                f'<a href="{DISAGREEMENTS_PAGE}#conflict-{html_text(cid)}">{html_text(c["topic"])}</a>')
    return links


ROLE_WORDS = {"primary": "taken from", "corroborating": "also reported by"}


def citations_html(ds: Dataset, fid: str, show_quotes: bool = True) -> str:
    """A figure's citations, primary first: each source linked, with its strength mark, its
    role in words and (with `show_quotes`) the sentence that states the figure."""
    items = []
    for _, c in ds.citations_of(fid).iterrows():
        row = c.copy()
        row["figure_id"] = fid
        link = text.source_link(row, citations=[], hover=not show_quotes)  # quotes print below it
        quote = (f'<q class="fraudbook-quote">{html_text(" ".join(str(c["quote"]).split()))}</q>'
                 if show_quotes else "")
        items.append(f'<li><span class="fraudbook-role">{html_text(ROLE_WORDS[c["role"]])}</span> '
                     f"{link}{'<br>' + quote if quote else ''}</li>")
    return f'<ul class="fraudbook-citations">{"".join(items)}</ul>'


def figure_label(r) -> str:
    """A figure in words for a reader: 'Fraud cases solved in China: 464,000 cases'."""
    return f"{r['indicator_title']}: {r['amount']}"


def register(ds: Dataset, meta: pd.DataFrame | None = None, show_quotes: bool = True,
             book: str = "", accessed: str = "") -> pd.DataFrame:
    """Every figure with display columns: a readable label (no id), a permalink to its row,
    its citations, the disagreements it takes part in, a one-line citation to copy, and the
    values the register's filters read (country, indicator, kind of source, year)."""
    meta = ds.figures_with_meta() if meta is None else meta
    r = page.statements(meta, ds.geographies)
    links = _conflict_links(ds)
    r["conflicts_html"] = [", ".join(links.get(fid, [])) for fid in r.index]
    r["quote_text"] = r["quote"]
    r = r.reset_index()
    ed = claims.edition()
    r["label"] = [figure_label(x) for _, x in r.iterrows()]
    r["figure_html"] = [
        f"<strong>{html_text(x['indicator_title'])}</strong>: {html_text(x['amount'])}"
        + escape.small(html_text(f"{x['period_text']}; {x['where']}"))
        + f'<br><a class="fraudbook-permalink" href="#figure-{html_text(x["figure_id"])}" '
        f'aria-label="Link to this figure: {html_text(x["label"])}">Link</a>'
        for _, x in r.iterrows()]
    r["what_html"] = [f'<a href="#indicator-{html_text(x.indicator)}">{html_text(x.indicator_title)}</a>'
                      + escape.small(html_text(x.where)) for x in r.itertuples()]
    r["amount_html"] = [f"<strong>{html_text(x.amount)}</strong>" + escape.small(html_text(x.period_text))
                        for x in r.itertuples()]
    r["citations_html"] = [citations_html(ds, fid, show_quotes) for fid in r["figure_id"]]
    r["source_cell"] = [x.citations_html + (escape.small("Disagreements: " + x.conflicts_html)
                                            if x.conflicts_html else "")
                        for x in r.itertuples()]
    r["cite_text"] = [text.cite_line(x, book, ed, accessed) for _, x in r.iterrows()]
    r["cite_html"] = [cite_html(t, accessed) for t in r["cite_text"]]
    # What the filters read: names (not codes), titles, kinds in words, years.
    r["f_country"] = ["|".join(names.name(c, ds.geographies) for c in split_list(g))
                      for g in r["geography"]]
    r["f_indicator"] = r["indicator_title"]
    r["f_kind"] = [kind_words(k) for k in r["source_kind"]]
    r["f_year"] = [str(e)[:4] for e in r["period_end"]]
    return r


def cite_html(cite_text: str, accessed: str) -> str:
    """The one-line citation, folded under 'Cite'; its access date in a span that
    _static/fraudbook-register.js sets to the reader's day (the edition's day without script)."""
    safe = html_text(cite_text)
    tail = html_text(f"accessed {accessed}.")
    if accessed and safe.endswith(tail):
        safe = (safe[: -len(tail)] + f'accessed <span class="fraudbook-accessed">'
                f"{html_text(accessed)}</span>.")
    return (f'<details class="fraudbook-cite"><summary>Cite</summary>'
            f'<p class="fraudbook-cite-text">{safe}</p></details>')


FILTERS = (("f_country", "Country or area"), ("f_indicator", "What is counted"),
           ("f_kind", "Kind of source"), ("f_year", "Year (end of period)"))


def filter_form(reg: pd.DataFrame, table_id: str) -> str:
    """The register's filter: one menu per filter, its options from the data, hidden until
    _static/fraudbook-register.js shows it (without script the full table shows)."""
    parts = []
    for col, label in FILTERS:
        values = sorted({v for cell in reg[col] for v in str(cell).split("|") if v},
                        reverse=col == "f_year")
        opts = "".join(f'<option value="{html_text(v)}">{html_text(v)}</option>' for v in values)
        parts.append(f'<label>{html_text(label)} <select data-filter="{col[2:]}">'
                     f'<option value="">All</option>{opts}</select></label>')
    return (f'<form class="fraudbook-register-filter" data-table="{html_text(table_id)}" hidden>'
            + " ".join(parts) + ' <output aria-live="polite"></output></form>')


def with_filter_values(table_html: str, reg: pd.DataFrame) -> str:
    """The register's HTML table with each row's filter values as data- attributes."""
    out = table_html
    for _, x in reg.iterrows():
        anchor = f'<tr id="figure-{html_text(x["figure_id"])}">'
        attrs = " ".join(f'data-{col[2:]}="{html_text(x[col])}"' for col, _ in FILTERS)
        out = out.replace(anchor, anchor[:-1] + " " + attrs + ">", 1)
    return out


def without_url_table(ds: Dataset, meta: pd.DataFrame | None = None) -> pd.DataFrame:
    """The figures whose source has no web address, each with its source's note (why)."""
    meta = ds.figures_with_meta() if meta is None else meta
    w = claims.without_url(ds).set_index("figure_id")
    r = page.statements(meta.loc[w.index], ds.geographies).reset_index()
    r["label"] = [figure_label(x) for _, x in r.iterrows()]
    labels = text.id_labels(ds.sources, ds.indicators)
    r["why"] = [text.without_ids(w.loc[f, "note"], labels) for f in r["figure_id"]]
    r["link_html"] = [f'<a href="#figure-{html_text(f)}">{html_text(lbl)}</a>'
                      for f, lbl in zip(r["figure_id"], r["label"], strict=True)]
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
