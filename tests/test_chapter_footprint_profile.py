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
    assert not any(re.search(r"^\(.+\)=$", c.source, re.M) for c in nb.cells
                   if c.cell_type == "markdown")


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
        assert glance["Source"].iloc[0].startswith("Office for National Statistics")


def test_a_footprint_without_a_published_gap_says_so_and_never_shows_zero(profiles):
    none = [r for r in profiles.values() if r.state == "none"]
    assert len(none) == 25  # 44 footprints, 19 with a headline figure
    for r in none:
        assert r.text.gap == "No published figure found"
        assert r.text.gap_sentence.startswith("No published figure found.")
        assert r.stress is None and ch.stress_chart(r) is None
        assert ch.stress_assumptions_table(r) is None
        assert "does not invent one" in r.text.stress_sentence
        values = " ".join(ch.glance_table(r).frame["Value"])
        assert not re.search(r"£0m|£0\b|\b0 a head", values), values
    for r in none[:2]:  # the chart says why the footprint is missing from it
        title = " ".join(ch.per_head_chart(r).to_dict()["title"]["text"])
        assert "not in this chart" in title


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
    direct = stress.summarise(stress.simulate(876.0, inputs.programme, 0.5, 0.25, 0.0, 0.3,
                                              ch.DRAWS, ch.SEED), 876.0)
    assert r.stress["q50"] == pytest.approx(direct["q50"])
    assert ch.m(direct["q50"]) in r.text.stress_sentence


def test_the_stress_defaults_are_chapter_3s():
    declared = parameters.declared(ROOT / "chapters" / "03_plans_and_money.ipynb", LAYOUT)
    for name, param in ch.STRESS.items():
        assert declared[name].default == param.default, name
        assert (declared[name].minimum, declared[name].maximum, declared[name].step) == (
            param.minimum, param.maximum, param.step), name
    start = next(declared[n] for n in ("random_state", "seed") if n in declared)
    assert (declared["draws"].default, start.default) == (ch.DRAWS, ch.SEED)


def test_proposals_and_milestones(profiles, inputs):
    swl = profiles["E54000031"]
    assert list(swl.proposals["proposal_id"]) == ["swl_acute_reconfiguration"]
    assert swl.proposals["latest"].iloc[0].startswith("Decided, not yet built")
    assert list(swl.milestones["date"]) == sorted(swl.milestones["date"])
    assert "not_found" not in set(swl.milestones["stage"])
    # A proposal entered once for the North East (a 'duplicate' row elsewhere) still shows
    # on both footprints' pages.
    assert "ne_primary_care_hubs" in set(profiles["E54000045"].proposals["proposal_id"])
    assert "ne_primary_care_hubs" in set(profiles["E54000046"].proposals["proposal_id"])
    with_rows = set(inputs.reconfigurations["stp17cd"])
    for code, r in profiles.items():
        assert (len(r.proposals) > 0) == (code in with_rows)
        if not len(r.proposals):
            assert ch.proposals_table(r) is None
            assert "holds no proposal" in r.text.proposals_sentence


def test_ratings_and_successors(profiles, inputs):
    rated = set(inputs.ratings["stp17cd"])
    for code, r in profiles.items():
        assert (r.text.rating == "Not published") == (code not in rated)
        assert r.text.successor == inputs.successors.set_index("stp17cd").loc[
            code, "successor_ics_name"]
        assert "(Source: " in r.text.successor_sentence
    assert profiles["E54000041"].text.rating == "Outstanding"  # Dorset (Public Finance)
    assert "joined" in profiles["E54000047"].text.successor_sentence  # into NENC


def test_areas_come_from_the_ons_lookups(profiles, inputs):
    for code, r in profiles.items():
        ccgs = set(r.areas.loc[r.areas["area_type"] == "ccg", "code"])
        assert ccgs == set(inputs.footprint(code)["ccg17_codes"].split(";")), code
    durham = profiles["E54000045"].areas.set_index("name")
    assert "Northumberland, Tyne and Wear and North Durham" in durham.loc[
        "County Durham", "shared_with"]


def test_links_to_sources_and_chapters(profiles, inputs):
    swl = ch.source_links(inputs, "E54000031")
    assert swl and all(link.href.startswith("http") for link in swl)
    dorset = ch.source_links(inputs, "E54000041")
    assert dorset[0].note.startswith("the plan") and "Dorset" in dorset[0].title
    for r in profiles.values():
        keys = ch.section_keys(inputs, r.code)
        assert keys[0] == "map" and keys[-1] == "successor"
        assert ("stress" in keys) == (r.state == "usable")


@pytest.mark.parametrize("key", sorted(ch.SECTIONS))
def test_every_linked_section_exists_in_its_chapter(key):
    notebook, label, _ = ch.SECTIONS[key]
    text = (ROOT / "chapters" / f"{notebook}.ipynb").read_text(encoding="utf-8")
    assert f"({label})=" in text, f"{notebook} has no label {label}: update SECTIONS"


# --- text formatting ----------------------------------------------------------------------------

def test_text_formatting():
    assert [ch.ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
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
    return " ".join(html.unescape(t) for t in re.findall(r"<tspan[^>]*>([^<]*)</tspan>|"
                                                         r"<text[^>]*>([^<]*)</text>", svg)
                    for t in t if t)


@pytest.mark.parametrize("values", [
    {}, {"efficiency_delivered": 0.95, "activity_reduction_achieved": 1.0,
         "extra_funding_gbp_m": 400.0},
    {"efficiency_delivered": 0.05, "activity_reduction_achieved": 0.0,
     "extra_funding_gbp_m": 25.0}])
def test_vega_readout_equals_the_python_twin(profiles, inputs, values):
    r = profiles["E54000031"]
    v = {k: p.default for k, p in ch.STRESS.items()} | values
    chart = ch.stress_chart(r, sliders=False, values=v)
    svg = vlc.vegalite_to_svg(chart.to_dict())
    twin = ch.stress_readout(ch.stress_grid(ch.draws(inputs, 0.3)), 726.0,
                             v["efficiency_delivered"], v["activity_reduction_achieved"],
                             v["extra_funding_gbp_m"])
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
    assert len(none) == 27 and set(none["gap_words"]) == {"none found",
                                                         "published but doubtful"}
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


@pytest.mark.parametrize("sort_by,first", [("name", "E54000040"), ("population", "E54000007"),
                                           ("per_head", "E54000017")])
def test_the_index_starts_in_the_chosen_order(sort_by, first):
    book = index.compute(index.inputs(LAYOUT), sort_by=sort_by)
    assert book.table["stp17cd"].iloc[0] == first


def test_every_area_name_finds_its_footprint(book_index, inputs):
    entries = book_index.entries
    for area in inputs.areas.itertuples(index=False):
        codes = {e["code"] for e in index.search(entries, area.name)
                 if e["name"] == area.name}
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
        "nhs airedale wharfedale and craven ccg")
    assert ".replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').trim()" in index.SCRIPT
