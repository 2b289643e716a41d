"""The live ipywidgets panel (stpbook.widgets): one control per declared parameter,
labelled in words, percentages as percentages, redrawing what the chapter returns."""

from __future__ import annotations

import pytest

from stpbook import context, parameters, widgets
from stpbook.errors import ParameterError

CHAPTER = "01_forward_view"


def test_one_control_per_declared_parameter_with_its_range_in_reader_units():
    params = parameters.declared(CHAPTER)
    calls = []
    panel = widgets.controls(
        CHAPTER, lambda **kw: calls.append(kw) or kw, {n: p.default for n, p in params.items()}
    )
    assert list(panel.inputs) == list(params)
    for name, widget in panel.inputs.items():
        p = params[name]
        k = 100 if p.percent else 1
        assert widget.value == pytest.approx(p.default * k)
        assert widgets.control_value(p, widget) == pytest.approx(p.default)
        assert p.title in widget.description
        if p.minimum is not None:
            assert (widget.min, widget.max) == pytest.approx((p.minimum * k, p.maximum * k))
    assert calls == [{n: p.default for n, p in params.items()}]


def test_moving_a_control_recomputes_in_the_parameters_unit_and_reset_restores():
    params = parameters.declared(CHAPTER)
    name, p = next((n, p) for n, p in params.items() if p.percent)
    calls = []
    start = {n: q.default for n, q in params.items()}
    panel = widgets.controls(CHAPTER, lambda **kw: calls.append(kw), start)
    panel.inputs[name].value = p.maximum * 100
    assert calls[-1][name] == pytest.approx(p.maximum)
    panel.children[len(params) + 1].click()  # the Reset button
    assert calls[-1] == pytest.approx(start)


def test_the_panel_shows_the_chapters_chart_and_headline():
    from stpbook.chapters import forward_view as chapter

    book = chapter.compute(
        chapter.inputs(),
        demand_growth=0.04,
        funding_growth=0.0,
        efficiency_rate=0.025,
        horizon_year=2020,
    )
    panel = chapter.panel(book)
    shown = [o.get("data", {}) for o in panel.output.outputs]
    assert any("text/html" in d and "stp-headline" in d["text/html"] for d in shown)
    assert any("application/vnd.jupyter.widget-view+json" in d for d in shown)  # the chart
    before = len(panel.output.outputs)
    panel.inputs["demand_growth"].value = 5.0
    assert len(panel.output.outputs) == before


def test_subset_missing_values_and_unknown_names():
    params = parameters.declared(CHAPTER)
    first = next(iter(params))
    panel = widgets.controls(CHAPTER, lambda **kw: kw, {}, names=[first])
    assert list(panel.inputs) == [first]
    assert widgets.control_value(params[first], panel.inputs[first]) == pytest.approx(
        params[first].default
    )
    with pytest.raises(ParameterError, match="declares no parameter 'nope'"):
        widgets.controls(CHAPTER, lambda **kw: kw, {}, names=["nope"])


def test_a_parameter_error_is_shown_not_raised():
    def compute(**kw):
        raise ParameterError("horizon before base year")

    panel = widgets.controls(CHAPTER, compute, {})
    assert "horizon before base year" in panel.status.value


def test_under_the_pipeline_controls_run_compute_once_and_show_a_note(monkeypatch):
    monkeypatch.setenv(context.BATCH_ENV, "1")
    calls = []
    note = widgets.controls(CHAPTER, lambda **kw: calls.append(kw), {})
    assert isinstance(note, widgets.BatchNote)
    assert len(calls) == 1 and set(calls[0]) == set(parameters.declared(CHAPTER))
    assert "JupyterLab or Voila" in repr(note)


def test_live_headlines_show_pounds_not_gbp():
    from stpbook.widgets import headline_html

    text = headline_html({"Closed by efficiency (GBP bn a year)": "£20.0bn", "Gap (GBP m)": "£5m"})
    assert "GBP" not in text and "(£bn a year)" in text and "(£m)" in text
