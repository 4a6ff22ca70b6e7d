"""Parameters: read from a template's `parameters` cell, checked before anything executes."""

from __future__ import annotations

import json

import pytest

from fraudbook.pipeline.params import ParameterError, check_parameters, template_parameters


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


def test_hash_inside_a_string_default_is_not_a_comment(tmp_path):
    declared = template_parameters(make_template(tmp_path / "t.ipynb",
                                                 'colour: str = "#fff"  # choices: #fff, #000\n'
                                                 'label = "a # b"\n'))
    assert declared["colour"].choices == ("#fff", "#000")
    assert declared["label"].choices == () and declared["label"].refers_to is None


@pytest.mark.parametrize("text,words", [
    ("{not json", "line 1, column 2: not a notebook"),
    (b"\xff\xfe{}", "not UTF-8"),
    ('{"cells": 3}', "not a Jupyter notebook"),
    ('{"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": 5}]}', "not text"),
])
def test_template_that_is_not_a_notebook(tmp_path, text, words):
    path = tmp_path / "t.ipynb"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ParameterError, match=words):
        template_parameters(path)


@pytest.mark.parametrize("value,words", [
    (float("nan"), "NaN or infinity"),
    ([[["MMR"]]], "flat list"),
    (["MMR"] * 2000, "more than 1000 values"),
    ("x" * 5000, "longer than 2000"),
])
def test_values_that_are_not_plain_and_small(declared, value, words):
    key = "first_year" if isinstance(value, float) else ("countries" if isinstance(value, list) else "currency")
    with pytest.raises(ParameterError) as info:
        check_parameters({"country": "MMR", key: value}, declared, "run x", KNOWN)
    assert words in str(info.value) and len(str(info.value)) < 400
