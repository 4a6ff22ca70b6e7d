"""The chapter "Where sources disagree": every row of data/conflicts.csv with its figures side
by side (amount with qualifier, period, place, linked source, kind and confidence of the
source), a dot plot where the figures share one unit (marks from fraudbook.kit.qualifiers),
and a MyST label `conflict-<conflict_id>` on its heading so any page can link to it with {ref}.

Nothing here computes a new figure: positions on a chart are the stated numbers times their
scale. The register the figure ids link to is its own page (fraudbook.chapters.register).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..data import numbers
from ..data.load import Dataset
from ..data.numbers import SCALES
from ..data.values import blank, split_list
from ..kit import charts, escape, page, qualifiers
from ..kit import words as text
from ..kit.escape import html_text

DIFFERS = ("number", "scope", "period", "method", "attribution")
DIFFERS_WORDS = {
    "number": "the number (the same thing, stated as different numbers)",
    "scope": "the scope (different things, people or places are counted)",
    "period": "the period (different stretches of time)",
    "method": "the method (different ways of estimating)",
    "attribution": "the attribution (the same figure credited to different sources)",
}
# The page holding the register of figures (same folder in the site): figure ids link there.


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
        keep &= ~c["book_uses"].map(blank)
    c = c[keep].copy()
    c["_kind"] = c["differs"].map({k: i for i, k in enumerate(DIFFERS)})
    return c.sort_values(["_kind", "_order"]).drop(columns=["_kind", "_order"])


def conflict_figures(ds: Dataset, conflict: pd.Series, meta: pd.DataFrame | None = None) -> pd.DataFrame:
    """The conflict's figures with display columns, in the order the conflict lists them."""
    meta = ds.figures_with_meta() if meta is None else meta
    figs = page.statements(meta.loc[split_list(conflict["figure_ids"])], ds.geographies)
    uses = "" if blank(conflict.get("book_uses")) else str(conflict["book_uses"])
    figs["book_uses"] = ["yes" if fid == uses else "" for fid in figs.index]
    figs["used"] = [("The book uses this figure" if fid == uses else "Another figure") if uses
                    else "Shown side by side" for fid in figs.index]
    # What is counted links to the figure's row in the register (its name says where to).
    figs["what_html"] = [f'<a href="{html_text(text.register_href(fid, r.period_end))}">'
                         f"{html_text(r.indicator_title)}</a>" + escape.small(html_text(r.where))
                         for fid, r in zip(figs.index, figs.itertuples(), strict=True)]
    figs["amount_html"] = [f"<strong>{html_text(r.amount)}</strong>" + escape.small(html_text(r.period_text))
                           for r in figs.itertuples()]
    figs["source_cell"] = [r.source_html + escape.small(html_text(r.source_quality)) for r in figs.itertuples()]
    return figs


def book_uses_text(conflict: pd.Series, figs: pd.DataFrame) -> str:
    """HTML: which figure the book uses, or that it shows them all side by side."""
    uses = conflict.get("book_uses")
    if blank(uses):
        return "none of them alone: where the topic comes up, the book shows them side by side."
    r = figs.loc[uses]
    return (f'{text.statement(r)} (<a href="{html_text(text.register_href(uses, r["period_end"]))}">its entry '
            "in the register of figures</a>).")


def conflict_body_html(conflict: pd.Series, figs: pd.DataFrame) -> str:
    """The explanation and the side-by-side table of one conflict, as HTML."""
    kind = str(conflict["differs"])
    paras = (
        f'<p><strong>What differs:</strong> {html_text(DIFFERS_WORDS.get(kind, kind))}. '
        f"<strong>Which the book uses:</strong> {book_uses_text(conflict, figs)}</p>"
        f'<p>{html_text(conflict["explanation"])}</p>'
    )
    table = page.html_table(
        figs.reset_index(),
        {"what_html": "What is counted (linked to its entry in the register), where",
         "amount_html": "Amount as stated, period",
         "source_cell": "Source (hover for the quote), kind of source", "book_uses": "Used by the book"},
        raw_html=("what_html", "amount_html", "source_cell"),
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
    divisor for the whole chart; `reading` and `reading_text` are the qualifier's reading
    and legend label (fraudbook.kit.qualifiers; unquantified figures are left out of the chart
    and stay in the table).
    """
    q = figs[figs["qualifier"] != "unquantified"].copy()
    if len(q) < 2 or q["unit"].nunique() != 1:
        return None
    if q["unit"].iloc[0] == "money" and q["currency"].nunique() != 1:
        return None
    factor = q["scale"].map(numbers.factor)
    raw = pd.concat([q["value"] * factor, q["low"] * factor, q["high"] * factor])
    div, word = _divisor(float(raw.max()))
    q["x"] = q["value"] * factor / div
    q["x_low"] = q["low"] * factor / div
    q["x_high"] = q["high"] * factor / div
    q["reading"] = q["qualifier"].map(qualifiers.reading)
    q["reading_text"] = q["qualifier"].map(qualifiers.reading_text)
    # A range without a stated mid-point is drawn as its bar only.
    # Two-line row labels: the period, then the source (with the amount where one source
    # gives two of the figures).
    dup = q["source_label"].duplicated(keep=False)
    q["label"] = [f"{r.period_text}|{r.source_label}" + (f" ({r.amount})" if d else "")
                  for r, d in zip(q.itertuples(), dup, strict=False)]
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
    """A dot plot of one conflict: one row per figure with the book's mark for its qualifier
    (on this horizontal axis a floor points right, a ceiling left, "about" is a diamond),
    ranges as bars from low to high, colour = whether the book uses the figure."""
    axis_title = data["axis_title"].iloc[0]
    order = list(data["label"])
    cols = ["label", "figure_id", "x", "x_low", "x_high", "reading", "reading_text",
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
               alt.Tooltip("reading_text:N", title="Reading")]
    base = alt.Chart(d)
    xmax = float(pd.concat([d["x"], d["x_high"]]).max())
    xscale = alt.Scale(domain=[0, xmax * 1.08], nice=False)
    x = alt.X("x:Q", title=axis_title, scale=xscale, axis=alt.Axis(format=",~r"))
    rng = base.transform_filter("datum.reading == 'range'").mark_rule(strokeWidth=6, opacity=0.55).encode(
        x=alt.X("x_low:Q", title=axis_title, scale=xscale, axis=alt.Axis(format=",~r")),
        x2="x_high:Q", y=y, color=colour, tooltip=tooltip)
    dots = base.transform_filter("isValid(datum.x)").mark_point(filled=True, size=140, opacity=1).encode(
        x=x, y=y, color=colour,
        shape=charts.qualifier_shape("reading_text", d.loc[d["x"].notna(), "reading"], axis="x"),
        tooltip=tooltip)
    described = "; ".join(f"{r.source_label}: {r.amount} {r.period_text}" for r in data.itertuples())
    subtitle = ["What differs: " + str(conflict["differs"]) + ". "
                "Triangles pointing right are floors ('more than', 'at least');",
                "pointing left, ceilings ('up to', 'nearly'); diamonds: 'about'; bars: ranges."]
    return (alt.layer(rng, dots)
            .properties(
                width=charts.WIDTH - 340, height=max(80, 44 * len(d)),
                title=alt.Title(str(conflict["topic"]), subtitle=subtitle),
                description=f"Dot plot comparing the figures of one disagreement, {conflict['topic']}: "
                            + described + "."))


def section_markdown(conflict_id: str, topic: str, prefix: str, figure: str | None = None) -> str:
    """The MyST of one conflict's section: label, heading, glued body, then `figure` (the block
    page.figure_block returns for the conflict's chart, or None where there is no chart)."""
    key = f"{prefix}-{conflict_id}"
    out = [f"(conflict-{conflict_id})=", f"### {escape.md(topic)}", "",
           f"```{{glue}} {key}-body", "```", ""]
    if figure:
        out += [figure, ""]
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
        out += [f"(conflict-{cid})=", f"### {escape.md(c['topic'])}", "",
                f"What differs: {escape.md(c['differs'])}. Not shown on this run.", ""]
    return "\n".join(out)


def summary_table(conflicts: pd.DataFrame, figs_by_conflict: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per conflict shown: linked topic, kind of difference, figures, book uses."""
    rows = []
    for cid, c in conflicts.iterrows():
        figs = figs_by_conflict[cid]
        uses = c.get("book_uses")
        rows.append({
            "topic_html": f'<a href="#conflict-{html_text(cid)}">{html_text(c["topic"])}</a>',
            "differs": c["differs"],
            "figures": "; ".join(f"{r.amount} ({r.source_label})" for r in figs.itertuples()),
            "uses": "side by side" if blank(uses)
            else f"{figs.loc[uses, 'amount']} ({figs.loc[uses, 'source_label']})",
        })
    return pd.DataFrame(rows, columns=["topic_html", "differs", "figures", "uses"])
