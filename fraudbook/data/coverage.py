"""Which countries the data covers, and the ids that parameters and `for_each` may name.

A country is "covered" (gets its own page from a `for_each: {country: covered}` run) when the
data holds at least COVERED_MIN_ITEMS figures and events about it. The country pages and the
build ask this module, so the rule lives here once.
"""

from __future__ import annotations

from .load import Dataset
from .values import split_list

codes = split_list  # the codes of a geography cell

COVERED_MIN_ITEMS = 3


def parent_country(geographies) -> dict[str, str]:
    """Each geography code -> the country it lies in (a country maps to itself)."""
    return {code: (code if r["kind"] == "country" else r["country"])
            for code, r in geographies.iterrows()}


def country_coverage(ds: Dataset) -> dict[str, int]:
    """Figures and events per country code (a figure counts for its geography and partner)."""
    geo = ds.geographies
    parent = parent_country(geo)
    counts = {code: 0 for code, r in geo.iterrows() if r["kind"] == "country"}
    for _, f in ds.figures.iterrows():
        found = {parent.get(c) for c in codes(f["geography"])} | {parent.get(f["partner"])}
        for c in found & counts.keys():
            counts[c] += 1
    for countries in ds.events["countries"]:
        for c in set(codes(countries)) & counts.keys():
            counts[c] += 1
    return counts


def covered(ds: Dataset) -> list[str]:
    """Countries with a page of their own, sorted by code."""
    return sorted(c for c, n in country_coverage(ds).items() if n >= COVERED_MIN_ITEMS)


def merged_ids(ds: Dataset) -> dict[str, str]:
    """Figure ids folded into another figure (data/changes.csv, kind 'merged') -> the survivor,
    so that a page or parameter still naming an old id can be told which one to use."""
    ch = ds.changes
    merged = ch[ch["kind"] == "merged"]
    return dict(zip(merged["subject_id"], merged["new"], strict=True))


def known_ids(ds: Dataset) -> dict:
    """What parameters and `for_each` may refer to: geography codes, figure ids, coverage;
    `merged` maps figure ids folded into another figure to the survivor."""
    return {"geography": set(ds.geographies.index), "figure": set(ds.figures.index),
            "coverage": country_coverage(ds), "merged": merged_ids(ds)}
