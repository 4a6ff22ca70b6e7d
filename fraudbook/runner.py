"""Execute the manifest's runs with papermill, publish them into book/, build the site.

Order and failure rules (the build never leaves a half-made result):
1. data/ is validated, and every run's parameters are checked, before anything executes;
2. every run executes into `_build/runs/` (a staging copy of book/); a failing cell stops
   the build, names the run, the cell and the error, and keeps the failed notebook in
   `_build/failed/` for inspection; book/ is untouched;
3. only when all runs succeed are the executed notebooks copied into book/;
4. Jupyter Book renders into `_build/site/`; only if it succeeds with no warning is the
   result swapped into `_build/html`, so a failed build leaves the previous site as it was.

Speed: a run executes again only when its inputs changed (fraudbook.digest); stale runs
execute in parallel, up to `jobs` at once; the site is rebuilt only when a page, the
configuration or a static file changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import charts
from .load import DataError, load
from .manifest import ManifestError, Run, read_manifest
from .params import ParameterError
from .paths import LAST_BUILD, ROOT, build_dir, relative



@dataclass(frozen=True)
class Layout:
    """Where a build reads and writes; tests point it at a temporary copy."""

    root: Path = ROOT

    @property
    def build(self) -> Path:
        return build_dir(self.root)

    @property
    def staging(self) -> Path:
        return self.build / "runs"

    @property
    def failed(self) -> Path:
        return self.build / "failed"

    @property
    def site_work(self) -> Path:
        return self.build / "site"

    @property
    def site(self) -> Path:
        return self.build / "html"


DEFAULT = Layout()
# Cells the reader never needs: papermill's parameter cells (their values appear in prose).
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters"}
# Tags an author sets to keep a code cell's input visible.
SHOW_TAGS = {"show-input", "hide-input", "remove-cell"}


class BuildError(RuntimeError):
    """A step of the build failed; the message says which and why."""


@dataclass
class RunResult:
    run: Run
    seconds: float
    staged: Path | None       # None when the published page was reused
    executed: bool = True


VARS_MIME = "application/vnd.fraudbook.vars+json"  # written by fraudbook.page.set_vars
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def _fill_placeholders(nb: dict, run: Run) -> None:
    """Replace {{ name }} in Markdown cells with the values the notebook set (page.set_vars)."""
    values: dict[str, str] = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if VARS_MIME in out.get("data", {}):
                values.update(out["data"][VARS_MIME])
                tags = cell.setdefault("metadata", {}).setdefault("tags", [])
                if "remove-output" not in tags:
                    tags.append("remove-output")
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        missing = sorted({m for m in PLACEHOLDER.findall(source) if m not in values})
        if missing:
            raise BuildError(f"run '{run.name}': Markdown cell {i} uses {{{{ {missing[0]} }}}} "
                             "but the notebook never sets it with page.set_vars()")
        cell["source"] = PLACEHOLDER.sub(lambda m: values[m.group(1)], source)


def _tidy(nb: dict, run: Run, inputs: str | None = None) -> dict:
    """Make an executed notebook fit to publish: hide the machinery, drop volatile metadata."""
    _fill_placeholders(nb, run)
    for cell in nb["cells"]:
        meta = cell.setdefault("metadata", {})
        tags = meta.setdefault("tags", [])
        meta.pop("papermill", None)
        meta.pop("execution", None)
        if cell["cell_type"] != "code":
            continue
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"  # papermill draws a random id per run
        if HIDDEN_CELL_TAGS & set(tags):
            if "remove-cell" not in tags:
                tags.append("remove-cell")
        elif not SHOW_TAGS & set(tags) and "remove-input" not in tags:
            tags.append("remove-input")
    # Keep only what identifies the run; timestamps would make every build differ.
    nb["metadata"]["papermill"] = {
        "input_path": run.template,
        "output_path": run.output,
        "parameters": run.parameters,
    }
    if inputs:
        nb["metadata"]["fraudbook"] = {"inputs": inputs}
    return nb


def _no_machine_paths(text: str, where: str, root: Path) -> None:
    for marker in {str(root), str(ROOT), str(Path.home())}:
        if marker and marker != "/" and marker in text:
            raise BuildError(f"{where}: the executed notebook contains the machine path '{marker}'; "
                             "resolve paths with fraudbook.paths and never print absolute ones")


def execute_run(run: Run, layout: Layout = DEFAULT, log=print, inputs: str | None = None) -> RunResult:
    """Execute one run with papermill into `staging`; BuildError names the failing cell."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    root = layout.root
    out = layout.staging / Path(run.output).relative_to("book")
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(root / run.template), str(out),
            parameters=run.parameters,
            kernel_name="python3",
            cwd=str(root / Path(run.output).parent),  # the same working directory nbval uses
            progress_bar=False,
            log_output=False,
        )
    except PapermillExecutionError as exc:
        layout.failed.mkdir(parents=True, exist_ok=True)
        kept = layout.failed / f"{run.name}.ipynb"
        if out.exists():
            shutil.copy(out, kept)
        raise BuildError(
            f"run '{run.name}' ({run.template} -> {run.output}) failed in cell {exc.cell_index} "
            f"(execution count {exc.exec_count}): {exc.ename}: {exc.evalue}\n"
            f"  the failed notebook is kept in {relative(kept)}; book/ and the site are unchanged"
        ) from None
    nb = _tidy(json.loads(out.read_text(encoding="utf-8")), run, inputs)
    # nbformat's own writer: the same canonical layout (sources as lists of lines) every time.
    text = nbformat.writes(nbformat.from_dict(nb))
    if not text.endswith("\n"):
        text += "\n"
    _no_machine_paths(text, f"run '{run.name}'", root)
    out.write_text(text, encoding="utf-8")
    return RunResult(run, time.perf_counter() - start, out)


def default_jobs() -> int:
    """Parallel runs: FRAUDBOOK_JOBS if set, else one per core."""
    return max(1, int(os.environ.get("FRAUDBOOK_JOBS") or os.cpu_count() or 1))


def _execute_in_worker(run: Run, layout: Layout, inputs: str) -> RunResult:
    # The kernel writes to this process's stderr (ipykernel start-up notices and the like):
    # keep it in a log per run instead of interleaving it with the progress display.
    logs = layout.build / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"{run.name}.log", "w", encoding="utf-8") as f:
        os.dup2(f.fileno(), 2)
    return execute_run(run, layout, log=lambda *a: None, inputs=inputs)


def execute_all(runs: list[Run], layout: Layout = DEFAULT, log=print, jobs: int | None = None,
                force: bool = False) -> list[RunResult]:
    """Execute the runs whose inputs changed, in parallel; reuse the others' published pages."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from multiprocessing import get_context

    from .digest import recorded_digest, run_digest, shared_digest

    if layout.staging.exists():
        shutil.rmtree(layout.staging)
    shared = shared_digest(layout.root)
    digests = {r.name: run_digest(r, layout.root, shared) for r in runs}
    results: dict[str, RunResult] = {}
    todo = []
    for r in runs:
        if not force and recorded_digest(layout.root / r.output) == digests[r.name]:
            results[r.name] = RunResult(r, 0.0, None, executed=False)
        else:
            todo.append(r)
    jobs = jobs or default_jobs()
    log(f"{len(todo)} of {len(runs)} run(s) to execute ({len(runs) - len(todo)} unchanged, reused); "
        f"{min(jobs, max(len(todo), 1))} at a time")
    start = time.perf_counter()
    if len(todo) == 1 or (todo and jobs == 1):
        for i, r in enumerate(todo, 1):  # in this process: no worker start-up cost
            results[r.name] = execute_run(r, layout, log=log, inputs=digests[r.name])
            log(f"[{i}/{len(todo)}] {r.name} done in {results[r.name].seconds:.1f} s"
                f" | {time.perf_counter() - start:.1f} s elapsed")
    elif todo:
        # Each run gets its own process (and kernel); "spawn" avoids forking a parent with threads.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            queue = list(todo)
            running = {}
            failure = None
            while queue or running:
                while queue and len(running) < jobs and failure is None:
                    r = queue.pop(0)
                    running[pool.submit(_execute_in_worker, r, layout, digests[r.name])] = r
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    r = running.pop(fut)
                    try:
                        results[r.name] = fut.result()
                    except BuildError as exc:
                        failure = failure or exc
                        queue.clear()
                        continue
                    n_done = sum(1 for x in results.values() if x.executed)
                    names = ", ".join(x.name for x in running.values()) or "-"
                    log(f"[{n_done}/{len(todo)}] {r.name} done in {results[r.name].seconds:.1f} s"
                        f" | running: {names} | {time.perf_counter() - start:.1f} s elapsed")
            if failure is not None:
                raise failure
    ordered = [results[r.name] for r in runs]
    log(summary_table(ordered, time.perf_counter() - start))
    return ordered


def summary_table(results: list[RunResult], elapsed: float) -> str:
    width = max([len(r.run.name) for r in results] + [3])
    lines = [f"{'run':<{width}}  {'seconds':>7}  status", f"{'-' * width}  {'-' * 7}  --------"]
    for r in results:
        lines.append(f"{r.run.name:<{width}}  {r.seconds:7.1f}  {'executed' if r.executed else 'reused'}")
    executed = sum(r.executed for r in results)
    lines.append(f"{executed} executed, {len(results) - executed} reused, {elapsed:.1f} s wall time")
    return "\n".join(lines)


def publish(results: list[RunResult], layout: Layout = DEFAULT) -> None:
    """Copy the staged notebooks into book/ (only called once every run has succeeded)."""
    for r in results:
        if r.staged is None:
            continue
        dest = layout.root / r.run.output
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(r.staged, dest)


def swap_in(built: Path, site: Path) -> None:
    """Replace `site` by a copy of `built`, keeping the old one until the copy is complete."""
    fresh = site.with_name(site.name + ".new")
    old = site.with_name(site.name + ".old")
    for leftover in (fresh, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(built, fresh)
    if site.exists():
        site.rename(old)
    fresh.rename(site)
    if old.exists():
        shutil.rmtree(old)


SITE_STAMP = ".fraudbook-site-inputs"


def _site_inputs(layout: Layout) -> list[Path]:
    root = layout.root
    files = [p for p in (root / "book").rglob("*") if p.is_file()]
    files += [p for p in (root / "_static").rglob("*") if p.is_file() and "vendor" not in p.parts]
    files += [root / n for n in ("_config.yml", "_toc.yml", "requirements.txt") if (root / n).exists()]
    return files


def _write_root_redirect(html_dir: Path) -> None:
    """The site's root index.html: a small valid page that sends readers to book/index.html.

    Jupyter Book writes a bare meta-refresh line there, with no title or document structure.
    """
    (html_dir / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Scam centres and the money they take</title>\n"
        '<meta http-equiv="refresh" content="0; url=book/index.html">\n'
        '<link rel="canonical" href="book/index.html">\n</head>\n<body>\n'
        '<p><a href="book/index.html">Open the book</a>.</p>\n</body>\n</html>\n',
        encoding="utf-8")


def build_site(layout: Layout = DEFAULT, log=print, force: bool = False) -> None:
    """Render the book with Jupyter Book (warnings are errors), then swap it into _build/html.

    Skipped when the pages, configuration and static files are those of the current site.
    """
    from .chapters.evidence import write_bibtex
    from .digest import site_digest

    # The bibliography is generated from data/sources.csv, never edited by hand.
    write_bibtex(load(layout.root / "data"), layout.root / "book" / "references.bib")
    digest = site_digest(layout.root, _site_inputs(layout))
    stamp = layout.site / SITE_STAMP
    if not force and stamp.exists() and stamp.read_text() == digest:
        log(f"site up to date: {relative(layout.site / 'index.html')}")
        return
    if layout.site_work.exists():
        shutil.rmtree(layout.site_work)  # a clean build: Sphinx only re-warns about files it re-reads
    charts.write_vendor_bundle(layout.root / "_static")
    jb = Path(sys.executable).parent / "jb"
    work = os.path.relpath(layout.site_work, layout.root)
    cmd = [str(jb), "build", ".", "--path-output", work, "-n", "-W", "--keep-going"]
    log("$ jb " + " ".join(cmd[1:]))
    proc = subprocess.run(cmd, cwd=layout.root, capture_output=True, text=True)
    built = layout.site_work / "_build" / "html"
    if proc.returncode != 0 or not (built / "index.html").exists():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-40:])
        raise BuildError(f"jupyter-book build failed (exit {proc.returncode}); the previous site is unchanged.\n"
                         f"  reports: {relative(built / 'reports')}\n{tail}")
    _write_root_redirect(built)
    (built / SITE_STAMP).write_text(digest)
    swap_in(built, layout.site)
    log(f"site built: {relative(layout.site / 'index.html')}")


def country_coverage(ds) -> dict[str, int]:
    """Figures and events per country code (a figure counts for its geography and partner)."""
    geo = ds.geographies
    parent = {code: (code if r["kind"] == "country" else r["country"]) for code, r in geo.iterrows()}
    counts = {code: 0 for code, r in geo.iterrows() if r["kind"] == "country"}
    for _, f in ds.figures.iterrows():
        codes = {parent.get(c) for c in f["geography"].split(";")} | {parent.get(f["partner"])}
        for c in codes & counts.keys():
            counts[c] += 1
    for countries in ds.events["countries"]:
        for c in set(countries.split(";")) & counts.keys():
            counts[c] += 1
    return counts


def known_ids(ds) -> dict:
    """What parameters and `for_each` may refer to: geography codes, figure ids, coverage."""
    return {"geography": set(ds.geographies.index), "figure": set(ds.figures.index),
            "coverage": country_coverage(ds)}


def plan(layout: Layout = DEFAULT) -> list[Run]:
    """Validated data and runs: everything that can be checked before executing anything."""
    known = known_ids(load(layout.root / "data"))
    return read_manifest(layout.root / "runs.yml", known=known, root=layout.root)


def parse_overrides(pairs: list[str], run: Run, layout: Layout = DEFAULT) -> dict:
    """`key=value` strings typed by the template's declaration, not guessed from the text.

    papermill's `-p` turns "007" into 7; here a value is read as YAML (lists, numbers,
    booleans) only where the parameter is declared with that type, else kept as written.
    """
    import yaml

    from .params import template_parameters

    declared = template_parameters(layout.root / run.template)
    values = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise ParameterError(f"--set '{pair}': write name=value")
        p = declared.get(key)
        values[key] = text if p is not None and p.type is str else yaml.safe_load(text)
    return values


def run_one(name: str, overrides: list[str], publish_it: bool = False,
            layout: Layout = DEFAULT, log=print) -> int:
    """Execute one run of the manifest, optionally with other parameters.

    Without `publish_it` the result goes to scratch/<name>.ipynb and book/ is untouched.
    """
    try:
        runs = {r.name: r for r in plan(layout)}
        if name not in runs:
            raise ManifestError(f"no run named '{name}' in runs.yml (runs: {', '.join(runs)})")
        run = runs[name]
        if overrides:
            from .params import check_parameters, template_parameters

            known = known_ids(load(layout.root / "data"))
            given = {**run.parameters, **parse_overrides(overrides, run, layout)}
            params = check_parameters(given, template_parameters(layout.root / run.template),
                                      f"run '{name}' with --set", known)
            run = Run(run.name, run.template, run.output, params)
        from .digest import run_digest, shared_digest

        inputs = run_digest(run, layout.root, shared_digest(layout.root)) if publish_it else None
        result = execute_run(run, layout, log=log, inputs=inputs)
        if publish_it:
            publish([result], layout)
            log(f"published {run.output} ({result.seconds:.1f} s)")
        else:
            scratch = layout.root / "scratch" / f"{run.name}.ipynb"
            scratch.parent.mkdir(exist_ok=True)
            shutil.copyfile(result.staged, scratch)
            log(f"wrote {relative(scratch)} ({result.seconds:.1f} s); book/ is unchanged")
    except (DataError, ManifestError, ParameterError, BuildError) as exc:
        print(f"RUN FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


def build(execute: bool = True, site: bool = True, layout: Layout = DEFAULT, log=print,
          jobs: int | None = None, force: bool = False) -> int:
    """The whole build; returns the exit code (1 with a message on stderr on any failure)."""
    try:
        runs = plan(layout)
        log(f"data valid; {len(runs)} run(s) planned")
        if execute:
            publish(execute_all(runs, layout, log=log, jobs=jobs, force=force), layout)
        if site:
            build_site(layout, log=log, force=force)
        if execute and site:
            from .digest import build_fingerprint

            (layout.build / LAST_BUILD).write_text(build_fingerprint(layout.root))
    except (DataError, ManifestError, ParameterError, BuildError) as exc:
        print(f"BUILD FAILED: {exc}", file=sys.stderr)
        return 1
    return 0
