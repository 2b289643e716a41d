"""Charts for the footprint profiles: one page per footprint, the same charts on each.

- ``locator_map``: England's 44 footprints in grey with this one in colour, small enough
  for a phone (a fixed 240 x 290 px), on boundaries simplified for the purpose (a few KB
  per page instead of the full file's 135 KB).
- ``per_head_chart``: the published gaps per head of the plans with a usable figure,
  ranked, with this footprint highlighted (colour, a bold name and its value).
- ``stress_chart``: this book's stress test of this footprint's plan, with sliders in the
  static book. The browser scales a grid of per-pound quantiles (``STRESS_EXPRS``); the
  recipe module's ``stress_readout`` is its Python twin.
"""

from __future__ import annotations

import textwrap
from typing import Any

import altair as alt
import pandas as pd

from ..parameters import Parameter
from .plans_and_money import fan_layers
from .render import (
    OKABE_ITO,
    PUBLISHED_COLOUR,
    TEXT_COLOURS,
    ChartT,
    describe,
    slider,
)

HIGHLIGHT = OKABE_ITO[3]  # vermillion: 3.8:1 on white, enough for marks
HIGHLIGHT_TEXT = TEXT_COLOURS[HIGHLIGHT]  # 5.7:1, for text
OTHER_BAR = "#8c8c8c"  # 3.4:1 on white
OTHER_AREA = "#d9d9d9"  # the other footprints on the map (outlined in white)
LABEL_GREY = "#444444"
LINE = 44  # characters per title line: fits 375 px
FONT = 12  # axis and legend text: at least 11 px at 1280 px and on a phone


def readable(chart: ChartT) -> ChartT:
    """Axis and legend text large enough to read at 1280 px and on a phone (the per-head
    chart's names keep their own, smaller size: 17 of them share the column)."""
    return chart.configure_axis(labelFontSize=FONT, titleFontSize=FONT).configure_legend(
        labelFontSize=FONT, titleFontSize=FONT
    )


MAP_SOURCE = (
    "Office for National Statistics: STP boundaries (February 2017, "
    "ultra-generalised, simplified further for this small map)."
)
PER_HEAD_SOURCE = (
    "Each plan's published gap (one source each, listed on its own page); "
    "populations: Office for National Statistics mid-2016 estimates, "
    "with this book's estimate (*) where a district is shared; per head "
    "computed by this book."
)
STRESS_SOURCE = (
    "This book's Monte Carlo model (chapter 3); activity-cut assumptions "
    "from the Nuffield Trust (March 2017); the plan's gap as published."
)


def lines(text: str, width: int = LINE) -> list[str]:
    """``text`` wrapped into lines of at most ``width`` characters."""
    return textwrap.wrap(text, width) or [""]


def wrap_label(name: str, width: int = 24, mark: str = "") -> str:
    """A footprint's name as axis lines joined by '|' (the axis splits them again), with
    ``mark`` (e.g. " *") kept on the last line; a name that would need three lines is
    written with '&' to fit two."""
    parts = textwrap.wrap(name, width - len(mark))
    if len(parts) > 2:
        parts = textwrap.wrap(name.replace(" and ", " & "), width + 8 - len(mark))
    return "|".join(parts) + mark


# --- the locator map ----------------------------------------------------------------------


def _perpendicular(p: list[float], a: list[float], b: list[float]) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify_ring(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """A closed ring simplified by Douglas-Peucker (``tolerance`` in degrees), still
    closed, with at least four points (a triangle) if the input had them."""
    if len(ring) <= 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            d = _perpendicular(ring[i], ring[first], ring[last])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    out = [[round(p[0], 2), round(p[1], 2)] for p, k in zip(ring, keep, strict=True) if k]
    if len(out) < 4:  # the start and end coincide: keep the two farthest-apart points too
        middle = sorted(
            range(1, len(ring) - 1),
            key=lambda i: -_perpendicular(ring[i], ring[0], ring[len(ring) // 2]),
        )
        extra = sorted({len(ring) // 2, *middle[:1]})
        out = [[round(ring[i][0], 2), round(ring[i][1], 2)] for i in [0, *extra, 0]]
    return out


def ring_area(ring: list[list[float]]) -> float:
    """Signed area of a ring in square degrees (shoelace; the sign is its winding)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) / 2


def simplify(boundaries: dict, tolerance: float = 0.02) -> list[dict]:
    """The footprints' features with simplified rings and properties cut to the code and
    name. A simplified ring must keep its winding and most of its area (the map's
    projection reads a reversed ring as "everything outside it"): a ring that fails is
    kept as it was if it is a footprint's largest, and dropped if it is a small island or
    hole, which this small map cannot show anyway."""
    out = []
    for feature in boundaries["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        largest = max(abs(ring_area(p[0])) for p in polygons)
        kept = []
        for polygon in polygons:
            rings = []
            for i, ring in enumerate(polygon):
                small = simplify_ring(ring, tolerance)
                before, after = ring_area(ring), ring_area(small)
                if len(small) >= 4 and before * after > 0 and abs(after) >= 0.5 * abs(before):
                    rings.append(small)
                elif i == 0 and abs(before) == largest:
                    rings.append(ring)
                elif i == 0:
                    break  # an island too small to draw: drop it with its holes
            if rings:
                kept.append(rings)
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "stp17cd": feature["properties"]["stp17cd"],
                    "stp17nm": feature["properties"]["stp17nm"],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": kept},
            }
        )
    return out


def locator_map(
    features: list[dict],
    code: str,
    name: str,
    centre: tuple[float, float],
    region: str,
    ring: bool = True,
) -> alt.LayerChart | alt.FacetChart:
    """England's footprints in light grey, this one in colour with a dark outline, and
    (``ring``) a ring round its centre so that a small footprint (London's) can still be
    found. ``features`` from ``simplify``; ``centre`` is (longitude, latitude)."""
    values = [{**f, "this": f["properties"]["stp17cd"] == code} for f in features]
    shapes = (
        alt.Chart(alt.Data(values=values))
        .mark_geoshape(strokeWidth=0.5)
        .encode(
            color=alt.condition("datum.this", alt.value(HIGHLIGHT), alt.value(OTHER_AREA)),
            stroke=alt.condition("datum.this", alt.value(PUBLISHED_COLOUR), alt.value("white")),
            strokeWidth=alt.condition("datum.this", alt.value(1.2), alt.value(0.5)),
            order=alt.Order("this:O"),
            tooltip=[alt.Tooltip("properties.stp17nm:N", title="Footprint")],
        )
    )
    marker = (
        alt.Chart(pd.DataFrame({"lon": [centre[0]], "lat": [centre[1]]}))
        .mark_point(
            shape="circle", size=500, filled=False, stroke=PUBLISHED_COLOUR, strokeWidth=1.5
        )
        .encode(longitude="lon:Q", latitude="lat:Q")
    )
    layers = [shapes, marker] if ring else [shapes]
    chart = (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(
            width=240,
            height=290,
            title=alt.Title(
                lines(f"Where {name} lies", 34),
                subtitle=lines(
                    f"{'Coloured and ringed' if ring else 'Coloured'}: "
                    f"this footprint, in NHS England's {region} "
                    "region (2017).",
                    40,
                ),
                anchor="start",
            ),
        )
    )
    return describe(
        chart,
        alt_text=f"Map of England's 44 STP footprints in grey, with {name} in colour"
        + (" and ringed." if ring else "."),
        source=MAP_SOURCE,
    )


# --- the per-head ranking -----------------------------------------------------------------


def per_head_chart(
    frame: pd.DataFrame, code: str, name: str, has_gap: bool
) -> alt.LayerChart | alt.FacetChart:
    """The published gaps per head, ranked, with ``code`` highlighted. ``frame`` has
    stp17cd, stp17nm, gap_gbp_m, gap_per_head_gbp and apportioned (one row a plan with a
    usable figure). If this footprint is not in it, the title says so."""
    table = frame.copy()
    table["this"] = table["stp17cd"] == code
    table["label"] = [
        wrap_label(n, mark=" *" if a else "")
        for n, a in zip(table["stp17nm"], table["apportioned"], strict=True)
    ]
    table["value"] = [f"£{v:,.0f}" for v in table["gap_per_head_gbp"]]
    order = table.sort_values("gap_per_head_gbp", ascending=False)["label"].tolist()
    mine = table[table["this"]]
    # Axis label properties see the tick's raw value as datum.value.
    bold = f"datum.value == {mine['label'].iloc[0]!r}" if not mine.empty else "false"
    y = alt.Y(
        "label:N",
        sort=order,
        title=None,
        axis=alt.Axis(
            labelExpr="split(datum.label, '|')",
            labelFontSize=11,
            labelLineHeight=12,
            labelLimit=170,
            labelPadding=4,
            labelColor=alt.ExprRef(expr=f"{bold} ? '{HIGHLIGHT_TEXT}' : '{LABEL_GREY}'"),
            labelFontWeight=alt.ExprRef(expr=f"{bold} ? 'bold' : 'normal'"),
        ),
    )
    base = alt.Chart(table)
    tooltip = [
        alt.Tooltip("stp17nm:N", title="Footprint"),
        alt.Tooltip("gap_gbp_m:Q", title="Published gap (£m a year)", format=",.0f"),
        alt.Tooltip("gap_per_head_gbp:Q", title="Per head (£)", format=",.0f"),
    ]
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X(
            "gap_per_head_gbp:Q",
            title="£ a head a year, 2020/21",
            axis=alt.Axis(tickCount=4),
            # room for the value labels at the ends of the longest bars
            scale=alt.Scale(domain=[0, float(table["gap_per_head_gbp"].max()) * 1.22], nice=False),
        ),
        y=y,
        color=alt.condition("datum.this", alt.value(HIGHLIGHT), alt.value(OTHER_BAR)),
        tooltip=tooltip,
    )
    values = (
        base.transform_filter("!datum.this")
        .mark_text(align="left", dx=3, fontSize=11, color=LABEL_GREY)
        .encode(x="gap_per_head_gbp:Q", y=y, text="value:N")
    )
    this_value = (
        base.transform_filter("datum.this")
        .mark_text(align="left", dx=3, fontSize=12, fontWeight="bold", color=HIGHLIGHT_TEXT)
        .encode(x="gap_per_head_gbp:Q", y=y, text="value:N")
    )
    n = len(table)
    if has_gap:
        rank = int((table["gap_per_head_gbp"] > float(mine["gap_per_head_gbp"].iloc[0])).sum())
        title = lines(
            f"{name}: {_ordinal(rank + 1)} highest gap per head of the {n} plans "
            "with a usable published figure"
        )
    else:
        title = lines(
            f"{name} is not in this chart: no usable published gap. The {n} plans that had one:"
        )
    chart = alt.layer(bars, values, this_value).properties(
        width="container",
        height={"step": 28},
        title=alt.Title(
            title,
            subtitle=[
                "* population is this book's estimate",
                "(a district shared between footprints).",
            ],
            anchor="start",
        ),
    )
    return describe(
        readable(chart),
        alt_text=f"Horizontal bar chart of the published do-nothing gap per head of the {n} "
        f"plans with a usable figure, largest first"
        + (f", with {name} highlighted." if has_gap else "."),
        source=PER_HEAD_SOURCE,
        data_files=("financial_gaps.csv", "footprints.csv"),
    )


def _ordinal(k: int) -> str:
    if k == 1:
        return "the"
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"the {k}{suffix}"


# --- the stress test ----------------------------------------------------------------------


def money_expr(value: str) -> str:
    """A Vega expression that writes ``value`` (GBP m) as '£876m' or '−£40m' (the
    recipe's ``money`` is its Python twin)."""
    return f"({value} < 0 ? '−£' : '£') + format(abs({value}), ',.0f') + 'm'"


def stress_exprs(gap_gbp_m: float) -> dict[str, str]:
    """The browser's formulas: the gap left (GBP m a year) at each quantile of the
    per-pound grid, for this plan's ``gap_gbp_m`` and the extra-funding slider:
    ``R = G * z - F`` (``stress.per_pound``)."""
    g = repr(float(gap_gbp_m))
    return {
        name: f"{g} * datum.{q} - extra_funding_gbp_m"
        for name, q in (
            ("lo90", "q05"),
            ("lo50", "q25"),
            ("mid", "q50"),
            ("hi50", "q75"),
            ("hi90", "q95"),
        )
    }


# The grid row the sliders select: keys are whole percentages.
STRESS_FILTER = "datum.ak == round(activity_reduction_achieved * 100)"
READOUT_FILTER = f"{STRESS_FILTER} && datum.ek == round(efficiency_delivered * 100)"
READOUT_EXPR = (
    "'At ' + format(efficiency_delivered, '.0%') + ' of planned efficiency "
    "delivered:\\nmedian ' + " + money_expr("datum.mid") + " + ' a year left;\\n"
    "9 in 10 simulated plans: ' + "
    + money_expr("datum.lo90")
    + " + ' to ' + "
    + money_expr("datum.hi90")
)
READOUT_LINES = 3


def stress_chart(
    grid: pd.DataFrame,
    gap_gbp_m: float,
    name: str,
    params: dict[str, Parameter],
    values: dict[str, Any],
    sliders: bool = True,
) -> alt.LayerChart | alt.FacetChart:
    """This book's stress test of one plan: the median gap left in 2020/21 and its 50% and
    90% bands against the share of planned efficiency delivered, with a readout at the
    chosen efficiency. ``grid`` has ak and ek (whole percentages of activity cuts achieved
    and efficiency delivered), efficiency_delivered (a fraction) and the per-pound
    quantiles q05..q95; the browser scales them by ``gap_gbp_m`` and subtracts the extra
    funding (``stress_exprs``)."""
    names = ("efficiency_delivered", "activity_reduction_achieved", "extra_funding_gbp_m")
    controls = (
        [slider(params[n], values[n]) for n in names]
        if sliders
        else [alt.param(name=n, value=values[n]) for n in names]
    )
    exprs = stress_exprs(gap_gbp_m)
    fan = alt.Chart(grid).transform_filter(STRESS_FILTER).transform_calculate(**exprs)
    readout = (
        alt.Chart(grid)
        .transform_filter(READOUT_FILTER)
        .transform_calculate(**exprs)
        .transform_calculate(e="efficiency_delivered", readout=READOUT_EXPR)
    )
    x = alt.X(
        "efficiency_delivered:Q",
        title="Share of planned efficiency delivered",
        axis=alt.Axis(format="%", tickCount=5),
        scale=alt.Scale(domain=[0, 1]),
    )
    ytitle = "Gap left, 2020/21 (£m a year)"
    published = pd.DataFrame({"y": [float(gap_gbp_m)], "t": [f"Published gap £{gap_gbp_m:,.0f}m"]})
    chart = (
        alt.layer(
            *fan_layers(fan, x, ytitle),
            alt.Chart(pd.DataFrame({"y": [0], "t": ["0 = whole gap closed"]}))
            .mark_text(align="right", baseline="bottom", dy=-3, fontSize=11, color="#222222")
            .encode(y="y:Q", x=alt.value("width"), text="t:N"),
            alt.Chart(published)
            .mark_rule(color=PUBLISHED_COLOUR, strokeDash=[2, 2])
            .encode(y="y:Q"),
            alt.Chart(published)
            .mark_text(align="right", baseline="bottom", dy=-3, fontSize=11, color="#222222")
            .encode(y="y:Q", x=alt.value("width"), text="t:N"),
            readout.mark_rule(color=HIGHLIGHT, strokeDash=[5, 3], strokeWidth=1.5).encode(x="e:Q"),
            readout.mark_point(filled=True, size=70, color=HIGHLIGHT_TEXT, stroke="white").encode(
                x="e:Q", y="mid:Q"
            ),
            readout.mark_text(
                align="left",
                baseline="top",
                fontSize=12,
                lineBreak="\n",
                lineHeight=15,
                color="#222222",
            ).encode(x=alt.value(0), y=alt.value(-READOUT_LINES * 15 - 8), text="readout:N"),
        )
        .add_params(*controls)
        .properties(
            width="container" if sliders else 520,
            height=300,
            title=alt.Title(
                lines(f"{name}: the gap left if the plan's savings are only partly delivered"),
                subtitle=[
                    *lines(
                        "Modelled by this book. Line: median; bands: the "
                        "middle 50% and 90% of simulated plans."
                    ),
                    *[" "] * READOUT_LINES,
                ],
                anchor="start",
            ),
        )
    )
    return describe(
        readable(chart),
        alt_text=f"Fan chart of the modelled gap left in 2020/21 for {name}'s plan against "
        "the share of planned efficiency delivered, with the median, the middle 50% "
        "and 90% of simulated plans and a readout at the chosen efficiency.",
        source=STRESS_SOURCE,
        data_files=("activity_assumptions.csv", "financial_gaps.csv"),
        modelled=True,
    )
