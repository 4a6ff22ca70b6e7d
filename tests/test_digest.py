"""Fingerprints decide what a build may skip: they must change with every input a page read,
and only then."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

from fraudbook.data.coverage import known_ids
from fraudbook.data.load import load
from fraudbook.paths import ROOT, Layout
from fraudbook.pipeline.digest import build_fingerprint, run_digest, run_digests
from fraudbook.pipeline.manifest import Run, read_manifest


@pytest.fixture
def repo(tmp_path):
    for folder in ("data", "fraudbook", "notebooks", "book", "_static"):
        shutil.copytree(ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    for name in ("runs.yml", "_config.yml", "_toc.yml", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def edit_figure(repo, column: str, figure_id: str | None = None) -> str:
    """Change one cell of one figure (the first, or `figure_id`); returns the figure's id."""
    path = repo / "data" / "figures.csv"
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    rows = list(reader)
    row = next(r for r in rows if figure_id in (None, r["figure_id"]))
    row[column] = row[column] + " (edited)" if column == "note" else row[column] + "1"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return row["figure_id"]


@pytest.mark.parametrize("path", ["data/figures.csv", "fraudbook/kit/words.py", "requirements.txt",
                                  "runs.yml", "notebooks/losses.ipynb", "book/about.md",
                                  "_config.yml", "_static/fraudbook.css"])
def test_build_fingerprint_follows_every_input(repo, path):
    before = build_fingerprint(repo)
    assert build_fingerprint(repo) == before  # stable
    target = repo / path
    target.write_bytes(target.read_bytes() + b"\n")
    assert build_fingerprint(repo) != before, f"editing {path} went unnoticed"


RUN = Run("losses", "notebooks/losses.ipynb", "book/losses.ipynb", {})


def digests(repo, reads):
    return run_digest(RUN, Layout(repo), reads)


def test_a_figure_edit_reaches_only_the_pages_that_show_it(repo):
    first = next(csv.DictReader(open(repo / "data" / "figures.csv", encoding="utf-8")))["figure_id"]
    shows_it = {"tables": ["figures", "sources"], "figures": [first]}
    shows_others = {"tables": ["figures", "sources"], "figures": ["SOMETHING-ELSE"]}
    no_figures = {"tables": ["events", "sources"], "figures": []}
    before = [digests(repo, r) for r in (shows_it, shows_others, no_figures)]
    edit_figure(repo, "note", first)
    after = [digests(repo, r) for r in (shows_it, shows_others, no_figures)]
    assert after[0] != before[0], "the page showing the figure must re-execute"
    assert after[1] == before[1], "a page not showing it keeps its digest"
    assert after[2] == before[2], "a page not reading figures keeps its digest"


def test_a_change_that_could_select_a_figure_reaches_every_page_reading_figures(repo):
    reads = {"tables": ["figures"], "figures": []}
    before = digests(repo, reads)
    edit_figure(repo, "period_end")
    assert digests(repo, reads) != before


def test_tables_a_page_read_count_whole_and_others_not_at_all(repo):
    reads = {"tables": ["events"], "figures": []}
    before = digests(repo, reads)
    fx = repo / "data" / "fx_rates.csv"
    fx.write_bytes(fx.read_bytes() + b"\n")
    assert digests(repo, reads) == before, "a table the page never read does not matter"
    ev = repo / "data" / "events.csv"
    ev.write_bytes(ev.read_bytes() + b"\n")
    assert digests(repo, reads) != before


def test_unknown_reads_count_every_data_file_but_not_prose(repo):
    before = digests(repo, None)
    (repo / "data" / "README.md").write_text("edited\n")
    assert digests(repo, None) == before  # documentation does not change any output
    fx = repo / "data" / "fx_rates.csv"
    fx.write_bytes(fx.read_bytes() + b"\n")
    assert digests(repo, None) != before


def test_code_and_template_changes_reach_every_run(repo):
    reads = {"tables": [], "figures": []}
    before = digests(repo, reads)
    words = repo / "fraudbook" / "kit" / "words.py"
    words.write_text(words.read_text() + "\n# edited\n")
    after_code = digests(repo, reads)
    assert after_code != before
    nb = repo / "notebooks" / "losses.ipynb"
    nb.write_bytes(nb.read_bytes() + b"\n")
    assert digests(repo, reads) != after_code


def every_digest(repo) -> dict[str, str]:
    layout = Layout(repo)
    runs = read_manifest(layout.manifest, known=known_ids(load(layout.data)), root=layout.root)
    return run_digests(runs, layout)


def test_a_module_no_kernel_imports_reaches_no_run_and_a_chapter_only_its_own(repo):
    before = every_digest(repo)
    for module in ("fraudbook/pipeline/serve.py", "fraudbook/pipeline/pdf.py", "fraudbook/pipeline/sphinx_ext.py"):
        path = repo / module
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert every_digest(repo) == before, "an edit to the build's server or printer re-executes pages"
    chapter = repo / "fraudbook" / "chapters" / "losses.py"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = every_digest(repo)
    assert sorted(n for n in after if after[n] != before[n]) == ["losses"]
    kit = repo / "fraudbook" / "kit" / "words.py"
    kit.write_text(kit.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert all(v != after[n] for n, v in every_digest(repo).items()), "a kit edit missed a page"


def test_a_title_change_re_executes_the_pages_that_print_it_and_only_those(repo):
    before = every_digest(repo)
    config = repo / "_config.yml"
    text = config.read_text(encoding="utf-8")
    title = re.search(r"^title:.*$", text, re.M).group(0)
    config.write_text(text.replace(title, "title: Another title", 1), encoding="utf-8")
    after = every_digest(repo)
    changed = sorted(n for n in after if after[n] != before[n])
    assert changed == ["data-and-methods", "register", "register-earlier"], changed


def test_a_config_value_counts_only_for_a_page_that_read_it(repo):
    reads = {"tables": [], "figures": []}
    plain, titled = digests(repo, reads), digests(repo, {**reads, "config": ["title"]})
    config = repo / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nextra: 1\n", encoding="utf-8")
    assert (digests(repo, reads), digests(repo, {**reads, "config": ["title"]})) == (plain, titled)
    config.write_text(re.sub(r"^title:.*$", "title: New", config.read_text(encoding="utf-8"), count=1, flags=re.M),
                      encoding="utf-8")
    assert digests(repo, reads) == plain and digests(repo, {**reads, "config": ["title"]}) != titled
