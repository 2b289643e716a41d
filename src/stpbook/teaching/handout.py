"""The printable student handout and the offline pack.

``stpbook handout`` (``make handout``) writes ``handout.html`` into the teaching folder
(``Layout.teaching``): a print-styled page with the key figures and their sources, the
chapter 1 chart, the timeline, each chapter's take-aways and the questions for
discussion. Every number comes from the chapters' recipe modules at their defaults
(``stpbook.teaching.numbers``), and every source is credited by author, outlet and date.
It is printed to ``handout.pdf`` with headless Chromium (Debian's ``chromium`` driven by
Playwright; no LaTeX); without Chromium the PDF is a one-page note pointing to the HTML
(``printing.write_pdf``).

``stpbook offline`` (``make offline``) makes the offline pack, ``stp-book-offline.zip``:
the built book with the teaching files inside it, and ``data/``
(``stpbook.teaching.site.offline_pack``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .. import dates
from ..errors import BuildError
from ..layout import Layout, current
from .numbers import Book, book
from .printing import fix_pdf_dates, source_date, write_pdf  # noqa: F401 - re-exported

STORY = "The story"  # the part of the table of contents whose chapters the handout covers
OFFLINE = "stp-book-offline.zip"

# The book's own work, credited as such in the table of key figures (not as an article).
BOOK = "book:"

# Timeline rows whose source in the book's data is a secondary or later page: the
# handout credits the source the chapters cite for the same event instead.
TIMELINE_SOURCES = {
    "Prime Minister announces five-year NHS funding settlement": "healthcareleader_settlement_2018",
    "White paper Integration and innovation published": "dhsc_integration_innovation_2021",
}

# (what, chapter.name reference, sources): the handout's table of key figures; a source
# starting "book:" is the book's own work, in words.
KEY_FIGURES = (
    (
        "The Forward View's gap by 2020/21 if funding stayed flat and nothing changed "
        "(published: 'nearly' this)",
        "fyfv:30",
        ("fyfv_2014",),
    ),
    (
        "The same gap on this book's reconstruction from NHS England's 2013/14 budget (modelled)",
        "forward_view.gap_cta_window",
        ("realcentre_budget_data_2025",),
    ),
    (
        "Efficiency the Forward View's bargain asked the NHS to find by 2020/21",
        "forward_view.efficiency_share",
        ("hoc_health_committee_integrated_care_2018",),
    ),
    (
        "Extra money a year the government was to find by 2020/21",
        "forward_view.funding_share",
        ("fullfact_black_hole_2015",),
    ),
    (
        "Efficiency a year needed to find the £22bn, read as one rate (this book's model)",
        "forward_view.needed",
        ("fyfv_2014", "realcentre_budget_data_2025"),
    ),
    (
        "Efficiency a year the NHS achieved, 2004/05 to 2011/12",
        "forward_view.historic",
        ("fullfact_black_hole_2015",),
    ),
    ("Planning footprints, named in March 2016", "footprints.n_footprints", ("hf_navigator_stps",)),
    (
        "North Central London's do-nothing gap by 2020/21",
        "plans_and_money.ncl_gap",
        ("alderwick_kingsfund_stps_2016",),
    ),
    (
        "Birmingham and Solihull's, including adult social care",
        "plans_and_money.bsol_gap",
        ("alderwick_kingsfund_stps_2016",),
    ),
    (
        "Sustainability and Transformation Fund, 2016/17",
        "plans_and_money.stf",
        ("kingsfund_stf_blog_2016",),
    ),
    (
        "... of which set aside for trusts in deficit",
        "plans_and_money.stf_deficits",
        ("kingsfund_stf_blog_2016",),
    ),
    (
        "Capital the plans needed (37 footprints answering)",
        "plans_and_money.bma_capital",
        ("bma_stp_capital_2017",),
    ),
    (
        "Capital for a few of the strongest plans, Spring Budget 2017, over three years",
        "plans_and_money.spring_capital",
        ("ccg_alert_spring_budget_2017",),
    ),
    (
        "Hospital proposals in the plans, counted once each (this book's count)",
        "reconfigurations.proposals",
        (f"{BOOK}This book's count from the plans and the press reports of them (chapter 4)",),
    ),
    (
        "CCG leaders' confidence in their plan as printed: low + medium + high",
        "critiques.printed_total",
        ("equwell_stps_where_headed_2016",),
    ),
    (
        "... and low or very low, from the survey's own counts",
        "critiques.low_or_very_low",
        ("hsj_ccg_confidence_2016",),
    ),
    (
        "Integrated care boards in law from 1 July 2022",
        "what_came_next.icbs_2022",
        ("nhse_ccg_ics",),
    ),
)

CSS = """
@page { size: A4; margin: 15mm 15mm 16mm; }
body { font: 10pt/1.4 "DejaVu Serif", Georgia, serif; color: #111; margin: 0; }
main { max-width: 180mm; margin: 0 auto; }
h1 { font-size: 20pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; margin: 14pt 0 4pt; border-bottom: 1px solid #999;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 8pt 0 2pt; break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th { text-align: left; border-bottom: 1px solid #555; }
td, th { padding: 2pt 4pt; vertical-align: top; }
td { border-bottom: 1px solid #ddd; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.date { white-space: nowrap; } td.fig { white-space: nowrap; font-weight: bold; }
.src { color: #444; font-size: 8.5pt; }
.lead { font-size: 11pt; } li { margin-bottom: 2pt; }
figure { margin: 6pt 0; break-inside: avoid; } figure svg { max-height: 95mm; }
figcaption { font-size: 8.5pt; color: #444; }
"""


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", text)
    return re.sub(r"`([^`]+)`", r"\1", text)


def _section(markdown: str, heading: str) -> str:
    match = re.search(
        rf"^## {re.escape(heading)}\s*\n(.*?)(?=^\(|^#{{1,2}} |\Z)",
        markdown,
        re.MULTILINE | re.DOTALL,
    )
    return match.group(1).strip() if match else ""


def _items(markdown: str) -> list[str]:
    """Bullet or numbered items of a Markdown block (a paragraph counts as one item)."""
    items: list[str] = []
    for line in markdown.splitlines():
        start = re.match(r"^\s*(?:[-*]|\d+\.)\s+(.*)", line)
        if start:
            items.append(start.group(1))
        elif line.strip() and items:
            items[-1] += " " + line.strip()
        elif line.strip():
            items.append(line.strip())
    return items


def chapters(layout: Layout, numbers: Book | None = None) -> list[dict]:
    """Each chapter's title, take-aways and discussion questions, with the chapter's
    numbers filled in and its citations credited (the book's first part)."""
    numbers = numbers or book(layout)
    from ..parameters import short_name

    out = []
    for nb in layout.notebooks(part=STORY):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        markdown = "\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells
            if c["cell_type"] == "markdown"
        )
        title = markdown.splitlines()[0].lstrip("# ").strip() if markdown else nb.stem
        short = short_name(nb)
        out.append(
            {
                "title": title,
                "takeaways": [
                    numbers.plain(i, short) for i in _items(_section(markdown, "What to take away"))
                ],
                "questions": [
                    numbers.plain(i, short)
                    for i in _items(_section(markdown, "Questions for discussion"))
                ],
            }
        )
    return out


def _figure_value(ref: str, numbers: Book) -> str:
    if ref == "fyfv:30":  # a published figure, quoted as published
        return "£30bn a year"
    return numbers.number(ref)


def _credits(keys: tuple[str, ...], numbers: Book) -> str:
    words = [key[len(BOOK) :] if key.startswith(BOOK) else numbers.credit(key) for key in keys]
    text = "; ".join(words)
    return text[:1].upper() + text[1:]


def timeline_source(event: str, key: str) -> str:
    """The source the handout credits for a timeline row (see ``TIMELINE_SOURCES``)."""
    for start, better in TIMELINE_SOURCES.items():
        if event.startswith(start):
            return better
    return key


def key_figures(layout: Layout, numbers: Book | None = None) -> list[tuple[str, str, str]]:
    """(what, value, credit) for the handout's table of key figures."""
    numbers = numbers or book(layout)
    return [
        (what, _figure_value(ref, numbers), _credits(keys, numbers))
        for what, ref, keys in KEY_FIGURES
    ]


def page(layout: Layout, numbers: Book | None = None) -> str:
    """The handout as one self-contained, print-styled HTML page."""
    from .. import data
    from .printing import figure

    numbers = numbers or book(layout)
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>The STP book: student handout</title>",
        "<meta name='description' content='The STP book in brief: key figures with "
        "their sources, a timeline, what each chapter teaches and the questions for "
        "discussion.'>",
        f"<style>{CSS}</style></head><body><main>",
        "<h1>The STP book: student handout</h1>",
        "<p class='lead'>England's Sustainability and Transformation Plans, 2015-2017, "
        "and what became of them: the key figures with their sources, a timeline, what "
        "each chapter of the book teaches and its questions for discussion. Every "
        "number is the book's, computed from its data; figures marked modelled are "
        "the book's own estimates, not published ones.</p>",
        "<h2>Key figures</h2><table><tr><th>What</th><th>Figure</th><th>Source</th></tr>",
    ]
    for what, value, source in key_figures(layout, numbers):
        parts.append(
            f"<tr><td>{esc(what)}</td><td class='fig'>{esc(value)}</td>"
            f"<td class='src'>{esc(source)}</td></tr>"
        )
    parts.append("</table><h2>The gap, as this book reconstructs it</h2>")
    parts.append(figure(numbers.chart("forward_view.gap_chart")))
    parts.append(
        "<h2>Timeline</h2><table><tr><th>When</th><th>What happened</th><th>Source</th></tr>"
    )
    timeline = data.load("timeline", layout=layout).sort_values("date", kind="stable")
    for _, row in timeline.iterrows():
        when = dates.when(pd.Timestamp(row["date"]), str(row.get("date_precision", "day")))
        raw = row.get("source_id")
        key = timeline_source(str(row["event"]), "" if pd.isna(raw) else str(raw))
        source = numbers.credit(key, start=True) if key else ""
        parts.append(
            f"<tr><td class='date'>{esc(when)}</td><td>{esc(str(row['event']))}"
            f"</td><td class='src'>{esc(source)}</td></tr>"
        )
    parts.append("</table><h2>What each chapter teaches</h2>")
    questions: list[str] = []
    for chap in chapters(layout, numbers):
        parts.append(f"<h3>{esc(chap['title'])}</h3><ul>")
        parts += [f"<li>{_inline(t)}</li>" for t in chap["takeaways"]]
        parts.append("</ul>")
        number = chap["title"].split(".")[0]
        questions += [f"{number}.{i} {q}" for i, q in enumerate(chap["questions"], 1)]
    exercises = layout.chapters / "81_exercises.md"
    if exercises.exists():
        tail = exercises.read_text(encoding="utf-8").split(
            "## Discussion questions across the book", 1
        )
        if len(tail) == 2:
            questions += [
                f"Across the book {i}. {numbers.plain(q)}"
                for i, q in enumerate(_items(tail[1].split("\n#", 1)[0]), 1)
            ]
    parts.append("<h2>Questions for discussion</h2><ul>")
    parts += [f"<li>{_inline(q)}</li>" for q in questions]
    parts.append(
        "</ul><p class='src'>Model answers to every question are on the book's "
        "model answers page. The full list of sources is the book's bibliography."
        "</p></main></body></html>"
    )
    return "\n".join(parts)


def handout(
    layout: Layout | None = None,
    log: Callable[[str], None] | None = None,
    numbers: Book | None = None,
) -> Path:
    """Write ``handout.html`` and ``handout.pdf`` into the teaching folder; returns the
    PDF (a one-page note pointing to the HTML where Chromium is missing)."""
    layout = layout or current()
    out = layout.teaching
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / "handout.html"
    html_path.write_text(page(layout, numbers), encoding="utf-8")
    pdf = out / "handout.pdf"
    write_pdf(html_path, pdf, "The STP book: student handout", log)
    return pdf


def offline(layout: Layout | None = None) -> Path:
    """The offline pack (``stp-book-offline.zip`` in the teaching folder) from the built
    book (``make book`` first); the teaching files are built and published into the book
    first if they are not there yet (``stpbook.teaching.publish``)."""
    from . import publish

    layout = layout or current()
    book_html = layout.html()
    if not (book_html / "index.html").exists():
        raise BuildError(f"{book_html} has no index.html: build the book first (make book)")
    publish(layout, book_html)
    return layout.teaching / OFFLINE
