"""The book's own copy of Vega, Vega-Lite and Vega-Embed (no CDN at read time).

The bundle depends only on the installed vl-convert and Altair, so it is written once per
environment, next to the venv's other shared files (``<venv>/share/stpbook/``), and a
clean ``_build`` does not pay for it again. Checking that it is current reads package
metadata only: a warm build never imports Altair or vl-convert.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

VEGA_BUNDLE = "vega-bundle.js"
_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"


def default_folder() -> Path:
    """Where the bundle lives: ``share/stpbook`` inside the running Python's prefix."""
    return Path(sys.prefix) / "share" / "stpbook"


def _version() -> str:
    return (f"vl-convert {metadata.version('vl-convert-python')} "
            f"altair {metadata.version('altair')} wrapped")


def write_vega_bundle(folder: Path | None = None) -> Path:
    """Write Vega, Vega-Lite and Vega-Embed as one classic script into ``folder`` (default
    ``default_folder()``), unless the copy there was made by the same package versions.
    Returns the bundle's path."""
    folder = Path(folder) if folder else default_folder()
    target = folder / VEGA_BUNDLE
    stamp = folder / (VEGA_BUNDLE + ".version")
    version = _version()
    if target.exists() and stamp.exists() and stamp.read_text() == version:
        return target
    import altair as alt
    import vl_convert

    folder.mkdir(parents=True, exist_ok=True)
    bundle = vl_convert.javascript_bundle(_SNIPPET, vl_version=alt.SCHEMA_VERSION[1:4])
    # The bundle's top-level names (``_``, ``t`` ...) would be global lexical bindings in a
    # classic script and clash with Sphinx's own (doctools.js declares ``const _``), which
    # stops the whole bundle. A function scope keeps them private; only the three
    # ``window.*`` assignments of the snippet escape.
    partial = target.with_suffix(".partial")
    partial.write_text(f"(function () {{\n{bundle}\n}})();\n", encoding="utf-8")
    partial.replace(target)  # whole or not at all, even with two builds at once
    stamp.write_text(version)
    return target
