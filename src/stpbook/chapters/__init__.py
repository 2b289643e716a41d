"""One recipe module per chapter: everything a chapter computes, in one place.

``stpbook/chapters/<short name>.py`` belongs to ``chapters/NN_<short name>.ipynb``. The
notebook, ``stpbook compare``, the seminar dashboard and the tests all call it, so no
chapter result is computed anywhere else. A recipe module has:

- ``NOTEBOOK``: the notebook's stem, e.g. ``"01_forward_view"``;
- ``inputs(layout=None)``: the chapter's data, loaded and validated once;
- ``compute(inputs, **parameters)``: the chapter's results for one set of parameter
  values (every declared parameter, by its declared name), with ``.text``, the numbers
  its prose cites, formatted for readers (``{eval}`n.gap_final` `` in the Markdown);
- ``headline(results)``: the few key numbers, labelled with units, that ``compare`` and
  the seminar dashboard show;
- ``live(inputs)``: the function the chapter's ipywidgets panel calls with new values;
  it returns the chapter's main chart and its headline numbers;
- chart functions that take the results.

A recipe module imports only the shared layers (``data``, ``models``, ``charts``,
``tables``, ``widgets``, ``parameters``, ``layout``) and ``chapters._common``, never
another chapter's module: the pipeline's cache key for a chapter hashes exactly those
(:data:`SHARED_CODE` plus its own module; a test checks that it covers every module a
recipe imports).
"""

# The code every chapter can import, relative to the package: the cache key of each
# chapter (``stpbook.pipeline.cache``) and the reproducibility appendix's list read it here.
SHARED_CODE = (
    "__init__.py",
    "errors.py",
    "layout.py",
    "context.py",
    "dates.py",
    "parameters.py",
    "bibliography.py",
    "widgets.py",
    "tables.py",
    "vendor.py",
    "data/*.py",
    "models/*.py",
    "charts/*.py",
    "chapters/__init__.py",
    "chapters/_*.py",
)
