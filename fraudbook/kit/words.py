"""Figures as words: "more than USD 5.6 billion in 2023", with a link to the source.

Every number a reader sees in prose or tables is written by these functions from a row of
data/figures.csv, so the wording of the qualifier, unit, scale and period is the same on
every page and no number is ever typed by hand. Text from the data is HTML-escaped.
"""

from __future__ import annotations

import math

import pandas as pd

from ..data.load import blank
from . import escape, qualifiers
from .dates import when

# The page whose table of sources anchors every source as #source-<source_id>.
SOURCE_LIST_PAGE = "data-and-methods.html"

QUALIFIER_WORDS = qualifiers.WORDS
UNIT_WORDS = {
    "people": "people", "cases": "cases", "complaints": "complaints", "calls": "calls",
    "messages": "messages", "websites": "websites", "ip_addresses": "IP addresses",
    "domains": "domains", "percent": "%", "countries": "countries",
    "scam_centres": "scam centres", "compounds": "compounds", "buildings": "buildings",
    "requests": "requests", "respondents": "respondents", "bitcoin": "bitcoin",
}


md_escape = escape.md  # kept as a name the chapters read naturally


def number(v: float) -> str:
    """A stated number as written, with thousands separators and no invented decimals."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return format(float(v), ",.15g")


def amount(row: pd.Series) -> str:
    """The figure's amount with qualifier, unit and scale, e.g. 'more than USD 5.6 billion'."""
    if row["qualifier"] == "unquantified":
        return str(row["stated"])
    scale = f" {row['scale']}" if not blank(row.get("scale")) else ""
    if row["qualifier"] == "range":
        core = f"{number(row['low'])}–{number(row['high'])}{scale}"
    else:
        core = f"{number(row['value'])}{scale}"
    unit = row["unit"]
    if unit == "money":
        core = f"{row['currency']} {core}"
    elif unit == "percent":
        core = f"{core}%" if not scale else f"{core} percent"
    else:
        core = f"{core} {UNIT_WORDS.get(unit, unit)}"
    return QUALIFIER_WORDS[row["qualifier"]] + core


def period(row: pd.Series) -> str:
    """The period a figure covers, in words: 'in 2023', 'cumulative since Jul 2023, to 29 May 2024'."""
    p, start, end = row["period"], row.get("period_start"), row["period_end"]
    if p == "annual":
        return f"in {when(start) if len(str(start)) == 4 else when(start) + '–' + when(end)}"
    if p == "span":
        return f"{when(start)} to {when(end)}"
    if p == "cumulative":
        since = f" since {when(start)}" if not blank(start) else ""
        return f"cumulative{since}, to {when(end)}"
    if p == "as_of":
        return f"as of {when(end)}"
    return f"on {when(end)}" if len(str(end)) == 10 else f"in {when(end)}"


def source_label(row: pd.Series) -> str:
    """'Xinhua, 21 Nov 2023' for a figure or event row joined to its source."""
    date_text = when(row.get("date_published", ""))
    return f"{row['publisher']}, {date_text}" if date_text else str(row["publisher"])


def source_link(row: pd.Series) -> str:
    """An HTML link to the figure's source page, the verbatim quote as its tooltip."""
    label = escape.html_text(source_label(row))
    url = row.get("source_url") if "source_url" in row else row.get("url")
    quote = escape.html_text(row.get("quote", ""))
    if blank(url):
        # No web address is known: link to the source's entry in the book's list of sources
        # (every page lives in book/, next to data-and-methods).
        sid = row.get("source_id")
        if blank(sid):
            return f'<span title="{quote}">{label}</span>'
        target = escape.html_text(f"{SOURCE_LIST_PAGE}#source-{sid}")
        return f'<a href="{target}" title="{quote}">{label} (no web address)</a>'
    return f'<a href="{escape.href(url)}" title="{quote}">{label}</a>'


def statement(row: pd.Series) -> str:
    """Amount, period and linked source, as HTML: the unit a reader can trace in one click."""
    return (f"<strong>{escape.html_text(amount(row))}</strong> {escape.html_text(period(row))} "
            f"({source_link(row)})")



def source_kind_text(row: pd.Series) -> str:
    """'republication of Associated Press text, medium confidence' for a figure's source."""
    kind = str(row.get("source_kind", row.get("kind", "")))
    if kind == "republication" and not blank(row.get("original")):
        kind = f"republication of {row['original']} text"
    return f"{kind}, {row['confidence']} confidence"


def short_amount(row: pd.Series) -> str:
    """`amount` without its unit word ('more than 31,000'), for a label inside a panel or
    next to an axis that names the unit; money keeps its currency and a share its '%'."""
    out = amount(row)
    unit = row["unit"]
    if row["qualifier"] == "unquantified" or unit in ("money", "percent"):
        return out
    return out.removesuffix(" " + UNIT_WORDS.get(unit, unit))


def round_sig(x: float, qualifier: str = "exact", sig: int = 3) -> float:
    """`x` to `sig` significant digits, rounded so the qualifier stays true: a floor
    ('more than') is rounded down, a ceiling ('just under') up, anything else to nearest."""
    if x == 0 or math.isnan(x):
        return x
    digits = sig - 1 - math.floor(math.log10(abs(x)))
    factor = 10.0 ** digits
    if qualifiers.is_floor(qualifier):
        y = math.floor(x * factor + 1e-9) / factor
    elif qualifiers.is_ceiling(qualifier):
        y = math.ceil(x * factor - 1e-9) / factor
    else:
        y = round(x * factor) / factor
    return round(y, max(digits, 0))


def converted_amount(row: pd.Series, per_usd: float, currency: str) -> str:
    """'more than EUR 15.1 billion': a USD amount converted at `per_usd`, in the figure's own
    scale, to three significant digits rounded so that its qualifier stays true."""
    conv = row.copy()
    conv["currency"] = currency
    if row["qualifier"] == "range":
        conv["low"] = round_sig(row["low"] * per_usd)
        conv["high"] = round_sig(row["high"] * per_usd)
    else:
        conv["value"] = round_sig(row["value"] * per_usd, row["qualifier"])
    return amount(conv)
