"""The STP book's package: data, models, charts, widgets and the build pipeline.

Modules by concern (nothing imports ``cli``):

- ``paths``: where the book's folders are, wherever the caller runs from
- ``errors``: the one exception type the project raises
- ``parameters``: chapter parameter declarations, validation, scenarios
- ``data``: load and validate ``data/`` (the Frictionless data package)
- ``models``: pure functions, numbers in, numbers out
- ``charts``: Altair chart builders and the offline renderer
- ``widgets``: ipywidgets panels for a live kernel
- ``pipeline``: papermill execution, the cache, the book build
"""

__version__ = "0.1.0"

import sys as _sys

# Start-up time. jsonschema (imported by Altair, nbformat and papermill) loads the optional
# ``rfc3987_syntax`` package when it is installed, and that builds a Lark grammar for IRIs
# at import: about 1.7 s of every chapter's 5 s kernel start-up (measured with
# ``python -X importtime -c "import altair"``). Nothing in the book validates IRI formats,
# so importing ``stpbook`` first marks the package as absent; jsonschema then skips it.
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
