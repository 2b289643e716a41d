"""How charts are drawn, chosen in one place by context, and shared chart conventions.

- **Book build** (``stpbook.context.batch()``: the pipeline executes the chapter): the
  ``stpbook`` renderer writes a ``<figure>`` with a caption (source line, download
  links) and an inline script that calls the global ``vegaEmbed`` from the book's own
  ``_static/vega-bundle.js`` (written by ``stpbook.vendor``; classic scripts also load
  from ``file://``, ES modules do not). Nothing comes from a CDN.
- **Anywhere else** (JupyterLab, Notebook 7, Voila, VS Code, a plain papermill run):
  the ``stpbook-live`` renderer draws the chart with Altair's own widget
  (``JupyterChart``) in offline mode, which ships Vega inside the Python package, with
  the chart's source line under it.
"""

from __future__ import annotations

import hashlib
import html
import json
from typing import TypeVar, cast

import altair as alt

from ..context import batch
from ..errors import ParameterError
from ..parameters import Parameter

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. Text drawn in a
# colour on white must reach 4.5:1: use ``TEXT_COLOURS`` for labels, not the light hues.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
TEXT_COLOURS = {
    "#E69F00": "#8A5D00",
    "#F0E442": "#6B6400",
    "#56B4E9": "#1F6F9E",
    "#009E73": "#00704F",
    "#CC79A7": "#9C4077",
    "#D55E00": "#B34700",
}
PUBLISHED_COLOUR = "#000000"  # published figures: black points
MODELLED_COLOUR = "#0072B2"  # the book's own model: blue lines

# The Vega-Embed menu: save as SVG/PNG, view the source and the compiled Vega. Not "open in
# the Vega Editor", which posts the chart to a website: the book stays offline.
ACTIONS = "{export: true, source: true, compiled: true, editor: false}"


ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)


def describe(
    chart: ChartT,
    *,
    alt_text: str,
    source: str,
    data_files: tuple[str, ...] = (),
    modelled: bool = False,
    controls_first: bool = False,
) -> ChartT:
    """Attach the caption facts the renderers print under a chart: alt text, the source
    line, the ``data/`` files it draws on (download links) and whether it is modelled.
    ``controls_first`` puts the chart's sliders above it (for a tall chart)."""
    meta = {"alt": alt_text, "source": source, "data_files": list(data_files), "modelled": modelled}
    if controls_first:
        meta["controls_first"] = True
    return cast(ChartT, chart.properties(usermeta=meta))


def slider(param: Parameter, value: float, name: str | None = None) -> alt.Parameter:
    """An Altair parameter bound to a range slider over the declared range and step,
    labelled for readers (the declaration's label and unit), starting at ``value``.
    Percentages are still fractions inside the chart: the label says which unit."""
    if param.minimum is None or param.maximum is None:
        raise ParameterError(f"{param.name}: a slider needs a declared range '[min, max]'")
    step = param.step or (1 if param.type == "int" else (param.maximum - param.minimum) / 100)
    unit = "fraction; 0.01 = 1%" if param.percent else param.reader_unit
    return alt.param(
        name=name or param.name,
        value=value,
        bind=alt.binding_range(
            min=param.minimum, max=param.maximum, step=step, name=f"{param.title} ({unit}) "
        ),
    )


def dropdown(
    param: Parameter, value: str, labels: dict[str, str] | None = None, name: str | None = None
) -> alt.Parameter:
    """An Altair parameter bound to a drop-down of the declared choices, shown with
    ``labels`` (choice -> words) where given."""
    options = list(param.choices or ())
    return alt.param(
        name=name or param.name,
        value=value,
        bind=alt.binding_select(
            options=options,
            labels=[(labels or {}).get(o, o) for o in options],
            name=f"{param.title} ",
        ),
    )


def chart_id(spec: dict) -> str:
    """A stable element id: the same chart gives the same HTML on every run."""
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    return f"stp-chart-{digest[:12]}"


def caption_html(meta: dict, static_prefix: str | None = "../_static/data") -> str:
    """The caption under a chart: modelled flag, source line and download links (no
    links when ``static_prefix`` is None, as in a live notebook)."""
    parts = []
    if meta.get("modelled"):
        parts.append('<span class="stp-modelled">Modelled by this book.</span>')
    if meta.get("source"):
        parts.append(f"Source: {html.escape(meta['source'])}")
    if static_prefix is not None:
        for name in meta.get("data_files", []):
            href = f"{static_prefix}/{html.escape(name)}"
            parts.append(
                f'<a class="stp-download" href="{href}" download>download data '
                f"(CSV): {html.escape(name)}</a>"
            )
    return " ".join(parts)


def to_html(chart: alt.TopLevelMixin, static_prefix: str = "../_static/data") -> str:
    """The chart as self-contained HTML that needs only the vendored Vega bundle."""
    return spec_to_html(chart.to_dict(), static_prefix)


def spec_to_html(spec: dict, static_prefix: str = "../_static/data") -> str:
    """A Vega-Lite spec as HTML: a figure, its caption and an inline ``vegaEmbed`` call.
    The actions menu gets an accessible name once drawn."""
    meta = spec.get("usermeta", {})
    element = chart_id(spec)
    alt_text = html.escape(meta.get("alt", "chart"))
    payload = json.dumps(spec, sort_keys=True).replace("</", "<\\/")
    order = " stp-controls-first" if meta.get("controls_first") else ""
    return (
        f'<figure class="stp-chart" role="figure" aria-label="{alt_text}">'
        f'<div id="{element}" class="stp-vega{order}"></div>'
        f'<figcaption class="stp-caption">{caption_html(meta, static_prefix)}</figcaption>'
        "</figure>\n"
        "<script>(function () {\n"
        f"  var spec = {payload};\n"
        "  function draw() {\n"
        f"    vegaEmbed('#{element}', spec, {{actions: {ACTIONS}, renderer: 'svg'}})\n"
        "      .then(function (r) { window.stpViews = window.stpViews || {};\n"
        "        window.stpEmbeds = window.stpEmbeds || {};\n"
        f"        window.stpViews['{element}'] = r.view; window.stpEmbeds['{element}'] = r;\n"
        f"        var menu = document.querySelector('#{element} summary');\n"
        "        if (menu) { menu.setAttribute('aria-label', 'Chart menu: save the chart or "
        "view its source'); }\n"
        "        window.stpFirstChartMs = window.stpFirstChartMs || performance.now(); })\n"
        "      .catch(function (e) { console.error(e); });\n"
        "  }\n"
        "  if (window.vegaEmbed) { draw(); }\n"
        "  else { window.addEventListener('load', draw); }\n"
        "})();</script>"
    )


def _static_renderer(spec: dict, **_: object) -> dict:
    return {"text/html": spec_to_html(spec), "text/plain": "<chart>"}


def _live_renderer(spec: dict, **_: object) -> dict | tuple[dict, dict]:
    import ipywidgets as w

    alt.JupyterChart.enable_offline(offline=True)
    chart = alt.JupyterChart(chart=alt.Chart.from_dict(spec))
    caption = caption_html(spec.get("usermeta", {}), static_prefix=None)
    if not caption:
        bundle = chart._repr_mimebundle_()
        assert bundle is not None  # anywidget gives None only for a widget with no view
        return bundle
    box = w.VBox([chart, w.HTML(f'<div style="font-size:0.85em;color:#444">{caption}</div>')])
    return box._repr_mimebundle_()


alt.renderers.register("stpbook", _static_renderer)
alt.renderers.register("stpbook-live", _live_renderer)


def choose_renderer() -> str:
    """Enable the renderer for the running context (see the module docstring)."""
    name = "stpbook" if batch() else "stpbook-live"
    alt.renderers.enable(name)
    return name


choose_renderer()
