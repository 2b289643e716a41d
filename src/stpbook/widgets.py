"""ipywidgets panels for a live kernel (JupyterLab, Voila).

A chapter's live panel has one control per declared parameter (same name, range, step
and unit as its ``parameters`` cell) and redraws the chapter's chart or table when one
moves. In the static book the cell that shows it is tagged ``remove-cell``: the Altair
sliders do that job there, with no kernel (and the pipeline strips the widget state, so
the static book never loads a widget manager).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import paths
from .errors import ParameterError, StpBookError
from .parameters import Parameter, declared


class BatchNote:
    """What ``controls`` shows when the pipeline runs the chapter (no live frontend):
    a line of text instead of widgets, so batch runs never wait on widget messages and
    the executed notebook holds the same bytes each time."""

    def __init__(self, chapter: str, names: list[str]):
        self.chapter, self.names = chapter, names

    def __repr__(self) -> str:
        return (f"Live controls for {self.chapter} ({', '.join(self.names)}) appear when "
                "this notebook runs in Jupyter or Voila.")

    def _repr_markdown_(self) -> str:
        return f"*{self.__repr__()}*"


def _label(param: Parameter) -> str:
    return f"{param.name} ({param.unit})" if param.unit else param.name


def control(param: Parameter, value: Any = None):
    """The ipywidgets control for one declared parameter, starting at ``value`` (the
    declared default if None). Its tooltip is the declaration's source or rationale."""
    import ipywidgets as w

    value = param.default if value is None else value
    common = {"description": _label(param), "style": {"description_width": "initial"},
              "tooltip": param.note}
    layout = w.Layout(width="36rem")
    if param.type == "bool":
        return w.Checkbox(value=bool(value), indent=False, **common)
    if param.choices:
        return w.Dropdown(options=list(param.choices), value=value, layout=layout, **common)
    if param.minimum is None or param.maximum is None:  # no range declared: a text box
        box = w.IntText if param.type == "int" else (w.FloatText if param.type == "float"
                                                     else w.Text)
        return box(value=value, layout=layout, **common)
    if param.type == "int":
        return w.IntSlider(value=int(value), min=int(param.minimum), max=int(param.maximum),
                           step=int(param.step or 1), layout=layout,
                           continuous_update=False, **common)
    step = param.step or (param.maximum - param.minimum) / 100
    return w.FloatSlider(value=float(value), min=param.minimum, max=param.maximum, step=step,
                         layout=layout, readout_format=".4g", continuous_update=False,
                         **common)


def controls(chapter: str, compute: Callable[..., Any], values: dict[str, Any],
             names: list[str] | None = None):
    """A panel of controls over ``names`` (default: every declared parameter of the
    chapter) that calls ``compute(**current_values)`` and displays what it returns
    whenever a control moves. ``values`` are the values the chapter ran with (a name
    missing from it starts at its declared default).

    The panel has a "Reset" button back to ``values``; a ``ParameterError`` (or any
    ``StpBookError``) raised by ``compute`` is shown as a one-line message instead of a
    traceback. ``panel.inputs`` maps each name to its control and ``panel.output`` is
    the Output widget, for scripting and tests.

    Under the pipeline (``make book``, ``stpbook run``) there is no frontend: ``compute``
    runs once with the starting values and a ``BatchNote`` is returned instead.
    """
    import ipywidgets as w
    params = declared(chapter)
    names = list(names) if names else list(params)
    unknown = [n for n in names if n not in params]
    if unknown:
        raise ParameterError(
            f"{chapter} declares no parameter {', '.join(map(repr, unknown))}; "
            f"it declares {', '.join(params)}")
    start = {n: values.get(n, params[n].default) for n in names}
    if paths.batch():
        compute(**start)  # the live function still runs once, so a broken one fails the build
        return BatchNote(chapter, names)
    inputs = {n: control(params[n], start[n]) for n in names}
    output = w.Output()
    status = w.HTML()
    reset = w.Button(description="Reset", tooltip="Back to the values this chapter ran with",
                     icon="undo", layout=w.Layout(width="8rem"))

    def redraw(_: Any = None) -> None:
        current = {n: widget.value for n, widget in inputs.items()}
        try:
            result = compute(**current)
        except StpBookError as exc:
            status.value = f'<span style="color:#D55E00">{_escape(str(exc))}</span>'
            return
        status.value = ""
        # Replace the Output widget's state rather than capturing display messages
        # (``with output: display(...)``): a captured large output (a map) stalls
        # nbclient's IOPub handling under papermill, so the chapter never finishes.
        output.outputs = ()
        output.append_display_data(result)

    def restore(_: Any = None) -> None:
        for n, widget in inputs.items():
            widget.unobserve(redraw, names="value")
            widget.value = start[n]
            widget.observe(redraw, names="value")
        redraw()

    for widget in inputs.values():
        widget.observe(redraw, names="value")
    reset.on_click(restore)
    redraw()
    panel = w.VBox([w.HTML(f"<b>Live controls: {_escape(chapter)}</b>"), *inputs.values(),
                    reset, status, output])
    panel.inputs = inputs
    panel.output = output
    panel.status = status
    return panel


def _escape(text: str) -> str:
    import html

    return html.escape(text)
