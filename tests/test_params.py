"""Parameters: read from a template's `parameters` cell, checked before anything executes."""

from __future__ import annotations

import json

import pytest

from fraudbook.build.params import ParameterError, check_parameters, template_parameters


def make_template(path, source, tags=("parameters",), extra_cells=()):
    cells = [{"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source,
              "outputs": [], "execution_count": None}, *[dict(c) for c in extra_cells]]
    for i, c in enumerate(cells):
        c.setdefault("id", f"cell-{i}")
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))
    return path


SOURCE = '''currency: str = "USD"  # choices: USD, CNY, EUR
first_year = 2019
countries: list = ["MMR"]  # geography
country: str = None  # geography
headline: list = [  # figure
    "A-1"]
'''


KNOWN = {"geography": {"MMR", "KHM"}, "figure": {"A-1"}}


@pytest.fixture
def declared(tmp_path):
    return template_parameters(make_template(tmp_path / "t.ipynb", SOURCE))


def test_reads_names_types_defaults_and_rules(declared):
    assert list(declared) == ["currency", "first_year", "countries", "country", "headline"]
    assert declared["currency"].choices == ("USD", "CNY", "EUR")
    assert declared["first_year"].type is int and declared["first_year"].default == 2019
    assert declared["countries"].refers_to == "geography" and declared["country"].required
    assert declared["headline"].refers_to == "figure"


def test_defaults_fill_in(declared):
    full = check_parameters({"country": "MMR"}, declared, "run x", KNOWN)
    assert full == {"currency": "USD", "first_year": 2019, "countries": ["MMR"], "country": "MMR",
                    "headline": ["A-1"]}


@pytest.mark.parametrize("given,words", [
    ({"country": "MMR", "colour": "red"}, "unknown parameter 'colour'"),
    ({"country": "MMR", "first_year": "2019"}, "parameter 'first_year' must be int, got str '2019'"),
    ({"country": "MMR", "first_year": True}, "must be int, got bool"),
    ({"country": "MMR", "currency": "GBP"}, "allowed: USD, CNY, EUR"),
    ({"country": "XXX"}, "unknown geography id(s) ['XXX']"),
    ({"country": "MMR", "headline": ["A-1", "B-2"]}, "unknown figure id(s) ['B-2']"),
    ({"country": "MMR", "countries": ["MMR", "ZZZ"]}, "['ZZZ']"),
    ({}, "parameter 'country' is required"),
])
def test_bad_parameters_are_named(declared, given, words):
    with pytest.raises(ParameterError) as info:
        check_parameters(given, declared, "runs.yml, run 2 ('losses')", KNOWN)
    assert words in str(info.value)
    assert "run 2 ('losses')" in str(info.value)


def test_float_accepts_int(tmp_path):
    declared = template_parameters(make_template(tmp_path / "t.ipynb", "rate = 1.5\n"))
    assert check_parameters({"rate": 2}, declared, "w")["rate"] == 2


@pytest.mark.parametrize("tags,count", [((), 0), (("parameters",), 2)])
def test_template_needs_exactly_one_parameters_cell(tmp_path, tags, count):
    extra = [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "y = 2",
              "outputs": [], "execution_count": None}] if count == 2 else []
    path = make_template(tmp_path / "t.ipynb", "x = 1\n", tags=tags, extra_cells=extra)
    with pytest.raises(ParameterError, match=f"{count} cells tagged 'parameters'"):
        template_parameters(path)


@pytest.mark.parametrize("source,words", [
    ("x = compute()\n", "not a literal"),
    ("import os\n", "may only assign literals"),
    ("country = None\n", "needs a type annotation"),
    ("x: tuple = (1,)\n", "has type 'tuple'"),
])
def test_bad_parameters_cell(tmp_path, source, words):
    with pytest.raises(ParameterError, match=words.replace("(", r"\(")):
        template_parameters(make_template(tmp_path / "t.ipynb", source))
