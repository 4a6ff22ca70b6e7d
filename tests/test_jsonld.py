"""The schema.org Dataset description (JSON-LD): it serialises, carries the fields Google's
Dataset structured data requires and recommends with the right types, covers exactly the
periods and the countries of the data, lists the downloads the release step writes, cites the
book as the Downloads page does, and its script element cannot be ended early by the data."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest

from fraudbook.data import package
from fraudbook.data.claims import edition
from fraudbook.data.load import load
from fraudbook.data.values import date_bounds
from fraudbook.kit.jsonld import dataset_jsonld, jsonld_script
from fraudbook.paths import ROOT

COVERAGE = re.compile(r"^\d{4}-\d{2}(-\d{2})?/\d{4}-\d{2}(-\d{2})?$")


@pytest.fixture(scope="module")
def ds():
    return load()


@pytest.fixture(scope="module")
def files():
    return package.release_files(edition())


@pytest.fixture(scope="module")
def described(ds, files):
    return dataset_jsonld(ds, edition(), files)


def rows(table: str) -> list[dict]:
    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_it_serialises_and_reads_back(described):
    text = json.dumps(described, ensure_ascii=False)
    assert json.loads(text) == described


def test_required_and_recommended_fields_are_there_and_typed(described, ds):
    d = described
    assert d["@context"] == "https://schema.org/" and d["@type"] == "Dataset"
    assert isinstance(d["name"], str) and d["name"] == package.TITLE
    assert isinstance(d["description"], str) and 50 <= len(d["description"]) <= 5000
    lic = urlparse(d["license"])
    assert lic.scheme == "https" and lic.netloc == "creativecommons.org" and d["license"] == package.LICENCE["path"]
    for who in (d["creator"], d["publisher"]):
        assert who["@type"] in ("Organization", "Person") and who["name"] == package.AUTHOR
    assert d["version"] == edition()
    assert d["isAccessibleForFree"] is True
    assert d["inLanguage"] == "en"
    assert d["keywords"] and all(isinstance(k, str) and k for k in d["keywords"])
    ledger = [r for r in rows("changes") if r["edition"] == edition()]
    assert d["datePublished"] == max(r["date"] for r in ledger)
    assert date.fromisoformat(d["dateModified"]) >= date.fromisoformat(d["datePublished"])
    titles = {r["title"] for r in rows("indicators") if r["indicator"] in {f["indicator"] for f in rows("figures")}}
    assert all(v["@type"] == "PropertyValue" and v["description"] for v in d["variableMeasured"])
    assert {v["name"] for v in d["variableMeasured"]} == titles


def test_the_citation_names_author_title_edition_day_and_licence(described, ds):
    ed = edition()
    day = max(r["date"] for r in rows("changes") if r["edition"] == ed)
    from fraudbook.kit.dates import when

    assert described["citation"] == (
        f"The fraud data book team ({day[:4]}). Scam centres and the money they take: an open "
        f"data book (edition {ed}), released {when(day)}. Data set and book, licensed under CC BY 4.0.")
    assert dataset_jsonld(ds, edition(), {}, cite="Cite me.")["citation"] == "Cite me."


def test_the_temporal_coverage_is_every_period_and_event_and_no_more(described):
    cov = described["temporalCoverage"]
    assert COVERAGE.match(cov), cov
    start, end = (date.fromisoformat(x) for x in cov.split("/"))
    firsts, lasts = [], []
    for f in rows("figures"):
        firsts.append(date_bounds(f["period_start"] or f["period_end"])[0])
        lasts.append(date_bounds(f["period_end"])[1])
    for e in rows("events"):
        firsts.append(date_bounds(e["date"])[0])
        lasts.append(date_bounds(e["end_date"] or e["date"])[1])
    assert all(start <= d for d in firsts) and all(d <= end for d in lasts)
    assert start == min(firsts) and end == max(lasts)  # as tight as the data


def test_the_spatial_coverage_is_the_countries_the_data_refers_to(described):
    geo = {r["code"]: r for r in rows("geographies")}
    country = {c: (c if r["kind"] == "country" else r["country"]) for c, r in geo.items()}
    used = set()
    for f in rows("figures"):
        used |= {country.get(c) for c in f["geography"].split(";") + [f["partner"]] if c}
    for e in rows("events"):
        used |= {country.get(c) for c in e["countries"].split(";") if c}
    names = {geo[c]["name"] for c in used if c and geo[c]["kind"] == "country"}
    places = described["spatialCoverage"]
    assert all(p["@type"] == "Place" for p in places)
    assert sorted(p["name"] for p in places) == sorted(names)
    assert {"Myanmar", "Cambodia", "China"} <= names


def test_the_distribution_lists_the_release_files(described, files):
    dist = described["distribution"]
    assert all(d["@type"] == "DataDownload" for d in dist)
    assert {d["contentUrl"] for d in dist} == {files[k] for k in ("zip", "workbook", "sqlite", "descriptor")}
    assert all(d["contentUrl"] in files.values() and not urlparse(d["contentUrl"]).scheme for d in dist)
    formats = {d["contentUrl"]: d["encodingFormat"] for d in dist}
    assert formats[files["zip"]] == "application/zip"
    assert formats[files["sqlite"]] == "application/vnd.sqlite3"
    assert formats[files["descriptor"]] == "application/json"
    assert formats[files["workbook"]].startswith("application/vnd.openxmlformats")
    from_book = dataset_jsonld(load(), edition(), files, to_root="../")["distribution"]
    assert [d["contentUrl"] for d in from_book] == ["../" + d["contentUrl"] for d in dist]


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.opened, self.texts, self.other = [], [], []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.opened.append(dict(attrs))
            self._in = True
            self.texts.append("")
        else:
            self.other.append(tag)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False
        else:
            self.other.append("/" + tag)

    def handle_data(self, data):
        if self._in:
            self.texts[-1] += data
        else:
            self.other.append(data)


def _parse(html: str) -> Scripts:
    p = Scripts()
    p.feed(html)
    p.close()
    return p


def test_the_script_element_cannot_be_ended_early():
    hostile = {"@context": "https://schema.org/", "name": "</script><script>alert(1)</script>",
               "description": "<!-- <script> & </SCRIPT > -->", "nested": ["</scr" + "ipt>", {"x": "<b>&amp;</b>"}]}
    html = jsonld_script(hostile)
    p = _parse(html)
    assert p.opened == [{"type": "application/ld+json"}] and p.other == []
    assert json.loads(p.texts[0]) == hostile
    assert html.lower().count("</script") == 1 and html.endswith("</script>")
    assert "<!--" not in html


def test_the_real_description_as_a_script_reads_back(described):
    p = _parse(jsonld_script(described))
    assert len(p.opened) == 1 and json.loads(p.texts[0]) == described
