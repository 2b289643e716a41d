"""The ``stpbook`` command.

    stpbook list                                  chapters and their parameters
    stpbook run CHAPTER -p NAME VALUE ...         one chapter, new parameters -> runs/<name>/
    stpbook book                                  the default book -> _build/html (make book)
    stpbook build --scenario FILE                 a variant book -> _build/scenarios/<name>/html
    stpbook data [validate [PATH]]                the data package: list, or validate
    stpbook compare A.yaml B.yaml ...             key results across scenarios -> _build/compare/

Exit status: 0 success, 1 a failed execution or build, 2 a refused request (bad
parameter, unknown chapter, bad scenario, an existing run folder, invalid data).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import parameters, paths, pipeline
from .errors import ExecutionError, ParameterError, StpBookError


def _list(_: argparse.Namespace) -> int:
    for nb in parameters.chapter_notebooks():
        print(nb.stem)
        for p in parameters.declared(nb).values():
            step = f", step {p.step:g}" if p.step else ""
            print(f"  {p.name}: {p.type} = {p.default!r}  [{p.describe_range()}{step}] {p.unit}")
            print(f"      {p.note}")
    return 0


def _run(args: argparse.Namespace) -> int:
    notebook = parameters.resolve_chapter(args.chapter)
    scenario = parameters.load_scenario(Path(args.scenario)) if args.scenario else None
    values = scenario.for_chapter(notebook) if scenario else {}
    given = {}
    for name, value in args.parameters or []:
        given[name] = value
    values.update(parameters.validate(notebook, given))
    name = args.name or f"{notebook.stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    if "/" in name or name.startswith("."):
        raise ParameterError(f"--name must be a plain folder name, got {name!r}")
    target = paths.root() / "runs" / name
    if target.exists() and not args.force:
        raise ParameterError(f"{target} already exists; choose another --name or pass --force")
    pipeline.run_one(notebook, values, name, force=args.force, scenario=scenario)
    return 0


def _book(args: argparse.Namespace, variant: bool) -> int:
    summary = pipeline.make_book(scenario_path=args.scenario, variant=variant,
                                 workers=args.workers)
    print(summary.line())
    return 0


def _data(args: argparse.Namespace) -> int:
    from . import data

    if args.action == "validate":
        errors, notices = data.check(Path(args.path) if args.path else None)
        for notice in notices:
            print(f"notice: {notice}")
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"{'INVALID' if errors else 'valid'}: {len(errors)} errors, {len(notices)} notices")
        return 2 if errors else 0
    for res in data.resources():
        print(f"{res['name']:<28} {res['rows']:>5} rows  {res['path']}")
        print(f"    {res['description']}")
        for src in res.get("sources", []):
            print(f"    source: {src.get('title', src)}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from . import compare

    files = [Path(f) for f in args.scenarios] or compare.shipped()
    scenarios, table = compare.compare(files)
    md, csv = compare.write(scenarios, table, Path(args.out) if args.out else None)
    print(compare.markdown_table(table))
    print(f"wrote {md} and {csv}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="stpbook", description=__doc__.split("\n")[0])
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="chapters and their parameters").set_defaults(func=_list)

    run = sub.add_parser("run", help="execute one chapter with new parameters into runs/")
    run.add_argument("chapter", help="chapter id, short name or number (see stpbook list)")
    run.add_argument("-p", "--parameter", dest="parameters", nargs=2, action="append",
                     metavar=("NAME", "VALUE"), help="a parameter value (repeatable)")
    run.add_argument("--scenario", help="a scenario YAML file to start from")
    run.add_argument("--name", help="the run folder name under runs/ (default: chapter-time)")
    run.add_argument("--force", action="store_true", help="overwrite runs/<name> if it exists")
    run.set_defaults(func=_run)

    book = sub.add_parser("book", help="execute every chapter and build _build/html")
    book.add_argument("--scenario", help="scenario file (default scenarios/default.yaml)")
    book.add_argument("--workers", type=int, help="parallel papermill workers (default: cores)")
    book.set_defaults(func=lambda a: _book(a, variant=False))

    build = sub.add_parser("build", help="a variant book under _build/scenarios/<name>/html")
    build.add_argument("--scenario", required=True, help="scenario YAML file")
    build.add_argument("--workers", type=int, help="parallel papermill workers (default: cores)")
    build.set_defaults(func=lambda a: _book(a, variant=True))

    data = sub.add_parser("data", help="list the data package's resources, or validate")
    data.add_argument("action", nargs="?", choices=["list", "validate"], default="list")
    data.add_argument("path", nargs="?", help="with validate: one edited CSV to check")
    data.set_defaults(func=_data)

    comp = sub.add_parser("compare", help="key results across scenarios -> _build/compare/")
    comp.add_argument("scenarios", nargs="*", help="scenario YAML files (default: all shipped)")
    comp.add_argument("--out", help="output folder (default _build/compare)")
    comp.set_defaults(func=_compare)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ParameterError as exc:
        print(f"stpbook: {exc}", file=sys.stderr)
        return 2
    except ExecutionError as exc:
        print(f"stpbook: execution failed: {exc}", file=sys.stderr)
        return 1
    except StpBookError as exc:
        code = 2 if exc.__class__.__name__ == "DataError" else 1
        print(f"stpbook: {exc}", file=sys.stderr)
        return code
    except KeyboardInterrupt:
        print("stpbook: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
