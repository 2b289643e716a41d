"""From executed notebooks to the HTML book: assemble the Sphinx source, build, swap.

- :func:`assemble_site` lays out ``site/`` (configuration, prose pages, executed
  notebooks with a variant banner, ``_static/``, a copy of ``data/`` for downloads),
  rewriting only files whose content changed so Sphinx's incremental build re-reads
  only those.
- :func:`build_html` runs Sphinx with warnings as errors into a persistent folder, then
  copies the result to ``html.staging`` and swaps it in: ``html`` -> ``html.old``,
  ``html.staging`` -> ``html``. A failed build leaves ``html`` as it was; a build
  killed between the two renames is repaired by :func:`recover` at the next start.
  When anything that every page shares changed (configuration, table of contents,
  static files, bibliography, the set of pages), Sphinx starts from scratch, so an
  incremental build gives the same bytes as a cold one.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..layout import Layout
from ..parameters import declared, differences
from ..scenarios import Scenario
from .execute import Job
from .files import ensure, write_if_changed

SITE_FILES = ("_config.yml", "_toc.yml", "references.bib")
DATA_SUFFIXES = (".csv", ".json", ".geojson")
STAMP = ".stpbook-site-digest"


def _markdown_text(text: str) -> str:
    """Untrusted text (a scenario's title or name) made safe and literal in MyST:
    HTML escaped, and Markdown or role syntax neutralised."""
    escaped = html_lib.escape(str(text), quote=True)
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~:$-])", r"\\\1", escaped).replace("\n", " ")


def banner_markdown(
    scenario: Scenario, changed: dict[str, tuple[Any, Any]], labels: dict[str, str] | None = None
) -> str:
    """The variant banner a page shows: the scenario and its non-default values."""
    labels = labels or {}
    lines = [
        f":::{{admonition}} Variant book: {_markdown_text(scenario.title)}",
        ":class: important",
        "",
        f"Built with the scenario {_markdown_text(scenario.name)}.",
    ]
    if changed:
        lines.append(" Assumptions on this page that differ from the book's defaults:")
        lines.append("")
        lines += [
            f"- {_markdown_text(labels.get(name, name))}: {_markdown_text(value)} "
            f"(the book's default is {_markdown_text(default)})"
            for name, (value, default) in changed.items()
        ]
    else:
        lines.append(" No assumption on this page differs from the book's defaults.")
    lines += ["", ":::", ""]
    return "\n".join(lines)


_GITHUB = re.compile(r"^https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$")


def site_config(text: str) -> bytes:
    """The book's ``_config.yml`` with the publishing rule applied (see the comment on
    ``repository`` there): launch buttons and the repository button only when
    ``repository.url`` is set, and ``html.baseurl`` derived from a GitHub address when it
    is left empty."""
    import yaml

    config = yaml.safe_load(text) or {}
    config.pop("stpbook", None)  # the pipeline's own settings (profiles), not Sphinx's
    url = str((config.get("repository") or {}).get("url") or "").strip()
    html = config.setdefault("html", {})
    launch = config.setdefault("launch_buttons", {})
    if url:
        html["use_repository_button"] = True
        github = _GITHUB.match(url)
        if not html.get("baseurl") and github:
            html["baseurl"] = f"https://{github.group(1)}.github.io/{github.group(2)}/"
    else:
        html["use_repository_button"] = False
        html["use_issues_button"] = False
        html["use_edit_page_button"] = False
        for key in ("binderhub_url", "jupyterhub_url", "colab_url"):
            launch[key] = ""
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True).encode()


def _with_banner(executed: Path, banner: str | None) -> bytes:
    if not banner:
        return executed.read_bytes()
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    cell = nbformat.v4.new_markdown_cell(banner)
    cell.id = "stpbook-variant-banner"
    nb.cells.insert(1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, cell)
    return nbformat.writes(nb).encode()


def _md_with_banner(page: Path, banner: str | None) -> bytes:
    text = page.read_text(encoding="utf-8")
    if not banner:
        return text.encode()
    lines = text.splitlines(keepends=True)
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    return "".join(lines[: title + 1] + ["\n", banner, "\n"] + lines[title + 1 :]).encode()


def assemble_site(
    layout: Layout,
    executed: list[tuple[Job, Path]],
    site: Path,
    scenario: Scenario | None = None,
    extra: dict[str, bytes] | None = None,
    pages: list[str] | None = None,
) -> None:
    """Lay out the book's Sphinx source in ``site``: configuration, prose pages,
    executed notebooks (each job's at ``<page>.ipynb``, with a variant banner if
    ``scenario``), static files, a copy of ``data/`` under ``_static/data`` and
    ``extra`` files (path relative to ``site`` -> bytes). With ``pages`` (stems), only
    those Markdown pages and the root page are laid out (a preview)."""
    from ..vendor import VEGA_BUNDLE
    from .vega import write_vega_runtime

    wanted: dict[Path, bytes] = {}
    for name in SITE_FILES:
        if (layout.root / name).exists():
            wanted[site / name] = (layout.root / name).read_bytes()
    if layout.config_file.exists():
        wanted[site / "_config.yml"] = site_config(layout.config_file.read_text("utf-8"))
    root_page = layout.parts()[0][1][0]
    for page in sorted(layout.chapters.glob("*.md")):
        if pages is not None and page.stem not in pages and page.stem != root_page:
            continue
        banner = banner_markdown(scenario, {}) if scenario else None
        wanted[site / "chapters" / page.name] = _md_with_banner(page, banner)
    for job, path in executed:
        banner = None
        if scenario:
            labels = {n: p.title for n, p in declared(job.notebook, layout).items()}
            banner = banner_markdown(
                scenario, differences(job.notebook, job.params, layout), labels
            )
        wanted[site / f"{job.page}.ipynb"] = _with_banner(path, banner)
    if layout.static.exists():
        for path in sorted(p for p in layout.static.rglob("*") if p.is_file()):
            wanted[site / "_static" / path.relative_to(layout.static)] = path.read_bytes()
    if layout.data.exists():
        for path in sorted(p for p in layout.data.iterdir() if p.suffix in DATA_SUFFIXES):
            wanted[site / "_static" / "data" / path.name] = path.read_bytes()
    for rel, content in (extra or {}).items():
        wanted[site / rel] = content  # e.g. a preview's own table of contents
    # The book's Vega: Vega alone and the book's embed (charts are compiled to Vega when
    # the pages are finished, see lighten_pages), under the name _config.yml loads.
    wanted[site / "_static" / VEGA_BUNDLE] = write_vega_runtime().read_bytes()
    for path, content in wanted.items():
        write_if_changed(path, content)
    if site.exists():
        for path in sorted(site.rglob("*"), reverse=True):
            if path.is_file() and path not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def _finishing_digest() -> str:
    """Hash of the code that finishes the pages (this module and ``pipeline.vega``)."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("site.py", "vega.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def site_digest(site: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(site)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def shared_digest(site: Path) -> str:
    """Hash of what every page shares: configuration, toc, bibliography, static files
    and the list of pages. When it changes, Sphinx starts from scratch."""
    h = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site)
        h.update(str(rel).encode())
        if rel.parts[0] != "chapters":
            h.update(path.read_bytes())
    return h.hexdigest()


# ``jupyter-book`` run by this Python after ``import stpbook``, which spares it jsonschema's
# IRI grammar (see ``stpbook/__init__.py``): 1.7 s of every book build's start-up.
_JUPYTER_BOOK = (
    "import sys, stpbook; from jupyter_book.cli.main import main; "
    "sys.argv[0] = 'jupyter-book'; sys.exit(main())"
)

# --- finishing pages -----------------------------------------------------------------------
#
# What a reader waits for on a phone (issue 18, measured with Lighthouse by
# ``benchmarks/run.py``): Sphinx and the theme give each page 21-22 render-blocking files
# (eleven stylesheets, 400 kB of them the theme's, and the scripts in ``<head>``), the
# search index (210 kB) on every page, a 156 kB icon font for 15 icons, and a 0.9 MB
# Vega bundle that compiles Vega-Lite in the browser before each chart draws.
# ``lighten_pages`` finishes the copied HTML so that the first paint needs the page alone:
# the stylesheets, stripped of the rules no page of the book can match, inline in
# ``<head>``; every script deferred; the icons as small inline SVG masks; charts compiled
# to Vega at build time and drawn by Vega alone (``stpbook.pipeline.vega``),
# after the first paint. The files in ``_static`` stay as the theme wrote them.

_ICON_SCRIPT = re.compile(
    r'<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>'
    r"\s*</script>\s*"
)
_VEGA_SCRIPT = re.compile(
    r'<script[^>]*src="[^"]*_static/vega-bundle\.js[^"]*"[^>]*>'
    r"\s*</script>\s*"
)
_SIDEBAR = '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'
_TOGGLE = re.compile(r'<summary>(\s*<span class="toctree-toggle")')
_STYLESHEET = re.compile(r'<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"]+)"[^>]*>\s*')
_HEAD_SCRIPT = re.compile(r'<script((?: [\w-]+="[^"]*")*) src="([^"]+)"></script>')
_SEARCH_SCRIPTS = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
_DOC_OPTIONS = "_static/documentation_options.js"
# Scripts a page loads only if its body has what they work on (a mark in its HTML).
_HELPERS = {
    "clipboard.min.js": re.compile(r'class="highlight'),
    "copybutton.js": re.compile(r'class="highlight'),
    "design-tabs.js": re.compile(r'class="[^"]*\bsd-tab'),
    # togglebutton.js: '.toggle, .admonition.dropdown' and cells tagged hide-*
    "togglebutton.js": re.compile(
        r'class="(?:[^"]*\s)?(?:toggle|tag_hide[\w-]*)[\s"]'
        r'|class="[^"]*\badmonition\b[^"]*\bdropdown\b'
        r'|class="[^"]*\bdropdown\b[^"]*\badmonition\b'
    ),
}
# What ``stpbook.charts.render.spec_to_html`` writes for a chart (spec on one line).
_CHART = re.compile(
    r"<script>\(function \(\) \{\n  var spec = (?P<spec>[^\n]*);\n"
    r"  function draw\(\) \{\n    vegaEmbed\('#(?P<id>stp-chart-[0-9a-f]+)'"
    r".*?\}\)\(\);</script>",
    re.S,
)
# Classes the theme's scripts (Bootstrap) make up at run time from parts, so the
# stylesheet keeps every rule that names one of these.
_DYNAMIC = (
    "bs-tooltip",
    "tooltip",
    "show",
    "fade",
    "collaps",
    "active",
    "dropdown-menu-dark",
    "pst-squeeze",
    "d-none",
)
# Scripts whose words are not class names the pages use: Bootstrap names every component
# it has (the theme uses a few, see _DYNAMIC), the Vega runtime every word of Vega (its
# classes are in _RUNTIME_CLASSES).
_NOT_CLASS_SOURCES = ("bootstrap.js", "vega-bundle.js", "clipboard.min.js")
_RUNTIME_CLASSES = {
    "vega-embed",
    "has-actions",
    "chart-wrapper",
    "fit-x",
    "fit-y",
    "vega-actions",
    "vega-bindings",
    "vega-bind",
    "vega-bind-name",
    "vega-bind-radio",
    "vg-tooltip",
    "visible",
    "marks",
    "key",
    "value",
}


def _vega_loader(m: re.Match[str]) -> str:
    """The Vega runtime (0.6 MB that nothing before the first paint needs), requested by
    a script once the page has loaded: at once if a chart is in the window (or a quarter
    of a screen from it), else when the reader scrolls near one, or 3 s after the page loaded (the
    runtime then draws the rest in idle time, see ``pipeline.vega.EMBED_JS``). A classic
    script added by a script also loads from ``file://``."""
    src = re.search(r'src="([^"]+)"', m.group(0))
    assert src is not None
    return (
        "<script>(function () { var done = false; function go() { if (done) { return; } "
        "done = true; var s = document.createElement('script'); "
        f"s.src = {json.dumps(src.group(1))}; document.head.appendChild(s); }} "
        "window.addEventListener('load', function () { "
        "var charts = document.querySelectorAll('.stp-vega'); "
        "if (window.IntersectionObserver) { var seen = new IntersectionObserver("
        "function (es) { if (es.some(function (e) { return e.isIntersecting; })) { "
        "seen.disconnect(); go(); } }, {rootMargin: '25% 0px'}); "
        "charts.forEach(function (c) { seen.observe(c); }); } else { go(); } "
        f"setTimeout(go, {_VEGA_IDLE_MS}); }}); }})();</script>\n"
    )


# When the Vega runtime comes and starts drawing the charts no one has scrolled to.
_VEGA_IDLE_MS = 3000


def _rel_root(page: Path, html: Path) -> str:
    return "../" * (len(page.relative_to(html).parts) - 1)


def _root_path(page: Path, html: Path, ref: str) -> str | None:
    """``ref`` (as written in ``page``) relative to the book's root, or None if it is
    not a local file."""
    if re.match(r"^([a-z]+:|//|#)", ref):
        return None
    target = (page.parent / ref.split("?")[0].split("#")[0]).resolve()
    try:
        return target.relative_to(html.resolve()).as_posix()
    except ValueError:
        return None


# --- stylesheets -------------------------------------------------------------------------

_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_FUNCTIONAL = re.compile(r":(?:not|is|where|has)\(")


def _strip_functional(selector: str) -> str:
    """The selector without the insides of ``:not()``, ``:is()`` ... (kept or not, they
    do not decide whether the rule can apply)."""
    out, i = [], 0
    while True:
        m = _FUNCTIONAL.search(selector, i)
        if not m:
            out.append(selector[i:])
            return "".join(out)
        out.append(selector[i : m.start()])
        depth, j = 1, m.end()
        while j < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[j], 0)
            j += 1
        i = j


def _requires(selector: str) -> tuple[frozenset[str], frozenset[str]]:
    """The classes and ids an element must have for ``selector`` to match anything
    (classes the theme's scripts make up at run time excepted, see ``_DYNAMIC``)."""
    bare = _strip_functional(selector)
    classes = frozenset(c for c in _CLASS.findall(bare) if not c.startswith(_DYNAMIC))
    return classes, frozenset(_ID.findall(bare))


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, last = [], 0, 0
    for i, ch in enumerate(prelude):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(prelude[last:i])
            last = i + 1
    parts.append(prelude[last:])
    return [p.strip() for p in parts if p.strip()]


# A stylesheet prepared for purging: ("rule", [(selector, classes, ids)], body),
# ("group", "@media ...", [items]) or ("raw", text).
Item = tuple[Any, ...]


def _prepare(rules: list[Any]) -> list[Item]:
    import tinycss2

    items: list[Item] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [
                (s, *_requires(s)) for s in _split_selectors(tinycss2.serialize(rule.prelude))
            ]
            items.append(("rule", selectors, tinycss2.serialize(rule.content).strip()))
        elif rule.type == "at-rule":
            head = f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}".strip()
            keyword = rule.lower_at_keyword
            if rule.content is None:
                if keyword not in ("import", "charset"):
                    items.append(("raw", head + ";"))
            elif keyword in ("media", "supports", "layer", "container"):
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                items.append(("group", head, _prepare(inner)))
            elif keyword == "font-face" and "Font Awesome" in tinycss2.serialize(rule.content):
                continue  # the icons are drawn by _icon_css instead
            else:
                items.append(("raw", f"{head}{{{tinycss2.serialize(rule.content).strip()}}}"))
    return items


def _purge(items: list[Item], classes: set[str], ids: set[str]) -> list[str]:
    """The prepared rules that can match something on a page with ``classes`` and
    ``ids``, as CSS text."""
    out: list[str] = []
    for item in items:
        if item[0] == "rule":
            kept = [s for s, need, need_ids in item[1] if need <= classes and need_ids <= ids]
            if kept:
                out.append(f"{','.join(kept)}{{{item[2]}}}")
        elif item[0] == "group":
            inner = _purge(item[2], classes, ids)
            if inner:
                out.append(f"{item[1]}{{{''.join(inner)}}}")
        else:
            out.append(item[1])
    return out


def _stylesheet_rules(path: Path, html: Path, seen: set[Path]) -> list[Any]:
    """A stylesheet's rules with ``@import``s expanded and ``url()``s made relative to
    the book's root (``__STP_ROOT__/...``)."""
    import tinycss2

    if path in seen or not path.is_file():
        return []
    seen.add(path)
    text = path.read_text(encoding="utf-8", errors="replace")

    def absolute(m: re.Match[str]) -> str:
        ref = m.group(2)
        if re.match(r"^([a-z]+:|//|#|__STP_ROOT__)", ref):
            return m.group(0)
        target = (path.parent / ref).resolve()
        try:
            rel = target.relative_to(html.resolve()).as_posix()
        except ValueError:
            return m.group(0)
        return f"url({m.group(1)}__STP_ROOT__/{rel}{m.group(1)})"

    text = re.sub(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)", absolute, text)
    rules: list[Any] = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            target = next((t.value for t in rule.prelude if t.type in ("string", "url")), None)
            if target:
                rules += _stylesheet_rules((path.parent / target).resolve(), html, seen)
            continue
        rules.append(rule)
    return rules


# --- icons -------------------------------------------------------------------------------

_FA_PACKS = {"fas": ("fa-solid", "fas"), "far": ("fa-regular", "far"), "fab": ("fa-brands", "fab")}
_FA_NOT_ICONS = {
    "lg",
    "xs",
    "sm",
    "xl",
    "2x",
    "3x",
    "fw",
    "solid",
    "regular",
    "brands",
    "spin",
    "pulse",
    "border",
    "inverse",
    "stack",
    "ul",
    "li",
}


def _fa_icons(script: Path) -> dict[str, tuple[int, int, str]]:
    """Every solid icon (and the brand icons) of the theme's Font Awesome script:
    name -> (width, height, SVG path)."""
    text = script.read_text(encoding="utf-8", errors="replace")
    icons: dict[str, tuple[int, int, str]] = {}
    # name:[width,height,[aliases],"unicode","path"]; names that are identifiers unquoted
    entry = re.compile(
        r'(?<![\w-])"?([a-z0-9-]+)"?:\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]*","([^"]+)"\]'
    )
    for pack in ("fab", "fas"):  # solid last: its glyph wins a name both define
        end = text.find(f'("{pack}",')
        start = text.rfind("={", 0, end)
        if end < 0 or start < 0:
            continue
        for m in entry.finditer(text, start, end):
            icons[m.group(1)] = (int(m.group(2)), int(m.group(3)), m.group(4))
    return icons


def _icon_css(used: set[str], icons: dict[str, tuple[int, int, str]]) -> str:
    """Each icon the pages use as a CSS mask of its SVG path, in the text colour (the
    same shapes the 156 kB web font drew, for a few hundred bytes each)."""
    from urllib.parse import quote

    rules = []
    for name in sorted(used & set(icons)):
        width, height, path = icons[name]
        svg = (
            f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
            f"<path d='{path}'/></svg>"
        )
        url = 'url("data:image/svg+xml,' + quote(svg, safe=" =:/'<>,.-") + '")'
        rules.append(
            f".fa-{name}::before{{content:'';display:inline-block;"
            f"width:{width / height:.4g}em;height:1em;vertical-align:-0.125em;"
            f"background-color:currentColor;-webkit-mask:{url} center/contain "
            f"no-repeat;mask:{url} center/contain no-repeat}}"
        )
    return "".join(rules)


# --- charts --------------------------------------------------------------------------------


def _compiled(specs: dict[str, str], cache: Path | None) -> dict[str, dict]:
    """Vega-Lite specs (digest -> JSON text) compiled to Vega, through ``cache``."""
    from .vega import compile_vega, vega_lite_version

    out: dict[str, dict] = {}
    todo = []
    for digest in specs:
        stored = cache / f"{digest}.json" if cache else None
        if stored and stored.is_file():
            out[digest] = json.loads(stored.read_text(encoding="utf-8"))
        else:
            todo.append(digest)
    if todo:
        version = vega_lite_version()
        for digest in todo:
            try:
                out[digest] = compile_vega(json.loads(specs[digest]), version)
            except Exception as exc:  # noqa: BLE001 - name the chart, then stop the build
                raise BuildError(f"a chart could not be compiled to Vega: {exc}") from None
            if cache:
                ensure(cache)
                (cache / f"{digest}.json").write_text(json.dumps(out[digest]), encoding="utf-8")
    return out


def _spec_digest(spec: str) -> str:
    return hashlib.sha256(spec.encode()).hexdigest()[:24]


# --- the pass ------------------------------------------------------------------------------


def lighten_pages(html: Path, cache: Path | None = None) -> None:
    """Finish each page in ``html`` (see the section comment above):

    - charts: each Vega-Lite spec compiled to Vega (``cache`` keeps the results by
      content) and registered with the book's Vega runtime, which the page loads
      deferred (pages without a chart load none);
    - stylesheets: the theme's, Sphinx's and the book's, with the rules that match
      nothing in the book dropped, inline in one ``<style>`` (the icons as SVG masks, so
      no page loads the icon font); the theme's Font Awesome script (1.5 MB) removed;
    - scripts: all deferred; the search index and its scripts only on the search page;
    - accessibility: name the theme's expand buttons in the contents (a ``<summary>``
      holding only an icon has no accessible name: axe-core's rule summary-name); give
      the bibliography's entries the list-item role their list needs.
    """
    pages = {
        page: page.read_text(encoding="utf-8")
        for page in sorted(html.rglob("*.html"))
        if "_static" not in page.relative_to(html).parts
    }

    # Charts.
    specs: dict[str, str] = {}
    for text in pages.values():
        for m in _CHART.finditer(text):
            specs.setdefault(_spec_digest(m.group("spec")), m.group("spec"))
    compiled = _compiled(specs, cache) if specs else {}

    def chart(m: re.Match[str]) -> str:
        from .vega import chart_script

        return chart_script(m.group("id"), compiled[_spec_digest(m.group("spec"))])

    for page, text in pages.items():
        text = _CHART.sub(chart, text)
        if "vegaEmbed(" in text:
            raise BuildError(
                f"{page.relative_to(html)}: a chart the book's Vega runtime "
                "cannot draw (not written by stpbook.charts.render)"
            )
        pages[page] = text

    # Classes and ids each page and its scripts can use.
    words: dict[Path, set[str]] = {}

    def script_words(script: Path) -> set[str]:
        if script not in words:
            words[script] = (
                set()
                if not script.is_file()
                or script.name in _NOT_CLASS_SOURCES
                or "fontawesome" in script.name
                else set(re.findall(r"[A-Za-z_][\w-]*", script.read_text(errors="replace")))
            )
        return words[script]

    def used(page: Path, text: str) -> tuple[set[str], set[str]]:
        classes: set[str] = set()
        for value in re.findall(r'\bclass="([^"]*)"', text):
            classes.update(value.split())
        ids = set(re.findall(r'\bid="([^"]*)"', text))
        for ref in re.findall(r'<script[^>]*\bsrc="([^"]+)"', text):
            rel = _root_path(page, html, ref)
            if rel:
                found = script_words(html / rel)
                classes |= found
                ids |= found
        if 'class="stp-vega' in text:
            classes |= _RUNTIME_CLASSES
            ids.add("vg-tooltip-element")
        return classes, ids

    icons_used = {
        name[3:]
        for text in pages.values()
        for value in re.findall(r'class="([^"]*)"', text)
        for name in value.split()
        if name.startswith("fa-") and name[3:] not in _FA_NOT_ICONS
    }
    fa_script = html / "_static" / "scripts" / "fontawesome.js"
    icon_css = _icon_css(icons_used, _fa_icons(fa_script)) if fa_script.is_file() else ""

    # The linked stylesheets, prepared once per list (the same on every page).
    prepared: dict[tuple[str, ...], list[Item]] = {}

    def style_for(page: Path, refs: list[str], text: str) -> str:
        key = tuple(r for r in (_root_path(page, html, ref) for ref in refs) if r)
        if key not in prepared:
            seen: set[Path] = set()
            rules: list[Any] = []
            for rel in key:
                rules += _stylesheet_rules((html / rel).resolve(), html, seen)
            prepared[key] = _prepare(rules)
        classes, ids = used(page, text)
        return "".join(_purge(prepared[key], classes, ids)) + icon_css

    options = html / _DOC_OPTIONS
    doc_options = options.read_text(encoding="utf-8").strip() if options.is_file() else ""
    for page, text in pages.items():
        head_end = text.find("</head>")
        head, body = text[:head_end], text[head_end:]
        refs = _STYLESHEET.findall(head)
        if refs:
            css = style_for(page, refs, text).replace("__STP_ROOT__/", _rel_root(page, html))
            first = _STYLESHEET.search(head)
            assert first is not None
            head = (
                head[: first.start()]
                + f"<style>{css}</style>\n"
                + _STYLESHEET.sub("", head[first.start() :])
            )
        search_page = page.relative_to(html).as_posix() == "search.html"

        def script(m: re.Match[str], page: Path = page, search_page: bool = search_page) -> str:
            rel = _root_path(page, html, m.group(2))
            if rel == _DOC_OPTIONS and doc_options:
                return f"<script>{doc_options}</script>"
            if rel in _SEARCH_SCRIPTS and not search_page:
                return ""
            return f'<script{m.group(1)} defer src="{m.group(2)}"></script>'

        head = _HEAD_SCRIPT.sub(script, head)
        # The theme's helpers for things a page may not have: copy buttons for code,
        # tabs, toggles. Each is left out where its page has nothing for it to do.
        for name, mark in _HELPERS.items():
            if not mark.search(body):
                head = re.sub(
                    r'<script[^>]*src="[^"]*_static/'
                    + re.escape(name)
                    + r'[^"]*"[^>]*></script>\s*',
                    "",
                    head,
                )
        if not search_page:
            body = re.sub(r'<script src="[^"]*searchindex\.js"[^>]*></script>', "", body)
        text = _ICON_SCRIPT.sub("", head + body)
        if 'class="stp-vega' not in text:
            text = _VEGA_SCRIPT.sub("", text)
        else:
            text = _VEGA_SCRIPT.sub(_vega_loader, text)
        text = _TOGGLE.sub(r'<summary aria-label="Show or hide the pages in this part">\1', text)
        # The sidebar's title link and search button sit outside the theme's <nav>: the
        # whole sidebar is the book's navigation (axe's "region": content in landmarks).
        text = text.replace(_SIDEBAR, _SIDEBAR[:-1] + ' role="navigation" aria-label="Book">', 1)
        # The bibliography: a list whose entries say they are list items (docutils marks
        # them doc-biblioentry, which a role="list" may not contain: axe's
        # aria-required-children).
        if 'role="list" class="citation-list"' in text:
            text = text.replace('role="doc-biblioentry"', 'role="listitem"')
        page.write_text(text, encoding="utf-8")
    for leftover in (html / "_static" / "scripts").glob("fontawesome.js*"):
        leftover.unlink()


def recover(html: Path) -> None:
    """Repair a swap that was interrupted between its two renames: if there is no
    ``html`` but an ``html.old``, put it back. Leftover staging folders are removed."""
    old = html.with_name(html.name + ".old")
    if not html.exists() and old.is_dir():
        os.replace(old, html)
    shutil.rmtree(html.with_name(html.name + ".staging"), ignore_errors=True)
    if html.exists():
        shutil.rmtree(old, ignore_errors=True)


def build_html(site: Path, html: Path, work: Path, log: Callable[[str], None] = print) -> bool:
    """Render ``site`` to ``html`` with warnings as errors (see the module docstring).
    Returns False when nothing changed since the last successful build."""
    recover(html)
    # The finishing code is part of what the HTML is made of: a change to it rebuilds.
    digest = site_digest(site) + "+" + _finishing_digest()
    stamp = html / STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == digest:
        log(f"book unchanged since the last build: {html}")
        return False
    shared = shared_digest(site)
    shared_stamp = work / ".stpbook-shared-digest"
    if not shared_stamp.is_file() or shared_stamp.read_text(encoding="utf-8") != shared:
        shutil.rmtree(work, ignore_errors=True)  # a full build: see the module docstring
    cmd = [
        sys.executable,
        "-c",
        _JUPYTER_BOOK,
        "build",
        str(site),
        "--path-output",
        str(work),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
    ]
    log("building the HTML book (Sphinx, warnings are errors) ...")
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    if proc.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)  # a clean, full build next time
        problems = [
            line
            for line in (proc.stdout + proc.stderr).splitlines()
            if "WARNING" in line or "ERROR" in line or "Error" in line
        ]
        detail = "\n".join(problems[-30:]) or (proc.stdout + proc.stderr)[-3000:]
        raise BuildError(f"the book build failed; {html} was left as it was:\n{detail}")
    ensure(work)
    (work / ".stpbook-shared-digest").write_text(shared, encoding="utf-8")
    staging = html.with_name(html.name + ".staging")
    old = html.with_name(html.name + ".old")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(work / "_build" / "html", staging)
    lighten_pages(staging, work / "stpbook-vega")
    (staging / STAMP).write_text(digest, encoding="utf-8")
    shutil.rmtree(old, ignore_errors=True)
    if html.exists():
        os.replace(html, old)
    os.replace(staging, html)
    shutil.rmtree(old, ignore_errors=True)
    return True
