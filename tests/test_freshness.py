"""The freshness report (`make freshness`) reads the data it is given: a new point refreshes its
series, a search of an earlier edition is listed, the search day of the edition sets the cutoff."""

from __future__ import annotations

from datetime import date

from fraudbook.data import freshness as fr


def test_months_before_keeps_the_day_or_the_months_last():
    assert fr.months_before(date(2026, 12, 3), 3) == date(2026, 9, 3)
    assert fr.months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert fr.months_before(date(2026, 1, 15), 3) == date(2025, 10, 15)


def test_searched_to_is_the_newest_search_day_of_the_edition(ds):
    day = fr.searched_to(ds, "2026.12")
    assert day == max(ds.searches.loc[ds.searches["edition"] == "2026.12", "searched"])
    assert fr.searched_to(ds, "1999.01") == ""


def test_report_follows_the_data(ds):
    today = date(2030, 1, 1)
    r = fr.freshness(ds, "2026.12", today)
    assert r.searched_to and r.cutoff == fr.months_before(date.fromisoformat(r.searched_to), 3).isoformat()
    # Every figure counted once, in its series and in its indicator.
    assert int(r.series["points"].sum()) == len(ds.figures) == int(r.indicators["points"].sum())
    assert list(r.series["newest"]) == sorted(r.series["newest"])
    # A running total is stale when its newest running point ends before the cutoff.
    for row in r.stale_totals.itertuples():
        assert row.newest < r.cutoff
    # A newer running point of a stale series takes it off the list.
    if len(r.stale_totals):
        first = r.stale_totals.iloc[0]
        fid = ds.figures[(ds.figures["indicator"] == first["indicator"])
                         & (ds.figures["geography"] == first["geography"])
                         & (ds.figures["period"] == "cumulative")].index[0]
        ds2 = type(ds)(**{k: v.copy() for k, v in vars(ds).items()})
        ds2.figures.loc[fid, "period_end"] = r.searched_to
        r2 = fr.freshness(ds2, "2026.12", today)
        keys = {(x.indicator, x.geography) for x in r2.stale_totals.itertuples()}
        assert (first["indicator"], first["geography"]) not in keys
    # Searches of an earlier edition are listed for the next one.
    ds3 = type(ds)(**{k: v.copy() for k, v in vars(ds).items()})
    ds3.searches.loc[ds3.searches.index[0], "edition"] = "2026.11"
    assert list(fr.freshness(ds3, "2026.12", today).old_searches["search_id"]) == [ds3.searches.index[0]]
    text = fr.render(r)
    assert f"sources searched up to: {r.searched_to}" in text
