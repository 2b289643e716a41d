"""Teaching material: scenarios, stpbook compare, the exercise answers, the seminar
dashboard (Voila in headless Chromium), the handout PDF and the offline pack."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from stpbook import compare, data, parameters, pipeline
from stpbook.errors import ParameterError
from stpbook.models import gap, reconfiguration

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-quic"]
PAGES = ["80_seminar_guide.md", "81_exercises.md", "82_glossary.md", "83_scenarios.md"]


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing (CI installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} not installed")


# --- scenarios -----------------------------------------------------------------------

def test_at_least_three_named_alternatives_each_documented():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    alternatives = [p for p in SCENARIOS if p.stem != "default"]
    assert len(alternatives) >= 3
    for path in SCENARIOS:
        scen = parameters.load_scenario(path)
        assert scen.name == path.stem
        assert scen.title and len(scen.description) > 80, path
        assert scen.sources, path
        for key in scen.sources:
            assert f"{{{key}," in bib, f"{path.name}: source {key} not in references.bib"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_with_an_unknown_key_is_refused_naming_file_and_key(path, tmp_path):
    bad = tmp_path / path.name
    bad.write_text(path.read_text(encoding="utf-8") + "\nassumption_notes: oops\n")
    with pytest.raises(ParameterError, match=rf"{re.escape(path.name)}.*assumption_notes"):
        parameters.load_scenario(bad)


# --- compare -------------------------------------------------------------------------

def test_compare_writes_md_and_csv_and_matches_the_model(tmp_path):
    scenarios, table = compare.compare(SCENARIOS)
    md, csv = compare.write(scenarios, table, tmp_path)
    assert md.exists() and csv.exists()
    back = pd.read_csv(csv)
    assert list(back.columns[2:]) == [s.name for s in scenarios]
    row = table.set_index("item").loc["Ch. 1, Left for extra funding (GBP bn a year)"]
    base, year0 = compare.fyfv_base()
    expected = gap.remaining_gap(base, 0.04, 0.012, 0.015, 2020 - year0)
    assert row["efficiency_as_achieved"] == pytest.approx(expected)
    for scen in scenarios:
        assert scen.name in md.read_text(encoding="utf-8")


def test_compare_cli_prints_the_table(tmp_path, capsys):
    from stpbook import cli

    files = [str(p) for p in SCENARIOS[:2]]
    assert cli.main(["compare", *files, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Left for extra funding" in out and (tmp_path / "compare.csv").exists()


def test_scenario_page_lists_every_shipped_scenario():
    text = (ROOT / "chapters" / "83_scenarios.md").read_text(encoding="utf-8")
    for path in SCENARIOS:
        scen = parameters.load_scenario(path)
        assert scen.title in text and f"scenarios/{path.name}" in text


# --- pages ---------------------------------------------------------------------------

def test_pages_cite_only_keys_in_the_bibliography():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for page in PAGES:
        text = (ROOT / "chapters" / page).read_text(encoding="utf-8")
        for group in re.findall(r"\{cite\}`([^`]+)`", text):
            for key in group.split(","):
                assert f"{{{key.strip()}," in bib, f"{page}: {key}"


def test_glossary_has_the_acronyms():
    text = (ROOT / "chapters" / "82_glossary.md").read_text(encoding="utf-8")
    for term in ("STP", "FYFV", "CCG", "HWB", "SHA", "NHSE", "NHSI", "ICS", "ICB", "ACS",
                 "A&E", "BHP", "STF", "CLG", "BMA", "PA", "HSJ", "ANEC", "QIPP", "LA"):
        assert re.search(rf"^{re.escape(term)}\b", text, re.MULTILINE), term
    assert "Strategic health authority" in text and "Socialist Health Association" in text


def test_seminar_guide_has_three_sessions():
    text = (ROOT / "chapters" / "80_seminar_guide.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^## Session \d", text, re.MULTILINE)) == 3
    assert text.count("**Learning objectives.**") == 3
    assert text.count("**Questions to ask.**") == 3


def exercise_answers() -> list[str]:
    """Every number stated in the exercise solutions, recomputed from models and data."""
    base, year0 = compare.fyfv_base()
    years = 2020 - year0
    do_nothing = gap.do_nothing_gap(base, 0.04, 0.0, years)
    left_15 = gap.remaining_gap(base, 0.04, 0.0, 0.015, years)
    left_25 = gap.remaining_gap(base, 0.04, 0.0, 0.025, years)
    answers = [
        f"**£{do_nothing:.1f}bn**",
        f"£{gap.closed_by_efficiency(base, 0.04, 0.015, years):.1f}bn",
        f"**£{left_15:.1f}bn**", f"**{100 * left_15 / do_nothing:.1f}%**",
        f"£{left_25:.1f}bn ({100 * left_25 / do_nothing:.1f}%)",
        f"about £{left_15 - left_25:.1f}bn",
        f"**{100 * gap.efficiency_needed(base, 0.04, years, 22):.2f}%**",
    ]
    foot = data.load("footprints").set_index("stp17cd")
    pop = foot["population_mid2016"]
    answers += [f"**{pop.min():,.0f}**", f"**{pop.max():,.0f}**",
                f"**{pop.max() / pop.min():.1f}**",
                "West, North and\nEast Cumbria" if foot.loc[pop.idxmin(), "stp17nm"]
                == "West, North and East Cumbria" else "MISSING-smallest"]
    gaps = data.load("financial_gaps")
    gaps = gaps[gaps["is_headline"].astype(str).str.lower() == "true"].set_index("stp17cd")
    ncl, brum = gaps.loc["E54000028"], gaps.loc["E54000017"]
    answers += [
        f"**£{ncl['gap_gbp_m'] * 1e6 / pop['E54000028']:.0f}** a head",
        f"(876 / {pop['E54000028']:,.0f} people)" if ncl["gap_gbp_m"] == 876 else "MISSING",
        f"**£{brum['gap_gbp_m'] * 1e6 / pop['E54000017']:.0f}** a head",
        f"**£{(brum['gap_gbp_m'] - brum['social_care_gbp_m']) * 1e6 / pop['E54000017']:.0f}**",
        (f"({brum['gap_gbp_m']:.0f} - {brum['social_care_gbp_m']:.0f} = "
        f"{brum['gap_gbp_m'] - brum['social_care_gbp_m']:.0f})"),
    ]
    ncl = ("E54000028", 0.5, 0.25, 0.0, 0.3, 10000, 2016)
    for i, value in ((None, None), (1, 1.0), (2, 1.0), (3, 300.0)):
        args = list(ncl)
        if i is not None:
            args[i] = value
        out = list(compare.stress_results(*args).values())
        answers += [f"**£{out[1]:.0f}m**", f"**{out[2]:.1f}%**"]
    rc = reconfiguration
    delay = rc.payback_year(30, 300, 3, 10, 0.035, 30) - rc.payback_year(30, 300, 0, 10, 0.035, 30)
    answers += [
        f"**£{rc.npv(30, 300, 3, 10, 0.035, 30):.1f}m**",
        f"year **{rc.payback_year(30, 300, 3, 10, 0.035, 30)}**",
        f"**£{rc.npv(30, 300, 0, 10, 0.035, 30):.1f}m**",
        f"year **{rc.payback_year(30, 300, 0, 10, 0.035, 30)}**",
        f"cost {delay} years",
        f"**{rc.capital_ratio(9530, 325):.1f}** times",
    ]
    surveys = data.load("surveys")
    blogged = surveys[surveys["survey_id"] == "hsj_ccg_barometer_2016_10_as_blogged"]
    answers.append(f"**{blogged['share_pct'].sum():.0f}**%")
    timeline = data.load("timeline")
    dates = pd.to_datetime(timeline["date"])
    start = dates[timeline["event"].str.contains("Five Year Forward View")].min()
    end = dates[timeline["event"].str.contains("Integrated care boards become statutory")].max()
    answers.append(f"**{(end - start).days / 365.25:.1f}** years")
    return answers


def test_every_exercise_answer_matches_the_model():
    text = (ROOT / "chapters" / "81_exercises.md").read_text(encoding="utf-8")
    flat = " ".join(text.split())
    for answer in exercise_answers():
        assert " ".join(answer.split()) in flat, answer


def test_every_chapter_has_exercises():
    text = (ROOT / "chapters" / "81_exercises.md").read_text(encoding="utf-8")
    for nb in parameters.chapter_notebooks():
        number = nb.stem.split("_")[0].lstrip("0")
        if int(number) < 10:
            assert f"## Chapter {number}:" in text, nb.stem
    assert text.count(":class: dropdown") >= 8


# --- every chapter under every scenario ------------------------------------------------

@pytest.mark.slow
def test_every_chapter_executes_under_every_scenario():
    book = pipeline.Book(ROOT)
    for path in SCENARIOS:
        scen = parameters.load_scenario(path)
        plan = {nb: scen.for_chapter(nb) for nb in parameters.chapter_notebooks()}
        results = pipeline.execute_chapters(book, plan, workers=2, log=lambda _: None)
        assert all(r.status in ("executed", "cached") for r in results), path.name


# --- the dashboard ---------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True,
                         check=False).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        p, pp = map(int, line.split())
        children.setdefault(pp, []).append(p)
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


@pytest.mark.slow
def test_seminar_dashboard_live_offline_and_stops_cleanly():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "seminar" / "serve.py"), "--port",
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=ROOT)
    spawned: set[int] = set()
    try:
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first, first
        spawned |= _descendants(proc.pid)
        outside: list[str] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            page = browser.new_page()
            page.on("request", lambda r: None if r.url.startswith(
                (f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", "data:", "blob:"))
                else outside.append(r.url))
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            page.wait_for_selector(".widget-slider", timeout=120_000)
            spawned |= _descendants(proc.pid)
            result = page.locator(".stp-result").first
            result.wait_for(timeout=60_000)
            before = result.inner_text()
            handle = page.locator(".widget-slider .noUi-handle").nth(2)  # efficiency_rate
            handle.focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "b => document.querySelector('.stp-result').innerText !== b", arg=before,
                timeout=60_000)
            browser.close()
        assert not outside, f"requests left 127.0.0.1: {outside}"
    finally:
        spawned |= _descendants(proc.pid)
        proc.send_signal(signal.SIGINT)
        tail = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0 and "dashboard stopped" in tail
    time.sleep(1)
    assert not [p for p in spawned if _alive(p)], "processes left running"


# --- handout and offline pack ---------------------------------------------------------------

@pytest.mark.slow
def test_handout_pdf_has_the_key_figures(tmp_path):
    _need_chromium()
    if not shutil.which("pdftotext"):
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext missing (CI installs poppler-utils)")
        pytest.skip("pdftotext not installed")
    from stpbook import handout

    pdf = handout.handout(tmp_path)
    assert pdf.exists()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 2
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=False).stdout
    for figure in ("£30bn", "£876m", "£712m", "£325m", "£9.53bn", "Questions for discussion",
                   "Five Year Forward View"):
        assert figure in text, figure


@pytest.mark.slow
def test_offline_zip_holds_book_handout_and_data(tmp_path, monkeypatch):
    _need_chromium()
    from stpbook import handout

    build = tmp_path / "_build"
    (build / "html").mkdir(parents=True)
    (build / "html" / "index.html").write_text("<html>book</html>")
    (build / "handout.pdf").write_bytes(b"%PDF-1.4 stand-in")
    import zipfile

    names = zipfile.ZipFile(handout.offline(build)).namelist()
    assert "stp-book/book/index.html" in names and "stp-book/handout.pdf" in names
    assert "stp-book/data/datapackage.json" in names
