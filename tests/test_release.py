"""The data released as data: the Frictionless package built from the real data validates
with the library's own validator, its schema comes from fraudbook/data/schema.py (keys,
references, rules), every download neutralises cells a spreadsheet would run, chart CSVs are
files beside their page (no data: URI), and CITATION.cff validates against the CFF schema.

tests/cff-1.2.0.schema.json is the Citation File Format 1.2.0 JSON schema as shipped in the
`cffconvert` 2.0.0 package (its own schemas/1.2.0/schema.json; CC BY 4.0, the Citation File
Format authors): cffconvert itself pins jsonschema<4, which the book's stack cannot take.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from fraudbook.data import package, schema
from fraudbook.data.claims import edition
from fraudbook.data.load import load
from fraudbook.kit import page
from fraudbook.paths import ROOT, Layout
from fraudbook.pipeline.release import chart_downloads, write_chart_downloads, write_release

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The package folder, zip and workbook written from the real data."""
    out = tmp_path_factory.mktemp("release")
    ds, ed = load(), edition()
    folder = out / package.NAME
    package.write_package(ds, folder, ed, ROOT / "data")
    return {"folder": folder, "zip": package.write_zip(folder, out / f"{package.NAME}-{ed}.zip"),
            "workbook": package.write_workbook(ds, out / f"{package.NAME}-{ed}.xlsx", ed),
            "edition": ed}


def test_the_package_of_the_real_data_is_valid_for_frictionless(released):
    from frictionless import validate

    report = validate(released["folder"] / "datapackage.json")
    errors = [] if report.valid else report.flatten(["type", "note"])[:20]
    assert report.valid, errors


def test_the_descriptor_comes_from_the_schema(released):
    d = json.loads((released["folder"] / "datapackage.json").read_text(encoding="utf-8"))
    assert d["version"] == released["edition"] == edition()
    assert d["licenses"][0]["name"] == "CC-BY-4.0"
    assert d["title"] and d["description"] and len(d["sources"]) == len(load().sources)
    resources = {r["name"]: r for r in d["resources"]}
    assert list(resources) == [t.name for t in schema.TABLES]
    for t in schema.TABLES:
        s = resources[t.name]["schema"]
        assert [f["name"] for f in s["fields"]] == t.column_names
        assert s["primaryKey"] == [t.key]
        assert resources[t.name]["description"]
    figures = {f["name"]: f for f in resources["figures"]["schema"]["fields"]}
    assert figures["qualifier"]["constraints"]["enum"] == list(schema.QUALIFIERS)
    assert figures["figure_id"]["constraints"] == {"required": True, "pattern": f"({schema.ID_UPPER})"}
    assert figures["value"]["type"] == "number" and "required" not in figures["value"].get("constraints", {})
    assert {"fields": ["indicator"], "reference": {"resource": "indicators", "fields": ["indicator"]}} \
        in resources["figures"]["schema"]["foreignKeys"]
    refs = {(t.name, c.name): c.ref for t in schema.TABLES for c in t.columns if c.ref}
    assert refs[("citations", "source_id")] == "sources.source_id"
    for (tname, cname), ref in refs.items():
        other, key = ref.split(".")
        assert key == next(t.key for t in schema.TABLES if t.name == other), (tname, cname)


def test_frictionless_catches_a_broken_reference_and_a_broken_pattern(released, tmp_path):
    from frictionless import validate

    bad = tmp_path / "bad"
    bad.mkdir()
    for p in released["folder"].iterdir():
        (bad / p.name).write_bytes(p.read_bytes())
    rows = list(csv.DictReader(io.StringIO((bad / "figures.csv").read_text(encoding="utf-8"))))
    rows[0]["indicator"] = "no_such_indicator"
    rows[1]["figure_id"] = "lower-case-id"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (bad / "figures.csv").write_text(buf.getvalue(), encoding="utf-8")
    report = validate(bad / "datapackage.json")
    types = {e[0] for e in report.flatten(["type"])}
    assert not report.valid
    assert {"foreign-key", "constraint-error"} <= types, types


def test_numbers_are_numbers_in_the_csv(released):
    rows = list(csv.DictReader(io.StringIO((released["folder"] / "figures.csv").read_text(encoding="utf-8"))))
    values = [r["value"] for r in rows if r["value"]]
    assert values and all(not v.endswith(".0") for v in values)
    float(values[0])


def test_the_zip_holds_the_package(released):
    with zipfile.ZipFile(released["zip"]) as z:
        names = set(z.namelist())
    stem = released["zip"].stem
    assert f"{stem}/datapackage.json" in names and f"{stem}/LICENSE.md" in names
    assert {f"{stem}/{t.file}" for t in schema.TABLES} <= names


def test_the_workbook_has_a_readme_and_a_sheet_per_table(released):
    from openpyxl import load_workbook

    wb = load_workbook(released["workbook"])
    assert wb.sheetnames == ["README"] + [t.name for t in schema.TABLES]
    readme = " ".join(str(c.value) for row in wb["README"].iter_rows() for c in row if c.value)
    assert "CC BY 4.0" in readme and released["edition"] in readme
    ws = wb["figures"]
    assert ws.max_row == len(load().figures) + 1
    header = [c.value for c in ws[1]]
    col = header.index("value") + 1
    assert any(isinstance(ws.cell(row=i, column=col).value, int | float) for i in range(2, ws.max_row + 1))


def _hostile_dataset():
    ds = load()
    first = ds.sources.index[0]
    ds.sources.loc[first, "note"] = "=HYPERLINK(\"http://evil.example\",\"x\")"
    ds.sources.loc[ds.sources.index[1], "note"] = "@SUM(1+1)"
    ds.sources.loc[ds.sources.index[2], "note"] = "+1+1"
    ds.sources.loc[ds.sources.index[3], "note"] = "-2+3"
    return ds, first


def test_a_formula_cell_is_neutralised_in_the_csv_download(tmp_path):
    ds, first = _hostile_dataset()
    package.write_package(ds, tmp_path / "p", "2026.11")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "p" / "sources.csv").read_text(encoding="utf-8"))))
    notes = [r["note"] for r in rows[:4]]
    by_id = {r["source_id"]: r["note"] for r in rows}
    assert by_id[first].startswith("'=HYPERLINK")
    assert all(n.startswith("'") for n in notes)
    assert not [n for n in (r["note"] for r in rows) if n[:1] in ("=", "+", "-", "@")]


def test_a_formula_cell_is_neutralised_in_the_workbook(tmp_path):
    from openpyxl import load_workbook

    ds, first = _hostile_dataset()
    package.write_workbook(ds, tmp_path / "w.xlsx", "2026.11")
    ws = load_workbook(tmp_path / "w.xlsx")["sources"]
    header = [c.value for c in ws[1]]
    col = header.index("note") + 1
    cells = [ws.cell(row=i, column=col) for i in range(2, ws.max_row + 1)]
    assert not [c for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in texts
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@")]


def test_the_kit_uses_the_data_layers_one_rule():
    assert page.csv_safe is package.csv_safe
    df = pd.DataFrame({"a": ["=1+1", "ok", "-x"], "n": [-1.0, 2.0, 3.0]})
    out = package.csv_safe(df)
    assert list(out["a"]) == ["'=1+1", "ok", "'-x"] and list(out["n"]) == [-1.0, 2.0, 3.0]


def test_chart_data_links_a_file_beside_the_page_and_carries_the_csv():
    df = pd.DataFrame({"who": ["=cmd|' /C calc'!A0", "Myanmar"], "n": [1.0, 2.5]})
    out = page.chart_data(df, {"who": "Who", "n": "Number"}, "The data", "my-chart.csv")
    from IPython.core.formatters import DisplayFormatter

    bundle, _ = DisplayFormatter().format(out)
    assert set(bundle) == {"text/html", "text/plain"}  # nothing myst-nb would not know how to show
    assert "data:" not in bundle["text/html"]
    assert 'href="downloads/my-chart.csv"' in bundle["text/html"]
    rows = list(csv.reader(io.StringIO(out.csv)))
    assert rows[0] == ["Who", "Number"] and rows[1][0].startswith("'=") and rows[2] == ["Myanmar", "2.5"]


def test_a_figure_records_its_csv_in_the_pages_record_of_charts(tmp_path, monkeypatch):
    import altair as alt

    from fraudbook.kit import reads

    monkeypatch.setenv(reads.ENV, str(tmp_path / "reads.json"))
    monkeypatch.setattr(reads, "_charts", {})
    monkeypatch.setattr(page, "_glue", lambda name, obj: None)
    rows = pd.DataFrame([{"publisher": "FBI", "date_published": "2021-03-17", "who": "x"}])
    page.figure_block("my-chart", alt.Chart(rows).mark_point(), caption="C.", sources=rows,
                      data=rows, columns={"who": "Who"})
    record = json.loads((tmp_path / "reads.json").read_text())["charts"]["my-chart"]
    assert record["csv"].splitlines()[0] == "Who" and record["sources"] == ["FBI, 17 Mar 2021"]


def test_chart_data_gives_each_figures_numbers_qualifier_and_source_url(ds):
    meta = ds.figures_with_meta()
    fid = next(f for f, r in meta.iterrows() if r["qualifier"] == "more_than" and r["scale"] == "billion"
               and isinstance(r["source_url"], str) and r["source_url"])
    df = pd.DataFrame({"figure_id": [fid], "label": ["x"]})
    out = page.chart_data(df, {"label": "Label"}, "t", "c.csv")
    row = next(csv.DictReader(io.StringIO(out.csv)))
    r = ds.figures.loc[fid]
    assert float(row["Value"]) == pytest.approx(r["value"] * 1e9)
    assert row["Qualifier"] == "more than"
    assert row["Source URL"] == meta.loc[fid, "source_url"]


def _notebook_with(path: Path, downloads: dict[str, str]) -> None:
    """An executed page whose record of charts holds these CSVs, by chart key."""
    charts = {key: {"csv": text} for key, text in downloads.items()}
    nb = {"cells": [], "metadata": {"fraudbook": {"reads": {"charts": charts}}}, "nbformat": 4,
          "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_the_build_writes_each_chart_csv_beside_its_page(tmp_path):
    root = tmp_path / "root"
    (root / "book").mkdir(parents=True)
    _notebook_with(root / "book" / "losses.ipynb", {"losses-a": "A\n1\n"})
    html = tmp_path / "html"
    gone = html / "book" / "downloads" / "removed-chart.csv"
    gone.parent.mkdir(parents=True)
    gone.write_text("x")
    n = write_chart_downloads(Layout(root), html)
    assert n == 1 and (html / "book" / "downloads" / "losses-a.csv").read_text() == "A\n1\n"
    assert not gone.exists()


@pytest.mark.parametrize("key", ["../../evil", "a/b", "UPPER", ""])
def test_a_chart_download_may_not_name_a_path_outside_downloads(tmp_path, key):
    from fraudbook.pipeline.errors import BuildError

    nb = tmp_path / "p.ipynb"
    _notebook_with(nb, {key: "x"})
    with pytest.raises(BuildError, match="expected a chart key"):
        chart_downloads(nb)


def test_the_release_step_writes_the_zip_and_workbook(tmp_path):
    files = write_release(Layout(ROOT, build_override=tmp_path / "b"), tmp_path / "html", log=lambda *_: None)
    assert files["zip"].stat().st_size > 10_000 and files["workbook"].stat().st_size > 10_000
    assert (tmp_path / "html" / "data" / package.NAME / "datapackage.json").exists()


@pytest.mark.slow
def test_the_built_site_holds_the_downloads_and_no_inlined_csv(built_site):
    files = package.release_files(edition())
    assert (built_site / files["zip"]).exists() and (built_site / files["workbook"]).exists()
    for t in schema.TABLES:
        assert (built_site / files[f"csv:{t.name}"]).exists()
    for html in (built_site / "book").glob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "data:text/csv" not in text, html.name
        for link in set(__import__("re").findall(r'href="(downloads/[^"]+\.csv)"', text)):
            assert (html.parent / link).exists(), (html.name, link)


def test_citation_cff_validates_against_the_cff_schema():
    import jsonschema

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    cff = json.loads(json.dumps(cff, default=str))  # YAML dates as the strings CFF writes
    cff_schema = json.loads((HERE / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(cff_schema).validate(cff)
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == edition()
    assert cff["authors"] == [{"name": "The fraud data book team"}]
    assert cff["license"] == package.LICENCE["name"]
    assert "repository-code" not in cff
    ch = load().changes
    assert cff["date-released"] == max(ch[ch["edition"] == edition()]["date"])


def test_citation_cff_schema_check_refuses_a_broken_file():
    import jsonschema

    cff_schema = json.loads((HERE / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(cff_schema).validate({"cff-version": "1.2.0", "title": "x"})


def test_the_licences_are_stated():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    data_licence = (ROOT / "data" / "LICENSE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in data_licence and "short citations" in data_licence


def test_newest_source_date_of_a_pages_figures(ds):
    from fraudbook.pipeline.sphinx_ext import newest_source_date

    fid = ds.citations["subject_id"].value_counts().index[0]  # a figure or event with several sources
    dates = [ds.sources.loc[s, "date_published"] for s in ds.citations[ds.citations["subject_id"] == fid]["source_id"]]
    dates = [d for d in dates if isinstance(d, str) and d]
    from fraudbook.data.values import date_bounds

    assert newest_source_date([fid]) == max(dates, key=lambda d: (date_bounds(d)[0], len(d)))
    assert newest_source_date([]) is None


def test_the_footer_links_downloads_relative_to_the_page_and_dates_the_newest_source(tmp_path, ds):
    from types import SimpleNamespace

    from fraudbook.pipeline import sphinx_ext

    fid = ds.figures.index[0]
    nb = tmp_path / "losses.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {"fraudbook": {"reads": {"figures": [fid]}}}}))
    env = SimpleNamespace(all_docs={"book/losses": 0}, doc2path=lambda name: str(nb))
    app = SimpleNamespace(env=env)
    context = {"theme_extra_footer": f'<p><a href="{sphinx_ext.DOWNLOADS_HREF}">Download the data</a></p>',
               "pathto": lambda doc: "../book/downloads.html" if doc == sphinx_ext.DOWNLOADS_DOC else "?"}
    sphinx_ext._footer_links(app, "book/losses", "page.html", context, None)
    footer = context["theme_extra_footer"]
    assert 'href="../book/downloads.html"' in footer and sphinx_ext.DOWNLOADS_HREF not in footer
    newest = sphinx_ext.newest_source_date([fid])
    assert f'Newest source on this page: <time datetime="{newest}">' in footer
    context = {"theme_extra_footer": f'<a href="{sphinx_ext.DOWNLOADS_HREF}">x</a>', "pathto": lambda d: "downloads.html"}
    sphinx_ext._footer_links(app, "book/about", "page.html", context, None)
    assert "Newest source" not in context["theme_extra_footer"]


def test_a_page_of_events_or_of_sources_dates_its_newest_source_too(tmp_path, ds):
    from types import SimpleNamespace

    from fraudbook.data.values import date_bounds
    from fraudbook.pipeline import sphinx_ext

    event = ds.events.index[0]
    newest_listed = max((d for d in ds.sources["date_published"] if isinstance(d, str) and d),
                        key=lambda d: (date_bounds(d)[0], len(d)))
    listed = ds.sources.index[list(ds.sources["date_published"]).index(newest_listed)]
    for reads, expected in (({"events": [event]}, sphinx_ext.newest_source_date([event])),
                            ({"sources": [listed]}, newest_listed)):
        nb = tmp_path / "page.ipynb"
        nb.write_text(json.dumps({"cells": [], "metadata": {"fraudbook": {"reads": {"figures": [], **reads}}}}))
        app = SimpleNamespace(env=SimpleNamespace(all_docs={"book/page": 0}, doc2path=lambda name, nb=nb: str(nb)))
        assert sphinx_ext.page_figures(app, "book/page")
        context = {"theme_extra_footer": f'<a href="{sphinx_ext.DOWNLOADS_HREF}">x</a>',
                   "pathto": lambda d: "downloads.html"}
        sphinx_ext._footer_links(app, "book/page", "page.html", context, None)
        assert expected and f'Newest source on this page: <time datetime="{expected}">' in context["theme_extra_footer"]


def test_the_record_of_a_page_holds_the_events_and_sources_it_shows(tmp_path, monkeypatch, ds):
    from fraudbook.kit import reads

    path = tmp_path / "reads.json"
    monkeypatch.setenv(reads.ENV, str(path))
    for name in ("_tables", "_figures", "_events", "_sources"):
        monkeypatch.setattr(reads, name, set())
    reads.shown(ds.events.head(2))
    reads.shown(ds.sources.head(3))
    reads.shown(ds.figures.head(1))
    got = json.loads(path.read_text())
    assert got["events"] == sorted(ds.events.index[:2]) and got["sources"] == sorted(ds.sources.index[:3])
    assert got["figures"] == [ds.figures.index[0]]
