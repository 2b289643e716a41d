"""The real book: `make book`'s pipeline builds every page from the executed notebooks,
with warnings as errors, and nothing in it loads from outside the book."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from stpbook import parameters, pipeline

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built():
    return pipeline.make_book(ROOT, log=lambda _: None)


def test_every_chapter_has_a_page(built):
    from stpbook import data
    from stpbook.layout import Layout

    layout = Layout(ROOT)
    for nb in layout.notebooks():
        page = built.html / "chapters" / f"{nb.stem}.html"
        assert page.exists(), page
    assert (built.html / "index.html").exists()
    # the profile notebook is not a page itself: it makes one page per footprint
    assert layout.profile_notebook() in parameters.chapter_notebooks()
    assert not (built.html / "chapters" / "footprint_profile.html").exists()
    codes = list(data.load("footprints", layout=layout)["stp17cd"])
    missing = [c for c in codes if not (built.html / "footprints" / f"{c}.html").exists()]
    assert len(codes) == 44 and not missing, missing


def test_forward_view_page_has_its_chart_and_glued_figures(built):
    soup = BeautifulSoup(
        (built.html / "chapters" / "01_forward_view.html").read_text(), "html.parser"
    )
    figures = soup.select("figure.stp-chart")
    assert len(figures) >= 2
    assert "Modelled by this book" in figures[0].get_text()
    text = soup.get_text()
    assert re.search(r"£29\.\dbn", text), "the modelled 2020/21 gap is glued into the prose"


def test_no_page_loads_anything_from_outside_the_book(built):
    offenders = []
    for page in built.html.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr) or ""
                if (
                    tag == "link"
                    and "stylesheet" not in (el.get("rel") or [])
                    and el.get("as") not in ("script", "style", "font")
                ):
                    continue
                if re.match(r"^(https?:)?//", url):
                    offenders.append(f"{page.relative_to(built.html)}: <{tag} {attr}={url}>")
    assert not offenders, "\n".join(offenders[:20])


def test_a_build_with_nothing_changed_imports_neither_papermill_nor_altair(built):
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path; from stpbook import pipeline; "
        f"r = pipeline.make_book(Path({str(ROOT)!r}), log=lambda _: None); "
        "n = sum(c.status == 'executed' for c in r.results); "
        "print(n, r.rebuilt, 'papermill' in sys.modules, 'altair' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["0", "False", "False", "False"], out


def test_pages_draw_icons_without_the_1_5_mb_script_or_the_icon_font(built):
    pages = [p for p in built.html.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) > 60
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "fontawesome.js" not in text, page
        assert ".woff2" not in text, page  # no icon font requested
    # the icons the pages use are drawn by CSS masks made from the theme's own SVG paths
    chapter = (built.html / "chapters" / "01_forward_view.html").read_text(encoding="utf-8")
    assert re.search(r"\.fa-[a-z-]+::before\{content:''", chapter)
    assert 'mask:url("data:image/svg+xml' in chapter


def test_only_pages_with_charts_load_the_vega_bundle(built):
    for page in (built.html / "chapters").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        has_chart = 'class="stp-vega"' in text
        assert ("vega-bundle.js" in text) == has_chart, page.name
    assert "vega-bundle.js" in (built.html / "chapters" / "01_forward_view.html").read_text()


def test_formulas_are_mathml_and_no_page_loads_mathjax(built):
    soup = BeautifulSoup(
        (built.html / "chapters" / "04_reconfigurations.html").read_text(), "html.parser"
    )
    formulas = soup.select(".math")
    assert formulas and all(f.find("math") for f in formulas)
    assert "NPV" in soup.select_one("div.math").get_text()
    for page in built.html.rglob("*.html"):
        scripts = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find_all("script")
        assert not [
            s
            for s in scripts
            if "mathjax" in (s.get("src") or "").lower() or "MathJax" in s.get_text()
        ], page
