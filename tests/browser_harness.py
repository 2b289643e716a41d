"""Drive the built book in headless Chromium (Playwright for Python, Debian's Chromium).

The harness serves ``_build/html`` from a thread on 127.0.0.1, opens pages with every
request to any other host aborted and recorded, and reads the charts through the Vega
view API the renderer exposes (``window.stpViews[id]``, ``window.stpEmbeds[id]``).
Never ``playwright install``: the browser is the system's ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

from stpbook.browser import CHROMIUM, CHROMIUM_ARGS, pages, serve  # noqa: F401

LOCAL_SCHEMES = ("file", "data", "blob", "about")


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_chromium() -> None:
    """Skip (locally) or fail (under CI) when the browser or Playwright is missing."""
    from stpbook.browser import missing

    problem = missing()
    if problem:
        if on_ci():
            pytest.fail(f"browser tests cannot run under CI: {problem}")
        pytest.skip(problem)


@dataclass
class Watch:
    """What went wrong while a page loaded: console errors, uncaught exceptions,
    failed requests, HTTP errors and requests to anything but the book itself."""

    base: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        parsed = urlparse(url)
        if parsed.scheme in LOCAL_SCHEMES:
            return True
        return bool(self.base) and url.startswith(self.base)

    def route(self, route) -> None:
        url = route.request.url
        if self.allowed(url):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def attach(self, page) -> None:
        page.on(
            "console",
            lambda m: (
                self.console_errors.append(f"{m.text} @ {m.location}")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None,
        )

    def problems(self) -> list[str]:
        return (
            [f"request outside the book: {u}" for u in self.outside]
            + [f"console error: {e}" for e in self.console_errors]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"failed request: {e}" for e in self.failed]
        )


@contextmanager
def open_page(browser, url: str, base: str) -> Iterator[tuple[object, Watch]]:
    """A fresh context and page at ``url``; only ``base`` (and file:, data:, blob:)
    may be loaded, everything else is aborted and recorded in the Watch."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    watch = Watch(base)
    context.route("**/*", watch.route)
    page = context.new_page()
    watch.attach(page)
    try:
        page.goto(url, wait_until="load")
        yield page, watch
    finally:
        context.close()


# --- JavaScript run in the page ---------------------------------------------------------

CHART_IDS = """() => Array.from(document.querySelectorAll('figure.stp-chart .stp-vega'))
    .map(el => el.id)"""

VIEWS_READY = """(ids) => ids.every(id => window.stpViews && window.stpViews[id]
    && document.querySelector('#' + id + ' svg, #' + id + ' canvas'))"""

# Marks with role 'mark' (the chart's own marks, not axes, legends or titles) and their
# item count, walking the scenegraph.
MARK_COUNT = """(id) => {
  const view = window.stpViews[id];
  let n = 0;
  const walk = (mark) => {
    if (mark.role === 'mark' && mark.marktype !== 'group') n += mark.items.length;
    for (const item of mark.items || []) for (const child of item.items || []) walk(child);
  };
  walk(view.scenegraph().root);
  return n;
}"""

# Every named dataset of the compiled Vega spec, as plain rows.
DATASETS = """(id) => {
  const embed = window.stpEmbeds[id], view = window.stpViews[id];
  const out = {};
  for (const d of (embed.vgSpec.data || [])) {
    try { out[d.name] = view.data(d.name).map(r => Object.assign({}, r)); } catch (e) {}
  }
  return out;
}"""

CONTROLS = """(id) => Array.from(document.querySelectorAll(
    '#' + id + ' .vega-bindings input[type=range], #' + id + ' .vega-bindings select, '
    + '#' + id + ' .vega-bindings input[type=checkbox], #' + id + ' .vega-bindings input[type=radio]'))
  .map((el, i) => ({index: i, name: el.name, kind: el.tagName === 'SELECT' ? 'select' : el.type,
                    value: el.type === 'checkbox' ? el.checked : el.value,
                    min: el.min, max: el.max, step: el.step,
                    options: el.tagName === 'SELECT' ? Array.from(el.options).map(o => o.value) : []}))"""

# Set control ``index`` of chart ``id`` to ``value`` the way a reader does (an input or
# change event), wait for Vega's dataflow and the next frame; returns milliseconds.
MOVE = """async ([id, index, value]) => {
  const el = document.querySelectorAll(
    '#' + id + ' .vega-bindings input[type=range], #' + id + ' .vega-bindings select, '
    + '#' + id + ' .vega-bindings input[type=checkbox], #' + id + ' .vega-bindings input[type=radio]')[index];
  const view = window.stpViews[id];
  const t0 = performance.now();
  if (el.type === 'checkbox') { el.checked = value; } else { el.value = String(value); }
  el.dispatchEvent(new Event(el.type === 'range' ? 'input' : 'change', {bubbles: true}));
  await view.runAsync();
  await new Promise(r => requestAnimationFrame(() => r()));
  return performance.now() - t0;
}"""

SIGNALS = (
    """([id, names]) => Object.fromEntries(names.map(n => [n, window.stpViews[id].signal(n)]))"""
)

SVG_MARKUP = """(id) => { const el = document.querySelector('#' + id + ' svg');
  return el ? el.outerHTML : ''; }"""


def chart_ids(page) -> list[str]:
    return page.evaluate(CHART_IDS)


def wait_for_views(page, ids: list[str], timeout_ms: int = 20000) -> None:
    if ids:
        page.wait_for_function(VIEWS_READY, arg=ids, timeout=timeout_ms)


def other_value(control: dict) -> object:
    """A value for a control different from its current one, on its step grid."""
    if control["kind"] == "checkbox":
        return not control["value"]
    if control["kind"] == "select":
        options = [o for o in control["options"] if o != control["value"]]
        return options[0] if options else control["value"]
    lo, hi, now = float(control["min"]), float(control["max"]), float(control["value"])
    step = float(control["step"]) if control["step"] not in ("", "any") else (hi - lo) / 100
    target = lo + (hi - lo) * 0.73 if now < lo + (hi - lo) / 2 else lo + (hi - lo) * 0.21
    snapped = lo + round((target - lo) / step) * step
    snapped = min(hi, max(lo, snapped))
    return round(snapped, 12)


def alternate_values(control: dict, n: int) -> list[object]:
    """``n`` values that alternate between two settings of the control."""
    first = other_value(control)
    second = control["value"]
    if control["kind"] == "range":
        second = float(second)
    return [first if i % 2 == 0 else second for i in range(n)]
