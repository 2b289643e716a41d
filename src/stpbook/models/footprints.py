"""The 44 STP footprints: sizes, densities, thresholds and successors (chapter 2), and
the per-head view of the plans' published gaps (chapter 3).

Populations are people (mid-2016 resident estimates); ``_m`` means million people.
Areas are square kilometres. Money is GBP million unless a name says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import ParameterError

MEASURES = ("population", "area_km2", "population_density")


def _values(values: Iterable[float], what: str) -> np.ndarray:
    arr = np.asarray(list(values), dtype=float)
    if arr.size == 0:
        raise ParameterError(f"{what}: need at least one footprint, got none")
    if np.isnan(arr).any():
        raise ParameterError(f"{what}: missing values are not allowed")
    if (arr < 0).any():
        raise ParameterError(f"{what}: values must be zero or more, got {arr.min():g}")
    return arr


def population_summary(population: Iterable[float]) -> dict[str, float]:
    """Count, smallest, largest, median, mean and total population of a set of footprints
    (people). Raises ParameterError for an empty set or a negative population."""
    pop = _values(population, "population_summary")
    return {
        "count": int(pop.size),
        "min": float(pop.min()),
        "max": float(pop.max()),
        "median": float(np.median(pop)),
        "mean": float(pop.mean()),
        "total": float(pop.sum()),
        "max_to_min": float(pop.max() / pop.min()) if pop.min() > 0 else float("inf"),
    }


def density(population: Iterable[float], area_km2: Iterable[float]) -> np.ndarray:
    """People per square kilometre, footprint by footprint. Areas must be positive."""
    pop = _values(population, "density (population)")
    area = _values(area_km2, "density (area_km2)")
    if pop.shape != area.shape:
        raise ParameterError(
            f"density: {pop.size} populations but {area.size} areas; they must pair up"
        )
    if (area <= 0).any():
        raise ParameterError("density: every area_km2 must be positive")
    return pop / area


def above_threshold(population: Iterable[float], threshold_m: float) -> dict[str, float]:
    """How many footprints have at least ``threshold_m`` million people, what share of
    the footprints that is, and what share of the population lives in them.

    The in-browser highlight in chapter 2 uses the same rule: population / 1e6 >= threshold.
    """
    if threshold_m < 0:
        raise ParameterError(
            f"population_threshold must be zero or more (million), got {threshold_m}"
        )
    pop = _values(population, "above_threshold")
    above = pop / 1e6 >= threshold_m
    total = pop.sum()
    return {
        "count": int(above.sum()),
        "share_of_footprints": float(above.mean()),
        "share_of_population": float(pop[above].sum() / total) if total > 0 else 0.0,
    }


def per_region(footprints: pd.DataFrame) -> pd.DataFrame:
    """Footprints, people and CCGs per NHS England region (2017 regions).

    ``footprints`` needs nhser17nm, population_mid2016 and n_ccgs. Sorted by the number of
    footprints, most first."""
    missing = {"nhser17nm", "population_mid2016", "n_ccgs"} - set(footprints.columns)
    if missing:
        raise ParameterError(f"per_region: missing columns {sorted(missing)}")
    out = (
        footprints.groupby("nhser17nm")
        .agg(
            footprints=("population_mid2016", "size"),
            population_m=("population_mid2016", lambda s: s.sum() / 1e6),
            ccgs=("n_ccgs", "sum"),
        )
        .reset_index()
        .sort_values(["footprints", "nhser17nm"], ascending=[False, True])
    )
    out["mean_population_m"] = out["population_m"] / out["footprints"]
    return out.reset_index(drop=True)


def measure_column(footprints: pd.DataFrame, measure: str) -> pd.Series:
    """The value the chapter 2 map is coloured by: ``population`` (million people),
    ``area_km2`` (square km) or ``population_density`` (people per square km)."""
    if measure == "population":
        return footprints["population_mid2016"] / 1e6
    if measure == "area_km2":
        return footprints["area_km2"].astype(float)
    if measure == "population_density":
        return pd.Series(
            density(footprints["population_mid2016"], footprints["area_km2"]),
            index=footprints.index,
        )
    raise ParameterError(f"map_measure must be one of {', '.join(MEASURES)}, got {measure!r}")


def successors(footprints: pd.DataFrame, successors: pd.DataFrame) -> dict:
    """How the footprints map onto their integrated care systems.

    ``footprints`` needs stp17cd and stp17nm; ``successors`` stp17cd and
    successor_ics_name (one row per footprint). Returns ``systems`` (how many systems),
    ``merged`` ({system: footprints merged into it}, for systems formed from more than
    one footprint), ``kept`` (footprints whose system kept the footprint's name) and
    ``changed`` (stp17nm, successor_ics_name of the footprints that merged or whose
    system took a new name: renamed first, then merged, each by name)."""
    need = {"stp17cd", "successor_ics_name"} - set(successors.columns)
    if need or not {"stp17cd", "stp17nm"} <= set(footprints.columns):
        raise ParameterError(
            "successors: need footprints with stp17cd and stp17nm, and "
            f"successors with stp17cd and successor_ics_name (missing "
            f"{sorted(need) or 'footprint columns'})"
        )
    joined = footprints[["stp17cd", "stp17nm"]].merge(
        successors[["stp17cd", "successor_ics_name"]], on="stp17cd", how="left"
    )
    if len(joined) != len(footprints):
        raise ParameterError("successors: a footprint has more than one successor row")
    missing = joined.loc[joined["successor_ics_name"].isna(), "stp17cd"].tolist()
    if missing:
        raise ParameterError(f"successors: no successor for {', '.join(missing)}")
    sizes = joined.groupby("successor_ics_name")["stp17cd"].size()
    merged = sizes[sizes > 1]
    is_merged = joined["successor_ics_name"].isin(list(merged.index))
    kept = joined["successor_ics_name"] == joined["stp17nm"]
    renamed = joined[~kept & ~is_merged].sort_values("stp17nm")
    joined_merged = joined[is_merged].sort_values(["successor_ics_name", "stp17nm"])
    changed = pd.concat([renamed, joined_merged])[["stp17nm", "successor_ics_name"]]
    return {
        "systems": int(sizes.size),
        "merged": {k: int(v) for k, v in merged.items()},
        "kept": int(kept.sum()),
        "changed": changed.reset_index(drop=True),
    }


def gap_per_head(gap_gbp_m: Iterable[float], population: Iterable[float]) -> np.ndarray:
    """A do-nothing gap in GBP million divided by the footprint's population: GBP per head."""
    gap = np.asarray(list(gap_gbp_m), dtype=float)
    pop = _values(population, "gap_per_head (population)")
    if gap.shape != pop.shape:
        raise ParameterError("gap_per_head: gaps and populations must pair up")
    if (pop <= 0).any():
        raise ParameterError("gap_per_head: every population must be positive")
    return gap * 1e6 / pop
