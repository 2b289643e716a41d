"""The ``stpbook`` command: every task on the book, one subcommand each.

    stpbook list                                  chapters and their parameters
    stpbook run CHAPTER -p NAME VALUE ...         one chapter, new parameters -> runs/<name>/
    stpbook book                                  the default book -> _build/html (make book)
    stpbook build --scenario FILE                 a variant book -> _build/scenarios/<name>/html
    stpbook preview CHAPTER ...                   just these chapters -> _build/preview/<names>/html
    stpbook screenshots [--html DIR]              every page, 1280 and 375 px -> _build/screenshots
    stpbook data [list|validate [PATH]]           the data package: list, or validate
    stpbook compare A.yaml B.yaml ...             key results across scenarios
    stpbook scenarios                             regenerate the book's scenario page
    stpbook handout                               the student handout (PDF)
    stpbook offline                               the offline pack (zip)
    stpbook slides                                the lesson plans' slide decks (offline HTML)
    stpbook teaching [--pages]                    every teaching file; --pages: the teaching pages
    stpbook seminar [--port N]                    the live seminar dashboard (Voila)
    stpbook lab [--port N]                        JupyterLab on 127.0.0.1
    stpbook setup                                 register the kernel and the book's folder

Exit status: 0 success, 1 a failed execution or build, 2 a refused request (bad
parameter, unknown chapter, bad scenario, an existing run folder, invalid data, a
folder that cannot be written), 130 interrupted.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import Any

from .errors import Failed, Refused, StpBookError
from .layout import Layout, safe_name

PARAMETER_FLAGS = ("-p", "--parameter")


def _layout() -> Layout:
    return Layout.find()


def _list(_: argparse.Namespace) -> int:
    import re

    from . import parameters

    layout = _layout()
    names: dict[str, str] | None = None
    for nb in parameters.chapter_notebooks(layout):
        print(f"{nb.stem}  (stpbook run {parameters.short_name(nb)})")
        for p in parameters.declared(nb, layout).values():
            step = f", step {p.step:g}" if p.step else ""
            choices = p.choices or ()
            codes = p.type == "str" and any(re.fullmatch(r"E54\d{6}", c) for c in choices)
            if not codes:
                print(
                    f"  {p.name}: {p.type} = {p.default!r}  [{p.describe_range()}{step}] {p.unit}"
                )
                print(f"      {p.title}: {p.note}")
                continue
            # Footprint codes mean little on their own: list each with its name.
            if names is None:
                from . import data

                foot = data.load("footprints", layout=layout)
                names = dict(zip(foot["stp17cd"], foot["stp17nm"], strict=True))
            print(
                f"  {p.name}: {p.type} = {p.default!r}  [one of the {len(choices)} "
                f"values below] {p.unit}"
            )
            print(f"      {p.title}: {p.note}")
            for code in choices:
                print(f"        {code}  {names.get(code, '')}".rstrip())
    return 0


def _run(args: argparse.Namespace) -> int:
    from . import parameters, pipeline, scenarios

    layout = _layout()
    notebook = parameters.resolve_chapter(args.chapter, layout)
    scenario = scenarios.load_scenario(Path(args.scenario), layout) if args.scenario else None
    values = scenario.for_chapter(notebook) if scenario else {}
    given = dict(args.parameters or [])
    values.update(parameters.validate(notebook, given, layout))
    if args.name is not None:
        name = safe_name(args.name, "--name")
    else:
        name = f"{notebook.stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    layout.run_folder(name)  # refused before anything runs if unsafe
    pipeline.run_one(notebook, values, name, force=args.force, scenario=scenario, layout=layout)
    return 0


def _book(args: argparse.Namespace, variant: bool) -> int:
    from . import pipeline

    summary = pipeline.make_book(
        _layout(), scenario_path=args.scenario, variant=variant, workers=args.workers
    )
    print(summary.line())
    return 0


def _preview(args: argparse.Namespace) -> int:
    from . import parameters, pipeline

    layout = _layout()
    stems = [parameters.resolve_chapter(c, layout).stem for c in args.chapters]
    summary = pipeline.make_book(layout, scenario_path=args.scenario, only=stems)
    print(summary.line())
    return 0


def _screenshots(args: argparse.Namespace) -> int:
    from . import screenshots

    layout = _layout()
    html = Path(args.html) if args.html else layout.html()
    out = Path(args.out) if args.out else layout.screenshots
    for line in screenshots.take(html, out, pages=args.pages or None):
        print(line)
    return 0


def _data(args: argparse.Namespace) -> int:
    from . import data

    layout = _layout()
    if args.action == "validate":
        errors, notices = data.check(Path(args.path) if args.path else None, layout)
        for notice in notices:
            print(f"notice: {notice}")
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"{'INVALID' if errors else 'valid'}: {len(errors)} errors, {len(notices)} notices")
        return 2 if errors else 0
    errors, _ = data.check(None, layout)
    for res in data.resources(layout):
        rows = "missing" if res["rows"] is None else f"{res['rows']:>5} rows"
        print(f"{res['name']:<28} {rows}  {res['path']}")
        print(f"    {res['description']}")
        for src in res.get("sources", []):
            print(f"    source: {src.get('title', src)}")
    if errors:
        print(f"{len(errors)} problems: run 'stpbook data validate'", file=sys.stderr)
        return 2
    return 0


def _compare(args: argparse.Namespace) -> int:
    from . import compare

    layout = _layout()
    files = [Path(f) for f in args.scenarios] or compare.shipped(layout)
    found, table = compare.compare(files, layout)
    md, csv = compare.write(found, table, Path(args.out) if args.out else layout.compare)
    print(compare.markdown_table(table))
    print(f"wrote {md} and {csv}")
    return 0


def _scenarios(_: argparse.Namespace) -> int:
    from . import compare

    layout = _layout()
    page = compare.write_book_page(layout)
    print(f"wrote {page}")
    return 0


def _handout(_: argparse.Namespace) -> int:
    from .teaching import handout

    print(f"wrote {handout.handout(_layout())}")
    return 0


def _offline(_: argparse.Namespace) -> int:
    from .teaching import handout

    print(f"wrote {handout.offline(_layout())}")
    return 0


def _slides(_: argparse.Namespace) -> int:
    from .teaching import numbers, slides

    layout = _layout()
    for deck in slides.build(numbers.book(layout), layout.teaching / "slides"):
        print(f"wrote {deck}")
    return 0


def _teaching(args: argparse.Namespace) -> int:
    from . import teaching
    from .teaching import pages

    layout = _layout()
    if args.pages:
        for page in pages.write(layout):
            print(f"wrote {page}")
        return 0
    manifest = teaching.build(layout, print, force=True)
    print(
        f"wrote {layout.teaching}: "
        + ", ".join(
            f"{name}.pdf {n} pages" + ("" if manifest["printed"][name] else " (a note: no browser)")
            for name, n in manifest["pages"].items()
        )
    )
    if (layout.html() / "index.html").exists():
        print(f"published into {teaching.publish(layout, layout.html(), print)}")
    return 0


def _seminar(args: argparse.Namespace) -> int:
    from . import servers

    return servers.seminar(_layout(), args.port)


def _lab(args: argparse.Namespace) -> int:
    from . import servers

    return servers.lab(_layout(), args.port)


def _setup(_: argparse.Namespace) -> int:
    from . import kernel

    for line in kernel.setup(_layout()):
        print(line)
    return 0


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a port is a whole number, got {text!r}") from None
    if not 1024 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port must be between 1024 and 65535, got {port}")
    return port


def _workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"workers is a whole number, got {text!r}") from None
    if workers < 1:
        raise argparse.ArgumentTypeError(f"workers must be at least 1, got {workers}")
    return workers


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="stpbook",
        description=(__doc__ or "").split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit status: 0 success, 1 failed, 2 refused.",
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", help="chapters and their parameters").set_defaults(func=_list)

    run = sub.add_parser("run", help="execute one chapter with new parameters into runs/")
    run.add_argument("chapter", help="chapter id, short name or number (see stpbook list)")
    run.add_argument(
        "-p",
        "--parameter",
        dest="parameters",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="a parameter value (repeatable); negative numbers are fine",
    )
    run.add_argument("--scenario", help="a scenario YAML file to start from")
    run.add_argument("--name", help="the run folder name under runs/ (default: chapter-time)")
    run.add_argument("--force", action="store_true", help="overwrite runs/<name> if it exists")
    run.set_defaults(func=_run)

    book = sub.add_parser("book", help="execute every chapter and build _build/html")
    book.add_argument("--scenario", help="scenario file (default scenarios/default.yaml)")
    book.add_argument(
        "--workers", type=_workers, help="parallel papermill workers (default: cores)"
    )
    book.set_defaults(func=lambda a: _book(a, variant=False))

    build = sub.add_parser("build", help="a variant book under _build/scenarios/<name>/html")
    build.add_argument("--scenario", required=True, help="scenario YAML file")
    build.add_argument(
        "--workers", type=_workers, help="parallel papermill workers (default: cores)"
    )
    build.set_defaults(func=lambda a: _book(a, variant=True))

    preview = sub.add_parser(
        "preview",
        help="a book with just these chapters, for checking "
        "one chapter -> _build/preview/<names>/html",
    )
    preview.add_argument("chapters", nargs="+", help="chapter ids, short names or numbers")
    preview.add_argument("--scenario", help="scenario file (default scenarios/default.yaml)")
    preview.set_defaults(func=_preview)

    shots = sub.add_parser("screenshots", help="a PNG of every page at 1280 and 375 px wide")
    shots.add_argument("--html", help="the built book (default _build/html)")
    shots.add_argument("--out", help="output folder (default _build/screenshots)")
    shots.add_argument(
        "--pages", nargs="*", help="only these pages (e.g. chapters/01_forward_view)"
    )
    shots.set_defaults(func=_screenshots)

    data = sub.add_parser("data", help="list the data package's resources, or validate")
    data.add_argument("action", nargs="?", choices=["list", "validate"], default="list")
    data.add_argument("path", nargs="?", help="with validate: one edited CSV to check")
    data.set_defaults(func=_data)

    comp = sub.add_parser("compare", help="key results across scenarios -> _build/compare/")
    comp.add_argument("scenarios", nargs="*", help="scenario YAML files (default: all shipped)")
    comp.add_argument("--out", help="output folder (default _build/compare)")
    comp.set_defaults(func=_compare)

    sub.add_parser(
        "scenarios", help="regenerate chapters/83_scenarios.md from scenarios/"
    ).set_defaults(func=_scenarios)
    sub.add_parser(
        "handout", help="the student handout -> _build/teaching/handout.pdf"
    ).set_defaults(func=_handout)
    sub.add_parser(
        "offline", help="the offline pack -> _build/teaching/stp-book-offline.zip"
    ).set_defaults(func=_offline)
    sub.add_parser(
        "slides", help="the lesson plans' slide decks -> _build/teaching/slides/"
    ).set_defaults(func=_slides)
    teach = sub.add_parser(
        "teaching",
        help="handout, role cards, slides -> _build/teaching, "
        "published into the built book with the offline pack",
    )
    teach.add_argument(
        "--pages",
        action="store_true",
        help="instead, rewrite the generated "
        "teaching pages in chapters/ (lesson plans, debate kit, pre-reading)",
    )
    teach.set_defaults(func=_teaching)
    seminar = sub.add_parser("seminar", help="the live seminar dashboard on 127.0.0.1 (Voila)")
    seminar.add_argument("--port", type=_port, default=None, help="port (default 8866, or PORT)")
    seminar.set_defaults(func=_seminar)
    lab = sub.add_parser("lab", help="JupyterLab on 127.0.0.1 in the book's environment")
    lab.add_argument("--port", type=_port, default=None, help="port (default 8888, or PORT)")
    lab.set_defaults(func=_lab)
    sub.add_parser(
        "setup", help="register the stpbook kernel and this book's folder in the environment"
    ).set_defaults(func=_setup)
    return top


def split_parameters(argv: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Take every ``-p NAME VALUE`` out of ``argv`` before argparse sees it, so a value
    such as ``-1e-3`` or ``-.5`` is never mistaken for an option."""
    rest: list[str] = []
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(argv):
        if argv[i] in PARAMETER_FLAGS:
            if i + 2 >= len(argv):
                raise Refused(f"{argv[i]} needs a NAME and a VALUE")
            pairs.append((argv[i + 1], argv[i + 2]))
            i += 3
            continue
        rest.append(argv[i])
        i += 1
    return rest, pairs


def _interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        rest, pairs = split_parameters(argv)
    except Refused as exc:
        print(f"stpbook: {exc}", file=sys.stderr)
        return 2
    args = parser().parse_args(rest)
    if pairs:
        if args.command != "run":
            print("stpbook: -p is only for 'stpbook run'", file=sys.stderr)
            return 2
        args.parameters = pairs
    # SIGTERM (a CI timeout, a process manager) cleans up like Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return int(args.func(args))
    except Refused as exc:
        print(f"stpbook: {exc}", file=sys.stderr)
        return 2
    except Failed as exc:
        print(f"stpbook: {exc}", file=sys.stderr)
        return 1
    except StpBookError as exc:
        print(f"stpbook: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the output was piped into `head` or similar: not an error
        sys.stderr.close()
        return 0
    except OSError as exc:
        from .pipeline.files import disk_message

        where = Path(exc.filename) if getattr(exc, "filename", None) else Path.cwd()
        print(f"stpbook: {disk_message(exc, where)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stpbook: interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
