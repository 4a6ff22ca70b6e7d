"""The built site as an analyst and a reference-manager user take data from it: a page per
indicator and per chart, every figure's row at its own address, each chart's bundle loading
with the page's own pandas snippet, the feed, the citations and the dataset description."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from pathlib import Path

import feedparser
import pandas as pd
import pytest

from fraudbook.data.claims import edition
from fraudbook.data.load import load
from fraudbook.data.package import release_files
from fraudbook.kit import words
from fraudbook.paths import ROOT
from fraudbook.pipeline.datapages import chart_records

pytestmark = pytest.mark.slow


def test_every_indicator_and_chart_has_its_page_and_every_figure_its_row(built_site: Path):
    ds = load()
    meta = ds.figures_with_meta()
    for indicator, figs in meta.groupby("indicator"):
        page = built_site / "book" / f"{words.indicator_page(indicator)}.html"
        text = page.read_text(encoding="utf-8")
        for fid in figs.index:
            assert text.count(f'id="figure-{fid}"') == 1, (page.name, fid)
        for ext in ("bib", "ris", "json"):
            assert (page.with_suffix(f".{ext}")).is_file()
    charts = chart_records(ROOT / "book")
    drawn = {p.name[:-len("-wide.svg")] for p in (built_site / "book" / "figures").glob("*-wide.svg")}
    assert drawn == set(charts), "a chart drawn on a page has no record, or the other way round"
    for key, chart in charts.items():
        assert (built_site / "book" / f"{words.chart_page(key)}.html").is_file(), key
        for name in (f"{key}.svg", f"{key}.png", f"{key}-wide.svg", f"{key}-narrow.svg"):
            assert (built_site / "book" / "figures" / name).is_file(), name
        if chart.csv:
            assert (built_site / "book" / "downloads" / f"{key}.zip").is_file(), key
    # A register row's permalink is the figure's row on its indicator's page.
    register = (built_site / "book" / words.REGISTER_PAGE).read_text(encoding="utf-8")
    fid = next(f for f in meta.index if f'id="figure-{f}"' in register)
    assert f'href="{words.indicator_href(meta.loc[fid, "indicator"], fid)}"' in register


def test_a_charts_zip_downloads_and_loads_with_the_pages_own_snippet(built_site: Path, server):
    key = max(chart_records(ROOT / "book").values(), key=lambda c: len(c.csv)).key
    page = (built_site / "book" / f"{words.chart_page(key)}.html").read_text(encoding="utf-8")
    snippet = html.unescape(re.search(r'snippet-python"[^>]*><code>(.*?)</code>', page, re.S).group(1))
    address = f"{server}/book/downloads/{key}.zip"
    snippet = snippet.replace(f'"downloads/{key}.zip"', repr(address))
    scope: dict = {}
    exec(compile(snippet, "snippet", "exec"), scope)  # noqa: S102 - the page's own snippet
    csv_text = (built_site / "book" / "downloads" / f"{key}.csv").read_text(encoding="utf-8")
    assert scope["data"].equals(pd.read_csv(io.StringIO(csv_text)))
    assert scope["metadata"]["edition"] == edition()
    assert [c["name"] for c in scope["metadata"]["columns"]] == list(scope["data"].columns)


def test_the_feed_parses_and_every_page_links_it(built_site: Path):
    ds = load()
    feed = feedparser.parse((built_site / "feed.atom").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    listed = ds.changes[ds.changes["kind"].isin(("corrected", "re-sourced", "withdrawn"))]
    assert len(feed.entries) == len(listed) + ds.changes["edition"].nunique()
    for page in [built_site / "book" / "losses.html", built_site / "book" / "downloads.html",
                 built_site / "book" / f"{words.indicator_page(ds.figures['indicator'].iloc[0])}.html"]:
        assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="\.\./feed\.atom"',
                         page.read_text(encoding="utf-8")), page.name


def test_the_dataset_description_names_files_the_site_holds(built_site: Path):
    text = (built_site / "book" / "downloads.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert len(scripts) == 1
    described = json.loads(scripts[0])
    assert described["@type"] == "Dataset" and described["version"] == edition()
    for d in described["distribution"]:
        assert (built_site / "book" / d["contentUrl"]).resolve().is_file(), d["contentUrl"]
    for key in ("bibtex", "ris", "csl"):
        assert (built_site / release_files(edition())[key]).is_file()
    z = zipfile.ZipFile(built_site / release_files(edition())["zip"])
    assert "datapackage.json" in " ".join(z.namelist())


def test_every_data_page_cites_the_book_by_its_title(built_site: Path):
    from fraudbook.data.claims import book_title

    title, cited = html.escape(book_title(ROOT)), 0
    for page in (built_site / "book").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Project name not set" not in text, page.name
        books = set(re.findall(r"In: ([^<]*?), edition \d{4}\.\d{2}", text))
        assert books <= {title}, (page.name, books)
        cited += page.name.startswith("indicator-") and books == {title}
    assert cited == load().figures["indicator"].nunique()
