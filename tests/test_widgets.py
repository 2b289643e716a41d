"""The live ipywidgets panel (stpbook.widgets): one control per declared parameter,
with the declared range and step, recomputing when a control moves."""

from __future__ import annotations

import pytest

from stpbook import parameters, widgets
from stpbook.errors import ParameterError

CHAPTER = "01_forward_view"


def test_one_control_per_declared_parameter_with_its_range():
    params = parameters.declared(CHAPTER)
    calls = []
    panel = widgets.controls(CHAPTER, lambda **kw: calls.append(kw) or kw,
                             {n: p.default for n, p in params.items()})
    assert list(panel.inputs) == list(params)
    for name, widget in panel.inputs.items():
        p = params[name]
        assert widget.value == p.default
        if p.minimum is not None:
            assert (widget.min, widget.max) == (p.minimum, p.maximum)
            assert widget.step == pytest.approx(p.step or (1 if p.type == "int" else
                                                           (p.maximum - p.minimum) / 100))
    assert calls == [{n: p.default for n, p in params.items()}]


def test_moving_a_control_recomputes_and_reset_restores():
    params = parameters.declared(CHAPTER)
    name, p = next((n, p) for n, p in params.items() if p.type == "float")
    calls = []
    start = {n: q.default for n, q in params.items()}
    panel = widgets.controls(CHAPTER, lambda **kw: calls.append(kw), start)
    panel.inputs[name].value = p.maximum
    assert calls[-1][name] == p.maximum
    panel.children[len(params) + 1].click()  # the Reset button
    assert calls[-1] == start


def test_subset_missing_values_and_unknown_names():
    params = parameters.declared(CHAPTER)
    first = next(iter(params))
    panel = widgets.controls(CHAPTER, lambda **kw: kw, {}, names=[first])
    assert list(panel.inputs) == [first]
    assert panel.inputs[first].value == params[first].default
    with pytest.raises(ParameterError, match="declares no parameter 'nope'"):
        widgets.controls(CHAPTER, lambda **kw: kw, {}, names=["nope"])


def test_a_parameter_error_is_shown_not_raised():
    def compute(**kw):
        raise ParameterError("horizon before base year")

    panel = widgets.controls(CHAPTER, compute, {})
    assert "horizon before base year" in panel.status.value


def test_under_the_pipeline_controls_run_compute_once_and_show_a_note(monkeypatch):
    from stpbook import paths

    monkeypatch.setenv(paths.BATCH_ENV, "1")
    calls = []
    note = widgets.controls(CHAPTER, lambda **kw: calls.append(kw), {})
    assert isinstance(note, widgets.BatchNote)
    assert len(calls) == 1 and set(calls[0]) == set(parameters.declared(CHAPTER))
    assert "Jupyter or Voila" in repr(note)
