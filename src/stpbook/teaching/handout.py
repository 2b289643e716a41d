"""The printable student handout and the offline pack.

``stpbook handout`` (``make handout``) writes ``handout.html`` into the teaching folder
(``Layout.teaching``), a print-styled page with the timeline, the key figures with their
sources, each chapter's take-aways and the discussion questions, and prints it to
``handout.pdf`` with headless Chromium (Debian's ``chromium`` driven by Playwright; no
LaTeX).

``stpbook offline`` (``make offline``) zips the built book (``_build/html``, which works
from ``file://``), the handout and ``data/`` into ``stp-book-offline.zip``.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

from .. import bibliography
from ..errors import BuildError, Refused
from ..layout import Layout, current

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]

# (label, resource, key column, key, value column, unit shown, source column)
KEY_FIGURES = (
    ("Forward View: gap by 2020/21 if nothing changed", "fyfv_assumptions",
     "gap_2020_21_gbp_bn", "£{:g}bn a year"),
    ("Forward View: part of the gap to close by efficiency", "fyfv_assumptions",
     "efficiency_share_gbp_bn", "£{:g}bn a year"),
    ("Forward View: extra funding still needed", "fyfv_assumptions",
     "funding_share_gbp_bn", "£{:g}bn a year"),
    ("Efficiency the NHS had achieved, 2004/05-2011/12", "fyfv_assumptions",
     "historic_efficiency", "{:.1%} a year"),
    ("Spring Budget 2017: capital for the strongest STPs", "national_facts",
     "spring_budget_stp_capital_gbp_m", "£{:g}m over three years"),
    ("Spring Budget 2017: adult social care", "national_facts",
     "spring_budget_social_care_gbp_bn", "£{:g}bn over three years"),
    ("BMA: capital the plans needed", "national_facts",
     "bma_stp_capital_estimate_gbp_bn", "£{:g}bn"),
)
GAP_FOOTPRINTS = ("E54000028", "E54000017")  # North Central London, Birmingham and Solihull
STORY = "The story"  # the part of the table of contents whose chapters the handout summarises

CSS = """
@page { size: A4; margin: 16mm 15mm; }
body { font: 10.5pt/1.4 "DejaVu Serif", Georgia, serif; color: #111; }
h1 { font-size: 20pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 14pt 0 4pt;
  border-bottom: 1px solid #999; break-after: avoid; }
h3 { font-size: 11pt; margin: 8pt 0 2pt; break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
td, th { border-bottom: 1px solid #ccc; padding: 2pt 4pt; text-align: left; vertical-align: top; }
tr { break-inside: avoid; } td:first-child { white-space: nowrap; } .src { color: #555; font-size: 8.5pt; }
.lead { font-size: 11pt; } li { margin-bottom: 2pt; }
"""


def _bib_titles(layout: Layout) -> dict[str, str]:
    """references.bib key -> how the handout credits it (author, outlet, date)."""
    return {key: bibliography.credit(entry) or entry.get("title", key)
            for key, entry in bibliography.entries(layout.bibliography).items()}


def _cite(text: str) -> str:
    return re.sub(r"\{cite(?::\w+)?\}`([^`]*)`", lambda m: f"[{m.group(1)}]", text)


def _glued(stem: str, layout: Layout) -> dict[str, str]:
    """The glued values of an executed chapter of the default book, as plain text."""
    executed = layout.output() / "executed" / f"{stem}.ipynb"
    if not executed.exists():
        return {}
    values = {}
    for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = str(output.get("data", {}).get("text/plain", "")).strip("'\"")
    return values


def _resolve_glue(text: str, glued: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        key, _, spec = match.group(1).partition(":")
        raw = glued.get(key)
        if raw is None:
            return "(see the chapter)"
        try:
            return format(float(raw), spec) if spec else raw
        except ValueError:
            return raw
    return re.sub(r"\{glue(?::text)?\}`([^`]*)`", one, text)


def _section(cells: list[dict], heading: str) -> str:
    """The markdown under ``## heading`` up to the next ``#``/``##`` heading."""
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    match = re.search(rf"^## {re.escape(heading)}\s*\n(.*?)(?=^#{{1,2}} |\Z)", text, re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match else ""


def _items(markdown: str) -> list[str]:
    """Bullet or numbered items of a markdown block (a paragraph counts as one item)."""
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


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def chapters(layout: Layout) -> list[dict]:
    """Each chapter's title, take-aways and discussion questions (from the notebooks of
    the book's first part, with glued numbers filled in from the executed book)."""
    out = []
    for nb in layout.notebooks(part=STORY):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        first = "".join(cells[0]["source"]) if cells else nb.stem
        title = first.splitlines()[0].lstrip("# ").strip()
        glued = _glued(nb.stem, layout)
        takeaways = _items(_section(cells, "What to take away"))
        questions = _items(_section(cells, "Questions for discussion"))
        out.append({"title": title,
                    "takeaways": [_cite(_resolve_glue(i, glued)) for i in takeaways],
                    "questions": [_cite(_resolve_glue(i, glued)) for i in questions]})
    return out


def key_figures(layout: Layout) -> list[tuple[str, str, str]]:
    """(what, value, source) for the handout's table of key figures."""
    from .. import data

    titles = _bib_titles(layout)
    rows = []
    tables = {}
    for label, resource, key, fmt in KEY_FIGURES:
        if resource not in tables:
            tables[resource] = data.load(resource, layout=layout).set_index("key")
        row = tables[resource].loc[key]
        rows.append((label, fmt.format(float(row["value"])),
                     titles.get(row["source_id"], row["source_id"])))
    gaps = data.load("financial_gaps", layout=layout)
    gaps = gaps[gaps["is_headline"].astype(str).str.lower() == "true"]
    names = data.load("footprints", layout=layout).set_index("stp17cd")["stp17nm"]
    for code in GAP_FOOTPRINTS:
        row = gaps[gaps["stp17cd"] == code].iloc[0]
        rows.append((f"{names[code]}: plan's gap by 2020/21", f"£{row['gap_gbp_m']:g}m a year",
                     titles.get(row["source_id"], row["source_id"])))
    return rows


def page(layout: Layout) -> str:
    """The handout as one self-contained, print-styled HTML page."""
    from .. import data

    timeline = data.load("timeline", layout=layout)
    parts = [(f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>The STP book: student handout</title><style>{CSS}</style></head><body>"),
             "<h1>The STP book: student handout</h1>",
             ("<p class='lead'>England's Sustainability and Transformation Plans, 2015-2017: "
             "the timeline, the key figures with their sources, what each chapter teaches "
             "and the questions for discussion.</p>"),
             "<h2>Timeline</h2><table><tr><th>date</th><th>event</th></tr>"]
    for _, row in timeline.iterrows():
        date = str(row["date"])[:10]
        if str(row.get("date_precision", "day")) == "year":
            date = date[:4]
        elif str(row.get("date_precision", "day")) == "month":
            date = date[:7]
        parts.append(f"<tr><td>{date}</td><td>{html.escape(str(row['event']))}</td></tr>")
    parts.append("</table><h2>Key figures</h2><table><tr><th>what</th><th>figure</th>"
                 "<th>source</th></tr>")
    for what, value, source in key_figures(layout):
        parts.append(f"<tr><td>{html.escape(what)}</td><td><b>{html.escape(value)}</b></td>"
                     f"<td class='src'>{html.escape(source)}</td></tr>")
    parts.append("</table><h2>What each chapter teaches</h2>")
    questions: list[str] = []
    for chap in chapters(layout):
        parts.append(f"<h3>{html.escape(chap['title'])}</h3><ul>")
        parts += [f"<li>{_inline(t)}</li>" for t in chap["takeaways"]] or [
            "<li>(see the chapter)</li>"]
        parts.append("</ul>")
        questions += [f"{chap['title'].split('.')[0]}. {q}" for q in chap["questions"]]
    exercises = layout.chapters / "81_exercises.md"
    if exercises.exists():
        text = exercises.read_text(encoding="utf-8")
        tail = text.split("## Discussion questions across the book", 1)
        if len(tail) == 2:
            questions += [f"Book. {_cite(q)}" for q in _items(tail[1])]
    parts.append("<h2>Questions for discussion</h2><ol>")
    parts += [f"<li>{_inline(q)}</li>" for q in questions]
    parts.append("</ol><p class='src'>Sources in square brackets are keys of the book's "
                 "bibliography (references.bib).</p></body></html>")
    return "\n".join(parts)


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print an HTML file to PDF with headless Chromium (Playwright, Debian chromium)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise Refused(f"{CHROMIUM} not found: install Debian's chromium "
                      "(apt-get install -y chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.goto(html_path.resolve().as_uri())
            tab.pdf(path=str(pdf_path), format="A4", print_background=True,
                    prefer_css_page_size=True, tagged=False, outline=False)
        finally:
            browser.close()
    fix_pdf_dates(pdf_path)
    return pdf_path


def source_date() -> int:
    """The build's fixed timestamp: ``SOURCE_DATE_EPOCH`` if set, else the last commit's
    date, else 2026-01-01, so the same inputs give the same bytes."""
    import os
    import subprocess

    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], capture_output=True,
                             text=True, check=True, cwd=Path(__file__).parent).stdout.strip()
        return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 1767225600


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9+\-Z']+\)")


def fix_pdf_dates(pdf: Path) -> None:
    """Replace Chromium's creation and modification dates with ``source_date()`` (the
    strings have the same length, so the PDF's cross-reference offsets stay valid)."""
    import time

    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(source_date()))
    data = pdf.read_bytes()

    def one(match: re.Match) -> bytes:
        old = match.group(0)
        new = b"/" + match.group(1) + b" (D:" + stamp.encode() + b"+00'00')"
        return new.ljust(len(old)) if len(new) <= len(old) else old

    pdf.write_bytes(_PDF_DATE.sub(one, data))


def handout(layout: Layout | None = None) -> Path:
    """Write ``handout.html`` and ``handout.pdf`` into the teaching folder."""
    layout = layout or current()
    out = layout.teaching
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / "handout.html"
    html_path.write_text(page(layout), encoding="utf-8")
    return print_pdf(html_path, out / "handout.pdf")


def offline(layout: Layout | None = None) -> Path:
    """Zip the built book, the handout and the data into ``stp-book-offline.zip`` in
    the teaching folder. Entries carry ``source_date()``, so the same inputs give the
    same bytes."""
    import time

    layout = layout or current()
    book = layout.html()
    if not (book / "index.html").exists():
        raise BuildError(f"{book} has no index.html: build the book first (make book)")
    pdf = layout.teaching / "handout.pdf"
    if not pdf.exists():
        handout(layout)
    target = layout.teaching / "stp-book-offline.zip"
    partial = target.with_suffix(".zip.partial")
    stamp = time.gmtime(max(source_date(), 315532800))[:6]  # zip dates start in 1980

    def add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        zf.writestr(info, data)

    with zipfile.ZipFile(partial, "w") as zf:
        add(zf, "stp-book/README.txt",
            b"The STP book, offline. Open book/index.html in a browser (it works from the "
            b"file, sliders included). handout.pdf is the student handout; data/ holds the "
            b"book's data as CSV with datapackage.json.\n")
        for path in sorted(book.rglob("*")):
            if path.is_file():
                add(zf, f"stp-book/book/{path.relative_to(book)}", path.read_bytes())
        add(zf, "stp-book/handout.pdf", pdf.read_bytes())
        for path in sorted(layout.data.rglob("*")):
            if path.is_file():
                add(zf, f"stp-book/data/{path.relative_to(layout.data)}", path.read_bytes())
    partial.replace(target)
    return target
