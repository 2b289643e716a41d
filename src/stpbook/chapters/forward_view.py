"""Chapter 1, the Five Year Forward View and the gap: everything the chapter computes.

The chapter's model is the book's own reconstruction of the GBP 30bn, not the published
derivation: the Forward View gave the result, NHS England's 2013 Call to Action the
window (2013/14 to 2020/21), and the IFS calculation behind the figure a different
window (2014/15 to 2020/21) and the 4% growth rate. ``compute`` runs the reconstruction
over both windows so the page can show what the choice of base year does.
"""

from __future__ import annotations

import re
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
from ._common import assumptions_box, bn, headline_box, m, pct, text

NOTEBOOK = "01_forward_view"

# The England spending series' 2010s run from 2009/10, the last year of the 2000s'
# fast growth: the same decade as the Health Foundation's 2.1% for NHS England's budget.
DECADE_FROM = 2009
# Outturn of NHS England's budget is compared from 2015/16, the base of the 2015
# Spending Review's increases, to 2018/19, the last year before the 2018 settlement
# (and the pension-contribution transfer) changed the budget from 2019/20.
OUTTURN_FROM, OUTTURN_TO = 2015, 2018

_WORDS = {5: "five", 6: "six", 7: "seven", 8: "eight"}


@dataclass(frozen=True)
class Inputs:
    """What chapter 1 reads from ``data/``."""

    fyfv: pd.Series  # key -> value, data/fyfv_assumptions.csv
    facts: pd.Series  # key -> value, data/national_facts.csv
    spending: pd.DataFrame  # data/health_spending.csv
    providers: pd.DataFrame  # data/provider_finances.csv
    budget: pd.DataFrame  # data/nhse_budget.csv
    layout: Layout | None = None

    @property
    def base_bn(self) -> float:
        """NHS England's 2013/14 revenue budget, GBP bn: the reconstruction's base."""
        return float(self.fyfv["base_budget_2013_14_gbp_bn"])

    @property
    def base_year(self) -> int:
        return int(self.fyfv["base_year_start"])

    @property
    def published_horizon(self) -> int:
        """2020: the start year of 2020/21, the end of both published windows."""
        return int(self.fyfv["horizon_year_start"])

    @property
    def ifs_base_year(self) -> int:
        return int(self.fyfv["ifs_base_year_start"])

    def budget_bn(self, year: int) -> float:
        """NHS England's revenue budget in ``year`` (a start year), GBP bn cash."""
        return float(self.budget.set_index("fiscal_year_start").loc[year, "cash_gbp_bn"])

    def dh_spending_bn(self, year: int) -> float:
        """Department of Health spending in England in ``year``, GBP bn cash."""
        return float(self.spending.set_index("fiscal_year_start").loc[year, "cash_gbp_bn"])


def inputs(layout: Layout | None = None) -> Inputs:
    """Load chapter 1's data."""

    def keyed(name: str) -> pd.Series:
        return data.load(name, layout=layout).set_index("key")["value"]

    return Inputs(
        keyed("fyfv_assumptions"),
        keyed("national_facts"),
        data.load("health_spending", layout=layout),
        data.load("provider_finances", layout=layout),
        data.load("nhse_budget", layout=layout),
        layout,
    )


@dataclass(frozen=True)
class Results:
    """Chapter 1's results for one set of parameter values."""

    inputs: Inputs
    values: dict[str, Any]
    path: pd.DataFrame  # gap.gap_path: need, funding and gaps year by year, GBP bn
    efficiency_needed: float  # fraction a year that closes the Forward View's GBP 22bn
    windows: pd.DataFrame  # the GBP 30bn: published figures and the reconstruction
    rates: dict[str, float]  # average real growth a year, fractions (see ``growth_rates``)
    text: SimpleNamespace

    @property
    def final(self) -> pd.Series:
        return self.path.iloc[-1]


def rate(fraction: float) -> str:
    """A slider's rate for prose, without trailing zeros: 0.04 -> "4%", 0.0225 ->
    "2.25%", 0.025 -> "2.5%"."""
    return f"{100 * fraction:.2f}".rstrip("0").rstrip(".") + "%"


def reconstruction(
    inputs: Inputs, base_year: int, base_bn: float, growth: float | None = None
) -> float:
    """The book's do-nothing gap at 2020/21 from ``base_bn`` in ``base_year``: flat real
    funding against need growing at ``growth`` a year (the published 4% by default),
    GBP bn a year at base-year prices."""
    growth = float(inputs.fyfv["demand_growth"]) if growth is None else growth
    return gap.do_nothing_gap(base_bn, growth, 0.0, inputs.published_horizon - base_year)


def windows(inputs: Inputs) -> pd.DataFrame:
    """The GBP 30bn as published (NHS England 2013 and 2014, the IFS via The
    Conversation) beside the book's reconstruction from each window's base year.
    Columns: calculation (which says whether it is published or modelled), window,
    gap_bn (GBP bn a year by 2020/21), kind ("Published" or "Modelled")."""
    facts, end = inputs.facts, gap.financial_year(inputs.published_horizon)
    cta, ifs = gap.financial_year(inputs.base_year), gap.financial_year(inputs.ifs_base_year)
    growth = rate(float(inputs.fyfv["demand_growth"]))
    rows = [
        (
            "Published: NHS England, Call to Action (July 2013)",
            f"{cta} to {end}",
            float(facts["cta_gap_gbp_bn"]),
            "Published",
        ),
        (
            "Published: Five Year Forward View (October 2014), a gap of nearly this size",
            f"by {end}",
            float(facts["fyfv_gap_gbp_bn"]),
            "Published",
        ),
        (
            "Published: the IFS calculation, as traced by The Conversation (2016)",
            f"{ifs} to {end}",
            float(facts["ifs_gap_gbp_bn"]),
            "Published",
        ),
        (
            f"This book's model: NHS England's {cta} budget, {growth} a year",
            f"{cta} to {end}",
            reconstruction(inputs, inputs.base_year, inputs.base_bn),
            "Modelled",
        ),
        (
            f"This book's model: NHS England's {ifs} budget, {growth} a year",
            f"{ifs} to {end}",
            reconstruction(inputs, inputs.ifs_base_year, inputs.budget_bn(inputs.ifs_base_year)),
            "Modelled",
        ),
        (
            f"This book's model, for comparison: the Department of Health's {ifs} spending "
            f"in England, {growth} a year",
            f"{ifs} to {end}",
            reconstruction(
                inputs, inputs.ifs_base_year, inputs.dh_spending_bn(inputs.ifs_base_year)
            ),
            "Modelled",
        ),
    ]
    return pd.DataFrame(rows, columns=["calculation", "window", "gap_bn", "kind"])


def growth_rates(inputs: Inputs) -> dict[str, float]:
    """Average real growth a year (fractions) of the series the chapter plots and of
    NHS England's budget after the 2015 Spending Review:

    - ``series_long_run``: England health spending, first to last outturn year;
    - ``series_decade``: the same from ``DECADE_FROM`` to the last outturn year;
    - ``nhse_outturn``: NHS England's budget, ``OUTTURN_FROM`` to ``OUTTURN_TO``;
    - ``nhse_outturn_added_bn``: its real increase over those years, GBP bn at
      ``OUTTURN_FROM`` prices (the GDP deflator of the source).
    """
    series = plotted_spending(inputs).set_index("fiscal_year_start")["real_gbp_bn_2018_19_prices"]
    first, last = int(series.index[0]), int(series.index[-1])
    budget = inputs.budget.set_index("fiscal_year_start")
    real = budget["real_gbp_bn_2025_26_prices"]
    added = (real[OUTTURN_TO] - real[OUTTURN_FROM]) / budget.loc[
        OUTTURN_FROM, "deflator_to_2025_26"
    ]
    return {
        "series_long_run": gap.average_growth(series[first], series[last], last - first),
        "series_decade": gap.average_growth(series[DECADE_FROM], series[last], last - DECADE_FROM),
        "nhse_outturn": gap.average_growth(
            real[OUTTURN_FROM], real[OUTTURN_TO], OUTTURN_TO - OUTTURN_FROM
        ),
        "nhse_outturn_added_bn": float(added),
    }


def plotted_spending(inputs: Inputs) -> pd.DataFrame:
    """The England spending series as charted: outturn years only (the last year of the
    source is a plan)."""
    spending = inputs.spending
    return spending[spending["status"] == "outturn"].sort_values("fiscal_year_start")


def _remaining_sentence(remaining_bn: float) -> str:
    """What is left for new money, in words that also read right when nothing is."""
    if remaining_bn < 0.05:
        return (
            f"Efficiency and funding together then outrun need by {bn(-remaining_bn)}: "
            "nothing is left for extra funding to cover."
        )
    return f"That leaves {bn(remaining_bn)} for extra funding to cover."


def compute(
    inputs: Inputs,
    demand_growth: float,
    funding_growth: float,
    efficiency_rate: float,
    horizon_year: int,
) -> Results:
    """The gap path to ``horizon_year``, the GBP 30bn's windows, the efficiency the
    Forward View's bargain needed and the growth rates, with the numbers the prose
    cites."""
    fyfv, facts = inputs.fyfv, inputs.facts
    path = gap.gap_path(
        inputs.base_bn,
        inputs.base_year,
        horizon_year,
        demand_growth,
        funding_growth,
        efficiency_rate,
    )
    published_years = inputs.published_horizon - inputs.base_year
    needed = gap.efficiency_needed(
        inputs.base_bn,
        float(fyfv["demand_growth"]),
        published_years,
        float(fyfv["efficiency_share_gbp_bn"]),
    )
    table_ = windows(inputs)
    rates = growth_rates(inputs)
    final = path.iloc[-1]
    finances = inputs.providers.set_index("financial_year")["net_position_gbp_m"]
    plotted = plotted_spending(inputs)
    budget = inputs.budget.set_index("fiscal_year_start")["cash_gbp_bn"]
    values = {
        "demand_growth": demand_growth,
        "funding_growth": funding_growth,
        "efficiency_rate": efficiency_rate,
        "horizon_year": horizon_year,
    }
    hf_long_run = float(fyfv["long_run_real_growth"])
    ifs_years = inputs.published_horizon - inputs.ifs_base_year
    prose = text(
        # the chapter's parameters and the modelled path
        demand=rate(demand_growth),
        funding=rate(funding_growth),
        efficiency=rate(efficiency_rate),
        horizon=str(final["financial_year"]),
        gap_final=bn(float(final["do_nothing_gap_bn"])),
        closed_final=bn(float(final["closed_by_efficiency_bn"])),
        remaining_final=bn(float(final["remaining_gap_bn"])),
        remaining_sentence=_remaining_sentence(float(final["remaining_gap_bn"])),
        # the GBP 30bn and its windows
        base_bn=bn(inputs.base_bn),
        base_year=gap.financial_year(inputs.base_year),
        ifs_base_bn=bn(inputs.budget_bn(inputs.ifs_base_year)),
        ifs_base_year=gap.financial_year(inputs.ifs_base_year),
        dh_base_bn=bn(inputs.dh_spending_bn(inputs.ifs_base_year)),
        published_growth=rate(float(fyfv["demand_growth"])),
        cta_years=_WORDS.get(published_years, str(published_years)),
        ifs_years=_WORDS.get(ifs_years, str(ifs_years)),
        gap_cta_window=bn(float(table_["gap_bn"].iloc[3])),
        gap_ifs_window=bn(float(table_["gap_bn"].iloc[4])),
        gap_dh_window=bn(float(table_["gap_bn"].iloc[5])),
        gap_at_hf_long_run=bn(
            reconstruction(inputs, inputs.base_year, inputs.base_bn, hf_long_run)
        ),
        # long-run growth, as published and as computed from the plotted series
        hf_long_run=pct(hf_long_run),
        ifs_long_run=pct(float(facts["real_growth_long_run_ifs_pct"]) / 100),
        nhse_decade=pct(float(facts["growth_last_decade_hf_pct"]) / 100),
        series_long_run=pct(rates["series_long_run"]),
        series_decade=pct(rates["series_decade"]),
        series_first=str(plotted["financial_year"].iloc[0]),
        series_last=str(plotted["financial_year"].iloc[-1]),
        decade_from=gap.financial_year(DECADE_FROM),
        # closing the gap
        vanguards=f"{float(facts['vanguard_sites']):.0f}",
        efficiency_share=bn(float(fyfv["efficiency_share_gbp_bn"]), 0),
        funding_share=bn(float(fyfv["funding_share_gbp_bn"]), 0),
        efficiency_national=bn(float(facts["efficiency_national_gbp_bn"]), 0),
        efficiency_local=bn(float(facts["efficiency_local_gbp_bn"]), 0),
        efficiency_productivity=bn(float(facts["efficiency_provider_productivity_gbp_bn"]), 0),
        provider_efficiency=pct(float(facts["provider_efficiency_pct"]) / 100, 0),
        needed=pct(needed),
        historic=pct(float(fyfv["historic_efficiency"])),
        # the money given, and what the gap turned out to be
        mandate_2015=bn(float(facts["mandate_extra_2015_16_gbp_bn"]), 2),
        extra_2015_conversation=bn(float(facts["sr2015_extra_2015_16_gbp_bn"])),
        extra_2015_chpi=bn(float(fyfv["gov_extra_funding_2015_16_gbp_bn"]), 0),
        sr_2016=bn(float(facts["sr2015_real_increase_2016_17_gbp_bn"])),
        sr_2020=bn(float(facts["sr2015_real_increase_2020_21_gbp_bn"])),
        dh_claim=bn(float(facts["sr2015_nhse_real_increase_claim_gbp_bn"]), 0),
        whole_dh=bn(float(facts["sr2015_real_increase_whole_dh_gbp_bn"])),
        outturn_from=gap.financial_year(OUTTURN_FROM),
        outturn_to=gap.financial_year(OUTTURN_TO),
        outturn_added=bn(rates["nhse_outturn_added_bn"]),
        outturn_planned=bn(float(fyfv["sr2015_plan_increase_2018_19_gbp_bn"])),
        outturn_growth=pct(rates["nhse_outturn"]),
        savings_2015=bn(float(facts["savings_delivered_2015_16_gbp_bn"]), 0),
        settlement=bn(float(facts["settlement_real_increase_gbp_bn"])),
        settlement_growth=pct(float(facts["settlement_real_growth_pct"]) / 100),
        settlement_hf=pct(float(facts["settlement_real_growth_hf_pct"]) / 100),
        # 2018/19 underneath the reported figure: NHS Improvement via the HSJ, and the
        # Nuffield Trust (chapters 3 and 6 give the same pair)
        underlying_2018=bn(float(facts["underlying_provider_deficit_2018_19_gbp_bn"]), 0),
        underlying_nuffield=bn(float(facts["provider_underlying_deficit_nuffield_gbp_bn"]), 0),
        reported_2018=m(-float(finances["2018/19"])),
        budget_2019=bn(float(budget[2019])),
        budget_2020=bn(float(budget[2020])),
        # providers
        deficit_2014=m(-float(finances["2014/15"])),
        deficit_2015=bn(-float(finances["2015/16"]) / 1000, 2),
        deficit_2015_nao=m(-float(facts["trust_position_2015_16_gbp_m"])),
        stf_2016=bn(float(facts["stf_2016_17_gbp_bn"])),
        stf_providers=bn(float(facts["stf_provider_sustainability_2016_17_gbp_bn"])),
    )
    return Results(inputs, values, path, needed, table_, rates, prose)


def headline(results: Results) -> dict[str, float]:
    """Key results at the horizon year, GBP bn a year at 2013/14 prices."""
    final = results.final
    base, years = results.inputs.base_bn, int(final["years"])
    funding_added = gap.funding_bn(base, results.values["funding_growth"], years) - base
    return {
        "Do-nothing gap: flat funding, no efficiency (GBP bn a year)": gap.need_bn(
            base, results.values["demand_growth"], years
        )
        - base,
        "Gap before efficiency, with the assumed funding (GBP bn a year)": float(
            final["do_nothing_gap_bn"]
        ),
        "Closed by efficiency (GBP bn a year)": float(final["closed_by_efficiency_bn"]),
        "Left for extra funding (GBP bn a year)": float(final["remaining_gap_bn"]),
        "Real funding added (GBP bn a year)": funding_added,
    }


def assumptions(results: Results) -> Any:
    """The chapter's Assumptions box; the last year modelled is shown as the financial
    year it starts ("2020/21", not "2020")."""
    horizon = declared(NOTEBOOK, results.inputs.layout)["horizon_year"]
    assert horizon.minimum is not None and horizon.maximum is not None  # declared range
    years = range(int(horizon.minimum), int(horizon.maximum) + 1)
    return assumptions_box(
        NOTEBOOK,
        results.values,
        results.inputs.layout,
        {"horizon_year": {y: gap.financial_year(y) for y in years}},
    )


def path_table(results: Results) -> Table:
    """The modelled path year by year, for readers. Numeric headings do not wrap, so
    they are short and the caption says what each column is: the table fits a phone."""
    return table(
        results.path,
        "The gap year by year under this page's assumptions: before "
        "efficiency, closed by efficiency, and left for extra funding (this book's model; "
        "£bn a year at 2013/14 prices)",
        {
            "fiscal_year_start": "Year",
            "do_nothing_gap_bn": "Gap (£bn)",
            "closed_by_efficiency_bn": "Closed (£bn)",
            "remaining_gap_bn": "Left (£bn)",
        },
        formats={
            "fiscal_year_start": gap.financial_year,
            **{
                c: ",.1f"
                for c in ("do_nothing_gap_bn", "closed_by_efficiency_bn", "remaining_gap_bn")
            },
        },
    )


def _gap_cell(value: float) -> str:
    """Published figures as given (30), the book's to one decimal (29.6)."""
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def windows_table(results: Results) -> Table:
    """The GBP 30bn: who calculated what, over which years, beside the reconstruction.
    Two columns (the years go with the calculation): it has to fit a phone, where a
    narrow text column would break "2013/14" in the middle."""
    frame = results.windows.assign(
        calculation=results.windows["calculation"] + ", " + results.windows["window"]
    )
    return table(
        frame,
        "The £30bn: the published figures and this book's reconstruction "
        "(gap by 2020/21 in £bn a year, with flat real funding and no further efficiency)",
        {"calculation": "Calculation and years", "gap_bn": "Gap (£bn)"},
        formats={"gap_bn": _gap_cell},
        note="The book's rows apply one growth rate to one budget; the published "
        "calculations did not publish their sums in full.",
    )


def published_points(inputs: Inputs) -> pd.DataFrame:
    """The Forward View's published 2020/21 figures, for the gap chart."""
    gap_bn = float(inputs.fyfv["gap_2020_21_gbp_bn"])
    funding_bn = float(inputs.fyfv["funding_share_gbp_bn"])
    end = gap.financial_year(inputs.published_horizon)
    return pd.DataFrame(
        [
            {
                "financial_year": end,
                "value_bn": gap_bn,
                "label": bn(gap_bn, 0),
                "name": f"Gap by {end} if nothing changed: nearly {bn(gap_bn, 0)} a year",
                "above": True,
            },
            {
                "financial_year": end,
                "value_bn": funding_bn,
                "label": bn(funding_bn, 0),
                "name": (
                    f"Left for new money after 2-3% a year efficiency: {bn(funding_bn, 0)} a year"
                ),
                "above": False,
            },
        ]
    )


def gap_chart(results: Results, sliders: bool = True) -> alt.LayerChart | alt.FacetChart:
    """The gap opening year by year, with sliders (static book) or without (live)."""
    params = declared(NOTEBOOK, results.inputs.layout)
    return charts.gap_chart(
        results.inputs.base_bn,
        results.inputs.base_year,
        int(results.values["horizon_year"]),
        params,
        results.values,
        published_points(results.inputs),
        sliders=sliders,
    )


def spending_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    """Real health spending in England, titled with the series' own growth rates."""
    return charts.spending_chart(
        plotted_spending(results.inputs),
        results.rates["series_long_run"],
        results.rates["series_decade"],
        DECADE_FROM,
    )


def _reader_note(note: str) -> str:
    """A data note in the book's style for readers: "GBP 1.8bn" and "2.45bn" -> "£..."."""
    note = note.replace("GBP ", "£")
    return re.sub(r"(?<![£\w.,-])(\d[\d,]*(?:\.\d+)?)(bn|m)\b", r"£\1\2", note)


def providers_table(results: Results) -> Table:
    """NHS trusts' and foundation trusts' net position year by year, with how each
    year's figure was reported."""
    frame = results.inputs.providers.assign(
        basis_note=results.inputs.providers["basis_note"].map(_reader_note)
    )
    # The year goes in as the (numeric) start year, shown as "2015/16": numeric cells do
    # not wrap, so a phone cannot squeeze the year beside the long notes.
    return table(
        frame,
        "NHS trusts and foundation trusts in England: net financial position "
        "(£m; a negative figure is a deficit)",
        {
            "fiscal_year_start": "Year",
            "net_position_gbp_m": "Net (£m)",
            "basis_note": "How the figure was reported",
        },
        formats={"fiscal_year_start": gap.financial_year, "net_position_gbp_m": ",.0f"},
        note="Each year's sources are cited in the text above the table.",
    )


def live(inputs: Inputs) -> Callable[..., tuple[Any, Any]]:
    """The live panel's function: new values in, the gap chart and headline out."""

    def redraw(**values: Any) -> tuple[Any, Any]:
        results = compute(inputs, **values)
        numbers = {k: bn(v) for k, v in headline(results).items() if not k.startswith("Do-nothing")}
        return headline_box(numbers), gap_chart(results, sliders=False)

    return redraw


def panel(results: Results) -> Any:
    """The ipywidgets panel (a one-line note when the pipeline runs the chapter)."""
    from ..widgets import controls

    return controls(NOTEBOOK, live(results.inputs), results.values, layout=results.inputs.layout)
