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

from ..data.coverage import COVERED_MIN_ITEMS
from ..paths import MANIFEST, ROOT, relative
from .params import ParameterError, check_parameters, template_parameters


class ManifestError(ValueError):
    """runs.yml breaks a rule; the message names the run and the field."""


@dataclass(frozen=True)
class Run:
    name: str
    template: str              # repository-relative, e.g. notebooks/losses.ipynb
    output: str                # repository-relative, e.g. book/losses.ipynb
    parameters: dict = field(default_factory=dict)


def _expand(entry: dict, known: dict | None, where: str) -> list[dict]:
    """One entry per value of its `for_each` parameter ({param} in name and output, lowercased).

    `for_each: {country: [MMR, KHM]}` lists the values; `for_each: {country: covered}` takes
    every country the data covers (known["coverage"]: country code -> figures + events).
    """
    spec = entry.get("for_each")
    if spec is None:
        return [entry]
    if not isinstance(spec, dict) or len(spec) != 1:
        raise ManifestError(f"{where}: for_each maps one parameter to a list of values or 'covered'")
    (param, values), = spec.items()
    if values == "covered":
        coverage = (known or {}).get("coverage", {})
        values = sorted(c for c, n in coverage.items() if n >= COVERED_MIN_ITEMS)
    if not isinstance(values, list) or not values:
        raise ManifestError(f"{where}: for_each '{param}' has no values")
    out = []
    for v in values:
        e = {k: val for k, val in entry.items() if k != "for_each"}
        slug = str(v).lower()
        for k in ("name", "output"):
            if f"{{{param}}}" not in str(e.get(k, "")):
                raise ManifestError(f"{where}: with for_each, '{k}' must contain {{{param}}}")
            e[k] = str(e[k]).replace(f"{{{param}}}", slug)
        e["parameters"] = {**(e.get("parameters") or {}), param: v}
        out.append(e)
    return out


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
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{relative(path)}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except yaml.YAMLError as exc:
        raise ManifestError(f"{relative(path)}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("runs"), list) or not doc["runs"]:
        raise ManifestError(f"{relative(path)}: expected a mapping with a non-empty list 'runs'")
    runs: list[Run] = []
    names: dict[str, int] = {}
    outputs: dict[str, int] = {}
    problems: list[str] = []
    entries: list[tuple[int, object]] = []
    for i, entry in enumerate(doc["runs"]):
        if isinstance(entry, dict) and "for_each" in entry:
            try:
                entries += [(i, e) for e in _expand(entry, known, _where(path, i, entry.get("name")))]
            except ManifestError as exc:
                problems.append(str(exc))
        else:
            entries.append((i, entry))
    for i, entry in entries:
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
        # Compared as resolved paths: "notebooks/../book/x.ipynb" is not a template.
        inside = (root / template).resolve().parent == (root / "notebooks").resolve()
        if not (inside and template.endswith(".ipynb")):
            problems.append(f"{where}: template '{template[:120]}' must be a notebooks/*.ipynb file")
        # Every page sits directly in book/, so that pages can link to each other (e.g. to the
        # list of sources) with the same relative address.
        if not re.fullmatch(r"book/[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb", output):
            problems.append(f"{where}: output '{output}' must be book/<lowercase-slug>.ipynb (no subfolder)")
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
