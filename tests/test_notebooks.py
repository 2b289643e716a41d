"""Every chapter notebook: stored clean, declares its parameters, executes under the
defaults and under both extremes of its declared ranges, and reproducibly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from stpbook import parameters, pipeline

from conftest import ROOT

NOTEBOOKS = parameters.chapter_notebooks()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs_and_has_a_parameters_cell(notebook: Path):
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert nb.metadata["kernelspec"]["name"] == "stpbook"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


def _extreme(notebook: Path, end: str) -> dict:
    values = {}
    for p in parameters.declared(notebook).values():
        if p.type in ("int", "float"):
            value = p.minimum if end == "low" else p.maximum
            values[p.name] = int(value) if p.type == "int" else value
        elif p.choices:
            values[p.name] = p.choices[0] if end == "low" else p.choices[-1]
    return values


@pytest.mark.slow
@pytest.mark.parametrize("end", ["default", "low", "high"])
def test_every_chapter_executes(end: str):
    book = pipeline.Book(ROOT)
    plan = {nb: ({} if end == "default" else _extreme(nb, end)) for nb in NOTEBOOKS}
    results = pipeline.execute_chapters(book, plan, log=lambda _: None)
    assert {r.status for r in results} <= {"executed", "cached"}


def _outputs(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return json.dumps([c.get("outputs", []) for c in nb.cells], sort_keys=True)


@pytest.mark.slow
def test_executing_a_chapter_twice_gives_identical_outputs(tmp_path: Path):
    notebook = parameters.resolve_chapter("forward_view")
    outputs = []
    for i in range(2):
        out = tmp_path / f"run{i}.ipynb"
        pipeline.execute_notebook(notebook, out, {"efficiency_rate": 0.02}, cwd=tmp_path)
        pipeline._strip_volatile(out)
        outputs.append(_outputs(out))
    assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_plain_papermill_works_from_another_directory(tmp_path: Path):
    notebook = parameters.resolve_chapter("forward_view")
    out = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [sys.executable, "-m", "papermill", str(notebook), str(out), "-p", "efficiency_rate",
         "0.015"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "efficiency_rate = 0.015" in out.read_text()


def test_the_stpbook_kernel_runs_this_venvs_python():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("stpbook")
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()
