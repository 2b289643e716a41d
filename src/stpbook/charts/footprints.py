"""Charts for chapter 2, from planning guidance to 44 footprints.

Every chart fits the content column at 1280 px and at 375 px: single or layered views
sized ``width="container"``, titles and subtitles in short lines, long footprint names
wrapped on the axis. Vega expressions used in the browser have Python twins in
``stpbook.models.footprints`` (the tests check them against each other).
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from ..models import footprints as fp
from ..parameters import Parameter
from .render import OKABE_ITO, PUBLISHED_COLOUR, TEXT_COLOURS, ChartT, describe, dropdown, slider

MEASURE_TITLES = {
    "population": "Population, mid-2016 (million people)",
    "area_km2": "Area (square km)",
    "population_density": "Population density (people per square km)",
}
MEASURE_CHOICES = {  # what the map's drop-down shows for each declared choice
    "population": "People (mid-2016)",
    "area_km2": "Land area",
    "population_density": "People per square km",
}
POPULATION_SOURCE = (
    "Office for National Statistics: mid-2016 population estimates (2017) and April 2017 "
    "CCG, STP and region lookups. Populations marked * are this book's estimates: a "
    "district shared between footprints is split by its share of small areas."
)
MAP_SOURCE = (
    "Office for National Statistics: STP boundaries (February 2017), April 2017 "
    "lookups and mid-2016 population estimates (2017). Populations marked * in the "
    "tooltips are this book's estimates (a shared district split by its share of "
    "small areas)."
)
REGION_SOURCE = (
    "Office for National Statistics: CCG to NHS England region lookup (April "
    "2017) and mid-2016 population estimates (2017); region totals include "
    "this book's estimates for shared districts."
)

# The same rules as stpbook.models.footprints, in Vega's expression language: the
# threshold (above_threshold) and the value the map is coloured by (measure_column).
ABOVE = "datum.population_m >= population_threshold"
MEASURE_VALUE = (
    "map_measure == 'area_km2' ? datum.area_km2 : "
    "map_measure == 'population_density' ? datum.population_density : "
    "datum.population_m"
)
LEGEND_LABEL = (
    "!isFinite(datum.value) ? '' : "
    "map_measure == 'population' ? format(datum.value, '.2f') + 'm people' : "
    "map_measure == 'area_km2' ? format(datum.value, ',.0f') + ' sq km' : "
    "format(datum.value, ',.0f') + ' per sq km'"
)
# The map's note on the threshold, two lines, in Vega; its Python twin is ``faded_lines``.
FADED_TEXT = (
    "'Grey, dashed outline: fewer\\nthan ' + format(population_threshold, '.1f') + 'm people'"
)
BLUES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
# Footprints under the slider's population: a mid grey with a dashed outline, so that
# they cannot be mistaken for the lightest blue (a second cue besides colour).
FADED_FILL = "#c8c8c8"
FADED_STROKE = "#6e6e6e"  # 5.1:1 on white
BELOW_BAR = "#8c8c8c"  # bars under the threshold: still 3:1 on white
LINE = 44  # characters per title line: fits 375 px
LEGEND_PX = 110  # the map legend's colour bar: short enough to stay clear of Cornwall
# Text on the charts: at least 11 px for every label at any width.
LABEL_PX, TITLE_PX = 11, 12
# The ranked chart writes each name above its bar, in lines of at most this many
# characters (11 px text: about 270 px, inside a phone's column), never shrunk or cut.
NAME_CHARS = 44
NAME_LINE_PX = 14  # one line of a name
BAR_PX = 11
ROW_GAP_PX = 8
# Bar charts are as wide as the column and as tall as their bars need ("fit-x"; plain
# "fit" would also try to fit a height that the bars' step fixes).
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")


def readable(chart: ChartT) -> ChartT:
    """``chart`` with axis and legend text large enough to read at 1280 px and 375 px."""
    return chart.configure_axis(labelFontSize=LABEL_PX, titleFontSize=TITLE_PX).configure_legend(
        labelFontSize=LABEL_PX, titleFontSize=LABEL_PX
    )


def lines(text: str, width: int = LINE) -> list[str]:
    """``text`` wrapped into lines of at most ``width`` characters (titles that fit a
    phone)."""
    return textwrap.wrap(text, width) or [""]


def footprint_table(footprints: pd.DataFrame) -> pd.DataFrame:
    """The per-footprint fields the charts show: population in million people (exact,
    unrounded, so the browser's threshold agrees with the model), density, and whether
    the population is the book's estimate (``estimated``; names then carry ' *')."""
    out = footprints[["stp17cd", "stp17nm", "nhser17nm", "n_ccgs", "area_km2"]].copy()
    out["population_m"] = footprints["population_mid2016"] / 1e6
    out["population_density"] = fp.measure_column(footprints, "population_density").round(1)
    out["estimated"] = footprints["population_basis"].eq("apportioned")
    out["name"] = out["stp17nm"] + np.where(out["estimated"], " *", "")
    out["basis"] = np.where(out["estimated"], "this book's estimate", "ONS estimate")
    return out


def faded_lines(threshold: float) -> tuple[str, str]:
    """The map's two lines on the threshold (Python twin of ``FADED_TEXT``)."""
    return ("Grey, dashed outline: fewer", f"than {threshold:.1f}m people")


def quintile_breaks(values: Iterable[float]) -> list[float]:
    """The four values that cut ``values`` into fifths (the map's colour classes)."""
    arr = np.asarray(list(values), dtype=float)
    return [float(np.quantile(arr, q)) for q in (0.2, 0.4, 0.6, 0.8)]


# --- the London inset: London's footprints redrawn, enlarged, below England ------------


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _mercator_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def _points(coords: Any) -> Iterable[Sequence[float]]:
    if isinstance(coords[0], int | float):
        yield coords
    else:
        for part in coords:
            yield from _points(part)


def _map_coords(coords: Any, fn) -> Any:
    if isinstance(coords[0], int | float):
        return list(fn(coords[0], coords[1]))
    return [_map_coords(part, fn) for part in coords]


def bounds(features: Iterable[dict]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of GeoJSON features, degrees."""
    pts = [p for f in features for p in _points(f["geometry"]["coordinates"])]
    return (
        min(p[0] for p in pts),
        min(p[1] for p in pts),
        max(p[0] for p in pts),
        max(p[1] for p in pts),
    )


def enlarge(features: list[dict], factor: float, centre_lon: float, top_lat: float) -> list[dict]:
    """``features`` scaled by ``factor`` about their centre in the Mercator plane and
    moved so that they are centred on ``centre_lon`` with their top at ``top_lat``.

    A similarity in Mercator coordinates, so on a Mercator map the copy has exactly the
    original's shape (a uniform enlargement); winding order is kept."""
    west, south, east, north = bounds(features)
    cx, cy = (west + east) / 2, (_mercator_y(south) + _mercator_y(north)) / 2
    y_top = _mercator_y(top_lat) - factor * (_mercator_y(north) - cy)

    def move(lon: float, lat: float) -> tuple[float, float]:
        return (
            round(centre_lon + factor * (lon - cx), 5),
            round(_mercator_lat(y_top + factor * (_mercator_y(lat) - cy)), 5),
        )

    return [
        {
            **f,
            "geometry": {
                **f["geometry"],
                "coordinates": _map_coords(f["geometry"]["coordinates"], move),
            },
        }
        for f in features
    ]


def _outline(west: float, south: float, east: float, north: float, step: float = 0.1) -> dict:
    """A rectangle as a densified LineString (so its sides stay straight on the map)."""

    def run(a: float, b: float) -> list[float]:
        n = max(2, int(abs(b - a) / step) + 1)
        return [a + (b - a) * i / (n - 1) for i in range(n)]

    ring = (
        [(x, north) for x in run(west, east)]
        + [(east, y) for y in run(north, south)]
        + [(x, south) for x in run(east, west)]
        + [(west, y) for y in run(south, north)]
    )
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "LineString", "coordinates": [list(p) for p in ring]},
    }


def _line(a: tuple[float, float], b: tuple[float, float]) -> dict:
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "LineString", "coordinates": [list(a), list(b)]},
    }


# --- the map ----------------------------------------------------------------------------


def map_chart(
    footprints: pd.DataFrame,
    boundaries: dict,
    measure_param: Parameter,
    measure: str,
    threshold_param: Parameter,
    threshold: float,
    sliders: bool = True,
    inset_factor: float = 5.0,
) -> alt.LayerChart:
    """A map of the 44 footprints coloured by the chosen measure (fifths of the 44),
    with London's five footprints enlarged in a box below England.

    In the static book a drop-down chooses the measure and a slider the population
    threshold: footprints below it fade (``ABOVE``). With ``sliders`` False (the live
    panel redraws it) both are fixed at ``measure`` and ``threshold``."""
    fp.measure_column(footprints, measure)  # refuses an unknown measure
    table = footprint_table(footprints).set_index("stp17cd")
    features = []
    for feature in boundaries["features"]:
        row = table.loc[feature["properties"]["stp17cd"]]
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": feature["properties"],
                "name": row["name"],
                "region": row["nhser17nm"],
                "population_m": float(row["population_m"]),
                "n_ccgs": int(row["n_ccgs"]),
                "area_km2": float(row["area_km2"]),
                "population_density": float(row["population_density"]),
                "basis": row["basis"],
                # each area links to its footprint's profile page (works from file:// too)
                "url": f"../footprints/{feature['properties']['stp17cd']}.html",
            }
        )
    london = [f for f in features if f["region"] == "London"]
    west, south, east, north = bounds(london)
    england_south = bounds(features)[1]
    centre = (west + east) / 2
    inset = enlarge(london, inset_factor, centre, england_south - 0.55)
    i_west, i_south, i_east, i_north = bounds(inset)
    pad = 0.12
    frame = _outline(i_west - pad * 2, i_south - pad, i_east + pad * 2, i_north + pad * 2.2)
    marker = _outline(west - 0.05, south - 0.03, east + 0.05, north + 0.03, step=0.05)
    link = _line((centre, south - 0.03), (centre, i_north + pad * 2.2))

    breaks = {m: quintile_breaks(fp.measure_column(footprints, m)) for m in fp.MEASURES}
    domain = " : ".join(f"map_measure == '{m}' ? {breaks[m]}" for m in fp.MEASURES[1:])
    domain = f"{domain} : {breaks['population']}"
    pop = table["population_m"]
    dens = table["population_density"]
    area = table["area_km2"]
    titles = {
        "population": f"From {pop.min():.1f}m to {pop.max():.1f}m people per footprint",
        "area_km2": f"From {area.min():,.0f} to {area.max():,.0f} square km per footprint",
        "population_density": f"From {dens.min():,.0f} to {dens.max():,.0f} people per square km",
    }
    title_expr = " : ".join(
        f"map_measure == '{m}' ? {json.dumps(lines(titles[m]))}"
        for m in ("area_km2", "population_density")
    )
    title_expr = f"{title_expr} : {json.dumps(lines(titles['population']))}"

    if sliders:
        params = [
            dropdown(measure_param, measure, labels=MEASURE_CHOICES),
            slider(threshold_param, threshold),
        ]
    else:
        params = [
            alt.param(name="map_measure", value=measure),
            alt.param(name="population_threshold", value=threshold),
        ]

    tooltip = [
        alt.Tooltip("name:N", title="Footprint"),
        alt.Tooltip("region:N", title="NHS England region"),
        alt.Tooltip("population_m:Q", title="People (million)", format=".2f"),
        alt.Tooltip("basis:N", title="Population from"),
        alt.Tooltip("n_ccgs:Q", title="CCGs"),
        alt.Tooltip("area_km2:Q", title="Area (sq km)", format=",.0f"),
        alt.Tooltip("population_density:Q", title="People per sq km", format=",.0f"),
    ]
    # The legend sits in the bottom left corner, beside the London box and below
    # Cornwall, kept short (``LEGEND_PX``) so that it stays clear of Cornwall at any width.
    color = alt.condition(
        ABOVE,
        alt.Color(
            "value:Q",
            title="Fifths of the 44",
            scale=alt.Scale(type="threshold", domain=alt.ExprRef(expr=domain), range=BLUES),
            legend=alt.Legend(
                orient="bottom-left",
                labelExpr=LEGEND_LABEL,
                labelFontSize=LABEL_PX,
                titleFontSize=LABEL_PX,
                symbolType="square",
                symbolStrokeColor="#555",
                symbolStrokeWidth=0.5,
                padding=2,
                offset=0,
            ),
        ),
        alt.value(FADED_FILL),
    )
    shapes = (
        alt.Chart(alt.Data(values=features + inset))
        .transform_calculate(value=MEASURE_VALUE)
        .mark_geoshape()
        .encode(
            color=color,
            stroke=alt.condition(ABOVE, alt.value(PUBLISHED_COLOUR), alt.value(FADED_STROKE)),
            strokeDash=alt.condition(ABOVE, alt.value([1, 0]), alt.value([3, 2])),
            strokeWidth=alt.condition(ABOVE, alt.value(0.9), alt.value(0.8)),
            href=alt.Href("url:N"),
            tooltip=tooltip,
        )
        .add_params(*params)
    )
    outlines = alt.Chart(alt.Data(values=[frame, marker, link])).mark_geoshape(
        filled=False, stroke="#444", strokeWidth=0.8, strokeDash=[3, 2], aria=False
    )  # decoration: the inset's frame
    label = (
        alt.Chart(
            pd.DataFrame(
                {
                    "lon": [i_west - pad * 1.6],
                    "lat": [i_north + pad * 1.9],
                    "text": [f"London, enlarged {inset_factor:.0f} times"],
                }
            )
        )
        .mark_text(align="left", baseline="top", fontSize=LABEL_PX, color="#222")
        .encode(longitude="lon:Q", latitude="lat:Q", text="text:N")
    )
    # The threshold in words, with its unit, in the top left corner (sea at any width):
    # the slider under the map shows a bare number.
    faded = (
        alt.Chart(pd.DataFrame({"row": [0]}))
        .transform_calculate(text=FADED_TEXT)
        .mark_text(
            align="left",
            baseline="top",
            fontSize=LABEL_PX,
            lineBreak="\n",
            lineHeight=NAME_LINE_PX,
            color="#222",
        )
        .encode(x=alt.value(0), y=alt.value(0), text="text:N")
    )
    chart = (
        alt.layer(shapes, outlines, label, faded)
        .project(type="mercator")
        .configure_view(stroke=None)
        .configure_legend(gradientLength=LEGEND_PX, gradientThickness=14)
        .properties(
            width="container" if sliders else 420,
            height=640,
            title=alt.Title(
                text=alt.ExprRef(expr=title_expr),
                subtitle=["Colour: fifths of the 44, darker = more."],
                anchor="start",
            ),
        )
    )
    return describe(
        chart,
        alt_text="Map of England's 44 STP footprints shaded by the chosen measure, with "
        "London's five footprints enlarged in a box below the map; footprints with "
        "fewer people than the slider's threshold are faded.",
        source=MAP_SOURCE,
        data_files=("footprints.csv", "footprint_boundaries.geojson"),
        modelled=False,
    )


# --- ranked populations -----------------------------------------------------------------


def count_label(count: int, threshold: float, total: int = 44) -> tuple[str, str]:
    """The two lines the ranked chart prints (Python twin of its Vega expressions)."""
    return (f"{count} of {total} footprints have", f"at least {threshold:.1f}m people")


def name_lines(name: str, mark: str = "", width: int = NAME_CHARS) -> str:
    """A footprint's name as written above its bar: whole words in lines of at most
    ``width`` characters, joined by newlines; ``mark`` (e.g. " *") ends the last line."""
    return "\n".join(textwrap.wrap(name + mark, width))


def ranked_rows(footprints: pd.DataFrame) -> pd.DataFrame:
    """The ranked chart's rows, largest first, laid out in pixels from the top: the name
    (``label``, ``label_y``) and then its bar (``bar_y0`` to ``bar_y1``)."""
    rows = footprint_table(footprints).sort_values("population_m", ascending=False)
    rows = rows.reset_index(drop=True)
    rows["label"] = [
        name_lines(n, " *" if e else "")
        for n, e in zip(rows["stp17nm"], rows["estimated"], strict=True)
    ]
    # two decimals: 0.99m must not read "1.0m" beside a grey (below 1.0m) bar
    rows["value_text"] = [f"{v:.2f}m" for v in rows["population_m"]]
    top, label_y, y0 = 0, [], []
    for label in rows["label"]:
        label_y.append(top)
        y0.append(top + NAME_LINE_PX * (label.count("\n") + 1) + 1)
        top = y0[-1] + BAR_PX + ROW_GAP_PX
    rows["label_y"], rows["bar_y0"] = label_y, y0
    rows["bar_y1"] = rows["bar_y0"] + BAR_PX
    rows["bar_mid"] = rows["bar_y0"] + BAR_PX / 2
    rows["zero"] = 0.0
    return rows


def ranked_chart(
    footprints: pd.DataFrame, threshold_param: Parameter, threshold: float, sliders: bool = True
) -> alt.LayerChart:
    """The 44 populations ranked, with a threshold rule and, computed in the browser, how
    many footprints reach it. Each name is written above its bar, whole (wrapped, never
    shrunk); names of footprints whose population is the book's estimate carry ' *'."""
    table = ranked_rows(footprints)
    height = int(table["bar_y1"].iloc[-1]) + 4
    total = len(table)
    param = (
        slider(threshold_param, threshold)
        if sliders
        else alt.param(name="population_threshold", value=threshold)
    )
    xmax = max(3.0, float(table["population_m"].max()) * 1.15)

    def x_axis(field: str) -> alt.X:
        return alt.X(
            field,
            title="Million people, mid-2016",
            scale=alt.Scale(domain=[0, xmax], nice=False),
            # whole millions: four ticks, which do not run together on a phone
            axis=alt.Axis(values=list(range(int(xmax) + 1)), format="d", grid=True),
        )

    x = x_axis("population_m:Q")
    y_scale = alt.Scale(domain=[0, height], reverse=True, nice=False, zero=False)
    base = alt.Chart(table)
    bars = (
        base.mark_rect()
        .encode(
            x=x,
            x2="zero:Q",
            y=alt.Y("bar_y0:Q", scale=y_scale, axis=None),
            y2="bar_y1:Q",
            color=alt.condition(ABOVE, alt.value(OKABE_ITO[0]), alt.value(BELOW_BAR)),
            tooltip=[
                alt.Tooltip("name:N", title="Footprint"),
                alt.Tooltip("nhser17nm:N", title="NHS England region"),
                alt.Tooltip("population_m:Q", format=".2f", title="People (million)"),
                alt.Tooltip("basis:N", title="Population from"),
            ],
        )
        .add_params(param)
    )
    names = base.mark_text(
        align="left",
        baseline="top",
        fontSize=LABEL_PX,
        lineBreak="\n",
        lineHeight=NAME_LINE_PX,
        color="#222222",
    ).encode(x=alt.value(0), y=alt.Y("label_y:Q", scale=y_scale, axis=None), text="label:N")
    values = base.mark_text(
        align="left", baseline="middle", dx=4, fontSize=LABEL_PX, color="#444444"
    ).encode(
        x="population_m:Q", y=alt.Y("bar_mid:Q", scale=y_scale, axis=None), text="value_text:N"
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [0]}))
        .transform_calculate(t="population_threshold")
        .mark_rule(color=OKABE_ITO[3], strokeDash=[4, 3], strokeWidth=2)
        .encode(x=x_axis("t:Q"))
    )
    count = (
        base.transform_filter(ABOVE)
        .transform_aggregate(n="count()")
        .transform_calculate(
            label=f"datum.n + ' of {total} footprints have'",
            line2="'at least ' + format(population_threshold, '.1f') + 'm people'",
        )
    )
    # (count_label is the Python twin of these two lines)
    text: dict[str, Any] = dict(
        align="left",
        baseline="bottom",
        fontSize=LABEL_PX + 1,
        fontWeight="bold",
        color=TEXT_COLOURS[OKABE_ITO[3]],
    )
    # Above the plot, left-aligned: the title sits above these lines (Vega places it
    # outside the marks' bounds), and no bar is ever underneath them.
    first = count.mark_text(dy=-20, **text).encode(text="label:N", x=alt.value(0), y=alt.value(0))
    second = count.mark_text(dy=-6, **text).encode(text="line2:N", x=alt.value(0), y=alt.value(0))
    ratio = fp.population_summary(footprints["population_mid2016"])["max_to_min"]
    # the threshold rule first, so that names and values are written over it
    chart = readable(
        alt.layer(rule, bars, names, values, first, second)
        .properties(
            width="container" if sliders else 520,
            height=height,
            autosize=FIT_X,
            title=alt.Title(
                lines(
                    f"The largest footprint had about {ratio:.0f} times the people of the smallest"
                ),
                subtitle=[
                    "Blue: at least the slider's population.",
                    "* this book's estimate (a shared district).",
                ],
                anchor="start",
            ),
        )
        .configure_view(stroke=None)
    )
    return describe(
        chart,
        alt_text="Horizontal bar chart of the 44 footprints' populations from largest "
        "(Greater Manchester, about 2.8 million) to smallest (West, North and East "
        "Cumbria, about 0.3 million), with a movable threshold line and a count of "
        "the footprints at or above it.",
        source=POPULATION_SOURCE,
        data_files=("footprints.csv",),
    )


# --- regions ----------------------------------------------------------------------------


def region_title(regions: pd.DataFrame) -> list[str]:
    """The region chart's title, from ``models.footprints.per_region`` output."""
    r = regions.set_index("nhser17nm")
    london = r.loc["London"]
    rest = r.drop(index="London")
    return lines(
        f"London had {london['population_m']:.1f}m people in {int(london['footprints'])} "
        f"footprints; the other regions had {rest['population_m'].min():.1f}m to "
        f"{rest['population_m'].max():.1f}m in {int(rest['footprints'].min())} to "
        f"{int(rest['footprints'].max())}"
    )


def region_chart(regions: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Footprints per NHS England region (``models.footprints.per_region`` output), each
    region labelled with its people and the average footprint."""
    table = regions.copy()
    table["label"] = [
        f"{name}|{pop:.1f}m people, average {mean:.1f}m"
        for name, pop, mean in zip(
            table["nhser17nm"], table["population_m"], table["mean_population_m"], strict=True
        )
    ]
    bars = (
        alt.Chart(table)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            x=alt.X(
                "footprints:Q",
                title="Number of footprints",
                scale=alt.Scale(domain=[0, int(table["footprints"].max()) + 2]),
                axis=alt.Axis(format="d", tickMinStep=1, tickCount=5),
            ),
            y=alt.Y(
                "label:N",
                sort=table["label"].tolist(),
                title=None,
                axis=alt.Axis(
                    labelExpr="split(datum.label, '|')",
                    labelFontSize=LABEL_PX,
                    labelLineHeight=13,
                    labelLimit=200,
                ),
            ),
            tooltip=[
                alt.Tooltip("nhser17nm:N", title="Region"),
                alt.Tooltip("footprints:Q", title="Footprints"),
                alt.Tooltip("population_m:Q", format=".1f", title="People (million)"),
                alt.Tooltip(
                    "mean_population_m:Q", format=".2f", title="Average footprint (million)"
                ),
                alt.Tooltip("ccgs:Q", title="CCGs"),
            ],
        )
    )
    numbers = bars.mark_text(align="left", dx=4, fontSize=LABEL_PX + 1, color="#222").encode(
        text="footprints:Q"
    )
    chart = readable(alt.layer(bars, numbers)).properties(
        width="container",
        height={"step": 46},
        autosize=FIT_X,
        title=alt.Title(region_title(regions), anchor="start"),
    )
    return describe(
        chart,
        alt_text="Bar chart of the number of STP footprints in each of the four 2017 NHS "
        "England regions, each labelled with its population.",
        source=REGION_SOURCE,
        data_files=("footprints.csv",),
    )
