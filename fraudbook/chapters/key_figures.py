"""The landing page (key figures): the headline table and China's cases solved per year.

Works on rows of `Dataset.figures_with_meta()` after `page.statements`. The chart draws only
full calendar-year counts, one bar per year: where several sources state a year's count, the
latest source's figure is drawn and the others stay in the data (and on the enforcement page).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..kit import charts
from ..kit.page import FigureIdError

CASES = "cn_fraud_cases_solved"
CASES_COLUMNS = {"year": "Year", "amount": "Cases solved", "source_label": "Source"}


def headline(figs: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """The figures of the `headline` parameter, in its order; an unknown id stops the page."""
    unknown = [fid for fid in ids if fid not in figs.index]
    if unknown:
        raise FigureIdError(f"parameter 'headline': no figure {', '.join(unknown)} in the data")
    return figs.loc[list(ids)]


def cases_by_year(figs: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar year with a full-year count of cases solved: the latest source's."""
    cases = figs[(figs["indicator"] == CASES) & (figs["period"] == "annual")
                 & (figs["period_start"] == figs["period_end"])].copy()
    cases["year"] = cases["period_start"].str[:4]
    cases = cases.sort_values(["year", "date_published"], kind="stable")
    return cases.drop_duplicates("year", keep="last")


def cases_chart(cases: pd.DataFrame) -> alt.Chart:
    """Bars of cases solved per calendar year, the figure and its source in the tooltip."""
    return (
        alt.Chart(cases[["year", "value", "amount", "source_label"]])
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Calendar year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="Cases solved", axis=charts.number_axis()),
            tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("amount:N", title="Figure"),
                     alt.Tooltip("source_label:N", title="Source")],
        )
        .properties(
            title=alt.Title("Telecom and online fraud cases solved in China",
                            subtitle="Full calendar years only; years without a full-year figure "
                                     "are left out"),
            description="Bar chart of fraud cases solved by China's police per calendar year: "
            + "; ".join(f"{r.year}: {r.amount}" for r in cases.itertuples()),
        )
    )
