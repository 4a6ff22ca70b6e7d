"""Figures as words: "more than USD 5.6 billion in 2023", with a link to the source.

Every number a reader sees in prose or tables is written by these functions from a row of
data/figures.csv, so the wording of the qualifier, unit, scale and period is the same on
every page and no number is ever typed by hand. Text from the data is HTML-escaped.

A source link (`source_link`, and `statement` around it) is the one place a figure's source
is shown: the primary citation's page, a compact mark of its strength ("official", "copy of
official text", "press", "secondary"; fraudbook.data.values.strength) and, as its tooltip, the
quote and every other citation of the figure ("Also reported by …"), read from the data.
`cite_line` writes the citation a reader copies; `without_ids` keeps ids out of notes.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pandas as pd

from ..data import schema
from ..data.values import blank, strength
from . import escape, qualifiers
from .dates import when

# The pages other pages link into (all pages live in book/, side by side): the list of
# sources (rows `source-<id>`), the register of figures (rows `figure-<id>`), the
# disagreements (`conflict-<id>`) and the changes (`change-<id>`).
SOURCE_LIST_PAGE = "sources.html"
REGISTER_PAGE = "register.html"
# The register of figures is split by the year a figure's period ends, so that no page is
# heavy on a phone: a figure's row is on exactly one part; REGISTER_PAGE holds the newest.
REGISTER_SPLIT_YEAR = 2025
REGISTER_PARTS = {
    "recent": (REGISTER_PAGE, f"periods ending in {REGISTER_SPLIT_YEAR} or later"),
    "earlier": ("register-earlier.html", f"periods ending before {REGISTER_SPLIT_YEAR}"),
}
DISAGREEMENTS_PAGE = "disagreements.html"
CHANGES_PAGE = "changes.html"
# Every indicator and every chart has a page of its own (fraudbook.pipeline.datapages), at an
# address made from its key: indicator-<indicator>.html (a figure's row `figure-<id>` there is
# its permalink) and chart-<chart key>.html.
INDICATOR_PAGE_PREFIX = "indicator-"
CHART_PAGE_PREFIX = "chart-"
# The page listing them all.
DATA_PAGES_INDEX = "indicators-and-charts.html"


def indicator_page(indicator: str) -> str:
    """The page name (no suffix) of an indicator's page: indicator-ic3-reported-losses."""
    return INDICATOR_PAGE_PREFIX + indicator.replace("_", "-")


def indicator_href(indicator: str, figure_id: str | None = None) -> str:
    """The address of an indicator's page, or of a figure's row on it, from a page in book/."""
    return f"{indicator_page(indicator)}.html" + (f"#figure-{figure_id}" if figure_id else "")


def chart_page(key: str) -> str:
    """The page name (no suffix) of a chart's page: chart-losses-ic3."""
    return CHART_PAGE_PREFIX + key

QUALIFIER_WORDS = qualifiers.WORDS
UNIT_WORDS = {
    "people": "people", "cases": "cases", "complaints": "complaints", "calls": "calls",
    "messages": "messages", "websites": "websites", "ip_addresses": "IP addresses",
    "domains": "domains", "percent": "%", "countries": "countries",
    "scam_centres": "scam centres", "compounds": "compounds", "buildings": "buildings",
    "requests": "requests", "respondents": "respondents", "bitcoin": "bitcoin",
}


md_escape = escape.md  # kept as a name the chapters read naturally

# A number never parts from its currency, scale or unit at the end of a line: "USD 5.6
# billion", "322,000 scam centres" are joined by no-break spaces, and a range ("20–40"), which
# a browser may break after its dash, is kept on one line by a span.
_SCALE_WORDS = ("thousand", "million", "billion", "trillion", "percent")
_UNITS = "|".join(sorted({re.escape(w) for w in (*UNIT_WORDS.values(), *_SCALE_WORDS) if w[0].isalpha()},
                         key=len, reverse=True))
_AMOUNT = re.compile(rf"(?:\b[A-Z]{{3}}[ \u00a0])?(\d[\d,.]*(?:–\d[\d,.]*)?)((?:[ \u00a0](?:{_UNITS})\b)*)")
_TAG = re.compile(r"(<[^>]*>)")
NOWRAP_CLASS = "fraudbook-nowrap"


def _bind(m: re.Match) -> str:
    text = m.group(0).replace(" ", "\u00a0")
    return f'<span class="{NOWRAP_CLASS}">{text}</span>' if "–" in m.group(1) else text


def keep_units(fragment: str) -> str:
    """An HTML fragment (escaped text or markup) with each number bound to its currency,
    scale and unit; tags and their attributes are left as they are."""
    parts = _TAG.split(fragment)
    bound = f'<span class="{NOWRAP_CLASS}">'
    for i in range(0, len(parts), 2):  # the text between tags, unless already bound
        if any(c.isdigit() for c in parts[i]) and (i == 0 or parts[i - 1] != bound):
            parts[i] = _AMOUNT.sub(_bind, parts[i])
    return "".join(parts)


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


# How close a source is to whoever stated the figure, as a reader sees the mark's tooltip.
STRENGTH_WORDS = {
    "official": "the issuing body's own text",
    "copy of official text": "a verbatim copy of the issuing body's text",
    "press": "a news agency's or newspaper's report",
    "secondary": "a copy or summary of someone else's report",
    "dataset": "a reference dataset",
}
# The kinds of source in words, for tables a reader scans.
KIND_WORDS = {
    "official": "official body's own page", "research": "research body's own page",
    "reproduction": "verbatim copy of an official text", "wire": "news agency",
    "newspaper": "newspaper or news site", "republication": "copy or summary elsewhere",
    "dataset": "dataset",
}


def strength_of(row: pd.Series) -> str:
    """The strength of a row's source ('official', 'press'…) from its `source_kind`, or ''."""
    kind = row.get("source_kind")
    return "" if blank(kind) or kind not in schema.STRENGTH else strength(str(kind))


def strength_mark(strength_text: str, explained: bool = True) -> str:
    """The compact mark of a source's strength, as HTML ('' when unknown). `explained` adds
    the strength in words as its tooltip (the register, which prints every quote, leaves it
    out: the marks are explained on the Data and methods page)."""
    if blank(strength_text):
        return ""
    s = escape.html_text(strength_text)
    css = "fraudbook-strength fraudbook-strength-" + re.sub(r"[^a-z]+", "-", str(strength_text))
    if not explained:
        return f'<span class="{css}">{s}</span>'
    why = escape.html_text(f"Source strength: {strength_text} ({STRENGTH_WORDS.get(strength_text, '')})")
    return f'<span class="{css}" title="{why}">{s}</span>'


def _one_line(text) -> str:
    return " ".join(str(text).split()) if not blank(text) else ""


@lru_cache(maxsize=2)
def _citations_index(data_dir: str, stamp: tuple) -> dict:
    from ..data.load import load
    from ..data.rules import DataError

    try:
        ds = load(data_dir)
    except (DataError, OSError):
        return {}
    src = ds.sources
    out: dict[str, list[dict]] = {}
    for cid, c in ds.citations.iterrows():
        s = src.loc[c["source_id"]] if c["source_id"] in src.index else None
        out.setdefault(str(c["subject_id"]), []).append({
            "citation_id": cid, "role": c["role"], "source_id": c["source_id"], "quote": c["quote"],
            "publisher": "" if s is None else s["publisher"],
            "date_published": "" if s is None else s["date_published"],
            "source_kind": "" if s is None else s["kind"],
        })
    for cits in out.values():
        cits.sort(key=lambda c: (c["role"] != "primary", c["citation_id"]))
    return out


def citations_for(row: pd.Series) -> list[dict]:
    """Every citation of the figure or event in `row` (primary first), each with its quote,
    publisher, date and kind of source, read from the book's data. Rows that are no figure or
    event of the data (a place, a rate), or whose primary source differs from the data's,
    give [] (the row's own quote is then all a reader is shown)."""
    from ..paths import current

    subject = row.get("figure_id", row.get("event_id", row.name))
    if not isinstance(subject, str) or blank(row.get("source_id")):
        return []
    data = current().data
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in data.glob("*.csv")))
    cits = _citations_index(str(data), stamp).get(subject, [])
    if not cits or cits[0]["source_id"] != row.get("source_id"):
        return []
    from . import reads

    # The citations table is read; which figures the page shows is recorded where they are
    # shown (kit.page), not here: statements are made for whole frames a page then filters.
    reads.table("citations")
    return cits


def citations_title(row: pd.Series, citations: list[dict] | None = None) -> str:
    """The tooltip of a source link, as plain text: the primary quote, then every other
    citation ('Also reported by Reuters, 2 May 2025 (press): "…"'). With one citation it is
    the quote alone."""
    cits = citations_for(row) if citations is None else citations
    quote = _one_line(row.get("quote", ""))
    lines = [quote] if quote else []
    for c in cits:
        if c.get("role") == "primary":
            continue
        mark = strength(c["source_kind"]) if c.get("source_kind") in schema.STRENGTH else ""
        who = source_label(pd.Series(c)) + (f" ({mark})" if mark else "")
        lines.append(f"Also reported by {who}: \u201c{_one_line(c.get('quote'))}\u201d")
    return "\n".join(lines)


def source_link(row: pd.Series, citations: list[dict] | None = None, hover: bool = True) -> str:
    """An HTML link to the figure's (or event's) primary source with the mark of its strength;
    its tooltip holds the quote and every other source that states it ('Also reported by …').
    `hover=False` leaves the tooltip out where the page prints the quotes beside the link."""
    label = escape.html_text(source_label(row))
    url = row.get("source_url") if "source_url" in row else row.get("url")
    cits = citations_for(row) if citations is None else citations
    title = "&#10;".join(escape.html_text(line) for line in citations_title(row, cits).split("\n"))
    if not hover:
        title = ""
    kind_strength = strength_of(row)
    if not kind_strength and cits and cits[0].get("source_kind") in schema.STRENGTH:
        kind_strength = strength(cits[0]["source_kind"])
    mark = (" " + strength_mark(kind_strength, explained=hover)) if kind_strength else ""
    tip = f' title="{title}"' if title else ""
    if blank(url):
        # No web address is known: link to the source's entry in the book's list of sources.
        sid = row.get("source_id")
        if blank(sid):
            return f'<span{tip}>{label}</span>{mark}'
        target = escape.html_text(f"{SOURCE_LIST_PAGE}#source-{sid}")
        return f'<a href="{target}"{tip}>{label} (no web address)</a>{mark}'
    return f'<a href="{escape.href(url)}"{tip}>{label}</a>{mark}'


def statement(row: pd.Series) -> str:
    """Amount, period and linked source with its strength, as HTML: the unit a reader can
    trace in one click."""
    return (f"<strong>{keep_units(escape.html_text(amount(row)))}</strong> {escape.html_text(period(row))} "
            f"({source_link(row)})")


def register_part(period_end) -> str:
    """The part of the register ('recent' or 'earlier') that holds a figure whose period ends
    on `period_end` (YYYY, YYYY-MM or YYYY-MM-DD)."""
    year = str(period_end)[:4]
    return "earlier" if year.isdigit() and int(year) < REGISTER_SPLIT_YEAR else "recent"


def register_href(figure_id: str, period_end) -> str:
    """The address of a figure's row in the register, from any page of the book."""
    return f"{REGISTER_PARTS[register_part(period_end)][0]}#figure-{figure_id}"


def figure_label(row: pd.Series) -> str:
    """A figure in words for a reader: 'Fraud cases solved in China: 464,000 cases'."""
    return f"{row['indicator_title']}: {amount(row)}"


def cited_figure(row: pd.Series) -> str:
    """A figure as a citation names it: 'Fraud cases solved in China: 464,000 cases in 2022'.
    `row` is a figure joined to its metadata with its place in words in 'where'; the place is
    left out when the indicator's title names it."""
    what = _one_line(row.get("indicator_title", ""))
    where = _one_line(row.get("where", ""))
    if where and where.split(" (")[0] in what:
        where = ""
    head = f"{what}{', ' + where if where else ''}: " if what else ""
    return f"{head}{amount(row)} {period(row)}"


def cite_line(row: pd.Series, book: str, edition: str, accessed: str) -> str:
    """A citation a reader can copy, as plain text: 'Fraud cases solved in China: 464,000
    cases in 2022. Source: Xinhua, 30 May 2023, <its address>. In: <book>, edition 2026.11,
    accessed 26 Nov 2026.' The source's title is left out: its publisher, day and address
    find it, and the register prints one of these lines per figure."""
    src = _one_line(source_label(row))
    url = row.get("source_url")
    return (f"{cited_figure(row)}. Source: {src}"
            + ("" if blank(url) else f", {url}") + f". In: {book}, edition {edition}, "
            f"accessed {accessed}.")


def kind_words(kind: str) -> str:
    """A kind of source in words ('news agency'), never the data's own word."""
    return KIND_WORDS.get(kind, kind)


def source_kind_text(row: pd.Series) -> str:
    """'copy or summary elsewhere, text of Associated Press; medium confidence' for a figure's
    source: its kind in words (never the data's own word), whose text it carries, our
    confidence in the page read."""
    kind = str(row.get("source_kind", row.get("kind", "")))
    out = kind_words(kind)
    if kind in ("reproduction", "wire", "republication") and not blank(row.get("original")):
        out += f", text of {row['original']}"
    return f"{out}; {row['confidence']} confidence"


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


def without_ids(text, labels: dict[str, str]) -> str:
    """`text` (a note from the data) with every id in `labels` (a source's, an indicator's)
    replaced by its label for readers, so no internal id reaches a page ('' for a blank)."""
    if blank(text):
        return ""
    out = str(text)
    for key in sorted(labels, key=len, reverse=True):
        if key in out:
            out = re.sub(rf"(?<![\w-]){re.escape(key)}(?![\w-])", lambda _m, k=key: labels[k], out)
    return out


def id_labels(sources: pd.DataFrame, indicators: pd.DataFrame | None = None) -> dict[str, str]:
    """Readable labels for the ids notes may name: a source as 'Publisher, date', an
    indicator as its title in quotes."""
    labels = {sid: source_label(r) for sid, r in sources.iterrows()}
    if indicators is not None:
        labels.update({i: f"\u201c{t}\u201d" for i, t in indicators["title"].items()})
    return labels
