"""The shared preamble of every notebook: load the data, set the chart theme, glue results.

A template starts with `from fraudbook import page` and `ds = page.setup()`; prose numbers
are glued with `page.glue_md(...)` and placed with {glue:md}`name`; charts are glued with
`page.glue_chart(...)` and placed as numbered figures with `{glue:figure}`.
"""

from __future__ import annotations

import html
import urllib.parse

import pandas as pd
from IPython.display import HTML, Markdown

from . import charts, text
from .load import Dataset, load


def setup() -> Dataset:
    """Validated data, the book's chart theme and renderer (call once, at the top)."""
    charts.enable()
    return load()


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
    _glue(name, Markdown(text.statement(row)))


def glue_chart(name: str, chart) -> None:
    """Glue a chart for a numbered {glue:figure}."""
    _glue(name, chart)


def table(df: pd.DataFrame, columns: dict[str, str], numeric: tuple[str, ...] = (),
          raw_html: tuple[str, ...] = (), caption: str | None = None, row_id=None,
          css: str = "fraudbook-table") -> HTML:
    """An HTML table of `df` with escaped cells; `columns` maps column -> header.

    Cells in `raw_html` are already-safe HTML built by fraudbook.text (links); every other
    cell is escaped, so markup in the data shows as text. `row_id(row) -> str` gives each
    row an HTML id, so that other pages can link to it.
    """
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in columns.values())
    body = []
    for _, row in df.iterrows():
        cells = []
        for col in columns:
            v = row[col]
            v = "" if v is None or (isinstance(v, float) and pd.isna(v)) else v
            content = str(v) if col in raw_html else html.escape(str(v))
            cls = ' class="num"' if col in numeric else ""
            cells.append(f"<td{cls}>{content}</td>")
        rid = f' id="{html.escape(row_id(row), quote=True)}"' if row_id else ""
        body.append(f"<tr{rid}>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return HTML(f'<table class="{html.escape(css, quote=True)}">{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")


def chart_data(df: pd.DataFrame, columns: dict[str, str], title: str, filename: str) -> HTML:
    """The data a chart draws, as a folded table and a CSV download (works offline).

    Place it right after the chart's {glue:figure}: readers and screen readers get the
    numbers, and the CSV holds exactly the rows the chart draws (never more).
    """
    csv_text = df[list(columns)].rename(columns=columns).to_csv(index=False)
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(csv_text)
    inner = table(df, columns).data
    return HTML(f'<details class="fraudbook-chart-data"><summary>{html.escape(title)}</summary>'
                f'{inner}<p><a download="{html.escape(filename, quote=True)}" href="{href}">'
                f"Download these data (CSV)</a></p></details>")


def statements(df: pd.DataFrame) -> pd.DataFrame:
    """Add display columns to figures joined with metadata: amount, period, source link."""
    out = df.copy()
    out["amount"] = [text.amount(r) for _, r in out.iterrows()]
    out["period_text"] = [text.period(r) for _, r in out.iterrows()]
    out["source_html"] = [text.source_link(r) for _, r in out.iterrows()]
    out["source_label"] = [text.source_label(r) for _, r in out.iterrows()]
    return out
