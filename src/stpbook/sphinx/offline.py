"""Keep every page offline: drop the scripts that point at a CDN.

Jupyter Book always loads ``sphinx_thebe``, which adds to every page an inline script
naming ``unpkg.com`` and a loader for it, even with Thebe switched off
(``launch_buttons.thebe: false``); it also adds the inline script twice, a console
error ("Identifier 'THEBE_JS_URL' has already been declared") on every page. The book
has no live-code cells on its pages (readers launch a chapter on Binder or JupyterHub
instead), so this extension takes those scripts out of each page's context.
"""

from __future__ import annotations

from typing import Any

_CDN_MARKERS = ("THEBE_JS_URL", "sphinx-thebe.js", "unpkg.com", "cdn.jsdelivr.net")


def _offline(js: Any) -> bool:
    text = (
        " ".join(str(getattr(js, attr, "") or "") for attr in ("filename",))
        + " "
        + str(getattr(js, "attributes", {}).get("body", "") if hasattr(js, "attributes") else js)
    )
    return not any(marker in text for marker in _CDN_MARKERS)


def _drop_cdn_scripts(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    if "script_files" in context:
        context["script_files"] = [js for js in context["script_files"] if _offline(js)]


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _drop_cdn_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
