"""Reading one cell of data/: blanks, lists of ids, dates and their bounds, the strength of a
kind of source. The loader, the rules and the kit all read cells this way.
"""

from __future__ import annotations

import re
from datetime import date

from . import schema

DATE = re.compile(f"^{schema.DATE}$")


def date_bounds(text: str) -> tuple[date, date]:
    """First and last day a partial ISO date ('2023', '2023-08', '2023-08-15') covers."""
    m = DATE.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    try:
        return _bounds(int(m[1]), m[2], m[3])
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a date ({exc})") from None


def blank(v) -> bool:
    """True for a missing cell however it arrives: None, '', whitespace or a float NaN."""
    if v is None:
        return True
    if isinstance(v, float):
        return v != v  # NaN
    return isinstance(v, str) and not v.strip()


def split_list(cell) -> list[str]:
    """The items of a `;`-separated cell (geography codes, figure ids), blanks dropped."""
    return [c.strip() for c in ("" if blank(cell) else str(cell)).split(";") if c.strip()]


def strength(kind: str) -> str:
    """How a page marks a source of this kind: 'official', 'copy of official text', 'press',
    'secondary' or 'dataset' (schema.STRENGTH). An unknown kind raises KeyError."""
    try:
        return schema.STRENGTH[kind]
    except KeyError:
        raise KeyError(f"unknown kind of source '{kind}' (one of: {', '.join(schema.STRENGTH)})") from None


def _bounds(y: int, mo: str | None, d: str | None) -> tuple[date, date]:
    if mo is None:
        return date(y, 1, 1), date(y, 12, 31)
    month = int(mo)
    if d is None:
        first = date(y, month, 1)  # raises on month 13
        nxt = date(y + (month == 12), month % 12 + 1, 1)
        return first, date.fromordinal(nxt.toordinal() - 1)
    day = date(y, month, int(d))
    return day, day
