"""Chapter 5, the critiques (stpbook.chapters.critiques): the survey's readings, the chart
the browser draws from them, the tables and the notebook's prose.

Published figures: the equwell blog (autumn 2016) printed CCG leaders' confidence as 66%
low, 47% medium and 1% high; the HSJ (October 2016) published the counts of the 99
answers: 18 very low, 47 low, 33 moderate, 1 high, 0 very high; PA Consulting gave 65%
"low or very low".
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import vl_convert as vlc

from stpbook.chapters import critiques as chapter
from stpbook.charts import OKABE_ITO
from stpbook.charts import critiques as charts
from stpbook.errors import ParameterError
from stpbook.models import surveys

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "chapters" / "05_critiques.ipynb"
READINGS = list(surveys.READINGS)

# Each reading's shares (low, medium, high) and total, % of the 99, worked by hand.
EXPECTED = {
    "as_reported": ((66.0, 47.0, 1.0), 114.0),
    "rescaled": ((100 * 66 / 114, 100 * 47 / 114, 100 * 1 / 114), 100.0),
    "low_is_65_low_or_very_low": ((65.0, 34.0, 1.0), 100.0),
    "medium_is_33": ((66.0, 33.0, 1.0), 100.0),
}

# Where the chapter carries each point of the articles' register assigned to it (the
# MyST label of the section); the same mapping is handed over as the anchors file.
ANCHORS = {
    "a0-02": "ch5-process",
    "a0-27": "ch5-money",
    "a0-28": "ch5-process",
    "a0-29": "ch5-process",
    "a0-30": "ch5-process",
    "a0-32": "ch5-readers",
    "a0-33": "ch5-readers",
    "a0-34": "ch5-readers",
    "a0-36": "ch5-readers",
    "a0-37": "ch5-readers",
    "a0-38": "ch5-readers",
    "a0-39": "ch5-readers",
    "a0-41": "ch5-readers",
    **{f"a1-{i:02d}": "ch5-launch" for i in range(3, 21)},
    "a2-05": "ch5-process",
    "a3-21": "ch5-process",
    "a3-25": "ch5-process",
    "a3-22": "ch5-money",
    "a3-24": "ch5-money",
    "a3-29": "ch5-money",
    "a3-30": "ch5-money",
    "a3-31": "ch5-money",
    "a3-32": "ch5-money",
    "a3-33": "ch5-money",
    "a4-02": "ch5-process",
    "a4-03": "ch5-survey",
    "a4-04": "ch5-survey",
    "a4-05": "ch5-survey",
    "a4-07": "ch5-survey",
    "a4-08": "ch5-survey",
    "a4-10": "ch5-survey",
    "a4-11": "ch5-hwbs",
    "a4-12": "ch5-hwbs",
    "a4-13": "ch5-hwbs",
    "a4-14": "ch5-hwbs",
    "a4-15": "ch5-hwbs",
    "a4-16": "ch5-hwbs",
}


@pytest.fixture(scope="module")
def inputs():
    return chapter.inputs()


@pytest.fixture(scope="module")
def results(inputs):
    return {name: chapter.compute(inputs, survey_reading=name) for name in READINGS}


# --- the readings and the headline -----------------------------------------------------


@pytest.mark.parametrize("name", READINGS)
def test_each_reading_gives_its_published_or_derived_shares(results, name):
    (low, medium, high), total = EXPECTED[name]
    got = results[name].chosen
    assert got["low"] == pytest.approx(low)
    assert got["medium"] == pytest.approx(medium)
    assert got["high"] == pytest.approx(high)
    assert results[name].total == pytest.approx(total)


def test_the_114_percent_is_kept_as_printed_and_flagged(inputs, results):
    printed = results["as_reported"]
    assert printed.printed == {"low": 66.0, "medium": 47.0, "high": 1.0}
    assert printed.total == 114
    assert printed.text.printed_total == "114%"
    rows = inputs.survey(chapter.AS_PRINTED)
    assert set(rows["flag"]) == {"sum_exceeds_100_as_reported"}
    assert any("114%" in n for n in inputs.surveys.attrs["notices"])


def test_rescaled_low_is_57_9_not_two_thirds(results):
    text = results["as_reported"].text
    assert text.rescaled_low == "57.9%"
    assert text.near_two_thirds == "three" and text.readings == "four"
    assert results["rescaled"].chosen["low"] == pytest.approx(57.894736842)


@pytest.mark.parametrize("name", READINGS)
def test_headline_keys_and_values(results, name):
    found = chapter.headline(results[name])
    assert list(found) == ["Low confidence (%)", "Medium (%)", "High (%)", "Shares add up to (%)"]
    (low, medium, high), total = EXPECTED[name]
    assert list(found.values()) == pytest.approx([low, medium, high, total])
    assert all(isinstance(v, float) for v in found.values())


def test_headline_follows_the_scenario_values_in_compare(inputs):
    from stpbook import compare
    from stpbook.layout import Layout

    got = compare.results({"05_critiques": {"survey_reading": "rescaled"}}, Layout(ROOT))
    assert got["Ch. 5, Shares add up to (%)"] == pytest.approx(100)


def test_unknown_reading_is_refused(inputs):
    with pytest.raises(ParameterError, match="survey_reading"):
        chapter.compute(inputs, survey_reading="median")


def test_the_survey_counts_explain_the_slip(results):
    r = results["as_reported"]
    assert r.counts == {"very high": 0, "high": 1, "moderate": 33, "low": 47, "very low": 18}
    assert sum(r.counts.values()) == 99
    assert r.from_counts["low"] == pytest.approx(100 * 65 / 99)  # 65.7%: the blog's "66%"
    assert r.from_counts["medium"] == pytest.approx(100 * 33 / 99)
    t = r.text
    assert (t.low_alone, t.low_or_very_low, t.moderate_share, t.pa_low) == (
        "47.5%",
        "65.7%",
        "33.3%",
        "65%",
    )
    # the counts support the "medium read as 33%" reading, to rounding
    medium_33 = results["medium_is_33"].chosen
    assert all(abs(medium_33[k] - r.from_counts[k]) < 0.5 for k in surveys.LEVELS)


def test_prose_numbers(results):
    t = results["as_reported"].text
    assert (t.respondents, t.ccgs, t.response_rate) == ("99", "209", "47%")
    assert (t.political, t.organisational) == ("60%", "61%")
    assert (t.before_n, t.before_confident) == ("54", "62%")
    assert (t.gap_low, t.gap_high, t.estimates) == ("£1.4bn", "£3.5bn", "6")
    assert (t.social_care, t.social_care_first, t.stp_capital) == ("£2bn", "£1bn", "£325m")
    assert (t.stf_deficits, t.stf_first_year) == ("£1.8bn", "£2.1bn")
    assert t.referrals == "6"


# --- the browser's chart against the Python model ---------------------------------------


def _svg_texts(spec: dict) -> list[str]:
    svg = vlc.vegalite_to_svg(spec)
    out = []
    for chunk in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S):
        parts = re.findall(r"<tspan[^>]*>(.*?)</tspan>", chunk) or [chunk]
        out += [html.unescape(p) for p in parts]
    return out


def test_the_chart_inlines_exactly_the_model_grid(results):
    r = results["as_reported"]
    spec = chapter.readings_chart(r).to_dict()
    grid = [d for d in spec["datasets"].values() if d and "reading" in d[0]]
    assert len(grid) == 1
    want = surveys.all_readings(r.printed)
    assert [(d["reading"], d["level"]) for d in grid[0]] == [
        (w["reading"], w["level"]) for w in want
    ]
    for got, expect in zip(grid[0], want, strict=True):
        assert got["share_pct"] == pytest.approx(expect["share_pct"])
        assert got["total_pct"] == pytest.approx(expect["total_pct"])
    filters = {
        t["filter"]
        for layer in spec["layer"]
        for t in layer.get("transform", [])
        if "filter" in t and "reading" in str(t["filter"])
    }
    assert filters == {"datum.reading == survey_reading"}


@pytest.mark.parametrize("name", READINGS)
def test_vega_draws_each_reading_as_python_computes_it(results, name):
    """Render the static book's chart with the drop-down at ``name`` (Vega, through
    vl-convert): the bars' labels and the title must be the Python model's."""
    r = results["as_reported"]
    spec = chapter.readings_chart(r).to_dict()
    (param,) = [p for p in spec["params"] if p["name"] == "survey_reading"]
    param["value"] = name
    texts = _svg_texts(spec)
    shares = results[name].chosen
    for level in surveys.LEVELS:
        assert charts.share_label(shares[level]) in texts, (name, level, texts)
    title = charts.reading_title(surveys.DESCRIPTIONS[name], shares)
    for line in title:
        assert line in texts, (name, line)
    assert title[-1].endswith("= " + charts.share_label(EXPECTED[name][1]))


def test_share_label_expression_matches_its_python_twin():
    values = [
        0,
        0.877193,
        1,
        1.0101,
        18.18,
        33,
        33.333,
        34.0,
        41.2281,
        47.4747,
        57.8947,
        65.6566,
        66,
        99.96,
        114,
    ]
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"share_pct": v, "i": i} for i, v in enumerate(values)]},
        "transform": [{"calculate": charts.SHARE_LABEL_EXPR, "as": "label"}],
        "mark": "text",
        "encoding": {"text": {"field": "label"}, "y": {"field": "i", "type": "ordinal"}},
    }
    texts = [t for t in _svg_texts(spec) if t.endswith("%")]
    assert sorted(texts) == sorted(charts.share_label(v) for v in values)
    assert charts.share_label(66.0) == "66%" and charts.share_label(57.8947) == "57.9%"


def test_the_live_chart_is_fixed_and_the_panel_returns_the_headline(inputs):
    box, chart = chapter.live(inputs)(survey_reading="rescaled")
    spec = chart.to_dict()
    assert all("bind" not in p for p in spec.get("params", []))
    assert "57.9%" in box.data and "100%" in box.data


# --- reader-grade charts ----------------------------------------------------------------


def _luminance(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def f(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)


def contrast(a: str, b: str = "#FFFFFF") -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _charts(results):
    r = results["as_reported"]
    return {
        "readings": chapter.readings_chart(r).to_dict(),
        "readings_live": chapter.readings_chart(r, sliders=False).to_dict(),
        "before_after": chapter.before_after_chart(r).to_dict(),
    }


def _layers(spec):
    return spec.get("layer", [spec])


def test_colours_reach_contrast(results):
    for name, spec in _charts(results).items():
        for layer in _layers(spec):
            mark = layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}
            enc = layer.get("encoding", {})
            colours = [mark.get("color")] if mark.get("color") else []
            colour_enc = enc.get("color", {})
            colours += [
                c
                for c in (colour_enc.get("value"), colour_enc.get("condition", {}).get("value"))
                if c
            ]
            colours += colour_enc.get("scale", {}).get("range", [])
            if mark["type"] == "text":
                for c in colours:
                    # white labels sit on the bars: check against the bars' colours
                    backgrounds = (
                        [charts.PUBLISHED_COLOUR, charts.MODELLED_COLOUR]
                        if c.upper() == "#FFFFFF"
                        else ["#FFFFFF"]
                    )
                    assert all(contrast(c, bg) >= 4.5 for bg in backgrounds), (name, c)
            else:
                assert all(contrast(c) >= 3 for c in colours), (name, mark["type"], colours)
                assert not {c.upper() for c in colours} & {
                    OKABE_ITO[1],
                    OKABE_ITO[5],
                    OKABE_ITO[6],
                }, (name, colours)


def test_charts_fit_a_phone(results):
    for name, spec in _charts(results).items():
        assert not {"hconcat", "concat", "facet"} & set(spec), name
        assert not any("column" in layer.get("encoding", {}) for layer in _layers(spec))
        if name != "readings_live":
            assert spec["width"] == "container", name
        title = spec["title"]
        lines = list(title.get("subtitle", []))
        text = title["text"]
        lines += text if isinstance(text, list) else []
        for line in lines:
            assert len(line) <= 50, (name, line)
    for name in READINGS:
        shares = results[name].chosen
        for line in charts.reading_title(surveys.DESCRIPTIONS[name], shares):
            assert len(line) <= 40, line


def test_source_lines_name_real_sources(results):
    for name, spec in _charts(results).items():
        meta = spec["usermeta"]
        assert meta["alt"] and meta["source"]
        for word in ("data/", ".csv", "stpbook", "seed", "module"):
            assert word not in meta["source"], (name, word)
        assert "Health Service Journal" in meta["source"]


# --- tables for people -------------------------------------------------------------------


def _tables(results):
    r = results["as_reported"]
    return {
        "readings": chapter.readings_table(r),
        "counts": chapter.counts_table(r),
        "social_care": chapter.social_care_table(r),
        "campaigns": chapter.campaigns_table(r),
        "referrals": chapter.referrals_table(r),
    }


def test_tables_are_for_people_and_fit_a_phone(results):
    for name, tab in _tables(results).items():
        cols = list(tab.frame.columns)
        text_cols = [c for c in cols if c not in tab.numeric]
        assert len(cols) <= 5 and len(text_cols) <= 2, (name, cols)
        assert not any(re.fullmatch(r"[a-z0-9_]+", c) for c in cols), (name, cols)
        page = tab.html()
        for word in ("seed", "data/", ".csv", "stpbook"):
            assert word not in page, (name, word)
        assert not re.search(r"\bnan\b|\bNone\b", page), name


def test_readings_table_gives_each_reading_and_the_counts(results):
    tab = _tables(results)["readings"]
    frame = tab.frame.set_index("Reading")
    assert frame.loc["As printed (adds up to 114%)", "Sum"] == pytest.approx(114)
    assert frame.loc["Rescaled to add up to 100%", "Low"] == pytest.approx(57.8947, abs=1e-3)
    assert frame.filter(like="HSJ", axis=0)["Low"].iloc[0] == pytest.approx(65.657, abs=1e-3)


def test_social_care_table_credits_every_estimate(results):
    frame = _tables(results)["social_care"].frame
    assert list(frame.columns) == ["Who made it", "Estimate (period)", "£bn"]
    assert len(frame) == len(chapter.GAP_ESTIMATES) == 6
    # In the order the estimates were published (October 2015 to 2018).
    assert frame["£bn"].tolist() == [2.9, 1.9, 1.4, 2.0, 3.5, 2.2]
    years = [int(re.findall(r"(?:19|20)\d\d", who)[-1]) for who in frame["Who made it"]]
    assert years == sorted(years)
    assert all(re.search(r"(19|20)\d\d", who) for who in frame["Who made it"])
    chpi = frame[frame["Who made it"].str.contains("Centre for Health")].iloc[0]
    assert chpi["Estimate (period)"].endswith("(by 2020/21)")


def test_campaigns_are_national_and_dated(inputs):
    rows = chapter.campaign_rows(inputs.events)
    actors = " ".join(rows["actor"])
    for who in (
        "38 Degrees",
        "Keep Our NHS Public",
        "Health Campaigns Together",
        "Labour Party",
        "Conservative Party",
        "Liberal Democrats",
    ):
        assert who in actors, who
    assert rows["proposal_id"].isna().all()
    assert not rows["actor"].str.contains("scrutiny|Health Secretary").any()
    assert rows["date"].is_monotonic_increasing
    assert rows["date"].max() == pd.Timestamp("2017-06-08")


def test_referrals_and_what_followed(inputs):
    events = inputs.events
    refs = chapter.referral_rows(events)
    assert len(refs) == 6
    assert not refs["event"].str.startswith(("Met to decide", "Said the committee")).any()
    cumbria = refs[refs["actor"].str.startswith("Cumbria")].iloc[0]
    after = chapter.followed(events, cumbria)
    assert after["actor"].tolist() == ["Independent Reconfiguration Panel"]
    assert "West Cumberland" in after["event"].iloc[0]
    huddersfield = refs[refs["proposal_id"] == "cht_huddersfield_ae"].iloc[0]
    assert len(chapter.followed(events, huddersfield)) == 2


def test_referrals_are_counted_as_chapter_4_counts_them(inputs, results):
    # One definition for the book: 6 referrals, 5 of them on chapter 4's 21 proposals and
    # one (West Cumberland) outside them; chapter 4 computes the same numbers.
    from stpbook.chapters import reconfigurations

    t = results["as_reported"].text
    assert (t.referrals, t.referred_proposals, t.referred_other, t.proposals) == (
        "6",
        "5",
        "1",
        "21",
    )
    ch4 = reconfigurations.compute(reconfigurations.inputs(), 25.0, 250.0, 3, 10.0, 0.035, 20)
    assert (ch4.text.referred, ch4.text.referred_proposals, ch4.text.proposals) == (
        t.referrals,
        t.referred_proposals,
        t.proposals,
    )


def test_dates_keep_their_precision():
    assert chapter.when(pd.Timestamp("2017-05-03"), "day") == "3 May 2017"
    assert chapter.when(pd.Timestamp("2017-08-01"), "month") == "Aug 2017"
    assert chapter.when(pd.Timestamp("2017-01-01"), "year") == "2017"


# --- the notebook ------------------------------------------------------------------------


def _cells():
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def _markdown() -> str:
    return "\n".join("".join(c["source"]) for c in _cells() if c["cell_type"] == "markdown")


def _sections() -> dict[str, str]:
    """Markdown by MyST label: the text from a label to the next one."""
    parts = re.split(r"^\(([a-z0-9-]+)\)=\n", _markdown(), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_notebook_is_thin_and_labelled():
    cells = _cells()
    codes = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    for src in codes:
        assert "glue" not in src and "myst_nb" not in src and "pandas" not in src
        assert "print(" not in src
    assert sum("chapter.compute(" in s for s in codes) == 1
    text = _markdown()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("## "):
            assert re.fullmatch(r"\(ch5-[a-z0-9-]+\)=", lines[i - 1]), line


def test_every_number_in_prose_is_computed(results):
    prose = vars(results["as_reported"].text)
    for expr in re.findall(r"\{eval\}`([^`]+)`", _markdown()):
        assert expr.startswith("n.") and expr[2:] in prose, expr


def test_no_internal_words_on_the_page():
    text = _markdown().lower()
    for word in ("seed", "corpus", "corpora", "stored copy", "data/", ".csv", "stpbook."):
        assert word not in text, word


def test_every_register_point_is_carried_and_credited():
    points = pd.read_csv(ROOT / "data" / "article_points.csv")
    mine = points[points["chapter"] == "05_critiques"]
    assert set(mine["point_id"]) == set(ANCHORS)
    sections = _sections()
    for _, row in mine.iterrows():
        section = sections[ANCHORS[row["point_id"]]]
        assert row["credit"] in section, (row["point_id"], row["credit"])


def test_blogger_is_not_the_association_and_ham_says_only_his_point():
    launch = _sections()["ch5-launch"]
    assert "not a position of the Socialist Health Association" in launch
    ham = [s for s in re.split(r"\n- ", launch) if "Chris Ham" in s]
    assert len(ham) == 1 and "memory" in ham[0] and "community" not in ham[0]


def test_chart_text_is_readable_and_the_survey_title_claims_no_trend(results):
    for name, spec in _charts(results).items():
        assert spec["config"]["axis"]["labelFontSize"] >= 11, name
    r = results["as_reported"]
    title = " ".join(chapter.before_after_chart(r).to_dict()["title"]["text"])
    assert "two questions" in title and "by October few were" not in title
    subtitle = " ".join(chapter.readings_chart(r).to_dict()["title"]["subtitle"])
    assert "taller than" in subtitle and "Tall vermilion" not in subtitle
