"""What a page reads, recorded while it executes, so the build re-executes a page only when
something it read changed (fraudbook.pipeline.digest).

Recorded: the values of _config.yml the page prints (the book's title), the tables of data/
the page touches (any attribute of the Dataset that `page.setup()` returns), the figures it shows (every figure that reaches the page
through the kit: sentences, statements, figures, tables, chart data) and the events it shows
(the pages' "newest source" line reads both, fraudbook.pipeline.sphinx_ext), and the charts it
draws (their key, title, figures and sources: each chart gets a page of its own). The build
reads the record from the file named by FRAUDBOOK_READS; outside a build nothing is written.
"""

from __future__ import annotations

import json
import os

import pandas as pd

from ..data.load import Dataset
from ..paths import READS_ENV

ENV = READS_ENV
_tables: set[str] = set()
_figures: set[str] = set()
_events: set[str] = set()
_sources: set[str] = set()
_config: set[str] = set()
# The charts the page draws, by key: what the build needs to give each its own page and
# download bundle (fraudbook.pipeline.datapages): title, description, figures, sources.
_charts: dict[str, dict] = {}


def _write() -> None:
    path = os.environ.get(ENV)
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"tables": sorted(_tables), "figures": sorted(_figures),
                       "events": sorted(_events), "sources": sorted(_sources),
                       "config": sorted(_config), "charts": _charts}, f, sort_keys=True)


def config(key: str) -> None:
    """Record a value of _config.yml the page prints (by its dotted key, e.g. 'title')."""
    if key not in _config:
        _config.add(key)
        _write()


def chart(key: str, **record) -> None:
    """Record what a chart is (merged with what is known of it already)."""
    before = dict(_charts.get(key, {}))
    _charts.setdefault(key, {}).update(record)
    if _charts[key] != before:
        _write()


def table(name: str) -> None:
    if name not in _tables:
        _tables.add(name)
        _write()


def _add(store: set[str], ids) -> None:
    new = {str(i) for i in ids if isinstance(i, str)} - store
    if new:
        store.update(new)
        _write()


def figures(ids) -> None:
    _add(_figures, ids)


def events(ids) -> None:
    _add(_events, ids)


def sources(ids) -> None:
    _add(_sources, ids)


def shown(df) -> None:
    """Record the figures (by figure_id) or events (by event_id) of a frame or row about to
    be shown."""
    if isinstance(df, pd.Series):
        if "event_id" in df.index:
            events([df["event_id"]])
            return
        fid = df.get("figure_id", df.name)
        figures([fid] if isinstance(fid, str) else [])
    elif isinstance(df, pd.DataFrame):
        for key, record in (("figure_id", figures), ("event_id", events)):
            if key in df.columns:
                record(df[key].dropna())
            elif df.index.name == key:
                record(df.index)
        # A list of sources itself (the sources page): its rows are the sources shown.
        if df.index.name == "source_id":
            sources(df.index)
        elif "source_id" in df.columns and not {"figure_id", "event_id"} & {*df.columns, df.index.name}:
            sources(df["source_id"].dropna())


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
