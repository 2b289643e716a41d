"""Executing chapter notebooks with papermill, in parallel, through the cache.

Each kernel runs in its own temporary folder under ``_build/work`` (so the files a
chapter reads are traced per chapter) with three variables set: ``STPBOOK_ROOT`` (the
book it belongs to, whatever the kernel's folder), ``STPBOOK_BATCH`` and
``STPBOOK_TRACE_READS`` (see ``stpbook.context``). The pipeline names its own kernel,
``stpbook`` (the venv's Python), explicitly; the notebooks in git say ``python3``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..context import BATCH_ENV, READS_ENV, READS_FILE
from ..errors import ExecutionError
from ..layout import ROOT_ENV, Layout
from . import cache, inline
from .files import ensure

KERNEL_NAME = os.environ.get("STPBOOK_KERNEL", "stpbook")
CELL_TIMEOUT = int(os.environ.get("STPBOOK_CELL_TIMEOUT", "600"))  # seconds per cell


@dataclass(frozen=True)
class Job:
    """One execution: a notebook, its parameter values, and the page it becomes
    (``chapters/01_forward_view``; the 44 footprint profiles are one notebook run 44
    times, ``footprints/E54000005`` ...)."""

    notebook: Path
    params: dict[str, Any]
    page: str

    @property
    def label(self) -> str:
        return Path(self.page).name


@dataclass
class ChapterResult:
    """What happened to one job: ``executed``, ``cached`` or ``failed``."""

    chapter: str
    status: str
    seconds: float
    notebook: Path | None = None
    message: str = ""
    reads: list[str] = field(default_factory=list)


_ENV_LOCK = threading.Lock()
_ENV_USERS = 0
_ENV_SAVED: dict[str, str | None] = {}


@contextmanager
def pipeline_environment(layout: Layout) -> Iterator[None]:
    """Environment inherited by every kernel papermill starts while this is active.
    Worker threads share it (counted); the last one out restores the old values, so code
    run later in the same process (tests) is unaffected."""
    global _ENV_USERS
    wanted = {READS_ENV: "1", BATCH_ENV: "1", ROOT_ENV: str(layout.root)}
    with _ENV_LOCK:
        if _ENV_USERS == 0:
            _ENV_SAVED.clear()
            _ENV_SAVED.update({name: os.environ.get(name) for name in wanted})
            os.environ.update(wanted)
        elif os.environ.get(ROOT_ENV) != str(layout.root):
            raise ExecutionError("two books are being built in one process at once")
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


def execute_notebook(
    notebook: Path,
    output: Path,
    params: dict[str, Any],
    cwd: Path,
    layout: Layout,
    kernel_name: str = KERNEL_NAME,
) -> None:
    """Run one notebook with papermill, then fix the numbers its prose cites
    (``inline.resolve``). Raises ExecutionError naming the chapter, the cell and the
    error; what papermill wrote of the failed notebook is left at ``output``."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = inline.with_evaluation(notebook, cwd / f".input-{notebook.name}")
    try:
        with pipeline_environment(layout):
            papermill.execute_notebook(
                str(source),
                str(output),
                parameters=params,
                kernel_name=kernel_name,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
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
            f"failed: {exc.ename}: {str(exc.evalue)[:500]}"
        ) from None
    except Exception as exc:  # kernel died, missing kernel, bad notebook JSON ...
        if type(exc).__name__ == "CellTimeoutError":  # nbclient's, raised through papermill
            raise ExecutionError(
                f"{notebook.stem}: a cell ran longer than {CELL_TIMEOUT} s and was stopped "
                f"(STPBOOK_CELL_TIMEOUT sets the limit): {str(exc).splitlines()[0]}"
            ) from None
        raise ExecutionError(
            f"{notebook.stem}: could not execute: "
            f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        ) from None
    finally:
        if source != notebook:
            source.unlink(missing_ok=True)
    inline.resolve(output, notebook.stem)


def strip_volatile(path: Path) -> None:
    """Remove execution timestamps and durations so the same inputs give the same bytes."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    for name in ("start_time", "end_time", "duration", "input_path", "output_path"):
        nb.metadata.get("papermill", {}).pop(name, None)
    # Live widget state is for a kernel; in the static book it would pull in a widget
    # manager from a CDN, and the cells that show widgets are removed there anyway.
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        pm = cell.metadata.get("papermill")
        if pm:
            for name in ("start_time", "end_time", "duration"):
                pm.pop(name, None)
    nbformat.write(nb, str(path))


def traced_reads(work: Path, root: Path) -> list[str]:
    """The book files a chapter noted reading, relative to the book root."""
    trace = work / READS_FILE
    if not trace.exists():
        return []
    found = set()
    for line in trace.read_text(encoding="utf-8").splitlines():
        try:
            found.add(str(Path(line).relative_to(root)))
        except ValueError:
            continue  # read from outside the book (e.g. an installed package): not keyed
    return sorted(found)


def run_chapter_cached(
    layout: Layout, job: Job, log: Callable[[str], None] = print, kernel_name: str = KERNEL_NAME
) -> ChapterResult:
    """Return the job's executed notebook from the cache, or execute it."""
    notebook, params, label = job.notebook, job.params, job.label
    start = time.perf_counter()
    entry = cache.Entry(layout, notebook, params)
    code = cache.code_digest(notebook, layout)
    hit = entry.lookup(code, log)
    if hit is not None:
        return ChapterResult(label, "cached", time.perf_counter() - start, hit)
    work = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=ensure(layout.work)))
    output = work / notebook.name
    try:
        try:
            execute_notebook(notebook, output, params, work, layout, kernel_name)
        except ExecutionError as exc:
            message = str(exc)
            if output.exists():
                failed = ensure(layout.failed) / f"{label}.ipynb"
                shutil.move(str(output), failed)
                message += f"; the failed notebook is at {failed}"
            return ChapterResult(label, "failed", time.perf_counter() - start, None, message)
        strip_volatile(output)
        reads = traced_reads(work, layout.root)
        stored = entry.store(output, reads, code, time.perf_counter() - start)
        return ChapterResult(label, "executed", time.perf_counter() - start, stored, reads=reads)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def execute_chapters(
    layout: Layout, jobs: list[Job], workers: int | None = None, log: Callable[[str], None] = print
) -> list[ChapterResult]:
    """Execute (or fetch from the cache) every job, ``workers`` at a time, one progress
    line per job; results in the order of ``jobs``. Raises ExecutionError naming every
    job that failed, after all have finished."""
    workers = workers or os.cpu_count() or 1
    results: list[ChapterResult] = []
    what = {"cached": "from cache", "executed": "executed", "failed": "FAILED"}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_chapter_cached, layout, job, log): job for job in jobs}
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                result = future.result()
                results.append(result)
                log(
                    f"[{done}/{len(jobs)}] {result.chapter}: {what[result.status]} "
                    f"({result.seconds:.1f} s)"
                    + (f"\n    {result.message}" if result.message else "")
                )
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    failures = [r for r in results if r.status == "failed"]
    if failures:
        raise ExecutionError("; ".join(r.message for r in failures))
    order = {job.label: i for i, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r.chapter])
