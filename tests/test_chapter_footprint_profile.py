"""The footprint profiles (one notebook run once per footprint) and their index page:
fast checks of the recipe modules, no notebook executed.

The declared choices are the 44 codes; every footprint's profile computes; a footprint with
no published gap says so and never shows a zero; the stress chart's browser formulas agree
with the model; the index covers the 44 and its search finds every CCG and district's
footprint."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from stpbook import parameters
from stpbook.chapters import footprint_index as index
from stpbook.chapters import footprint_profile as ch
from stpbook.charts import footprint_profile as charts
from stpbook.models import stress

from conftest import LAYOUT, ROOT

vlc = pytest.importorskip("vl_convert")

NOTEBOOK = ROOT / "chapters" / "footprint_profile.ipynb"


@pytest.fixture(scope="module")
def inputs():
    return ch.inputs(LAYOUT)


@pytest.fixture(scope="module")
def codes(inputs) -> list[str]:
    return list(inputs.footprints["stp17cd"])


@pytest.fixture(scope="module")
def profiles(inputs, codes) -> dict[str, ch.Results]:
    return {code: ch.compute(inputs, code) for code in codes}


@pytest.fixture(scope="module")
def book_index():
    return index.compute(index.inputs(LAYOUT), sort_by="name")


# --- the parameter and the pipeline's settings ---------------------------------------------


def test_the_declared_choices_are_the_44_codes(codes):
    param = parameters.declared(NOTEBOOK, LAYOUT)["stp17cd"]
    assert list(param.choices) == codes and len(codes) == 44
    assert param.type == "str" and param.default in codes and param.label == "Footprint"
    assert list(parameters.declared(NOTEBOOK, LAYOUT)) == ["stp17cd"]


def test_an_unknown_code_is_refused_naming_the_nearest(codes):
    param = parameters.declared(NOTEBOOK, LAYOUT)["stp17cd"]
    with pytest.raises(Exception, match="nearest valid ones are E54000027"):
        parameters.check_value(param, "E5400027")


def test_the_book_runs_the_profile_once_per_footprint(codes):
    from stpbook.pipeline import profiles

    found = profiles.settings(LAYOUT)
    assert found is not None and found.notebook == NOTEBOOK
    assert [row[found.key] for row in found.rows] == codes
    assert Path(found.under).stem == index.NOTEBOOK


def test_the_notebook_is_thin_and_titled_by_the_footprint():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.cells[0].source.startswith("# {eval}`n.name`")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(len(c.source.splitlines()) <= 15 for c in code)
    # No MyST labels: the notebook is built 44 times into one book, and labels must be
    # unique across the book.
    assert not any(
        re.search(r"^\(.+\)=$", c.source, re.M) for c in nb.cells if c.cell_type == "markdown"
    )


# --- every footprint --------------------------------------------------------------------------


def test_every_footprint_computes_and_names_itself(profiles, inputs):
    names = inputs.footprints.set_index("stp17cd")["stp17nm"]
    for code, r in profiles.items():
        assert r.text.name == names[code] and r.code == code
        assert code in r.text.summary and names[code] in r.text.summary
        for key, value in vars(r.text).items():
            assert isinstance(value, str), (code, key)
            assert "GBP" not in value and "nan" not in value.split(), (code, key, value)
        assert int(r.text.n_ccgs) == int(inputs.footprint(code)["n_ccgs"])
        glance = ch.glance_table(r).frame
        # Two columns (it must read on a phone); the source goes with its value.
        assert list(glance.columns) == ["Item", "Value (and where it comes from)"]
        assert "(source: Office for National Statistics" in glance.iloc[0, 1]
        # About this page names this page's own code, in words for readers.
        assert code in r.text.about and names[code] in r.text.about
        assert not re.search(r"stp17cd|notebook|JupyterLab|stpbook|-p ", r.text.about)


def test_a_footprint_without_a_published_gap_says_so_and_never_shows_zero(profiles):
    none = [r for r in profiles.values() if r.state == "none"]
    assert len(none) == 25  # 44 footprints, 19 with a headline figure
    for r in none:
        assert r.text.gap == "No published figure found"
        assert r.text.gap_sentence.startswith("No published figure found.")
        assert r.stress is None and ch.stress_chart(r) is None
        assert ch.stress_assumptions_table(r) is None
        assert "does not invent one" in r.text.stress_sentence
        values = " ".join(ch.glance_table(r).frame.iloc[:, 1])
        assert not re.search(r"£0m|£0\b|\b0 a head", values), values
        # No chart of the other plans' gaps on a page without one: the prose says why.
        assert ch.per_head_chart(r) is None
        assert "no chart" in r.text.gap_sentence


def test_a_doubtful_gap_is_shown_as_doubtful_and_not_tested(profiles):
    doubtful = {c: r for c, r in profiles.items() if r.state == "doubtful"}
    assert set(doubtful) == {"E54000010", "E54000035"}  # Staffordshire, Surrey Heartlands
    for r in doubtful.values():
        assert "doubtful" in r.text.gap and "doubtful" in r.text.gap_sentence
        assert r.stress is None and r.code not in set(r.ranked["stp17cd"])
    assert "IPPR" in doubtful["E54000035"].text.gap_sentence  # highest per head, £768.50
    assert "£768.50" in doubtful["E54000035"].text.gap_sentence


def test_a_usable_gap_is_ranked_per_head_and_stress_tested(profiles, inputs):
    r = profiles["E54000028"]  # North Central London: GBP 876m, NHS only (King's Fund)
    assert r.state == "usable" and r.text.gap == "£876m a year by 2020/21"
    people = float(inputs.footprint("E54000028")["population_mid2016"])
    assert r.text.gap_per_head == f"£{876e6 / people:,.0f} a head"
    ranked = r.ranked.sort_values("gap_per_head_gbp", ascending=False)
    rank = list(ranked["stp17cd"]).index("E54000028") + 1
    assert f"the {ch.ordinal(rank)} highest of the 17 plans" in r.text.rank_sentence
    direct = stress.summarise(
        stress.simulate(876.0, inputs.programme, 0.5, 0.25, 0.0, 0.3, ch.DRAWS, ch.SEED), 876.0
    )
    assert r.stress["q50"] == pytest.approx(direct["q50"])
    assert ch.m(direct["q50"]) in r.text.stress_sentence


def test_the_stress_defaults_are_chapter_3s():
    declared = parameters.declared(ROOT / "chapters" / "03_plans_and_money.ipynb", LAYOUT)
    for name, param in ch.STRESS.items():
        assert declared[name].default == param.default, name
        assert (declared[name].minimum, declared[name].maximum, declared[name].step) == (
            param.minimum,
            param.maximum,
            param.step,
        ), name
    start = next(declared[n] for n in ("random_state", "seed") if n in declared)
    assert (declared["draws"].default, start.default) == (ch.DRAWS, ch.SEED)


def test_proposals_and_milestones(profiles, inputs):
    swl = profiles["E54000031"]
    assert list(swl.proposals["proposal_id"]) == ["swl_acute_reconfiguration"]
    assert swl.proposals["latest"].iloc[0].startswith("Decided, not yet carried out")
    # Chapter 4's words for statuses and milestones, and its partly-carried-out star.
    from stpbook.chapters import reconfigurations

    assert set(ch.LATEST.values()) == set(reconfigurations.SHORT_STATUS.values())
    dorset = profiles["E54000041"].milestones
    assert "Carried out in part" in set(dorset["stage_words"])
    assert list(swl.milestones["date"]) == sorted(swl.milestones["date"])
    assert "not_found" not in set(swl.milestones["stage"])
    # An idea entered once for the North East (a 'duplicate' row elsewhere) still shows
    # on both footprints' pages, as chapter 4 describes it: discussed, not proposed.
    for code in ("E54000045", "E54000046"):
        props = profiles[code].proposals.set_index("proposal_id")
        assert "ne_primary_care_hubs" in props.index
        assert props.loc["ne_primary_care_hubs", "how"].startswith("discussed")
    assert "idea discussed" in profiles["E54000046"].text.proposals_sentence
    assert "change put forward" not in profiles["E54000046"].text.proposals_sentence
    with_rows = set(inputs.reconfigurations["stp17cd"])
    for code, r in profiles.items():
        assert (len(r.proposals) > 0) == (code in with_rows)
        if not len(r.proposals):
            assert ch.proposals_table(r) is None
            assert "holds no proposal" in r.text.proposals_sentence


def test_ratings_and_successors(profiles, inputs):
    rated = set(inputs.ratings["stp17cd"])
    for code, r in profiles.items():
        assert (r.text.rating == "Not found in the sources") == (code not in rated)
        if code not in rated:
            assert "rated all 44" in r.text.rating_sentence
            assert "not published" not in r.text.rating_sentence
        assert (
            r.text.successor
            == inputs.successors.set_index("stp17cd").loc[code, "successor_ics_name"]
        )
        assert "(Source: " in r.text.successor_sentence
    assert profiles["E54000041"].text.rating == "Outstanding"  # Dorset (Public Finance)
    assert "joined" in profiles["E54000047"].text.successor_sentence  # into NENC


def test_areas_come_from_the_ons_lookups(profiles, inputs):
    for code, r in profiles.items():
        ccgs = set(r.areas.loc[r.areas["area_type"] == "ccg", "code"])
        assert ccgs == set(inputs.footprint(code)["ccg17_codes"].split(";")), code
    durham = profiles["E54000045"].areas.set_index("name")
    assert (
        "Northumberland, Tyne and Wear and North Durham"
        in durham.loc["County Durham", "shared_with"]
    )


def test_links_to_sources_and_chapters(profiles, inputs):
    swl = ch.source_links(inputs, "E54000031")
    assert swl and all(link.href.startswith("http") for link in swl)
    dorset = ch.source_links(inputs, "E54000041")
    assert dorset[0].note.startswith("the plan") and "Dorset" in dorset[0].title
    for r in profiles.values():
        keys = ch.section_keys(inputs, r.code)
        assert keys[0] == "map" and keys[-1] == "successor"
        assert ("stress" in keys) == (r.state == "usable")


@pytest.mark.parametrize(
    "link", [*ch.SECTIONS.values(), *(m for ms in ch.MENTIONS.values() for m in ms)]
)
def test_every_linked_section_exists_in_its_chapter(link):
    notebook, label, _ = link
    text = (ROOT / "chapters" / f"{notebook}.ipynb").read_text(encoding="utf-8")
    assert f"({label})=" in text, f"{notebook} has no label {label}: update SECTIONS"


def test_pages_link_what_the_chapters_say_about_them(inputs):
    gm = [link.title for link in ch.section_links(inputs, "E54000007")]
    assert any("little noise" in t for t in gm) and any("first wave" in t for t in gm)
    bob = [link.title for link in ch.section_links(inputs, "E54000044")]
    assert any("unnatural region" in t for t in bob)
    # Greater Manchester kept its name: its system's source is not the Glossop page.
    glance = ch.glance_table(ch.compute(inputs, "E54000007")).frame.set_index("Item")
    assert "Derbyshire" not in glance.loc["Integrated care system (2021)"].iloc[0]


def test_sources_do_not_repeat_a_name():
    entry = {
        "author": "Merton Council",
        "howpublished": "Merton Council news",
        "year": "2020",
        "month": "July",
    }
    assert ch.credit(entry) == "Merton Council news, July 2020"
    assert ch.credit({"author": "A", "howpublished": "B", "year": "2020"}) == "A, B, 2020"


def test_region_pages_list_their_footprints_with_figures():
    from stpbook.pipeline import profiles

    found = profiles.settings(LAYOUT)
    pages = profiles.group_pages(found)
    london = pages["footprints/london.md"].decode()
    assert london.count("](./E540000") == 5
    assert (
        "- [North Central London](./E54000028.ipynb): 1.47 million people; a published "
        "gap of £876m a year by 2020/21; July 2017 rating not found in the sources."
    ) in london
    assert "published gap: none found" in london  # North West London: not a zero


# --- text formatting ----------------------------------------------------------------------------


def test_text_formatting():
    assert [ch.ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
    ]
    assert ch.money(876.4) == "£876m" and ch.money(-40.2) == "−£40m"
    assert ch.money(1234.5) == "£1,234m" and ch.money(0.0) == "£0m"
    assert ch.per_head(412.3) == "£412"
    assert ch.list_words([]) == "" and ch.list_words(["a"]) == "a"
    assert ch.list_words(["a", "b", "c"]) == "a, b and c"
    assert ch.number(1) == "one" and ch.number(12) == "12"
    assert ch.reader_note("Includes a GBP 130m deficit") == "Includes a £130m deficit"
    assert ch.sentence("the plan") == "The plan." and ch.sentence("Done.") == "Done."
    assert ch.closed_words(0.0) == "none of them closes the whole gap"
    assert ch.closed_words(0.004).startswith("fewer than 1 in 100")
    assert ch.closed_words(0.25) == "25% of them close the whole gap"


# --- the stress chart: browser formulas against the model ---------------------------------------


def test_the_grid_matches_the_model(inputs):
    d = ch.draws(inputs, 0.3)
    grid = ch.stress_grid(d)
    assert len(grid) == 21 * 21 and set(grid["ak"]) == set(range(0, 101, 5))
    remaining = stress.simulate(600.0, inputs.programme, 0.35, 0.6, 50.0, 0.3, ch.DRAWS, ch.SEED)
    twin = ch.stress_readout(grid, 600.0, 0.35, 0.6, 50.0)
    for name, q in (("lo90", 0.05), ("mid", 0.5), ("hi90", 0.95)):
        assert twin[name] == pytest.approx(float(np.quantile(remaining, q)), abs=1e-4)


def _texts(svg: str) -> str:
    return " ".join(
        html.unescape(t)
        for t in re.findall(
            r"<tspan[^>]*>([^<]*)</tspan>|"
            r"<text[^>]*>([^<]*)</text>",
            svg,
        )
        for t in t
        if t
    )


@pytest.mark.parametrize(
    "values",
    [
        {},
        {
            "efficiency_delivered": 0.95,
            "activity_reduction_achieved": 1.0,
            "extra_funding_gbp_m": 400.0,
        },
        {
            "efficiency_delivered": 0.05,
            "activity_reduction_achieved": 0.0,
            "extra_funding_gbp_m": 25.0,
        },
    ],
)
def test_vega_readout_equals_the_python_twin(profiles, inputs, values):
    r = profiles["E54000031"]
    v = {k: p.default for k, p in ch.STRESS.items()} | values
    chart = ch.stress_chart(r, sliders=False, values=v)
    svg = vlc.vegalite_to_svg(chart.to_dict())
    twin = ch.stress_readout(
        ch.stress_grid(ch.draws(inputs, 0.3)),
        726.0,
        v["efficiency_delivered"],
        v["activity_reduction_achieved"],
        v["extra_funding_gbp_m"],
    )
    drawn = " ".join(_texts(svg).split())
    for line in twin["readout"].split("\n"):
        assert line in drawn, (line, drawn[:400])


# --- the charts -------------------------------------------------------------------------------


def test_charts_fit_a_phone_and_name_their_sources(profiles):
    r = profiles["E54000031"]
    for chart in (ch.locator_map(r), ch.per_head_chart(r), ch.stress_chart(r)):
        spec = chart.to_dict()
        assert not {"hconcat", "concat", "facet", "repeat"} & set(spec)
        assert spec.get("width") == "container" or spec.get("width", 999) <= 300
        title = spec["title"]
        for line in [*title["text"], *title.get("subtitle", [])]:
            assert len(line) <= charts.LINE, line
        meta = spec["usermeta"]
        assert meta["alt"] and meta["source"] and "data/" not in meta["source"]
        assert "stpbook" not in meta["source"] and ".csv" not in meta["source"]
    assert ch.stress_chart(r).to_dict()["usermeta"]["modelled"] is True
    for chart in (ch.per_head_chart(r), ch.stress_chart(r)):
        assert chart.to_dict()["config"]["axis"]["labelFontSize"] >= 11
    subtitle = " ".join(ch.locator_map(r).to_dict()["title"]["subtitle"])
    assert subtitle.startswith("Coloured") and "this footprint" in subtitle


def test_the_locator_map_is_small(inputs):
    features = charts.simplify(inputs.boundaries)
    assert len(features) == 44
    assert all(f["geometry"]["coordinates"] for f in features)
    assert len(json.dumps(features)) < 40_000  # the full boundaries are 135 KB


# --- the index: every footprint, sortable, and found by its areas' names -------------------------


def test_the_index_lists_the_44_with_links_and_no_zero(book_index, codes):
    frame = book_index.table
    assert sorted(frame["stp17cd"]) == sorted(codes)
    assert set(frame["href"]) == {f"../footprints/{c}.html" for c in codes}
    none = frame[frame["gap_gbp_m"].isna()]
    assert len(none) == 27 and set(none["gap_words"]) == {"none found", "published but doubtful"}
    page = index.index(book_index)._repr_html_()
    assert page.count('<tr data-code="') == 44
    assert all(f'href="../footprints/{c}.html"' in page for c in codes)
    assert "http" not in page.split("<script>")[0].split("stp-index-data")[0]  # no CDN


def test_the_index_agrees_with_the_profiles(book_index, profiles):
    frame = book_index.table.set_index("stp17cd")
    for code, r in profiles.items():
        row = frame.loc[code]
        if r.state == "usable":
            assert row["gap_per_head_gbp"] == pytest.approx(float(r.gap["gap_per_head_gbp"]))
        else:
            assert pd.isna(row["gap_gbp_m"])
        assert row["rating"] == r.text.rating and row["successor"] == r.text.successor


@pytest.mark.parametrize(
    "sort_by,first", [("name", "E54000040"), ("population", "E54000007"), ("per_head", "E54000017")]
)
def test_the_index_starts_in_the_chosen_order(sort_by, first):
    book = index.compute(index.inputs(LAYOUT), sort_by=sort_by)
    assert book.table["stp17cd"].iloc[0] == first


def test_every_area_name_finds_its_footprint(book_index, inputs):
    entries = book_index.entries
    for area in inputs.areas.itertuples(index=False):
        codes = {e["code"] for e in index.search(entries, area.name) if e["name"] == area.name}
        holders = set(inputs.areas.loc[inputs.areas["name"] == area.name, "stp17cd"])
        if len(index.search(entries, area.name)) < index.MAX_RESULTS:
            assert codes == holders, area.name
        assert area.stp17cd in {e["code"] for e in entries if e["name"] == area.name}
    found = index.search(entries, "bradford")
    assert {e["code"] for e in found} == {"E54000005"}
    assert index.search(entries, "e") == []  # too short to search
    page = index.index(book_index)._repr_html_()
    payload = re.search(r'class="stp-index-data">(.*?)</script>', page).group(1)
    assert json.loads(payload) == [[e["name"], e["kind"], e["code"]] for e in entries]


def test_the_search_script_normalises_like_its_python_twin():
    assert index.normalise("NHS Airedale, Wharfedale & Craven CCG") == (
        "nhs airedale wharfedale and craven ccg"
    )
    assert ".replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').trim()" in index.SCRIPT


def test_the_search_lists_each_footprint_once(book_index):
    entries = book_index.entries
    luton = index.search(entries, "Luton")
    assert len(luton) > 1 and len({e["code"] for e in luton}) == 1  # several names, one place
    groups = index.search_groups(entries, "Luton")
    assert [code for code, _ in groups] == [luton[0]["code"]]
    assert len(groups[0][1]) == len(luton)
    for query in ("bradford", "north", "ham", "e"):
        codes = [code for code, _ in index.search_groups(entries, query)]
        assert len(codes) == len(set(codes)) <= index.MAX_RESULTS
    # The page's script groups the same way (one list item a footprint).
    assert "byCode[e[2]].push(e)" in index.SCRIPT and "footprints match:" in index.SCRIPT


def test_the_index_says_not_found_not_not_published(book_index):
    frame = book_index.table
    assert "Not published" not in set(frame["rating"])
    assert (frame["rating"] == index.NOT_FOUND).sum() == 44 - int(book_index.text.n_rated)
    assert book_index.text.order == "in alphabetical order"
