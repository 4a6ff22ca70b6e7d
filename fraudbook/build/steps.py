"""The build's steps, in order (the build never leaves a half-made result):
1. data/ is validated, and every run's parameters are checked, before anything executes;
2. every run whose inputs changed executes into `_build/runs/` (fraudbook.build.execute);
3. only when all runs succeed are the executed notebooks published into book/, atomically;
4. Jupyter Book renders into `_build/site/`, swapped into `_build/html` only on success.
"""

from __future__ import annotations

import sys

from ..data.coverage import known_ids
from ..data.load import DataError, load
from ..paths import LAST_BUILD, Layout
from .errors import BuildError
from .manifest import ManifestError, Run, read_manifest
from .params import ParameterError

FAILURES = (DataError, ManifestError, ParameterError, BuildError)


def check(layout: Layout) -> int:
    """Validate data/ and print every problem; exit status 1 if there is any."""
    from ..data.check import report

    return report(layout.data, layout)


def plan(layout: Layout | None = None) -> list[Run]:
    """Validated data and runs: everything that can be checked before executing anything."""
    layout = layout or Layout.from_env()
    known = known_ids(load(layout.data))
    runs = read_manifest(layout.manifest, known=known, root=layout.root)
    from .toc import check_toc

    check_toc(runs, layout)
    return runs


def parse_overrides(pairs: list[str], run: Run, layout: Layout) -> dict:
    """`key=value` strings typed by the template's declaration, not guessed from the text.

    papermill's `-p` turns "007" into 7; here a value is read as YAML (lists, numbers,
    booleans) only where the parameter is declared with that type, else kept as written.
    A list may be written with or without spaces: `highlight=[THA, VNM]`, `[THA,VNM]`.
    """
    import yaml

    from ..kit.dates import short_repr
    from .params import template_parameters

    declared = template_parameters(layout.root / run.template)
    values = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"--set {short_repr(pair)}: write name=value")
        p = declared.get(key)
        if p is not None and p.type is str:
            values[key] = text
            continue
        try:
            values[key] = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" at column {mark.column + 1}" if mark else ""
            raise ParameterError(f"--set {key}: {short_repr(text)} is not a value{at} "
                                 "(write a number, true/false, or a list like [THA, VNM])") from None
    return values


def run_one(name: str, overrides: list[str], publish_it: bool, layout: Layout, log=print) -> int:
    """Execute one run of the manifest, optionally with other parameters.

    Without `publish_it` the result goes to scratch/<name>.ipynb with a standalone preview
    scratch/<name>.html, and book/ is untouched.
    """
    from .execute import execute_run
    from .lock import build_lock
    from .publish import publish_files

    try:
        runs = {r.name: r for r in plan(layout)}
        if name not in runs:
            raise ManifestError(f"no run named '{name[:60]}' in runs.yml (runs: {', '.join(runs)})")
        run = runs[name]
        if overrides:
            from .params import check_parameters, template_parameters

            known = known_ids(load(layout.data))
            given = {**run.parameters, **parse_overrides(overrides, run, layout)}
            params = check_parameters(given, template_parameters(layout.root / run.template),
                                      f"run '{name}' with --set", known)
            run = Run(run.name, run.template, run.output, params)
        with build_lock(layout):
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
    except FAILURES as exc:
        print(f"RUN FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("RUN INTERRUPTED: book/ is unchanged", file=sys.stderr)
        return 130
    return 0


def build(execute: bool = True, site: bool = True, layout: Layout | None = None, log=print,
          jobs: int | None = None, force: bool = False) -> int:
    """The whole build; returns the exit code (1 with a message on stderr on any failure)."""
    from .execute import execute_all
    from .lock import build_lock
    from .publish import publish_files
    from .site import build_site

    layout = layout or Layout.from_env()
    try:
        runs = plan(layout)
        log(f"data valid; {len(runs)} run(s) planned")
        with build_lock(layout):
            if execute:
                results = execute_all(runs, layout, log=log, jobs=jobs, force=force)
                publish_files([(r.staged, layout.root / r.run.output) for r in results if r.staged])
            if site:
                build_site(layout, log=log, force=force)
            if execute and site:
                from .digest import build_fingerprint

                (layout.build / LAST_BUILD).write_text(build_fingerprint(layout.root))
    except FAILURES as exc:
        print(f"BUILD FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("BUILD INTERRUPTED: book/ and the site are as they were before this build",
              file=sys.stderr)
        return 130
    return 0


def toc(layout: Layout, check_only: bool = False) -> int:
    from .toc import render_toc

    try:
        runs = read_manifest(layout.manifest, known=known_ids(load(layout.data)), root=layout.root)
        text = render_toc(runs, layout)
    except FAILURES as exc:
        print(f"TOC FAILED: {exc}", file=sys.stderr)
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
