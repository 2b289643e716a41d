"""Dates for readers, as precise as their source says: one wording for the whole book.

The data give each date with a precision (``day``, ``month``, ``season`` or ``year``;
a season is stored as its first month, winter as December): a date is never printed
more precisely than its source gave it.
"""

from __future__ import annotations

import pandas as pd

SEASONS = {
    12: "winter",
    1: "winter",
    2: "winter",
    3: "spring",
    4: "spring",
    5: "spring",
    6: "summer",
    7: "summer",
    8: "summer",
    9: "autumn",
    10: "autumn",
    11: "autumn",
}


def season_year(date: pd.Timestamp) -> int:
    """The year a season is named by: a winter is named by the year it began in."""
    return date.year - 1 if date.month in (1, 2) else date.year


def when(date: pd.Timestamp, precision: str, months: str = "%b") -> str:
    """A date as precise as its source: "22 Dec 2015", "Dec 2015", "spring 2016" or
    "2016" (``months="%B"`` for "December")."""
    if precision == "day":
        return f"{date.day} {date.strftime(months)} {date.year}"
    if precision == "month":
        return f"{date.strftime(months)} {date.year}"
    if precision == "season":
        return f"{SEASONS[date.month]} {season_year(date)}"
    return str(date.year)
