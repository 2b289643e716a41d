"""The benchmark script works: a tiny run on the fixture mini-book (1 repeat) writes a
results table with every measurement, ratio and section (not benchmarks/results.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_tiny_benchmark_writes_every_row(tmp_path: Path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.pop(0)
    out = tmp_path / "results.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--tiny",
            "--out",
            str(out),
            "--workdir",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    text = out.read_text()
    for row in bench.ROWS + bench.RATIOS:
        assert f"| {row} |" in text, row
    for heading in (
        "## Seconds",
        "## Ratios against targets",
        "## Reader: page weight",
        "- commit:",
        "- machine:",
        "Browser timings:",
    ):
        assert heading in text, heading
    assert "| cold make book | n/a" not in text  # measured, not skipped
    for page in ("00_intro", "01_alpha", "02_beta"):  # every page, by its path in the book
        assert f"| chapters/{page} |" in text
    results = ROOT / "benchmarks" / "results.md"
    assert not results.exists() or str(tmp_path) not in results.read_text()
