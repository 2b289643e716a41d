"""Compare scenarios: the key results of every chapter under each named scenario.

``stpbook compare A.yaml B.yaml ...`` calls each chapter's recipe module
(``stpbook.chapters.<name>``: ``compute`` then ``headline``) with the scenario's values,
the same functions the chapters call, so no notebook is executed and no chapter result
is computed a second time here. A chapter without a ``headline`` contributes only its
assumptions. The table goes to ``_build/compare/compare.md`` and ``.csv``.

Values for a chapter are its declared defaults, overridden by what the scenario sets
for it (``Scenario.for_chapter``), exactly as the pipeline would execute it.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from . import parameters
from .errors import ParameterError
from .layout import Layout, current
from .scenarios import Scenario, load_scenario

Values = dict[str, dict[str, Any]]  # chapter id -> parameter values


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


def results(values: Values, layout: Layout) -> dict[str, Any]:
    """The key results under one scenario's chapter values, in reading order, each
    labelled "Ch. N, what (unit)"."""
    out: dict[str, Any] = {}
    for stem, vals in values.items():
        module = recipe(layout.chapters / f"{stem}.ipynb")
        if module is None or not hasattr(module, "headline"):
            continue
        found = module.headline(module.compute(module.inputs(layout), **vals))
        number = stem.split("_")[0].lstrip("0") or "0"
        out.update({f"Ch. {number}, {k}": v for k, v in found.items()})
    return out


def assumptions(scenarios: list[Scenario], values: list[Values],
                layout: Layout) -> pd.DataFrame:
    """The assumptions any of the scenarios changes, one row each, labelled for readers
    ("Ch. 1, Growth in the cost of meeting demand (% a year)") with values shown in
    their units ("4.50%")."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for scen, vals in zip(scenarios, values, strict=True):
        for stem, chapter in vals.items():
            for name, (value, _) in parameters.differences(
                    layout.chapters / f"{stem}.ipynb", chapter, layout).items():
                rows.setdefault((stem, name), {})[scen.name] = value
    order = {(stem, name): (stem, i) for stem, chapter in values[0].items()
             for i, name in enumerate(chapter)} if values else {}
    table = []
    for (stem, name), by_scen in sorted(rows.items(), key=lambda kv: order[kv[0]]):
        param = parameters.declared(layout.chapters / f"{stem}.ipynb", layout)[name]
        number = stem.split("_")[0].lstrip("0") or "0"
        unit = f" ({param.reader_unit})" if param.reader_unit else ""
        row: dict[str, Any] = {"item": f"Ch. {number}, {param.title}{unit}"}
        for scen, vals in zip(scenarios, values, strict=True):
            row[scen.name] = param.display(by_scen.get(scen.name, vals[stem][name]))
        table.append(row)
    return pd.DataFrame(table, columns=["item", *[s.name for s in scenarios]])


def compare(files: list[Path], layout: Layout | None = None) -> tuple[
        list[Scenario], pd.DataFrame]:
    """Load each scenario and tabulate its assumptions and key results.

    Returns the scenarios and one table: a row per changed assumption and per result,
    a column per scenario (named by the scenario's ``name``)."""
    layout = layout or current()
    if not files:
        raise ParameterError("compare needs at least one scenario file")
    scenarios = [load_scenario(Path(p), layout) for p in files]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ParameterError(f"two scenario files share a name: {names}")
    values = [chapter_values(s, layout) for s in scenarios]
    assumed = assumptions(scenarios, values, layout)
    assumed.insert(0, "kind", "assumption")
    rows = [results(v, layout) for v in values]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    found = pd.DataFrame([{"kind": "result", "item": k,
                           **{s.name: r.get(k) for s, r in zip(scenarios, rows)}}
                          for k in keys], columns=["kind", "item", *names])
    return scenarios, pd.concat([assumed, found], ignore_index=True)


def _fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 1 or value == 0 else f"{value:.4g}"
    return str(value)


def markdown(scenarios: list[Scenario], table: pd.DataFrame) -> str:
    """The comparison as a Markdown page: the scenarios, then the table."""
    lines = ["# Scenario comparison", ""]
    for s in scenarios:
        lines.append(f"- **{s.name}**: {s.title}")
    lines += ["", markdown_table(table), ""]
    return "\n".join(lines)


def markdown_table(table: pd.DataFrame) -> str:
    """A pipe table: assumptions first, then results; numbers to one decimal place."""
    cols = [c for c in table.columns if c != "kind"]
    head = "| " + " | ".join(["", *cols[1:]]) + " |"
    rule = "| " + " | ".join([":--", *["--:"] * (len(cols) - 1)]) + " |"
    body = []
    for _, row in table.iterrows():
        label = row["item"] if row["kind"] == "result" else f"*{row['item']}*"
        body.append("| " + " | ".join([label, *[_fmt(row[c]) for c in cols[1:]]]) + " |")
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


def book_page(scenarios: list[Scenario], table: pd.DataFrame) -> str:
    """The static Markdown of the book's scenario page (``chapters/83_scenarios.md``):
    each scenario's title, description and sources, then the comparison table.
    Regenerate with ``stpbook scenarios``."""
    lines = [
        "# Scenarios: positions in the debate",
        "",
        ("Each scenario is a named set of assumptions in `scenarios/`, standing for a "
        "position taken in the argument about the plans. Rerun any chapter under one "
        "(`stpbook run forward_view --scenario scenarios/efficiency_as_achieved.yaml`), "
        "build a whole variant book (`stpbook build --scenario ...`), or compare them all "
        "(`stpbook compare scenarios/*.yaml`), which produced the table at the end of this "
        "page from the book's models."),
        "",
    ]
    for s in scenarios:
        cites = ",".join(s.sources)
        lines += [f"## {s.title}", "", (f"File `scenarios/{s.path.name if s.path else s.name}`"
                  f" (name `{s.name}`)."), "", s.description.strip()
                  + (f" Sources: {{cite}}`{cites}`." if cites else ""), ""]
    lines += [
        "## The comparison",
        "",
        ("Rows in italics are the assumptions a scenario changes (chapter: parameter); the "
        "others are results computed by the same model functions the chapters call, at "
        "each chapter's horizon. Chapter 1's figures are GBP bn a year at 2013/14 prices; "
        "chapter 4's are GBP m at today's prices for one illustrative consolidation. "
        "Negative money left for extra funding means efficiency and funding together "
        "outrun demand. All figures are modelled by this book."),
        "",
        markdown_table(table),
        "",
    ]
    return "\n".join(lines)


def write_book_page(layout: Layout | None = None) -> Path:
    """Regenerate ``chapters/83_scenarios.md`` from the shipped scenarios."""
    layout = layout or current()
    found, table = compare(shipped(layout), layout)
    page = layout.chapters / "83_scenarios.md"
    page.write_text(book_page(found, table), encoding="utf-8")
    return page
