"""Chapter 1, the Five Year Forward View and the gap: everything the chapter computes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import altair as alt
import pandas as pd

from .. import data
from ..charts import forward_view as charts
from ..layout import Layout
from ..models import gap
from ..parameters import declared
from ..tables import Table, table
from ._common import assumptions_box, bn, headline_box, pct, text

NOTEBOOK = "01_forward_view"


@dataclass(frozen=True)
class Inputs:
    """What chapter 1 reads from ``data/``."""

    fyfv: pd.Series  # key -> value, data/fyfv_assumptions.csv
    facts: pd.Series  # key -> value, data/national_facts.csv
    spending: pd.DataFrame  # data/health_spending.csv
    providers: pd.DataFrame  # data/provider_finances.csv
    layout: Layout | None = None

    @property
    def base_bn(self) -> float:
        """NHS England's 2013/14 revenue budget, GBP bn: the projection's base."""
        return float(self.fyfv["base_budget_2013_14_gbp_bn"])

    @property
    def base_year(self) -> int:
        return int(self.fyfv["base_year_start"])


def inputs(layout: Layout | None = None) -> Inputs:
    """Load chapter 1's data."""
    def keyed(name: str) -> pd.Series:
        return data.load(name, layout=layout).set_index("key")["value"]

    return Inputs(keyed("fyfv_assumptions"), keyed("national_facts"),
                  data.load("health_spending", layout=layout),
                  data.load("provider_finances", layout=layout), layout)


@dataclass(frozen=True)
class Results:
    """Chapter 1's results for one set of parameter values."""

    inputs: Inputs
    values: dict[str, Any]
    path: pd.DataFrame  # gap.gap_path: need, funding and gaps year by year, GBP bn
    efficiency_needed: float  # fraction a year that closes the Forward View's GBP 22bn
    text: SimpleNamespace

    @property
    def final(self) -> pd.Series:
        return self.path.iloc[-1]


def compute(inputs: Inputs, demand_growth: float, funding_growth: float,
            efficiency_rate: float, horizon_year: int) -> Results:
    """The gap path to ``horizon_year`` and the efficiency the Forward View's bargain
    needed, with the numbers the prose cites."""
    fyfv = inputs.fyfv
    path = gap.gap_path(inputs.base_bn, inputs.base_year, horizon_year, demand_growth,
                        funding_growth, efficiency_rate)
    needed = gap.efficiency_needed(
        inputs.base_bn, float(fyfv["demand_growth"]),
        int(fyfv["horizon_year_start"]) - inputs.base_year,
        float(fyfv["efficiency_share_gbp_bn"]))
    final = path.iloc[-1]
    deficit_2015 = -float(inputs.providers.set_index("financial_year")
                          .loc["2015/16", "net_position_gbp_m"]) / 1000
    values = {"demand_growth": demand_growth, "funding_growth": funding_growth,
              "efficiency_rate": efficiency_rate, "horizon_year": horizon_year}
    prose = text(
        base_bn=bn(inputs.base_bn),
        vanguards=f"{float(inputs.facts['vanguard_sites']):.0f}",
        demand=pct(demand_growth, 2), funding=pct(funding_growth, 2),
        efficiency=pct(efficiency_rate, 2), horizon=str(final["financial_year"]),
        gap_final=bn(float(final["do_nothing_gap_bn"])),
        closed_final=bn(float(final["closed_by_efficiency_bn"])),
        remaining_final=bn(float(final["remaining_gap_bn"])),
        efficiency_share=bn(float(fyfv["efficiency_share_gbp_bn"]), 0),
        funding_share=bn(float(fyfv["funding_share_gbp_bn"]), 0),
        needed=pct(needed), historic=pct(float(fyfv["historic_efficiency"])),
        long_run=pct(float(fyfv["long_run_real_growth"])),
        decade=pct(float(fyfv["decade_2010s_real_growth"]), 0),
        deficit_2015=bn(deficit_2015, 2),
    )
    return Results(inputs, values, path, needed, prose)


def headline(results: Results) -> dict[str, float]:
    """Key results at the horizon year, GBP bn a year at 2013/14 prices."""
    final = results.final
    funding_added = gap.funding_bn(results.inputs.base_bn, results.values["funding_growth"],
                                   int(final["years"])) - results.inputs.base_bn
    return {
        "Gap if funding stayed flat in real terms (GBP bn a year)": gap.need_bn(
            results.inputs.base_bn, results.values["demand_growth"], int(final["years"]))
        - results.inputs.base_bn,
        "Gap with the assumed funding growth (GBP bn a year)": float(final["do_nothing_gap_bn"]),
        "Closed by efficiency (GBP bn a year)": float(final["closed_by_efficiency_bn"]),
        "Left for extra funding (GBP bn a year)": float(final["remaining_gap_bn"]),
        "Real funding added (GBP bn a year)": funding_added,
    }


def assumptions(results: Results) -> Any:
    """The chapter's Assumptions box."""
    return assumptions_box(NOTEBOOK, results.values, results.inputs.layout)


def path_table(results: Results) -> Table:
    """The modelled path year by year, for readers."""
    return table(
        results.path, "The gap year by year under this page's assumptions (modelled; "
        "£bn a year at 2013/14 prices)",
        {"financial_year": "Financial year", "need_bn": "Cost of meeting need (£bn)",
         "funding_bn": "Funding (£bn)", "do_nothing_gap_bn": "Gap if nothing changes (£bn)",
         "closed_by_efficiency_bn": "Closed by efficiency (£bn)",
         "remaining_gap_bn": "Left for extra funding (£bn)"},
        formats={c: ",.1f" for c in ("need_bn", "funding_bn", "do_nothing_gap_bn",
                                     "closed_by_efficiency_bn", "remaining_gap_bn")})


def published_points(inputs: Inputs) -> pd.DataFrame:
    """The Forward View's published 2020/21 figures, for the gap chart."""
    return pd.DataFrame([
        {"financial_year": "2020/21", "value_bn": float(inputs.fyfv["gap_2020_21_gbp_bn"]),
         "label": "Published gap: £30bn"},
        {"financial_year": "2020/21", "value_bn": float(inputs.fyfv["funding_share_gbp_bn"]),
         "label": "Published: £8bn for new money"},
    ])


def gap_chart(results: Results, sliders: bool = True) -> alt.LayerChart:
    """The gap opening year by year, with sliders (static book) or without (live)."""
    params = declared(NOTEBOOK, results.inputs.layout)
    return charts.gap_chart(results.inputs.base_bn, results.inputs.base_year,
                            int(results.values["horizon_year"]), params, results.values,
                            published_points(results.inputs), sliders=sliders)


def spending_chart(results: Results) -> alt.Chart:
    fyfv = results.inputs.fyfv
    return charts.spending_chart(results.inputs.spending, float(fyfv["long_run_real_growth"]),
                                 float(fyfv["decade_2010s_real_growth"]))


def providers_table(results: Results) -> Table:
    return table(results.inputs.providers,
                 "NHS trusts and foundation trusts: net financial position, England",
                 {"financial_year": "Financial year",
                  "net_position_gbp_m": "Net position (£m; negative is a deficit)",
                  "basis_note": "How the figure was reported"},
                 formats={"net_position_gbp_m": ",.0f"})


def live(inputs: Inputs) -> Callable[..., tuple[Any, Any]]:
    """The live panel's function: new values in, the gap chart and headline out."""
    def redraw(**values: Any) -> tuple[Any, Any]:
        results = compute(inputs, **values)
        numbers = {k: bn(v) for k, v in headline(results).items()
                   if "flat" not in k}
        return headline_box(numbers), gap_chart(results, sliders=False)
    return redraw


def panel(results: Results) -> Any:
    """The ipywidgets panel (a one-line note when the pipeline runs the chapter)."""
    from ..widgets import controls

    return controls(NOTEBOOK, live(results.inputs), results.values,
                    layout=results.inputs.layout)
