"""Render book/ with Jupyter Book (warnings are errors) and swap the result into _build/html.

The site is built aside, in `_build/site/`, and swapped in only when Jupyter Book finishes with
no warning, so a failed build leaves the previous site as it was. It is skipped when the
pages, configuration and static files are those of the current site.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..data.bibliography import write_bibtex
from ..data.load import load
from ..kit import charts
from ..kit.escape import html_text
from ..paths import PACKAGE_ROOT, Layout
from .errors import BuildError
from .publish import swap_in
from .release import write_release

SITE_STAMP = ".fraudbook-site-inputs"
SITE_OK = ".fraudbook-site-ok"


def site_inputs(layout: Layout) -> list[Path]:
    root = layout.root
    files = [p for p in layout.book.rglob("*") if p.is_file()]
    files += [p for p in layout.static.rglob("*") if p.is_file() and "vendor" not in p.parts]
    files += [root / n for n in ("_config.yml", "_toc.yml", "requirements.txt") if (root / n).exists()]
    # The data download is written into the site from data/ (fraudbook.pipeline.release).
    files += sorted(p for p in layout.data.glob("*") if p.is_file())
    # The code that writes the site's own pages and files (the pages of indicators and
    # charts, the downloads, the extension): a change there is a new site too.
    files += sorted((PACKAGE_ROOT / "fraudbook").rglob("*.py"))
    files += sorted((PACKAGE_ROOT / "fraudbook" / "pipeline" / "templates").rglob("*.html"))
    return files


def book_title(layout: Layout) -> str:
    """The book's title (fraudbook.data.claims.book_title: _config.yml, the one place it is written)."""
    from ..data import claims

    return claims.book_title(layout.root)


def write_root_redirect(html_dir: Path, title: str) -> None:
    """The site's root index.html: a small valid page that sends readers to book/index.html.

    Jupyter Book writes a bare meta-refresh line there, with no title or document structure.
    """
    (html_dir / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html_text(title)}</title>\n"
        '<meta http-equiv="refresh" content="0; url=book/index.html">\n'
        '<link rel="canonical" href="book/index.html">\n</head>\n<body>\n'
        '<p><a href="book/index.html">Open the book</a>.</p>\n</body>\n</html>\n',
        encoding="utf-8")


def finish_site(built: Path, layout: Layout, digest: str, log=print) -> None:
    """Lighter pages, chart downloads, the PDF edition, then .gz of the text assets
    (fraudbook.pipeline.lighten, .stylesheets, .chart_files, .compress, .pdf), on the built site before the swap."""
    from ..data import claims
    from . import chart_files, compress, lighten, pdf, stylesheets

    title, ed = book_title(layout), claims.edition(layout.root)
    dated = getattr(claims, "edition_date", None)
    day = dated(load(layout.data), ed) if dated else ""
    lighten.refresh_static(layout.static, built)
    lighten.lighten_pages(built)
    stylesheets.bundle_css(built)
    chart_files.write_chart_downloads(built, title, ed)
    pdf.build_pdf(built, title=title, edition=ed, date=day, digest=digest, log=log)
    compress.precompress(built)


def build_site(layout: Layout, log=print, force: bool = False) -> None:
    from .digest import site_digest

    # The bibliography is generated from data/sources.csv, never edited by hand.
    write_bibtex(load(layout.data), layout.book / "references.bib")
    digest = site_digest(layout.root, site_inputs(layout))
    stamp = layout.site / SITE_STAMP
    if not force and stamp.exists() and stamp.read_text() == digest:
        log(f"site up to date: {layout.relative(layout.site / 'index.html')}")
        return
    # Sphinx re-reads only the pages that changed since its last build in site_work. That is
    # safe only after a build that finished with no warning (Sphinx does not re-warn about a
    # page it does not re-read), so any other state starts clean.
    ok = layout.site_work / SITE_OK
    if layout.site_work.exists() and (force or not ok.exists()):
        shutil.rmtree(layout.site_work)
    ok.unlink(missing_ok=True)
    charts.write_vendor_bundle(layout.static)
    jb = Path(sys.executable).parent / "jb"
    work = os.path.relpath(layout.site_work, layout.root)
    cmd = [str(jb), "build", ".", "--path-output", work, "-n", "-W", "--keep-going"]
    log("$ jb " + " ".join(cmd[1:]))
    env = {**os.environ, **layout.kernel_env()}
    proc = subprocess.run(cmd, cwd=layout.root, capture_output=True, text=True, env=env)
    built = layout.site_work / "_build" / "html"
    if proc.returncode != 0 or not (built / "index.html").exists():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-40:])
        raise BuildError(f"jupyter-book build failed (exit {proc.returncode}); the previous site is unchanged.\n"
                         f"  reports: {layout.relative(built / 'reports')}\n{tail}")
    write_root_redirect(built, book_title(layout))
    # The data download and the chart CSVs first, so that precompressing (finish_site) sees
    # the files as they are now.
    write_release(layout, built, log=log)
    finish_site(built, layout, digest, log)
    ok.write_text("the last site build finished with no warning\n")
    (built / SITE_STAMP).write_text(digest)
    swap_in(built, layout.site)
    log(f"site built: {layout.relative(layout.site / 'index.html')}")
