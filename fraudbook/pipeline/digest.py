"""What a run's output depends on, as one hash: re-execute only when an input changed.

A run's inputs are its template, its parameters and output path, the package modules its
kernel can import (those its template imports and all they import in turn, from grimp's
import graph: an edit to the server or the PDF printer re-executes no page), the pinned
requirements and the edition, the configuration values it read (the book's title), and what
the page read of data/ when it last executed (recorded by fraudbook.kit.reads and stored in
the executed notebook's `metadata.fraudbook.reads`):
- every table it touched, whole, except the figures and their citations;
- of the figures (and citations), the columns that decide which figures a page selects
  (indicator, geography, period…) for every row, and the full rows of the figures it showed.
So editing one figure's value, quote or note re-executes only the pages that show it; adding
a figure, or changing what could select it, re-executes every page that reads figures.
`nbval` in `make test` re-executes every page and would catch a page whose output depends
on a figure it did not show.

The digest is stored in the executed notebook (`metadata.fraudbook.inputs`), so a checkout
whose committed pages match their inputs builds without executing anything.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import COLUMNS_FILE, PACKAGE_ROOT

if TYPE_CHECKING:  # only for the annotation: this module stays light to import
    from ..paths import Layout
    from .manifest import Run

# Columns a figure's or citation's text and value live in: a change to them matters only to
# the pages that show that figure.
ROW_ONLY = {"value", "low", "high", "note", "stated", "quote", "source_id"}
ROW_KEYED = {"figures": "figure_id", "citations": "subject_id", "audit": "subject_id"}
EXECUTOR = "fraudbook.pipeline.execute"


def _hash_files(files: list[Path], name) -> str:
    h = hashlib.sha256()
    for p in sorted(files, key=lambda p: p.as_posix()):
        h.update(name(p).encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def template_imports(template: Path) -> set[str]:
    """The package modules a template's code cells import (`from fraudbook.kit import page`
    names fraudbook.kit and fraudbook.kit.page)."""
    import ast

    out: set[str] = set()
    cells = json.loads(template.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", []))
        # IPython's magics and shell lines are not Python; their imports are not ours.
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                out.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                out.add(node.module)
                out.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in out if m == "fraudbook" or m.startswith("fraudbook.")}


def _imports_of(path: Path, module: str) -> set[str]:
    """The package modules one module imports, anywhere in it (lazy imports in functions
    too), with its relative imports resolved."""
    import ast

    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                above = parts[:len(parts) - node.level + 1]
                base = ".".join(above + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in out if m == "fraudbook" or m.startswith("fraudbook.")}


def _module_path(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None  # a name imported from a module (a function, a constant), not a module


def module_files(root: Path, modules: set[str]) -> list[Path]:
    """The files of `modules`, of every package module they import in turn, and of the
    packages above each (importing fraudbook.kit.page runs fraudbook/__init__.py and
    fraudbook/kit/__init__.py). Read from this tree's files, not from what Python has
    imported (an import-graph library resolves the package already loaded, not this tree's)."""
    files: set[Path] = set()
    todo, seen = list(modules), set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        path = _module_path(root, module)
        if path is not None and path not in files:
            files.add(path)
            todo += sorted(_imports_of(path, module))
    return sorted(files)


def code_digest(root: Path, template: Path) -> str:
    """Hash of the package modules a run's kernel can import, the pinned requirements and the
    edition (which pages print in citation lines)."""
    # The executor's own modules too: they shape the notebook written into book/.
    files = module_files(root, template_imports(template) | {EXECUTOR})
    files += [p for p in (root / "requirements.txt",) if p.exists()]
    h = hashlib.sha256(_hash_files(files, lambda p: p.relative_to(root).as_posix()).encode())
    if (root / "pyproject.toml").exists():
        from ..data.claims import edition

        h.update(edition(root).encode())
    return h.hexdigest()


def config_value(root: Path, key: str) -> str:
    """One value of _config.yml by its dotted key ('' when absent), as a page read it."""
    import yaml

    path = root / "_config.yml"
    value = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return json.dumps(value, sort_keys=True, default=str)


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def table_digest(data_dir: Path, table: str, shown: set[str] | None) -> str:
    """Hash of one table as a page read it (see the module's docstring)."""
    path = data_dir / f"{table}.csv"
    if not path.exists():
        return "missing"
    if table not in ROW_KEYED or shown is None:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    header, rows = _rows(path)
    key = ROW_KEYED[table]
    h = hashlib.sha256(json.dumps(header).encode())
    for r in rows:
        full = r.get(key) in shown
        h.update(json.dumps([(k, v) for k, v in r.items() if full or k not in ROW_ONLY]).encode())
    return h.hexdigest()


def run_digest(run: Run, layout: Layout, reads: dict | None, code: str | None = None) -> str:
    """Hash of everything one run's output depends on, given what it read (None: unknown,
    i.e. every data file)."""
    h = hashlib.sha256((code or code_digest(layout.root, layout.root / run.template)).encode())
    h.update((layout.root / run.template).read_bytes())
    h.update(json.dumps([run.template, run.output, run.parameters], sort_keys=True).encode())
    for key in sorted((reads or {}).get("config", [])):
        h.update(f"config {key}:{config_value(layout.root, key)}".encode())
    if reads is None:
        # Documentation is read by no page: prose, and the columns' descriptions.
        files = [p for p in layout.data.rglob("*") if p.is_file() and p.suffix != ".md"
                 and p.name != COLUMNS_FILE]
        h.update(_hash_files(files, lambda p: p.relative_to(layout.data).as_posix()).encode())
        return h.hexdigest()
    shown = set(reads.get("figures", []))
    tables = set(reads.get("tables", []))
    if tables & {"figures", "citations"}:
        tables |= {"figures", "citations"}  # a figure's quote lives in its citations
    for t in sorted(tables):
        h.update(f"{t}:{table_digest(layout.data, t, shown)}".encode())
    h.update(json.dumps(sorted(shown)).encode())
    return h.hexdigest()


def recorded(notebook: Path) -> dict:
    """The build's metadata stored in an executed notebook ({} if absent or unreadable)."""
    try:
        meta = json.loads(notebook.read_text(encoding="utf-8"))["metadata"].get("fraudbook", {})
        return meta if isinstance(meta, dict) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def recorded_digest(notebook: Path) -> str | None:
    return recorded(notebook).get("inputs")


def run_digests(runs: list[Run], layout: Layout) -> dict[str, str]:
    """Each run's digest now, from what its published page last read."""
    codes: dict[str, str] = {}  # one code digest per template
    for r in runs:
        if r.template not in codes:
            codes[r.template] = code_digest(layout.root, layout.root / r.template)
    return {r.name: run_digest(r, layout, recorded(layout.root / r.output).get("reads"), codes[r.template])
            for r in runs}


def site_digest(root: Path, site_files: list[Path]) -> str:
    """Hash of what the rendered site depends on (pages, config, static files, requirements)."""
    def name(p: Path) -> str:  # the package's own files may sit outside a copied tree
        return p.relative_to(root).as_posix() if p.is_relative_to(root) else \
            "package:" + p.relative_to(PACKAGE_ROOT).as_posix()
    return _hash_files(list(site_files), name)


def _tree(root: Path, folder: str, skip: tuple[str, ...] = ()) -> list[Path]:
    base = root / folder
    if not base.exists():
        return []
    return [p for p in base.rglob("*") if p.is_file() and not any(s in p.parts for s in skip)]


def build_fingerprint(root: Path, data_dir: Path | None = None) -> str:
    """Hash of every input of a whole build: if it equals the last successful build's, the
    pages in book/ and the site in _build/html are already what a build would make."""
    data_dir = data_dir or root / "data"
    files = [p for p in (root / "fraudbook").rglob("*.py")] + [root / "requirements.txt", root / "pyproject.toml"]
    files += [p for p in data_dir.rglob("*") if p.is_file()]
    files += _tree(root, "notebooks") + _tree(root, "book")
    files += _tree(root, "_static", skip=("vendor",))
    files += [root / n for n in ("runs.yml", "_config.yml", "_toc.yml") if (root / n).exists()]
    files = [p for p in files if p.exists() and "__pycache__" not in p.parts
             and ".ipynb_checkpoints" not in p.parts]

    def name(p: Path) -> str:
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            return "data/" + p.relative_to(data_dir).as_posix()

    return _hash_files(list(dict.fromkeys(files)), name)
