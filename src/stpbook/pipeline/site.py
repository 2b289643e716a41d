"""From executed notebooks to the HTML book: assemble the Sphinx source, build, swap.

- :func:`assemble_site` lays out ``site/`` (configuration, prose pages, executed
  notebooks with a variant banner, ``_static/``, a copy of ``data/`` for downloads),
  rewriting only files whose content changed so Sphinx's incremental build re-reads
  only those.
- :func:`build_html` runs Sphinx with warnings as errors into a persistent folder, then
  copies the result to ``html.staging`` and swaps it in: ``html`` -> ``html.old``,
  ``html.staging`` -> ``html``. A failed build leaves ``html`` as it was; a build
  killed between the two renames is repaired by :func:`recover` at the next start.
  When anything that every page shares changed (configuration, table of contents,
  static files, bibliography, the set of pages), Sphinx starts from scratch, so an
  incremental build gives the same bytes as a cold one.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..layout import Layout
from ..parameters import declared, differences
from ..scenarios import Scenario
from .execute import Job
from .files import ensure, write_if_changed

SITE_FILES = ("_config.yml", "_toc.yml", "references.bib")
DATA_SUFFIXES = (".csv", ".json", ".geojson")
STAMP = ".stpbook-site-digest"


def _markdown_text(text: str) -> str:
    """Untrusted text (a scenario's title or name) made safe and literal in MyST:
    HTML escaped, and Markdown or role syntax neutralised."""
    escaped = html_lib.escape(str(text), quote=True)
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~:$-])", r"\\\1", escaped).replace("\n", " ")


def banner_markdown(scenario: Scenario, changed: dict[str, tuple[Any, Any]],
                    labels: dict[str, str] | None = None) -> str:
    """The variant banner a page shows: the scenario and its non-default values."""
    labels = labels or {}
    lines = [f":::{{admonition}} Variant book: {_markdown_text(scenario.title)}",
             ":class: important", "",
             f"Built with the scenario {_markdown_text(scenario.name)}."]
    if changed:
        lines.append(" Assumptions on this page that differ from the book's defaults:")
        lines.append("")
        lines += [f"- {_markdown_text(labels.get(name, name))}: {_markdown_text(value)} "
                  f"(the book's default is {_markdown_text(default)})"
                  for name, (value, default) in changed.items()]
    else:
        lines.append(" No assumption on this page differs from the book's defaults.")
    lines += ["", ":::", ""]
    return "\n".join(lines)


_GITHUB = re.compile(r"^https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$")


def site_config(text: str) -> bytes:
    """The book's ``_config.yml`` with the publishing rule applied (see the comment on
    ``repository`` there): launch buttons and the repository button only when
    ``repository.url`` is set, and ``html.baseurl`` derived from a GitHub address when it
    is left empty."""
    import yaml

    config = yaml.safe_load(text) or {}
    config.pop("stpbook", None)  # the pipeline's own settings (profiles), not Sphinx's
    url = str((config.get("repository") or {}).get("url") or "").strip()
    html = config.setdefault("html", {})
    launch = config.setdefault("launch_buttons", {})
    if url:
        html["use_repository_button"] = True
        github = _GITHUB.match(url)
        if not html.get("baseurl") and github:
            html["baseurl"] = f"https://{github.group(1)}.github.io/{github.group(2)}/"
    else:
        html["use_repository_button"] = False
        html["use_issues_button"] = False
        html["use_edit_page_button"] = False
        for key in ("binderhub_url", "jupyterhub_url", "colab_url"):
            launch[key] = ""
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True).encode()


def _with_banner(executed: Path, banner: str | None) -> bytes:
    if not banner:
        return executed.read_bytes()
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    cell = nbformat.v4.new_markdown_cell(banner)
    cell.id = "stpbook-variant-banner"
    nb.cells.insert(1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, cell)
    return nbformat.writes(nb).encode()


def _md_with_banner(page: Path, banner: str | None) -> bytes:
    text = page.read_text(encoding="utf-8")
    if not banner:
        return text.encode()
    lines = text.splitlines(keepends=True)
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    return "".join(lines[:title + 1] + ["\n", banner, "\n"] + lines[title + 1:]).encode()


def assemble_site(layout: Layout, executed: list[tuple[Job, Path]], site: Path,
                  scenario: Scenario | None = None,
                  extra: dict[str, bytes] | None = None,
                  pages: list[str] | None = None) -> None:
    """Lay out the book's Sphinx source in ``site``: configuration, prose pages,
    executed notebooks (each job's at ``<page>.ipynb``, with a variant banner if
    ``scenario``), static files, a copy of ``data/`` under ``_static/data`` and
    ``extra`` files (path relative to ``site`` -> bytes). With ``pages`` (stems), only
    those Markdown pages and the root page are laid out (a preview)."""
    from ..vendor import write_vega_bundle

    wanted: dict[Path, bytes] = {}
    for name in SITE_FILES:
        if (layout.root / name).exists():
            wanted[site / name] = (layout.root / name).read_bytes()
    if layout.config_file.exists():
        wanted[site / "_config.yml"] = site_config(layout.config_file.read_text("utf-8"))
    root_page = layout.parts()[0][1][0]
    for page in sorted(layout.chapters.glob("*.md")):
        if pages is not None and page.stem not in pages and page.stem != root_page:
            continue
        banner = banner_markdown(scenario, {}) if scenario else None
        wanted[site / "chapters" / page.name] = _md_with_banner(page, banner)
    for job, path in executed:
        banner = None
        if scenario:
            labels = {n: p.title for n, p in declared(job.notebook, layout).items()}
            banner = banner_markdown(scenario, differences(job.notebook, job.params, layout),
                                     labels)
        wanted[site / f"{job.page}.ipynb"] = _with_banner(path, banner)
    if layout.static.exists():
        for path in sorted(p for p in layout.static.rglob("*") if p.is_file()):
            wanted[site / "_static" / path.relative_to(layout.static)] = path.read_bytes()
    if layout.data.exists():
        for path in sorted(p for p in layout.data.iterdir() if p.suffix in DATA_SUFFIXES):
            wanted[site / "_static" / "data" / path.name] = path.read_bytes()
    for rel, content in (extra or {}).items():
        wanted[site / rel] = content  # e.g. a preview's own table of contents
    bundle = write_vega_bundle()
    wanted[site / "_static" / bundle.name] = bundle.read_bytes()
    for path, content in wanted.items():
        write_if_changed(path, content)
    if site.exists():
        for path in sorted(site.rglob("*"), reverse=True):
            if path.is_file() and path not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def site_digest(site: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(site)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def shared_digest(site: Path) -> str:
    """Hash of what every page shares: configuration, toc, bibliography, static files
    and the list of pages. When it changes, Sphinx starts from scratch."""
    h = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site)
        h.update(str(rel).encode())
        if rel.parts[0] != "chapters":
            h.update(path.read_bytes())
    return h.hexdigest()


# ``jupyter-book`` run by this Python after ``import stpbook``, which spares it jsonschema's
# IRI grammar (see ``stpbook/__init__.py``): 1.7 s of every book build's start-up.
_JUPYTER_BOOK = ("import sys, stpbook; from jupyter_book.cli.main import main; "
                 "sys.argv[0] = 'jupyter-book'; sys.exit(main())")

_ICON_SCRIPT = re.compile(r'<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>'
                          r"\s*</script>\s*")
_VEGA_SCRIPT = re.compile(r'<script[^>]*src="[^"]*_static/vega-bundle\.js[^"]*"[^>]*>'
                          r"\s*</script>\s*")


_TOGGLE = re.compile(r'<summary>(\s*<span class="toctree-toggle")')


def lighten_pages(html: Path) -> None:
    """Finish each page in ``html``:

    - take out the theme's Font Awesome script (1.5 MB) everywhere: the theme's
      stylesheet already draws the same solid icons from its bundled web font;
    - take out the Vega bundle (0.9 MB) from pages without a chart (``stp-vega``);
    - name the theme's expand buttons in the contents (a ``<summary>`` holding only an
      icon has no accessible name: axe-core's rule summary-name);
    - give the bibliography's entries the list-item role their list needs.
    """
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = _ICON_SCRIPT.sub("", text)
        if 'class="stp-vega' not in lighter:
            lighter = _VEGA_SCRIPT.sub("", lighter)
        lighter = _TOGGLE.sub(r'<summary aria-label="Show or hide the pages in this part">\1',
                              lighter)
        # The bibliography: a list whose entries say they are list items (docutils marks
        # them doc-biblioentry, which a role="list" may not contain: axe's
        # aria-required-children).
        if 'role="list" class="citation-list"' in lighter:
            lighter = lighter.replace('role="doc-biblioentry"', 'role="listitem"')
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")
    for leftover in (html / "_static" / "scripts").glob("fontawesome.js*"):
        leftover.unlink()


def recover(html: Path) -> None:
    """Repair a swap that was interrupted between its two renames: if there is no
    ``html`` but an ``html.old``, put it back. Leftover staging folders are removed."""
    old = html.with_name(html.name + ".old")
    if not html.exists() and old.is_dir():
        os.replace(old, html)
    shutil.rmtree(html.with_name(html.name + ".staging"), ignore_errors=True)
    if html.exists():
        shutil.rmtree(old, ignore_errors=True)


def build_html(site: Path, html: Path, work: Path, log: Callable[[str], None] = print) -> bool:
    """Render ``site`` to ``html`` with warnings as errors (see the module docstring).
    Returns False when nothing changed since the last successful build."""
    recover(html)
    digest = site_digest(site)
    stamp = html / STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == digest:
        log(f"book unchanged since the last build: {html}")
        return False
    shared = shared_digest(site)
    shared_stamp = work / ".stpbook-shared-digest"
    if not shared_stamp.is_file() or shared_stamp.read_text(encoding="utf-8") != shared:
        shutil.rmtree(work, ignore_errors=True)  # a full build: see the module docstring
    cmd = [sys.executable, "-c", _JUPYTER_BOOK, "build", str(site), "--path-output", str(work),
           "--builder", "html", "-W", "-n", "--keep-going"]
    log("building the HTML book (Sphinx, warnings are errors) ...")
    proc = subprocess.run(cmd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})
    if proc.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)  # a clean, full build next time
        problems = [line for line in (proc.stdout + proc.stderr).splitlines()
                    if "WARNING" in line or "ERROR" in line or "Error" in line]
        detail = "\n".join(problems[-30:]) or (proc.stdout + proc.stderr)[-3000:]
        raise BuildError(f"the book build failed; {html} was left as it was:\n{detail}")
    ensure(work)
    (work / ".stpbook-shared-digest").write_text(shared, encoding="utf-8")
    staging = html.with_name(html.name + ".staging")
    old = html.with_name(html.name + ".old")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(work / "_build" / "html", staging)
    lighten_pages(staging)
    (staging / STAMP).write_text(digest, encoding="utf-8")
    shutil.rmtree(old, ignore_errors=True)
    if html.exists():
        os.replace(html, old)
    os.replace(staging, html)
    shutil.rmtree(old, ignore_errors=True)
    return True
