"""The chapter "Every figure": the register of every figure in the data, in two parts by the
year the figure's period ends (fraudbook.kit.words.REGISTER_PARTS; the template's `part`),
a row each (`#figure-<FIGURE_ID>`) with a readable label that is the figure's permalink (its
row on the page of its indicator, fraudbook.kit.words.indicator_href; the id is never
shown), its amount, period and place, every citation (primary first) with its strength
mark and the sentence that states the figure, the disagreements and corrections it takes
part in, and a one-line citation to copy. The filter menus (_static/fraudbook-register.js,
which the build loads on the pages that hold them) narrow it by country, what is counted, kind of source and year;
without script the full table shows.

Its own page, apart from Data and methods, so that neither is heavy on a phone. Nothing here
computes a new figure.
"""

from __future__ import annotations

import pandas as pd

from ..data import claims
from ..data.load import Dataset
from ..data.values import split_list
from ..kit import escape, evidence, names, page
from ..kit import words as text
from ..kit.escape import html_text

TABLE_ID = "fraudbook-register"
PARTS = tuple(text.REGISTER_PARTS)


def in_part(meta: pd.DataFrame, part: str) -> pd.DataFrame:
    """The figures whose rows are on one part of the register."""
    if part not in text.REGISTER_PARTS:
        raise ValueError(f"part: '{part}' is not one of {', '.join(text.REGISTER_PARTS)}")
    return meta[[text.register_part(e) == part for e in meta["period_end"]]]


def register(ds: Dataset, meta: pd.DataFrame | None = None, show_quotes: bool = True,
             book: str = "", accessed: str = "") -> pd.DataFrame:
    """Every figure with display columns: a readable label (no id) linking to its own row,
    its citations, the disagreements and corrections it takes part in, a one-line citation
    to copy, and the values the register's filters read (country, indicator, kind of source,
    year)."""
    meta = ds.figures_with_meta() if meta is None else meta
    r = page.statements(meta, ds.geographies)
    conflicts, changes = evidence.conflict_links(ds), evidence.change_links(ds)
    r["conflicts_html"] = [", ".join(conflicts.get(fid, [])) for fid in r.index]
    r["changes_html"] = [", ".join(changes.get(fid, [])) for fid in r.index]
    r = r.reset_index()
    ed = claims.edition()
    r["label"] = [text.figure_label(x) for _, x in r.iterrows()]
    # The label is the figure's permalink: its row on the page of its indicator (this row
    # keeps its own id, so links to it stay valid).
    r["figure_html"] = [
        f'<a href="{html_text(text.indicator_href(x["indicator"], x["figure_id"]))}">'
        f"<strong>{html_text(x['indicator_title'])}</strong></a>: {html_text(x['amount'])}"
        + escape.small(html_text(f"{x['period_text']}; {x['where']}"))
        for _, x in r.iterrows()]
    r["citations_html"] = [evidence.citations_html(ds, fid, show_quotes) for fid in r["figure_id"]]
    r["source_cell"] = [x.citations_html
                        + (escape.small("Disagreements: " + x.conflicts_html) if x.conflicts_html else "")
                        + (escape.small("Changes: " + x.changes_html) if x.changes_html else "")
                        for x in r.itertuples()]
    r["cite_text"] = [text.cite_line(x, book, ed, accessed) for _, x in r.iterrows()]
    r["cite_html"] = [cite_html(t, accessed) for t in r["cite_text"]]
    # What the filters read: names (not codes), titles, kinds in words, years.
    r["f_country"] = ["|".join(names.name(c, ds.geographies) for c in split_list(g))
                      for g in r["geography"]]
    r["f_indicator"] = r["indicator_title"]
    r["f_kind"] = [text.kind_words(k) for k in r["source_kind"]]
    r["f_year"] = [str(e)[:4] for e in r["period_end"]]
    return r


def cite_html(cite_text: str, accessed: str) -> str:
    """The one-line citation, folded under 'Cite'; its access date in a span that
    _static/fraudbook-register.js sets to the reader's day (the edition's day without script)."""
    safe = escape.breakable_urls(cite_text)
    tail = html_text(f"accessed {accessed}.")
    if accessed and safe.endswith(tail):
        safe = (safe[: -len(tail)] + f'accessed <span class="fraudbook-accessed">'
                f"{html_text(accessed)}</span>.")
    return f'<details class="fraudbook-cite"><summary>Cite</summary><p>{safe}</p></details>'


FILTERS = (("f_country", "Country or area"), ("f_indicator", "What is counted"),
           ("f_kind", "Kind of source"), ("f_year", "Year (end of period)"))


def filter_options(reg: pd.DataFrame, col: str) -> list[str]:
    """The values a filter menu offers, in its order (years newest first)."""
    return sorted({v for cell in reg[col] for v in str(cell).split("|") if v},
                  reverse=col == "f_year")


def _codes(reg: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Each filter's values as short codes (their place in the menu): a row carries the
    code, not the words, so that 232 rows do not repeat long titles."""
    return {col: {v: str(i) for i, v in enumerate(filter_options(reg, col))} for col, _ in FILTERS}


def filter_form(reg: pd.DataFrame, table_id: str = TABLE_ID) -> str:
    """The register's filter: one menu per filter, its options from the data. Shown from the
    first paint when script runs (_static/fraudbook-register.js drives it), so the table below
    never moves; without script the theme's <noscript> rule hides it (class pst-js-only) and
    the full table shows. The count is written now, as the script words it, for the same
    reason."""
    codes = _codes(reg)
    parts = []
    for col, label in FILTERS:
        opts = "".join(f'<option value="{codes[col][v]}">{html_text(v)}</option>'
                       for v in filter_options(reg, col))
        parts.append(f'<label>{html_text(label)} <select data-filter="{col[2:]}">'
                     f'<option value="">All</option>{opts}</select></label>')
    return (f'<form class="fraudbook-register-filter pst-js-only" data-table="{html_text(table_id)}">'
            + " ".join(parts) + f' <output aria-live="polite">{shown_sentence(len(reg), len(reg))}</output></form>')


def shown_sentence(shown: int, total: int) -> str:
    """The filter's count, worded as _static/fraudbook-register.js words it."""
    return f"{shown} of {total} figures shown"


def filter_values(reg: pd.DataFrame):
    """A row's filter codes as data- attributes (what _static/fraudbook-register.js reads)."""
    codes = _codes(reg)

    def attrs(x: pd.Series) -> dict[str, str]:
        return {f"data-{col[2:]}": "|".join(codes[col][v] for v in str(x[col]).split("|") if v)
                for col, _ in FILTERS}

    return attrs


def other_parts(part: str) -> list[tuple[str, str]]:
    """(page, words) of the register's other parts."""
    return [v for k, v in text.REGISTER_PARTS.items() if k != part]


def part_sentence(part: str, n: int) -> str:
    """'This part holds the 104 figures for periods ending in 2025 or later; those for
    periods ending before 2025 are in the other part.' (HTML, for the page's prose)."""
    others = "; ".join(f'those for {html_text(words)} are in <a href="{page_}">the other part</a>'
                       for page_, words in other_parts(part))
    return (f"This part holds the {n:,} figures for {html_text(text.REGISTER_PARTS[part][1])}"
            + (f"; {others}." if others else "."))


def register_html(reg: pd.DataFrame, part: str = "recent") -> str:
    """The filter menus and the register's table, as one HTML block. The table names the
    other parts, where _static/fraudbook-register.js sends a link to a row not on this one."""
    cols = {"figure_html": "Figure, period and place", "source_cell": "Sources (primary first)",
            "cite_html": "Cite"}
    table = page.html_table(reg, cols, raw_html=tuple(cols), row_id=lambda r: f"figure-{r['figure_id']}",
                            row_attrs=filter_values(reg), caption=f"The register of figures for {text.REGISTER_PARTS[part][1]}")
    # Only the newest part forwards a missing row (the other parts never send it back).
    other = " ".join(p for p, _ in other_parts(part)) if part == PARTS[0] else ""
    return (filter_form(reg) + f'<div id="{TABLE_ID}" data-other="{html_text(other)}">'
            + table + "</div>")
