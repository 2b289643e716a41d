"""ipywidgets panels for a live kernel (JupyterLab, Notebook 7, Voila, VS Code).

A chapter's live panel has one control per declared parameter (same name, range and
step as its ``parameters`` cell, labelled in words with the unit a reader expects:
fractions as percentages) and redraws what the chapter's recipe module returns for the
new values, its chart and headline numbers, whenever one moves. In the static book the
cell that shows it is tagged ``remove-cell``: the Altair sliders do that job there, with
no kernel (and the pipeline strips the widget state, so the static book never loads a
widget manager).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from .context import batch
from .errors import ParameterError, StpBookError
from .layout import Layout
from .parameters import Parameter, declared


class BatchNote:
    """What ``controls`` shows when the pipeline runs the chapter (no live frontend):
    a line of text instead of widgets, so batch runs never wait on widget messages and
    the executed notebook holds the same bytes each time."""

    def __init__(self, chapter: str, names: list[str]):
        self.chapter, self.names = chapter, names

    def __repr__(self) -> str:
        return (
            "Live controls for this chapter appear when the notebook runs in JupyterLab or Voila."
        )

    def _repr_markdown_(self) -> str:
        return f"*{self.__repr__()}*"


def _label(param: Parameter) -> str:
    return f"{param.title} ({param.reader_unit})" if param.reader_unit else param.title


def _scale(param: Parameter) -> float:
    """Controls show fractions as percentages: the factor between the two."""
    return 100.0 if param.percent else 1.0


def control(param: Parameter, value: Any = None, labels: Mapping[str, str] | None = None):
    """The ipywidgets control for one declared parameter, starting at ``value`` (the
    declared default if None). Its tooltip is the declaration's source or rationale; a
    drop-down shows ``labels`` (choice -> words) where given. ``control_value`` reads it
    back in the parameter's own unit."""
    import ipywidgets as w

    value = param.default if value is None else value
    common = {
        "description": _label(param),
        "style": {"description_width": "initial"},
        "tooltip": param.note,
    }
    layout = w.Layout(width="min(36rem, 100%)")
    if param.type == "bool":
        return w.Checkbox(value=bool(value), indent=False, **common)
    if param.choices:
        options = [((labels or {}).get(c, c), c) for c in param.choices]
        return w.Dropdown(options=options, value=value, layout=layout, **common)
    if param.minimum is None or param.maximum is None:  # no range declared: a text box
        box = (
            w.IntText if param.type == "int" else (w.FloatText if param.type == "float" else w.Text)
        )
        return box(value=value, layout=layout, **common)
    if param.type == "int":
        return w.IntSlider(
            value=int(value),
            min=int(param.minimum),
            max=int(param.maximum),
            step=int(param.step or 1),
            layout=layout,
            continuous_update=False,
            **common,
        )
    k = _scale(param)
    step = param.step or (param.maximum - param.minimum) / 100
    return w.FloatSlider(
        value=float(value) * k,
        min=param.minimum * k,
        max=param.maximum * k,
        step=step * k,
        layout=layout,
        readout_format=".2f" if k != 1 else ",.4g",
        continuous_update=False,
        **common,
    )


def control_value(param: Parameter, widget: Any) -> Any:
    """A control's value in the parameter's own unit (percent back to a fraction)."""
    if param.type == "float" and param.minimum is not None:
        return round(float(widget.value) / _scale(param), 10)
    return widget.value


def reader_units(label: str) -> str:
    """A label's units as a reader writes them: "(GBP bn a year)" -> "(£bn a year)"."""
    return re.sub(r"\bGBP ?(bn|m)\b", r"£\1", label).replace("GBP ", "£")


def headline_html(numbers: dict[str, str]) -> str:
    """Headline numbers (label -> formatted value) as a short HTML list."""
    rows = "".join(
        f"<li>{html.escape(reader_units(k))}: <b>{html.escape(v)}</b></li>"
        for k, v in numbers.items()
    )
    return f'<ul class="stp-headline">{rows}</ul>'


def controls(
    chapter: str,
    compute: Callable[..., Any],
    values: dict[str, Any],
    names: list[str] | None = None,
    layout: Layout | None = None,
    choice_labels: Mapping[str, Mapping[str, str]] | None = None,
):
    """A panel of controls over ``names`` (default: every declared parameter of the
    chapter) that calls ``compute(**current_values)`` and displays what it returns (the
    chapter's chart, with its headline numbers) whenever a control moves. ``values``
    are the values the chapter ran with (a name missing from it starts at its default).

    ``choice_labels`` gives words for a drop-down's choices ({name: {choice: words}}).
    The panel has a "Reset" button back to ``values``; a ``StpBookError`` raised by
    ``compute`` is shown as a one-line message instead of a traceback.
    ``panel.inputs`` maps each name to its control and ``panel.output`` is the Output
    widget, for scripting and tests.

    Under the pipeline (``make book``, ``stpbook run``) there is no frontend: ``compute``
    runs once with the starting values and a ``BatchNote`` is returned instead.
    """
    params = declared(chapter, layout)
    names = list(names) if names else list(params)
    unknown = [n for n in names if n not in params]
    if unknown:
        raise ParameterError(
            f"{chapter} declares no parameter {', '.join(map(repr, unknown))}; "
            f"it declares {', '.join(params)}"
        )
    start = {n: values.get(n, params[n].default) for n in names}
    if batch():
        compute(**start)  # the live function still runs once, so a broken one fails the build
        return BatchNote(chapter, names)
    import ipywidgets as w

    labels = choice_labels or {}
    inputs = {n: control(params[n], start[n], labels.get(n)) for n in names}
    output = w.Output()
    status = w.HTML()
    reset = w.Button(
        description="Reset",
        tooltip="Back to the values this chapter ran with",
        icon="undo",
        layout=w.Layout(width="8rem"),
    )

    def redraw(_: Any = None) -> None:
        current = {n: control_value(params[n], widget) for n, widget in inputs.items()}
        try:
            result = compute(**current)
        except StpBookError as exc:
            status.value = f'<span style="color:#B34700">{html.escape(str(exc))}</span>'
            return
        status.value = ""
        # Replace the Output widget's state rather than capturing display messages
        # (``with output: display(...)``): a captured large output (a map) stalls
        # nbclient's IOPub handling, so the chapter never finishes.
        output.outputs = ()
        for item in result if isinstance(result, tuple) else (result,):
            output.append_display_data(item)

    def restore(_: Any = None) -> None:
        for n, widget in inputs.items():
            widget.unobserve(redraw, names="value")
            widget.value = control(params[n], start[n], labels.get(n)).value
            widget.observe(redraw, names="value")
        redraw()

    for widget in inputs.values():
        widget.observe(redraw, names="value")
    reset.on_click(restore)
    redraw()
    panel = w.VBox(
        [w.HTML("<b>Change the assumptions</b>"), *inputs.values(), reset, status, output]
    )
    panel.inputs = inputs
    panel.output = output
    panel.status = status
    return panel
