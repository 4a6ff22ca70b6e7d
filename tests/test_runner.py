"""The runner: papermill executes into staging; failures name the run and cell and change nothing."""

from __future__ import annotations

import json
import re

import pytest

from fraudbook.paths import Layout
from fraudbook.pipeline.publish import swap_in
from fraudbook.pipeline.steps import build

from .test_params import make_template

# Builds, executes notebooks or renders the site: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def code(source, tags=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source,
            "outputs": [], "execution_count": None}


@pytest.fixture
def root(good_data):
    """A tiny repository: the fixture data, two templates, a manifest, an old book and site."""
    root = good_data.parent
    (root / "notebooks").mkdir()
    make_template(root / "notebooks" / "ok.ipynb", 'greeting: str = "hello"\n',
                  extra_cells=[code("print(greeting.upper())")])
    make_template(root / "notebooks" / "vars.ipynb", 'code: str = "MMR"\n',
                  extra_cells=[markdown("# Profile of {{ name }}"),
                               code("from fraudbook.kit import page\npage.set_vars(name=code.lower())")])
    make_template(root / "notebooks" / "boom.ipynb", "n = 1\n",
                  extra_cells=[code("x = 2"), code("raise ValueError(f'boom {n}')")])
    (root / "book").mkdir()
    (root / "book" / "boom.ipynb").write_text("OLD PAGE")
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("OLD SITE")
    return root


def markdown(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def write_runs(root, *runs):
    lines = ["runs:"]
    for name, params in runs:
        template = name.split("-")[0]
        lines += [f"  - name: {name}", f"    template: notebooks/{template}.ipynb",
                  f"    output: book/{name}.ipynb", f"    parameters: {json.dumps(params)}"]
    # Every run is placed in the book (the first is the landing page).
    lines += ["toc:", "  - caption: All", f"    pages: {json.dumps([r[0] for r in runs[1:]])}"]
    (root / "runs.yml").write_text("\n".join(lines) + "\n")


def test_successful_run_is_published_tidy(root):
    write_runs(root, ("ok", {"greeting": "hi there"}))
    assert build(site=False, layout=Layout(root), log=lambda *a: None) == 0
    text = (root / "book" / "ok.ipynb").read_text()
    nb = json.loads(text)
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert any("HI THERE" in "".join(o.get("text", "")) for o in outputs)
    assert str(root) not in text, "an absolute machine path leaked into the published notebook"
    assert nb["metadata"]["papermill"] == {"input_path": "notebooks/ok.ipynb",
                                           "output_path": "book/ok.ipynb",
                                           "parameters": {"greeting": "hi there"}}
    tags = [c["metadata"]["tags"] for c in nb["cells"]]
    assert "remove-cell" in tags[0]                      # the parameters cell
    assert any("injected-parameters" in t and "remove-cell" in t for t in tags)
    assert "remove-input" in tags[-1]                    # ordinary code: output only


def test_what_a_page_read_is_published_with_it(root):
    # Events and sources listed, and config values printed, reach the page's record: the
    # footer's "newest source on this page" and the digest read them from there.
    make_template(root / "notebooks" / "lists.ipynb", "n = 1\n", extra_cells=[code(
        "from fraudbook.kit import page, reads\n"
        "reads.events(['EV-1'])\nreads.sources(['src-1'])\nprint(page.book_title())")])
    (root / "_config.yml").write_text("title: A small book\n")
    write_runs(root, ("lists", {}))
    assert build(site=False, layout=Layout(root), log=lambda *a: None) == 0
    nb = json.loads((root / "book" / "lists.ipynb").read_text())
    recorded = nb["metadata"]["fraudbook"]["reads"]
    assert (recorded["events"], recorded["sources"], recorded["config"]) == (["EV-1"], ["src-1"], ["title"])
    assert "A small book" in json.dumps(nb["cells"])


def test_failing_cell_stops_build_and_changes_nothing(root, capsys):
    write_runs(root, ("ok", {}), ("boom", {"n": 7}))
    assert build(layout=Layout(root), log=lambda *a: None) == 1
    err = capsys.readouterr().err
    assert "run 'boom' (notebooks/boom.ipynb -> book/boom.ipynb) failed in cell" in err
    assert "ValueError: boom 7" in err
    assert (root / "book" / "boom.ipynb").read_text() == "OLD PAGE"
    assert not (root / "book" / "ok.ipynb").exists(), "a partial build was published"
    assert (root / "_build" / "html" / "index.html").read_text() == "OLD SITE"
    assert (root / "_build" / "failed" / "boom.ipynb").exists()


def test_bad_parameter_fails_before_any_execution(root, capsys):
    write_runs(root, ("ok", {}), ("ok-two", {"greeting": 5}))
    assert build(layout=Layout(root), log=lambda *a: None) == 1
    err = capsys.readouterr().err
    assert "run 2 ('ok-two')" in err and "parameter 'greeting' must be str, got int 5" in err
    assert not (root / "_build" / "runs").exists(), "something executed before the check"
    assert (root / "_build" / "html" / "index.html").read_text() == "OLD SITE"


def test_bad_data_fails_before_any_execution(root, capsys):
    write_runs(root, ("ok", {}))
    figures = root / "data" / "figures.csv"
    figures.write_text(figures.read_text().replace("31000", "-31000", 1))
    assert build(layout=Layout(root), log=lambda *a: None) == 1
    err = capsys.readouterr().err
    assert "figures.csv, row 2, column 'value'" in err
    assert not (root / "_build" / "runs").exists()


def test_swap_in_replaces_site_whole(tmp_path):
    built, site = tmp_path / "built", tmp_path / "html"
    built.mkdir()
    site.mkdir()
    (built / "index.html").write_text("new")
    (site / "index.html").write_text("old")
    (site / "stale.html").write_text("old")
    swap_in(built, site)
    assert (site / "index.html").read_text() == "new"
    assert not (site / "stale.html").exists()
    assert not (tmp_path / "html.old").exists() and not (tmp_path / "html.new").exists()


def test_placeholders_in_markdown_are_filled_from_set_vars(root):
    write_runs(root, ("vars", {"code": "KHM"}))
    assert build(site=False, layout=Layout(root), log=lambda *a: None) == 0
    nb = json.loads((root / "book" / "vars.ipynb").read_text())
    md = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert "".join(md[0]["source"]) == "# Profile of khm"
    setter = next(c for c in nb["cells"] if "set_vars" in "".join(c["source"]))
    assert "remove-output" in setter["metadata"]["tags"]


def test_placeholder_without_value_fails(root, capsys):
    template = root / "notebooks" / "vars.ipynb"
    template.write_text(template.read_text().replace("{{ name }}", "{{ nom }}"))
    write_runs(root, ("vars", {}))
    assert build(site=False, layout=Layout(root), log=lambda *a: None) == 1
    assert "{{ nom }}" in capsys.readouterr().err


def test_two_runs_write_identical_notebooks(root):
    write_runs(root, ("vars", {"code": "LAO"}))
    assert build(site=False, layout=Layout(root), log=lambda *a: None) == 0
    first = (root / "book" / "vars.ipynb").read_bytes()
    assert build(site=False, layout=Layout(root), log=lambda *a: None) == 0
    assert (root / "book" / "vars.ipynb").read_bytes() == first


def test_unchanged_runs_are_reused_and_changed_ones_executed(root):
    write_runs(root, ("ok", {}), ("vars", {"code": "LAO"}))
    lines = []
    assert build(site=False, layout=Layout(root), log=lines.append) == 0
    assert "2 of 2 run(s) to execute" in "\n".join(lines)
    lines.clear()
    assert build(site=False, layout=Layout(root), log=lines.append) == 0
    assert "0 of 2 run(s) to execute" in "\n".join(lines)
    # Changing one template re-executes that run only; changing data re-executes both.
    template = root / "notebooks" / "ok.ipynb"
    template.write_text(template.read_text().replace("upper()", "lower()"))
    lines.clear()
    assert build(site=False, layout=Layout(root), log=lines.append) == 0
    table = "\n".join(lines)
    assert "1 of 2 run(s) to execute" in table
    assert re.search(r"^ok\s+[\d.]+\s+executed$", table, re.M)
    assert re.search(r"^vars\s+[\d.]+\s+reused$", table, re.M)
    sources = root / "data" / "sources.csv"
    sources.write_text(sources.read_text().replace("31,000 suspects", "31,000 suspects!"))
    lines.clear()
    assert build(site=False, layout=Layout(root), log=lines.append) == 0
    assert "2 of 2 run(s) to execute" in "\n".join(lines)
