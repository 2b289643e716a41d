"""Chapter 3, the plans and their money: everything the chapter computes.

The chapter's logic has one home, here: which published gaps are usable
(:func:`usable_gaps`), the gap of one plan or of all of them (:func:`plan_gap`), the
Monte Carlo stress test's summary (:func:`stress_summary`), the grid the static chart
filters in the browser (:func:`stress_grid`) and its Python twin (:func:`browser_readout`),
and the money after the plans (the NAO's 2016/17 balance, what the fund became, the STP
capital promised and allocated). The notebook, ``stpbook compare``, the seminar dashboard
and the tests all call these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import data
from ..charts import plans_and_money as charts
from ..errors import ParameterError
from ..layout import Layout
from ..models import footprints as fp
from ..models import stress
from ..parameters import Parameter, declared
from ..tables import Table, table
from ._common import assumptions_box, bn, count, headline_box, m, pct, text

NOTEBOOK = "03_plans_and_money"
ALL = "all"
ALL_LABEL = "All usable published plans, added up"
ALL_SHORT = "all {n} plans together"  # in the Assumptions box's list of choices
SCOPE_WORDS = {"nhs_only": "NHS only", "nhs_and_social_care": "incl. social care", "unclear": ""}
HEADLINE_KEYS = (
    "Plan's gap (GBP m a year)",
    "Mean gap left after delivery (GBP m a year)",
    "Draws that close the whole gap (%)",
)
# Shares of draws are shipped to the browser as whole numbers per thousand.
SHARE_UNITS = 1000
DROPDOWN_CHARS = 40


@dataclass(frozen=True)
class Inputs:
    """What chapter 3 reads from ``data/``."""

    footprints: pd.DataFrame  # data/footprints.csv, indexed by stp17cd
    gaps: pd.DataFrame  # data/financial_gaps.csv
    ippr: pd.DataFrame  # data/gap_per_head_ippr.csv
    facts: pd.Series  # key -> value, data/national_facts.csv
    timeline: pd.DataFrame  # data/timeline.csv
    providers: pd.DataFrame  # data/provider_finances.csv
    outcomes: pd.DataFrame  # data/reconfiguration_outcomes.csv
    programme: pd.DataFrame  # stress.activity_programme of data/activity_assumptions.csv
    layout: Layout | None = None

    def fact(self, key: str) -> float:
        return float(self.facts[key])


def inputs(layout: Layout | None = None) -> Inputs:
    """Load chapter 3's data."""
    return Inputs(
        data.load("footprints", layout=layout).set_index("stp17cd"),
        data.load("financial_gaps", layout=layout),
        data.load("gap_per_head_ippr", layout=layout),
        data.load("national_facts", layout=layout).set_index("key")["value"],
        data.load("timeline", layout=layout),
        data.load("provider_finances", layout=layout),
        data.load("reconfiguration_outcomes", layout=layout),
        stress.activity_programme(data.load("activity_assumptions", layout=layout)),
        layout,
    )


# --- the published gaps --------------------------------------------------------------


def published_gaps(inputs: Inputs) -> pd.DataFrame:
    """Each footprint's one headline do-nothing gap (GBP m a year by 2020/21), with its
    name, population (mid-2016; ``apportioned`` where it is the book's estimate), the gap
    per head (GBP) and flags: ``usable`` (not doubtful), ``draft``."""
    head = inputs.gaps[inputs.gaps["is_headline"]].copy().reset_index(drop=True)
    foot = inputs.footprints.loc[head["stp17cd"]]
    head["stp17nm"] = foot["stp17nm"].to_numpy()
    head["population"] = foot["population_mid2016"].to_numpy()
    head["apportioned"] = (foot["population_basis"] == "apportioned").to_numpy()
    head["gap_per_head_gbp"] = fp.gap_per_head(head["gap_gbp_m"], head["population"])
    head["usable"] = head["reliability"] != "doubtful"
    head["draft"] = head["plan_version"].str.startswith("draft")
    return head


def usable_gaps(inputs: Inputs) -> pd.DataFrame:
    """The usable headline gaps: one figure per footprint, not flagged doubtful. The
    stress test and every total in the chapter use exactly these."""
    gaps = published_gaps(inputs)
    return gaps[gaps["usable"]].reset_index(drop=True)


def plan_gap(inputs: Inputs, footprint: str) -> tuple[float, str]:
    """The published gap of one footprint's plan (GBP m a year) and its name; ``"all"``
    adds up every usable headline gap."""
    usable = usable_gaps(inputs)
    if footprint == ALL:
        return float(usable["gap_gbp_m"].sum()), ALL_LABEL
    row = usable[usable["stp17cd"] == footprint]
    if row.empty:
        raise ParameterError(
            f"footprint {footprint!r} has no usable published gap; choose {ALL!r} or one "
            f"of {', '.join(usable['stp17cd'])}"
        )
    return float(row["gap_gbp_m"].iloc[0]), str(row["stp17nm"].iloc[0])


def plan_labels(inputs: Inputs) -> dict[str, str]:
    """Each choice of plan in words: footprint code -> name."""
    usable = usable_gaps(inputs)
    return {ALL: ALL_LABEL, **dict(zip(usable["stp17cd"], usable["stp17nm"]))}


def dropdown_labels(inputs: Inputs) -> dict[str, str]:
    """The footprint drop-down's words, short enough for a phone's width (a select is as
    wide as its longest option): long names use "&" and initials for "North"."""

    def short(name: str) -> str:
        if len(name) <= DROPDOWN_CHARS:
            return name
        name = name.replace(" and ", " & ")
        return name if len(name) <= DROPDOWN_CHARS else name.replace("North ", "N. ")

    return {code: short(name) for code, name in plan_labels(inputs).items()}


# --- the stress test -------------------------------------------------------------------


def stress_summary(
    d: stress.Draws,
    gap_gbp_m: float,
    efficiency_delivered: float,
    activity_reduction_achieved: float,
    extra_funding_gbp_m: float,
) -> dict[str, float]:
    """The stress test of one plan with the draws ``d``: quantiles and mean of the gap
    left (GBP m a year), the share of draws that close the whole gap and the mean share
    of the gap left."""
    remaining = stress.remaining_gap(
        d, gap_gbp_m, efficiency_delivered, activity_reduction_achieved, extra_funding_gbp_m
    )
    return stress.summarise(remaining, gap_gbp_m)


@dataclass(frozen=True)
class Results:
    """Chapter 3's results for one set of parameter values."""

    inputs: Inputs
    values: dict[str, Any]
    published: pd.DataFrame  # published_gaps, with modelled_median_left_gbp_m
    gap_gbp_m: float  # the stress-tested plan's published gap
    plan_label: str
    draws: stress.Draws
    summary: dict[str, float]  # stress_summary of the chosen plan
    text: SimpleNamespace


def compute(
    inputs: Inputs,
    footprint: str,
    efficiency_delivered: float,
    activity_reduction_achieved: float,
    extra_funding_gbp_m: float,
    activity_share: float,
    draws: int,
    random_state: int,
) -> Results:
    """The stress test of the chosen plan, the modelled median gap left for every usable
    plan (same draws), and every number the prose cites."""
    values = {
        "footprint": footprint,
        "efficiency_delivered": efficiency_delivered,
        "activity_reduction_achieved": activity_reduction_achieved,
        "extra_funding_gbp_m": extra_funding_gbp_m,
        "activity_share": activity_share,
        "draws": draws,
        "random_state": random_state,
    }
    gap_gbp_m, label = plan_gap(inputs, footprint)
    d = stress.draw(inputs.programme, activity_share, draws, random_state)
    summary = stress_summary(
        d, gap_gbp_m, efficiency_delivered, activity_reduction_achieved, extra_funding_gbp_m
    )
    published = published_gaps(inputs)
    published["modelled_median_left_gbp_m"] = [
        stress_summary(
            d, g, efficiency_delivered, activity_reduction_achieved, extra_funding_gbp_m
        )["q50"]
        if ok
        else np.nan
        for g, ok in zip(published["gap_gbp_m"], published["usable"])
    ]
    prose = _text(inputs, values, published, gap_gbp_m, label, d, summary)
    return Results(inputs, values, published, gap_gbp_m, label, d, summary, prose)


def headline(results: Results) -> dict[str, float]:
    """The stress test's key results for the chosen plan (GBP m a year; %)."""
    return dict(
        zip(
            HEADLINE_KEYS,
            (results.gap_gbp_m, results.summary["mean"], 100 * results.summary["share_closed"]),
        )
    )


def assumptions(results: Results) -> Any:
    """The chapter's Assumptions box."""
    # Names only (no codes), and a short name for "all": the box must fit a phone.
    labels = plan_labels(results.inputs)
    labels[ALL] = ALL_SHORT.format(n=len(labels) - 1)
    return assumptions_box(NOTEBOOK, results.values, results.inputs.layout, {"footprint": labels})


def _params(inputs: Inputs) -> dict[str, Parameter]:
    return declared(NOTEBOOK, inputs.layout)


# --- the grid the static chart filters, and its Python twin ----------------------------


@dataclass(frozen=True)
class StressGrid:
    """What the static stress chart computes from in the browser.

    ``fan``: one row per efficiency value (key ``ek``, basis points), the quantiles and
    mean of the gap left per GBP 1 of gap (``stress.per_pound_summary``); ``closed``: one
    row per (plan ``code``, ``ek``), the share of draws that close the whole gap for each
    value in ``funding_values``, per thousand, comma-separated; ``plans``: code, name,
    gap (GBP m a year)."""

    fan: pd.DataFrame
    closed: pd.DataFrame
    plans: pd.DataFrame
    funding_values: tuple[float, ...]


def _grid_values(param: Parameter, value: float) -> np.ndarray:
    """The slider's positions, plus the chapter's own value if it is off the steps."""
    assert param.minimum is not None and param.maximum is not None  # a number's range
    step = param.step or (param.maximum - param.minimum) / 20
    n = int(round((param.maximum - param.minimum) / step))
    points = np.round(param.minimum + step * np.arange(n + 1), 6)
    return np.unique(np.append(points, round(float(value), 6)))


def efficiency_key(value: float) -> int:
    """The grid key of an efficiency value (basis points); the browser's
    ``round(efficiency_delivered * 10000)``."""
    return int(round(float(value) * 10_000))


def stress_grid(results: Results) -> StressGrid:
    """The static chart's grid: every plan, every slider position of efficiency delivered
    and extra funding, with the chapter's draws and activity assumption."""
    params = _params(results.inputs)
    v = results.values
    effs = _grid_values(params["efficiency_delivered"], v["efficiency_delivered"])
    funds = _grid_values(params["extra_funding_gbp_m"], v["extra_funding_gbp_m"])
    usable = usable_gaps(results.inputs)
    plans = pd.DataFrame(
        {
            "code": [ALL, *usable["stp17cd"]],
            "name": [ALL_LABEL, *usable["stp17nm"]],
            "gap": [float(usable["gap_gbp_m"].sum()), *usable["gap_gbp_m"].astype(float)],
        }
    )
    plans["name_lines"] = plans["name"]  # one line: the readout has a fixed height
    a = v["activity_reduction_achieved"]
    fan = stress.per_pound_summary(results.draws, effs, a)
    fan.insert(0, "ek", [efficiency_key(e) for e in fan["efficiency_delivered"]])
    shares = stress.closed_shares(results.draws, effs, a, plans["gap"].to_numpy(), funds)
    units = np.rint(shares * SHARE_UNITS).astype(int)
    closed = pd.DataFrame(
        [
            {"code": code, "ek": efficiency_key(e), "closed": ",".join(map(str, units[i, j]))}
            for i, code in enumerate(plans["code"])
            for j, e in enumerate(effs)
        ]
    )
    return StressGrid(fan.round(8), closed, plans, tuple(float(f) for f in funds))


def browser_readout(
    grid: StressGrid, footprint: str, efficiency_delivered: float, extra_funding_gbp_m: float
) -> dict[str, Any]:
    """The Python twin of the stress chart's Vega formulas (``charts.plans_and_money``):
    the numbers and the readout lines the browser shows for these control values."""
    plan = grid.plans.set_index("code").loc[footprint]
    z = grid.fan.set_index("ek").loc[efficiency_key(efficiency_delivered)]
    units = grid.closed.set_index(["code", "ek"]).loc[
        (footprint, efficiency_key(efficiency_delivered)), "closed"
    ]
    index = grid.funding_values.index(float(extra_funding_gbp_m))
    g, f = float(plan["gap"]), float(extra_funding_gbp_m)
    out: dict[str, Any] = {
        q: g * float(z[q]) - f for q in ("q05", "q25", "q50", "q75", "q95", "mean")
    }
    per_mille = int(units.split(",")[index])
    out["share_closed"] = per_mille / SHARE_UNITS
    out["lines"] = charts.readout_lines(
        plan["name_lines"], g, efficiency_delivered, out["q50"], out["q05"], out["q95"], per_mille
    )
    return out


# --- the money after the plans ---------------------------------------------------------


def nao_balance(inputs: Inputs) -> pd.DataFrame:
    """The NHS's combined net position (NHS England, CCGs and trusts; GBP m) in 2015/16
    and 2016/17 as the NAO reported it, and 2016/17 without the STF's GBP 1.8bn paid to
    trusts (the book's arithmetic: reported minus the fund)."""
    before = inputs.fact("nhs_combined_position_2015_16_gbp_m")
    after = inputs.fact("nhs_combined_position_2016_17_gbp_m")
    stf_m = 1000 * inputs.fact("stf_paid_to_trusts_2016_17_gbp_bn")
    return pd.DataFrame(
        {
            "row": [
                "2015/16, as reported",
                "2016/17, as reported",
                f"2016/17 without the fund's {bn(stf_m / 1000)}",
            ],
            "position_gbp_m": [before, after, after - stf_m],
            "kind": ["published", "published", "arithmetic"],
        }
    )


def fund_years(inputs: Inputs) -> pd.DataFrame:
    """What the Sustainability and Transformation Fund became, year by year, beside the
    trusts' reported net position (GBP m)."""
    f = inputs.fact
    rows = [
        (
            "2016/17",
            f"Sustainability and Transformation Fund, {bn(f('stf_2016_17_gbp_bn'))} "
            f"({bn(f('stf_provider_sustainability_2016_17_gbp_bn'))} of it to support "
            "trusts in deficit)",
        ),
        ("2017/18", f"Sustainability and Transformation Fund, {bn(f('stf_2017_18_gbp_bn'))}"),
        ("2018/19", f"Provider Sustainability Fund, {bn(f('psf_2018_19_gbp_bn'), 2)}"),
        (
            "2019/20",
            f"{bn(f('psf_into_tariff_2019_20_gbp_bn'))} of it moved into national "
            f"prices; a Financial Recovery Fund of {bn(f('frf_2019_20_gbp_bn'), 2)} "
            "for trusts in deficit",
        ),
    ]
    out = pd.DataFrame(rows, columns=["financial_year", "fund"])
    position = inputs.providers.set_index("financial_year")["net_position_gbp_m"]
    out["net_position_gbp_m"] = [float(position[y]) for y in out["financial_year"]]
    return out


def capital_path(inputs: Inputs) -> pd.DataFrame:
    """Capital for the plans: what they said they needed, what was asked for in bids,
    what was promised for STPs in the two 2017 Budgets, and what had been allocated by
    2019 (GBP bn)."""
    f = inputs.fact
    spring = f("spring_budget_stp_capital_gbp_m") / 1000
    autumn = f("autumn_budget_2017_stp_capital_gbp_bn")
    areas = f("bma_stp_capital_footprints_responding")
    return pd.DataFrame(
        {
            "row": [
                f"Needed, the plans said (BMA, Feb 2017, {areas:.0f} of 44 areas)",
                "Asked for in formal bids, 2017-2019 (more than)",
                f"Promised for STPs, 2017 Budgets ({m(spring * 1000)} + {bn(autumn)})",
                "Allocated to bids by 2019 (about)",
            ],
            "gbp_bn": [
                f("bma_stp_capital_estimate_gbp_bn"),
                f("capital_requested_gbp_bn"),
                spring + autumn,
                f("capital_allocated_to_date_gbp_bn"),
            ],
            "kind": ["asked", "asked", "promised", "allocated"],
        }
    )


# --- prose numbers ----------------------------------------------------------------------


def _per_head(value: float) -> str:
    return f"£{value:,.0f}"


def _text(
    inputs: Inputs,
    values: dict[str, Any],
    published: pd.DataFrame,
    gap_gbp_m: float,
    label: str,
    d: stress.Draws,
    summary: dict[str, float],
) -> SimpleNamespace:
    f = inputs.fact
    usable = published[published["usable"]]
    by = published.set_index("stp17cd")
    lo, hi = (
        usable.loc[usable["gap_per_head_gbp"].idxmin()],
        usable.loc[usable["gap_per_head_gbp"].idxmax()],
    )
    ippr = inputs.ippr.set_index("position_in_ranking")
    names = inputs.footprints["stp17nm"]
    stf, stf_def = f("stf_2016_17_gbp_bn"), f("stf_provider_sustainability_2016_17_gbp_bn")
    spring_m = f("spring_budget_stp_capital_gbp_m")
    spring_years = 3  # the Spring Budget's STP capital was over three years (2017/18-2019/20)
    per_footprint_year = spring_m / spring_years / 44
    schemes = f("stp_capital_spring_2017_schemes")
    nao = nao_balance(inputs)
    e, a, extra = (
        values["efficiency_delivered"],
        values["activity_reduction_achieved"],
        values["extra_funding_gbp_m"],
    )
    # What the Spring Budget's capital, spread evenly and (wrongly) counted as revenue,
    # would do to the chosen plan's median gap: it moves it by exactly that sum.
    spread = stress_summary(d, gap_gbp_m, e, a, extra + per_footprint_year)
    beach = inputs.outcomes[inputs.outcomes["source_id"] == "bbc_beach_ed_2025"]
    return text(
        ncl_gap=m(by.loc["E54000028", "gap_gbp_m"]),
        ncl_head=_per_head(by.loc["E54000028", "gap_per_head_gbp"]),
        bsol_gap=m(by.loc["E54000017", "gap_gbp_m"]),
        bsol_sc=m(by.loc["E54000017", "social_care_gbp_m"]),
        bsol_head=_per_head(by.loc["E54000017", "gap_per_head_gbp"]),
        n_published=count(len(published)),
        n_usable=count(len(usable)),
        n_draft=count(published["draft"].sum()),
        n_doubtful=count((~published["usable"]).sum()),
        n_nhs_only=count((published["scope"] == "nhs_only").sum()),
        n_with_sc=count((published["scope"] == "nhs_and_social_care").sum()),
        n_unclear=count((published["scope"] == "unclear").sum()),
        n_apportioned=count(published["apportioned"].sum()),
        gap_min=m(usable["gap_gbp_m"].min()),
        gap_max=m(usable["gap_gbp_m"].max()),
        head_min=_per_head(lo["gap_per_head_gbp"]),
        head_min_name=lo["stp17nm"],
        head_max=_per_head(hi["gap_per_head_gbp"]),
        head_max_name=hi["stp17nm"],
        usable_total=bn(usable["gap_gbp_m"].sum() / 1000),
        ippr_total=bn(f("ippr_stp_deficits_total_gbp_bn"), 0),
        ippr_low=f"£{ippr.loc['lowest', 'gap_per_head_gbp']:,.2f}",
        ippr_high=f"£{ippr.loc['highest', 'gap_per_head_gbp']:,.2f}",
        ippr_low_name=names[ippr.loc["lowest", "stp17cd"]],
        ippr_high_name=names[ippr.loc["highest", "stp17cd"]],
        plans_with_closures=f"{f('plans_with_closures_share_pct'):.0f}%",
        stf=bn(stf),
        stf_2020=bn(f("stf_2020_21_gbp_bn")),
        stf_deficits=bn(stf_def),
        stf_left=bn(stf - stf_def),
        chpi_deficits=bn(f("stf_spent_on_deficits_gbp_bn")),
        social_care_grant=bn(f("spring_budget_social_care_gbp_bn"), 0),
        spring_capital=m(spring_m),
        spring_years=str(spring_years),
        spring_per_footprint_year=m(per_footprint_year, 1),
        spring_per_scheme=m(spring_m / schemes, 0),
        spring_schemes=count(schemes),
        spread_median=m(spread["q50"]),
        spread_moves=m(summary["q50"] - spread["q50"], 1),
        spread_share=pct(per_footprint_year / gap_gbp_m, 1),
        bma_capital=bn(f("bma_stp_capital_estimate_gbp_bn"), 2),
        bma_footprints=count(f("bma_stp_capital_footprints_responding")),
        autumn_capital=bn(f("autumn_budget_2017_stp_capital_gbp_bn")),
        # the model
        draws_n=count(values["draws"]),
        spread_pct=pct(stress.DELIVERY_SPREAD, 0),
        activity_share=pct(values["activity_share"], 0),
        plan_label=label,
        plan_gap=m(gap_gbp_m),
        eff=pct(e, 0),
        act=pct(a, 0),
        extra=m(extra),
        median_left=m(summary["q50"]),
        q05_left=m(summary["q05"]),
        q95_left=m(summary["q95"]),
        mean_left=m(summary["mean"]),
        share_left=pct(summary["share_of_gap_left"], 0),
        median_share=pct(summary["q50"] / gap_gbp_m, 0),
        closed=pct(summary["share_closed"], 1),
        # the money after the plans
        # deficits are written as positive sums in prose ("a deficit of £1,848m")
        nao_deficit_before=m(-nao.loc[0, "position_gbp_m"]),
        nao_after=m(nao.loc[1, "position_gbp_m"]),
        nao_deficit_without=m(-nao.loc[2, "position_gbp_m"]),
        stf_paid=bn(f("stf_paid_to_trusts_2016_17_gbp_bn")),
        stf_cash=bn(f("stf_paid_as_cash_in_year_2016_17_gbp_bn")),
        # 2015/16: NHS Improvement's year-end figure, as chapters 1 and 6 give it (the
        # NAO's later £2,447m is the same deficit, unrounded)
        trust_deficit_before=bn(
            -float(
                inputs.providers.set_index("financial_year").loc["2015/16", "net_position_gbp_m"]
            )
            / 1000,
            2,
        ),
        trust_deficit_after=m(-f("trust_position_2016_17_gbp_m")),
        capital_to_revenue=bn(f("capital_to_revenue_2016_17_gbp_bn")),
        capital_budget=bn(f("dh_capital_budget_2016_17_gbp_bn")),
        cash_before=bn(f("trust_cash_support_2015_16_gbp_bn")),
        cash_after=bn(f("trust_cash_support_2016_17_gbp_bn")),
        ccgs_deficit=count(f("ccgs_cumulative_deficit_2016_17")),
        psf=bn(f("psf_2018_19_gbp_bn"), 2),
        psf_into_prices=bn(f("psf_into_tariff_2019_20_gbp_bn")),
        frf=bn(f("frf_2019_20_gbp_bn"), 2),
        turnaround=count(f("worst_trusts_turnaround_2019")),
        provider_deficit_2018=m(-f("provider_position_2018_19_gbp_m")),
        provider_deficit_2019=m(
            -float(
                inputs.providers.set_index("financial_year").loc["2019/20", "net_position_gbp_m"]
            )
        ),
        # 2018/19 underneath the reported figure: the Nuffield Trust, and NHS Improvement
        # via the HSJ (chapters 1 and 6 give the same pair)
        underlying=bn(f("provider_underlying_deficit_nuffield_gbp_bn"), 0),
        underlying_2018=bn(f("underlying_provider_deficit_2018_19_gbp_bn"), 0),
        dorset=m(f("stp_capital_dorset_gbp_m")),
        gm_surgery=m(f("stp_capital_gm_surgery_gbp_m")),
        gm_total=m(f("stp_capital_gm_total_gbp_m")),
        derbyshire=m(f("stp_capital_derbyshire_gbp_m")),
        cumbria_low=m(f("stp_capital_cumbria_low_gbp_m")),
        cumbria_high=m(f("stp_capital_cumbria_high_gbp_m")),
        cumbria_hsj=m(f("stp_capital_cumbria_hsj_gbp_m")),
        dorset_treasury=m(f("dorset_csr_capital_gbp_m")),
        beach_opened=pd.Timestamp(beach["date"].iloc[0]).strftime("%B %Y"),
        wave_2018=m(f("stp_capital_wave_2018_gbp_m")),
        shrewsbury=m(f("stp_capital_shrewsbury_gbp_m")),
        wave_late=m(f("stp_capital_late_2018_gbp_m")),
        bids=count(f("stp_capital_bids_count")),
        bids_value=bn(f("stp_capital_bids_value_gbp_bn")),
        no_money=count(f("stp_capital_no_money_stps")),
        capital_pot=bn(f("stp_capital_pot_gbp_bn")),
        allocated=bn(f("capital_allocated_to_date_gbp_bn")),
        requested=bn(f("capital_requested_gbp_bn")),
        allocated_share=pct(
            f("capital_allocated_to_date_gbp_bn") / f("capital_requested_gbp_bn"), 0
        ),
    )


# --- tables -----------------------------------------------------------------------------


def stress_table(results: Results) -> Table:
    """The stress test's result for the chosen plan, for readers."""
    s, t = results.summary, results.text
    rows = [
        ("Published do-nothing gap", t.plan_gap),
        ("Gap left: median of the draws", f"{t.median_left} ({t.median_share} of the gap)"),
        ("Gap left: 90% of draws between", f"{t.q05_left} and {t.q95_left}"),
        (
            "Gap left: mean of the draws",
            f"{t.mean_left} ({pct(s['share_of_gap_left'], 0)} of the gap)",
        ),
        ("Draws that close the whole gap", t.closed),
    ]
    frame = pd.DataFrame(rows, columns=["measure", "value"])
    return table(
        frame,
        f"Stress test of {results.plan_label}: the gap left in 2020/21 "
        f"(modelled; £m a year, {t.draws_n} draws)",
        {"measure": "Measure", "value": "Value"},
        note=(
            f"Efficiency delivered {t.eff}, activity cuts achieved {t.act}, "
            f"extra funding {t.extra} a year. Below zero would be a surplus."
        ),
    )


def fund_table(results: Results) -> Table:
    """What the Sustainability and Transformation Fund became."""
    years = fund_years(results.inputs)
    years["year_and_fund"] = years["financial_year"] + ": " + years["fund"]
    return table(
        years,
        "The fund after the plans, and the trusts' reported net position (£m; negative: a deficit)",
        {"year_and_fund": "Year and fund", "net_position_gbp_m": "Trusts (£m)"},
        formats={"net_position_gbp_m": lambda v: m(v).replace("£", "").replace("m", "")},
        note="Reported positions are after the fund's money: without it each "
        "year's deficit would have been larger.",
    )


# --- charts -----------------------------------------------------------------------------


def timeline_chart(results: Results) -> alt.LayerChart:
    """The plans' timetable, December 2015 to March 2017 (commentary left out)."""
    t = results.inputs.timeline
    window = t[
        (t["date"] >= "2015-12-01") & (t["date"] <= "2017-03-31") & (t["category"] != "commentary")
    ]
    return charts.timeline_chart(window[["date", "date_precision", "event", "category"]])


def gaps_chart(results: Results) -> alt.LayerChart:
    """The published gaps (GBP m a year) with the modelled median gap left."""
    t = results.text
    return charts.gaps_chart(
        results.published,
        "modelled_median_left_gbp_m",
        title=[
            f"The usable published gaps run from {t.gap_min}",
            f"to {t.gap_max} a year by 2020/21",
        ],
        assumptions=f"{t.eff} efficiency, {t.act} activity cuts, {t.extra} extra",
    )


def per_head_chart(results: Results) -> alt.LayerChart:
    """The published gaps per head of population, beside IPPR's range for all 44."""
    t = results.text
    ippr = results.inputs.ippr.set_index("position_in_ranking")["gap_per_head_gbp"]
    usable = results.published[results.published["usable"]]["gap_per_head_gbp"]
    inside = ippr["lowest"] <= usable.min() and usable.max() <= ippr["highest"]
    return charts.per_head_chart(
        results.published,
        float(ippr["lowest"]),
        float(ippr["highest"]),
        title=[
            f"Per head, the usable gaps run from {t.head_min}",
            f"to {t.head_max}" + (", inside IPPR's range" if inside else ""),
        ],
    )


def stf_chart(results: Results) -> alt.Chart:
    f = results.inputs.fact
    return charts.stf_chart(
        f("stf_2016_17_gbp_bn"), f("stf_provider_sustainability_2016_17_gbp_bn")
    )


def nao_chart(results: Results) -> alt.LayerChart:
    t = results.text
    return charts.nao_chart(
        nao_balance(results.inputs),
        title=[
            f"{t.stf_paid} of fund payments to trusts",
            f"turned a {t.nao_deficit_before} deficit into",
            f"a {t.nao_after} surplus in 2016/17",
        ],
    )


def capital_chart(results: Results) -> alt.LayerChart:
    t = results.text
    return charts.capital_chart(
        capital_path(results.inputs),
        title=[
            f"About {t.allocated} of capital was allocated",
            f"against over {t.requested} asked for in bids",
        ],
    )


def stress_chart(results: Results, sliders: bool = True) -> alt.LayerChart | alt.FacetChart:
    """The stress test across efficiency delivered, with the footprint, efficiency and
    extra-funding controls (static book) or fixed at the chapter's values (live panel)."""
    params = _params(results.inputs)
    return charts.stress_chart(
        stress_grid(results),
        params,
        results.values,
        dropdown_labels(results.inputs),
        sliders=sliders,
    )


# --- the live panel ---------------------------------------------------------------------


def live(inputs: Inputs) -> Callable[..., tuple[Any, Any]]:
    """The live panel's function: new values in, the stress chart and headline out."""

    def redraw(**values: Any) -> tuple[Any, Any]:
        results = compute(inputs, **values)
        h = headline(results)
        numbers = {
            HEADLINE_KEYS[0].replace("GBP m", "£m"): m(h[HEADLINE_KEYS[0]]),
            HEADLINE_KEYS[1].replace("GBP m", "£m"): m(h[HEADLINE_KEYS[1]]),
            HEADLINE_KEYS[2]: f"{h[HEADLINE_KEYS[2]]:.1f}%",
        }
        return headline_box(numbers), stress_chart(results, sliders=False)

    return redraw


def panel(results: Results) -> Any:
    """The ipywidgets panel (a one-line note when the pipeline runs the chapter)."""
    from ..widgets import controls

    return controls(
        NOTEBOOK,
        live(results.inputs),
        results.values,
        layout=results.inputs.layout,
        choice_labels={"footprint": dropdown_labels(results.inputs)},
    )
