"""Chapter 2's recipe module (stpbook.chapters.footprints) and its charts: published
figures, properties, and every Vega expression against its Python twin (the charts are
rendered by vl-convert, the same Vega the book ships, and their text read back)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from stpbook import data, parameters
from stpbook.chapters import footprints as chapter
from stpbook.charts import footprints as charts
from stpbook.models import footprints as fp

vlc = pytest.importorskip("vl_convert")

NOTEBOOK = Path(__file__).resolve().parents[1] / "chapters" / "02_footprints.ipynb"


@pytest.fixture(scope="module")
def inputs():
    return chapter.inputs()


@pytest.fixture(scope="module")
def book(inputs):
    return chapter.compute(inputs, map_measure="population", population_threshold=1.0)


def _svg_text(chart: alt.TopLevelMixin, width: int = 340, **params) -> list[str]:
    """The text drawn by ``chart`` (params set to ``params``), as Vega renders it."""
    spec = chart.to_dict(validate=False)
    if spec.get("width") == "container":
        spec["width"] = width
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    for p in spec.get("params", []):
        if p["name"] in params:
            p["value"] = params[p["name"]]
    svg = vlc.vegalite_to_svg(spec)
    return [
        re.sub(r"<[^>]+>", "", t).replace("&amp;", "&").replace("&#39;", "'")
        for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    ]


# --- published figures --------------------------------------------------------------------


def test_published_figures(book):
    # NHS England: 44 footprints (15 March 2016); ONS mid-2016: England 55.27m people;
    # Chris Ham (King's Fund, 2016): 300,000 to 2.8 million; NHS England release of
    # 22 December 2015: plans covering October 2016 to March 2021.
    t = book.text
    assert t.n_footprints == "44" and t.total == "55.3 million"
    assert t.published_min == "0.3 million" and t.published_max == "2.8 million"
    assert t.smallest == "0.3 million" and t.largest == "2.8 million"
    assert t.smallest_name == "West, North and East Cumbria"
    assert t.largest_name == "Greater Manchester"
    assert t.ratio == "9"
    assert t.plan_period == "October 2016 to March 2021"
    assert t.local_offices == "14"  # ONS April 2017 region local office lookup
    assert (t.leaders, t.leaders_providers, t.leaders_ccgs, t.leaders_councils) == (
        "41",
        "18",
        "18",
        "3",
    )  # HSJ, 30 March 2016
    # 41 named, 39 placed by background: the page says so rather than leaving 2 over
    assert (t.leaders_placed, t.leaders_unplaced, t.leaders_missing) == ("39", "2", "3")
    assert t.leads_trust_2016 == "19"  # HSJ 2019, chiefs or chairs in spring 2016
    assert t.london_n == "5" and t.london_pop == "8.8 million"
    assert (t.others_min, t.others_max) == ("14.3 million", "16.8 million")
    assert (t.n_exact, t.n_estimated) == ("24", "20")


def test_estimated_populations_are_rounded_to_a_tenth(inputs, book):
    named = inputs.footprints.set_index("stp17cd")
    assert named.loc["E54000044", "population_basis"] == "apportioned"
    assert book.text.bob == "1.7 million"  # the book's estimate: 0.1 million only
    exact = named[named["population_basis"] == "exact"].iloc[0]
    assert chapter._population(exact).count(".") == 1
    assert len(chapter._population(exact).split(".")[1].split()[0]) == 2


def test_threshold_follows_the_model(inputs):
    pop = inputs.footprints["population_mid2016"]
    for t in (0.3, 1.0, 1.5, 3.0):
        r = chapter.compute(inputs, map_measure="area_km2", population_threshold=t)
        want = fp.above_threshold(pop, t)
        assert r.text.above_n == str(want["count"])
        assert (
            chapter.headline(r)["Footprints with at least the threshold population (count)"]
            == want["count"]
        )


def test_successors(inputs, book):
    s = fp.successors(inputs.footprints, inputs.successors)
    assert s["systems"] == 42  # 42 integrated care systems from 1 April 2021
    assert s["merged"] == {"North East and North Cumbria": 3}
    assert s["kept"] + len(s["changed"]) == 44
    assert book.text.merged_name == "North East and North Cumbria"
    shown = chapter.successors_table(book)
    assert len(shown.frame) == len(s["changed"]) and len(shown.frame.columns) == 2


def test_successors_refuses_a_missing_footprint(inputs):
    with pytest.raises(Exception, match="no successor"):
        fp.successors(inputs.footprints, inputs.successors.iloc[1:])


def test_month_range():
    assert chapter.month_range("2016-10/2021-03") == "October 2016 to March 2021"


def test_unknown_measure_is_refused(inputs):
    with pytest.raises(Exception, match="map_measure"):
        chapter.compute(inputs, map_measure="beds", population_threshold=1.0)


# --- Vega expressions against their Python twins ---------------------------------------


@pytest.mark.parametrize("threshold", [0.3, 1.7, 3.0])
def test_ranked_count_matches_the_model(inputs, threshold):
    chart = charts.ranked_chart(
        inputs.footprints, parameters.declared(chapter.NOTEBOOK)["population_threshold"], threshold
    )
    texts = _svg_text(chart, population_threshold=threshold)
    want = fp.above_threshold(inputs.footprints["population_mid2016"], threshold)["count"]
    first, second = charts.count_label(want, threshold)
    if want:  # with no footprint above, the aggregate has no row and nothing is drawn
        assert first in texts and second in texts
    assert not [t for t in texts if t.endswith("footprints have") and t != first]


@pytest.mark.parametrize("measure", fp.MEASURES)
def test_map_value_matches_the_model(inputs, measure):
    table = charts.footprint_table(inputs.footprints)
    probe = (
        alt.Chart(table)
        .transform_calculate(value=charts.MEASURE_VALUE)
        .transform_calculate(shown="datum.stp17cd + '=' + format(datum.value, '.6f')")
        .mark_text()
        .encode(text="shown:N", y="stp17cd:N")
        .add_params(alt.param(name="map_measure", value=measure))
        .properties(width=200)
    )
    drawn = dict(t.split("=") for t in _svg_text(probe) if "=" in t)
    want = fp.measure_column(inputs.footprints, measure)
    if measure == "population_density":
        want = want.round(1)
    for code, value in zip(inputs.footprints["stp17cd"], want, strict=True):
        assert math.isclose(float(drawn[code]), value, rel_tol=1e-6), (code, measure)


def test_threshold_rule_matches_the_model(inputs):
    table = charts.footprint_table(inputs.footprints)
    probe = (
        alt.Chart(table)
        .transform_filter(charts.ABOVE)
        .mark_text()
        .encode(text="stp17cd:N", y="stp17cd:N")
        .add_params(alt.param(name="population_threshold", value=1.4699))
        .properties(width=200)
    )
    drawn = {t for t in _svg_text(probe) if t.startswith("E54")}
    pop = inputs.footprints.set_index("stp17cd")["population_mid2016"]
    assert drawn == set(pop[pop / 1e6 >= 1.4699].index)


@pytest.fixture(scope="module")
def map_spec(book):
    return chapter.map_chart(book).to_dict(validate=False)


@pytest.mark.parametrize("measure", fp.MEASURES)
def test_map_title_and_classes_follow_the_measure(inputs, map_spec, measure):
    # The map's title expression, drawn on a small chart with the same parameter.
    probe = (
        alt.Chart(pd.DataFrame({"x": [1]}))
        .mark_point()
        .encode(x="x:Q")
        .properties(width=100, height=20, title=map_spec["title"])
        .add_params(alt.param(name="map_measure", value=measure))
    )
    texts = _svg_text(probe)
    column = fp.measure_column(inputs.footprints, measure)
    table = charts.footprint_table(inputs.footprints)
    if measure == "population":
        assert "From 0.3m to 2.8m people per footprint" in texts
    else:
        shown = table[measure]
        assert any(t.startswith(f"From {shown.min():,.0f} to {shown.max():,.0f}") for t in texts), (
            texts
        )
    domain = map_spec["layer"][0]["encoding"]["color"]["condition"]["scale"]["domain"]["expr"]
    assert json.dumps(charts.quintile_breaks(column)) in domain


# --- layout: every chart fits 1280 and 375 px ----------------------------------------


def test_charts_are_container_sized_with_short_title_lines(book, map_spec):
    for spec in (
        map_spec,
        chapter.ranked_chart(book).to_dict(validate=False),
        chapter.region_chart(book).to_dict(validate=False),
    ):
        assert spec["width"] == "container"
        assert not {"hconcat", "concat"} & set(spec)
        title = spec["title"]
        lines = title["text"] if isinstance(title["text"], list) else [title["text"]]
        for line in [*lines, *title.get("subtitle", [])]:
            if isinstance(line, str):
                assert len(line) <= charts.LINE + 2, line
        meta = spec["usermeta"]
        assert meta["alt"] and meta["source"]
        assert not re.search(r"data/|\.csv|stpbook|\.py", meta["source"])


def test_ranked_and_region_charts_draw_within_a_phone(book):
    # (the map's projection is fitted to whatever width it is given)
    for chart in (chapter.ranked_chart(book), chapter.region_chart(book)):
        spec = chart.to_dict(validate=False)
        spec["width"] = 300
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
        svg = vlc.vegalite_to_svg(spec)
        width = float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1))
        assert width <= 301, width


def test_names_are_written_whole_in_at_most_two_lines(inputs):
    for name in inputs.footprints["stp17nm"]:
        label = charts.name_lines(name, mark=" *")
        assert label.count("\n") <= 1, label
        assert label.endswith(" *") and label.replace("\n", " ") == name + " *"
        assert all(len(line) <= charts.NAME_CHARS for line in label.split("\n"))


def test_ranked_rows_do_not_overlap(inputs):
    rows = charts.ranked_rows(inputs.footprints)
    assert rows["population_m"].is_monotonic_decreasing
    label_end = rows["label_y"] + charts.NAME_LINE_PX * (rows["label"].str.count("\n") + 1)
    assert (label_end < rows["bar_y0"]).all()
    assert (rows["bar_y1"].iloc[:-1].to_numpy() < rows["label_y"].iloc[1:].to_numpy()).all()


def _phone_svg(chart: alt.TopLevelMixin, width: int = 289) -> str:
    spec = chart.to_dict(validate=False)
    spec["width"] = width
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return vlc.vegalite_to_svg(spec)


def test_chart_text_is_at_least_11_px(book):
    for chart in (chapter.ranked_chart(book), chapter.region_chart(book), chapter.map_chart(book)):
        sizes = [float(v) for v in re.findall(r'font-size="([\d.]+)', _phone_svg(chart))]
        sizes += [float(v) for v in re.findall(r"font-size: ?([\d.]+)px", _phone_svg(chart))]
        assert sizes and min(sizes) >= 11, sorted(set(sizes))


def test_ranked_axis_has_few_ticks_on_a_phone(book):
    layers = chapter.ranked_chart(book).to_dict(validate=False)["layer"]
    axes = [
        layer["encoding"]["x"]["axis"]
        for layer in layers
        if "axis" in layer.get("encoding", {}).get("x", {})
    ]
    assert axes and all(a["values"] == [0, 1, 2, 3] for a in axes)  # cannot run together


@pytest.mark.parametrize("threshold", [0.3, 1.0, 2.4])
def test_map_states_the_threshold_with_its_unit(book, threshold):
    texts = _svg_text(chapter.map_chart(book), population_threshold=threshold)
    # (the two lines are tspans of one text element)
    assert "".join(charts.faded_lines(threshold)) in texts


def test_map_legend_stays_clear_of_cornwall_and_faded_is_not_a_blue(book, map_spec):
    color = map_spec["layer"][0]["encoding"]["color"]
    assert color["condition"]["legend"]["orient"] == "bottom-left"
    assert map_spec["config"]["legend"]["gradientLength"] <= 120  # clear of Cornwall
    assert color["value"] not in charts.BLUES
    dash = map_spec["layer"][0]["encoding"]["strokeDash"]
    assert dash["value"] != dash["condition"]["value"]  # a second cue besides colour


def test_region_title_is_a_true_statement(book):
    title = " ".join(charts.region_title(book.regions))
    assert "similar" not in title
    assert "London had 8.8m people in 5 footprints" in title


def test_london_inset_is_an_enlargement(inputs):
    london = [
        f
        for f in inputs.boundaries["features"]
        if f["properties"]["stp17cd"]
        in set(inputs.footprints.loc[inputs.footprints["nhser17nm"] == "London", "stp17cd"])
    ]
    big = charts.enlarge(london, 5, 0.0, 49.0)
    w0, s0, e0, n0 = charts.bounds(london)
    w1, s1, e1, n1 = charts.bounds(big)
    assert (e1 - w1) == pytest.approx(5 * (e0 - w0), rel=1e-4)
    y = charts._mercator_y
    assert (y(n1) - y(s1)) == pytest.approx(5 * (y(n0) - y(s0)), rel=1e-3)
    assert n1 == pytest.approx(49.0, abs=1e-4)


def test_live_panel_redraws_the_map(inputs):
    box, chart = chapter.live(inputs)(map_measure="population_density", population_threshold=2.0)
    spec = chart.to_dict(validate=False)
    params = {p["name"]: p for p in spec["params"]}
    assert params["map_measure"]["value"] == "population_density"
    assert "bind" not in params["population_threshold"]
    assert "Footprints with at least 2.0 million people" in box.data


# --- the notebook -----------------------------------------------------------------------


def _cells():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return nb["cells"]


def test_notebook_follows_the_pattern(book):
    cells = _cells()
    source = "\n".join("".join(c["source"]) for c in cells)
    assert "glue" not in source and "myst_nb" not in source
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    names = set(re.findall(r"\{eval\}`n\.(\w+)`", markdown))
    assert names and names <= set(vars(book.text))
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("## ") or line.startswith("### "):
            assert re.fullmatch(r"\(ch2-[a-z0-9-]+\)=", lines[i - 1]), line
    for word in ("seed", "stored copy", "corpus", "data/", ".csv", "stpbook."):
        assert word not in markdown.lower(), word
    code = [c for c in cells if c["cell_type"] == "code"]
    for cell in code:
        src = "".join(cell["source"])
        assert "import pandas" not in src and "print(" not in src


def test_parameters_have_reader_labels():
    for p in parameters.declared(chapter.NOTEBOOK).values():
        assert p.label, p.name


def test_citations_exist():
    keys = data.bib_keys()
    markdown = "\n".join("".join(c["source"]) for c in _cells() if c["cell_type"] == "markdown")
    cited = {
        k.strip() for group in re.findall(r"\{cite\}`([^`]+)`", markdown) for k in group.split(",")
    }
    assert cited and cited <= keys, cited - keys


def test_every_register_point_is_credited():
    points = data.load("article_points")
    mine = points[points["chapter"] == chapter.NOTEBOOK]
    markdown = "\n".join("".join(c["source"]) for c in _cells() if c["cell_type"] == "markdown")
    assert len(mine) >= 30
    for credit in set(mine["credit"]):
        assert credit in markdown, credit
    assert not pd.isna(mine["point_id"]).any()


def test_every_footprint_on_the_map_links_to_its_profile(book, inputs):
    """Clicking a footprint (or its London inset copy) opens its page in the book."""
    spec = chapter.map_chart(book).to_dict(validate=False)
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            url = node.get("url")
            if isinstance(url, str) and url.startswith("../footprints/"):
                found.add(url)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    codes = set(inputs.footprints["stp17cd"])
    assert found == {f"../footprints/{c}.html" for c in codes} and len(codes) == 44
    assert "href" in json.dumps(spec)
