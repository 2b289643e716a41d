"""Chapter 2, from planning guidance to 44 footprints: everything the chapter computes."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import altair as alt
import pandas as pd

from .. import data
from ..charts import footprints as charts
from ..layout import Layout
from ..models import footprints as fp
from ..parameters import declared
from ..tables import Table, table
from ._common import assumptions_box, count, headline_box, pct, text

NOTEBOOK = "02_footprints"
MEASURE_WORDS = {
    "population": "people (mid-2016)",
    "area_km2": "land area",
    "population_density": "people per square kilometre",
}


@dataclass(frozen=True)
class Inputs:
    """What chapter 2 reads from ``data/``."""

    footprints: pd.DataFrame  # data/footprints.csv
    boundaries: dict  # data/footprint_boundaries.geojson
    facts: pd.DataFrame  # data/national_facts.csv, indexed by key
    successors: pd.DataFrame  # data/footprint_successors.csv
    layout: Layout | None = None

    def fact(self, key: str) -> float:
        return float(self.facts.loc[key, "value"])


def inputs(layout: Layout | None = None) -> Inputs:
    """Load chapter 2's data."""
    return Inputs(
        data.load("footprints", layout=layout),
        data.load_boundaries(layout=layout),
        data.load("national_facts", layout=layout).set_index("key"),
        data.load("footprint_successors", layout=layout),
        layout,
    )


@dataclass(frozen=True)
class Results:
    """Chapter 2's results for one set of parameter values."""

    inputs: Inputs
    values: dict[str, Any]
    summary: dict[str, float]  # models.footprints.population_summary, people
    above: dict[str, float]  # models.footprints.above_threshold at the chosen threshold
    regions: pd.DataFrame  # models.footprints.per_region
    text: SimpleNamespace


def people(millions: float, digits: int = 1) -> str:
    """Million people for prose: 2.8148 -> "2.8 million"."""
    return f"{millions:,.{digits}f} million"


def month_range(period: str) -> str:
    """An ISO interval of months in words: "2016-10/2021-03" -> "October 2016 to March
    2021"."""
    start, end = period.split("/")

    def words(month: str) -> str:
        year, number = month.split("-")
        return f"{calendar.month_name[int(number)]} {year}"

    return f"{words(start)} to {words(end)}"


def _population(row: pd.Series) -> str:
    """A footprint's population for prose: to 0.01 million where ONS's estimate is exact,
    to 0.1 million where it is the book's estimate (a shared district)."""
    exact = row["population_basis"] == "exact"
    return people(row["population_mid2016"] / 1e6, 2 if exact else 1)


def leader_counts(inputs: Inputs) -> dict[str, int]:
    """STP leaders on 30 March 2016: ``named`` (confirmed by NHS England), ``placed`` (of
    those, the ones the Health Service Journal placed by background: provider chief
    executives, CCG leaders, local government), ``unplaced`` (named but not placed) and
    ``missing`` (footprints still without a leader)."""
    named = round(inputs.fact("stp_leaders_confirmed_2016_03"))
    placed = sum(
        round(inputs.fact(k))
        for k in (
            "stp_leaders_provider_ceos_2016_03",
            "stp_leaders_ccg_2016_03",
            "stp_leaders_local_authority_hsj_2016_03",
        )
    )
    footprints = len(inputs.footprints)
    return {
        "named": named,
        "placed": placed,
        "unplaced": named - placed,
        "missing": footprints - named,
    }


def _leaders(inputs: Inputs) -> dict[str, str]:
    counts = leader_counts(inputs)
    return {
        "leaders_placed": count(counts["placed"]),
        "leaders_unplaced": count(counts["unplaced"]),
        "leaders_missing": count(counts["missing"]),
        # the HSJ's 2019 look back at spring 2016 (chiefs or chairs; chapter 6)
        "leads_trust_2016": count(inputs.fact("stp_leads_trust_ceo_incl_mh_2016")),
    }


def compute(inputs: Inputs, map_measure: str, population_threshold: float) -> Results:
    """Sizes, thresholds, regions and successors, with the numbers the prose cites."""
    foot = inputs.footprints
    fp.measure_column(foot, map_measure)  # refuses an unknown measure
    summary = fp.population_summary(foot["population_mid2016"])
    above = fp.above_threshold(foot["population_mid2016"], population_threshold)
    regions = fp.per_region(foot)
    reg = regions.set_index("nhser17nm")
    others = reg.drop(index="London")
    named = foot.set_index("stp17cd")
    by_size = foot.sort_values("population_mid2016")
    smallest, largest = by_size.iloc[0], by_size.iloc[-1]
    tyne, tees, bob = (named.loc[c] for c in ("E54000046", "E54000045", "E54000044"))
    estimated = foot["population_basis"].eq("apportioned")
    successors = fp.successors(foot, inputs.successors)
    merged_name, merged_n = next(iter(successors["merged"].items()))
    facts = inputs.facts
    values = {"map_measure": map_measure, "population_threshold": population_threshold}
    prose = text(
        n_footprints=count(summary["count"]),
        plan_period=month_range(str(facts.loc["stp_plan_period_months", "period"])),
        total=people(summary["total"] / 1e6),
        smallest_name=smallest["stp17nm"],
        smallest=_population(smallest),
        largest_name=largest["stp17nm"],
        largest=_population(largest),
        ratio=f"{summary['max_to_min']:.0f}",
        median=people(summary["median"] / 1e6),
        published_min=people(inputs.fact("footprint_population_min_m")),
        published_max=people(inputs.fact("footprint_population_max_m")),
        n_estimated=count(estimated.sum()),
        n_exact=count((~estimated).sum()),
        measure=MEASURE_WORDS[map_measure],
        threshold=people(population_threshold),
        above_n=count(above["count"]),
        above_share=pct(above["share_of_population"], 0),
        london_n=count(reg.loc["London", "footprints"]),
        london_pop=people(reg.loc["London", "population_m"]),
        london_mean=people(reg.loc["London", "mean_population_m"]),
        others_min=people(others["population_m"].min()),
        others_max=people(others["population_m"].max()),
        mids_n=count(reg.loc["Midlands and East of England", "footprints"]),
        mids_mean=people(reg.loc["Midlands and East of England", "mean_population_m"]),
        local_offices=count(inputs.fact("nhse_local_offices_2017")),
        leaders=count(inputs.fact("stp_leaders_confirmed_2016_03")),
        leaders_providers=count(inputs.fact("stp_leaders_provider_ceos_2016_03")),
        leaders_ccgs=count(inputs.fact("stp_leaders_ccg_2016_03")),
        leaders_councils=count(inputs.fact("stp_leaders_local_authority_hsj_2016_03")),
        **_leaders(inputs),
        tyne_name=tyne["stp17nm"],
        tyne=_population(tyne),
        tees_name=tees["stp17nm"],
        tees=_population(tees),
        bob_name=bob["stp17nm"],
        bob=_population(bob),
        bob_ccgs=count(bob["n_ccgs"]),
        bob_area=f"{bob['area_km2']:,.0f} square kilometres",
        first_acs=count(inputs.fact("first_acss_2017")),
        systems=count(successors["systems"]),
        kept=count(successors["kept"]),
        changed=count(len(successors["changed"])),
        merged_name=merged_name,
        merged_n=count(merged_n),
        icbs=count(inputs.fact("icbs_established_2022")),
    )
    return Results(inputs, values, summary, above, regions, prose)


def headline(results: Results) -> dict[str, float]:
    """The threshold's reach: how many footprints, and what share of England's people."""
    return {
        "Footprints with at least the threshold population (count)": float(results.above["count"]),
        "England's population living in them (%)": 100 * results.above["share_of_population"],
    }


def assumptions(results: Results) -> Any:
    """The chapter's Assumptions box."""
    return assumptions_box(
        NOTEBOOK,
        results.values,
        results.inputs.layout,
        choice_labels={"map_measure": charts.MEASURE_CHOICES},
    )


def map_chart(results: Results, sliders: bool = True) -> alt.LayerChart:
    """The map of the 44 footprints, London enlarged below."""
    params = declared(NOTEBOOK, results.inputs.layout)
    return charts.map_chart(
        results.inputs.footprints,
        results.inputs.boundaries,
        params["map_measure"],
        results.values["map_measure"],
        params["population_threshold"],
        results.values["population_threshold"],
        sliders=sliders,
    )


def ranked_chart(results: Results) -> alt.LayerChart:
    """The 44 populations ranked, with the threshold and its count."""
    params = declared(NOTEBOOK, results.inputs.layout)
    return charts.ranked_chart(
        results.inputs.footprints,
        params["population_threshold"],
        results.values["population_threshold"],
    )


def region_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    """Footprints per NHS England region."""
    return charts.region_chart(results.regions)


def successors_table(results: Results) -> Table:
    """The footprints whose integrated care system merged them or took a new name."""
    summary = fp.successors(results.inputs.footprints, results.inputs.successors)
    changed = summary["changed"]
    return table(
        changed,
        f"The {len(changed)} footprints that merged or whose integrated care system (2021) "
        f"took a new name; the other {summary['kept']} kept theirs",
        {"stp17nm": "Footprint (2016-17)", "successor_ics_name": "Integrated care system (2021)"},
    )


def live(inputs: Inputs) -> Callable[..., tuple[Any, Any]]:
    """The live panel's function: new values in, the map and the threshold's reach out."""

    def redraw(**values: Any) -> tuple[Any, Any]:
        results = compute(inputs, **values)
        numbers = {
            "Footprints with at least "
            f"{results.values['population_threshold']:.1f} million people": results.text.above_n,
            "Share of England's people living in them": results.text.above_share,
        }
        return headline_box(numbers), map_chart(results, sliders=False)

    return redraw


def panel(results: Results) -> Any:
    """The ipywidgets panel (a one-line note when the pipeline runs the chapter)."""
    from ..widgets import controls

    return controls(
        NOTEBOOK,
        live(results.inputs),
        results.values,
        layout=results.inputs.layout,
        choice_labels={"map_measure": dict(charts.MEASURE_CHOICES)},
    )
