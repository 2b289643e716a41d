"""The three lesson plans: read from ``lessons.yaml``, checked, and written out.

``lessons.yaml`` (beside this module) is the one source of the lesson plans: the page
``chapters/84_lesson_plans.md`` (:func:`page`, written by ``stpbook teaching``), the slide
decks (``stpbook.teaching.slides``) and the tests all read it. :func:`load` refuses a
plan whose steps do not add up to its session's length, a break that is not a break, a
slide of an unknown kind or a key it does not know, so a timing slip fails fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError

SOURCE = Path(__file__).with_name("lessons.yaml")
SITE_FOLDER = "_static/teaching"  # where publish() puts the files in the built book
FROM_PAGE = f"../{SITE_FOLDER}"  # the same folder seen from a page in chapters/
SLIDE_KINDS = ("title", "normal", "question", "vote", "break", "end")
PLAN_KEYS = {
    "id",
    "title",
    "short",
    "minutes",
    "audience",
    "needs",
    "outcomes",
    "before",
    "no_network",
    "after",
    "sessions",
}
SESSION_KEYS = {"id", "title", "minutes", "steps", "homework"}
STEP_KEYS = {"minutes", "what", "students", "project", "break", "slides"}
SLIDE_KEYS = {
    "title",
    "kind",
    "points",
    "numbers",
    "chart",
    "sliders",
    "height",
    "sources",
    "book_credit",
    "read",
}


@dataclass(frozen=True)
class Slide:
    title: str
    kind: str = "normal"
    points: tuple[str, ...] = ()
    numbers: tuple[tuple[str, str], ...] = ()  # (chapter.name, words)
    chart: str | None = None  # chapter.function
    sliders: bool = False
    sources: tuple[str, ...] = ()  # bibliography keys
    read: tuple[str, ...] = ()  # section labels
    height: int | None = None  # the chart's plot height on the slide, in pixels
    book_credit: str = ""  # the book's own work the slide shows ("this book's count ...")


@dataclass(frozen=True)
class Step:
    start: int  # minutes from the start of the session
    minutes: int
    what: str
    students: str
    project: tuple[str, ...]
    is_break: bool
    slides: tuple[Slide, ...]
    first_slide: int  # 1-based number of its first slide in the session's deck

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    minutes: int
    steps: tuple[Step, ...]
    homework_minutes: int = 0
    homework: tuple[str, ...] = ()

    @property
    def slides(self) -> list[Slide]:
        return [s for step in self.steps for s in step.slides]

    @property
    def deck(self) -> str:
        """The deck's file name inside the teaching folder."""
        return f"slides/{self.id}.html"


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    short: str
    minutes: int
    audience: str
    needs: str
    outcomes: tuple[str, ...]
    before: tuple[str, ...]
    no_network: tuple[str, ...]
    after: tuple[str, ...]
    sessions: tuple[Session, ...] = field(default=())


def _unknown(where: str, given: dict[str, Any], known: set[str]) -> None:
    extra = set(given) - known
    if extra:
        raise BuildError(f"{SOURCE.name}: {where}: unknown key(s) {', '.join(sorted(extra))}")


def _slide(raw: dict[str, Any], where: str) -> Slide:
    _unknown(where, raw, SLIDE_KEYS)
    kind = raw.get("kind", "normal")
    if kind not in SLIDE_KINDS:
        raise BuildError(
            f"{SOURCE.name}: {where}: slide kind {kind!r} is not one of {', '.join(SLIDE_KINDS)}"
        )
    return Slide(
        str(raw["title"]),
        kind,
        tuple(raw.get("points", [])),
        tuple((str(r), str(w)) for r, w in raw.get("numbers", [])),
        raw.get("chart"),
        bool(raw.get("sliders", False)),
        tuple(raw.get("sources", [])),
        tuple(raw.get("read", [])),
        int(raw["height"]) if raw.get("height") else None,
        " ".join(str(raw.get("book_credit", "")).split()),
    )


def _session(raw: dict[str, Any], where: str) -> Session:
    _unknown(where, raw, SESSION_KEYS)
    steps: list[Step] = []
    start, slide_no = 0, 1
    for i, step in enumerate(raw["steps"], 1):
        here = f"{where}, step {i}"
        _unknown(here, step, STEP_KEYS)
        slides = tuple(
            _slide(s, f"{here}, slide {j}") for j, s in enumerate(step.get("slides", []), 1)
        )
        minutes = int(step["minutes"])
        if minutes <= 0:
            raise BuildError(f"{SOURCE.name}: {here}: a step lasts at least a minute")
        is_break = bool(step.get("break", False))
        if is_break and (step.get("project") or any(s.kind != "break" for s in slides)):
            raise BuildError(
                f"{SOURCE.name}: {here}: a break has nothing projected and only a break slide"
            )
        steps.append(
            Step(
                start,
                minutes,
                str(step["what"]),
                str(step["students"]),
                tuple(step.get("project", []) or []),
                is_break,
                slides,
                slide_no,
            )
        )
        start += minutes
        slide_no += len(slides)
    if start != int(raw["minutes"]):
        raise BuildError(
            f"{SOURCE.name}: {where}: the steps add up to {start} minutes, "
            f"not the {raw['minutes']} the session lasts"
        )
    homework = raw.get("homework") or {}
    return Session(
        str(raw["id"]),
        str(raw["title"]),
        int(raw["minutes"]),
        tuple(steps),
        int(homework.get("minutes", 0)),
        tuple(homework.get("tasks", [])),
    )


def load(path: Path | None = None) -> list[Plan]:
    """The lesson plans, checked (see the module docstring)."""
    import yaml

    raw = yaml.safe_load((path or SOURCE).read_text(encoding="utf-8")) or {}
    plans = []
    for item in raw.get("plans", []):
        where = f"plan {item.get('id', '?')}"
        _unknown(where, item, PLAN_KEYS)
        sessions = tuple(
            _session(s, f"{where}, session {s.get('id', '?')}") for s in item["sessions"]
        )
        total = sum(s.minutes for s in sessions)
        if total != int(item["minutes"]):
            raise BuildError(
                f"{SOURCE.name}: {where}: its sessions last {total} minutes, "
                f"not the {item['minutes']} it states"
            )
        plans.append(
            Plan(
                str(item["id"]),
                str(item["title"]),
                str(item["short"]),
                int(item["minutes"]),
                str(item["audience"]),
                str(item["needs"]),
                tuple(item["outcomes"]),
                tuple(item.get("before", [])),
                tuple(item["no_network"]),
                tuple(item.get("after", [])),
                sessions,
            )
        )
    return plans


def sessions() -> list[Session]:
    return [s for plan in load() for s in plan.sessions]


# --- the page ------------------------------------------------------------------------


def _refs(labels: tuple[str, ...], chapters: dict[str, int] | None = None) -> str:
    """Section links, each with its chapter's number where known."""

    def one(label: str) -> str:
        number = (chapters or {}).get(label)
        return f"{{ref}}`{label}`" + (f" (chapter {number})" if number else "")

    return ", ".join(one(label) for label in labels)


def _slides_words(step: Step) -> str:
    n = len(step.slides)
    if n == 0:
        return ""
    last = step.first_slide + n - 1
    return f"slide {step.first_slide}" if n == 1 else f"slides {step.first_slide}-{last}"


def _time(minutes: int) -> str:
    return (
        f"{minutes} min"
        if minutes < 60
        else (f"{minutes // 60} h" + (f" {minutes % 60} min" if minutes % 60 else ""))
    )


def _session_markdown(
    session: Session, plan: Plan, chapters: dict[str, int] | None = None
) -> list[str]:
    deck = f"{FROM_PAGE}/{session.deck}"
    out = []
    if len(plan.sessions) > 1:
        out += [f"(lesson-{session.id})=", f"### {session.title} ({_time(session.minutes)})", ""]
    heading = "####" if len(plan.sessions) > 1 else "###"
    out += [
        f"{heading} Minute by minute",
        "",
        f'Slides: <a href="{deck}">{session.title} (slide deck)</a>. Arrow keys '
        "or a click move between slides and F goes full screen; every chart is drawn "
        "on the slide, with no network.",
        "",
    ]
    for i, step in enumerate(session.steps, 1):
        span = f"{step.start}-{step.end} min ({step.minutes} min)"
        label = "Break. " if step.is_break else ""
        out.append(f"{i}. **{span}.** {label}{step.what.strip()}")
        project = [p for p in (_slides_words(step), _refs(step.project, chapters)) if p]
        if step.is_break and project:
            out.append(f"    - *Project:* {project[0]}, the break's countdown.")
        elif project:
            out.append(f"    - *Project:* {'; '.join(project)}.")
        out.append(f"    - *Students:* {step.students.strip()}")
    out.append("")
    if session.homework:
        out += [f"{heading} Homework (about {_time(session.homework_minutes)})", ""]
        out += [f"- {task}" for task in session.homework]
        out.append("")
    return out


def page(plans: list[Plan] | None = None, chapters: dict[str, int] | None = None) -> str:
    """The MyST Markdown of ``chapters/84_lesson_plans.md``; ``chapters`` maps section
    labels to chapter numbers, for the links' words."""
    plans = plans or load()
    lines = [
        "% Written by `stpbook teaching` from src/stpbook/teaching/lessons.yaml: edit that "
        "file, not this page.",
        "",
        "# Lesson plans",
        "",
        "Three plans for teaching the STPs with nothing but this website, a browser and a "
        "projector: a 50-minute lecture, a two-hour seminar built round a debate, and a "
        "unit of two sessions with homework. Each gives its learning outcomes, a minute-by-"
        "minute timetable saying what to project and what students do, its own slide deck, "
        "and what to do if the room has no network. The slides, the printable role cards, "
        "the student handout and the offline pack are all on the "
        "[seminar guide](80_seminar_guide.md); the [debate kit](85_debate_kit.md), the "
        "[pre-reading list](87_pre_reading.md) and the "
        "[model answers](86_model_answers.md) go with them.",
        "",
    ]
    for plan in plans:  # a list, not a table: it reads on a phone
        decks = ", ".join(f'<a href="{FROM_PAGE}/{s.deck}">{s.title}</a>' for s in plan.sessions)
        lines.append(
            f"- **{{ref}}`{plan.short} <lesson-{plan.id}>`**: {_time(plan.minutes)} in "
            f"class. Slides: {decks}."
        )
    lines.append("")
    for plan in plans:
        lines += [
            f"(lesson-{plan.id})=",
            f"## {plan.title}",
            "",
            f"**Length.** {_time(plan.minutes)} in class"
            + (f" over {len(plan.sessions)} sessions" if len(plan.sessions) > 1 else "")
            + (
                f", plus about {_time(sum(s.homework_minutes for s in plan.sessions))} of homework"
                if any(s.homework for s in plan.sessions)
                else ""
            )
            + ".",
            "",
            f"**Who it is for.** {plan.audience.strip()}",
            "",
            f"**What you need.** {plan.needs.strip()}",
            "",
            "### Learning outcomes",
            "",
            "By the end, students can:",
            "",
        ]
        lines += [f"{i}. {o.strip()}" for i, o in enumerate(plan.outcomes, 1)]
        lines += ["", "### Before the session", ""]
        lines += [f"- {b.strip()}" for b in plan.before]
        lines.append("")
        for session in plan.sessions:
            lines += _session_markdown(session, plan, chapters)
        lines += ["### If the room has no network", ""]
        lines += [f"- {n.strip()}" for n in plan.no_network]
        lines.append("")
        if plan.after:
            lines += ["### Afterwards", ""]
            lines += [f"- {a.strip()}" for a in plan.after]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
