"""The Five Year Forward View's funding gap.

The Forward View (NHS England, October 2014) stated the result, not the sum: with growing
demand, no further efficiency and flat real funding, a mismatch of nearly GBP 30bn a year
could open by 2020/21. NHS England's own window (its 2013 "Call to Action") ran from
2013/14 to 2020/21; the IFS calculation behind the figure compared a real-terms freeze
with 4% a year growth from 2014/15 to 2020/21. This module is the book's simplified
reconstruction, not either published derivation: one base budget, one growth rate for
the cost of meeting need, one for funding and one for efficiency. The Forward View
proposed to close the gap with about GBP 22bn of efficiency (2-3% a year, net) and about
GBP 8bn of extra funding.

All money here is in GBP billion at base-year (2013/14) prices: a flat real budget is
the same number every year. Years are integers: the start year of a financial year.
"""

from __future__ import annotations

import pandas as pd

from ..errors import ParameterError


def financial_year(start: int) -> str:
    """``2016`` -> ``"2016/17"``."""
    return f"{start}/{(start + 1) % 100:02d}"


def _check(years: int, base_bn: float, **rates: float) -> None:
    if years < 0:
        raise ParameterError(f"years must be zero or more, got {years}")
    if base_bn <= 0:
        raise ParameterError(f"base budget must be positive (GBP bn), got {base_bn}")
    for name, rate in rates.items():
        if not -1 < rate < 1:
            raise ParameterError(f"{name} is a fraction a year between -1 and 1, got {rate}")


def need_bn(base_bn: float, demand_growth: float, years: int) -> float:
    """Cost of meeting demand after ``years`` if nothing changes in how care is
    delivered: the base budget grown at ``demand_growth`` a year (GBP bn)."""
    _check(years, base_bn, demand_growth=demand_growth)
    return base_bn * (1 + demand_growth) ** years


def funding_bn(base_bn: float, funding_growth: float, years: int) -> float:
    """Budget after ``years`` of real growth at ``funding_growth`` a year (GBP bn)."""
    _check(years, base_bn, funding_growth=funding_growth)
    return base_bn * (1 + funding_growth) ** years


def do_nothing_gap(
    base_bn: float, demand_growth: float, funding_growth: float, years: int
) -> float:
    """The gap between need and funding with no efficiency gains (GBP bn a year)."""
    return need_bn(base_bn, demand_growth, years) - funding_bn(base_bn, funding_growth, years)


def cost_after_efficiency_bn(
    base_bn: float, demand_growth: float, efficiency_rate: float, years: int
) -> float:
    """Cost of meeting demand when each year's care is delivered ``efficiency_rate``
    more cheaply than the last (compounding, GBP bn)."""
    _check(years, base_bn, demand_growth=demand_growth, efficiency_rate=efficiency_rate)
    return base_bn * ((1 + demand_growth) * (1 - efficiency_rate)) ** years


def closed_by_efficiency(
    base_bn: float, demand_growth: float, efficiency_rate: float, years: int
) -> float:
    """How much of the do-nothing gap efficiency closes after ``years`` (GBP bn)."""
    return need_bn(base_bn, demand_growth, years) - cost_after_efficiency_bn(
        base_bn, demand_growth, efficiency_rate, years
    )


def remaining_gap(
    base_bn: float, demand_growth: float, funding_growth: float, efficiency_rate: float, years: int
) -> float:
    """The gap left after efficiency: what extra funding would have to cover (GBP bn).
    Negative when efficiency and funding together outrun demand."""
    return cost_after_efficiency_bn(base_bn, demand_growth, efficiency_rate, years) - funding_bn(
        base_bn, funding_growth, years
    )


def efficiency_needed(base_bn: float, demand_growth: float, years: int, closed_bn: float) -> float:
    """The efficiency rate a year that closes ``closed_bn`` of the gap after ``years``."""
    _check(years, base_bn, demand_growth=demand_growth)
    if years == 0:
        raise ParameterError("efficiency_needed: years must be at least 1")
    target_cost = need_bn(base_bn, demand_growth, years) - closed_bn
    if target_cost <= 0:
        raise ParameterError(f"closing GBP {closed_bn}bn would leave no cost at all")
    return 1 - (target_cost / base_bn) ** (1 / years) / (1 + demand_growth)


def average_growth(first: float, last: float, years: int) -> float:
    """The constant rate a year that takes ``first`` to ``last`` in ``years`` (a fraction
    a year; compound). Both must be positive, in the same units and prices."""
    if years <= 0:
        raise ParameterError(f"average_growth: years must be at least 1, got {years}")
    if first <= 0 or last <= 0:
        raise ParameterError(f"average_growth: values must be positive, got {first} and {last}")
    return (last / first) ** (1 / years) - 1


def gap_path(
    base_bn: float,
    base_year: int,
    horizon_year: int,
    demand_growth: float,
    funding_growth: float,
    efficiency_rate: float,
) -> pd.DataFrame:
    """Year-by-year need, funding and gaps from ``base_year`` to ``horizon_year``
    (start years, inclusive). Columns in GBP bn at base-year prices."""
    if horizon_year < base_year:
        raise ParameterError(f"horizon_year {horizon_year} is before the base year {base_year}")
    rows = []
    for year in range(base_year, horizon_year + 1):
        t = year - base_year
        rows.append(
            {
                "fiscal_year_start": year,
                "financial_year": financial_year(year),
                "years": t,
                "need_bn": need_bn(base_bn, demand_growth, t),
                "funding_bn": funding_bn(base_bn, funding_growth, t),
                "do_nothing_gap_bn": do_nothing_gap(base_bn, demand_growth, funding_growth, t),
                "closed_by_efficiency_bn": closed_by_efficiency(
                    base_bn, demand_growth, efficiency_rate, t
                ),
                "remaining_gap_bn": remaining_gap(
                    base_bn, demand_growth, funding_growth, efficiency_rate, t
                ),
            }
        )
    return pd.DataFrame(rows)
