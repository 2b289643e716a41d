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
another chapter's module: the pipeline's cache key for a chapter hashes exactly those.
"""
