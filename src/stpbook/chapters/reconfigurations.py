"""Chapter 4, reconfigurations: what the plans proposed for hospitals, what became of each
proposal, and what a consolidation costs. Everything the chapter computes lives here.

Counting: the book's list of reported changes has one row per entry, and several entries
can describe one proposal (an alternative option, a duplicate, or a newspaper's list of
contenders for closure). A **proposal** is a ``proposal_id`` with at least one row whose
role is ``proposal``; the other rows are never counted as proposals. An idea a source
discussed but no plan proposed (role ``discussed``: the North East's primary care hubs) is
followed like the newspaper's contenders, apart from the proposals.

Referrals: one definition, shared with chapter 5 (``council_referrals``; the tests hold the
two chapters' functions to each other): a row of the political events in which a council or
its health scrutiny committee referred an NHS decision to the Health Secretary, or asked
him to call it in. Statements of intent, meetings and the Health Secretary's own requests
to the Independent Reconfiguration Panel are not referrals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import altair as alt
import pandas as pd

from .. import bibliography, data, dates
from ..charts import reconfigurations as charts
from ..layout import Layout, current
from ..models import reconfiguration as rc
from ..parameters import declared
from ..tables import Table, table
from ._common import assumptions_box, bn, count, headline_box, m, pct, text

NOTEBOOK = "04_reconfigurations"

# Where each proposal stood at the latest source found, in the order the chapter shows.
STATUS_LABELS = {
    "implemented": "Carried out, in whole or in part",
    "decided_not_built": "Decided, not yet carried out (or not traced)",
    "stalled": "Stalled",
    "dropped": "Dropped",
    "no_decision_found": "No decision found",
}
SHORT_STATUS = {
    "implemented": "Carried out",
    "decided_not_built": "Decided, not yet carried out",
    "stalled": "Stalled",
    "dropped": "Dropped",
    "no_decision_found": "No decision found",
}
CONTENDERS_HEADER = "Named only on the i's list of contenders"
DISCUSSED_HEADER = "Discussed in a source, not proposed in a plan"
# A milestone "carried out" on a proposal that was not, in the end, carried out (a new
# building opened while the old A&E stayed open; two A&Es closed before the rest was
# dropped) is drawn as carried out in part, not as a full star.
PARTIAL = "partial"
# Council referrals to the Health Secretary (the same definition as chapter 5's).
REFERRAL = re.compile(r"^Referred\b|\breferring\b|\bcall in\b")
DECIDERS = re.compile(r"Health Secretary|Independent Reconfiguration Panel")
STAGE_ORDER = (
    "proposed",
    "consulted",
    "referred",
    "decided",
    "implemented",
    "dropped",
    "stalled",
    "not_found",
)
_PRECISION_OFFSET = {
    "day": pd.DateOffset(days=1),
    "month": pd.DateOffset(months=1),
    "season": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
}


@dataclass(frozen=True)
class Inputs:
    """What chapter 4 reads from ``data/``."""

    facts: pd.Series  # key -> value, data/national_facts.csv
    footprints: pd.Series  # stp17cd -> footprint name, data/footprints.csv
    items: pd.DataFrame  # data/reconfigurations.csv: entries reported in 2016-17
    milestones: pd.DataFrame  # data/reconfiguration_outcomes.csv
    status: pd.DataFrame  # data/proposal_status.csv, indexed by proposal_id
    politics: pd.DataFrame  # data/political_events.csv
    credits: dict[str, str]  # source_id -> "Outlet (Month Year)", from references.bib
    layout: Layout | None = None


def _credit(entry: dict[str, str]) -> str:
    """A source as a table credits it, by name and date, never by key: its author, or its
    outlet when the author's description is long, then the month and year."""
    who = entry.get("author") or entry.get("howpublished") or entry.get("title", "")
    if len(who) > 45 and entry.get("howpublished"):
        who = entry["howpublished"]
    when = " ".join(v for v in (entry.get("month", ""), entry.get("year", "")) if v)
    return f"{who}, {when}" if when else who


def inputs(layout: Layout | None = None) -> Inputs:
    """Load chapter 4's data (and how to credit each source)."""
    items = data.load("reconfigurations", layout=layout)
    milestones = data.load("reconfiguration_outcomes", layout=layout)
    status = data.load("proposal_status", layout=layout)
    politics = data.load("political_events", layout=layout)
    used = (
        set(items["source_id"])
        | set(milestones["source_id"])
        | set(status["source_id"])
        | set(politics["source_id"])
    )
    entries = bibliography.entries((layout or current()).bibliography)
    return Inputs(
        data.load("national_facts", layout=layout).set_index("key")["value"],
        data.load("footprints", layout=layout).set_index("stp17cd")["stp17nm"],
        items,
        milestones,
        status.set_index("proposal_id"),
        politics,
        {key: _credit(entries[key]) for key in sorted(used)},
        layout,
    )


# --------------------------------------------------------------------------- counting


def _status(inputs: Inputs) -> pd.DataFrame:
    return inputs.status.rename(columns={"source_id": "status_source_id"})


def proposals(inputs: Inputs) -> pd.DataFrame:
    """One row per proposal (a proposal_id with a row whose role is ``proposal``): its
    lead row's fields, its footprint, its latest status, whether it would close or
    downgrade an A&E (at all, or as its main change) and whether a newspaper also listed
    it as a contender."""
    items = inputs.items
    lead = items[items["role"] == "proposal"].drop_duplicates("proposal_id")
    listed = items[items["role"] == "contender_list"]["proposal_id"]
    frame = lead.set_index("proposal_id").join(_status(inputs), how="left")
    frame = frame.assign(
        footprint=frame["stp17cd"].map(inputs.footprints),
        closes_any_ae=frame["closes_ae"].astype(bool),
        lead_is_ae=frame["kind"] == "ae_closure_or_downgrade",
        also_listed=frame.index.isin(set(listed)),
    )
    return frame.reset_index()


def contender_only(inputs: Inputs) -> pd.DataFrame:
    """The newspaper's contender listings with no proposal behind them, with their status."""
    items = inputs.items
    with_proposal = set(items.loc[items["role"] == "proposal", "proposal_id"])
    rows = items[(items["role"] == "contender_list") & ~items["proposal_id"].isin(with_proposal)]
    return rows.set_index("proposal_id").join(_status(inputs), how="left").reset_index()


def discussed(inputs: Inputs) -> pd.DataFrame:
    """Ideas a source discussed that no plan proposed (role ``discussed``), with their
    status: not counted among the proposals."""
    items = inputs.items
    with_proposal = set(items.loc[items["role"] == "proposal", "proposal_id"])
    rows = items[(items["role"] == "discussed") & ~items["proposal_id"].isin(with_proposal)]
    rows = rows.drop_duplicates("proposal_id")
    return rows.set_index("proposal_id").join(_status(inputs), how="left").reset_index()


def status_counts(frame: pd.DataFrame) -> pd.Series:
    """Proposals by latest status, in the chapter's order (zeros kept)."""
    return frame["status_latest"].value_counts().reindex(list(STATUS_LABELS), fill_value=0)


def kind_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Proposals by the kind of their lead row."""
    out = frame["kind"].value_counts().rename_axis("kind").reset_index(name="proposals")
    return out.assign(kind_label=out["kind"].map(charts.kind_label))


def label(row: pd.Series, footprint: str | None = None) -> str:
    """A proposal in a few words: "Dorset: 240 fewer hospital beds". Without the place
    when it merely repeats ``footprint``."""
    what = str(row["what_proposed"])
    if footprint is not None and str(row["place"]) == footprint:
        return what[:1].upper() + what[1:]
    return f"{row['place']}: {what}"


# --------------------------------------------------------------------------- milestones


def interval(date: pd.Timestamp, precision: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The span a dated milestone may fall in: [date, date + one day/month/season/year)."""
    return date, date + _PRECISION_OFFSET[precision]


def when(date: pd.Timestamp, precision: str, short: bool = False) -> str:
    """A date for readers at the precision known: "3 July 2020", "July 2020", "2020"
    (``short``: "3 Jul 2020"); see :func:`stpbook.dates.when`."""
    return dates.when(date, precision, "%b" if short else "%B")


def out_of_order(milestones: pd.DataFrame) -> list[str]:
    """Problems with the order of each proposal's milestones, as messages (none is good):
    rows must be in date order (allowing for each date's precision), searches that found
    nothing come last, and nothing is carried out after the proposal was dropped or
    decided before it was consulted on."""
    problems = []
    for pid, rows in milestones.groupby("proposal_id", sort=False):
        spans = [interval(r.date, r.date_precision) for r in rows.itertuples()]
        stages = list(rows["stage"])
        for i in range(1, len(spans)):
            if spans[i][1] <= spans[i - 1][0]:
                problems.append(f"{pid}: row {i + 1} ({stages[i]}) is dated before row {i}")
        if "not_found" in stages and any(
            s != "not_found" for s in stages[stages.index("not_found") :]
        ):
            problems.append(f"{pid}: a not_found row comes before a milestone")

        by_stage: dict[str, list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
        for span, stage in zip(spans, stages, strict=True):
            by_stage.setdefault(stage, []).append(span)
        consulted, decided = (by_stage.get(s, [None])[0] for s in ("consulted", "decided"))
        if consulted and decided and decided[1] <= consulted[0]:
            problems.append(f"{pid}: decided before it was first consulted on")
        dropped, built = by_stage.get("dropped", [None])[0], by_stage.get("implemented", [None])[-1]
        if dropped and built and built[0] >= dropped[1]:
            problems.append(f"{pid}: carried out after it was dropped")
    return problems


def timeline(
    inputs: Inputs, frame: pd.DataFrame, extra: pd.DataFrame, ideas: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The outcome chart's rows (headers and proposals, top to bottom) and marks. A mark
    sits in the middle of the span its date's precision allows; searches that found
    nothing are not marks (the row's group says "No decision found"). A "carried out"
    milestone of a proposal whose latest status is not "implemented" is marked as
    carried out in part (``PARTIAL``)."""
    groups = [(STATUS_LABELS[s], frame[frame["status_latest"] == s]) for s in STATUS_LABELS]
    groups.append((CONTENDERS_HEADER, extra))
    if ideas is not None:
        groups.append((DISCUSSED_HEADER, ideas))
    found = inputs.milestones[inputs.milestones["stage"] != "not_found"]
    rows, marks, r = [], [], 0
    for header, members in groups:
        if members.empty:
            continue
        rows.append(
            {
                "row": r,
                "text": f"{header} ({len(members)})",
                "header": True,
                "first": pd.NaT,
                "last": pd.NaT,
            }
        )
        r += 1
        members = members.assign(
            start=members["proposal_id"].map(found.groupby("proposal_id")["date"].min())
        ).sort_values(["start", "place"])
        for _, p in members.iterrows():
            text_ = label(p)
            own = found[found["proposal_id"] == p["proposal_id"]]
            mids = [
                a + (b - a) / 2
                for a, b in (
                    interval(d, q) for d, q in zip(own["date"], own["date_precision"], strict=True)
                )
            ]
            rows.append(
                {
                    "row": r,
                    "text": text_,
                    "header": False,
                    "first": min(mids) if mids else pd.NaT,
                    "last": max(mids) if mids else pd.NaT,
                }
            )
            partial = p["status_latest"] != "implemented"
            for (_, mm), mid in zip(own.iterrows(), mids, strict=True):
                stage = PARTIAL if partial and mm["stage"] == "implemented" else mm["stage"]
                marks.append(
                    {
                        "row": r,
                        "stage": stage,
                        "plot_date": mid,
                        "proposal": text_,
                        "when": when(mm["date"], mm["date_precision"]),
                        "what": mm["what"],
                        "source": inputs.credits[mm["source_id"]],
                    }
                )
            r += 1
    return pd.DataFrame(rows), pd.DataFrame(marks)


def council_referrals(events: pd.DataFrame) -> pd.DataFrame:
    """Councils' referrals of NHS decisions to the Health Secretary (a request to call a
    decision in included), oldest first: the book's one definition of a referral, the
    same as chapter 5's ``referral_rows``. Statements of intent, meetings and the Health
    Secretary's or the IRP's own acts are not referrals."""
    refer = events["event"].str.contains(REFERRAL) & ~events["actor"].str.contains(DECIDERS)
    return events[refer].sort_values("date", kind="stable").reset_index(drop=True)


def referrals(inputs: Inputs) -> pd.Series:
    """For each proposal a council referred to the Health Secretary, the years of its
    referrals (``council_referrals``)."""
    ref = council_referrals(inputs.politics).dropna(subset=["proposal_id"])
    return ref.groupby("proposal_id")["date"].apply(
        lambda d: ", ".join(sorted({f"{x:%Y}" for x in d}))
    )


def irp_advised(inputs: Inputs) -> set[str]:
    """Proposals on which the Independent Reconfiguration Panel's advice is recorded."""
    ms = inputs.milestones
    text_ = ms["decided_by"].fillna("") + " " + ms["what"]
    return set(ms.loc[text_.str.contains("IRP|Independent Reconfiguration Panel"), "proposal_id"])


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Results:
    """Chapter 4's results for one set of parameter values."""

    inputs: Inputs
    values: dict[str, Any]
    appraisal: pd.DataFrame  # rc.appraisal: cash flows year by year, GBP m
    npv: float  # GBP m at today's prices, over the appraisal period
    payback: int | None  # discounted payback year, None if never within the period
    proposals: pd.DataFrame  # one row per proposal (see ``proposals``)
    contenders: pd.DataFrame  # contender listings with no proposal behind them
    ideas: pd.DataFrame  # ideas a source discussed that no plan proposed (``discussed``)
    text: SimpleNamespace


def compute(
    inputs: Inputs,
    annual_saving_gbp_m: float,
    capital_cost_gbp_m: float,
    dual_running_years: int,
    transition_cost_gbp_m: float,
    discount_rate: float,
    horizon_years: int,
) -> Results:
    """The appraisal under these values, the proposals counted and followed to their
    outcomes, and the numbers the prose cites."""
    values = {
        "annual_saving_gbp_m": annual_saving_gbp_m,
        "capital_cost_gbp_m": capital_cost_gbp_m,
        "dual_running_years": dual_running_years,
        "transition_cost_gbp_m": transition_cost_gbp_m,
        "discount_rate": discount_rate,
        "horizon_years": horizon_years,
    }
    args = (
        annual_saving_gbp_m,
        capital_cost_gbp_m,
        dual_running_years,
        transition_cost_gbp_m,
        discount_rate,
        horizon_years,
    )
    table_ = rc.appraisal(*args)
    npv = float(table_["cumulative_discounted_gbp_m"].iloc[-1])
    payback = rc.payback_year(*args)
    no_dual = rc.payback_year(
        annual_saving_gbp_m, capital_cost_gbp_m, 0, 0.0, discount_rate, horizon_years
    )

    items, facts = inputs.items, inputs.facts
    frame = proposals(inputs)
    extra = contender_only(inputs)
    ideas = discussed(inputs)
    by_status = status_counts(frame)
    roles = items["role"].value_counts()
    beds = frame.loc[frame["kind"] == "bed_reduction", "reduction"].sum()
    council = council_referrals(inputs.politics)
    on_proposals = council["proposal_id"].isin(set(frame["proposal_id"]))
    needed_m = 1000 * float(facts["bma_stp_capital_estimate_gbp_bn"])
    spring_m = float(facts["spring_budget_stp_capital_gbp_m"])
    responding = float(facts["bma_stp_capital_footprints_responding"])
    kinds = kind_counts(frame)
    prose = text(
        saving=m(annual_saving_gbp_m),
        capital=m(capital_cost_gbp_m),
        dual=count(dual_running_years),
        transition=m(transition_cost_gbp_m),
        rate=pct(discount_rate),
        horizon=count(horizon_years),
        npv=m(npv, 1),
        payback=rc.payback_label(payback),
        payback_no_dual=rc.payback_label(no_dual),
        capital_share_spring=pct(capital_cost_gbp_m / spring_m, 0),
        rows=count(len(items)),
        rows_footprints=count(items["stp17cd"].nunique()),
        rows_ae=count((items["kind"] == "ae_closure_or_downgrade").sum()),
        proposals=count(len(frame)),
        footprints=count(frame["stp17cd"].nunique()),
        options=count(roles.get("alternative_option", 0)),
        duplicates=count(
            (
                (items["role"] == "duplicate")
                & items["proposal_id"].isin(set(frame["proposal_id"]))
            ).sum()
        ),
        idea_rows=count(items["proposal_id"].isin(set(ideas["proposal_id"])).sum()),
        contender_rows=count(roles.get("contender_list", 0)),
        contender_only=count(len(extra)),
        contender_with_proposal=count(roles.get("contender_list", 0) - len(extra)),
        ae_lead=count(frame["lead_is_ae"].sum()),
        ae_broader=count((frame["closes_any_ae"] & ~frame["lead_is_ae"]).sum()),
        ae_all=count(frame["closes_any_ae"].sum()),
        top_kind=str(kinds.iloc[0]["kind_label"]).lower(),
        top_kind_n=count(kinds.iloc[0]["proposals"]),
        beds_cut=count(beds),
        implemented=count(by_status["implemented"]),
        decided_not_built=count(by_status["decided_not_built"]),
        stalled=count(by_status["stalled"]),
        dropped=count(by_status["dropped"]),
        no_decision=count(by_status["no_decision_found"]),
        not_carried_out=count(len(frame) - by_status["implemented"]),
        in_between=count(len(frame) - by_status["implemented"] - by_status["dropped"]),
        referred=count(len(council)),
        referred_proposals=count(council.loc[on_proposals, "proposal_id"].nunique()),
        referred_other=count((~on_proposals).sum()),
        referral_first=f"{council['date'].min():%Y}",
        referral_last=f"{council['date'].max():%Y}",
        ideas=count(len(ideas)),
        irp=count(len(irp_advised(inputs) & set(frame["proposal_id"]))),
        eds_at_risk=count(float(facts["eds_at_risk"])),
        type1_eds=count(float(facts["type1_eds"])),
        eds_share=f"{float(facts['eds_at_risk_share_pct']):.0f}%",
        eds_share_computed=pct(float(facts["eds_at_risk"]) / float(facts["type1_eds"]), 0),
        hospitals_closure=count(float(facts["hospitals_marked_for_closure"])),
        plans_closures=f"{float(facts['plans_with_closures_share_pct']):.0f}%",
        ncat=count(float(facts["ncat_reviews_synthesised"])),
        monitor_low=bn(float(facts["monitor_reconfiguration_gain_low_gbp_bn"])),
        monitor_high=bn(float(facts["monitor_reconfiguration_gain_high_gbp_bn"]), 0),
        ambulance=f"{float(facts['ed_closure_ambulance_increase_pct']):.0f}%",
        bma=bn(needed_m / 1000, 2),
        bma_n=count(responding),
        bma_each=m(needed_m / responding),
        bma_rounded=bn(float(facts["bma_stp_capital_estimate_as_reported_gbp_bn"]), 0),
        spring=m(spring_m),
        ratio=f"{rc.capital_ratio(needed_m, spring_m):.0f}",
        spring_stps=count(float(facts["stp_capital_spring_2017_schemes"])),
        dorset_capital=m(float(facts["stp_capital_dorset_gbp_m"])),
        autumn=bn(float(facts["autumn_budget_2017_stp_capital_gbp_bn"])),
        capital_pot=bn(float(facts["stp_capital_pot_gbp_bn"])),
        capital_allocated=bn(float(facts["capital_allocated_to_date_gbp_bn"])),
        capital_requested=bn(float(facts["capital_requested_gbp_bn"])),
        capital_allocated_share=pct(
            float(facts["capital_allocated_to_date_gbp_bn"])
            / float(facts["capital_requested_gbp_bn"]),
            0,
        ),
        capital_to_revenue=bn(float(facts["capital_to_revenue_2016_17_gbp_bn"])),
    )
    return Results(inputs, values, table_, npv, payback, frame, extra, ideas, prose)


def headline(results: Results) -> dict[str, float]:
    """The appraisal's key results: net present value over the appraisal period (GBP m
    at today's prices) and the discounted payback year (NaN if it never pays back)."""
    return {
        "Net present value of the consolidation (GBP m)": results.npv,
        "Discounted payback (years)": (
            float("nan") if results.payback is None else float(results.payback)
        ),
    }


def assumptions(results: Results) -> Any:
    """The chapter's Assumptions box."""
    return assumptions_box(NOTEBOOK, results.values, results.inputs.layout)


# --------------------------------------------------------------------------- charts


def proposals_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    t = results.text
    return charts.proposals_chart(
        kind_counts(results.proposals),
        f"{t.proposals} proposals in {t.footprints} of the 44 footprints; "
        f"{t.top_kind} the commonest",
        "Each proposal counted once: alternative options, duplicate entries and "
        "newspapers' lists of contenders are not counted.",
    )


def outcomes_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    t = results.text
    rows, marks = timeline(results.inputs, results.proposals, results.contenders, results.ideas)
    return charts.outcomes_chart(
        marks,
        rows,
        f"Of {t.proposals} proposals, {t.implemented} were carried out (some only in part) "
        f"and {t.dropped} dropped; {t.in_between} were unbuilt, stalled or without a "
        "decision found",
        "One row per proposal, grouped by where it stood at the latest source found "
        "(to 2025). Dashed line: final plans submitted, 21 October 2016. Hollow star: "
        "carried out in part (a new building open, the old A&E not yet closed; two of "
        "nine A&Es closed before the rest was dropped).",
    )


def payback_chart(results: Results, sliders: bool = True) -> alt.LayerChart | alt.FacetChart:
    return charts.payback_chart(
        declared(NOTEBOOK, results.inputs.layout), results.values, sliders=sliders
    )


def capital_amounts(results: Results) -> pd.DataFrame:
    """Capital needed and offered, GBP m, for the capital chart."""
    facts = results.inputs.facts
    needed = 1000 * float(facts["bma_stp_capital_estimate_gbp_bn"])
    spring = float(facts["spring_budget_stp_capital_gbp_m"])
    autumn = 1000 * float(facts["autumn_budget_2017_stp_capital_gbp_bn"])
    requested = 1000 * float(facts["capital_requested_gbp_bn"])
    allocated = 1000 * float(facts["capital_allocated_to_date_gbp_bn"])
    return pd.DataFrame(
        [
            {
                "label": f"Needed (BMA, {results.text.bma_n} footprints)",
                "gbp_m": needed,
                "kind": "Needed",
                "when": "February 2017",
                "text": bn(needed / 1000, 2),
            },
            {
                "label": "Offered: Spring Budget 2017",
                "gbp_m": spring,
                "kind": "Offered",
                "when": "March 2017, over three years",
                "text": m(spring),
            },
            {
                "label": "Offered: Autumn Budget 2017",
                "gbp_m": autumn,
                "kind": "Offered",
                "when": "November 2017, to 2022/23",
                "text": bn(autumn / 1000),
            },
            {
                "label": "Bid for by trusts, 2017-2019",
                "gbp_m": requested,
                "kind": "Needed",
                "when": "In over 360 formal bids, to 2019",
                "text": "over " + bn(requested / 1000),
            },
            {
                "label": "Allocated by 2019",
                "gbp_m": allocated,
                "kind": "Offered",
                "when": "Four waves, 2017-2019",
                "text": "about " + bn(allocated / 1000),
            },
        ]
    )


def capital_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    return charts.capital_chart(
        capital_amounts(results),
        f"The plans' capital needs were {results.text.ratio} times what the Spring "
        "Budget 2017 offered",
    )


# --------------------------------------------------------------------------- tables


def proposals_table(results: Results) -> Table:
    """One row per proposal: its footprint, what was proposed (and who reported it), and
    what became of it. Three columns, so it reads on a phone."""
    frame = results.proposals.copy()
    credits = results.inputs.credits
    frame["what"] = [
        f"{label(r, r['footprint'])} ({credits[r['source_id']]})" for _, r in frame.iterrows()
    ]
    frame["outcome"] = [
        f"{SHORT_STATUS[s]} ({y})"
        for s, y in zip(frame["status_latest"], frame["as_of_year"], strict=True)
    ]
    frame = frame.sort_values(["footprint", "what"])
    return table(
        frame,
        f"The {results.text.proposals} proposals, one row each, and where "
        "each stood at the latest source found (year)",
        {"footprint": "Footprint", "what": "What was proposed (reported by)", "outcome": "Outcome"},
        note="Options, duplicate entries and newspapers' contender lists are "
        "folded into the proposal they belong to.",
    )


def outcomes_table(results: Results) -> Table:
    """What happened to each proposal, with its referrals to the Health Secretary. Two
    columns, so it reads on a phone."""
    frame = results.proposals.copy()
    refs = referrals(results.inputs)
    irp = irp_advised(results.inputs)
    credits = results.inputs.credits

    def referral(pid: str) -> str:
        advised = "; the IRP advised" if pid in irp else ""
        if pid in refs.index:
            return f"Referred to the Health Secretary ({refs[pid]}){advised}."
        return f"No referral found{advised}."

    frame["proposal"] = [
        f"{label(r)}. {SHORT_STATUS[r['status_latest']]} ({r['as_of_year']}). "
        f"{referral(r['proposal_id'])}"
        for _, r in frame.iterrows()
    ]
    frame["happened"] = [
        f"{r['one_line']} ({credits[r['status_source_id']]})" for _, r in frame.iterrows()
    ]
    frame["order"] = frame["status_latest"].map({s: i for i, s in enumerate(STATUS_LABELS)})
    frame = frame.sort_values(["order", "proposal"])
    return table(
        frame,
        "What became of each proposal, at the latest source found",
        {"proposal": "Proposal, outcome and referral", "happened": "What happened (latest source)"},
        note="IRP: the Independent Reconfiguration Panel, which advises the Health "
        'Secretary on contested changes. "No decision found" and "no '
        'referral found" mean the book searched and found none, not that '
        "none was made.",
    )


_PROPER = ("Westminster", "Commons")  # first words that stay capitalised


def _sentence_after(actor: str, event: str) -> str:
    """ "Devon County Council: voted ...": the event continues the actor's sentence."""
    first = event.split(" ", 1)[0]
    if first.isalpha() and (first[1:].islower() or first == "A") and first not in _PROPER:
        event = event[:1].lower() + event[1:]
    return f"{actor}: {event}"


def politics_table(results: Results) -> Table:
    """Councils, MPs, ministers and campaigners acting on particular proposals."""
    pol = results.inputs.politics
    pol = pol[pol["proposal_id"].notna()].sort_values("date").copy()
    places = results.inputs.status["place"]
    credits = results.inputs.credits
    pol["when"] = [
        when(d, p, short=True) for d, p in zip(pol["date"], pol["date_precision"], strict=True)
    ]
    pol["what"] = [
        f"{places[r['proposal_id']]}. {_sentence_after(r['actor'], r['event'])} "
        f"({credits[r['source_id']]})"
        for _, r in pol.iterrows()
    ]
    return table(
        pol,
        "Councils, MPs, ministers and campaigners on particular proposals",
        {"when": "When", "what": "Where, who and what (source)"},
    )


def contenders_table(results: Results) -> Table:
    """The entries that were not proposals: the newspaper's contenders with no proposal
    behind them, and the idea a source discussed that no plan proposed; what happened."""
    listed = results.contenders.assign(
        where=results.contenders["site_or_service"] + " (named by the i)"
    )
    ideas = results.ideas.assign(
        where=[
            f"{r['place']}: {r['what_proposed']} (discussed, not proposed)"
            for _, r in results.ideas.iterrows()
        ]
    )
    frame = pd.concat([listed, ideas], ignore_index=True)
    return table(
        frame,
        "Entries that were not proposals: hospitals the i named as "
        "contenders for closure, and an idea discussed but not proposed",
        {"where": "What was named", "one_line": "What happened"},
    )


# --------------------------------------------------------------------------- live panel


def live(inputs: Inputs) -> Callable[..., tuple[Any, Any]]:
    """The live panel's function: new values in, the appraisal chart and headline out."""

    def redraw(**values: Any) -> tuple[Any, Any]:
        results = compute(inputs, **values)
        numbers = {
            "Net present value of the consolidation": m(results.npv, 1),
            "Discounted payback": results.text.payback,
        }
        return headline_box(numbers), payback_chart(results, sliders=False)

    return redraw


def panel(results: Results) -> Any:
    """The ipywidgets panel (a one-line note when the pipeline runs the chapter)."""
    from ..widgets import controls

    return controls(NOTEBOOK, live(results.inputs), results.values, layout=results.inputs.layout)
