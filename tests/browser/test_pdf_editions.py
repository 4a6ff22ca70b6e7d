"""The two PDFs: the reading edition short and light, its links numbered notes, the reference
edition whole, and every script drawn.

Read from the PDFs the build printed (the session's built site): their text by poppler's
`pdftotext` (Debian's poppler-utils, as the PDFs' readers have it), their glyphs and pages by
the small reader of test_pdf_toc. What each edition should hold comes from the dataset
(`fraudbook.data.load.load()`) and from the built pages, never from the PDF code's output alone.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_pdf_toc import MiniPdf, squash  # tests/browser is on the path, as pytest puts it

from fraudbook.data.claims import edition
from fraudbook.data.load import load
from fraudbook.pipeline import pdf as pdf_build
from fraudbook.pipeline.sphinx_ext import pdf_name

MAX_PAGES, MAX_BYTES = 150, 5 * 1024 * 1024
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# A run of Chinese as the data writes it: ideographs, with the digits and punctuation between.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff][\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef0-9.,]*"
                     r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]|[\u3400-\u4dbf\u4e00-\u9fff]")
MISSING = ("\u25a1", "\ufffd")  # a white square, the replacement character


def pdf_path(site: Path, part: str) -> Path:
    return site / pdf_name(edition(), part)


def pdf_text(path: Path) -> str:
    """The PDF's text in drawing order (`pdftotext -raw`: a table's cells are not re-flowed)."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True)
    return out.stdout.decode("utf-8")


def page_count(path: Path) -> int:
    return len(MiniPdf(path.read_bytes()).pages())


def visible_text(document: str) -> str:
    """The text an assembled document prints: tags gone, hidden parts (display: none in the
    PDF's stylesheet) left out."""
    body = document[document.index("<body>"):]
    body = re.sub(r'<p class="fraudbook-chart-downloads">.*?</p>|<a class="headerlink"[^>]*>.*?</a>'
                  r"|<button\b.*?</button>|<form\b.*?</form>|<style\b.*?</style>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def documents(built_site: Path) -> dict[str, str]:
    return {p.name: pdf_build.assemble(built_site, "", "", "", p.name) for p in pdf_build.PARTS}


@pytest.fixture(scope="module")
def texts(built_site: Path) -> dict[str, str]:
    return {p.name: pdf_text(pdf_path(built_site, p.name)) for p in pdf_build.PARTS}


@pytest.mark.slow
def test_reading_edition_is_at_most_150_pages_and_5_mb(built_site: Path):
    path = pdf_path(built_site, "")
    pages, size = page_count(path), path.stat().st_size
    assert pages <= MAX_PAGES, f"the reading edition has {pages} pages (at most {MAX_PAGES})"
    assert size <= MAX_BYTES, f"the reading edition is {size / 1e6:.1f} MB (at most 5 MB)"
    # The reference edition is the long part: the register of every figure.
    assert page_count(pdf_path(built_site, "reference")) > 30


@pytest.mark.slow
@pytest.mark.parametrize("part", ["", "reference"])
def test_no_address_printed_after_a_link(documents, texts, part: str):
    """Each external address is printed once per chapter, in its note: the PDF holds as many
    addresses as the document's visible text (notes included), not one more per link."""
    doc, text = documents[part], texts[part]
    assert "attr(href)" not in doc, "a stylesheet prints addresses after links"
    expected = len(re.findall(r"https?://", visible_text(doc)))
    notes = len(re.findall(r'<li id="[^"]*--note-\d+">', doc))
    printed = len(re.findall(r"https?://", text))
    assert notes > 50 and expected >= notes
    assert printed == expected, (f"{printed} addresses printed for {expected} in the text "
                                 f"({notes} notes): an address after each link?")


def chapter_notes(document: str) -> list[tuple[str, list[tuple[int, str]], list[tuple[str, int]]]]:
    """Per chapter of an assembled document: its key, its notes (number, address) in order,
    and each external link's (address, number of the superscript after it)."""
    out = []
    for key, body in re.findall(r'<section class="fraudbook-pdf-chapter" id="([^"]+)">(.*?)(?=<section class='
                                r'"fraudbook-pdf-chapter"|</body>)', document, re.S):
        notes = [(int(n), html.unescape(u)) for n, u in re.findall(
            r'<li id="[^"]*--note-(\d+)"><span class="fraudbook-pdf-note-n">\d+</span><a href="([^"]+)"', body)]
        text = body.split('<section class="fraudbook-pdf-notes">')[0]
        links = [(html.unescape(u), int(n)) for u, n in re.findall(
            r'<a\b[^>]*?\shref="(https?://[^"]+)"[^>]*>.*?</a><sup class="fraudbook-pdf-note">(\d+)</sup>', text, re.S)]
        bare = len(re.findall(r'<a\b[^>]*?\shref="https?://', text))
        assert bare == len(links), f"{key}: {bare - len(links)} external links with no note number"
        out.append((key, notes, links))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("part", ["", "reference"])
def test_links_are_numbered_notes_whose_addresses_match(built_site: Path, documents, texts, part: str):
    chapters = chapter_notes(documents[part])
    assert sum(len(n) for _, n, _ in chapters) > 50
    for key, notes, links in chapters:
        # Numbered 1, 2, 3… in the order the chapter first cites them, one per address.
        assert [n for n, _ in notes] == list(range(1, len(notes) + 1)), f"{key}: notes not numbered in order"
        by_number = dict(notes)
        assert len(set(by_number.values())) == len(notes), f"{key}: one address in two notes"
        first_seen = list(dict.fromkeys(n for _, n in links))
        assert first_seen == list(range(1, len(notes) + 1)), f"{key}: superscripts out of order"
        for url, n in links:
            assert by_number[n] == url, f"{key}: note {n} is {by_number[n]}, its link goes to {url}"
    # Printed: each chapter's notes, after the word "Notes", read "<n> <address>" in order.
    text = squash(texts[part])
    pos = 0
    for key, notes, _ in chapters:
        if not notes:
            continue
        pos = text.find("Notes", pos)
        assert pos >= 0, f"{key}: no notes printed"
        for n, url in notes:
            at = text.find(squash(f"{n}{url}"), pos)
            assert at >= 0, f"{key}: note {n} ({url}) not printed after the previous one"
            pos = at
    # Clickable: the PDF's link annotations are the notes' addresses (and nothing else).
    reader = MiniPdf(pdf_path(built_site, part).read_bytes())
    nums = list(reader.offsets) + list(reader.packed)
    # (Chromium writes an address percent-encoded, as the browser sends it.)
    uris = {unquote(m.group(1).decode("latin-1").replace("\\(", "(").replace("\\)", ")"))
            for n in nums for m in re.finditer(rb"/URI\s*\(((?:\\.|[^\\)])*)\)", reader.dict_of(n)[:4000])}
    note_urls = {unquote(u) for _, notes, _ in chapters for _, u in notes}
    assert note_urls <= uris, f"notes with no link: {sorted(note_urls - uris)[:5]}"


@pytest.mark.slow
def test_reference_edition_holds_every_register_row_and_every_source(built_site: Path, texts):
    ds = load()
    text = squash(texts["reference"])
    rows = []
    for page in ("register.html", "register-earlier.html"):
        page_html = (built_site / "book" / page).read_text(encoding="utf-8")
        for first_cell in re.findall(r'<tr id="figure-[^"]+"[^>]*><td[^>]*>(.*?)</td>', page_html, re.S):
            rows.append(html.unescape(re.sub(r"<[^>]+>", " ", first_cell.replace("<wbr>", ""))))
    assert len(rows) == len(ds.figures), "the register's pages do not list every figure"
    missing = [r for r in rows if squash(r) not in text]
    assert not missing, f"{len(missing)} register rows not in the reference edition: {missing[:3]}"
    for _, s in ds.sources.iterrows():
        title, url = str(s["title"]), str(s["url"] or "")
        assert squash(title) in text, f"source {title!r} not in the reference edition"
        if url:
            assert squash(url) in text, f"source {title!r}: its address {url} not in the notes"


def chinese_in_data() -> list[str]:
    """Every Chinese source title and quote of data/ whole, and each run of Chinese in the
    other text the book prints from it (notes, descriptions, events)."""
    ds = load()
    whole = [str(t) for t in ds.sources["title"] if CJK.search(str(t))]
    whole += [str(q) for q in ds.citations["quote"] if CJK.search(str(q))]
    runs = []
    for table in (ds.sources, ds.figures, ds.events, ds.citations, ds.conflicts):
        for column in table.columns:
            for value in table[column]:
                runs += CJK_RUN.findall(str(value))
    return list(dict.fromkeys(whole + runs))


@pytest.mark.slow
@pytest.mark.parametrize("part", ["", "reference"])
def test_every_chinese_title_and_quote_printed_verbatim(documents, texts, part: str):
    printed_doc, text = squash(visible_text(documents[part])), squash(texts[part])
    shown = [c for c in chinese_in_data() if squash(c) in printed_doc]
    assert len(shown) >= 5, f"too few Chinese texts in the edition to test: {shown}"
    missing = [c for c in shown if squash(c) not in text]
    assert not missing, f"Chinese text not in the PDF as written: {missing[:5]}"
    for ch in MISSING:
        assert ch not in texts[part], f"a missing-glyph character U+{ord(ch):04X} in the PDF"


def notdef_glyphs(reader: MiniPdf) -> list[tuple[int, str]]:
    """(page, font) of each glyph drawn as the font's .notdef: glyph 0 of a CID font, a
    Type 3 font's code whose glyph is g0 (Skia names a Type 3 glyph after its glyph id)."""
    out = []
    for number, page in enumerate(reader.pages(), 1):
        found = reader.fonts_and_content(page)
        if found is None:
            continue
        fonts, content = found
        font, kind, names = None, b"", []
        for m in re.finditer(r"/([\w.+-]+)\s+[-\d.]+\s+Tf\b|(<[0-9A-Fa-f\s]*>)\s*Tj\b|\[([^\]]*)\]\s*TJ\b", content):
            if m.group(1):
                font = fonts[m.group(1)]
                fd = reader.dict_of(font)
                kind = b"Type3" if b"/Subtype /Type3" in fd else b"Type0"
                names = []
                if kind == b"Type3":
                    diff = re.search(rb"/Differences\s*\[(.*?)\]", fd, re.S)
                    start, names = 0, {}
                    for tok in re.findall(rb"\d+|/[\w.]+", diff.group(1) if diff else b""):
                        if tok[:1] == b"/":
                            names[start] = tok[1:].decode()
                            start += 1
                        else:
                            start = int(tok)
                continue
            hexes = re.sub(r"\s", "", "".join(re.findall(r"<([0-9A-Fa-f\s]*)>", m.group(2) or m.group(3))))
            width = 2 if kind == b"Type3" else 4
            for i in range(0, len(hexes), width):
                code = int(hexes[i:i + width], 16)
                if (kind == b"Type3" and names.get(code, "g0") == "g0") or (kind != b"Type3" and code == 0):
                    out.append((number, str(font)))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("part", ["", "reference"])
def test_no_glyph_is_drawn_as_a_missing_glyph_box(built_site: Path, part: str):
    reader = MiniPdf(pdf_path(built_site, part).read_bytes())
    bad = notdef_glyphs(reader)
    assert not bad, f"{len(bad)} glyphs drawn as .notdef (an empty box), first on page {bad[0][0]}"


def font_names(reader: MiniPdf) -> set[str]:
    nums = list(reader.offsets) + list(reader.packed)
    return {m.group(1).decode() for n in nums
            for m in [re.search(rb"/Type /FontDescriptor.*?/FontName /(\S+)", reader.dict_of(n)[:2000], re.S)] if m}


@pytest.mark.slow
@pytest.mark.parametrize("part", ["", "reference"])
def test_chinese_is_drawn_in_noto_sans_cjk(built_site: Path, part: str):
    names = font_names(MiniPdf(pdf_path(built_site, part).read_bytes()))
    assert any("NotoSansCJK" in n for n in names), f"no Noto Sans CJK font in the PDF: {sorted(names)}"


CJK_FONT = "Noto Sans CJK SC"


@pytest.mark.slow
def test_pages_and_chart_drawings_name_the_cjk_font(built_site: Path, open_page):
    # The pages: the theme's font stack, as the stylesheet at the end of fraudbook.css sets it.
    page, _ = open_page("book/sources.html", wait_charts=False)
    for selector in ("body", "h1", "table.fraudbook-sources td"):
        family = page.eval_on_selector(selector, "e => getComputedStyle(e).fontFamily")
        assert CJK_FONT in family, f"{selector} on the sources page: font-family {family!r}"
    # A chart whose labels hold Chinese: its drawing names the font for every label.
    drawings = [p for p in (built_site / "book" / "figures").glob("*-wide.svg")
                if CJK_RUN.search(re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8")))]
    assert drawings, "no chart drawing with a Chinese label to test"
    svg = drawings[0].read_text(encoding="utf-8")
    families = set(re.findall(r'font-family="([^"]*)"', svg))
    assert families and all(CJK_FONT in f for f in families), f"{drawings[0].name}: {families}"
    # …and the browser draws them with it (the drawing opened alone, as an <img> shows it).
    page, _ = open_page(f"book/figures/{drawings[0].name}", wait_charts=False)
    label = page.evaluate("""() => [...document.querySelectorAll('text')]
        .find(t => /[\\u4e00-\\u9fff]/.test(t.textContent))""" + " && true")
    assert label, "no Chinese label in the drawing"
    family = page.evaluate("""() => getComputedStyle([...document.querySelectorAll('text')]
        .find(t => /[\\u4e00-\\u9fff]/.test(t.textContent))).fontFamily""")
    assert CJK_FONT in family, f"the Chinese label's font-family is {family!r}"
