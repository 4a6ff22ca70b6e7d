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
import math
import re

import altair as alt
import pandas as pd

from .. import charts, text
from ..load import Dataset
from ..numbers import SCALES

DIFFERS = ("number", "scope", "period", "method", "attribution")
DIFFERS_WORDS = {
    "number": "the number (the same thing, stated as different numbers)",
    "scope": "the scope (different things, people or places are counted)",
    "period": "the period (different stretches of time)",
    "method": "the method (different ways of estimating)",
    "attribution": "the attribution (the same figure credited to different sources)",
}
# Readings of a qualifier on a dot plot: a floor points right, a ceiling points left.
FLOOR = ("at_least", "more_than")
CEILING = ("up_to", "just_under", "nearly")
SHAPES = {"floor": "triangle-right", "ceiling": "triangle-left", "point": "circle"}
READING = {
    "floor": "a floor: the stated number or more",
    "ceiling": "a ceiling: the stated number or a little less",
    "point": "a point figure",
    "range": "a range: the bar runs from the low to the high bound",
}
# Pages of the book, for links between the two chapters (same folder in the site).
DISAGREEMENTS_PAGE = "disagreements.html"
REGISTER_PAGE = "data-and-methods.html"


# --------------------------------------------------------------------------- shared helpers

def _blank(v) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def figure_ids(conflict: pd.Series) -> list[str]:
    """The figure ids a conflict names, in the order written."""
    return [i.strip() for i in str(conflict["figure_ids"]).split(";") if i.strip()]


def geography_names(codes: str, geographies: pd.DataFrame) -> str:
    """'Cambodia, Laos and Myanmar (one combined figure)' from 'KHM;LAO;MMR'."""
    parts = [c.strip() for c in str(codes).split(";") if c.strip()]
    names = [geographies.loc[c, "name"] if c in geographies.index else c for c in parts]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1] + " (one combined figure)"


def source_quality(row: pd.Series) -> str:
    """'republication of Associated Press text, medium confidence'."""
    kind = str(row["source_kind"])
    if kind == "republication" and not _blank(row.get("original")):
        kind = f"republication of {row['original']} text"
    return f"{kind}, {row['confidence']} confidence"


def md_escape(s: str) -> str:
    """Text from the data made safe inside MyST Markdown (a heading, a paragraph)."""
    return re.sub(r"([\\`*_{}\[\]<>#$|~!])", r"\\\1", str(s))


def html_table(df: pd.DataFrame, columns: dict[str, str], raw_html: tuple[str, ...] = (),
               row_id=None, caption: str | None = None, numeric: tuple[str, ...] = (),
               css: str = "fraudbook-table") -> str:
    """page.table as an HTML string, full width, with an id on each row for deep links."""
    from ..page import table

    return table(df, columns, numeric=numeric, raw_html=raw_html, caption=caption,
                 row_id=row_id, css=f"{css} fraudbook-wide").data


def soft(t: str) -> str:
    """Escaped text whose long snake_case or path-like words may wrap after '_' and '/'."""
    return re.sub(r"([_/])", r"\1<wbr>", html.escape(str(t)))


def _small(t: str) -> str:
    return f'<br><span class="fraudbook-quote">{t}</span>' if t else ""


def breakable(ident: str) -> str:
    """An id as HTML that may wrap after '_' and '-' (long ids otherwise widen tables)."""
    return re.sub(r"([_-])", r"\1<wbr>", html.escape(str(ident)))


def with_statements(figs: pd.DataFrame, geographies: pd.DataFrame) -> pd.DataFrame:
    """Figures joined with metadata, plus amount, period, linked source, place, source quality."""
    out = figs.copy()
    out["amount"] = [text.amount(r) for _, r in out.iterrows()]
    out["period_text"] = [text.period(r) for _, r in out.iterrows()]
    out["source_html"] = [text.source_link(r) for _, r in out.iterrows()]
    out["source_label"] = [text.source_label(r) for _, r in out.iterrows()]
    out["where"] = [geography_names(g, geographies) for g in out["geography"]]
    out["source_quality"] = [source_quality(r) for _, r in out.iterrows()]
    return out


# --------------------------------------------------------------------------- disagreements

def select_conflicts(conflicts: pd.DataFrame, show_all: bool = True,
                     differs: list | tuple = DIFFERS) -> pd.DataFrame:
    """The conflicts a run shows, ordered by kind of difference, then as in the file.

    `show_all=False` keeps only those where the book must choose (book_uses set); `differs`
    keeps only those kinds of difference.
    """
    c = conflicts.copy()
    c["_order"] = range(len(c))
    keep = c["differs"].isin(list(differs))
    if not show_all:
        keep &= c["book_uses"].fillna("").astype(str).str.len() > 0
    c = c[keep].copy()
    c["_kind"] = c["differs"].map({k: i for i, k in enumerate(DIFFERS)})
    return c.sort_values(["_kind", "_order"]).drop(columns=["_kind", "_order"])


def conflict_figures(ds: Dataset, conflict: pd.Series, meta: pd.DataFrame | None = None) -> pd.DataFrame:
    """The conflict's figures with display columns, in the order the conflict lists them."""
    meta = ds.figures_with_meta() if meta is None else meta
    figs = with_statements(meta.loc[figure_ids(conflict)], ds.geographies)
    uses = "" if _blank(conflict.get("book_uses")) else str(conflict["book_uses"])
    figs["book_uses"] = ["yes" if fid == uses else "" for fid in figs.index]
    figs["used"] = [("The book uses this figure" if fid == uses else "Another figure") if uses
                    else "Shown side by side" for fid in figs.index]
    figs["what_html"] = [html.escape(str(r.indicator_title)) + _small(html.escape(r.where))
                         for r in figs.itertuples()]
    figs["amount_html"] = [f"<strong>{html.escape(r.amount)}</strong>" + _small(html.escape(r.period_text))
                           for r in figs.itertuples()]
    figs["source_cell"] = [r.source_html + _small(html.escape(r.source_quality)) for r in figs.itertuples()]
    figs["figure_link"] = [f'<a href="{REGISTER_PAGE}#figure-{html.escape(fid)}">{breakable(fid)}</a>'
                           for fid in figs.index]
    return figs


def book_uses_text(conflict: pd.Series, figs: pd.DataFrame) -> str:
    """HTML: which figure the book uses, or that it shows them all side by side."""
    uses = conflict.get("book_uses")
    if _blank(uses):
        return "none of them alone: where the topic comes up, the book shows them side by side."
    r = figs.loc[uses]
    return f"{text.statement(r)} (figure {html.escape(str(uses))})."


def conflict_body_html(conflict: pd.Series, figs: pd.DataFrame) -> str:
    """The explanation and the side-by-side table of one conflict, as HTML."""
    kind = str(conflict["differs"])
    paras = (
        f'<p><strong>What differs:</strong> {html.escape(DIFFERS_WORDS.get(kind, kind))}. '
        f"<strong>Which the book uses:</strong> {book_uses_text(conflict, figs)}</p>"
        f'<p>{html.escape(str(conflict["explanation"]))}</p>'
    )
    table = html_table(
        figs.reset_index(),
        {"figure_link": "Figure", "what_html": "What is counted, where", "amount_html": "Amount as stated, period",
         "source_cell": "Source (hover for the quote), kind of source", "book_uses": "Used by the book"},
        raw_html=("figure_link", "what_html", "amount_html", "source_cell"),
        caption=f"The figures of this disagreement: {conflict['topic']}",
    )
    return f'<div class="fraudbook-conflict">{paras}{table}</div>'


def _divisor(max_value: float) -> tuple[float, str]:
    for word in ("trillion", "billion", "million"):
        if max_value >= SCALES[word]:
            # A trillion next to billions reads better in billions.
            if word == "trillion":
                return SCALES["billion"], "billion"
            return SCALES[word], word
    return 1.0, ""


def dot_data(figs: pd.DataFrame) -> pd.DataFrame | None:
    """Rows for a dot plot of one conflict, or None where a chart would not help.

    A chart needs at least two figures with a number, all in one unit (and one currency).
    `x`, `x_low`, `x_high` are the stated numbers times their scale, divided by one display
    divisor for the whole chart; `reading` says whether a dot is a floor, ceiling, point or
    range (unquantified figures are left out of the chart and stay in the table).
    """
    q = figs[figs["qualifier"] != "unquantified"].copy()
    if len(q) < 2 or q["unit"].nunique() != 1:
        return None
    if q["unit"].iloc[0] == "money" and q["currency"].nunique() != 1:
        return None
    factor = q["scale"].map(lambda s: SCALES.get(s if isinstance(s, str) else "", 1.0))
    raw = pd.concat([q["value"] * factor, q["low"] * factor, q["high"] * factor])
    div, word = _divisor(float(raw.max()))
    q["x"] = q["value"] * factor / div
    q["x_low"] = q["low"] * factor / div
    q["x_high"] = q["high"] * factor / div
    q["reading"] = ["range" if r.qualifier == "range" else "floor" if r.qualifier in FLOOR
                    else "ceiling" if r.qualifier in CEILING else "point" for r in q.itertuples()]
    q["reading_text"] = q["reading"].map(READING)
    q["shape"] = q["reading"].map(lambda r: SHAPES.get(r, "circle"))
    # A range without a stated mid-point is drawn as its bar only.
    # Two-line row labels: the period, then the source (the figure id where one source
    # gives two of the figures).
    dup = q["source_label"].duplicated(keep=False)
    q["label"] = [f"{r.period_text}|{r.source_label}" + (f" ({fid})" if d else "")
                  for fid, r, d in zip(q.index, q.itertuples(), dup)]
    unit = q["unit"].iloc[0]
    if unit == "money":
        axis = f"{q['currency'].iloc[0]}" + (f", {word}s" if word else "")
    elif unit == "percent":
        axis = "Percent"
    else:
        name = text.UNIT_WORDS.get(unit, unit)
        axis = name[0].upper() + name[1:] + (f", {word}s" if word else "")
    q["axis_title"] = axis
    return q.reset_index()


def dot_chart(conflict: pd.Series, data: pd.DataFrame) -> alt.LayerChart:
    """A dot plot of one conflict: one row per figure, floors and ceilings as triangles,
    ranges as bars from low to high, colour = whether the book uses the figure."""
    axis_title = data["axis_title"].iloc[0]
    order = list(data["label"])
    cols = ["label", "figure_id", "x", "x_low", "x_high", "reading", "reading_text", "shape",
            "amount", "period_text", "source_label", "used"]
    d = data[cols]
    y = alt.Y("label:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=250, labelExpr="split(datum.label, '|')"))
    palette = {"The book uses this figure": charts.PALETTE[5], "Another figure": charts.PALETTE[0],
               "Shown side by side": charts.PALETTE[0]}
    present = [k for k in palette if k in set(data["used"])]
    colour = alt.Color("used:N", title=None,
                       scale=alt.Scale(domain=present, range=[palette[k] for k in present]),
                       legend=alt.Legend(orient="bottom", symbolOpacity=1) if len(present) > 1 else None)
    tooltip = [alt.Tooltip("amount:N", title="Figure as stated"),
               alt.Tooltip("period_text:N", title="Period"),
               alt.Tooltip("source_label:N", title="Source"),
               alt.Tooltip("reading_text:N", title="Reading"),
               alt.Tooltip("figure_id:N", title="Figure id")]
    base = alt.Chart(d)
    xmax = float(pd.concat([d["x"], d["x_high"]]).max())
    xscale = alt.Scale(domain=[0, xmax * 1.08], nice=False)
    x = alt.X("x:Q", title=axis_title, scale=xscale, axis=alt.Axis(format=",~r"))
    rng = base.transform_filter("datum.reading == 'range'").mark_rule(strokeWidth=6, opacity=0.55).encode(
        x=alt.X("x_low:Q", title=axis_title, scale=xscale, axis=alt.Axis(format=",~r")),
        x2="x_high:Q", y=y, color=colour, tooltip=tooltip)
    dots = base.transform_filter("isValid(datum.x)").mark_point(filled=True, size=140, opacity=1).encode(
        x=x, y=y, color=colour,
        shape=alt.Shape("shape:N", scale=None),
        tooltip=tooltip)
    described = "; ".join(f"{r.source_label}: {r.amount} {r.period_text}" for r in data.itertuples())
    subtitle = ["What differs: " + str(conflict["differs"]) + ". "
                "Triangles pointing right are floors ('more than', 'at least');",
                "pointing left, ceilings ('up to', 'nearly'); bars are ranges."]
    return (alt.layer(rng, dots)
            .properties(
                width=charts.WIDTH - 340, height=max(80, 44 * len(d)),
                title=alt.Title(str(conflict["topic"]), subtitle=subtitle),
                description=f"Dot plot comparing the figures of one disagreement, {conflict['topic']}: "
                            + described + "."))


def section_markdown(conflict_id: str, topic: str, prefix: str, has_chart: bool) -> str:
    """The MyST of one conflict's section: label, heading, glued body, figure, chart data."""
    key = f"{prefix}-{conflict_id}"
    out = [f"(conflict-{conflict_id})=", f"### {md_escape(topic)}", "",
           f"```{{glue}} {key}-body", "```", ""]
    if has_chart:
        out += [f"```{{glue:figure}} {key}-chart", f":name: fig-{key}", "",
                f"The figures of this disagreement on one scale. {{glue:md}}`{key}-sources`",
                "```", "", f"```{{glue}} {key}-data", "```", ""]
    return "\n".join(out)


def hidden_markdown(hidden: pd.DataFrame, shown_kinds, show_all: bool) -> str:
    """Labels (with a short line) for the conflicts this run leaves out, so links never break."""
    if hidden.empty:
        return ""
    why = []
    if not show_all:
        why.append("only disagreements where the book must choose one figure")
    if set(shown_kinds) != set(DIFFERS):
        why.append("only differences in " + ", ".join(k for k in DIFFERS if k in shown_kinds))
    out = ["## Not shown on this run", "",
           "This run of the page shows " + "; ".join(why) + ". "
           "The other disagreements are listed here so that links to them still lead somewhere; "
           "the full page shows each with its figures.", ""]
    for cid, c in hidden.iterrows():
        out += [f"(conflict-{cid})=", f"### {md_escape(c['topic'])}", "",
                f"What differs: {md_escape(c['differs'])}. Not shown on this run.", ""]
    return "\n".join(out)


def summary_table(conflicts: pd.DataFrame, figs_by_conflict: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per conflict shown: linked topic, kind of difference, figures, book uses."""
    rows = []
    for cid, c in conflicts.iterrows():
        figs = figs_by_conflict[cid]
        uses = c.get("book_uses")
        rows.append({
            "topic_html": f'<a href="#conflict-{html.escape(cid)}">{html.escape(str(c["topic"]))}</a>',
            "differs": c["differs"],
            "figures": "; ".join(f"{r.amount} ({r.source_label})" for r in figs.itertuples()),
            "uses": "side by side" if _blank(uses) else f"{figs.loc[uses, 'amount']} ({uses})",
        })
    return pd.DataFrame(rows, columns=["topic_html", "differs", "figures", "uses"])


# --------------------------------------------------------------------------- data and methods

def data_dictionary(ds: Dataset) -> pd.DataFrame:
    """Every indicator with its metadata and the number of figures that use it."""
    n = ds.figures["indicator"].value_counts()
    d = ds.indicators.copy()
    d["n_figures"] = [int(n.get(i, 0)) for i in d.index]
    d = d.reset_index()
    d["indicator_html"] = [f"<strong>{html.escape(r.title)}</strong><br><code>{breakable(r.indicator)}</code>"
                           for r in d.itertuples()]
    d["unit_measure"] = [f"{r.unit}, {r.measures.replace('_', ' ')}" for r in d.itertuples()]
    d["description_html"] = [soft(t) for t in d["description"]]
    d["caveats_html"] = [soft(t) for t in d["caveats"]]
    return d


def sources_table(ds: Dataset) -> pd.DataFrame:
    """Every source with kind, confidence, original, a link, and how many figures cite it."""
    n = ds.figures["source_id"].value_counts()
    s = ds.sources.copy()
    s["n_figures"] = [int(n.get(i, 0)) for i in s.index]
    s["date_text"] = [text.when(d) for d in s["date_published"]]
    s["source_cell"] = [
        f"<strong>{html.escape(r.publisher)}</strong>" + (f", {html.escape(r.date_text)}" if r.date_text else "")
        + "<br>" + (f'<a href="{html.escape(r.url, quote=True)}">{soft(r.title)}</a>' if r.url
                    else f"{soft(r.title)} (no web address known)")
        for r in s.itertuples()]
    s["kind_cell"] = [f"{html.escape(r.kind)}, {html.escape(r.confidence)} confidence"
                      + (_small("text of " + html.escape(r.original)) if r.original else "")
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
    r = with_statements(meta, ds.geographies)
    links: dict[str, list[str]] = {}
    for cid, c in ds.conflicts.iterrows():
        for fid in figure_ids(c):
            links.setdefault(fid, []).append(
                f'<a href="{DISAGREEMENTS_PAGE}#conflict-{html.escape(cid)}">{html.escape(cid)}</a>')
    r["conflicts_html"] = [", ".join(links.get(fid, [])) for fid in r.index]
    r["quote_text"] = r["quote"]
    r = r.reset_index()
    r["figure_html"] = [breakable(f) for f in r["figure_id"]]
    r["what_html"] = [f'<a href="#indicator-{html.escape(x.indicator)}">{html.escape(str(x.indicator_title))}</a>'
                      + _small(html.escape(x.where)) for x in r.itertuples()]
    r["amount_html"] = [f"<strong>{html.escape(x.amount)}</strong>" + _small(html.escape(x.period_text))
                        for x in r.itertuples()]
    r["source_cell"] = [x.source_html + (_small("Disagreements: " + x.conflicts_html) if x.conflicts_html else "")
                        for x in r.itertuples()]
    return r


_BIB_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def bib_escape(s: str) -> str:
    """Text for a BibTeX field: LaTeX special characters escaped, whitespace collapsed.

    '$' stays as it is: pybtex (which renders the bibliography) prints a bare '$' literally
    but would print '\\$' with its backslash; '%' must be escaped or pybtex drops the rest.
    """
    s = " ".join(str(s).split())
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in s)


def _bib_url(u: str) -> str:
    # Field values are brace-delimited: only unbalanced braces could break the file, and a
    # backslash would start a command; both are percent-encoded (URLs in the data have none).
    return u.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtex(ds: Dataset) -> str:
    """A .bib file with one @misc entry per source (key = source_id), sorted by key.

    Fields: title (protected from case changes), howpublished and organization (the
    publisher), year, month and date where known, url, and note = 'kind, confidence'
    (plus whose text a republication carries).
    """
    entries = []
    for sid in sorted(ds.sources.index):
        s = ds.sources.loc[sid]
        fields = [("title", "{" + bib_escape(s["title"]) + "}"),
                  ("howpublished", bib_escape(s["publisher"])),
                  ("organization", bib_escape(s["publisher"]))]
        d = str(s["date_published"] or "")
        if d:
            fields.append(("year", d[:4]))
            if len(d) >= 7:
                fields.append(("month", MONTHS[int(d[5:7]) - 1]))
            fields.append(("date", d))
        if s["url"]:
            fields.append(("url", _bib_url(str(s["url"]))))
        note = f"{s['kind']}, {s['confidence']} confidence"
        if not _blank(s.get("original")) and s["original"]:
            note += f"; text of {s['original']}"
        fields.append(("note", bib_escape(note)))
        # The month is a BibTeX macro (oct), so it stays unbraced and styles can spell it out.
        body = ",\n".join(f"  {k} = {v}" if k == "month" else f"  {k} = {{{v}}}" for k, v in fields)
        entries.append(f"@misc{{{sid},\n{body}\n}}\n")
    return "% Generated from data/sources.csv by fraudbook.chapters.evidence.bibtex; do not edit.\n\n" \
        + "\n".join(entries)


def write_bibtex(ds: Dataset, path) -> bool:
    """Write bibtex(ds) to `path` if it changed; True when the file was (re)written."""
    from pathlib import Path

    p = Path(path)
    new = bibtex(ds)
    if p.exists() and p.read_text(encoding="utf-8") == new:
        return False
    p.write_text(new, encoding="utf-8")
    return True
