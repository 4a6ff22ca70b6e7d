"""What the site says about itself, computed from the data so that it is always true.

The footer of every page and the "Data and methods" page use these sentences; none of their
numbers is typed by hand.
"""

from __future__ import annotations

import tomllib

from ..paths import ROOT
from .load import Dataset, blank


def edition(root=ROOT) -> str:
    """The edition of the book and its data: the version in pyproject.toml (set there once)."""
    with open(root / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def figure_links(ds: Dataset) -> dict:
    """How the figures link to their sources: total, with a web address, and those without
    (each with its source's publisher), from each figure's primary citation."""
    figs = ds.figures_with_meta()
    without = figs[[blank(u) for u in figs["source_url"]]]
    return {"total": len(figs), "with_url": len(figs) - len(without),
            "without": [(fid, str(r["publisher"])) for fid, r in without.iterrows()]}


def _n(k: int, noun: str) -> str:
    return f"{k:,} {noun}" + ("" if k == 1 else "s")


def links_sentence(ds: Dataset) -> str:
    """'Every figure links to its source: 160 of 162 to the web page that states it, 2 to the
    book's list of sources, where no web address is known.'"""
    c = figure_links(ds)
    if not c["without"]:
        return f"Every one of the {_n(c['total'], 'figure')} links to the web page that states it."
    k = len(c["without"])
    return (f"Every figure links to its source: {c['with_url']:,} of {c['total']:,} to the web "
            f"page that states it, {k:,} to the book's list of sources, where no web address "
            "is known.")
