"""Shared fixtures: a small valid dataset written to a temporary folder, to be broken on purpose."""

from __future__ import annotations

import copy
import csv
import io
import shutil
from pathlib import Path

import pytest

from fraudbook.data import schema
from fraudbook.paths import COLUMNS_FILE, DATA

# A minimal dataset that passes every rule; tests change one cell and expect one problem.
GOOD = {
    "sources": [
        {"source_id": "xinhua-2023-11-21", "title": "31,000 suspects handed over", "publisher": "Xinhua",
         "date_published": "2023-11-21", "url": "https://english.news.cn/example", "kind": "wire",
         "confidence": "high", "original": "", "note": ""},
        {"source_id": "dw-2025-04-21", "title": "UN warns of cyberscams", "publisher": "DW",
         "date_published": "2025-04-21", "url": "", "kind": "newspaper", "confidence": "high",
         "original": "", "note": ""},
    ],
    "indicators": [
        {"indicator": "handovers_myanmar_china", "title": "Suspects handed over", "unit": "people",
         "measures": "count", "description": "People handed over.", "caveats": ""},
        {"indicator": "losses_region", "title": "Losses", "unit": "money",
         "measures": "victim_losses", "description": "Losses.", "caveats": ""},
        {"indicator": "share_abroad", "title": "Share", "unit": "percent",
         "measures": "share", "description": "Share.", "caveats": ""},
    ],
    "geographies": [
        {"code": "MMR", "name": "Myanmar", "kind": "country", "country": "", "iso2": "MM"},
        {"code": "CHN", "name": "China", "kind": "country", "country": "", "iso2": "CN"},
        {"code": "northern-myanmar", "name": "Northern Myanmar", "kind": "area", "country": "MMR", "iso2": ""},
        {"code": "east-southeast-asia", "name": "East and Southeast Asia", "kind": "region", "country": "", "iso2": ""},
    ],
    "places": [
        {"place_id": "kunming", "name": "Kunming", "kind": "meeting_city", "country": "CHN",
         "lat": "25.0389", "lon": "102.7183", "source_id": "xinhua-2023-11-21", "gazetteer_ref": "1804651", "note": ""},
    ],
    "figures": [
        {"figure_id": "CN-MM-2023-11-CUM", "indicator": "handovers_myanmar_china", "value": "31000",
         "low": "", "high": "", "qualifier": "exact", "scale": "", "unit": "people", "currency": "",
         "period": "cumulative", "period_start": "2023-09", "period_end": "2023-11-21",
         "geography": "northern-myanmar", "partner": "CHN", "source_id": "xinhua-2023-11-21",
         "stated": "31,000", "quote": "A total of 31,000 telecom fraud suspects have been handed over.", "note": ""},
        {"figure_id": "DW-37", "indicator": "losses_region", "value": "37", "low": "", "high": "",
         "qualifier": "about", "scale": "billion", "unit": "money", "currency": "USD",
         "period": "annual", "period_start": "2023", "period_end": "2023",
         "geography": "east-southeast-asia", "partner": "", "source_id": "dw-2025-04-21",
         "stated": "an estimated $37 billion", "quote": "Countries lost an estimated $37 billion (€32.5 billion) to cyber fraud in 2023.", "note": ""},
        {"figure_id": "CN-RANGE", "indicator": "losses_region", "value": "", "low": "20", "high": "40",
         "qualifier": "range", "scale": "billion", "unit": "money", "currency": "USD",
         "period": "annual", "period_start": "2024", "period_end": "2024",
         "geography": "east-southeast-asia", "partner": "", "source_id": "dw-2025-04-21",
         "stated": "between 20 billion and 40 billion", "quote": "Losses range between 20 billion and 40 billion U.S. dollars.", "note": ""},
        {"figure_id": "CN-SHARE", "indicator": "share_abroad", "value": "68.5", "low": "", "high": "",
         "qualifier": "exact", "scale": "", "unit": "percent", "currency": "",
         "period": "as_of", "period_start": "", "period_end": "2023-09",
         "geography": "northern-myanmar;CHN", "partner": "", "source_id": "dw-2025-04-21",
         "stated": "68.5%", "quote": "They account for 68.5% of all international cases.", "note": ""},
    ],
    "events": [
        {"event_id": "2025-11-14-kunming-meeting", "date": "2025-11-14", "end_date": "", "kind": "meeting",
         "title": "Kunming meeting", "countries": "CHN;MMR", "place_id": "kunming",
         "description": "Ministers met.", "source_id": "xinhua-2023-11-21", "quote": "They met in Kunming."},
    ],
    "fx_rates": [
        {"rate_id": "cny-2023-09-11", "currency": "CNY", "per_usd": "7.2148", "date": "2023-09-11",
         "source_id": "xinhua-2023-11-21", "stated": "7.2148 against the dollar",
         "quote": "The yuan strengthened to 7.2148 against the dollar on Monday.", "note": ""},
    ],
    "conflicts": [
        {"conflict_id": "losses-2023", "topic": "Losses", "figure_ids": "DW-37;CN-RANGE",
         "differs": "method", "explanation": "One is a point, one a range.", "book_uses": ""},
    ],
}


def citation_layout(old: dict) -> dict:
    """The minimal dataset in the citation layout: each figure's and event's source and words
    move to a primary citation in citations.csv; a corroborating citation, a small ledger of
    changes and an audit row for every figure and event are added."""
    good = copy.deepcopy(old)
    cits = []
    for f in good["figures"]:
        cits.append({"citation_id": f"{f['figure_id']}-c1", "subject_id": f["figure_id"],
                     "source_id": f.pop("source_id"), "role": "primary",
                     "stated": f.pop("stated"), "quote": f.pop("quote"), "note": ""})
    for e in good["events"]:
        e.pop("stated", None)
        cits.append({"citation_id": f"{e['event_id']}-c1", "subject_id": e["event_id"],
                     "source_id": e.pop("source_id"), "role": "primary", "stated": "",
                     "quote": e.pop("quote"), "note": ""})
    cits.append({"citation_id": "DW-37-c2", "subject_id": "DW-37", "source_id": "xinhua-2023-11-21",
                 "role": "corroborating", "stated": "$37 billion",
                 "quote": "The region lost $37 billion to scams in 2023, the UN said.", "note": ""})
    good["citations"] = cits
    good["changes"] = [
        {"change_id": "ch-001", "date": "2026-11-26", "edition": "2026.11", "kind": "merged",
         "subject_id": "DW-37-OLD", "field": "", "old": "", "new": "DW-37", "reason": "same claim"},
        {"change_id": "ch-002", "date": "2026-11-26", "edition": "2026.11", "kind": "corrected",
         "subject_id": "CN-RANGE", "field": "period_end", "old": "2025", "new": "2024",
         "reason": "the source's year"},
    ]
    good["audit"] = [{"subject_id": r[key], "checked": "2026-11-26", "verdict": "ok", "note": ""}
                     for table, key in (("figures", "figure_id"), ("events", "event_id"))
                     for r in good[table]]
    good["searches"] = [
        {"search_id": "2026-11-ftc", "edition": "2026.11", "searched": "2026-11-26",
         "topic": "The FTC's total for 2025", "where": "stored pages", "outcome": "not_found", "note": ""},
    ]
    return good


GOOD = citation_layout(GOOD)


def write_table(folder: Path, name: str, rows: list[dict]) -> Path:
    table = next(t for t in schema.TABLES if t.name == name)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=table.column_names, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path = folder / table.file
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def ds():
    """The real, validated dataset in data/."""
    from fraudbook.data.load import load

    return load()


@pytest.fixture(scope="session")
def figs(ds):
    """The real figures with their metadata and display columns (amount, period, source)."""
    from fraudbook.kit import page

    return page.statements(ds.figures_with_meta())


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site rendered from book/ as committed (no execution), built once per session."""
    from fraudbook.pipeline.steps import build

    out = tmp_path_factory.mktemp("build")
    mp = pytest.MonkeyPatch()
    mp.setenv("FRAUDBOOK_BUILD_DIR", str(out))
    try:
        assert build(execute=False, site=True, log=lambda *a: None) == 0, "the site build failed"
    finally:
        mp.undo()
    return out / "html"


@pytest.fixture
def good_data(tmp_path) -> Path:
    """A folder holding the minimal valid dataset; returns its path."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name, rows in GOOD.items():
        write_table(folder, name, [dict(r) for r in rows])
    # The columns' descriptions are the real ones: they describe the schema, not the rows.
    shutil.copyfile(DATA / COLUMNS_FILE, folder / COLUMNS_FILE)
    return folder
