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
