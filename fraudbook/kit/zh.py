"""A figure in Chinese, from the same data as the English pages: the amount with its qualifier
read from the one qualifier table (fraudbook.kit.qualifiers: 超过, 近, 约, 至少 …), units
such as 万 and 亿 where a Chinese reader expects them, and dates as 2026年2月11日.

Nothing here rounds. A number is shown in 万 or 亿 only when that writes it exactly (3.22亿
is 322,000,000; 4,100,000,000 is 41亿) with at most two decimals; otherwise it keeps its
digits (467,361 stays 467,361). The exact value is always `exact_text`, for the page to put one tap away.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..data.numbers import scaled_decimal
from ..data.values import blank, date_bounds
from ..paths import current
from . import qualifiers

GLOSSARY = "zh/glossary.csv"
GLOSSARY_COLUMNS = ["term_en", "term_zh", "meaning", "citation_id"]

# 万 = 10^4, 亿 = 10^8, 万亿 = 10^12: the largest that writes the number with at most DIGITS
# decimals (467,361 is not 46.7361万: it keeps its digits).
CJK_UNITS = ((Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
DIGITS = 2
# Currencies as a Chinese text names them after the number: 35亿美元, 2000万元.
CURRENCY = {"USD": "美元", "CNY": "元", "EUR": "欧元"}
# The measure words of the units (data/figures.csv `unit`), after the number: 21万人, 4.6万起.
UNIT = {
    "people": "人", "cases": "起", "complaints": "件", "calls": "次", "messages": "条",
    "websites": "个网站", "ip_addresses": "个IP地址", "domains": "个域名", "percent": "%",
    "countries": "个国家", "scam_centres": "个诈骗窝点", "compounds": "个园区",
    "buildings": "栋建筑", "requests": "次请求", "respondents": "名受访者", "bitcoin": "枚比特币",
}


def _plain(d: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 3.2200 -> 3.22, 4.1E+9 -> 4100000000."""
    text = format(d.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def grouped(d: Decimal) -> str:
    """Digits grouped by thousands, as Chinese statistics print them: 1,234,567."""
    whole, _, frac = _plain(d).partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    out = f"{int(whole):,}"
    return sign + out + (f".{frac}" if frac else "")


def number(value, scale=None) -> str:
    """A stated value times its scale, written the Chinese way where that is exact: 41亿,
    32.2万, 3.22亿; else with its digits grouped (an amount under 10,000 is never put in 万)."""
    d = scaled_decimal(value, scale)
    for size, unit in CJK_UNITS:
        if abs(d) >= size:
            q = d / size
            if -q.as_tuple().exponent <= DIGITS or q == q.to_integral_value():
                return _plain(q) + unit
    return grouped(d)


def exact_text(value, scale=None) -> str:
    """The exact value in digits (the number a 万/亿 reading stands for): 4,100,000,000."""
    return grouped(scaled_decimal(value, scale))


def date(text: str) -> str:
    """'2026-02-11' -> '2026年2月11日', '2026-02' -> '2026年2月', '2026' -> '2026年'."""
    date_bounds(text)  # refuses what is no date, as everywhere in the book
    parts = [int(p) for p in str(text).split("-")]
    return "".join(f"{n}{u}" for n, u in zip(parts, ("年", "月", "日"), strict=False))


def amount(row: pd.Series) -> str:
    """The figure's amount in Chinese with its qualifier, unit and currency: '超过35亿美元',
    '约21万人', '18亿–37亿美元'. A figure stated only in words keeps the source's words."""
    q = row["qualifier"]
    if q == "unquantified":
        return str(row["stated"])
    if q == "range":
        core = f"{number(row['low'], row.get('scale'))}–{number(row['high'], row.get('scale'))}"
    else:
        core = number(row["value"], row.get("scale"))
    unit = row["unit"]
    if unit == "money":
        currency = row.get("currency")
        core += CURRENCY.get("" if blank(currency) else str(currency), f" {currency}")
    else:
        core += UNIT.get(unit, "")
    return qualifiers.WORDS_ZH[q] + core


def glossary(path: Path | None = None) -> pd.DataFrame:
    """The terms that carry meaning, fixed once (locales/zh/glossary.csv): each English term,
    its Chinese word, what the book means by it, and the citation of the data whose quote
    uses the word (the issuing body's usage, checked by the tests)."""
    path = path or current().locales / GLOSSARY
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(frame.columns) != GLOSSARY_COLUMNS:
        raise ValueError(f"{path}: the header must be {','.join(GLOSSARY_COLUMNS)}")
    empty = [(i + 2, c) for i, r in frame.iterrows() for c in GLOSSARY_COLUMNS if not r[c].strip()]
    if empty:
        raise ValueError(f"{path}, row {empty[0][0]}, column '{empty[0][1]}': required value is empty")
    return frame
