"""The page helpers every notebook calls: the one preamble, glued prose, strict figure
sentences, the one figure block and tables.

A template starts with `from fraudbook.kit import page` and `ds = page.setup()`.
- Prose numbers: `say = page.sentences(selection, everything)` then
  `say("key", "The ministry counted {cases}.", cases="CN-2022-CASES")`, placed with
  {glue:md}`key`. An unknown figure id stops the build, naming it and the ids nearby.
- Figures: `page.figure("key", chart, caption=..., sources=rows, data=rows, columns=...)`,
  placed by a Markdown cell holding only `{{ fig-key }}`: the numbered figure with its
  caption and source line, then its data as a folded table with a CSV download.
"""

from __future__ import annotations

import difflib
import os

import pandas as pd
from IPython.display import HTML, Markdown

from ..data.load import Dataset, load
from ..data.package import FORMULA_START, csv_safe, number_text  # noqa: F401 (the kit's names)
from ..data.values import blank
from ..errors import FraudbookError
from ..paths import NARROWED_ENV
from . import charts, reads, tables, words
from .escape import html_text

# Set by the build for a run whose parameters differ from the template's defaults: only then
# may a sentence's figure be left out by the page's selection (fraudbook.pipeline.execute).


class FigureIdError(FraudbookError, KeyError):
    """A page names a figure id the data does not hold, or one its selection dropped."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


def setup() -> Dataset:
    """Validated data, the book's chart theme and renderer (call once, at the top)."""
    charts.enable()
    return reads.track(load())


def book_title() -> str:
    """The book's title (from _config.yml), recorded as read: a page that prints it executes
    again when it changes."""
    from ..data import claims

    reads.config("title")
    return claims.book_title()


VARS_MIME = "application/vnd.fraudbook.vars+json"


def set_vars(**values: str) -> None:
    """Values for `{{ name }}` placeholders in the template's Markdown cells (e.g. headings).

    Headings cannot come from display(Markdown()) or glue, so the runner fills the
    placeholders after execution and hides this cell's output from the page.
    """
    from IPython.display import display

    display({VARS_MIME: {k: str(v) for k, v in values.items()}}, raw=True)


def _glue(name: str, obj) -> None:
    from myst_nb import glue

    glue(name, obj, display=False)


def glue_md(name: str, markdown: str) -> None:
    """Glue a Markdown snippet for {glue:md}`name` (numbers in prose come from the data)."""
    _glue(name, Markdown(markdown))


def glue_statement(name: str, row: pd.Series) -> None:
    """Glue 'more than USD 5.6 billion in 2023 (DW, 21 Apr 2025)' with the source linked."""
    reads.shown(row)
    _glue(name, Markdown(words.statement(row)))


def _near(fid: str, known) -> str:
    close = difflib.get_close_matches(fid, list(known), n=4, cutoff=0.5)
    return f"; ids nearby: {', '.join(close)}" if close else ""


def sentences(selection: pd.DataFrame, everything: pd.DataFrame | None = None):
    """A `say(key, template, **ids)` that glues `template` with each {name} replaced by the
    statement (amount, period, linked source) of figure ids[name].

    An id absent from the data stops the page with FigureIdError. An id in the data but not
    in `selection` (the figures the page's parameters keep) is left out silently only on a
    run whose parameters narrow the page; on a default run it stops the page too, since the
    prose was written for those figures.
    """
    everything = selection if everything is None else everything
    narrowed = os.environ.get(NARROWED_ENV) == "1"

    def say(key: str, template: str, **ids: str) -> str:
        for name, fid in ids.items():
            if fid not in everything.index:
                raise FigureIdError(f"sentence '{key}': no figure '{fid}' in the data (for "
                                    f"{{{name}}}){_near(fid, everything.index)}")
        dropped = [fid for fid in ids.values() if fid not in selection.index]
        reads.figures([fid for fid in ids.values() if fid not in dropped])
        if dropped and not narrowed:
            raise FigureIdError(f"sentence '{key}': figure(s) {', '.join(dropped)} are not in "
                                "this page's selection with its default parameters")
        out = "" if dropped else template.format(
            **{k: words.statement(selection.loc[fid]) for k, fid in ids.items()})
        glue_md(key, out)
        return out

    return say


def newest(figs: pd.DataFrame, indicators, period: str | None = None) -> str:
    """The id of the newest figure of `indicators` (by the end of its period, then the day
    its source was published): what a sentence about "the latest year" must cite."""
    from ..data.values import date_bounds

    rows = figs[figs["indicator"].isin(list(indicators))]
    if period:
        rows = rows[rows["period"] == period]
    if rows.empty:
        raise FigureIdError(f"no figure of {', '.join(indicators)} in the data")
    key = [(date_bounds(str(r["period_end"]))[1], str(r.get("date_published", "") or ""), fid)
           for fid, r in rows.iterrows()]
    return max(key)[2]


def claim_newest(key: str, fid: str, figs: pd.DataFrame, indicators, period: str | None = None) -> None:
    """Stop the page when a sentence written about figure `fid` as the newest of its kind
    ("the latest edition …") is no longer true of the data: the sentence must be rewritten."""
    latest = newest(figs, indicators, period)
    if latest != fid:
        raise FigureIdError(f"sentence '{key}' describes figure {fid} as the newest of its kind, "
                            f"but the data now holds a newer one ({latest}): rewrite the sentence")


def figure(key: str, chart, *, caption: str, sources: pd.DataFrame,
           data: pd.DataFrame | None = None, columns: dict[str, str] | None = None,
           data_title: str = "The data in the chart above") -> None:
    """The one figure block: a numbered figure (chart, caption, generated source line) and
    the data it draws as a folded table with a CSV download named after the figure.

    `caption` is Markdown written by the chapter (it may hold {glue:md} roles); the source
    line is generated from `sources` (rows with publisher and date). Place it with a
    Markdown cell holding only `{{ fig-KEY }}`.
    """
    set_vars(**{f"fig-{key}": figure_block(key, chart, caption=caption, sources=sources,
                                          data=data, columns=columns, data_title=data_title)})


def figure_block(key: str, chart, *, caption: str, sources: pd.DataFrame,
                 data: pd.DataFrame | None = None, columns: dict[str, str] | None = None,
                 data_title: str = "The data in the chart above") -> str:
    """`figure` without placing it: glues the parts and returns the MyST block, for pages
    whose figure labels depend on a parameter (a country page) or whose sections are made
    per row of the data (the disagreements); they place it in a `set_vars` value of their own."""
    reads.shown(sources)
    charts.check_key(key)
    ids = _figure_ids(data) if data is not None else None
    reads.chart(key, figures=sorted({i for i in ids or [] if isinstance(i, str)}),
                sources=list(dict.fromkeys(words.source_label(r) for _, r in sources.iterrows())))
    glue_chart(key, charts.keyed(chart, key))
    glue_md(f"{key}-sources", charts.source_line(sources))
    block = [f"```{{glue:figure}} {key}", f":name: fig-{key}", "",
             f"{caption.strip()} {{glue:md}}`{key}-sources`", "```"]
    if data is not None and columns:
        table = chart_data(data, columns, data_title, f"{key}.csv")
        reads.chart(key, csv=table.csv)   # the build writes it beside the page, and bundles it
        _glue(f"{key}-data", table)
        block += ["", f"```{{glue}} {key}-data", "```"]
    return "\n".join(block)


def glue_chart(name: str, chart) -> None:
    """Glue a chart for a numbered {glue:figure}."""
    _glue(name, chart)


def table(df: pd.DataFrame, columns: dict[str, str], numeric: tuple[str, ...] = (),
          raw_html: tuple[str, ...] = (), caption: str | None = None, row_id=None,
          css: str = "fraudbook-table", wide: bool = False, row_attrs=None) -> HTML:
    """An HTML table of `df` (fraudbook.kit.tables: readable at any width), escaped cells;
    `columns` maps column -> header.

    Cells in `raw_html` are already-safe HTML built by fraudbook.kit.words (links); every other
    cell is escaped, so markup in the data shows as text. `row_id(row) -> str` gives each
    row an HTML id, so that other pages can link to it; `row_attrs(row) -> dict` its data-
    attributes.
    """
    reads.shown(df)
    return HTML(tables.frame_table(df, columns, numeric=numeric, raw_html=raw_html, caption=caption,
                                   row_id=row_id, row_attrs=row_attrs, css=css, wide=wide))


# Where a page's chart downloads are, relative to the page.
DOWNLOADS_DIR = "downloads"


class ChartData(HTML):
    """The folded table and download link of a chart (HTML), and the CSV itself (`csv`),
    which figure_block puts in the page's record of its charts (fraudbook.kit.reads); the
    build writes it as a file beside the page (fraudbook.pipeline.release)."""

    def __init__(self, html: str, path: str, csv_text: str):
        super().__init__(html)
        self.path, self.csv = path, csv_text


def _figure_ids(df: pd.DataFrame) -> list | None:
    """The figure each row draws: from a `figure_id` column or index, or a `figure_ids`
    column holding one id (a row that combines several figures gets None)."""
    if "figure_id" in df.columns:
        return list(df["figure_id"])
    if df.index.name == "figure_id":
        return list(df.index)
    if "figure_ids" in df.columns:
        from ..data.values import split_list

        return [ids[0] if len(ids) == 1 else None
                for ids in (split_list(v) for v in df["figure_ids"])]
    return None


def download_frame(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The rows a chart draws as its CSV gives them: the chart's columns, and where the rows
    carry figure ids, each figure's numbers as numbers (scale applied), its unit, currency,
    qualifier and the web address of its primary source, in columns of their own."""
    out = df[list(columns)].rename(columns=columns).reset_index(drop=True)
    ids = _figure_ids(df)
    if ids is None:
        return out
    from ..data.numbers import scaled

    ds = load()
    figs, urls = ds.figures, ds.sources["url"]
    extra: dict[str, list] = {k: [] for k in ("Value", "Low", "High", "Unit", "Currency",
                                              "Qualifier", "Source URL")}
    for fid in ids:
        r = figs.loc[fid] if isinstance(fid, str) and fid in figs.index else None
        if r is None:
            for v in extra.values():
                v.append(None)
            continue
        for col, name in (("value", "Value"), ("low", "Low"), ("high", "High")):
            extra[name].append(None if blank(r[col]) else scaled(r[col], r["scale"]))
        extra["Unit"].append(r["unit"])
        extra["Currency"].append(None if blank(r["currency"]) else r["currency"])
        extra["Qualifier"].append(QUALIFIER_NAMES.get(r["qualifier"], r["qualifier"]))
        url = urls.get(r["source_id"]) if not blank(r["source_id"]) else None
        extra["Source URL"].append(None if blank(url) else url)
    for name, values in extra.items():
        if name not in out.columns:
            out[name] = values
    return out


# How a download names a qualifier (data/figures.csv `qualifier`).
QUALIFIER_NAMES = {"exact": "exact", "about": "about", "at_least": "at least",
                   "more_than": "more than", "up_to": "up to", "just_under": "just under",
                   "nearly": "nearly", "range": "range", "unquantified": "in words"}


def chart_data(df: pd.DataFrame, columns: dict[str, str], title: str, filename: str) -> ChartData:
    """The data a chart draws, as a folded table and a link to its CSV beside the page.

    Place it right after the chart's {glue:figure}: readers and screen readers get the
    numbers, and the CSV (written by the build into downloads/ next to the page, named after
    the chart) holds exactly the rows the chart draws (never more), formula-like text
    neutralised.
    """
    frame = csv_safe(download_frame(df, columns))
    csv_text = frame.to_csv(index=False, float_format=lambda v: number_text(v))
    path = f"{DOWNLOADS_DIR}/{filename}"
    inner = table(df, columns).data
    html = (f'<details class="fraudbook-chart-data"><summary>{html_text(title)}</summary>'
            f'{inner}<p><a download="{html_text(filename)}" href="{html_text(path)}">'
            f"Download these data (CSV)</a></p></details>")
    return ChartData(html, path, csv_text)


def html_table(df: pd.DataFrame, columns: dict[str, str], **kw) -> str:
    """`table` as an HTML string, full width (for tables built into a larger HTML block or
    placed in Markdown)."""
    return table(df, columns, wide=True, **kw).data


def statements(df: pd.DataFrame, geographies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add display columns to figures joined with metadata: amount, period, source link."""
    out = df.copy()
    out["amount"] = [words.amount(r) for _, r in out.iterrows()]
    out["period_text"] = [words.period(r) for _, r in out.iterrows()]
    out["source_html"] = [words.source_link(r) for _, r in out.iterrows()]
    out["source_label"] = [words.source_label(r) for _, r in out.iterrows()]
    if geographies is not None:
        from .names import names

        out["where"] = [names(g, geographies, " (one combined figure)") for g in out["geography"]]
        out["source_quality"] = [words.source_kind_text(r) for _, r in out.iterrows()]
    return out
