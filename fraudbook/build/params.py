"""Read a template's `parameters` cell and check a run's parameters against it.

Each template notebook has exactly one code cell tagged `parameters` (papermill only warns
when the tag is missing, and then injects values that later lines silently overwrite).
The cell holds plain assignments of literals, optionally annotated, with an optional
trailing comment that narrows the allowed values:

    currency: str = "USD"        # choices: USD, CNY, EUR
    first_year: int = 2019
    countries: list = ["MMR"]    # geography
    country: str = None          # geography   (None = required: every run must give it)
    headline: list = [           # figure
        "UNODC-01", "IC3-2024-L2"]

    start: str = "2020-01-01"    # date
    end: str = "2026-12-31"      # date after: start
    first_year: int = 2021       # year

`# choices: a, b` limits a value (or each item of a list) to those; `# geography` to the
codes in data/geographies.csv; `# figure` to the ids in data/figures.csv; `# date` to an
ISO day YYYY-MM-DD and `# year` to a plausible year, `after: other` to a value not before
another parameter's. The comment sits on the line where the assignment starts. Every check
runs before any notebook executes.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..kit.dates import DateParameterError, check_year, parse_day, short_repr
from ..paths import relative

# What a trailing comment may check a value against: ids in data/ ("geography", "figure"),
# or a form ("date": YYYY-MM-DD, "year": a plausible year), checked before any kernel starts.
REFERENCES = ("geography", "figure", "date", "year")
TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict}


class ParameterError(ValueError):
    """A template's parameters cell, or a run's parameters, break a rule."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: type
    default: object
    choices: tuple[str, ...] = ()
    refers_to: str | None = None   # one of REFERENCES
    after: str | None = None       # "# date after: start": not before that parameter

    @property
    def required(self) -> bool:
        return self.default is None


def parameters_cell(notebook: dict, path: Path) -> dict:
    cells = [c for c in notebook.get("cells", [])
             if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{relative(path)}: {len(cells)} cells tagged 'parameters'; a template needs exactly one")
    if cells[0]["cell_type"] != "code":
        raise ParameterError(f"{relative(path)}: the cell tagged 'parameters' is not a code cell")
    return cells[0]


def template_parameters(path: Path) -> dict[str, Parameter]:
    """The parameters a template declares, in order, read from its `parameters` cell."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    source = "".join(parameters_cell(nb, path)["source"])
    lines = source.splitlines()
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{relative(path)}: parameters cell does not parse: {exc}") from exc
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, value, ann = node.target.id, node.value, node.annotation
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, ann = node.targets[0].id, node.value, None
        else:
            raise ParameterError(f"{relative(path)}, line {node.lineno}: the parameters cell may only assign literals to names")
        try:
            default = ast.literal_eval(value) if value is not None else None
        except ValueError as exc:
            raise ParameterError(f"{relative(path)}: parameter '{name}' default is not a literal") from exc
        if ann is not None:
            tname = ast.unparse(ann)
            if tname not in TYPES:
                raise ParameterError(f"{relative(path)}: parameter '{name}' has type '{tname}'; use one of {', '.join(TYPES)}")
            ptype = TYPES[tname]
        elif default is None:
            raise ParameterError(f"{relative(path)}: required parameter '{name}' (default None) needs a type annotation")
        else:
            ptype = type(default)
        comment = lines[node.lineno - 1].partition("#")[2].strip()
        choices: tuple[str, ...] = ()
        m = re.match(r"choices:\s*(.+)", comment)
        if m:
            choices = tuple(c.strip() for c in m.group(1).split(","))
        refers = next((r for r in REFERENCES if comment.startswith(r)), None)
        after = re.match(r"(?:date|year)\s+after:\s*([A-Za-z_]\w*)", comment)
        params[name] = Parameter(name, ptype, default, choices, refers, after[1] if after else None)
    return params


def _type_ok(value, ptype: type) -> bool:
    if ptype is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if ptype is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, ptype)


def check_parameters(values: dict, declared: dict[str, Parameter], where: str,
                     known: dict[str, set[str]] | None = None) -> dict:
    """The full parameter set for a run (defaults filled in), or ParameterError naming the problem."""
    problems = []
    for name in values:
        if name not in declared:
            names = ", ".join(declared) or "(none)"
            problems.append(f"unknown parameter '{str(name)[:60]}' (the template declares: {names})")
    for name, p in declared.items():
        if name not in values:
            if p.required:
                problems.append(f"parameter '{name}' is required and not given")
            continue
        v = values[name]
        if not _type_ok(v, p.type):
            problems.append(f"parameter '{name}' must be {p.type.__name__}, got {type(v).__name__} {short_repr(v)}")
            continue
        items = v if isinstance(v, list) else [v]
        if isinstance(v, list) and any(isinstance(i, (list, dict)) for i in items):
            problems.append(f"parameter '{name}' must be a flat list of values, got a nested "
                            f"list {short_repr(v)}")
            continue
        if p.refers_to == "date" or p.refers_to == "year":
            try:
                for i in items:
                    (parse_day if p.refers_to == "date" else check_year)(name, i)
            except DateParameterError as exc:
                problems.append(str(exc))
            continue
        if p.choices:
            bad = [i for i in items if str(i) not in p.choices]
            if bad:
                problems.append(f"parameter '{name}' has {short_repr(bad)}; allowed: {', '.join(p.choices)}")
        if p.refers_to and known is not None and p.refers_to in known:
            bad = [i for i in items if i not in known[p.refers_to]]
            if bad:
                table = "geographies" if p.refers_to == "geography" else "figures"
                problems.append(f"parameter '{name}' has unknown {p.refers_to} id(s) {short_repr(bad)} (see data/{table}.csv)")
    full = {name: values.get(name, p.default) for name, p in declared.items()}
    if not problems:
        problems += _order_problems(full, declared)
    if problems:
        raise ParameterError(f"{where}: " + "; ".join(problems))
    return full


def _order_problems(values: dict, declared: dict[str, Parameter]) -> list[str]:
    """`# date after: start` / `# year after: first_year`: this value is not before that one."""
    out = []
    for name, p in declared.items():
        other = p.after
        if not other:
            continue
        if other not in declared:
            out.append(f"parameter '{name}' is declared after unknown parameter '{other}'")
        elif values.get(name) is not None and values.get(other) is not None \
                and values[name] < values[other]:
            out.append(f"parameter '{other}' ({values[other]}) is after parameter '{name}' "
                       f"({values[name]}); it must be on or before it")
    return out
