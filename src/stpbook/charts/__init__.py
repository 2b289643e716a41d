"""Altair chart builders, one module per chapter, and the offline renderer.

Importing this package enables the ``stpbook`` Altair renderer: every chart is drawn by
Vega-Embed from the book's own ``_static/vega-bundle.js`` (no CDN), with a caption
that carries its source line and a download link for the data it shows.
"""

from .render import (  # noqa: F401
    MODELLED_COLOUR,
    OKABE_ITO,
    PUBLISHED_COLOUR,
    describe,
    slider,
    to_html,
    write_vega_bundle,
)
