"""The shape of every table in data/: columns, types and vocabularies.

data/README.md explains each column for people; this module states the same rules for the
loader. A column listed here and not in the file (or the other way round) is an error, so
the two cannot drift apart silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ID_LOWER = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ID_UPPER = r"[A-Z0-9]+(?:-[A-Z0-9]+)*"
SNAKE = r"[a-z][a-z0-9_]*"
# A date cell: a year, a month or a day (YYYY, YYYY-MM, YYYY-MM-DD); the groups are its parts.
DATE = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"
# A codes cell: ids joined by ';' (geographies, figure ids).
CODES = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?:;[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)*"

KINDS_OF_SOURCE = ("official", "research", "reproduction", "wire", "newspaper", "republication",
                   "dataset")
# How strong each kind of source is, as the pages mark it (fraudbook.data.values.strength).
STRENGTH = {
    "official": "official", "research": "official", "reproduction": "copy of official text",
    "wire": "press", "newspaper": "press", "republication": "secondary", "dataset": "dataset",
}
ID_MIXED = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
CITATION_ROLES = ("primary", "corroborating")
CHANGE_KINDS = ("added", "corrected", "re-sourced", "merged", "withdrawn")
VERDICTS = ("ok", "corrected")
CONFIDENCE = ("high", "medium", "low")
UNITS = (
    "money", "people", "cases", "complaints", "calls", "messages", "websites",
    "ip_addresses", "domains", "percent", "countries", "scam_centres", "compounds",
    "buildings", "requests", "respondents", "bitcoin",
)
MEASURES = ("victim_losses", "criminal_revenue", "survey_extrapolation", "count", "share",
            "rate", "change")
QUALIFIERS = ("exact", "about", "at_least", "more_than", "up_to", "just_under", "nearly",
              "range", "unquantified")
SCALES = ("", "thousand", "million", "billion", "trillion")
PERIODS = ("annual", "span", "cumulative", "as_of", "on_date")
EVENT_KINDS = ("meeting", "operation", "handover", "repatriation", "rescue", "raid",
               "report", "statement", "sanction", "seizure", "verdict", "execution")
# A figure taken only from press coverage of a report whose own text was not read.
PROVISIONAL = ("yes",)
# Kinds of source that carry a named body's own figures or words: they must name it in `body`.
BODY_REQUIRED = ("official", "research", "reproduction")
GEO_KINDS = ("country", "area", "region")
PLACE_KINDS = ("scam_hub", "border_town", "meeting_city", "capital", "city")
# The currencies the book can show an amount in (the losses page converts between them with
# the sourced rates of data/fx_rates.csv). A figure in any other currency, or a rate for one,
# is refused by the check: add the code here, a rate to fx_rates.csv, and support on the page.
BASE_CURRENCY = "USD"
CURRENCIES = ("USD", "CNY", "EUR")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"          # text | id | number | date | enum | url | codes | currency
    required: bool = True
    pattern: str | None = None  # for ids
    choices: tuple[str, ...] = ()
    # A declared reference "table.column" to the key of another table (a foreign key of the
    # published data package, fraudbook.data.package). The loader checks these references
    # with its own rules and messages; this declares them for readers of the package.
    ref: str | None = None


@dataclass(frozen=True)
class Table:
    name: str                   # file stem in data/
    key: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def references(self) -> list[tuple[str, str, str]]:
        """The foreign keys, from `Column.ref`, as (column, other table, its column)."""
        return [(c.name, *c.ref.split(".")) for c in self.columns if c.ref]


def _opt(name: str, kind: str = "text", **kw) -> Column:
    return Column(name, kind, required=False, **kw)


SOURCES = Table("sources", "source_id", (
    Column("source_id", "id", pattern=ID_LOWER),
    Column("title"),
    Column("publisher"),
    _opt("date_published", "date"),
    _opt("url", "url"),
    Column("kind", "enum", choices=KINDS_OF_SOURCE),
    Column("confidence", "enum", choices=CONFIDENCE),
    _opt("original"),
    _opt("body"),
    _opt("note"),
))

INDICATORS = Table("indicators", "indicator", (
    Column("indicator", "id", pattern=SNAKE),
    Column("title"),
    Column("unit", "enum", choices=UNITS),
    Column("measures", "enum", choices=MEASURES),
    Column("description"),
    _opt("caveats"),
))

FIGURES = Table("figures", "figure_id", (
    Column("figure_id", "id", pattern=ID_UPPER),
    Column("indicator", ref="indicators.indicator"),
    _opt("value", "number"),
    _opt("low", "number"),
    _opt("high", "number"),
    Column("qualifier", "enum", choices=QUALIFIERS),
    _opt("scale", "enum", choices=SCALES),
    Column("unit", "enum", choices=UNITS),
    _opt("currency", "currency"),
    Column("period", "enum", choices=PERIODS),
    _opt("period_start", "date"),
    Column("period_end", "date"),
    Column("geography", "codes"),
    _opt("partner"),
    _opt("provisional", "enum", choices=PROVISIONAL),
    _opt("note"),
))

EVENTS = Table("events", "event_id", (
    Column("event_id", "id", pattern=ID_LOWER),
    Column("date", "date"),
    _opt("end_date", "date"),
    Column("kind", "enum", choices=EVENT_KINDS),
    Column("title"),
    Column("countries", "codes"),
    _opt("place_id", ref="places.place_id"),
    Column("description"),
))

# One row per (figure or event, source): where a figure or event is stated, and in what words.
CITATIONS = Table("citations", "citation_id", (
    Column("citation_id", "id", pattern=ID_MIXED),
    Column("subject_id"),
    Column("source_id", ref="sources.source_id"),
    Column("role", "enum", choices=CITATION_ROLES),
    _opt("stated"),
    Column("quote"),
    _opt("note"),
))

GEOGRAPHIES = Table("geographies", "code", (
    Column("code", "id", pattern=r"[A-Z]{3}|" + ID_LOWER),
    Column("name"),
    Column("kind", "enum", choices=GEO_KINDS),
    _opt("country", ref="geographies.code"),
    _opt("iso2", "id", pattern=r"[A-Z]{2}"),
))

PLACES = Table("places", "place_id", (
    Column("place_id", "id", pattern=ID_LOWER),
    Column("name"),
    Column("kind", "enum", choices=PLACE_KINDS),
    Column("country", ref="geographies.code"),
    Column("lat", "number"),
    Column("lon", "number"),
    Column("source_id", ref="sources.source_id"),
    _opt("gazetteer_ref"),
    _opt("note"),
))

FX_RATES = Table("fx_rates", "rate_id", (
    Column("rate_id", "id", pattern=ID_LOWER),
    Column("currency", "currency"),
    Column("per_usd", "number"),
    Column("date", "date"),
    Column("source_id", ref="sources.source_id"),
    Column("stated"),
    Column("quote"),
    _opt("note"),
))

CONFLICT_KINDS = ("number", "scope", "period", "method", "attribution")
CONFLICTS = Table("conflicts", "conflict_id", (
    Column("conflict_id", "id", pattern=ID_LOWER),
    Column("topic"),
    Column("figure_ids", "codes"),
    Column("differs", "enum", choices=CONFLICT_KINDS),
    Column("explanation"),
    _opt("book_uses", ref="figures.figure_id"),
))

# The ledger of what changed in the data, edition by edition.
CHANGES = Table("changes", "change_id", (
    Column("change_id", "id", pattern=ID_LOWER),
    Column("date", "date"),
    Column("edition", "id", pattern=r"\d{4}\.\d{2}"),
    Column("kind", "enum", choices=CHANGE_KINDS),
    Column("subject_id"),
    _opt("field"),
    _opt("old"),
    _opt("new"),
    Column("reason"),
))

# The last check of every figure and event against its sources.
AUDIT = Table("audit", "subject_id", (
    Column("subject_id"),
    Column("checked", "date"),
    Column("verdict", "enum", choices=VERDICTS),
    _opt("note"),
))

# What was looked for while preparing an edition, and whether it was found: a reader can tell
# "nothing happened" from "not found", and the next edition starts from the list.
SEARCH_OUTCOMES = ("found", "not_found")
SEARCHES = Table("searches", "search_id", (
    Column("search_id", "id", pattern=ID_LOWER),
    Column("edition", "id", pattern=r"\d{4}\.\d{2}"),
    Column("searched", "date"),
    Column("topic"),
    Column("where"),
    Column("outcome", "enum", choices=SEARCH_OUTCOMES),
    _opt("note"),
))

# Load order matters only for readability of error lists: references point backwards.
TABLES = (SOURCES, INDICATORS, GEOGRAPHIES, PLACES, FIGURES, EVENTS, CITATIONS, FX_RATES,
          CONFLICTS, CHANGES, AUDIT, SEARCHES)
