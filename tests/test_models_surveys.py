"""Readings of the HSJ/PA survey of CCG leaders (stpbook.models.surveys)."""

from __future__ import annotations

import pytest

from stpbook.errors import ParameterError
from stpbook.models import surveys

# "STPs - where are they headed?" (equwell blog, autumn 2016), reporting the HSJ survey of
# 99 CCG leaders: confidence that the plans would have the desired impact was 66% low,
# 47% medium and 1% high (as printed: 114% in all).
REPORTED = {"low": 66.0, "medium": 47.0, "high": 1.0}


def test_as_reported_sums_to_114():
    assert sum(surveys.reading("as_reported", REPORTED).values()) == pytest.approx(114)


@pytest.mark.parametrize("name", [n for n in surveys.READINGS if n != "as_reported"])
def test_other_readings_sum_to_100(name):
    shares = surveys.reading(name, REPORTED)
    assert sum(shares.values()) == pytest.approx(100)
    assert all(0 <= v <= 100 for v in shares.values())


def test_pa_consulting_reading():
    # PA Consulting: 65% had "low or very low" confidence in planned impact in 2017/18.
    assert surveys.reading("low_is_65_low_or_very_low", REPORTED) == {
        "low": 65.0,
        "medium": 34.0,
        "high": 1.0,
    }


def test_rescaled_gives_57_9_percent_low():
    # 66 / 114: not "about two thirds"
    scaled = surveys.reading("rescaled", REPORTED)
    assert scaled["low"] == pytest.approx(57.894736842)
    assert scaled["medium"] == pytest.approx(41.228070175)
    assert scaled["high"] == pytest.approx(0.877192982)
    assert surveys.total(scaled) == pytest.approx(100)


def test_medium_is_33_and_rescaled_keep_proportions():
    assert surveys.reading("medium_is_33", REPORTED)["medium"] == pytest.approx(33)
    scaled = surveys.reading("rescaled", REPORTED)
    assert scaled["low"] / scaled["medium"] == pytest.approx(66 / 47)


def test_all_readings_are_tidy_rows():
    rows = surveys.all_readings(REPORTED)
    assert len(rows) == len(surveys.READINGS) * len(surveys.LEVELS)
    assert {r["reading"] for r in rows} == set(surveys.READINGS)


def test_unknown_reading_is_refused():
    with pytest.raises(ParameterError, match="survey_reading"):
        surveys.reading("median", REPORTED)


@pytest.mark.parametrize(
    "bad",
    [
        {"low": 66, "medium": 47},
        {"low": -1, "medium": 47, "high": 1},
        {"low": 0, "medium": 0, "high": 0},
        {"low": 99, "medium": 0, "high": 5},
    ],
)
def test_bad_shares_are_refused(bad):
    with pytest.raises(ParameterError):
        for name in ("rescaled", "medium_is_33"):
            surveys.reading(name, bad)


# HSJ, October 2016: 18 very low, 47 low, 33 moderate, 1 high, 0 very high (99 answers).
HSJ_COUNTS = {"very high": 0, "high": 1, "moderate": 33, "low": 47, "very low": 18}


def test_counts_grouped_into_the_blogs_levels():
    grouped = surveys.from_counts(HSJ_COUNTS)
    assert grouped["low"] == pytest.approx(100 * 65 / 99)  # 65.7%: the printed "66%"
    assert grouped["medium"] == pytest.approx(100 * 33 / 99)
    assert grouped["high"] == pytest.approx(100 * 1 / 99)
    assert surveys.total(grouped) == pytest.approx(100)
    # "47" is the low group alone (47 of 99 = 47.5%), already inside the 66%
    assert 100 * HSJ_COUNTS["low"] / 99 == pytest.approx(47.47, abs=0.01)
    medium_33 = surveys.reading("medium_is_33", REPORTED)
    assert all(abs(medium_33[k] - grouped[k]) < 0.5 for k in surveys.LEVELS)


@pytest.mark.parametrize("bad", [{"middling": 3}, {"low": -1}, {"low": 0, "high": 0}])
def test_bad_counts_are_refused(bad):
    with pytest.raises(ParameterError, match="survey counts"):
        surveys.from_counts(bad)


def test_descriptions_fit_a_drop_down_on_a_phone():
    assert set(surveys.DESCRIPTIONS) == set(surveys.READINGS)
    assert all(len(d) <= 30 for d in surveys.DESCRIPTIONS.values())
