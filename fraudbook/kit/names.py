"""Places in prose: names with their article, lists joined the same way on every page."""

from __future__ import annotations

import pandas as pd

from ..data.coverage import codes, parent_country

# Names that take "the" in running prose ("in the Philippines").
ARTICLE_NAMES = {"Philippines", "United States", "United Kingdom", "Netherlands",
                 "Czech Republic", "Central African Republic", "Gambia", "Bahamas", "Maldives",
                 "United Arab Emirates", "Dominican Republic"}


def prose_name(name: str) -> str:
    """'Philippines' -> 'the Philippines'; 'Laos' -> 'Laos'."""
    return f"the {name}" if name in ARTICLE_NAMES else name


def join(words, empty: str = "") -> str:
    """[] -> empty; ['a'] -> 'a'; ['a', 'b', 'c'] -> 'a, b and c'."""
    words = [str(w) for w in words]
    if not words:
        return empty
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def name(code: str, geographies: pd.DataFrame) -> str:
    """A geography's name (KeyError names an unknown code)."""
    if code not in geographies.index:
        raise KeyError(f"unknown geography code '{code}' (see data/geographies.csv)")
    return str(geographies.loc[code, "name"])


def names(cell, geographies: pd.DataFrame, combined: str = "") -> str:
    """'KHM;LAO;MMR' -> 'Cambodia, Laos and Myanmar' + `combined` when there are several
    (several codes are one combined figure, never split)."""
    parts = [name(c, geographies) for c in codes(cell)]
    text = join(parts)
    return text + combined if len(parts) > 1 and combined else text


def country_codes(geographies: pd.DataFrame, country: str) -> list[str]:
    """The country's code and the codes of the areas inside it, in the table's order."""
    parent = parent_country(geographies)
    return [c for c in geographies.index if parent.get(c) == country]
