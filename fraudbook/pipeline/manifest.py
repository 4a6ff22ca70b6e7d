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
from ..data.read import printable
from ..errors import FraudbookError
from ..kit.dates import short_repr
from ..paths import MANIFEST, ROOT, relative
from .params import ParameterError, check_parameters, template_parameters

# A template is a notebook directly in notebooks/, named with letters, digits, '-' and '_'.
TEMPLATE = re.compile(r"notebooks/[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*\.ipynb")
OUTPUT = re.compile(r"book/[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb")
# More values than this in runs.yml (counting every copy an alias makes) is refused.
MAX_NODES = 20_000
MAX_RUNS = 500
MAX_PROBLEMS = 50
MAX_BYTES = 1_000_000


class ManifestError(FraudbookError, ValueError):
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
    if not isinstance(param, str) or not re.fullmatch(r"[A-Za-z_]\w{0,60}", param):
        raise ManifestError(f"{where}: for_each names the parameter {short_repr(param, 60)}, "
                            "which is not a parameter name")
    if values == "covered":
        coverage = (known or {}).get("coverage", {})
        values = sorted(c for c, n in coverage.items() if n >= COVERED_MIN_ITEMS)
    if not isinstance(values, list) or not values:
        raise ManifestError(f"{where}: for_each '{param}' has no values (a list, or 'covered')")
    if len(values) > MAX_RUNS:
        raise ManifestError(f"{where}: for_each '{param}' has {len(values)} values; at most {MAX_RUNS}")
    # Each value makes a run name and a page name: plain text or a number, nothing nested.
    bad = [v for v in values if isinstance(v, (list, dict, bool)) or v is None
           or not re.fullmatch(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", str(v))]
    if bad:
        raise ManifestError(f"{where}: for_each '{param}' has the value {short_repr(bad[0], 60)}; "
                            "each value becomes part of a page name: letters, digits and '-' only")
    out = []
    for v in values:
        e = {k: val for k, val in entry.items() if k != "for_each"}
        slug = str(v).lower()
        for k in ("name", "output"):
            if not isinstance(e.get(k), str) or f"{{{param}}}" not in e[k]:
                raise ManifestError(f"{where}: with for_each, '{k}' must contain {{{param}}}")
            e[k] = e[k].replace(f"{{{param}}}", slug)
        given = e.get("parameters") or {}
        if not isinstance(given, dict):
            raise ManifestError(f"{where}: parameters must be a mapping of name: value")
        e["parameters"] = {**given, param: v}
        out.append(e)
    return out


def _where(path: Path, i: int, name) -> str:
    shown = f" ('{name}')" if isinstance(name, str) and re.fullmatch(r"[\w.-]{1,80}", name) \
        else (f" ({short_repr(name, 60)})" if name is not None else "")
    return f"{relative(path)}, run {i + 1}{shown}"


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (YAML keeps the last
    silently, so a second `parameters:` would replace the first without a word)."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value, not a list or mapping",
                key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {short_repr(key, 40)} appears twice in one mapping (first on "
                f"line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _too_big(doc) -> bool:
    """True when the document holds more than MAX_NODES values, counting every alias copy."""
    budget = MAX_NODES
    stack = [doc]
    while stack:
        v = stack.pop()
        budget -= 1
        if budget < 0:
            return True
        if isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def load_yaml(path: Path) -> object:
    """runs.yml as plain data; ManifestError with the file, line and column of a problem."""
    where = relative(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError(f"{where}: manifest not found") from None
    except OSError as exc:
        raise ManifestError(f"{where}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(raw) > MAX_BYTES:
        raise ManifestError(f"{where}: {len(raw):,} bytes; a manifest may hold at most {MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ManifestError(f"{where}, line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02X} at "
                            f"byte offset {exc.start}); save it as UTF-8") from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise ManifestError(f"{where}, line {line}: contains a NUL byte") from None
    try:
        doc = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ManifestError(f"{where}{at}: not valid YAML: {printable(what, 200)}") from None
    except yaml.YAMLError as exc:
        raise ManifestError(f"{where}: not valid YAML: {printable(str(exc), 200)}") from None
    except RecursionError:
        raise ManifestError(f"{where}: nested too deeply to be a manifest") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise ManifestError(f"{where}: not a usable value ({short_repr(str(exc), 120)})") from None
    if _too_big(doc):
        raise ManifestError(f"{where}: holds more than {MAX_NODES:,} values (a YAML alias "
                            "expanding to many copies?)")
    return doc


def read_manifest(path: Path | None = None, known: dict[str, set[str]] | None = None,
                  root: Path = ROOT) -> list[Run]:
    """The validated runs of the manifest, parameters completed with the templates' defaults.

    `known` maps "geography" and "figure" to the ids in the data, for parameters that name them.
    """
    path = Path(path) if path else MANIFEST
    doc = load_yaml(path)
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
    if len(entries) > MAX_RUNS:
        problems.append(f"{relative(path)}: {len(entries)} runs; at most {MAX_RUNS}")
        entries = []
    for i, entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        where = _where(path, i, name)
        if not isinstance(entry, dict):
            problems.append(f"{where}: each run is a mapping with name, template, output, parameters")
            continue
        unknown = [k for k in entry if k not in ("name", "template", "output", "parameters")]
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(sorted(short_repr(k, 40).strip(chr(39)) for k in unknown))}")
        missing = [k for k in ("name", "template", "output") if not entry.get(k)]
        if missing:
            problems.append(f"{where}: missing field(s) {', '.join(missing)}")
            continue
        texts = [k for k in ("name", "template", "output") if not isinstance(entry[k], str)]
        if texts:
            problems.append(f"{where}: {', '.join(texts)} must be text, got "
                            f"{short_repr(entry[texts[0]], 60)}")
            continue
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name) or len(name) > 80:
            problems.append(f"{where}: name must be a lowercase slug (letters, digits, '-')")
        template, output = entry["template"], entry["output"]
        if Path(template).is_absolute() or Path(output).is_absolute():
            problems.append(f"{where}: template and output are repository-relative paths, never absolute")
            continue
        # The text first ("notebooks/../book/x.ipynb", "notebooks/sub/x.ipynb" are refused as
        # written), then the resolved file (a symlink out of notebooks/ is refused too).
        if len(template) > 120 or not TEMPLATE.fullmatch(template):
            problems.append(f"{where}: template {short_repr(template, 120)} must be a notebooks/<name>.ipynb "
                            "file (letters, digits, '-', '_'; no '..' or subfolder)")
            template_ok = False
        else:
            try:
                resolved = (root / template).resolve()
                template_ok = resolved.parent == (root / "notebooks").resolve()
            except (OSError, RuntimeError, ValueError):
                template_ok = False
            if not template_ok:
                problems.append(f"{where}: template {short_repr(template, 120)} leads outside notebooks/ "
                                "(a symbolic link?)")
        # Every page sits directly in book/, so that pages can link to each other (e.g. to the
        # list of sources) with the same relative address.
        if len(output) > 120 or not OUTPUT.fullmatch(output):
            problems.append(f"{where}: output {short_repr(output, 120)} must be book/<lowercase-slug>.ipynb (no subfolder)")
        if name in names:
            problems.append(f"{where}: duplicate run name (also run {names[name] + 1})")
        names.setdefault(name, i)
        if output in outputs:
            problems.append(f"{where}: duplicate output {short_repr(output, 120)} (also run {outputs[output] + 1})")
        outputs.setdefault(output, i)
        given = entry.get("parameters")
        given = {} if given is None else given
        if not isinstance(given, dict):
            problems.append(f"{where}: parameters must be a mapping of name: value")
            continue
        if not template_ok:
            continue
        tpath = root / template
        if not tpath.exists():
            problems.append(f"{where}: unknown template {short_repr(template, 120)} (no such file)")
            continue
        try:
            declared = template_parameters(tpath)
            full = check_parameters(given, declared, where, known)
        except ParameterError as exc:
            problems.append(str(exc))
            continue
        runs.append(Run(name, template, output, full))
    if len(problems) > MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS] + [f"{relative(path)}: {len(problems) - MAX_PROBLEMS} "
                                              "more problem(s) not listed; fix the ones above first"]
    if problems:
        raise ManifestError("\n".join(problems))
    return runs
