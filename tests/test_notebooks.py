"""Every chapter notebook: stored clean with the standard kernel, thin (its logic in its
recipe module), declares its parameters, executes under the defaults and both extremes
of its declared ranges, reproducibly, and under plain papermill from anywhere."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from stpbook import parameters, pipeline
from stpbook.pipeline import Job

from conftest import LAYOUT, ROOT

NOTEBOOKS = parameters.chapter_notebooks(LAYOUT)
EVERY_NOTEBOOK = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("seminar/*.ipynb"))
MAX_CELL_LINES = 15


@pytest.mark.parametrize("notebook", EVERY_NOTEBOOK, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs_and_with_the_standard_kernel(notebook: Path):
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_chapter_is_thin_and_imports_only_its_own_recipe(notebook: Path):
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    recipe = f"stpbook.chapters.{parameters.short_name(notebook)}"
    for cell in code:
        assert len(cell.source.splitlines()) <= MAX_CELL_LINES, cell.source[:200]
        assert "glue(" not in cell.source and "myst_nb" not in cell.source
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module + "".join(f".{a.name}" for a in node.names)
                assert (
                    not node.module.startswith("stpbook")
                    or module == recipe
                    or node.module == "stpbook.chapters"
                    and [a.name for a in node.names] == [recipe.rsplit(".", 1)[1]]
                ), f"{notebook.stem} imports {module}"
            elif isinstance(node, ast.Import):
                assert not any(
                    a.name.startswith(("stpbook", "pandas", "numpy")) for a in node.names
                ), f"{notebook.stem}: logic belongs in {recipe}"


def _extreme(notebook: Path, end: str) -> dict:
    values = {}
    for p in parameters.declared(notebook, LAYOUT).values():
        if p.type in ("int", "float"):
            value = p.minimum if end == "low" else p.maximum
            values[p.name] = int(value) if p.type == "int" else value
        elif p.choices:
            values[p.name] = p.choices[0] if end == "low" else p.choices[-1]
    return values


@pytest.mark.slow
@pytest.mark.parametrize("end", ["default", "low", "high"])
def test_every_chapter_executes(end: str):
    jobs = [
        Job(nb, {} if end == "default" else _extreme(nb, end), f"chapters/{nb.stem}")
        for nb in NOTEBOOKS
    ]
    results = pipeline.execute_chapters(LAYOUT, jobs, log=lambda _: None)
    assert {r.status for r in results} <= {"executed", "cached"}


def _outputs(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return json.dumps([[c.get("source"), c.get("outputs", [])] for c in nb.cells], sort_keys=True)


@pytest.mark.slow
def test_executing_a_chapter_twice_gives_identical_outputs(tmp_path: Path):
    notebook = parameters.resolve_chapter("forward_view", LAYOUT)
    outputs = []
    for i in range(2):
        out = tmp_path / f"run{i}.ipynb"
        pipeline.execute_notebook(notebook, out, {"efficiency_rate": 0.02}, tmp_path, LAYOUT)
        pipeline.strip_volatile(out)
        outputs.append(_outputs(out))
    assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_plain_papermill_works_from_another_directory(tmp_path: Path):
    notebook = parameters.resolve_chapter("forward_view", LAYOUT)
    out = tmp_path / "out.ipynb"
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("STPBOOK_")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(notebook),
            str(out),
            "-p",
            "efficiency_rate",
            "0.015",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "efficiency_rate = 0.015" in out.read_text()


def test_the_stpbook_kernel_runs_this_venvs_python():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("stpbook")
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()
