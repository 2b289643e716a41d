"""Formulas as MathML, converted when the book is built: a small Sphinx extension.

Browsers draw MathML themselves (Chromium and Edge since 2023, Firefox, Safari), so the
book's pages need no MathJax: 1.2 MB less on every page with a formula, nothing to run
before the formulas appear, and they work from ``file://`` like the rest of the book.
The book's formulas are short (its models' equations); ``latex2mathml`` converts them.

Enabled in ``_config.yml`` by ``extra_extensions: [stpbook.sphinx.mathml]`` and
``html_math_renderer: mathml``.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.errors import ExtensionError


def to_mathml(latex: str, display: str) -> str:
    """``latex`` (no dollar signs) as a ``<math>`` element; ``display`` is "inline" or
    "block". A formula the converter cannot read stops the build, naming it."""
    from latex2mathml.converter import convert

    try:
        return convert(latex.strip(), display=display)
    except Exception as exc:  # noqa: BLE001 - re-raised with the formula named
        raise ExtensionError(
            f"cannot convert the formula {latex.strip()!r} to MathML: {exc}"
        ) from exc


def visit_math(translator: Any, node: nodes.math) -> None:
    """Inline math: ``$...$`` in the prose."""
    translator.body.append(f'<span class="math">{to_mathml(node.astext(), "inline")}</span>')
    raise nodes.SkipNode


def visit_math_block(translator: Any, node: nodes.math_block) -> None:
    """Display math: ``$$...$$`` on lines of their own."""
    translator.body.append(translator.starttag(node, "div", CLASS="math"))
    translator.body.append(to_mathml(node.astext(), "block"))
    translator.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Any) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
