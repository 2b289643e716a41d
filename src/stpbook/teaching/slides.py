"""Slide decks for the lesson plans: one self-contained HTML page per session.

Why not ``jupyter nbconvert --to slides``? Its reveal.js comes from a CDN unless a copy
is served beside the deck, and no package on the Python package index ships the
reveal.js that nbconvert's template expects, so using it would mean either the network
at teaching time or npm at build time; both are ruled out. A deck here is instead one
HTML file with its own small stylesheet and script (about 150 lines, written below):
one slide fills the screen, the arrow keys, Page Up/Down, space or a click move between
slides, F toggles full screen, and ``#7`` in the address opens slide 7. Charts are the
chapters' own Altair charts (``stpbook.teaching.numbers``), drawn by the book's vendored
Vega bundle (``stpbook.vendor.write_vega_bundle``), a classic script that loads from
``file://`` as well as from a web server, so a deck works from the offline pack with no
network. Sliders and drop-downs stay live where a slide asks for them. Sizes are set
relative to the screen, and the decks are checked at 1024x768, a common projector.

Numbers on slides come from the chapters' recipe modules; sources are credited by
author, outlet and date; every slide links to the book's section it summarises (the
deck lives in ``_static/teaching/slides/`` of the built book, so the chapter pages are
at ``../../../chapters/``, online and in the offline pack alike).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import cast

from .lessons import Session, Slide, load
from .numbers import PLACEHOLDER, Book
from .sections import Section, sections

BUNDLE = "vega-bundle.js"
TO_CHAPTERS = "../../../chapters"  # from _static/teaching/slides/ to chapters/
# Chart text for a projector: no text on a slide's chart is smaller than this (CSS
# pixels at 1024x768, before the chart is fitted to the slide; see ``projector``).
MIN_TEXT = 15
PROJECTOR_CONFIG = {
    "axis": {"labelFontSize": MIN_TEXT, "titleFontSize": MIN_TEXT + 1},
    "legend": {"labelFontSize": MIN_TEXT, "titleFontSize": MIN_TEXT},
    "title": {"fontSize": MIN_TEXT + 5, "subtitleFontSize": MIN_TEXT},
    "header": {"labelFontSize": MIN_TEXT, "titleFontSize": MIN_TEXT},
    "text": {"fontSize": MIN_TEXT},
}
FONT_KEYS = ("fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize")
LINE_KEYS = ("lineHeight", "labelLineHeight", "titleLineHeight", "subtitleLineHeight")

CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: #fff; color: #111;
  font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; }
body { font-size: min(2.4vw, 3.3vh); overflow: hidden; }
main { position: relative; width: 100vw; height: 100vh; }
.slide { position: absolute; inset: 0; padding: 2.6vh 3.5vw 2vh; display: flex;
  flex-direction: column; visibility: hidden; background: #fff; }
.slide.current { visibility: visible; }
.slide h1 { font-size: 2.1em; line-height: 1.15; margin: auto 0 0.6em; }
.slide h2 { font-size: 1.35em; line-height: 1.15; margin: 0 0 0.4em; }
.slide ul { margin: 0.2em 0; padding-left: 1.1em; } .slide li { margin: 0.3em 0; }
.deck { font-size: 0.55em; color: #555; margin: 0 0 0.2em; }
.content { flex: 1 1 auto; min-height: 0; display: flex; gap: 2.5vw; }
.side { flex: 0 0 29%; display: flex; flex-direction: column; gap: 0.5em; }
.numbers { display: flex; flex-wrap: wrap; gap: 0.4em 1.4em; margin: 0; }
.side .numbers { flex-direction: column; }
.number { margin: 0; } .number b { display: block; font-size: 1.45em; color: #005A8C; }
.number span { font-size: 0.62em; color: #333; display: block; }
.chart { flex: 1 1 auto; min-width: 0; min-height: 0; margin: 0; }
.chart .vega-embed { width: 100%; display: block; }
.chart svg { display: block; max-width: 100%; max-height: 72vh; width: auto;
  height: auto; }
.chart.controls svg { max-height: 63vh; }
.chart .vega-bindings { font-size: 0.6em; margin-top: 0.3em; }
.chart .vega-bind { margin: 0.15em 0; }
.chart .vega-bind-name { font-weight: bold; margin-right: 0.4em; }
.chart input[type=range] { width: 11em; vertical-align: middle; }
.points.small { font-size: 0.72em; }
.foot { margin-top: auto; padding-top: 0.4em; font-size: 0.48em; color: #444;
  display: flex; gap: 1em; justify-content: space-between; align-items: flex-end; }
.foot a { color: #005A8C; } .foot .no { white-space: nowrap; }
.kind-title h1, .kind-end h2 { color: #005A8C; }
.kind-title .points { font-size: 1.1em; }
.kind-vote h2, .kind-question h2 { font-size: 1.7em; margin-top: auto; }
.kind-vote .points, .kind-question .points { font-size: 1.15em; margin-bottom: auto; }
.kind-break { justify-content: center; align-items: center; text-align: center; }
.kind-break h2 { font-size: 2.2em; }
.clock { font-size: 4.5em; font-weight: bold; color: #005A8C; margin: 0.2em 0;
  font-variant-numeric: tabular-nums; }
.back { font-size: 1.1em; }
.help { position: fixed; right: 1vw; top: 0.6vh; font-size: 0.45em; color: #666; margin: 0; }
@media print {
  @page { size: A4 landscape; margin: 8mm; }
  html, body, main { height: auto; overflow: visible; }
  body { font-size: 15pt; }
  .slide { position: relative; visibility: visible; height: 185mm; break-after: page;
    page-break-after: always; }
  .help { display: none; }
}
"""

SCRIPT = """
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  var current = 0, clocks = {};
  window.stpViews = window.stpViews || {};
  function draw(el) {
    if (!window.vegaEmbed || el.dataset.drawn) { return; }
    el.dataset.drawn = '1';
    var spec = JSON.parse(document.getElementById(el.id + '-spec').textContent);
    vegaEmbed('#' + el.id, spec, {actions: false, renderer: 'svg'})
      .then(function (r) {
        var svg = el.querySelector('svg');
        if (svg && !svg.getAttribute('viewBox')) {
          svg.setAttribute('viewBox', '0 0 ' + svg.getAttribute('width') + ' ' +
                           svg.getAttribute('height'));
        }
        window.stpViews[el.id] = r.view;
        percentSliders(el);
      })
      .catch(function (e) { console.error(e); });
  }
  // A slider over a fraction ("(fraction; 0.01 = 1%)") shows its value as a percentage.
  function percentSliders(el) {
    el.querySelectorAll('.vega-bind').forEach(function (b) {
      var name = b.querySelector('.vega-bind-name');
      var input = b.querySelector('input[type=range]');
      var shown = input && input.nextElementSibling;
      if (!name || !input || !shown || !/\\(fraction[^)]*\\)/.test(name.textContent)) { return; }
      name.textContent = name.textContent.replace(/\\(fraction[^)]*\\)/, '(%)');
      function pct() {
        shown.textContent = String(Math.round(parseFloat(input.value) * 10000) / 100) + '%';
      }
      input.addEventListener('input', pct);
      pct();
    });
  }
  function tick(slide) {
    var el = slide.querySelector('.clock'); if (!el) { return; }
    var minutes = Number(slide.dataset.minutes || 10);
    if (!clocks[slide.id]) {
      var end = Date.now() + minutes * 60000; clocks[slide.id] = end;
      var back = new Date(end);
      slide.querySelector('.back').textContent = 'Back at ' +
        String(back.getHours()).padStart(2, '0') + ':' + String(back.getMinutes()).padStart(2, '0');
    }
    var left = Math.max(0, Math.round((clocks[slide.id] - Date.now()) / 1000));
    el.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
  }
  function show(i) {
    current = Math.max(0, Math.min(slides.length - 1, i));
    slides.forEach(function (s, k) {
      s.classList.toggle('current', k === current);
      s.setAttribute('aria-hidden', k === current ? 'false' : 'true');
    });
    var hash = '#' + (current + 1);
    if (location.hash !== hash) { history.replaceState(null, '', hash); }
    tick(slides[current]);
  }
  window.stpDeck = {count: slides.length, show: show,
                    current: function () { return current; }};
  setInterval(function () { tick(slides[current]); }, 1000);
  document.addEventListener('keydown', function (e) {
    var t = e.target && e.target.tagName;
    if (t === 'INPUT' || t === 'SELECT' || t === 'TEXTAREA' || e.altKey || e.ctrlKey ||
        e.metaKey) { return; }
    var k = e.key;
    if (k === 'ArrowRight' || k === 'PageDown' || k === ' ' || k === 'Enter' || k === 'n') {
      show(current + 1);
    } else if (k === 'ArrowLeft' || k === 'PageUp' || k === 'Backspace' || k === 'p') {
      show(current - 1);
    } else if (k === 'Home') { show(0); } else if (k === 'End') { show(slides.length - 1); }
    else if (k === 'f' || k === 'F') {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) {
        document.documentElement.requestFullscreen();
      }
    } else { return; }
    e.preventDefault();
  });
  document.addEventListener('click', function (e) {
    if (e.target.closest('a, input, select, label, button, .vega-bindings')) { return; }
    show(current + (e.clientX < window.innerWidth / 4 ? -1 : 1));
  });
  function start() {
    document.querySelectorAll('.stp-vega').forEach(draw);
    var n = parseInt((location.hash || '#1').slice(1), 10);
    show(isNaN(n) ? 0 : n - 1);
  }
  if (window.vegaEmbed) { start(); } else { window.addEventListener('load', start); }
})();
"""


def _raise_fonts(node: object) -> object:
    """Every font size in a spec raised to at least ``MIN_TEXT`` (sizes given as
    expressions are left alone)."""
    if isinstance(node, dict):
        out: dict[object, object] = {}
        for key, value in node.items():
            if key in FONT_KEYS and isinstance(value, int | float) and value < MIN_TEXT:
                out[key] = MIN_TEXT
            elif key in LINE_KEYS and isinstance(value, int | float) and value < MIN_TEXT + 3:
                out[key] = MIN_TEXT + 3
            elif key == "labelLimit" and isinstance(value, int | float):
                out[key] = int(value * 1.4)  # room for the larger labels
            else:
                out[key] = _raise_fonts(value)
        return out
    if isinstance(node, list):
        return [_raise_fonts(v) for v in node]
    return node


def projector(spec: dict, height: int | None = None) -> dict:
    """A chart's spec for a projector at 1024x768: no text smaller than ``MIN_TEXT``
    (the chart's own sizes are raised, its configuration's defaults too), and, with
    ``height``, the plot that tall (a long bar chart squeezed onto one slide)."""
    spec = cast(dict, _raise_fonts(spec))  # a dict in, a dict out
    config = dict(spec.get("config") or {})
    for group, sizes in PROJECTOR_CONFIG.items():
        own = config.get(group) or {}
        config[group] = {
            **own,
            **{
                k: max(v, own.get(k, 0)) if isinstance(own.get(k, 0), int | float) else v
                for k, v in sizes.items()
            },
        }
    spec = {**spec, "config": config}
    if height:
        spec["height"] = height
    return spec


def fill(text: str, book: Book) -> str:
    """Slide text with each ``{chapter.name}`` replaced by the book's number."""
    return PLACEHOLDER.sub(lambda m: book.number(m.group(1)), text)


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def _read_links(labels: tuple[str, ...], found: dict[str, Section]) -> str:
    links = []
    for label in labels:
        section = found.get(label)
        if section is None:
            continue
        links.append(
            f'<a href="{TO_CHAPTERS}/{section.stem}.html#{label}">{_esc(section.cited)}</a>'
        )
    return "Read: " + "; ".join(links) if links else ""


def slide_html(
    slide: Slide,
    number: int,
    total: int,
    session: Session,
    book: Book,
    found: dict[str, Section],
    minutes: int = 10,
) -> str:
    """One slide as a ``<section>``; its chart (if any) as a JSON spec beside it."""
    sid = f"slide-{number}"
    body: list[str] = []
    if slide.kind == "title":
        body.append(f"<h1>{_esc(slide.title)}</h1>")
    else:
        body.append(f'<p class="deck">{_esc(session.title)}</p><h2>{_esc(slide.title)}</h2>')
    if slide.kind == "break":
        body.append(
            f'<p class="clock" aria-live="off">{minutes}:00</p>'
            '<p class="back"></p><p>A real break: nothing is scheduled.</p>'
        )
    numbers = ""
    if slide.numbers:
        numbers = (
            '<div class="numbers">'
            + "".join(
                f'<p class="number"><b>{_esc(book.number(ref))}</b><span>{_esc(words)}</span></p>'
                for ref, words in slide.numbers
            )
            + "</div>"
        )
    points = ""
    if slide.points:
        size = " small" if slide.chart else ""
        points = (
            f'<ul class="points{size}">'
            + "".join(f"<li>{_esc(fill(p, book))}</li>" for p in slide.points)
            + "</ul>"
        )
    chart_spec, modelled = "", False
    if slide.chart:
        spec = projector(book.chart(slide.chart, sliders=slide.sliders).to_dict(), slide.height)
        meta = spec.get("usermeta", {}) or {}
        modelled = bool(meta.get("modelled"))
        alt_text = _esc(meta.get("alt", slide.title))
        controls = " controls" if spec.get("params") else ""
        body.append(
            f'<div class="content"><div class="side">{numbers}{points}</div>'
            f'<figure class="chart{controls}" aria-label="{alt_text}">'
            f'<div id="{sid}-chart" class="stp-vega"></div></figure></div>'
        )
        payload = json.dumps(spec, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
        chart_spec = f'<script type="application/json" id="{sid}-chart-spec">{payload}</script>'
    else:
        body.append(numbers + points)
    credits = (
        "; ".join(c for c in (slide.book_credit, book.credits(list(slide.sources))) if c)
        if (slide.sources or slide.book_credit)
        else ""
    )
    if modelled:
        credits = "Chart modelled by this book. " + credits
    foot = [f"Sources: {_esc(credits)}" if credits else "", _read_links(slide.read, found)]
    body.append(
        '<div class="foot"><span>'
        + "<br>".join(f for f in foot if f)
        + f'</span><span class="no">{number} / {total}</span></div>'
    )
    data = f' data-minutes="{minutes}"' if slide.kind == "break" else ""
    return (
        f'<section class="slide kind-{slide.kind}" id="{sid}"{data} '
        f'aria-label="Slide {number} of {total}: {_esc(slide.title)}">'
        + "".join(body)
        + f"</section>{chart_spec}"
    )


def deck_html(session: Session, book: Book) -> str:
    """The whole deck of one session as one HTML page (it loads ``vega-bundle.js`` from
    its own folder)."""
    found = sections(book.layout)
    slides = session.slides
    total = len(slides)
    parts = []
    number = 0
    for step in session.steps:
        for slide in step.slides:
            number += 1
            parts.append(
                slide_html(slide, number, total, session, book, found, minutes=step.minutes)
            )
    script = SCRIPT
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_esc(session.title)}: slides</title>"
        f"<meta name='description' content='Slides for the STP book: {_esc(session.title)}.'>"
        f"<style>{CSS}</style><script src='{BUNDLE}'></script></head><body>"
        "<p class='help'>&larr; &rarr; move &middot; F full screen</p><main>"
        + "\n".join(parts)
        + f"</main><script>{script}</script></body></html>"
    )


def build(book: Book, folder: Path) -> list[Path]:
    """Every session's deck in ``folder`` (with the Vega bundle beside them)."""
    from ..vendor import write_vega_bundle

    folder.mkdir(parents=True, exist_ok=True)
    bundle = write_vega_bundle()
    (folder / BUNDLE).write_bytes(bundle.read_bytes())
    written = []
    for plan in load():
        for session in plan.sessions:
            path = folder / Path(session.deck).name
            path.write_text(deck_html(session, book), encoding="utf-8")
            written.append(path)
    return written


def chart_count(session: Session) -> int:
    return sum(1 for s in session.slides if s.chart)


def charts_in(path: Path) -> int:
    """Charts a built deck draws (its ``stp-vega`` elements)."""
    return path.read_text(encoding="utf-8").count('class="stp-vega"')


def describe(decks: list[Path]) -> list[str]:
    return [f"{p.name}: {charts_in(p)} charts" for p in decks]
