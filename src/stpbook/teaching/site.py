"""The teaching files, built once and published into the HTML book.

:func:`build` writes everything a seminar leader downloads into the teaching folder
(``Layout.teaching``, i.e. ``_build/teaching``):

- ``handout.html`` and ``handout.pdf``: the student handout;
- ``role-cards.html`` and ``role-cards.pdf``: the debate's role cards, one a page;
- ``slides/*.html`` and ``slides/vega-bundle.js``: a slide deck for each session of
  the lesson plans;
- ``index.html``: a page listing them (the offline pack opens on it).

:func:`publish` copies them into a built book at ``_static/teaching/`` (where the
teaching pages link to them, as ``../_static/teaching/...``) and makes the offline
pack, ``stp-book-offline.zip``: the book with those files inside it, plus ``data/``.

Both are cheap when nothing changed: :func:`build` hashes its inputs (the package's
source and data files, the book's data, chapters, bibliography and table of contents,
the pinned requirements, and whether Chromium is available) and does nothing when the
hash matches the last build's, without importing Altair; the zip is remade only when its
contents changed. Same inputs, same bytes: PDF dates and zip entry dates are
``source_date()`` (SOURCE_DATE_EPOCH, else the last commit's date).
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from ..layout import Layout

SITE_FOLDER = Path("_static") / "teaching"
OFFLINE = "stp-book-offline.zip"
DIGEST = ".digest"
MANIFEST = "manifest.json"
PACKAGE = Path(__file__).resolve().parents[1]  # src/stpbook

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def _chromium_here() -> bool:
    from ..browser import CHROMIUM

    return CHROMIUM.exists() and importlib.util.find_spec("playwright") is not None


def inputs(layout: Layout) -> list[Path]:
    """Every file the teaching files are made from."""
    found = sorted(
        p
        for p in PACKAGE.rglob("*")
        if p.is_file()
        and p.suffix in (".py", ".yaml", ".json", ".csv")
        and "__pycache__" not in p.parts
    )
    for folder in (layout.data, layout.chapters):
        found += sorted(
            p for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts
        )
    found += [p for p in (layout.bibliography, layout.toc_file, layout.requirements) if p.exists()]
    return found


def digest(layout: Layout) -> str:
    h = hashlib.sha256()
    h.update(f"chromium={_chromium_here()}\n".encode())
    for path in inputs(layout):
        h.update(
            str(
                path.relative_to(layout.root)
                if layout.root in path.parents
                else path.relative_to(PACKAGE.parent)
            ).encode()
        )
        h.update(path.read_bytes())
    return h.hexdigest()


def _index(manifest: dict) -> str:
    """The teaching folder's own index page (also the offline pack's start page)."""
    from .lessons import load

    def pdf(name: str, what: str) -> str:
        note = (
            ""
            if manifest["printed"].get(name)
            else (
                " (this copy was built without a browser to print it: the PDF is a note; "
                "print the web page instead)"
            )
        )
        return (
            f"<li><a href='{name}.pdf'>{what} (PDF)</a>{note}, or "
            f"<a href='{name}.html'>the printable web page</a></li>"
        )

    decks = "".join(
        f"<li><a href='{s.deck}'>{html.escape(s.title)}</a> ({html.escape(p.short)})</li>"
        for p in load()
        for s in p.sessions
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>The STP book: teaching files</title>"
        "<meta name='description' content='Slides, handout, role cards and the offline "
        "pack for teaching with the STP book.'>"
        "<style>body{font:17px/1.5 'DejaVu Sans',Arial,sans-serif;max-width:44em;"
        "margin:2em auto;padding:0 1em;color:#111}a{color:#005A8C}</style></head><body>"
        "<main><h1>The STP book: teaching files</h1>"
        "<p>Everything here works with no network, from a web server or straight from "
        "the file. The lesson plans, the debate kit and the model answers are pages of "
        "the book: <a href='../../chapters/80_seminar_guide.html'>open the seminar "
        "guide</a>.</p>"
        f"<h2>Slides</h2><ul>{decks}</ul><p>Arrow keys, Page Up and Down, space or a "
        "click move between slides; F goes full screen.</p>"
        "<h2>To print</h2><ul>"
        + pdf("handout", "Student handout")
        + pdf("role-cards", "Debate role cards, one a page")
        + "</ul><h2>The offline pack</h2>"
        f"<p class=\"stp-online-only\"><a href='{OFFLINE}'>The whole book with these files "
        "and its data (zip)</a>: unzip it and open <code>index.html</code>.</p>"
        "</main></body></html>"
    )


def build(layout: Layout, log: Log = _quiet, force: bool = False) -> dict:
    """Write the teaching files into ``layout.teaching`` (see the module docstring);
    returns the manifest: what was printed and the page count of each PDF."""
    out = layout.teaching
    stamp, manifest_path = out / DIGEST, out / MANIFEST
    now = digest(layout)
    if (
        not force
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8") == now
        and manifest_path.is_file()
    ):
        return json.loads(manifest_path.read_text(encoding="utf-8"))
    from . import debate, handout, slides
    from .numbers import book
    from .printing import page_count

    log("teaching: building the handout, role cards and slides ...")
    out.mkdir(parents=True, exist_ok=True)
    numbers = book(layout)
    printed: dict[str, bool] = {}
    handout.handout(layout, log, numbers)
    printed["handout"] = _chromium_here()
    _, cards_pdf, printed["role-cards"] = debate.write_cards(numbers, out, log)
    decks = slides.build(numbers, out / "slides")
    manifest = {
        "printed": printed,
        "pages": {name: page_count(out / f"{name}.pdf") for name in printed},
        "roles": len(debate.load().roles),
        "decks": {p.name: slides.charts_in(p) for p in decks},
    }
    (out / "index.html").write_text(_index(manifest), encoding="utf-8")
    manifest_path.write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    stamp.write_text(now, encoding="utf-8")
    return manifest


def _copy_if_changed(source: Path, target: Path) -> None:
    if (
        target.is_file()
        and target.stat().st_size == source.stat().st_size
        and target.read_bytes() == source.read_bytes()
    ):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    partial.replace(target)


def files(layout: Layout) -> list[Path]:
    """The built teaching files to publish (not the stamp, manifest or pack)."""
    return sorted(
        p
        for p in layout.teaching.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and p.name not in (MANIFEST, OFFLINE)
        and not p.name.endswith(".partial")
    )


# What the online book says about the offline pack (a link to download it) and what the
# offline pack's own copy says instead: a copy cannot contain itself, so the link is gone.
ONLINE_ONLY = re.compile(rb'<(p|div) class="stp-online-only">.*?</\1>', re.DOTALL)
OFFLINE_NOTE = (
    b"<p>This copy is the offline pack: everything in it opens from the files, with no "
    b"network. Copy the whole folder to share it.</p>"
)


def offline_copy(content: bytes) -> bytes:
    """A page as the offline pack holds it: links to download the pack replaced by a
    note that this is the pack."""
    return ONLINE_ONLY.sub(OFFLINE_NOTE, content)


def offline_entries(layout: Layout, html_folder: Path) -> list[tuple[str, Path | bytes]]:
    """The offline pack's contents, in a fixed order: a start page and a README, the
    book (with its teaching files, without the pack itself), the data."""
    start = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>The STP book, offline</title>"
        "<meta http-equiv='refresh' content='0; url=book/_static/teaching/index.html'>"
        "</head><body><main><p><a href='book/index.html'>Open the book</a> or "
        "<a href='book/_static/teaching/index.html'>the teaching files</a> (slides, "
        "handout, role cards).</p></main></body></html>"
    )
    readme = (
        "The STP book, offline.\n\n"
        "Open index.html (the teaching files: slides, handout, role cards) or\n"
        "book/index.html (the book) in a browser. Everything works from the file, charts\n"
        "and sliders included, with no network. Slides: arrow keys move, F is full screen.\n"
        "data/ holds the book's data as CSV, described by data/datapackage.json.\n"
    )
    entries: list[tuple[str, Path | bytes]] = [
        ("stp-book/index.html", start.encode()),
        ("stp-book/README.txt", readme.encode()),
    ]
    skip = (SITE_FOLDER / OFFLINE).as_posix()
    for path in sorted(p for p in html_folder.rglob("*") if p.is_file()):
        rel = path.relative_to(html_folder).as_posix()
        if rel == skip or rel.endswith(".partial") or path.name.startswith(".stpbook"):
            continue
        content: Path | bytes = path
        if path.suffix == ".html":
            data = path.read_bytes()
            if b"stp-online-only" in data:
                content = offline_copy(data)
        entries.append((f"stp-book/book/{rel}", content))
    for path in sorted(p for p in layout.data.rglob("*") if p.is_file()):
        entries.append((f"stp-book/data/{path.relative_to(layout.data).as_posix()}", path))
    return entries


def offline_pack(
    layout: Layout, html_folder: Path, log: Log = _quiet, folder: Path | None = None
) -> Path:
    """``stp-book-offline.zip`` in ``folder`` (default the teaching folder), remade only
    when its contents changed."""
    from .printing import zip_files

    entries = offline_entries(layout, html_folder)
    h = hashlib.sha256()
    for name, content in entries:
        h.update(name.encode())
        h.update(content.read_bytes() if isinstance(content, Path) else content)
    folder = Path(folder) if folder is not None else layout.teaching
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / OFFLINE
    stamp = folder / ".offline-digest"
    if target.is_file() and stamp.is_file() and stamp.read_text() == h.hexdigest():
        return target
    log("teaching: writing the offline pack ...")
    zip_files(target, entries)
    stamp.write_text(h.hexdigest(), encoding="utf-8")
    return target


def publish(
    layout: Layout, html_folder: Path, log: Log = _quiet, pack_folder: Path | None = None
) -> Path:
    """Build the teaching files if needed, copy them into ``html_folder`` under
    ``_static/teaching/``, and add the offline pack there. Returns that folder.
    ``pack_folder`` is where the pack is made (a preview passes its own folder, so a
    partial book never replaces the full book's pack)."""
    build(layout, log)
    target = Path(html_folder) / SITE_FOLDER
    wanted = {target / p.relative_to(layout.teaching): p for p in files(layout)}
    for dest, source in wanted.items():
        _copy_if_changed(source, dest)
    if target.exists():  # files a previous build published and this one did not
        for old in sorted(target.rglob("*"), reverse=True):
            if old.is_file() and old not in wanted and old.name != OFFLINE:
                old.unlink()
    pack = offline_pack(layout, Path(html_folder), log, pack_folder)
    _copy_if_changed(pack, target / OFFLINE)
    return target
