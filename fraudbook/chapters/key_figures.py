"""The landing page (key figures): the headline figures as tiles, the one sentence on why
the estimates among them differ, the newest source the book holds, and China's cases solved
per year.

Works on rows of `Dataset.figures_with_meta()` after `page.statements`. The chart draws only
full calendar-year counts, one bar per year: where several sources state a year's count, the
latest source's figure is drawn and the others stay in the data (and on the enforcement page).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..data.values import blank, date_bounds, split_list
from ..kit import charts, escape, names, reads, words
from ..kit.dates import when
from ..kit.page import FigureIdError

CASES = "cn_fraud_cases_solved"
CASES_COLUMNS = {"year": "Year", "amount": "Cases solved", "source_label": "Source"}


def headline(figs: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """The figures of the `headline` parameter, in its order; an unknown id stops the page."""
    unknown = [fid for fid in ids if fid not in figs.index]
    if unknown:
        raise FigureIdError(f"parameter 'headline': no figure {', '.join(unknown)} in the data")
    return figs.loc[list(ids)]


def tile_html(row: pd.Series, geographies: pd.DataFrame) -> str:
    """One headline figure as a tile (an <li>): what it counts, the number, its period and
    place, its source with the mark of its strength (a tap opens the sentence that states it:
    _static/fraudbook-sources.js), and a link to its row in the register, which prints every
    source's sentence. Everything from the row; text escaped."""
    what = escape.html_text(row["indicator_title"])
    where = names.names(row["geography"], geographies, " (one combined figure)")
    register = escape.html_text(words.register_href(str(row.name), row["period_end"]))
    return (f'<li class="fraudbook-tile">'
            f'<p class="fraudbook-tile-what">{what}</p>'
            f'<p class="fraudbook-tile-number">{escape.html_text(words.amount(row))}</p>'
            f'<p class="fraudbook-tile-when">{escape.html_text(words.period(row))}'
            f' · {escape.html_text(where)}</p>'
            f'<p class="fraudbook-tile-source">{words.source_link(row)}</p>'
            # The hidden words tell a screen reader's list of links which figure each is for.
            f'<p class="fraudbook-tile-register"><a href="{register}">Every source that states it'
            f'<span class="visually-hidden">: {what}</span></a></p></li>')


def tiles_html(top: pd.DataFrame, geographies: pd.DataFrame) -> str:
    """The headline figures as a list of tiles, in the order of the `headline` parameter."""
    reads.shown(top)
    items = "".join(tile_html(r, geographies) for _, r in top.iterrows())
    return f'<ul class="fraudbook-tiles" aria-label="Headline figures">{items}</ul>'


# What an estimate of money measures (data/indicators.csv `measures`), in words: the sentence
# says which money is which. Counts, shares and rates are not money, so it leaves them out.
MONEY_MEASURES = {"victim_losses": "what victims lost", "criminal_revenue": "what the criminals made",
                  "survey_extrapolation": "losses extrapolated from surveys"}
# Why two figures of a disagreement differ (data/conflicts.csv `differs`), in words; a
# disagreement on the number alone (two roundings, two readings) is not one of the estimates'.
DIFFERS_WORDS = {"scope": "count different things", "method": "were made in different ways",
                 "period": "cover different periods", "attribution": "are credited to different bodies"}


def differing(top: pd.DataFrame, conflicts: pd.DataFrame) -> pd.DataFrame:
    """The disagreements (data/conflicts.csv) between two or more headline figures whose
    estimates differ in more than their number, in the order of their first figure there."""
    order = {fid: i for i, fid in enumerate(top.index)}
    rows = []
    for cid, c in conflicts.iterrows():
        shown = [fid for fid in split_list(c["figure_ids"]) if fid in order]
        if len(shown) >= 2 and c["differs"] in DIFFERS_WORDS:
            rows.append({"conflict_id": cid, "topic": c["topic"], "differs": c["differs"],
                         "figures": sorted(shown, key=order.get), "first": min(order[f] for f in shown)})
    out = pd.DataFrame(rows, columns=["conflict_id", "topic", "differs", "figures", "first"])
    return out.sort_values("first", kind="stable").set_index("conflict_id")


def differ_sentence(top: pd.DataFrame, conflicts: pd.DataFrame) -> str:
    """The one sentence on why the headline's estimates differ, as Markdown holding HTML links
    to the disagreements page ('' when no two headline figures disagree): who made them, how
    they differ, and, when they measure different money, which is which. From the data."""
    found = differing(top, conflicts)
    if found.empty:
        return ""
    fids = [fid for fid in top.index if any(fid in f for f in found["figures"])]
    rows = top.loc[fids]
    bodies = {str(b) for b in rows["body"] if not blank(b)}
    n = len(rows)
    count = {2: "two", 3: "three", 4: "four"}.get(n, f"{n:,}")
    who = (f"{escape.md(next(iter(bodies)))}\u2019s {count} estimates" if len(bodies) == 1
           else f"These {count} estimates")
    reasons = names.join(list(dict.fromkeys(DIFFERS_WORDS[d] for d in found["differs"])))
    groups: dict[str, list[str]] = {}
    for _, r in rows.iterrows():
        if r["unit"] == "money" and r["measures"] in MONEY_MEASURES:
            groups.setdefault(MONEY_MEASURES[r["measures"]], []).append(
                f"**{escape.md(words.amount(r))}** {escape.md(words.period(r))}")
    which = ""
    if len(groups) >= 2:  # which money is which, only where they measure different money
        parts = [f"{names.join(amounts)} {'are' if len(amounts) > 1 else 'is'} {what}"
                 for what, amounts in groups.items()]
        which = ": " + "; ".join(parts) + ", so they are never added together"
    links = names.join(f'<a href="{words.DISAGREEMENTS_PAGE}#conflict-{escape.html_text(cid)}">'
                       f"{escape.md(c['topic'])}</a>" for cid, c in found.iterrows())
    return f"{who} above differ because they {reasons}{which} (see {links})."


def newest_source(ds) -> pd.Series | None:
    """The newest source that states a figure or an event of the book (by its publication
    date, a day before a month that holds it), or None when none is dated. Reference datasets
    that only place things on the map (a gazetteer) state no figure, so they are not counted."""
    cited = ds.sources.loc[ds.sources.index.isin(set(ds.citations["source_id"]))]
    dated = cited[[not blank(d) for d in cited["date_published"]]]
    if dated.empty:
        return None
    key = [(date_bounds(str(d))[0], len(str(d))) for d in dated["date_published"]]
    return dated.iloc[max(range(len(key)), key=key.__getitem__)]


def newest_sentence(ds) -> str:
    """'The book's figures and events rest on 188 sources; the newest was published on 13 Apr
    2026 (ChainCatcher).' as Markdown ('' when no source is dated)."""
    row = newest_source(ds)
    if row is None:
        return ""
    n = int(ds.sources.index.isin(set(ds.citations["source_id"])).sum())
    d = str(row["date_published"])
    on = "on " if len(d) == 10 else "in "
    return (f"The book\u2019s figures and events rest on {n:,} sources; the newest was published {on}"
            f'<time datetime="{escape.html_text(d)}">{escape.html_text(when(d))}</time> '
            f"({escape.md(row['publisher'])}).")


def searched_sentence(ds, edition: str) -> str:
    """'For this edition (2026.12) the sources were searched up to 3 Dec 2026; what was looked
    for and not found is listed at the end of this page.' ('' when the edition records no
    search). Markdown."""
    from ..data.freshness import searched_to

    day = searched_to(ds, edition)
    if not day:
        return ""
    missed = len(not_found(ds, edition))
    tail = ("; what was looked for and not found is listed at the end of this page" if missed
            else "")
    return (f"For this edition ({escape.md(edition)}) the sources were searched up to "
            f'<time datetime="{escape.html_text(day)}">{escape.html_text(when(day))}</time>{tail}.')


def not_found(ds, edition: str) -> pd.DataFrame:
    """The searches of `edition` that found nothing that could be quoted, with a date in words."""
    s = ds.searches.reset_index()
    out = s[(s["edition"] == edition) & (s["outcome"] == "not_found")].copy()
    out["when"] = [when(d) for d in out["searched"]]
    return out.sort_values(["searched", "search_id"], kind="stable")


NOT_FOUND_COLUMNS = {"topic": "Looked for", "when": "Searched", "where": "Where", "note": "What came closest"}


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
    # Figures that rest on one source for one reason share an item: the reason once.
    items = []
    for why, rows in notes.groupby("why", sort=False):
        figs = "; ".join(f"<strong>{escape.html_text(r['label'])}</strong> ({words.source_link(r)})"
                         for _, r in rows.iterrows())
        items.append(f"<li>{figs}. {escape.html_text(why)}</li>")
    return f'<ul class="fraudbook-why">{"".join(items)}</ul>'


def why_sentence(n_all: int, n_why: int) -> str:
    """The sentence before the list of reasons, true for any count."""
    if n_why == 0:
        return (f"Each of the {n_all:,} headline figures is taken from the issuing body's own "
                "text, a verbatim copy of it or a news agency's text, with its web address.")
    verb = "rests" if n_why == 1 else "rest"
    return (f"Of the {n_all:,} headline figures, {n_why:,} {verb} on a newspaper's report, a copy "
            "or summary, or a page without a web address, because no stronger source stating "
            f"{'it' if n_why == 1 else 'them'} was found:")
