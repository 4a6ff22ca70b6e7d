"""The download bundle of every chart: `book/downloads/<key>.zip`, beside the chart's CSV.

It holds the chart's data as CSV (the rows it draws, as the page's own CSV link gives them),
`metadata.json` (the chart, its columns with types and descriptions, the figures and sources
it draws on with their strength, the licence, the edition and the citation) and a short
README. The zip is byte-stable: the same data gives the same file (fixed times, sorted
members), so its address and its bytes change only when what it holds does.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd

from ..data import package
from ..data.load import Dataset
from ..data.values import blank, strength
from ..kit import words
from ..kit.citations import book_citation_text
from ..kit.page import DOWNLOADS_DIR
from .datapages import Chart

# The columns every chart's CSV adds for the figures it draws (fraudbook.kit.page.download_frame).
FIGURE_COLUMNS = {
    "Value": "The figure's number as a plain number, its scale applied (a million is 1000000).",
    "Low": "The low end of the figure's range, as a plain number (empty when it is no range).",
    "High": "The high end of the figure's range, as a plain number (empty when it is no range).",
    "Unit": "What the number counts (money, people, cases …).",
    "Currency": "The currency of an amount of money (ISO 4217 code).",
    "Qualifier": "How the source states the number (exact, about, more than, at least …): part "
                 "of the figure, never to be dropped.",
    "Source URL": "The web address of the figure's first source.",
}
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _column(frame: pd.DataFrame, name: str) -> dict:
    values = [v for v in frame[name] if v != ""]
    try:
        [float(v) for v in values]
        kind = "number" if values else "string"
    except ValueError:
        kind = "string"
    return {"name": name, "type": kind,
            "description": FIGURE_COLUMNS.get(name, f"As the chart's table labels it: {name}.")}


def metadata(chart: Chart, ds: Dataset, edition: str, book: str) -> dict:
    frame = pd.read_csv(io.StringIO(chart.csv), dtype=str, keep_default_na=False)
    meta = ds.figures_with_meta()
    figures, sources = [], {}
    for fid in chart.figures:
        if fid not in meta.index:
            continue
        r = meta.loc[fid]
        figures.append({"figure": words.figure_label(r), "period": words.period(r),
                        "page": f"../{words.indicator_href(r['indicator'], fid)}"})
        for _, c in ds.citations_of(fid).iterrows():
            s = ds.sources.loc[c["source_id"]]
            sources.setdefault(c["source_id"], {
                "title": s["title"], "publisher": s["publisher"], "date": s["date_published"],
                "url": None if blank(s["url"]) else s["url"], "strength": strength(s["kind"])})
    return {
        "title": chart.title or chart.key,
        "description": chart.description,
        "data": f"{chart.key}.csv",
        "columns": [_column(frame, c) for c in frame.columns],
        "rows": len(frame),
        "figures": figures,
        "sources": list(sources.values()) or [{"source": s} for s in chart.sources],
        "page": f"../{words.chart_page(chart.key)}.html",
        "book": book,
        "edition": edition,
        "licence": {"name": package.LICENCE["name"], "title": package.LICENCE["title"],
                    "url": package.LICENCE["path"]},
        "citation": book_citation_text(ds, edition),
    }


def readme(meta: dict) -> str:
    cols = "\n".join(f"- `{c['name']}` ({c['type']}): {c['description']}" for c in meta["columns"])
    return (f"# {meta['title']}\n\n{meta['description']}\n\n"
            f"From {meta['book']}, edition {meta['edition']}. The chart's page: {meta['page']} "
            f"(relative to this file's address on the site).\n\n"
            f"## Files\n\n- `{meta['data']}`: the {meta['rows']} rows the chart draws.\n"
            f"- `metadata.json`: the columns, the figures and sources, the licence and the citation.\n\n"
            f"## Columns\n\n{cols}\n\n"
            "Each figure is stated as its source states it: keep the qualifier with the number, "
            "and do not add up figures of different periods, places or kinds of measure.\n\n"
            f"## Licence and citation\n\n{meta['licence']['title']} ({meta['licence']['url']}).\n\n"
            f"{meta['citation']}\n")


def bundle(chart: Chart, ds: Dataset, edition: str, book: str) -> bytes:
    meta = metadata(chart, ds, edition, book)
    members = {f"{chart.key}.csv": chart.csv.encode("utf-8"),
               "README.md": readme(meta).encode("utf-8"),
               "metadata.json": (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, members[name])
    return out.getvalue()


def write_bundles(charts: dict[str, Chart], ds: Dataset, html_dir: Path, edition: str,
                  book: str) -> int:
    """Every chart's bundle into book/downloads/ of the site (rewritten only when it differs)."""
    n = 0
    for chart in charts.values():
        if not chart.csv:
            continue
        target = html_dir / Path(chart.page).parent / DOWNLOADS_DIR / f"{chart.key}.zip"
        data = bundle(chart, ds, edition, book)
        if not target.exists() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        n += 1
    return n
