"""The build pipeline: papermill in parallel, a content-hash cache, a staged book build.

::

    scenarios/*.yaml --\\
    chapters/*.ipynb ---+--> papermill (parallel, cached) --> executed/ --> site/ --> html/
    data/*.csv --------/

- A chapter's cache key hashes its notebook, its parameter values, the ``stpbook``
  source, ``requirements.txt`` and the files it *read* while it last ran (recorded by
  ``stpbook.paths.record_read``), so editing a CSV re-executes only the chapters that
  read it. Executed notebooks live in a content-addressed store, ``_build/cache/``,
  shared by the default book, variant books and one-off runs.
- The book build never executes anything (``execute_notebooks: "off"``): Sphinx renders
  the assembled ``site/`` with warnings as errors into a persistent folder, then the
  HTML is copied to a staging folder and swapped into place only on success.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .errors import ExecutionError, StpBookError
from .parameters import Scenario, chapter_notebooks, differences, load_scenario

KERNEL_NAME = os.environ.get("STPBOOK_KERNEL", "stpbook")
CELL_TIMEOUT = int(os.environ.get("STPBOOK_CELL_TIMEOUT", "600"))  # seconds per cell
SITE_FILES = ("_config.yml", "_toc.yml", "references.bib")
DATA_SUFFIXES = (".csv", ".json", ".geojson")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str:
    return _sha(path.read_bytes()) if path.exists() else "missing"


@dataclass(frozen=True)
class Book:
    """A book's folders. ``root`` holds ``_config.yml``, ``chapters/``, ``data/``."""

    root: Path

    @property
    def chapters(self) -> Path:
        return self.root / "chapters"

    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def cache(self) -> Path:
        return self.build / "cache"

    def code_digest(self) -> str:
        """Hash of the ``stpbook`` source and the pinned requirements."""
        h = hashlib.sha256()
        src = Path(__file__).resolve().parent
        for path in sorted(src.rglob("*.py")):
            h.update(str(path.relative_to(src)).encode())
            h.update(path.read_bytes())
        h.update(_file_sha(self.root / "requirements.txt").encode())
        return h.hexdigest()


@dataclass
class ChapterResult:
    """What happened to one chapter: ``executed``, ``cached`` or ``failed``."""

    chapter: str
    status: str
    seconds: float
    notebook: Path | None = None
    message: str = ""
    reads: list[str] = field(default_factory=list)


def params_digest(params: dict[str, Any]) -> str:
    return _sha(json.dumps(params, sort_keys=True).encode())[:16]


def cache_key(notebook: Path, params: dict[str, Any], reads: list[str], code: str,
              root: Path) -> str:
    """The key a chapter's executed notebook is stored under."""
    h = hashlib.sha256()
    h.update(notebook.read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(code.encode())
    for rel in sorted(reads):
        h.update(rel.encode())
        h.update(_file_sha(root / rel).encode())
    return h.hexdigest()


def _cached(book: Book, notebook: Path, params: dict[str, Any], code: str) -> Path | None:
    record_path = book.cache / notebook.stem / f"{params_digest(params)}.json"
    if not record_path.exists():
        return None
    record = json.loads(record_path.read_text())
    stored = record_path.with_suffix(".ipynb")
    key = cache_key(notebook, params, record["reads"], code, book.root)
    return stored if key == record["key"] and stored.exists() else None


def _reads(work: Path, root: Path) -> list[str]:
    trace = work / paths.READS_FILE
    if not trace.exists():
        return []
    found = set()
    for line in trace.read_text().splitlines():
        path = Path(line)
        try:
            found.add(str(path.relative_to(root)))
        except ValueError:
            continue  # read from outside the book (e.g. an installed package): not keyed
    return sorted(found)


_ENV_LOCK = threading.Lock()
_ENV_USERS = 0
_ENV_SAVED: dict[str, str | None] = {}


@contextmanager
def _pipeline_environment() -> Iterator[None]:
    """Environment inherited by every kernel papermill starts while this is active: trace
    the files a chapter reads, and tell ``stpbook.widgets`` there is no live frontend.
    Worker threads share it (counted); the last one out restores the old values, so code
    run later in the same process (tests) is unaffected."""
    global _ENV_USERS
    names = (paths.READS_ENV, paths.BATCH_ENV)
    with _ENV_LOCK:
        if _ENV_USERS == 0:
            _ENV_SAVED.update({name: os.environ.get(name) for name in names})
            os.environ.update({name: "1" for name in names})
        _ENV_USERS += 1
    try:
        yield
    finally:
        with _ENV_LOCK:
            _ENV_USERS -= 1
            if _ENV_USERS == 0:
                for name, value in _ENV_SAVED.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value


def execute_notebook(notebook: Path, output: Path, params: dict[str, Any], cwd: Path,
                     kernel_name: str = KERNEL_NAME) -> None:
    """Run one notebook with papermill. Raises ExecutionError naming the chapter, the
    cell and the error; the failed notebook is left at ``output``."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        with _pipeline_environment():
            papermill.execute_notebook(
                str(notebook), str(output), parameters=params, kernel_name=kernel_name,
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                # The kernel's working directory, set per kernel: papermill's own ``cwd``
                # changes the whole process's directory, which threads would race on.
                resources={"metadata": {"path": str(cwd)}},
                # A cell that runs longer than this is stuck (no chapter cell takes more
                # than a few seconds): fail with its name rather than hang the build.
                execution_timeout=CELL_TIMEOUT,
            )
    except PapermillExecutionError as exc:
        raise ExecutionError(
            f"{notebook.stem}: cell {exc.cell_index} (execution count {exc.exec_count}) "
            f"failed: {exc.ename}: {exc.evalue}"
        ) from None
    except Exception as exc:  # kernel died, missing kernel, bad notebook JSON ...
        if type(exc).__name__ == "CellTimeoutError":  # nbclient's, raised through papermill
            raise ExecutionError(
                f"{notebook.stem}: a cell ran longer than {CELL_TIMEOUT} s and was stopped "
                f"(STPBOOK_CELL_TIMEOUT sets the limit): {str(exc).splitlines()[0]}"
            ) from None
        raise ExecutionError(f"{notebook.stem}: could not execute: {exc}") from None


def _strip_volatile(path: Path) -> None:
    """Remove execution timestamps and durations so the same inputs give the same bytes."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.get("papermill", {}).pop("start_time", None)
    nb.metadata.get("papermill", {}).pop("end_time", None)
    nb.metadata.get("papermill", {}).pop("duration", None)
    nb.metadata.get("papermill", {}).pop("input_path", None)
    nb.metadata.get("papermill", {}).pop("output_path", None)
    # Live widget state is for a kernel; in the static book it would pull in a widget
    # manager from a CDN, and the cells that show widgets are removed there anyway.
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        pm = cell.metadata.get("papermill")
        if pm:
            for key in ("start_time", "end_time", "duration"):
                pm.pop(key, None)
    nbformat.write(nb, str(path))


def run_chapter_cached(book: Book, notebook: Path, params: dict[str, Any], code: str,
                       kernel_name: str = KERNEL_NAME) -> ChapterResult:
    """Return the chapter's executed notebook from the cache, or execute it."""
    start = time.perf_counter()
    hit = _cached(book, notebook, params, code)
    if hit is not None:
        return ChapterResult(notebook.stem, "cached", time.perf_counter() - start, hit)
    work = Path(tempfile.mkdtemp(prefix=f"{notebook.stem}-", dir=_ensure(book.build / "work")))
    output = work / notebook.name
    try:
        execute_notebook(notebook, output, params, cwd=work, kernel_name=kernel_name)
    except ExecutionError as exc:
        failed = _ensure(book.build / "failed") / notebook.name
        if output.exists():
            shutil.move(str(output), failed)
        shutil.rmtree(work, ignore_errors=True)
        return ChapterResult(notebook.stem, "failed", time.perf_counter() - start, None,
                             f"{exc}; the failed notebook is at {failed}")
    _strip_volatile(output)
    reads = _reads(work, book.root)
    folder = _ensure(book.cache / notebook.stem)
    digest = params_digest(params)
    stored = folder / f"{digest}.ipynb"
    os.replace(output, stored)
    record = {"key": cache_key(notebook, params, reads, code, book.root), "reads": reads,
              "params": params, "seconds": round(time.perf_counter() - start, 2)}
    (folder / f"{digest}.json").write_text(json.dumps(record, indent=1, sort_keys=True))
    shutil.rmtree(work, ignore_errors=True)
    return ChapterResult(notebook.stem, "executed", time.perf_counter() - start, stored,
                         reads=reads)


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def execute_chapters(book: Book, plan: dict[Path, dict[str, Any]], workers: int | None = None,
                     log: Callable[[str], None] = print) -> list[ChapterResult]:
    """Execute (or fetch from the cache) every chapter in ``plan`` (notebook -> values),
    ``workers`` at a time, one progress line per chapter. Raises ExecutionError naming
    every chapter that failed, after all have finished."""
    code = book.code_digest()
    workers = workers or os.cpu_count() or 1
    results: list[ChapterResult] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_chapter_cached, book, nb, values, code): nb
                   for nb, values in plan.items()}
        for done, future in enumerate(as_completed(futures), start=1):
            result = future.result()
            results.append(result)
            what = {"cached": "from cache", "executed": "executed", "failed": "FAILED"}
            log(f"[{done}/{len(plan)}] {result.chapter}: {what[result.status]} "
                f"({result.seconds:.1f} s)" + (f"\n    {result.message}" if result.message else ""))
    failures = [r for r in results if r.status == "failed"]
    if failures:
        raise ExecutionError("; ".join(r.message for r in failures))
    order = {nb.stem: i for i, nb in enumerate(plan)}
    return sorted(results, key=lambda r: order[r.chapter])


# --- the book --------------------------------------------------------------------------

def _write_if_changed(path: Path, data: bytes) -> None:
    """Keep mtimes of unchanged files, so Sphinx re-reads only what changed."""
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def banner_markdown(scenario: Scenario, changed: dict[str, tuple[Any, Any]]) -> str:
    """The variant banner a page shows: the scenario and its non-default values."""
    lines = [f":::{{admonition}} Variant book: {scenario.title}", ":class: important", "",
             f"Built with the scenario `{scenario.name}`."]
    if changed:
        lines.append(" Assumptions on this page that differ from the book's defaults:")
        lines.append("")
        lines += [f"- `{name}` = {value!r} (default {default!r})"
                  for name, (value, default) in changed.items()]
    else:
        lines.append(" No parameter of this page differs from the book's defaults.")
    lines += ["", ":::", ""]
    return "\n".join(lines)


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


def assemble_site(book: Book, executed: dict[str, Path], site: Path,
                  scenario: Scenario | None = None,
                  values: dict[str, dict[str, Any]] | None = None) -> None:
    """Lay out the book's Sphinx source in ``site``: configuration, prose pages,
    executed notebooks (with a variant banner if ``scenario``), static files and a copy
    of ``data/`` under ``_static/data`` for download links."""
    from .vendor import write_vega_bundle

    wanted: dict[Path, bytes] = {}
    for name in SITE_FILES:
        if (book.root / name).exists():
            wanted[site / name] = (book.root / name).read_bytes()
    for page in sorted(book.chapters.glob("*.md")):
        banner = banner_markdown(scenario, {}) if scenario else None
        wanted[site / "chapters" / page.name] = _md_with_banner(page, banner)
    for stem, path in executed.items():
        banner = None
        if scenario:
            nb = book.chapters / f"{stem}.ipynb"
            banner = banner_markdown(scenario, differences(nb, (values or {}).get(stem, {})))
        wanted[site / "chapters" / f"{stem}.ipynb"] = _with_banner(path, banner)
    static = book.root / "_static"
    if static.exists():
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            wanted[site / "_static" / path.relative_to(static)] = path.read_bytes()
    data = book.root / "data"
    if data.exists():
        for path in sorted(p for p in data.iterdir() if p.suffix in DATA_SUFFIXES):
            wanted[site / "_static" / "data" / path.name] = path.read_bytes()
    bundle = write_vega_bundle()
    wanted[site / "_static" / bundle.name] = bundle.read_bytes()
    for path, content in wanted.items():
        _write_if_changed(path, content)
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


# ``jupyter-book`` run by this Python after ``import stpbook``, which spares it jsonschema's
# IRI grammar (see ``stpbook/__init__.py``): 1.7 s of every book build's start-up.
_JUPYTER_BOOK = ("import sys, stpbook; from jupyter_book.cli.main import main; "
                 "sys.argv[0] = 'jupyter-book'; sys.exit(main())")


def _jupyter_book() -> list[str]:
    return [sys.executable, "-c", _JUPYTER_BOOK]


_ICON_SCRIPT = re.compile(r'<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>'
                          r"\s*</script>\s*")
_VEGA_SCRIPT = re.compile(r'<script[^>]*src="[^"]*_static/vega-bundle\.js[^"]*"[^>]*>'
                          r"\s*</script>\s*")


def lighten_pages(html: Path) -> None:
    """Take out of each page in ``html`` the scripts it does not need:

    - the theme's Font Awesome script (1.5 MB) everywhere: the theme's stylesheet
      already draws the same solid icons from its bundled web font;
    - the Vega bundle (0.9 MB) from pages without a chart (``stp-vega``).
    """
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = _ICON_SCRIPT.sub("", text)
        if 'class="stp-vega"' not in lighter:
            lighter = _VEGA_SCRIPT.sub("", lighter)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")
    for leftover in (html / "_static" / "scripts").glob("fontawesome.js*"):
        leftover.unlink()


def build_html(site: Path, html: Path, work: Path, log: Callable[[str], None] = print) -> bool:
    """Render ``site`` to ``html`` with warnings as errors. Sphinx writes into the
    persistent ``work`` folder (incremental); the result is copied to a staging folder
    and swapped in only on success, so a failure leaves the previous ``html`` intact.
    Returns False when nothing changed since the last successful build."""
    stamp_name = ".stpbook-site-digest"
    digest = site_digest(site)
    stamp = html / stamp_name
    if stamp.exists() and stamp.read_text() == digest:
        log(f"book unchanged since the last build: {html}")
        return False
    cmd = [*_jupyter_book(), "build", str(site), "--path-output", str(work), "--builder", "html",
           "-W", "-n", "--keep-going"]
    log("building the HTML book (Sphinx, warnings are errors) ...")
    proc = subprocess.run(cmd, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})
    if proc.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)  # a clean, full build next time
        problems = [line for line in (proc.stdout + proc.stderr).splitlines()
                    if "WARNING" in line or "ERROR" in line or "Error" in line]
        detail = "\n".join(problems[-30:]) or (proc.stdout + proc.stderr)[-3000:]
        raise StpBookError(f"the book build failed; {html} was left as it was:\n{detail}")
    staging = html.with_name(html.name + ".staging")
    old = html.with_name(html.name + ".old")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(work / "_build" / "html", staging)
    lighten_pages(staging)
    (staging / stamp_name).write_text(digest)
    shutil.rmtree(old, ignore_errors=True)
    if html.exists():
        os.replace(html, old)
    os.replace(staging, html)
    shutil.rmtree(old, ignore_errors=True)
    return True


@dataclass
class BookSummary:
    html: Path
    results: list[ChapterResult]
    seconds: float
    rebuilt: bool

    def line(self) -> str:
        executed = sum(r.status == "executed" for r in self.results)
        cached = sum(r.status == "cached" for r in self.results)
        html_state = "rebuilt" if self.rebuilt else "unchanged"
        return (f"{executed} executed, {cached} from cache, HTML {html_state}, "
                f"{self.seconds:.1f} s; open {self.html / 'index.html'}")


def make_book(root: Path | None = None, scenario_path: Path | None = None,
              variant: bool = False, workers: int | None = None,
              log: Callable[[str], None] = print) -> BookSummary:
    """Execute every chapter under a scenario and build its HTML book.

    The default book goes to ``_build/html``; a variant (``variant=True``) to
    ``_build/scenarios/<name>/html`` with a banner on every page."""
    start = time.perf_counter()
    book = Book(Path(root or paths.root()).resolve())
    chapters = book.chapters
    scenario_path = Path(scenario_path or book.root / "scenarios" / "default.yaml")
    scenario = load_scenario(scenario_path, chapters)
    notebooks = chapter_notebooks(chapters)
    plan = {nb: scenario.for_chapter(nb) for nb in notebooks}  # validates before running
    out = book.build / "scenarios" / scenario.name if variant else book.build
    log(f"executing {len(plan)} chapters with papermill (scenario {scenario.name}, "
        f"{workers or os.cpu_count()} workers)")
    results = execute_chapters(book, plan, workers, log)
    executed = {r.chapter: r.notebook for r in results}
    site = out / "site"
    assemble_site(book, executed, site, scenario if variant else None,
                  {nb.stem: v for nb, v in plan.items()})
    _ensure(out / "executed")
    for stem, path in executed.items():
        _write_if_changed(out / "executed" / f"{stem}.ipynb", path.read_bytes())
    write_manifest(out / "executed" / "manifest.json", results, scenario, plan)
    rebuilt = build_html(site, out / "html", out / ".sphinx", log)
    return BookSummary(out / "html", results, time.perf_counter() - start, rebuilt)


def write_manifest(path: Path, results: list[ChapterResult], scenario: Scenario,
                   plan: dict[Path, dict[str, Any]]) -> None:
    """Record what each chapter ran with, how long it took and whether it came from
    the cache (read by the reproducibility appendix and the benchmarks)."""
    values = {nb.stem: v for nb, v in plan.items()}
    manifest = {
        "scenario": scenario.name,
        "chapters": [{"chapter": r.chapter, "status": r.status, "seconds": round(r.seconds, 2),
                      "parameters": values.get(r.chapter, {}), "reads": r.reads}
                     for r in results],
    }
    _write_if_changed(path, json.dumps(manifest, indent=1, sort_keys=True).encode())


# --- one-off runs ------------------------------------------------------------------------

RUN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script src="vega-bundle.js"></script>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
pre{{background:#f5f5f5;padding:.5rem;overflow:auto}}</style></head>
<body>{body}</body></html>
"""


def notebook_html(notebook: Path, title: str) -> str:
    """An offline HTML rendering of an executed notebook (no CDN: nbconvert's bare
    ``basic`` template, with the vendored Vega bundle beside it)."""
    import nbformat
    from nbconvert import HTMLExporter

    with warnings.catch_warnings():  # glue's papermill.record outputs have no HTML form
        warnings.simplefilter("ignore", UserWarning)
        body, _ = HTMLExporter(template_name="basic").from_notebook_node(
            nbformat.read(str(notebook), as_version=4))
    return RUN_PAGE.format(title=title, body=body)


def run_one(notebook: Path, values: dict[str, Any], name: str, force: bool = False,
            scenario: Scenario | None = None, root: Path | None = None,
            log: Callable[[str], None] = print) -> Path:
    """Execute one chapter with new parameters into ``runs/<name>/``: the executed
    notebook, its HTML and ``parameters.yaml``. ``values`` must already be validated.
    Never overwrites an existing run unless ``force``; a failed run leaves no folder."""
    import yaml

    from .vendor import write_vega_bundle

    book = Book(Path(root or paths.root()).resolve())
    runs = _ensure(book.root / "runs")
    target = runs / name
    if target.exists() and not force:
        raise StpBookError(f"{target} already exists; choose another --name or pass --force")
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=runs))
    output = work / notebook.name
    log(f"executing {notebook.stem} into {target} ...")
    start = time.perf_counter()
    try:
        execute_notebook(notebook, output, values, cwd=work)
    except ExecutionError as exc:
        failed = _ensure(runs / ".failed") / f"{name}-{notebook.name}"
        if output.exists():
            shutil.move(str(output), failed)
        shutil.rmtree(work, ignore_errors=True)
        raise ExecutionError(f"{exc}; the failed notebook is at {failed}") from None
    _strip_volatile(output)
    (work / f"{notebook.stem}.html").write_text(notebook_html(output, f"{notebook.stem}: {name}"),
                                                encoding="utf-8")
    shutil.copy(write_vega_bundle(), work / "vega-bundle.js")
    record = {
        "chapter": notebook.stem,
        "scenario": scenario.name if scenario else None,
        "parameters": values,
        "differs_from_default": {k: {"value": v, "default": d}
                                 for k, (v, d) in differences(notebook, values).items()},
        "seconds": round(time.perf_counter() - start, 2),
    }
    (work / "parameters.yaml").write_text(yaml.safe_dump(record, sort_keys=False))
    for leftover in work.glob(paths.READS_FILE):
        leftover.unlink()
    if target.exists():
        shutil.rmtree(target)
    os.replace(work, target)
    log(f"wrote {target} ({record['seconds']:.1f} s)")
    return target
