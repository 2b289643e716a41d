"""The offline Altair renderer and shared chart conventions.

Altair's default HTML output loads Vega from a CDN. The book must work offline, so
charts render as a ``<figure>`` holding a ``<div>`` and a classic inline script that
calls the global ``vegaEmbed`` from ``_static/vega-bundle.js`` (written once per build
by ``stpbook.vendor.write_vega_bundle``; classic scripts also load from ``file://``,
ES modules do not).
"""

from __future__ import annotations

import hashlib
import html
import json

import altair as alt

from ..parameters import Parameter
from ..vendor import VEGA_BUNDLE, write_vega_bundle  # noqa: F401  (re-exported)

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000"]
PUBLISHED_COLOUR = "#000000"  # published figures: black points
MODELLED_COLOUR = "#0072B2"  # the book's own model: blue lines

# The Vega-Embed menu: save as SVG/PNG, view the source and the compiled Vega. Not "open in
# the Vega Editor", which posts the chart to a website: the book stays offline.
ACTIONS = "{export: true, source: true, compiled: true, editor: false}"


def describe(chart: alt.TopLevelMixin, *, alt_text: str, source: str,
             data_files: tuple[str, ...] = (), modelled: bool = False) -> alt.TopLevelMixin:
    """Attach the caption facts the renderer prints under a chart: alt text, the source
    line, the ``data/`` files it draws on (download links) and whether it is modelled."""
    return chart.properties(usermeta={
        "alt": alt_text, "source": source, "data_files": list(data_files),
        "modelled": modelled,
    })


def slider(param: Parameter, value: float, name: str | None = None) -> alt.Parameter:
    """An Altair parameter bound to a range slider, with the range and step declared in
    the chapter's ``parameters`` cell and starting at the value the chapter ran with."""
    step = param.step or (1 if param.type == "int" else (param.maximum - param.minimum) / 100)
    return alt.param(
        name=name or param.name,
        value=value,
        bind=alt.binding_range(min=param.minimum, max=param.maximum, step=step,
                               name=f"{param.name} ({param.unit}) "),
    )


def control(param: Parameter, value: object, name: str | None = None) -> alt.Parameter:
    """An Altair parameter bound to the input that suits the declaration: a slider for
    a number (as ``slider``), a dropdown for a string with choices, a checkbox for a
    bool. It starts at the value the chapter ran with."""
    if param.choices:
        return alt.param(name=name or param.name, value=value,
                         bind=alt.binding_select(options=list(param.choices),
                                                 name=f"{param.name} "))
    if param.type == "bool":
        return alt.param(name=name or param.name, value=bool(value),
                         bind=alt.binding_checkbox(name=f"{param.name} "))
    return slider(param, value, name)


def chart_id(spec: dict) -> str:
    """A stable element id: the same chart gives the same HTML on every run."""
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    return f"stp-chart-{digest[:12]}"


def _caption(meta: dict, static_prefix: str) -> str:
    parts = []
    if meta.get("modelled"):
        parts.append('<span class="stp-modelled">Modelled by this book.</span>')
    if meta.get("source"):
        parts.append(f"Source: {html.escape(meta['source'])}")
    for name in meta.get("data_files", []):
        href = f"{static_prefix}/{html.escape(name)}"
        parts.append(f'<a class="stp-download" href="{href}" download>download data (CSV): '
                     f"{html.escape(name)}</a>")
    return " ".join(parts)


def to_html(chart: alt.TopLevelMixin, static_prefix: str = "../_static/data") -> str:
    """The chart as self-contained HTML that needs only the vendored Vega bundle."""
    return spec_to_html(chart.to_dict(), static_prefix)


def spec_to_html(spec: dict, static_prefix: str = "../_static/data") -> str:
    """A Vega-Lite spec as HTML: a figure, its caption and an inline ``vegaEmbed`` call."""
    meta = spec.get("usermeta", {})
    element = chart_id(spec)
    alt_text = html.escape(meta.get("alt", "chart"))
    payload = json.dumps(spec, sort_keys=True).replace("</", "<\\/")
    return (
        f'<figure class="stp-chart" role="figure" aria-label="{alt_text}">'
        f'<div id="{element}" class="stp-vega"></div>'
        f'<figcaption class="stp-caption">{_caption(meta, static_prefix)}</figcaption>'
        "</figure>\n"
        "<script>(function () {\n"
        f"  var spec = {payload};\n"
        "  function draw() {\n"
        f"    vegaEmbed('#{element}', spec, {{actions: {ACTIONS}, renderer: 'svg'}})\n"
        "      .then(function (r) { window.stpViews = window.stpViews || {};\n"
        "        window.stpEmbeds = window.stpEmbeds || {};\n"
        f"        window.stpViews['{element}'] = r.view; window.stpEmbeds['{element}'] = r;\n"
        "        window.stpFirstChartMs = window.stpFirstChartMs || performance.now(); })\n"
        "      .catch(function (e) { console.error(e); });\n"
        "  }\n"
        "  if (window.vegaEmbed) { draw(); }\n"
        "  else { window.addEventListener('load', draw); }\n"
        "})();</script>"
    )


def _renderer(spec: dict, **_: object) -> dict:
    return {"text/html": spec_to_html(spec), "application/vnd.vegalite.v5+json": spec}


alt.renderers.register("stpbook", _renderer)
alt.renderers.enable("stpbook")
