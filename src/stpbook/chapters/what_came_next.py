"""Chapter 6, what came next: everything the chapter computes.

The chapter has no model to run: it filters the timeline (the reader's two parameters)
and formats the outcomes the book's data records: who led the footprints, how they
became integrated care systems and boards, the money after the plans, and the
predictions of 2016-17 beside what happened. The timeline is a dated list, a year heading
above each year's events, one line of text a row; it is filtered and laid out twice, by
the Python twins here (:func:`shown`, :func:`list_rows`) and by the browser
(:data:`ROW_FILTER`, :data:`LINES_EXPR` and the chart's transforms), and the tests check
that they agree.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import altair as alt
import pandas as pd

from .. import bibliography, data
from ..charts import what_came_next as charts
from ..dates import SEASONS, when
from ..layout import Layout, current
from ..parameters import declared
from ..tables import Table, table
from ._common import assumptions_box, bn, count, headline_box, m, text

NOTEBOOK = "06_what_came_next"

# The drop-down shows these words; the parameter keeps the short codes of the data.
CATEGORY_LABELS = {
    "all": "All kinds of event",
    "policy": "Policy and decisions",
    "legislation": "Laws and bills",
    "funding": "Money",
    "deadline": "Deadlines",
    "publication": "Reports",
    "commentary": "Comment and campaigns",
}
FIRST_YEAR, LAST_YEAR = 2012, 2022
# The timeline is a list: one line of text a row, a year heading above each year's events.
# Labels are wrapped twice, for a phone's column and for a desktop's; the browser picks by
# the chart's width (``NARROW_BELOW`` px), the Python twin by ``wide``.
WRAP_NARROW = 40  # characters a label line may hold on a 375 px phone (12 px type)
WRAP_WIDE = 100  # ... in the 1280 px desktop column
NARROW_BELOW = 520  # a chart narrower than this (px) uses the phone's lines

# How the five 2016-17 articles (and the interview) are credited to readers.
ARTICLE_CREDITS = {
    "alderwick_kingsfund_stps_2016": "Hugh Alderwick, The King's Fund blog, November 2016",
    "sha_kingsfund_launch_2017": "a Socialist Health Association blogger, February 2017",
    "ham_kingsfund_noise_signal_2016": "Chris Ham, The King's Fund blog, spring 2016",
    "sha_northeast_meeting_2017": "Socialist Health Association North East, meeting notice, "
    "April 2017",
    "nhe_betts_interview_2017": "Clive Betts MP, interviewed by National Health Executive, "
    "March 2017",
    "equwell_stps_where_headed_2016": "the equwell blog, autumn 2016",
}
SUPPORT_SOURCES = ("kingsfund_stf_blog_2016", "kingsfund_trusts_deficit")
RATING_ORDER = ["outstanding", "advanced", "making_progress", "needs_most_improvement"]
STATUS_WORDS = {
    "dropped": "dropped",
    "decided_not_built": "decided but not built",
    "implemented": "carried out",
    "stalled": "stalled",
    "no_decision_found": "with no decision on record",
}


def credit(entry: dict[str, str]) -> str:
    """A source as readers see it: who, outlet, when ("Health Service Journal, June
    2019"); the outlet is left out when it repeats the author."""
    who = entry.get("author", "")
    outlet = (
        entry.get("howpublished")
        or entry.get("institution")
        or entry.get("organization")
        or entry.get("publisher")
        or ""
    )
    names = [n for n in (who, outlet) if n]
    if len(names) == 2 and (names[0] in names[1] or names[1] in names[0]):
        names = [max(names, key=len)]
    month = entry.get("month", "")
    when = " ".join(p for p in (month[:1].upper() + month[1:], entry.get("year", "")) if p)
    return ", ".join([*names, when] if when else names)


def credits(layout: Layout | None = None) -> dict[str, str]:
    """references.bib key -> its credit, the five articles as the book names them."""
    layout = layout or current()
    data.bib_keys(layout)  # notes the bibliography as read, for the execution cache
    out = {
        key: credit(entry) or entry.get("title", key)
        for key, entry in bibliography.entries(layout.bibliography).items()
    }
    out.update(ARTICLE_CREDITS)
    return out


def short_when(date: pd.Timestamp, precision: str) -> str:
    """A date under its year's heading, without the year: "22 Dec", "Dec", "spring"
    ("winter 2016/17" for a winter that began the year before)."""
    if precision == "day":
        return f"{date.day} {date:%b}"
    if precision == "month":
        return f"{date:%b}"
    if precision == "season":
        if date.month in (1, 2):
            return f"winter {date.year - 1}/{date.year % 100:02d}"
        return SEASONS[date.month]
    return "During the year"


def label_lines(date_text: str, event: str, width: int) -> list[str]:
    """An event's label, date first, wrapped into lines of at most ``width`` characters."""
    return textwrap.wrap(
        f"{date_text}: {event}", width=width, break_long_words=False, break_on_hyphens=False
    )


def prepare_events(timeline: pd.DataFrame, sources: dict[str, str]) -> pd.DataFrame:
    """The timeline with what the chart draws: epoch ms, year, the date in words (full,
    and short under its year's heading), the source, and the label's lines for a phone
    (``narrow``) and a desktop (``wide``)."""
    frame = timeline.reset_index(drop=True).copy()
    dates = pd.to_datetime(frame["date"])
    frame["order"] = range(len(frame))
    frame["t"] = [int(d.tz_localize("UTC").value // 10**6) for d in dates]
    frame["year"] = dates.dt.year.astype(int)
    frame["when"] = [when(d, p) for d, p in zip(dates, frame["date_precision"], strict=True)]
    frame["short"] = [short_when(d, p) for d, p in zip(dates, frame["date_precision"], strict=True)]
    frame["category_label"] = frame["category"].map(CATEGORY_LABELS)
    frame["source"] = frame["source_id"].map(sources)
    frame["narrow"] = [
        label_lines(w, e, WRAP_NARROW) for w, e in zip(frame["short"], frame["event"], strict=True)
    ]
    frame["wide"] = [
        label_lines(w, e, WRAP_WIDE) for w, e in zip(frame["short"], frame["event"], strict=True)
    ]
    frame["date"] = dates.dt.strftime("%Y-%m-%d")
    return frame


# The browser's filter, the twin of ``shown``.
FILTER = (
    "(timeline_category == 'all' || datum.category == timeline_category) && "
    "datum.year >= start_year"
)
# Year headings are kept only for years with an event shown (see ``list_rows``).
ROW_FILTER = (
    f"datum.kind == 'none' || (datum.kind == 'year' ? datum.year >= start_year : ({FILTER}))"
)
# The line shown when no event passes the filter (kind "none").
NONE_SHOWN = "No events of this kind from this year on: choose another kind or an earlier year."
LINES_EXPR = f"width < {NARROW_BELOW} ? datum.narrow : datum.wide"
FIRST_LINE_FILTER = "!(datum.s == '' && datum.t == datum.first_t)"


def shown(events: pd.DataFrame, timeline_category: str, start_year: int) -> pd.DataFrame:
    """The events the timeline shows for these parameter values (the twin of FILTER)."""
    keep = events["year"] >= start_year
    if timeline_category != "all":
        keep &= events["category"] == timeline_category
    return events[keep].sort_values(["t", "order"]).reset_index(drop=True)


def year_start(year: int) -> int:
    """1 January of ``year`` at midnight UTC, epoch ms."""
    return int(pd.Timestamp(f"{year}-01-01", tz="UTC").value // 10**6)


def list_records(events: pd.DataFrame) -> list[dict[str, Any]]:
    """What the timeline chart holds: a year heading for each year from ``FIRST_YEAR`` to
    ``LAST_YEAR`` (kind "year": a blank line, then the year; the first heading shown
    loses its blank line), a line for when nothing is shown (kind "none") and each event
    (kind "event"), with its lines for a phone and
    for a desktop as lists of {k, s} (line number, text), so that the browser can lay
    them out one line a row."""

    def lines(texts: list[str]) -> list[dict[str, Any]]:
        return [{"k": k, "s": text_} for k, text_ in enumerate(texts)]

    out: list[dict[str, Any]] = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        heading = lines(["", str(year)])
        out.append(
            {
                "kind": "year",
                "year": year,
                "t": year_start(year),
                "order": -1,
                "category": "",
                "category_label": "",
                "when": str(year),
                "event": "",
                "source": "",
                "narrow": heading,
                "wide": heading,
            }
        )
    nothing = lines(textwrap.wrap(NONE_SHOWN, WRAP_NARROW))
    out.append(
        {
            "kind": "none",
            "year": LAST_YEAR + 1,
            "t": year_start(LAST_YEAR + 1),
            "order": -1,
            "category": "",
            "category_label": "",
            "when": "",
            "event": "",
            "source": "",
            "narrow": nothing,
            "wide": lines(textwrap.wrap(NONE_SHOWN, WRAP_WIDE)),
        }
    )
    for r in events.itertuples(index=False):
        out.append(
            {
                "kind": "event",
                "year": int(r.year),
                "t": int(r.t),
                "order": int(r.order),
                "category": r.category,
                "category_label": r.category_label,
                "when": r.when,
                "event": r.event,
                "source": r.source,
                "narrow": lines(r.narrow),
                "wide": lines(r.wide),
            }
        )
    return out


def list_rows(
    events: pd.DataFrame, timeline_category: str, start_year: int, wide: bool
) -> pd.DataFrame:
    """The Python twin of the timeline's layout in the browser: one row per line of text,
    top to bottom (``row`` from 0), with its kind ("year" or "event"), the event's
    ``order`` (-1 for a year heading), line number ``k`` and text ``s``. A year heading is
    shown only when at least one of its events is; with no event at all, the list says
    so (``NONE_SHOWN``, kind "none")."""
    records = list_records(events)
    kept = shown(events, timeline_category, start_year)
    years = set(kept["year"])
    keep_order = set(kept["order"])
    rows = []
    for rec in records:
        if rec["kind"] == "none":
            if len(kept):
                continue
        elif rec["kind"] == "year":
            if rec["year"] < start_year or rec["year"] not in years:
                continue
        elif rec["order"] not in keep_order:
            continue
        for line in rec["wide" if wide else "narrow"]:
            rows.append(
                {
                    "t": rec["t"],
                    "order": rec["order"],
                    "k": line["k"],
                    "kind": rec["kind"],
                    "s": line["s"],
                    "year": rec["year"],
                }
            )
    frame = pd.DataFrame(rows, columns=["t", "order", "k", "kind", "s", "year"])
    if len(frame):  # no blank line above the first heading (the twin of FIRST_LINE_FILTER)
        frame = frame[~((frame["s"] == "") & (frame["t"] == frame["t"].min()))]
    frame = frame.sort_values(["t", "order", "k"]).reset_index(drop=True)
    frame.insert(0, "row", range(len(frame)))
    return frame


@dataclass(frozen=True)
class Inputs:
    """What chapter 6 reads from ``data/`` (and the bibliography, for credits)."""

    facts: pd.Series  # key -> value, national_facts
    events: pd.DataFrame  # timeline, prepared for the chart
    providers: pd.DataFrame  # provider_finances
    dashboard: pd.DataFrame  # dashboard_2017
    ratings: pd.DataFrame  # dashboard_2017_ratings
    successors: pd.DataFrame  # footprint_successors
    proposals: pd.DataFrame  # proposal_status (chapter 4's proposals, latest status)
    sources: dict[str, str]  # bibliography key -> credit
    layout: Layout | None = None


def inputs(layout: Layout | None = None) -> Inputs:
    """Load chapter 6's data."""
    sources = credits(layout)
    facts = data.load("national_facts", layout=layout).set_index("key")["value"]
    return Inputs(
        facts,
        prepare_events(data.load("timeline", layout=layout), sources),
        data.load("provider_finances", layout=layout),
        data.load("dashboard_2017", layout=layout),
        data.load("dashboard_2017_ratings", layout=layout),
        data.load("footprint_successors", layout=layout),
        real_proposals(
            data.load("proposal_status", layout=layout),
            data.load("reconfigurations", layout=layout),
        ),
        sources,
        layout,
    )


def real_proposals(status: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The proposals chapter 4 counts: those with a row whose role is 'proposal' (not a
    newspaper's list of contenders alone)."""
    ids = set(rows.loc[rows["role"] == "proposal", "proposal_id"])
    return status[status["proposal_id"].isin(ids)].reset_index(drop=True)


@dataclass(frozen=True)
class Results:
    """Chapter 6's results for one set of parameter values."""

    inputs: Inputs
    values: dict[str, Any]
    shown: pd.DataFrame  # the events the timeline shows
    text: SimpleNamespace


def provider_position(inputs: Inputs, year: str) -> float:
    """Net position of NHS trusts in ``year`` ("2016/17"), GBP m (negative: deficit)."""
    return float(inputs.providers.set_index("financial_year").loc[year, "net_position_gbp_m"])


def fund_added_back(inputs: Inputs) -> pd.DataFrame:
    """The years whose provider support is recorded, with it added back, GBP m: 2016/17
    (the Sustainability and Transformation Fund's GBP 1.8bn) and 2018/19 (the Provider
    Sustainability Fund's GBP 2.45bn)."""
    f = inputs.facts
    support = {
        "2016/17": (
            1000 * float(f["stf_provider_sustainability_2016_17_gbp_bn"]),
            "Sustainability and Transformation Fund",
        ),
        "2018/19": (1000 * float(f["psf_2018_19_gbp_bn"]), "Provider Sustainability Fund"),
    }
    return pd.DataFrame(
        [
            {
                "financial_year": year,
                "support_gbp_m": amount,
                "without_support_gbp_m": provider_position(inputs, year) - amount,
                "label": f"Reported position less the {m(amount)} from the {fund}",
            }
            for year, (amount, fund) in support.items()
        ]
    )


def leaders(inputs: Inputs) -> pd.DataFrame:
    """The footprint leaders named on 30 March 2016, by background (the Health Service
    Journal's count), in display order; the rows add up to the 44 footprints."""
    f = inputs.facts
    named = int(f["stp_leaders_confirmed_2016_03"])
    counted = {
        "Provider chief executive": int(f["stp_leaders_provider_ceos_2016_03"]),
        "Clinical commissioning group": int(f["stp_leaders_ccg_2016_03"]),
        "Local government": int(f["stp_leaders_local_authority_hsj_2016_03"]),
    }
    notes = {
        "Provider chief executive": "Chief executives of NHS trusts",
        "Clinical commissioning group": "Leaders of clinical commissioning groups",
        "Local government": "Public Sector Executive counted "
        f"{int(f['stp_leaders_councils_pse_2016'])}",
    }
    rows = [(b, n, notes[b]) for b, n in counted.items()]
    rows.append(
        (
            "Other or not stated",
            named - sum(counted.values()),
            "Named, but not in the three groups the count gives",
        )
    )
    rows.append(
        (
            "Not yet named",
            int(f["stp_footprints_2016"]) - named,
            "Footprints still to name a leader",
        )
    )
    return pd.DataFrame([{"background": b, "n": int(n), "note": note} for b, n, note in rows])


def ics_milestones(inputs: Inputs) -> pd.DataFrame:
    """How many systems there were at each designation, 2017-2021."""
    f = inputs.facts
    rows = [
        (
            "June 2017",
            f["acss_first_wave_2017"],
            "First wave: eight accountable care systems and two devolution areas",
        ),
        ("2018", f["icss_2018"], "Renamed integrated care systems; four more in May"),
        (
            "June 2019",
            f["icss_2019_06"],
            "Three more designated, absorbing three earlier systems (Cumbria, Buckinghamshire, "
            "Berkshire West): still 14; 44 areas become 42",
        ),
        ("May 2020", f["icss_2020_05"], "Four more"),
        ("December 2020", f["icss_2020_12"], "Eleven more"),
        ("April 2021", f["icss_2021"], "The final 13: the whole of England"),
    ]
    return pd.DataFrame([{"when": w, "systems": int(n), "note": note} for w, n, note in rows])


def proposal_counts(inputs: Inputs) -> dict[str, int]:
    """Chapter 4's proposals by their latest status."""
    counts = inputs.proposals["status_latest"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUS_WORDS}


def compute(inputs: Inputs, timeline_category: str, start_year: int) -> Results:
    """The timeline for these values and the numbers the chapter's prose cites."""
    f = inputs.facts
    events = shown(inputs.events, timeline_category, start_year)
    values = {"timeline_category": timeline_category, "start_year": start_year}
    dash = inputs.dashboard.set_index("rating")["n_stps"]
    stf_m = 1000 * float(f["stf_provider_sustainability_2016_17_gbp_bn"])
    back = fund_added_back(inputs).set_index("financial_year")
    status = proposal_counts(inputs)
    by_year = inputs.events.groupby("year").size()
    prose = text(
        events_total=count(len(inputs.events)),
        events_shown=count(len(events)),
        kind_shown=CATEGORY_LABELS[timeline_category].lower(),
        years_thin=count(by_year.loc[2014:2022].min()),
        # partnerships and the first systems
        first_acss=count(float(f["first_acss_2017"])),
        acs_funding=m(float(f["first_acss_funding_gbp_m"])),
        first_wave=count(float(f["acss_first_wave_2017"])),
        n_outstanding=count(dash["outstanding"]),
        n_advanced=count(dash["advanced"]),
        n_progress=count(dash["making_progress"]),
        n_needs=count(dash["needs_most_improvement"]),
        n_rated=count(dash.sum()),
        n_named=count(len(inputs.ratings)),
        # leadership
        leaders_named=count(float(f["stp_leaders_confirmed_2016_03"])),
        leaders_providers=count(float(f["stp_leaders_provider_ceos_2016_03"])),
        leaders_ccgs=count(float(f["stp_leaders_ccg_2016_03"])),
        leaders_councils=count(float(f["stp_leaders_local_authority_hsj_2016_03"])),
        leaders_councils_pse=count(float(f["stp_leaders_councils_pse_2016"])),
        leaders_other=count(
            float(leaders(inputs).set_index("background").loc["Other or not stated", "n"])
        ),
        councils_in_talks=count(float(f["councils_in_nomination_talks_2016"])),
        councils_answering=count(float(f["councils_answering_foi_2016"])),
        leads_acute_2016=count(float(f["stp_leads_acute_ceo_2016"])),
        leads_acute_2019=count(float(f["stp_leads_acute_ceo_2019"])),
        leads_trust_2016=count(float(f["stp_leads_trust_ceo_incl_mh_2016"])),
        leads_trust_2019=count(float(f["stp_leads_trust_ceo_incl_mh_2019"])),
        two_plus_leads=count(float(f["systems_two_plus_leads_2019"])),
        council_top_post=count(float(f["systems_council_in_top_post_2019"])),
        nonexec_chair=count(float(f["systems_with_nonexec_chair_2019"])),
        # integrated care systems and boards
        footprints=count(float(f["stp_footprints_2016"])),
        icss_2018=count(float(f["icss_2018"])),
        icss_2019=count(float(f["icss_2019_06"])),
        icss_2020_05=count(float(f["icss_2020_05"])),
        icss_2020_12=count(float(f["icss_2020_12"])),
        icss_2021=count(float(f["icss_2021"])),
        footprints_c2019=count(float(f["footprints_c2019"])),
        nenc_population=f"{float(f['nenc_merged_population_m']):.1f} million",
        icbs_2022=count(float(f["icbs_established_2022"])),
        successors=count(inputs.successors["successor_ics_name"].nunique()),
        # money
        target_2016=m(float(f["provider_deficit_target_2016_17_gbp_m"])),
        expected_2016=m(float(f["provider_deficit_expected_2016_17_gbp_m"])),
        def_2015=bn(-provider_position(inputs, "2015/16") / 1000, 2),
        def_2016=m(-provider_position(inputs, "2016/17")),
        def_2017=m(-provider_position(inputs, "2017/18")),
        def_2018=m(-provider_position(inputs, "2018/19")),
        def_2019=m(-provider_position(inputs, "2019/20")),
        stf_bn=bn(stf_m / 1000),
        def_2016_ex_stf=bn(-float(back.loc["2016/17", "without_support_gbp_m"]) / 1000),
        def_2018_ex_psf=bn(-float(back.loc["2018/19", "without_support_gbp_m"]) / 1000),
        nhs_2015=m(-float(f["nhs_combined_position_2015_16_gbp_m"])),
        nhs_2016=m(float(f["nhs_combined_position_2016_17_gbp_m"])),
        psf_2018=bn(float(f["psf_2018_19_gbp_bn"]), 2),
        pfi_2018=m(float(f["provider_pfi_gain_2018_19_gbp_m"])),
        underlying_2018=bn(float(f["underlying_provider_deficit_2018_19_gbp_bn"]), 0),
        underlying_nuffield=bn(float(f["provider_underlying_deficit_nuffield_gbp_bn"]), 0),
        trusts_deficit_2018=count(float(f["trusts_in_deficit_2018_19"])),
        trusts_deficit_2019=count(float(f["trusts_in_deficit_2019_20"])),
        settlement=bn(float(f["settlement_real_increase_gbp_bn"])),
        settlement_pct=f"{float(f['settlement_real_growth_pct']):.1f}%",
        settlement_hf_pct=f"{float(f['settlement_real_growth_hf_pct']):.1f}%",
        psf_into_prices=bn(float(f["psf_into_tariff_2019_20_gbp_bn"]), 0),
        frf=bn(float(f["frf_2019_20_gbp_bn"]), 2),
        # outcomes of chapter 4's proposals
        proposals=count(len(inputs.proposals)),
        **{f"proposals_{k}": count(v) for k, v in status.items()},
    )
    return Results(inputs, values, events, prose)


def assumptions(results: Results) -> Any:
    """The chapter's Assumptions box."""
    return assumptions_box(
        NOTEBOOK,
        results.values,
        results.inputs.layout,
        {"timeline_category": dict(CATEGORY_LABELS)},
    )


def timeline_chart(results: Results, sliders: bool = True) -> alt.LayerChart:
    """The timeline, with the drop-down and slider (static book) or fixed (live panel)."""
    params = declared(NOTEBOOK, results.inputs.layout)
    return charts.timeline_chart(
        list_records(results.inputs.events),
        params,
        results.values,
        CATEGORY_LABELS,
        ROW_FILTER,
        LINES_EXPR,
        FIRST_LINE_FILTER,
        sliders=sliders,
    )


def dashboard_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    counts = results.inputs.dashboard.copy()
    named = (
        ratings_frame(results.inputs)
        .groupby("rating")["footprint"]
        .apply(lambda s: "; ".join(sorted(s)))
    )
    counts["named"] = counts["rating"].map(named).fillna("")
    return charts.dashboard_chart(counts)


def ratings_frame(inputs: Inputs) -> pd.DataFrame:
    """The footprints whose July 2017 rating the sources name, with words for people."""
    names = inputs.successors.set_index("stp17cd")["stp17nm"]
    labels = inputs.dashboard.set_index("rating")["rating_label"]
    frame = inputs.ratings.assign(
        footprint=inputs.ratings["stp17cd"].map(names),
        rating_words=inputs.ratings["rating"].map(labels),
        rank=inputs.ratings["rating"].map({r: i for i, r in enumerate(RATING_ORDER)}),
        reported_by=inputs.ratings["source_id"].map(inputs.sources),
    )
    return frame.sort_values(["rank", "footprint"]).reset_index(drop=True)


def ratings_table(results: Results) -> Table:
    return table(
        ratings_frame(results.inputs),
        "The footprints whose July 2017 rating the sources name",
        {
            "footprint": "Footprint",
            "rating_words": "Rating, July 2017",
            "reported_by": "Reported by",
        },
    )


def leadership_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    return charts.leadership_chart(leaders(results.inputs))


def ics_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    return charts.ics_chart(ics_milestones(results.inputs))


def successors_table(results: Results) -> Table:
    """What each of the 44 footprints became, with what the sources say and who says it
    (two columns, so that it fits a phone inside its fold-out box)."""
    sources = results.inputs.sources
    frame = results.inputs.successors.sort_values("stp17nm", key=lambda s: s.str.lower())
    frame = frame.assign(
        became=[
            old if old == new else f"{old} → {new}"
            for old, new in zip(frame["stp17nm"], frame["successor_ics_name"], strict=True)
        ],
        says=[
            f"{note} ({sources[key]})" if note else f"({sources[key]})"
            for note, key in zip(frame["note"].fillna(""), frame["source_id"], strict=True)
        ],
    )
    return table(
        frame,
        "What each of the 44 footprints became: its integrated care system (2021 "
        "names; the boards took over on 1 July 2022)",
        {"became": "Footprint (2016) → integrated care system", "says": "What the sources say"},
    )


def providers_source(inputs: Inputs) -> str:
    """The providers chart's source line: each year's own source, as the other chapters
    credit it, then the sources of the fund support added back."""
    # The sources of national_facts' stf_provider_sustainability_2016_17_gbp_bn and
    # psf_2018_19_gbp_bn, the two amounts ``fund_added_back`` adds back.
    keys = [*inputs.providers["source_id"], *SUPPORT_SOURCES]
    return "; ".join(dict.fromkeys(inputs.sources[k] for k in keys)) + "."


def providers_chart(results: Results) -> alt.LayerChart | alt.FacetChart:
    return charts.providers_chart(
        results.inputs.providers, fund_added_back(results.inputs), providers_source(results.inputs)
    )


def predictions(results: Results) -> pd.DataFrame:
    """The predictions (and promises) of 2016-17 beside what happened, for people."""
    i, n = results.inputs, results.text
    f = i.facts
    status = proposal_counts(i)
    reconfig = ", ".join(f"{count(status[k])} {STATUS_WORDS[k]}" for k in STATUS_WORDS)
    rows = [
        (
            "STPs could be a real 'game-changer' for place-based care, and were starting to "
            "fill the gap in system leadership left by the strategic health authorities. "
            f"({ARTICLE_CREDITS['ham_kingsfund_noise_signal_2016']})",
            f"The partnerships lasted: the first {n.first_acss} "
            f"accountable care systems in June 2017, all {n.icss_2021} areas integrated care "
            f"systems from April 2021, and {n.icbs_2022} statutory integrated care boards, "
            "replacing the CCGs, from 1 July 2022. Whether care became more place-based is "
            "not measured here.",
            "NHS England (March 2017 and 2022); Healthcare Leader (March 2021)",
        ),
        (
            "The October 2016 plans were the start of a longer process of improvement, not "
            "the last word; the real test would be putting them into practice. "
            f"({ARTICLE_CREDITS['alderwick_kingsfund_stps_2016']})",
            "Within five months the plans were recast as partnerships (March 2017). In 2018 "
            "every area was asked for a new five-year plan, to be agreed in 2019, replacing "
            "the 2016 plans.",
            "NHS England, Next Steps (March 2017); Health Service Journal (2018)",
        ),
        (
            "Providers must return to financial balance in 2016/17; the year's aim was a "
            f"sector deficit of {n.target_2016}. (NHS England, planning guidance, December "
            "2015; Full Fact, December 2016)",
            f"Trusts ended 2016/17 {n.def_2016} in deficit after {n.stf_bn} of fund support "
            f"(about {n.def_2016_ex_stf} without it), and were in deficit every year to "
            f"2019/20 ({n.def_2019}).",
            "NHS England (December 2015); Full Fact (December 2016); The King's Fund",
        ),
        (
            "Few believe savings on this scale can be made while services are being "
            "transformed (Clive Betts MP, reporting the people he spoke to; National Health "
            "Executive, March 2017).",
            "The Centre for Health and the Public Interest reported in May 2017 that hospitals "
            "had found recurrent savings of "
            f"{float(f['hospital_recurrent_savings_pct']):.1f}% the year before, against "
            f"average targets of {float(f['hospital_savings_target_next_year_pct']):.0f}% and "
            f"{float(f['hospital_savings_target_year_after_pct']):.1f}% for the next two "
            f"years. In 2018/19 the trusts' underlying deficit was put at about "
            f"{n.underlying_2018} on NHS Improvement's figures, and at over "
            f"{n.underlying_nuffield} by the Nuffield Trust.",
            "Centre for Health and the Public Interest (May 2017); Health Service Journal "
            "(2019); Sally Gainsbury, Nuffield Trust (April 2019)",
        ),
        (
            "The plans would need about £10bn of capital to get off the ground (the BMA's "
            f"estimate was {bn(float(f['bma_stp_capital_estimate_gbp_bn']), 2)}); Clive Betts "
            "MP was not surprised. (British Medical Association, February 2017; National "
            "Health Executive, March 2017)",
            f"The Spring Budget 2017 gave {m(float(f['spring_budget_stp_capital_gbp_m']))}, "
            f"shared among {count(float(f['stp_capital_spring_2017_schemes']))} areas in July "
            "2017; the Autumn Budget 2017 promised "
            f"{bn(float(f['autumn_budget_2017_stp_capital_gbp_bn']))} by 2022/23: about "
            f"{bn(float(f['stp_capital_pot_gbp_bn']))} badged for the plans in all. By 2019 "
            f"about {bn(float(f['capital_allocated_to_date_gbp_bn']))} had been allocated "
            f"against more than {bn(float(f['capital_requested_gbp_bn']))} of bids.",
            "National Health Executive (July 2017); Healthcare Leader (November 2017); Health "
            "Service Journal (2019)",
        ),
        (
            "The extra social care money was not enough: 'we could be back here in a year's "
            f"time'. ({ARTICLE_CREDITS['nhe_betts_interview_2017']})",
            "In 2018 the Local Government Association put the adult social care funding gap "
            f"at {bn(float(f['social_care_gap_lga_2018_gbp_bn']))} by 2020.",
            "Local Government Association (2018)",
        ),
        (
            "A risk, not a forecast: rows over hospital changes might drown out prevention and "
            f"primary care ({ARTICLE_CREDITS['alderwick_kingsfund_stps_2016']}); closures "
            f"would 'steal the attention' ({ARTICLE_CREDITS['equwell_stps_where_headed_2016']}).",
            f"Of the {n.proposals} hospital proposals chapter 4 follows: {reconfig}. Primary "
            "care networks began across England in July 2019. The book does not measure "
            "whether prevention lost out.",
            "The sources listed in chapter 4; NHS Confederation (2022)",
        ),
        (
            "STPs were loose coalitions with no statutory powers: they could encourage change "
            "but not make it; the blogger suggested local government lead them, with a "
            f"ten-year remit. ({ARTICLE_CREDITS['sha_kingsfund_launch_2017']})",
            f"From 1 July 2022 the {n.icbs_2022} integrated care boards were statutory NHS "
            f"bodies with the CCGs' commissioning duties. In 2019, {n.council_top_post} of the "
            f"{n.icss_2021} systems had a councillor or council official in a lead post.",
            "NHS England (2022); Health Service Journal (2019)",
        ),
        (
            "The Forward View's bargain: efficiency of 2-3% a year and £8bn more by 2020/21 "
            "would close the gap. (NHS England, October 2014; see chapter 1)",
            "A new settlement came before the old one ran out: in June 2018 the government "
            "promised NHS "
            f"England {n.settlement} a year more in real terms by 2023/24 (about "
            f"{n.settlement_pct} a year), and the Long Term Plan of January 2019 set out how "
            "to spend it.",
            "Healthcare Leader (June 2018); The King's Fund (January 2019)",
        ),
    ]
    return pd.DataFrame(rows, columns=["prediction", "outcome", "sources"])


def predictions_table(results: Results) -> Table:
    """The predictions beside what happened, in two columns (the sources after what
    happened), so that the table reads on a phone."""
    frame = predictions(results)
    frame["outcome"] = [
        f"{o} (Sources: {src}.)" for o, src in zip(frame["outcome"], frame["sources"], strict=True)
    ]
    return table(
        frame,
        "The predictions of 2016-17 (and the promises behind them, from 2014), beside "
        "what happened",
        {
            "prediction": "The prediction, and who made it",
            "outcome": "What happened, and the sources",
        },
    )


def live(inputs: Inputs) -> Callable[..., tuple[Any, Any]]:
    """The live panel's function: new values in, the timeline and a count out."""

    def redraw(**values: Any) -> tuple[Any, Any]:
        results = compute(inputs, **values)
        numbers = {
            "Events shown": results.text.events_shown,
            "Of all the dated events": results.text.events_total,
        }
        return headline_box(numbers), timeline_chart(results, sliders=False)

    return redraw


def panel(results: Results) -> Any:
    """The ipywidgets panel (a one-line note when the pipeline runs the chapter)."""
    from ..widgets import controls

    return controls(
        NOTEBOOK,
        live(results.inputs),
        results.values,
        layout=results.inputs.layout,
        choice_labels={"timeline_category": dict(CATEGORY_LABELS)},
    )
