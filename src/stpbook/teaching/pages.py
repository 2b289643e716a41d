"""The teaching pages that are written from data, not by hand.

``stpbook teaching`` writes them into ``chapters/``:

- ``84_lesson_plans.md`` from ``lessons.yaml`` (:func:`stpbook.teaching.lessons.page`);
- ``85_debate_kit.md`` from ``debate.yaml`` and the chapters' numbers
  (:func:`stpbook.teaching.debate.page`);
- ``86_model_answers.md`` from ``answers.md``, with each ``{{chapter.name}}`` replaced by
  the chapter's number (:func:`model_answers`);
- ``87_pre_reading.md`` from ``reading.yaml`` and the chapters' sections, whose reading
  times are measured (:func:`pre_reading`).

Like the scenario page (``stpbook scenarios``), they are committed, so the book builds
without running this; a test checks that each committed page is what the generator
writes now, so a changed chapter number cannot leave a stale page behind.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..layout import Layout
from .numbers import Book, book
from .sections import WORDS_PER_MINUTE, sections

READING = Path(__file__).with_name("reading.yaml")
ANSWERS = Path(__file__).with_name("answers.md")
# {{chapter.name}}, or {{chapter.name(param=value, ...)}} with parameters changed.
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z_]*\.[A-Za-z_]\w*(?:\([^(){}]*\))?)\s*\}\}")
LESSONS_PAGE = "84_lesson_plans.md"
DEBATE_PAGE = "85_debate_kit.md"
READING_PAGE = "87_pre_reading.md"
ANSWERS_PAGE = "86_model_answers.md"


def minutes(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def pre_reading(layout: Layout, numbers: Book) -> str:
    """The MyST Markdown of ``chapters/87_pre_reading.md``."""
    import yaml

    raw = yaml.safe_load(READING.read_text(encoding="utf-8"))
    found = sections(layout)
    sources = {s["key"]: s for s in raw["sources"]}
    lines = [
        "% Written by `stpbook teaching` from src/stpbook/teaching/reading.yaml and the "
        "chapters: edit that file, not this page.",
        "",
        "# Pre-reading",
        "",
        "Short reading lists to set before a session, or after it: sections of this book "
        "and a few of the commentaries of 2016-17 it began from, each with its length in "
        "minutes (reading at about 200 words a minute, with a minute for each chart or "
        "table). Links open in the book or on the original publisher's site"
        + (
            "; where the book holds no web address for a piece, its title and publisher "
            "are given, to find it by searching."
            if any(not numbers.url(s["key"]) for s in raw["sources"])
            else "."
        ),
        "",
    ]
    for item in raw["lists"]:
        section_minutes = sum(found[label].minutes for label in item["sections"])
        source_minutes = sum(minutes(sources[k]["words"]) for k in item["sources"])
        plans = ", ".join(f"{{ref}}`{label}`" for label in item["for"])
        lines += [
            f"(reading-{item['id']})=",
            f"## {item['title']} (about {section_minutes + source_minutes} minutes)",
            "",
            f"For {plans}.",
            "",
        ]
        for label in item["sections"]:
            section = found[label]
            lines.append(
                f"- {{ref}}`{label}` in [chapter {section.chapter}]"
                f"({section.page}): {section.minutes} min."
            )
        for key in item["sources"]:
            lines.append(
                f"- {numbers.credit(key, start=True)}: "
                f"*{numbers.entries()[key]['title']}* "
                f"{{cite}}`{key}`: {minutes(sources[key]['words'])} min."
            )
        lines.append("")
    lines += [
        "(reading-sources)=",
        "## The commentaries",
        "",
        "Three of the five pieces the book began from, for students who want the "
        "argument in the original words. Each is short.",
        "",
    ]
    for key, source in sources.items():
        entry = numbers.entries()[key]
        length = f"about {source['words']:,} words, {minutes(source['words'])} minutes"
        if source.get("words_with_replies"):
            length += f" ({minutes(source['words_with_replies'])} with the readers' replies)"
        publisher = re.sub(r"\s*\((blog|website)\)$", "", entry.get("howpublished", "")) or (
            "the publisher"
        )
        where = (
            f" [Read it on the publisher's site]({entry['url']})."
            if entry.get("url")
            else f" Search {publisher}'s website for its title."
        )
        lines += [
            f"- **{numbers.credit(key, start=True)}**, *{entry['title']}* {{cite}}`{key}`: "
            f"{length}. {source['why'].strip()}{where}"
        ]
    lines.append("")
    return "\n".join(lines)


def model_answers(numbers: Book) -> str:
    """The MyST Markdown of ``chapters/86_model_answers.md``: ``answers.md`` with its
    ``{{chapter.name}}`` numbers filled in from the chapters' results."""
    text = ANSWERS.read_text(encoding="utf-8")
    head = (
        "% Written by `stpbook teaching` from src/stpbook/teaching/answers.md and the "
        "chapters' numbers: edit that file, not this page.\n\n"
    )
    return head + PLACEHOLDER.sub(lambda m: numbers.number(m.group(1)), text)


def generated(layout: Layout) -> dict[str, str]:
    """Each generated page's file name and the text the generator writes now."""
    from . import debate, lessons

    numbers = book(layout)
    chapters = {
        label: s.chapter
        for label, s in sections(layout).items()
        if s.stem[:2].isdigit() and int(s.stem[:2]) < 10
    }
    return {
        LESSONS_PAGE: lessons.page(chapters=chapters),
        DEBATE_PAGE: debate.page(numbers),
        ANSWERS_PAGE: model_answers(numbers),
        READING_PAGE: pre_reading(layout, numbers),
    }


def write(layout: Layout) -> list[Path]:
    """Write every generated page into ``chapters/`` (only those that changed)."""
    written = []
    for name, text in generated(layout).items():
        path = layout.chapters / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale(layout: Layout) -> list[str]:
    """Generated pages whose committed text differs from what the generator writes."""
    return [
        name
        for name, text in generated(layout).items()
        if not (layout.chapters / name).exists()
        or (layout.chapters / name).read_text(encoding="utf-8") != text
    ]
