"""Hostile input to the build: manifest, parameters, and process faults.

Each test asserts the exit code, that the message names the place (file and run, cell or
parameter) on one line per problem, that nothing executed where that can be known
beforehand, and that book/ and the site are byte-identical afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fraudbook.paths import Layout
from fraudbook.pipeline import lock as lockmod
from fraudbook.pipeline.steps import build, run_one

from .hostile import tree_hash, write_tables
from .test_params import make_template

MARK = "import os, pathlib\nd = os.environ.get('HB_MARKS')\nif d: pathlib.Path(d, 'ran-' + RUN).touch()\n"


def code(source, tags=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source,
            "outputs": [], "execution_count": None}


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A tiny book: valid data, templates, a manifest, an old page and an old site."""
    root = tmp_path / "root"
    write_tables(root / "data")
    nbs = root / "notebooks"
    nbs.mkdir()
    make_template(nbs / "ok.ipynb", 'RUN = "ok"\ngreeting: str = "hello"\n',
                  extra_cells=[code(MARK), code("print(greeting.upper())")])
    make_template(nbs / "dates.ipynb",
                  'RUN = "dates"\nstart: str = "2020-01-01"  # date\nend: str = "2026-12-31"  # date after: start\n'
                  'first_year: int = 2021  # year\ncodes: list = ["MMR"]  # geography\n',
                  extra_cells=[code(MARK)])
    make_template(nbs / "sleepy.ipynb", 'RUN = "sleepy"\n',
                  extra_cells=[code(MARK), code("import time\ntime.sleep(120)")])
    make_template(nbs / "die.ipynb", 'RUN = "die"\n',
                  extra_cells=[code(MARK), code("x = 1"), code("import os\nos._exit(3)")])
    (root / "book").mkdir()
    (root / "book" / "ok.ipynb").write_text("OLD PAGE")
    (root / "book" / "about.md").write_text("# About\n")
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("OLD SITE")
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("HB_MARKS", str(marks))
    return root


def runs(root, *entries):
    lines = ["runs:"]
    for name, template, params in entries:
        lines += [f"  - name: {name}", f"    template: notebooks/{template}.ipynb",
                  f"    output: book/{name}.ipynb", f"    parameters: {json.dumps(params)}"]
    lines += ["toc:", "  - caption: All", f"    pages: {json.dumps([e[0] for e in entries[1:]])}"]
    (root / "runs.yml").write_text("\n".join(lines) + "\n")


def snapshot(root):
    return tree_hash(root / "book", root / "_build" / "html")


def ran(root):
    return sorted(p.name for p in (root.parent / "marks").iterdir())


def quiet(*a):
    pass


def fails_cleanly(capsys, root, before, *words, code=1, executed=False, **kw):
    """Run the build; assert the exit code, the words in stderr, no traceback, trees unchanged."""
    rc = build(layout=Layout(root), log=quiet, **kw)
    err = capsys.readouterr().err
    assert rc == code, err
    for w in words:
        assert w in err, f"{w!r} not in:\n{err}"
    assert "Traceback" not in err
    assert all(line.isprintable() for line in err.splitlines()), f"control characters in {err!r}"
    assert snapshot(root) == before, "book/ or the site changed"
    if not executed:
        assert not (root / "_build" / "runs").exists(), "something executed"
        assert ran(root) == []
    return err


# --- process faults ------------------------------------------------------------------------

@pytest.mark.slow
def test_cell_that_never_returns_times_out_naming_run_and_cell(tree, capsys, monkeypatch):
    monkeypatch.setenv("FRAUDBOOK_CELL_TIMEOUT", "3")
    runs(tree, ("sleepy", "sleepy", {}))
    before = snapshot(tree)
    start = time.monotonic()
    err = fails_cleanly(capsys, tree, before, "run 'sleepy'", "timed out in cell 3",
                        "FRAUDBOOK_CELL_TIMEOUT", executed=True)
    assert time.monotonic() - start < 60
    assert (tree / "_build" / "failed" / "sleepy.ipynb").exists()
    assert len(err.strip().splitlines()) == 2, err


@pytest.mark.slow
def test_kernel_that_dies_names_run_and_cell_and_keeps_notebook(tree, capsys):
    runs(tree, ("die", "die", {}))
    before = snapshot(tree)
    fails_cleanly(capsys, tree, before, "run 'die'", "cell 4", "the kernel died",
                  "_build/failed/die.ipynb", executed=True)
    kept = json.loads((tree / "_build" / "failed" / "die.ipynb").read_text())
    assert "os._exit" in "".join(kept["cells"][4]["source"])


@pytest.mark.slow
def test_parallel_timeout_names_the_run(tree, capsys, monkeypatch):
    monkeypatch.setenv("FRAUDBOOK_CELL_TIMEOUT", "3")
    runs(tree, ("ok", "ok", {}), ("sleepy", "sleepy", {}))
    before = snapshot(tree)
    fails_cleanly(capsys, tree, before, "run 'sleepy'", "timed out in cell 3", executed=True, jobs=2)
    assert not (tree / "book" / "sleepy.ipynb").exists()


# --- the manifest --------------------------------------------------------------------------

BOMB = """bomb:
  a: &a [MMR, MMR, MMR, MMR, MMR, MMR, MMR, MMR, MMR, MMR]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
"""


def manifest_text(body: str, toc: bool = True) -> str:
    return body + ("toc:\n  - caption: All\n    pages: []\n" if toc else "")


OK_RUN = "runs:\n  - name: ok\n    template: notebooks/ok.ipynb\n    output: book/ok.ipynb\n"

MANIFEST_CASES = [
    # (id, runs.yml bytes, words in the message)
    ("not-utf8", (OK_RUN + "# caf\xe9\n").encode("latin-1"), ["runs.yml, line 5", "not UTF-8", "0xE9"]),
    ("nul", (OK_RUN + "# a\x00b\n").encode(), ["runs.yml, line 5", "NUL"]),
    ("bad-yaml", (OK_RUN + "    parameters: {greeting: [unclosed\n").encode(), ["runs.yml, line", "not valid YAML"]),
    ("duplicate-key", (OK_RUN + "    parameters: {greeting: a}\n    parameters: {greeting: b}\n").encode(),
     ["runs.yml, line 6", "appears twice"]),
    ("alias-bomb", (BOMB + OK_RUN + "    parameters: {greeting: *h}\n").encode(),
     ["runs.yml", "more than 20,000 values"]),
    ("dotdot-template", OK_RUN.replace("notebooks/ok.ipynb", "notebooks/../book/ok.ipynb").encode(),
     ["run 1 ('ok')", "must be a notebooks/<name>.ipynb"]),
    ("subfolder-template", OK_RUN.replace("notebooks/ok.ipynb", "notebooks/../notebooks/ok.ipynb").encode(),
     ["run 1 ('ok')", "no '..'"]),
    ("nul-template", OK_RUN.replace("notebooks/ok.ipynb", '"notebooks/o\\0k.ipynb"').encode(),
     ["run 1 ('ok')", "template 'notebooks/o\\x00k.ipynb'"]),
    ("list-name", OK_RUN.replace("name: ok", "name: [ok]").encode(), ["run 1", "name must be text"]),
    ("escape-name", OK_RUN.replace("name: ok", 'name: "ok\\e[2J\\nrm\\u202e"').encode(),
     ["run 1 ('ok\\x1b[2J\\nrm\\u202e')", "lowercase slug"]),
    ("mixed-keys", (OK_RUN + "    1: x\n    b: y\n").encode(), ["run 1 ('ok')", "unknown field(s) 1, b"]),
    ("output-escape", OK_RUN.replace("output: book/ok.ipynb", "output: book/../ok.ipynb").encode(),
     ["run 1 ('ok')", "must be book/<lowercase-slug>.ipynb"]),
    ("unquoted-date", OK_RUN.replace("notebooks/ok", "notebooks/dates").encode()
     + b"    parameters: {start: 2021-01-01}\n", ["run 1 ('ok')", "parameter 'start'", "in quotes"]),
    ("bad-day", OK_RUN.replace("notebooks/ok", "notebooks/dates").encode()
     + b"    parameters: {start: '2021-02-30'}\n", ["run 1 ('ok')", "parameter 'start' is not a real date"]),
    ("end-before-start", OK_RUN.replace("notebooks/ok", "notebooks/dates").encode()
     + b"    parameters: {start: '2024-01-01', end: '2023-01-01'}\n", ["parameter 'start'", "must be on or before"]),
    ("bad-year", OK_RUN.replace("notebooks/ok", "notebooks/dates").encode()
     + b"    parameters: {first_year: 1800}\n", ["parameter 'first_year' must be a year"]),
    ("nested-codes", OK_RUN.replace("notebooks/ok", "notebooks/dates").encode()
     + b"    parameters: {codes: [MMR, [THA]]}\n", ["parameter 'codes' must be a flat list"]),
    ("nan", OK_RUN.replace("notebooks/ok", "notebooks/dates").encode()
     + b"    parameters: {codes: [.nan]}\n", ["parameter 'codes' holds NaN"]),
    ("bomb-param", ("\n".join(BOMB.splitlines()[:4]) + "\n" + OK_RUN.replace("notebooks/ok", "notebooks/dates")).encode()
     + b"    parameters: {codes: *c}\n", ["parameter 'codes' holds more than 1000 values"]),
    ("unknown-geo", OK_RUN.replace("notebooks/ok", "notebooks/dates").encode()
     + b"    parameters: {codes: [MMR, mmr]}\n", ["parameter 'codes' has unknown geography id(s) ['mmr']"]),
]


@pytest.mark.parametrize("text,words", [c[1:] for c in MANIFEST_CASES], ids=[c[0] for c in MANIFEST_CASES])
def test_bad_manifest_stops_before_anything_runs(tree, capsys, text, words):
    (tree / "runs.yml").write_bytes(text + manifest_text("", toc=True).encode())
    before = snapshot(tree)
    err = fails_cleanly(capsys, tree, before, *words)
    for line in err.splitlines():
        assert len(line) < 700, "a message line is unbounded"


def test_template_symlink_out_of_notebooks_is_refused(tree, capsys):
    (tree / "book" / "evil.ipynb").write_text((tree / "notebooks" / "ok.ipynb").read_text())
    (tree / "notebooks" / "evil.ipynb").symlink_to(tree / "book" / "evil.ipynb")
    (tree / "runs.yml").write_text(manifest_text(OK_RUN.replace("notebooks/ok", "notebooks/evil")))
    fails_cleanly(capsys, tree, snapshot(tree), "run 1 ('ok')", "leads outside notebooks/")


def test_template_that_is_not_a_notebook(tree, capsys):
    (tree / "notebooks" / "broken.ipynb").write_text('{"cells": [\n  {"cell_type": ')
    (tree / "runs.yml").write_text(manifest_text(OK_RUN.replace("notebooks/ok", "notebooks/broken")))
    fails_cleanly(capsys, tree, snapshot(tree), "broken.ipynb, line 2", "not a notebook")


def _with_prose(tree, template_markdown="", prose=None):
    """The ok run plus the prose page book/about.md in the toc; `template_markdown` becomes a
    Markdown cell of the ok template, `prose` the text of book/about.md."""
    if template_markdown:
        path = tree / "notebooks" / "ok.ipynb"
        nb = json.loads(path.read_text())
        nb["cells"].append({"cell_type": "markdown", "id": "prose", "metadata": {},
                            "source": template_markdown})
        path.write_text(json.dumps(nb))
    if prose is not None:
        (tree / "book" / "about.md").write_text(prose)
    (tree / "runs.yml").write_text(OK_RUN + "toc:\n  - caption: All\n    pages: [book/about.md]\n")


@pytest.mark.parametrize("markdown,where,words", [
    ("See {doc}`nowhere` first.", "notebooks/ok.ipynb, cell 4, line 1", "{doc}`nowhere`"),
    ("Intro.\nSee {doc}`the list <../elsewhere>`.", "notebooks/ok.ipynb, cell 4, line 2", "<../elsewhere>"),
    ("See [the list](missing.md#top).", "notebooks/ok.ipynb, cell 4, line 1", "(missing.md#top)"),
])
def test_a_link_to_no_page_in_a_template_stops_the_build_before_any_run(tree, capsys, markdown, where, words):
    _with_prose(tree, template_markdown=markdown)
    fails_cleanly(capsys, tree, snapshot(tree), where, words, "leads to no page of the book")


def test_a_link_to_no_page_in_a_prose_page_stops_the_build_before_any_run(tree, capsys):
    _with_prose(tree, prose="# About\n\nRead {doc}`ok`, then {doc}`/book/gone`.\n")
    err = fails_cleanly(capsys, tree, snapshot(tree), "book/about.md, line 3", "{doc}`/book/gone`")
    assert "{doc}`ok`" not in err, "a link to a real page was reported"


def test_links_to_real_pages_pass(tree):
    from fraudbook.pipeline.steps import plan

    _with_prose(tree, template_markdown="See {doc}`about` and [it](about.md).",
                prose="See {doc}`ok` and {doc}`this page </book/ok>`.\n")
    assert [r.name for r in plan(Layout(tree))] == ["ok"]


@pytest.mark.parametrize("suffix", [".md", ".rst"])
def test_a_run_whose_page_collides_with_a_prose_file_stops_before_any_run(tree, capsys, suffix):
    (tree / "book" / f"ok{suffix}").write_text("# Also ok\n")
    (tree / "runs.yml").write_text(manifest_text(OK_RUN))
    fails_cleanly(capsys, tree, snapshot(tree), "run 'ok'", f"book/ok{suffix}", "would both be the page")


@pytest.mark.parametrize("output", ["indicator-ok", "chart-ok", "indicators-and-charts"])
def test_a_run_may_not_take_a_name_of_the_data_pages(tree, capsys, output):
    (tree / "runs.yml").write_text(manifest_text(OK_RUN.replace("output: book/ok.ipynb", f"output: book/{output}.ipynb")))
    fails_cleanly(capsys, tree, snapshot(tree), "run 'ok'", "pages of indicators and charts")


@pytest.mark.parametrize("entry", ["book/../README.md", "book/sub/about.md", "/etc/about.md",
                                   "book/linked.md"])
def test_a_toc_page_outside_book_is_refused(tree, capsys, entry):
    (tree / "README.md").write_text("# Read me\n")
    (tree / "outside.md").write_text("# Outside\n")
    (tree / "book" / "linked.md").symlink_to(tree / "outside.md")
    (tree / "runs.yml").write_text(OK_RUN + f"toc:\n  - caption: All\n    pages: ['{entry}']\n")
    fails_cleanly(capsys, tree, snapshot(tree), "toc part 1", "no prose page", "inside the repository")


def test_utf8_bom_in_manifest_is_accepted(tree):
    from fraudbook.pipeline.manifest import read_manifest

    (tree / "runs.yml").write_bytes(b"\xef\xbb\xbf" + manifest_text(OK_RUN).encode())
    assert [r.name for r in read_manifest(tree / "runs.yml", root=tree)] == ["ok"]


# --- parameters on the command line (run, --set, PARAMS) ------------------------------------

@pytest.mark.parametrize("sets,params,words", [
    (["codes=[MMR"], None, "--set codes: '[MMR' is not a value"),
    (["codes=[MMR, [THA]]"], None, "parameter 'codes' must be a flat list"),
    (["codes=[&a [x,x,x,x,x,x,x,x,x,x], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]]"],
     None, "parameter 'codes' holds more than 1000 values"),
    (["start=2021-13-01"], None, "parameter 'start' is not a real date"),
    (["start=01/02/2021"], None, "parameter 'start' must be an ISO date"),
    (["first_year=20x1"], None, "parameter 'first_year' must be int"),
    (["first_year=" + "9" * 5000], None, "--set first_year:"),
    ([], "start=2024-01-01 end=2023-12-31", "parameter 'start' ('2024-01-01') is after parameter 'end'"),
    ([], "codes=[MMR, THA] first_year=$(touch /tmp/x);id", "--set '/tmp/x);id': write name=value"),
    ([], "codes=[MMR, THA] first_year=`id`", "--set first_year: '`id`' is not a value"),
    ([], 'start="2021-01-01', "quote is never closed"),
    (["bad key=1"], None, "not a parameter name"),
])
def test_bad_parameters_for_one_run_stop_before_any_kernel(tree, capsys, sets, params, words):
    runs(tree, ("dates", "dates", {}))
    before = tree_hash(tree / "book", tree / "_build" / "html", tree / "scratch")
    rc = run_one("dates", sets, False, Layout(tree), log=quiet, params_text=params)
    err = capsys.readouterr().err
    assert rc == 1
    assert words in err, err
    assert err.startswith("RUN FAILED: ") and "Traceback" not in err
    assert all(len(line) < 700 for line in err.splitlines())
    assert ran(tree) == [] and not (tree / "_build" / "runs").exists()
    assert tree_hash(tree / "book", tree / "_build" / "html", tree / "scratch") == before


@pytest.mark.slow
def test_params_keep_list_values_with_spaces_whole(tree, capsys):
    runs(tree, ("dates", "dates", {}))
    rc = run_one("dates", [], False, Layout(tree), log=quiet,
                 params_text="codes=[MMR, CHN] start='2021-01-01' first_year=2022")
    assert rc == 0, capsys.readouterr().err
    nb = json.loads((tree / "scratch" / "dates.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"] == {
        "RUN": "dates", "start": "2021-01-01", "end": "2026-12-31", "first_year": 2022, "codes": ["MMR", "CHN"]}


def test_makefile_run_hands_params_over_as_one_argument(tmp_path):
    """`make run` passes NAME and PARAMS as single arguments, not through the shell."""
    import shutil

    assert shutil.which("make"), "make is part of the two-command set-up"
    root = Path(__file__).resolve().parent.parent
    echo = tmp_path / "echo.py"
    echo.write_text("import json, sys\nprint(json.dumps(sys.argv[1:]))\n")
    marker = tmp_path / "pwned"
    # Shell syntax, and make's own: a command-line variable is expanded by make where it is used
    # and where make puts it in the environment, unless the Makefile prevents both.
    params = (f"highlight=[THA, VNM] x=`touch {marker}`;touch {marker} y=\"a b\" z=$HOME "
              f"w=$(shell touch {marker}) v=${{shell touch {marker}}}")
    out = subprocess.run(["make", "-s", "-o", ".venv/.installed-stamp", "run", f"PY={sys.executable} {echo}",
                          "NAME=lo'sses; touch " + str(marker), f"PARAMS={params}"],
                         cwd=root, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    argv = json.loads(out.stdout.strip().splitlines()[-1])
    assert argv == ["-m", "fraudbook", "run", "lo'sses; touch " + str(marker), "--params", params]
    assert not marker.exists()
    for target, variable in (("book", "JOBS"), ("test-fast", "JOBS"), ("serve", "PORT")):
        out = subprocess.run(["make", "-n", "-o", ".venv/.installed-stamp", target,
                              f"{variable}=$(shell touch {marker})"],
                             cwd=root, capture_output=True, text=True, timeout=60)
        assert not marker.exists(), f"make {target} {variable}=$(shell ...) ran the command"


# --- interrupting and killing a build ------------------------------------------------------

def start_build(tree, *args, jobs=1):
    env = {**os.environ, "FRAUDBOOK_ROOT": str(tree), "FRAUDBOOK_CELL_TIMEOUT": "300"}
    env.pop("FRAUDBOOK_DATA", None)
    env.pop("FRAUDBOOK_BUILD_DIR", None)
    return subprocess.Popen([sys.executable, "-m", "fraudbook", *args, "--jobs", str(jobs)],
                            cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, preexec_fn=_default_sigint)


def _default_sigint():
    """The build starts as from a terminal, with Ctrl-C's default action: a test run from a
    background job or a script inherits SIGINT ignored, and Python then never installs its
    KeyboardInterrupt handler in the child."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(predicate, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def alive(procs: dict[int, int]) -> list[int]:
    return [p for p, t in procs.items() if lockmod.start_time(p) == t]


@pytest.mark.slow
def test_ctrl_c_stops_build_and_kernels_and_a_second_build_refuses_meanwhile(tree):
    runs(tree, ("ok", "ok", {}), ("sleepy", "sleepy", {}))
    before = snapshot(tree)
    proc = start_build(tree, "execute", jobs=2)
    try:
        assert wait_for(lambda: "ran-sleepy" in ran(tree)), "the sleepy run never started"
        # A second build while this one runs: refused, with a message, nothing executed.
        second = subprocess.run([sys.executable, "-m", "fraudbook", "execute"], cwd=tree,
                                env={**os.environ, "FRAUDBOOK_ROOT": str(tree)},
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 1
        assert "another build is running" in second.stderr and "Traceback" not in second.stderr
        children = lockmod.descendants(proc.pid)
        assert children, "no worker or kernel process seen"
        os.killpg(proc.pid, signal.SIGINT)   # Ctrl-C in a terminal: the whole process group
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "INTERRUPTED" in err and "Traceback" not in err
    assert wait_for(lambda: not alive(children), 15), f"left running: {alive(children)}"
    assert snapshot(tree) == before


@pytest.mark.slow
def test_sigint_to_the_build_process_alone_in_serial_mode(tree):
    runs(tree, ("sleepy", "sleepy", {}))
    before = snapshot(tree)
    proc = start_build(tree, "build", jobs=1)
    try:
        assert wait_for(lambda: "ran-sleepy" in ran(tree))
        children = lockmod.descendants(proc.pid)
        proc.send_signal(signal.SIGINT)       # `kill -INT <pid>`: the build only, not its kernel
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "INTERRUPTED" in err and "Traceback" not in err
    assert wait_for(lambda: not alive(children), 15), f"left running: {alive(children)}"
    assert snapshot(tree) == before


@pytest.mark.slow
def test_processes_of_a_killed_build_are_stopped_by_the_next_build(tree):
    runs(tree, ("sleepy", "sleepy", {}), ("sleepy-two", "sleepy", {}))
    proc = start_build(tree, "execute", jobs=2)
    try:
        assert wait_for(lambda: len(list((tree.parent / "marks").iterdir())) >= 1)
        assert wait_for(lambda: (tree / "_build" / ".processes").exists()
                        and len((tree / "_build" / ".processes").read_text().splitlines()) >= 3)
        time.sleep(1)
        children = lockmod.descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)   # (its orphans still hold the output pipes open)
        time.sleep(2)
        left = alive(children)
        assert left, "nothing outlived the killed build: this test proves nothing"
        runs(tree, ("ok", "ok", {}))
        before = snapshot(tree)
        nxt = start_build(tree, "execute", jobs=1)
        out, err = nxt.communicate(timeout=180)
        assert nxt.returncode == 0, err
        assert "left running by an interrupted build" in out
        assert wait_for(lambda: not alive(children), 15), f"left running: {alive(children)}"
        assert (tree / "book" / "ok.ipynb").read_text() != "OLD PAGE"
        assert before != snapshot(tree)
    finally:
        for p in alive(lockmod.descendants(proc.pid)):
            os.kill(p, signal.SIGKILL)


# --- publishing is all or nothing ----------------------------------------------------------

@pytest.fixture
def pages(tmp_path):
    book, staged = tmp_path / "book", tmp_path / "runs"
    book.mkdir()
    staged.mkdir()
    for name in ("a", "b", "c"):
        (staged / f"{name}.ipynb").write_text(f"NEW {name}")
    (book / "a.ipynb").write_text("OLD a")
    (book / "b.ipynb").write_text("OLD b")
    pairs = [(staged / f"{n}.ipynb", book / f"{n}.ipynb") for n in ("a", "b", "c")]
    return book, pairs


@pytest.mark.parametrize("fail_on", ["copy", "replace"])
def test_publishing_that_fails_half_way_leaves_book_identical(pages, monkeypatch, fail_on):
    from fraudbook.pipeline import publish
    from fraudbook.pipeline.errors import BuildError

    book, pairs = pages
    before = tree_hash(book)
    calls = []
    real = {"copy": publish.shutil.copyfile, "replace": publish.os.replace}[fail_on]

    def flaky(src, dst, *a, **kw):
        calls.append(dst)
        if len(calls) == 2 if fail_on == "copy" else len(calls) == 3:   # the middle page
            raise OSError(30, "Read-only file system", str(dst))
        return real(src, dst, *a, **kw)

    if fail_on == "copy":
        monkeypatch.setattr(publish.shutil, "copyfile", flaky)
    else:
        monkeypatch.setattr(publish.os, "replace", flaky)
    with pytest.raises(BuildError, match="Read-only file system.*is as it was"):
        publish.publish_files(pairs)
    monkeypatch.undo()
    assert tree_hash(book) == before


def test_publishing_interrupted_by_ctrl_c_leaves_book_identical(pages, monkeypatch):
    from fraudbook.pipeline import publish

    book, pairs = pages
    before = tree_hash(book)
    real, calls = publish.os.replace, []

    def interrupted(src, dst):
        calls.append(dst)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(publish.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish.publish_files(pairs)
    monkeypatch.undo()
    assert tree_hash(book) == before


def test_publishing_cut_short_by_kill_is_undone_by_the_next_build(pages):
    """A process killed between two renames leaves book/ half published and the journal;
    `recover` (run under the next build's lock) puts every page back."""
    from fraudbook.pipeline import publish

    book, pairs = pages
    before = tree_hash(book)
    script = (
        "import os, sys, pathlib\n"
        "from fraudbook.pipeline import publish\n"
        "real, calls = os.replace, []\n"
        "def replace(a, b):\n"
        "    calls.append(b)\n"
        "    if len(calls) == 4:\n"
        "        os._exit(9)\n"
        "    return real(a, b)\n"
        "publish.os.replace = replace\n"
        f"publish.publish_files([(pathlib.Path(a), pathlib.Path(b)) for a, b in {[(str(a), str(b)) for a, b in pairs]!r}])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 9, done.stderr
    assert tree_hash(book) != before and (book / publish.JOURNAL).exists()
    assert publish.recover(book)
    assert tree_hash(book) == before


def test_a_destination_that_turns_read_only_midway_rolls_back(pages, monkeypatch):
    # A read-only file system (or folder) found at the second rename: the first page, already
    # in place, is put back. Simulated, since root may write into read-only folders.
    import errno

    from fraudbook.pipeline import publish
    from fraudbook.pipeline.errors import BuildError

    book, pairs = pages
    before = tree_hash(book)
    real = publish.os.replace
    renamed = []

    def replace(src, dst):
        if str(src).endswith(".new"):
            renamed.append(dst)
            if len(renamed) == 2:
                raise OSError(errno.EROFS, "Read-only file system", str(dst))
        return real(src, dst)

    monkeypatch.setattr(publish.os, "replace", replace)
    with pytest.raises(BuildError, match="is as it was"):
        publish.publish_files(pairs)
    assert len(renamed) == 2, "the failure must come after one page was already in place"
    assert tree_hash(book) == before


def test_build_with_failing_publish_exits_1_and_keeps_book(tree, capsys, monkeypatch):
    from fraudbook.pipeline import publish

    runs(tree, ("ok", "ok", {}))
    before = snapshot(tree)

    def readonly(src, dst, *a, **kw):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(publish.shutil, "copyfile", readonly)
    fails_cleanly(capsys, tree, before, "publishing into book/ failed", "Permission denied",
                  executed=True, site=False)


def test_site_swap_failure_keeps_the_old_site(tmp_path, monkeypatch):
    from fraudbook.pipeline import publish
    from fraudbook.pipeline.errors import BuildError

    built, site = tmp_path / "built", tmp_path / "html"
    built.mkdir()
    site.mkdir()
    (built / "index.html").write_text("new")
    (site / "index.html").write_text("old")
    before = tree_hash(site)
    real = type(site).rename

    def rename(self, target):
        if self.name == "html.new":
            raise OSError(28, "No space left on device")
        return real(self, target)

    monkeypatch.setattr(type(site), "rename", rename)
    with pytest.raises(BuildError, match="is as it was"):
        publish.swap_in(built, site)
    monkeypatch.undo()
    assert tree_hash(site) == before
    assert not (tmp_path / "html.new").exists() and not (tmp_path / "html.old").exists()


# --- the preview server ----------------------------------------------------------------------

def test_server_serves_the_site_only(tmp_path):
    import urllib.error
    import urllib.request

    from fraudbook.pipeline.serve import serving

    site = tmp_path / "html"
    (site / "sub").mkdir(parents=True)
    (site / "_static").mkdir()
    (site / "index.html").write_text("HOME")
    (site / "_static" / "app.js").write_text("js")
    (site / "sub" / "page.html").write_text("page")
    (site / ".env").write_text("SECRET=1")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[core]")
    (site / "_static" / ".hidden").write_text("x")
    (tmp_path / "outside.txt").write_text("OUTSIDE")
    (site / "link.txt").symlink_to(tmp_path / "outside.txt")

    def get(base, path):
        try:
            with urllib.request.urlopen(base + path, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, ""

    with serving(site) as base:
        assert get(base, "/") == (200, "HOME")
        assert get(base, "/index.html") == (200, "HOME")
        assert get(base, "/_static/app.js") == (200, "js")
        assert get(base, "/sub/page.html") == (200, "page")
        for path in ("/sub/", "/_static/", "/sub", "/.env", "/.git/config", "/.git/",
                     "/_static/.hidden", "/%2eenv", "/%2Egit/config", "/sub/../.env",
                     "/link.txt", "/../outside.txt", "/%2e%2e/outside.txt", "/nothing.html"):
            status, body = get(base, path)
            assert status == 404, (path, status, body)
            assert "SECRET" not in body and "OUTSIDE" not in body and "[core]" not in body


# --- a full disk ----------------------------------------------------------------------------

def test_a_nearly_full_disk_stops_the_build_before_anything_runs(tree, capsys, monkeypatch):
    from collections import namedtuple

    from fraudbook.pipeline import system

    runs(tree, ("ok", "ok", {}))
    before = snapshot(tree)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(system.shutil, "disk_usage", lambda p: usage(10**10, 10**10 - 5 * 2**20, 5 * 2**20))
    err = fails_cleanly(capsys, tree, before, "only 5 MB free on the disk holding _build",
                        "FRAUDBOOK_BUILD_DIR", "nothing was executed", site=False)
    assert len(err.strip().splitlines()) == 1, err


def test_a_disk_that_fills_up_during_a_build_is_named_and_its_staging_removed(tree, capsys, monkeypatch):
    import errno

    from fraudbook.pipeline import execute

    runs(tree, ("ok", "ok", {}))
    before = snapshot(tree)
    staging = Layout(tree).staging

    def full(run, layout, inputs=None):
        staging.mkdir(parents=True, exist_ok=True)
        (staging / "ok.ipynb").write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device", str(staging / "ok.ipynb"))

    monkeypatch.setattr(execute, "execute_run", full)
    err = fails_cleanly(capsys, tree, before, "the disk filled up while writing _build/",
                        "ok.ipynb", "staging folders were removed", site=False)
    assert "INTERNAL ERROR" not in err and len(err.strip().splitlines()) == 1, err
    assert not staging.exists()
