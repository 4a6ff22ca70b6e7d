"""How fresh the data is, for authors (`make freshness`): where the next update starts.

- every series (an indicator in one place) and every indicator by the date its newest point
  ends, oldest first;
- the running totals whose newest point is older than `STALE_MONTHS` before the day the
  edition's sources were searched up to;
- the searches made for an earlier edition than the current one, to be made again.

The day the sources were searched up to is the newest `searched` day of the edition in
data/searches.csv (`searched_to`): set there once per edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .load import Dataset
from .values import blank, date_bounds

STALE_MONTHS = 3


def searched_to(ds: Dataset, edition: str) -> str:
    """The day up to which the sources of `edition` were searched ('' when none is recorded)."""
    s = ds.searches
    days = s.loc[s["edition"] == edition, "searched"]
    return str(days.max()) if len(days) else ""


def _end(d) -> date:
    return date_bounds(str(d))[1]


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day where it has fewer)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = date_bounds(f"{y:04d}-{m + 1:02d}")[1].day
    return date(y, m + 1, min(day.day, last))


@dataclass
class Report:
    edition: str
    searched_to: str
    series: pd.DataFrame        # indicator, geography, points, newest (YYYY-MM-DD), running
    indicators: pd.DataFrame    # indicator, title, points, newest
    stale_totals: pd.DataFrame  # running totals whose newest running point is before `cutoff`
    cutoff: str
    old_searches: pd.DataFrame  # search_id, edition, searched, topic, outcome


def freshness(ds: Dataset, edition: str, today: date) -> Report:
    """The report for `edition`; `today` stands in when the edition records no search day."""
    day = searched_to(ds, edition)
    ref = date.fromisoformat(day) if day else today
    f = ds.figures.reset_index()
    f["newest"] = [_end(d).isoformat() for d in f["period_end"]]
    f["running"] = f["period"] == "cumulative"
    series = (f.groupby(["indicator", "geography"], sort=False)
              .agg(points=("figure_id", "size"), newest=("newest", "max"), running=("running", "any"))
              .reset_index().sort_values(["newest", "indicator", "geography"], kind="stable"))
    titles = ds.indicators["title"]
    ind = (f.groupby("indicator", sort=False).agg(points=("figure_id", "size"), newest=("newest", "max"))
           .reset_index())
    ind.insert(1, "title", [titles.get(i, "") for i in ind["indicator"]])
    ind = ind.sort_values(["newest", "indicator"], kind="stable")
    cutoff = months_before(ref, STALE_MONTHS).isoformat()
    # A running total is stale by its newest running point (a yearly figure of the same
    # series does not refresh it).
    totals = (f[f["running"]].groupby(["indicator", "geography"], sort=False)
              .agg(points=("figure_id", "size"), newest=("newest", "max")).reset_index()
              .sort_values(["newest", "indicator", "geography"], kind="stable"))
    stale = totals[totals["newest"] < cutoff]
    s = ds.searches.reset_index()
    old = s[s["edition"] < edition][["search_id", "edition", "searched", "topic", "outcome"]]
    return Report(edition, day, series.reset_index(drop=True), ind.reset_index(drop=True),
                  stale.reset_index(drop=True), cutoff, old.reset_index(drop=True))


def _table(df: pd.DataFrame, columns: list[str]) -> list[str]:
    cells = [[("" if blank(v) else str(v)) for v in row] for row in df[columns].itertuples(index=False)]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda r: "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()  # noqa: E731
    return [line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]


def render(r: Report) -> str:
    """The report as plain text for a terminal."""
    when = r.searched_to or "no search day recorded for this edition (today's date used)"
    out = [f"Freshness of edition {r.edition}; sources searched up to: {when}", ""]
    out += [f"Running totals whose newest point ends before {r.cutoff} "
            f"({STALE_MONTHS} months before that day): {len(r.stale_totals)}"]
    out += _table(r.stale_totals, ["newest", "indicator", "geography", "points"]) if len(r.stale_totals) else []
    out += ["", f"Searches made for an earlier edition, to make again: {len(r.old_searches)}"]
    out += _table(r.old_searches, ["searched", "edition", "outcome", "topic"]) if len(r.old_searches) else []
    out += ["", f"Every indicator by its newest point, oldest first ({len(r.indicators)}):"]
    out += _table(r.indicators, ["newest", "points", "indicator", "title"])
    out += ["", f"Every series (an indicator in one place) by its newest point, oldest first ({len(r.series)}):"]
    series = r.series.assign(kind=["running total" if x else "" for x in r.series["running"]])
    out += _table(series, ["newest", "points", "indicator", "geography", "kind"])
    return "\n".join(out) + "\n"
