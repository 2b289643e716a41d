"""Chapter 4's recipe module (stpbook.chapters.reconfigurations): the proposals counted
once each, their outcomes counted from the data, milestones in order, the appraisal's
browser formulas against the Python model, and the notebook's prose and labels."""

from __future__ import annotations

import math
import re

import nbformat
import pandas as pd
import pytest

from stpbook import data, parameters
from stpbook.chapters import reconfigurations as ch
from stpbook.charts import reconfigurations as charts
from stpbook.models import reconfiguration as rc

from conftest import ROOT

DEFAULTS = {
    "annual_saving_gbp_m": 25.0,
    "capital_cost_gbp_m": 250.0,
    "dual_running_years": 3,
    "transition_cost_gbp_m": 10.0,
    "discount_rate": 0.035,
    "horizon_years": 20,
}


@pytest.fixture(scope="module")
def inputs():
    return ch.inputs()


@pytest.fixture(scope="module")
def book(inputs):
    return ch.compute(inputs, **DEFAULTS)


# --------------------------------------------------------------------------- counting


def test_proposals_are_counted_once_each(book):
    items = data.load("reconfigurations")
    assert len(items) == 31 and items["stp17cd"].nunique() == 20  # entries, not proposals
    expected = set(items.loc[items["role"] == "proposal", "proposal_id"])
    assert set(book.proposals["proposal_id"]) == expected
    assert len(book.proposals) == 21 and book.proposals["proposal_id"].is_unique
    assert book.proposals["stp17cd"].nunique() == 16
    t = book.text
    assert (t.rows, t.rows_footprints, t.proposals, t.footprints) == ("31", "20", "21", "16")
    assert (t.options, t.duplicates, t.contender_rows, t.idea_rows) == ("1", "1", "6", "2")
    # Every entry is accounted for: proposals, options, duplicates, contender listings and
    # the entries of ideas discussed but not proposed.
    assert len(items) == 21 + 1 + 1 + 6 + 2


def test_an_idea_discussed_is_not_a_proposal(book):
    # The North East's primary care hubs: a meeting note's idea, not a plan's proposal
    # (data role "discussed"), followed apart from the 21, as the profiles describe it.
    items = data.load("reconfigurations")
    hubs = items[items["proposal_id"] == "ne_primary_care_hubs"]
    assert set(hubs["role"]) == {"discussed", "duplicate"} and set(hubs["status"]) == {"discussed"}
    assert list(book.ideas["proposal_id"]) == ["ne_primary_care_hubs"]
    assert "ne_primary_care_hubs" not in set(book.proposals["proposal_id"])
    assert book.text.ideas == "1"
    assert "discussed, not proposed" in " ".join(ch.contenders_table(book).frame.iloc[:, 0])


def test_contender_lists_are_not_proposals(book):
    assert set(book.contenders["proposal_id"]) == {
        "cw_george_eliot_ae",
        "mse_acute_reconfiguration",
        "mkbl_ae_review",
    }
    assert not set(book.contenders["proposal_id"]) & set(book.proposals["proposal_id"])
    assert (book.text.contender_only, book.text.contender_with_proposal) == ("3", "3")


def test_ae_proposals(book):
    p = book.proposals.set_index("proposal_id")
    lead = set(p.index[p["lead_is_ae"]])
    assert lead == {
        "ddthrw_specialist_emergency_hospitals",
        "dorset_poole_ae_downgrade",
        "staffs_ae_three_to_two",
        "cht_huddersfield_ae",
        "midyorks_dewsbury_ae",
        "nel_king_george_ae",
        "hw_alexandra_ae",
    }
    # Broader reorganisations that would also take a full A&E from a hospital (the prose
    # names these three).
    assert set(p.index[p["closes_any_ae"]]) - lead == {
        "swl_acute_reconfiguration",
        "nwl_shaping_a_healthier_future",
        "bc_midland_metropolitan",
    }
    assert (book.text.ae_lead, book.text.ae_broader, book.text.ae_all) == ("7", "3", "10")
    # The Horton's A&E appears only on a contender list, so it is not an A&E proposal.
    assert not p.loc["bob_horton_downgrade", "closes_any_ae"]


def test_bed_cuts_with_a_stated_size(book):
    # 243 + 38 + 240 + 200 + 400 + 300 + 110 + 590 (the plans' figures).
    assert book.text.beds_cut == "2,121"


# --------------------------------------------------------------------------- outcomes


def test_status_counts_are_computed_from_the_data(book):
    status = data.load("proposal_status").set_index("proposal_id")
    by_hand = status.loc[book.proposals["proposal_id"], "status_latest"].value_counts()
    counts = ch.status_counts(book.proposals)
    assert counts.sum() == len(book.proposals) == 21
    for key, n in counts.items():
        assert n == by_hand.get(key, 0)
    t = book.text
    assert [t.implemented, t.decided_not_built, t.stalled, t.dropped, t.no_decision] == [
        str(counts[k]) for k in ch.STATUS_LABELS
    ]
    assert status.loc["ne_primary_care_hubs", "status_latest"] == "no_decision_found"


def test_every_proposal_and_listing_has_an_outcome(inputs):
    items = data.load("reconfigurations")
    milestones = data.load("reconfiguration_outcomes")
    status = data.load("proposal_status")
    ids = set(items["proposal_id"])
    assert ids == set(status["proposal_id"]) == set(milestones["proposal_id"])
    for pid, rows in milestones.groupby("proposal_id"):
        if status.set_index("proposal_id").loc[pid, "status_latest"] == "no_decision_found":
            assert "not_found" in set(rows["stage"]), pid
        if status.set_index("proposal_id").loc[pid, "status_latest"] == "dropped":
            assert "dropped" in set(rows["stage"]), pid


def test_milestones_are_in_order(inputs):
    assert ch.out_of_order(inputs.milestones) == []
    # Each proposal's first decision is no earlier than its first consultation, stage by
    # stage; the check finds a swapped pair and a build after a drop.
    swapped = inputs.milestones.copy()
    rows = swapped.index[swapped["proposal_id"] == "llr_acute_two_sites"][:2]
    swapped.loc[rows, ["date", "date_precision"]] = swapped.loc[
        rows[::-1], ["date", "date_precision"]
    ].to_numpy()
    assert any("llr_acute_two_sites" in p for p in ch.out_of_order(swapped))
    built = pd.DataFrame(
        [
            {
                "proposal_id": "x",
                "stage": "dropped",
                "date": pd.Timestamp("2018-01-01"),
                "date_precision": "day",
            },
            {
                "proposal_id": "x",
                "stage": "implemented",
                "date": pd.Timestamp("2019-01-01"),
                "date_precision": "day",
            },
        ]
    )
    assert ch.out_of_order(built) == ["x: carried out after it was dropped"]


def test_dates_for_readers_and_intervals():
    d = pd.Timestamp("2020-07-03")
    assert ch.when(d, "day") == "3 July 2020" and ch.when(d, "day", short=True) == "3 Jul 2020"
    assert ch.when(pd.Timestamp("2018-01-01"), "year") == "2018"
    start, end = ch.interval(pd.Timestamp("2018-01-01"), "month")
    assert end == pd.Timestamp("2018-02-01") and start < end


def test_timeline_rows_and_marks(inputs, book):
    rows, marks = ch.timeline(inputs, book.proposals, book.contenders, book.ideas)
    headers = rows[rows["header"]]
    assert len(rows) - len(headers) == 21 + 3 + 1
    assert f"{ch.DISCUSSED_HEADER} (1)" in set(headers["text"])
    counts = ch.status_counts(book.proposals)
    for key, label in ch.STATUS_LABELS.items():
        assert f"{label} ({counts[key]})" in set(headers["text"])
    assert "not_found" not in set(marks["stage"])  # searches are not events
    assert set(marks["stage"]) <= set(charts.STAGES)
    assert not marks["source"].str.contains("_").any()  # sources by name, never by key
    # A "carried out" milestone of a proposal not carried out in the end is drawn as
    # carried out in part (a hollow star): Dorset's new A&E with Poole's still open, and
    # north west London's two A&Es closed before the rest was dropped.
    partial = set(marks.loc[marks["stage"] == ch.PARTIAL, "proposal"])
    assert partial == {
        "Dorset: Poole's A&E moved to Bournemouth",
        "North West London: nine major hospitals to five",
    }
    done = set(book.proposals.loc[book.proposals["status_latest"] == "implemented", "place"])
    stars = marks[marks["stage"] == "implemented"]["proposal"]
    assert all(any(p.startswith(f"{d}:") for d in done) for p in stars)


def test_referrals_and_irp(inputs, book):
    assert set(ch.referrals(inputs).index) == {
        "bob_horton_downgrade",
        "cht_huddersfield_ae",
        "dorset_poole_ae_downgrade",
        "nwl_shaping_a_healthier_future",
        "swl_acute_reconfiguration",
    }
    t = book.text
    # One definition of a referral for the book (chapter 5 counts the same 6): 5 on the
    # proposals and West Cumberland's maternity unit, 2013-2020.
    assert (t.referred, t.referred_proposals, t.referred_other) == ("6", "5", "1")
    assert (t.referral_first, t.referral_last, t.irp) == ("2013", "2020", "5")


def test_referrals_are_defined_as_chapter_5_defines_them(inputs):
    from stpbook.chapters import critiques

    events = inputs.politics
    mine = ch.council_referrals(events)
    theirs = critiques.referral_rows(events)
    pd.testing.assert_frame_equal(mine, theirs)
    assert ch.REFERRAL.pattern == critiques._REFERRAL.pattern
    assert ch.DECIDERS.pattern == critiques._DECIDERS.pattern
    # A promise to refer, a meeting or the Health Secretary's own request is not a referral.
    assert not mine["event"].str.startswith("Said").any()
    assert not mine["actor"].str.contains("Health Secretary").any()


def test_no_wikipedia_sources():
    for name in (
        "reconfigurations",
        "reconfiguration_outcomes",
        "proposal_status",
        "political_events",
    ):
        assert not data.load(name)["source_id"].str.contains("wikipedia").any(), name


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize(
    "name", ["proposals_table", "outcomes_table", "politics_table", "contenders_table"]
)
def test_tables_are_for_people(book, name):
    t = getattr(ch, name)(book)
    assert len(t.frame.columns) <= 3  # readable at 375 px
    assert all("_" not in c for c in t.frame.columns)
    html = t.html()
    assert "<caption>" in html
    assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b", html), "a key or code name in a table"


def test_proposals_table_has_one_row_per_proposal(book):
    assert len(ch.proposals_table(book).frame) == 21


# --------------------------------------------------------------------------- appraisal


def _texts(spec: dict) -> list:
    import vl_convert as vlc

    found: list = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("marktype") == "text":
                found.extend(item.get("text") for item in node.get("items", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(vlc.vegalite_to_scenegraph(spec))
    return found


CASES = [
    DEFAULTS,
    {**DEFAULTS, "discount_rate": 0.0},
    {**DEFAULTS, "dual_running_years": 0, "transition_cost_gbp_m": 0.0},
    {**DEFAULTS, "annual_saving_gbp_m": 5.0, "horizon_years": 10},  # never pays back
    {**DEFAULTS, "capital_cost_gbp_m": 0.0, "dual_running_years": 0},  # at once
    {**DEFAULTS, "dual_running_years": 10, "discount_rate": 0.1, "horizon_years": 40},
]


@pytest.mark.parametrize("values", CASES)
def test_browser_cumulative_matches_the_model(values):
    import altair as alt

    years = pd.DataFrame({"year": range(values["horizon_years"] + 1)})
    chart = (
        alt.Chart(years)
        .transform_calculate(cum=charts.CUMULATIVE_EXPR)
        .transform_calculate(label="datum.year + ':' + format(datum.cum, '.6f')")
        .mark_text()
        .encode(text="label:N", y="year:O")
        .add_params(*[alt.param(name=n, value=values[n]) for n in charts.APPRAISAL_PARAMS])
    )
    got = dict(t.split(":") for t in _texts(chart.to_dict()) if isinstance(t, str) and ":" in t)
    assert len(got) == values["horizon_years"] + 1
    for year, value in got.items():
        expected = rc.cumulative_discounted(
            int(year),
            values["annual_saving_gbp_m"],
            values["capital_cost_gbp_m"],
            values["dual_running_years"],
            values["transition_cost_gbp_m"],
            values["discount_rate"],
        )
        assert float(value.replace("\u2212", "-")) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("values", CASES)
def test_browser_title_and_payback_match_the_model(values):
    declared = parameters.declared(ch.NOTEBOOK)
    texts = _texts(charts.payback_chart(declared, values, sliders=False).to_dict())
    args = [values[n] for n in charts.APPRAISAL_PARAMS]
    year = rc.payback_year(*args)
    note = (
        f"Never pays back within {values['horizon_years']} years"
        if year is None
        else f"Pays back in year {year}"
    )
    assert note in texts
    npv = rc.npv(*args)
    title = next(t for t in texts if isinstance(t, list) and t[0].startswith("Over "))
    assert title[1] == ("-" if npv < 0 else "") + f"£{abs(npv):,.1f}m"


def test_headline(inputs, book):
    head = ch.headline(book)
    assert list(head) == [
        "Net present value of the consolidation (GBP m)",
        "Discounted payback (years)",
    ]
    assert head["Net present value of the consolidation (GBP m)"] == pytest.approx(
        rc.npv(25, 250, 3, 10, 0.035, 20)
    )
    assert head["Discounted payback (years)"] == rc.payback_year(25, 250, 3, 10, 0.035, 20)
    never = ch.headline(ch.compute(inputs, **{**DEFAULTS, "annual_saving_gbp_m": 0.0}))
    assert math.isnan(never["Discounted payback (years)"])


def test_capital_comparison(book):
    assert book.text.ratio == "29"  # GBP 9.53bn against GBP 325m (BMA; Spring Budget 2017)
    assert book.text.capital_share_spring == "77%"  # GBP 250m of GBP 325m


def test_charts_build_and_fit_the_column(book):
    for chart in (
        ch.proposals_chart(book),
        ch.outcomes_chart(book),
        ch.payback_chart(book),
        ch.capital_chart(book),
    ):
        spec = chart.to_dict()
        assert spec["width"] == "container"
        assert "hconcat" not in spec
        meta = spec["usermeta"]
        assert meta["alt"] and meta["source"]
        assert ".csv" not in meta["source"] and "stpbook" not in meta["source"]


def test_live_panel_redraws(inputs):
    box, chart = ch.live(inputs)(**DEFAULTS)
    assert "£7.3m" in box.data
    assert chart.to_dict()["width"] == 560


# --------------------------------------------------------------------------- notebook


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(ROOT / "chapters" / f"{ch.NOTEBOOK}.ipynb", as_version=4)


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_every_section_has_a_label(notebook):
    lines = _markdown(notebook).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("## "):
            assert re.fullmatch(r"\(ch4-[a-z-]+\)=", lines[i - 1]), line


def test_prose_numbers_come_from_the_recipe(notebook, book):
    for expr in re.findall(r"\{eval\}`n\.([a-z_]+)`", _markdown(notebook)):
        assert hasattr(book.text, expr), expr
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "glue" not in code and "myst_nb" not in code and "pandas" not in code


def test_citations_resolve(notebook):
    keys = data.bib_keys()
    for group in re.findall(r"\{cite\}`([^`]+)`", _markdown(notebook)):
        for key in group.split(","):
            assert key.strip() in keys, key
    assert "hmt_green_book_2020" in _markdown(notebook)
    assert "{cite}`hmt_green_book`" not in _markdown(notebook)


def test_register_points_are_credited(notebook):
    points = data.load("article_points")
    mine = points[points["chapter"] == ch.NOTEBOOK]
    assert len(mine) == 21
    text = _markdown(notebook)
    for credit in set(mine["credit"]):
        assert credit in text, credit


def test_no_internal_words(notebook):
    text = _markdown(notebook).lower()
    for word in ("seed", "stored copy", "corpus", ".csv", "stpbook."):
        assert word not in text, word


def _drawn_width(chart, width: int) -> int:
    """The width Vega draws a container-wide chart at when its column is ``width`` px:
    more than the column means the browser would shrink the whole chart."""
    import json
    import struct

    import vl_convert as vlc

    spec = chart.to_dict()
    spec["width"] = width
    # What Vega-Lite does for a container-wide chart: fit axes and legends in the width.
    spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    png = vlc.vegalite_to_png(json.dumps(spec), scale=1)
    return struct.unpack(">I", png[16:20])[0]  # the PNG header's width


def test_charts_are_readable_on_a_phone_and_at_1280(book):
    for chart in (
        ch.proposals_chart(book),
        ch.outcomes_chart(book),
        ch.payback_chart(book),
        ch.capital_chart(book),
    ):
        spec = chart.to_dict()
        assert spec["config"]["axis"]["labelFontSize"] >= 11
        assert spec["config"]["legend"]["labelFontSize"] >= 11
        for layer in spec.get("layer", []):
            size = (
                layer.get("mark", {}).get("fontSize")
                if isinstance(layer.get("mark"), dict)
                else None
            )
            assert size is None or size >= 11, layer["mark"]
        # Nothing (legend, title, labels) wider than a phone's column: no shrinking.
        assert _drawn_width(chart, 320) <= 320 + 12


def test_outcome_labels_sit_clear_of_the_marks():
    # Labels end LABEL_GAP px above their row; the largest mark (a star of size 170) has a
    # radius under that, so the two never touch.
    assert charts.LABEL_GAP >= math.sqrt(170 / math.pi) + 2
    assert charts.ROW_PX - charts.LABEL_GAP - charts.LABEL_FONT >= math.sqrt(170 / math.pi)
    assert charts.LABEL_FONT >= 11


def test_capital_agrees_with_chapters_3_and_6(book):
    # GBP 2.9bn badged in the two 2017 Budgets, about GBP 2.3bn allocated by 2019 against
    # more than GBP 8.7bn bid for (HSJ, 2019): chapter 6's predictions table says the same.
    from stpbook.chapters import what_came_next

    t = book.text
    assert (t.capital_pot, t.capital_allocated, t.capital_requested) == (
        "£2.9bn",
        "£2.3bn",
        "£8.7bn",
    )
    six = what_came_next.compute(what_came_next.inputs(), "all", 2012)
    capital = " ".join(what_came_next.predictions(six)["outcome"])
    assert f"about {t.capital_allocated} had been allocated" in capital
    assert f"more than {t.capital_requested} of bids" in capital
    assert f"{t.capital_pot} badged" in capital
    amounts = ch.capital_amounts(book).set_index("label")["gbp_m"]
    assert amounts["Allocated by 2019"] == 2300 and amounts["Bid for by trusts, 2017-2019"] == 8700


def test_derbyshire_bed_cut_is_explained():
    status = data.load("proposal_status").set_index("proposal_id")
    line = status.loc["derbyshire_bed_reduction", "one_line"]
    assert "535" in line and "400 of them acute" in line
