"""The one escaper: every piece of text from the data that reaches Markdown or HTML goes
through these functions, so markup in a cell is always shown as text.

- `html_text`: text inside an element or an attribute (quotes escaped too).
- `md`: text inside glued or generated MyST Markdown (HTML escaped and Markdown made inert).
- `href`: a URL for an href; anything that is not a plain http(s) URL is refused.
- `wrap_ids`: an identifier or path that may wrap after `_`, `-` and `/` in a narrow column;
  `breakable_urls`: text whose web addresses may wrap after their punctuation.
- `plain_text`: the other way: the words an HTML fragment shows, tags dropped.
"""

from __future__ import annotations

import html
import re

from ..data.rules import URL

# Characters with a meaning in MyST Markdown (inline and at line start); "$" for dollar math.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#$|~!])")


def plain_text(fragment: str, tag_gap: str = "") -> str:
    """The text an HTML fragment shows, on one line; `tag_gap=" "` counts a tag as a break
    between words (a <br> or <wbr> inside a cell)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", tag_gap, fragment))).strip()


# A line break written as a character reference: the same character to the browser, but never
# a blank line in the Markdown around it (a blank line ends a raw HTML block, and whatever
# follows would be read as MyST: roles, directives, fences).
_LINE_BREAK = re.compile(r"\r\n?|\n")


def html_text(text) -> str:
    """Text safe inside an HTML element or a quoted attribute, on one line of the page's source."""
    return _LINE_BREAK.sub("&#10;", html.escape("" if text is None else str(text), quote=True))


def md(text) -> str:
    """Text from the data made safe inside MyST Markdown: HTML escaped, Markdown inert, on one
    line (a line break would let the next line open a block: a fence, a heading, a list)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape("" if text is None else str(text), quote=False))
    return _LINE_BREAK.sub("&#10;", escaped)


def href(url) -> str:
    """A URL checked and escaped for an href attribute (ValueError for anything else)."""
    u = "" if url is None else str(url).strip()
    if not URL.match(u):
        raise ValueError(f"not a plain http(s) URL: {u[:80]!r}")
    return html.escape(u, quote=True)


def wrap_ids(text) -> str:
    """Escaped text that may wrap after '_', '-' and '/' (long ids otherwise widen tables)."""
    return re.sub(r"([_/-])", r"\1<wbr>", html_text(text))


# An address's run without punctuation (a hash, a long id) may also break after this many.
URL_PIECE = 16
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"]+")
_AFTER_URL_PUNCT = re.compile(r"(?<=[/.?&=#_-])(?=.)")


def breakable_urls(text) -> str:
    """Escaped text whose web addresses may wrap after their punctuation (<wbr>), never
    inside a word: a long address in a narrow cell otherwise widens it or is cut anywhere."""
    text = "" if text is None else str(text)
    out, pos = [], 0
    for m in _URL_IN_TEXT.finditer(text):
        out.append(html_text(text[pos:m.start()]))
        pieces = [p[i:i + URL_PIECE] for p in _AFTER_URL_PUNCT.split(m.group(0))
                  for i in range(0, len(p), URL_PIECE)]
        out.append("<wbr>".join(html_text(p) for p in pieces))
        pos = m.end()
    out.append(html_text(text[pos:]))
    return "".join(out)


def small(inner_html: str) -> str:
    """A second, smaller line in a table cell (already-safe HTML in, HTML out)."""
    return f'<br><span class="fraudbook-quote">{inner_html}</span>' if inner_html else ""
