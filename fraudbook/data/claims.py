"""What the site says about itself, computed from the data so that it is always true.

The footer of every page and the "Data and methods" page use these sentences; none of their
numbers is typed by hand.
"""

from __future__ import annotations

import tomllib

import pandas as pd

from ..paths import ROOT
from . import schema
from .load import Dataset
from .values import blank, strength


def edition(root=ROOT) -> str:
    """The edition of the book and its data: the version in pyproject.toml (set there once)."""
    with open(root / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def book_title(root=ROOT) -> str:
    """The book's title, as _config.yml sets it (once, for the site and every citation)."""
    import yaml

    with open(root / "_config.yml", encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}
    return str(config.get("title") or "The book")


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


# ------------------------------------------------------------------ the Data and methods page

# Kinds of source in the order the pages list them, strongest first (schema.KINDS_OF_SOURCE).
KIND_ORDER = {k: i for i, k in enumerate(schema.KINDS_OF_SOURCE)}
# Kinds of source that are the issuing body's own text.
OWN_TEXT = ("official", "research")


def _figure_citations(ds: Dataset) -> pd.DataFrame:
    """The citations of figures (not events), each with its source's kind and body."""
    c = ds.citations[ds.citations["subject_id"].isin(ds.figures.index)].reset_index()
    src = ds.sources[["kind", "body", "publisher"]]
    return c.merge(src, left_on="source_id", right_index=True, how="left")


def counts(ds: Dataset) -> dict:
    """The numbers the Data and methods page states, each counted from the tables."""
    fc = _figure_citations(ds)
    corr = fc[fc["role"] == "corroborating"]
    return {
        "figures": len(ds.figures), "sources": len(ds.sources), "events": len(ds.events),
        "indicators": len(ds.indicators), "conflicts": len(ds.conflicts),
        "citations": len(fc), "corroborating": len(corr),
        "figures_corroborated": int(corr["subject_id"].nunique()),
        "provisional": int((ds.figures["provisional"] == "yes").sum()),
        "unquantified": int((ds.figures["qualifier"] == "unquantified").sum()),
        "sources_used": int(ds.sources.index.isin(ds.citations["source_id"]).sum()),
    }


def primary_by_kind(ds: Dataset) -> pd.DataFrame:
    """Figures by the kind of their primary citation's source, strongest kind first: kind,
    strength and figures (kinds no figure rests on are left out)."""
    fc = _figure_citations(ds)
    n = fc[fc["role"] == "primary"]["kind"].value_counts()
    rows = [{"kind": k, "strength": strength(k), "figures": int(n[k])}
            for k in sorted(n.index, key=KIND_ORDER.get)]
    return pd.DataFrame(rows, columns=["kind", "strength", "figures"])


def without_url(ds: Dataset) -> pd.DataFrame:
    """The figures whose primary source has no web address, with that source's publisher,
    title and note (which says why): one row per figure, in the table's order."""
    figs = ds.figures_with_meta()
    w = figs[[blank(u) for u in figs["source_url"]]]
    return pd.DataFrame({"figure_id": w.index, "source_id": w["source_id"].values,
                         "publisher": w["publisher"].values, "source_title": w["source_title"].values,
                         "note": w["source_note"].values},
                        columns=["figure_id", "source_id", "publisher", "source_title", "note"])


def source_use(ds: Dataset) -> pd.DataFrame:
    """Every source with how many figures rest on it as primary and as corroborating, and how
    many events cite it (indexed by source_id, in the sources table's order)."""
    fc = _figure_citations(ds)
    ev = ds.citations[ds.citations["subject_id"].isin(ds.events.index)]
    out = ds.sources.copy()
    for col, n in (("primary", fc[fc["role"] == "primary"]["source_id"].value_counts()),
                   ("corroborating", fc[fc["role"] == "corroborating"]["source_id"].value_counts()),
                   ("events", ev["source_id"].value_counts())):
        out[col] = [int(n.get(i, 0)) for i in out.index]
    out["strength"] = [strength(k) for k in out["kind"]]
    return out


def bodies(ds: Dataset) -> pd.DataFrame:
    """One row per issuing body named in the sources: how many figures cite a source carrying
    it (and how many as primary), how many sources, and what the book read of it: 'own text'
    (a source of kind official or research with that body), else 'verbatim copy', else
    'press coverage' or 'copy or summary'. Sorted by figures, most first."""
    fc = _figure_citations(ds)
    src = ds.sources[[not blank(b) for b in ds.sources["body"]]]
    rows = []
    for body, group in src.groupby("body", sort=True):
        kinds = set(group["kind"])
        mine = fc[fc["source_id"].isin(group.index)]
        own = group[group["kind"].isin(OWN_TEXT)]
        if kinds & set(OWN_TEXT):
            read = "own text"
        elif "reproduction" in kinds:
            read = "verbatim copy"
        elif kinds & {"wire", "newspaper"}:
            read = "press coverage"
        else:
            read = "copy or summary"
        rows.append({"body": body, "figures": int(mine["subject_id"].nunique()),
                     "figures_primary": int(mine[mine["role"] == "primary"]["subject_id"].nunique()),
                     "figures_own_text": int(mine[mine["source_id"].isin(own.index)]["subject_id"].nunique()),
                     "sources": len(group), "read": read,
                     "kinds": [k for k in schema.KINDS_OF_SOURCE if k in kinds]})
    out = pd.DataFrame(rows, columns=["body", "figures", "figures_primary", "figures_own_text",
                                      "sources", "read", "kinds"])
    return out.sort_values(["figures", "body"], ascending=[False, True], kind="stable") \
        .reset_index(drop=True)


def edition_date(ds: Dataset, ed: str | None = None) -> str:
    """The day of the edition (YYYY-MM-DD): the last change recorded for it (for the whole
    ledger when no change names it; '' when the ledger is empty)."""
    ed = edition() if ed is None else ed
    ch = ds.changes
    mine = ch[ch["edition"] == ed] if (ch["edition"] == ed).any() else ch
    return str(mine["date"].max()) if len(mine) else ""
