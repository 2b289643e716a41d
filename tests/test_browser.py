"""The built book in a real browser (headless Debian Chromium through Playwright).

Every page, served from 127.0.0.1 and opened from file://: no console error, no failed
request, nothing loaded from outside the book; every chart draws marks; every slider,
dropdown or checkbox under a chart changes what the chart shows when moved, and for the
chapters whose model we can call here, the chart's numbers equal the Python model's.
Screenshots go to ``_build/screenshots/``, slider-to-redraw times to
``_build/browser-timings.json`` (read by the benchmarks).

Pages, charts and controls are discovered from the built HTML, so a new chapter is
covered without touching this file.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable
from pathlib import Path

import pytest

from stpbook import pipeline

import browser_harness as bh
from conftest import LAYOUT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REL_TOL = 1e-9
TIMING_MOVES = 20


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def book_html() -> Path:
    """The default book, built by the pipeline (fast when `make book` already ran)."""
    return pipeline.make_book(LAYOUT, log=lambda _: None).html


@pytest.fixture(scope="module")
def browser(book_html):
    # The book first: building it may print the handout with Playwright, which cannot
    # start while this module's Playwright runs its event loop in the same thread.
    # Module scope: Playwright's sync API keeps an event loop running in this thread
    # until it stops, and other test modules (the handout, the seminar dashboard) start
    # their own Playwright, which refuses to run inside a running loop.
    bh.require_chromium()
    from stpbook.browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def server(book_html: Path):
    with bh.serve(book_html) as base:
        yield base


@pytest.fixture(scope="session")
def timings(book_html: Path):
    """Collects slider-to-redraw times; written to _build/browser-timings.json at the end."""
    records: list[dict] = []
    yield records
    if records:
        samples = [ms for r in records for ms in r.get("samples_ms", [])]
        first = {r["page"]: r["first_chart_ms"] for r in records if "first_chart_ms" in r}
        out = {
            "what": "milliseconds from setting a chart control (input/change event) to Vega's "
            "dataflow finishing and the next animation frame, headless Chromium, "
            "book served from 127.0.0.1",
            "moves_per_control": TIMING_MOVES,
            "median_ms": round(statistics.median(samples), 3) if samples else None,
            "p90_ms": round(sorted(samples)[int(0.9 * (len(samples) - 1))], 3) if samples else None,
            "max_ms": round(max(samples), 3) if samples else None,
            "controls": [
                {k: v for k, v in r.items() if k != "samples_ms"} for r in records if "control" in r
            ],
            "first_chart_what": "milliseconds from navigation start to the page's first "
            "Vega view drawn (performance.now())",
            "first_chart_median_ms": round(statistics.median(first.values()), 1) if first else None,
            "first_chart_max_ms": round(max(first.values()), 1) if first else None,
            "first_chart_ms": first,
        }
        target = book_html.parent / "browser-timings.json"
        target.write_text(json.dumps(out, indent=1) + "\n")


# --- model checks: chapter -> function(view datasets, signal values) -------------------


def _check_forward_view(datasets: dict[str, list[dict]], signals: dict[str, float]) -> int:
    """Chapter 1's gap lines against stpbook.models.gap; returns the rows checked."""
    from stpbook.models import gap

    rows = [
        r
        for rows in datasets.values()
        for r in rows
        if "gap_bn" in r and "measure" in r and "base_bn" in r
    ]
    assert rows, "no dataset of the gap chart carries gap_bn"
    d, g, e = (signals[n] for n in ("demand_growth", "funding_growth", "efficiency_rate"))
    for r in rows:
        if r["measure"] == "do_nothing_gap_bn":
            want = gap.do_nothing_gap(r["base_bn"], d, g, int(r["years"]))
        else:
            want = gap.remaining_gap(r["base_bn"], d, g, e, int(r["years"]))
        assert math.isclose(r["gap_bn"], want, rel_tol=REL_TOL, abs_tol=1e-12), (
            f"{r['financial_year']} {r['measure']}: browser {r['gap_bn']!r}, model {want!r} "
            f"at {signals}"
        )
    return len(rows)


def _check_threshold_count(datasets: dict[str, list[dict]], signals: dict[str, float]) -> int:
    """Chapter 2's count of footprints above the threshold against
    stpbook.models.footprints.above_threshold on the data package's populations."""
    from stpbook import data
    from stpbook.models import footprints as fp

    counts = [r for rows in datasets.values() for r in rows if "n" in r and "label" in r]
    if not counts:  # the map: it restyles, it has no count to check
        return 0
    population = data.load("footprints")["population_mid2016"]
    want = fp.above_threshold(population, signals["population_threshold"])["count"]
    for r in counts:
        assert r["n"] == want, (
            f"footprints above {signals['population_threshold']}m: browser {r['n']}, model {want}"
        )
    return len(counts)


def _check_appraisal(datasets: dict[str, list[dict]], signals: dict[str, float]) -> int:
    """Chapter 4's cumulative discounted cash flow against
    stpbook.models.reconfiguration.cumulative_discounted, year by year."""
    from stpbook.models import reconfiguration as rc

    rows = [
        r for rows in datasets.values() for r in rows if "cumulative_gbp_m" in r and "year" in r
    ]
    assert rows, "no dataset of the payback chart carries cumulative_gbp_m"
    horizon = int(signals["horizon_years"])
    assert sorted({int(r["year"]) for r in rows}) == list(range(horizon + 1)), (
        f"years shown do not run 0..{horizon}"
    )
    for r in rows:
        want = rc.cumulative_discounted(
            int(r["year"]),
            signals["annual_saving_gbp_m"],
            signals["capital_cost_gbp_m"],
            int(signals["dual_running_years"]),
            signals["transition_cost_gbp_m"],
            signals["discount_rate"],
        )
        assert math.isclose(r["cumulative_gbp_m"], want, rel_tol=REL_TOL, abs_tol=1e-9), (
            f"year {r['year']}: browser {r['cumulative_gbp_m']!r}, model {want!r} at {signals}"
        )
    return len(rows)


def _check_survey_reading(datasets: dict[str, list[dict]], signals: dict[str, str]) -> int:
    """Chapter 5's confidence shares under the chosen reading against
    stpbook.models.surveys.reading on the data package's reported shares."""
    from stpbook import data
    from stpbook.models import surveys

    answers = data.load("surveys")
    blogged = answers[answers["survey_id"] == "hsj_ccg_barometer_2016_10_as_blogged"]
    reported = {r: float(v) for r, v in zip(blogged["response"], blogged["share_pct"])}
    chosen = signals["survey_reading"]
    want = surveys.reading(chosen, reported)
    drawn = [
        rows
        for rows in datasets.values()
        if rows
        and all("share_pct" in r and "reading" in r for r in rows)
        and {r["reading"] for r in rows} == {chosen}
    ]
    assert drawn, f"no dataset holds only the chosen reading {chosen!r}"
    checked = 0
    for rows in drawn:
        for r in rows:
            assert math.isclose(r["share_pct"], want[r["level"]], rel_tol=REL_TOL), (
                f"{chosen} {r['level']}: browser {r['share_pct']!r}, model {want[r['level']]!r}"
            )
            checked += 1
    return checked


MODEL_CHECKS: dict[str, dict[str, Callable[[dict, dict], int]]] = {
    # page stem -> {a signal every checked chart has: checker}. Chapter 3's stress test
    # filters a grid computed by stpbook.models.stress in Python (no formula in the
    # browser); chapter 6's controls filter a table of events.
    "01_forward_view": {"demand_growth": _check_forward_view},
    "02_footprints": {"population_threshold": _check_threshold_count},
    "04_reconfigurations": {"annual_saving_gbp_m": _check_appraisal},
    "05_critiques": {"survey_reading": _check_survey_reading},
}


# --- the checks ------------------------------------------------------------------------


def _assert_clean(watch: bh.Watch, where: str) -> None:
    problems = watch.problems()
    assert not problems, f"{where}:\n  " + "\n  ".join(problems[:30])


def _check_charts(
    page, watch: bh.Watch, stem: str, where: str, timings: list[dict] | None
) -> dict[str, int]:
    """Every chart draws marks; every control changes its chart; model checks."""
    counts = {"charts": 0, "controls": 0, "data_changes": 0, "model_rows": 0}
    ids = bh.chart_ids(page)
    bh.wait_for_views(page, ids)
    checks = MODEL_CHECKS.get(stem, {})
    for chart in ids:
        counts["charts"] += 1
        marks = page.evaluate(bh.MARK_COUNT, chart)
        assert marks > 0, f"{where}: chart {chart} drew no marks"
        controls = page.evaluate(bh.CONTROLS, chart)
        names = [c["name"] for c in controls]
        checker = next((fn for key, fn in checks.items() if key in names), None)
        if checker:
            counts["model_rows"] += checker(
                page.evaluate(bh.DATASETS, chart), page.evaluate(bh.SIGNALS, [chart, names])
            )
        for control in controls:
            counts["controls"] += 1
            before = (page.evaluate(bh.DATASETS, chart), page.evaluate(bh.SVG_MARKUP, chart))
            value = bh.other_value(control)
            page.evaluate(bh.MOVE, [chart, control["index"], value])
            after = (page.evaluate(bh.DATASETS, chart), page.evaluate(bh.SVG_MARKUP, chart))
            signal = page.evaluate(bh.SIGNALS, [chart, [control["name"]]])[control["name"]]
            if control["kind"] == "range":
                assert math.isclose(float(signal), float(value), rel_tol=1e-12), (
                    f"{where}: {chart} slider {control['name']} set to {value}, signal is {signal}"
                )
            # A control either recomputes the chart's data (Vega expressions, a filtered
            # grid) or only restyles marks (a conditional encoding): either way the drawn
            # chart must change.
            if before[1] == after[1]:
                raise AssertionError(
                    f"{where}: moving {control['name']} to {value} did not "
                    f"change chart {chart} (data changed: "
                    f"{before[0] != after[0]})"
                )
            counts["data_changes"] += before[0] != after[0]
            if checker:
                counts["model_rows"] += checker(after[0], page.evaluate(bh.SIGNALS, [chart, names]))
            if timings is not None:
                samples = [
                    page.evaluate(bh.MOVE, [chart, control["index"], v])
                    for v in bh.alternate_values(control, TIMING_MOVES)
                ]
                timings.append(
                    {
                        "page": stem,
                        "chart": chart,
                        "control": control["name"],
                        "median_ms": round(statistics.median(samples), 3),
                        "samples_ms": [round(s, 3) for s in samples],
                    }
                )
                if checker:  # after 20 moves the chart still matches the model
                    counts["model_rows"] += checker(
                        page.evaluate(bh.DATASETS, chart), page.evaluate(bh.SIGNALS, [chart, names])
                    )
    if checks:
        assert counts["model_rows"] > 0, f"{where}: no chart was checked against its model"
    _assert_clean(watch, where)
    return counts


def _every_page(book_html: Path, visit: Callable[[Path], dict[str, int]]) -> dict[str, int]:
    """Visit every page (discovered from the built HTML, so new chapters are covered),
    collect every failure, and fail once listing them all."""
    failures, totals = (
        [],
        {"pages": 0, "charts": 0, "controls": 0, "data_changes": 0, "model_rows": 0},
    )
    for rel in (p.relative_to(book_html) for p in bh.pages(book_html)):
        try:
            counts = visit(rel)
        except Exception as exc:  # noqa: BLE001 - reported below with the page named
            failures.append(f"{rel}: {type(exc).__name__}: {exc}")
            continue
        totals["pages"] += 1
        for key, n in counts.items():
            totals[key] += n
        print(f"{rel}: {counts}")
    print(f"total: {totals}")
    assert not failures, f"{len(failures)} page(s) failed:\n" + "\n".join(failures)
    assert totals["pages"] > 0, "the built book has no pages"
    return totals


def test_every_page_served_over_http(browser, book_html: Path, server: str, timings: list[dict]):
    """Served from 127.0.0.1: clean load, charts draw, controls work, model agrees;
    slider-to-redraw times (``make screenshots`` takes the pictures)."""

    def visit(rel: Path) -> dict[str, int]:
        url = server + rel.as_posix()
        with bh.open_page(browser, url, server) as (page, watch):
            _settle(page)
            counts = _check_charts(page, watch, rel.stem, url, timings)
            if counts["charts"]:
                first = page.evaluate("() => window.stpFirstChartMs")
                assert first and first > 0, f"{url}: no chart recorded when it was drawn"
                timings.append({"page": rel.stem, "first_chart_ms": round(first, 1)})
            _wait_for_math(page)
            _assert_clean(watch, url)
            return counts

    totals = _every_page(book_html, visit)
    if totals["controls"]:
        assert any("control" in t for t in timings), "controls were moved but not timed"


def test_every_page_opened_from_file(browser, book_html: Path):
    """The same book opened from file:// (classic scripts only): same checks."""

    def visit(rel: Path) -> dict[str, int]:
        url = (book_html / rel).as_uri()
        with bh.open_page(browser, url, "") as (page, watch):
            _settle(page)
            counts = _check_charts(page, watch, rel.stem, url, None)
            _wait_for_math(page)
            _assert_clean(watch, url)
            return counts

    _every_page(book_html, visit)


def _settle(page) -> None:
    """Give the page's requests a moment to finish. Chromium's "network idle" (no request
    for 500 ms) occasionally never comes for a ``file://`` page on a loaded machine, so
    waiting for it is bounded; charts are then awaited one by one, and any failed or
    outside request is still caught by the page's Watch."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except PlaywrightTimeout:
        pass


def _wait_for_math(page) -> None:
    """Pages with math: every formula is MathML the browser lays out (a box with a
    height), converted at build time by stpbook.mathml; no MathJax is loaded."""
    if page.locator(".math").count() == 0:
        return
    sizes = page.evaluate(
        "() => Array.from(document.querySelectorAll('.math')).map(el => {"
        " const m = el.querySelector('math');"
        " return m ? m.getBoundingClientRect().height : -1; })"
    )
    assert sizes and all(h > 0 for h in sizes), f"formulas not drawn as MathML: {sizes}"
    assert page.evaluate("() => typeof window.MathJax") == "undefined"


def test_download_links_point_into_the_book(book_html: Path):
    """Every 'download data (CSV)' link under a chart resolves to a file in the book."""
    from bs4 import BeautifulSoup

    missing, seen = [], 0
    for page in bh.pages(book_html):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.select("figure.stp-chart a.stp-download"):
            seen += 1
            target = (page.parent / a["href"]).resolve()
            if not target.is_file():
                missing.append(f"{page.relative_to(book_html)}: {a['href']}")
    assert not missing, "download links to files missing from the book:\n" + "\n".join(missing)
    if not seen and LAYOUT.data.exists():
        pytest.skip("no chart in the book has a download link yet")
