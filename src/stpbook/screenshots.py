"""``stpbook screenshots``: every page of a built book as a reader sees it.

Each page is served on 127.0.0.1, opened in headless Chromium at 1280 px (desktop) and
375 px (a phone), given time for its charts to draw, and saved full-page as
``<out>/<width>/<page>.png``. Look at them before calling a page finished.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .browser import chromium, serve, wait_for_charts
from .browser import pages as all_pages
from .errors import Refused

WIDTHS = (1280, 375)


def take(
    html: Path, out: Path, pages: list[str] | None = None, widths: tuple[int, ...] = WIDTHS
) -> Iterator[str]:
    """Screenshot the pages of ``html`` into ``out`` (``pages``: only these, as paths
    without suffix, e.g. ``chapters/01_forward_view``); yields one line per file."""
    wanted = pages
    if not (html / "index.html").exists():
        raise Refused(f"{html} has no index.html: build the book first (make book)")
    found = [
        p for p in _pages(html) if not wanted or str(p.relative_to(html).with_suffix("")) in wanted
    ]
    with serve(html) as base, chromium() as browser:
        for width in widths:
            tab = browser.new_page(viewport={"width": width, "height": 900})
            for path in found:
                rel = path.relative_to(html)
                tab.goto(base + str(rel), wait_until="load")
                try:
                    wait_for_charts(tab)
                except Exception:  # noqa: BLE001 - a page without a drawn chart still gets its picture
                    pass
                # A viewport as tall as the page, rather than Playwright's full_page
                # capture, which briefly resizes the page sideways and makes
                # container-width charts redraw at the wrong width.
                height = tab.evaluate("() => document.documentElement.scrollHeight")
                tab.set_viewport_size({"width": width, "height": min(height, 30000)})
                tab.wait_for_timeout(500)
                target = out / str(width) / rel.with_suffix(".png")
                target.parent.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(target))
                tab.set_viewport_size({"width": width, "height": 900})
                yield f"{target}"
            tab.close()


def _pages(html: Path) -> list[Path]:
    return [p for p in all_pages(html) if p.name not in ("search.html", "genindex.html")]
