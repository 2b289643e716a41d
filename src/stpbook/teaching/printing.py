"""Printed documents: charts as SVG, HTML printed to PDF, dates fixed, zips made the same.

- :func:`svg` draws one of the book's charts as a static SVG (vl-convert, no browser), so
  a printed page needs no script.
- :func:`print_pdf` prints an HTML file to PDF with headless Chromium (Debian's
  ``/usr/bin/chromium`` through Playwright, ``stpbook.browser``). Where Chromium is
  missing, :func:`write_pdf` writes instead a one-page PDF that says so and points to
  the printable web page, so every link still resolves and the build still succeeds;
  the page itself is always published, and any browser prints it to PDF.
- :func:`fix_pdf_dates` and :func:`zip_files` give the same bytes for the same inputs:
  the PDF's dates and every zip entry's date are :func:`source_date`.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SVG_WIDTH = 620  # px: a chart the width of an A4 page's text column at print scale
FALLBACK_EPOCH = 1767225600  # 2026-01-01, when neither SOURCE_DATE_EPOCH nor git answers


def source_date() -> int:
    """The build's fixed timestamp: ``SOURCE_DATE_EPOCH`` if set, else the last commit's
    date, else 2026-01-01, so the same inputs give the same bytes."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
        return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return FALLBACK_EPOCH


# --- charts ----------------------------------------------------------------------------


def svg(chart: Any, width: int = SVG_WIDTH) -> str:
    """A chart as inline SVG for a printed page (container widths become ``width``)."""
    import altair as alt
    import vl_convert

    spec = chart.to_dict()

    def fix(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = width
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(spec)
    out = vl_convert.vegalite_to_svg(spec, vl_version=alt.SCHEMA_VERSION[1:4])
    out = re.sub(r"<\?xml[^>]*>\s*", "", out)
    # Scale to the column: keep the drawing's proportions, never wider than the page.
    return out.replace("<svg ", '<svg style="max-width:100%;height:auto" role="img" ', 1)


def caption(chart: Any) -> str:
    """The chart's alt text and source line, as the book prints them under it."""
    meta = chart.to_dict().get("usermeta", {}) or {}
    parts = []
    if meta.get("modelled"):
        parts.append("Modelled by this book.")
    if meta.get("source"):
        parts.append(f"Source: {meta['source']}")
    return " ".join(parts)


def alt_text(chart: Any) -> str:
    return str((chart.to_dict().get("usermeta", {}) or {}).get("alt", "chart"))


def figure(chart: Any, width: int = SVG_WIDTH) -> str:
    """A ``<figure>`` with the chart's SVG and its caption."""
    return (
        f'<figure aria-label="{html.escape(alt_text(chart))}">{svg(chart, width)}'
        f"<figcaption>{html.escape(caption(chart))}</figcaption></figure>"
    )


# --- PDF -------------------------------------------------------------------------------


def chromium_missing() -> str | None:
    from ..browser import missing

    return missing()


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4, the page's own CSS page size) with
    headless Chromium, then fix its dates. Raises Refused if Chromium is missing."""
    from ..browser import chromium

    partial = pdf_path.with_suffix(".pdf.partial")
    with chromium() as browser:
        tab = browser.new_page()
        tab.goto(html_path.resolve().as_uri())
        tab.pdf(
            path=str(partial),
            format="A4",
            print_background=True,
            prefer_css_page_size=True,
            tagged=False,
            outline=False,
        )
    fix_pdf_dates(partial)
    partial.replace(pdf_path)
    return pdf_path


def write_pdf(html_path: Path, pdf_path: Path, title: str, log: Any = None) -> bool:
    """``print_pdf`` if Chromium is here (returns True); otherwise a one-page PDF that
    says the document was built without a browser and names the printable page to open
    and print instead (returns False)."""
    problem = chromium_missing()
    if problem is None:
        print_pdf(html_path, pdf_path)
        return True
    if log:
        log(f"teaching: {problem}; {pdf_path.name} is a note pointing to {html_path.name}")
    pdf_path.write_bytes(
        placeholder_pdf(
            [
                title,
                "This copy of the book was built on a machine without a browser to print it,",
                "so this PDF is only a note. The document itself is the web page",
                f"{html_path.name}, published beside this file: open it in any browser",
                "and use Print, then Save as PDF (A4), to get the printable version.",
            ]
        )
    )
    return False


def _pdf_text(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def placeholder_pdf(lines: list[str]) -> bytes:
    """A valid one-page A4 PDF holding ``lines`` of text (Helvetica), byte for byte the
    same for the same lines: no dates, no random identifiers."""
    content = ["BT", "/F1 16 Tf", "56 770 Td", f"({_pdf_text(lines[0])}) Tj", "/F1 11 Tf"]
    for line in lines[1:]:
        content += ["0 -22 Td", f"({_pdf_text(line)}) Tj"]
    content.append("ET")
    stream = "\n".join(content).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9+\-Z']+\)")


def fix_pdf_dates(pdf: Path) -> None:
    """Replace Chromium's creation and modification dates with ``source_date()`` (the
    strings keep their length, so the PDF's cross-reference offsets stay valid)."""
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(source_date()))
    data = pdf.read_bytes()

    def one(match: re.Match) -> bytes:
        old = match.group(0)
        new = b"/" + match.group(1) + b" (D:" + stamp.encode() + b"+00'00')"
        return new.ljust(len(old)) if len(new) <= len(old) else old

    pdf.write_bytes(_PDF_DATE.sub(one, data))


def page_count(pdf: Path) -> int:
    """Pages in a PDF (``/Type /Page`` objects; enough for Chromium's and ours)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


# --- zips ------------------------------------------------------------------------------


def zip_files(target: Path, entries: Iterable[tuple[str, Path | bytes]]) -> Path:
    """Write a zip of ``(name, file or bytes)`` entries, in the order given, every entry
    dated ``source_date()`` and readable by all: the same inputs give the same bytes.
    Written beside ``target`` and moved into place, so a reader never sees half a zip."""
    stamp = time.gmtime(max(source_date(), 315532800))[:6]  # zip dates start in 1980
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w") as zf:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, content.read_bytes() if isinstance(content, Path) else content)
    partial.replace(target)
    return target
