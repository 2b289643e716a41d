"""Chapter 5, the critiques: everything the chapter computes.

The chapter's one parameter, ``survey_reading``, chooses how to read a survey result
that was printed with shares adding up to 114% (``stpbook.models.surveys``). The rest
is data shown as it was published: the survey's own counts, the social care funding
gap estimates, and the politics of the plans in public.
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
from ..charts import critiques as charts
from ..dates import when
from ..layout import Layout
from ..models import surveys
from ..parameters import declared
from ..tables import Table, table
from ._common import assumptions_box, bn, count, headline_box, m, pct, text

NOTEBOOK = "05_critiques"

AS_PRINTED = "hsj_ccg_barometer_2016_10_as_blogged"  # the equwell blog's 66/47/1
COUNTS = "hsj_ccg_barometer_2016_10"  # the HSJ's counts of the 99 answers
PA = "pa_ccg_barometer_2016_10"  # PA Consulting's "low or very low"
BARRIERS = "hsj_ccg_barometer_2016_10_barriers"
BEFORE = "hsj_ccg_barometer_2016_02"  # February 2016, before the plans were written

# The social care funding gap estimates the chapter shows (national_facts keys): what each
# estimated, and who made it (author, outlet and date, as a reader would cite them), in the
# order they were published.
GAP_ESTIMATES = {
    "social_care_gap_lga_adass_2015_gbp_bn": (
        "Gap between councils' resources and existing levels of need",
        "Local Government Association and ADASS, as reported by Community Care, October 2015",
    ),
    "social_care_gap_kf_nt_hf_gbp_bn": (
        "Funding gap in publicly funded adult social care",
        "The King's Fund, Nuffield Trust and the Health Foundation, November 2016",
    ),
    "social_care_gap_adass_gbp_bn": (
        "Adult social care funding gap: more than this",
        "Association of Directors of Adult Social Services (ADASS), as reported by Public "
        "Finance, March 2017",
    ),
    "social_care_gap_hf_stps_gbp_bn": (
        "Adult social care gap, from the plans themselves: at least this",
        "The Health Foundation, March 2017",
    ),
    "social_care_gap_chpi_gbp_bn": (
        "Expected social care funding shortfall",
        "Vivek Kotecha, Centre for Health and the Public Interest, May 2017",
    ),
    "social_care_gap_lga_2018_gbp_bn": (
        "Adult social care funding gap",
        "Local Government Association, 2018",
    ),
}

# Political events shown in the campaigns table: the national politics of the plans,
# from the first campaigns against "secret plans" to the general election.
CAMPAIGN_WINDOW = ("2016-08-01", "2017-06-30")
# Council referrals to the Health Secretary: the book's one definition, the same as chapter
# 4's ``council_referrals`` (the tests hold the two to each other).
_REFERRAL = re.compile(r"^Referred\b|\breferring\b|\bcall in\b")
_DECIDERS = re.compile(r"Health Secretary|Independent Reconfiguration Panel")
_WORDS = ("no", "one", "two", "three", "four", "five")
_NOT_PLACES = {
    "Health",
    "Secretary",
    "Council",
    "Panel",
    "Independent",
    "Reconfiguration",
    "CCG's",
    "IRP",
}


@dataclass(frozen=True)
class Inputs:
    """What chapter 5 reads from ``data/``."""

    surveys: pd.DataFrame  # data/surveys.csv
    facts: pd.DataFrame  # data/national_facts.csv, indexed by key
    events: pd.DataFrame  # data/political_events.csv
    proposals: frozenset[str]  # chapter 4's proposals (reconfigurations.csv, role proposal)
    layout: Layout | None = None

    def survey(self, survey_id: str) -> pd.DataFrame:
        return self.surveys[self.surveys["survey_id"] == survey_id]

    def fact(self, key: str) -> float:
        return float(self.facts.loc[key, "value"])


def inputs(layout: Layout | None = None) -> Inputs:
    """Load chapter 5's data."""
    items = data.load("reconfigurations", layout=layout)
    return Inputs(
        data.load("surveys", layout=layout),
        data.load("national_facts", layout=layout).set_index("key"),
        data.load("political_events", layout=layout),
        frozenset(items.loc[items["role"] == "proposal", "proposal_id"]),
        layout,
    )


@dataclass(frozen=True)
class Results:
    """Chapter 5's results for one reading of the survey."""

    inputs: Inputs
    values: dict[str, Any]
    printed: dict[str, float]  # the blog's shares as printed, % (low, medium, high)
    chosen: dict[str, float]  # the shares under the chosen reading, %
    readings: pd.DataFrame  # every reading: reading, description, level, share_pct, total_pct
    counts: dict[str, int]  # the HSJ's counts: answer -> leaders choosing it
    from_counts: dict[str, float]  # the counts grouped into the blog's three levels, %
    text: SimpleNamespace

    @property
    def total(self) -> float:
        """What the chosen reading's three shares add up to, %."""
        return surveys.total(self.chosen)


def printed_shares(inputs: Inputs) -> dict[str, float]:
    """The blog's three shares exactly as printed (66, 47, 1)."""
    rows = inputs.survey(AS_PRINTED)
    return {str(r): float(v) for r, v in zip(rows["response"], rows["share_pct"], strict=True)}


def hsj_counts(inputs: Inputs) -> dict[str, int]:
    """The HSJ's published counts: answer -> CCG leaders choosing it."""
    rows = inputs.survey(COUNTS)
    return {str(r): int(n) for r, n in zip(rows["response"], rows["n_choosing"], strict=True)}


def _share(value: float) -> str:
    """A percentage for prose, as the chart prints it (66%, 57.9%)."""
    return charts.share_label(value)


def compute(inputs: Inputs, survey_reading: str) -> Results:
    """The survey's shares under ``survey_reading``, every reading beside it, the survey's
    own counts, and the numbers the prose cites."""
    printed = printed_shares(inputs)
    chosen = surveys.reading(survey_reading, printed)
    readings = pd.DataFrame(surveys.all_readings(printed))
    counts = hsj_counts(inputs)
    grouped = surveys.from_counts(counts)
    respondents = sum(counts.values())
    by_reading = {name: surveys.reading(name, printed) for name in surveys.READINGS}
    near_two_thirds = [n for n, s in by_reading.items() if abs(s["low"] - 200 / 3) < 2.5]
    barriers = inputs.survey(BARRIERS).set_index("question")["share_pct"]
    before = inputs.survey(BEFORE).set_index("response")
    pa = float(inputs.survey(PA)["share_pct"].iloc[0])
    gaps = [inputs.fact(k) for k in GAP_ESTIMATES]
    referrals = referral_rows(inputs.events)
    prose = text(
        # the survey and its readings
        respondents=count(respondents),
        ccgs=count(inputs.fact("ccgs_2016")),
        response_rate=pct(respondents / inputs.fact("ccgs_2016"), 0),
        political=_share(float(barriers[barriers.index.str.startswith("Political")].iloc[0])),
        organisational=_share(
            float(barriers[barriers.index.str.startswith("Organisational")].iloc[0])
        ),
        printed_low=_share(printed["low"]),
        printed_medium=_share(printed["medium"]),
        printed_high=_share(printed["high"]),
        printed_total=_share(surveys.total(printed)),
        pa_low=_share(pa),
        reading=surveys.DESCRIPTIONS[survey_reading],
        chosen_low=_share(chosen["low"]),
        chosen_medium=_share(chosen["medium"]),
        chosen_high=_share(chosen["high"]),
        chosen_total=_share(surveys.total(chosen)),
        rescaled_low=_share(by_reading["rescaled"]["low"]),
        rescaled_medium=_share(by_reading["rescaled"]["medium"]),
        rescaled_high=_share(by_reading["rescaled"]["high"]),
        pa_medium=_share(by_reading["low_is_65_low_or_very_low"]["medium"]),
        near_two_thirds=_WORDS[len(near_two_thirds)],
        near_two_thirds_cap=_WORDS[len(near_two_thirds)].capitalize(),
        readings=_WORDS[len(by_reading)],
        # the survey's own counts
        very_low=count(counts["very low"]),
        low=count(counts["low"]),
        moderate=count(counts["moderate"]),
        high=count(counts["high"]),
        very_high=count(counts.get("very high", 0)),
        low_alone=_share(100 * counts["low"] / respondents),
        low_or_very_low_n=count(counts["very low"] + counts["low"]),
        low_or_very_low=_share(grouped["low"]),
        moderate_share=_share(grouped["medium"]),
        high_share=_share(grouped["high"]),
        # the earlier barometer
        before_n=count(int(before["n_respondents"].iloc[0])),
        before_confident=_share(float(before.loc[["high", "very high"], "share_pct"].sum())),
        before_low=_share(float(before.loc[["low", "very low"], "share_pct"].sum())),
        # money
        carers=bn(inputs.fact("unpaid_care_value_gbp_bn"), 0),
        stp_capital=m(inputs.fact("spring_budget_stp_capital_gbp_m")),
        social_care=bn(inputs.fact("spring_budget_social_care_gbp_bn"), 0),
        social_care_first=bn(inputs.fact("spring_budget_social_care_2017_18_gbp_bn"), 0),
        gap_low=bn(min(gaps)),
        gap_high=bn(max(gaps)),
        estimates=count(len(gaps)),
        stf_deficits=bn(inputs.fact("stf_spent_on_deficits_gbp_bn")),
        stf_first_year=bn(inputs.fact("stf_2016_17_gbp_bn")),
        stf_second_year=bn(inputs.fact("stf_2017_18_gbp_bn")),
        # politics
        referrals=count(len(referrals)),
        referred_proposals=count(
            referrals.loc[referrals["proposal_id"].isin(inputs.proposals), "proposal_id"].nunique()
        ),
        proposals=count(len(inputs.proposals)),
        referred_other=count((~referrals["proposal_id"].isin(inputs.proposals)).sum()),
        referral_first=str(referrals["date"].min().year),
        referral_last=str(referrals["date"].max().year),
    )
    return Results(
        inputs,
        {"survey_reading": survey_reading},
        printed,
        chosen,
        readings,
        counts,
        grouped,
        prose,
    )


def headline(results: Results) -> dict[str, float]:
    """CCG leaders' confidence under the chosen reading, % of the 99 who answered."""
    return {
        "Low confidence (%)": results.chosen["low"],
        "Medium (%)": results.chosen["medium"],
        "High (%)": results.chosen["high"],
        "Shares add up to (%)": results.total,
    }


def assumptions(results: Results) -> Any:
    """The chapter's Assumptions box."""
    return assumptions_box(
        NOTEBOOK,
        results.values,
        results.inputs.layout,
        {"survey_reading": dict(surveys.DESCRIPTIONS)},
    )


# --- the survey ------------------------------------------------------------------------


def readings_chart(results: Results, sliders: bool = True) -> alt.LayerChart | alt.FacetChart:
    """The shares under the chosen reading, with a drop-down of the others (static book)
    or fixed (live panel), and the survey's own counts marked."""
    param = declared(NOTEBOOK, results.inputs.layout)["survey_reading"]
    return charts.readings_chart(
        results.readings,
        results.from_counts,
        sum(results.counts.values()),
        param,
        results.values["survey_reading"],
        surveys.DESCRIPTIONS,
        sliders=sliders,
    )


def readings_table(results: Results) -> Table:
    """Every reading's shares and what they add up to, beside the survey's own counts.
    Short headings: the numbers keep their width on a phone, the readings wrap."""
    frame = results.readings.pivot_table(
        index=["reading", "description"], columns="level", values="share_pct", sort=False
    ).reset_index()
    frame["total"] = frame[list(surveys.LEVELS)].sum(axis=1)
    counts = {"description": "The HSJ's own counts (low: low or very low)", **results.from_counts}
    counts["total"] = surveys.total(results.from_counts)
    frame = pd.concat([frame, pd.DataFrame([counts])], ignore_index=True)
    respondents = sum(results.counts.values())
    return table(
        frame,
        "CCG leaders' confidence that their plan would have its planned impact: "
        f"each reading of the printed shares, and the survey's counts (% of {respondents})",
        {
            "description": "Reading",
            "low": "Low",
            "medium": "Medium",
            "high": "High",
            "total": "Sum",
        },
        formats={c: ".1f" for c in ("low", "medium", "high", "total")},
        note="As printed, the three shares add up to 114%: they cannot all be right. The "
        "other readings are this book's ways of making them add up to 100%.",
    )


def counts_table(results: Results) -> Table:
    """The HSJ's counts of the 99 answers, with each as a share."""
    total = sum(results.counts.values())
    frame = pd.DataFrame({"answer": list(results.counts), "n": list(results.counts.values())})
    frame["share"] = 100 * frame["n"] / total
    frame["answer"] = frame["answer"].str.capitalize()
    return table(
        frame,
        "What the 99 CCG leaders answered, October 2016 (HSJ's counts)",
        {"answer": "Confidence", "n": "Leaders", "share": "Share (%)"},
        formats={"n": ",.0f", "share": ".1f"},
    )


def before_after_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    """Confidence before (February 2016) and after (October 2016) the plans were written."""
    short = {BEFORE: "Feb 2016", COUNTS: "Oct 2016"}
    frame = results.inputs.surveys[results.inputs.surveys["survey_id"].isin(short)]
    frame = frame.assign(survey_short=frame["survey_id"].map(short))
    frame = frame.sort_values(
        "survey_id", key=lambda s: s.map({BEFORE: 0, COUNTS: 1}), kind="stable"
    )
    n = {sid: int(frame.loc[frame["survey_id"] == sid, "n_respondents"].iloc[0]) for sid in short}
    return charts.before_after_chart(
        frame[["survey_short", "question", "response", "share_pct"]].reset_index(drop=True),
        n[BEFORE],
        n[COUNTS],
    )


# --- money -------------------------------------------------------------------------------


def social_care_table(results: Results) -> Table:
    """The social care funding gap estimates: who made each, what it estimated and for
    which period, and the amount. Three columns, so it fits a phone."""
    facts = results.inputs.facts
    frame = pd.DataFrame(
        [
            {
                "who": who,
                "estimate": f"{what} ({facts.loc[key, 'period']})",
                "amount": float(facts.loc[key, "value"]),
            }
            for key, (what, who) in GAP_ESTIMATES.items()
        ]
    )
    return table(
        frame,
        "Estimates of the adult social care funding gap in England, 2015-2018 (£bn a year)",
        {"who": "Who made it", "estimate": "Estimate (period)", "amount": "£bn"},
        formats={"amount": ".1f"},
        note="The estimates differ in what they count and for which year; no figure was "
        "agreed, which is why the Commons committee asked for a National Audit Office "
        "review.",
    )


# --- the politics in public -----------------------------------------------------------------


def campaign_rows(events: pd.DataFrame) -> pd.DataFrame:
    """National political events from the first campaigns to the June 2017 election:
    rows about no single proposal, inside ``CAMPAIGN_WINDOW``."""
    start, end = (pd.Timestamp(d) for d in CAMPAIGN_WINDOW)
    rows = events[
        events["proposal_id"].isna()
        & (events["date"] >= start)
        & (events["date"] <= end)
        & ~events["actor"].str.contains(
            "Health Secretary|Reconfiguration Panel|scrutiny", regex=True
        )
    ]
    return rows.sort_values("date", kind="stable").reset_index(drop=True)


def _who_when(row: pd.Series) -> str:
    return f"{when(row['date'], row['date_precision'])}: {row['actor']}"


def campaigns_table(results: Results) -> Table:
    """The campaigns, parties and the election, as a dated list (two columns, so the
    dates never squeeze on a phone)."""
    rows = campaign_rows(results.inputs.events)
    frame = pd.DataFrame({"who": rows.apply(_who_when, axis=1), "what": rows["event"]})
    return table(
        frame,
        "The plans in public: campaigns, parties and the 2017 general election",
        {"who": "When and who", "what": "What happened"},
    )


def referral_rows(events: pd.DataFrame) -> pd.DataFrame:
    """Councils' referrals of NHS decisions to the Health Secretary (a request to call a
    decision in included), oldest first: the book's one definition of a referral, the
    same as chapter 4's ``council_referrals``. Statements of intent, meetings and the
    Health Secretary's or the IRP's own acts are not referrals."""
    refer = events["event"].str.contains(_REFERRAL) & ~events["actor"].str.contains(_DECIDERS)
    return events[refer].sort_values("date", kind="stable").reset_index(drop=True)


def _places(sentence: str) -> set[str]:
    """Capitalised words after the first: the names a sentence mentions."""
    words = re.findall(r"[A-Za-z'&]+", sentence)[1:]
    return {w for w in words if w[0].isupper() and w not in _NOT_PLACES}


def followed(events: pd.DataFrame, referral: pd.Series) -> pd.DataFrame:
    """What followed one referral: later events about the same proposal, or, for a
    referral tied to no proposal, later decisions by the Health Secretary or the
    Independent Reconfiguration Panel that name the same place."""
    later = events[events["date"] > referral["date"]]
    if pd.notna(referral["proposal_id"]):
        after = later[later["proposal_id"] == referral["proposal_id"]]
    else:
        names = _places(referral["event"])
        after = later[
            later["proposal_id"].isna()
            & later["actor"].str.contains(_DECIDERS)
            & later["event"].map(lambda e: bool(_places(e) & names))
        ]
    return after.sort_values("date", kind="stable")


def referrals_table(results: Results) -> Table:
    """Each referral, one a row, with what followed it in the book's data."""
    events = results.inputs.events
    rows = []
    for _, ref in referral_rows(events).iterrows():
        after = followed(events, ref)
        rows.append(
            {
                "referral": f"{_who_when(ref)}. {ref['event']}",
                "next": " ".join(f"{_who_when(r)}. {r['event']}" for _, r in after.iterrows())
                or "Nothing further in the book's data.",
            }
        )
    return table(
        pd.DataFrame(rows),
        "Councils' referrals to the Health Secretary in the book's data, and what followed",
        {"referral": "Referral", "next": "What followed"},
    )


# --- the live panel --------------------------------------------------------------------------


def live(inputs: Inputs) -> Callable[..., tuple[Any, Any]]:
    """The live panel's function: a reading in, its shares and the chart out."""

    def redraw(**values: Any) -> tuple[Any, Any]:
        results = compute(inputs, **values)
        numbers = {k: _share(v) for k, v in headline(results).items()}
        return headline_box(numbers), readings_chart(results, sliders=False)

    return redraw


def panel(results: Results) -> Any:
    """The ipywidgets panel (a one-line note when the pipeline runs the chapter)."""
    from ..widgets import controls

    return controls(
        NOTEBOOK,
        live(results.inputs),
        results.values,
        layout=results.inputs.layout,
        choice_labels={"survey_reading": dict(surveys.DESCRIPTIONS)},
    )
