"""Every rule of data/, within a table and across tables: `validate(data_dir)` reads each
table defensively (fraudbook.data.read) and returns its rows and every problem found, each
naming the file, row and column. The loader (fraudbook.data.load) refuses data with any.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import FraudbookError
from ..paths import DATA, relative
from . import schema
from .numbers import SCALES, states_number
from .read import read_table, shown, shown_id
from .values import date_bounds

# What a URL in the data may look like: http(s), no spaces, quotes, brackets or angle
# brackets (they could end a Markdown link or an HTML attribute early). The kit's escaper
# (fraudbook.kit.escape.href) applies the same rule to every link it writes.
URL = re.compile(r"^https?://[^\s<>\"'`()\[\]{}\\^|]+$")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.reason}"


class DataError(FraudbookError):
    """One or more rules broken in data/. `problems` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the data:\n{lines}")


class _Collector:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, file, row, column, reason):
        self.problems.append(Problem(file, row, column, reason))


def _read_rows(path: Path, table: schema.Table, out: _Collector,
               within: Path) -> tuple[list[tuple[int, dict]], bool]:
    """Rows of one CSV as (row number, {column: text}) and whether the whole file was read;
    structural problems go to `out`."""
    # The reading itself (encodings, byte order marks, NUL bytes, quoting, field counts and
    # lengths) lives in fraudbook.data.read; this adds what it found to the problems.
    name = relative(path)
    found = read_table(path, table.column_names, within=within)
    for row, column, reason in found.problems:
        out.add(name, row, column, reason)
    return found.rows, found.complete


def _check_cells(rows, table: schema.Table, file: str, out: _Collector) -> None:
    from .numbers import parse_cell_number

    seen: dict[str, int] = {}
    folded: dict[str, tuple[int, str]] = {}
    for n, row in rows:
        for col in table.columns:
            v = row[col.name]
            if not v:
                if col.required:
                    out.add(file, n, col.name, "required value is empty")
                continue
            if "\n" in v or "\r" in v:
                # One line per cell: a page shows cells inside HTML, where a blank line would
                # end the table and let the rest be read as Markdown.
                out.add(file, n, col.name, "holds a line break: write the value on one line")
                continue
            if col.kind == "id" and not re.fullmatch(col.pattern, v):
                out.add(file, n, col.name, f"{shown_id(v)} does not match the id pattern {col.pattern}")
            elif col.kind == "enum" and v not in col.choices:
                out.add(file, n, col.name, f"{shown(v)} is not one of: {', '.join(c or '(empty)' for c in col.choices)}")
            elif col.kind == "number":
                try:
                    parse_cell_number(v)
                except ValueError as exc:
                    out.add(file, n, col.name, str(exc))
            elif col.kind == "date":
                try:
                    if not v.isascii():
                        raise ValueError(f"{shown(v)} is not a date (write ASCII digits: YYYY, "
                                         "YYYY-MM or YYYY-MM-DD)")
                    date_bounds(v)
                except ValueError as exc:
                    out.add(file, n, col.name, str(exc) if v.isprintable() and len(v) <= 60
                            else f"{shown(v)} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
            elif col.kind == "url" and not URL.match(v):
                out.add(file, n, col.name, f"{shown(v, 80)} is not a plain http(s) URL (no spaces, "
                        "quotes, brackets or angle brackets; percent-encode them)")
            elif col.kind == "currency" and v not in schema.CURRENCIES:
                other = ("" if re.fullmatch(r"[A-Z]{3}", v)
                         else "; a currency is a three-letter ISO 4217 code in capitals")
                out.add(file, n, col.name, f"currency {shown(v)} is not one the book can show "
                        f"(one of: {', '.join(schema.CURRENCIES)}){other}; a new currency needs "
                        "sourced rates in data/fx_rates.csv and its code in "
                        "fraudbook/data/schema.py CURRENCIES")
            elif col.kind == "currency" and table is schema.FX_RATES and v == schema.BASE_CURRENCY:
                out.add(file, n, col.name, f"a rate is per {schema.BASE_CURRENCY}: a rate for "
                        f"{schema.BASE_CURRENCY} itself makes no sense")
            elif col.kind == "codes":
                items = [i.strip() for i in v.split(";")]
                if any(not i for i in items):
                    out.add(file, n, col.name, f"{shown(v)} has an empty item: codes are separated "
                            "by single ';' with none at the start or end (e.g. MMR;THA)")
                dup = sorted({i for i in items if i and items.count(i) > 1})
                if dup:
                    out.add(file, n, col.name, f"{shown(v)} lists {shown(dup[0])} twice")
        key = row[table.key]
        if key:
            if key in seen:
                out.add(file, n, table.key, f"duplicate id {shown(key)} (first used in row {seen[key]})")
                continue
            seen[key] = n
            twin = folded.get(key.casefold())
            if twin:
                out.add(file, n, table.key, f"id {shown(key)} differs from {shown(twin[1])} "
                        f"(row {twin[0]}) only in letter case; ids must differ in more than case")
            else:
                folded[key.casefold()] = (n, key)


def _num(v: str) -> float | None:
    """A number cell as a float, None when empty or not a number: the same reading as the
    check's (fraudbook.data.numbers.parse_cell_number), used by the checks and by `_frame`."""
    from .numbers import parse_cell_number

    if v is None or (isinstance(v, float) and v != v) or v == "":
        return None
    try:
        return parse_cell_number(v)
    except ValueError:
        return None


def _valid_date(v: str) -> bool:
    try:
        date_bounds(v)
        return True
    except ValueError:
        return False


def _check_order(file, n, out, start_col, start, end_col, end):
    if start and end and _valid_date(start) and _valid_date(end):
        if date_bounds(start)[0] > date_bounds(end)[1]:
            out.add(file, n, start_col, f"{start_col} {start} is after {end_col} {end}")


def _unknown_indicator(name: str, indicators) -> str:
    close = difflib.get_close_matches(name, list(indicators), n=3, cutoff=0.6)
    if close:
        return (f"unknown indicator {shown_id(name)}; did you mean {', '.join(repr(c) for c in close)}? "
                "If it measures something new, add it to data/indicators.csv")
    return f"unknown indicator {shown_id(name)} (add it to data/indicators.csv)"


def _check_figures(rows, file, known, indicators, out: _Collector) -> None:
    for n, r in rows:
        ind = indicators.get(r["indicator"])
        if r["indicator"] and ind is None:
            out.add(file, n, "indicator", _unknown_indicator(r["indicator"], indicators))
        elif ind is not None and r["unit"] and r["unit"] != ind["unit"]:
            out.add(file, n, "unit", f"unit '{r['unit']}' differs from indicator '{r['indicator']}' unit '{ind['unit']}'")
        for code in filter(None, (c.strip() for c in r["geography"].split(";"))):
            if code not in known["geographies"]:
                out.add(file, n, "geography", f"unknown geography code {shown_id(code)} (add it to data/geographies.csv)")
        if r["partner"] and r["partner"] not in known["geographies"]:
            out.add(file, n, "partner", f"unknown geography code {shown_id(r['partner'])}")
        if r["unit"] == "money":
            if not re.fullmatch(r"[A-Z]{3}", r["currency"]):
                out.add(file, n, "currency", "a money figure needs an ISO 4217 currency code (e.g. USD)")
        elif r["currency"]:
            out.add(file, n, "currency", f"currency '{r['currency']}' given for unit '{r['unit']}' (only money has one)")

        value, low, high = _num(r["value"]), _num(r["low"]), _num(r["high"])
        q = r["qualifier"]
        if q == "unquantified":
            for c in ("value", "low", "high"):
                if r[c]:
                    out.add(file, n, c, "an unquantified figure has no number; leave value, low and high empty")
        elif q == "range":
            if low is None or high is None:
                out.add(file, n, "low" if low is None else "high", "a range needs both low and high")
        elif value is None and r["value"] == "":
            out.add(file, n, "value", f"qualifier '{q}' needs a value")
        if (low is None) != (high is None) and q != "range":
            out.add(file, n, "low" if low is None else "high", "give both low and high, or neither")
        if low is not None and high is not None and low > high:
            out.add(file, n, "low", f"low {low:g} is above high {high:g}")
        if value is not None and low is not None and value < low:
            out.add(file, n, "value", f"value {value:g} is below low {low:g}")
        if value is not None and high is not None and value > high:
            out.add(file, n, "value", f"value {value:g} is above high {high:g}")

        measures = ind["measures"] if ind is not None else ""
        for c, v in (("value", value), ("low", low), ("high", high)):
            if v is None:
                continue
            if v < 0 and measures != "change":
                out.add(file, n, c, f"negative {c} {v:g}: counts and amounts cannot be below zero")
            if r["unit"] == "percent" and measures != "change" and not 0 <= v <= 100:
                out.add(file, n, c, f"share {v:g} is outside 0-100")

        p = r["period"]
        if p == "annual" and r["period_start"] and r["period_end"]:
            if r["period_start"][:4] != r["period_end"][:4] and _valid_date(r["period_start"]):
                out.add(file, n, "period_end", "an annual figure starts and ends in the same year (use 'span' otherwise)")
        if p in ("annual", "span") and not r["period_start"]:
            out.add(file, n, "period_start", f"a '{p}' figure needs period_start")
        if p == "on_date" and r["period_start"] and r["period_start"] != r["period_end"]:
            out.add(file, n, "period_start", "an on_date figure has one date: period_start equals period_end (or is empty)")
        _check_order(file, n, out, "period_start", r["period_start"], "period_end", r["period_end"])


def _check_provisional(rows, file, primaries, sources, out):
    """A provisional figure rests on press coverage: its primary source is not the issuing body's
    own page, and the source's note says the body's own text was not read."""
    for n, r in rows:
        if r["provisional"] != "yes":
            continue
        src = sources.get(primaries.get(r["figure_id"], ""))
        if src is None:
            continue
        if src["kind"] in ("official", "research"):
            out.add(file, n, "provisional", f"a provisional figure rests on press coverage, but its "
                    f"primary source '{src['source_id']}' is the body's own page ({src['kind']}); "
                    "leave 'provisional' empty")
        elif not src["note"]:
            out.add(file, n, "provisional", f"the primary source '{src['source_id']}' of a "
                    "provisional figure says in its note that the body's own text was not read")


def _check_events(rows, file, known, out):
    for n, r in rows:
        for code in filter(None, (c.strip() for c in r["countries"].split(";"))):
            if code not in known["countries"]:
                out.add(file, n, "countries", f"unknown country code {shown_id(code)} (use ISO 3166-1 alpha-3 codes listed in data/geographies.csv)")
        if r["place_id"] and r["place_id"] not in known["places"]:
            out.add(file, n, "place_id", f"unknown place {shown_id(r['place_id'])} (add it to data/places.csv)")
        _check_order(file, n, out, "date", r["date"], "end_date", r["end_date"])


def _figure_numbers(r) -> list[tuple[str, float, str]]:
    """(column, number times scale, as shown) for each of a figure's value, low and high."""
    factor = SCALES.get(r["scale"], 1.0)
    out = []
    for c in ("value", "low", "high"):
        v = _num(r[c])
        if v is not None:
            out.append((c, v * factor, f"{v:g}" + (f" {r['scale']}" if r["scale"] else "")))
    return out


def _check_citations(rows, file, known, figures, events, out, subject_files):
    """Every citation points at a known figure or event and source; one primary per subject;
    `stated` is in the quote; a figure's numbers are in the stated words of every citation."""
    primaries: dict[str, list[int]] = {}
    pairs: dict[tuple[str, str], int] = {}
    for n, r in rows:
        sid = r["subject_id"]
        fig, ev = figures.get(sid), events.get(sid)
        pair = (sid, r["source_id"])
        if pair in pairs:
            out.add(file, n, "source_id", f"'{sid}' already cites '{r['source_id']}' (row "
                    f"{pairs[pair]}); one citation per figure or event and source")
        else:
            pairs[pair] = n
        if sid and fig is None and ev is None:
            out.add(file, n, "subject_id", f"unknown figure or event {shown_id(sid)} (a figure_id of "
                    "data/figures.csv or an event_id of data/events.csv)")
        if r["source_id"] and r["source_id"] not in known["sources"]:
            out.add(file, n, "source_id", f"unknown source {shown_id(r['source_id'])} (add it to data/sources.csv)")
        if r["role"] == "primary" and sid:
            primaries.setdefault(sid, []).append(n)
        if r["stated"] and r["quote"] and r["stated"] not in r["quote"]:
            out.add(file, n, "stated", f"'{r['stated']}' does not appear verbatim in the quote")
        if fig is None:
            continue
        if not r["stated"]:
            out.add(file, n, "stated", "a figure's citation needs the words of the quote that "
                    "state it")
            continue
        for c, target, as_written in _figure_numbers(fig):
            if states_number(r["stated"], target):
                continue
            if r["role"] == "primary":
                where = ("it appears elsewhere in the quote, not in the stated words"
                         if states_number(r["quote"], target) else "nor in the quote")
                out.add(file, n, "stated", f"the figure's {c} {as_written} is not a number of the "
                        f"stated words '{r['stated']}' ({where})")
            else:
                out.add(file, n, "stated", f"a corroborating citation must state the figure's "
                        f"{c} {as_written}; '{r['stated']}' does not. If the source gives another "
                        "number, make it a figure of its own and record the disagreement in "
                        "data/conflicts.csv")
    for sid, ns in primaries.items():
        for n in ns[1:]:
            out.add(file, n, "role", f"'{sid}' already has a primary citation (row {ns[0]}); "
                    "exactly one per figure or event, the others are 'corroborating'")
    for kind, subjects in (("figure", figures), ("event", events)):
        sfile, sn = subject_files[kind]
        for sid in subjects:
            if sid not in primaries:
                out.add(sfile, sn[sid], f"{kind}_id", f"{kind} '{sid}' has no primary citation "
                        "in data/citations.csv")
    return {sid: ns[0] for sid, ns in primaries.items()}


def _check_sources(rows, file, out):
    for n, r in rows:
        if r["kind"] == "reproduction" and not r["original"]:
            out.add(file, n, "original", "a reproduction must name in 'original' the body and "
                    "the text it reproduces (e.g. 'UNODC press release')")
        if r["kind"] in schema.BODY_REQUIRED and not r["body"]:
            out.add(file, n, "body", f"a source of kind '{r['kind']}' names in 'body' the issuing "
                    "body whose figures or words it carries (e.g. 'UNODC', 'FBI IC3')")


def _check_changes(rows, file, known, out):
    subjects = known["figures"] | known["events"]
    for n, r in rows:
        sid, kind = r["subject_id"], r["kind"]
        if kind in ("merged", "withdrawn"):
            if sid in subjects:
                out.add(file, n, "subject_id", f"'{sid}' is recorded as {kind} but is still in "
                        "the data")
            if kind == "merged" and r["new"] not in known["figures"]:
                out.add(file, n, "new", f"a merged figure names the figure that holds it now; "
                        f"'{r['new']}' is not a figure_id")
        elif sid and sid not in subjects:
            out.add(file, n, "subject_id", f"unknown figure or event {shown_id(sid)}")
        if kind in ("corrected", "re-sourced") and not r["field"]:
            out.add(file, n, "field", f"a '{kind}' change names the field it changed")


def _check_audit(rows, file, known, out, subject_files):
    seen = set()
    for n, r in rows:
        sid = r["subject_id"]
        seen.add(sid)
        if sid and sid not in known["figures"] | known["events"]:
            out.add(file, n, "subject_id", f"unknown figure or event {shown_id(sid)}")
    for kind in ("figure", "event"):
        sfile, sn = subject_files[kind]
        for sid in known[f"{kind}s"]:
            if sid not in seen:
                out.add(sfile, sn[sid], f"{kind}_id", f"{kind} '{sid}' has no row in data/audit.csv")


def _check_places(rows, file, known, out):
    for n, r in rows:
        if r["country"] and r["country"] not in known["countries"]:
            out.add(file, n, "country", f"unknown country code {shown_id(r['country'])}")
        if r["source_id"] and r["source_id"] not in known["sources"]:
            out.add(file, n, "source_id", f"unknown source {shown_id(r['source_id'])}")
        for c, lim in (("lat", 90), ("lon", 180)):
            v = _num(r[c])
            if v is not None and not -lim <= v <= lim:
                out.add(file, n, c, f"{c} {v:g} is outside -{lim}..{lim}")


def _check_fx_rates(rows, file, known, out):
    for n, r in rows:
        if r["source_id"] and r["source_id"] not in known["sources"]:
            out.add(file, n, "source_id", f"unknown source {shown_id(r['source_id'])}")
        rate = _num(r["per_usd"])
        if rate is not None and rate <= 0:
            out.add(file, n, "per_usd", f"rate {rate:g} must be above zero")
        if r["stated"] and r["quote"] and r["stated"] not in r["quote"]:
            out.add(file, n, "stated", f"'{r['stated']}' does not appear verbatim in the quote")
        if rate is not None and r["quote"] and not states_number(r["quote"], rate):
            out.add(file, n, "per_usd", f"the rate {rate:g} does not appear in the quote")


def _check_currencies(figures, fx_rates, file, out):
    """A money figure in another currency than the base one needs a sourced rate for it: the
    pages convert every amount, and would otherwise draw it on the wrong axis."""
    rated = {r["currency"] for _, r in fx_rates} | {schema.BASE_CURRENCY}
    for n, r in figures:
        if r.get("unit") == "money" and r.get("currency") and r["currency"] not in rated \
                and r["currency"] in schema.CURRENCIES:
            out.add(file, n, "currency", f"no rate for {r['currency']} in fx_rates.csv: add a "
                    f"sourced rate per {schema.BASE_CURRENCY} before a figure in it")


def _check_conflicts(rows, file, known, out):
    for n, r in rows:
        ids = [i.strip() for i in r["figure_ids"].split(";") if i.strip()]
        if len(ids) < 2:
            out.add(file, n, "figure_ids", "a conflict names at least two figures, separated by ';'")
        for fid in ids:
            if fid not in known["figures"]:
                moved = known.get("merged", {}).get(fid)
                hint = f" (merged into '{moved}', see data/changes.csv)" if moved else ""
                out.add(file, n, "figure_ids", f"unknown figure {shown_id(fid)}{hint}")
        if r["book_uses"] and r["book_uses"] not in ids:
            out.add(file, n, "book_uses", f"'{r['book_uses']}' is not one of the conflicting figures")


def _check_geographies(rows, file, out):
    countries = {r["code"] for _, r in rows if r["kind"] == "country"}
    codes = {r["code"] for _, r in rows}
    for n, r in rows:
        if r["kind"] == "country":
            if not re.fullmatch(r"[A-Z]{3}", r["code"]):
                out.add(file, n, "code", "a country's code is its ISO 3166-1 alpha-3 code (e.g. MMR)")
            if not r["iso2"]:
                out.add(file, n, "iso2", "a country needs its ISO 3166-1 alpha-2 code")
        elif re.fullmatch(r"[A-Z]{3}", r["code"]):
            out.add(file, n, "code", "three capitals are reserved for countries; use a lowercase slug")
        if r["kind"] == "area" and r["country"] not in countries:
            out.add(file, n, "country", f"an area needs a known country code, not '{r['country']}'")
        elif r["country"] and r["country"] not in codes:
            # The package declares this column a key of geographies.csv: hold every row to it.
            out.add(file, n, "country", f"'{r['country']}' is not a code in this file")


def validate(data_dir: Path | None = None) -> tuple[dict[str, list[tuple[int, dict]]], list[Problem]]:
    """Check every table and every rule across tables. Returns the rows and all problems."""
    data_dir = Path(data_dir) if data_dir else DATA
    out = _Collector()
    rows: dict[str, list[tuple[int, dict]]] = {}
    unread = []
    for table in schema.TABLES:
        path = data_dir / table.file
        rows[table.name], complete = _read_rows(path, table, out, data_dir)
        _check_cells(rows[table.name], table, relative(path), out)
        if not complete:
            unread.append(table.name)
    if unread:
        # One cause, one message: with a table unread (a bad header, an unclosed quote), every
        # reference to its ids would be reported as unknown; those are checked once it reads.
        return rows, out.problems
    geos = {r["code"]: r for _, r in rows["geographies"]}
    known = {
        "sources": {r["source_id"] for _, r in rows["sources"]},
        "geographies": set(geos),
        "countries": {c for c, r in geos.items() if r["kind"] == "country"},
        "places": {r["place_id"] for _, r in rows["places"]},
        "figures": {r["figure_id"] for _, r in rows["figures"]},
        "events": {r["event_id"] for _, r in rows["events"]},
        "merged": {r["subject_id"]: r["new"] for _, r in rows["changes"] if r["kind"] == "merged"},
    }
    indicators = {r["indicator"]: r for _, r in rows["indicators"]}
    f = lambda t: relative(data_dir / f"{t}.csv")  # noqa: E731
    _check_geographies(rows["geographies"], f("geographies"), out)
    _check_places(rows["places"], f("places"), known, out)
    _check_sources(rows["sources"], f("sources"), out)
    _check_figures(rows["figures"], f("figures"), known, indicators, out)
    _check_events(rows["events"], f("events"), known, out)
    subject_files = {
        "figure": (f("figures"), {r["figure_id"]: n for n, r in rows["figures"]}),
        "event": (f("events"), {r["event_id"]: n for n, r in rows["events"]}),
    }
    primary_rows = {r["subject_id"]: r["source_id"] for _, r in rows["citations"]
                    if r["role"] == "primary"}
    _check_citations(rows["citations"], f("citations"), known,
                     {r["figure_id"]: r for _, r in rows["figures"]},
                     {r["event_id"]: r for _, r in rows["events"]}, out, subject_files)
    _check_provisional(rows["figures"], f("figures"), primary_rows,
                       {r["source_id"]: r for _, r in rows["sources"]}, out)
    _check_fx_rates(rows["fx_rates"], f("fx_rates"), known, out)
    _check_currencies(rows["figures"], rows["fx_rates"], f("figures"), out)
    _check_conflicts(rows["conflicts"], f("conflicts"), known, out)
    _check_changes(rows["changes"], f("changes"), known, out)
    _check_audit(rows["audit"], f("audit"), known, out, subject_files)
    return rows, out.problems
