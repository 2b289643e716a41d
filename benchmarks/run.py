"""Benchmarks: the stpbook pipeline against stock Jupyter Book, in one session.

    .venv/bin/python benchmarks/run.py            # the full book -> benchmarks/results.md
    .venv/bin/python benchmarks/run.py --tiny     # the fixture mini-book, 1 repeat, temp file

Everything runs on temporary copies of the book (never in the repository), each figure
the median of ``--repeats`` runs, interleaved so that load from other work on the
machine falls on every measurement alike:

- stock: ``jupyter-book build`` with ``execute_notebooks: force`` on the same chapters
  and ``_config.yml`` (notebooks executed serially by the book build itself);
- cold / warm / one chapter changed / one data file changed: ``stpbook book``
  (what ``make book`` runs) in a copy of the repository;
- rerun: ``stpbook run CHAPTER -p NAME VALUE`` against bare ``papermill`` of the same
  notebook with the same parameter;
- models: the stress test's Monte Carlo at 10^4 and 10^6 draws, if
  ``stpbook.models.stress`` exists;
- reader: each chapter page's weight (HTML plus the local scripts, stylesheets, images
  and fonts it loads) and the browser harness's ``_build/browser-timings.json`` if any.

A profile pass calls the pipeline's stages directly (execution, site assembly, Sphinx)
and times kernel start-up and imports, to say where the time goes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import inspect
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MINIBOOK = REPO / "tests" / "fixtures" / "minibook"
BIN = Path(sys.executable).parent
EXCLUDES = (".venv", "_build", "runs", ".git", "__pycache__", ".pytest_cache",
            ".ruff_cache", ".ipynb_checkpoints")

# A frozen copy of src/ that the benchmark, the kernels and the book builds import, so
# that other engineers editing src/stpbook during a run neither change the code measured
# nor invalidate the pipeline's cache (its key hashes the stpbook source).
SNAPSHOT = ""

# Targets from the issue: (row, ratio or seconds, limit).
TARGETS = {
    "cold/stock": 0.6,
    "warm/stock": 0.05,
    "one chapter/cold": 0.3,
    "rerun/papermill": 1.2,
}

ROWS = ["stock jupyter-book (execute: force)", "cold make book", "warm make book",
        "one chapter changed", "one data file changed", "stpbook run (one chapter)",
        "bare papermill (one chapter)", "Monte Carlo 10^4 draws", "Monte Carlo 10^6 draws"]
RATIOS = ["cold/stock", "warm/stock", "one chapter/cold", "data change/cold",
          "rerun/papermill"]


# --- helpers ---------------------------------------------------------------------------

def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def copy_book(src: Path, dest: Path) -> Path:
    """A copy of a book without its build products, virtualenv or history."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(*EXCLUDES))
    return dest


def prune_toc(book: Path) -> list[str]:
    """Drop ``_toc.yml`` entries whose file does not exist yet (chapters being written
    while the benchmark runs). Returns the entries dropped."""
    import yaml

    toc_path = book / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text())
    dropped: list[str] = []

    def exists(entry: str) -> bool:
        return any((book / f"{entry}{ext}").exists() for ext in ("", ".md", ".ipynb"))

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            for key in ("chapters", "sections", "parts"):
                if key in node:
                    kept = []
                    for child in node[key]:
                        if (isinstance(child, dict) and "file" in child
                                and not exists(child["file"])):
                            dropped.append(child["file"])
                            continue
                        kept.append(walk(child))
                    node[key] = [k for k in kept if not (isinstance(k, dict) and "chapters" in k
                                                         and not k["chapters"])]
        return node

    toc = walk(toc)
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False))
    return dropped


def drop_chapter(book: Path, stem: str) -> None:
    (book / "chapters" / f"{stem}.ipynb").unlink(missing_ok=True)
    prune_toc(book)


def env_for(book: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["STPBOOK_ROOT"] = str(book)
    if SNAPSHOT:
        env["PYTHONPATH"] = os.pathsep.join([SNAPSHOT] + [p for p in
                                             env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("STPBOOK_TRACE_READS", None)
    return env


def timed(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> float:
    """Wall-clock seconds of a command; raises with its output tail if it fails or
    runs longer than ``timeout`` (a hanging cell must not stop the benchmark)."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                              check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... still running after {timeout} s") from None
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-2500:]
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({proc.returncode}):\n{tail}")
    return seconds


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --- the stock build ---------------------------------------------------------------------

def make_stock_copy(book: Path, dest: Path) -> Path:
    """The same chapters and configuration, built the way a user would without this
    project: source notebooks, ``execute_notebooks: force``, the Vega bundle in
    ``_static`` and ``data/`` copied to ``_static/data`` (as ``assemble_site`` does)."""
    import yaml

    from stpbook.pipeline import DATA_SUFFIXES
    from stpbook.vendor import write_vega_bundle

    copy_book(book, dest)
    config_path = dest / "_config.yml"
    config = yaml.safe_load(config_path.read_text())
    execute = config.setdefault("execute", {})
    execute["execute_notebooks"] = "force"
    # Jupyter Book's default 30 s per cell would stop a slow cell on a loaded machine.
    execute["timeout"] = 600
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    static = dest / "_static"
    (static / "data").mkdir(parents=True, exist_ok=True)
    bundle = write_vega_bundle(dest / ".vendor")
    shutil.copy(bundle, static / bundle.name)
    shutil.rmtree(dest / ".vendor", ignore_errors=True)
    for path in sorted((dest / "data").iterdir()) if (dest / "data").exists() else []:
        if path.suffix in DATA_SUFFIXES:
            shutil.copy(path, static / "data" / path.name)
    for stale in dest.rglob("*.ipynb"):  # no outputs: the build must execute everything
        nb = json.loads(stale.read_text())
        assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), stale
    return dest


def stock_cmd(stock: Path, strict: bool) -> list[str]:
    cmd = [str(BIN / "jupyter-book"), "build", str(stock), "--builder", "html"]
    return cmd + (["-W", "-n", "--keep-going"] if strict else [])


def run_stock(stock: Path, strict: bool) -> float:
    shutil.rmtree(stock / "_build", ignore_errors=True)
    return timed(stock_cmd(stock, strict), stock, env_for(stock))


# --- edits ---------------------------------------------------------------------------------

def edit_chapter(notebook: Path, i: int) -> None:
    """Append a sentence to the notebook's first markdown cell (content changes, the
    parameters and code do not)."""
    nb = json.loads(notebook.read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    cell["source"] = src.rstrip("\n") + f" This sentence is benchmark edit number {i}.\n"
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def edit_csv(path: Path, i: int) -> str:
    """Change a CSV's content harmlessly: append a marker to the first value of a text
    column whose name mentions a note; otherwise end its i-th line with CRLF (the parsed
    table is the same, the bytes are not). Returns what was done."""
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0] if rows else []
    note_cols = [j for j, name in enumerate(header) if "note" in name.lower()]
    for j in note_cols:
        for row in rows[1:]:
            if j < len(row) and row[j].strip() and not _numberish(row[j]):
                row[j] = row[j] + f" (edit {i})"
                out = io.StringIO()
                csv.writer(out, lineterminator="\n").writerows(rows)
                path.write_text(out.getvalue(), encoding="utf-8")
                return f"appended ' (edit {i})' to the first {header[j]!r} value"
    lines = text.split("\n")
    k = min(i, len(lines) - 2)
    lines[k] = lines[k].rstrip("\r") + "\r"
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    return f"ended line {k + 1} with CRLF"


def _numberish(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        return False


def csv_read_by_one(book: Path) -> tuple[str, str] | None:
    """A CSV under data/ read by exactly one chapter (else by the fewest), from the
    pipeline's cache records: (path relative to the book, chapter)."""
    readers: dict[str, list[str]] = {}
    for record in (book / "_build" / "cache").glob("*/*.json"):
        for rel in json.loads(record.read_text()).get("reads", []):
            if rel.startswith("data/") and rel.endswith(".csv"):
                readers.setdefault(rel, []).append(record.parent.name)
    if not readers:
        return None
    rel, chapters = min(sorted(readers.items()), key=lambda kv: len(set(kv[1])))
    return rel, ",".join(sorted(set(chapters)))


# --- profile -------------------------------------------------------------------------------

def profile(book: Path, edit_nb: Path, cell_timeout: int) -> tuple[dict[str, float], list[str]]:
    """Call make_book's stages directly on a cold copy, then after one chapter edit.
    Returns stage seconds and chapters that failed or hung (dropped from the copy)."""
    import functools

    import papermill

    from stpbook import pipeline
    from stpbook.errors import ExecutionError
    from stpbook.parameters import chapter_notebooks, load_scenario

    os.environ["STPBOOK_ROOT"] = str(book)
    failed: list[str] = []
    stages: dict[str, float] = {}
    b = pipeline.Book(book)
    # A hanging cell would stop the benchmark: give cells a timeout here only.
    papermill.execute_notebook = functools.partial(papermill.execute_notebook,
                                                   execution_timeout=cell_timeout)

    def stage_run(prefix: str) -> None:
        shutil.rmtree(book / "_build" / "html", ignore_errors=True)
        scenario = load_scenario(book / "scenarios" / "default.yaml", b.chapters)
        plan = {nb: scenario.for_chapter(nb) for nb in chapter_notebooks(b.chapters)}
        t = time.perf_counter()
        results = pipeline.execute_chapters(b, plan, log=lambda _: None)
        stages[f"{prefix}: execute chapters (papermill, parallel)"] = time.perf_counter() - t
        for r in results:
            if r.status == "executed":
                stages[f"{prefix}:   {r.chapter}"] = r.seconds
        executed = {r.chapter: r.notebook for r in results}
        t = time.perf_counter()
        pipeline.assemble_site(b, executed, b.build / "site")
        stages[f"{prefix}: assemble site"] = time.perf_counter() - t
        t = time.perf_counter()
        pipeline.build_html(b.build / "site", b.build / "html", b.build / ".sphinx",
                            log=lambda _: None)
        stages[f"{prefix}: Sphinx (jupyter-book build) + staged copy"] = time.perf_counter() - t

    for _ in range(6):  # drop chapters that fail to execute (being written right now)
        shutil.rmtree(book / "_build", ignore_errors=True)
        try:
            stage_run("cold")
            break
        except ExecutionError as exc:
            bad = sorted({m.group(1) for m in re.finditer(r"(\d\d_[A-Za-z0-9_]+): cell", str(exc))}
                         | {m.group(1) for m in
                            re.finditer(r"(\d\d_[A-Za-z0-9_]+): could not", str(exc))})
            if not bad:
                raise
            log(f"profile: chapters failing to execute, dropped from the benchmark: {bad}")
            failed += bad
            for stem in bad:
                drop_chapter(book, stem)
    edit_chapter(edit_nb, 0)
    stage_run("one chapter changed")

    # Fixed costs: interpreter + imports, and a kernel doing nothing.
    env = env_for(book)
    imp = [str(BIN / "python"), "-c", "import pandas, altair, stpbook.charts"]
    stages["fixed: python + import pandas, altair, stpbook.charts"] = median(
        [timed(imp, book, env) for _ in range(3)]) or 0.0
    empty = Path(tempfile.mkdtemp()) / "empty.ipynb"
    empty.write_text(json.dumps({"cells": [{"cell_type": "code", "id": "a", "metadata": {},
                                            "source": "1", "outputs": [],
                                            "execution_count": None}],
                                 "metadata": {"kernelspec": {"name": "stpbook",
                                                             "display_name": "stpbook",
                                                             "language": "python"}},
                                 "nbformat": 4, "nbformat_minor": 5}))
    pm = [str(BIN / "papermill"), str(empty), str(empty.with_name("out.ipynb")),
          "-k", "stpbook", "--no-progress-bar"]
    stages["fixed: papermill CLI, one-cell notebook (kernel start-up)"] = median(
        [timed(pm, book, env) for _ in range(3)]) or 0.0
    shutil.rmtree(empty.parent, ignore_errors=True)
    return stages, failed


# --- models and reader ---------------------------------------------------------------------

def monte_carlo(repeats: int) -> dict[str, Any]:
    """Time stpbook.models.stress's Monte Carlo at 10^4 and 10^6 draws, if present."""
    try:
        from stpbook.models import stress  # type: ignore[attr-defined]
    except ImportError as exc:
        return {"available": False, "note": f"stpbook.models.stress not available ({exc})"}
    if hasattr(stress, "simulate") and hasattr(stress, "activity_programme"):
        return _simulate(stress, repeats)
    names = ("draws", "n_draws", "n_samples", "samples", "n_sims", "n_simulations", "n")
    for fname, fn in inspect.getmembers(stress, inspect.isfunction):
        if fn.__module__ != stress.__name__ or fname.startswith("_"):
            continue
        sig = inspect.signature(fn)
        arg = next((n for n in names if n in sig.parameters), None)
        required = [p for p in sig.parameters.values()
                    if p.default is inspect.Parameter.empty and p.name != arg
                    and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if arg is None or required:
            continue
        out: dict[str, Any] = {"available": True, "function": f"stress.{fname}{sig}"}
        try:
            for n in (10**4, 10**6):
                times = []
                for _ in range(max(repeats, 3)):
                    t = time.perf_counter()
                    fn(**{arg: n})
                    times.append(time.perf_counter() - t)
                out[n] = median(times)
        except Exception as exc:  # noqa: BLE001 - report, do not hide
            out["note"] = f"stress.{fname} raised {type(exc).__name__}: {exc}"
        return out
    return {"available": False,
            "note": "stpbook.models.stress has no public function with a draws argument "
                    "and defaults for the rest"}


def _simulate(stress: Any, repeats: int) -> dict[str, Any]:
    """stress.simulate on the book's activity assumptions (a made-up table of the same
    shape if the book has none, e.g. the mini-book)."""
    import pandas as pd

    try:
        from stpbook import data

        table = data.load("activity_assumptions")
        origin = "the book's activity_assumptions"
    except Exception:  # noqa: BLE001 - the mini-book has no such table
        table = pd.DataFrame({
            "activity_area": ["outpatients", "elective", "a_and_e", "non_elective"],
            "n_stps_assuming_reduction": [30, 25, 20, 35], "min_reduction_pct": [1, 1, 1, 1],
            "max_reduction_pct": [30, 20, 25, 30], "mean_reduction_pct": [10, 8, 9, 12]})
        origin = "a made-up 4-area table"
    programme = stress.activity_programme(table)
    out: dict[str, Any] = {"available": True,
                           "function": "stress.simulate(gap_gbp_m=900, programme, "
                                       "efficiency_delivered=0.7, "
                                       f"activity_reduction_achieved=0.5, draws=N) on {origin}"}
    for n in (10**4, 10**6):
        times = []
        for _ in range(max(repeats, 3)):
            t = time.perf_counter()
            stress.simulate(900.0, programme, 0.7, 0.5, draws=n)
            times.append(time.perf_counter() - t)
        out[n] = median(times)
    return out


def page_weights(html: Path) -> dict[str, dict[str, int]]:
    """Per chapter page: its HTML bytes and the bytes of the local files it loads
    (scripts, stylesheets, images, and fonts/images named by those stylesheets)."""
    from bs4 import BeautifulSoup

    weights: dict[str, dict[str, int]] = {}
    for page in sorted((html / "chapters").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        refs = [t.get("src") for t in soup.find_all(["script", "img"]) if t.get("src")]
        refs += [t.get("href") for t in soup.find_all("link")
                 if t.get("href") and set(t.get("rel") or []) & {"stylesheet", "preload", "icon"}]
        files: set[Path] = set()
        for ref in refs:
            local = _local(page.parent, ref, html)
            if local:
                files.add(local)
        for css in [f for f in files if f.suffix == ".css"]:
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(errors="ignore")):
                local = _local(css.parent, ref, html)
                if local and local.suffix in (".woff2",):  # browsers fetch one format
                    files.add(local)
        assets = sum(f.stat().st_size for f in files)
        gz = sum(_gzipped(f) for f in files | {page})
        biggest = sorted(files, key=lambda f: -f.stat().st_size)[:3]
        weights[page.stem] = {"html": page.stat().st_size, "assets": assets,
                              "total": page.stat().st_size + assets, "files": len(files),
                              "gzip": gz, "biggest": ", ".join(
                                  f"{f.name} {f.stat().st_size / 1e3:.0f} kB" for f in biggest)}
    return weights


_GZ: dict[Path, int] = {}


def _gzipped(path: Path) -> int:
    """Bytes on the wire with gzip (as most web servers send text files)."""
    import gzip

    if path not in _GZ:
        _GZ[path] = len(gzip.compress(path.read_bytes(), 6))
    return _GZ[path]


def _local(base: Path, ref: str, root: Path) -> Path | None:
    if re.match(r"^(https?:)?//|^data:|^#", ref):
        return None
    path = (base / ref.split("?")[0].split("#")[0]).resolve()
    return path if path.is_file() and root.resolve() in path.parents else None


def browser_timings(*books: Path) -> tuple[dict | None, Path | None]:
    for book in books:
        path = book / "_build" / "browser-timings.json"
        if path.exists():
            try:
                return json.loads(path.read_text()), path
            except ValueError:
                continue
    return None, None


# --- the run ---------------------------------------------------------------------------------

def machine() -> str:
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores, {mem} memory, {platform.platform()}, "
            f"Python {platform.python_version()}; load average at the end {load}")


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True,
                               text=True, check=False).stdout.strip()
        return head + (" (working tree has uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tiny", action="store_true",
                    help="the fixture mini-book, 1 repeat, results to a temp file")
    ap.add_argument("--repeats", type=int, help="runs per figure (default 3; 1 with --tiny)")
    ap.add_argument("--book", type=Path, help="the book to copy (default: the repository)")
    ap.add_argument("--out", type=Path, help="results file (default benchmarks/results.md)")
    ap.add_argument("--workdir", type=Path, help="where the copies go (default: a temp dir)")
    ap.add_argument("--profile", action=argparse.BooleanOptionalAction, default=None,
                    help="time make_book's stages directly first (default: on, off with --tiny)")
    ap.add_argument("--exclude", action="append", default=[],
                    help="a chapter to leave out of both builds (e.g. one that hangs)")
    ap.add_argument("--cell-timeout", type=int, default=300,
                    help="seconds a cell may run in the profile pass before its chapter is "
                         "dropped (the pipeline itself has no timeout)")
    ap.add_argument("--chapter", help="the chapter to edit and rerun (default: the first)")
    args = ap.parse_args(argv)

    if args.profile is None:
        args.profile = not args.tiny
    source = args.book or (MINIBOOK if args.tiny else REPO)
    repeats = args.repeats or (1 if args.tiny else 3)
    out = args.out or (Path(tempfile.gettempdir()) / "stpbook-bench-tiny.md" if args.tiny
                       else REPO / "benchmarks" / "results.md")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="stpbook-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    notes: list[str] = []
    log(f"book {source}, {repeats} repeat(s), copies in {work}")
    global SNAPSHOT
    shutil.copytree(REPO / "src", work / "src", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    SNAPSHOT = str(work / "src")
    sys.path.insert(0, SNAPSHOT)

    book = copy_book(source, work / "book")
    dropped = prune_toc(book)
    if dropped:
        notes.append("Pages listed in `_toc.yml` but not yet written were left out of both "
                     f"builds: {', '.join(dropped)}.")
    for stem in args.exclude:
        drop_chapter(book, stem)
        notes.append(f"Left out of both builds on request (--exclude): {stem}.")
    chapters = sorted((book / "chapters").glob("*.ipynb"))
    edit_stem = args.chapter or ("01_forward_view" if (book / "chapters" /
                                 "01_forward_view.ipynb").exists() else chapters[0].stem)
    edit_nb = book / "chapters" / f"{edit_stem}.ipynb"

    # 0. profile pass (also finds chapters that do not execute yet, and drops them)
    stages: dict[str, float] = {}
    if args.profile:
        log("profile pass: pipeline stages called directly")
        stages, failed = profile(book, edit_nb, args.cell_timeout)
        if failed:
            notes.append("Chapters that failed to execute during the run (work in progress) "
                         f"were left out of both builds: {', '.join(failed)}.")
    chapters = sorted((book / "chapters").glob("*.ipynb"))
    stock = make_stock_copy(book, work / "stock")
    strict = True  # -W -n like the pipeline, unless the stock build fails with them

    def stock_once() -> float:
        nonlocal strict
        try:
            return run_stock(stock, strict)
        except RuntimeError as exc:
            if not strict:
                raise
            strict = False
            warn = [ln for ln in str(exc).splitlines() if "WARNING" in ln][:3]
            notes.append("The stock build fails with `-W -n` (warnings as errors), so it was "
                         "timed without them; first warnings: " + " | ".join(warn))
            log("stock: fails with -W -n; timing it without")
            return run_stock(stock, strict)

    env = env_for(book)
    stp = [str(BIN / "stpbook"), "book"]
    times: dict[str, list[float]] = {r: [] for r in ROWS}
    data_edit = ""
    target_csv: tuple[str, str] | None = None
    for i in range(1, repeats + 1):
        log(f"repeat {i}/{repeats}: stock")
        times[ROWS[0]].append(stock_once())
        log(f"repeat {i}/{repeats}: cold")
        shutil.rmtree(book / "_build", ignore_errors=True)
        times[ROWS[1]].append(timed(stp, book, env))
        target_csv = target_csv or csv_read_by_one(book)
        log(f"repeat {i}/{repeats}: warm")
        times[ROWS[2]].append(timed(stp, book, env))
        log(f"repeat {i}/{repeats}: one chapter changed ({edit_stem})")
        edit_chapter(edit_nb, i)
        times[ROWS[3]].append(timed(stp, book, env))
        if target_csv:
            log(f"repeat {i}/{repeats}: one data file changed ({target_csv[0]})")
            data_edit = edit_csv(book / target_csv[0], i)
            times[ROWS[4]].append(timed(stp, book, env))
            status = json.loads((book / "_build" / "executed" / "manifest.json").read_text())
            re_run = [c["chapter"] for c in status["chapters"] if c["status"] == "executed"]
            data_edit += f"; re-executed: {', '.join(re_run) or 'none'}"

    # 6. rerun: stpbook run against bare papermill, same notebook, same parameter
    from stpbook.parameters import declared

    params = declared(edit_nb)
    pname, pvalue = None, None
    for p in params.values():
        if p.type in ("float", "int") and p.minimum is not None and p.maximum is not None:
            pname = p.name
            pvalue = p.default + (p.step or 1) if p.default + (p.step or 1) <= p.maximum \
                else p.default - (p.step or 1)
            pvalue = round(pvalue, 10)
            break
    rerun_desc = "no numeric parameter"
    if pname is not None:
        rerun_desc = f"{edit_stem} with -p {pname} {pvalue}"
        run_cmd = [str(BIN / "stpbook"), "run", edit_stem, "-p", pname, str(pvalue),
                   "--name", "bench-rerun", "--force"]
        pm_out = work / "papermill-out.ipynb"
        pm_cmd = [str(BIN / "papermill"), str(edit_nb), str(pm_out), "-p", pname, str(pvalue)]
        for i in range(max(repeats, 3) if not args.tiny else 1):
            log(f"rerun {i + 1}: stpbook run / papermill")
            for row, cmd in ((ROWS[5], run_cmd), (ROWS[6], pm_cmd)):
                try:
                    times[row].append(timed(cmd, book, env, timeout=300))
                except RuntimeError as exc:
                    notes.append(f"{row}: failed or hung, not timed: "
                                 f"{str(exc).splitlines()[0]}")

    # 7. models
    log("models: Monte Carlo")
    mc = monte_carlo(repeats)
    if mc.get("available"):
        if 10**4 in mc:
            times[ROWS[7]].append(mc[10**4])
        if 10**6 in mc:
            times[ROWS[8]].append(mc[10**6])

    # 8. reader
    weights = page_weights(book / "_build" / "html")
    timings, timings_path = browser_timings(book, REPO)

    med = {r: median(v) for r, v in times.items()}

    def ratio(a: str, b: str) -> float | None:
        return med[a] / med[b] if med.get(a) and med.get(b) else None

    ratios = {
        "cold/stock": ratio(ROWS[1], ROWS[0]),
        "warm/stock": ratio(ROWS[2], ROWS[0]),
        "one chapter/cold": ratio(ROWS[3], ROWS[1]),
        "data change/cold": ratio(ROWS[4], ROWS[1]),
        "rerun/papermill": ratio(ROWS[5], ROWS[6]),
    }
    text = report(source, repeats, started, med, times, ratios, stages, weights, mc,
                  timings, timings_path, notes, len(chapters), edit_stem, target_csv,
                  data_edit, rerun_desc, strict)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)
    log(f"wrote {out}")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def fmt(x: float | None, unit: str = "s") -> str:
    if x is None:
        return "n/a"
    return f"{x:.3f} {unit}" if x < 1 else f"{x:.1f} {unit}"


def report(source: Path, repeats: int, started: dt.datetime, med: dict[str, float | None],
           times: dict[str, list[float]], ratios: dict[str, float | None],
           stages: dict[str, float], weights: dict[str, dict[str, int]], mc: dict[str, Any],
           timings: dict | None, timings_path: Path | None, notes: list[str], n_chapters: int,
           edit_stem: str, target_csv: tuple[str, str] | None, data_edit: str,
           rerun_desc: str, strict: bool) -> str:
    lines = ["# Benchmarks", "",
             f"- date: {started:%Y-%m-%d %H:%M} UTC",
             f"- commit: {commit()}",
             f"- machine: {machine()}",
             (f"- book: {'the fixture mini-book' if source == MINIBOOK else source} "
              f"({n_chapters} executed chapters), copied to a temporary folder; "
              f"each figure the median of {repeats} run(s), interleaved in one session"),
             f"- command: `python benchmarks/run.py {' '.join(sys.argv[1:])}`", "",
             "## Seconds", "",
             "| measurement | median | runs | what |", "|---|---|---|---|"]
    what = {
        ROWS[0]: "`jupyter-book build` with `execute_notebooks: force`"
                 + (", `-W -n --keep-going`" if strict else " (no -W)") + ", clean `_build`",
        ROWS[1]: "`stpbook book` (= `make book`), `_build` deleted first",
        ROWS[2]: "`stpbook book` again, nothing changed",
        ROWS[3]: f"a sentence appended to a markdown cell of {edit_stem}",
        ROWS[4]: (f"{target_csv[0]} (read by {target_csv[1]}) edited: {data_edit}"
                  if target_csv else "no CSV recorded as read by a chapter"),
        ROWS[5]: f"`stpbook run {rerun_desc.split(' with ')[0]}` ({rerun_desc})",
        ROWS[6]: f"`papermill` CLI, same notebook and parameter ({rerun_desc})",
        ROWS[7]: mc.get("function", mc.get("note", "")),
        ROWS[8]: mc.get("function", mc.get("note", "")),
    }
    for row in ROWS:
        runs = ", ".join(f"{t:.2f}" for t in times[row]) or "-"
        value = fmt(med[row]) if times[row] else (
            "not available" if row.startswith("Monte") else "n/a")
        lines.append(f"| {row} | {value} | {runs} | {what[row]} |")
    lines += ["", "## Ratios against targets", "", "| ratio | measured | target | met |",
              "|---|---|---|---|"]
    for name in RATIOS:
        r = ratios[name]
        target = TARGETS.get(name)
        met = "-" if target is None or r is None else ("yes" if r <= target else "**no**")
        lines.append(f"| {name} | {'n/a' if r is None else f'{r:.3f}'} | "
                     f"{'≤ ' + str(target) if target else '-'} | {met} |")
    mc6 = med[ROWS[8]]
    lines.append(f"| 10^6 Monte Carlo draws | {fmt(mc6) if mc6 is not None else 'not available'}"
                 f" | < 1 s | {'-' if mc6 is None else ('yes' if mc6 < 1 else '**no**')} |")
    if timings:
        slider = (f"{timings['median_ms']} ms" if "median_ms" in timings
                  else _find(timings, ("slider", "redraw")))
        first = (f"{timings['first_chart_median_ms']} ms median, "
                 f"{timings['first_chart_max_ms']} ms slowest page"
                 if timings.get("first_chart_median_ms") else _find(timings, ("first",)))
        lines.append(f"| slider-to-redraw (median of 20) | {slider} | < 50 ms | "
                     f"{_met_ms(slider, 50)} |")
        lines.append(f"| time to first chart | {first} | - | - |")
    else:
        lines.append("| slider-to-redraw | not measured in this run | < 50 ms | - |")
    biggest = max((w["total"] for w in weights.values()), default=None)
    lines.append(f"| largest chapter page, HTML + loaded files | "
                 f"{'n/a' if biggest is None else f'{biggest / 1e6:.2f} MB'} | < 2 MB | "
                 f"{'-' if biggest is None else ('yes' if biggest < 2e6 else '**no**')} |")
    html_max = max((w["html"] for w in weights.values()), default=None)
    lines.append(f"| largest chapter page, HTML alone | "
                 f"{'n/a' if html_max is None else f'{html_max / 1e6:.2f} MB'} | < 2 MB | "
                 f"{'-' if html_max is None else ('yes' if html_max < 2e6 else '**no**')} |")
    lines += ["", "## Where the time goes (profile pass: make_book's stages called directly)",
              "", "| stage | seconds |", "|---|---|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in stages.items()]
    lines += ["", "## Reader: page weight (HTML + local scripts, stylesheets, images, fonts)", "",
              "| page | HTML | loaded files | total | total gzipped | largest loaded files |",
              "|---|---|---|---|---|---|"]
    for stem, w in weights.items():
        lines.append(f"| {stem} | {w['html'] / 1e3:.0f} kB | {w['files']} files, "
                     f"{w['assets'] / 1e3:.0f} kB | {w['total'] / 1e6:.2f} MB | "
                     f"{w['gzip'] / 1e6:.2f} MB | {w['biggest']} |")
    lines += ["", ("The loaded files are the same on every page (theme, Sphinx scripts, the "
                   "Vega bundle) and are cached by the browser after the first page; the HTML "
                   "column is what each page adds, inline chart data included.")]
    lines += ["", "Browser timings: " + (
        f"from `{timings_path}`: `{json.dumps(timings)[:800]}`" if timings
        else "not measured in this run (no `_build/browser-timings.json`)."), ""]
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


def _find(d: Any, words: tuple[str, ...]) -> str:
    if isinstance(d, dict):
        for k, v in d.items():
            if all(w in k.lower() for w in words) and not isinstance(v, (dict, list)):
                return f"{v} ({k})"
        for v in d.values():
            found = _find(v, words)
            if found != "n/a":
                return found
    return "n/a"


def _met_ms(value: str, limit: float) -> str:
    m = re.match(r"([\d.]+)", value)
    if not m:
        return "-"
    v = float(m.group(1))
    if "(" in value and "_s" in value.split("(")[1]:
        v *= 1000
    return "yes" if v < limit else "**no**"


if __name__ == "__main__":
    sys.exit(main())
