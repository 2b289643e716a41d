"""The pipeline on the fixture mini-book: cache keys, the staged build, failures, layout."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from stpbook import pipeline
from stpbook.errors import ExecutionError
from stpbook.layout import Layout
from stpbook.pipeline import cache

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
    record = json.loads(
        next((minibook / "_build" / "cache" / "01_alpha").glob("*.json")).read_text()
    )
    assert record["reads"] == ["data/alpha.csv"]

    second = pipeline.make_book(minibook, log=logs.append)
    assert _statuses(second) == {"01_alpha": "cached", "02_beta": "cached"}
    assert not second.rebuilt

    (minibook / "data" / "alpha.csv").write_text("value\n1\n2\n3\n4\n")
    third = pipeline.make_book(minibook, log=logs.append)
    assert _statuses(third) == {"01_alpha": "executed", "02_beta": "cached"}
    assert "total = 10.0" in (third.html / "chapters" / "01_alpha.html").read_text()


def test_a_second_book_reads_its_own_data_without_any_variable(minibook: Path):
    # The mini-book's chapters read data/alpha.csv, which the real book does not have:
    # the build only succeeds if each kernel is told which book it belongs to.
    assert "STPBOOK_ROOT" not in os.environ
    summary = pipeline.make_book(Layout(minibook), log=lambda _: None)
    assert "total = 6.0" in (summary.html / "chapters" / "01_alpha.html").read_text()
    assert "STPBOOK_ROOT" not in os.environ  # restored after the run


def test_editing_code_a_chapter_cannot_import_executes_nothing(minibook: Path, package_copy: Path):
    pipeline.make_book(minibook, log=lambda _: None)
    for outside in (
        "cli.py",
        "compare.py",
        "servers.py",
        "pipeline/site.py",
        "teaching/handout.py",
    ):
        path = package_copy / outside
        path.write_text(path.read_text() + "\n# an edit outside what a chapter imports\n")
    again = pipeline.make_book(minibook, log=lambda _: None)
    assert set(_statuses(again).values()) == {"cached"}
    shared = package_copy / "models" / "gap.py"
    shared.write_text(shared.read_text() + "\n# an edit a chapter can import\n")
    third = pipeline.make_book(minibook, log=lambda _: None)
    assert set(_statuses(third).values()) == {"executed"}


def test_a_recipe_module_keys_only_its_own_chapter(package_copy: Path, tmp_path: Path):
    layout = Layout(tmp_path)
    (tmp_path / "requirements.txt").write_text("x==1\n")
    forward = Path("chapters/01_forward_view.ipynb")
    footprints = Path("chapters/02_footprints.ipynb")
    before = {nb: cache.code_digest(nb, layout) for nb in (forward, footprints)}
    recipe = package_copy / "chapters" / "forward_view.py"
    recipe.write_text(recipe.read_text() + "\n# edited\n")
    after = {nb: cache.code_digest(nb, layout) for nb in (forward, footprints)}
    assert after[forward] != before[forward] and after[footprints] == before[footprints]


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
    summary = pipeline.make_book(
        minibook, minibook / "scenarios" / "doubled.yaml", variant=True, log=lambda _: None
    )
    assert summary.html == minibook / "_build" / "scenarios" / "doubled" / "html"
    page = (summary.html / "chapters" / "01_alpha.html").read_text()
    assert "Variant book: Everything doubled" in page and "total = 12.0" in page
    assert "Scale" in BeautifulSoup(page, "html.parser").select_one(".admonition").get_text()
    intro = (summary.html / "chapters" / "00_intro.html").read_text()
    assert "Variant book: Everything doubled" in intro


def test_inline_values_are_fixed_in_the_book_and_live_in_the_notebook(minibook: Path):
    nb_path = minibook / "chapters" / "01_alpha.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("The total is {eval}`f'{total:,.1f}'`."))
    nbformat.write(nb, nb_path)
    summary = pipeline.make_book(minibook, log=lambda _: None)
    text = BeautifulSoup(
        (summary.html / "chapters" / "01_alpha.html").read_text(), "html.parser"
    ).get_text()
    assert "The total is 6.0." in text and "{eval}" not in text
    assert "{eval}`f'{total:,.1f}'`" in nb_path.read_text()  # the source keeps the role


def test_a_failing_inline_value_names_the_expression(minibook: Path):
    nb_path = minibook / "chapters" / "01_alpha.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Missing: {eval}`no_such_name`."))
    nbformat.write(nb, nb_path)
    with pytest.raises(ExecutionError, match="no_such_name"):
        pipeline.make_book(minibook, log=lambda _: None)


def test_a_preview_builds_one_chapter_beside_the_book(minibook: Path):
    summary = pipeline.make_book(minibook, only=["02_beta"], log=lambda _: None)
    assert summary.html == minibook / "_build" / "preview" / "02_beta" / "html"
    assert (summary.html / "chapters" / "02_beta.html").exists()
    assert not (summary.html / "chapters" / "01_alpha.html").exists()


def test_a_book_without_the_seminar_guide_makes_no_teaching_files(minibook: Path):
    summary = pipeline.make_book(minibook, log=lambda _: None)
    assert not (minibook / "_build" / "teaching").exists()
    assert not (summary.html / "_static" / "teaching").exists()


RECIPES = sorted(
    p.stem for p in (Path(cache.PACKAGE) / "chapters").glob("*.py") if not p.stem.startswith("_")
)


@pytest.mark.parametrize("recipe", RECIPES)
def test_the_cache_key_covers_every_module_a_chapter_imports(recipe: str):
    """The key is only as good as its list of files: every stpbook module that a chapter's
    recipe (and so its notebook) imports must be in it, or an edit there would be missed."""
    import json
    import subprocess
    import sys

    script = (
        f"import json, sys; import stpbook.chapters.{recipe}; "
        "print(json.dumps(sorted(m.__file__ for n, m in list(sys.modules.items()) "
        "if n.startswith('stpbook') and getattr(m, '__file__', None))))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    imported = {Path(f).resolve() for f in json.loads(out.stdout)}
    keyed = {p.resolve() for p in cache.chapter_code(Path(f"chapters/00_{recipe}.ipynb"))}
    assert imported <= keyed, sorted(str(p) for p in imported - keyed)
