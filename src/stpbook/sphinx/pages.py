"""What every page needs to be published: a meta description.

Each page gets ``<meta name="description">`` from its first paragraph (search engines
and link previews show it), cut at a word boundary to at most 160 characters.
"""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes

LIMIT = 160


def description(doctree: Any) -> str:
    """The first paragraph's text, at most ``LIMIT`` characters."""
    if doctree is None:
        return ""
    for para in doctree.findall(nodes.paragraph):
        text = " ".join(para.astext().split())
        if len(text) >= 40:
            if len(text) <= LIMIT:
                return text
            cut = text[: LIMIT - 1].rsplit(" ", 1)[0]
            return cut.rstrip(",;:") + "…"
    return ""


def _add_description(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    text = description(doctree)
    if text:
        tag = f'<meta name="description" content="{html.escape(text, quote=True)}" />\n'
        context["metatags"] = context.get("metatags", "") + tag


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _add_description)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
