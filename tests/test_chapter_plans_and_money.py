"""Chapter 3's recipe module (stpbook.chapters.plans_and_money): the usable gaps, the
stress test against a direct numpy computation, the headline, the browser's formulas
against their Python twin (and the twin against the model), the charts' fit, the prose."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from stpbook import data, parameters
from stpbook.chapters import plans_and_money as ch
from stpbook.errors import ParameterError
from stpbook.layout import current

NOTEBOOK = current().chapters / "03_plans_and_money.ipynb"


@pytest.fixture(scope="module")
def inputs():
    return ch.inputs()


@pytest.fixture(scope="module")
def defaults():
    return parameters.defaults("03_plans_and_money")


@pytest.fixture(scope="module")
def book(inputs, defaults):
    return ch.compute(inputs, **defaults)


def run(inputs, defaults, **changes):
    return ch.compute(inputs, **{**defaults, **changes})


# --- the published gaps -------------------------------------------------------------


def test_usable_gaps_are_one_reported_figure_per_footprint(inputs):
    published, usable = ch.published_gaps(inputs), ch.usable_gaps(inputs)
    assert len(published) == 19 and published["stp17cd"].is_unique
    assert len(usable) == 17 and (usable["reliability"] == "reported").all()
    assert set(published["stp17cd"]) - set(usable["stp17cd"]) == {"E54000010", "E54000035"}
    # the King's Fund's two figures (Alderwick, November 2016)
    by = usable.set_index("stp17cd")
    assert by.loc["E54000028", "gap_gbp_m"] == 876 and by.loc["E54000017", "gap_gbp_m"] == 712


def test_all_is_the_sum_of_the_usable_headline_gaps(inputs):
    total, label = ch.plan_gap(inputs, "all")
    assert total == pytest.approx(ch.usable_gaps(inputs)["gap_gbp_m"].sum())
    assert label == ch.ALL_LABEL
    assert ch.plan_gap(inputs, "E54000028") == (876.0, "North Central London")


@pytest.mark.parametrize("code", ["E54000010", "E54000035", "E54000001", "nowhere"])
def test_a_plan_without_a_usable_gap_is_refused(inputs, code):
    with pytest.raises(ParameterError, match="no usable published gap"):
        ch.plan_gap(inputs, code)


def test_the_parameter_offers_exactly_the_usable_plans(inputs):
    choices = parameters.declared("03_plans_and_money")["footprint"].choices
    assert choices[0] == "all"
    assert sorted(choices[1:]) == sorted(ch.usable_gaps(inputs)["stp17cd"])
    labels = ch.dropdown_labels(inputs)
    assert list(labels) == ["all", *ch.usable_gaps(inputs)["stp17cd"]]
    assert max(map(len, labels.values())) <= ch.DROPDOWN_CHARS


def test_per_head_uses_mid_2016_population_and_flags_estimates(inputs):
    published = ch.published_gaps(inputs).set_index("stp17cd")
    foot = data.load("footprints").set_index("stp17cd")
    ncl = published.loc["E54000028"]
    assert ncl["gap_per_head_gbp"] == pytest.approx(
        876e6 / foot.loc["E54000028", "population_mid2016"]
    )
    assert not ncl["apportioned"] and published.loc["E54000017", "apportioned"]
    assert (
        published["apportioned"].sum()
        == (foot.loc[published.index, "population_basis"] == "apportioned").sum()
    )


# --- the stress test ------------------------------------------------------------------


def direct_numpy(
    assumptions: pd.DataFrame,
    gap: float,
    e: float,
    a: float,
    f: float,
    share: float,
    draws: int,
    seed: int,
) -> np.ndarray:
    """The model written out again from its description, in plain numpy."""
    p = assumptions["n_stps_assuming_reduction"].to_numpy(float) / 44
    lo = assumptions["min_reduction_pct"].to_numpy(float)
    hi = assumptions["max_reduction_pct"].to_numpy(float)
    mean = assumptions["mean_reduction_pct"].to_numpy(float)
    mode = np.clip(3 * mean - lo - hi, lo, hi)
    rng = np.random.default_rng(seed)
    assumes = rng.random((draws, p.size)) < p
    cuts = rng.triangular(lo, mode, hi, size=(draws, p.size))
    alpha = np.minimum(1, share * (assumes * cuts).sum(axis=1) / (p * (lo + mode + hi) / 3).sum())
    x = rng.uniform(0.5, 1.5, draws)
    y = rng.uniform(0.5, 1.5, draws)
    return gap - gap * (1 - alpha) * e * x - gap * alpha * a * y - f


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"footprint": "all"},
        {
            "footprint": "E54000041",
            "efficiency_delivered": 0.85,
            "extra_funding_gbp_m": 50.0,
            "random_state": 7,
            "draws": 5000,
        },
        {"activity_reduction_achieved": 1.0, "activity_share": 0.6},
    ],
)
def test_stress_summary_equals_a_direct_numpy_computation(inputs, defaults, changes):
    v = {**defaults, **changes}
    results = ch.compute(inputs, **v)
    gap = ch.plan_gap(inputs, v["footprint"])[0]
    r = direct_numpy(
        data.load("activity_assumptions"),
        gap,
        v["efficiency_delivered"],
        v["activity_reduction_achieved"],
        v["extra_funding_gbp_m"],
        v["activity_share"],
        v["draws"],
        v["random_state"],
    )
    s = results.summary
    for q, key in ((0.05, "q05"), (0.5, "q50"), (0.95, "q95")):
        assert s[key] == pytest.approx(np.quantile(r, q), rel=1e-9)
    assert s["mean"] == pytest.approx(r.mean(), rel=1e-9)
    assert s["share_closed"] == pytest.approx((r <= 0).mean())
    h = ch.headline(results)
    assert h["Mean gap left after delivery (GBP m a year)"] == pytest.approx(r.mean())
    assert h["Draws that close the whole gap (%)"] == pytest.approx(100 * (r <= 0).mean())


def test_headline_keys_and_values(book):
    h = ch.headline(book)
    assert list(h) == [
        "Plan's gap (GBP m a year)",
        "Mean gap left after delivery (GBP m a year)",
        "Draws that close the whole gap (%)",
    ]
    assert all(isinstance(v, float) for v in h.values())
    assert h["Plan's gap (GBP m a year)"] == 876


@pytest.mark.parametrize(
    "changes, mean, closed",
    [
        # exercise 3.2's published answers (North Central London, random state 2016, 10,000 draws)
        ({}, 502, 0.0),
        ({"efficiency_delivered": 1.0}, 195, 19.7),
        ({"activity_reduction_achieved": 1.0}, 305, 2.0),
        ({"extra_funding_gbp_m": 300.0}, 202, 2.2),
    ],
)
def test_exercise_answers(inputs, defaults, changes, mean, closed):
    h = ch.headline(run(inputs, defaults, **changes))
    assert round(h["Mean gap left after delivery (GBP m a year)"]) == mean
    assert round(h["Draws that close the whole gap (%)"], 1) == closed


def test_more_money_or_delivery_never_leaves_more_gap(inputs, defaults):
    means = [
        ch.headline(run(inputs, defaults, efficiency_delivered=e))[
            "Mean gap left after delivery (GBP m a year)"
        ]
        for e in (0.0, 0.5, 1.0)
    ]
    assert means == sorted(means, reverse=True)
    money = [
        ch.headline(run(inputs, defaults, extra_funding_gbp_m=f))[
            "Mean gap left after delivery (GBP m a year)"
        ]
        for f in (0.0, 25.0, 500.0)
    ]
    assert money[0] - money[1] == pytest.approx(25) and money[0] - money[2] == pytest.approx(500)


def test_modelled_medians_in_the_gaps_chart_are_the_stress_test(inputs, book):
    row = book.published.set_index("stp17cd").loc["E54000041"]
    alone = run(inputs, book.values, footprint="E54000041")
    assert row["modelled_median_left_gbp_m"] == pytest.approx(alone.summary["q50"])
    assert book.published.loc[~book.published["usable"], "modelled_median_left_gbp_m"].isna().all()


# --- the browser's grid and formulas ----------------------------------------------------


@pytest.mark.parametrize(
    "footprint, e, f",
    [
        ("E54000028", 0.5, 0.0),
        ("all", 0.95, 1000.0),
        ("E54000041", 1.0, 225.0),
        ("E54000036", 0.0, 25.0),
        ("E54000017", 0.75, 600.0),
    ],
)
def test_browser_twin_agrees_with_the_model(inputs, book, footprint, e, f):
    grid = ch.stress_grid(book)
    twin = ch.browser_readout(grid, footprint, e, f)
    gap = ch.plan_gap(inputs, footprint)[0]
    direct = ch.stress_summary(book.draws, gap, e, book.values["activity_reduction_achieved"], f)
    for key in ("q05", "q25", "q50", "q75", "q95", "mean"):
        assert twin[key] == pytest.approx(direct[key], rel=1e-6, abs=1e-4)
    assert twin["share_closed"] == pytest.approx(direct["share_closed"], abs=0.0005 + 1e-12)


def test_grid_holds_every_slider_position_and_the_chapter_values(inputs, defaults):
    results = run(inputs, defaults, efficiency_delivered=0.33, extra_funding_gbp_m=2.5)
    grid = ch.stress_grid(results)
    assert len(grid.fan) == 22 and ch.efficiency_key(0.33) in set(grid.fan["ek"])
    assert len(grid.funding_values) == 42 and 2.5 in grid.funding_values
    assert len(grid.closed) == len(grid.plans) * len(grid.fan)
    assert all(len(c.split(",")) == len(grid.funding_values) for c in grid.closed["closed"])
    twin = ch.browser_readout(grid, "E54000028", 0.33, 2.5)
    assert twin["q50"] == pytest.approx(results.summary["q50"])


def vega_readout(chart) -> str:
    """The readout text the compiled chart draws (rendered by Vega itself)."""
    svg = vlc.vegalite_to_svg(chart.to_dict())
    found = [html.unescape(t) for t in re.findall(r'aria-label="readout: ([^"]*)"', svg)]
    if not found:  # Vega labels a text mark by its text
        found = [html.unescape(t) for t in re.findall(r'aria-label="([^"]*Whole gap[^"]*)"', svg)]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"footprint": "all", "efficiency_delivered": 0.9, "extra_funding_gbp_m": 150.0},
        {"footprint": "E54000041", "efficiency_delivered": 0.33, "extra_funding_gbp_m": 2.5},
    ],
)
def test_vega_readout_equals_the_python_twin(inputs, defaults, changes):
    results = run(inputs, defaults, **changes)
    v = results.values
    twin = ch.browser_readout(
        ch.stress_grid(results), v["footprint"], v["efficiency_delivered"], v["extra_funding_gbp_m"]
    )
    drawn = vega_readout(ch.stress_chart(results, sliders=False))
    assert drawn.replace("\n", " ") == twin["lines"].replace("\n", " ")


# --- the charts: one chart each, fitting the column, sourced ------------------------------

CHARTS = (
    "timeline_chart",
    "gaps_chart",
    "per_head_chart",
    "stf_chart",
    "nao_chart",
    "capital_chart",
    "stress_chart",
)


@pytest.mark.parametrize("name", CHARTS)
def test_charts_fit_a_phone_and_name_their_sources(book, name):
    spec = getattr(ch, name)(book).to_dict()
    assert spec.get("width") == "container"
    assert not {"hconcat", "vconcat", "concat", "facet", "repeat"} & set(spec)
    title = spec["title"]
    lines = [
        *title["text"],
        *(
            [title["subtitle"]]
            if isinstance(title.get("subtitle"), str)
            else title.get("subtitle", [])
        ),
    ]
    assert all(len(line) <= 52 for line in lines), lines
    meta = spec["usermeta"]
    assert meta["alt"] and meta["source"]
    for internal in ("data/", ".csv", "stpbook", "seed"):
        assert internal not in meta["source"] + meta["alt"]


def test_stress_chart_controls(book):
    spec = ch.stress_chart(book).to_dict()
    params = {p["name"]: p for layer in spec["layer"] for p in layer.get("params", [])}
    params.update({p["name"]: p for p in spec.get("params", [])})
    select = params["footprint"]["bind"]
    assert select["input"] == "select" and select["options"][3] == "E54000028"
    assert select["labels"][3] == "North Central London"
    assert "£m" in params["extra_funding_gbp_m"]["bind"]["name"]
    live = ch.stress_chart(book, sliders=False).to_dict()
    assert live["width"] == 560 and all("bind" not in p for p in live.get("params", []))


def test_live_panel_returns_headline_and_chart(inputs, defaults):
    box, chart = ch.live(inputs)(**defaults)
    assert "£876m" in box.data and "0.0%" in box.data
    assert chart.to_dict()["width"] == 560


def test_tables_are_for_people(book):
    for table in (ch.stress_table(book), ch.fund_table(book)):
        assert table.caption and "_" not in "".join(table.frame.columns)
        assert len(table.frame.columns) <= 4
    fund = ch.fund_years(book.inputs).set_index("financial_year")
    assert fund.loc["2016/17", "net_position_gbp_m"] == -791


# --- the money after the plans ----------------------------------------------------------


def test_money_after_the_plans(book):
    nao = ch.nao_balance(book.inputs)["position_gbp_m"].tolist()
    # NAO, January 2018: -1,848 (2015/16) to +111 (2016/17); the fund paid GBP 1.8bn
    assert nao == [-1848, 111, 111 - 1800]
    t = book.text
    assert (t.nao_deficit_before, t.nao_after, t.nao_deficit_without) == (
        "£1,848m",
        "£111m",
        "£1,689m",
    )
    capital = ch.capital_path(book.inputs).set_index("kind")["gbp_bn"]
    assert capital["promised"] == pytest.approx(0.325 + 2.6)
    assert t.allocated_share == "26%"


def test_spring_budget_is_capital_spread_thinly(book, inputs, defaults):
    t = book.text
    # GBP 325m over three years across 44 footprints: about GBP 2.5m a year each
    assert t.spring_per_footprint_year == "£2.5m" and t.spring_capital == "£325m"
    assert t.spread_moves == "£2.5m"
    assert t.spring_per_scheme == "£22m"


# --- the notebook -----------------------------------------------------------------------


def notebook_cells():
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def test_every_number_in_the_prose_is_computed(book):
    text = "".join("".join(c["source"]) for c in notebook_cells() if c["cell_type"] == "markdown")
    names = re.findall(r"\{eval\}`n\.([a-z0-9_]+)`", text)
    assert names and all(hasattr(book.text, n) for n in names), [
        n for n in names if not hasattr(book.text, n)
    ]


def test_notebook_is_thin_and_labelled():
    cells = notebook_cells()
    code = [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])
    ]
    for source in code[1:]:
        assert re.fullmatch(r"chapter\.\w+\(book\)", source.strip()), source
    assert not any("glue" in s or "import pandas" in s for s in code)
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("## "):
            assert re.fullmatch(r"\(ch3-[a-z0-9-]+\)=", lines[i - 1]), line
    for internal in ("seed article", "stored copy", "corpus", "data/", ".csv", "stpbook."):
        assert internal not in markdown.lower()


def test_register_credits_appear_in_the_chapter():
    """Every register row of this chapter is credited by name, in the section its anchor
    names (where the register has one), else somewhere in the chapter."""
    points = data.load("article_points")
    mine = points[points["chapter"] == "03_plans_and_money"]
    markdown = "\n".join(
        "".join(c["source"]) for c in notebook_cells() if c["cell_type"] == "markdown"
    )
    parts = re.split(r"\((ch3-[a-z0-9-]+)\)=", markdown)
    sections = dict(zip(parts[1::2], parts[2::2]))
    assert len(mine) == 18
    for row in mine.itertuples():
        anchor = row.anchor if isinstance(row.anchor, str) and row.anchor else None
        where = sections.get(anchor, "") if anchor else markdown
        assert row.credit in where, (row.point_id, row.credit, anchor)


# --- the review's fixes: readable charts, consistent figures ---------------------------


def _svg(chart, width: int) -> str:
    spec = chart.to_dict()
    if spec.get("width") == "container":
        spec["width"] = width
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return vlc.vegalite_to_svg(spec)


def _texts(svg: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", t))
        for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    ]


@pytest.mark.parametrize("name", CHARTS)
def test_chart_text_is_at_least_11_px(book, name):
    svg = _svg(getattr(ch, name)(book), 289)
    sizes = [float(v) for v in re.findall(r'font-size="([\d.]+)', svg)]
    sizes += [float(v) for v in re.findall(r"font-size: ?([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 11, sorted(set(sizes))


@pytest.mark.parametrize("width", [289, 634])
def test_timeline_sets_itself_out_for_its_width(book, width):
    """A phone gets the narrow layout, a desktop column the wide one, in larger type: the
    browser's choice (``WIDE_EXPR``) against the Python layout of both."""
    from stpbook.charts import plans_and_money as charts

    svg = _svg(ch.timeline_chart(book), width)
    wide = width >= charts.WIDE_FROM_PX
    layout = charts.WIDE if wide else charts.NARROW
    t = book.inputs.timeline
    window = t[
        (t["date"] >= "2015-12-01") & (t["date"] <= "2017-03-31") & (t["category"] != "commentary")
    ]
    rows, height = charts.timeline_rows(window[["date", "date_precision", "event", "category"]])
    drawn = " ".join(_texts(svg))
    for text in rows["text_w" if wide else "text_n"]:
        assert text.replace("\n", "") in drawn  # each event, wrapped for this width
    assert f'font-size="{layout.font}px"' in svg or f"font-size: {layout.font}px" in svg
    for key, lay in (("n", charts.NARROW), ("w", charts.WIDE)):  # both layouts fit
        last = rows[f"text_{key}"].iloc[-1].count("\n") + 1
        assert rows[f"y_{key}"].iloc[-1] + max(2, last) * lay.line_px <= height
        assert all(len(line) <= lay.chars for s in rows[f"text_{key}"] for line in s.split("\n"))


def test_stf_axis_has_half_billion_ticks(book):
    axis = ch.stf_chart(book).to_dict()["encoding"]["x"]["axis"]
    assert axis["values"] == [0.0, 0.5, 1.0, 1.5, 2.0]


def test_nao_title_fits_a_phone_and_names_the_payments(book):
    title = ch.nao_chart(book).to_dict()["title"]["text"]
    assert title[0].startswith("£1.8bn of fund payments to trusts")
    assert all(len(line) <= 40 for line in title), title


def test_assumptions_box_has_no_codes_and_a_short_choice_list(book):
    html_ = ch.assumptions(book)._repr_html_()
    box = html_.split("<details")[0]  # the rerun commands may name codes
    assert "E54" not in box
    assert "<strong>North Central London</strong>" in box
    assert "all 17 plans together" in box
    assert "10,000 to 1,000,000" in box  # thousands separators on both ends
    notes = [p.note for p in parameters.declared("03_plans_and_money").values()]
    assert max(map(len, notes)) <= 150, max(notes, key=len)


def test_readout_names_which_share_it_gives(book):
    t = book.text
    assert t.median_share == f"{100 * book.summary['q50'] / book.gap_gbp_m:.0f}%"
    cells = notebook_cells()
    text = " ".join("".join("".join(c["source"]) for c in cells).split())
    assert "{eval}`n.median_share` of the published gap (the mean share left" in text


def test_figures_agree_with_chapters_1_and_6(book):
    """2015/16's trust deficit as chapters 1 and 6 give it (NHS Improvement's £2.45bn);
    2018/19's underlying deficit as both published estimates."""
    t = book.text
    assert t.trust_deficit_before == "£2.45bn"
    assert (t.underlying_2018, t.underlying) == ("£5bn", "£4bn")
    text = " ".join("".join("".join(c["source"]) for c in notebook_cells()).split())
    assert "`n.underlying_2018`" in text and "`n.underlying`" in text
    assert "leaked" not in text and "leaking" not in text
