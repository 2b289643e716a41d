"""The book's own copy of Vega (no CDN at read time).

- :func:`write_vega_bundle`: Vega, Vega-Lite and Vega-Embed as one classic script (0.9 MB)
  for HTML that calls ``vegaEmbed`` with a Vega-Lite spec: ``stpbook run``'s offline
  copy of a notebook, the teaching slides, the stock build of the benchmarks.
- :func:`vega_only`: Vega alone (0.58 MB, no Vega-Lite compiler, no Vega-Embed), for the
  built book, whose charts are compiled to Vega at build time
  (``stpbook.pipeline.vega``, outside the chapters' cache key).

Both depend only on the installed vl-convert and Altair, so each is written once per
environment, next to the venv's other shared files (``<venv>/share/stpbook/``), and a
clean ``_build`` does not pay for it again. Checking that a copy is current reads package
metadata only: a warm build never imports Altair or vl-convert.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

VEGA_BUNDLE = "vega-bundle.js"
_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"
# vl-convert's bundler keeps only what the snippet uses, so importing Vega's namespace
# alone leaves Vega-Lite and Vega-Embed out. (Its ``vega`` name is Vega's default export,
# which is null.) The specifier is the key of vl-convert's own vendored copy of Vega: the
# bundler resolves it offline, and the bundle names no address.
_RUNTIME_SNIPPET = (
    'import * as vegaNamespace from "https://cdn.jsdelivr.net/npm/vega@{}/+esm";'
    " window.vega = vegaNamespace;"
)


def default_folder() -> Path:
    """Where the bundle lives: ``share/stpbook`` inside the running Python's prefix."""
    return Path(sys.prefix) / "share" / "stpbook"


def version() -> str:
    return (
        f"vl-convert {metadata.version('vl-convert-python')} "
        f"altair {metadata.version('altair')} wrapped"
    )


def write_once(target: Path, version: str, make: Callable[[], str]) -> Path:
    stamp = target.with_name(target.name + ".version")
    if target.exists() and stamp.exists() and stamp.read_text() == version:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(make(), encoding="utf-8")
    partial.replace(target)  # whole or not at all, even with two builds at once
    stamp.write_text(version)
    return target


def _bundle(snippet: str) -> str:
    import altair as alt
    import vl_convert

    if "{}" in snippet:
        snippet = snippet.format(vl_convert.get_vega_version())
    bundle = vl_convert.javascript_bundle(snippet, vl_version=alt.SCHEMA_VERSION[1:4])
    # The bundle's top-level names (``_``, ``t`` ...) would be global lexical bindings in a
    # classic script and clash with Sphinx's own (doctools.js declares ``const _``), which
    # stops the whole bundle. A function scope keeps them private; only the ``window.*``
    # assignments of the snippet escape.
    return f"(function () {{\n{bundle}\n}})();\n"


def write_vega_bundle(folder: Path | None = None) -> Path:
    """Write Vega, Vega-Lite and Vega-Embed as one classic script into ``folder`` (default
    ``default_folder()``), unless the copy there was made by the same package versions.
    Returns the bundle's path."""
    folder = Path(folder) if folder else default_folder()
    return write_once(folder / VEGA_BUNDLE, version(), lambda: _bundle(_SNIPPET))


def vega_only() -> str:
    """Vega alone as the text of a classic script that sets ``window.vega``."""
    return _check_offline(_bundle(_RUNTIME_SNIPPET))


def _check_offline(bundle: str) -> str:
    if "cdn.jsdelivr.net/npm/vega@" in bundle:
        raise RuntimeError("the Vega runtime bundle would load Vega from the network")
    return bundle
