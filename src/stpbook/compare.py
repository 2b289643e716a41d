"""Compare scenarios: the key results of every chapter under each named scenario.

``stpbook compare A.yaml B.yaml ...`` calls each chapter's recipe module
(``stpbook.chapters.<name>``: ``compute`` then ``headline``) with the scenario's values,
the same functions the chapters call, so no notebook is executed and no chapter result
is computed a second time here. A chapter without a ``headline`` contributes only its
assumptions. The table goes to ``_build/compare/compare.md`` and ``.csv``.

Values for a chapter are its declared defaults, overridden by what the scenario sets
for it (``Scenario.for_chapter``), exactly as the pipeline would execute it.

``stpbook scenarios`` writes the book's scenario page (``chapters/83_scenarios.md``,
:func:`book_page`): each scenario in words, then the comparison as small tables that
read on a phone, one per chapter, with the scenarios in rows (their titles, not their
file names), numbers in the units a reader expects (£, counts without decimals), the
plan a chapter stress-tests named, and results that are the same in every scenario said
once.
"""

from __future__ import annotations

import importlib
import json
import math
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from . import parameters
from .errors import ParameterError
from .layout import Layout, current
from .scenarios import Scenario, load_scenario

Values = dict[str, dict[str, Any]]  # chapter id -> parameter values
UNIT = re.compile(r"\s*\(([^()]*)\)\s*$")  # "Left for extra funding (GBP bn a year)"
CODE = re.compile(r"^E54\d{6}$")  # a footprint's ONS code
SHARES_TOTAL = "Shares add up to"  # chapter 5's check row: printed shares that cannot all be right
AS_PRINTED = "as printed; cannot all be right"
MAX_COLUMNS = 3  # numbers a row in a table of the scenario page


def recipe(notebook: Path) -> ModuleType | None:
    """A chapter's recipe module, or None if it has none."""
    try:
        return importlib.import_module(f"stpbook.chapters.{parameters.short_name(notebook)}")
    except ModuleNotFoundError:
        return None


def chapter_values(scenario: Scenario, layout: Layout) -> Values:
    """Every chapter's parameter values under ``scenario``: defaults, then its own."""
    out: Values = {}
    for nb in parameters.chapter_notebooks(layout):
        values = parameters.defaults(nb, layout)
        values.update(scenario.for_chapter(nb))
        out[nb.stem] = values
    return out


def chapter_number(stem: str) -> str:
    """ "03_plans_and_money" -> "3"; a page without a number (the footprint profile)
    -> ""."""
    head = stem.split("_")[0]
    return (head.lstrip("0") or "0") if head.isdigit() else ""


def chapter_label(stem: str) -> str:
    """How a row names its chapter: "Ch. 3"; "Footprint profile" for the profile."""
    number = chapter_number(stem)
    return f"Ch. {number}" if number else stem.replace("_", " ").capitalize()


def by_chapter(values: Values, layout: Layout) -> dict[str, dict[str, Any]]:
    """The key results under one scenario's chapter values, chapter by chapter (stem ->
    {what (unit): value}), in reading order."""
    out: dict[str, dict[str, Any]] = {}
    for stem, vals in values.items():
        module = recipe(layout.chapters / f"{stem}.ipynb")
        if module is None or not hasattr(module, "headline"):
            continue
        out[stem] = dict(module.headline(module.compute(module.inputs(layout), **vals)))
    return out


def results(values: Values, layout: Layout) -> dict[str, Any]:
    """The key results under one scenario's chapter values, in reading order, each
    labelled "Ch. N, what (unit)"."""
    return {
        f"{chapter_label(stem)}, {k}": v
        for stem, found in by_chapter(values, layout).items()
        for k, v in found.items()
    }


def assumptions(scenarios: list[Scenario], values: list[Values], layout: Layout) -> pd.DataFrame:
    """The assumptions any of the scenarios changes, one row each, labelled for readers
    ("Ch. 1, Growth in the cost of meeting demand (% a year)") with values shown in
    their units ("4.50%"). Columns: ``stem``, ``name``, ``item`` and one per scenario."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for scen, vals in zip(scenarios, values, strict=True):
        for stem, chapter in vals.items():
            for name, (value, _) in parameters.differences(
                layout.chapters / f"{stem}.ipynb", chapter, layout
            ).items():
                rows.setdefault((stem, name), {})[scen.name] = value
    order = (
        {
            (stem, name): (stem, i)
            for stem, chapter in values[0].items()
            for i, name in enumerate(chapter)
        }
        if values
        else {}
    )
    table = []
    for (stem, name), by_scen in sorted(rows.items(), key=lambda kv: order[kv[0]]):
        param = parameters.declared(layout.chapters / f"{stem}.ipynb", layout)[name]
        unit = f" ({param.reader_unit})" if param.reader_unit else ""
        row: dict[str, Any] = {
            "stem": stem,
            "name": name,
            "item": f"{chapter_label(stem)}, {param.title}{unit}",
        }
        for scen, vals in zip(scenarios, values, strict=True):
            row[scen.name] = param.display(by_scen.get(scen.name, vals[stem][name]))
        table.append(row)
    return pd.DataFrame(table, columns=["stem", "name", "item", *[s.name for s in scenarios]])


def compare(files: list[Path], layout: Layout | None = None) -> tuple[list[Scenario], pd.DataFrame]:
    """Load each scenario and tabulate its assumptions and key results.

    Returns the scenarios and one table: a row per changed assumption and per result,
    a column per scenario (named by the scenario's ``name``), with ``kind``
    ("assumption" or "result"), ``stem`` (the chapter) and ``item`` (the row's label)."""
    return _compare(files, layout)[:2]


def _compare(
    files: list[Path], layout: Layout | None = None
) -> tuple[list[Scenario], pd.DataFrame, list[Values]]:
    layout = layout or current()
    if not files:
        raise ParameterError("compare needs at least one scenario file")
    scenarios = [load_scenario(Path(p), layout) for p in files]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ParameterError(f"two scenario files share a name: {names}")
    values = [chapter_values(s, layout) for s in scenarios]
    assumed = assumptions(scenarios, values, layout).drop(columns=["name"])
    assumed.insert(0, "kind", "assumption")
    found = [by_chapter(v, layout) for v in values]
    keys = list(dict.fromkeys((stem, k) for f in found for stem in f for k in f[stem]))
    rows = [
        {
            "kind": "result",
            "stem": stem,
            "item": f"{chapter_label(stem)}, {k}",
            **{s.name: f.get(stem, {}).get(k) for s, f in zip(scenarios, found)},
        }
        for stem, k in keys
    ]
    table = pd.concat(
        [assumed, pd.DataFrame(rows, columns=["kind", "stem", "item", *names])], ignore_index=True
    )
    return scenarios, table, values


# --- numbers for readers -------------------------------------------------------------------


def split_unit(label: str) -> tuple[str, str]:
    """ "Left for extra funding (GBP bn a year)" -> ("Left for extra funding", "£bn a year")."""
    match = UNIT.search(label)
    if not match:
        return label, ""
    unit = match.group(1).replace("GBP bn", "£bn").replace("GBP m", "£m")
    return label[: match.start()], unit


def _money(value: float, scale: str, decimals: int) -> str:
    sign = "\u2212" if value < 0 else ""  # a real minus sign
    return f"{sign}£{abs(value):,.{decimals}f}{scale}"


def fmt(value: Any, unit: str = "") -> str:
    """A result in its unit for readers: 9.6 "£bn a year" -> "£9.6bn"; 502.4 "£m a
    year" -> "£502m"; 27.0 "count" -> "27"; 77.14 "%" -> "77.1%"; 66.0 "%" -> "66%";
    20.0 "years" -> "20"; NaN years -> "not within the period"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, int | float):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "not within the period" if unit.startswith("year") else "not found"
    if unit.startswith("£bn"):
        return _money(value, "bn", 1)
    if unit.startswith("£m"):  # £502m, but £7.3m: a small sum keeps its first decimal
        return _money(value, "m", 0 if abs(value) >= 99.95 else 1)
    if unit.startswith("%"):
        text = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
        return ("\u2212" + text.lstrip("-") if value < 0 and text != "0" else text) + "%"
    if unit in ("count", "people", "years", "year") or value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _fmt(value: Any, label: str = "") -> str:
    if isinstance(value, str):  # an assumption, already displayed in its unit
        return value
    return fmt(value, split_unit(label)[1])


def markdown(scenarios: list[Scenario], table: pd.DataFrame) -> str:
    """The comparison as a Markdown page: the scenarios, then the table."""
    lines = ["# Scenario comparison", ""]
    for s in scenarios:
        lines.append(f"- **{s.name}**: {s.title}")
    lines += ["", markdown_table(table), ""]
    return "\n".join(lines)


def markdown_table(table: pd.DataFrame) -> str:
    """A pipe table (for a terminal or ``compare.md``): assumptions in italics first,
    then results, each number in its unit (£, %, counts without decimals); the columns
    are the scenarios' names."""
    cols = [c for c in table.columns if c not in ("kind", "stem", "item")]
    head = "| " + " | ".join(["", *cols]) + " |"
    rule = "| " + " | ".join([":--", *["--:"] * len(cols)]) + " |"
    body = []
    for _, row in table.iterrows():
        what, unit = split_unit(row["item"])
        item = f"{what} ({unit})" if unit else what
        label = item if row["kind"] == "result" else f"*{item}*"
        body.append("| " + " | ".join([label, *[_fmt(row[c], row["item"]) for c in cols]]) + " |")
    return "\n".join([head, rule, *body])


def write(scenarios: list[Scenario], table: pd.DataFrame, out: Path) -> tuple[Path, Path]:
    """Write ``compare.md`` and ``compare.csv`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    md, csv = out / "compare.md", out / "compare.csv"
    md.write_text(markdown(scenarios, table), encoding="utf-8")
    table.to_csv(csv, index=False)
    return md, csv


def shipped(layout: Layout | None = None) -> list[Path]:
    """The scenario files shipped in ``scenarios/``, default first."""
    files = sorted((layout or current()).scenarios.glob("*.yaml"))
    return sorted(files, key=lambda p: (p.stem != "default", p.stem))


# --- the book's scenario page ------------------------------------------------------------


def chapter_title(stem: str, layout: Layout) -> str:
    """A chapter's title as its page gives it ("The plans and their money")."""
    path = layout.chapters / f"{stem}.ipynb"
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return stem
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            first = text.strip().splitlines()[0] if text.strip() else ""
            if first.startswith("# "):
                return re.sub(r"^\d+\.\s*", "", first[2:].strip())
    return stem


def footprint_names(layout: Layout) -> dict[str, str]:
    from . import data

    frame = data.load("footprints", layout=layout)
    return dict(zip(frame["stp17cd"], frame["stp17nm"], strict=True))


def _plan(stem: str, values: list[Values], names: dict[str, str]) -> str:
    """The footprint a chapter runs for ("North Central London"), if it runs for one
    footprint and every scenario keeps the same one."""
    codes = {
        v
        for vals in values
        for v in vals.get(stem, {}).values()
        if isinstance(v, str) and CODE.match(v)
    }
    return names.get(codes.pop(), "") if len(codes) == 1 else ""


def _same(row: pd.Series, cols: list[str]) -> bool:
    shown = {_fmt(row[c], row["item"]) for c in cols}
    return len(shown) == 1


def _html_table(frame: pd.DataFrame, caption: str, numeric: list[str], note: str = "") -> str:
    """A reader's table (``stpbook.tables``: caption, numbers right-aligned, rows as
    cards on a phone when the table is wide) as one raw HTML line for a MyST page."""
    from .tables import Table

    return Table(frame.reset_index(drop=True), caption, numeric=tuple(numeric), note=note).html()


def _what(label: str) -> str:
    """ "Ch. 3, Mean gap left after delivery (GBP m a year)" -> "Mean gap left after
    delivery (£m a year)"."""
    what, unit = split_unit(label.split(", ", 1)[1] if ", " in label else label)
    return f"{what} ({unit})" if unit else what


def _assumed(table: pd.DataFrame, scen: Scenario, default: str | None) -> str:
    """What a scenario assumes, chapter by chapter, in words ("Ch. 1: real growth in
    funding, 1.2% a year; efficiency gained each year, 3%. Ch. 3: ..."): every changed
    assumption for the ``default`` scenario, and for the others only what differs from
    it."""
    parts: dict[str, list[str]] = {}
    for _, row in table[table["kind"] == "assumption"].iterrows():
        if default and scen.name != default and row[scen.name] == row[default]:
            continue
        what, unit = split_unit(row["item"].split(", ", 1)[1])
        value = str(row[scen.name])
        rest = re.sub(r"^(%|£m|£bn)\s*", "", unit) if unit[:1] in "%£" else ""
        if rest.startswith("a year") and "year" not in what:
            value += " a year"
        parts.setdefault(row["stem"], []).append(f"{what[:1].lower()}{what[1:]}, {value}")
    if not parts:
        return "The book's defaults."
    return " ".join(f"{chapter_label(stem)}: {'; '.join(items)}." for stem, items in parts.items())


def _threshold(stem: str, values: list[Values], layout: Layout) -> str:
    """A chapter's threshold as a reader would say it ("1.0 million people"), for a result
    that counts what is above "the threshold"."""
    params = parameters.declared(layout.chapters / f"{stem}.ipynb", layout)
    for name, param in params.items():
        if "threshold" in name and values and name in values[0].get(stem, {}):
            return f"{param.display(values[0][stem][name])} {param.reader_unit}".strip()
    return ""


def comparison(
    scenarios: list[Scenario], table: pd.DataFrame, values: list[Values], layout: Layout
) -> list[str]:
    """The comparison section of the book's page: what each scenario assumes, then a
    table per chapter whose results differ between scenarios (scenarios in rows), then
    the results that are the same in every scenario."""
    cols = [s.name for s in scenarios]
    titles = {s.name: s.title for s in scenarios}
    names = footprint_names(layout)
    default = cols[0]
    lines = [
        "(scenarios-assume)=",
        "### What each scenario assumes",
        "",
        "The first row gives the defaults of every assumption some scenario changes; each "
        "other row gives only what that scenario changes from them. Every other assumption "
        "is the chapter's default.",
        "",
        _html_table(
            pd.DataFrame(
                {
                    "Scenario": [s.title for s in scenarios],
                    "What it assumes": [_assumed(table, s, default) for s in scenarios],
                }
            ),
            "The assumptions behind each scenario",
            [],
        ),
        "",
    ]
    results = table[table["kind"] == "result"]
    same_rows: list[dict[str, str]] = []
    for stem, group in results.groupby("stem", sort=False):
        number = chapter_number(stem)
        if not number:
            continue  # the footprint profile is not a position in the debate
        plan = _plan(stem, values, names)
        printed = any(
            r["item"].split(", ", 1)[1].startswith(SHARES_TOTAL)
            and isinstance(r[cols[0]], int | float)
            and abs(float(r[cols[0]]) - 100) > 0.5
            for _, r in group.iterrows()
        )
        varying = [r for _, r in group.iterrows() if not _same(r, cols)]
        fixed = [r for _, r in group.iterrows() if _same(r, cols)]
        if not varying:  # said once, in the table of results no scenario changes
            for r in fixed:
                what = _what(r["item"])
                if printed and what.endswith("(%)") and not what.startswith(SHARES_TOTAL):
                    what = f"{what[:-4]}, {AS_PRINTED} (%)"
                threshold = _threshold(stem, values, layout) if "threshold" in what else ""
                if threshold:
                    what = re.sub(r"the threshold( population)?", threshold, what, count=1)
                same_rows.append(
                    {
                        "Chapter": chapter_label(stem),
                        "Result": what,
                        "Every scenario": _fmt(r[cols[0]], r["item"]),
                    }
                )
            continue
        units = {split_unit(_what(r["item"]))[1] for r in varying}
        shared = units.pop() if len(units) == 1 else ""
        same = "; ".join(f"{_what(r['item'])}: {_fmt(r[cols[0]], r['item'])}" for r in fixed)
        heading = f"Chapter {number}: {chapter_title(stem, layout)}"
        caption = (
            (f"{plan}'s plan" if plan else "Modelled by this book")
            + (f", {shared}" if shared else "")
            + (": modelled by this book" if plan else "")
        )
        lines += [f"(scenarios-ch{number})=", f"### {heading}", ""]
        if plan:
            lines += [f"The stress test runs for {plan}'s plan, the chapter's default.", ""]
        # At most three numbers a row, so that a table reads on a phone: more results
        # make more tables, of balanced sizes.
        parts = math.ceil(len(varying) / MAX_COLUMNS)
        size = math.ceil(len(varying) / parts)
        for part in range(parts):
            chunk = varying[part * size : (part + 1) * size]
            frame = pd.DataFrame({"Scenario": [titles[c] for c in cols]})
            for r in chunk:
                what = _what(r["item"])
                frame[split_unit(what)[0] if shared else what] = [
                    _fmt(r[c], r["item"]) for c in cols
                ]
            last = part == parts - 1
            note = f"The same in every scenario: {same}." if same and last else ""
            title = caption + (" (continued)" if part else "")
            lines += [_html_table(frame, title, list(frame.columns[1:]), note), ""]
    if same_rows:
        frame = pd.DataFrame(same_rows)
        lines += [
            "(scenarios-same)=",
            "### The same in every scenario",
            "",
            "No scenario changes an assumption these results depend on."
            + (
                " Shares marked as printed are a survey's figures as published, which add "
                "up to more than 100%: they cannot all be right (the chapter explains why)."
                if any(AS_PRINTED in r["Result"] for r in same_rows)
                else ""
            ),
            "",
            _html_table(frame, "Results no scenario changes", ["Every scenario"]),
            "",
        ]
    return lines


def book_page(
    scenarios: list[Scenario],
    table: pd.DataFrame,
    values: list[Values] | None = None,
    layout: Layout | None = None,
) -> str:
    """The static Markdown of the book's scenario page (``chapters/83_scenarios.md``):
    each scenario's title, description and sources, then the comparison, then how to
    rerun them. Regenerate with ``stpbook scenarios``."""
    layout = layout or current()
    if values is None:
        values = [chapter_values(s, layout) for s in scenarios]
    lines = [
        "% Written by `stpbook scenarios` from scenarios/*.yaml and the chapters' models: "
        "edit those, not this page.",
        "",
        "# Scenarios: positions in the debate",
        "",
        (
            "Each scenario is a set of assumptions standing for a position people took in "
            "the argument about the plans: the Forward View's own bargain, the sceptics' "
            "reading of it, the case for more money or more capital. Under each, the book's "
            "models give different answers. The scenarios are described first, in words, "
            "with their sources; the tables at the end compare what they give, chapter by "
            "chapter. Every figure in those tables is modelled by this book, not published."
        ),
        "",
    ]
    for s in scenarios:
        cites = ",".join(s.sources)
        lines += [
            f"(scenario-{s.name.replace('_', '-')})=",
            f"## {s.title}",
            "",
            s.description.strip() + (f" Sources: {{cite}}`{cites}`." if cites else ""),
            "",
        ]
    lines += [
        "(scenarios-comparison)=",
        "## The comparison",
        "",
        (
            "Each table below has one row per scenario. Chapter 1's figures are £bn a year "
            "by 2020/21 at 2013/14 prices; chapter 3's are £m a year for one plan's gap, "
            "from its stress test; chapter 4's are £m at today's prices for one "
            "illustrative hospital consolidation. A negative amount left for extra funding "
            "means efficiency and funding together outrun the growth in need."
        ),
        "",
        *comparison(scenarios, table, values, layout),
        "(scenarios-rerun)=",
        "## Rerunning a scenario",
        "",
        "```{admonition} For those with the book's repository",
        ":class: dropdown",
        "Each scenario is a file in the repository's `scenarios/` folder. Rerun one "
        "chapter under a scenario with `stpbook run forward_view --scenario "
        "scenarios/efficiency_as_achieved.yaml`, build a whole copy of the book under one "
        "with `stpbook build --scenario scenarios/efficiency_as_achieved.yaml`, or compare "
        "them all with `stpbook compare scenarios/*.yaml`; `stpbook scenarios` rewrites "
        "this page. The files:",
        "",
        *[
            f"- {s.title}: `scenarios/{s.path.name if s.path else s.name + '.yaml'}`"
            for s in scenarios
        ],
        "```",
        "",
    ]
    return "\n".join(lines)


def write_book_page(layout: Layout | None = None) -> Path:
    """Regenerate ``chapters/83_scenarios.md`` from the shipped scenarios."""
    layout = layout or current()
    found, table, values = _compare(shipped(layout), layout)
    page = layout.chapters / "83_scenarios.md"
    page.write_text(book_page(found, table, values, layout), encoding="utf-8")
    return page
