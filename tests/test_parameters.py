"""Parameter declarations, validation and scenarios (stpbook.parameters)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stpbook import parameters, scenarios
from stpbook.errors import ParameterError
from stpbook.layout import Layout

from conftest import FIXTURES, ROOT

MINI = FIXTURES / "minibook" / "chapters"
MINIBOOK = Layout(FIXTURES / "minibook")


def test_declaration_parses_type_range_step_and_note():
    p = parameters.declared("01_forward_view")["efficiency_rate"]
    assert p.type == "float" and p.default == 0.025
    assert (p.minimum, p.maximum, p.step) == (0.0, 0.05, 0.0025)
    assert p.unit.startswith("fraction a year") and "2-3%" in p.note


def test_every_chapter_parameter_has_label_unit_range_and_source():
    for nb in parameters.chapter_notebooks():
        for p in parameters.declared(nb).values():
            assert p.note, f"{nb.stem}.{p.name} has no source or rationale"
            assert p.label, f"{nb.stem}.{p.name} has no reader label ('Label: unit ...')"
            if p.type in ("int", "float"):
                assert p.minimum is not None and p.minimum <= p.default <= p.maximum


@pytest.mark.parametrize(
    "values, fragment",
    [
        ({"demand_grwth": 0.05}, "unknown parameter 'demand_grwth'"),
        ({"demand_growth": "lots"}, "expects a float"),
        ({"demand_growth": 0.5}, "outside its range"),
        ({"horizon_year": 2020.5}, "expects a int"),
    ],
)
def test_validate_refuses_each_class(values, fragment):
    with pytest.raises(ParameterError, match=fragment):
        parameters.validate("forward_view", values)


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ParameterError) as err:
        parameters.validate("forward_view", {"nope": 1})
    assert "demand_growth" in str(err.value) and "efficiency_rate" in str(err.value)


def test_validate_coerces_command_line_strings():
    typed = parameters.validate("forward_view", {"demand_growth": "0.05", "horizon_year": "2018"})
    assert typed == {"demand_growth": 0.05, "horizon_year": 2018}


def test_resolve_chapter_by_id_short_name_and_number():
    assert parameters.resolve_chapter("1").stem == "01_forward_view"
    assert parameters.resolve_chapter("forward_view").stem == "01_forward_view"
    with pytest.raises(ParameterError, match="unknown chapter"):
        parameters.resolve_chapter("no_such_chapter")


def test_bad_comment_grammar_is_refused():
    with pytest.raises(ParameterError, match="needs a range"):
        parameters.parse_declaration("x", "float", "1.0", "GBP m; no range given", Path("x.ipynb"))
    with pytest.raises(ParameterError, match="trailing comment"):
        parameters.parse_declaration("x", "float", "1.0", "", Path("x.ipynb"))


def test_scenario_unknown_key_is_refused_naming_file_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ntitel: typo\nparameters: {}\n")
    with pytest.raises(ParameterError, match=r"bad.yaml: unknown key 'titel'"):
        scenarios.load_scenario(bad)


def test_scenario_unknown_parameter_and_range_are_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nparameters:\n  efficiency_rat: 0.01\n")
    with pytest.raises(ParameterError, match="unknown parameter 'efficiency_rat'"):
        scenarios.load_scenario(bad)
    bad.write_text("name: bad\nparameters:\n  efficiency_rate: 0.9\n")
    with pytest.raises(ParameterError, match="outside its range"):
        scenarios.load_scenario(bad)


def test_scenario_values_apply_to_chapters_that_declare_them():
    scenario = scenarios.load_scenario(
        FIXTURES / "minibook" / "scenarios" / "doubled.yaml", MINIBOOK
    )
    assert scenario.for_chapter(MINI / "01_alpha.ipynb") == {"scale": 2.0}


def test_every_scenario_in_the_repository_loads():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenarios.load_scenario(path)


@pytest.mark.parametrize(
    "unit, value, shown, reader_unit",
    [
        ("fraction a year", 0.025, "2.5%", "% a year"),
        ("fraction a year", 0.04, "4%", "% a year"),
        ("share of planned efficiency", 0.5, "50%", "% of planned efficiency"),
        ("GBP m a year", 325.0, "£325m", "£m a year"),
        ("years", 3, "3", "years"),
    ],
)
def test_values_are_shown_to_readers_in_their_units(unit, value, shown, reader_unit):
    step = 0.0025 if unit.startswith("fraction") else (0.05 if unit.startswith("share") else 1.0)
    p = parameters.Parameter(
        "x",
        "int" if unit == "years" else "float",
        value,
        unit,
        "why",
        0,
        1000,
        step,
        label="A label",
    )
    assert p.display(value) == shown and p.reader_unit == reader_unit
    assert p.title == "A label"
