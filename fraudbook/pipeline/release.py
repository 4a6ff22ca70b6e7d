"""The release step of the site build: the data as data, and each chart's CSV beside its page.

Called by `build_site` on the freshly built site (before it is swapped in, so a failure here
leaves the previous site as it was):
- `data/<package>/` (datapackage.json, every table's CSV, the licence and the columns'
  documentation), a zip of it and an .xlsx workbook of the same tables
  (fraudbook.data.package);
- `book/downloads/<chart>.csv` for every chart whose data a page links: the CSV text travels
  in the executed notebook's output metadata under `page.CSV_MIME`, and is written here as a
  file.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..data.claims import edition
from ..data.load import load
from ..data.package import release_files, write_package, write_workbook, write_zip
from ..kit.page import CSV_MIME
from ..paths import Layout
from .errors import BuildError


def chart_downloads(notebook: Path) -> dict[str, str]:
    """{path relative to the page: CSV text} of every chart download in an executed page."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"{notebook.name}: cannot read the page to write its downloads ({exc})") from None
    found: dict[str, str] = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            for key, value in (out.get("metadata") or {}).items():
                if key != CSV_MIME or not isinstance(value, dict):
                    continue
                path, text = str(value.get("path", "")), value.get("csv")
                parts = Path(path).parts
                if (not isinstance(text, str) or len(parts) != 2 or parts[0] != "downloads"
                        or not parts[1].endswith(".csv") or parts[1].startswith(".")):
                    raise BuildError(f"{notebook.name}: a chart download names '{path}'; "
                                     "expected downloads/<chart>.csv")
                found[path] = text
    return found


def write_chart_downloads(layout: Layout, html_dir: Path) -> int:
    """Write every page's chart CSVs next to the page in the site; returns how many."""
    written: dict[Path, tuple[str, str]] = {}
    for nb in sorted(layout.book.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb.parts:
            continue
        page_dir = html_dir / nb.parent.relative_to(layout.root)
        for rel, text in chart_downloads(nb).items():
            target = page_dir / rel
            if target in written and written[target][1] != text:
                raise BuildError(f"two pages write different data to {rel}: "
                                 f"{written[target][0]} and {nb.name}; name their charts apart")
            written[target] = (nb.name, text)
    # Sphinx reuses its work folder between builds: a chart that is gone leaves no file.
    for folder in {t.parent for t in written} | set(html_dir.glob("**/downloads")):
        for old in folder.glob("*") if folder.is_dir() else ():
            if old.is_file() and old not in written and old.with_suffix("") not in written:
                old.unlink()
    for target, (_, text) in written.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return len(written)


def write_release(layout: Layout, html_dir: Path, log=print) -> dict[str, Path]:
    """The data package, its zip, the workbook and the chart CSVs, into the built site."""
    ed = edition(layout.root)
    files = release_files(ed)
    ds = load(layout.data)
    folder = html_dir / files["folder"]
    try:
        write_package(ds, folder, ed, layout.data)
        write_zip(folder, html_dir / files["zip"])
        write_workbook(ds, html_dir / files["workbook"], ed)
    except OSError as exc:
        raise BuildError(f"writing the data download failed ({exc}); the previous site is unchanged") from None
    n = write_chart_downloads(layout, html_dir)
    log(f"data download: {files['zip']}, {files['workbook']}, {n} chart CSVs")
    return {k: html_dir / v for k, v in files.items()}
