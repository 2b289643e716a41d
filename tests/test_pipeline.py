"""The pipeline on the fixture mini-book: cache keys, the staged build, failures."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from stpbook import pipeline
from stpbook.errors import ExecutionError

pytestmark = pytest.mark.slow


def _statuses(summary: pipeline.BookSummary) -> dict[str, str]:
    return {r.chapter: r.status for r in summary.results}


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_minibook_builds_caches_and_rebuilds_only_what_changed(minibook: Path):
    logs: list[str] = []
    first = pipeline.make_book(minibook, log=logs.append)
    assert _statuses(first) == {"01_alpha": "executed", "02_beta": "executed"}
    assert any(line.startswith("[1/2]") for line in logs)  # one progress line per chapter
    page = BeautifulSoup((first.html / "chapters" / "01_alpha.html").read_text(), "html.parser")
    assert page.find("h1").get_text(strip=True).startswith("Alpha")
    assert "total = 6.0" in page.get_text()
    assert (first.html / "_static" / "vega-bundle.js").exists()
    assert (first.html / "_static" / "data" / "alpha.csv").exists()
    cached = next((minibook / "_build" / "cache" / "01_alpha").glob("*.json"))
    record = json.loads(cached.read_text())
    assert record["reads"] == ["data/alpha.csv"]

    second = pipeline.make_book(minibook, log=logs.append)
    assert _statuses(second) == {"01_alpha": "cached", "02_beta": "cached"}
    assert not second.rebuilt

    (minibook / "data" / "alpha.csv").write_text("value\n1\n2\n3\n4\n")
    third = pipeline.make_book(minibook, log=logs.append)
    assert _statuses(third) == {"01_alpha": "executed", "02_beta": "cached"}
    assert "total = 10.0" in (third.html / "chapters" / "01_alpha.html").read_text()


def test_a_failing_cell_names_chapter_and_cell_and_keeps_old_html(minibook: Path):
    good = pipeline.make_book(minibook, log=lambda _: None)
    before = _tree(good.html)
    nb_path = minibook / "chapters" / "02_beta.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("fail: bool = False", "fail: bool = True")
    nbformat.write(nb, nb_path)
    with pytest.raises(ExecutionError) as err:
        pipeline.make_book(minibook, log=lambda _: None)
    message = str(err.value)
    assert "02_beta" in message and "cell 3" in message and "asked to fail" in message
    assert (minibook / "_build" / "failed" / "02_beta.ipynb").exists()
    assert _tree(good.html) == before


def test_a_sphinx_warning_fails_the_build_and_keeps_old_html(minibook: Path):
    good = pipeline.make_book(minibook, log=lambda _: None)
    before = _tree(good.html)
    intro = minibook / "chapters" / "00_intro.md"
    intro.write_text(intro.read_text() + "\nSee {ref}`no-such-label`.\n")
    with pytest.raises(Exception, match="book build failed"):
        pipeline.make_book(minibook, log=lambda _: None)
    assert _tree(good.html) == before


def test_variant_book_shows_its_assumptions(minibook: Path):
    summary = pipeline.make_book(minibook, minibook / "scenarios" / "doubled.yaml",
                                 variant=True, log=lambda _: None)
    assert summary.html == minibook / "_build" / "scenarios" / "doubled" / "html"
    page = (summary.html / "chapters" / "01_alpha.html").read_text()
    assert "Variant book: Everything doubled" in page and "total = 12.0" in page
    assert "scale" in BeautifulSoup(page, "html.parser").select_one(".admonition").get_text()
    intro = (summary.html / "chapters" / "00_intro.html").read_text()
    assert "Variant book: Everything doubled" in intro
