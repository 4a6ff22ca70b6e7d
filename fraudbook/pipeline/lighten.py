"""After Jupyter Book: lighter pages (run by fraudbook.pipeline.site on the freshly built
site, before it is swapped in; every step is idempotent, since Sphinx rewrites only the pages
that changed in its work directory, so a page may come through here twice).

`lighten_pages` drops the theme's Font Awesome script (1.5 MB; fraudbook-icons.css draws the
15 icons the pages use) and, on every page but the search page, the search index and its
tools, which the theme loads render-blocking on every page although only search.html uses
them (the search box submits to that page). The theme's own scripts (Bootstrap,
pydata-sphinx-theme.js) are fetched on the reader's first move (_static/fraudbook-theme.js).
The other steps are their own modules: the stylesheets (fraudbook.pipeline.stylesheets), the charts'
files (fraudbook.pipeline.chart_files), precompressing (fraudbook.pipeline.compress).
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from .sphinx_ext import THEME_LOADER

FONTAWESOME = re.compile(r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')
SEARCH_TOOLS = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>\n?')
DOC_OPTIONS = re.compile(r'<script src="[^"]*_static/documentation_options\.js[^"]*"></script>')
# The theme's scripts, and the <head> hints that fetch them early: loaded by
# _static/fraudbook-theme.js on the reader's first move instead (see that file).
THEME_SCRIPT = re.compile(
    r'[ \t]*<script defer src="([^"]*)_static/(scripts/(?:bootstrap|pydata-sphinx-theme)\.js[^"]*)"></script>\n?')
THEME_PRELOAD = re.compile(
    r'[ \t]*<link rel="preload" as="script" href="[^"]*_static/scripts/(?:bootstrap|pydata-sphinx-theme)\.js[^"]*" />\n?')
# The colour the reader's system asks for, set before the first paint (the theme's script
# did it once it ran): after the theme's own line that reads the stored mode.
THEME_MODE = re.compile(r'(document\.documentElement\.dataset\.theme = localStorage\.getItem\("theme"\) \|\| "auto";)')
SYSTEM_THEME = ('\n    if (document.documentElement.dataset.mode === "auto" && window.matchMedia) '
                '{ document.documentElement.dataset.theme = '
                'matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"; }')


def refresh_static(static_dir: Path, html_dir: Path) -> int:
    """Copy the book's own _static files that changed into the built site: Sphinx 7.4 keeps
    an existing copy in an incremental build, so an edited stylesheet would not reach it."""
    n = 0
    for src in static_dir.rglob("*"):
        if not src.is_file() or "vendor" in src.relative_to(static_dir).parts:
            continue
        dest = html_dir / "_static" / src.relative_to(static_dir)
        if not dest.exists() or dest.read_bytes() != src.read_bytes():
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(src.read_bytes())
            n += 1
    return n


def site_pages(html_dir: Path) -> list[Path]:
    return [p for p in html_dir.rglob("*.html") if "_static" not in p.relative_to(html_dir).parts]


def lighten_pages(html_dir: Path) -> int:
    """Remove the scripts no page needs for its first paint, and write Sphinx's 300-byte
    documentation_options.js into each page (inline scripts after it use it at once, so it
    could not be deferred); returns the pages changed."""
    options = html_dir / "_static" / "documentation_options.js"
    inline = options.read_text(encoding="utf-8").strip() if options.exists() else None
    loader = html_dir / "_static" / THEME_LOADER
    loader_version = hashlib.sha1(loader.read_bytes()).hexdigest()[:8] if loader.exists() else ""
    changed = 0
    for page in site_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        new = FONTAWESOME.sub("", text)
        if inline and "</script" not in inline:
            new = DOC_OPTIONS.sub(lambda _: f"<script>{inline}</script>", new)
        if page.name != "search.html":
            new = SEARCH_TOOLS.sub("", new)
            new = theme_on_first_move(new, loader_version)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def theme_on_first_move(text: str, version: str) -> str:
    """The theme's two scripts replaced by one small loader that fetches them on the reader's
    first move (_static/fraudbook-theme.js), and the system's colour set in <head>."""
    if not version:
        return text
    found = THEME_SCRIPT.findall(text)
    if not found:  # done already: keep the loader's address current
        return re.sub(r"(_static/" + re.escape(THEME_LOADER) + r"\?v=)[0-9a-f]+", r"\g<1>" + version, text)
    prefix = found[0][0]
    urls = " ".join(html.escape(p + "_static/" + rest) for p, rest in found)
    loader = (f'<script defer src="{prefix}_static/{THEME_LOADER}?v={version}" '
              f'data-scripts="{urls}"></script>\n')
    text = THEME_SCRIPT.sub(lambda m: loader if m.group(2) == found[0][1] else "", text)
    text = THEME_PRELOAD.sub("", text)
    return THEME_MODE.sub(lambda m: m.group(1) + SYSTEM_THEME, text, count=1)
