"""What a page reads, recorded while it executes, so the build re-executes a page only when
something it read changed (fraudbook.build.digest).

Two things are recorded: the tables of data/ the page touches (any attribute of the Dataset
that `page.setup()` returns), and the figures it shows (every figure that reaches the page
through the kit: sentences, statements, figures, tables, chart data). The build reads the
record from the file named by FRAUDBOOK_READS; outside a build nothing is written.
"""

from __future__ import annotations

import json
import os

import pandas as pd

from ..data.load import Dataset

ENV = "FRAUDBOOK_READS"
_tables: set[str] = set()
_figures: set[str] = set()


def _write() -> None:
    path = os.environ.get(ENV)
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"tables": sorted(_tables), "figures": sorted(_figures)}, f)


def table(name: str) -> None:
    if name not in _tables:
        _tables.add(name)
        _write()


def figures(ids) -> None:
    new = {str(i) for i in ids if isinstance(i, str)} - _figures
    if new:
        _figures.update(new)
        _write()


def shown(df) -> None:
    """Record the figures of a frame or row about to be shown (by figure_id)."""
    if isinstance(df, pd.Series):
        fid = df.get("figure_id", df.name)
        figures([fid] if isinstance(fid, str) else [])
    elif isinstance(df, pd.DataFrame):
        if "figure_id" in df.columns:
            figures(df["figure_id"].dropna())
        elif df.index.name == "figure_id":
            figures(df.index)


class TrackedDataset(Dataset):
    """A Dataset that records which of its tables a page reads."""

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if isinstance(value, pd.DataFrame):
            table(name)
        return value


def track(ds: Dataset) -> Dataset:
    tracked = object.__new__(TrackedDataset)
    tracked.__dict__.update(ds.__dict__)
    return tracked
