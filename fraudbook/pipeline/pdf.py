"""The book as two PDFs, printed by Debian's Chromium: a reading edition and a reference edition.

`build_pdf(html_dir, ...)` runs after Jupyter Book, on the built site (fraudbook.pipeline.site):
it follows the pages' "next" links from book/index.html (the table of contents' order) and
sorts the pages into two editions: the reference edition holds the pages of REFERENCE_PAGES
(the register of every figure, the sources, the changes, the downloads and how to cite),
the reading edition every other page. Each is one HTML document: a title page with the
book's name, edition and date, a table of contents linked to each chapter and section with
their page numbers, then every chapter, its figures numbered through the edition (Figure 1,
2, …; cross-references follow), charts as the SVG drawn at build time (vector in the PDF).
On paper: each external link keeps its words and is followed by a superscript number; the
addresses are listed as numbered notes at the end of the chapter (one note per address); a
link to a page of the other edition is text. The reading edition leaves out the charts'
data tables (the drawing and its caption's sources say it; the site and the data download
hold the tables); the reference edition leaves out the register's "Cite" lines (the figure
and its address once more). Tooltips are dropped (never printed, yet written into the PDF).
The PDFs are `fraudbook-<edition>.pdf` and `fraudbook-<edition>-reference.pdf` at the site's
root (sphinx_ext.pdf_name), printed by Chromium (Playwright, offline: only file: URLs load)
with page numbers in the footer, then packed (`compact`: their objects in compressed object
streams; the tagged structure of a long book is megabytes of plain dictionaries).

Page numbers in the contents: Chromium has no CSS target-counter(), so the document is
printed twice in one browser session. The first print, a draft (nothing painted, untagged, no
outline: mostly the layout's time), gives the page on which each contents target lands, read
from the PDF's named destinations (`dest_pages`; each internal link's annotation points to
one). The numbers are then written into the contents (by Playwright; the document's own
scripts stay disabled), into boxes of fixed width reserved in the draft, so nothing moves,
and the edition is printed; its destinations are read again and must agree with the numbers
shown (one more print if not, an error if they never settle). The numbers are PDF page
indices, as the footer's "page N of M" counts them (the title page is page 1).

Incremental: the site build calls this only when a page, the configuration or a static file
changed, and an unchanged site digest (a stamp beside the PDFs) assembles nothing; otherwise
each edition is printed again only when its document (or this module) changed (a stamp
beside each PDF), so editing a chapter does not reprint the register.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import html
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..kit.escape import plain_text
from .sphinx_ext import pdf_name
from .system import chromium

STAMP = ".fraudbook-pdf-digest"
ARTICLE = re.compile(r'<article class="bd-article">(.*?)</article>', re.S)
NEXT = re.compile(r'<link rel="next" title="[^"]*" href="([^"]+)"')
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
H2 = re.compile(r'<section id="([^"]+)">\s*<h2[^>]*>(.*?)</h2>', re.S)
TOC_PAGE = "fraudbook-pdf-toc-page"
# Reserved in the first print (a figure space, as wide as a digit), filled in the edition.
TOC_PLACEHOLDER = "\u2007"
PRINTS = 3  # the first print, the edition, and one more should its numbers not settle

PDF_CSS = """
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
html { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial,
  'Noto Sans CJK SC', 'Noto Sans CJK', 'Source Han Sans SC', sans-serif;
  font-size: 10pt; line-height: 1.4; color: #111; }
body { margin: 0; }
a { color: #00366b; }
/* A link to a page of the other edition is text (fraudbook.pipeline.pdf._chapter): not blue. */
a:not([href]) { color: inherit; text-decoration: none; }
h1 { font-size: 20pt; margin: 0 0 0.6em; }
h2 { font-size: 14pt; margin: 1.2em 0 0.4em; }
h3 { font-size: 11.5pt; }
h1, h2, h3, h4 { break-after: avoid; break-inside: avoid; }
.fraudbook-pdf-chapter { break-before: page; }
.fraudbook-pdf-title { height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.fraudbook-pdf-title h1 { font-size: 30pt; }
.fraudbook-pdf-title p { font-size: 13pt; margin: 0.3em 0; }
.fraudbook-pdf-toc { break-before: page; }
.fraudbook-pdf-toc ol { padding-left: 2em; } .fraudbook-pdf-toc li { margin: 0.2em 0; }
.fraudbook-pdf-toc ol ol { font-size: 0.92em; }
.fraudbook-pdf-toc a { display: flex; align-items: last baseline; color: inherit; text-decoration: none; }
.fraudbook-pdf-toc a::after { content: ""; order: 1; flex: 1 0 1.5em; margin: 0 0.3em 0 0.4em;
  border-bottom: 1px dotted #888; }
.fraudbook-pdf-toc .fraudbook-pdf-toc-page { order: 2; flex: 0 0 3ch; text-align: right;
  white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; break-inside: avoid; }
figcaption { font-size: 9.5pt; color: #333; }
.caption-number { font-weight: bold; }
.fraudbook-chart { width: 100%; max-width: 100% !important; break-inside: avoid; }
/* Drawn for a 620-pixel screen: at 150 mm their type is the notes' size, and shorter. */
.fraudbook-chart svg.fraudbook-chart-svg { width: 100%; height: auto;
  max-width: min(var(--fraudbook-chart-width, 620px), 150mm); }
.fraudbook-chart script, p.fraudbook-chart-downloads, .headerlink, .fraudbook-pdf-link,
  .toggle-button, button, form, a[href^="data:"] { display: none !important; }
table { border-collapse: collapse; font-size: 8pt; max-width: 100%; }
/* The screen's fixed column shares are for a phone's width: on paper the columns size to
   what they hold, over the page's width. */
table.fraudbook-table { font-size: 8pt; width: 100% !important; min-width: 0 !important; table-layout: auto !important; }
table.fraudbook-table col { width: auto !important; }
table.fraudbook-table th, table.fraudbook-table td { overflow-wrap: break-word !important;
  word-break: normal !important; }
th, td { border-bottom: 1px solid #ccc; padding: 2px 4px; vertical-align: top; text-align: left; }
tr { break-inside: avoid; }
details > summary { font-weight: bold; list-style: none; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
sup.fraudbook-pdf-note { font-size: 0.7em; line-height: 0; }
.fraudbook-pdf-notes { font-size: 8pt; line-height: 1.3; margin-top: 1.5em; border-top: 1px solid #999; }
.fraudbook-pdf-notes h3 { font-size: 10pt; margin: 0.5em 0 0.3em; }
.fraudbook-pdf-notes ol { list-style: none; padding: 0; margin: 0; columns: 2; column-gap: 6mm; }
.fraudbook-pdf-notes li { margin: 0 0 0.15em; padding-left: 3.2em; text-indent: -3.2em; break-inside: avoid; }
.fraudbook-pdf-notes .fraudbook-pdf-note-n { display: inline-block; width: 2.8em; margin-right: 0.4em;
  text-indent: 0; text-align: right; font-variant-numeric: tabular-nums; }
.fraudbook-pdf-notes a { color: #222; text-decoration: none; word-break: break-all; }
.admonition { border-left: 3px solid #999; padding: 0.2em 0.8em; margin: 0.8em 0; }
.admonition-title { font-weight: bold; }
.fraudbook-strength { font-size: 0.75em; border: 1px solid currentColor; padding: 0 0.3em;
  border-radius: 3px; }
"""


PICTURE = re.compile(r'<picture>(?:(?!</picture>).)*?<img src="([^"]+)"[^>]*></picture>', re.S)


def inline_drawing(path: Path) -> str:
    """A chart's drawing file (fraudbook.pipeline.chart_files) as inline SVG for the PDF."""
    try:
        svg = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg).strip()
    return svg.replace("<svg", '<svg class="fraudbook-chart-svg"', 1)


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
    """A heading's words, without the permalink sign Sphinx adds."""
    return plain_text(fragment).rstrip("#").strip()


# Pages printed in the reference edition (by file name in book/); every other page of the
# reading order is in the reading edition, so a new chapter is read unless listed here.
REFERENCE_PAGES = ("register", "register-earlier", "sources", "changes", "downloads")


@dataclass(frozen=True)
class Part:
    """One of the two PDFs: its file name's tail (sphinx_ext.pdf_name), what its title page
    and footer call it, and whether it is the reading edition."""
    name: str
    label: str
    reading: bool

    def holds(self, page: Path) -> bool:
        return (page.stem in REFERENCE_PAGES) != self.reading


PARTS = (Part("", "", True), Part("reference", "every figure and every source", False))
PART = {p.name: p for p in PARTS}

EXTERNAL = re.compile(r'<a\b([^>]*?)\shref="(https?://[^"]*)"([^>]*)>(.*?)</a>', re.S)
# Charts' data tables repeat what the drawing shows (they name sources, with no link): the
# reading edition leaves them to the site and the data download.
CHART_DATA = re.compile(r'<details class="fraudbook-chart-data">.*?</details>', re.S)
# A country's table of its events: on paper, each event's description is the timeline's
# (its table of every event); the country's keeps the date, the event, its kind and source.
COUNTRY_EVENTS = re.compile(r'<table[^>]*><caption>Events involving .*?</table>', re.S)
EVENT_TEXT = re.compile(r"(<td[^>]*><strong>(?:(?!</td>).)*?</strong>)<br>(?:(?!</td>).)*</td>", re.S)
# The register's "Cite" column: a line to copy on screen, the figure and its URL once more.
CITE_CELL = re.compile(r'<td[^>]*><details class="fraudbook-cite">.*?</details></td>', re.S)
CITE_HEAD = re.compile(r'(<thead><tr>(?:(?!</tr>).)*?)<th scope="col">Cite</th>', re.S)
# A country's sections that the reading edition leaves to other chapters: its disagreements
# (each is set out in full in the chapter on disagreements) and its gazetteer of places (the
# site's map). Each keeps its heading and a sentence that says where the content is.
COUNTRY_ELSEWHERE = {
    "where-sources-disagree": "Each disagreement is set out in full, with its figures and sources, "
                              "in the chapter \u201cWhere sources disagree\u201d.",
    "places": "The places named on this page, with their coordinates and sources, are listed on "
              "the book\u2019s website, beside its map.",
}
# Each disagreement's chart draws the figures its table lists just above it: on paper the
# reading edition keeps the table (every number with its source), the site keeps both.
DISAGREEMENT_CHART = re.compile(r'<figure\b[^>]*\bid="fig-disagreements-[^"]*".*?</figure>', re.S)
SECTION_TAG = re.compile(r"<(/?)section\b[^>]*>")


def replace_section(body: str, sid: str, sentence: str) -> str:
    """`body` with the section `sid` (its nested sections too) reduced to its heading and
    `sentence`; unchanged where there is no such section."""
    start = body.find(f'<section id="{sid}">')
    if start < 0:
        return body
    depth, end = 0, None
    for m in SECTION_TAG.finditer(body, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            end = m.end()
            break
    if end is None:
        return body
    head = re.search(r"<h2[^>]*>.*?</h2>", body[start:end], re.S)
    kept = head.group(0) if head else ""
    return body[:start] + f'<section id="{sid}">{kept}<p>{html.escape(sentence)}</p></section>' + body[end:]


def _notes(body: str, key: str) -> str:
    """External links as numbered notes: a superscript number after each link, the URLs
    listed at the end of the chapter (one note per address: a source cited again keeps its
    number). The link itself stays clickable."""
    numbers: dict[str, int] = {}

    def note(g):
        url = html.unescape(g.group(2))
        n = numbers.setdefault(url, len(numbers) + 1)
        # The number is text, not a link: one annotation per source cited keeps the PDF small.
        return f'{g.group(0)}<sup class="fraudbook-pdf-note">{n}</sup>'

    body = EXTERNAL.sub(note, body)
    if not numbers:
        return body
    items = "".join(f'<li id="{key}--note-{n}"><span class="fraudbook-pdf-note-n">{n}</span>'
                    f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a></li>'
                    for url, n in numbers.items())
    return body + f'<section class="fraudbook-pdf-notes"><h3>Notes</h3><ol>{items}</ol></section>'


def _chapter(page: Path, key: str, keys: dict[str, str], figno: list[int], reading: bool = True) -> str:
    """One page's article, its ids prefixed with its key, its links made internal, its
    external links numbered notes."""
    text = page.read_text(encoding="utf-8")
    m = ARTICLE.search(text)
    body = m.group(1) if m else ""
    body = re.sub(r'<p class="fraudbook-pdf-link">.*?</p>', "", body, flags=re.S)
    body = re.sub(r"<script\b[^>]*>.*?</script>", "", body, flags=re.S)
    if reading:
        body = CHART_DATA.sub("", body)
        body = COUNTRY_EVENTS.sub(lambda g: EVENT_TEXT.sub(r"\1</td>", g.group(0)), body)
    if reading and page.stem == "disagreements":
        body = DISAGREEMENT_CHART.sub("", body)
    if reading and page.stem.startswith("country-"):
        for sid, sentence in COUNTRY_ELSEWHERE.items():
            body = replace_section(body, sid, sentence)
    body = CITE_HEAD.sub(lambda g: g.group(1), CITE_CELL.sub("", body))
    # Tooltips (a source's quote on its link) never print, yet Chromium writes each into its
    # link's annotation: kilobytes per link.
    body = re.sub(r'(<(?:a|span|abbr)\b[^>]*?)\stitle="[^"]*"', r"\1", body)
    body = re.sub(r"<details\b(?![^>]*\bopen\b)", "<details open", body)
    # Paper has no pointer: a table heading's "(hover for the quote)" is the screen's.
    body = re.sub(r"\s*\(hover (?:over a source )?for the quote\)", "", body)
    body = re.sub(r'\bid="([^"]+)"', lambda g: f'id="{key}--{g.group(1)}"', body)
    # Figures numbered through the whole edition; references on the page follow.
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
        if href.startswith(("http://", "https://", "mailto:", "data:")):
            return g.group(0)
        path, _, frag = href.partition("#")
        if not path:
            target = key
        else:
            target = keys.get((page.parent / path).resolve().as_posix())
            if target is None:
                # A page outside this PDF (the other edition, the index, search): text only.
                return f"<a{attrs}"
        return f'<a{attrs} href="#{target}--{frag}"' if frag else f'<a{attrs} href="#{target}"'

    body = re.sub(r'<a([^>]*?) href="([^"]*)"', link, body)
    body = _notes(body, key)
    # Charts: the wide drawing, inline (vector in the PDF), in place of the <picture>.
    body = PICTURE.sub(lambda g: inline_drawing(page.parent / html.unescape(g.group(1))), body)
    # Images (few): absolute file URLs, since the document is printed from elsewhere.
    body = re.sub(r'<img([^>]*?) src="(?!data:|https?:)([^"]+)"',
                  lambda g: f'<img{g.group(1)} src="{(page.parent / html.unescape(g.group(2))).resolve().as_uri()}"',
                  body)
    return f'<section class="fraudbook-pdf-chapter" id="{key}">{body}</section>'


def _toc_entry(target: str, text: str) -> str:
    """A contents line: the linked title, dot leaders (CSS), and a box for its page number."""
    t = html.escape(target, quote=True)
    return (f'<a href="#{t}"><span class="fraudbook-pdf-toc-title">{html.escape(text)}</span>'
            f'<span class="{TOC_PAGE}" data-target="{t}">{TOC_PLACEHOLDER}</span></a>')


def toc_targets(document: str) -> list[str]:
    """The ids whose page numbers the contents of an assembled document show, in order."""
    contents = document[:document.find("</nav>")]
    return [html.unescape(t) for t in re.findall(rf'<span class="{TOC_PAGE}" data-target="([^"]*)">', contents)]


def full_title(title: str, edition: str, part: Part) -> str:
    """The PDF's title, as its document title and its footer give it."""
    return f"{title}, edition {edition}" + (f": {part.label}" if part.label else "")


COVER_LINES = {
    True: ("An open data book: every figure is linked to its source, each source's address in "
           "the notes at the end of its chapter.",
           "Every figure with all its sources, and every source, are in the reference edition, "
           "a second PDF."),
    False: ("The register of every figure with all its sources and the sentences that state it, "
            "the list of every source, what changed since the figures were added, and how to "
            "cite the book.",
            "The chapters that explain the figures are in the reading edition, a second PDF."),
}


def assemble(html_dir: Path, title: str, edition: str, date: str, part: str = "") -> str:
    """The HTML document of one edition (`part`: "" the reading edition, "reference")."""
    which = PART[part]
    pages = [p for p in reading_order(html_dir) if which.holds(p)]
    keys = {p.resolve().as_posix(): "p-" + p.stem for p in pages}
    toc, chapters, figno = [], [], [0]
    for page in pages:
        key = keys[page.resolve().as_posix()]
        chapter = _chapter(page, key, keys, figno, reading=which.reading)
        h1 = H1.search(chapter)
        name = _plain(h1.group(1)) if h1 else page.stem
        subs = "".join(f"<li>{_toc_entry(sid, _plain(h))}</li>" for sid, h in H2.findall(chapter))
        toc.append(f"<li>{_toc_entry(key, name)}" + (f"<ol>{subs}</ol>" if subs else "") + "</li>")
        chapters.append(chapter)
    if not chapters:
        return ""
    css = "".join((html_dir / "_static" / n).read_text(encoding="utf-8")
                  for n in ("fraudbook.css",) if (html_dir / "_static" / n).exists())
    head = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(full_title(title, edition, which))}</title>"
            f"<style>{css}\n{PDF_CSS}</style></head><body>")
    lines = "".join(f"<p>{html.escape(t)}</p>" for t in COVER_LINES[which.reading])
    cover = (f'<section class="fraudbook-pdf-title"><h1>{html.escape(title)}</h1>'
             + (f"<p><strong>{html.escape(which.label[:1].upper() + which.label[1:])}</strong></p>"
                if which.label else "")
             + f"<p>Edition {html.escape(edition)}"
             + ("" if which.reading else ", reference edition") + "</p>"
             + (f"<p>{html.escape(date)}</p>" if date else "")
             + f'<div class="fraudbook-pdf-cover-notes">{lines}</div></section>')
    contents = ('<nav class="fraudbook-pdf-toc"><h1>Contents</h1><ol>' + "".join(toc) + "</ol></nav>")
    return head + cover + contents + "".join(chapters) + "</body></html>\n"


_XREF = re.compile(rb"xref\s+")
_XREF_SUB = re.compile(rb"(\d+)\s+(\d+)[ \t]*\r?\n")
_TRAILER = re.compile(rb"\s*trailer\s*<<(.*?)>>\s*startxref", re.S)
_OBJ = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*(.*?)\s*endobj", re.S)
_REF = rb"(\d+)\s+\d+\s+R"
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _objects(data: bytes):
    """The trailer and a reader of (non-stream) objects of a PDF with one classic xref table,
    as Chromium (Skia) writes them."""
    start = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
    xref = _XREF.match(data, int(start.group(1))) if start else None
    if not xref:
        raise ValueError("not a PDF with a classic cross-reference table")
    offsets, pos = {}, xref.end()
    while sub := _XREF_SUB.match(data, pos):
        first, count = int(sub.group(1)), int(sub.group(2))
        pos = sub.end()
        for i in range(count):
            entry = data[pos:pos + 20]
            if entry[17:18] == b"n":
                offsets[first + i] = int(entry[:10])
            pos += 20
    trailer = _TRAILER.match(data, pos)
    if not trailer:
        raise ValueError("no PDF trailer after the cross-reference table")

    def obj(num: int) -> bytes:
        m = _OBJ.match(data, offsets[num])
        if not m or int(m.group(1)) != num:
            raise ValueError(f"PDF object {num} not at its offset")
        return m.group(3)

    obj.numbers = sorted(offsets)  # the objects in use
    return trailer.group(1), obj


def _deref(value: bytes, key: bytes, obj) -> bytes | None:
    """The dictionary value /key of `value`, following one indirect reference (a direct
    value is returned with what follows it: enough for the patterns read from it)."""
    m = re.search(rb"/" + key + rb"\s*(?:" + _REF + rb"|(<<|\[))", value)
    if not m:
        return None
    return obj(int(m.group(1))) if m.group(1) else value[m.start(2):]


def dest_pages(data: bytes) -> dict[str, int]:
    """Each named destination of a PDF Chromium printed, and its page: 1 for the first page,
    as the footer's "page N of M" counts (an `<a href="#id">` in the document links to the
    destination named `id`, which is on the page where the element with that id starts)."""
    trailer, obj = _objects(data)
    root = obj(int(re.search(rb"/Root\s*" + _REF, trailer).group(1)))
    order: dict[int, int] = {}

    def walk(num: int, depth: int = 0) -> None:
        node = obj(num)
        if depth > 64:
            raise ValueError("PDF page tree too deep")
        if re.search(rb"/Type\s*/Pages\b", node):
            kids = re.search(rb"/Kids\s*\[(.*?)\]", node, re.S).group(1)
            for kid in re.findall(_REF, kids):
                walk(int(kid), depth + 1)
        else:
            order.setdefault(num, len(order) + 1)

    walk(int(re.search(rb"/Pages\s*" + _REF, root).group(1)))
    dests = _deref(root, b"Dests", obj)
    if dests is None:
        return {}
    pages = {}
    for name, page in re.findall(rb"/([^\s/\[\]<>(){}%]+)\s*(?:<<\s*/D\s*)?\[\s*" + _REF, dests):
        name = _NAME_ESCAPE.sub(lambda g: bytes([int(g.group(1), 16)]), name).decode("utf-8")
        if int(page) in order:
            pages[name] = order[int(page)]
    return pages


OBJSTM_SIZE = 200  # objects per object stream


def compact(data: bytes) -> bytes:
    """The PDF Chromium printed, its non-stream objects packed into compressed object
    streams with a cross-reference stream (PDF 1.5): Chromium writes every dictionary as
    plain text, and the tagged structure and link annotations of a long book are megabytes
    of them (two thirds of the reading edition). Streams and every object's number stay."""
    import zlib

    trailer, obj = _objects(data)
    nums = obj.numbers
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    where: dict[int, tuple[int, int, int]] = {}  # num -> (type, field 2, field 3)
    packed: list[tuple[int, bytes]] = []
    for num in nums:
        body = obj(num)
        if body.startswith(b"<<") and re.search(rb">>\s*stream\r?\n", body):
            where[num] = (1, len(out), 0)
            out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
        else:
            packed.append((num, body))
    next_num = max(nums) + 1
    for i in range(0, len(packed), OBJSTM_SIZE):
        chunk, heads, bodies, pos = packed[i:i + OBJSTM_SIZE], [], [], 0
        for j, (num, body) in enumerate(chunk):
            heads.append(b"%d %d" % (num, pos))
            bodies.append(body)
            pos += len(body) + 1
            where[num] = (2, next_num, j)
        head = b" ".join(heads) + b"\n"
        raw = zlib.compress(head + b"\n".join(bodies) + b"\n", 9)
        where[next_num] = (1, len(out), 0)
        out += (b"%d 0 obj\n<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>\nstream\n"
                % (next_num, len(chunk), len(head), len(raw))) + raw + b"\nendstream\nendobj\n"
        next_num += 1
    xref_num, size = next_num, next_num + 1
    where[xref_num] = (1, len(out), 0)
    rows = b"".join(bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
                    for t, a, b in (where.get(n, (0, 0, 0)) for n in range(size)))
    raw = zlib.compress(rows, 9)
    keep = b"".join(m.group(0) + b" " for m in re.finditer(rb"/(?:Root|Info)\s+\d+\s+\d+\s+R", trailer))
    keep += b"".join(m.group(0) + b" " for m in re.finditer(rb"/ID\s*\[[^\]]*\]", trailer))
    xref_at = len(out)
    out += (b"%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2] %s/Filter /FlateDecode /Length %d>>\nstream\n"
            % (xref_num, size, keep, len(raw))) + raw + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _toc_numbers(data: bytes, targets: list[str]) -> dict[str, int]:
    pages = dest_pages(data)
    missing = [t for t in targets if t not in pages]
    if missing:
        raise RuntimeError(f"PDF edition: no destination for contents entries {missing[:5]}")
    return {t: pages[t] for t in targets}


# Run by Playwright (the page's own scripts stay disabled). The draft paints nothing: hidden
# boxes are laid out as shown ones, and Chromium places destinations by layout, not paint.
_DRAFT = """() => { const s = document.createElement('style'); s.id = 'fraudbook-pdf-draft';
  s.textContent = 'body * { visibility: hidden !important; }'; document.head.append(s); }"""
# Shows the document again and fills the reserved boxes.
_FILL_TOC = f"""numbers => {{ document.getElementById('fraudbook-pdf-draft')?.remove();
  for (const s of document.querySelectorAll('span.{TOC_PAGE}'))
    s.textContent = String(numbers[s.dataset.target]); }}"""


def _print_pdf(document: str, out: Path, heading: str) -> int:
    """Print `document` into `out`, its contents numbered; return how many prints it took."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "edition.html"
        source.write_text(document, encoding="utf-8")
        partial = Path(tmp) / out.name
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            try:
                ctx = browser.new_context(java_script_enabled=False)
                ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                          else r.abort())
                page = ctx.new_page()
                page.goto(source.as_uri(), wait_until="load")
                foot = ('<div style="font-size:8px;width:100%;text-align:center;color:#444;">'
                        f'{html.escape(heading)} &#8212; page '
                        '<span class="pageNumber"></span> of <span class="totalPages"></span></div>')

                prints = [0]

                def print_to(path: Path, final: bool) -> bytes:
                    prints[0] += 1
                    page.pdf(path=str(path), format="A4", print_background=True,
                             display_header_footer=True, header_template="<span></span>",
                             footer_template=foot, outline=final, tagged=final,
                             margin={"top": "14mm", "bottom": "16mm", "left": "13mm", "right": "13mm"})
                    return path.read_bytes()

                targets, numbers = toc_targets(document), {}
                if targets:  # the draft: where each contents target lands, the numbers' boxes blank
                    page.evaluate(_DRAFT)
                    numbers = _toc_numbers(print_to(partial, final=False), targets)
                for attempt in range(1, PRINTS):
                    page.evaluate(_FILL_TOC, numbers)
                    printed = _toc_numbers(print_to(partial, final=True), targets)
                    if printed == numbers:
                        break
                    if attempt == PRINTS - 1:
                        moved = {t: (numbers[t], printed[t]) for t in targets if printed[t] != numbers[t]}
                        raise RuntimeError(f"PDF edition: contents page numbers do not settle: {moved}")
                    numbers = printed
            finally:
                browser.close()
        partial.write_bytes(compact(partial.read_bytes()))
        shutil.move(str(partial), str(out))
    return prints[0]


def _document_digest(document: str) -> str:
    """What one PDF is printed from: its document and this module (how it is printed)."""
    h = hashlib.sha256(document.encode("utf-8"))
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def build_pdf(html_dir: Path, *, title: str, edition: str, date: str, digest: str,
              log=print) -> dict[str, Path]:
    """Write both editions (html_dir/fraudbook-<edition>.pdf, the reading edition, and
    fraudbook-<edition>-reference.pdf), each unless the one there was printed from the same
    document; an edition with no pages is not written. Returns {part name: PDF}.

    The site digest is checked first (an unchanged site assembles nothing); then each
    edition's document digest (a stamp beside its PDF), so a change to the chapters reprints
    the reading edition only."""
    outs = {p.name: html_dir / pdf_name(edition, p.name) for p in PARTS}
    stamp = html_dir / STAMP
    if stamp.exists() and stamp.read_text() == digest and all(o.exists() for o in outs.values()):
        log("PDF up to date: " + ", ".join(o.name for o in outs.values()))
        return outs
    for old in html_dir.glob("fraudbook-*.pdf"):
        if old not in outs.values():
            old.unlink()
            (html_dir / f".{old.name}.digest").unlink(missing_ok=True)
    written: dict[str, Path] = {}
    for part in PARTS:
        out = outs[part.name]
        part_stamp = html_dir / f".{out.name}.digest"
        document = assemble(html_dir, title, edition, date, part.name)
        if not document:
            out.unlink(missing_ok=True)
            part_stamp.unlink(missing_ok=True)
            continue
        written[part.name] = out
        key = _document_digest(document)
        if out.exists() and part_stamp.exists() and part_stamp.read_text() == key:
            log(f"PDF up to date: {out.name}")
            continue
        # Playwright's sync API refuses to run where an asyncio loop runs (a caller's own
        # Playwright, a notebook): print from a thread of our own.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            prints = pool.submit(_print_pdf, document, out, full_title(title, edition, part)).result()
        part_stamp.write_text(key)
        log(f"PDF written: {out.name} ({out.stat().st_size // 1024} KB, {prints} prints)")
    stamp.write_text(digest)
    return written
