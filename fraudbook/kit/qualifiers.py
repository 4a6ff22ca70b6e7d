"""How the book reads a qualifier, in words and in marks: the same on every page.

A figure's qualifier (data/figures.csv) says how the source states it. The book reads it as:
- point:   stated as is ("exact")                       -> a filled circle
- about:   an approximation either way ("about")        -> a diamond
- floor:   the true figure is higher ("more than", "at least") -> a triangle towards higher values
- ceiling: the true figure is lower ("up to", "just under", "nearly") -> a triangle towards lower values
- range:   a stated low-to-high range                    -> a bar (and a square in a legend)
- words:   no number stated ("unquantified")             -> not drawn; written out
Triangles point along the value axis: up/down on a vertical one, right/left on a horizontal one.
"""

from __future__ import annotations

READING = {
    "exact": "point", "about": "about", "at_least": "floor", "more_than": "floor",
    "up_to": "ceiling", "just_under": "ceiling", "nearly": "ceiling", "range": "range",
    "unquantified": "words",
}
# Before a number: "more than USD 5.6 billion".
WORDS = {
    "exact": "", "about": "about ", "at_least": "at least ", "more_than": "more than ",
    "up_to": "up to ", "just_under": "just under ", "nearly": "nearly ", "range": "",
    "unquantified": "",
}
# The same before a number in Chinese: "超过35亿美元" (fraudbook.kit.zh).
WORDS_ZH = {
    "exact": "", "about": "约", "at_least": "至少", "more_than": "超过", "up_to": "最多",
    "just_under": "略低于", "nearly": "近", "range": "", "unquantified": "",
}
# Legend labels: what the mark tells the reader.
LABELS = {
    "point": "Figure as stated",
    "about": "About (approximate)",
    "floor": "Floor: more than, at least (true figure higher)",
    "ceiling": "Ceiling: up to, nearly, just under (true figure lower)",
    "range": "Range: low to high",
}
_SHAPES = {
    "y": {"point": "circle", "about": "diamond", "floor": "triangle-up",
          "ceiling": "triangle-down", "range": "square"},
    "x": {"point": "circle", "about": "diamond", "floor": "triangle-right",
          "ceiling": "triangle-left", "range": "square"},
}
ORDER = ("point", "about", "floor", "ceiling", "range")


def reading(qualifier: str) -> str:
    """'more_than' -> 'floor' (KeyError names an unknown qualifier)."""
    try:
        return READING[qualifier]
    except KeyError:
        raise KeyError(f"unknown qualifier '{qualifier}' (known: {', '.join(READING)})") from None


def label(qualifier: str) -> str:
    return LABELS[reading(qualifier)]


def shape(qualifier: str, axis: str = "y") -> str:
    """The mark's shape for a qualifier on a chart whose values run along `axis`."""
    return _SHAPES[axis][reading(qualifier)]


def is_floor(qualifier: str) -> bool:
    return READING.get(qualifier) == "floor"


def is_ceiling(qualifier: str) -> bool:
    return READING.get(qualifier) == "ceiling"


def legend(readings, axis: str = "y") -> tuple[list[str], list[str]]:
    """(labels, shapes) for the readings present, in the book's order: an Altair shape scale."""
    present = [r for r in ORDER if r in set(readings)]
    return [LABELS[r] for r in present], [_SHAPES[axis][r] for r in present]


# A figure stated only in words has no mark; tables and tooltips still say how it reads.
WORDS_LABEL = "In words: no number stated"


def reading_text(qualifier: str) -> str:
    """The legend label of a qualifier's reading, or WORDS_LABEL for one stated in words:
    what tooltips and data tables say next to the mark."""
    r = reading(qualifier)
    return WORDS_LABEL if r == "words" else LABELS[r]
