"""The package's layers: imports flow one way (data -> kit -> chapters; the build uses data
and kit and never a chapter), and chapters do not re-implement the kit's vocabulary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fraudbook"

# What each layer may import from the package (besides itself).
ALLOWED = {
    "paths": set(),
    "data": {"paths"},
    "kit": {"paths", "data"},
    "chapters": {"paths", "data", "kit"},
    "build": {"paths", "data", "kit"},
    "__main__": {"build"},
    "__init__": set(),
}


def layer_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_layers(source: str, path: Path) -> set[str]:
    """The package layers a module imports (absolute `fraudbook.x` or relative `..x`)."""
    depth = len(path.relative_to(PACKAGE).parts) - 1  # 0 for fraudbook/x.py, 1 for fraudbook/data/x.py
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names = [node.module or ""]
            elif node.level == depth + 1:  # relative to the package root: ..data, .paths
                base = node.module or ""
                names = ["fraudbook." + base] if base else ["fraudbook." + a.name for a in node.names]
            elif node.level <= depth:  # inside the same layer
                continue
            else:
                continue
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "fraudbook" and len(parts) > 1:
                out.add(parts[1])
    return out


def violations(source: str, path: Path) -> list[str]:
    layer = layer_of(path)
    allowed = ALLOWED.get(layer, set()) | {layer}
    return sorted(f"{path.relative_to(PACKAGE)} imports {x}" for x in imported_layers(source, path) - allowed)


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_one_way(path):
    assert violations(path.read_text(encoding="utf-8"), path) == []


def test_the_checker_sees_a_build_module_importing_a_chapter():
    fake = PACKAGE / "build" / "fake.py"
    assert violations("from ..chapters import losses\n", fake) == ["build/fake.py imports chapters"]
    assert violations("import fraudbook.chapters.losses\n", fake) == ["build/fake.py imports chapters"]
    assert violations("from ..kit import page\nfrom . import steps\n", fake) == []
    assert violations("from ..build import steps\n", PACKAGE / "data" / "fake.py") == ["data/fake.py imports build"]


def test_every_layer_folder_is_a_package_with_its_rule():
    for layer in ("data", "kit", "chapters", "build"):
        assert (PACKAGE / layer / "__init__.py").exists()
        assert layer in ALLOWED


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
