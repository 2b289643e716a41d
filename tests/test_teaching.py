"""Teaching: lesson plans, debate kit, model answers, slides, handout, role cards, the
offline pack, the seminar dashboard, the scenarios and the exercise answers.

Fast tests read the teaching data and pages; the ones marked ``slow`` compute every
chapter or build files; ``browser`` ones drive Debian's Chromium (Playwright)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from stpbook import compare, data, parameters, scenarios
from stpbook.errors import BuildError, ParameterError
from stpbook.models import gap, reconfiguration
from stpbook.teaching import debate, lessons, numbers, pages, printing, sections

import browser_harness as bh
from conftest import LAYOUT, ROOT

CHAPTERS = ROOT / "chapters"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TEACHING_PAGES = [
    "80_seminar_guide.md",
    "81_exercises.md",
    "82_glossary.md",
    "83_scenarios.md",
    "84_lesson_plans.md",
    "85_debate_kit.md",
    "86_model_answers.md",
    "87_pre_reading.md",
]
OWN_PAGES = [p for p in TEACHING_PAGES if p != "83_scenarios.md"]
INTERNAL = re.compile(
    r"\bseeds?\b|stored cop|\bcorp(us|ora)\b|identified from a reader|"
    r"stpbook\.(models|charts|pipeline|data|chapters)\b|\bdata/\w+\.csv",
    re.IGNORECASE,
)
LABEL = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$", re.MULTILINE)
REF = re.compile(r"\{ref\}`(?:[^`<]*<)?([^`>]+)>?`")


def _text(page: str) -> str:
    return (CHAPTERS / page).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def book() -> numbers.Book:
    """Every chapter computed once at its defaults (about 20 s)."""
    return numbers.Book(LAYOUT)


# --- the lesson plans ----------------------------------------------------------------


def test_every_session_adds_up_to_its_stated_length():
    raw = yaml.safe_load(lessons.SOURCE.read_text(encoding="utf-8"))
    assert [p["id"] for p in raw["plans"]] == ["lecture", "seminar", "unit"]
    for plan in raw["plans"]:
        sessions = plan["sessions"]
        for session in sessions:
            assert sum(step["minutes"] for step in session["steps"]) == session["minutes"], (
                f"{plan['id']} / {session['id']}"
            )
        assert sum(s["minutes"] for s in sessions) == plan["minutes"], plan["id"]
    by_id = {p.id: p for p in lessons.load()}  # load() checks the same, and more
    assert by_id["lecture"].minutes == 50 and len(by_id["lecture"].sessions) == 1
    assert by_id["seminar"].minutes == 120
    assert len(by_id["unit"].sessions) == 2 and by_id["unit"].sessions[0].homework


def test_the_seminar_has_one_real_ten_minute_break():
    seminar = {p.id: p for p in lessons.load()}["seminar"].sessions[0]
    breaks = [s for s in seminar.steps if s.is_break]
    assert len(breaks) == 1 and breaks[0].minutes == 10
    assert not breaks[0].project and [s.kind for s in breaks[0].slides] == ["break"]
    assert 0 < breaks[0].start and breaks[0].end < seminar.minutes


def test_a_timing_slip_is_refused(tmp_path):
    text = lessons.SOURCE.read_text(encoding="utf-8").replace("minutes: 50\n", "minutes: 55\n", 1)
    bad = tmp_path / "lessons.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError, match="add up to|sessions last"):
        lessons.load(bad)


def test_each_plan_says_what_to_project_what_students_do_and_what_to_do_offline():
    for plan in lessons.load():
        assert plan.outcomes and plan.no_network and plan.needs, plan.id
        for session in plan.sessions:
            assert session.slides and session.slides[0].kind == "title"
            for step in session.steps:
                assert step.what and step.students, (plan.id, step.start)
                assert step.slides, f"{plan.id} at {step.start} min shows nothing"


def test_teaching_data_name_only_sections_that_exist():
    found = sections.sections(LAYOUT)
    named = []
    for plan in lessons.load():
        for session in plan.sessions:
            for step in session.steps:
                named += step.project
                for slide in step.slides:
                    named += slide.read
    for role in debate.load().roles:
        for ev in role.evidence:
            named += ev.read
    reading = yaml.safe_load(pages.READING.read_text(encoding="utf-8"))
    for item in reading["lists"]:
        named += item["sections"]
    missing = sorted({label for label in named if label not in found})
    assert not missing, f"labels not in the chapters: {missing}"


def test_teaching_pages_link_only_to_labels_that_exist():
    labels = set(sections.sections(LAYOUT))
    for page in TEACHING_PAGES:
        labels |= set(LABEL.findall(_text(page)))
    for page in TEACHING_PAGES:
        missing = sorted({r for r in REF.findall(_text(page)) if r not in labels})
        assert not missing, f"{page}: {missing}"


def test_lesson_plans_link_to_every_deck_and_the_downloads():
    text = _text("84_lesson_plans.md")
    for plan in lessons.load():
        assert f"(lesson-{plan.id})=" in text
        for session in plan.sessions:
            assert f'href="../_static/teaching/{session.deck}"' in text
    guide = _text("80_seminar_guide.md")
    for target in (
        "handout.pdf",
        "handout.html",
        "role-cards.pdf",
        "role-cards.html",
        "stp-book-offline.zip",
        "slides/lecture.html",
        "slides/seminar.html",
        "slides/unit-1.html",
        "slides/unit-2.html",
    ):
        assert f'href="../_static/teaching/{target}"' in guide, target
    assert 'href="../_static/teaching/role-cards.pdf"' in _text("85_debate_kit.md")


# --- the debate kit ------------------------------------------------------------------


def test_debate_kit_has_a_motion_six_roles_alternating_and_a_way_to_judge():
    kit = debate.load()
    assert "plan for cuts, not for care" in kit.motion
    assert 4 <= len(kit.roles) <= 6
    assert {r.side for r in kit.roles} == {"for", "against"}
    names = " ".join(r.name for r in kit.roles).lower()
    for who in ("stp lead", "ccg chair", "council leader", "campaigner", "treasury", "patient"):
        assert who in names, who
    for role in kit.roles:
        assert len(role.evidence) >= 4, role.id
        for ev in role.evidence:  # an article, or the book's own work said to be that
            assert ev.sources or ev.book_credit.lower().startswith("this book's"), role.id
        assert role.against and role.chart, role.id  # every card has its chart
    assert len(kit.judging) >= 3 and kit.minutes <= 45


# --- model answers ---------------------------------------------------------------------


def _normal(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(
        r"\{(?:ref|doc)\}`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`",
        lambda m: m.group(1) or m.group(2),
        text,
    )
    text = re.sub(r"\{cite\}`[^`]*`", "", text)
    text = text.replace("*", "").replace("“", '"').replace("”", '"').replace("’", "'")
    return " ".join(text.split()).strip()


def _answers() -> dict[str, str]:
    """Model answers by label: the text from the label to the next label."""
    text = _text("86_model_answers.md")
    parts = re.split(r"^\(([A-Za-z0-9_-]+)\)=\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_every_chapter_question_for_discussion_has_a_model_answer():
    answers = _answers()
    questions = sections.questions(LAYOUT)
    assert len(questions) == 6, sorted(questions)
    problems = []
    for stem, items in questions.items():
        number = int(stem[:2])
        assert items, f"{stem} has no questions for discussion"
        for i, question in enumerate(items, 1):
            label = f"answer-ch{number}-q{i}"
            if label not in answers:
                problems.append(f"{label}: no model answer")
                continue
            quoted = " ".join(
                line.lstrip("> ").strip()
                for line in answers[label].splitlines()
                if line.startswith(">")
            )
            pieces = re.split(
                r"\{eval\}`[^`]+`",
                _normal(re.sub(r"\{eval\}`[^`]+`", "\0", question).replace("\0", "{eval}`x`")),
            )
            pattern = ".{1,40}?".join(re.escape(p) for p in pieces)
            if not re.fullmatch(pattern, _normal(quoted)):
                problems.append(
                    f"{label}: the quoted question differs from {stem}'s:\n"
                    f"  chapter: {_normal(question)}\n  answer:  {_normal(quoted)}"
                )
            for part in ("What a good answer covers", "Evidence", "Common mistakes"):
                if f"**{part}" not in answers[label]:
                    problems.append(f"{label}: no '{part}'")
    assert not problems, "\n".join(problems)


def test_every_exercise_has_a_model_answer():
    answers = _answers()
    exercises = LABEL.findall(_text("81_exercises.md"))
    assert len([e for e in exercises if e.startswith("ex-") and e != "ex-book"]) >= 16
    for label in exercises:
        if label == "ex-book":
            continue
        assert f"answer-{label}" in answers, label
    book_questions = _text("81_exercises.md").split("## Discussion questions across the book")[1]
    count = len(re.findall(r"^\d+\. ", book_questions, re.MULTILINE))
    for k in range(1, count + 1):
        assert f"answer-book-{k}" in answers, k


def test_model_answers_point_to_the_evidence():
    for label, body in _answers().items():
        if label not in ("answer-chapters", "answer-exercises", "answer-book"):
            assert REF.search(body), f"{label} links to no section"


# --- pages: words, sources, glossary ---------------------------------------------------


@pytest.mark.parametrize("page", OWN_PAGES)
def test_teaching_pages_show_no_internal_words(page):
    text = re.sub(r"^%.*$", "", _text(page), flags=re.MULTILINE)  # MyST comments
    match = INTERNAL.search(text)
    assert not match, f"{page}: ...{text[max(0, match.start() - 60) : match.end() + 60]!r}"


def test_pages_cite_only_keys_in_the_bibliography():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for page in TEACHING_PAGES:
        for group in re.findall(r"\{cite\}`([^`]+)`", _text(page)):
            for key in group.split(","):
                assert f"{{{key.strip()}," in bib, f"{page}: {key}"


def test_glossary_has_the_acronyms_and_pa_is_pa_consulting():
    text = _text("82_glossary.md")
    for term in (
        "STP",
        "FYFV",
        "CCG",
        "HWB",
        "SHA",
        "NHSE",
        "NHSI",
        "ICS",
        "ICB",
        "ACS",
        "A&E",
        "BHP",
        "STF",
        "CLG",
        "BMA",
        "PA",
        "HSJ",
        "ANEC",
        "QIPP",
        "LA",
        "IRP",
        "IFS",
        "IPPR",
        "PFI",
        "NHE",
        "LGC",
    ):
        assert re.search(rf"^{re.escape(term)}\b", text, re.MULTILINE), term
    pa = text.split("\nPA\n", 1)[1].split("\n\n", 1)[0]
    assert "PA Consulting" in pa and pa.index("PA Consulting") < pa.index("Press Association")
    assert "Strategic health authority" in text and "Socialist Health Association" in text
    assert "member" not in text  # the launch write-up's author is not named as a member


def test_teaching_pages_link_within_the_page_only_to_labels_there():
    """Raw HTML tables (which never squeeze a word on a phone) link by id; each id is a
    label of the same page, written with hyphens so that it is the id Sphinx gives."""
    for page in TEACHING_PAGES:
        text = _text(page)
        labels = set(LABEL.findall(text))
        for target in re.findall(r'href="#([^"]+)"', text):
            assert target in labels and "_" not in target, f"{page}: #{target}"


def test_no_pipe_tables_on_the_teaching_pages():
    """A Markdown table's cells are paragraphs, which the book's stylesheet lets break
    anywhere: on a phone, headings broke mid-word. Lists or raw HTML tables instead."""
    for page in TEACHING_PAGES:
        rules = re.findall(r"^\|\s*:?-+", _text(page), re.MULTILINE)
        assert not rules, page


def test_seminar_guide_hides_the_offline_link_inside_the_offline_pack():
    from stpbook.teaching import site

    text = _text("80_seminar_guide.md")
    block = re.search(r'<p class="stp-online-only">.*?</p>', text, re.DOTALL)
    assert block and "stp-book-offline.zip" in block.group(0)
    assert "stp-book-offline.zip" not in text.replace(block.group(0), "")
    assert "without a browser" not in text  # a build detail, not for seminar leaders
    page = b'<p>Before.</p><p class="stp-online-only"><a href="x/stp-book-offline.zip">pack</a></p>'
    copy = site.offline_copy(page)
    assert b"stp-book-offline.zip" not in copy and b"This copy is the offline pack" in copy
    index = site._index({"printed": {"handout": True, "role-cards": True}})
    assert b"stp-book-offline.zip" not in site.offline_copy(index.encode())


def test_homework_names_the_questions_it_sets():
    text = _text("84_lesson_plans.md")
    assert "questions 5.1 and 6.2" not in text
    assert "chapter 5, question 1" in text and "chapter 6, question 2" in text


def test_exercise_1_1_does_not_call_7_6bn_more_than_8bn():
    text = _text("81_exercises.md")
    assert "more than the whole £8bn" not in text and "almost as much as the whole £8bn" in text


def test_generated_teaching_pages_are_current():
    assert not pages.stale(LAYOUT), "run `stpbook teaching --pages` and commit the pages"


# --- every number and chart the teaching files use ---------------------------------------


def test_every_number_and_chart_the_teaching_files_use_resolves(book):
    refs, charts = list(debate.references(debate.load())), []
    for plan in lessons.load():
        for slide in (s for session in plan.sessions for s in session.slides):
            refs += [r for r, _ in slide.numbers]
            charts += [slide.chart] if slide.chart else []
    charts += [r.chart for r in debate.load().roles if r.chart]
    for ref in refs:
        assert book.number(ref), ref
    for ref in set(charts):
        assert book.chart(ref).to_dict()["usermeta"]["source"], ref
    keys = data.bib_keys(LAYOUT)
    for plan in lessons.load():
        for slide in (s for session in plan.sessions for s in session.slides):
            assert set(slide.sources) <= keys, slide.title


def test_a_number_with_changed_parameters_is_the_chapters_own(book):
    from stpbook.chapters import reconfigurations

    values = {**parameters.defaults("04_reconfigurations", LAYOUT), "annual_saving_gbp_m": 20}
    inputs = reconfigurations.inputs(LAYOUT)
    expected = reconfigurations.compute(inputs, **values).text.npv
    assert book.number("reconfigurations.npv(annual_saving_gbp_m=20)") == expected
    assert book.number("reconfigurations.npv") != expected
    with pytest.raises(ParameterError):
        book.number("reconfigurations.npv(no_such_parameter=1)")


def test_model_answer_on_payback_says_what_the_model_gives():
    """Chapter 4, question 1: "a fifth less saving", "a fifth more capital" and one more
    year of dual running each turn the default's small margin negative, and the saving
    moves it most."""
    defaults = parameters.defaults("04_reconfigurations", LAYOUT)
    text = pages.ANSWERS.read_text(encoding="utf-8")
    assert "annual_saving_gbp_m=20)" in text and "capital_cost_gbp_m=300)" in text
    assert defaults["annual_saving_gbp_m"] * 0.8 == pytest.approx(20)
    assert defaults["capital_cost_gbp_m"] * 1.2 == pytest.approx(300)
    assert defaults["dual_running_years"] + 1 == 4

    def npv(**change):
        v = {**defaults, **change}
        return reconfiguration.npv(
            v["annual_saving_gbp_m"],
            v["capital_cost_gbp_m"],
            v["dual_running_years"],
            v["transition_cost_gbp_m"],
            v["discount_rate"],
            v["horizon_years"],
        )

    saving, capital, dual = (
        npv(annual_saving_gbp_m=20),
        npv(capital_cost_gbp_m=300),
        npv(dual_running_years=4),
    )
    assert npv() > 0 and saving < capital < 0 and dual < 0


def test_slide_charts_have_no_text_smaller_than_the_projector_minimum():
    from stpbook.teaching import slides

    spec = {
        "config": {"axis": {"labelFontSize": 11}},
        "layer": [{"mark": {"type": "text", "fontSize": 9}}],
        "encoding": {"y": {"axis": {"labelFontSize": 10, "labelLineHeight": 12}}},
        "title": {"text": "t", "fontSize": {"expr": "12"}},
    }
    out = slides.projector(spec, height=200)
    assert out["config"]["axis"]["labelFontSize"] >= slides.MIN_TEXT >= 14
    assert out["layer"][0]["mark"]["fontSize"] >= slides.MIN_TEXT
    assert out["encoding"]["y"]["axis"]["labelFontSize"] >= slides.MIN_TEXT
    assert out["encoding"]["y"]["axis"]["labelLineHeight"] > slides.MIN_TEXT
    assert out["title"]["fontSize"] == {"expr": "12"} and out["height"] == 200


def test_slide_titles_say_what_their_charts_show():
    by_chart = {
        s.title: s.chart
        for plan in lessons.load()
        for session in plan.sessions
        for s in session.slides
        if s.chart
    }
    assert by_chart.get("Gaps of hundreds of millions per plan") is None  # no fund chart
    assert by_chart["The fund for transformation went on deficits"] == "plans_and_money.stf_chart"
    assert "£22bn of efficiency, £8bn of money" not in by_chart


def test_credits_name_author_outlet_and_date_never_a_key(book):
    assert book.credit("alderwick_kingsfund_stps_2016") == (
        "Hugh Alderwick, The King's Fund blog, November 2016"
    )
    assert book.credit("nhe_betts_interview_2017").startswith("Clive Betts MP")
    assert book.credit("kingsfund_stf_blog_2016") == "The King's Fund blog, 2016"
    assert book.credit("bma_stp_capital_2017") == "British Medical Association, February 2017"
    plain = book.plain(
        "A gap of {eval}`n.ncl_gap` {cite}`alderwick_kingsfund_stps_2016`, "
        "see {ref}`ch3-gaps` and [chapter 4](04_reconfigurations.ipynb).",
        "plans_and_money",
    )
    assert plain == (
        "A gap of £876m (Hugh Alderwick, The King's Fund blog, November 2016), "
        "see another section and chapter 4."
    )


def test_printable_pages_fit_a_phone(book):
    from stpbook.teaching import handout

    viewport = "<meta name='viewport' content='width=device-width, initial-scale=1'>"
    assert viewport in debate.cards_html(book)
    assert viewport in handout.page(LAYOUT, book)


def test_handout_credits_the_books_own_count_and_the_sources_the_chapters_use(book):
    from stpbook.teaching import handout

    figures = {what: source for what, _, source in handout.key_figures(LAYOUT, book)}
    proposals = next(s for w, s in figures.items() if w.startswith("Hospital proposals"))
    assert proposals.startswith("This book's count") and "Alderwick" not in proposals
    timeline = data.load("timeline", layout=LAYOUT)
    for _, row in timeline.iterrows():
        key = handout.timeline_source(str(row["event"]), str(row["source_id"]))
        assert key != "conservativelincs_settlement_2018"
        if str(row["event"]).startswith("White paper"):
            assert book.entries()[key]["year"] == "2021"


def test_handout_and_cards_credit_sources_and_show_no_keys_or_internal_words(book):
    from stpbook.teaching import handout

    keys = data.bib_keys(LAYOUT)
    for name, text in (
        ("handout", handout.page(LAYOUT, book)),
        ("role cards", debate.cards_html(book)),
    ):
        visible = re.sub(r"<(style|script)[^>]*>.*?</\1>|<[^>]+>", " ", text, flags=re.S)
        assert not [k for k in keys if k in visible], f"{name} prints a bibliography key"
        assert not INTERNAL.search(visible), f"{name}: {INTERNAL.search(visible)}"
        assert "{cite}" not in visible and "{eval}" not in visible and "{ref}" not in visible
    assert "Hugh Alderwick, The King's Fund blog, November 2016" in html.unescape(
        handout.page(LAYOUT, book)
    )


# --- reproducible files ----------------------------------------------------------------


def test_source_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    assert printing.source_date() == 1500000000


def test_placeholder_pdf_is_a_valid_one_page_pdf_and_always_the_same(tmp_path):
    first = printing.placeholder_pdf(["Title", "a line (with brackets) and £"])
    assert first == printing.placeholder_pdf(["Title", "a line (with brackets) and £"])
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(first)
    assert printing.page_count(pdf) == 1
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
    if info.returncode != 127:
        assert re.search(r"^Pages:\s+1$", info.stdout, re.MULTILINE), info.stdout


def test_zips_are_the_same_bytes_whatever_the_file_times(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    src = tmp_path / "a.txt"
    src.write_text("same", encoding="utf-8")
    one = printing.zip_files(tmp_path / "one.zip", [("x/a.txt", src), ("x/b", b"bytes")])
    src.touch()
    two = printing.zip_files(tmp_path / "two.zip", [("x/a.txt", src), ("x/b", b"bytes")])
    assert one.read_bytes() == two.read_bytes()
    assert zipfile.ZipFile(one).getinfo("x/a.txt").date_time == (2020, 9, 13, 12, 26, 40)


def test_without_chromium_the_pdf_is_an_honest_note(tmp_path, monkeypatch):
    monkeypatch.setattr(printing, "chromium_missing", lambda: "no browser here")
    page = tmp_path / "handout.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    assert printing.write_pdf(page, tmp_path / "handout.pdf", "Handout") is False
    body = (tmp_path / "handout.pdf").read_bytes()
    assert body.startswith(b"%PDF") and b"handout.html" in body and b"without a browser" in body


# --- the seminar dashboard ---------------------------------------------------------------


def test_dashboard_is_thin_calls_each_chapters_recipe_and_is_stored_clean():
    nb = nbformat.read(ROOT / "seminar" / "dashboard.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    source = "\n".join(c.source for c in code)
    for stem in (
        "forward_view",
        "footprints",
        "plans_and_money",
        "reconfigurations",
        "critiques",
        "what_came_next",
    ):
        alias = re.search(rf"from stpbook\.chapters import {stem} as (\w+)", source)
        assert alias, stem
        a = alias.group(1)
        assert f"{a}.panel({a}.compute({a}.inputs(), **defaults({a}.NOTEBOOK)))" in source
    assert "import pandas" not in source and "stpbook.models" not in source


# --- scenarios (the scenario page is generated by `stpbook scenarios`) ---------------------


def test_at_least_three_named_alternatives_each_documented():
    keys = data.bib_keys(LAYOUT)
    alternatives = [p for p in SCENARIOS if p.stem != "default"]
    assert len(alternatives) >= 3
    for path in SCENARIOS:
        scen = scenarios.load_scenario(path, LAYOUT)
        assert scen.name == path.stem and scen.title and len(scen.description) > 80, path
        assert scen.sources and set(scen.sources) <= keys, path


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_with_an_unknown_key_is_refused_naming_file_and_key(path, tmp_path):
    bad = tmp_path / path.name
    bad.write_text(path.read_text(encoding="utf-8") + "\nassumption_notes: oops\n")
    with pytest.raises(ParameterError, match=rf"{re.escape(path.name)}.*assumption_notes"):
        scenarios.load_scenario(bad, LAYOUT)


def test_scenario_page_lists_every_shipped_scenario():
    text = _text("83_scenarios.md")
    for path in SCENARIOS:
        scen = scenarios.load_scenario(path, LAYOUT)
        assert scen.title in text and f"scenarios/{path.name}" in text


def test_scenario_page_reads_on_a_phone_with_numbers_for_readers():
    """Scenario titles in rows (not file names as headings), at most three numbers a
    table row, £ not GBP, counts without decimals, the printed survey flagged."""
    text = _text("83_scenarios.md")
    assert "GBP" not in text
    for path in SCENARIOS:
        scen = scenarios.load_scenario(path, LAYOUT)
        assert f'data-label="Scenario">{html.escape(scen.title)}<' in text, scen.name
        assert f">{scen.name}<" not in text
    for table in re.findall(r"<table.*?</table>", text):
        assert table.count("<th ") <= 4
    cells = re.findall(r'class="stp-num"[^>]*>([^<]*)<', text)
    assert cells and not [c for c in cells if re.fullmatch(r"[−-]?[\d,]+\.0%?", c)]
    assert "as printed; cannot all be right" in text
    assert "North Central London" in text  # the plan chapter 3 stress-tests, named
    assert "Ch. footprint" not in text


def test_numbers_on_the_scenario_page_are_formatted_for_readers():
    assert compare.fmt(9.6, "£bn a year") == "£9.6bn"
    assert compare.fmt(-2.2, "£bn a year") == "\u2212£2.2bn"
    assert compare.fmt(502.4, "£m a year") == "£502m"
    assert compare.fmt(7.3, "£m") == "£7.3m"
    assert compare.fmt(27.0, "count") == "27"
    assert compare.fmt(66.0, "%") == "66%" and compare.fmt(50.6, "%") == "50.6%"
    assert compare.fmt(2077806.0, "people") == "2,077,806"
    assert compare.fmt(float("nan"), "years") == "not within the period"
    assert compare.split_unit("Left for extra funding (GBP bn a year)") == (
        "Left for extra funding",
        "£bn a year",
    )


@pytest.mark.slow
def test_scenario_page_is_current_and_says_what_its_numbers_show():
    found, table, values = compare._compare(compare.shipped(LAYOUT), LAYOUT)
    assert compare.book_page(found, table, values, LAYOUT) == _text("83_scenarios.md"), (
        "run `stpbook scenarios`"
    )
    rows = table.set_index("item")
    left = next(i for i in rows.index if i.startswith("Ch. 1, Left for extra funding"))
    closed = next(i for i in rows.index if i.startswith("Ch. 3, Draws that close"))
    # "The Forward View as published": the sums "only nearly close" in chapter 1, and
    # the stress test closes the plan's gap "in only about half" of its draws.
    assert 0 < rows.loc[left, "fyfv_as_published"] < 3
    assert 35 <= rows.loc[closed, "fyfv_as_published"] <= 65
    text = scenarios.load_scenario(ROOT / "scenarios" / "fyfv_as_published.yaml").description
    assert "nearly close" in text and "about half" in text and "the gap closes" not in text


@pytest.mark.slow
def test_compare_reports_what_the_chapter_computes():
    from stpbook.chapters import forward_view

    found, table = compare.compare(SCENARIOS, LAYOUT)
    rows = table.set_index("item")
    label = next(i for i in rows.index if i.startswith("Ch. 1, Left for extra funding"))
    inputs = forward_view.inputs(LAYOUT)
    for scen in found:
        values = {
            **parameters.defaults("01_forward_view", LAYOUT),
            **scen.for_chapter(CHAPTERS / "01_forward_view.ipynb"),
        }
        expected = forward_view.headline(forward_view.compute(inputs, **values))
        assert rows.loc[label, scen.name] == pytest.approx(
            expected["Left for extra funding (GBP bn a year)"]
        )


# --- the exercises' worked solutions -------------------------------------------------------


def exercise_answers() -> list[str]:
    """Every number stated in the exercise solutions, recomputed from models and data."""
    from stpbook.chapters import forward_view, plans_and_money

    fv = forward_view.inputs(LAYOUT)
    base, years = fv.base_bn, fv.published_horizon - fv.base_year
    do_nothing = gap.do_nothing_gap(base, 0.04, 0.0, years)
    left_15 = gap.remaining_gap(base, 0.04, 0.0, 0.015, years)
    left_25 = gap.remaining_gap(base, 0.04, 0.0, 0.025, years)
    answers = [
        f"**£{do_nothing:.1f}bn**",
        f"£{gap.closed_by_efficiency(base, 0.04, 0.015, years):.1f}bn",
        f"**£{left_15:.1f}bn**",
        f"**{100 * left_15 / do_nothing:.1f}%**",
        f"£{left_25:.1f}bn ({100 * left_25 / do_nothing:.1f}%)",
        f"about £{left_15 - left_25:.1f}bn",
        f"**{100 * gap.efficiency_needed(base, 0.04, years, 22):.2f}%**",
    ]
    foot = data.load("footprints", layout=LAYOUT).set_index("stp17cd")
    pop = foot["population_mid2016"]
    answers += [
        f"**{pop.min():,.0f}**",
        f"**{pop.max():,.0f}**",
        f"**{pop.max() / pop.min():.1f}**",
        f"smallest, {foot.loc[pop.idxmin(), 'stp17nm']}, at",
        f"largest, {foot.loc[pop.idxmax(), 'stp17nm']}, at",
    ]
    gaps = data.load("financial_gaps", layout=LAYOUT)
    gaps = gaps[gaps["is_headline"].astype(str).str.lower() == "true"].set_index("stp17cd")
    ncl, brum = gaps.loc["E54000028"], gaps.loc["E54000017"]
    answers += [
        f"**£{ncl['gap_gbp_m'] * 1e6 / pop['E54000028']:.0f}** a head",
        f"({ncl['gap_gbp_m']:.0f} / {pop['E54000028']:,.0f} people)",
        f"**£{brum['gap_gbp_m'] * 1e6 / pop['E54000017']:.0f}** a head",
        f"**£{(brum['gap_gbp_m'] - brum['social_care_gbp_m']) * 1e6 / pop['E54000017']:.0f}**",
        (
            f"({brum['gap_gbp_m']:.0f} - {brum['social_care_gbp_m']:.0f} = "
            f"{brum['gap_gbp_m'] - brum['social_care_gbp_m']:.0f})"
        ),
    ]
    pm = plans_and_money.inputs(LAYOUT)
    defaults = parameters.defaults("03_plans_and_money", LAYOUT)
    for change in (
        {},
        {"efficiency_delivered": 1.0},
        {"activity_reduction_achieved": 1.0},
        {"extra_funding_gbp_m": 300.0},
    ):
        summary = plans_and_money.compute(pm, **{**defaults, **change}).summary
        answers += [f"**£{summary['q50']:.0f}m**", f"**{100 * summary['share_closed']:.1f}%**"]
    llr = {**defaults, "footprint": "E54000015"}
    central = plans_and_money.compute(pm, **llr).summary
    historic = plans_and_money.compute(pm, **{**llr, "efficiency_delivered": 0.6}).summary
    everything = plans_and_money.compute(
        pm, **{**llr, "efficiency_delivered": 1.0, "activity_reduction_achieved": 1.0}
    ).summary
    answers += [
        f"£{gaps.loc['E54000015', 'gap_gbp_m']:.0f}m a year",
        f"about £{gaps.loc['E54000015', 'gap_gbp_m'] * 1e6 / pop['E54000015']:.0f} a head",
        f"**£{central['q50']:.0f}m**",
        f"**{100 * central['share_closed']:.1f}%**",
        f"**£{historic['q50']:.0f}m**",
        f"(**{'-' if everything['q50'] < 0 else ''}£{abs(everything['q50']):.0f}m**)",
        f"**{100 * everything['share_closed']:.1f}%**",
    ]
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
    surveys = data.load("surveys", layout=LAYOUT)
    blogged = surveys[surveys["survey_id"] == "hsj_ccg_barometer_2016_10_as_blogged"]
    answers.append(f"**{blogged['share_pct'].sum():.0f}**%")
    timeline = data.load("timeline", layout=LAYOUT)
    dates = pd.to_datetime(timeline["date"])
    start = dates[timeline["event"].str.contains("Five Year Forward View")].min()
    end = dates[timeline["event"].str.contains("Integrated care boards become statutory")].max()
    answers.append(f"**{(end - start).days / 365.25:.1f}** years")
    return answers


@pytest.mark.slow
def test_every_exercise_answer_matches_the_model():
    flat = " ".join(_text("81_exercises.md").split())
    missing = [a for a in exercise_answers() if " ".join(a.split()) not in flat]
    assert not missing, missing


def test_every_chapter_has_exercises():
    text = _text("81_exercises.md")
    for nb in LAYOUT.notebooks(part=sections.STORY):
        assert f"## Chapter {int(nb.stem[:2])}:" in text, nb.stem
    assert text.count(":class: dropdown") >= 10
    assert "(ex-3-4)=" in text and "stpbook run plans_and_money -p footprint" in text


# --- built files: slides, role cards, handout, publishing ------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory, book):
    """The teaching files built into a temporary folder (decks, cards, handout)."""
    from stpbook.teaching import handout, slides

    out = tmp_path_factory.mktemp("teaching")
    decks = slides.build(book, out / "slides")
    return {"out": out, "decks": decks, "handout": handout, "slides": slides}


@pytest.mark.slow
@pytest.mark.browser
def test_slides_work_offline_at_1024x768_and_every_chart_draws(built):
    bh.require_chromium()
    from stpbook.browser import chromium

    decks = built["decks"]
    assert {p.name for p in decks} == {"lecture.html", "seminar.html", "unit-1.html", "unit-2.html"}
    problems = []
    with chromium() as browser:
        for deck in decks:
            text = deck.read_text(encoding="utf-8")
            assert not re.search(r"""(src|href)=["']https?://""", text.split("<main>")[0])
            context = browser.new_context(viewport={"width": 1024, "height": 768})
            outside: list[str] = []
            errors: list[str] = []

            def route(r, outside=outside):
                if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
                    return r.continue_()
                outside.append(r.request.url)
                return r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on(
                "console",
                lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(deck.resolve().as_uri())
            page.wait_for_function("() => window.stpDeck")
            count = page.evaluate("stpDeck.count")
            for i in range(count):
                page.keyboard.press("Home") if i == 0 else page.keyboard.press("ArrowRight")
                assert page.evaluate("stpDeck.current()") == i
                ids = page.evaluate(
                    "[...document.querySelectorAll('.slide.current .stp-vega')].map(e => e.id)"
                )
                for chart in ids:
                    page.wait_for_function(
                        f"() => window.stpViews['{chart}'] && document.querySelector("
                        f"'#{chart} svg .mark-group, #{chart} svg g.mark-rect, #{chart} svg path')",
                        timeout=20000,
                    )
                box = page.evaluate("""() => {
                  const s = document.querySelector('.slide.current'); let over = 0;
                  for (const el of s.querySelectorAll('*')) {
                    const r = el.getBoundingClientRect();
                    if (r.width && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1)) {
                      over++; } }
                  return over; }""")
                if box:
                    problems.append(f"{deck.name} slide {i + 1}: {box} elements off the screen")
            if errors or outside:
                problems.append(f"{deck.name}: errors {errors[:3]}, outside {outside[:3]}")
            context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.browser
def test_role_cards_print_one_card_a_page(built, book):
    bh.require_chromium()
    _, pdf, printed = debate.write_cards(book, built["out"])
    assert printed
    roles = debate.load().roles
    assert printing.page_count(pdf) == len(roles)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages_ = text.split("\f")
    for role, page_text in zip(roles, pages_):
        assert role.name in page_text and "Your strongest evidence" in page_text


@pytest.mark.slow
@pytest.mark.browser
def test_handout_pdf_has_the_key_figures_with_credits(book, tmp_path):
    bh.require_chromium()
    from stpbook.layout import Layout
    from stpbook.teaching import handout

    class Here(Layout):
        @property
        def teaching(self) -> Path:
            return tmp_path

    pdf = handout.handout(Here(LAYOUT.root), numbers=book)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert printing.page_count(pdf) >= 2
    for figure in (
        "£30bn",
        "£876m",
        "£712m",
        "£325m",
        "£9.53bn",
        "Questions for discussion",
        "Hugh Alderwick, The King's Fund blog, November 2016",
    ):
        assert figure in text, figure
    assert "alderwick_kingsfund" not in text


@pytest.mark.slow
@pytest.mark.browser
def test_built_teaching_pages_link_to_files_that_exist():
    """The full book, published: every link from the teaching pages into the teaching
    folder resolves, and so does every link out of the teaching files."""
    bh.require_chromium()
    from stpbook import pipeline, teaching

    html = pipeline.make_book(LAYOUT, log=lambda _: None).html
    folder = teaching.publish(LAYOUT, html)
    manifest = json.loads((LAYOUT.teaching / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pages"]["role-cards"] == manifest["roles"]
    broken = []
    for page in ("80_seminar_guide", "84_lesson_plans", "85_debate_kit"):
        text = (html / "chapters" / f"{page}.html").read_text(encoding="utf-8")
        targets = re.findall(r'href="(\.\./_static/teaching/[^"#]+)"', text)
        assert targets, page
        broken += [
            f"{page}: {t}" for t in targets if not (html / "chapters" / t).resolve().is_file()
        ]
    for inner in [folder / "index.html", *sorted((folder / "slides").glob("*.html"))]:
        for target in re.findall(r"""href=['"]([^'"#:]+)""", inner.read_text(encoding="utf-8")):
            if not (inner.parent / target).resolve().is_file():
                broken.append(f"{inner.name}: {target}")
    assert not broken, "\n".join(broken)
    names = zipfile.ZipFile(folder / "stp-book-offline.zip").namelist()
    assert "stp-book/book/index.html" in names and "stp-book/data/datapackage.json" in names
    assert "stp-book/book/_static/teaching/slides/lecture.html" in names
    assert not [n for n in names if n.endswith("stp-book-offline.zip")]


def test_a_preview_or_variant_pack_goes_to_its_own_folder(tmp_path):
    """A partial book's offline pack never replaces the full book's."""
    from stpbook.layout import Layout
    from stpbook.teaching import site

    layout = Layout(tmp_path / "book")
    (layout.root / "data").mkdir(parents=True)
    (layout.root / "data" / "datapackage.json").write_text("{}", encoding="utf-8")
    html = tmp_path / "preview" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<p>partial</p>", encoding="utf-8")
    pack = site.offline_pack(layout, html, folder=tmp_path / "preview")
    assert pack == tmp_path / "preview" / site.OFFLINE and pack.is_file()
    assert not (layout.teaching / site.OFFLINE).exists()
