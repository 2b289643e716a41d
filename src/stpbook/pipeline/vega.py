"""The built book's Vega: charts compiled at build time, drawn by Vega alone.

The chapters' notebooks render each chart as a Vega-Lite spec and a ``vegaEmbed`` call
(``stpbook.charts.render``), which works anywhere the full bundle is loaded (a run's
offline copy, the slides). For the book, ``pipeline.site.lighten_pages`` replaces each
call with the spec compiled to Vega (:func:`compile_vega`, vl-convert: the same compiler
Vega-Embed runs in the browser) as inert JSON (:func:`chart_script`), and the pages load
:func:`write_vega_runtime`: Vega alone plus :data:`EMBED_JS`, the book's small embed, as
``_static/vega-bundle.js`` (0.59 MB instead of 0.9 MB, and no compiling in the browser).

This module is not in the chapters' cache key (``stpbook.chapters.SHARED_CODE``): editing
the runtime re-finishes the pages but executes nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..vendor import default_folder, vega_only, version, write_once

VEGA_RUNTIME = "vega-runtime.js"

# The book's embed: what Vega-Embed did for a Vega-Lite chart (see its ``embed``), for a
# spec compiled at build time. Same DOM (``.vega-embed.has-actions > .chart-wrapper``, the
# ``form.vega-bindings`` Vega makes, the ``details`` actions menu), same contracts for the
# tests (``window.stpViews[id]`` the View, ``window.stpEmbeds[id].vgSpec`` the Vega spec,
# ``window.stpFirstChartMs``). Pages carry each chart's spec as
# ``<script type="application/json" class="stp-spec" data-chart="ID">``; this script runs
# deferred, then draws one chart per task, those on screen first, the rest in idle time (or
# at once when scrolled to), so no chart holds up the first paint and every chart is drawn
# without the reader scrolling (screenshots and tests wait for all).
EMBED_JS = r"""
(function () {
  'use strict';
  var vega = window.vega;
  var views = window.stpViews = window.stpViews || {};
  var embeds = window.stpEmbeds = window.stpEmbeds || {};
  var waiting = [];
  var MENU = '<svg viewBox="0 0 16 16" fill="currentColor" stroke="none">' +
    '<circle r="2" cy="8" cx="2"></circle><circle r="2" cy="8" cx="8"></circle>' +
    '<circle r="2" cy="8" cx="14"></circle></svg>';
  var tip = null;

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; });
  }
  function text(v) {
    if (v == null) { return ''; }
    if (typeof v === 'object') { try { return JSON.stringify(v); } catch (e) { return String(v); } }
    return String(v);
  }
  // Tooltips as Vega-Tooltip draws them: a title, then a table of field: value.
  function tooltip(handler, event, item, value) {
    if (!tip) {
      tip = document.createElement('div');
      tip.id = 'vg-tooltip-element';
      tip.className = 'vg-tooltip';
      document.body.appendChild(tip);
    }
    if (value == null || value === '') { tip.classList.remove('visible'); return; }
    var html = '';
    if (typeof value === 'object' && !Array.isArray(value)) {
      var rest = Object.assign({}, value);
      if (rest.title != null) {
        html += '<h2>' + esc(text(rest.title)) + '</h2>';
        delete rest.title;
      }
      var keys = Object.keys(rest);
      if (keys.length) {
        html += '<table><tbody>' + keys.map(function (k) {
          return '<tr><td class="key">' + esc(k) + '</td><td class="value">' +
            esc(text(rest[k])) + '</td></tr>'; }).join('') + '</tbody></table>';
      }
    } else {
      html = esc(text(value));
    }
    tip.innerHTML = html;
    tip.classList.add('visible');
    var x = event.clientX + 10, y = event.clientY + 10;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth) { x = Math.max(0, event.clientX - 10 - w); }
    if (y + h > window.innerHeight) { y = Math.max(0, event.clientY - 10 - h); }
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }

  function menu(el, view, spec) {
    var details = document.createElement('details');
    details.title = 'Click to view actions';
    var summary = document.createElement('summary');
    summary.innerHTML = MENU;
    summary.setAttribute('aria-label', 'Chart menu: save the chart or view its source');
    details.appendChild(summary);
    var actions = document.createElement('div');
    actions.className = 'vega-actions';
    ['svg', 'png'].forEach(function (kind) {
      var a = document.createElement('a');
      a.text = 'Save as ' + kind.toUpperCase();
      a.href = '#';
      a.target = '_blank';
      a.download = 'visualization.' + kind;
      a.addEventListener('mousedown', function (e) {
        e.preventDefault();
        var link = this;
        view.toImageURL(kind).then(function (url) { link.href = url; });
      });
      actions.appendChild(a);
    });
    var source = document.createElement('a');
    source.text = 'View Compiled Vega';
    source.href = '#';
    source.addEventListener('click', function (e) {
      e.preventDefault();
      var w = window.open('');
      w.document.write('<html><body><pre><code class="json">' +
        esc(JSON.stringify(spec, null, 2)) + '</code></pre></body></html>');
      w.document.title = 'Vega JSON Source';
    });
    actions.appendChild(source);
    details.appendChild(actions);
    el.appendChild(details);
    document.addEventListener('click', function (e) {
      if (!details.contains(e.target)) { details.removeAttribute('open'); }
    });
  }

  // A slider over a fraction (labelled "(fraction; 0.01 = 1%)" by stpbook.charts.slider)
  // reads as a percentage: the label says "(%)" and the number beside it 4% for 0.04.
  var FRACTION = /\(fraction[^)]*\)/;
  function percentSliders(el) {
    Array.prototype.forEach.call(el.querySelectorAll('.vega-bind'), function (b) {
      var name = b.querySelector('.vega-bind-name');
      var input = b.querySelector('input[type=range]');
      var shown = input && input.nextElementSibling;
      if (!name || !input || !shown || !FRACTION.test(name.textContent)) { return; }
      name.textContent = name.textContent.replace(FRACTION, '(%)');
      function pct() {
        shown.textContent = String(Math.round(parseFloat(input.value) * 10000) / 100) + '%';
      }
      input.addEventListener('input', pct);
      pct();
    });
  }

  function draw(id, source) {
    var el = document.getElementById(id);
    if (!el || views[id]) { return Promise.resolve(); }
    var spec = JSON.parse(source.textContent);
    el.classList.add('vega-embed', 'has-actions');
    el.innerHTML = '';
    var wrapper = document.createElement('div');
    wrapper.className = 'chart-wrapper';
    el.appendChild(wrapper);
    var view = new vega.View(vega.parse(spec, {}), {renderer: 'svg', logLevel: vega.Warn});
    view.addSignalListener('autosize', function (name, value) {
      var type = value && value.type;
      wrapper.classList.toggle('fit-x', type === 'fit-x' || type === 'fit');
      wrapper.classList.toggle('fit-y', type === 'fit-y' || type === 'fit');
    });
    view.tooltip(tooltip);
    return view.initialize(wrapper).runAsync().then(function () {
      menu(el, view, spec);
      percentSliders(el);
      views[id] = view;
      embeds[id] = {view: view, vgSpec: spec};
      window.stpFirstChartMs = window.stpFirstChartMs || performance.now();
    }).catch(function (e) { console.error(e); });
  }

  // Charts on screen (or within a quarter-screen of it) are drawn at once, one per task; the
  // others when the reader scrolls near them, or, failing that, one per idle period from
  // FILL_AFTER_MS after the page loaded, so every chart is drawn without scrolling
  // (screenshots, tests) but none of those out of sight competes with the first screen.
  var FILL_AFTER_MS = 3000;
  var busy = false;
  function pump() {
    if (busy) { return; }
    var i = -1;
    for (var k = 0; k < waiting.length; k++) { if (waiting[k][2]) { i = k; break; } }
    if (i < 0) { return; }
    busy = true;
    var chart = waiting.splice(i, 1)[0];
    setTimeout(function () {
      draw(chart[0], chart[1]).then(function () { busy = false; pump(); });
    }, 0);
  }
  function want(id) {
    waiting.forEach(function (c) { if (c[0] === id) { c[2] = true; } });
    pump();
  }
  function fill() {
    if (!waiting.length) { return; }
    var idle = window.requestIdleCallback || function (f) { setTimeout(f, 50); };
    idle(function () {
      if (waiting.length && !busy) { waiting[0][2] = true; pump(); }
      fill();
    }, {timeout: 3000});
  }
  var seen = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) { seen.unobserve(e.target); want(e.target.id); }
    });
  }, {rootMargin: '25% 0px'}) : null;
  function add(chart) {
    var el = document.getElementById(chart[0]);
    waiting.push([chart[0], chart[1], !seen || !el]);
    if (seen && el) { seen.observe(el); }
    pump();
  }
  function later() {
    var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    var loaded = nav && nav.loadEventEnd ? nav.loadEventEnd : performance.now();
    setTimeout(fill, Math.max(0, loaded + FILL_AFTER_MS - performance.now()));
  }
  if (document.readyState === 'complete') { later(); }
  else { window.addEventListener('load', later); }
  Array.prototype.forEach.call(document.querySelectorAll('script.stp-spec'), function (s) {
    add([s.getAttribute('data-chart'), s]);
  });
})();
"""


def write_vega_runtime(folder: Path | None = None) -> Path:
    """Write Vega alone plus the book's embed (:data:`EMBED_JS`) as one classic script
    into ``folder`` (default ``default_folder()``); the built book serves it as
    ``_static/vega-bundle.js``. Returns its path."""
    folder = Path(folder) if folder else default_folder()
    embed = hashlib.sha256(EMBED_JS.encode()).hexdigest()[:12]
    return write_once(
        folder / VEGA_RUNTIME, f"{version()} runtime 2 {embed}", lambda: vega_only() + EMBED_JS
    )


def vega_lite_version() -> str:
    """The Vega-Lite version the charts are written for (Altair's), e.g. ``6.4``."""
    import altair as alt

    return str(alt.SCHEMA_VERSION[1:4])


def compile_vega(spec: dict, vl_version: str) -> dict:
    """A Vega-Lite spec compiled to Vega by vl-convert (the same compiler Vega-Embed runs
    in the browser)."""
    import vl_convert

    return dict(vl_convert.vegalite_to_vega(spec, vl_version=vl_version))


def chart_script(element: str, vega_spec: dict) -> str:
    """What a built page keeps of one chart's script: its compiled spec as inert JSON
    (no JavaScript to parse while the page loads), read by the runtime when it draws."""
    payload = json.dumps(
        vega_spec, separators=(",", ":"), ensure_ascii=False, sort_keys=True
    ).replace("</", "<\\/")
    return (
        f'<script type="application/json" class="stp-spec" data-chart="{element}">'
        f"{payload}</script>"
    )
