"""The PDF edition: the whole book in reading order, printed by Debian's Chromium.

`build_pdf(html_dir, ...)` runs after Jupyter Book, on the built site (fraudbook.build.site):
it follows the pages' "next" links from book/index.html (the table of contents' order),
takes each page's article, and assembles one HTML document: a title page with the book's
name, edition and date, a table of contents linked to each chapter and section, then every
chapter, its figures numbered through the whole book (Figure 1, 2, …; cross-references
follow), charts as the SVG drawn at build time (vector in the PDF), data tables opened,
source links kept (clickable in the PDF, their addresses printed after them). Chromium
(Playwright, offline: only file: URLs load) prints it with page numbers in the footer into
`fraudbook-<edition>.pdf` at the site's root.

Incremental: the PDF is keyed on the site digest (a stamp beside it); the site build calls
this only when a page, the configuration or a static file changed.
"""

from __future__ import annotations

import concurrent.futures
import html
import os
import re
import shutil
import tempfile
from pathlib import Path

from .sphinx_ext import pdf_name

CHROMIUM = os.environ.get("FRAUDBOOK_CHROMIUM", "/usr/bin/chromium")
STAMP = ".fraudbook-pdf-digest"
ARTICLE = re.compile(r'<article class="bd-article">(.*?)</article>', re.S)
NEXT = re.compile(r'<link rel="next" title="[^"]*" href="([^"]+)"')
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
H2 = re.compile(r'<section id="([^"]+)">\s*<h2[^>]*>(.*?)</h2>', re.S)

PDF_CSS = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
html { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  font-size: 10.5pt; line-height: 1.45; color: #111; }
body { margin: 0; }
a { color: #00366b; }
h1 { font-size: 20pt; margin: 0 0 0.6em; }
h2 { font-size: 14pt; margin: 1.2em 0 0.4em; }
h3 { font-size: 12pt; }
h1, h2, h3, h4 { break-after: avoid; break-inside: avoid; }
.fraudbook-pdf-chapter { break-before: page; }
.fraudbook-pdf-title { height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.fraudbook-pdf-title h1 { font-size: 30pt; }
.fraudbook-pdf-title p { font-size: 13pt; margin: 0.3em 0; }
.fraudbook-pdf-toc { break-before: page; }
.fraudbook-pdf-toc ol { padding-left: 1.2em; } .fraudbook-pdf-toc li { margin: 0.2em 0; }
.fraudbook-pdf-toc ol ol { font-size: 0.92em; }
figure { margin: 1em 0; break-inside: avoid; }
figcaption { font-size: 9.5pt; color: #333; }
.caption-number { font-weight: bold; }
.fraudbook-chart { width: 100%; max-width: 100% !important; break-inside: avoid; }
.fraudbook-chart svg.fraudbook-chart-svg { width: 100%; height: auto; max-width: var(--fraudbook-chart-width, 620px); }
.fraudbook-chart script, p.fraudbook-chart-downloads, .headerlink, .fraudbook-pdf-link,
  .toggle-button, button, form, a[href^="data:"] { display: none !important; }
table { border-collapse: collapse; font-size: 8.5pt; max-width: 100%; }
th, td { border-bottom: 1px solid #ccc; padding: 2px 4px; vertical-align: top; text-align: left; }
tr { break-inside: avoid; }
details > summary { font-weight: bold; list-style: none; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
a.fraudbook-pdf-url::after { content: " <" attr(href) ">"; font-size: 0.8em; color: #444;
  word-break: break-all; }
.admonition { border-left: 3px solid #999; padding: 0.2em 0.8em; margin: 0.8em 0; }
.admonition-title { font-weight: bold; }
.fraudbook-strength { font-size: 0.75em; border: 1px solid currentColor; padding: 0 0.3em;
  border-radius: 3px; }
"""


def reading_order(html_dir: Path) -> list[Path]:
    """book/index.html, then each page's rel="next", as the theme's own navigation goes."""
    pages, page = [], html_dir / "book" / "index.html"
    while page.exists() and page not in pages:
        pages.append(page)
        m = NEXT.search(page.read_text(encoding="utf-8"))
        if not m:
            break
        page = (page.parent / html.unescape(m.group(1)).split("#")[0]).resolve()
    return [p for p in pages if "book" in p.parts and p.parent.name == "book"]


def _plain(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip().rstrip("#").strip()


def _chapter(page: Path, key: str, keys: dict[str, str], figno: list[int]) -> str:
    """One page's article, its ids prefixed with its key, its links made internal."""
    text = page.read_text(encoding="utf-8")
    m = ARTICLE.search(text)
    body = m.group(1) if m else ""
    body = re.sub(r'<p class="fraudbook-pdf-link">.*?</p>', "", body, flags=re.S)
    body = re.sub(r"<script\b[^>]*>.*?</script>", "", body, flags=re.S)
    body = re.sub(r"<details\b(?![^>]*\bopen\b)", "<details open", body)
    body = re.sub(r'\bid="([^"]+)"', lambda g: f'id="{key}--{g.group(1)}"', body)
    # Figures numbered through the whole book; references on the page follow.
    numbers: dict[str, str] = {}

    def renumber(g):
        figno[0] += 1
        numbers[g.group(2).strip()] = str(figno[0])
        return f'{g.group(1)}Fig. {figno[0]} </span>'

    body = re.sub(r'(<span class="caption-number">)Fig\. (\d+) </span>', renumber, body)
    body = re.sub(r'(<span class="std std-numref">)Fig\. (\d+)(</span>)',
                  lambda g: f"{g.group(1)}Fig. {numbers.get(g.group(2), g.group(2))}{g.group(3)}", body)

    def link(g):
        attrs, href = g.group(1), html.unescape(g.group(2))
        if href.startswith(("http://", "https://")):
            cls = ' class="fraudbook-pdf-url"' if "fraudbook-pdf-url" not in attrs else ""
            return f'<a{attrs}{cls} href="{html.escape(href, quote=True)}"'
        if href.startswith(("mailto:", "data:")):
            return g.group(0)
        path, _, frag = href.partition("#")
        if not path:
            target = key
        else:
            target = keys.get((page.parent / path).resolve().as_posix())
            if target is None:
                return f"<a{attrs}"  # a page outside the book (index, search): text only
        return f'<a{attrs} href="#{target}--{frag}"' if frag else f'<a{attrs} href="#{target}"'

    body = re.sub(r'<a([^>]*?) href="([^"]*)"', link, body)
    # Images (few): absolute file URLs, since the document is printed from elsewhere.
    body = re.sub(r'<img([^>]*?) src="(?!data:|https?:)([^"]+)"',
                  lambda g: f'<img{g.group(1)} src="{(page.parent / html.unescape(g.group(2))).resolve().as_uri()}"',
                  body)
    return f'<section class="fraudbook-pdf-chapter" id="{key}">{body}</section>'


def assemble(html_dir: Path, title: str, edition: str, date: str) -> str:
    pages = reading_order(html_dir)
    keys = {p.resolve().as_posix(): "p-" + p.stem for p in pages}
    toc, chapters, figno = [], [], [0]
    for page in pages:
        key = keys[page.resolve().as_posix()]
        chapter = _chapter(page, key, keys, figno)
        h1 = H1.search(chapter)
        name = _plain(h1.group(1)) if h1 else page.stem
        subs = "".join(f'<li><a href="#{html.escape(sid)}">{html.escape(_plain(h))}</a></li>'
                       for sid, h in H2.findall(chapter))
        toc.append(f'<li><a href="#{key}">{html.escape(name)}</a>'
                   + (f"<ol>{subs}</ol>" if subs else "") + "</li>")
        chapters.append(chapter)
    css = "".join((html_dir / "_static" / n).read_text(encoding="utf-8")
                  for n in ("fraudbook.css",) if (html_dir / "_static" / n).exists())
    head = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}, edition {html.escape(edition)}</title>"
            f"<style>{css}\n{PDF_CSS}</style></head><body>")
    cover = (f'<section class="fraudbook-pdf-title"><h1>{html.escape(title)}</h1>'
             f"<p>Edition {html.escape(edition)}</p>"
             + (f"<p>{html.escape(date)}</p>" if date else "")
             + "<p>An open data book: every figure is linked to its source.</p></section>")
    contents = ('<nav class="fraudbook-pdf-toc"><h1>Contents</h1><ol>' + "".join(toc) + "</ol></nav>")
    return head + cover + contents + "".join(chapters) + "</body></html>\n"


def _print_pdf(document: str, out: Path, title: str, edition: str) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "edition.html"
        source.write_text(document, encoding="utf-8")
        partial = Path(tmp) / out.name
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            try:
                ctx = browser.new_context(java_script_enabled=False)
                ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                          else r.abort())
                page = ctx.new_page()
                page.goto(source.as_uri(), wait_until="load")
                foot = ('<div style="font-size:8px;width:100%;text-align:center;color:#444;">'
                        f'{html.escape(title)}, edition {html.escape(edition)} &#8212; page '
                        '<span class="pageNumber"></span> of <span class="totalPages"></span></div>')
                page.pdf(path=str(partial), format="A4", print_background=True,
                         display_header_footer=True, header_template="<span></span>",
                         footer_template=foot, outline=True, tagged=True,
                         margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
            finally:
                browser.close()
        shutil.move(str(partial), str(out))


def build_pdf(html_dir: Path, *, title: str, edition: str, date: str, digest: str, log=print) -> Path:
    """Write html_dir/fraudbook-<edition>.pdf unless the one there was made from `digest`."""
    out = html_dir / pdf_name(edition)
    stamp = html_dir / STAMP
    if out.exists() and stamp.exists() and stamp.read_text() == digest:
        log(f"PDF up to date: {out.name}")
        return out
    for old in html_dir.glob("fraudbook-*.pdf"):
        if old != out:
            old.unlink()
    document = assemble(html_dir, title, edition, date)
    # Playwright's sync API refuses to run where an asyncio loop runs (a caller's own
    # Playwright, a notebook): print from a thread of our own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_print_pdf, document, out, title, edition).result()
    stamp.write_text(digest)
    log(f"PDF edition written: {out.name} ({out.stat().st_size // 1024} KB)")
    return out
