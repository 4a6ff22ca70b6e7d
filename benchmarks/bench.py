"""Build-speed benchmark (`make bench`): prints a table; a benchmark, not a test.

Everything runs in a temporary copy of the repository's tracked files (under _build/), so the
working tree is never touched. Measured, end to end as an author runs them:

1. clean build, serial (`--jobs 1 --force`) and parallel (`--jobs N --force`), alternating,
   best of `--repeat` rounds;
2. no-change rebuild (`python -m fraudbook build` again);
3. one template changed (one run re-executes, the rest are reused), and one figure edited
   (only the pages that show it re-execute; target: updated site in at most 10 s);
4. the same notebooks under Jupyter Book's own executor, `execute_notebooks: force` and
   `cache` (a first build fills the cache, a second one is timed);
5. the weight of every page: its HTML plus the files only it loads (the shared, cached Vega
   bundle and theme files are counted once, apart).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fraudbook.paths import copy_tracked

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout + proc.stderr


def executed_count(output: str) -> str:
    if "nothing changed" in output:
        return "nothing to do (all inputs unchanged)"
    m = re.search(r"(\d+) executed, (\d+) reused", output)
    return f"{m.group(1)} executed, {m.group(2)} reused" if m else "site only"


def run_seconds(output: str) -> float:
    """Wall time of the execution phase, from the runner's summary line."""
    m = re.search(r"reused, ([\d.]+) s wall time", output)
    return float(m.group(1)) if m else float("nan")


def jb_executor(repo: Path, env: dict, mode: str) -> float:
    """Jupyter Book executing the same notebooks itself (outputs stripped first)."""
    import nbformat
    import yaml

    work = repo.parent / f"jb-{mode}"
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(repo, work, ignore=shutil.ignore_patterns("_build"))
    for nb_path in (work / "book").rglob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, nb_path)
    config = yaml.safe_load((work / "_config.yml").read_text())
    config["execute"] = {"execute_notebooks": mode, "timeout": 600}
    (work / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = {**env, "PYTHONPATH": str(work)}
    # The site build needs the vendored Vega bundle, as `make book` writes it.
    subprocess.run([PY, "-c", "from pathlib import Path; from fraudbook.kit import charts; "
                    "charts.write_vendor_bundle(Path('_static'))"], cwd=work, env=env, check=True)
    jb = [str(Path(PY).parent / "jb"), "build", ".", "--path-output", "_build/jb"]
    first, _ = timed(jb, work, env)
    if mode == "cache":
        second, _ = timed(jb, work, env)  # everything cached: the no-change rebuild
        return second
    return first


def edit_one_figure(path: Path, figure_id: str = "CN-2021-FUNDS") -> str:
    """Change the note of one figure, as an author correcting a caveat would."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    rows = list(reader)
    row = next((r for r in rows if r["figure_id"] == figure_id), rows[0])
    row["note"] = (row["note"] + " Checked again by the benchmark.").strip()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return row["figure_id"]


def page_weights(site: Path) -> list[tuple[str, int, int]]:
    """(page, HTML bytes, bytes of the assets only this page loads) for every book page.

    Assets are what a browser loads with the page (scripts, stylesheets, images); an asset
    that two or more pages load is shared and cached, and is counted apart, once.
    """
    loads: dict[str, set[Path]] = {}
    for page in sorted((site / "book").rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        refs = re.findall(r'<(?:script|img)[^>]+src="([^"#?]+)', html)
        refs += re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"#?]+)', html)
        targets = {(page.parent / r).resolve() for r in refs if not r.startswith(("data:", "http"))}
        loads[page.relative_to(site).as_posix()] = {t for t in targets if t.is_file()}
    counts: dict[Path, int] = {}
    for targets in loads.values():
        for t in targets:
            counts[t] = counts.get(t, 0) + 1
    rows = []
    for name, targets in loads.items():
        own = sum(t.stat().st_size for t in targets if counts[t] == 1)
        rows.append((name, (site / name).stat().st_size, own))
    shared = sum(t.stat().st_size for t, n in counts.items() if n > 1)
    return rows, shared


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-jb", action="store_true", help="leave out Jupyter Book's executor")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of serial and parallel builds")
    args = parser.parse_args()

    # The copy lives in _build/, on the project's own disk, so the timings are the author's.
    (ROOT / "_build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-", dir=ROOT / "_build") as tmp:
        repo = copy_tracked(Path(tmp) / "repo")
        # `python -m fraudbook` run in the copy imports the copy's package and reads its data
        # (fraudbook.paths); no PYTHONPATH or data override from this process may leak in.
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAUDBOOK_") and k != "PYTHONPATH"}
        build = [PY, "-m", "fraudbook", "build"]
        rows = []

        # Untimed warm-up: bytecode, the Vega bundle and font caches are made once, so that
        # neither timed build pays for them.
        timed(build + ["--force"], repo, env)
        # Serial and parallel builds alternate, --repeat rounds; the best time of each counts,
        # as a shared 2-core machine adds noise of its own to any single run.
        best = {}
        for _ in range(args.repeat):
            for jobs in (1, args.jobs):
                secs, out = timed(build + ["--jobs", str(jobs), "--force"], repo, env)
                if jobs not in best or secs < best[jobs][0]:
                    best[jobs] = (secs, run_seconds(out), executed_count(out))
        serial, serial_exec, note = best[1]
        rows.append((f"clean build, serial (--jobs 1), best of {args.repeat}", serial, note))
        parallel, parallel_exec, note = best[args.jobs]
        rows.append((f"clean build, parallel (--jobs {args.jobs}), best of {args.repeat}", parallel, note))
        nochange, out = timed(build, repo, env)
        rows.append(("no-change rebuild", nochange, executed_count(out)))

        template = repo / "notebooks" / "prevention.ipynb"
        nb = json.loads(template.read_text())
        nb["cells"].append({"cell_type": "markdown", "id": "bench-edit", "metadata": {},
                            "source": ["An edit made by the benchmark."]})
        template.write_text(json.dumps(nb, indent=1))
        onechange, out = timed(build, repo, env)
        rows.append(("one template changed", onechange, executed_count(out)))
        figure_id = edit_one_figure(repo / "data" / "figures.csv")
        onefigure, out = timed(build, repo, env)
        rows.append((f"one figure edited ({figure_id}), target <= 10 s", onefigure, executed_count(out)))

        if not args.skip_jb:
            force = jb_executor(repo, env, "force")
            rows.append(("Jupyter Book execute_notebooks: force", force, "all executed by JB"))
            cache = jb_executor(repo, env, "cache")
            rows.append(("Jupyter Book execute_notebooks: cache, no change", cache, "cached by JB"))

        print(f"\n{'step':<52} {'seconds':>8}  runs")
        print(f"{'-' * 52} {'-' * 8}  {'-' * 24}")
        for name, secs, note in rows:
            print(f"{name:<52} {secs:8.1f}  {note}")
        print(f"\nparallel speed-up over serial, end to end: {serial / parallel:.2f}x (target >= 1.6x)")
        print(f"parallel speed-up of the execution phase: {serial_exec / parallel_exec:.2f}x "
              f"({serial_exec:.1f} s -> {parallel_exec:.1f} s; the site render after it is serial)")
        print(f"no-change rebuild: {nochange:.2f} s (target <= 5 s)")
        if not args.skip_jb:
            print(f"no-change rebuild vs Jupyter Book cache mode: {cache / nochange:.1f}x faster (target >= 5x)")

        site = repo / "_build" / "html"
        weights, shared = page_weights(site)
        print(f"\n{'page':<40} {'HTML bytes':>11} {'own assets':>11} {'total':>9}")
        worst = 0
        for page, html_bytes, own in weights:
            worst = max(worst, html_bytes + own)
            print(f"{page:<40} {html_bytes:11,d} {own:11,d} {html_bytes + own:9,d}")
        vendor = site / "_static" / "vendor" / "vega-bundle.js"
        print(f"\nassets shared by every page, cached after the first: {shared:,d} bytes "
              f"(of which the Vega bundle {vendor.stat().st_size:,d})")
        print(f"heaviest page: {worst:,d} bytes (target <= 500,000 besides the shared bundle)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
