"""Headless Chromium for the book's own tools: a local server and a browser.

Used by ``stpbook screenshots``, the handout and role-card PDFs, the slides and the
browser tests. The browser is always Debian's ``/usr/bin/chromium`` driven by
Playwright (never ``playwright install``), started with the flags that keep it off the
network; the server binds 127.0.0.1 only.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import Refused

CHROMIUM = Path(os.environ.get("STPBOOK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def missing() -> str | None:
    """Why the browser cannot run here, or None."""
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y "
            "chromium); never `playwright install`"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements.txt)"
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(
    folder: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] = _QuietHandler
) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 at a free port; yields the base URL (with '/').
    ``handler_class`` answers the requests (the benchmark's compresses them)."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``), closed afterwards."""
    problem = missing()
    if problem:
        raise Refused(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def pages(html: Path) -> list[Path]:
    """Every HTML page of a built book (not Sphinx's _static, _sources, ...)."""
    return sorted(
        p
        for p in html.rglob("*.html")
        if not any(part.startswith((".", "_")) for part in p.relative_to(html).parts)
    )


def wait_for_charts(page: Any, timeout_ms: int = 20000) -> None:
    """Wait until every chart on the page has been drawn by Vega-Embed."""
    page.wait_for_function(
        "() => document.querySelectorAll('.stp-vega').length === "
        "Object.keys(window.stpViews || {}).filter(k => document.getElementById(k)).length",
        timeout=timeout_ms,
    )
