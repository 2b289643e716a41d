"""The plan stress test (stpbook.models.stress): this book's own Monte Carlo model."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from stpbook.errors import ParameterError
from stpbook.models import stress

# Nuffield Trust, "Shifting the balance of care: great expectations" (Imison et al.,
# March 2017), slide of STP activity assumptions: STPs assuming a cut, min, max and
# average reduction by 2020/21 (%). The same figures as data/activity_assumptions.csv.
NUFFIELD = pd.DataFrame(
    {
        "activity_area": [
            "Outpatients",
            "Elective inpatients",
            "A&E attendances",
            "Non-elective inpatients",
        ],
        "n_stps_assuming_reduction": [19, 22, 26, 30],
        "min_reduction_pct": [7, 1.4, 6, 3],
        "max_reduction_pct": [30, 16, 30, 30],
        "mean_reduction_pct": [15.5, 9.6, 17, 15.7],
    }
)


@pytest.fixture(scope="module")
def programme():
    return stress.activity_programme(NUFFIELD)


def test_programme_reproduces_the_published_averages(programme):
    # The triangular distributions' means equal Nuffield's reported averages, and the
    # probabilities are the reported counts out of 44 STPs (A&E: 26 STPs, 17% on average).
    means = (programme["low"] + programme["mode"] + programme["high"]) / 3
    assert means.tolist() == pytest.approx(NUFFIELD["mean_reduction_pct"].tolist())
    assert programme.loc[2, "probability"] == pytest.approx(26 / 44)


def test_draws_match_the_programme(programme):
    # the average plan takes activity_share of its savings from activity (capping at 1
    # is rare at 0.3) and no plan takes more than all of them
    d = stress.draw(programme, 0.3, 200_000, seed=1)
    assert d.alpha.mean() == pytest.approx(0.3, abs=0.005)
    assert stress.draw(programme, 1.0, 10_000, seed=1).alpha.max() <= 1.0
    assert d.x.mean() == pytest.approx(1, abs=0.01) and d.y.mean() == pytest.approx(1, abs=0.01)


def test_same_seed_same_answer(programme):
    a = stress.simulate(876, programme, 0.7, 0.5, 50, draws=5000, seed=42)
    b = stress.simulate(876, programme, 0.7, 0.5, 50, draws=5000, seed=42)
    c = stress.simulate(876, programme, 0.7, 0.5, 50, draws=5000, seed=43)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_more_delivery_leaves_less_gap(programme):
    means = [
        stress.simulate(712, programme, e / 10, 0.5, draws=20_000, seed=7).mean() for e in range(11)
    ]
    assert means == sorted(means, reverse=True)
    acts = [
        stress.simulate(712, programme, 0.5, a / 10, draws=20_000, seed=7).mean() for a in range(11)
    ]
    assert acts == sorted(acts, reverse=True)
    money = [
        stress.simulate(712, programme, 0.5, 0.5, f, draws=1000, seed=7).mean()
        for f in (0, 100, 200)
    ]
    assert money == sorted(money, reverse=True)


def test_full_delivery_on_average_closes_the_gap(programme):
    r = stress.simulate(876, programme, 1.0, 1.0, 0, draws=100_000, seed=3)
    assert r.mean() == pytest.approx(0, abs=876 * 0.01)


def test_mean_matches_the_analytic_mean(programme):
    # With equal delivery rates the activity share drops out: E[R] = G (1 - e) - F.
    r = stress.simulate(876, programme, 0.6, 0.6, 100, draws=200_000, seed=11)
    assert r.mean() == pytest.approx(876 * 0.4 - 100, rel=0.01)
    # In general, E[R] follows from the mean activity share.
    d = stress.draw(programme, 0.3, 200_000, seed=12)
    r = stress.remaining_gap(d, 500, 0.8, 0.3, 0)
    assert r.mean() == pytest.approx(
        stress.expected_remaining_gap(500, 0.8, 0.3, 0, d.alpha.mean()), rel=0.01
    )


def test_per_pound_scales_to_every_plan(programme):
    # R = G * Z - F: the quantiles, mean and share closed of any plan follow from Z.
    d = stress.draw(programme, 0.3, 3000, seed=5)
    summary = stress.per_pound_summary(d, np.array([0.0, 0.5, 1.0]), 0.4)
    direct = stress.simulate(641, programme, 0.5, 0.4, 25, 0.3, 3000, 5)
    row = summary.set_index("efficiency_delivered").loc[0.5]
    assert 641 * row["q50"] - 25 == pytest.approx(np.median(direct))
    assert 641 * row["q05"] - 25 == pytest.approx(np.quantile(direct, 0.05))
    assert 641 * row["mean"] - 25 == pytest.approx(direct.mean())


def test_closed_shares_match_direct_runs(programme):
    d = stress.draw(programme, 0.3, 4000, seed=9)
    gaps, effs, funds = np.array([229.0, 876.0]), np.array([0.5, 1.0]), np.array([0, 100, 300])
    shares = stress.closed_shares(d, effs, 0.25, gaps, funds)
    assert shares.shape == (2, 2, 3)
    for i, g in enumerate(gaps):
        for j, e in enumerate(effs):
            for k, f in enumerate(funds):
                r = stress.remaining_gap(d, g, e, 0.25, f)
                assert shares[i, j, k] == pytest.approx((r <= 0).mean(), abs=1 / 4000)
    # more money never closes fewer plans
    assert (np.diff(shares, axis=2) >= 0).all()
    with pytest.raises(ParameterError):
        stress.closed_shares(d, effs, 0.25, np.array([0.0]), funds)


def test_a_million_draws_take_under_a_second(programme):
    stress.simulate(876, programme, 0.7, 0.5, draws=10_000, seed=1)
    start = time.perf_counter()
    r = stress.simulate(876, programme, 0.7, 0.5, draws=1_000_000, seed=1)
    assert r.size == 1_000_000 and time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"draws": 0},
        {"draws": -5},
        {"draws": 2.5},
        {"efficiency_delivered": 1.2},
        {"activity_reduction_achieved": -0.1},
        {"extra_funding_gbp_m": -1},
        {"gap_gbp_m": -10},
        {"activity_share": 1.5},
    ],
)
def test_bad_input_is_refused(programme, kwargs):
    args = {
        "gap_gbp_m": 876,
        "efficiency_delivered": 0.7,
        "activity_reduction_achieved": 0.5,
        "extra_funding_gbp_m": 0,
        "activity_share": 0.3,
        "draws": 100,
        "seed": 1,
    }
    args.update(kwargs)
    with pytest.raises(ParameterError):
        stress.simulate(programme=programme, **args)


def test_missing_columns_are_refused():
    with pytest.raises(ParameterError, match="missing columns"):
        stress.activity_programme(NUFFIELD.drop(columns="min_reduction_pct"))
