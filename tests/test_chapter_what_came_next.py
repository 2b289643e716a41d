"""Chapter 6, what came next: its data, its Python twins of the browser's expressions,
and what readers see. No notebook is executed here."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from stpbook import data, parameters
from stpbook.chapters import what_came_next as ch
from stpbook.charts import what_came_next as charts


@pytest.fixture(scope="module")
def inputs():
    return ch.inputs()


@pytest.fixture(scope="module")
def results(inputs):
    return ch.compute(inputs, "all", 2012)


# --- the timeline's data ---------------------------------------------------------------


def test_every_year_from_2014_has_at_least_two_dated_sourced_events():
    timeline = data.load("timeline")  # loading checks every source_id against the bibliography
    years = pd.to_datetime(timeline["date"]).dt.year.value_counts()
    for year in range(2014, 2023):
        assert years.get(year, 0) >= 2, year
    assert timeline["source_id"].notna().all()


def test_the_two_blog_posts_known_only_to_the_season_show_their_season(inputs):
    seasons = inputs.events[inputs.events["date_precision"] == "season"]
    assert sorted(seasons["when"]) == ["autumn 2016", "spring 2016"]
    assert not (pd.to_datetime(inputs.events["date"]) == "2016-01-01").any()


@pytest.mark.parametrize(
    "date, precision, words",
    [
        ("2015-12-22", "day", "22 Dec 2015"),
        ("2019-01-01", "month", "Jan 2019"),
        ("2016-05-01", "season", "spring 2016"),
        ("2016-11-01", "season", "autumn 2016"),
        ("2017-01-01", "season", "winter 2016"),
        ("2018-01-01", "year", "2018"),
    ],
)
def test_dates_are_shown_as_precisely_as_the_source_allows(date, precision, words):
    assert ch.when(pd.Timestamp(date), precision) == words


def test_labels_fit_a_phone_and_a_desktop_and_start_with_the_date(inputs):
    for r in inputs.events.itertuples(index=False):
        for lines, width in ((r.narrow, ch.WRAP_NARROW), (r.wide, ch.WRAP_WIDE)):
            assert lines[0].startswith(f"{r.short}: ")
            assert max(len(line) for line in lines) <= width
            assert " ".join(lines) == f"{r.short}: {r.event}"


def test_short_dates_under_a_year_heading():
    assert ch.short_when(pd.Timestamp("2015-12-22"), "day") == "22 Dec"
    assert ch.short_when(pd.Timestamp("2019-01-01"), "month") == "Jan"
    assert ch.short_when(pd.Timestamp("2016-05-01"), "season") == "spring"
    assert ch.short_when(pd.Timestamp("2017-01-01"), "season") == "winter 2016/17"


# --- the browser's filter and layout against their Python twins -------------------------


def _scenegraph(results, width):
    import vl_convert as vlc

    spec = ch.timeline_chart(results).to_dict()
    spec["width"] = width  # what "container" gives: 320 on a 375 px phone, 680 at 1280 px
    return vlc.vegalite_to_scenegraph(spec)["scenegraph"]


def _marks(node, name=None, role=None):
    """Every mark group in a Vega scenegraph with this name or role."""
    found = []
    if isinstance(node, dict):
        wanted = (name is not None and node.get("name") == name) or (
            role is not None and node.get("role") == role
        )
        if node.get("marktype") and wanted:
            found.append(node)
        for item in node.get("items", []) if isinstance(node.get("items"), list) else []:
            found += _marks(item, name, role)
    return found


@pytest.mark.parametrize(
    "category, start",
    [
        ("all", 2012),
        ("all", 2017),
        ("policy", 2019),
        ("legislation", 2016),
        ("commentary", 2012),
        ("funding", 2016),
        ("deadline", 2020),
        ("funding", 2021),
    ],
)
@pytest.mark.parametrize("width", [320, 680])
def test_browser_list_agrees_with_the_python_twin(inputs, category, start, width):
    results = ch.compute(inputs, category, start)
    graph = _scenegraph(results, width)
    wide = width >= ch.NARROW_BELOW
    expected = ch.list_rows(inputs.events, category, start, wide)
    texts = [
        item
        for layer in ("layer_1_marks", "layer_2_marks")
        for mark in _marks(graph, name=layer)
        for item in mark["items"]
    ]
    drawn = sorted(texts, key=lambda i: i["y"])
    assert [i["text"] for i in drawn] == list(expected["s"])
    # One line a row, every row the same height: the rows are the twin's, from the top.
    ys = [i["y"] for i in drawn]
    assert ys == pytest.approx([charts.LINE_PX * (r + 0.5) for r in expected["row"]], abs=0.5)
    # A point beside each event's first line, none for a heading.
    points = sorted(i["y"] for m in _marks(graph, name="layer_0_marks") for i in m["items"])
    first = expected[(expected["kind"] == "event") & (expected["k"] == 0)]
    assert points == pytest.approx([charts.LINE_PX * (r + 0.5) for r in first["row"]], abs=0.5)
    assert len(first) == len(ch.shown(inputs.events, category, start))


@pytest.mark.parametrize("category", list(ch.CATEGORY_LABELS))
def test_the_list_follows_the_filter_and_leaves_nothing_empty(inputs, category):
    for start in range(ch.FIRST_YEAR, ch.LAST_YEAR + 1):
        for wide in (False, True):
            rows = ch.list_rows(inputs.events, category, start, wide)
            shown = ch.shown(inputs.events, category, start)
            if shown.empty:  # the list says so, in a line of its own
                assert set(rows["kind"]) == {"none"}
                assert " ".join(rows["s"]) == ch.NONE_SHOWN
                continue
            assert "none" not in set(rows["kind"])
            # It starts at the first year shown, with no blank line above it ...
            assert rows.iloc[0]["kind"] == "year" and rows.iloc[0]["s"] == str(shown["year"].min())
            # ... and every year heading has at least one event under it.
            headings = rows[(rows["kind"] == "year") & (rows["s"] != "")]
            assert set(headings["year"]) == set(shown["year"])
            assert headings["year"].min() >= start


def test_python_filter():
    events = pd.DataFrame(
        {
            "year": [2012, 2016, 2016, 2021],
            "t": [1, 2, 3, 4],
            "order": [0, 1, 2, 3],
            "category": ["policy", "funding", "policy", "policy"],
        }
    )
    assert list(ch.shown(events, "policy", 2016)["t"]) == [3, 4]
    assert list(ch.shown(events, "all", 2013)["t"]) == [2, 3, 4]
    assert ch.shown(events, "deadline", 2012).empty


def test_the_drop_down_shows_words_not_codes(results):
    declared = parameters.declared(ch.NOTEBOOK)
    assert set(declared["timeline_category"].choices) == set(ch.CATEGORY_LABELS)
    spec = ch.timeline_chart(results).to_dict()
    params = spec.get("params", []) + [
        p for layer in spec["layer"] for p in layer.get("params", [])
    ]
    binds = [p["bind"] for p in params if p.get("bind", {}).get("input") == "select"]
    assert binds and binds[0]["labels"] == [ch.CATEGORY_LABELS[c] for c in binds[0]["options"]]
    assert all("_" not in label for label in binds[0]["labels"])


# --- the providers series ----------------------------------------------------------------


def test_provider_series_runs_to_2019_20_with_the_published_figures(inputs):
    series = inputs.providers.set_index("financial_year")["net_position_gbp_m"]
    assert list(series.index) == [f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2020)]
    # NHS Improvement / NAO 2015/16; NAO (January 2018) 2016/17; King's Fund 2017/18 and
    # 2019/20; HSJ (2019) 2018/19.
    assert series.loc["2015/16"] == -2450 and series.loc["2016/17"] == -791
    assert series.loc["2017/18"] == -960 and series.loc["2018/19"] == -571
    assert series.loc["2019/20"] == -910
    assert (series.loc["2013/14":] < 0).all()


def test_fund_support_added_back(inputs):
    back = ch.fund_added_back(inputs).set_index("financial_year")["without_support_gbp_m"]
    assert back.loc["2016/17"] == pytest.approx(-791 - 1800)
    assert back.loc["2018/19"] == pytest.approx(-571 - 2450)
    # Without the fund, 2016/17 would have been worse than 2015/16 (NAO, PAC 2018).
    assert back.loc["2016/17"] < ch.provider_position(inputs, "2015/16")


# --- outcomes ---------------------------------------------------------------------------


def test_leaders_add_up_to_the_44_footprints(inputs):
    leaders = ch.leaders(inputs)
    assert leaders["n"].sum() == 44
    # HSJ, March 2016: 41 named, of whom 18 provider chiefs, 18 CCG leaders, 3 councils.
    assert list(leaders["n"]) == [18, 18, 3, 2, 3]


def test_systems_grow_to_42_and_every_footprint_has_a_successor(inputs):
    milestones = ch.ics_milestones(inputs)
    assert list(milestones["systems"]) == [10, 14, 14, 18, 29, 42]
    assert milestones["systems"].is_monotonic_increasing
    successors = inputs.successors
    assert len(successors) == 44 and successors["successor_ics_name"].nunique() == 42
    merged = successors[successors["successor_ics_name"] == "North East and North Cumbria"]
    assert set(merged["stp17cd"]) == {"E54000045", "E54000046", "E54000047"}


def test_the_text_the_prose_cites(results):
    n = results.text
    assert (n.first_acss, n.acs_funding, n.icss_2021, n.icbs_2022) == ("8", "£450m", "42", "42")
    assert (n.def_2016, n.def_2016_ex_stf, n.def_2015) == ("£791m", "£2.6bn", "£2.45bn")
    assert (n.target_2016, n.expected_2016) == ("£250m", "£580m")
    assert n.events_total == n.events_shown == str(len(results.inputs.events))


# --- what readers see ---------------------------------------------------------------------

INTERNAL = re.compile(
    r"\bseed\b|\bGBP\b|data/|\.csv|stpbook\.|\b[a-z]+_[a-z0-9]+_[a-z0-9_]+\b", re.IGNORECASE
)


def test_no_internal_words_reach_readers(results):
    tables = [
        ch.predictions_table(results),
        ch.successors_table(results),
        ch.ratings_table(results),
    ]
    for t in tables:
        for value in [
            t.caption,
            *map(str, t.frame.columns),
            *t.frame.astype(str).to_numpy().ravel(),
        ]:
            assert not INTERNAL.search(value), value
    for text in results.inputs.events[["event", "source", "when"]].to_numpy().ravel():
        assert not INTERNAL.search(text), text
    for chart in (
        ch.timeline_chart(results),
        ch.dashboard_chart(results),
        ch.leadership_chart(results),
        ch.ics_chart(results),
        ch.providers_chart(results),
    ):
        meta = chart.to_dict()["usermeta"]
        assert not INTERNAL.search(meta["source"]), meta["source"]
        assert meta["alt"]


def test_the_predictions_table_is_a_phone_table_with_every_cell_filled(results):
    table = ch.predictions_table(results)
    assert list(table.frame.columns) == [
        "The prediction, and who made it",
        "What happened, and the sources",
    ]
    assert (table.frame.map(len) > 10).all().all()
    assert "Clive Betts MP, reporting the people he spoke to" in table.frame.iloc[3, 0]


def test_every_chart_fits_the_column(results):
    for chart in (
        ch.timeline_chart(results),
        ch.dashboard_chart(results),
        ch.leadership_chart(results),
        ch.ics_chart(results),
        ch.providers_chart(results),
    ):
        spec = chart.to_dict()
        assert spec["width"] == "container"
        assert "hconcat" not in spec


def test_credits_name_people_and_outlets_not_keys(inputs):
    assert (
        ch.credit(
            {
                "author": "Health Service Journal",
                "howpublished": "Health Service Journal",
                "year": "2019",
                "month": "jun",
            }
        )
        == "Health Service Journal, Jun 2019"
    )
    assert inputs.sources["sha_kingsfund_launch_2017"].startswith(
        "a Socialist Health Association blogger"
    )
    assert all(not INTERNAL.search(c) for c in inputs.events["source"])


def test_live_panel_redraws_the_timeline(inputs):
    box, chart = ch.live(inputs)(timeline_category="funding", start_year=2017)
    spec = chart.to_dict()
    assert spec["width"] == 560
    params = spec.get("params", []) + [
        p for layer in spec["layer"] for p in layer.get("params", [])
    ]
    values = {p["name"]: p["value"] for p in params}
    assert values == {"timeline_category": "funding", "start_year": 2017}
    assert not any("bind" in p for p in params)


def _drawn_width(chart, width: int) -> int:
    import json
    import struct

    import vl_convert as vlc

    spec = chart.to_dict()
    spec["width"] = width
    # What Vega-Lite does for a container-wide chart: fit axes and legends in the width.
    spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    png = vlc.vegalite_to_png(json.dumps(spec), scale=1)
    return struct.unpack(">I", png[16:20])[0]  # the PNG header's width


def test_every_chart_is_readable_and_fits_a_phone(results):
    for chart in (
        ch.timeline_chart(results),
        ch.dashboard_chart(results),
        ch.leadership_chart(results),
        ch.ics_chart(results),
        ch.providers_chart(results),
    ):
        spec = chart.to_dict()
        assert spec["config"]["axis"]["labelFontSize"] >= 11
        assert spec["config"]["legend"]["labelFontSize"] >= 11
        assert _drawn_width(chart, 320) <= 320 + 12


def test_the_modelled_diamonds_say_so_and_the_published_estimates_are_cited(results):
    spec = ch.providers_chart(results).to_dict()
    assert "modelled by this book" in " ".join(spec["title"]["subtitle"])
    texts = [layer for layer in spec["layer"] if layer["mark"].get("type") == "text"]
    assert any("(modelled)" in json_text for json_text in map(str, texts))
    n = results.text
    assert (n.def_2018_ex_psf, n.underlying_2018, n.underlying_nuffield) == (
        "£3.0bn",
        "£5bn",
        "£4bn",
    )
    row = ch.predictions(results).iloc[3]["outcome"]
    assert "about £5bn" in row and "over £4bn" in row
    # The source line names each year's own source, as chapter 1 credits it.
    source = spec["usermeta"]["source"]
    assert "CNCI" in source and "Centre for Health and the Public Interest" not in source


def test_the_ics_chart_explains_the_unchanged_count(results):
    subtitle = " ".join(ch.ics_chart(results).to_dict()["title"]["subtitle"])
    assert "three more" in subtitle and "absorbed three" in subtitle
