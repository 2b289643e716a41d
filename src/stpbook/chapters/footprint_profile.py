"""The footprint profiles: everything one footprint's page shows, for any of the 44.

The pipeline runs ``chapters/footprint_profile.ipynb`` once per footprint (its one
parameter, ``stp17cd``), so this module answers, for one footprint: how big it was and
what it was made of; the do-nothing gap its plan published, if any, per head and against
the other plans; this book's stress test of that gap (chapter 3's model and defaults);
each hospital or service change proposed and what became of it; its July 2017 rating; the
integrated care system that followed it; the pages its figures come from; and the
chapters that discuss it. A footprint with no published gap says so; nothing is filled in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import bibliography, data, dates
from ..charts import footprint_profile as charts
from ..context import batch
from ..errors import ParameterError
from ..layout import Layout, current
from ..models import footprints as fp
from ..models import stress
from ..parameters import Parameter
from ..tables import Table, table
from ._common import count, headline_box, m, pct, text

NOTEBOOK = "footprint_profile"

# Chapter 3's declared defaults for its stress test (chapters/03_plans_and_money.ipynb;
# the tests hold these equal to that declaration). The profile shows the test of its own
# plan with them and lets the reader move the first three.
STRESS = {
    "efficiency_delivered": Parameter(
        "efficiency_delivered",
        "float",
        0.5,
        "share of planned efficiency",
        "chapter 3's central case: a little below the 60% that the NHS's historical 1.5% a "
        "year of efficiency represents against the Forward View's 2.5%",
        0.0,
        1.0,
        0.05,
        label="Planned efficiency delivered",
    ),
    "activity_reduction_achieved": Parameter(
        "activity_reduction_achieved",
        "float",
        0.25,
        "share of planned activity cuts",
        "chapter 3's cautious case: the Nuffield Trust found little evidence that care "
        "outside hospital cuts hospital use on the scale planned",
        0.0,
        1.0,
        0.05,
        label="Planned activity cuts achieved",
    ),
    "extra_funding_gbp_m": Parameter(
        "extra_funding_gbp_m",
        "float",
        0.0,
        "GBP m a year",
        "the plans had to balance within their allocations, so none by default",
        0.0,
        1000.0,
        25.0,
        label="Extra revenue for the plan",
    ),
    "activity_share": Parameter(
        "activity_share",
        "float",
        0.3,
        "share of planned savings",
        "chapter 3's assumption for the average plan: no published split of the plans' "
        "savings by lever was found",
        0.0,
        1.0,
        0.05,
        label="Savings planned from activity cuts",
    ),
}
STATIC_SLIDERS = ("efficiency_delivered", "activity_reduction_achieved", "extra_funding_gbp_m")
DRAWS, SEED = 10_000, 2016  # chapter 3's draws and its fixed random start
RING_KM2 = 2500  # a footprint smaller than this is ringed on the locator map: at 240 px
# wide, England's map gives such a footprint only a few pixels (London's are 200-700 km2)

SCOPE = {
    "nhs_only": "NHS services only",
    "nhs_and_social_care": "NHS services and social care",
    "unclear": "the sources do not say whether it includes social care",
}
VERSION = {
    "submitted_2016_10": "the plan submitted in October 2016",
    "draft_2016_06": "the June 2016 draft",
    "draft_2016_09": "the September 2016 draft",
    "other": "a figure stated outside the plan itself",
}
HOW_FIRM = {
    "proposal": "proposed in the plan",
    "option_modelled": "an option modelled",
    "active_plan": "an active plan",
    "agreed": "agreed before the plan",
    "possible": "a possibility the plan raised",
    "no_firm_proposal": "named as at risk; no firm proposal",
    "discussed": "discussed in a source, not proposed in a plan; not one of chapter 4's proposals",
}
# Chapter 4's words for where a proposal stood, and for its milestones.
LATEST = {
    "implemented": "Carried out",
    "decided_not_built": "Decided, not yet carried out",
    "dropped": "Dropped",
    "stalled": "Stalled",
    "no_decision_found": "No decision found",
}
STAGE = {
    "proposed": "Proposed",
    "consulted": "Consulted on",
    "referred": "Referred",
    "decided": "Decided",
    "implemented": "Carried out",
    "dropped": "Dropped",
    "stalled": "Stalled",
    "not_found": "Searched for, not found",
    "partial": "Carried out in part",
    "discussed": "Discussed",
}
RATING_NOT_FOUND = "Not found in the sources"  # the same words as the index of the 44
# A page hosting the plan itself (a council's, CCG's or trust's page on it) names it.
PLAN_PAGE = re.compile(r"sustainability and transformation plan", re.IGNORECASE)
NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
}

# Where the chapters discuss a footprint, by what the chapter's tables and charts hold
# (chapter file, section label, chapter title, what it shows); ``sections`` picks the
# ones that include this footprint. The tests check every label exists in its notebook.
CHAPTER_TITLES = {
    "02_footprints": "Chapter 2, From guidance to 44 footprints",
    "03_plans_and_money": "Chapter 3, The plans and their money",
    "04_reconfigurations": "Chapter 4, Reconfigurations",
    "06_what_came_next": "Chapter 6, What came next",
}
SECTIONS = {
    "map": ("02_footprints", "ch2-lines", "the map of the 44 footprints"),
    "renamed": ("02_footprints", "ch2-successors", "the footprints that merged or took a new name"),
    "gaps": ("03_plans_and_money", "ch3-gaps", "the published gaps, in pounds and per head"),
    "stress": (
        "03_plans_and_money",
        "ch3-stress",
        "the stress test, where this plan can be chosen",
    ),
    "proposals": ("04_reconfigurations", "ch4-outcomes", "what became of each proposed change"),
    "rating": ("06_what_came_next", "ch6-dashboard", "the ratings of July 2017"),
    "successor": ("06_what_came_next", "ch6-ics", "what each footprint became, with the sources"),
}
# Footprints the chapters discuss by name beyond the tables above (footprint code ->
# (chapter file, section label, what it says)). The tests check every label exists.
MENTIONS = {
    "E54000007": [
        (
            "03_plans_and_money",
            "ch3-secrecy",
            "a reader's comment on why Greater Manchester's plan drew so little noise",
        ),
        (
            "03_plans_and_money",
            "ch3-outcomes",
            "Greater Manchester's share of the first capital for the plans (July 2017)",
        ),
        (
            "06_what_came_next",
            "ch6-partnerships",
            "Greater Manchester in the first wave of accountable care systems, through its "
            "devolution deal (June 2017)",
        ),
    ],
    "E54000044": [
        (
            "02_footprints",
            "ch2-contested",
            'a reader, Tom Lake, on the footprint as an "unnatural region"',
        ),
        (
            "04_reconfigurations",
            "ch4-cases",
            "the Horton General and Oxfordshire's community hospitals, case by case",
        ),
    ],
}
# Every area became an integrated care system by April 2021: the source for a footprint
# that kept its name (one that merged or was renamed cites its own row's source).
ALL_SYSTEMS_SOURCE = "healthcareleader_final_icss_2021"


@dataclass(frozen=True)
class Inputs:
    """What a footprint profile reads from ``data/``."""

    footprints: pd.DataFrame  # data/footprints.csv
    areas: pd.DataFrame  # data/footprint_areas.csv
    gaps: pd.DataFrame  # data/financial_gaps.csv
    ippr: pd.DataFrame  # data/gap_per_head_ippr.csv
    capital: pd.DataFrame  # data/capital_requests.csv
    reconfigurations: pd.DataFrame  # data/reconfigurations.csv
    outcomes: pd.DataFrame  # data/reconfiguration_outcomes.csv
    status: pd.DataFrame  # data/proposal_status.csv
    ratings: pd.DataFrame  # data/dashboard_2017_ratings.csv
    bands: pd.DataFrame  # data/dashboard_2017.csv
    successors: pd.DataFrame  # data/footprint_successors.csv
    programme: pd.DataFrame  # stress.activity_programme of data/activity_assumptions.csv
    boundaries: dict  # data/footprint_boundaries.geojson
    bib: dict[str, dict[str, str]]  # references.bib, plain text
    layout: Layout | None = None

    def footprint(self, code: str) -> pd.Series:
        rows = self.footprints[self.footprints["stp17cd"] == code]
        if rows.empty:
            raise ParameterError(
                f"no footprint has the code {code!r}; the 44 codes run "
                "from E54000005 to E54000048 (stpbook list shows them)"
            )
        return rows.iloc[0]

    def credit(self, key: str) -> str:
        """A source as readers see it: author, outlet and date, the outlet left out when it
        repeats the author ("Merton Council news, July 2020", not "Merton Council, Merton
        Council news, July 2020")."""
        return credit(self.bib.get(key, {})) or key


def _plural(n: int) -> str:
    """The plural ending for a count: '' for one, 's' otherwise."""
    return "" if n == 1 else "s"


def credit(entry: dict[str, str]) -> str:
    """``bibliography.credit`` without repeating a name: where the author and the outlet
    contain one another, only the longer is kept."""
    who = entry.get("author", "")
    outlet = (
        entry.get("howpublished", "") or entry.get("institution", "") or entry.get("publisher", "")
    )
    if who and outlet and (who in outlet or outlet in who):
        longer = max(who, outlet, key=len)
        entry = {**entry, "author": longer, "howpublished": "", "institution": "", "publisher": ""}
    return bibliography.credit(entry)


def inputs(layout: Layout | None = None) -> Inputs:
    """Load a profile's data (the same for every footprint)."""

    def load(name: str) -> pd.DataFrame:
        return data.load(name, layout=layout)

    bib = bibliography.entries((layout or current()).bibliography)
    return Inputs(
        load("footprints"),
        load("footprint_areas"),
        load("financial_gaps"),
        load("gap_per_head_ippr"),
        load("capital_requests"),
        load("reconfigurations"),
        load("reconfiguration_outcomes"),
        load("proposal_status"),
        load("dashboard_2017_ratings"),
        load("dashboard_2017"),
        load("footprint_successors"),
        stress.activity_programme(load("activity_assumptions")),
        data.load_boundaries(layout=layout),
        bib,
        layout,
    )


# --- formatting -----------------------------------------------------------------------------


def ordinal(k: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def money(value: float) -> str:
    """GBP m for the stress chart's readout: 876.4 -> "£876m", -40 -> "−£40m" (the Python
    twin of ``charts.footprint_profile.money_expr``)."""
    return ("−£" if value < 0 else "£") + f"{abs(value):,.0f}m"


def per_head(value: float) -> str:
    """GBP per head for prose: 412.3 -> "£412"."""
    return f"£{value:,.0f}"


def reader_note(note: str) -> str:
    """A data note for readers: "GBP 130m" -> "£130m"."""
    return re.sub(r"GBP\s?", "£", str(note)).strip()


def list_words(items: list[str]) -> str:
    """["a"] -> "a"; ["a", "b", "c"] -> "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def number(k: int) -> str:
    """A small count in words for prose: 1 -> "one", 12 -> "12"."""
    return NUMBER_WORDS.get(int(k), f"{int(k):,d}")


def sentence(text_: str) -> str:
    """``text_`` with a capital first letter and a full stop."""
    text_ = text_.strip()
    if not text_:
        return ""
    text_ = text_[0].upper() + text_[1:]
    return text_ if text_.endswith((".", "!", "?")) else text_ + "."


# --- the published gaps ---------------------------------------------------------------------


def headline_gaps(inputs: Inputs) -> pd.DataFrame:
    """Each footprint's one headline gap (GBP m a year by 2020/21) with its name, people,
    whether the population is the book's estimate, the gap per head (GBP) and ``usable``
    (not flagged doubtful)."""
    head = inputs.gaps[inputs.gaps["is_headline"]].copy().reset_index(drop=True)
    foot = inputs.footprints.set_index("stp17cd").loc[head["stp17cd"]]
    head["stp17nm"] = foot["stp17nm"].to_numpy()
    head["population"] = foot["population_mid2016"].to_numpy()
    head["apportioned"] = (foot["population_basis"] == "apportioned").to_numpy()
    head["gap_per_head_gbp"] = fp.gap_per_head(head["gap_gbp_m"], head["population"])
    head["usable"] = head["reliability"] != "doubtful"
    return head


def usable_gaps(inputs: Inputs) -> pd.DataFrame:
    """The plans whose headline gap is not doubtful: the ones ranked and stress-tested."""
    gaps = headline_gaps(inputs)
    return gaps[gaps["usable"]].reset_index(drop=True)


def gap_state(inputs: Inputs, code: str) -> tuple[str, pd.Series | None]:
    """("usable", row), ("doubtful", row) or ("none", None) for one footprint."""
    gaps = headline_gaps(inputs)
    rows = gaps[gaps["stp17cd"] == code]
    if rows.empty:
        return "none", None
    row = rows.iloc[0]
    return ("usable" if row["usable"] else "doubtful"), row


# --- the stress test ------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _draws(programme_key: tuple, activity_share: float) -> stress.Draws:
    programme = pd.DataFrame(
        list(programme_key), columns=["activity_area", "probability", "low", "high", "mean", "mode"]
    )
    return stress.draw(programme, activity_share, DRAWS, SEED)


def _programme_key(inputs: Inputs) -> tuple:
    return tuple(
        map(
            tuple,
            inputs.programme[
                ["activity_area", "probability", "low", "high", "mean", "mode"]
            ].itertuples(index=False),
        )
    )


def draws(inputs: Inputs, activity_share: float) -> stress.Draws:
    """Chapter 3's draws (``DRAWS``, ``SEED``) for ``activity_share``, kept for reuse."""
    return _draws(_programme_key(inputs), float(activity_share))


@lru_cache(maxsize=4)
def _grid(programme_key: tuple, activity_share: float) -> pd.DataFrame:
    return stress_grid(_draws(programme_key, activity_share))


def grid(inputs: Inputs, activity_share: float) -> pd.DataFrame:
    """``stress_grid`` of chapter 3's draws for ``activity_share``, kept for reuse (the
    page draws the chart and the live panel draws it again)."""
    return _grid(_programme_key(inputs), float(activity_share)).copy()


def slider_values(param: Parameter) -> np.ndarray:
    """Every position of a declared slider."""
    if param.minimum is None or param.maximum is None or param.step is None:
        raise ParameterError(f"{param.name}: a slider needs a declared range and step")
    n = int(round((param.maximum - param.minimum) / param.step))
    return np.round(param.minimum + param.step * np.arange(n + 1), 6)


def stress_grid(d: stress.Draws) -> pd.DataFrame:
    """The static chart's grid: for every slider position of activity cuts achieved (``ak``,
    a whole percentage) and efficiency delivered (``ek``), the quantiles and mean of the
    gap left per GBP 1 of gap (``stress.per_pound_summary``). The same for every plan."""
    effs = slider_values(STRESS["efficiency_delivered"])
    frames = []
    for a in slider_values(STRESS["activity_reduction_achieved"]):
        fan = stress.per_pound_summary(d, effs, float(a))
        fan.insert(0, "ek", np.rint(fan["efficiency_delivered"] * 100).astype(int))
        fan.insert(0, "ak", int(round(a * 100)))
        frames.append(fan)
    return pd.concat(frames, ignore_index=True).round(8)


def stress_readout(
    grid: pd.DataFrame,
    gap_gbp_m: float,
    efficiency_delivered: float,
    activity_reduction_achieved: float,
    extra_funding_gbp_m: float,
) -> dict[str, Any]:
    """The Python twin of the stress chart's browser formulas: the gap left at the 5th,
    25th, 50th, 75th and 95th percentiles and the readout's two lines."""
    row = grid[
        (grid["ak"] == round(activity_reduction_achieved * 100))
        & (grid["ek"] == round(efficiency_delivered * 100))
    ].iloc[0]
    g, f = float(gap_gbp_m), float(extra_funding_gbp_m)
    out: dict[str, Any] = {
        name: g * float(row[q]) - f
        for name, q in (
            ("lo90", "q05"),
            ("lo50", "q25"),
            ("mid", "q50"),
            ("hi50", "q75"),
            ("hi90", "q95"),
        )
    }
    out["readout"] = (
        f"At {efficiency_delivered:.0%} of planned efficiency delivered:\nmedian "
        f"{money(out['mid'])} a year left;\n9 in 10 simulated plans: "
        f"{money(out['lo90'])} to {money(out['hi90'])}"
    )
    return out


def stress_summary(inputs: Inputs, gap_gbp_m: float, values: dict[str, float]) -> dict:
    """The stress test of one plan (``stress.summarise``: GBP m a year and shares)."""
    d = draws(inputs, values["activity_share"])
    remaining = stress.remaining_gap(
        d,
        gap_gbp_m,
        values["efficiency_delivered"],
        values["activity_reduction_achieved"],
        values["extra_funding_gbp_m"],
    )
    return stress.summarise(remaining, gap_gbp_m)


# --- proposals and what became of them ------------------------------------------------------


def proposals(inputs: Inputs, code: str) -> pd.DataFrame:
    """One row per proposal (``proposal_id``) that names this footprint, in any role: what
    was proposed, how firmly, its latest status and the outcome in a sentence, with the
    bibliography keys of its rows."""
    rows = inputs.reconfigurations[inputs.reconfigurations["stp17cd"] == code]
    out = []
    status = inputs.status.set_index("proposal_id")
    for pid, group in rows.groupby("proposal_id", sort=False):
        main = group[group["role"] == "proposal"]
        lead = (main if not main.empty else group).iloc[0]
        items = "; ".join(dict.fromkeys(group["site_or_service"]))
        if pid in status.index:
            st = status.loc[pid]
            what = f"{st['place']}: {st['what_proposed']}"
            latest = f"{LATEST[st['status_latest']]} ({int(st['as_of_year'])})"
            outcome = reader_note(st["one_line"])
            keys = [*group["source_id"], st["source_id"]]
        else:
            what, latest, outcome = items, "No outcome recorded", ""
            keys = list(group["source_id"])
        out.append(
            {
                "proposal_id": pid,
                "what": what,
                "items": items,
                "how": HOW_FIRM.get(lead["status"], lead["status"]),
                "role": lead["role"],
                "latest": latest,
                "outcome": outcome,
                "sources": list(dict.fromkeys(keys)),
            }
        )
    return pd.DataFrame(
        out, columns=["proposal_id", "what", "items", "how", "role", "latest", "outcome", "sources"]
    )


def milestones(inputs: Inputs, proposal_ids: list[str]) -> pd.DataFrame:
    """The dated milestones of these proposals, oldest first: when (in words, as precise as
    the source), proposal, stage, what happened and its source. Records of a search that
    found nothing are left out (their date is the search's; the status says "no decision
    found")."""
    rows = inputs.outcomes[
        inputs.outcomes["proposal_id"].isin(proposal_ids)
        & (inputs.outcomes["stage"] != "not_found")
    ].copy()
    rows["date"] = pd.to_datetime(rows["date"])
    rows = rows.sort_values(["date", "proposal_id"]).reset_index(drop=True)
    places = inputs.status.set_index("proposal_id")["place"].to_dict()
    precisions = zip(rows["date"], rows["date_precision"], strict=True)
    rows["when"] = [dates.when(d, p, "%B") for d, p in precisions]
    latest = inputs.status.set_index("proposal_id")["status_latest"]
    partial = (rows["stage"] == "implemented") & (rows["proposal_id"].map(latest) != "implemented")
    items = inputs.reconfigurations
    ideas = set(items.loc[items["role"] == "discussed", "proposal_id"]) - set(
        items.loc[items["role"] == "proposal", "proposal_id"]
    )
    idea = (rows["stage"] == "proposed") & rows["proposal_id"].isin(ideas)
    rows["stage_words"] = (
        rows["stage"].where(~partial, "partial").where(~idea, "discussed").map(STAGE)
    )
    rows["what_words"] = [reader_note(w) for w in rows["what"]]
    rows["place"] = rows["proposal_id"].map(places).fillna("")
    rows["source"] = [inputs.credit(k) for k in rows["source_id"]]
    return rows


# --- the page's sources and the chapters that discuss it ------------------------------------


@dataclass(frozen=True)
class Link:
    title: str
    href: str
    note: str = ""


class Links:
    """A short list of links for readers (the plan's pages; the chapters that discuss the
    footprint): what the static book and a live notebook both show as HTML."""

    def __init__(self, caption: str, links: list[Link], empty: str = ""):
        self.caption, self.links, self.empty = caption, links, empty

    def _repr_html_(self) -> str:
        import html

        items = "".join(
            f'<li><a href="{html.escape(link.href, quote=True)}">{html.escape(link.title)}</a>'
            + (f" ({html.escape(link.note)})" if link.note else "")
            + "</li>"
            for link in self.links
        )
        body = f"<ul>{items}</ul>" if self.links else f"<p>{html.escape(self.empty)}</p>"
        return (
            f'<div class="stp-links"><p class="stp-links-caption"><strong>'
            f"{html.escape(self.caption)}</strong></p>{body}</div>"
        )

    def __repr__(self) -> str:
        return self.caption + "\n" + "\n".join(f"- {x.title}: {x.href}" for x in self.links)


def source_links(inputs: Inputs, code: str) -> list[Link]:
    """The pages behind this footprint's figures that have an address: its gap rows
    (drafts included), capital requests and proposed changes. The plan's own pages
    (titles naming the plan or STP) come first."""
    keys = [
        *inputs.gaps.loc[inputs.gaps["stp17cd"] == code, "source_id"],
        *inputs.capital.loc[inputs.capital["stp17cd"] == code, "source_id"],
        *inputs.reconfigurations.loc[inputs.reconfigurations["stp17cd"] == code, "source_id"],
    ]
    links = []
    for key in dict.fromkeys(keys):
        entry = inputs.bib.get(key, {})
        if entry.get("url"):
            title = entry.get("title", key)
            plan = bool(PLAN_PAGE.search(title))
            note = ("the plan, on its partners' pages; " if plan else "") + inputs.credit(key)
            links.append(Link(title, entry["url"], note))
    return sorted(links, key=lambda x: not x.note.startswith("the plan"))


def section_keys(inputs: Inputs, code: str) -> list[str]:
    """Which of ``SECTIONS`` include this footprint, from the data each one shows."""
    keys = ["map"]
    changed = fp.successors(inputs.footprints, inputs.successors)["changed"]
    name = inputs.footprint(code)["stp17nm"]
    if name in set(changed["stp17nm"]):
        keys.append("renamed")
    state, _ = gap_state(inputs, code)
    if state != "none":
        keys.append("gaps")
    if state == "usable":
        keys.append("stress")
    if (inputs.reconfigurations["stp17cd"] == code).any():
        keys.append("proposals")
    if (inputs.ratings["stp17cd"] == code).any():
        keys.append("rating")
    keys.append("successor")
    return keys


def chapter_href(notebook: str, label: str) -> str:
    """A link from a profile page to a chapter's section: the built page in the static
    book (profiles sit in ``footprints/``, chapters in ``chapters/``), the notebook in a
    live session."""
    suffix = ".html" if batch() else ".ipynb"
    return f"../chapters/{notebook}{suffix}#{label}"


def section_links(inputs: Inputs, code: str) -> list[Link]:
    out = []
    for key in section_keys(inputs, code):
        notebook, label, what = SECTIONS[key]
        out.append(Link(f"{CHAPTER_TITLES[notebook]}: {what}", chapter_href(notebook, label)))
    for notebook, label, what in MENTIONS.get(code, []):
        out.append(Link(f"{CHAPTER_TITLES[notebook]}: {what}", chapter_href(notebook, label)))
    return out


# --- the results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Results:
    """One footprint's profile."""

    inputs: Inputs
    values: dict[str, Any]
    footprint: pd.Series  # its row of data/footprints.csv
    areas: pd.DataFrame  # its CCGs and districts, with shared_with
    state: str  # "usable", "doubtful" or "none": its published gap
    gap: pd.Series | None  # its headline gap row (headline_gaps), if any
    ranked: pd.DataFrame  # usable_gaps: the plans the per-head chart ranks
    stress: dict[str, float] | None  # stress_summary at chapter 3's defaults (usable only)
    proposals: pd.DataFrame
    milestones: pd.DataFrame
    text: SimpleNamespace

    @property
    def code(self) -> str:
        return str(self.footprint["stp17cd"])

    @property
    def name(self) -> str:
        return str(self.footprint["stp17nm"])


def areas(inputs: Inputs, code: str) -> pd.DataFrame:
    """This footprint's CCGs and local authority districts, with ``shared_with``: the other
    footprints that hold part of a district (empty for a whole district and for CCGs)."""
    names = dict(zip(inputs.footprints["stp17cd"], inputs.footprints["stp17nm"], strict=True))
    all_ = inputs.areas
    mine = all_[all_["stp17cd"] == code].copy()
    holders: dict[str, list[str]] = {}
    for c, stp, t in zip(all_["code"], all_["stp17cd"], all_["area_type"], strict=True):
        if t == "local_authority" and stp != code:
            holders.setdefault(c, []).append(names[stp])
    mine["shared_with"] = [
        list_words(holders.get(c, [])) if t == "local_authority" else ""
        for c, t in zip(mine["code"], mine["area_type"], strict=True)
    ]
    return mine.reset_index(drop=True)


def compute(inputs: Inputs, stp17cd: str) -> Results:
    """One footprint's profile (``stp17cd``: its ONS code), with the sentences and
    numbers its page cites."""
    row = inputs.footprint(stp17cd)
    mine = areas(inputs, stp17cd)
    state, gap = gap_state(inputs, stp17cd)
    ranked = usable_gaps(inputs)
    defaults = {k: p.default for k, p in STRESS.items()}
    summary: dict | None = None
    if state == "usable":
        assert gap is not None  # gap_state gives a row with every state but "none"
        summary = stress_summary(inputs, float(gap["gap_gbp_m"]), defaults)
    props = proposals(inputs, stp17cd)
    miles = milestones(inputs, list(props["proposal_id"]))
    prose = _text(inputs, row, mine, state, gap, ranked, summary, props, miles)
    return Results(
        inputs, {"stp17cd": stp17cd}, row, mine, state, gap, ranked, summary, props, miles, prose
    )


def _population(row: pd.Series) -> tuple[str, str]:
    people = count(row["population_mid2016"])
    if row["population_basis"] == "apportioned":
        return people, (
            "this book's estimate: a local authority district shared with "
            "another footprint is split by its share of small areas"
        )
    return people, "the sum of the Office for National Statistics' estimates for its districts"


def _text(
    inputs: Inputs,
    row: pd.Series,
    mine: pd.DataFrame,
    state: str,
    gap: pd.Series | None,
    ranked: pd.DataFrame,
    summary: dict | None,
    props: pd.DataFrame,
    miles: pd.DataFrame,
) -> SimpleNamespace:
    code, name = str(row["stp17cd"]), str(row["stp17nm"])
    region = str(row["nhser17nm"])
    people, basis = _population(row)
    ccgs = mine[mine["area_type"] == "ccg"]
    las = mine[mine["area_type"] == "local_authority"]
    shared = las[las["shared_with"] != ""]
    density = float(row["population_mid2016"]) / float(row["area_km2"])
    n_ranked = len(ranked)

    # The published gap, and nothing in its place when there is none.
    ippr = inputs.ippr[inputs.ippr["stp17cd"] == code]
    ippr_sentence = ""
    if not ippr.empty:
        r = ippr.iloc[0]
        ippr_sentence = (
            f"IPPR, ranking all 44 plans by their do-nothing deficit per head "
            f"in January 2017, put this one {r['position_in_ranking']}, at "
            f"£{float(r['gap_per_head_gbp']):,.2f} a head "
            f"({inputs.credit(r['source_id'])})."
        )
    if state == "none":
        gap_value = "No published figure found"
        per_head_value = "No published figure found"
        gap_sentence = (
            f"No published figure found. The book found no do-nothing gap "
            f"published for {name}'s plan, and it does not estimate one, so this "
            f"page has no chart of it: chapter 3 compares the {n_ranked} plans "
            "that published a usable figure."
        )
        rank_sentence = ""
    else:
        assert gap is not None  # gap_state gives a row with every state but "none"
        g = float(gap["gap_gbp_m"])
        scope = SCOPE[gap["scope"]]
        if gap["scope"] == "nhs_and_social_care" and pd.notna(gap["social_care_gbp_m"]):
            scope += f", of which {m(float(gap['social_care_gbp_m']))} for social care"
        version = VERSION[gap["plan_version"]]
        note = sentence(reader_note(gap["note"])) if pd.notna(gap["note"]) else ""
        credit = inputs.credit(gap["source_id"])
        head = float(gap["gap_per_head_gbp"])
        est = " (on this book's estimate of its population)" if gap["apportioned"] else ""
        if state == "usable":
            gap_value = f"{m(g)} a year by 2020/21"
            per_head_value = f"{per_head(head)} a head{est}"
            rank = int((ranked["gap_per_head_gbp"] > head).sum()) + 1
            gap_sentence = (
                f"{name}'s plan put the gap it would face by 2020/21 if nothing "
                f"changed at {m(g)} a year ({version}; {scope}), as reported by "
                f"{credit}. {note}"
            ).strip()
            rank_sentence = (
                f"That is {per_head(head)} for each of its {people} residents"
                f"{est}, the {ordinal(rank)} highest of the {n_ranked} plans "
                "with a usable published figure."
            )
        else:
            gap_value = f"{m(g)} a year, published but doubtful"
            per_head_value = "Not computed: the published figure is doubtful"
            gap_sentence = (
                f"A figure of {m(g)} a year was published for {name} "
                f"({version}; reported by {credit}), but this book treats it as "
                f"doubtful and leaves it out of the comparisons, the chart of "
                f"gaps per head and the stress test. {note}"
            ).strip()
            rank_sentence = ""
    gap_sentence = " ".join(s for s in (gap_sentence, ippr_sentence) if s)

    # The stress test (modelled), only on a usable published gap.
    v = {k: p.default for k, p in STRESS.items()}
    assumptions = (
        f"{pct(v['efficiency_delivered'], 0)} of planned efficiency delivered, "
        f"{pct(v['activity_reduction_achieved'], 0)} of planned activity cuts "
        f"achieved, {pct(v['activity_share'], 0)} of the savings planned from "
        "activity cuts and no extra money"
    )
    if summary is not None:
        assert gap is not None  # a summary is made only for a usable gap
        g = float(gap["gap_gbp_m"])
        stress_sentence = (
            f"With chapter 3's assumptions ({assumptions}), this book's model leaves a "
            f"median of {m(summary['q50'])} a year of the {m(g)} gap in 2020/21 "
            f"({pct(summary['q50'] / g, 0)} of it); 9 in 10 simulated plans leave between "
            f"{m(summary['q05'])} and {m(summary['q95'])}; {closed_words(summary['share_closed'])}"
            ". The model treats every "
            "plan alike, so the share left is the same for every footprint; what differs is "
            "its size in pounds."
        )
    elif state == "doubtful":
        stress_sentence = (
            "The book does not stress-test a figure it treats as doubtful: "
            "there is no reliable gap to start from."
        )
    else:
        stress_sentence = (
            "There is no published gap to stress-test, and the book does not "
            "invent one. Chapter 3 tests the plans that published a figure."
        )

    # Proposed changes.
    n_props = int((props["role"] == "proposal").sum()) if len(props) else 0
    n_listed = int((props["role"] == "contender_list").sum()) if len(props) else 0
    n_ideas = int((props["role"] == "discussed").sum()) if len(props) else 0
    if len(props) == 0:
        proposals_sentence = (
            f"The book's data holds no proposal to close or change a hospital or service in "
            f"{name}. That does not mean its plan proposed none: the book records the changes "
            "named in national reporting and local sources it found (the King's Fund's "
            "review, HSJ, the i's list of A&E departments at risk, local press and campaign "
            "pages), not every line of every plan."
        )
    else:
        parts = []
        if n_props:
            parts.append(
                f"{number(n_props)} change{'s' if n_props != 1 else ''} put forward "
                "for its hospitals or services"
            )
        if n_listed:
            parts.append(
                f"{number(n_listed)} entr{'ies' if n_listed != 1 else 'y'} on a "
                "national newspaper's list of A&E departments at risk (the i, 2017)"
            )
        if n_ideas:
            parts.append(
                f"{number(n_ideas)} idea{'s' if n_ideas != 1 else ''} discussed "
                "for the region in a source but not proposed in a plan (not counted "
                "among chapter 4's proposals)"
            )
        proposals_sentence = (
            f"For {name}, the book records {list_words(parts)}. The table "
            "gives each one's latest status as the sources found it; the "
            "dated milestones follow."
        )

    # Rating and successor.
    ratings = inputs.ratings.set_index("stp17cd")
    labels = inputs.bands.set_index("rating")["rating_label"]
    n_named = len(inputs.ratings)
    if code in ratings.index:
        rating = str(labels[ratings.loc[code, "rating"]])
        rating_sentence = (
            f"NHS England's first progress dashboard (21 July 2017) rated "
            f'{name} "{rating}", as reported by '
            f"{inputs.credit(ratings.loc[code, 'source_id'])}."
        )
    else:
        rating = RATING_NOT_FOUND
        rating_sentence = (
            f"NHS England's first progress dashboard (21 July 2017) rated all "
            f"44 footprints in four bands, but the book found no source that "
            f"names the rating of {name} (the sources name the ratings of "
            f"{n_named} of the 44). That is not a low rating: the rating "
            "was not found in the sources."
        )
    succ = inputs.successors.set_index("stp17cd").loc[code]
    successor = str(succ["successor_ics_name"])
    partners = inputs.successors[
        (inputs.successors["successor_ics_name"] == successor)
        & (inputs.successors["stp17cd"] != code)
    ]["stp17nm"].tolist()
    if partners:
        successor_sentence = (
            f"It joined {list_words(partners)} in one integrated care system, {successor}."
        )
    elif successor == name:
        successor_sentence = "It carried on as an integrated care system under its own name."
    else:
        successor_sentence = f"It became the {successor} integrated care system."
    if pd.notna(succ["note"]) and str(succ["note"]).strip():
        successor_sentence += " " + sentence(reader_note(succ["note"]))
    successor_sentence += f" (Source: {inputs.credit(succ['source_id'])}.)"

    n_las = las["code"].nunique()
    shared_words = (
        f", {number(len(shared))} of them shared with another footprint" if len(shared) else ""
    )
    return text(
        name=name,
        code=code,
        region=region,
        people=people,
        population_basis=basis,
        area=f"{float(row['area_km2']):,.0f} square km",
        density=f"{density:,.0f}",
        n_ccgs=str(len(ccgs)),
        n_las=str(n_las),
        summary=(
            f"{name} (ONS code {code}) was one of the 44 footprints of England's "
            f"Sustainability and Transformation Plans, in NHS England's {region} "
            f"region. This page gathers what the book knows about it: its size, the "
            f"financial gap its plan published, the changes it proposed to hospitals "
            f"and services and what became of them, and what it turned into."
        ),
        size_sentence=(
            f"{name} served {people} people in mid-2016 ({basis}) over "
            f"{float(row['area_km2']):,.0f} square km, about {density:,.0f} people "
            f"per square km. It brought together {len(ccgs)} clinical "
            f"commissioning group{_plural(len(ccgs))} (CCG{_plural(len(ccgs))}) and "
            f"covered all or part of {n_las} local authority "
            f"district{'s' if n_las != 1 else ''}{shared_words}."
        ),
        gap=gap_value,
        gap_per_head=per_head_value,
        gap_sentence=gap_sentence,
        rank_sentence=rank_sentence,
        stress_sentence=stress_sentence,
        stress_assumptions=assumptions,
        proposals_sentence=proposals_sentence,
        rating=rating,
        rating_sentence=rating_sentence,
        successor=successor,
        successor_sentence=successor_sentence,
        about=(
            f"This is one of 44 pages made the same way from the book's data, one for "
            f"each footprint; this one is for {name}, whose ONS code is {code}. The "
            "book's appendix on reproducibility explains how to make any of the pages "
            f"again from the book's source files, for {code} or another code. In a live "
            "copy of the book, sliders under the stress test change its assumptions and "
            "rerun the full model."
        ),
    )


def closed_words(share: float) -> str:
    """How many simulated plans close the whole gap, in words."""
    if share == 0:
        return "none of them closes the whole gap"
    if share < 0.01:
        return "fewer than 1 in 100 closes the whole gap"
    return f"{pct(share, 0)} of them close the whole gap"


# --- tables for readers ---------------------------------------------------------------------


def glance_table(results: Results) -> Table:
    """The footprint at a glance: each figure with its source, in two columns (item;
    value and source), so that it reads on a phone."""
    t, inputs, row = results.text, results.inputs, results.footprint
    ons = "ONS, April 2017 lookups"
    estimate = (
        "this book's estimate" if row["population_basis"] == "apportioned" else "ONS estimate"
    )
    # (item, value, where it comes from: "source: ..." or a note in words)
    rows = [
        ("ONS code", t.code, "source: Office for National Statistics (ONS), April 2017 lookups"),
        ("NHS England region (2017)", t.region, f"source: {ons}"),
        (
            "People, mid-2016",
            f"{t.people}, {estimate}",
            "source: ONS, mid-2016 population estimates, 2017",
        ),
        ("Land area", t.area, "source: ONS, STP boundaries, February 2017"),
        ("Clinical commissioning groups", t.n_ccgs, f"source: {ons}"),
        ("Local authority districts (all or part)", t.n_las, f"source: {ons}"),
        (
            "Published do-nothing gap",
            t.gap,
            f"source: {inputs.credit(results.gap['source_id'])}"
            if results.gap is not None
            else "searched for in plans, local press and campaign pages",
        ),
        (
            "Gap per head",
            t.gap_per_head,
            "computed by this book from the published gap and the population"
            if results.state == "usable"
            else "",
        ),
    ]
    for _, cap in inputs.capital[inputs.capital["stp17cd"] == results.code].iterrows():
        scope = "digital projects only; " if cap["scope"] == "digital_only" else ""
        rows.append(
            (
                "Capital the plan asked for",
                f"{m(float(cap['capital_gbp_m']))} "
                f"({scope}not comparable with a yearly revenue gap)",
                f"source: {inputs.credit(cap['source_id'])}",
            )
        )
    ratings = inputs.ratings.set_index("stp17cd")
    succ = inputs.successors.set_index("stp17cd").loc[results.code]
    succ_key = (
        succ["source_id"] if succ["successor_ics_name"] != succ["stp17nm"] else ALL_SYSTEMS_SOURCE
    )
    rows += [
        (
            "Progress rating, July 2017",
            t.rating,
            f"source: {inputs.credit(ratings.loc[results.code, 'source_id'])}"
            if results.code in ratings.index
            else "NHS England rated all 44; no source the book found names this one's band",
        ),
        ("Integrated care system (2021)", t.successor, f"source: {inputs.credit(succ_key)}"),
    ]
    frame = pd.DataFrame(
        {"what": [r[0] for r in rows], "value": [f"{v} ({w})" if w else str(v) for _, v, w in rows]}
    )
    return table(
        frame,
        f"{results.name} at a glance",
        {"what": "Item", "value": "Value (and where it comes from)"},
    )


def areas_table(results: Results) -> Table:
    """The CCGs and local authority districts, one a row; a district shared with another
    footprint says where the rest of it is. Two columns: it has to fit a phone."""
    frame = results.areas.copy()
    frame["kind"] = np.where(
        frame["area_type"] == "ccg", "Clinical commissioning group", "Local authority district"
    )
    frame["label"] = [
        f"{n} (part: the rest is in {s})" if s else n
        for n, s in zip(frame["name"], frame["shared_with"], strict=True)
    ]
    frame = frame.sort_values(["area_type", "name"]).reset_index(drop=True)
    return table(
        frame,
        f"The {len(frame)} areas {results.name} brought together (April 2017)",
        {"label": "Name", "kind": "Kind"},
        note="Source: Office for National Statistics, CCG to STP and small area "
        "lookups (April 2017).",
    )


def proposals_table(results: Results) -> Table | None:
    """Each proposed change and where it stood at the latest source found (None if the
    book holds none for this footprint)."""
    if results.proposals.empty:
        return None
    frame = results.proposals.copy()
    frame["proposal"] = [f"{w} ({h})" for w, h in zip(frame["what"], frame["how"], strict=True)]
    frame["result"] = [
        f"{lt}. {o}" if o else lt for lt, o in zip(frame["latest"], frame["outcome"], strict=True)
    ]
    keys = list(dict.fromkeys(k for ks in frame["sources"] for k in ks))
    return table(
        frame,
        f"Changes proposed (or discussed) for {results.name}, and what became of them",
        {"proposal": "Proposed or discussed in 2016-17", "result": "Latest status (year)"},
        note="Sources: " + "; ".join(results.inputs.credit(k) for k in keys) + ".",
    )


def milestones_table(results: Results) -> Table | None:
    """The dated milestones of the proposals, oldest first, each with its source."""
    if results.milestones.empty:
        return None
    frame = results.milestones.copy()
    many = frame["proposal_id"].nunique() > 1
    frame["event"] = [
        (f"{s} ({p}): {w}" if many and p else f"{s}: {w}") + f" ({src})"
        for s, p, w, src in zip(
            frame["stage_words"], frame["place"], frame["what_words"], frame["source"], strict=True
        )
    ]
    return table(
        frame,
        "Milestones, oldest first (dates as precise as the sources give them)",
        {"when": "When", "event": "What happened (source)"},
    )


def stress_assumptions_table(results: Results) -> Table | None:
    """The stress test's assumptions (chapter 3's defaults), in words (None without a
    usable published gap: no test is run)."""
    if results.state != "usable":
        return None
    rows = [(p.title, p.display(p.default), sentence(p.note)) for p in STRESS.values()]
    frame = pd.DataFrame(rows, columns=["what", "value", "why"])
    return table(
        frame,
        "The stress test's assumptions (chapter 3's defaults; move the first "
        "three with the sliders under the chart)",
        {"what": "Assumption", "value": "Value", "why": "Why this value"},
        note=f"{count(DRAWS)} simulated plans; delivery varies by up to "
        f"{pct(stress.DELIVERY_SPREAD, 0)} either way around the rates shown.",
    )


def plan_links(results: Results) -> Links:
    return Links(
        f"Pages behind {results.name}'s figures",
        source_links(results.inputs, results.code),
        empty="The book holds no web page about this footprint's plan: its figures "
        "above come from national lookups and national sources.",
    )


def chapter_links(results: Results) -> Links:
    return Links(
        f"Where the book discusses {results.name}", section_links(results.inputs, results.code)
    )


# --- charts ---------------------------------------------------------------------------------


def locator_map(results: Results) -> alt.LayerChart | alt.FacetChart:
    row = results.footprint
    return charts.locator_map(
        charts.simplify(results.inputs.boundaries),
        results.code,
        results.name,
        (float(row["centroid_long"]), float(row["centroid_lat"])),
        str(row["nhser17nm"]),
        ring=float(row["area_km2"]) < RING_KM2,
    )


def per_head_chart(results: Results) -> alt.LayerChart | alt.FacetChart | None:
    """The published gaps per head, ranked, with this footprint highlighted; None for a
    footprint without a usable published gap (the prose says so; chapter 3 has the
    ranking)."""
    if results.state != "usable":
        return None
    return charts.per_head_chart(results.ranked, results.code, results.name, True)


def stress_chart(
    results: Results, sliders: bool = True, values: dict[str, float] | None = None
) -> alt.LayerChart | alt.FacetChart | None:
    """The stress test of this plan (static sliders), or None when there is no usable
    published gap to test (the prose says so)."""
    if results.state != "usable":
        return None
    values = values or {k: p.default for k, p in STRESS.items()}
    assert results.gap is not None  # a usable state always has its gap row
    return charts.stress_chart(
        grid(results.inputs, values["activity_share"]),
        float(results.gap["gap_gbp_m"]),
        results.name,
        STRESS,
        values,
        sliders=sliders,
    )


class _Note:
    """A sentence shown in place of a chart that cannot be drawn."""

    def __init__(self, words: str):
        self.words = words

    def _repr_html_(self) -> str:
        import html

        return f'<p class="stp-note"><em>{html.escape(self.words)}</em></p>'

    def __repr__(self) -> str:
        return self.words


# --- the live panel -------------------------------------------------------------------------


def live(inputs: Inputs, stp17cd: str) -> Callable[..., tuple[Any, Any]]:
    """The live panel's function: stress-test assumptions in, the headline numbers and the
    chart (without sliders) out."""
    results = compute(inputs, stp17cd)

    def redraw(**values: float) -> tuple[Any, Any]:
        if results.state != "usable":
            return headline_box({"Stress test": "no usable published gap"}), _Note(
                results.text.stress_sentence
            )
        assert results.gap is not None  # a usable state always has its gap row
        g = float(results.gap["gap_gbp_m"])
        s = stress_summary(inputs, g, values)
        numbers = {
            "Published gap": m(g) + " a year",
            "Median gap left (modelled)": m(s["q50"]) + " a year",
            "9 in 10 simulated plans": f"{m(s['q05'])} to {m(s['q95'])}",
            "Simulated plans that close the whole gap": pct(s["share_closed"], 0),
        }
        return headline_box(numbers), stress_chart(results, sliders=False, values=values)

    return redraw


def panel(results: Results) -> Any:
    """Sliders over the stress test's assumptions, redrawing the chart with the full model
    (a one-line note when the pipeline runs the page)."""
    from ..widgets import BatchNote, control, control_value

    redraw = live(results.inputs, results.code)
    start = {k: p.default for k, p in STRESS.items()}
    if results.state != "usable":
        return _Note(results.text.stress_sentence)  # nothing to move
    if batch():
        redraw(**start)  # a broken panel still fails the build
        return BatchNote(NOTEBOOK, list(STRESS))
    import ipywidgets as w

    inputs_ = {k: control(p, start[k]) for k, p in STRESS.items()}
    output = w.Output()

    def update(_: Any = None) -> None:
        values = {k: control_value(STRESS[k], c) for k, c in inputs_.items()}
        output.outputs = ()
        for item in redraw(**values):
            output.append_display_data(item)

    for c in inputs_.values():
        c.observe(update, names="value")
    update()
    box = w.VBox([w.HTML("<b>Change the stress test's assumptions</b>"), *inputs_.values(), output])
    box.inputs, box.output = inputs_, output
    return box
