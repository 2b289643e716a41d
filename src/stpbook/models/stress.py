"""A stress test of an STP's financial plan: this book's own Monte Carlo model.

The question (King's Fund, November 2016: the plans must be "heavily stress tested"): if
a plan closes its published "do nothing" gap on paper, how much of the gap is left when
its savings are delivered only in part?

Method, for a plan with a do-nothing gap ``G`` (GBP m a year by 2020/21):

1. The plan balances its books on paper (the plans had to "come up with the correct
   answer"): planned savings equal ``G``. A share ``alpha`` of them comes from reducing
   hospital activity, the rest (``1 - alpha``) from efficiency.
2. ``alpha`` differs from plan to plan. Each draw builds one plan's activity programme
   from the Nuffield Trust's review of STPs (March 2017): for each of outpatients,
   elective inpatients, A&E attendances and non-elective inpatients, the plan assumes a
   cut with probability (STPs assuming a cut) / 44; the cut's size is triangular between
   the reported minimum and maximum with its mode set so that its mean equals the reported
   average. The plan's total cut ``C`` (percentage points summed over the four areas) is
   scaled to ``alpha = min(1, activity_share * C / E[C])``: the average plan takes
   ``activity_share`` of its savings from activity, bolder plans more.
3. Delivery is uncertain: efficiency delivered is ``efficiency_delivered * X`` and
   activity reduction achieved is ``activity_reduction_achieved * Y``, with ``X`` and
   ``Y`` independent and uniform on ``[1 - DELIVERY_SPREAD, 1 + DELIVERY_SPREAD]``
   (mean 1).
4. Extra funding ``F`` (GBP m a year) is added in full.

Remaining gap, draw by draw (GBP m a year; negative means a surplus)::

    R = G - G * (1 - alpha) * efficiency_delivered * X
          - G * alpha * activity_reduction_achieved * Y - F

The random numbers depend only on ``draws``, ``seed`` and the activity assumptions, never
on the delivery rates, so the same seed gives the same draws for every setting: a grid
over one delivery rate (``per_pound_summary``, ``closed_shares``) gives what ``simulate``
gives at each point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError

DELIVERY_SPREAD = 0.5  # delivery varies +/- 50% around the rate the reader sets
N_FOOTPRINTS = 44
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Draws:
    """The random part of the model: one value per draw (arrays of length ``draws``).

    ``alpha``: share of the plan's savings from activity reductions; ``x``, ``y``: delivery
    multipliers for efficiency and activity (mean 1)."""

    alpha: np.ndarray
    x: np.ndarray
    y: np.ndarray


def _check_share(name: str, value: float, upper: float = 1.0) -> None:
    if not 0 <= value <= upper:
        raise ParameterError(f"{name} is a share between 0 and {upper:g}, got {value}")


def activity_programme(assumptions: pd.DataFrame) -> pd.DataFrame:
    """Per activity area: the probability that a plan assumes a cut, and the triangular
    distribution (low, mode, high, in %) of its size. ``assumptions`` is the data package's
    activity_assumptions table (Nuffield Trust, 2017)."""
    need = {
        "activity_area",
        "n_stps_assuming_reduction",
        "min_reduction_pct",
        "max_reduction_pct",
        "mean_reduction_pct",
    }
    missing = need - set(assumptions.columns)
    if missing:
        raise ParameterError(f"activity_assumptions: missing columns {sorted(missing)}")
    out = pd.DataFrame(
        {
            "activity_area": assumptions["activity_area"],
            "probability": assumptions["n_stps_assuming_reduction"].astype(float) / N_FOOTPRINTS,
            "low": assumptions["min_reduction_pct"].astype(float),
            "high": assumptions["max_reduction_pct"].astype(float),
            "mean": assumptions["mean_reduction_pct"].astype(float),
        }
    )
    out["mode"] = (3 * out["mean"] - out["low"] - out["high"]).clip(out["low"], out["high"])
    return out.reset_index(drop=True)


def expected_total_cut(programme: pd.DataFrame) -> float:
    """E[C]: the expected sum of a plan's planned cuts over the activity areas (% points)."""
    mean = (programme["low"] + programme["mode"] + programme["high"]) / 3
    return float((programme["probability"] * mean).sum())


def draw(programme: pd.DataFrame, activity_share: float, draws: int, seed: int) -> Draws:
    """The random part of the model, vectorised: ``draws`` plans and deliveries."""
    if int(draws) != draws or draws < 1:
        raise ParameterError(f"draws must be a whole number of at least 1, got {draws}")
    _check_share("activity_share", activity_share)
    rng = np.random.default_rng(seed)
    draws = int(draws)
    k = len(programme)
    assumes = rng.random((draws, k)) < programme["probability"].to_numpy()
    cuts = rng.triangular(
        programme["low"].to_numpy(),
        programme["mode"].to_numpy(),
        programme["high"].to_numpy(),
        size=(draws, k),
    )
    total = (assumes * cuts).sum(axis=1)
    alpha = np.minimum(1.0, activity_share * total / expected_total_cut(programme))
    x = rng.uniform(1 - DELIVERY_SPREAD, 1 + DELIVERY_SPREAD, draws)
    y = rng.uniform(1 - DELIVERY_SPREAD, 1 + DELIVERY_SPREAD, draws)
    return Draws(alpha=alpha, x=x, y=y)


def remaining_gap(
    d: Draws,
    gap_gbp_m: float,
    efficiency_delivered: float,
    activity_reduction_achieved: float,
    extra_funding_gbp_m: float,
) -> np.ndarray:
    """The gap left in each draw (GBP m a year; negative is a surplus)."""
    if gap_gbp_m < 0:
        raise ParameterError(f"gap_gbp_m must be zero or more, got {gap_gbp_m}")
    if extra_funding_gbp_m < 0:
        raise ParameterError(f"extra_funding_gbp_m must be zero or more, got {extra_funding_gbp_m}")
    _check_share("efficiency_delivered", efficiency_delivered)
    _check_share("activity_reduction_achieved", activity_reduction_achieved)
    closed = gap_gbp_m * (
        (1 - d.alpha) * efficiency_delivered * d.x + d.alpha * activity_reduction_achieved * d.y
    )
    return gap_gbp_m - closed - extra_funding_gbp_m


def simulate(
    gap_gbp_m: float,
    programme: pd.DataFrame,
    efficiency_delivered: float,
    activity_reduction_achieved: float,
    extra_funding_gbp_m: float = 0.0,
    activity_share: float = 0.3,
    draws: int = 10_000,
    seed: int = 2016,
) -> np.ndarray:
    """Remaining gap in each of ``draws`` draws (GBP m a year), reproducible by ``seed``."""
    return remaining_gap(
        draw(programme, activity_share, draws, seed),
        gap_gbp_m,
        efficiency_delivered,
        activity_reduction_achieved,
        extra_funding_gbp_m,
    )


def expected_remaining_gap(
    gap_gbp_m: float,
    efficiency_delivered: float,
    activity_reduction_achieved: float,
    extra_funding_gbp_m: float,
    mean_alpha: float,
) -> float:
    """The analytic mean of ``simulate`` given the mean activity share ``mean_alpha``
    (the delivery multipliers have mean 1 and are independent of ``alpha``)."""
    return (
        gap_gbp_m
        * (1 - (1 - mean_alpha) * efficiency_delivered - mean_alpha * activity_reduction_achieved)
        - extra_funding_gbp_m
    )


def summarise(remaining: np.ndarray, gap_gbp_m: float) -> dict[str, float]:
    """Mean, quantiles, the share of draws that close the whole gap, and the mean share of
    the gap left (GBP m, shares)."""
    qs = np.quantile(remaining, QUANTILES)
    out = {f"q{round(q * 100):02d}": float(v) for q, v in zip(QUANTILES, qs)}
    out["mean"] = float(remaining.mean())
    out["share_closed"] = float((remaining <= 0).mean())
    out["share_of_gap_left"] = float(remaining.mean() / gap_gbp_m) if gap_gbp_m else 0.0
    return out


def per_pound(
    d: Draws, efficiency_delivered: float, activity_reduction_achieved: float
) -> np.ndarray:
    """The gap left per GBP 1 of published gap, with no extra funding, draw by draw
    (``Z``; negative is a surplus). For any plan, ``R = G * Z - F`` exactly as
    ``remaining_gap`` computes it (up to rounding): the same draws serve every plan, so
    the static book ships ``Z`` and scales it in the browser."""
    return remaining_gap(d, 1.0, efficiency_delivered, activity_reduction_achieved, 0.0)


def per_pound_summary(
    d: Draws, efficiency_values: np.ndarray, activity_reduction_achieved: float
) -> pd.DataFrame:
    """Quantiles (``QUANTILES``) and mean of ``Z`` for each efficiency value: one row
    per value. A plan's own quantiles are ``G * q - F`` (``G`` > 0)."""
    rows = []
    for e in efficiency_values:
        e = round(float(e), 6)
        z = per_pound(d, e, activity_reduction_achieved)
        qs = np.quantile(z, QUANTILES)
        rows.append(
            {
                "efficiency_delivered": e,
                **{f"q{round(q * 100):02d}": float(v) for q, v in zip(QUANTILES, qs)},
                "mean": float(z.mean()),
            }
        )
    return pd.DataFrame(rows)


def closed_shares(
    d: Draws,
    efficiency_values: np.ndarray,
    activity_reduction_achieved: float,
    gaps_gbp_m: np.ndarray,
    funding_values_gbp_m: np.ndarray,
) -> np.ndarray:
    """The share of draws that close the whole gap (``R <= 0``) for every plan gap,
    efficiency value and extra funding: an array of shape (gaps, efficiencies, fundings).
    ``R = G * Z - F <= 0`` is ``Z <= F / G``, counted on the sorted draws."""
    gaps = np.asarray(gaps_gbp_m, dtype=float)
    funding = np.asarray(funding_values_gbp_m, dtype=float)
    if (gaps <= 0).any():
        raise ParameterError("closed_shares: every plan's gap must be positive")
    out = np.empty((gaps.size, len(efficiency_values), funding.size))
    for j, e in enumerate(efficiency_values):
        z = np.sort(per_pound(d, round(float(e), 6), activity_reduction_achieved))
        thresholds = funding[None, :] / gaps[:, None]
        out[:, j, :] = np.searchsorted(z, thresholds, side="right") / z.size
    return out
