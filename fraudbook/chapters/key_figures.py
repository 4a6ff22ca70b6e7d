"""The landing page (key figures): the headline table and China's cases solved per year.

Works on rows of `Dataset.figures_with_meta()` after `page.statements`. The chart draws only
full calendar-year counts, one bar per year: where several sources state a year's count, the
latest source's figure is drawn and the others stay in the data (and on the enforcement page).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..data.load import blank
from ..kit import charts, escape, words
from ..kit.page import FigureIdError

CASES = "cn_fraud_cases_solved"
CASES_COLUMNS = {"year": "Year", "amount": "Cases solved", "source_label": "Source"}


def headline(figs: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """The figures of the `headline` parameter, in its order; an unknown id stops the page."""
    unknown = [fid for fid in ids if fid not in figs.index]
    if unknown:
        raise FigureIdError(f"parameter 'headline': no figure {', '.join(unknown)} in the data")
    return figs.loc[list(ids)]


def cases_by_year(figs: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar year with a full-year count of cases solved: the latest source's."""
    cases = figs[(figs["indicator"] == CASES) & (figs["period"] == "annual")
                 & (figs["period_start"] == figs["period_end"])].copy()
    cases["year"] = cases["period_start"].str[:4]
    cases = cases.sort_values(["year", "date_published"], kind="stable")
    return cases.drop_duplicates("year", keep="last")


def cases_chart(cases: pd.DataFrame) -> alt.Chart:
    """Bars of cases solved per calendar year, the figure and its source in the tooltip."""
    return (
        alt.Chart(cases[["year", "value", "amount", "source_label"]])
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Calendar year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="Cases solved", axis=charts.number_axis()),
            tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("amount:N", title="Figure"),
                     alt.Tooltip("source_label:N", title="Source")],
        )
        .properties(
            title=alt.Title("Telecom and online fraud cases solved in China",
                            subtitle="Full calendar years only; years without a full-year figure "
                                     "are left out"),
            description="Bar chart of fraud cases solved by China's police per calendar year: "
            + "; ".join(f"{r.year}: {r.amount}" for r in cases.itertuples()),
        )
    )


# Kinds of primary source a headline figure may rest on without a word of explanation: the
# issuing body's own text, a verbatim copy of it, or a news agency's text.
STRONG_KINDS = ("official", "research", "reproduction", "wire")


def why_source(row: pd.Series, labels: dict[str, str] | None = None) -> str:
    """Why a figure rests on the source it does, in plain words from the data ('' when its
    primary source is the body's own text, a verbatim copy or a wire with a web address)."""
    kind = str(row["source_kind"])
    no_url = blank(row.get("source_url"))
    if kind in STRONG_KINDS and not no_url:
        return ""
    body = "" if blank(row.get("body")) else str(row["body"])
    carries = "" if blank(row.get("original")) else f", carrying {row['original']}"
    taken = f"{KIND_PHRASE.get(kind, kind)} ({row['publisher']}{carries})"
    if kind in STRONG_KINDS:
        lead = f"The figure is taken from {taken}."
    elif body:
        the = "" if "'s " in body else "the "
        lead = f"No text from {the}{body} itself was found; the figure is taken from {taken}."
    else:
        lead = f"The figure is taken from {taken}; no stronger source stating it was found."
    if no_url:
        lead += " No web address of that page is known."
    note = words.without_ids(row.get("source_note"), labels or {})
    note = " " + " ".join(note.split()) if note else ""
    return lead + note


KIND_PHRASE = {
    "newspaper": "a newspaper's or news site's own report",
    "republication": "a copy or summary of someone else's report",
    "wire": "a news agency's text", "reproduction": "a verbatim copy of the body's text",
    "official": "the body's own page", "research": "the body's own page", "dataset": "a dataset",
}


def why_notes(figs: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The headline figures that need a word on their source, each with the reason (`labels`:
    words.id_labels, so that an id in a source's note reaches readers as a name)."""
    out = figs.copy()
    out["why"] = [why_source(r, labels) for _, r in out.iterrows()]
    out = out[out["why"] != ""]
    out["label"] = [f"{r['indicator_title']}: {r['amount']}" for _, r in out.iterrows()]
    return out


def why_html(notes: pd.DataFrame) -> str:
    """The reasons as an HTML list (escaped), or '' when every figure rests on a strong source."""
    if notes.empty:
        return ""
    items = "".join(f"<li><strong>{escape.html_text(r['label'])}</strong> "
                    f"({words.source_link(r)}). {escape.html_text(r['why'])}</li>"
                    for _, r in notes.iterrows())
    return f'<ul class="fraudbook-why">{items}</ul>'


def why_sentence(n_all: int, n_why: int) -> str:
    """The sentence before the list of reasons, true for any count."""
    if n_why == 0:
        return (f"Each of the {n_all:,} headline figures is taken from the issuing body's own "
                "text, a verbatim copy of it or a news agency's text, with its web address.")
    verb = "rests" if n_why == 1 else "rest"
    return (f"Of the {n_all:,} headline figures, {n_why:,} {verb} on a newspaper's report, a copy "
            "or summary, or a page without a web address, because no stronger source stating "
            f"{'it' if n_why == 1 else 'them'} was found:")
