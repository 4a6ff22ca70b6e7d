"""The charts' files, beside each page of the site (after Jupyter Book, by
fraudbook.pipeline.site): for each chart, `book/figures/<key>.svg` and `.png` (the names the
chart's download links give, fraudbook.kit.charts), the drawing made at build time with its
source line and the book's name and edition below it. Then the chart leaves the page: its
drawing and a second one laid out for phones (fraudbook.kit.charts.narrow_spec) become
files beside it, placed by a `<picture>` that picks one by the screen's width (no script
needed; the page's HTML carries neither drawing nor spec), and the two specs become JSON
files that _static/fraudbook-charts.js fetches when a reader first points at the chart.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from ..kit import charts
from ..kit.escape import plain_text
from .lighten import site_pages

CHART = re.compile(r'<div class="fraudbook-chart" id="(chart-[0-9a-f]+)"[^>]*data-file="([^"]+)"'
                   r'[^>]*data-width="(\d+)" data-height="(\d+)"[^>]*>'
                   r'<div class="fraudbook-chart-static">(<svg.*?</svg>)</div>'
                   r'(?:<script type="application/json" class="fraudbook-chart-spec">(.*?)</script>)?', re.S)


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
