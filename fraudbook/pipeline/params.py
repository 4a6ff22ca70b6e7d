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
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import FraudbookError
from ..kit.dates import DateParameterError, check_year, parse_day, short_repr
from ..paths import relative

# What a trailing comment may check a value against: ids in data/ ("geography", "figure"),
# or a form ("date": YYYY-MM-DD, "year": a plausible year), checked before any kernel starts.
REFERENCES = ("geography", "figure", "date", "year")
TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict}


class ParameterError(FraudbookError, ValueError):
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
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise ParameterError(f"{relative(path)}: not a Jupyter notebook (no list of cells)")
    cells = [c for c in cells
             if isinstance(c.get("metadata"), dict) and isinstance(c["metadata"].get("tags"), list)
             and "parameters" in c["metadata"]["tags"]]
    if len(cells) != 1:
        raise ParameterError(f"{relative(path)}: {len(cells)} cells tagged 'parameters'; a template needs exactly one")
    if cells[0].get("cell_type") != "code":
        raise ParameterError(f"{relative(path)}: the cell tagged 'parameters' is not a code cell")
    source = cells[0].get("source", "")
    if not (isinstance(source, str) or (isinstance(source, list)
                                        and all(isinstance(x, str) for x in source))):
        raise ParameterError(f"{relative(path)}: the parameters cell's source is not text")
    return cells[0]


def _comments(source: str) -> dict[int, str]:
    """Line number -> the text of the comment on that line (a '#' inside a string is not one)."""
    import io
    import tokenize

    out = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string[1:].strip()
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return out


def read_notebook(path: Path) -> dict:
    """A notebook file as JSON; ParameterError naming the file (never a traceback)."""
    where = relative(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ParameterError(f"{where}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{where}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ParameterError(f"{where}, line {exc.lineno}, column {exc.colno}: not a notebook "
                             f"(invalid JSON: {exc.msg})") from None
    except (ValueError, RecursionError) as exc:
        raise ParameterError(f"{where}: not a notebook ({type(exc).__name__})") from None


def template_parameters(path: Path) -> dict[str, Parameter]:
    """The parameters a template declares, in order, read from its `parameters` cell."""
    nb = read_notebook(path)
    source = "".join(parameters_cell(nb, path)["source"])
    comments = _comments(source)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{relative(path)}, parameters cell line {exc.lineno}: does not "
                             f"parse: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ParameterError(f"{relative(path)}: parameters cell does not parse "
                             f"({type(exc).__name__})") from None
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
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            raise ParameterError(f"{relative(path)}: parameter '{name}' default is not a literal") from None
        if ann is not None:
            tname = ast.unparse(ann)
            if tname not in TYPES:
                raise ParameterError(f"{relative(path)}: parameter '{name}' has type {short_repr(tname)}; use one of {', '.join(TYPES)}")
            ptype = TYPES[tname]
        elif default is None:
            raise ParameterError(f"{relative(path)}: required parameter '{name}' (default None) needs a type annotation")
        else:
            ptype = type(default)
        comment = comments.get(node.lineno, "")
        choices: tuple[str, ...] = ()
        m = re.match(r"choices:\s*(.+)", comment)
        if m:
            choices = tuple(c.strip() for c in m.group(1).split(","))
        refers = next((r for r in REFERENCES if re.match(rf"{r}\b", comment)), None)
        after = re.match(r"(?:date|year)\s+after:\s*([A-Za-z_]\w*)", comment)
        params[name] = Parameter(name, ptype, default, choices, refers, after[1] if after else None)
    return params


# A parameter value is plain data: None, bool, int, float, str, and lists or mappings of those,
# small enough to print and to inject into a notebook (a YAML alias "bomb" is not).
MAX_VALUE_ITEMS = 1000
MAX_VALUE_DEPTH = 4
MAX_TEXT = 2000
MAX_PROBLEMS = 20


def value_problem(value) -> str | None:
    """Why `value` cannot be a parameter value (too big, too deep, not plain data), or None."""
    budget = [MAX_VALUE_ITEMS]

    def walk(v, depth: int) -> str | None:
        budget[0] -= 1
        if budget[0] < 0:
            return (f"holds more than {MAX_VALUE_ITEMS} values (a YAML alias expanding to many "
                    "copies?)")
        if depth > MAX_VALUE_DEPTH:
            return f"is nested more than {MAX_VALUE_DEPTH} levels deep"
        if v is None or isinstance(v, (bool, int)):
            if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 10 ** 18:
                return "holds a whole number too large to use"
            return None
        if isinstance(v, float):
            return None if math.isfinite(v) else "holds NaN or infinity, which is not a value"
        if isinstance(v, str):
            return None if len(v) <= MAX_TEXT else f"holds a text longer than {MAX_TEXT} characters"
        if isinstance(v, list):
            for item in v:
                why = walk(item, depth + 1)
                if why:
                    return why
            return None
        if isinstance(v, dict):
            for k, item in v.items():
                if not isinstance(k, str):
                    return f"has a key {short_repr(k)} that is not text"
                why = walk(item, depth + 1)
                if why:
                    return why
            return None
        hint = (" (YAML reads an unquoted date as a date: put it in quotes)"
                if type(v).__name__ in ("date", "datetime") else "")
        return f"holds a {type(v).__name__}, which is not a plain value{hint}"

    return walk(value, 0)


def _type_ok(value, ptype: type) -> bool:
    if ptype is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if ptype is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, ptype)


def check_parameters(values: dict, declared: dict[str, Parameter], where: str,
                     known: dict[str, set[str]] | None = None) -> dict:
    """The full parameter set for a run (defaults filled in), or ParameterError naming every
    problem, one per line, each starting with `where` (the run) and naming the parameter."""
    problems = []
    if not isinstance(values, dict):
        raise ParameterError(f"{where}: parameters must be a mapping of name: value, got "
                             f"{type(values).__name__} {short_repr(values)}")
    for name in values:
        if name not in declared:
            names = ", ".join(declared) or "(none)"
            problems.append(f"unknown parameter {short_repr(name, 60)} (the template declares: {names})")
    for name, p in declared.items():
        if name not in values:
            if p.required:
                problems.append(f"parameter '{name}' is required and not given")
            continue
        v = values[name]
        why = value_problem(v)
        if why:
            problems.append(f"parameter '{name}' {why}: got {short_repr(v)}")
            continue
        if not _type_ok(v, p.type):
            hint = (" (a date must be written in quotes, e.g. '2023-01-01')"
                    if type(v).__name__ in ("date", "datetime") else "")
            problems.append(f"parameter '{name}' must be {p.type.__name__}, got {type(v).__name__} {short_repr(v)}{hint}")
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
            bad = [i for i in items if isinstance(i, dict) or i not in known[p.refers_to]]
            if bad:
                table = "geographies" if p.refers_to == "geography" else "figures"
                problems.append(f"parameter '{name}' has unknown {p.refers_to} id(s) {short_repr(bad)} (see data/{table}.csv)")
    full = {name: values.get(name, p.default) for name, p in declared.items()}
    if not problems:
        problems += _order_problems(full, declared)
    if len(problems) > MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS] + [f"{len(problems) - MAX_PROBLEMS} more problem(s) "
                                              "with the parameters not listed"]
    if problems:
        raise ParameterError("\n".join(f"{where}: {p}" for p in problems))
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
            continue
        a, b = values.get(name), values.get(other)
        if a is None or b is None:
            continue
        if type(a) is not type(b) or isinstance(a, (list, dict)):
            out.append(f"parameter '{name}' ({short_repr(a)}) cannot be compared with parameter "
                       f"'{other}' ({short_repr(b)}); give both as the same kind of value")
        elif a < b:
            out.append(f"parameter '{other}' ({short_repr(b)}) is after parameter '{name}' "
                       f"({short_repr(a)}); it must be on or before it")
    return out
