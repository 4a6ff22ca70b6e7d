"""The bibliography of the "Data and methods" page, generated from data/sources.csv.

The build writes it to book/references.bib before Sphinx runs (sphinxcontrib-bibtex reads it);
it is never edited by hand. The file is written by pybtex's BibTeX writer (`BibWriter`), which
the book's other BibTeX (the citations of the book and its figures, fraudbook.kit.citations)
uses too.
"""

from __future__ import annotations

from pybtex.database import BibliographyData, Entry
from pybtex.database.output.bibtex import Writer

from .load import Dataset
from .values import blank

# The characters LaTeX reads as markup that pybtex's writer leaves as they are (it escapes
# & % # _ itself, and ~ as '\textasciitilde\ ', which eats the space after it).
_MARKUP = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


class BibWriter(Writer):
    """pybtex's BibTeX writer, in UTF-8 (whatever the locale), that writes the fields a style
    prints verbatim (url, doi) as they are: LaTeX escapes would change the address."""

    VERBATIM = frozenset({"url", "doi"})

    def __init__(self):
        super().__init__(encoding="UTF-8")

    def field_text(self, value: str) -> str:
        """A field's text as the writer writes it (LaTeX-encoded)."""
        return self._encode(value)

    def _write_field(self, stream, type, value):  # noqa: A002 (pybtex's own signature)
        if type.lower() in self.VERBATIM:
            stream.write(f",\n    {type} = {self.quote(value)}")
        else:
            super()._write_field(stream, type, value)


def _matched_braces(s: str) -> set[int]:
    """The positions of the braces in `s` that close or are closed by another."""
    opened, matched = [], set()
    for i, ch in enumerate(s):
        if ch == "{":
            opened.append(i)
        elif ch == "}" and opened:
            matched.update((opened.pop(), i))
    return matched


def latex_markup(s, dollar: bool = False) -> str:
    """Text for a field given to `BibWriter`: whitespace collapsed and the characters LaTeX
    reads as markup which the writer leaves alone escaped: the backslash, braces (a matched
    pair as '\\{' '\\}'; an unmatched one as '\\textbraceleft{}' or '\\textbraceright{}', as
    BibTeX counts every brace), '~', '^' and, with `dollar`, '$'. The writer escapes & % # _.

    '$' stays as it is by default: pybtex (which renders the book's bibliography) prints a bare
    '$' literally but would print '\\$' with its backslash. Citations read by LaTeX and
    reference managers pass `dollar=True`.
    """
    s = " ".join(str(s).split())
    matched = _matched_braces(s)
    out = []
    for i, ch in enumerate(s):
        if ch in "{}":
            out.append("\\" + ch if i in matched else r"\textbraceleft{}" if ch == "{" else r"\textbraceright{}")
        elif ch == "$" and dollar:
            out.append(r"\$")
        else:
            out.append(_MARKUP.get(ch, ch))
    return "".join(out)


def bib_escape(s) -> str:
    """Text for a BibTeX field as the file holds it: LaTeX special characters escaped,
    whitespace collapsed (`latex_markup`, then the writer's own escapes).

    '$' stays as it is: pybtex (which renders the bibliography) prints a bare '$' literally
    but would print '\\$' with its backslash; '%' must be escaped or pybtex drops the rest.
    """
    return BibWriter().field_text(latex_markup(s))


def _bib_url(u: str) -> str:
    # Field values are delimited: only unbalanced braces could break the file, and a
    # backslash would start a command; both are percent-encoded (URLs in the data have none).
    return u.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


# The months as BibTeX's month macros (jan, feb, ...) spell them out: written in full, as a
# string, they read the same in every style (pybtex's writer writes no macros).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

HEADER = "% Generated from data/sources.csv by fraudbook.data.bibliography; do not edit.\n\n"


def write_string(entries: dict[str, Entry]) -> str:
    """The BibTeX of `entries` (key -> pybtex Entry, in their order), by `BibWriter`."""
    return BibWriter().to_string(BibliographyData(entries=entries))


def bibtex(ds: Dataset) -> str:
    """A .bib file with one @misc entry per source (key = source_id), sorted by key.

    Fields: title (protected from case changes), howpublished and organization (the
    publisher), year, month and date where known, url, and note = 'kind, confidence'
    (plus whose text a republication carries).
    """
    entries = {}
    for sid in sorted(ds.sources.index):
        s = ds.sources.loc[sid]
        fields = {"title": "{" + latex_markup(s["title"]) + "}",
                  "howpublished": latex_markup(s["publisher"]),
                  "organization": latex_markup(s["publisher"])}
        d = str(s["date_published"] or "")
        if d:
            fields["year"] = d[:4]
            if len(d) >= 7:
                fields["month"] = MONTHS[int(d[5:7]) - 1]
            fields["date"] = d
        if s["url"]:
            fields["url"] = _bib_url(str(s["url"]))
        note = f"{s['kind']}, {s['confidence']} confidence"
        if not blank(s.get("original")) and s["original"]:
            note += f"; text of {s['original']}"
        fields["note"] = latex_markup(note)
        entries[sid] = Entry("misc", fields=fields)
    return HEADER + write_string(entries)


def write_bibtex(ds: Dataset, path) -> bool:
    """Write bibtex(ds) to `path` if it changed; True when the file was (re)written."""
    from pathlib import Path

    p = Path(path)
    new = bibtex(ds)
    if p.exists() and p.read_text(encoding="utf-8") == new:
        return False
    p.write_text(new, encoding="utf-8")
    return True
