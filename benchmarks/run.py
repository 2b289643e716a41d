"""Benchmarks: the stpbook pipeline against stock Jupyter Book, a fresh install, and what a
reader waits for, in one session (``make bench``).

    .venv/bin/python benchmarks/run.py            # the full book -> benchmarks/results.md
    .venv/bin/python benchmarks/run.py --tiny     # the fixture mini-book, 1 repeat, temp file

Everything runs on temporary copies of the book (never in the repository), each figure
the median of ``--repeats`` runs (default 1 for the full book: one cold build is 53
notebook executions, about 3 minutes; 3 with ``--repeats 3``), interleaved so that load
from other work on the machine falls on every measurement alike:

- stock: ``jupyter-book build`` with ``execute_notebooks: force`` on the same pages and
  ``_config.yml``: the chapters and the 44 footprint profiles (each profile notebook with
  its parameter injected the way papermill does it), executed serially by the book build;
- cold / warm / one chapter changed / one data file changed: ``stpbook book``
  (what ``make book`` runs) in a copy of the repository;
- rerun: ``stpbook run CHAPTER -p NAME VALUE`` against bare ``papermill`` of the same
  notebook with the same parameter;
- install: ``make venv`` in a fresh copy with no package cache, with uv (the default) and
  with pip (``INSTALLER=pip``), then ``make book`` there: fresh clone to first book;
- models: the stress test's Monte Carlo at 10^4 and 10^6 draws;
- reader (``reader.py``): Lighthouse, mobile profile and desktop preset, on every chapter
  page and the heaviest footprint profile, the book served on 127.0.0.1 with gzip as a
  static host would; page weight; slider-to-redraw and first chart in headless Chromium.

A profile pass calls the pipeline's stages directly (execution, site assembly, Sphinx),
with and without the 44 footprint profiles, and times kernel start-up and imports, to say
where the time goes. ``benchmarks/baseline.json`` holds the figures before the work of
issue 18 (measured with ``reader.py`` on the build of that time), for the before/after
table.
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

import reader

REPO = Path(__file__).resolve().parents[1]
MINIBOOK = REPO / "tests" / "fixtures" / "minibook"
BASELINE = REPO / "benchmarks" / "baseline.json"
BIN = Path(sys.executable).parent
EXCLUDES = (
    ".venv",
    "_build",
    "runs",
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    ".lighthouse",
    ".mypy_cache",
)

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

ROWS = [
    "stock jupyter-book (execute: force)",
    "cold make book",
    "warm make book",
    "one chapter changed",
    "one data file changed",
    "stpbook run (one chapter)",
    "bare papermill (one chapter)",
    "Monte Carlo 10^4 draws",
    "Monte Carlo 10^6 draws",
    "fresh install, uv (make venv)",
    "fresh install, pip (make venv INSTALLER=pip)",
    "fresh clone: make book after the install",
]
RATIOS = ["cold/stock", "warm/stock", "one chapter/cold", "data change/cold", "rerun/papermill"]


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
                        if (
                            isinstance(child, dict)
                            and "file" in child
                            and not exists(child["file"])
                        ):
                            dropped.append(child["file"])
                            continue
                        kept.append(walk(child))
                    node[key] = [
                        k
                        for k in kept
                        if not (isinstance(k, dict) and "chapters" in k and not k["chapters"])
                    ]
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
        env["PYTHONPATH"] = os.pathsep.join(
            [SNAPSHOT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        )
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("STPBOOK_TRACE_READS", None)
    return env


def timed(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> float:
    """Wall-clock seconds of a command; raises with its output tail if it fails or
    runs longer than ``timeout`` (a hanging cell must not stop the benchmark)."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout
        )
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
    """The same pages and configuration, built the way a user would without this
    project: source notebooks, ``execute_notebooks: force``, the Vega bundle in
    ``_static`` and ``data/`` copied to ``_static/data`` (as ``assemble_site`` does), and
    the 44 footprint profiles as 44 notebooks, each the profile notebook with its
    parameter injected as papermill would (``parameterize_notebook``), with their group
    pages and contents as ``make book`` lays them out."""
    import nbformat
    import yaml
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from stpbook.layout import Layout
    from stpbook.pipeline import book as book_mod
    from stpbook.pipeline import profiles
    from stpbook.pipeline.site import DATA_SUFFIXES, site_config
    from stpbook.vendor import write_vega_bundle

    copy_book(book, dest)
    layout = Layout(dest)
    found = profiles.settings(layout)
    if found:
        for row in found.rows:
            nb = load_notebook_node(str(found.notebook))  # with the cell tags papermill reads
            nb = parameterize_notebook(nb, {found.parameter: row[found.key]})
            target = dest / f"{found.page(row)}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(target))
        for rel, content in profiles.group_pages(found).items():
            (dest / rel).write_bytes(content)
        (dest / "_toc.yml").write_bytes(book_mod.profile_toc(layout, found, None))
    config_path = dest / "_config.yml"
    # The configuration the pipeline builds with (the publishing rule applied: no launch
    # buttons without a repository, which the theme cannot draw), as stock would need too.
    config = yaml.safe_load(site_config(config_path.read_text()))
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
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        stale.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return dest


def stock_cmd(stock: Path, strict: bool) -> list[str]:
    cmd = [str(BIN / "jupyter-book"), "build", str(stock), "--builder", "html"]
    return cmd + (["-W", "-n", "--keep-going"] if strict else [])


def run_stock(stock: Path, strict: bool) -> float:
    shutil.rmtree(stock / "_build", ignore_errors=True)
    return timed(stock_cmd(stock, strict), stock, env_for(stock), timeout=1800)


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
    """Call make_book's stages directly: a cold build, the same without the footprint
    profiles (their execution, their pages), the profiles fetched from a warm cache, and
    a build after one chapter edit. Returns stage seconds and chapters that failed or
    hung (dropped from the copy)."""
    import functools

    import papermill

    from stpbook import pipeline, teaching
    from stpbook.errors import ExecutionError
    from stpbook.layout import Layout
    from stpbook.pipeline import book as book_mod
    from stpbook.pipeline import profiles, site
    from stpbook.scenarios import load_scenario

    os.environ["STPBOOK_ROOT"] = str(book)
    failed: list[str] = []
    stages: dict[str, float] = {}
    quiet = lambda _: None  # noqa: E731
    # A hanging cell would stop the benchmark: give cells a timeout here only.
    papermill.execute_notebook = functools.partial(
        papermill.execute_notebook, execution_timeout=cell_timeout
    )

    def stage_run(prefix: str, with_profiles: bool = True) -> None:
        layout = Layout(book)
        out = layout.output(None) if with_profiles else layout.build / "no-profiles"
        shutil.rmtree(out / "html", ignore_errors=True)
        scenario = load_scenario(layout.default_scenario, layout)
        found = profiles.settings(layout)
        jobs = pipeline.plan(layout, scenario)
        extra: dict[str, bytes] = {}
        if found and with_profiles:
            extra.update(profiles.group_pages(found))
            extra["_toc.yml"] = book_mod.profile_toc(layout, found, None)
        elif found:  # the book without them: their page's links are not errors here
            jobs = [j for j in jobs if j.notebook != found.notebook]
            extra["_config.yml"] = book_mod.preview_config(layout)
        t = time.perf_counter()
        results = pipeline.execute_chapters(layout, jobs, log=quiet)
        stages[f"{prefix}: execute {len(jobs)} notebooks (papermill, 2 workers)"] = (
            time.perf_counter() - t
        )
        if found:
            own = [
                r.seconds
                for j, r in zip(jobs, results, strict=True)
                if j.notebook == found.notebook and r.status == "executed"
            ]
            rest = [
                r
                for j, r in zip(jobs, results, strict=True)
                if j.notebook != found.notebook and r.status == "executed"
            ]
            if own:
                stages[
                    f"{prefix}:   {len(own)} footprint profiles, kernel seconds summed "
                    f"(median {statistics.median(own):.2f} s each)"
                ] = sum(own)
            for r in rest:
                stages[f"{prefix}:   {r.chapter}"] = r.seconds
        t = time.perf_counter()
        executed = [(j, r.notebook) for j, r in zip(jobs, results, strict=True) if r.notebook]
        site.assemble_site(layout, executed, out / "site", None, extra)
        stages[f"{prefix}: assemble site"] = time.perf_counter() - t
        t = time.perf_counter()
        site.build_html(out / "site", out / "html", out / ".sphinx", log=quiet)
        stages[f"{prefix}: Sphinx (jupyter-book build) + finishing pages"] = time.perf_counter() - t
        if with_profiles:
            t = time.perf_counter()
            try:
                teaching.publish(layout, out / "html", quiet)
                stages[f"{prefix}: teaching documents published"] = time.perf_counter() - t
            except Exception as exc:  # noqa: BLE001 - a book without them (the mini-book)
                log(f"profile pass: teaching documents not published ({exc})")
            if found:  # the same profiles again: every one from the cache
                t = time.perf_counter()
                pipeline.execute_chapters(
                    layout, [j for j in jobs if j.notebook == found.notebook], log=quiet
                )
                stages[f"{prefix}: the profiles again, all from the cache (warm)"] = (
                    time.perf_counter() - t
                )

    for _ in range(6):  # drop chapters that fail to execute (being written right now)
        shutil.rmtree(book / "_build", ignore_errors=True)
        try:
            stage_run("cold")
            break
        except ExecutionError as exc:
            bad = sorted(
                {m.group(1) for m in re.finditer(r"(\d\d_[A-Za-z0-9_]+): cell", str(exc))}
                | {m.group(1) for m in re.finditer(r"(\d\d_[A-Za-z0-9_]+): could not", str(exc))}
            )
            if not bad:
                raise
            log(f"profile: chapters failing to execute, dropped from the benchmark: {bad}")
            failed += bad
            for stem in bad:
                drop_chapter(book, stem)
    if profiles.settings(Layout(book)):
        log("profile pass: cold, without the footprint profiles")
        cache = Layout(book).cache
        kept = cache.with_name("cache.kept")
        shutil.move(str(cache), str(kept))
        try:
            stage_run("cold without profiles", with_profiles=False)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
            shutil.move(str(kept), str(cache))
            shutil.rmtree(Layout(book).build / "no-profiles", ignore_errors=True)
    log("profile pass: one chapter changed")
    edit_chapter(edit_nb, 0)
    stage_run("one chapter changed")

    # Fixed costs: interpreter + imports, and a kernel doing nothing.
    env = env_for(book)
    imp = [str(BIN / "python"), "-c", "import pandas, altair, stpbook.charts"]
    stages["fixed: python + import pandas, altair, stpbook.charts"] = (
        median([timed(imp, book, env) for _ in range(3)]) or 0.0
    )
    empty = Path(tempfile.mkdtemp()) / "empty.ipynb"
    empty.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "id": "a",
                        "metadata": {},
                        "source": "1",
                        "outputs": [],
                        "execution_count": None,
                    }
                ],
                "metadata": {
                    "kernelspec": {
                        "name": "stpbook",
                        "display_name": "stpbook",
                        "language": "python",
                    }
                },
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    pm = [
        str(BIN / "papermill"),
        str(empty),
        str(empty.with_name("out.ipynb")),
        "-k",
        "stpbook",
        "--no-progress-bar",
    ]
    stages["fixed: papermill CLI, one-cell notebook (kernel start-up)"] = (
        median([timed(pm, book, env) for _ in range(3)]) or 0.0
    )
    shutil.rmtree(empty.parent, ignore_errors=True)
    return stages, failed


def shared_code_reach(book: Path) -> str:
    """How many executions a change to one shared chart module invalidates (from the
    cache key's definition, ``pipeline.cache.chapter_code``)."""
    import stpbook.pipeline as pipeline
    from stpbook.layout import Layout
    from stpbook.pipeline import cache, profiles
    from stpbook.scenarios import load_scenario

    layout = Layout(book)
    jobs = pipeline.plan(layout, load_scenario(layout.default_scenario, layout))
    found = profiles.settings(layout)
    module = "charts/footprints.py"
    hit = [j for j in jobs if any(str(p).endswith(module) for p in cache.chapter_code(j.notebook))]
    n_profiles = sum(1 for j in hit if found and j.notebook == found.notebook)
    return (
        f"editing `src/stpbook/{module}` (chapter 2's charts) changes the key of "
        f"{len(hit)} of {len(jobs)} executions, {n_profiles} of them footprint profiles "
        "(every chapter's key hashes every chart module: `stpbook.chapters.SHARED_CODE`)"
    )


# --- install -------------------------------------------------------------------------------


def fresh_install(
    work: Path, installer: str, book: bool, source: Path = REPO
) -> tuple[float, float | None, str]:
    """``make venv`` (and then ``make book``) in a fresh copy of the repository with no
    package cache: (install seconds, first book seconds, note)."""
    dest = copy_book(source, work / f"clone-{installer}")
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("VIRTUAL_ENV", "PYTHONPATH", "STPBOOK_ROOT", "STPBOOK_TRACE_READS", "STPBOOK_BATCH")
    }
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(REPO / ".venv"))
    )
    env.update({"PIP_NO_CACHE_DIR": "1", "UV_NO_CACHE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    python = shutil.which("python3.11") or sys.executable
    base = getattr(sys, "_base_executable", python)
    python = python if shutil.which("python3.11") else base
    try:
        installed = timed(
            ["make", "venv", f"INSTALLER={installer}", f"PYTHON={python}"], dest, env, timeout=1200
        )
        first = (
            timed(["make", "book", f"PYTHON={python}"], dest, env, timeout=1800) if book else None
        )
        return installed, first, ""
    except RuntimeError as exc:
        return float("nan"), None, f"{installer}: {str(exc).splitlines()[0]}"
    finally:
        shutil.rmtree(dest, ignore_errors=True)


# --- models -------------------------------------------------------------------------------


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
        required = [
            p
            for p in sig.parameters.values()
            if p.default is inspect.Parameter.empty
            and p.name != arg
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
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
    return {
        "available": False,
        "note": "stpbook.models.stress has no public function with a draws argument "
        "and defaults for the rest",
    }


def _simulate(stress: Any, repeats: int) -> dict[str, Any]:
    """stress.simulate on the book's activity assumptions (a made-up table of the same
    shape if the book has none, e.g. the mini-book)."""
    import pandas as pd

    try:
        from stpbook import data

        table = data.load("activity_assumptions")
        origin = "the book's activity_assumptions"
    except Exception:  # noqa: BLE001 - the mini-book has no such table
        table = pd.DataFrame(
            {
                "activity_area": ["outpatients", "elective", "a_and_e", "non_elective"],
                "n_stps_assuming_reduction": [30, 25, 20, 35],
                "min_reduction_pct": [1, 1, 1, 1],
                "max_reduction_pct": [30, 20, 25, 30],
                "mean_reduction_pct": [10, 8, 9, 12],
            }
        )
        origin = "a made-up 4-area table"
    programme = stress.activity_programme(table)
    out: dict[str, Any] = {
        "available": True,
        "function": "stress.simulate(gap_gbp_m=900, programme, "
        "efficiency_delivered=0.7, "
        f"activity_reduction_achieved=0.5, draws=N) on {origin}",
    }
    for n in (10**4, 10**6):
        times = []
        for _ in range(max(repeats, 3)):
            t = time.perf_counter()
            stress.simulate(900.0, programme, 0.7, 0.5, draws=n)
            times.append(time.perf_counter() - t)
        out[n] = median(times)
    return out


# --- machine -------------------------------------------------------------------------------


def machine() -> str:
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {mem} memory, {platform.platform()}, "
        f"Python {platform.python_version()}; load average at the end {load}"
    )


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.strip()
        return head + (" (working tree has uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# --- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--tiny",
        action="store_true",
        help="the fixture mini-book, 1 repeat, no install or Lighthouse, results to a temp file",
    )
    ap.add_argument("--repeats", type=int, help="runs per build figure (default 1)")
    ap.add_argument("--book", type=Path, help="the book to copy (default: the repository)")
    ap.add_argument("--out", type=Path, help="results file (default benchmarks/results.md)")
    ap.add_argument("--workdir", type=Path, help="where the copies go (default: a temp dir)")
    ap.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="time make_book's stages directly first (default: on, off with --tiny)",
    )
    ap.add_argument(
        "--install",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="time a fresh install and first book (default: on, off with --tiny)",
    )
    ap.add_argument(
        "--pip",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also time a fresh install with pip (INSTALLER=pip; about 2 minutes more)",
    )
    ap.add_argument(
        "--lighthouse",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run Lighthouse (default: on, off with --tiny)",
    )
    ap.add_argument(
        "--exclude",
        action="append",
        default=[],
        help="a chapter to leave out of both builds (e.g. one that hangs)",
    )
    ap.add_argument(
        "--cell-timeout",
        type=int,
        default=300,
        help="seconds a cell may run in the profile pass before its chapter is "
        "dropped (the pipeline itself has no timeout)",
    )
    ap.add_argument("--chapter", help="the chapter to edit and rerun (default: the first)")
    args = ap.parse_args(argv)

    for flag in ("profile", "install", "lighthouse"):
        if getattr(args, flag) is None:
            setattr(args, flag, not args.tiny)
    source = args.book or (MINIBOOK if args.tiny else REPO)
    repeats = args.repeats or 1
    out = args.out or (
        Path(tempfile.gettempdir()) / "stpbook-bench-tiny.md"
        if args.tiny
        else REPO / "benchmarks" / "results.md"
    )
    work = Path(args.workdir or tempfile.mkdtemp(prefix="stpbook-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    notes: list[str] = []
    log(f"book {source}, {repeats} repeat(s), copies in {work}")
    global SNAPSHOT
    # The code of the book measured: its own src/ when it has one (a copy of the
    # repository), else the repository's (the fixture mini-book).
    shutil.copytree(
        (source / "src") if (source / "src" / "stpbook").is_dir() else REPO / "src",
        work / "src",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    SNAPSHOT = str(work / "src")
    sys.path.insert(0, SNAPSHOT)

    book = copy_book(source, work / "book")
    dropped = prune_toc(book)
    if dropped:
        notes.append(
            "Pages listed in `_toc.yml` but not yet written were left out of both "
            f"builds: {', '.join(dropped)}."
        )
    for stem in args.exclude:
        drop_chapter(book, stem)
        notes.append(f"Left out of both builds on request (--exclude): {stem}.")
    chapters = sorted((book / "chapters").glob("*.ipynb"))
    edit_stem = args.chapter or (
        "01_forward_view"
        if (book / "chapters" / "01_forward_view.ipynb").exists()
        else chapters[0].stem
    )
    edit_nb = book / "chapters" / f"{edit_stem}.ipynb"

    # 0. profile pass (also finds chapters that do not execute yet, and drops them)
    stages: dict[str, float] = {}
    reach = ""
    if args.profile:
        log("profile pass: pipeline stages called directly")
        stages, failed = profile(book, edit_nb, args.cell_timeout)
        if failed:
            notes.append(
                "Chapters that failed to execute during the run (work in progress) "
                f"were left out of both builds: {', '.join(failed)}."
            )
        reach = shared_code_reach(book)
    stock = make_stock_copy(book, work / "stock")
    from stpbook.layout import Layout

    executions = len(Layout(book).notebooks()) + len(list((stock / "footprints").glob("*.ipynb")))
    strict = True  # -W -n like the pipeline, unless the stock build fails with them

    def stock_once() -> float:
        nonlocal strict
        try:
            return run_stock(stock, strict)
        except RuntimeError as exc:
            if not strict:
                raise
            strict = False
            plain = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # no terminal colours
            warn = [ln.strip() for ln in plain.splitlines() if "WARNING" in ln][:3]
            notes.append(
                "The stock build fails with `-W -n` (warnings as errors), so it was "
                "timed without them; first warnings: " + " | ".join(warn)
            )
            log("stock: fails with -W -n; timing it without")
            return run_stock(stock, strict)

    env = env_for(book)
    stp = [str(BIN / "stpbook"), "book"]
    times: dict[str, list[float]] = {r: [] for r in ROWS}
    data_edit = ""
    target_csv: tuple[str, str] | None = None
    for i in range(1, repeats + 1):
        log(f"repeat {i}/{repeats}: stock ({executions} notebooks, serially)")
        times[ROWS[0]].append(stock_once())
        log(f"repeat {i}/{repeats}: cold")
        shutil.rmtree(book / "_build", ignore_errors=True)
        times[ROWS[1]].append(timed(stp, book, env, timeout=1800))
        target_csv = target_csv or csv_read_by_one(book)
        log(f"repeat {i}/{repeats}: warm")
        times[ROWS[2]].append(timed(stp, book, env))
        log(f"repeat {i}/{repeats}: one chapter changed ({edit_stem})")
        edit_chapter(edit_nb, i)
        times[ROWS[3]].append(timed(stp, book, env))
        if target_csv:
            log(f"repeat {i}/{repeats}: one data file changed ({target_csv[0]})")
            data_edit = edit_csv(book / target_csv[0], i)
            times[ROWS[4]].append(timed(stp, book, env, timeout=1800))
            status = json.loads((book / "_build" / "executed" / "manifest.json").read_text())
            re_run = [c["chapter"] for c in status["chapters"] if c["status"] == "executed"]
            data_edit += f"; re-executed: {', '.join(re_run[:8]) or 'none'}" + (
                f" and {len(re_run) - 8} more" if len(re_run) > 8 else ""
            )

    # rerun: stpbook run against bare papermill, same notebook, same parameter
    from stpbook.parameters import declared

    params = declared(edit_nb)
    pname, pvalue = None, None
    for p in params.values():
        if p.type in ("float", "int") and p.minimum is not None and p.maximum is not None:
            pname = p.name
            pvalue = (
                p.default + (p.step or 1)
                if p.default + (p.step or 1) <= p.maximum
                else p.default - (p.step or 1)
            )
            pvalue = round(pvalue, 10)
            break
    rerun_desc = "no numeric parameter"
    if pname is not None:
        rerun_desc = f"{edit_stem} with -p {pname} {pvalue}"
        run_cmd = [
            str(BIN / "stpbook"),
            "run",
            edit_stem,
            "-p",
            pname,
            str(pvalue),
            "--name",
            "bench-rerun",
            "--force",
        ]
        pm_out = work / "papermill-out.ipynb"
        pm_cmd = [str(BIN / "papermill"), str(edit_nb), str(pm_out), "-p", pname, str(pvalue)]
        for i in range(3 if not args.tiny else 1):
            log(f"rerun {i + 1}: stpbook run / papermill")
            for row, cmd in ((ROWS[5], run_cmd), (ROWS[6], pm_cmd)):
                try:
                    times[row].append(timed(cmd, book, env, timeout=300))
                except RuntimeError as exc:
                    notes.append(f"{row}: failed or hung, not timed: {str(exc).splitlines()[0]}")

    log("models: Monte Carlo")
    mc = monte_carlo(3)
    if mc.get("available"):
        if 10**4 in mc:
            times[ROWS[7]].append(mc[10**4])
        if 10**6 in mc:
            times[ROWS[8]].append(mc[10**6])

    # reader: Lighthouse, page weight, sliders (on the last cold + edits build)
    html = book / "_build" / "html"
    log("reader: page weight, Lighthouse, sliders")
    if args.lighthouse:
        reading = reader.measure(html, log=log)
    else:
        reading = {
            "weights": reader.weights(html),
            "lighthouse": {},
            "skipped": "not run (--no-lighthouse or --tiny)",
        }
    try:
        timings = reader.browser_timings(html, log=log)
    except Exception as exc:  # noqa: BLE001 - report, do not stop the benchmark
        timings = {"skipped": f"{type(exc).__name__}: {exc}"}

    # install: a fresh copy, no package cache, uv then pip; first book after uv
    if args.install:
        installers = [("uv", ROWS[9], True)] + ([("pip", ROWS[10], False)] if args.pip else [])
        for installer, row, book_too in installers:
            log(f"fresh install with {installer}" + (" and first make book" if book_too else ""))
            origin = source if (source / "Makefile").exists() else REPO
            seconds, first, note = fresh_install(work, installer, book_too, origin)
            if note:
                notes.append(f"fresh install failed: {note}")
                continue
            times[row].append(seconds)
            if first is not None:
                times[ROWS[11]].append(first)

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
    results = {
        "date": f"{started:%Y-%m-%d %H:%M} UTC",
        "commit": commit(),
        "seconds": med,
        "ratios": ratios,
        "reader": reading,
        "browser": timings,
        "stages": stages,
    }
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() and not args.tiny else None
    text = report(
        source,
        repeats,
        started,
        med,
        times,
        ratios,
        stages,
        reading,
        mc,
        timings,
        notes,
        executions,
        edit_stem,
        target_csv,
        data_edit,
        rerun_desc,
        strict,
        reach,
        baseline,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    out.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(text)
    log(f"wrote {out}")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def fmt(x: float | None, unit: str = "s") -> str:
    if x is None or x != x:
        return "n/a"
    return f"{x:.3f} {unit}" if x < 1 else f"{x:.1f} {unit}"


def _mb(n: float | None) -> str:
    return "n/a" if n is None else f"{n / 1e6:.2f} MB"


def _lh_summary(reading: dict[str, Any]) -> dict[str, Any]:
    """Worst and heaviest figures over the Lighthouse pages."""
    lh = reading.get("lighthouse") or {}
    mob = {p: r["mobile"] for p, r in lh.items() if "score" in r.get("mobile", {})}
    desk = {p: r["desktop"] for p, r in lh.items() if "score" in r.get("desktop", {})}
    chapter = {p: r for p, r in mob.items() if p.startswith("chapters/")}
    out: dict[str, Any] = {}
    if mob:
        worst = min(mob, key=lambda p: mob[p]["score"])
        out["mobile_min"] = (mob[worst]["score"], worst)
        slow = max(mob, key=lambda p: mob[p]["lcp_ms"] or 0)
        out["lcp_max"] = (mob[slow]["lcp_ms"], slow)
        heavy = max(chapter or mob, key=lambda p: (chapter or mob)[p]["bytes"])
        out["heaviest"] = (
            (chapter or mob)[heavy]["bytes"],
            (chapter or mob)[heavy]["wire_bytes"],
            heavy,
        )
        out["mobile_all"] = [r["score"] for r in mob.values()]
    if desk:
        worst = min(desk, key=lambda p: desk[p]["score"])
        out["desktop_min"] = (desk[worst]["score"], worst)
    return out


def report(
    source: Path,
    repeats: int,
    started: dt.datetime,
    med: dict[str, float | None],
    times: dict[str, list[float]],
    ratios: dict[str, float | None],
    stages: dict[str, float],
    reading: dict[str, Any],
    mc: dict[str, Any],
    timings: dict[str, Any],
    notes: list[str],
    executions: int,
    edit_stem: str,
    target_csv: tuple[str, str] | None,
    data_edit: str,
    rerun_desc: str,
    strict: bool,
    reach: str,
    baseline: dict[str, Any] | None,
) -> str:
    lh = _lh_summary(reading)
    lines = [
        "# Benchmarks",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        f"- commit: {commit()}",
        f"- machine: {machine()}",
        (
            f"- book: {'the fixture mini-book' if source == MINIBOOK else source} "
            f"({executions} notebook executions), copied to a temporary folder; "
            f"build figures the median of {repeats} run(s), interleaved in one session"
        ),
        f"- command: `python benchmarks/run.py {' '.join(sys.argv[1:])}` (`make bench`)",
        (
            "- reader: Lighthouse "
            + str(
                next(
                    (
                        r.get("mobile", {}).get("lighthouse")
                        for r in reading.get("lighthouse", {}).values()
                    ),
                    None,
                )
                or "not run"
            )
            + ", performance category, default mobile profile (simulated slow 4G, 4x CPU "
            "slowdown) and `--preset=desktop`, Debian's Chromium headless; the book "
            "served from 127.0.0.1 by `benchmarks/reader.py`, text files gzip-compressed "
            "(level 6) as a static host would"
        ),
        "",
    ]

    # Before / after
    if baseline:
        b = baseline
        blh = _lh_summary(b.get("reader", {}))
        bb = b.get("build", {})
        rows = [
            (
                "Lighthouse mobile, worst chapter page",
                ">= 90",
                f"{blh['mobile_min'][0]} ({blh['mobile_min'][1]})"
                if "mobile_min" in blh
                else "n/a",
                f"{lh['mobile_min'][0]} ({lh['mobile_min'][1]})" if "mobile_min" in lh else "n/a",
                lh.get("mobile_min", (0,))[0] >= 90,
            ),
            (
                "Lighthouse desktop preset, worst chapter page",
                ">= 98",
                f"{blh['desktop_min'][0]} ({blh['desktop_min'][1]})"
                if "desktop_min" in blh
                else "n/a",
                f"{lh['desktop_min'][0]} ({lh['desktop_min'][1]})"
                if "desktop_min" in lh
                else "n/a",
                lh.get("desktop_min", (0,))[0] >= 98,
            ),
            (
                "largest contentful paint, mobile, slowest page",
                "<= 2.5 s",
                f"{blh['lcp_max'][0] / 1000:.1f} s ({blh['lcp_max'][1]})"
                if "lcp_max" in blh
                else "n/a",
                f"{lh['lcp_max'][0] / 1000:.1f} s ({lh['lcp_max'][1]})"
                if "lcp_max" in lh
                else "n/a",
                lh.get("lcp_max", (1e9,))[0] <= 2500,
            ),
            (
                "heaviest chapter page, everything it loads (gzipped)",
                "<= 1.2 MB",
                f"{_mb(blh['heaviest'][0])} ({_mb(blh['heaviest'][1])}, {blh['heaviest'][2]})"
                if "heaviest" in blh
                else "n/a",
                f"{_mb(lh['heaviest'][0])} ({_mb(lh['heaviest'][1])}, {lh['heaviest'][2]})"
                if "heaviest" in lh
                else "n/a",
                lh.get("heaviest", (1e12,))[0] <= 1.2e6,
            ),
            (
                "one chapter changed / cold",
                "<= 0.3",
                bb.get("one chapter/cold", "n/a"),
                _r(ratios["one chapter/cold"]),
                (ratios["one chapter/cold"] or 9) <= 0.3,
            ),
            (
                "fresh clone to first book (install + make book)",
                "<= 60 s",
                bb.get("fresh clone", "n/a"),
                _sum(med[ROWS[9]], med[ROWS[11]]),
                (med[ROWS[9]] or 1e9) + (med[ROWS[11]] or 1e9) <= 60,
            ),
            (
                "  of which the install (make venv)",
                "-",
                bb.get("install", "n/a"),
                f"{fmt(med[ROWS[9]])} with uv; {fmt(med[ROWS[10]])} with pip",
                None,
            ),
            (
                "cold make book / stock",
                "<= 0.6 (aim 0.5)",
                bb.get("cold/stock", "n/a"),
                _r(ratios["cold/stock"]),
                (ratios["cold/stock"] or 9) <= 0.6,
            ),
            (
                "warm make book / stock",
                "<= 0.05",
                bb.get("warm/stock", "n/a"),
                _r(ratios["warm/stock"]),
                (ratios["warm/stock"] or 9) <= 0.05,
            ),
            (
                "stpbook run / bare papermill",
                "<= 1.2",
                bb.get("rerun/papermill", "n/a"),
                _r(ratios["rerun/papermill"]),
                (ratios["rerun/papermill"] or 9) <= 1.2,
            ),
            (
                "slider to redraw, median",
                "< 50 ms",
                bb.get("slider", "n/a"),
                f"{timings.get('median_ms', 'n/a')} ms",
                (timings.get("median_ms") or 1e9) < 50,
            ),
            (
                "10^6 Monte Carlo draws",
                "< 1 s",
                bb.get("monte carlo", "n/a"),
                fmt(med[ROWS[8]]),
                (med[ROWS[8]] or 9) < 1,
            ),
        ]
        lines += [
            "## Before and after",
            "",
            f"Before: {b.get('label', 'the baseline')} ({b.get('date', '?')}); after: "
            "this run. Lighthouse figures before and after were measured the same way "
            "(`benchmarks/reader.py`, same Lighthouse, same server).",
            "",
            "| measurement | target | before | after | met |",
            "|---|---|---|---|---|",
        ]
        for name, target, before, after, met in rows:
            ok = "-" if met is None else ("yes" if met else "**no**")
            lines.append(f"| {name} | {target} | {before} | {after} | {ok} |")
        lines.append("")

    lines += ["## Seconds", "", "| measurement | median | runs | what |", "|---|---|---|---|"]
    what = {
        ROWS[0]: "`jupyter-book build` with `execute_notebooks: force`"
        + (", `-W -n --keep-going`" if strict else " (no -W)")
        + ", clean `_build`",
        ROWS[1]: "`stpbook book` (= `make book`), `_build` deleted first",
        ROWS[2]: "`stpbook book` again, nothing changed",
        ROWS[3]: f"a sentence appended to a markdown cell of {edit_stem}",
        ROWS[4]: (
            f"{target_csv[0]} (read by {target_csv[1]}) edited: {data_edit}"
            if target_csv
            else "no CSV recorded as read by a chapter"
        ),
        ROWS[5]: f"`stpbook run {rerun_desc.split(' with ')[0]}` ({rerun_desc})",
        ROWS[6]: f"`papermill` CLI, same notebook and parameter ({rerun_desc})",
        ROWS[7]: mc.get("function", mc.get("note", "")),
        ROWS[8]: mc.get("function", mc.get("note", "")),
        ROWS[9]: "`make venv` in a fresh copy, no package cache (`UV_NO_CACHE=1`): pinned uv "
        "from PyPI, then `uv pip install -r requirements.txt`, `stpbook setup`",
        ROWS[10]: "the same with `INSTALLER=pip` (`PIP_NO_CACHE_DIR=1`): pip, as before",
        ROWS[11]: "`make book` in that fresh copy right after the uv install (cold)",
    }
    for row in ROWS:
        runs = ", ".join(f"{t:.2f}" for t in times[row]) or "-"
        value = fmt(med[row]) if times[row] else "n/a"
        lines.append(f"| {row} | {value} | {runs} | {what[row]} |")
    lines += [
        "",
        "## Ratios against targets",
        "",
        "| ratio | measured | target | met |",
        "|---|---|---|---|",
    ]
    for name in RATIOS:
        r = ratios[name]
        target = TARGETS.get(name)
        met = "-" if target is None or r is None else ("yes" if r <= target else "**no**")
        lines.append(
            f"| {name} | {'n/a' if r is None else f'{r:.3f}'} | "
            f"{'≤ ' + str(target) if target else '-'} | {met} |"
        )
    mc6 = med[ROWS[8]]
    lines.append(
        f"| 10^6 Monte Carlo draws | {fmt(mc6) if mc6 is not None else 'not available'}"
        f" | < 1 s | {'-' if mc6 is None else ('yes' if mc6 < 1 else '**no**')} |"
    )
    slider = timings.get("median_ms")
    lines.append(
        f"| slider-to-redraw (median over every control, 20 moves each) | "
        f"{'n/a' if slider is None else f'{slider} ms'} | < 50 ms | "
        f"{'-' if slider is None else ('yes' if slider < 50 else '**no**')} |"
    )
    first = timings.get("first_chart_median_ms")
    slowest = timings.get("first_chart_max_ms")
    lines.append(
        "| time to first chart (1280 x 900) | "
        + ("n/a" if first is None else f"{first} ms median, {slowest} ms slowest page")
        + " | - | - |"
    )

    lines += [
        "",
        "## Where the time goes (profile pass: make_book's stages called directly)",
        "",
        "| stage | seconds |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v:.2f} |" for k, v in stages.items()]
    if reach:
        lines += ["", f"A shared chart module edited: {reach}."]

    lh_pages = reading.get("lighthouse") or {}
    lines += ["", "## Reader: Lighthouse", ""]
    if lh_pages:
        lines += [
            "| page | mobile score | FCP | LCP | TBT | CLS | desktop score | requests | "
            "bytes (gzipped) | longest tasks, mobile (ms, simulated) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for page, r in lh_pages.items():
            m, d = r.get("mobile", {}), r.get("desktop", {})
            if "score" not in m:
                lines.append(f"| {page} | error: {m.get('error', '?')[:80]} | | | | | | | | |")
                continue
            tasks = ", ".join(f"{t[1]}" for t in m.get("long_tasks", [])[:4])
            lines.append(
                f"| {page} | {m['score']} | {m['fcp_ms'] / 1000:.1f} s | "
                f"{m['lcp_ms'] / 1000:.1f} s | {m['tbt_ms']:.0f} ms | {m['cls']:.3f} | "
                f"{d.get('score', 'n/a')} | {m['requests']} | {_mb(m['bytes'])} "
                f"({_mb(m['wire_bytes'])}) | {tasks} |"
            )
    else:
        lines.append(f"Not measured: {reading.get('skipped', 'no Lighthouse')}.")

    lines += [
        "",
        "## Reader: page weight (HTML + local scripts, stylesheets, images, fonts)",
        "",
        "| page | HTML | loaded files | total | total gzipped | largest loaded files |",
        "|---|---|---|---|---|---|",
    ]
    weights = reading.get("weights", {})
    shown = {k: v for k, v in weights.items() if not k.startswith("footprints/")}
    profiles = {k: v for k, v in weights.items() if k.startswith("footprints/")}
    if profiles:
        heavy = max(profiles, key=lambda k: profiles[k]["total"])
        shown[heavy] = profiles[heavy]
    for stem, w in shown.items():
        lines.append(
            f"| {stem} | {w['html'] / 1e3:.0f} kB | {w['files']} files, "
            f"{w['assets'] / 1e3:.0f} kB | {w['total'] / 1e6:.2f} MB | "
            f"{w['gzip'] / 1e6:.2f} MB | {w['biggest']} |"
        )
    if profiles:
        lines += [
            "",
            f"The {len(profiles)} footprint pages (profiles and region lists) weigh "
            f"{min(w['total'] for w in profiles.values()) / 1e6:.2f}-"
            f"{max(w['total'] for w in profiles.values()) / 1e6:.2f} MB each with "
            "what they load; the heaviest is in the table.",
        ]
    lines += [
        "",
        (
            "The stylesheets are inline in each page (only the rules that page can "
            "use); the loaded files are scripts (Sphinx, the theme, on chart pages the "
            "Vega runtime) that the browser caches after the first page."
        ),
    ]
    lines += [
        "",
        "Browser timings: "
        + (f"`{json.dumps(timings)[:1500]}`" if timings else "not measured in this run."),
        "",
    ]
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


def _r(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _sum(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return "n/a"
    return f"{a + b:.0f} s ({a:.0f} s install + {b:.0f} s first book)"


if __name__ == "__main__":
    sys.exit(main())
