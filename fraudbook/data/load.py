"""The one loader: read every table in data/, check every rule, return tidy DataFrames.

Every notebook and every test loads the data through `load()`. A broken rule raises
`DataError`, which lists each problem as `file, row, column: reason`, so the person who
broke it can go straight to the cell. Rows are numbered as in the file: the header is
row 1, the first record row 2.
"""


from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..paths import DATA
from . import schema
from .rules import DataError, _num, validate


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
    citations: pd.DataFrame
    changes: pd.DataFrame
    audit: pd.DataFrame
    searches: pd.DataFrame

    def citations_of(self, subject_id: str) -> pd.DataFrame:
        """The citations of one figure or event, primary first, with their sources' columns."""
        c = self.citations[self.citations["subject_id"] == subject_id].reset_index()
        src = self.sources.rename(columns={"title": "source_title", "kind": "source_kind",
                                           "url": "source_url", "note": "source_note"})
        c = c.merge(src, left_on="source_id", right_index=True, how="left")
        c["strength"] = c["source_kind"].map(schema.STRENGTH)
        c["_order"] = (c["role"] != "primary").astype(int)
        return c.sort_values(["_order", "citation_id"], kind="stable").drop(columns="_order") \
            .set_index("citation_id")

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


def _frame(table: schema.Table, rows) -> pd.DataFrame:
    df = pd.DataFrame([r for _, r in rows], columns=table.column_names)
    for col in table.columns:
        if col.kind == "number":
            df[col.name] = df[col.name].map(_num).astype("float64")  # the check's own reading
    return df.set_index(table.key)


@lru_cache(maxsize=4)
def _load_cached(data_dir: str, stamp: tuple) -> Dataset:
    rows, problems = validate(Path(data_dir))
    if problems:
        raise DataError(problems)
    frames = {t.name: _frame(t, rows[t.name]) for t in schema.TABLES}
    # The primary citation's source and words travel with each figure and event, in the
    # columns chapter code has always read (source_id, stated, quote).
    cit = frames["citations"]
    primary = cit[cit["role"] == "primary"].set_index("subject_id")
    for name, cols in (("figures", ("source_id", "stated", "quote")),
                       ("events", ("source_id", "quote"))):
        df = frames[name]
        extra = primary.reindex(df.index)[list(cols)]
        at = list(df.columns).index("note") if "note" in df.columns else len(df.columns)
        for i, c in enumerate(cols):
            df.insert(at + i, c, extra[c].values)
        frames[name] = df
    return Dataset(**frames)


def load(data_dir: Path | str | None = None) -> Dataset:
    """Validated tables from data/ (or `data_dir`); raises DataError listing every problem."""
    d = Path(data_dir) if data_dir else DATA
    # Cache on the files' mtimes so a notebook or test sees edits without a restart.
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in d.glob("*.csv")))
    cached = _load_cached(str(d), stamp)
    # Copies, so that one caller's edits never leak into another's tables.
    return Dataset(**{k: v.copy() for k, v in vars(cached).items()})
