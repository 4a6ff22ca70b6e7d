"""Dates in parameters and in prose, read and written one way on every page.

Parameters declared `# date` or `# year` in a template are checked with these functions by
the build before any kernel starts (fraudbook.pipeline.params); pages call them again to turn
the checked text into dates.
"""

from __future__ import annotations

import re
import reprlib
from datetime import date

from ..data.values import blank, date_bounds
from ..errors import FraudbookError

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEARS = (1990, 2100)


class DateParameterError(FraudbookError, ValueError):
    """A date or year parameter is malformed; the message names the parameter."""


def parse_day(name: str, value) -> date:
    """A parameter written as an ISO date 'YYYY-MM-DD'; DateParameterError naming it."""
    if not isinstance(value, str) or not ISO_DAY.match(value):
        raise DateParameterError(
            f"parameter '{name}' must be an ISO date written YYYY-MM-DD (e.g. 2023-01-01), "
            f"got {short_repr(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DateParameterError(f"parameter '{name}' is not a real date: {value!r} ({exc})") from None


def check_year(name: str, value) -> int:
    """A parameter that is a plausible calendar year."""
    if isinstance(value, bool) or not isinstance(value, int) or not YEARS[0] <= value <= YEARS[1]:
        raise DateParameterError(f"parameter '{name}' must be a year between {YEARS[0]} and "
                                 f"{YEARS[1]}, got {short_repr(value)}")
    return value


def window(start: str, end: str, names: tuple[str, str] = ("start", "end")) -> tuple[date, date]:
    """Two day parameters as (first, last); an error if malformed or in the wrong order."""
    first, last = parse_day(names[0], start), parse_day(names[1], end)
    if first > last:
        raise DateParameterError(f"parameter '{names[0]}' ({start}) is after parameter "
                                 f"'{names[1]}' ({end}); it must be on or before it")
    return first, last


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 6, 6, 60, 60


def short_repr(value, limit: int = 80) -> str:
    """A bounded repr: a message never expands a huge or self-referencing value."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def first_day(text) -> date | None:
    """The first day a partial ISO date covers, or None for a blank cell."""
    return None if blank(text) else date_bounds(str(text))[0]


def last_day(text) -> date | None:
    """The last day a partial ISO date covers ('2023' -> 31 Dec 2023), or None for a blank."""
    return None if blank(text) else date_bounds(str(text))[1]


def when(d) -> str:
    """'2023-08-15' -> '15 Aug 2023'; '2023-08' -> 'Aug 2023'; '2023' -> '2023'."""
    if blank(d):
        return ""
    d = str(d)
    first, _ = date_bounds(d)
    if len(d) == 4:
        return d
    if len(d) == 7:
        return first.strftime("%b %Y")
    return f"{first.day} {first.strftime('%b %Y')}"
