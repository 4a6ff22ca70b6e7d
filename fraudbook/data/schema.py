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

KINDS_OF_SOURCE = ("official", "wire", "newspaper", "research", "republication", "dataset")
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
               "report", "statement", "sanction", "seizure")
GEO_KINDS = ("country", "area", "region")
PLACE_KINDS = ("scam_hub", "border_town", "meeting_city", "capital", "city")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"          # text | id | number | date | enum | url
    required: bool = True
    pattern: str | None = None  # for ids
    choices: tuple[str, ...] = ()


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
    Column("indicator"),
    _opt("value", "number"),
    _opt("low", "number"),
    _opt("high", "number"),
    Column("qualifier", "enum", choices=QUALIFIERS),
    _opt("scale", "enum", choices=SCALES),
    Column("unit", "enum", choices=UNITS),
    _opt("currency"),
    Column("period", "enum", choices=PERIODS),
    _opt("period_start", "date"),
    Column("period_end", "date"),
    Column("geography"),
    _opt("partner"),
    Column("source_id"),
    Column("stated"),
    Column("quote"),
    _opt("note"),
))

EVENTS = Table("events", "event_id", (
    Column("event_id", "id", pattern=ID_LOWER),
    Column("date", "date"),
    _opt("end_date", "date"),
    Column("kind", "enum", choices=EVENT_KINDS),
    Column("title"),
    Column("countries"),
    _opt("place_id"),
    Column("description"),
    Column("source_id"),
    Column("quote"),
))

GEOGRAPHIES = Table("geographies", "code", (
    Column("code", "id", pattern=r"[A-Z]{3}|" + ID_LOWER),
    Column("name"),
    Column("kind", "enum", choices=GEO_KINDS),
    _opt("country"),
    _opt("iso2", "id", pattern=r"[A-Z]{2}"),
))

PLACES = Table("places", "place_id", (
    Column("place_id", "id", pattern=ID_LOWER),
    Column("name"),
    Column("kind", "enum", choices=PLACE_KINDS),
    Column("country"),
    Column("lat", "number"),
    Column("lon", "number"),
    Column("source_id"),
    _opt("gazetteer_ref"),
    _opt("note"),
))

FX_RATES = Table("fx_rates", "rate_id", (
    Column("rate_id", "id", pattern=ID_LOWER),
    Column("currency", "id", pattern=r"[A-Z]{3}"),
    Column("per_usd", "number"),
    Column("date", "date"),
    Column("source_id"),
    Column("stated"),
    Column("quote"),
    _opt("note"),
))

CONFLICT_KINDS = ("number", "scope", "period", "method", "attribution")
CONFLICTS = Table("conflicts", "conflict_id", (
    Column("conflict_id", "id", pattern=ID_LOWER),
    Column("topic"),
    Column("figure_ids"),
    Column("differs", "enum", choices=CONFLICT_KINDS),
    Column("explanation"),
    _opt("book_uses"),
))

# Load order matters only for readability of error lists: references point backwards.
TABLES = (SOURCES, INDICATORS, GEOGRAPHIES, PLACES, FIGURES, EVENTS, FX_RATES, CONFLICTS)
