"""The manifest of papermill runs (`runs.yml`): template + parameters -> page in book/.

Every run is checked before anything executes: the template exists and has exactly one
`parameters` cell, every given parameter is declared with the right type and allowed value,
required parameters are given, and no two runs share a name or an output page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .params import ParameterError, check_parameters, template_parameters
from .paths import MANIFEST, ROOT, relative


class ManifestError(ValueError):
    """runs.yml breaks a rule; the message names the run and the field."""


@dataclass(frozen=True)
class Run:
    name: str
    template: str              # repository-relative, e.g. notebooks/losses.ipynb
    output: str                # repository-relative, e.g. book/losses.ipynb
    parameters: dict = field(default_factory=dict)


def _where(path: Path, i: int, name: str | None) -> str:
    return f"{relative(path)}, run {i + 1}" + (f" ('{name}')" if name else "")


def read_manifest(path: Path | None = None, known: dict[str, set[str]] | None = None,
                  root: Path = ROOT) -> list[Run]:
    """The validated runs of the manifest, parameters completed with the templates' defaults.

    `known` maps "geography" and "figure" to the ids in the data, for parameters that name them.
    """
    path = Path(path) if path else MANIFEST
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ManifestError(f"{relative(path)}: manifest not found") from exc
    except yaml.YAMLError as exc:
        raise ManifestError(f"{relative(path)}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("runs"), list) or not doc["runs"]:
        raise ManifestError(f"{relative(path)}: expected a mapping with a non-empty list 'runs'")
    runs: list[Run] = []
    names: dict[str, int] = {}
    outputs: dict[str, int] = {}
    problems: list[str] = []
    for i, entry in enumerate(doc["runs"]):
        name = entry.get("name") if isinstance(entry, dict) else None
        where = _where(path, i, name)
        if not isinstance(entry, dict):
            problems.append(f"{where}: each run is a mapping with name, template, output, parameters")
            continue
        unknown = set(entry) - {"name", "template", "output", "parameters"}
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        missing = [k for k in ("name", "template", "output") if not entry.get(k)]
        if missing:
            problems.append(f"{where}: missing field(s) {', '.join(missing)}")
            continue
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", str(name)):
            problems.append(f"{where}: name must be a lowercase slug (letters, digits, '-')")
        template, output = str(entry["template"]), str(entry["output"])
        if Path(template).is_absolute() or Path(output).is_absolute():
            problems.append(f"{where}: template and output are repository-relative paths, never absolute")
            continue
        if not (template.startswith("notebooks/") and template.endswith(".ipynb")):
            problems.append(f"{where}: template '{template}' must be a notebooks/*.ipynb file")
        if not (output.startswith("book/") and output.endswith(".ipynb")):
            problems.append(f"{where}: output '{output}' must be a book/*.ipynb file")
        if name in names:
            problems.append(f"{where}: duplicate run name (also run {names[name] + 1})")
        names.setdefault(name, i)
        if output in outputs:
            problems.append(f"{where}: duplicate output '{output}' (also run {outputs[output] + 1})")
        outputs.setdefault(output, i)
        given = entry.get("parameters") or {}
        if not isinstance(given, dict):
            problems.append(f"{where}: parameters must be a mapping of name: value")
            continue
        tpath = root / template
        if not tpath.exists():
            problems.append(f"{where}: unknown template '{template}' (no such file)")
            continue
        try:
            declared = template_parameters(tpath)
            full = check_parameters(given, declared, where, known)
        except ParameterError as exc:
            problems.append(str(exc))
            continue
        runs.append(Run(name, template, output, full))
    if problems:
        raise ManifestError("\n".join(problems))
    return runs
