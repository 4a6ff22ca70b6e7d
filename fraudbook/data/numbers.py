"""Read the numbers a sentence states, so that a figure can be checked against its quote.

Sources write numbers many ways: "31,000", "$37 billion", "US$40bn", "2.1 billion",
"46.4万起", "21亿次", "6.8萬名", "20-40 billion", "six suspects", "half a million", "六成",
"0,9296 Euro" (a decimal comma).
`numbers_in` returns every value such a sentence states, as plain floats (37e9 for
"$37 billion"), so the loader can ask whether a figure's value is among them.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from ..errors import FraudbookError
from .values import blank

SCALES = {
    "": 1.0,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}

# English scale words and their abbreviations, longest first so "bn" wins over "b".
_SCALE_WORDS = {
    "trillion": 1e12, "tn": 1e12,
    "billion": 1e9, "bn": 1e9, "b": 1e9,
    "million": 1e6, "mn": 1e6, "m": 1e6,
    "thousand": 1e3, "k": 1e3,
}
# Chinese myriad units (simplified and traditional).
_CJK_SCALES = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
_CJK_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20,
}

# A number: digits with optional thousands separators and decimals ("1,389", "16.6").
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_EN_SCALE = r"trillion|billion|million|thousand|tn|bn|mn|b|m|k"
_NUMBER = re.compile(
    rf"(?P<num>{_NUM})"
    rf"(?:\s*(?P<cjk>[万萬亿億])|\s?(?P<en>{_EN_SCALE})(?![a-z]))?",
    re.IGNORECASE,
)
# "20-40 billion", "18 to 37 million": the scale word after the second number
# applies to the first as well.
_RANGE = re.compile(
    rf"(?P<a>{_NUM})\s*(?:-|–|—|to|and)\s*(?:US\s?\$|\$|€|¥)?\s*(?P<b>{_NUM})\s?(?P<en>{_EN_SCALE})(?![a-z])",
    re.IGNORECASE,
)
# A decimal comma, as German or French sources write it: "0,9296 Euro". A comma followed by
# exactly three digits stays a thousands separator ("1,389"), so only other lengths count.
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])(\d+),(\d{1,2}|\d{4,})(?![\d,])")
_HALF = re.compile(r"\bhalf an? (million|billion|trillion)\b", re.IGNORECASE)
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)
_CHENG = re.compile(r"([一二两兩三四五六七八九十])成")


def factor(scale) -> float:
    """What a figure's `scale` multiplies its value by (1 for none)."""
    return 1.0 if blank(scale) else SCALES[str(scale)]


def scaled_decimal(value, scale) -> Decimal:
    """A stated value times its scale, in decimal arithmetic: 4.1 billion is 4100000000, not
    the 4099999999.9999995 that binary floating point makes of 4.1 * 1e9."""
    return Decimal(str(value)) * Decimal(repr(factor(scale)))


def scaled(value, scale) -> float:
    """scaled_decimal as a float (exact for every amount the data states)."""
    return float(scaled_decimal(value, scale))


def _to_float(text: str) -> float:
    return float(text.replace(",", ""))


def numbers_in(text: str) -> list[float]:
    """Every number stated in `text`, with its scale applied (e.g. "$37 billion" -> 37e9).

    A bare number is returned as written; a number with a scale word is returned
    multiplied out. Percentages are returned as the number before "%".
    """
    found: list[float] = []
    for m in _NUMBER.finditer(text):
        value = _to_float(m.group("num"))
        if m.group("cjk"):
            value *= _CJK_SCALES[m.group("cjk")]
        elif m.group("en"):
            word = m.group("en").lower()
            # A lone "m"/"b"/"k" only counts glued to the number ("$750m", "16.6B"),
            # so that "3 m tall" or "5 b" typos do not masquerade as scales.
            if len(word) == 1 and m.group(0)[len(m.group("num"))] == " ":
                pass
            else:
                value *= _SCALE_WORDS[word]
        found.append(value)
    for m in _RANGE.finditer(text):
        found.append(_to_float(m.group("a")) * _SCALE_WORDS[m.group("en").lower()])
    for m in _DECIMAL_COMMA.finditer(text):
        found.append(float(f"{m.group(1)}.{m.group(2)}"))
    for m in _HALF.finditer(text):
        found.append(0.5 * _SCALE_WORDS[m.group(1).lower()])
    for m in _WORD.finditer(text):
        found.append(float(_WORDS[m.group(1).lower()]))
    for m in _CHENG.finditer(text):
        found.append(float(_CJK_DIGITS[m.group(1)] * 10))
    return found


def states_number(text: str, value: float) -> bool:
    """True if `text` states `value` (already multiplied by its scale)."""
    return any(math.isclose(value, n, rel_tol=1e-9, abs_tol=1e-9) for n in numbers_in(text))


# --- numbers written in a cell of data/ ----------------------------------------------------

# The one way a number is written in a table: optional minus, ASCII digits, optional fraction.
# Python's float() also takes "1_000", "١٢٣" (other scripts' digits), "nan", "inf", " 1e3";
# pandas does not take all of those, so neither the check nor the loader may use float() on
# a cell directly: both call parse_cell_number, so what the check accepts the loader reads.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
MAX_NUMBER_CHARS = 40


class CellNumberError(FraudbookError, ValueError):
    """A cell that should hold a number does not; the message says why, in plain words."""


def _why_not(text: str) -> str:
    low = text.strip().lower().lstrip("+-")
    if low in ("nan", "inf", "infinity", "-inf", "+inf") or low.startswith(("nan", "inf")):
        return "NaN and infinity are not values (leave the cell empty when there is no number)"
    for ch in text:
        if ch.isdigit() and not "0" <= ch <= "9":
            return (f"it contains the non-ASCII digit '{ch}' (U+{ord(ch):04X}); write the digits "
                    "0-9")
    if "_" in text:
        return "write the digits without '_' separators, e.g. 31000"
    if "," in text:
        return "write the digits without thousands separators or decimal commas, e.g. 31000 or 2.1"
    if re.search(r"[0-9.]\s*[eE]\s*[-+]?[0-9]", text):
        return "write the number out without an exponent, e.g. 1000 rather than 1e3"
    if text != text.strip() or re.search(r"\s", text):
        return "it contains spaces; write the digits only, e.g. 31000"
    if text.startswith("+"):
        return "write it without a '+' sign"
    if text.startswith(".") or text.startswith("-.") or text.endswith("."):
        return "write a digit on both sides of the decimal point, e.g. 0.5"
    return "write digits, e.g. 31000 or 2.1, with an optional minus sign and decimal point"


def parse_cell_number(text: str) -> float:
    """The number a table cell holds: only `-?digits(.digits)?` in ASCII, finite.

    Raises CellNumberError (a ValueError) whose message names the value, bounded, and says
    how to write it.
    """
    if not isinstance(text, str):
        raise CellNumberError(f"{text!r:.60} is not a number written as text")
    shown = text if len(text) <= MAX_NUMBER_CHARS else text[:MAX_NUMBER_CHARS] + "…"
    shown = shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown
    if len(text) > MAX_NUMBER_CHARS and PLAIN_NUMBER.fullmatch(text):
        raise CellNumberError(f"'{shown}' is not a number the book can use: it has more than "
                              f"{MAX_NUMBER_CHARS} characters")
    if not PLAIN_NUMBER.fullmatch(text):
        raise CellNumberError(f"'{shown}' is not a number: {_why_not(text)}")
    value = float(text)
    if not math.isfinite(value):  # cannot happen within MAX_NUMBER_CHARS, kept as a guard
        raise CellNumberError(f"'{shown}' is too large to be a number")
    return value
