"""What a reader waits for: Lighthouse on the built book, served with gzip as a static
host would, and each page's weight.

    .venv/bin/python benchmarks/reader.py HTML_DIR [--out FILE.json] [--pages GLOB ...]

Used by ``run.py`` (``make bench``); on its own it measures any built book (e.g. an
older build, for a before/after table).

- **Server**: a threaded static server on 127.0.0.1 that sends text files (HTML, CSS,
  JavaScript, JSON, SVG) gzip-compressed when the browser asks for it, as GitHub Pages,
  Netlify or nginx with ``gzip on`` do; everything else as it is.
- **Lighthouse**: the ``lighthouse`` package from the npm registry, installed with npm
  into ``benchmarks/.lighthouse`` (a folder of the benchmark's own, ignored by git) the
  first time it is needed; never by ``make book`` or ``make test``. It drives Debian's
  ``/usr/bin/chromium`` headless with the flags below, performance category only, once
  with its default (mobile) profile and once with ``--preset=desktop``.
- **Weight**: from Lighthouse's own record of the mobile run, every request the page
  made (uncompressed bytes and bytes on the wire, gzipped), and, for every page of the
  book, a static count of the HTML and the local files it names.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LIGHTHOUSE_DIR = HERE / ".lighthouse"
LIGHTHOUSE_VERSION = "12.8.2"
CHROMIUM = Path(os.environ.get("STPBOOK_CHROMIUM", "/usr/bin/chromium"))
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TEXT_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "application/xml",
)
METRICS = {
    "first-contentful-paint": "fcp_ms",
    "largest-contentful-paint": "lcp_ms",
    "total-blocking-time": "tbt_ms",
    "cumulative-layout-shift": "cls",
    "speed-index": "si_ms",
    "interactive": "tti_ms",
}


# --- the server --------------------------------------------------------------------------


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, text compressed with gzip (level 6, nginx's default is 1, most hosts
    use 5-6) when the request accepts it."""

    _cache: dict[tuple[str, float], bytes] = {}

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        ctype = self.guess_type(path)
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and os.path.isfile(path) and ctype.startswith(TEXT_TYPES)):
            return super().send_head()
        key = (path, os.path.getmtime(path))
        body = self._cache.get(key)
        if body is None:
            with open(path, "rb") as fh:
                body = self._cache[key] = gzip.compress(fh.read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


def serve_gzip(folder: Path) -> contextlib.AbstractContextManager[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) with gzip; yields the base URL."""
    from stpbook.browser import serve

    return serve(folder, _GzipHandler)


# --- Lighthouse ----------------------------------------------------------------------------


def lighthouse_bin(log=print) -> Path | None:  # type: ignore[no-untyped-def]
    """The benchmark's own Lighthouse, installed with npm on first use; None (with a
    message) when npm or Chromium is missing."""
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    if not CHROMIUM.exists():
        log(f"Lighthouse skipped: {CHROMIUM} is missing (apt-get install chromium)")
        return None
    npm = shutil.which("npm")
    if not npm:
        log("Lighthouse skipped: npm is not installed (apt-get install npm)")
        return None
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    (LIGHTHOUSE_DIR / ".gitignore").write_text("*\n")
    (LIGHTHOUSE_DIR / "package.json").write_text(
        json.dumps({"name": "stpbook-bench-lighthouse", "private": True}) + "\n"
    )
    log(f"installing lighthouse@{LIGHTHOUSE_VERSION} with npm into {LIGHTHOUSE_DIR}")
    proc = subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        cwd=LIGHTHOUSE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not binary.exists():
        log("Lighthouse skipped: npm install failed: " + (proc.stderr or proc.stdout)[-500:])
        return None
    return binary


def run_lighthouse(binary: Path, url: str, preset: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run (``preset`` 'mobile' is its default profile); the figures."""
    cmd = [
        str(binary),
        url,
        "--only-categories=performance",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--max-wait-for-load=60000",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, timeout=300)
    if proc.returncode != 0 or not out.exists():
        return {"error": (proc.stderr or proc.stdout)[-400:]}
    report = json.loads(out.read_text())
    audits = report["audits"]
    result: dict[str, Any] = {
        "score": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "lighthouse": report.get("lighthouseVersion"),
    }
    for audit, key in METRICS.items():
        result[key] = audits.get(audit, {}).get("numericValue")
    requests = audits.get("network-requests", {}).get("details", {}).get("items", [])
    result["requests"] = len(requests)
    result["bytes"] = sum(r.get("resourceSize") or 0 for r in requests)
    result["wire_bytes"] = sum(r.get("transferSize") or 0 for r in requests)
    blocking = audits.get("render-blocking-resources", {}).get("details", {}).get("items", [])
    result["render_blocking"] = len(blocking)
    tasks = audits.get("long-tasks", {}).get("details", {}).get("items", [])
    result["long_tasks"] = [
        (t.get("url", "")[-50:], round(t.get("duration", 0))) for t in tasks[:6]
    ]
    return result


# --- static page weight ------------------------------------------------------------------


def _local(base: Path, ref: str, root: Path) -> Path | None:
    if re.match(r"^(https?:)?//|^data:|^#", ref):
        return None
    path = (base / ref.split("?")[0].split("#")[0]).resolve()
    return path if path.is_file() and root.resolve() in path.parents else None


_GZ: dict[Path, int] = {}


def gzipped(path: Path) -> int:
    if path not in _GZ:
        _GZ[path] = len(gzip.compress(path.read_bytes(), 6))
    return _GZ[path]


def page_weight(page: Path, html: Path) -> dict[str, Any]:
    """The page's HTML and the local files it names: scripts (also those a script adds,
    ``s.src = "..."``), stylesheets, images, and the fonts those stylesheets name."""
    text = page.read_text(encoding="utf-8")
    refs = re.findall(r'<(?:script|img)\b[^>]*\bsrc="([^"]+)"', text)
    refs += re.findall(r"\.src = \"([^\"]+)\"", text)
    refs += [
        m.group(2)
        for m in re.finditer(
            r'<link\b(?=[^>]*\brel="(stylesheet|preload|icon)")[^>]*\bhref="([^"]+)"', text
        )
    ]
    files: set[Path] = set()
    for ref in refs:
        local = _local(page.parent, ref, html)
        if local:
            files.add(local)
    css_texts = [f.read_text(errors="ignore") for f in files if f.suffix == ".css"]
    css_texts += re.findall(r"<style>(.*?)</style>", text, re.S)
    bases = [f.parent for f in files if f.suffix == ".css"] + [page.parent] * 100
    for base, css in zip(bases, css_texts, strict=False):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            local = _local(base, ref, html)
            if local and local.suffix == ".woff2":  # browsers fetch one format
                files.add(local)
    size = page.stat().st_size
    assets = sum(f.stat().st_size for f in files)
    biggest = sorted(files, key=lambda f: -f.stat().st_size)[:3]
    return {
        "html": size,
        "assets": assets,
        "total": size + assets,
        "files": len(files),
        "gzip": gzipped(page) + sum(gzipped(f) for f in files),
        "biggest": ", ".join(f"{f.name} {f.stat().st_size / 1e3:.0f} kB" for f in biggest),
    }


def weights(html: Path) -> dict[str, dict[str, Any]]:
    """``page_weight`` of every page of the book, keyed by its path without .html."""
    out = {}
    for page in sorted(html.rglob("*.html")):
        rel = page.relative_to(html)
        if any(p.startswith(("_", ".")) for p in rel.parts):
            continue
        out[rel.with_suffix("").as_posix()] = page_weight(page, html)
    return out


# --- sliders -------------------------------------------------------------------------------

# Set control ``index`` of chart ``id`` as a reader does (an input or change event), wait
# for Vega's dataflow and the next frame (the same measurement as tests/browser_harness.py).
_SELECT = """document.querySelectorAll(
  '#' + id + ' .vega-bindings input[type=range], #' + id + ' .vega-bindings select')"""
_CONTROLS = (
    """(id) => Array.from("""
    + _SELECT
    + """).map(el => ({
  kind: el.tagName === 'SELECT' ? 'select' : el.type, value: el.value, min: el.min,
  max: el.max, step: el.step,
  options: el.tagName === 'SELECT' ? Array.from(el.options).map(o => o.value) : []}))"""
)
_MOVE = (
    """async ([id, index, value]) => {
  const el = """
    + _SELECT
    + """[index];
  const view = window.stpViews[id];
  const t0 = performance.now();
  el.value = String(value);
  el.dispatchEvent(new Event(el.type === 'range' ? 'input' : 'change', {bubbles: true}));
  await view.runAsync();
  await new Promise(r => requestAnimationFrame(() => r()));
  return performance.now() - t0;
}"""
)
_READY = """() => document.querySelectorAll('.stp-vega').length ===
  Object.keys(window.stpViews || {}).filter(k => document.getElementById(k)).length"""


def _two_values(control: dict[str, Any]) -> list[str]:
    if control["kind"] == "select":
        return (control["options"] + [control["value"]])[:2]
    lo, hi = float(control["min"]), float(control["max"])
    step = float(control["step"] or (hi - lo) / 100)
    snap = [lo + round((lo + (hi - lo) * f - lo) / step) * step for f in (0.21, 0.73)]
    return [f"{min(hi, max(lo, v)):.10g}" for v in snap]


def browser_timings(html: Path, moves: int = 20, log=print) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """In headless Chromium (1280 x 900, the book served on 127.0.0.1): for each chapter
    page, when its first chart was drawn and how long each chart control takes from an
    input event to the redrawn frame (``moves`` moves per control)."""
    import statistics

    sys.path.insert(0, str(HERE.parent / "src"))
    from stpbook.browser import chromium, missing

    if missing():
        return {"skipped": missing()}
    out: dict[str, Any] = {
        "what": "ms from a control's input/change event to Vega's dataflow "
        "finishing and the next animation frame; first chart: ms "
        "from navigation to the first chart drawn",
        "pages": {},
    }
    all_moves: list[float] = []
    with serve_gzip(html) as base, chromium() as browser:
        for page_path in sorted((html / "chapters").glob("*.html")):
            rel = page_path.relative_to(html).as_posix()
            if 'class="stp-vega' not in page_path.read_text(encoding="utf-8"):
                continue
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(base + rel, wait_until="load")
            page.wait_for_function(_READY, timeout=30000)
            first = page.evaluate("() => window.stpFirstChartMs")
            ids = page.evaluate(
                "() => Array.from(document.querySelectorAll('.stp-vega')).map(e => e.id)"
            )
            times: list[float] = []
            for chart in ids:
                for index, control in enumerate(page.evaluate(_CONTROLS, chart)):
                    values = _two_values(control)
                    for i in range(moves):
                        times.append(page.evaluate(_MOVE, [chart, index, values[i % 2]]))
            context.close()
            all_moves += times
            out["pages"][rel] = {
                "first_chart_ms": round(first or 0, 1),
                "controls_moves": len(times),
                "median_ms": round(statistics.median(times), 2) if times else None,
            }
            log(
                f"browser {rel}: first chart {first or 0:.0f} ms, "
                f"{len(times)} moves, median {out['pages'][rel]['median_ms']} ms"
            )
    if all_moves:
        all_moves.sort()
        out["median_ms"] = round(statistics.median(all_moves), 2)
        out["p90_ms"] = round(all_moves[int(0.9 * (len(all_moves) - 1))], 2)
        out["max_ms"] = round(all_moves[-1], 2)
    firsts = [p["first_chart_ms"] for p in out["pages"].values()]
    if firsts:
        out["first_chart_median_ms"] = round(statistics.median(firsts), 1)
        out["first_chart_max_ms"] = round(max(firsts), 1)
    return out


# --- the pass ------------------------------------------------------------------------------


def default_pages(html: Path) -> list[str]:
    """Every chapter page, and the heaviest footprint profile."""
    pages = sorted(p.relative_to(html).as_posix() for p in (html / "chapters").glob("*.html"))
    profiles = sorted((html / "footprints").glob("E*.html"), key=lambda p: -p.stat().st_size)
    return pages + [profiles[0].relative_to(html).as_posix()] if profiles else pages


def measure(
    html: Path, pages: list[str] | None = None, presets=("mobile", "desktop"), log=print
) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Lighthouse on ``pages`` (default ``default_pages``) with each preset, and the
    static weight of every page."""
    result: dict[str, Any] = {
        "weights": weights(html),
        "lighthouse": {},
        "server": "127.0.0.1, gzip level 6 for text files",
    }
    binary = lighthouse_bin(log)
    if binary is None:
        result["skipped"] = "Lighthouse not available (see the log)"
        return result
    pages = pages or default_pages(html)
    work = HERE / ".lighthouse" / "reports"
    work.mkdir(parents=True, exist_ok=True)
    with serve_gzip(html) as base:
        for page in pages:
            for preset in presets:
                t = time.perf_counter()
                out = work / f"{page.replace('/', '_')}-{preset}.json"
                figures = run_lighthouse(binary, base + page, preset, out)
                result["lighthouse"].setdefault(page, {})[preset] = figures
                log(
                    f"lighthouse {preset:7} {page}: score {figures.get('score')}, "
                    f"LCP {figures.get('lcp_ms') or 0:.0f} ms, "
                    f"TBT {figures.get('tbt_ms') or 0:.0f} ms "
                    f"({time.perf_counter() - t:.0f} s)"
                )
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("html", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--pages", nargs="*")
    ap.add_argument("--presets", nargs="*", default=["mobile", "desktop"])
    args = ap.parse_args(argv)
    result = measure(args.html, args.pages, tuple(args.presets))
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
