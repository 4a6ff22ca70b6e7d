"""_toc.yml generated from runs.yml: a new page is added in one place.

runs.yml's `toc:` lists the parts of the book in reading order. An entry is a run's name
(`country-{country}` stands for every run that `for_each` makes from it) or a prose page in
book/ (`book/about.md`), optionally with `sections:` below it. The first run listed under
`runs:` is the landing page. Every run must be placed; the build writes _toc.yml when it
differs, and a test checks the committed one.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..kit.dates import short_repr
from ..paths import Layout
from .manifest import ManifestError, Run, load_yaml

HEADER = ("# Generated from runs.yml by `python -m fraudbook toc` (the build keeps it in step);\n"
          "# edit the `toc:` list in runs.yml, not this file.\n")


def _pattern(name: str) -> re.Pattern:
    # "country-{country}" matches "country-mmr", "country-tha"…
    parts = re.split(r"\{[a-z_]+\}", name)
    return re.compile("^" + "[a-z0-9-]+".join(map(re.escape, parts)) + "$")


def _file(run: Run) -> str:
    return Path(run.output).with_suffix("").as_posix()


# A prose page: a Markdown file directly in book/, named like a run's page.
PROSE = re.compile(r"book/[a-z0-9]+(?:-[a-z0-9]+)*\.md")


def _prose_file(item: str, layout: Layout) -> bool:
    """True when `item` names a Markdown file of book/ itself (as written and as resolved: a
    '..' or a symbolic link leading out of book/ is refused)."""
    if len(item) > 120 or not PROSE.fullmatch(item):
        return False
    try:
        path = (layout.root / item).resolve()
        return path.is_file() and path.parent == (layout.root / "book").resolve()
    except (OSError, RuntimeError, ValueError):
        return False


def render_toc(runs: list[Run], layout: Layout) -> str:
    return HEADER + yaml.safe_dump(toc_tree(runs, layout), sort_keys=False, allow_unicode=True)


def toc_tree(runs: list[Run], layout: Layout) -> dict:
    """The _toc.yml structure: parts, their pages and sections, every run placed once."""
    doc = load_yaml(layout.manifest)  # the manifest's one guarded reader (size, duplicates, lines)
    doc = doc if isinstance(doc, dict) else {}
    parts = doc.get("toc")
    where = layout.relative(layout.manifest)
    if not isinstance(parts, list) or not parts:
        raise ManifestError(f"{where}: 'toc' must list the book's parts (caption and pages)")
    placed: set[str] = {runs[0].name}

    def entries(items, at: str) -> list[dict]:
        out = []
        if not isinstance(items, list):
            raise ManifestError(f"{where}, {at}: pages must be a list")
        for item in items:
            sections = None
            if isinstance(item, dict):
                if set(item) - {"page", "sections"} or "page" not in item:
                    raise ManifestError(f"{where}, {at}: an entry is a name, or page: with sections:")
                sections, item = item.get("sections"), item["page"]
            item = str(item)
            if item.endswith(".md"):
                if not _prose_file(item, layout):
                    raise ManifestError(f"{where}, {at}: no prose page {short_repr(item, 80)} in "
                                        "book/ (a book/<name>.md file, inside the repository)")
                files = [item[:-3]]
            else:
                pat = _pattern(item)
                matched = [r for r in runs if pat.match(r.name)]
                if not matched:
                    raise ManifestError(f"{where}, {at}: '{item[:80]}' is no run in runs.yml")
                placed.update(r.name for r in matched)
                files = [_file(r) for r in matched]
            for f in files:
                entry = {"file": f}
                if sections is not None:
                    entry["sections"] = entries(sections, f"{at} > {item}")
                out.append(entry)
        return out

    toc = {"format": "jb-book", "root": _file(runs[0]), "parts": []}
    for i, part in enumerate(parts, 1):
        if not isinstance(part, dict) or "caption" not in part or "pages" not in part:
            raise ManifestError(f"{where}, toc part {i}: give a caption and its pages")
        toc["parts"].append({"caption": str(part["caption"]),
                             "chapters": entries(part["pages"], f"toc part {i}")})
    missing = [r.name for r in runs if r.name not in placed]
    if missing:
        raise ManifestError(f"{where}: run(s) {', '.join(missing)} are not placed in 'toc'")
    return toc


def pages(tree: dict) -> list[str]:
    """Every page of a toc tree (its root first), as document names such as book/losses."""
    out = [tree["root"]]

    def walk(entries):
        for e in entries:
            out.append(e["file"])
            walk(e.get("sections", []))
    for part in tree["parts"]:
        walk(part["chapters"])
    return out


def check_toc(runs: list[Run], layout: Layout, log=print) -> dict:
    """Write _toc.yml from runs.yml when it differs (the build calls this before executing);
    the toc tree."""
    tree = toc_tree(runs, layout)
    text = HEADER + yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)
    current = layout.toc.read_text(encoding="utf-8") if layout.toc.exists() else ""
    if current != text:
        layout.toc.write_text(text, encoding="utf-8")
        log("wrote _toc.yml from runs.yml")
    return tree
