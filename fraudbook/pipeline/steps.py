"""The build's steps, in order (the build never leaves a half-made result):
1. data/ is validated, and every run's parameters are checked, before anything executes;
2. every run whose inputs changed executes into `_build/runs/` (fraudbook.pipeline.execute);
3. only when all runs succeed are the executed notebooks published into book/, atomically;
4. Jupyter Book renders into `_build/site/`, swapped into `_build/html` only on success.
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass

from ..data import columns
from ..data.check import MAX_SHOWN
from ..data.coverage import known_ids
from ..data.load import load
from ..data.rules import DataError
from ..errors import FraudbookError
from ..kit.dates import short_repr
from ..paths import LAST_BUILD, Layout
from .errors import BuildError
from .manifest import ManifestError, Run, read_manifest
from .params import ParameterError
from .system import disk_full, is_disk_full, require_site_programs, require_space

# Every failure a person can fix; anything else is a bug in the package (an internal error).
FAILURES = (FraudbookError,)


def check(layout: Layout) -> int:
    """Validate data/ and print every problem, one line each; exit status 1 if there is any."""
    from ..data.check import report

    return report(layout.data, layout)


def one_line(text: str, limit: int = 600) -> str:
    """A message line as printed: control and invisible characters escaped, length bounded,
    so that text from the data or the manifest can neither add lines nor reorder them."""
    from ..data.read import printable

    return printable(text, limit, backslash=False)


def report(prefix: str, exc: BaseException) -> None:
    """Print a failure: one line per problem, the first after `prefix`."""
    if isinstance(exc, DataError):
        lines = [f"{len(exc.problems)} problem(s) in the data:"] + [f"  - {p}" for p in exc.problems[:MAX_SHOWN]]
        if len(exc.problems) > MAX_SHOWN:
            lines.append(f"  … and {len(exc.problems) - MAX_SHOWN} more; fix the ones above first")
    else:
        lines = str(exc).split("\n")
    for i, line in enumerate(lines):
        print(f"{prefix}: {one_line(line)}" if i == 0 else one_line(line), file=sys.stderr)


@dataclass
class Outcome:
    code: int = 0


@contextmanager
def reported(what: str, unchanged: str, layout: Layout):
    """A command's failures as one message and an exit code in `outcome.code`: 1 for what a
    person can fix (a full disk too, named, its staging removed), 130 for Ctrl-C."""
    outcome = Outcome()
    try:
        yield outcome
    except FAILURES as exc:
        report(f"{what} FAILED", exc)
        outcome.code = 1
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        report(f"{what} FAILED", disk_full(exc, layout))
        outcome.code = 1
    except KeyboardInterrupt:
        print(f"{what} INTERRUPTED: {unchanged}", file=sys.stderr)
        outcome.code = 130


def plan(layout: Layout | None = None) -> list[Run]:
    """Validated data and runs: everything that can be checked before executing anything."""
    layout = layout or Layout.from_env()
    try:
        known = known_ids(load(layout.data))
        columns.read(layout.data)   # the package's column descriptions, checked before any run
    except OSError as exc:  # a table that vanished or is a broken link between check and read
        name = exc.filename or layout.data
        raise BuildError(f"{one_line(layout.relative(name), 200)}: cannot be read "
                         f"({exc.strerror or type(exc).__name__})") from None
    from .execute import cell_timeout, default_jobs

    cell_timeout()   # the build's settings are checked before anything executes, too
    default_jobs()
    runs = read_manifest(layout.manifest, known=known, root=layout.root)
    from .references import check_references
    from .toc import check_toc, pages

    check_references(runs, pages(check_toc(runs, layout)), layout)
    return runs


def split_params(text: str) -> list[str]:
    """`name=value` items of one PARAMS string (as `make run PARAMS='...'` hands it over).

    Split on spaces outside quotes and brackets, so `highlight=[THA, VNM] currency=EUR` is two
    items. Quotes at the top level group words and are removed (`title="a b"`); inside
    brackets they are kept for the YAML reading of the value. Nothing here is run by a shell.
    """
    items: list[str] = []
    buf: list[str] = []
    quote = None
    depth = 0
    started = False
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
                if depth:
                    buf.append(ch)
            else:
                buf.append(ch)
            continue
        if ch in "'\"":
            quote = ch
            started = True
            if depth:
                buf.append(ch)
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}" and depth:
            depth -= 1
        if ch.isspace() and not depth:
            if started:
                items.append("".join(buf))
                buf, started = [], False
            continue
        buf.append(ch)
        started = True
    if quote:
        raise ParameterError(f"PARAMS: a {quote} quote is never closed in {short_repr(text, 80)}")
    if started:
        items.append("".join(buf))
    return items


def parse_overrides(pairs: list[str], run: Run, layout: Layout) -> dict:
    """`key=value` strings typed by the template's declaration, not guessed from the text.

    papermill's `-p` turns "007" into 7; here a value is read as YAML (lists, numbers,
    booleans) only where the parameter is declared with that type, else kept as written.
    A list may be written with or without spaces: `highlight=[THA, VNM]`, `[THA,VNM]`.
    """
    import yaml

    from .params import template_parameters

    declared = template_parameters(layout.root / run.template)
    values = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"--set {short_repr(pair)}: write name=value")
        if not re.fullmatch(r"[A-Za-z_]\w*", key):
            raise ParameterError(f"--set {short_repr(key, 60)}: not a parameter name (letters, "
                                 "digits and '_')")
        if key in values:
            raise ParameterError(f"--set {key}: given twice")
        p = declared.get(key)
        if p is not None and p.type is str:
            values[key] = text
            continue
        try:
            values[key] = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            at = f" at column {mark.column + 1}" if mark else ""
            raise ParameterError(f"--set {key}: {short_repr(text)} is not a value{at} "
                                 "(write a number, true/false, or a list like [THA, VNM])") from None
        except (yaml.YAMLError, ValueError, RecursionError):
            raise ParameterError(f"--set {key}: {short_repr(text)} is not a value "
                                 "(write a number, true/false, or a list like [THA, VNM])") from None
    return values


def run_one(name: str, overrides: list[str], publish_it: bool, layout: Layout, log=print,
            params_text: str | None = None) -> int:
    """Execute one run of the manifest, optionally with other parameters.

    Without `publish_it` the result goes to scratch/<name>.ipynb with a standalone preview
    scratch/<name>.html, and book/ is untouched.
    """
    from .execute import execute_run
    from .lock import build_lock
    from .publish import publish_files

    with reported("RUN", "book/ is unchanged", layout) as outcome:
        overrides = list(overrides) + (split_params(params_text) if params_text else [])
        runs = {r.name: r for r in plan(layout)}
        if name not in runs:
            raise ManifestError(f"no run named {short_repr(name, 60)} in runs.yml (runs: {', '.join(runs)})")
        run = runs[name]
        if overrides:
            from .params import check_parameters, template_parameters

            known = known_ids(load(layout.data))
            given = {**run.parameters, **parse_overrides(overrides, run, layout)}
            params = check_parameters(given, template_parameters(layout.root / run.template),
                                      f"run '{name}' with --set", known)
            run = Run(run.name, run.template, run.output, params)
        with build_lock(layout, log=log):
            inputs = None
            if publish_it:
                from .digest import run_digests

                inputs = run_digests([run], layout)[run.name]
            result = execute_run(run, layout, inputs=inputs)
            if publish_it:
                publish_files([(result.staged, layout.root / run.output)])
                log(f"published {run.output} ({result.seconds:.1f} s)")
            else:
                from .preview import write_preview

                layout.scratch.mkdir(exist_ok=True)
                scratch = layout.scratch / f"{run.name}.ipynb"
                publish_files([(result.staged, scratch)])
                page = write_preview(scratch, layout)
                log(f"wrote {layout.relative(scratch)} and the preview {layout.relative(page)} "
                    f"({result.seconds:.1f} s); book/ is unchanged")
    return outcome.code


def build(execute: bool = True, site: bool = True, layout: Layout | None = None, log=print,
          jobs: int | None = None, force: bool = False) -> int:
    """The whole build; returns the exit code (1 with a message on stderr on any failure)."""
    from .execute import execute_all
    from .lock import build_lock
    from .publish import publish_files
    from .site import build_site

    layout = layout or Layout.from_env()
    with reported("BUILD", "book/ and the site are as they were before this build",
                  layout) as outcome:
        if site:
            require_site_programs()
        require_space(layout)
        runs = plan(layout)
        log(f"data valid; {len(runs)} run(s) planned")
        with build_lock(layout, log=log):
            if execute:
                results = execute_all(runs, layout, log=log, jobs=jobs, force=force)
                publish_files([(r.staged, layout.root / r.run.output) for r in results if r.staged])
            if site:
                build_site(layout, log=log, force=force)
            if execute and site:
                from .digest import build_fingerprint

                (layout.build / LAST_BUILD).write_text(build_fingerprint(layout.root))
    return outcome.code


def freshness(layout: Layout, today=None) -> int:
    """Print the freshness report of the current edition (fraudbook.data.freshness)."""
    from datetime import date

    from ..data import freshness as fr
    from ..data.claims import edition

    try:
        result = fr.freshness(load(layout.data), edition(layout.root), today or date.today())
    except FAILURES as exc:
        report("FRESHNESS FAILED", exc)
        return 1
    print(fr.render(result), end="")
    return 0


def toc(layout: Layout, check_only: bool = False) -> int:
    from .toc import render_toc

    try:
        runs = read_manifest(layout.manifest, known=known_ids(load(layout.data)), root=layout.root)
        text = render_toc(runs, layout)
    except FAILURES as exc:
        report("TOC FAILED", exc)
        return 1
    current = layout.toc.read_text(encoding="utf-8") if layout.toc.exists() else ""
    if check_only:
        if current != text:
            print("_toc.yml differs from what runs.yml generates: run `python -m fraudbook toc`",
                  file=sys.stderr)
            return 1
        print("_toc.yml matches runs.yml")
        return 0
    if current != text:
        layout.toc.write_text(text, encoding="utf-8")
        print("wrote _toc.yml from runs.yml")
    else:
        print("_toc.yml is up to date")
    return 0


def data_readme(layout: Layout, check_only: bool = False) -> int:
    """data/README.md's column tables, written from data/columns.csv (--check: only compare)."""
    readme = layout.data / "README.md"
    try:
        current = readme.read_text(encoding="utf-8")
        text = columns.readme_with_tables(current, columns.read(layout.data))
    except OSError as exc:
        report("DATA README FAILED", BuildError(f"{layout.relative(readme)}: cannot be read "
                                                f"({exc.strerror or type(exc).__name__})"))
        return 1
    except FAILURES as exc:
        report("DATA README FAILED", exc)
        return 1
    name = layout.relative(readme)
    if current == text:
        print(f"{name} matches {columns.FILE}")
        return 0
    if check_only:
        print(f"{name} differs from {columns.FILE}: run `python -m fraudbook data-readme`",
              file=sys.stderr)
        return 1
    readme.write_text(text, encoding="utf-8")
    print(f"wrote the column tables of {name} from {columns.FILE}")
    return 0
