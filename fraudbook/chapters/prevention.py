"""The prevention chapter: calls, messages, websites and money blocked, over their periods.

The page draws the same period-interval chart as the enforcement chapter, with the same rules
(fraudbook.chapters.enforcement: a running total is never a year's count, a figure is drawn
over the period it covers, marks from fraudbook.kit.qualifiers); this module holds only what
the prevention page adds: its indicators and its `first_year` parameter.
"""

from __future__ import annotations

import pandas as pd

from .enforcement import (  # noqa: F401
    CHART_DATA_COLUMNS,
    chart_description,
    chart_rows,
    drawn,
    figures_table,
    interval_chart,
    merge_same,
    of,
)

# Indicators of the prevention page, in display order.
PREVENTION = ("cn_scam_calls_intercepted", "cn_scam_messages_intercepted",
              "cn_fraud_domains_handled", "cn_overseas_websites_blocked",
              "cn_overseas_ips_blocked", "cn_fraud_funds_intercepted", "cn_mm_funds_frozen")
PREVENTION_OUTCOMES = ("cn_fraud_cases_decline", "cn_fraud_losses_decline")


def since_year(df: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """Rows whose period ends in `first_year` or later."""
    if df.empty:
        return df
    return df[df["period_end"].str[:4].astype(int) >= first_year]


def describe_years(first_year: int, kept: pd.DataFrame, all_figs: pd.DataFrame,
                   indicators) -> str:
    """One sentence saying what the page's `first_year` keeps and leaves out."""
    every = all_figs[all_figs["indicator"].isin(indicators)]
    left_out = len(every) - len(kept)
    if not left_out:
        tail = "; no figure of these counts in the data ends earlier"
    else:
        verb = "is" if left_out == 1 else "are"
        tail = (f"; {left_out} earlier figure{'s' if left_out != 1 else ''} of these counts "
                f"in the data {verb} left out")
    return (f"This version of the page shows the figures whose period ends in {first_year} or "
            f"later (parameter `first_year`){tail}.")
