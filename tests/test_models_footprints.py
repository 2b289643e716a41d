"""The footprint model (stpbook.models.footprints) against the data's invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stpbook import data
from stpbook.errors import ParameterError
from stpbook.models import footprints as fp


@pytest.fixture(scope="module")
def table():
    return data.load("footprints")


def test_summary_matches_the_published_range(table):
    # NHS England published 44 footprints (15 March 2016); the King's Fund gives their
    # populations as 300,000 to 2.8 million. ONS mid-2016: England 55,268,067 people.
    s = fp.population_summary(table["population_mid2016"])
    assert s["count"] == 44
    assert s["total"] == pytest.approx(55.27e6, rel=0.001)
    assert s["min"] == pytest.approx(0.32e6, rel=0.02)
    assert s["max"] == pytest.approx(2.8e6, rel=0.02)
    smallest = table.loc[table["population_mid2016"].idxmin(), "stp17nm"]
    largest = table.loc[table["population_mid2016"].idxmax(), "stp17nm"]
    assert smallest == "West, North and East Cumbria" and largest == "Greater Manchester"
    assert s["min"] <= s["median"] <= s["max"]


def test_regions_hold_all_44(table):
    # ONS April 2017 lookup: North 9, Midlands and East 17, London 5, South 13.
    regions = fp.per_region(table).set_index("nhser17nm")
    assert regions["footprints"].sum() == 44
    assert regions.loc["London", "footprints"] == 5
    assert regions.loc["Midlands and East of England", "footprints"] == 17
    assert regions["population_m"].sum() == pytest.approx(55.27, rel=0.001)


def test_threshold_is_monotone(table):
    counts = [
        fp.above_threshold(table["population_mid2016"], t / 10)["count"] for t in range(3, 31)
    ]
    assert counts == sorted(counts, reverse=True)
    assert fp.above_threshold(table["population_mid2016"], 0.3)["count"] == 44
    assert fp.above_threshold(table["population_mid2016"], 3.0)["count"] == 0


def test_threshold_counts_the_boundary():
    out = fp.above_threshold([1e6, 2e6, 3e6], 2.0)
    assert out["count"] == 2 and out["share_of_population"] == pytest.approx(5 / 6)


def test_density_and_measures(table):
    dens = fp.measure_column(table, "population_density")
    assert (dens > 0).all()
    assert fp.measure_column(table, "population").sum() == pytest.approx(55.27, rel=0.001)
    assert fp.density([100, 50], [10, 10]).tolist() == [10, 5]


def test_gap_per_head():
    # North Central London: GBP 876m do-nothing gap (King's Fund, Nov 2016).
    assert fp.gap_per_head([876], [1.46e6])[0] == pytest.approx(600, rel=0.001)


def test_successors_counts_merged_renamed_and_kept():
    feet = pd.DataFrame({"stp17cd": ["a", "b", "c", "d"], "stp17nm": ["A", "B", "C", "D"]})
    succ = pd.DataFrame(
        {"stp17cd": ["a", "b", "c", "d"], "successor_ics_name": ["A", "BC", "BC", "D and more"]}
    )
    out = fp.successors(feet, succ)
    assert out["systems"] == 3 and out["kept"] == 1 and out["merged"] == {"BC": 2}
    assert out["changed"]["stp17nm"].tolist() == ["D", "B", "C"]  # renamed, then merged


def test_successors_of_the_44(table):
    # 44 footprints, 42 integrated care systems from April 2021: the three northern
    # footprints became North East and North Cumbria (June 2019).
    out = fp.successors(table, data.load("footprint_successors"))
    assert out["systems"] == 42 and out["merged"] == {"North East and North Cumbria": 3}


@pytest.mark.parametrize(
    "call",
    [
        lambda: fp.population_summary([]),
        lambda: fp.population_summary([1e6, -5]),
        lambda: fp.density([1, 2], [1]),
        lambda: fp.density([1], [0]),
        lambda: fp.above_threshold([1e6], -0.1),
        lambda: fp.gap_per_head([100], [0]),
        lambda: fp.measure_column(pd.DataFrame({"population_mid2016": [1]}), "beds"),
        lambda: fp.per_region(pd.DataFrame({"x": [1]})),
        lambda: fp.population_summary([np.nan]),
        lambda: fp.successors(
            pd.DataFrame({"stp17cd": ["a"], "stp17nm": ["A"]}),
            pd.DataFrame({"stp17cd": ["b"], "successor_ics_name": ["B"]}),
        ),
        lambda: fp.successors(pd.DataFrame({"stp17cd": ["a"]}), pd.DataFrame({"x": [1]})),
    ],
)
def test_bad_input_is_refused(call):
    with pytest.raises(ParameterError):
        call()
