"""The bibliography of the "Data and methods" page, generated from data/sources.csv.

The build writes it to book/references.bib before Sphinx runs (sphinxcontrib-bibtex reads it);
it is never edited by hand.
"""

from __future__ import annotations

from .load import Dataset, blank

_BIB_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def bib_escape(s: str) -> str:
    """Text for a BibTeX field: LaTeX special characters escaped, whitespace collapsed.

    '$' stays as it is: pybtex (which renders the bibliography) prints a bare '$' literally
    but would print '\\$' with its backslash; '%' must be escaped or pybtex drops the rest.
    """
    s = " ".join(str(s).split())
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in s)


def _bib_url(u: str) -> str:
    # Field values are brace-delimited: only unbalanced braces could break the file, and a
    # backslash would start a command; both are percent-encoded (URLs in the data have none).
    return u.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtex(ds: Dataset) -> str:
    """A .bib file with one @misc entry per source (key = source_id), sorted by key.

    Fields: title (protected from case changes), howpublished and organization (the
    publisher), year, month and date where known, url, and note = 'kind, confidence'
    (plus whose text a republication carries).
    """
    entries = []
    for sid in sorted(ds.sources.index):
        s = ds.sources.loc[sid]
        fields = [("title", "{" + bib_escape(s["title"]) + "}"),
                  ("howpublished", bib_escape(s["publisher"])),
                  ("organization", bib_escape(s["publisher"]))]
        d = str(s["date_published"] or "")
        if d:
            fields.append(("year", d[:4]))
            if len(d) >= 7:
                fields.append(("month", MONTHS[int(d[5:7]) - 1]))
            fields.append(("date", d))
        if s["url"]:
            fields.append(("url", _bib_url(str(s["url"]))))
        note = f"{s['kind']}, {s['confidence']} confidence"
        if not blank(s.get("original")) and s["original"]:
            note += f"; text of {s['original']}"
        fields.append(("note", bib_escape(note)))
        # The month is a BibTeX macro (oct), so it stays unbraced and styles can spell it out.
        body = ",\n".join(f"  {k} = {v}" if k == "month" else f"  {k} = {{{v}}}" for k, v in fields)
        entries.append(f"@misc{{{sid},\n{body}\n}}\n")
    return "% Generated from data/sources.csv by fraudbook.data.bibliography; do not edit.\n\n" \
        + "\n".join(entries)


def write_bibtex(ds: Dataset, path) -> bool:
    """Write bibtex(ds) to `path` if it changed; True when the file was (re)written."""
    from pathlib import Path

    p = Path(path)
    new = bibtex(ds)
    if p.exists() and p.read_text(encoding="utf-8") == new:
        return False
    p.write_text(new, encoding="utf-8")
    return True
