"""The chapters' sections as the teaching pages link to them.

Every ``##`` heading of a chapter carries a MyST label on the line before it
(``(ch4-outcomes)=``). The teaching pages link to sections only through those labels, so
Sphinx (warnings are errors) fails the build if one disappears, and the tests check the
same list without building. :func:`sections` also measures each section's length, which
gives the pre-reading list its minutes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..layout import Layout

LABEL = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$")
HEADING = re.compile(r"^(#{1,3}) (.+?)\s*$")
ROLE = re.compile(r"\{\w+\}`([^`]*)`")
WORDS_PER_MINUTE = 200  # reading a policy text with care, charts included separately
CHART_MINUTES = 1  # looking at one chart or table properly


@dataclass(frozen=True)
class Section:
    label: str
    stem: str  # the chapter notebook's stem, e.g. "01_forward_view"
    title: str  # the heading's words
    level: int  # 2 for ##, 3 for ###
    words: int  # words of prose under the heading (to the next labelled heading)
    figures: int  # chart and table cells under it

    @property
    def page(self) -> str:
        return f"{self.stem}.ipynb"

    @property
    def chapter(self) -> int:
        return int(self.stem.split("_")[0])

    @property
    def cited(self) -> str:
        """How a printed page names it: chapter 5, “'The only game in town'?”."""
        title = self.title.replace('"', "'")
        return f"chapter {self.chapter}, \u201c{title}\u201d"

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE + CHART_MINUTES * self.figures))


def _cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])


def sections(layout: Layout) -> dict[str, Section]:
    """Every labelled heading of the chapters (the book's first part and every other
    notebook in the table of contents), by label, in reading order."""
    found: dict[str, Section] = {}
    for notebook in layout.notebooks():
        current: dict | None = None
        pending: str | None = None
        for cell in _cells(notebook):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            if cell.get("cell_type") != "markdown":
                if current is not None and re.search(r"_(chart|table)\(", text):
                    current["figures"] += 1
                continue
            for line in text.splitlines():
                label = LABEL.match(line)
                if label:
                    pending = label.group(1)
                    continue
                heading = HEADING.match(line)
                if heading and pending:
                    if current is not None:
                        found[current["label"]] = Section(**current)
                    current = {
                        "label": pending,
                        "stem": notebook.stem,
                        "title": ROLE.sub(r"\1", heading.group(2)),
                        "level": len(heading.group(1)),
                        "words": 0,
                        "figures": 0,
                    }
                    pending = None
                    continue
                pending = None if line.strip() else pending
                if current is not None:
                    current["words"] += len(ROLE.sub("x", line).split())
        if current is not None:
            found[current["label"]] = Section(**current)
    return found


STORY = "The story"  # the part of the table of contents that holds the chapters


def questions(layout: Layout) -> dict[str, list[str]]:
    """Each chapter's "Questions for discussion", as written (numbered items, MyST roles
    included), by notebook stem: the chapters of the book's first part."""
    out: dict[str, list[str]] = {}
    for notebook in layout.notebooks(part=STORY):
        markdown = "\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in _cells(notebook)
            if c.get("cell_type") == "markdown"
        )
        match = re.search(
            r"^## Questions for discussion\s*\n(.*?)(?=^\(|^#{1,2} |\Z)",
            markdown,
            re.MULTILINE | re.DOTALL,
        )
        if not match:
            continue
        items: list[str] = []
        for line in match.group(1).splitlines():
            start = re.match(r"^\s*\d+\.\s+(.*)", line)
            if start:
                items.append(start.group(1).strip())
            elif line.strip() and items:
                items[-1] += " " + line.strip()
        out[notebook.stem] = items
    return out
