"""The page of every indicator and every chart (fraudbook.pipeline.datapages), the charts'
files named by their key, and each chart's download bundle."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from fraudbook.data.claims import edition
from fraudbook.data.load import load
from fraudbook.kit import charts, words
from fraudbook.pipeline import datapages
from fraudbook.pipeline.bundles import bundle

BOOK = "Scam centres and the money they take"


class _Text(HTMLParser):
    """The text a reader sees, and every id the page defines."""

    def __init__(self):
        super().__init__()
        self.text, self.ids = [], []

    def handle_starttag(self, tag, attrs):
        self.ids += [v for k, v in attrs if k == "id"]

    def handle_data(self, data):
        self.text.append(data)


def parsed(body: str) -> _Text:
    p = _Text()
    p.feed(body)
    return p


@pytest.fixture(scope="module")
def ds():
    return load()


def _notebook(folder: Path, name: str, charts_record: dict) -> None:
    """An executed page as the build keeps it: its record of the charts it draws."""
    nb = {"cells": [], "metadata": {"fraudbook": {"reads": {"charts": charts_record}}}, "nbformat": 4,
          "nbformat_minor": 5}
    (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture(scope="module")
def book(tmp_path_factory, ds):
    tmp_path = tmp_path_factory.mktemp("book")
    fids = list(ds.figures.index[:3])
    csv_text = "Year,Amount,Value,Qualifier\n2021,1 bn,1000000000,about\n2022,2 bn,2000000000,exact\n"
    _notebook(tmp_path, "losses", {"losses-demo": {
        "title": "A demo chart", "description": "Two bars, one per year.", "figures": fids,
        "sources": ["Xinhua, 1 Jan 2024"], "csv": csv_text}})
    return tmp_path


@pytest.fixture(scope="module")
def made(ds, book):
    """Every data page, made once for the tests that read them."""
    return {p.name: p for p in datapages.pages(ds, book, edition(), BOOK, {"book/losses": "Losses"})}


def test_every_indicator_has_a_page_and_every_figure_its_row_there(ds, made):
    pages = made
    meta = ds.figures_with_meta()
    assert {n for n in pages if n.startswith("book/indicator-")} == {
        f"book/{words.indicator_page(i)}" for i in set(meta["indicator"])}
    for fid, row in meta.iterrows():
        page = pages[f"book/{words.indicator_page(row['indicator'])}"]
        assert parsed(page.body).ids.count(f"figure-{fid}") == 1, fid
    # The register's permalink of a figure is that row.
    assert words.indicator_href("ic3_reported_losses", "X-1") == "indicator-ic3-reported-losses.html#figure-X-1"


def test_an_indicator_page_says_what_is_counted_and_what_not_with_sources_and_history(ds, made):
    ind = ds.figures_with_meta()["indicator"].value_counts().index[0]
    page = made[f"book/{words.indicator_page(ind)}"]
    text = " ".join(parsed(page.body).text)
    row = ds.indicators.loc[ind]
    assert row["title"] in text and row["description"] in text
    if isinstance(row["caveats"], str) and row["caveats"]:
        assert row["caveats"] in text
    assert "What you should know" in text and "Last updated:" in text
    # Every citation's quote, its strength mark, and the links to the changes of its figures.
    for fid in ds.figures_with_meta().query("indicator == @ind").index:
        for _, c in ds.citations_of(fid).iterrows():
            assert " ".join(str(c["quote"]).split()) in " ".join(text.split())
    for cid in ds.changes[ds.changes["subject_id"].isin(ds.figures_with_meta().query("indicator == @ind").index)].index:
        assert f'href="changes.html#change-{cid}"' in page.body
    assert "fraudbook-strength" in page.body
    # Its citation files, beside it.
    assert set(page.files) == {f"{page.name[5:]}.{s}" for s in ("bib", "ris", "json")}


def test_no_page_shows_an_internal_id_or_column_name(ds, made):
    ids = set(ds.figures.index) | set(ds.sources.index) | set(ds.indicators.index) | set(ds.changes.index)
    for page in made.values():
        text = " ".join(parsed(page.body).text)
        text = re.sub(r"```.*?```", "", text)
        # The snippets name the bundle's files by the chart's key: that is their address.
        seen = {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}
        assert not seen, (page.name, sorted(seen)[:5])
        assert not re.search(r"\b(figure_id|source_id|subject_id)\b", text), page.name


def test_a_chart_page_shows_its_drawing_figures_data_snippets_embed_and_citation(ds, made):
    page = made["book/chart-losses-demo"]
    body = page.body
    assert 'src="figures/losses-demo-wide.svg"' in body and 'srcset="figures/losses-demo-narrow.svg"' in body
    assert 'href="downloads/losses-demo.zip"' in body and 'href="losses.html">Losses</a>' in body
    meta = ds.figures_with_meta()
    for fid in list(ds.figures.index[:3]):
        assert f'href="{words.indicator_href(meta.loc[fid, "indicator"], fid)}"' in body
    assert "pd.read_csv(bundle.open(&quot;losses-demo.csv&quot;))" in body
    assert "read.csv(unz(bundle, &quot;losses-demo.csv&quot;))" in body
    assert "&lt;img src=&quot;figures/losses-demo.svg&quot;" in body   # the embed snippet
    assert {"chart-losses-demo.bib", "chart-losses-demo.ris", "chart-losses-demo.json"} == set(page.files)


def test_a_chart_is_named_by_its_key_and_keeps_its_name_after_a_data_edit():
    def html_for(values):
        chart = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": values})).mark_bar().encode(x="x", y="y")
        return charts.chart_html(charts.keyed(chart.properties(title="Demo"), "losses-demo").to_dict())

    before, after = html_for([1, 2]), html_for([1, 3])
    assert before != after, "the edit changed nothing in the drawing"
    for html in (before, after):
        assert 'data-file="losses-demo"' in html
        assert 'href="figures/losses-demo.svg"' in html and 'href="figures/losses-demo.png"' in html
    with pytest.raises(ValueError, match="lowercase"):
        charts.keyed(alt.Chart(pd.DataFrame({"x": [1]})).mark_point(), "Bad Key")


def test_the_bundle_loads_with_the_pages_own_pandas_snippet(ds, book, made, tmp_path):
    chart = datapages.chart_records(book)["losses-demo"]
    data = bundle(chart, ds, edition(), BOOK)
    assert data == bundle(chart, ds, edition(), BOOK), "the zip is not byte-stable"
    z = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(z.namelist()) == ["README.md", "losses-demo.csv", "metadata.json"]
    meta = json.loads(z.read("metadata.json"))
    assert meta["edition"] == edition() and meta["licence"]["name"] == "CC-BY-4.0"
    assert {c["name"]: c["type"] for c in meta["columns"]} == {
        "Year": "number", "Amount": "string", "Value": "number", "Qualifier": "string"}
    assert all(c["description"] for c in meta["columns"])
    assert len(meta["figures"]) == 3 and meta["sources"] and meta["citation"]
    # The snippet as the page prints it, pointed at the zip.
    target = tmp_path / "site" / "losses-demo.zip"
    target.parent.mkdir()
    target.write_bytes(data)
    page = made["book/chart-losses-demo"]
    import html as html_module

    snippet = html_module.unescape(re.search(r'snippet-python"[^>]*><code>(.*?)</code>', page.body, re.S).group(1))
    snippet = snippet.replace('"downloads/losses-demo.zip"', repr(target.as_uri()))
    scope: dict = {}
    exec(compile(snippet, "snippet", "exec"), scope)  # noqa: S102 - the page's own snippet
    assert scope["data"].equals(pd.read_csv(io.StringIO(chart.csv)))
    assert scope["metadata"]["title"] == "A demo chart"


def test_unchanged_data_pages_are_not_written_again(tmp_path, monkeypatch):
    from fraudbook.pipeline import sphinx_ext

    made = [datapages.DataPage("book/indicator-a", "A", "<p>a</p>", "a", {"indicator-a.bib": b"@misc{}"}),
            datapages.DataPage("book/chart-b", "B", "<p>b</p>", "b")]
    monkeypatch.setattr(datapages, "pages", lambda *a, **k: list(made))

    class App:
        outdir = str(tmp_path)

        class env:
            titles: dict = {}

        class config:
            project = BOOK

    def written():
        out = [name for name, _, _ in sphinx_ext._data_pages(App)]
        for name in out:  # what Sphinx does with a page it is handed
            (tmp_path / f"{name}.html").parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / f"{name}.html").write_text("page")
        return out

    assert written() == ["book/indicator-a", "book/chart-b"]
    assert (tmp_path / "book" / "indicator-a.bib").read_bytes() == b"@misc{}"
    assert written() == []
    made[1] = datapages.DataPage("book/chart-b", "B", "<p>b, edited</p>", "b")
    assert written() == ["book/chart-b"]
    made.pop(0)
    assert written() == [] and not (tmp_path / "book" / "indicator-a.html").exists()


def test_no_chart_csv_of_the_book_carries_a_binary_rounding_artefact():
    # 4.1 billion written as 4099999999.9999995 is a number no source states.
    from fraudbook.paths import ROOT

    records = datapages.chart_records(ROOT / "book")
    assert sum(bool(c.csv) for c in records.values()) > 50, "the pages' records hold no chart data"
    for key, chart in records.items():
        assert not re.search(r"\d\.\d*(?:0{6,}|9{6,})\d", chart.csv), key


def test_the_index_lists_every_indicator_and_chart_page(made):
    index = made[f"book/{words.DATA_PAGES_INDEX[:-5]}"]
    pages = [n for n in made if n.startswith(("book/indicator-", "book/chart-"))]
    for name in pages:
        assert f'href="{name[5:]}.html"' in index.body, name
