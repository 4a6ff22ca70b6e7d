"""The manifest of runs: validated as a whole before anything executes."""

from __future__ import annotations

import pytest

from fraudbook.pipeline.manifest import ManifestError, read_manifest

from .test_params import make_template


@pytest.fixture
def root(tmp_path):
    (tmp_path / "notebooks").mkdir()
    make_template(tmp_path / "notebooks" / "losses.ipynb",
                  'currency: str = "USD"  # choices: USD, CNY, EUR\nfirst_year = 2019\n')
    make_template(tmp_path / "notebooks" / "country.ipynb", "country: str = None  # geography\n")
    return tmp_path


def manifest(root, text):
    path = root / "runs.yml"
    path.write_text(text)
    return path


GOOD = """runs:
  - name: losses
    template: notebooks/losses.ipynb
    output: book/losses.ipynb
    parameters: {currency: EUR}
  - name: country-mmr
    template: notebooks/country.ipynb
    output: book/country-mmr.ipynb
    parameters: {country: MMR}
"""


def test_good_manifest(root):
    runs = read_manifest(manifest(root, GOOD), known={"geography": {"MMR"}}, root=root)
    assert [r.name for r in runs] == ["losses", "country-mmr"]
    assert runs[0].parameters == {"currency": "EUR", "first_year": 2019}


@pytest.mark.parametrize("change,words", [
    (("notebooks/country.ipynb\n    output: book/country", "notebooks/nope.ipynb\n    output: book/country"),
     "unknown template 'notebooks/nope.ipynb'"),
    (("book/country-mmr.ipynb", "book/losses.ipynb"), "duplicate output 'book/losses.ipynb'"),
    (("name: country-mmr", "name: losses"), "duplicate run name"),
    (("{country: MMR}", "{}"), "parameter 'country' is required"),
    (("{currency: EUR}", "{currency: EUR, year: 2020}"), "unknown parameter 'year'"),
    (("{currency: EUR}", "{first_year: '2019'}"), "must be int, got str"),
    (("{currency: EUR}", "{currency: '007'}"), "allowed: USD, CNY, EUR"),
    (("{country: MMR}", "{country: XYZ}"), "unknown geography id(s) ['XYZ']"),
    (("output: book/losses.ipynb", "output: /tmp/losses.ipynb"), "never absolute"),
    (("    output: book/losses.ipynb\n", ""), "missing field(s) output"),
    (("name: losses", "name: Losses Page"), "lowercase slug"),
    (("output: book/losses.ipynb", "output: book/money/losses.ipynb"), "no subfolder"),
    (("parameters: {currency: EUR}", "params: {currency: EUR}"), "unknown field(s) params"),
])
def test_bad_manifest_is_named(root, change, words):
    text = GOOD.replace(*change, 1)
    assert text != GOOD
    with pytest.raises(ManifestError) as info:
        read_manifest(manifest(root, text), known={"geography": {"MMR"}}, root=root)
    assert words in str(info.value)
    assert "runs.yml, run " in str(info.value)


@pytest.mark.parametrize("text", ["", "runs: []\n", "- a\n", "runs: [unclosed\n"])
def test_manifest_shape(root, text):
    with pytest.raises(ManifestError):
        read_manifest(manifest(root, text), root=root)


def test_the_real_manifest_is_valid():
    from fraudbook.pipeline.steps import plan
    runs = plan()
    assert runs, "runs.yml lists no run"
    # Each covered country gets its page from the one profile template.
    profiles = [r for r in runs if r.template == "notebooks/country-profile.ipynb"]
    assert {r.parameters["country"] for r in profiles} >= {"MMR", "KHM", "LAO", "THA", "PHL", "VNM", "CHN"}


def test_for_each_expands_one_run_per_value(root):
    text = GOOD.replace("""  - name: country-mmr
    template: notebooks/country.ipynb
    output: book/country-mmr.ipynb
    parameters: {country: MMR}
""", """  - name: country-{country}
    template: notebooks/country.ipynb
    output: book/country-{country}.ipynb
    for_each: {country: covered}
""")
    known = {"geography": {"MMR", "KHM", "LAO"}, "coverage": {"MMR": 9, "KHM": 3, "LAO": 2}}
    runs = read_manifest(manifest(root, text), known=known, root=root)
    assert [(r.name, r.output, r.parameters) for r in runs[1:]] == [
        ("country-khm", "book/country-khm.ipynb", {"country": "KHM"}),
        ("country-mmr", "book/country-mmr.ipynb", {"country": "MMR"}),
    ]
    listed = text.replace("covered", "[LAO]")
    assert [r.name for r in read_manifest(manifest(root, listed), known=known, root=root)][1:] == ["country-lao"]
    broken = text.replace("output: book/country-{country}.ipynb", "output: book/country-x.ipynb")
    with pytest.raises(ManifestError, match="must contain"):
        read_manifest(manifest(root, broken), known=known, root=root)
