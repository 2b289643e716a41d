"""Altair chart builders, one module per chapter (named after it), and the renderers.

Importing this package chooses the renderer for the running context
(``stpbook.charts.render``): the book's offline static renderer under the pipeline,
Altair's own offline widget in a live frontend.
"""

from .render import (
    MODELLED_COLOUR,
    OKABE_ITO,
    PUBLISHED_COLOUR,
    TEXT_COLOURS,
    describe,
    dropdown,
    slider,
)

__all__ = [
    "MODELLED_COLOUR",
    "OKABE_ITO",
    "PUBLISHED_COLOUR",
    "TEXT_COLOURS",
    "describe",
    "dropdown",
    "slider",
]
