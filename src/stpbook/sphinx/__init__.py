"""The book's small Sphinx extensions, added to Jupyter Book's own list in ``_config.yml``
(``sphinx.extra_extensions``):

- ``stpbook.sphinx.mathml``: formulas converted to MathML at build time (no MathJax);
- ``stpbook.sphinx.offline``: nothing on a page points at a CDN;
- ``stpbook.sphinx.pages``: a meta description on every page;
- ``stpbook.sphinx.citations``: author-year labels made unique (2019a, 2019b).
"""
