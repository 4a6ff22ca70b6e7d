"""The package's layers: imports flow one way (data -> kit -> chapters; the build uses data
and kit and never a chapter), and chapters do not re-implement the kit's vocabulary."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fraudbook"
PYPROJECT = PACKAGE.parent / "pyproject.toml"
LAYERS = ("data", "kit", "chapters", "pipeline")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter's check of the package under `root`, with the contracts in pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--config", str(PYPROJECT),
                           "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_imports_flow_one_way():
    out = lint_imports(PACKAGE.parent)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize(("module", "source", "broken"), [
    ("pipeline/fake.py", "from ..chapters import losses\n", "fraudbook.pipeline.fake -> fraudbook.chapters.losses"),
    ("pipeline/fake.py", "import fraudbook.chapters.losses\n", "fraudbook.pipeline.fake -> fraudbook.chapters.losses"),
    ("chapters/fake.py", "from ..pipeline import manifest\n", "fraudbook.chapters.fake -> fraudbook.pipeline.manifest"),
    ("data/fake.py", "from ..kit import page\n", "fraudbook.data.fake -> fraudbook.kit.page"),
])
def test_the_contracts_catch_an_import_that_runs_back(tmp_path, module, source, broken):
    copy = tmp_path / "fraudbook"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / module).write_text(source, encoding="utf-8")
    out = lint_imports(tmp_path)
    assert out.returncode == 1 and broken in out.stdout, out.stdout + out.stderr


def test_every_layer_folder_is_a_package_named_in_the_contract():
    import tomllib

    layers = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"][0]["layers"]
    named = {part.strip().removeprefix("fraudbook.") for layer in layers for part in layer.split("|")}
    for layer in LAYERS:
        assert (PACKAGE / layer / "__init__.py").exists()
        assert layer in named


def test_every_template_has_a_chapter_module_named_after_it():
    templates = sorted(p.stem.replace("-", "_") for p in (PACKAGE.parent / "notebooks").glob("*.ipynb"))
    modules = {p.stem for p in (PACKAGE / "chapters").glob("*.py")} - {"__init__"}
    assert [t for t in templates if t not in modules] == []
    assert [m for m in sorted(modules) if m not in templates] == []


# The kit's vocabulary, which no chapter may define again.
KIT_ONLY_CALLS = {("html", "escape")}
KIT_ONLY_NAMES = ("join", "escape", "prose_name", "parse_day", "blank", "marker", "shape")


@pytest.mark.parametrize("path", sorted((PACKAGE / "chapters").glob("*.py")), ids=lambda p: p.name)
def test_chapters_use_the_kit_vocabulary(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(k in node.name for k in KIT_ONLY_NAMES):
            found.append(f"defines {node.name}()")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and (node.value.id, node.attr) in KIT_ONLY_CALLS:
            found.append("calls html.escape (use fraudbook.kit.escape)")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value.startswith(("triangle-", "diamond")):
            found.append(f"draws its own marker '{node.value}' (use fraudbook.kit.qualifiers)")
    assert sorted(set(found)) == []
