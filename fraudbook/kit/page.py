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
import urllib.parse

import pandas as pd
from IPython.display import HTML, Markdown

from ..data.load import Dataset, blank, load
from . import charts, reads, words
from .escape import html_text

# Set by the build for a run whose parameters differ from the template's defaults: only then
# may a sentence's figure be left out by the page's selection (fraudbook.build.execute).
NARROWED_ENV = "FRAUDBOOK_NARROWED"


class FigureIdError(KeyError):
    """A page names a figure id the data does not hold, or one its selection dropped."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


def setup() -> Dataset:
    """Validated data, the book's chart theme and renderer (call once, at the top)."""
    charts.enable()
    return reads.track(load())


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
    glue_chart(key, chart)
    glue_md(f"{key}-sources", charts.source_line(sources))
    block = [f"```{{glue:figure}} {key}", f":name: fig-{key}", "",
             f"{caption.strip()} {{glue:md}}`{key}-sources`", "```"]
    if data is not None and columns:
        _glue(f"{key}-data", chart_data(data, columns, data_title, f"{key}.csv"))
        block += ["", f"```{{glue}} {key}-data", "```"]
    return "\n".join(block)


def glue_chart(name: str, chart) -> None:
    """Glue a chart for a numbered {glue:figure}."""
    _glue(name, chart)


def table(df: pd.DataFrame, columns: dict[str, str], numeric: tuple[str, ...] = (),
          raw_html: tuple[str, ...] = (), caption: str | None = None, row_id=None,
          css: str = "fraudbook-table", wide: bool = False) -> HTML:
    """An HTML table of `df` with escaped cells; `columns` maps column -> header.

    Cells in `raw_html` are already-safe HTML built by fraudbook.text (links); every other
    cell is escaped, so markup in the data shows as text. `row_id(row) -> str` gives each
    row an HTML id, so that other pages can link to it.
    """
    reads.shown(df)
    head = "".join(f'<th scope="col">{html_text(h)}</th>' for h in columns.values())
    body = []
    for _, row in df.iterrows():
        cells = []
        for col in columns:
            v = row[col]
            v = "" if blank(v) else v
            content = str(v) if col in raw_html else html_text(v)
            cls = ' class="num"' if col in numeric else ""
            cells.append(f"<td{cls}>{content}</td>")
        rid = f' id="{html_text(row_id(row))}"' if row_id else ""
        body.append(f"<tr{rid}>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html_text(caption)}</caption>" if caption else ""
    css = f"{css} fraudbook-wide" if wide else css
    return HTML(f'<table class="{html_text(css)}">{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")


def chart_data(df: pd.DataFrame, columns: dict[str, str], title: str, filename: str) -> HTML:
    """The data a chart draws, as a folded table and a CSV download (works offline).

    Place it right after the chart's {glue:figure}: readers and screen readers get the
    numbers, and the CSV holds exactly the rows the chart draws (never more).
    """
    csv_text = csv_safe(df[list(columns)].rename(columns=columns)).to_csv(index=False)
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(csv_text)
    inner = table(df, columns).data
    return HTML(f'<details class="fraudbook-chart-data"><summary>{html_text(title)}</summary>'
                f'{inner}<p><a download="{html_text(filename)}" href="{href}">'
                f"Download these data (CSV)</a></p></details>")


def html_table(df: pd.DataFrame, columns: dict[str, str], **kw) -> str:
    """`table` as an HTML string, full width (for tables built into a larger HTML block)."""
    return table(df, columns, wide=True, **kw).data


# A cell a spreadsheet would run as a formula starts with one of these (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would execute get a leading apostrophe; numbers stay."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [("'" + v) if isinstance(v, str) and v.startswith(FORMULA_START) else v
                        for v in out[col]]
    return out


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
