"""After Jupyter Book: lighter pages, chart downloads and precompressed assets.

Run by fraudbook.pipeline.site on the freshly built site, before it is swapped in. Every step
is idempotent (Sphinx rewrites only the pages that changed in its work directory, so a page
may come through here twice).

- `lighten_pages`: drops the theme's Font Awesome script (1.5 MB; fraudbook-icons.css draws
  the 15 icons the pages use) and, on every page but the search page, the search index and
  its tools, which the theme loads render-blocking on every page although only search.html
  uses them (the search box submits to that page). The theme's own scripts (Bootstrap,
  pydata-sphinx-theme.js) are fetched on the reader's first move (_static/fraudbook-theme.js).
- `write_chart_downloads`: for each chart, `book/figures/<name>.svg` and `.png` (the names
  the chart's download links give, fraudbook.kit.charts): the drawing made at build time with
  its source line, the book's name and edition below it. Then the chart leaves the page: its
  drawing and a second one laid out for phones (fraudbook.kit.charts.narrow_spec) become
  files beside it, placed by a `<picture>` that picks one by the screen's width (no script
  needed; the page's HTML carries neither drawing nor spec), and the two specs become JSON
  files that _static/fraudbook-charts.js fetches when a reader first points at the chart.
- `precompress`: NAME.gz beside each text asset, for a static host that serves them
  (gzip_static); byte-stable (no timestamp in the header).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
from pathlib import Path

from ..kit import charts
from ..kit.escape import plain_text
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
CHART = re.compile(r'<div class="fraudbook-chart" id="(chart-[0-9a-f]+)"[^>]*data-file="([^"]+)"'
                   r'[^>]*data-width="(\d+)" data-height="(\d+)"[^>]*>'
                   r'<div class="fraudbook-chart-static">(<svg.*?</svg>)</div>'
                   r'(?:<script type="application/json" class="fraudbook-chart-spec">(.*?)</script>)?', re.S)
TEXT_TYPES = (".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".map", ".bib", ".atom",
              ".ris")


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


STYLESHEET = re.compile(r'[ \t]*<link (?=[^>]*rel="stylesheet")(?![^>]*media="print")[^>]*href="([^"]+)"[^>]*/?>\n?')
# The bundle's link, with the stylesheets it was made from (hrefs as the page had them).
BUNDLED = re.compile(r'[ \t]*<link rel="stylesheet" href="[^"]*fraudbook-bundle-[0-9a-f]+\.css" data-from="([^"]*)" />\n?')
IMPORT = re.compile(r'@import\s+(?:url\()?"([^"]+)"\)?\s*;')
URL = re.compile(r'url\((["\']?)(?!data:|https?:|#)([^)"\']+)\1\)')
# Font Awesome's icon classes and font faces: the pages draw their icons from fraudbook.css.
FA_RULES = re.compile(r'\.fa-[a-z0-9-]+:(?:before|after)\{content:"[^"]*"\}|'
                      r'@font-face\{[^}]*Font Awesome[^}]*\}')


def _css_text(path: Path, static: Path, seen: set) -> str:
    """A stylesheet with its @imports inlined and its url()s made relative to _static/."""
    if path in seen or not path.exists():
        return ""
    seen.add(path)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", text)
    text = IMPORT.sub(lambda m: _css_text((path.parent / m.group(1)).resolve(), static, seen), text)
    text = FA_RULES.sub("", text)

    def rebase(m):
        target = (path.parent / m.group(2)).resolve()
        return f'url("{os.path.relpath(target, static).replace(os.sep, "/")}")'

    return URL.sub(rebase, text)


# Words in the site's own scripts: a class a script adds at run time ("show", "active") is
# one of them, so the rules for it are kept.
WORD = re.compile(r"[A-Za-z_][\w-]*")
CLASS_NAME = re.compile(r'\bclass="([^"]*)"')
# Classes Bootstrap builds from parts at run time ("bs-tooltip-" + placement): always kept.
BUILT_AT_RUN_TIME = re.compile(r"^(?:bs-|tooltip|popover)")
# At-rules that hold style rules (filtered inside); any other at-rule is kept as it is.
GROUPING = ("media", "supports", "layer", "container")


def used_classes(html_dir: Path) -> set[str]:
    """Every class a page of the site carries, and every word of the site's scripts."""
    used: set[str] = set()
    for page in html_dir.rglob("*.html"):
        for m in CLASS_NAME.finditer(page.read_text(encoding="utf-8", errors="replace")):
            used.update(html.unescape(m.group(1)).split())
    # The Vega bundle too: vega-embed wraps an interactive chart in classes of its own.
    for script in (html_dir / "_static").rglob("*.js"):
        used.update(WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
    return used


def _selector_used(tokens, used: set[str]) -> bool:
    """A selector (tinycss2 tokens) can match only if every class it names is used; classes
    inside :not(), :is(), :where() and :has() are not required."""
    prev = None
    for tok in tokens:
        if tok.type == "ident" and prev is not None and prev.type == "literal" and prev.value == ".":
            if tok.value not in used and not BUILT_AT_RUN_TIME.match(tok.value):
                return False
        prev = tok
    return True


def purge_css(css: str, used: set[str]) -> str:
    """The stylesheet without the style rules whose every selector names a class no page
    and no script uses (tinycss2 parses it). The theme ships Bootstrap whole: about two
    thirds of its rules style nothing here, yet every page's first style pass reads them."""
    import tinycss2

    def rules(nodes) -> list[str]:
        out = []
        for node in nodes:
            if node.type == "qualified-rule":
                selectors, current = [], []
                for tok in node.prelude:
                    if tok.type == "literal" and tok.value == ",":
                        selectors.append(current)
                        current = []
                    else:
                        current.append(tok)
                selectors.append(current)
                kept = [tinycss2.serialize(sel).strip() for sel in selectors if _selector_used(sel, used)]
                if kept:
                    out.append(",".join(kept) + "{" + tinycss2.serialize(node.content) + "}")
            elif node.type == "at-rule" and node.lower_at_keyword in GROUPING and node.content is not None:
                inner = rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))
                if inner:
                    out.append(f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}{{{''.join(inner)}}}")
            elif node.type in ("at-rule", "qualified-rule"):
                out.append(tinycss2.serialize([node]))
        return out

    parsed = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(rules(parsed)) + "\n"


def bundle_css(html_dir: Path) -> int:
    """One stylesheet per set of stylesheets a page links (in their order, @imports inlined,
    Font Awesome's unused classes and fonts left out, then every rule for classes the site
    never uses: purge_css), linked in their place: one request on the critical path instead
    of seven, and a much smaller one. Returns the bundles written."""
    static = (html_dir / "_static").resolve()
    bundles: dict[str, str] = {}
    used = used_classes(html_dir)
    for page in site_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        head, sep, rest = text.partition("</head>")
        # A page bundled by an earlier build (Sphinx did not write it again) is bundled anew
        # from the stylesheets its bundle records: an edited stylesheet reaches every page.
        head = BUNDLED.sub(lambda m: "".join(f'<link rel="stylesheet" href="{h}" />\n'
                                             for h in m.group(1).split()), head)
        links = [m for m in STYLESHEET.finditer(head) if "fraudbook-bundle-" not in m.group(1)]
        if len(links) < 2:
            continue
        files = [(page.parent / html.unescape(m.group(1)).split("?")[0]).resolve() for m in links]
        if not all(f.exists() and static in f.parents for f in files):
            continue
        seen: set = set()
        css = purge_css("\n".join(_css_text(f, static, seen) for f in files), used)
        name = "fraudbook-bundle-" + hashlib.sha1(css.encode("utf-8")).hexdigest()[:12] + ".css"
        bundles[name] = css
        href = os.path.relpath(static / name, page.parent).replace(os.sep, "/")
        pieces, pos = [], 0
        for i, m in enumerate(links):
            pieces.append(head[pos:m.start()])
            if i == 0:
                sources = " ".join(m.group(1) for m in links)
                pieces.append(f'<link rel="stylesheet" href="{href}" data-from="{sources}" />\n')
            pos = m.end()
        head = "".join(pieces) + head[pos:]
        page.write_text(head + sep + rest, encoding="utf-8")
    for name, css in bundles.items():
        target = static / name
        if not target.exists() or target.read_text(encoding="utf-8") != css:
            target.write_text(css, encoding="utf-8")
    # A page rebuilt with other stylesheets leaves its old bundle behind (Sphinx keeps its work
    # folder): remove every bundle no page links, so the site ships none that is unused.
    linked = {m.group(0) for page in site_pages(html_dir)
              for m in re.finditer(r"fraudbook-bundle-[0-9a-f]+\.css", page.read_text(encoding="utf-8"))}
    for old_bundle in static.glob("fraudbook-bundle-*.css*"):
        if old_bundle.name.removesuffix(".gz") not in linked:
            old_bundle.unlink()
    return len(bundles)


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


def source_line_after(text: str, start: int) -> str:
    """The 'Source(s): …' sentence of the figure caption following position `start`."""
    m = re.compile(r"<figcaption>(.*?)</figcaption>", re.S).search(text, start)
    caption = plain_text(m.group(1)) if m else ""
    found = re.search(r"\bSources?: .*$", caption)
    return found.group(0) if found else ""


def download_svg(svg: str, width: int, height: int, lines: list[str]) -> str:
    """The chart's drawing with lines of text below it, as a standalone SVG file."""
    per_line = max(40, int(width / 6.6))
    wrapped = [w for line in lines for w in charts.wrap_words(line, per_line)]
    foot = 14 + 16 * len(wrapped)
    inner = re.sub(r'\s(?:class|aria-hidden|focusable|preserveAspectRatio)="[^"]*"', "", svg[:svg.index(">")]) \
        + f' x="0" y="0" width="{width}" height="{height}"' + svg[svg.index(">"):]
    texts = "".join(
        f'<text x="8" y="{height + 14 + 16 * i}" font-family="sans-serif" font-size="12" '
        f'fill="#222222">{html.escape(t, quote=False)}</text>' for i, t in enumerate(wrapped))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'version="1.1" width="{width}" height="{height + foot}" viewBox="0 0 {width} {height + foot}">'
            f'<rect width="{width}" height="{height + foot}" fill="white"/>{inner}{texts}</svg>\n')


def _write_text(path: Path, text: str) -> bool:
    """Write `text` unless the file holds it already; True when written."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def standalone_svg(svg: str) -> str:
    """An inline drawing (fraudbook.kit.charts.static_svg) as an SVG file of its own."""
    head, rest = svg[:svg.index(">")], svg[svg.index(">"):]
    head = re.sub(r'\s(?:class|aria-hidden|focusable)="[^"]*"', "", head)
    if "xmlns=" not in head:
        head = head.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    return head + rest + "\n"


LAZY = ' loading="lazy"'


def place_chart(folder: Path, chart_id: str, name: str, width: int, height: int, svg: str,
                spec_json: str | None, lazy: bool = False) -> tuple[str, dict, tuple[int, int]]:
    """Write the chart's drawings and specs beside the page; the HTML that places them.
    `lazy`: fetched only as the reader nears it (every chart after a page's first, which may
    be on the first screen); the size is in the HTML, so nothing moves when it arrives."""
    _write_text(folder / f"{name}-wide.svg", standalone_svg(svg))
    files = {"spec": "", "narrow": ""}
    nw, nh = width, height
    if spec_json is not None:
        # The spec as fraudbook.kit.charts.chart_html wrote it (sorted, compact JSON).
        spec_text = spec_json.replace("<\\/", "</")
        narrow = charts.narrow_spec(json.loads(spec_text))
        narrow_json = json.dumps(narrow, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        _write_text(folder / f"{name}.json", spec_text)
        # The phone drawing is made again only when its spec changed (vl-convert is slow);
        # otherwise its size is read from the drawing there.
        drawn = folder / f"{name}-narrow.svg"
        if _write_text(folder / f"{name}-narrow.json", narrow_json) or not drawn.exists():
            nsvg, nw, nh = charts.static_svg(narrow, f"{chart_id}-n")
            _write_text(drawn, standalone_svg(nsvg))
        else:
            m = re.search(r'viewBox="0 0 (\d+) (\d+)"', drawn.read_text(encoding="utf-8")[:2000])
            nw, nh = (int(m.group(1)), int(m.group(2))) if m else (nw, nh)
        files = {"spec": f"figures/{name}.json", "narrow": f"figures/{name}-narrow.json"}
    source = (f'<source media="{charts.NARROW_MEDIA}" srcset="figures/{name}-narrow.svg" '
              f'width="{nw}" height="{nh}">' if files["narrow"] else "")
    return (f'<div class="fraudbook-chart-static"><picture>{source}'
            f'<img src="figures/{name}-wide.svg" width="{width}" height="{height}" alt="" '
            f'decoding="async"{LAZY if lazy else ""}></picture></div>'), files, (nw, nh)


def write_chart_downloads(html_dir: Path, book: str, edition: str) -> int:
    """Write book/figures/<name>.svg and .png for every chart, and move each chart's
    drawings and specs out of its page into files beside it; returns how many charts."""
    import vl_convert as vlc

    n = 0
    for page in site_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        pieces, pos = [], 0
        for m in CHART.finditer(text):
            chart_id, name, width, height, svg, spec_json = m.groups()
            width, height = int(width), int(height)
            lines = [source_line_after(text, m.end()), f"{book}, edition {edition}."]
            out = download_svg(svg, width, height, [x for x in lines if x])
            folder = page.parent / "figures"
            folder.mkdir(exist_ok=True)
            target = folder / f"{name}.svg"
            if _write_text(target, out) or not (folder / f"{name}.png").exists():
                (folder / f"{name}.png").write_bytes(vlc.svg_to_png(out, scale=2))
            static, files, (nw, nh) = place_chart(folder, chart_id, name, width, height, svg, spec_json,
                                                  lazy=bool(pieces))
            opening = text[m.start():m.start(5) - len('<div class="fraudbook-chart-static">')]
            if files["spec"]:
                opening = opening.replace(
                    f' data-width="{width}"',
                    f' data-spec="{files["spec"]}" data-narrow-spec="{files["narrow"]}" '
                    f'data-narrow-width="{nw}" data-narrow-height="{nh}" data-width="{width}"', 1)
            pieces += [text[pos:m.start()], opening, static]
            pos = m.end()
            n += 1
        if pieces:
            page.write_text("".join(pieces) + text[pos:], encoding="utf-8")
    return n


def precompress(html_dir: Path) -> int:
    """NAME.gz beside every text asset of the site (level 9, no timestamp); returns the count."""
    n = 0
    for path in html_dir.rglob("*"):
        if not path.is_file() or path.suffix not in TEXT_TYPES:
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        gz = path.with_name(path.name + ".gz")
        if len(packed) >= len(data):
            gz.unlink(missing_ok=True)
            continue
        if not gz.exists() or gz.read_bytes() != packed:
            gz.write_bytes(packed)
        n += 1
    return n
