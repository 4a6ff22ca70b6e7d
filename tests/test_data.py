"""The real dataset in data/: valid, sourced, and holding every figure of the seed articles."""

from __future__ import annotations

import math
import re

import pytest

from fraudbook.data import schema
from fraudbook.data.load import validate
from fraudbook.data.numbers import SCALES, numbers_in
from fraudbook.paths import DATA


def test_data_passes_every_rule():
    _, problems = validate(DATA)
    assert not problems, "\n".join(map(str, problems))


def test_every_figure_has_a_source_and_a_quote_stating_its_number(ds):
    figs = ds.figures_with_meta()
    for fid, f in figs.iterrows():
        assert isinstance(f["publisher"], str) and f["publisher"], f"{fid}: no source"
        assert f["stated"] in f["quote"], f"{fid}: 'stated' is not in the quote"
        for col in ("value", "low", "high"):
            if not math.isnan(f[col]):
                target = f[col] * SCALES[f["scale"]]
                assert any(math.isclose(target, n, rel_tol=1e-9) for n in numbers_in(f["quote"])), \
                    f"{fid}: {col} {f[col]} {f['scale']} not stated in its quote"


# Figures of the seed articles the book started from (shared/seeds), as the articles state
# them: (indicator, value or (low, high), scale, currency or unit, words of the quote).
SEED_FIGURES = [
    ("unodc_victim_losses_esea", (20, 40), "billion", "USD", "20 billion and 40 billion"),
    ("unodc_victim_losses_esea", 37, "billion", "USD", "$37 billion"),
    ("us_scam_losses_cited_by_unodc", 5.6, "billion", "USD", "$5.6 billion"),
    ("cn_fraud_cases_solved", 464_000, "", "cases", "464,000"),
    ("cn_ringleaders_detained", 351, "", "people", "351"),
    ("cn_fraud_share_from_abroad", 80, "", "percent", "80%"),
    ("cn_persuaded_to_return", 210_000, "", "people", "210,000"),
    ("handover_batches_to_china", 24, "", "people", "24 suspects"),
    ("cn_scam_calls_intercepted", 2.1, "billion", "calls", "2.1 billion"),
    ("cn_scam_messages_intercepted", 2.42, "billion", "messages", "2.42 billion"),
    ("cn_overseas_websites_blocked", 800_000, "", "websites", "800,000"),
    ("cn_overseas_ips_blocked", 38_000, "", "ip_addresses", "38,000"),
    ("ransom_demanded", 120_000, "", "CNY", "120,000 yuan"),
    ("ransom_demanded", 16_450, "", "USD", "$16,450"),
    ("people_freed_myanmar_2025", 7_000, "", "people", "7,000"),
]


@pytest.mark.parametrize("indicator,value,scale,unit,words", SEED_FIGURES,
                         ids=[f"{s[0]}-{s[1]}" for s in SEED_FIGURES])
def test_seed_figure_is_in_the_data(ds, indicator, value, scale, unit, words):
    f = ds.figures[(ds.figures["indicator"] == indicator) & (ds.figures["scale"] == scale)]
    f = f[(f["currency"] == unit) | (f["unit"] == unit)]
    if isinstance(value, tuple):
        f = f[(f["low"] == value[0]) & (f["high"] == value[1])]
    else:
        f = f[f["value"] == value]
    assert len(f), f"no {indicator} figure of {value} {scale} {unit}"
    assert f["quote"].str.contains(re.escape(words)).any()


def test_two_handovers_of_six_in_2023(ds):
    six = ds.figures[(ds.figures["indicator"] == "handover_batches_to_china")
                     & (ds.figures["value"] == 6) & ds.figures["period_end"].str.startswith("2023-0")]
    assert sorted(six["period_end"].str[:7]) == ["2023-06", "2023-08"]


def test_the_685_share_is_never_split(ds):
    share = ds.figures[(ds.figures["unit"] == "percent") & (ds.figures["value"] == 68.5)]
    assert len(share) >= 1
    for geo in share["geography"]:
        assert sorted(geo.split(";")) == sorted(["northern-myanmar", "PHL", "KHM"])
    # No other percentage of international cases is attributed to one of the three alone.
    same = ds.figures[ds.figures["indicator"].isin(share["indicator"])]
    assert set(same["geography"]) == set(share["geography"])


@pytest.mark.parametrize("a,b", [("IC3-2020-L", "IC3-2020-L2"), ("IC3-2024-L", "IC3-2024-L2"),
                                 ("USIP-06", "USIP-09"), ("USIP-01", "USIP-10")])
def test_conflicting_figures_are_both_kept(ds, a, b):
    fa, fb = ds.figures.loc[a], ds.figures.loc[b]
    assert fa["indicator"] == fb["indicator"]
    assert fa["value"] != fb["value"]


def test_every_indicator_is_used_and_every_used_one_described(ds):
    used = set(ds.figures["indicator"])
    described = set(ds.indicators.index)
    assert used <= described
    assert described - used == set(), f"indicators with no figure: {sorted(described - used)}"


def _documented_columns(name: str) -> list[str]:
    """Column names listed in the table of data/README.md under the file's heading."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    section = text.split(f"## `{name}.csv`", 1)[1].split("\n## ", 1)[0]
    names = []
    for cell in re.findall(r"^\| (`[^|]+`) \|", section, flags=re.MULTILINE):
        names += re.findall(r"`([a-z_0-9]+)`", cell)
    return names


@pytest.mark.parametrize("table", schema.TABLES, ids=[t.name for t in schema.TABLES])
def test_readme_documents_exactly_the_schema(table):
    assert _documented_columns(table.name) == table.column_names
