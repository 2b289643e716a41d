"""The index of the 44 footprint profiles: a table to sort and a search by place name.

The page lists every footprint with its headline figures (people, the published gap where
there is one, per head, the July 2017 rating, the integrated care system it became), each
linking to its profile (``footprints/<code>.html``, made by the profile notebook run once
per footprint). Its search box finds a footprint from the name of a local authority
district or clinical commissioning group it contains (or its own name or its successor's),
in the browser, over a list embedded in the page: no server, no library, nothing fetched,
so it works from ``file://`` too. ``search`` and ``search_groups`` are the Python twins
of the page's script: matches are grouped by footprint, one result a footprint, with the
names that matched.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from .. import data
from ..errors import ParameterError
from ..layout import Layout
from ..models import footprints as fp
from ..tables import scroll_box
from ._common import count, text

NOTEBOOK = "50_footprint_index"
SORTS = {
    "name": "stp17nm",
    "population": "population_mid2016",
    "gap": "gap_gbp_m",
    "per_head": "gap_per_head_gbp",
}
KINDS = {
    "ccg": "CCG",
    "local_authority": "local authority",
    "footprint": "footprint",
    "successor": "integrated care system",
}
MAX_RESULTS = 12  # footprints listed under the search box
INDEX_CAPTION = "The 44 footprints: click a heading to sort, a name to open its page"
NOT_FOUND = "Not found in the sources"  # a July 2017 rating no source names
HEADS = (
    ("Footprint (region)", "text"),
    ("People (m)", "number"),
    ("Gap (£m a year)", "number"),
    ("Per head (£)", "number"),
    ("Rating, July 2017", "text"),
    ("Became (2021)", "text"),
)
# The table sorts ratings best first (a rating not found always last).
RATING_ORDER = {
    "Outstanding": "1",
    "Advanced": "2",
    "Making progress": "3",
    "Needs most improvement": "4",
}


@dataclass(frozen=True)
class Inputs:
    footprints: pd.DataFrame  # data/footprints.csv
    gaps: pd.DataFrame  # data/financial_gaps.csv
    ratings: pd.DataFrame  # data/dashboard_2017_ratings.csv
    bands: pd.DataFrame  # data/dashboard_2017.csv
    successors: pd.DataFrame  # data/footprint_successors.csv
    areas: pd.DataFrame  # data/footprint_areas.csv
    layout: Layout | None = None


def inputs(layout: Layout | None = None) -> Inputs:
    def load(name: str) -> pd.DataFrame:
        return data.load(name, layout=layout)

    return Inputs(
        load("footprints"),
        load("financial_gaps"),
        load("dashboard_2017_ratings"),
        load("dashboard_2017"),
        load("footprint_successors"),
        load("footprint_areas"),
        layout,
    )


def profile_href(code: str) -> str:
    """Where a footprint's profile is, from this page (``chapters/``)."""
    return f"../footprints/{code}.html"


def footprint_table(inputs: Inputs) -> pd.DataFrame:
    """The 44 footprints with their headline figures: people (and whether the figure is
    this book's estimate), the headline published gap where it is not doubtful (GBP m a
    year by 2020/21; NaN where none was found or it is doubtful, with ``gap_words``
    saying which), the gap per head (GBP), the July 2017 rating (or ``NOT_FOUND``: NHS
    England rated all 44, but the sources name only some) and the integrated care system
    (2021)."""
    out = inputs.footprints[
        ["stp17cd", "stp17nm", "nhser17nm", "population_mid2016", "population_basis"]
    ].copy()
    head = inputs.gaps[inputs.gaps["is_headline"]].set_index("stp17cd")
    usable = head[head["reliability"] != "doubtful"]["gap_gbp_m"].astype(float)
    out["gap_gbp_m"] = out["stp17cd"].map(usable)
    out["gap_words"] = [
        ""
        if code in usable.index
        else ("published but doubtful" if code in head.index else "none found")
        for code in out["stp17cd"]
    ]
    has = out["gap_gbp_m"].notna()
    out["gap_per_head_gbp"] = np.nan
    out.loc[has, "gap_per_head_gbp"] = fp.gap_per_head(
        out.loc[has, "gap_gbp_m"], out.loc[has, "population_mid2016"]
    )
    labels = inputs.bands.set_index("rating")["rating_label"]
    ratings = inputs.ratings.set_index("stp17cd")["rating"].map(labels)
    out["rating"] = out["stp17cd"].map(ratings).fillna(NOT_FOUND)
    out["successor"] = out["stp17cd"].map(
        inputs.successors.set_index("stp17cd")["successor_ics_name"]
    )
    out["href"] = [profile_href(c) for c in out["stp17cd"]]
    return out.reset_index(drop=True)


def search_entries(inputs: Inputs) -> list[dict[str, str]]:
    """What the search box searches: every CCG and local authority district by name (a
    district split between footprints once per footprint), every footprint's own name
    and its integrated care system's where that differs. Each entry: name, kind, code (the
    footprint's)."""
    entries = [
        {"name": str(r.name), "kind": KINDS[r.area_type], "code": str(r.stp17cd)}
        for r in inputs.areas.itertuples(index=False)
    ]
    entries += [
        {"name": str(r.stp17nm), "kind": KINDS["footprint"], "code": str(r.stp17cd)}
        for r in inputs.footprints.itertuples(index=False)
    ]
    entries += [
        {"name": str(r.successor_ics_name), "kind": KINDS["successor"], "code": str(r.stp17cd)}
        for r in inputs.successors.itertuples(index=False)
        if r.successor_ics_name != r.stp17nm
    ]
    return entries


@lru_cache(maxsize=4096)
def normalise(words: str) -> str:
    """What the search compares: lower case, '&' as 'and', runs of anything but letters
    and digits as one space (the page's script does the same)."""
    words = words.lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", words).strip()


def search(entries: list[dict[str, str]], query: str) -> list[dict[str, str]]:
    """The Python twin of the page's search: entries whose normalised name contains the
    normalised query (at least two characters), names that start with it first, then
    alphabetically; at most ``MAX_RESULTS``."""
    q = normalise(query)
    if len(q) < 2:
        return []
    hits = [e for e in entries if q in normalise(e["name"])]
    hits.sort(key=lambda e: (not normalise(e["name"]).startswith(q), e["name"].lower(), e["code"]))
    return hits[:MAX_RESULTS]


def search_groups(
    entries: list[dict[str, str]], query: str
) -> list[tuple[str, list[dict[str, str]]]]:
    """What the search box lists (the Python twin of the page's script): every entry that
    matches (``search``'s order, without its limit), grouped by footprint in the order of
    each footprint's best match, at most ``MAX_RESULTS`` footprints; each with the entries
    that matched it."""
    q = normalise(query)
    if len(q) < 2:
        return []
    hits = [e for e in entries if q in normalise(e["name"])]
    hits.sort(key=lambda e: (not normalise(e["name"]).startswith(q), e["name"].lower(), e["code"]))
    groups: dict[str, list[dict[str, str]]] = {}
    for e in hits:
        groups.setdefault(e["code"], []).append(e)
    return list(groups.items())[:MAX_RESULTS]


ORDER_WORDS = {
    "name": "in alphabetical order",
    "population": "with the most people first",
    "gap": "with the largest published gap first",
    "per_head": "with the largest published gap per head first",
}


@dataclass(frozen=True)
class Results:
    inputs: Inputs
    values: dict[str, Any]
    table: pd.DataFrame  # footprint_table, in the chosen order
    entries: list[dict[str, str]]
    text: SimpleNamespace


def compute(inputs: Inputs, sort_by: str) -> Results:
    """The index in the order ``sort_by`` (name A-Z; the numbers largest first, footprints
    without a figure last)."""
    if sort_by not in SORTS:
        raise ParameterError(f"sort_by must be one of {', '.join(SORTS)}, got {sort_by!r}")
    frame = footprint_table(inputs)
    column = SORTS[sort_by]
    frame = frame.sort_values(
        column,
        ascending=sort_by == "name",
        na_position="last",
        key=(lambda s: s.str.lower()) if sort_by == "name" else None,
    )
    n_gap = int(frame["gap_gbp_m"].notna().sum())
    n_doubtful = int((frame["gap_words"] == "published but doubtful").sum())
    n_rated = int((frame["rating"] != NOT_FOUND).sum())
    areas = inputs.areas
    prose = text(
        n_footprints=count(len(frame)),
        n_gap=count(n_gap),
        n_doubtful=count(n_doubtful),
        n_none=count(len(frame) - n_gap - n_doubtful),
        n_rated=count(n_rated),
        n_ccgs=count((areas["area_type"] == "ccg").sum()),
        n_las=count(areas.loc[areas["area_type"] == "local_authority", "code"].nunique()),
        n_systems=count(frame["successor"].nunique()),
        order=ORDER_WORDS[sort_by],
    )
    return Results(
        inputs, {"sort_by": sort_by}, frame.reset_index(drop=True), search_entries(inputs), prose
    )


# --- the page's table and search ------------------------------------------------------------

STYLE = """<style>
.stp-index-search label { display: block; font-weight: 600; margin-bottom: 0.3rem; }
.stp-index-search input { width: min(100%, 24rem); padding: 0.35rem 0.5rem; font-size: 1rem;
  border: 1px solid #555; border-radius: 4px; }
.stp-index-search ul { list-style: none; padding-left: 0; margin: 0.5rem 0 0; }
.stp-index-search li { margin: 0.2rem 0; }
.stp-index-search .stp-kind { color: #444; font-size: 0.85rem; }
table.stp-index th button { all: unset; cursor: pointer; font-weight: 600; }
table.stp-index th button:focus-visible { outline: 2px solid #0072B2; outline-offset: 2px; }
table.stp-index th button::after { content: " \\2195"; color: #444; font-weight: 400; }
table.stp-index th[aria-sort="ascending"] button::after { content: " \\25B2"; }
table.stp-index th[aria-sort="descending"] button::after { content: " \\25BC"; }
table.stp-index .stp-region { display: block; font-size: 0.8rem; color: #444;
  font-weight: 400; }
table.stp-index td.stp-none { color: #444; font-size: 0.8rem; white-space: normal; }
/* Phones: each footprint becomes a small card, and the headings a row of sort buttons. */
@media (max-width: 600px) {
  table.stp-index, table.stp-index tbody, table.stp-index tr { display: block; }
  table.stp-index caption { display: block; }
  table.stp-index thead tr { display: flex; flex-wrap: wrap; gap: 0.2rem 0.8rem;
    border-bottom: 2px solid #555; padding-bottom: 0.3rem; }
  table.stp-index thead th { display: block; border: none; padding: 0.1rem 0; }
  table.stp-index thead tr::before { content: "Sort by:"; font-weight: 600; }
  table.stp-index tbody tr { border-bottom: 1px solid #d0d0d0; padding: 0.4rem 0; }
  table.stp-index tbody th, table.stp-index tbody td { display: block; border: none;
    padding: 0.05rem 0; text-align: left; white-space: normal; font-size: 0.85rem; }
  table.stp-index tbody td.stp-num { text-align: left; }
  table.stp-index tbody td::before { content: attr(data-label) ": "; color: #444; }
  table.stp-index tbody td:empty, table.stp-index tbody td[data-value=""].stp-blank {
    display: none; }
}
</style>"""

# The page's script: sorting by a column (numbers largest first on the first click, text
# A-Z; blanks always last) and the search (``search`` is its Python twin).
SCRIPT = """<script>(function () {
  var root = document.getElementById('stp-index');
  if (!root) { return; }
  var entries = JSON.parse(root.querySelector('.stp-index-data').textContent);
  var maxResults = %(max)d;
  function norm(s) {
    return s.toLowerCase().replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').trim();
  }
  var table = root.querySelector('table');
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function key(row, i) { return row.cells[i].getAttribute('data-value'); }
  Array.prototype.forEach.call(heads, function (th, i) {
    var button = th.querySelector('button');
    if (!button) { return; }
    button.addEventListener('click', function () {
      var numeric = th.getAttribute('data-type') === 'number';
      var now = th.getAttribute('aria-sort');
      var dir = now === 'none' ? (numeric ? -1 : 1) : (now === 'ascending' ? -1 : 1);
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, i), y = key(b, i);
        if (x === '' || y === '') { return (x === '') - (y === ''); }
        if (numeric) { return dir * (parseFloat(x) - parseFloat(y)); }
        return dir * x.localeCompare(y);
      });
      rows.forEach(function (r) { body.appendChild(r); });
      Array.prototype.forEach.call(heads, function (h) {
        if (h.querySelector('button')) { h.setAttribute('aria-sort', 'none'); }
      });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    });
  });
  var input = root.querySelector('input[type=search]');
  var list = root.querySelector('.stp-index-results');
  var status = root.querySelector('.stp-index-status');
  var names = {};
  Array.prototype.forEach.call(body.rows, function (r) {
    names[r.getAttribute('data-code')] = r.getAttribute('data-name');
  });
  input.addEventListener('input', function () {
    var q = norm(input.value);
    list.innerHTML = '';
    if (q.length < 2) { status.textContent = ''; return; }
    var hits = entries.filter(function (e) { return norm(e[0]).indexOf(q) >= 0; });
    hits.sort(function (a, b) {
      var sa = norm(a[0]).indexOf(q) !== 0, sb = norm(b[0]).indexOf(q) !== 0;
      if (sa !== sb) { return sa - sb; }
      var na = a[0].toLowerCase(), nb = b[0].toLowerCase();
      if (na !== nb) { return na < nb ? -1 : 1; }
      return a[2] < b[2] ? -1 : (a[2] > b[2] ? 1 : 0);
    });
    // One result a footprint, in the order of its best match, with the names that matched.
    var groups = [], byCode = {};
    hits.forEach(function (e) {
      if (!byCode[e[2]]) { byCode[e[2]] = []; groups.push(e[2]); }
      byCode[e[2]].push(e);
    });
    var shown = groups.slice(0, maxResults);
    shown.forEach(function (code) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = '../footprints/' + code + '.html';
      a.textContent = names[code];
      var kind = document.createElement('span');
      kind.className = 'stp-kind';
      var which = byCode[code].filter(function (e) { return e[1] !== 'footprint'; })
        .map(function (e) { return e[0] + ', ' + e[1]; });
      var more = which.length > 3 ? '; and ' + (which.length - 3) + ' more' : '';
      kind.textContent = which.length ? ' (matched: ' + which.slice(0, 3).join('; ') + more +
        ')' : ' (footprint)';
      li.appendChild(a); li.appendChild(kind); list.appendChild(li);
    });
    status.textContent = groups.length === 0 ? 'No footprint has an area of that name: try ' +
      'part of a council\\'s or CCG\\'s name.' : (groups.length > shown.length ?
      'The first ' + shown.length + ' of ' + groups.length + ' footprints that match:' :
      groups.length + (groups.length === 1 ? ' footprint matches:' : ' footprints match:'));
  });
})();</script>"""


def _cell(value: Any, fmt: str, label: str, words: str = "") -> str:
    """A number cell: its raw value for sorting, its label for the phone's cards; blank
    numbers say why (``words``) or are left empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        blank = " stp-blank" if not words else ""
        return (
            f'<td class="stp-num stp-none{blank}" data-value="" '
            f'data-label="{html.escape(label)}">{html.escape(words)}</td>'
        )
    return (
        f'<td class="stp-num" data-value="{float(value)!r}" '
        f'data-label="{html.escape(label)}">{format(value, fmt)}</td>'
    )


class FootprintIndex:
    """The search box and the sortable table (HTML with a small inline script)."""

    def __init__(self, frame: pd.DataFrame, entries: list[dict[str, str]], sort_by: str):
        self.frame, self.entries, self.sort_by = frame, entries, sort_by

    def rows(self) -> list[str]:
        out = []
        for r in self.frame.itertuples(index=False):
            star = " *" if r.population_basis == "apportioned" else ""
            became = "Kept its name" if r.successor == r.stp17nm else r.successor
            name = html.escape(r.stp17nm)
            out.append(
                f'<tr data-code="{r.stp17cd}" data-name="{name}">'
                f'<th scope="row" data-value="{html.escape(r.stp17nm.lower())}">'
                f'<a href="{html.escape(r.href)}">{name}</a>'
                f'<span class="stp-region">{html.escape(r.nhser17nm)}</span></th>'
                f'<td class="stp-num" data-value="{int(r.population_mid2016)}" '
                f'data-label="{HEADS[1][0]}">{r.population_mid2016 / 1e6:.2f}{star}</td>'
                + _cell(r.gap_gbp_m, ",.0f", HEADS[2][0], r.gap_words)
                + _cell(r.gap_per_head_gbp, ",.0f", HEADS[3][0])
                + f'<td data-value="{RATING_ORDER.get(r.rating, "")}" '
                f'data-label="{HEADS[4][0]}">{html.escape(r.rating)}</td>'
                f'<td data-value="{html.escape(r.successor.lower())}" '
                f'data-label="{HEADS[5][0]}">{html.escape(became)}</td></tr>'
            )
        return out

    def _repr_html_(self) -> str:
        sort_col = {"name": 0, "population": 1, "gap": 2, "per_head": 3}[self.sort_by]
        cells = []
        for i, (label, kind) in enumerate(HEADS):
            sort = (
                "none"
                if i != sort_col
                else ("ascending" if self.sort_by == "name" else "descending")
            )
            align = ' class="stp-num"' if kind == "number" else ""
            cells.append(
                f'<th scope="col"{align} data-type="{kind}" aria-sort="{sort}">'
                f'<button type="button">{html.escape(label)}</button></th>'
            )
        payload = json.dumps(
            [[e["name"], e["kind"], e["code"]] for e in self.entries],
            ensure_ascii=False,
            separators=(",", ":"),
        ).replace("</", "<\\/")
        return (
            f'{STYLE}<div id="stp-index" class="stp-index">'
            '<div class="stp-index-search" role="search">'
            '<label for="stp-index-query">Find a footprint by a council, CCG or place '
            "name</label>"
            '<input type="search" id="stp-index-query" autocomplete="off" '
            'placeholder="e.g. Bradford, Ealing or Luton">'
            '<p class="stp-index-status" aria-live="polite"></p>'
            '<ul class="stp-index-results"></ul></div>'
            f'<script type="application/json" class="stp-index-data">{payload}</script>'
            f'{scroll_box(INDEX_CAPTION)}<table class="stp-table stp-index">'
            f"<caption>{INDEX_CAPTION}</caption>"
            f"<thead><tr>{''.join(cells)}</tr></thead>"
            f"<tbody>{''.join(self.rows())}</tbody></table>"
            '<p class="stp-table-note">People: Office for National Statistics mid-2016 '
            "estimates; * this book's estimate (a district shared between footprints). Gap: "
            "each plan's published do-nothing gap by 2020/21, one source each (on the "
            "footprint's page); doubtful figures are left out. Per head: computed by this "
            "book. Rating: NHS England's progress dashboard (21 July 2017) rated all 44; "
            f"{NOT_FOUND.lower()} means the book found no source naming that footprint's "
            "band, not a low rating. Became: the integrated care system of 2021. A gap "
            "that was not found, or is doubtful, is not a zero: the footprint's page says "
            "what is known.</p></div></div>" + SCRIPT % {"max": MAX_RESULTS}
        )

    def __repr__(self) -> str:
        return f"The 44 footprints ({len(self.frame)} rows, sorted by {self.sort_by})"


def index(results: Results) -> FootprintIndex:
    """The page's search box and sortable table."""
    return FootprintIndex(results.table, results.entries, results.values["sort_by"])
