"""The one loader: read every table in data/, check every rule, return tidy DataFrames.

Every notebook and every test loads the data through `load()`. A broken rule raises
`DataError`, which lists each problem as `file, row, column: reason`, so the person who
broke it can go straight to the cell. Rows are numbered as in the file: the header is
row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import schema
from .numbers import SCALES, states_number
from ..paths import DATA, relative

# What a URL in the data may look like: http(s), no spaces, quotes, brackets or angle
# brackets (they could end a Markdown link or an HTML attribute early). The kit's escaper
# (fraudbook.kit.escape.href) applies the same rule to every link it writes.
URL = re.compile(r"^https?://[^\s<>\"'`()\[\]{}\\^|]+$")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


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


class DataError(Exception):
    """One or more rules broken in data/. `problems` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the data:\n{lines}")


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


class _Collector:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, file, row, column, reason):
        self.problems.append(Problem(file, row, column, reason))


def _read_rows(path: Path, table: schema.Table, out: _Collector) -> list[tuple[int, dict]]:
    """Rows of one CSV as (row number, {column: text}); structural problems go to `out`."""
    name = relative(path)
    if not path.exists():
        out.add(name, None, None, "file is missing")
        return []
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        out.add(name, None, None, "file is empty (expected a header row and records)")
        return []
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    rows: list[tuple[int, dict]] = []
    try:
        header = next(reader)
        expected = table.column_names
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        for c in missing:
            out.add(name, 1, c, "missing column")
        for c in extra:
            out.add(name, 1, c, "unknown column (add it to fraudbook/schema.py and data/README.md, or remove it)")
        if len(set(header)) != len(header):
            out.add(name, 1, None, "a column name appears twice in the header")
        if missing or extra:
            return []
        n = 1
        for record in reader:
            n += 1
            if not record or all(not f.strip() for f in record):
                out.add(name, n, None, "empty row")
                continue
            if len(record) != len(header):
                out.add(name, n, None,
                        f"malformed row: {len(record)} fields where the header has {len(header)}"
                        " (an unquoted comma, or a missing field?)")
                continue
            rows.append((n, {h: v.strip() for h, v in zip(header, record)}))
    except csv.Error as exc:
        out.add(name, reader.line_num, None, f"malformed CSV: {exc}")
    if not rows and not out.problems:
        out.add(name, None, None, "file has a header but no records")
    return rows


def _check_cells(rows, table: schema.Table, file: str, out: _Collector) -> None:
    seen: dict[str, int] = {}
    for n, row in rows:
        for col in table.columns:
            v = row[col.name]
            if not v:
                if col.required:
                    out.add(file, n, col.name, "required value is empty")
                continue
            if col.kind == "id" and not re.fullmatch(col.pattern, v):
                out.add(file, n, col.name, f"'{v}' does not match the id pattern {col.pattern}")
            elif col.kind == "enum" and v not in col.choices:
                out.add(file, n, col.name, f"'{v}' is not one of: {', '.join(c or '(empty)' for c in col.choices)}")
            elif col.kind == "number":
                try:
                    float(v)
                except ValueError:
                    out.add(file, n, col.name, f"'{v}' is not a number (write digits, e.g. 31000 or 2.1)")
            elif col.kind == "date":
                try:
                    date_bounds(v)
                except ValueError as exc:
                    out.add(file, n, col.name, str(exc))
            elif col.kind == "url" and not URL.match(v):
                out.add(file, n, col.name, f"'{v[:80]}' is not a plain http(s) URL (no spaces, "
                        "quotes, brackets or angle brackets; percent-encode them)")
        key = row[table.key]
        if key:
            if key in seen:
                out.add(file, n, table.key, f"duplicate id '{key}' (first used in row {seen[key]})")
            else:
                seen[key] = n


def _num(v: str) -> float | None:
    try:
        return float(v) if v else None
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


def _check_figures(rows, file, known, indicators, out: _Collector) -> None:
    for n, r in rows:
        ind = indicators.get(r["indicator"])
        if r["indicator"] and ind is None:
            out.add(file, n, "indicator", f"unknown indicator '{r['indicator']}' (add it to data/indicators.csv)")
        elif ind is not None and r["unit"] and r["unit"] != ind["unit"]:
            out.add(file, n, "unit", f"unit '{r['unit']}' differs from indicator '{r['indicator']}' unit '{ind['unit']}'")
        if r["source_id"] and r["source_id"] not in known["sources"]:
            out.add(file, n, "source_id", f"unknown source '{r['source_id']}' (add it to data/sources.csv)")
        for code in filter(None, (c.strip() for c in r["geography"].split(";"))):
            if code not in known["geographies"]:
                out.add(file, n, "geography", f"unknown geography code '{code}' (add it to data/geographies.csv)")
        if r["partner"] and r["partner"] not in known["geographies"]:
            out.add(file, n, "partner", f"unknown geography code '{r['partner']}'")
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

        if r["stated"] and r["quote"] and r["stated"] not in r["quote"]:
            out.add(file, n, "stated", f"'{r['stated']}' does not appear verbatim in the quote")
        factor = SCALES.get(r["scale"], 1.0)
        for c, v in (("value", value), ("low", low), ("high", high)):
            if v is not None and r["quote"] and not states_number(r["quote"], v * factor):
                shown = f"{v:g}" + (f" {r['scale']}" if r["scale"] else "")
                out.add(file, n, c, f"the number {shown} does not appear in the quote")

        p = r["period"]
        if p == "annual" and r["period_start"] and r["period_end"]:
            if r["period_start"][:4] != r["period_end"][:4] and _valid_date(r["period_start"]):
                out.add(file, n, "period_end", "an annual figure starts and ends in the same year (use 'span' otherwise)")
        if p in ("annual", "span") and not r["period_start"]:
            out.add(file, n, "period_start", f"a '{p}' figure needs period_start")
        if p == "on_date" and r["period_start"] and r["period_start"] != r["period_end"]:
            out.add(file, n, "period_start", "an on_date figure has one date: period_start equals period_end (or is empty)")
        _check_order(file, n, out, "period_start", r["period_start"], "period_end", r["period_end"])


def _check_events(rows, file, known, out):
    for n, r in rows:
        for code in filter(None, (c.strip() for c in r["countries"].split(";"))):
            if code not in known["countries"]:
                out.add(file, n, "countries", f"unknown country code '{code}' (use ISO 3166-1 alpha-3 codes listed in data/geographies.csv)")
        if r["place_id"] and r["place_id"] not in known["places"]:
            out.add(file, n, "place_id", f"unknown place '{r['place_id']}' (add it to data/places.csv)")
        if r["source_id"] and r["source_id"] not in known["sources"]:
            out.add(file, n, "source_id", f"unknown source '{r['source_id']}'")
        _check_order(file, n, out, "date", r["date"], "end_date", r["end_date"])


def _check_places(rows, file, known, out):
    for n, r in rows:
        if r["country"] and r["country"] not in known["countries"]:
            out.add(file, n, "country", f"unknown country code '{r['country']}'")
        if r["source_id"] and r["source_id"] not in known["sources"]:
            out.add(file, n, "source_id", f"unknown source '{r['source_id']}'")
        for c, lim in (("lat", 90), ("lon", 180)):
            v = _num(r[c])
            if v is not None and not -lim <= v <= lim:
                out.add(file, n, c, f"{c} {v:g} is outside -{lim}..{lim}")


def _check_fx_rates(rows, file, known, out):
    for n, r in rows:
        if r["source_id"] and r["source_id"] not in known["sources"]:
            out.add(file, n, "source_id", f"unknown source '{r['source_id']}'")
        rate = _num(r["per_usd"])
        if rate is not None and rate <= 0:
            out.add(file, n, "per_usd", f"rate {rate:g} must be above zero")
        if r["stated"] and r["quote"] and r["stated"] not in r["quote"]:
            out.add(file, n, "stated", f"'{r['stated']}' does not appear verbatim in the quote")
        if rate is not None and r["quote"] and not states_number(r["quote"], rate):
            out.add(file, n, "per_usd", f"the rate {rate:g} does not appear in the quote")


def _check_conflicts(rows, file, known, out):
    for n, r in rows:
        ids = [i.strip() for i in r["figure_ids"].split(";") if i.strip()]
        if len(ids) < 2:
            out.add(file, n, "figure_ids", "a conflict names at least two figures, separated by ';'")
        for fid in ids:
            if fid not in known["figures"]:
                out.add(file, n, "figure_ids", f"unknown figure '{fid}'")
        if r["book_uses"] and r["book_uses"] not in ids:
            out.add(file, n, "book_uses", f"'{r['book_uses']}' is not one of the conflicting figures")


def _check_geographies(rows, file, out):
    countries = {r["code"] for _, r in rows if r["kind"] == "country"}
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


@dataclass
class Dataset:
    """The validated tables, as DataFrames of strings and floats."""

    sources: pd.DataFrame
    indicators: pd.DataFrame
    geographies: pd.DataFrame
    places: pd.DataFrame
    figures: pd.DataFrame
    events: pd.DataFrame
    fx_rates: pd.DataFrame
    conflicts: pd.DataFrame

    def figure(self, figure_id: str) -> pd.Series:
        """One figure with its indicator metadata and source, by id (KeyError names it)."""
        table = self.figures_with_meta()
        if figure_id not in table.index:
            raise KeyError(f"no figure '{figure_id}' in data/figures.csv")
        return table.loc[figure_id]

    def figures_with_meta(self) -> pd.DataFrame:
        """Figures joined to their indicator's metadata and their source (the metadata travels)."""
        ind = self.indicators.rename(columns={"title": "indicator_title", "unit": "indicator_unit",
                                              "description": "indicator_description",
                                              "caveats": "indicator_caveats"})
        src = self.sources.rename(columns={"title": "source_title", "kind": "source_kind",
                                           "url": "source_url", "note": "source_note"})
        out = (self.figures.reset_index()
               .merge(ind, on="indicator", how="left")
               .merge(src, on="source_id", how="left")
               .set_index("figure_id"))
        return out


def validate(data_dir: Path | None = None) -> tuple[dict[str, list[tuple[int, dict]]], list[Problem]]:
    """Check every table and every rule across tables. Returns the rows and all problems."""
    data_dir = Path(data_dir) if data_dir else DATA
    out = _Collector()
    rows: dict[str, list[tuple[int, dict]]] = {}
    for table in schema.TABLES:
        path = data_dir / table.file
        rows[table.name] = _read_rows(path, table, out)
        _check_cells(rows[table.name], table, relative(path), out)
    geos = {r["code"]: r for _, r in rows["geographies"]}
    known = {
        "sources": {r["source_id"] for _, r in rows["sources"]},
        "geographies": set(geos),
        "countries": {c for c, r in geos.items() if r["kind"] == "country"},
        "places": {r["place_id"] for _, r in rows["places"]},
        "figures": {r["figure_id"] for _, r in rows["figures"]},
    }
    indicators = {r["indicator"]: r for _, r in rows["indicators"]}
    f = lambda t: relative(data_dir / f"{t}.csv")  # noqa: E731
    _check_geographies(rows["geographies"], f("geographies"), out)
    _check_places(rows["places"], f("places"), known, out)
    _check_figures(rows["figures"], f("figures"), known, indicators, out)
    _check_events(rows["events"], f("events"), known, out)
    _check_fx_rates(rows["fx_rates"], f("fx_rates"), known, out)
    _check_conflicts(rows["conflicts"], f("conflicts"), known, out)
    return rows, out.problems


def _frame(table: schema.Table, rows) -> pd.DataFrame:
    df = pd.DataFrame([r for _, r in rows], columns=table.column_names)
    for col in table.columns:
        if col.kind == "number":
            df[col.name] = pd.to_numeric(df[col.name].replace("", None)).astype("float64")
    return df.set_index(table.key)


@lru_cache(maxsize=4)
def _load_cached(data_dir: str, stamp: tuple) -> Dataset:
    rows, problems = validate(Path(data_dir))
    if problems:
        raise DataError(problems)
    frames = {t.name: _frame(t, rows[t.name]) for t in schema.TABLES}
    return Dataset(**frames)


def load(data_dir: Path | str | None = None) -> Dataset:
    """Validated tables from data/ (or `data_dir`); raises DataError listing every problem."""
    d = Path(data_dir) if data_dir else DATA
    # Cache on the files' mtimes so a notebook or test sees edits without a restart.
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in d.glob("*.csv")))
    cached = _load_cached(str(d), stamp)
    # Copies, so that one caller's edits never leak into another's tables.
    return Dataset(**{k: v.copy() for k, v in vars(cached).items()})
