"""The reconfiguration appraisal model (stpbook.models.reconfiguration)."""

from __future__ import annotations

import pytest

from stpbook.errors import ParameterError
from stpbook.models import reconfiguration as rc


def test_hand_computed_npv():
    # Capital 100 in year 0, one year of dual running at 10, then 30 a year in years
    # 2-4, at 10%: -100 - 10/1.1 + 30/1.21 + 30/1.331 + 30/1.4641
    # = -100 - 9.0909 + 24.7934 + 22.5394 + 20.4904 = -41.2677
    expected = -100 - 10 / 1.1 + 30 / 1.1**2 + 30 / 1.1**3 + 30 / 1.1**4
    assert rc.npv(30, 100, 1, 10, 0.10, 4) == pytest.approx(expected)
    assert expected == pytest.approx(-41.2677, abs=1e-4)


def test_green_book_rate_is_the_default():
    # HM Treasury, The Green Book (2022 edition, and 2003-2020 editions): 3.5% real.
    assert rc.GREEN_BOOK_DISCOUNT_RATE == 0.035
    assert rc.npv(10, 50, 2, 5) == rc.npv(10, 50, 2, 5, 0.035, 30)


def test_closed_form_equals_year_by_year_sum():
    for r in (0.0, 0.035, 0.08):
        table = rc.appraisal(25, 250, 3, 10, r, 20)
        for t, row in table.iterrows():
            assert rc.cumulative_discounted(t, 25, 250, 3, 10, r) == pytest.approx(
                row["cumulative_discounted_gbp_m"]
            )
        assert table["cumulative_discounted_gbp_m"].iloc[-1] == pytest.approx(
            rc.npv(25, 250, 3, 10, r, 20)
        )


def test_hand_computed_payback():
    # No discounting: -100, then +30 a year from year 1 -> cumulative 20 in year 4.
    assert rc.payback_year(30, 100, 0, 0, 0.0, 10) == 4
    assert rc.payback_label(4) == "year 4"


def test_more_dual_running_pays_back_later():
    years = [rc.payback_year(25, 250, d, 10, 0.035, 60) for d in range(8)]
    assert all(y is not None for y in years)
    assert years == sorted(years) and years[0] < years[-1]
    npvs = [rc.npv(25, 250, d, 10, 0.035, 30) for d in range(8)]
    assert npvs == sorted(npvs, reverse=True)


def test_higher_discount_rate_lowers_npv():
    npvs = [rc.npv(25, 250, 3, 10, r / 100, 30) for r in range(10)]
    assert npvs == sorted(npvs, reverse=True)


def test_never_pays_back_within_horizon():
    assert rc.payback_year(5, 250, 3, 10, 0.035, 10) is None
    assert rc.payback_label(None) == "never"
    assert rc.payback_year(0, 1, 0, 0, 0.035, 30) is None


def test_free_change_pays_back_at_once():
    assert rc.payback_year(10, 0, 0, 0, 0.035, 5) == 0
    assert rc.npv(0, 0, 0, 0, 0.035, 5) == 0


def test_capital_ratio_bma_versus_spring_budget():
    # BMA (14 Feb 2017): GBP 9.53bn of capital needed (37 of 44 footprints);
    # Spring Budget (8 Mar 2017): GBP 325m for the strongest STPs.
    assert rc.capital_ratio(9530, 325) == pytest.approx(29.32, abs=0.01)
    with pytest.raises(ParameterError):
        rc.capital_ratio(9530, 0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"annual_saving": -1},
        {"capital_cost": -5},
        {"dual_running_years": -1},
        {"dual_running_years": 1.5},
        {"horizon_years": 0},
        {"discount_rate": 1.5},
    ],
)
def test_bad_input_is_refused(kwargs):
    args = {
        "annual_saving": 25,
        "capital_cost": 250,
        "dual_running_years": 3,
        "transition_cost": 10,
        "discount_rate": 0.035,
        "horizon_years": 30,
    }
    args.update(kwargs)
    with pytest.raises(ParameterError):
        rc.npv(**args)
    with pytest.raises(ParameterError):
        rc.payback_year(**args)
