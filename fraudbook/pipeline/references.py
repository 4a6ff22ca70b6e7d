"""Every page reference the book's sources make, checked before any run executes.

Jupyter Book finds a `{doc}` link to no page, or two source files for one page, only after
every run has rewritten book/; checked here first, the build stops with one line naming the
file and line and leaves book/ as it was. What is read: the Markdown cells of the runs'
templates (the prose of the generated pages) and the prose pages the toc lists.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from ..kit import words
from ..kit.dates import short_repr
from ..paths import Layout
from .manifest import ManifestError, Run

# {doc}`target` and {doc}`text <target>`; Markdown links to a page file ([text](page.md)).
DOC_ROLE = re.compile(r"\{doc\}`([^`]*)`")
PAGE_LINK = re.compile(r"\]\(\s*<?([^)\s>#]+\.(?:md|ipynb))(?:#[^)\s>]*)?>?\s*\)")
# The source suffixes Sphinx reads as pages here: a second one beside a run's page is a clash.
SOURCE_SUFFIXES = (".md", ".ipynb", ".rst")


@dataclass(frozen=True)
class Reference:
    file: str        # repository-relative file that holds it
    where: str       # "line 12" or "cell 3, line 2"
    written: str     # the reference as written
    target: str      # the document it leads to, such as book/register


def _target(written: str, page: str) -> str:
    """The document `written` leads to from the document `page` (book/x links to book/y)."""
    m = re.fullmatch(r"(?s).*<([^<>]*)>\s*", written)
    target = (m.group(1) if m else written).strip()
    target = re.sub(r"\.(md|ipynb)$", "", target)
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), target))


def _in_text(text: str, file: str, page: str, where: str) -> list[Reference]:
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        for m in list(DOC_ROLE.finditer(line)) + list(PAGE_LINK.finditer(line)):
            at = f"{where}, line {i}" if where else f"line {i}"
            out.append(Reference(file, at, m.group(0), _target(m.group(1), page)))
    return out


def _markdown_cells(path: Path) -> list[str]:
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []   # the manifest's own check reports an unreadable template
    out = []
    for cell in cells:
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        source = "".join(source) if isinstance(source, list) else str(source)
        out.append(source if cell.get("cell_type") == "markdown" else "")
    return out


def references(runs: list[Run], prose: list[str], layout: Layout) -> list[Reference]:
    """The page references of every template's prose and of every prose page."""
    out: list[Reference] = []
    for template in dict.fromkeys(r.template for r in runs):
        # Every page a template makes sits in book/, so its links resolve from there.
        page = next(r.output for r in runs if r.template == template)[:-len(".ipynb")]
        for n, text in enumerate(_markdown_cells(layout.root / template), 1):
            out += _in_text(text, template, page, f"cell {n}")
    for doc in prose:
        file = f"{doc}.md"
        try:
            text = (layout.root / file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ManifestError(f"{file}: cannot be read as UTF-8 text ({type(exc).__name__})") from None
        out += _in_text(text, file, doc, "")
    return out


def check_references(runs: list[Run], pages: list[str], layout: Layout) -> None:
    """ManifestError naming every reference to no page, and every page with two sources."""
    outputs = {r.output[:-len(".ipynb")] for r in runs}
    prose = [p for p in pages if p not in outputs]
    problems = []
    reserved = (words.INDICATOR_PAGE_PREFIX, words.CHART_PAGE_PREFIX)
    for run in runs:
        page = run.output[len("book/"):-len(".ipynb")]
        if page.startswith(reserved) or f"{page}.html" == words.DATA_PAGES_INDEX:
            problems.append(f"runs.yml, run '{run.name}': its page {run.output} takes a name the build "
                            f"gives the pages of indicators and charts ({', '.join(p + '…' for p in reserved)}, "
                            f"{words.DATA_PAGES_INDEX[:-5]}); name it otherwise")
        stem = layout.root / run.output[:-len(".ipynb")]
        for suffix in SOURCE_SUFFIXES:
            other = stem.with_suffix(suffix)
            if suffix != ".ipynb" and other.exists():
                problems.append(f"runs.yml, run '{run.name}': its page {run.output} and "
                                f"{layout.relative(other)} would both be the page "
                                f"{run.output[:-len('.ipynb')]}; rename the output or the file")
    known = set(pages)
    for ref in references(runs, prose, layout):
        if ref.target not in known:
            shown = short_repr(ref.written, 80)
            problems.append(f"{ref.file}, {ref.where}: {shown} leads to no page of the book "
                            f"(its pages are listed by 'toc' in runs.yml)")
    if problems:
        raise ManifestError("\n".join(dict.fromkeys(problems)))
