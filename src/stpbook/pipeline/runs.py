"""``stpbook run``: one chapter with new parameters into ``runs/<name>/``.

The run folder is reserved first (created atomically, so two runs with the same name
cannot both have it), the chapter executes in a hidden temporary folder beside it, and
the result moves into place only when complete. A failure or an interruption (Ctrl-C,
SIGTERM) leaves no run folder and no temporary folder; the failed notebook is kept in
``runs/.failed/`` when papermill wrote one, and the message says so only then.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..context import READS_FILE
from ..errors import ExecutionError, Refused
from ..layout import Layout
from ..parameters import differences
from ..scenarios import Scenario
from .execute import execute_notebook, strip_volatile
from .files import ensure

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
    import html

    import nbformat
    from nbconvert import HTMLExporter

    with warnings.catch_warnings():  # glue's papermill.record outputs have no HTML form
        warnings.simplefilter("ignore", UserWarning)
        body, _ = HTMLExporter(template_name="basic").from_notebook_node(
            nbformat.read(str(notebook), as_version=4)
        )
    return RUN_PAGE.format(title=html.escape(title), body=body)


def _reserve(target: Path, force: bool) -> Path | None:
    """Create ``target`` empty, atomically. With ``force`` an existing run is moved
    aside (returned, to be removed once the new run is in place)."""
    try:
        os.mkdir(target)
        return None
    except FileExistsError:
        if not force:
            raise Refused(
                f"{target} already exists; choose another --name or pass --force"
            ) from None
    if target.is_symlink() or not target.is_dir():
        raise Refused(f"{target} exists and is not a run folder; remove it first")
    aside = target.with_name(f".{target.name}.replaced-{os.getpid()}")
    os.replace(target, aside)
    os.mkdir(target)
    return aside


def run_one(
    notebook: Path,
    values: dict[str, Any],
    name: str,
    force: bool = False,
    scenario: Scenario | None = None,
    layout: Layout | None = None,
    log: Callable[[str], None] = print,
) -> Path:
    """Execute one chapter with validated ``values`` into ``runs/<name>/``: the executed
    notebook, its HTML and ``parameters.yaml``. Never overwrites an existing run unless
    ``force``; a failed or interrupted run leaves no folder (see the module docstring)."""
    import yaml

    from ..vendor import write_vega_bundle

    layout = layout or Layout.find()
    runs = ensure(layout.runs)
    target = layout.run_folder(name)  # a safe name, inside runs/
    aside = _reserve(target, force)
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=runs))
    output = work / notebook.name
    done = False
    log(f"executing {notebook.stem} into {target} ...")
    start = time.perf_counter()
    try:
        try:
            execute_notebook(notebook, output, values, work, layout)
        except ExecutionError as exc:
            message = str(exc)
            if output.exists():
                failed = ensure(runs / ".failed") / f"{name}-{notebook.name}"
                shutil.move(str(output), failed)
                message += f"; the failed notebook is at {failed}"
            raise ExecutionError(message) from None
        strip_volatile(output)
        (work / f"{notebook.stem}.html").write_text(
            notebook_html(output, f"{notebook.stem}: {name}"), encoding="utf-8"
        )
        shutil.copy(write_vega_bundle(), work / "vega-bundle.js")
        record = {
            "chapter": notebook.stem,
            "scenario": scenario.name if scenario else None,
            "parameters": values,
            "differs_from_default": {
                k: {"value": v, "default": d}
                for k, (v, d) in differences(notebook, values, layout).items()
            },
            "seconds": round(time.perf_counter() - start, 2),
        }
        (work / "parameters.yaml").write_text(
            yaml.safe_dump(record, sort_keys=False), encoding="utf-8"
        )
        (work / READS_FILE).unlink(missing_ok=True)
        os.replace(work, target)  # onto the empty reserved folder: atomic
        done = True
        log(f"wrote {target} ({record['seconds']:.1f} s)")
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not done:
            shutil.rmtree(target, ignore_errors=True)
            if aside is not None:
                os.replace(aside, target)  # the earlier run stays as it was
        elif aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
