"""Compare scenarios: the key results of every chapter under each named scenario.

``stpbook compare A.yaml B.yaml ...`` calls the pure models (``stpbook.models``) with
each scenario's values, the same functions the chapters call, so no notebook is
executed and a comparison takes well under a second. Each chapter that has a
result here contributes rows; a chapter without one (or not written yet) contributes
only its assumptions. The table goes to ``_build/compare/compare.md`` and ``.csv``.

Values for a chapter are its declared defaults, overridden by what the scenario sets
for it (``Scenario.for_chapter``), exactly as the pipeline would execute it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from . import parameters, paths
from .errors import ParameterError

Values = dict[str, dict[str, Any]]  # chapter id -> parameter values


def chapter_values(scenario: parameters.Scenario,
                   chapters: Path | None = None) -> Values:
    """Every chapter's parameter values under ``scenario``: defaults, then its own."""
    out: Values = {}
    for nb in parameters.chapter_notebooks(chapters):
        values = parameters.defaults(nb)
        values.update(scenario.for_chapter(nb))
        out[nb.stem] = values
    return out


def _find(values: Values, short: str) -> dict[str, Any] | None:
    """The values of the chapter whose id ends with ``short`` (e.g. ``forward_view``)."""
    for stem, vals in values.items():
        if stem.split("_", 1)[-1] == short or stem == short:
            return vals
    return None


def _call(fn: Callable[..., Any], values: dict[str, Any], **fixed: Any) -> Any:
    """Call ``fn`` with the chapter values whose names match its arguments (the chapters
    use the models' argument names as parameter names). Raises KeyError if a required
    argument is missing, so a chapter whose declaration changed is reported, not guessed."""
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(fn).parameters.items():
        if name in fixed:
            kwargs[name] = fixed[name]
        elif name in values:
            kwargs[name] = values[name]
        elif f"{name}_gbp_m" in values:  # chapters name money parameters with their unit
            kwargs[name] = values[f"{name}_gbp_m"]
        elif param.default is inspect.Parameter.empty:
            raise KeyError(name)
    return fn(**kwargs)


# --- results per chapter -------------------------------------------------------------

def fyfv_base() -> tuple[float, int]:
    """The Forward View's base budget (GBP bn, 2013/14) and base year, from data/."""
    from . import data

    fyfv = data.load("fyfv_assumptions").set_index("key")["value"]
    return float(fyfv["base_budget_2013_14_gbp_bn"]), int(fyfv["base_year_start"])


def gap_results(demand_growth: float, funding_growth: float, efficiency_rate: float,
                horizon_year: int) -> dict[str, float]:
    """Chapter 1's headline results at the horizon year (GBP bn a year, 2013/14 prices):
    the do-nothing gap, what efficiency closes, what is left for extra funding, and the
    share of the do-nothing gap left (%)."""
    from .models import gap

    base_bn, base_year = fyfv_base()
    years = horizon_year - base_year
    do_nothing = gap.do_nothing_gap(base_bn, demand_growth, funding_growth, years)
    closed = gap.closed_by_efficiency(base_bn, demand_growth, efficiency_rate, years)
    left = gap.remaining_gap(base_bn, demand_growth, funding_growth, efficiency_rate, years)
    share = 100 * left / do_nothing if do_nothing else float("nan")
    return {
        "Gap if nothing changes (GBP bn a year)": do_nothing,
        "Closed by efficiency (GBP bn a year)": closed,
        "Left for extra funding (GBP bn a year)": left,
        "Share of the gap left (%)": share,
    }


def _forward_view(values: Values) -> dict[str, Any]:
    vals = _find(values, "forward_view")
    if vals is None:
        return {}
    out = _call(gap_results, vals)
    out.pop("Share of the gap left (%)")  # meaningless once funding grows past demand
    base_bn, base_year = fyfv_base()
    from .models import gap

    out["Real funding added (GBP bn a year)"] = gap.funding_bn(
        base_bn, vals["funding_growth"], vals["horizon_year"] - base_year) - base_bn
    return {f"Ch. 1, {k}": v for k, v in out.items()}


def _reconfigurations(values: Values) -> dict[str, Any]:
    vals = _find(values, "reconfigurations")
    if vals is None:
        return {}
    from .models import reconfiguration as rc

    try:
        npv = _call(rc.npv, vals)
        payback = _call(rc.payback_year, vals)
    except KeyError:
        return {}
    return {"Ch. 4, Net present value of the consolidation (GBP m)": npv,
            "Ch. 4, Discounted payback": rc.payback_label(payback)}


def stress_results(footprint: str, efficiency_delivered: float,
                   activity_reduction_achieved: float, extra_funding_gbp_m: float,
                   activity_share: float, draws: int, seed: int) -> dict[str, float]:
    """Chapter 3's stress test for one plan (or ``"all"`` published plans added up), as
    the chapter computes it: the mean gap left (GBP m a year) and the share of draws in
    which the plan closes its whole gap (%)."""
    from . import data
    from .models import stress

    choices = parameters.declared("plans_and_money")["footprint"].choices
    gaps = data.load("financial_gaps")
    headline = gaps[gaps["is_headline"].astype(str).str.lower() == "true"]
    usable = headline[headline["stp17cd"].isin([c for c in choices if c != "all"])]
    if footprint == "all":
        gap_gbp_m = float(usable["gap_gbp_m"].sum())
    else:
        gap_gbp_m = float(usable.set_index("stp17cd").loc[footprint, "gap_gbp_m"])
    programme = stress.activity_programme(data.load("activity_assumptions"))
    remaining = stress.simulate(gap_gbp_m, programme, efficiency_delivered,
                                activity_reduction_achieved, extra_funding_gbp_m,
                                activity_share, draws, seed)
    summary = stress.summarise(remaining, gap_gbp_m)
    return {"Plan's gap (GBP m a year)": gap_gbp_m,
            "Mean gap left after delivery (GBP m a year)": summary["mean"],
            "Draws that close the whole gap (%)": 100 * summary["share_closed"]}


def _plans_and_money(values: Values) -> dict[str, Any]:
    vals = _find(values, "plans_and_money")
    if vals is None:
        return {}
    try:
        result = _call(stress_results, vals)
    except (KeyError, ImportError):
        return {}
    return {f"Ch. 3, {k}": v for k, v in result.items()}


RESULTS: tuple[Callable[[Values], dict[str, Any]], ...] = (
    _forward_view, _plans_and_money, _reconfigurations)


def results(values: Values) -> dict[str, Any]:
    """The key results under one scenario's chapter values, in reading order."""
    out: dict[str, Any] = {}
    for fn in RESULTS:
        out.update(fn(values))
    return out


def assumptions(scenarios: list[parameters.Scenario], values: list[Values]) -> pd.DataFrame:
    """The parameters any of the scenarios changes, one row each (chapter, name)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for scen, vals in zip(scenarios, values):
        for stem, chapter in vals.items():
            for name, (value, _) in parameters.differences(
                    paths.chapters_dir() / f"{stem}.ipynb", chapter).items():
                rows.setdefault((stem, name), {})[scen.name] = value
    order = {(stem, name): (stem, i) for stem, chapter in values[0].items()
             for i, name in enumerate(chapter)} if values else {}
    table = []
    for (stem, name), by_scen in sorted(rows.items(), key=lambda kv: order[kv[0]]):
        row = {"item": f"{stem}: {name}"}
        for scen, vals in zip(scenarios, values):
            row[scen.name] = by_scen.get(scen.name, vals[stem][name])
        table.append(row)
    return pd.DataFrame(table, columns=["item", *[s.name for s in scenarios]])


def compare(paths_: list[Path], chapters: Path | None = None) -> tuple[
        list[parameters.Scenario], pd.DataFrame]:
    """Load each scenario and tabulate its assumptions and key results.

    Returns the scenarios and one table: a row per changed assumption and per result,
    a column per scenario (named by the scenario's ``name``)."""
    if not paths_:
        raise ParameterError("compare needs at least one scenario file")
    scenarios = [parameters.load_scenario(Path(p), chapters) for p in paths_]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ParameterError(f"two scenario files share a name: {names}")
    values = [chapter_values(s, chapters) for s in scenarios]
    assumed = assumptions(scenarios, values)
    assumed.insert(0, "kind", "assumption")
    rows = [results(v) for v in values]
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


def markdown(scenarios: list[parameters.Scenario], table: pd.DataFrame) -> str:
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


def write(scenarios: list[parameters.Scenario], table: pd.DataFrame,
          out: Path | None = None) -> tuple[Path, Path]:
    """Write ``compare.md`` and ``compare.csv`` into ``out`` (``_build/compare``)."""
    out = Path(out or paths.root() / "_build" / "compare")
    out.mkdir(parents=True, exist_ok=True)
    md, csv = out / "compare.md", out / "compare.csv"
    md.write_text(markdown(scenarios, table), encoding="utf-8")
    table.to_csv(csv, index=False)
    return md, csv


def shipped() -> list[Path]:
    """The scenario files shipped in ``scenarios/``, default first."""
    files = sorted(paths.scenarios_dir().glob("*.yaml"))
    return sorted(files, key=lambda p: (p.stem != "default", p.stem))


def book_page(scenarios: list[parameters.Scenario], table: pd.DataFrame) -> str:
    """The static Markdown of the book's scenario page (``chapters/83_scenarios.md``):
    each scenario's title, description and sources, then the comparison table.
    Regenerate with ``python -m stpbook.compare``."""
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


if __name__ == "__main__":
    found, tab = compare(shipped())
    (paths.chapters_dir() / "83_scenarios.md").write_text(book_page(found, tab),
                                                         encoding="utf-8")
