"""The reproducibility appendix: the software, the inputs and what keys the cache.

The page hashes every file of ``data/`` and the code every chapter's cache key includes,
and notes each one it reads (a folder read covers its listing), so adding or editing any
of them re-executes this page; prose changes elsewhere in the book do not.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import platform
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from ..context import record_read
from ..layout import Layout, current
from ..tables import Table, table
from . import SHARED_CODE
from ._common import assumptions_box, count, text

NOTEBOOK = "91_reproducibility"
PACKAGES = (
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "papermill",
    "pandas",
    "altair",
    "ipywidgets",
    "vl-convert-python",
    "numpy",
    "jupyterlab",
    "jupyterlab-myst",
)


@dataclass(frozen=True)
class Inputs:
    layout: Layout
    data_files: list[Path]
    code_files: list[Path]
    package: Path


def inputs(layout: Layout | None = None) -> Inputs:
    layout = layout or current()
    package = Path(__file__).resolve().parents[1]
    record_read(layout.data)  # the listing too: a new file re-executes this page
    data_files = sorted(
        p for p in layout.data.iterdir() if p.is_file() and not p.name.startswith(".")
    )
    code_files: set[Path] = set()
    for pattern in SHARED_CODE:
        code_files.update(package.glob(pattern))
    for path in sorted(code_files):
        record_read(path)
    record_read(layout.requirements)
    return Inputs(layout, data_files, sorted(code_files), package)


@dataclass(frozen=True)
class Results:
    inputs: Inputs
    values: dict[str, Any]
    files: pd.DataFrame
    code_digest: str
    text: SimpleNamespace


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compute(inputs: Inputs, show_hashes: bool) -> Results:
    rows = [
        {"file": f"data/{p.name}", "bytes": p.stat().st_size, "sha256": _sha(p)}
        for p in inputs.data_files
    ]
    rows.append(
        {
            "file": "requirements.txt",
            "bytes": inputs.layout.requirements.stat().st_size,
            "sha256": _sha(inputs.layout.requirements),
        }
    )
    digest = hashlib.sha256()
    for path in inputs.code_files:
        digest.update(str(path.relative_to(inputs.package)).encode())
        digest.update(path.read_bytes())
    prose = text(
        n_data=count(len(inputs.data_files)),
        n_code=count(len(inputs.code_files)),
        code_digest=digest.hexdigest()[:16],
    )
    return Results(
        inputs, {"show_hashes": show_hashes}, pd.DataFrame(rows), digest.hexdigest(), prose
    )


def assumptions(results: Results) -> Any:
    return assumptions_box(NOTEBOOK, results.values, results.inputs.layout)


def software_table(results: Results) -> Table:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    frame = pd.DataFrame(
        [{"package": "Python", "version": platform.python_version()}]
        + [{"package": p, "version": version(p)} for p in PACKAGES]
    )
    return table(
        frame, "The software that built this page", {"package": "Package", "version": "Version"}
    )


def files_table(results: Results) -> Table:
    frame = results.files.copy()
    if not results.values["show_hashes"]:
        frame = frame.drop(columns=["sha256"])
    frame["sha256"] = frame.get("sha256", pd.Series(dtype=str)).map(
        lambda h: f"{h[:16]}…" if isinstance(h, str) else ""
    )
    columns = {"file": "File", "bytes": "Size (bytes)"}
    if results.values["show_hashes"]:
        columns["sha256"] = "SHA-256 (first 16 characters)"
    return table(
        frame, "The book's inputs and their fingerprints", columns, formats={"bytes": ",.0f"}
    )
