"""The data appendix (stpbook.chapters.data_package): every resource described for readers,
with a heading, a download link, its columns and its sources, and nothing internal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stpbook import data, parameters
from stpbook.chapters import data_package as chapter
from stpbook.tables import Table

NOTEBOOK = Path(__file__).resolve().parents[1] / "chapters" / "90_data_package.ipynb"
INTERNAL = (
    "stored",
    "seed",
    "corpus",
    "corpora",
    "mirror",
    "copy in",
    "curation",
    "curate.py",
    "stpbook.",
    "/work/",
)


@pytest.fixture(scope="module")
def inputs():
    return chapter.inputs()


def _parts(inputs, show_fields=True):
    return chapter.catalogue(chapter.compute(inputs, show_fields=show_fields)).parts()


def _markdown(parts) -> str:
    return "\n".join(p.data for p in parts if not isinstance(p, Table))


def test_every_resource_has_a_heading_and_a_download(inputs):
    md = _markdown(_parts(inputs))
    for r in data.resources():
        name = Path(r["path"]).name
        assert f'id="{chapter.anchor(r["name"])}"' in md
        assert f'href="../_static/data/{name}" download' in md
        assert f'<h3 id="{chapter.anchor(r["name"])}">' in md


def test_contents_links_every_section(inputs):
    md = chapter.contents(chapter.compute(inputs)).data
    for r in data.resources():
        assert f'href="#{chapter.anchor(r["name"])}"' in md


def test_fields_tables_follow_show_fields(inputs):
    tables = [p for p in _parts(inputs) if isinstance(p, Table)]
    n_tables = sum(1 for r in data.resources() if r["resource"].get("type", "table") == "table")
    assert len(tables) == n_tables
    assert not [p for p in _parts(inputs, show_fields=False) if isinstance(p, Table)]
    footprints = next(t for t in tables if t.caption == "The columns of footprints.csv")
    assert list(footprints.frame.columns) == ["Column (type): allowed values", "Meaning (unit)"]
    first = footprints.frame.iloc[0]
    assert first.iloc[0].startswith("stp17cd (text): always given; unique")


def test_sources_are_credited_not_keyed(inputs):
    md = _markdown(_parts(inputs))
    assert "Office for National Statistics, 2017" in md
    assert "Hugh Alderwick, The King's Fund (blog), November 2016" in md
    for keys in inputs.cited.values():
        for key in keys:
            assert f" {key}" not in md and f"({key})" not in md, key
    # a long list is folded, a short one is not
    assert ":::{dropdown} The " in md


def test_nothing_internal_on_the_page(inputs):
    md = _markdown(_parts(inputs)).lower()
    text = (
        md
        + "\n".join(
            " ".join(map(str, t.frame.to_numpy().ravel()))
            for t in _parts(inputs)
            if isinstance(t, Table)
        ).lower()
    )
    for word in INTERNAL:
        assert word not in text, word
    assert "references.bib" not in text


def test_every_pattern_is_in_words():
    for r in data.resources():
        for f in r["resource"].get("schema", {}).get("fields", []):
            pattern = f.get("constraints", {}).get("pattern")
            if pattern:
                assert pattern in chapter.PATTERNS, (r["name"], f["name"], pattern)


def test_allowed_values_in_words():
    field = {
        "name": "x",
        "constraints": {"required": True, "minimum": 1979, "maximum": 2030, "unique": True},
    }
    assert chapter.allowed(field) == "always given; unique; from 1979 to 2030"
    big = {"name": "p", "constraints": {"minimum": 250000, "maximum": 3500000}}
    assert chapter.allowed(big) == "may be empty; from 250,000 to 3,500,000"
    choice = {"name": "s", "constraints": {"enum": ["a", "b"]}}
    assert chapter.allowed(choice) == "may be empty; one of: a, b"


def test_summary_numbers(inputs):
    t = chapter.compute(inputs).text
    listing = data.resources()
    assert t.n_resources == str(len(listing))
    tables = [r for r in listing if r["resource"].get("type", "table") == "table"]
    assert t.n_rows == f"{sum(r['rows'] for r in tables):,}"
    assert int(t.n_sources.replace(",", "")) > 100


def test_notebook_is_thin():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert "describe_markdown" not in source and "glue" not in source
    params = parameters.declared(chapter.NOTEBOOK)
    assert list(params) == ["show_fields"] and params["show_fields"].label
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    names = set(re.findall(r"\{eval\}`n\.(\w+)`", markdown))
    assert names <= set(vars(chapter.compute(chapter.inputs()).text))
