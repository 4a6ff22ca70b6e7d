"""The PDF edition's contents show page numbers, and they are right.

Checked on the printed PDF itself: each contents entry reads "<n>. <title> … N", and page N of
the PDF (whose footer says "page N of M") is the first page, from the contents on, that draws
the entry's heading in chapter-heading (h1) or section-heading (h2) type. The PDF is read by
the small reader below, enough for what Chromium's Skia writes (one classic cross-reference
table, Type0 fonts with ToUnicode maps, Flate content streams): it adds no dependency and
shares no code with the build (only `assemble`, to list the entries, and `dest_pages`, tested
on a PDF made by hand)."""

from __future__ import annotations

import html
import re
import unicodedata
import zlib
from pathlib import Path

import pytest

from fraudbook.pipeline import pdf as pdf_build


class MiniPdf:
    """Pages, strings and the text each page draws (with its size) of a PDF Chromium printed."""

    def __init__(self, data: bytes):
        self.data = data
        start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
        self.offsets: dict[int, int] = {}
        self.packed: dict[int, tuple[int, int]] = {}  # object -> (object stream, index)
        self._objstms: dict[int, list[bytes]] = {}
        if data[start:start + 4] == b"xref":
            pos = start + 4
            while sub := re.compile(rb"\s*(\d+) (\d+)[ \t]*\r?\n").match(data, pos):
                first, count = int(sub.group(1)), int(sub.group(2))
                pos = sub.end()
                for i in range(count):
                    if data[pos + 17:pos + 18] == b"n":
                        self.offsets[first + i] = int(data[pos:pos + 10])
                    pos += 20
            self.trailer = re.compile(rb"\s*trailer\s*<<(.*?)>>", re.S).match(data, pos).group(1)
        else:  # a cross-reference stream (PDF 1.5), as fraudbook.pipeline.pdf.compact writes it
            m = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S).match(data, start)
            assert m and b"/Type /XRef" in m.group(2), "no cross-reference table or stream"
            self.trailer = m.group(2)
            length = int(re.search(rb"/Length (\d+)", self.trailer).group(1))
            rows = zlib.decompress(data[m.end():m.end() + length])
            widths = [int(w) for w in re.search(rb"/W \[(\d+) (\d+) (\d+)\]", self.trailer).groups()]
            step = sum(widths)
            for num in range(len(rows) // step):
                row = rows[num * step:(num + 1) * step]
                kind, a, b = (int.from_bytes(row[sum(widths[:i]):sum(widths[:i + 1])], "big") for i in range(3))
                if kind == 1:
                    self.offsets[num] = a
                elif kind == 2:
                    self.packed[num] = (a, b)
        self._cmaps: dict[int, dict[int, str]] = {}

    def dict_of(self, num: int) -> bytes:
        if num in self.packed:
            stm, index = self.packed[num]
            if stm not in self._objstms:
                head = re.compile(rb"\d+ \d+ obj\s*<<(.*?)>>", re.S).match(self.data, self.offsets[stm]).group(1)
                first = int(re.search(rb"/First (\d+)", head).group(1))
                raw = self.stream(stm)
                pairs = [int(x) for x in raw[:first].split()]
                starts = pairs[1::2] + [len(raw) - first]
                self._objstms[stm] = [raw[first + starts[i]:first + starts[i + 1]].strip()
                                      for i in range(len(pairs) // 2)]
            return self._objstms[stm][index]
        return re.compile(rb"\d+ \d+ obj\s*(.*?)(?:stream\r?\n|endobj)", re.S).match(
            self.data, self.offsets[num]).group(1)

    def stream(self, num: int) -> bytes:
        m = re.compile(rb"\d+ \d+ obj\s*<<(.*?)>>\s*stream\r?\n", re.S).match(self.data, self.offsets[num])
        length = re.search(rb"/Length\s+(\d+)(\s+\d+\s+R)?", m.group(1))
        n = int(self.dict_of(int(length.group(1))).strip()) if length.group(2) else int(length.group(1))
        raw = self.data[m.end():m.end() + n]
        return zlib.decompress(raw) if b"/FlateDecode" in m.group(1) else raw

    @staticmethod
    def ref(value: bytes, key: bytes) -> int:
        return int(re.search(rb"/" + key + rb"\s+(\d+) \d+ R", value).group(1))

    def title(self) -> str:
        raw = re.search(rb"/Title\s*(<[0-9A-Fa-f]+>|\((?:\\.|[^\\)])*\))", self.dict_of(self.ref(self.trailer, b"Info")))
        raw = raw.group(1)
        if raw.startswith(b"<"):
            b = bytes.fromhex(raw[1:-1].decode())
            return b[2:].decode("utf-16-be") if b[:2] == b"\xfe\xff" else b.decode("latin-1")
        return re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1")

    def pages(self) -> list[int]:
        out: list[int] = []

        def walk(num):
            node = self.dict_of(num)
            if re.search(rb"/Type\s*/Pages\b", node):
                for kid in re.findall(rb"(\d+) \d+ R", re.search(rb"/Kids\s*\[(.*?)\]", node, re.S).group(1)):
                    walk(int(kid))
            else:
                out.append(num)

        walk(self.ref(self.dict_of(self.ref(self.trailer, b"Root")), b"Pages"))
        return out

    def cmap(self, font: int) -> dict[int, str]:
        if font not in self._cmaps:
            text = self.stream(self.ref(self.dict_of(font), b"ToUnicode")).decode("latin-1")
            cmap: dict[int, str] = {}
            for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
                for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    cmap[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
            for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
                for lo, hi, dst in re.findall(r"<(\w+)>\s*<(\w+)>\s*(<\w+>|\[[^\]]*\])", block):
                    lo, hi = int(lo, 16), int(hi, 16)
                    if dst.startswith("["):
                        for i, d in enumerate(re.findall(r"<(\w+)>", dst)):
                            cmap[lo + i] = bytes.fromhex(d).decode("utf-16-be")
                    else:
                        first = bytes.fromhex(dst[1:-1]).decode("utf-16-be")
                        for i in range(hi - lo + 1):
                            cmap[lo + i] = first[:-1] + chr(ord(first[-1]) + i)
            self._cmaps[font] = cmap
        return self._cmaps[font]

    def fonts_and_content(self, page: int) -> tuple[dict[str, int], str] | None:
        """A page's fonts ({name: object}) and its content streams as text; None without fonts."""
        node = self.dict_of(page)
        fonts_at = re.search(rb"/Font\s*(?:(\d+) \d+ R|<<(.*?)>>)", node, re.S)
        if not fonts_at:
            return None
        fonts_dict = self.dict_of(int(fonts_at.group(1))) if fonts_at.group(1) else fonts_at.group(2)
        fonts = {n.decode(): int(r) for n, r in re.findall(rb"/([\w.+-]+)\s+(\d+) \d+ R", fonts_dict)}
        contents = re.search(rb"/Contents\s*(?:(\d+) \d+ R|\[(.*?)\])", node, re.S)
        streams = [int(contents.group(1))] if contents.group(1) else \
            [int(n) for n in re.findall(rb"(\d+) \d+ R", contents.group(2))]
        return fonts, b"\n".join(self.stream(s) for s in streams).decode("latin-1")

    def runs(self, page: int) -> list[tuple[float, str]]:
        """(relative font size, text) of each string the page shows, in drawing order."""
        fonts, content = self.fonts_and_content(page)
        token = re.compile(r"(?P<cm>(?:[-\d.]+\s+){6})cm\b|(?P<q>(?<![\w/])[qQ])(?=\s)"
                           r"|/(?P<font>[\w.+-]+)\s+(?P<size>[-\d.]+)\s+Tf\b"
                           r"|(?P<str><[0-9A-Fa-f\s]*>)\s*Tj\b|\[(?P<arr>[^\]]*)\]\s*TJ\b")
        out, font, size, scale, saved = [], None, 0.0, 1.0, []
        for m in token.finditer(content):
            if m.group("cm"):
                a, b = (float(x) for x in m.group("cm").split()[:2])
                scale *= (a * a + b * b) ** 0.5
            elif m.group("q"):
                if m.group("q") == "q":
                    saved.append(scale)
                else:
                    scale = saved.pop()
            elif m.group("font"):
                font, size = fonts[m.group("font")], abs(float(m.group("size"))) * scale
            else:
                cmap = self.cmap(font)
                glyphs = "".join(re.findall(r"<([0-9A-Fa-f\s]*)>", m.group("str") or m.group("arr")))
                glyphs = re.sub(r"\s", "", glyphs)
                out.append((round(size, 2), "".join(cmap.get(int(glyphs[i:i + 4], 16), "")
                                                    for i in range(0, len(glyphs), 4))))
        return out


def squash(text: str) -> str:
    """Text without white space, ligatures unfolded (the PDF draws "fi" as one glyph)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def contents_entries(document: str) -> list[tuple[str, str]]:
    """(target id, title) of each contents entry of an assembled document, in order."""
    nav = document[document.index('<nav class="fraudbook-pdf-toc">'):document.index("</nav>")]
    return [(html.unescape(t), html.unescape(re.sub(r"<[^>]+>", "", title)))
            for t, title in re.findall(r'<a href="#([^"]+)"><span class="fraudbook-pdf-toc-title">(.*?)</span>', nav)]


def check_contents(data: bytes, entries: list[tuple[str, str]]) -> list[int]:
    """Assert that the PDF's contents show, after each entry, the page where its heading is
    drawn (and that every page's footer says "page N of M"); return those pages."""
    reader = MiniPdf(data)
    pages = reader.pages()
    runs = [reader.runs(p) for p in pages]
    # The chapter-heading size: the contents' own heading "Contents" (an h1, 20 pt).
    h1 = next((page_runs[0][0] for page_runs in runs
               if squash("".join(t for _, t in page_runs)).startswith("Contents")), None)
    assert h1, "no heading \"Contents\" in the PDF"
    texts, headings = [], []
    for n, page_runs in enumerate(runs, 1):
        text = squash("".join(t for _, t in page_runs))
        footer = squash(f"{reader.title()} \u2014 page {n} of {len(pages)}")
        assert text.endswith(footer), f"PDF page {n}: the footer is not {footer!r}: {text[-80:]!r}"
        texts.append(text[:-len(footer)])
        # Headings: runs of one size, h1 (20 pt) and h2 (14 pt: 0.7 of it); h3 (11.5 pt), the
        # body (10 pt), tables and notes are smaller.
        level = [(1 if s >= 0.9 * h1 else 2 if s >= 0.62 * h1 else 0, t) for s, t in page_runs]
        groups: list[list] = []
        for lv, t in level:
            if groups and groups[-1][0] == lv:
                groups[-1][1] += t
            else:
                groups.append([lv, t])
        headings.append([(lv, squash(t)) for lv, t in groups if lv])
    start = next((i for i, t in enumerate(texts) if t.startswith("Contents")), None)
    assert start is not None, "no page begins with the contents"
    # Where each heading is drawn: the first page, from the contents on, that draws it as a
    # chapter's (h1) or a section's (h2) heading; the entries are in reading order.
    found, at = [], start
    for target, title in entries:
        level = 2 if "--" in target else 1
        at = next((i for i in range(at, len(pages)) if any(lv == level and squash(title) in h
                                                           for lv, h in headings[i])), None)
        assert at is not None, f"heading {title!r} ({target}) is drawn on no page after the contents"
        found.append(at + 1)
    contents = "".join(texts[start:found[0] - 1])
    assert contents.startswith("Contents")
    pos, chapter, section = len("Contents"), 0, 0
    for (target, title), page in zip(entries, found, strict=True):
        if "--" in target:
            section += 1
            marker = section
        else:
            chapter, section = chapter + 1, 0
            marker = chapter
        m = re.compile(rf"(?:{marker}\.)?{re.escape(squash(title))}{page}").match(contents, pos)
        assert m, (f"contents entry {title!r} should read {marker}. {title} … {page} (its heading is "
                   f"on page {page}); the PDF has {contents[pos:pos + len(squash(title)) + 12]!r}")
        pos = m.end()
    assert pos == len(contents), f"more in the contents than its entries: {contents[pos:pos + 80]!r}"
    return found


# --- the pure helper, on a PDF made by hand ------------------------------------------------

def _pdf(objects: dict[int, bytes], root: int) -> bytes:
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objects[num])
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<</Size %d\n/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def test_dest_pages_numbers_pages_in_page_tree_order():
    page = b"<</Type /Page\n/Parent %d 0 R\n/MediaBox [0 0 595 842]>>"
    objects = {
        1: b"<</Type /Catalog\n/Pages 2 0 R\n/Dests 9 0 R>>",
        2: b"<</Type /Pages\n/Count 3\n/Kids [3 0 R 7 0 R]>>",
        3: b"<</Type /Pages\n/Count 2\n/Kids [5 0 R 4 0 R]\n/Parent 2 0 R>>",
        4: page % 3, 5: page % 3, 7: page % 2,
        9: b"<</p-one [5 0 R /XYZ 0 842 0]\n/p-one--a#2Fb [4 0 R /XYZ 0 120.5 0]\n"
           b"/p-two <</D [7 0 R /XYZ 0 842 0]>>\n/elsewhere [99 0 R /Fit]>>",
    }
    data = _pdf(objects, root=1)
    assert pdf_build.dest_pages(data) == {"p-one": 1, "p-one--a/b": 2, "p-two": 3}
    assert pdf_build.dest_pages(_pdf({**objects, 1: b"<</Type /Catalog\n/Pages 2 0 R>>"}, root=1)) == {}
    with pytest.raises(ValueError, match="cross-reference"):
        pdf_build.dest_pages(data.replace(b"startxref\n", b"startxref\n1"))


# --- Chromium: a small book, then the real one ---------------------------------------------

WORDS = ["Welcome", "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India"]


def _page(stem: str, nxt: str | None, word: str, sections: list[int]) -> str:
    """A built page as the book's pages are: an article, its h1, h2 sections, a rel="next" link."""
    para = "<p>" + "A sentence about scam centres, repeated to fill the page. " * 12 + "</p>"
    body = "".join(f'<section id="{word.lower()}-{j}">\n<h2>{word} section {j}<a class="headerlink" href="#x">#</a>'
                   f"</h2>{para * n}</section>" for j, n in enumerate(sections))
    link = f'<link rel="next" title="n" href="{nxt}" />' if nxt else ""
    return (f'<html><head>{link}</head><body><article class="bd-article">'
            f'<section id="{stem}"><h1>{word} chapter</h1>{para}{body}</section></article></body></html>')


@pytest.mark.slow
def test_small_book_contents_numbers_match_the_printed_pages(tmp_path: Path):
    site = tmp_path / "html"
    (site / "book").mkdir(parents=True)
    stems = ["index"] + [f"chapter{i}" for i in range(1, len(WORDS))]
    sections = [[(i * 7 + j * 3) % 9 + 1 for j in range(i % 4 + 5)] for i in range(len(WORDS))]
    for i, (stem, word) in enumerate(zip(stems, WORDS, strict=True)):
        nxt = f"{stems[i + 1]}.html" if i + 1 < len(stems) else None
        (site / "book" / f"{stem}.html").write_text(_page(stem, nxt, word, sections[i]), encoding="utf-8")
    document = pdf_build.assemble(site, "Tiny book", "0.1", "")
    entries = contents_entries(document)
    assert len(entries) == len(WORDS) + sum(map(len, sections))  # long enough for two pages of contents
    assert [t for t, _ in entries] == pdf_build.toc_targets(document)

    outs = pdf_build.build_pdf(site, title="Tiny book", edition="0.1", date="", digest="one", log=lambda *a: None)
    # No page of the tiny book is a reference page: the reference edition is not written.
    assert set(outs) == {""} and not (site / "fraudbook-0.1-reference.pdf").exists()
    out = outs[""]
    found = check_contents(out.read_bytes(), entries)
    assert found == sorted(found) and len(set(found)) > 20, f"sections on too few pages: {found}"
    # Incremental as before: the same digest prints nothing.
    stamp = out.stat().st_mtime_ns
    pdf_build.build_pdf(site, title="Tiny book", edition="0.1", date="", digest="one", log=lambda *a: None)
    assert out.stat().st_mtime_ns == stamp
    # Another site digest with the same pages: the document is the same, nothing reprints.
    pdf_build.build_pdf(site, title="Tiny book", edition="0.1", date="", digest="two", log=lambda *a: None)
    assert out.stat().st_mtime_ns == stamp
    # A page changed: its edition reprints.
    page = site / "book" / "chapter1.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Alpha chapter", "Alpha chapter, again"),
                    encoding="utf-8")
    pdf_build.build_pdf(site, title="Tiny book", edition="0.1", date="", digest="three", log=lambda *a: None)
    assert out.stat().st_mtime_ns != stamp


@pytest.mark.slow
@pytest.mark.parametrize("part", [p.name for p in pdf_build.PARTS])
def test_pdf_edition_contents_show_the_right_page_numbers(built_site: Path, part: str):
    from fraudbook.data.claims import edition
    from fraudbook.pipeline.sphinx_ext import pdf_name

    pdf = built_site / pdf_name(edition(), part)
    entries = contents_entries(pdf_build.assemble(built_site, "", "", "", part))
    assert len(entries) > (50 if part == "" else 4)
    found = check_contents(pdf.read_bytes(), entries)
    assert found == sorted(found)
