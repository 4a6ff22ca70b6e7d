"""The one builder of every table the book shows: readable at any width, no word broken.

A table is laid out by the browser's automatic layout, whose narrowest column is as wide as
its longest word (the cells' `overflow-wrap: break-word` never lowers that), so no word and no
number is broken mid-word. It sits in a box of its own that scrolls sideways where it is wider
than the text column, its first column sticky when that column is short (`STICKY_CHARS`).

On a phone (fraudbook.css, below 641 px) a table too wide for the screen (`PHONE_CHARS`)
becomes one small block per row: each cell under its column's name (`data-label`), as
Our World in Data's and most newsrooms' mobile tables do. A number keeps its unit on its line
(`words.keep_units`: no-break spaces), so "322,000 cases" never wraps.

`render` takes cells as HTML (escaped or built by the kit); `frame_table` builds them from a
DataFrame. A row may carry an id (`row_id`, a permalink) and data- attributes (`row_attrs`,
read by a page's script, e.g. the register's filters).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..data.values import blank
from .escape import html_text, plain_text
from .words import keep_units

# A table wider than this, in characters of its cells' text (comfortable_chars), does not fit
# a 360 px screen without squeezing its columns into tall strips: it becomes blocks on a phone.
PHONE_CHARS = 38
# A first column whose usual text is at most this long stays in view while the table scrolls
# sideways (a long one would cover what the reader scrolls to).
STICKY_CHARS = 24
CELL_PADDING_CHARS = 2
# Tables with at least this many columns may scroll sideways on a laptop: their box takes a
# keyboard stop and a name, so that a keyboard reader can scroll it too.
SCROLL_COLUMNS = 4
# What a closed <details> holds is not shown until opened: its summary is what takes room.
_FOLDED = re.compile(r"<details[^>]*>\s*<summary[^>]*>(.*?)</summary>.*?</details>", re.S)
NUM = ' class="num"'
_TAGS = re.compile(r"<[^>]+>")
# Where a line may break: spaces, never the no-break space (so str.split() will not do).
_SPACES = re.compile(r"[ \t\n\r]+")


@dataclass
class Row:
    cells: list[str]  # HTML, one per column
    id: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)  # data-* attributes


@dataclass
class Group:
    """Rows under a heading row of their own (a <tbody> with a row-group header)."""
    rows: list[Row]
    title: str | None = None  # plain text
    tip: str | None = None  # plain text, the heading's tooltip


def runs(fragment: str) -> list[str]:
    """The pieces of a cell a line never breaks inside: words joined by no-break spaces,
    split at spaces and at <br>/<wbr>."""
    text = html.unescape(_TAGS.sub(" ", _FOLDED.sub(r"\1", fragment)))
    return _SPACES.split(text.strip(" \t\n\r"))


def longest_run(cells: Iterable[str]) -> int:
    return max((len(r) for c in cells for r in runs(c)), default=0)


def usual_length(cells: Sequence[str]) -> int:
    """The 3rd quartile of a column's text lengths (how long its cells usually are)."""
    lengths = sorted(len(plain_text(_FOLDED.sub(r"\1", c), " ")) for c in cells)
    return lengths[(len(lengths) * 3) // 4] if lengths else 0


def comfortable_chars(headers: Sequence[str], columns: Sequence[Sequence[str]]) -> int:
    """About how many characters wide the table is with its cells on a line or two: each
    column as half its usual text (capped at a phone's line), at least its longest run."""
    return sum(min(max(longest_run([html_text(h)]), longest_run(col), usual_length(col) // 2), PHONE_CHARS)
               + CELL_PADDING_CHARS for h, col in zip(headers, columns, strict=True))


def _label(header: str, cell: str) -> str:
    """The cell's column name, shown above it as a block on a phone; none where the cell
    already says it (a folded "Cite" under the column "Cite")."""
    if not header or plain_text(_FOLDED.sub(r"\1", cell), " ") == header:
        return ""
    return f' data-label="{html_text(header)}"'


def stacked_height(headers: Sequence[str], cells: Sequence[str]) -> int:
    """A generous guess, in rem, of a row's height as a block on a phone: a line per column
    name and per PHONE_CHARS // 2 characters of each cell (half a phone's line: never less
    than the row turns out to be). The phone layout lays a row out only when it nears the
    screen and keeps this much room for it until then; a guess below the row's height would
    let its links overlap the next row's."""
    lines = 0
    for header, cell in zip(headers, cells, strict=True):
        text = plain_text(_FOLDED.sub(r"\1", cell), " ").strip()
        if text:
            lines += bool(_label(header, cell)) + -(-len(text) // (PHONE_CHARS // 2))
    return 2 + 2 * lines  # a line is under 2rem; 2rem for the row's padding and rule


def _attrs(values: dict[str, str]) -> str:
    return "".join(f' {html_text(k)}="{html_text(v)}"' for k, v in values.items())


def render(headers: Sequence[str], bodies: Sequence[Group], *, numeric: Iterable[int] = (),
           caption: str | None = None, css: str = "fraudbook-table", wide: bool = False,
           table_id: str | None = None) -> str:
    """A table as HTML in its scroll box. `headers` are plain text; `numeric` the indexes of
    columns of numbers (right-aligned, never wrapped); `wide` makes it as wide as the text."""
    numeric = set(numeric)
    columns = [[r.cells[i] for g in bodies for r in g.rows] for i in range(len(headers))]
    classes = [css]
    if wide:
        classes.append("fraudbook-wide")
    stack = len(headers) >= 2 and comfortable_chars(headers, columns) > PHONE_CHARS
    if stack:
        classes.append("fraudbook-stack")
    if len(headers) >= 3 and usual_length(columns[0]) <= STICKY_CHARS:
        classes.append("fraudbook-sticky")
    head = "".join(f'<th scope="col">{html_text(h)}</th>' for h in headers)
    out = []
    for group in bodies:
        rows = []
        if group.title is not None:
            tip = f' title="{html_text(group.tip)}"' if group.tip else ""
            rows.append(f'<tr class="fraudbook-group"><th scope="rowgroup" colspan="{len(headers)}"{tip}>'
                        f"{html_text(group.title)}</th></tr>")
        for r in group.rows:
            rid = f' id="{html_text(r.id)}"' if r.id else ""
            tds = "".join(f'<td{NUM if i in numeric else ""}{_label(headers[i], c)}>{keep_units(c)}</td>'
                          for i, c in enumerate(r.cells))
            room = f' style="--fraudbook-row: {stacked_height(headers, r.cells)}rem"' if stack else ""
            rows.append(f"<tr{rid}{_attrs(r.attrs)}{room}>{tds}</tr>")
        out.append(f"<tbody>{''.join(rows)}</tbody>")
    cap = f"<caption>{html_text(caption)}</caption>" if caption else ""
    tid = f' id="{html_text(table_id)}"' if table_id else ""
    table = (f'<table class="{html_text(" ".join(classes))}"{tid}>{cap}<thead><tr>{head}</tr></thead>'
             f"{''.join(out)}</table>")
    box = ""
    if len(headers) >= SCROLL_COLUMNS:
        name = caption or "Table: " + ", ".join(h for h in headers if h)
        box = f' role="region" tabindex="0" aria-label="{html_text(name)}"'
    return f'<div class="fraudbook-scroll"{box}>{table}</div>'


def cell_html(value, raw: bool) -> str:
    """A DataFrame value as a cell: escaped, unless the column holds HTML built by the kit."""
    v = "" if blank(value) else value
    return str(v) if raw else html_text(v)


def frame_table(df: pd.DataFrame, columns: dict[str, str], *, numeric: tuple[str, ...] = (),
                raw_html: tuple[str, ...] = (), caption: str | None = None,
                row_id: Callable[[pd.Series], str] | None = None,
                row_attrs: Callable[[pd.Series], dict[str, str]] | None = None,
                group: str | None = None, group_tip: str | None = None,
                css: str = "fraudbook-table", wide: bool = False) -> str:
    """`render` from a DataFrame: `columns` maps column -> header; cells in `raw_html` are
    already-safe HTML built by the kit (links), every other cell is escaped. `group` makes one
    heading row per value of that column (in the order of `df`), its tooltip from `group_tip`."""
    def row(r: pd.Series) -> Row:
        return Row([cell_html(r[c], c in raw_html) for c in columns],
                   id=row_id(r) if row_id else None, attrs=row_attrs(r) if row_attrs else {})

    if group:
        bodies = [Group([row(r) for _, r in rows.iterrows()], title=str(key),
                        tip=str(rows[group_tip].iloc[0]) if group_tip else None)
                  for key, rows in df.groupby(group, sort=False)]
    else:
        bodies = [Group([row(r) for _, r in df.iterrows()])]
    keys = list(columns)
    return render(list(columns.values()), bodies, numeric=[keys.index(c) for c in numeric if c in keys],
                  caption=caption, css=css, wide=wide)
