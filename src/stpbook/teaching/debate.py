"""The debate kit: the motion, six roles, the speaking order and how to judge.

``debate.yaml`` (beside this module) holds the kit; every number on a role card is a
reference to a chapter's results (``{plans_and_money.stf_deficits}``), resolved through
``stpbook.teaching.numbers``, so the cards always carry the book's current figures.
:func:`page` writes the debate kit page (``chapters/85_debate_kit.md``) and
:func:`cards_html` the printable role cards, one card to an A4 page, with the role's
chart drawn as SVG.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..tables import scroll_box
from .lessons import FROM_PAGE
from .numbers import Book

SOURCE = Path(__file__).with_name("debate.yaml")
PLACEHOLDER = re.compile(r"\{([a-z][a-z_]*\.[A-Za-z_]\w*)\}")
SIDES = {"for": "For the motion", "against": "Against the motion"}
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
CARDS = "role-cards"  # role-cards.html and role-cards.pdf in the teaching folder


@dataclass(frozen=True)
class Evidence:
    text: str
    sources: tuple[str, ...]
    read: tuple[str, ...]
    book_credit: str = ""  # the book's own work ("this book's count ... (chapter 4)")


@dataclass(frozen=True)
class Role:
    id: str
    side: str
    name: str
    who: str
    case: str
    evidence: tuple[Evidence, ...]
    chart: str | None
    against: str


@dataclass(frozen=True)
class Kit:
    motion: str
    about: str
    roles: tuple[Role, ...]
    order: tuple[tuple[str, int], ...]
    floor_minutes: int
    closing_minutes: int
    changeover_minutes: int
    vote_minutes: int
    judging: tuple[str, ...]

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def slot(self, role_id: str) -> tuple[int, int]:
        """(1-based place in the speaking order, minutes)."""
        for i, (rid, minutes) in enumerate(self.order, 1):
            if rid == role_id:
                return i, minutes
        raise BuildError(f"{SOURCE.name}: role {role_id!r} has no place in the order")

    @property
    def minutes(self) -> int:
        """The debate from first speech to closing vote."""
        return (
            sum(m for _, m in self.order)
            + self.changeover_minutes
            + self.floor_minutes
            + 2 * self.closing_minutes
            + self.vote_minutes
        )


def _words(text: str) -> str:
    return " ".join(str(text).split())


def load(path: Path | None = None) -> Kit:
    """The kit, checked: every role speaks once, sides alternate, 4-6 roles."""
    import yaml

    raw = yaml.safe_load((path or SOURCE).read_text(encoding="utf-8"))
    roles = tuple(
        Role(
            r["id"],
            r["side"],
            r["name"],
            _words(r["who"]),
            _words(r["case"]),
            tuple(
                Evidence(
                    _words(e["text"]),
                    tuple(e.get("sources", [])),
                    tuple(e.get("read", [])),
                    _words(e.get("book_credit", "")),
                )
                for e in r["evidence"]
            ),
            r.get("chart"),
            _words(r["against"]),
        )
        for r in raw["roles"]
    )
    kit = Kit(
        _words(raw["motion"]),
        _words(raw["about"]),
        roles,
        tuple((str(a), int(b)) for a, b in raw["order"]),
        int(raw["floor_minutes"]),
        int(raw["closing_minutes"]),
        int(raw["changeover_minutes"]),
        int(raw["vote_minutes"]),
        tuple(raw["judging"]),
    )
    ids = [r.id for r in roles]
    if not 4 <= len(ids) <= 6 or sorted(ids) != sorted(rid for rid, _ in kit.order):
        raise BuildError(f"{SOURCE.name}: 4 to 6 roles, each speaking exactly once")
    sides = [kit.role(rid).side for rid, _ in kit.order]
    if any(s not in SIDES for s in sides) or any(a == b for a, b in zip(sides, sides[1:])):
        raise BuildError(f"{SOURCE.name}: the sides must alternate in the speaking order")
    return kit


def fill(text: str, book: Book) -> str:
    """Evidence text with each ``{chapter.name}`` replaced by the book's number."""
    return PLACEHOLDER.sub(lambda m: book.number(m.group(1)), text)


def anchor(role: Role) -> str:
    """The label of a role's section (hyphens only, so it is also its HTML id)."""
    return f"debate-{role.id.replace('_', '-')}"


def credits(ev: Evidence, book: Book) -> str:
    """Who a piece of evidence is from: the book's own work first, then the sources by
    author, outlet and date."""
    words = [ev.book_credit] if ev.book_credit else []
    if ev.sources:
        words.append(book.credits(list(ev.sources)))
    text = "; ".join(words)
    return text[:1].upper() + text[1:] if text else ""


def references(kit: Kit) -> list[str]:
    """Every number reference the kit uses (for tests)."""
    found = []
    for role in kit.roles:
        for text in [role.against, *(e.text for e in role.evidence)]:
            found += PLACEHOLDER.findall(text)
    return found


# --- the page --------------------------------------------------------------------------


def _sources_md(ev: Evidence, book: Book) -> str:
    if not (ev.sources or ev.book_credit):
        return ""
    cite = f" {{cite}}`{','.join(ev.sources)}`" if ev.sources else ""
    return f" *Source: {credits(ev, book)}*{cite}."


def order_table(kit: Kit) -> str:
    """The speaking order as one raw HTML table (the book's ``stp-table``: three short
    columns that never squeeze a word on a phone), each speaker linked to its card."""
    esc = html.escape
    rows = []
    for i, (rid, minutes) in enumerate(kit.order, 1):
        role = kit.role(rid)
        rows.append(
            (
                str(i),
                f'<a href="#{anchor(role)}">{esc(role.name)}</a>, '
                f"{SIDES[role.side].split(' the ')[0].lower()}",
                str(minutes),
            )
        )
    rows += [
        ("", "Changeovers between speakers, in all", str(kit.changeover_minutes)),
        ("", "Questions from the floor to named speakers", str(kit.floor_minutes)),
        ("", "Closing speech for the motion", str(kit.closing_minutes)),
        ("", "Closing speech against the motion", str(kit.closing_minutes)),
        ("", "Closing vote, compared with the opening vote", str(kit.vote_minutes)),
        ("", "<b>The debate in all</b>", f"<b>{kit.minutes}</b>"),
    ]
    head = (
        '<th scope="col" class="stp-num" style="text-align:right">No.</th>'
        '<th scope="col" class="stp-text" style="text-align:left">Who speaks</th>'
        '<th scope="col" class="stp-num" style="text-align:right">Minutes</th>'
    )
    body = "".join(
        f'<tr><td class="stp-num" style="text-align:right">{a}</td>'
        f'<td class="stp-text" style="text-align:left">{b}</td>'
        f'<td class="stp-num" style="text-align:right">{c}</td></tr>'
        for a, b, c in rows
    )
    return (
        f'{scroll_box("Who speaks when, in minutes")}<table class="stp-table">'
        "<caption>Who speaks when, in minutes</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def page(book: Book, kit: Kit | None = None) -> str:
    """The MyST Markdown of ``chapters/85_debate_kit.md``."""
    kit = kit or load()
    cards = f"{FROM_PAGE}/{CARDS}"
    lines = [
        "% Written by `stpbook teaching` from src/stpbook/teaching/debate.yaml and the "
        "chapters' numbers: edit that file, not this page.",
        "",
        "# Debate kit",
        "",
        f"A debate for the two-hour seminar ({{ref}}`lesson-seminar`), or in a shorter "
        f"form for the two-session unit ({{ref}}`lesson-unit-2`). {kit.about}",
        "",
        f'**Print the role cards:** <a href="{cards}.pdf">role cards (PDF, one card a '
        f'page)</a>, or <a href="{cards}.html">the printable page</a> to print from any '
        "browser. The same cards follow on this page, with links to the sections each one "
        "draws on.",
        "",
        "(debate-motion)=",
        "## The motion",
        "",
        f"> **{kit.motion}**",
        "",
        "For the motion, argue that the plans were mainly a way of making the NHS's books "
        "balance, and that cuts to services were their real content. Against, argue that "
        "they were mainly a plan for care, for moving it closer to home and preventing "
        "illness, under financial pressure nobody could wish away. Both sides can win on "
        "the evidence below.",
        "",
        "(debate-order)=",
        "## Speaking order and timings",
        "",
        order_table(kit),
        "",
        "The chair (the seminar leader, or a student) takes an opening vote before the "
        "first speech, keeps time strictly, and takes the closing vote after the closing "
        "speeches. Groups of two to five prepare each role together for twenty minutes and "
        "choose one speaker; for the closing speeches each side chooses one of its three "
        "speakers. With four roles (the two-session unit), drop the patient representative "
        "and the CCG chair and allow eight minutes from the floor.",
        "",
        "(debate-roles)=",
        "## The roles",
        "",
    ]
    for role in kit.roles:
        place, minutes = kit.slot(role.id)
        lines += [
            f"({anchor(role)})=",
            f"### {role.name}: {SIDES[role.side].lower()}",
            "",
            f"*Speaks {ORDINALS[place - 1]}, for {minutes} minutes.* {role.who}",
            "",
            f"**Your case.** {role.case}",
            "",
            "**Your strongest evidence.**",
            "",
        ]
        for ev in role.evidence:
            read = ", ".join(f"{{ref}}`{label}`" for label in ev.read)
            lines.append(
                f"- {fill(ev.text, book)}{_sources_md(ev, book)}"
                + (f" Read: {read}." if read else "")
            )
        if role.chart:
            chapter, name = book.split(role.chart)
            lines += [
                "",
                f"**Your chart.** The chart from [chapter "
                f"{int(chapter.stem[:2])}]({chapter.stem}.ipynb) is on your printed "
                "card; open the chapter to explore it.",
            ]
        lines += [
            "",
            f"**The other side will say.** {fill(role.against, book)} Answer it in your speech.",
            "",
        ]
    lines += ["(debate-judging)=", "## How to judge", ""]
    lines += [f"- {j}" for j in kit.judging]
    lines += [
        "",
        "Common traps, each worth pointing out in the debrief: adding up the published "
        "gaps as if they were alike ({ref}`ch3-gaps`); quoting the survey's 66%, 47% "
        "and 1% as if they could all be right ({ref}`ch5-counts`); treating this "
        "book's modelled figures (the stress test, the reconstruction of the £30bn) as "
        "published ones; and giving a blogger's opinion to the organisation whose "
        "website carried it. The [model answers](86_model_answers.md) cover the "
        "chapters' own questions on the same ground.",
        "",
    ]
    return "\n".join(lines)


# --- the printable cards -------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 12mm 14mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 0; }
main { max-width: 182mm; margin: 0 auto; }
.card { break-after: page; page-break-after: always; }
.card:last-child { break-after: auto; page-break-after: auto; }
.side { font-weight: bold; text-transform: uppercase; letter-spacing: .04em; margin: 0;
  font-size: 9pt; }
.for .side { color: #B34700; } .against .side { color: #005A8C; }
h1 { font-size: 19pt; margin: 2pt 0 2pt; }
.motion { font-style: italic; margin: 0 0 6pt; }
h2 { font-size: 11pt; margin: 8pt 0 2pt; border-bottom: 1px solid #999; }
ul { margin: 2pt 0; padding-left: 14pt; } li { margin-bottom: 3pt; }
.src { color: #444; font-size: 8.5pt; }
figure { margin: 6pt 0 0; } figure svg { max-height: 82mm; width: auto; }
figcaption { font-size: 8pt; color: #444; }
.slot { float: right; font-size: 9pt; border: 1px solid #111; padding: 1pt 5pt; }
@media screen { main { padding: 0 12px; }
  .card { border-bottom: 2px dashed #999; padding: 12px 0 24px; } }
"""


def _read_words(labels: tuple[str, ...], titles: dict[str, str]) -> str:
    return "; ".join(titles.get(label, label) for label in labels)


def cards_html(book: Book, kit: Kit | None = None) -> str:
    """The role cards as one self-contained, print-styled page: one card per A4 page."""
    from .printing import figure
    from .sections import sections

    kit = kit or load()
    found = sections(book.layout)
    titles = {label: s.cited for label, s in found.items()}
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>The STP book: debate role cards</title>",
        "<meta name='description' content='Printable role cards for the STP book's "
        "debate: one card a page, with each side's strongest evidence and sources.'>",
        f"<style>{CSS}</style></head><body><main>",
    ]
    for role in kit.roles:
        place, minutes = kit.slot(role.id)
        parts += [
            f"<section class='card {role.side}' aria-label='{esc(role.name)}'>",
            f"<p class='slot'>Speaks {ORDINALS[place - 1]} &middot; {minutes} min</p>",
            f"<p class='side'>{SIDES[role.side]}</p><h1>{esc(role.name)}</h1>",
            f"<p class='motion'>Motion: {esc(kit.motion)}</p>",
            f"<p>{esc(role.who)}</p>",
            f"<h2>Your case</h2><p>{esc(role.case)}</p>",
            "<h2>Your strongest evidence</h2><ul>",
        ]
        for ev in role.evidence:
            source = esc(credits(ev, book))
            read = _read_words(ev.read, titles)
            extra = " ".join(
                x
                for x in (
                    f"Source: {source}." if source else "",
                    f"Read: {esc(read)}." if read else "",
                )
                if x
            )
            parts.append(f"<li>{esc(fill(ev.text, book))} <span class='src'>{extra}</span></li>")
        parts.append("</ul>")
        if role.chart:
            parts.append(figure(book.chart(role.chart)))
        parts += [
            f"<h2>The other side will say</h2><p>{esc(fill(role.against, book))} "
            "Answer it in your speech.</p>",
            "</section>",
        ]
    parts.append("</main></body></html>")
    return "\n".join(parts)


def write_cards(book: Book, folder: Path, log: Any = None) -> tuple[Path, Path, bool]:
    """``role-cards.html`` and ``role-cards.pdf`` in ``folder``; the flag says whether the
    PDF was printed (False: a note pointing to the HTML, see ``printing.write_pdf``)."""
    from .printing import write_pdf

    folder.mkdir(parents=True, exist_ok=True)
    page_ = folder / f"{CARDS}.html"
    page_.write_text(cards_html(book), encoding="utf-8")
    pdf = folder / f"{CARDS}.pdf"
    printed = write_pdf(page_, pdf, "The STP book: debate role cards", log)
    return page_, pdf, printed
