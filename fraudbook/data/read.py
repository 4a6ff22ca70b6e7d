"""Reading one CSV table of data/ defensively: bytes -> header and rows, or problems.

Everything a careless editor or a hostile file can do to a table is reported here as a
problem naming the row (the header is row 1, the first record row 2, counted as records,
so a quoted value spanning lines is still one row) and, where known, the column:

- bytes that are not UTF-8 (the byte, its offset and the row it falls in), UTF-16 files;
- a UTF-8 byte order mark at the start is accepted silently (spreadsheets write one);
- NUL bytes and other control or invisible formatting characters in a value;
- a header with an unnamed column (a trailing comma), a duplicated or mis-cased name;
- rows with too many or too few fields, with a hint when curly quotes were used as CSV quotes;
- a value longer than MAX_FIELD characters (usually an unclosed quote swallowing rows);
- malformed quoting (a quote that never closes, text after a closing quote).

Text from the file is only ever shown through `shown()`: escaped, bounded, on one line.
"""

from __future__ import annotations

import csv
import difflib
import io
import unicodedata
from contextlib import contextmanager
from pathlib import Path

# The longest value a cell may hold (the longest in data/ is about 700 characters).
MAX_FIELD = 2000
# The largest table file read at all.
MAX_BYTES = 20_000_000
# At most this many problems are reported per file (the rest are counted).
MAX_PROBLEMS = 50
BOM = "\ufeff"
CURLY_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb"


def printable(text, limit: int = 60, backslash: bool = True) -> str:
    """`text` on one line: control and invisible characters escaped (\\n, \\x00, \\u202e),
    cut to `limit` characters with an ellipsis. For showing data inside a message."""
    s = str(text)
    cut = s[:limit]
    out = []
    for ch in cut:
        if ch == "\\" and backslash:
            out.append("\\\\")
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out) + ("…" if len(s) > limit else "")


def shown(text, limit: int = 60) -> str:
    """`text` quoted for a message: 'like this', escaped and bounded (see `printable`)."""
    return f"'{printable(text, limit)}'"


def shown_id(text, limit: int = 60) -> str:
    """An id quoted for a message, with its first character outside ASCII named by code point:
    ids are ASCII, and a Cyrillic 'О' prints exactly like a Latin 'O'."""
    s = str(text)
    odd = next(((i, ch) for i, ch in enumerate(s, 1) if not ch.isascii()), None)
    if odd is None:
        return shown(s, limit)
    i, ch = odd
    name = unicodedata.name(ch, "")
    return (f"{shown(s, limit)} (character {i} is U+{ord(ch):04X}{' ' + name if name else ''}, "
            "not an ASCII letter: retype it)")


def bad_character(value: str) -> tuple[int, str] | None:
    """The first character a value may not hold, as (position from 1, description), or None.

    Refused: NUL and other control characters except tab and line breaks inside quotes,
    and invisible formatting characters (zero-width spaces, byte order marks, bidirectional
    overrides) that would make two equal-looking values differ or reorder a message.
    """
    for i, ch in enumerate(value, 1):
        if ch in "\t\n\r":
            continue
        cat = unicodedata.category(ch)
        if ch == "\x00":
            return i, "a NUL byte (\\x00)"
        if cat in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"):
            name = unicodedata.name(ch, "")
            label = f"U+{ord(ch):04X}" + (f" {name}" if name else "")
            kind = "control" if cat == "Cc" else "invisible"
            return i, f"the {kind} character {label}"
    return None


class Table:
    """What `read_table` found: the rows, and problems as (row, column, reason)."""

    def __init__(self):
        self.rows: list[tuple[int, dict]] = []
        self.problems: list[tuple[int | None, str | None, str]] = []
        self._dropped = 0
        # False when reading stopped before the end (no usable header, an unclosed quote, a
        # file that cannot be read): the table's ids are then unknown to the other tables.
        self.complete = True

    def add(self, row: int | None, column: str | None, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((row, column, reason))
        else:
            self._dropped += 1

    def stopped(self) -> Table:
        """The table as far as it was read, marked incomplete."""
        self.complete = False
        return self.finish()

    def finish(self) -> Table:
        if self._dropped:
            self.problems.append((None, None, f"{self._dropped} more problem(s) in this file not "
                                              "listed; fix the ones above first"))
        return self


def _row_at(text: str) -> int:
    """The row (header = 1) in which the end of `text`, a prefix of a file, falls."""
    rows = 0
    try:
        for _ in csv.reader(io.StringIO(text, newline="")):
            rows += 1
    except csv.Error:
        pass
    return max(rows, 1) + (1 if text.endswith(("\n", "\r")) else 0)


def decode(raw: bytes, out: Table) -> str | None:
    """The text of a table file, or None (UTF-16) with the problem added to `out`. Bytes that
    are not UTF-8 are reported (the first one: byte, offset, row) and read as U+FFFD, so the
    rest of the file is still checked and its ids still known to the other tables."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        out.add(None, None, "the file is UTF-16 text; save it as UTF-8 (CSV UTF-8 in spreadsheets)")
        return None
    skipped = 0
    if raw.startswith(BOM.encode()):
        raw, skipped = raw[3:], 3  # a spreadsheet's byte order mark: harmless, ignored
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start].decode("utf-8", errors="replace")
        out.add(_row_at(before), None,
                f"not UTF-8 text: byte 0x{raw[exc.start]:02X} at byte offset {exc.start + skipped} "
                f"(line {before.count(chr(10)) + 1}); save the file as UTF-8")
        return raw.decode("utf-8", errors="replace")


def _header_problems(header: list[str], expected: list[str], out: Table) -> bool:
    """Check the header against the schema's columns; True when the rows can be read.

    A renamed or mistyped column is one problem, not an unknown and a missing one."""
    lower = {c.lower(): c for c in expected}
    if header and not {h.lower() for h in header} & set(lower):
        out.add(1, None, f"the first row is not this table's header (none of its names is a "
                         f"column); the header is: {','.join(expected)}")
        return False
    ok = True
    missing = [c for c in expected if c not in header]
    seen: set[str] = set()
    for i, name in enumerate(header, 1):
        if not name:
            where = "the last column" if i == len(header) else f"column {i}"
            out.add(1, None, f"{where} of the header has no name (a trailing comma, or an "
                             "extra unnamed column?); remove it from the header and every row")
            ok = False
            continue
        bad = bad_character(name)
        if bad:
            out.add(1, printable(name), f"the column name contains {bad[1]} at position {bad[0]}; "
                                        "retype the name")
            ok = False
        elif name not in expected:
            close = lower.get(name.lower()) if name.lower() in lower else next(
                iter(difflib.get_close_matches(name, missing, n=1, cutoff=0.75)), None)
            if close in missing:
                missing.remove(close)   # reported here, as the name this one stands for
                why = ("column names are lowercase" if close.lower() == name.lower()
                       else f"is it '{close}' mistyped? The table has no '{close}'")
                out.add(1, printable(name), f"unknown column; {why}: rename the column '{close}'")
            else:
                out.add(1, printable(name), "unknown column (add it to fraudbook/data/schema.py, "
                                            "data/columns.csv and data/README.md, or remove it)")
            ok = False
        if name in seen:
            out.add(1, printable(name), "the column name appears twice in the header")
            ok = False
        seen.add(name)
    for c in missing:
        out.add(1, c, "missing column")
        ok = False
    return ok


@contextmanager
def _field_limit(limit: int):
    """Let the csv module read fields up to `limit` characters (its own limit, 131,072, would
    stop the file without naming the column); a longer cell is then refused by our own
    MAX_FIELD check, with its column. The setting is the module's, so it is put back."""
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, limit))
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _check_record(n: int, record: list[str], header: list[str], out: Table) -> dict | None:
    if not record or all(not f.strip() for f in record):
        out.add(n, None, "empty row")
        return None
    curly = any(f.strip() and (f.strip()[0] in CURLY_QUOTES or f.strip()[-1] in CURLY_QUOTES)
                for f in record)
    if len(record) != len(header):
        if curly:
            hint = (" it uses curly quotes (“ ”) around a value: CSV needs straight double "
                    'quotes (")')
        elif len(record) == len(header) + 1 and not record[-1].strip():
            hint = " a trailing comma adds an unnamed field at the end; remove it"
        elif len(record) > len(header):
            hint = (f" the extra text starts with {shown(record[len(header)], 40)}; put a value "
                    "holding a comma in double quotes")
        else:
            hint = " a value is missing, or a line break splits the row"
        out.add(n, None, f"malformed row: {len(record)} fields where the header has "
                         f"{len(header)};{hint}")
        return None
    # A value refused here is reported; the row is still kept so that its other cells are
    # checked and its id is known to the other tables (the problem alone stops the load).
    for name, value in zip(header, record, strict=True):
        if len(value) > MAX_FIELD:
            out.add(n, name, f"value is {len(value):,} characters long; the limit is "
                             f"{MAX_FIELD:,} (an unclosed quote swallowing the rows below?)")
            continue
        bad = bad_character(value)
        if bad:
            out.add(n, name, f"value contains {bad[1]} at character {bad[0]}; remove it")
    return {h: v.strip() for h, v in zip(header, record, strict=True)}


def read_table(path: Path, expected: list[str], within: Path | None = None) -> Table:
    """Rows of one CSV as (row number, {column: text}), and every problem found reading it.

    With `within`, a file that resolves outside that folder (a symbolic link leading out of
    the data) is refused unread: its text would be echoed into messages and pages."""
    out = Table()
    try:
        if within is not None and path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(Path(within).resolve()):
                out.add(None, None, "is a symbolic link leading out of the data folder; a table "
                                    "must be a file inside it")
                return out.stopped()
        size = path.stat().st_size
        if size > MAX_BYTES:
            out.add(None, None, f"file is {size:,} bytes; a table may hold at most {MAX_BYTES:,}")
            return out.stopped()
        raw = path.read_bytes()
    except FileNotFoundError:
        out.add(None, None, "file is missing")
        return out.stopped()
    except OSError as exc:
        out.add(None, None, f"cannot be read ({exc.strerror or type(exc).__name__})")
        return out.stopped()
    text = decode(raw, out)
    if text is None:
        return out.stopped()
    if not text.strip():
        out.add(None, None, "file is empty (expected a header row and records)")
        return out.stopped()
    with _field_limit(len(text) + 1):
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        n = 0
        header: list[str] | None = None
        while True:
            n += 1
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                reason = str(exc)
                if "unexpected end of data" in reason:
                    reason = "a quoted value that starts in this row never ends (an unclosed \" ?)"
                elif "expected after" in reason:
                    reason = ("text follows a closing double quote; inside a quoted value write a "
                              'double quote as ""')
                out.add(n, None, f"malformed CSV: {reason}")
                if header is None or "never ends" in reason:
                    out.complete = False
                    break
                continue
            if header is None:
                header = [h.strip() for h in record]
                if not _header_problems(header, expected, out):
                    return out.stopped()
                continue
            row = _check_record(n, record, header, out)
            if row is not None:
                out.rows.append((n, row))
    if header is not None and not out.rows and not out.problems:
        out.add(None, None, "file has a header but no records")
    return out.finish()
