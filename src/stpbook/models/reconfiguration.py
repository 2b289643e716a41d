"""The money case for consolidating hospital services (chapter 4).

A reconfiguration is appraised the way HM Treasury's Green Book appraises any public
investment: lay out its cash flows year by year, discount each back to today and add
them up. The cash flows are deliberately simple:

* year 0: the capital cost (GBP m), spent before anything changes;
* years 1 to ``dual_running_years``: old and new services run side by side, costing
  ``transition_cost`` GBP m a year and saving nothing (Clive Betts's point: you cannot
  stop what you are doing while you build the new);
* every later year up to ``horizon_years``: the running saving, ``annual_saving`` GBP m.

All money is GBP million at today's prices (real terms); the discount rate is a real
rate a year (Green Book: 3.5% for the first 30 years). Years are integers counted from
the decision (year 0).

The cumulative discounted cash flow after ``t`` years has a closed form, which the
chart for chapter 4 evaluates in the browser with the same formula
(``stpbook.charts.reconfigurations``)::

    cum(t) = -K - c * A(min(t, d)) + s * (A(t) - A(min(t, d)))
    A(n)   = sum_{k=1..n} (1 + r)^-k = (1 - (1 + r)^-n) / r      (A(n) = n when r = 0)
"""

from __future__ import annotations

import pandas as pd

from ..errors import ParameterError

GREEN_BOOK_DISCOUNT_RATE = 0.035  # HM Treasury Green Book, years 0-30


def _check(
    annual_saving: float,
    capital_cost: float,
    dual_running_years: int,
    transition_cost: float,
    discount_rate: float,
    horizon_years: int,
) -> None:
    for name, value in (
        ("annual_saving", annual_saving),
        ("capital_cost", capital_cost),
        ("transition_cost", transition_cost),
    ):
        if value < 0:
            raise ParameterError(f"{name} is GBP m and must be zero or more, got {value}")
    if int(dual_running_years) != dual_running_years or dual_running_years < 0:
        raise ParameterError(
            f"dual_running_years must be a whole number of years, zero or more, "
            f"got {dual_running_years}"
        )
    if int(horizon_years) != horizon_years or horizon_years < 1:
        raise ParameterError(
            f"horizon_years must be a whole number of years, at least 1, got {horizon_years}"
        )
    if not -0.5 < discount_rate < 1:
        raise ParameterError(
            f"discount_rate is a fraction a year between -0.5 and 1, got {discount_rate}"
        )


def annuity_factor(years: int, discount_rate: float) -> float:
    """Present value of GBP 1 a year received at the end of years 1..``years``."""
    if years <= 0:
        return 0.0
    if discount_rate == 0:
        return float(years)
    return (1 - (1 + discount_rate) ** -years) / discount_rate


def cash_flow(
    year: int,
    annual_saving: float,
    capital_cost: float,
    dual_running_years: int,
    transition_cost: float,
) -> float:
    """Undiscounted cash flow in ``year`` (GBP m; negative is money spent)."""
    if year < 0:
        raise ParameterError(f"year must be zero or more, got {year}")
    if year == 0:
        return -capital_cost
    if year <= dual_running_years:
        return -transition_cost
    return annual_saving


def cumulative_discounted(
    year: int,
    annual_saving: float,
    capital_cost: float,
    dual_running_years: int,
    transition_cost: float,
    discount_rate: float = GREEN_BOOK_DISCOUNT_RATE,
) -> float:
    """Net present value of the cash flows of years 0..``year`` (GBP m), closed form."""
    if year < 0:
        raise ParameterError(f"year must be zero or more, got {year}")
    dual = min(year, dual_running_years)
    a_dual = annuity_factor(dual, discount_rate)
    return (
        -capital_cost
        - transition_cost * a_dual
        + annual_saving * (annuity_factor(year, discount_rate) - a_dual)
    )


def npv(
    annual_saving: float,
    capital_cost: float,
    dual_running_years: int,
    transition_cost: float,
    discount_rate: float = GREEN_BOOK_DISCOUNT_RATE,
    horizon_years: int = 30,
) -> float:
    """Net present value over the appraisal horizon (GBP m at today's prices):
    the sum of each year's cash flow divided by ``(1 + discount_rate) ** year``."""
    _check(
        annual_saving,
        capital_cost,
        dual_running_years,
        transition_cost,
        discount_rate,
        horizon_years,
    )
    return sum(
        cash_flow(t, annual_saving, capital_cost, dual_running_years, transition_cost)
        / (1 + discount_rate) ** t
        for t in range(horizon_years + 1)
    )


def payback_year(
    annual_saving: float,
    capital_cost: float,
    dual_running_years: int,
    transition_cost: float,
    discount_rate: float = GREEN_BOOK_DISCOUNT_RATE,
    horizon_years: int = 30,
) -> int | None:
    """The first year in which the cumulative discounted cash flow is zero or more
    (discounted payback), or None when it never pays back within the horizon."""
    _check(
        annual_saving,
        capital_cost,
        dual_running_years,
        transition_cost,
        discount_rate,
        horizon_years,
    )
    total = 0.0
    for t in range(horizon_years + 1):
        total += (
            cash_flow(t, annual_saving, capital_cost, dual_running_years, transition_cost)
            / (1 + discount_rate) ** t
        )
        if total >= -1e-9 and (t > 0 or capital_cost == 0):
            return t
    return None


def payback_label(year: int | None) -> str:
    """``7`` -> ``"year 7"``; None -> ``"never"`` (within the horizon)."""
    return "never" if year is None else f"year {year}"


def appraisal(
    annual_saving: float,
    capital_cost: float,
    dual_running_years: int,
    transition_cost: float,
    discount_rate: float = GREEN_BOOK_DISCOUNT_RATE,
    horizon_years: int = 30,
) -> pd.DataFrame:
    """Year-by-year table: cash flow, discount factor, discounted and cumulative
    discounted cash flow (GBP m)."""
    _check(
        annual_saving,
        capital_cost,
        dual_running_years,
        transition_cost,
        discount_rate,
        horizon_years,
    )
    rows, total = [], 0.0
    for t in range(horizon_years + 1):
        flow = cash_flow(t, annual_saving, capital_cost, dual_running_years, transition_cost)
        factor = 1 / (1 + discount_rate) ** t
        total += flow * factor
        phase = "capital" if t == 0 else ("dual running" if t <= dual_running_years else "saving")
        rows.append(
            {
                "year": t,
                "phase": phase,
                "cash_flow_gbp_m": flow,
                "discount_factor": factor,
                "discounted_gbp_m": flow * factor,
                "cumulative_discounted_gbp_m": total,
            }
        )
    return pd.DataFrame(rows)


def capital_ratio(needed_gbp_m: float, offered_gbp_m: float) -> float:
    """How many times the capital on offer the capital needed is (a ratio)."""
    if needed_gbp_m < 0 or offered_gbp_m <= 0:
        raise ParameterError(
            f"capital needed must be zero or more and capital offered positive (GBP m), "
            f"got {needed_gbp_m} and {offered_gbp_m}"
        )
    return needed_gbp_m / offered_gbp_m
