"""Execute runs with papermill into a staging folder: one run, or many in parallel.

A run executes in a kernel that reads the build's own tree (code and data, see
fraudbook.paths.Layout.kernel_env). A failing, timed-out or dead kernel stops the build with
the run and the cell named, and the notebook as far as it got is kept in `_build/failed/`.
The executed notebook is tidied for publishing: machinery cells hidden, volatile metadata
dropped, `{{ name }}` placeholders filled from the values the page set (kit.page.set_vars).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..paths import NARROWED_ENV, READS_ENV, Layout
from .errors import BuildError
from .manifest import Run

# Cells the reader never needs: papermill's parameter cells (their values appear in prose).
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters"}
# Tags an author sets to keep a code cell's input visible.
SHOW_TAGS = {"show-input", "hide-input", "remove-cell"}
VARS_MIME = "application/vnd.fraudbook.vars+json"  # written by fraudbook.kit.page.set_vars
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}")
# Seconds one cell may run before the run is stopped (the slowest cell takes about 5 s).
DEFAULT_CELL_TIMEOUT = 300


@dataclass
class RunResult:
    run: Run
    seconds: float
    staged: Path | None       # None when the published page was reused
    executed: bool = True


def cell_timeout() -> int:
    """FRAUDBOOK_CELL_TIMEOUT (seconds) if set to a positive whole number, else the default."""
    raw = os.environ.get("FRAUDBOOK_CELL_TIMEOUT", "")
    if not raw:
        return DEFAULT_CELL_TIMEOUT
    if not raw.isdigit() or int(raw) < 1:
        raise BuildError(f"FRAUDBOOK_CELL_TIMEOUT must be a whole number of seconds, got {raw[:40]!r}")
    return int(raw)


def fill_placeholders(nb: dict, run: Run) -> None:
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
            raise BuildError(f"run '{run.name}' ({run.template}): Markdown cell {i} uses "
                             f"{{{{ {missing[0]} }}}} but the notebook never sets it "
                             "(page.set_vars or page.figure)")
        cell["source"] = PLACEHOLDER.sub(lambda m: values[m.group(1)], source)


def tidy(nb: dict, run: Run, inputs: str | None = None, reads: dict | None = None) -> dict:
    """Make an executed notebook fit to publish: hide the machinery, drop volatile metadata."""
    fill_placeholders(nb, run)
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
        nb["metadata"]["fraudbook"] = {"inputs": inputs, "reads": reads}
    return nb


def reads_path(layout: Layout, run: Run) -> Path:
    """Where a run's kernel records what it read (fraudbook.kit.reads)."""
    return layout.staging / f".{run.name}.reads.json"


def _reads(layout: Layout, run: Run) -> dict | None:
    try:
        data = json.loads(reads_path(layout, run).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # the page read nothing through the kit: every data file counts
    out = {"tables": sorted(map(str, data.get("tables", []))),
           "figures": sorted(map(str, data.get("figures", [])))}
    # The events and sources it listed (the "newest source on this page" line reads them) and
    # the values of _config.yml it printed (its digest counts them).
    for key in ("events", "sources", "config"):
        if data.get(key):
            out[key] = sorted(map(str, data[key]))
    # The charts it drew, with what their own pages show (fraudbook.pipeline.datapages).
    if isinstance(data.get("charts"), dict) and data["charts"]:
        out["charts"] = {str(k): v for k, v in sorted(data["charts"].items()) if isinstance(v, dict)}
    return out


def no_machine_paths(text: str, where: str, layout: Layout) -> None:
    from ..paths import PACKAGE_ROOT

    for marker in {str(layout.root), str(PACKAGE_ROOT), str(Path.home())}:
        if marker and marker != "/" and marker in text:
            raise BuildError(f"{where}: the executed notebook contains the machine path '{marker}'; "
                             "resolve paths with fraudbook.paths and never print absolute ones")


@contextmanager
def kernel_environment(layout: Layout, run: Run):
    """The environment a run's kernel starts with: this tree's code and data, and whether the
    run narrows the page (parameters other than the template's defaults)."""
    from .params import template_parameters

    declared = template_parameters(layout.root / run.template)
    narrowed = any(run.parameters.get(n) != p.default for n, p in declared.items())
    env = {**layout.kernel_env(), NARROWED_ENV: "1" if narrowed else "0",
           READS_ENV: str(reads_path(layout, run))}
    reads_path(layout, run).unlink(missing_ok=True)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def _stderr_to_log(layout: Layout, run: Run):
    """While a run executes, this process's standard error (file descriptor 2, which the kernel
    inherits) goes to `<build>/logs/<run>.log`: the kernel's own start-up notices and internal
    tracebacks (say, after a timeout) belong in the log, not on the terminal."""
    import sys

    layout.logs.mkdir(parents=True, exist_ok=True)
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    saved = os.dup(2)
    try:
        with open(layout.logs / f"{run.name}.log", "a", encoding="utf-8") as f:
            os.dup2(f.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def _failed_cell(out: Path) -> str:
    """Which cell was running when a kernel died or timed out, read from papermill's output."""
    try:
        nb = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "an unknown cell"
    # The cell still marked running, else the last one started (after a timeout papermill
    # marks the interrupted cell completed). Numbered as in the kept notebook.
    last = None
    for i, cell in enumerate(nb.get("cells", [])):
        meta = cell.get("metadata", {}).get("papermill", {}) if isinstance(cell, dict) else {}
        if meta.get("status") == "running":
            last = (i, cell)
            break
        if meta.get("start_time"):
            last = (i, cell)
    if last is None:
        return "an unknown cell"
    count = last[1].get("execution_count")
    return f"cell {last[0]}" + (f" (execution count {count})" if count else "")


def execute_run(run: Run, layout: Layout, inputs: str | None = None) -> RunResult:
    """Execute one run with papermill into the staging folder; BuildError names the cell."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out = layout.staging / Path(run.output).relative_to("book")
    out.parent.mkdir(parents=True, exist_ok=True)
    # The kernel runs in the page's folder (as nbval and Sphinx do); a new tree may not have it yet.
    (layout.root / Path(run.output).parent).mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    timeout = cell_timeout()

    def keep() -> Path:
        layout.failed.mkdir(parents=True, exist_ok=True)
        kept = layout.failed / f"{run.name}.ipynb"
        if out.exists():
            shutil.copy(out, kept)
        return kept

    where = f"run '{run.name}' ({run.template} -> {run.output})"
    try:
        with kernel_environment(layout, run), _stderr_to_log(layout, run):
            pm.execute_notebook(
                str(layout.root / run.template), str(out),
                parameters=run.parameters,
                kernel_name="python3",
                cwd=str(layout.root / Path(run.output).parent),  # the same working directory nbval uses
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
            )
    except PapermillExecutionError as exc:
        kept = keep()
        # One line: a multi-line exception message is joined, its length bounded.
        evalue = " / ".join(line.strip() for line in str(exc.evalue).splitlines() if line.strip())[:2000]
        raise BuildError(
            f"{where} failed in cell {exc.cell_index} (execution count {exc.exec_count}): "
            f"{exc.ename}: {evalue}\n"
            f"  the failed notebook is kept in {layout.relative(kept)}; book/ and the site are unchanged"
        ) from None
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a dead kernel, a timeout: nbclient's own exceptions
        cell = _failed_cell(out)
        kept = keep()
        name = type(exc).__name__
        if "Timeout" in name:
            reason = (f"timed out in {cell}: no result after {timeout} s "
                      "(FRAUDBOOK_CELL_TIMEOUT sets the limit)")
        elif "DeadKernel" in name:
            reason = f"stopped in {cell}: the kernel died"
        else:
            reason = f"stopped in {cell}: {name}: {str(exc)[:500]}"
        raise BuildError(f"{where} {reason}\n  the notebook as far as it got is kept in "
                         f"{layout.relative(kept)}; book/ and the site are unchanged") from None
    reads = _reads(layout, run)
    if inputs:  # the digest of what this execution actually read
        from .digest import run_digest

        inputs = run_digest(run, layout, reads)
    nb = tidy(json.loads(out.read_text(encoding="utf-8")), run, inputs, reads)
    # nbformat's own writer: the same canonical layout (sources as lists of lines) every time.
    text = nbformat.writes(nbformat.from_dict(nb))
    if not text.endswith("\n"):
        text += "\n"
    no_machine_paths(text, f"run '{run.name}'", layout)
    out.write_text(text, encoding="utf-8")
    return RunResult(run, time.perf_counter() - start, out)


def default_jobs() -> int:
    """Parallel runs: FRAUDBOOK_JOBS if set, else one per core."""
    raw = os.environ.get("FRAUDBOOK_JOBS", "")
    if raw and (not raw.isdigit() or int(raw) < 1):
        raise BuildError(f"FRAUDBOOK_JOBS must be a whole number of 1 or more, got {raw[:40]!r}")
    return max(1, int(raw or os.cpu_count() or 1))


def _execute_in_worker(run: Run, layout: Layout, inputs: str) -> RunResult:
    # The kernel writes to this process's stderr (ipykernel start-up notices and the like):
    # keep it in a log per run instead of interleaving it with the progress display.
    import signal

    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it (it
    # stops the workers and their kernels), so a worker does not die half-way on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    layout.logs.mkdir(parents=True, exist_ok=True)
    with open(layout.logs / f"{run.name}.log", "w", encoding="utf-8") as f:
        os.dup2(f.fileno(), 2)
    return execute_run(run, layout, inputs=inputs)


def execute_all(runs: list[Run], layout: Layout, log=print, jobs: int | None = None,
                force: bool = False) -> list[RunResult]:
    """Execute the runs whose inputs changed, in parallel; reuse the others' published pages."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from multiprocessing import get_context

    from .digest import recorded_digest, run_digests

    if layout.staging.exists():
        shutil.rmtree(layout.staging)
    digests = run_digests(runs, layout)
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
            results[r.name] = execute_run(r, layout, inputs=digests[r.name])
            log(f"[{i}/{len(todo)}] {r.name} done in {results[r.name].seconds:.1f} s"
                f" | {time.perf_counter() - start:.1f} s elapsed")
    elif todo:
        # Each run gets its own process (and kernel); "spawn" avoids forking a parent with threads.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            queue = list(todo)
            running = {}
            failure = None
            try:
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
                        except Exception as exc:  # noqa: BLE001 - a worker killed from outside
                            failure = failure or BuildError(
                                f"run '{r.name}' ({r.template} -> {r.output}) stopped: its worker "
                                f"process ended unexpectedly ({type(exc).__name__}); book/ and "
                                "the site are unchanged")
                            queue.clear()
                            continue
                        n_done = sum(1 for x in results.values() if x.executed)
                        names = ", ".join(x.name for x in running.values()) or "-"
                        log(f"[{n_done}/{len(todo)}] {r.name} done in {results[r.name].seconds:.1f} s"
                            f" | running: {names} | {time.perf_counter() - start:.1f} s elapsed")
            except BaseException:
                # Ctrl-C or a broken worker: stop the workers (and their kernels) now.
                for proc in list(getattr(pool, "_processes", {}).values()):
                    proc.terminate()
                pool.shutdown(wait=False, cancel_futures=True)
                raise
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
