"""Chapter 1's recipe module (stpbook.chapters.forward_view), its charts and its page."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from stpbook import data
from stpbook.chapters import forward_view as ch
from stpbook.charts import forward_view as charts
from stpbook.models import gap
from stpbook.parameters import defaults

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "chapters" / f"{ch.NOTEBOOK}.ipynb"
INTERNAL = re.compile(r"stpbook|\.csv|data/|\bseed|corpus|stored cop|Python|GBP", re.I)


@pytest.fixture(scope="module")
def inputs():
    return ch.inputs()


@pytest.fixture(scope="module")
def book(inputs):
    return ch.compute(inputs, **defaults(ch.NOTEBOOK))


# --- the GBP 30bn, from its stated assumptions -------------------------------------------


def test_reconstruction_reproduces_the_published_30bn(inputs, book):
    # NHS England, Call to Action (July 2013): a gap that "could grow to £30bn" between
    # 2013/14 and 2020/21; Five Year Forward View (Oct 2014), ch. 4: "nearly £30 billion a
    # year" by 2020/21. Reconstruction: NHS England's 2013/14 budget, 4% a year (the IFS
    # rate), flat real funding, seven years. "Nearly" allows a little under 30, not over.
    modelled = float(book.windows.loc[3, "gap_bn"])
    assert modelled == pytest.approx(gap.do_nothing_gap(inputs.base_bn, 0.04, 0.0, 7))
    for key in ("cta_gap_gbp_bn", "fyfv_gap_gbp_bn"):
        published = float(inputs.facts[key])
        assert 0.95 * published <= modelled <= published
    assert book.text.gap_cta_window == "£29.6bn"


def test_ifs_window_on_the_same_budget_gives_about_25_8bn(inputs, book):
    # The Conversation (2016): the IFS compared a freeze with 4% a year from 2014/15 to
    # 2020/21 (six years). On NHS England's own 2014/15 budget the same sum is ~£25.8bn.
    budget = data.load("nhse_budget").set_index("fiscal_year_start")["cash_gbp_bn"]
    assert inputs.ifs_base_year == 2014
    modelled = float(book.windows.loc[4, "gap_bn"])
    assert modelled == pytest.approx(gap.do_nothing_gap(float(budget[2014]), 0.04, 0.0, 6))
    assert round(modelled, 1) == 25.8
    assert book.text.gap_ifs_window == "£25.8bn"


def test_base_budget_is_nhs_englands_2013_14_budget(inputs):
    budget = data.load("nhse_budget").set_index("fiscal_year_start")["cash_gbp_bn"]
    assert inputs.base_year == 2013
    assert inputs.base_bn == pytest.approx(float(budget[2013]))


def test_windows_table_separates_published_from_modelled(book):
    kinds = book.windows["kind"] == "Published"
    assert kinds.sum() == 3 and (book.windows.loc[~kinds, "kind"] == "Modelled").all()
    assert set(book.windows.loc[kinds, "gap_bn"]) == {30.0}
    shown = book.windows["calculation"]
    assert shown[kinds].str.startswith("Published").all()
    assert shown[~kinds].str.startswith("This book's model").all()
    html = ch.windows_table(book).html()
    assert ">29.6<" in html and ">25.8<" in html and ">30<" in html
    assert "2014/15 to 2020/21" in html


def test_efficiency_needed_lies_inside_the_forward_views_range(book):
    # Forward View: 2-3% a year net; one rate closing exactly £22bn from 2013/14 at 4%.
    assert 0.02 <= book.efficiency_needed <= 0.03
    assert book.text.needed == "2.8%"


# --- growth rates: computed from the data the chart plots --------------------------------


def test_series_growth_rates_are_the_plotted_series_own(inputs, book):
    plotted = ch.plotted_spending(inputs)
    assert (plotted["status"] == "outturn").all()
    real = plotted.set_index("fiscal_year_start")["real_gbp_bn_2018_19_prices"]
    assert book.rates["series_long_run"] == pytest.approx(
        (real.iloc[-1] / real.iloc[0]) ** (1 / (real.index[-1] - real.index[0])) - 1
    )
    # House of Commons Library table 2: 3.8% a year from 1979/80, 1.4% after 2009/10.
    assert book.text.series_long_run == "3.8%" and book.text.series_decade == "1.4%"
    assert book.text.series_first == "1979/80" and book.text.series_last == "2018/19"


def test_spending_chart_title_states_what_it_plots(book):
    spec = ch.spending_chart(book).to_dict()
    title = " ".join(spec["title"]["text"])
    for part in (
        book.text.series_long_run,
        book.text.series_decade,
        book.text.series_first,
        book.text.series_last,
        book.text.decade_from,
    ):
        assert part in title
    years = [
        row["financial_year"] for row in _datasets(spec) if "real_gbp_bn_2018_19_prices" in row
    ]
    assert years[0] == book.text.series_first and years[-1] == book.text.series_last


def test_outturn_growth_after_the_spending_review(book):
    # REAL Centre series: NHS England's budget, 2015/16 to 2018/19, real terms. The
    # Department of Health's written answer of October 2016 planned +£5.8bn for 2018/19
    # on the 2015/16 baseline: the prose compares the two, so they must be the same years.
    assert (ch.OUTTURN_FROM, ch.OUTTURN_TO) == (2015, 2018)
    assert 0.015 < book.rates["nhse_outturn"] < 0.025
    assert book.text.outturn_added == "£5.8bn" and book.text.outturn_planned == "£5.8bn"


def test_the_long_run_rates_are_labelled_by_source(inputs, book):
    assert book.text.published_growth == "4%"  # IFS via The Conversation, since 1950/51
    assert book.text.hf_long_run == "3.7%" and book.text.ifs_long_run == "3.7%"
    assert book.text.nhse_decade == "2.1%"  # Health Foundation, NHS England, last decade
    assert book.text.gap_at_hf_long_run == ch.bn(gap.do_nothing_gap(inputs.base_bn, 0.037, 0.0, 7))


# --- the browser's formulas against the Python model -------------------------------------


def vega_eval(expr: str, datum: dict | None = None, **signals: float):
    """Evaluate the subset of Vega's expression language the chart uses (arithmetic,
    pow, format, string concatenation, arrays) in Python."""
    env = {
        "pow": pow,
        "format": lambda v, f: format(v, f),
        "datum": SimpleNamespace(**(datum or {})),
        **signals,
    }
    return eval(expr, {"__builtins__": {}}, env)  # noqa: S307 - the chart's own strings


def _datasets(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _calculations(spec: dict) -> dict[str, str]:
    found = {}
    for layer in spec["layer"]:
        for step in layer.get("transform", []):
            if "calculate" in step:
                found[step["as"]] = step["calculate"]
    return found


GRID = list(
    itertools.product((0.0, 0.0275, 0.04, 0.08), (-0.02, 0.0, 0.012, 0.05), (0.0, 0.025, 0.05))
)


def test_vega_gap_formulas_agree_with_the_model(book):
    spec = ch.gap_chart(book).to_dict()
    calcs = _calculations(spec)
    assert {"do_nothing_gap_bn", "remaining_gap_bn"} <= set(calcs)
    rows = [r for r in _datasets(spec) if "base_bn" in r and "years" in r]
    assert [r["years"] for r in rows] == list(range(8))
    for (d, g, e), r in itertools.product(GRID, rows):
        signals = {"demand_growth": d, "funding_growth": g, "efficiency_rate": e}
        base, t = r["base_bn"], r["years"]
        assert vega_eval(calcs["do_nothing_gap_bn"], r, **signals) == pytest.approx(
            gap.do_nothing_gap(base, d, g, t), abs=1e-12
        )
        assert vega_eval(calcs["remaining_gap_bn"], r, **signals) == pytest.approx(
            gap.remaining_gap(base, d, g, e, t), abs=1e-12
        )


def test_vega_parts_agree_with_their_python_twins():
    datum = {"base_bn": 93.696, "years": 5}
    for d, g, e in GRID:
        signals = {"demand_growth": d, "funding_growth": g, "efficiency_rate": e}
        assert vega_eval(charts.NEED_EXPR, datum, **signals) == pytest.approx(
            gap.need_bn(93.696, d, 5)
        )
        assert vega_eval(charts.FUNDING_EXPR, datum, **signals) == pytest.approx(
            gap.funding_bn(93.696, g, 5)
        )
        assert vega_eval(charts.AFTER_EFFICIENCY_EXPR, datum, **signals) == pytest.approx(
            gap.cost_after_efficiency_bn(93.696, d, e, 5)
        )


@pytest.mark.parametrize(
    "values",
    [
        {"demand_growth": 0.04, "funding_growth": 0.0, "efficiency_rate": 0.025},
        {"demand_growth": 0.03, "funding_growth": 0.012, "efficiency_rate": 0.015},
    ],
)
def test_vega_title_agrees_with_the_prose(inputs, values):
    results = ch.compute(inputs, horizon_year=2020, **values)
    spec = ch.gap_chart(results).to_dict()
    lines = vega_eval(spec["title"]["text"]["expr"], **values)
    title = " ".join(lines)
    assert results.text.gap_final in title and results.text.remaining_final in title
    assert results.text.horizon in title
    assert all(len(line) <= 40 for line in lines), lines  # fits a phone


def test_sliders_start_at_the_pages_values(book):
    spec = ch.gap_chart(book).to_dict()
    params = {p["name"]: p for p in spec.get("params", [])} | {
        p["name"]: p for layer in spec["layer"] for p in layer.get("params", [])
    }
    for name in ("demand_growth", "funding_growth", "efficiency_rate"):
        assert params[name]["value"] == book.values[name]
        assert "bind" in params[name]
    live = ch.gap_chart(book, sliders=False).to_dict()
    assert all("bind" not in p for layer in live["layer"] for p in layer.get("params", []))


# --- what the reader sees ----------------------------------------------------------------


def test_headline_keys_and_parts_add_up(book):
    head = ch.headline(book)
    assert list(head) == [
        "Do-nothing gap: flat funding, no efficiency (GBP bn a year)",
        "Gap before efficiency, with the assumed funding (GBP bn a year)",
        "Closed by efficiency (GBP bn a year)",
        "Left for extra funding (GBP bn a year)",
        "Real funding added (GBP bn a year)",
    ]
    values = list(head.values())
    assert values[0] == pytest.approx(values[1])  # flat funding by default
    assert values[2] + values[3] == pytest.approx(values[1])
    assert values[4] == 0


def test_do_nothing_gap_ignores_funding(inputs):
    more = ch.compute(
        inputs, demand_growth=0.04, funding_growth=0.02, efficiency_rate=0.025, horizon_year=2020
    )
    head = ch.headline(more)
    assert head["Do-nothing gap: flat funding, no efficiency (GBP bn a year)"] == (
        pytest.approx(29.6, abs=0.05)
    )
    assert head["Gap before efficiency, with the assumed funding (GBP bn a year)"] < 29.6


@pytest.mark.parametrize(
    "fraction, shown",
    [(0.04, "4%"), (0.025, "2.5%"), (0.0225, "2.25%"), (0.0, "0%"), (-0.005, "-0.5%")],
)
def test_rates_read_as_a_person_would_write_them(fraction, shown):
    assert ch.rate(fraction) == shown


def test_what_is_left_reads_right_either_side_of_zero(inputs, book):
    assert book.text.remaining_sentence == "That leaves £9.6bn for extra funding to cover."
    ample = ch.compute(
        inputs, demand_growth=0.0, funding_growth=0.02, efficiency_rate=0.05, horizon_year=2016
    )
    assert ample.text.remaining_sentence.startswith("Efficiency and funding together")
    assert "-£" not in ample.text.remaining_sentence


def test_prose_numbers_are_formatted_strings(book):
    for name, value in vars(book.text).items():
        assert isinstance(value, str) and value, name
        assert "nan" not in value and "GBP" not in value, (name, value)
    assert book.text.gap_final == "£29.6bn" and book.text.remaining_final == "£9.6bn"
    assert book.text.demand == "4%" and book.text.efficiency == "2.5%"
    assert book.text.base_bn == "£93.7bn" and book.text.deficit_2015 == "£2.45bn"


def test_tables_fit_a_phone_and_speak_to_people(book):
    for tab in (ch.path_table(book), ch.providers_table(book), ch.windows_table(book)):
        assert 2 <= len(tab.frame.columns) <= 4
        assert "Year" not in tab.frame.columns or "Year" in tab.numeric  # no wrapping
        # numeric headings do not wrap: keep them short enough for a phone
        assert all(len(c) <= 12 for c in tab.numeric), tab.numeric
        assert not INTERNAL.search(tab.caption + tab.note + " ".join(tab.frame.columns))
        assert "_" not in " ".join(tab.frame.columns)
    notes = " ".join(ch.providers_table(book).frame["How the figure was reported"])
    assert "GBP" not in notes and not re.search(r"(?<![£\w.,-])\d[\d,.]*(bn|m)\b", notes)


def test_charts_fit_the_column_and_name_real_sources(book):
    for chart in (ch.gap_chart(book), ch.spending_chart(book)):
        spec = chart.to_dict()
        assert spec["width"] == "container" and "hconcat" not in spec
        meta = spec["usermeta"]
        assert meta["alt"] and meta["source"]
        assert not INTERNAL.search(meta["source"] + meta["alt"])
        title = spec["title"]["text"]
        lines = title if isinstance(title, list) else []
        subtitle = spec["title"].get("subtitle", [])
        assert all(len(line) <= 40 for line in lines), lines  # fits a phone
        assert all(len(line) <= 52 for line in subtitle), subtitle
    labels = ch.published_points(book.inputs)
    assert list(labels["label"]) == ["£30bn", "£8bn"] and labels["above"].tolist() == [True, False]


def test_live_panel_redraws_without_sliders(inputs):
    box, chart = ch.live(inputs)(
        demand_growth=0.05, funding_growth=0.0, efficiency_rate=0.02, horizon_year=2022
    )
    spec = chart.to_dict()
    assert spec["width"] == 560
    assert "2022/23" in spec["title"]["text"]["expr"]
    assert "£" in box.data


def test_assumptions_box_lists_every_parameter(book):
    html = ch.assumptions(book)._repr_html_()
    for label in (
        "Growth in the cost of meeting need",
        "Real growth in funding",
        "Efficiency gained each year",
        "Last financial year modelled",
    ):
        assert label in html
    # the horizon reads as a financial year, as everywhere else on the page
    assert "<strong>2020/21</strong>" in html and "<strong>2020</strong>" not in html


def test_chart_text_is_readable_at_any_width(book):
    """Axis and legend labels at 11 px or more (the review's minimum at 1280 px)."""
    for chart in (ch.gap_chart(book), ch.spending_chart(book)):
        config = chart.to_dict()["config"]
        assert config["axis"]["labelFontSize"] >= 11
        assert config["legend"]["labelFontSize"] >= 11


def test_each_provider_year_cites_its_own_source(page):
    """2015/16's deficit is cited to the year-end figure, not a 2015 report on 2014/15;
    2018/19's underlying deficit is given as both published estimates."""
    text = " ".join(_markdown(page).split())
    assert "2014/15 {cite}`cnci_trust_deficits_2015`" in text
    assert "in 2015/16, NHS Improvement's year-end figure {cite}`hf_provider_deficit_2016`" in text
    assert "`n.underlying_2018`" in text and "`n.underlying_nuffield`" in text


# --- the page ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page():
    return nbformat.read(NOTEBOOK, as_version=4)


def _markdown(page) -> str:
    return "\n".join(c.source for c in page.cells if c.cell_type == "markdown")


def test_every_section_has_a_label(page):
    for cell in page.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("## "):
                assert i > 0 and re.fullmatch(r"\(ch1-[a-z0-9-]+\)=", lines[i - 1]), line


def test_page_cites_only_computed_numbers_and_known_sources(page, book):
    text = _markdown(page)
    for name in re.findall(r"\{eval\}`n\.(\w+)`", text):
        assert hasattr(book.text, name), name
    bib = (ROOT / "references.bib").read_text()
    for group in re.findall(r"\{cite\}`([^`]+)`", text):
        for key in group.split(","):
            assert f"{{{key.strip()}," in bib, key
    for label in re.findall(r"\{ref\}`([^`]+)`", text):
        assert f"({label})=" in text, label


def test_page_has_no_logic_and_no_internal_words(page):
    code = "\n".join(c.source for c in page.cells if c.cell_type == "code")
    assert "glue" not in code and "myst_nb" not in code and "import pandas" not in code
    prose = _markdown(page)
    assert not re.search(r"stpbook|\.csv|data/|\bseed|Python model|stored cop", prose, re.I)
    assert "about a quarter of the long-run" not in prose
    assert "only about 1% a year" not in prose


def test_register_points_are_credited_on_the_page(page):
    points = data.load("article_points")
    mine = points[points["chapter"] == ch.NOTEBOOK]
    assert len(mine) > 0
    text = _markdown(page)
    for row in mine.itertuples():
        assert row.credit in text, (row.point_id, row.credit)


def test_fyfv_assumptions_cite_their_windows():
    rows = data.load("fyfv_assumptions").set_index("key")
    assert rows.loc["base_year_start", "source_id"] == "nhse_call_to_action_2013"
    assert rows.loc["ifs_base_year_start", "source_id"] == "conversation_30bn_2015"
