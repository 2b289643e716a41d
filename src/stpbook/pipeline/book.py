"""``make book`` and ``stpbook build``: every chapter executed, the HTML book built.

::

    scenarios/*.yaml --\\
    chapters/*.ipynb ---+--> papermill (parallel, cached) --> executed/ --> site/ --> html/
    data/*.csv --------/

The default book goes to ``_build/html``; a variant book (``variant=True``) to
``_build/scenarios/<name>/html`` with a banner on every page. The whole run holds the
book's lock (``lock.exclusive``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..layout import Layout
from ..scenarios import Scenario, load_scenario
from . import lock, profiles
from .execute import ChapterResult, Job, execute_chapters
from .files import ensure, write_if_changed
from .site import assemble_site, build_html


def plan(layout: Layout, scenario: Scenario, only: list[str] | None = None) -> list[Job]:
    """Every execution the book needs under ``scenario``, validated before any runs:
    each notebook in the table of contents with the scenario's values for it, then one
    run of the profile notebook per footprint (with ``only``, just those chapters; the
    profile notebook's stem there stands for all its runs)."""
    jobs = [
        Job(nb, scenario.for_chapter(nb), f"chapters/{nb.stem}")
        for nb in layout.notebooks()
        if only is None or nb.stem in only
    ]
    found = profiles.settings(layout)
    if found and (only is None or found.notebook.stem in only):
        jobs += profiles.jobs(layout, scenario, found)
    return jobs


def profile_toc(layout: Layout, found: profiles.Profiles, toc: bytes | None) -> bytes:
    """The site's table of contents with the profiles hung under their page."""
    import yaml

    data = yaml.safe_load(toc or layout.toc_file.read_bytes())
    if "parts" not in data:  # a preview's flat contents
        data = {
            "format": data["format"],
            "root": data["root"],
            "parts": [{"caption": "Preview", "chapters": data.get("chapters", [])}],
        }
        if not any(e.get("file") == found.under for e in data["parts"][0]["chapters"]):
            data["parts"][0]["chapters"].append({"file": found.under})
    return yaml.safe_dump(profiles.with_profiles(data, found), sort_keys=False).encode()


def preview_config(layout: Layout) -> bytes:
    """The site configuration for a preview: links to chapters the preview leaves out
    are not errors there (they are in the full book)."""
    import yaml

    from .site import site_config

    config = yaml.safe_load(site_config(layout.config_file.read_text(encoding="utf-8")))
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["suppress_warnings"] = [
        *sphinx.get("suppress_warnings", []),
        "myst.xref_missing",
        "ref.ref",
        "ref.doc",
        "toc.excluded",
    ]
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True).encode()


def preview_pages(layout: Layout, stems: list[str]) -> list[str]:
    """The pages of a preview: ``stems`` and the bibliography page (citations need it)."""
    bib = [
        p.stem
        for p in sorted(layout.chapters.glob("*.md"))
        if "{bibliography}" in p.read_text(encoding="utf-8")
    ]
    return [*stems, *(b for b in bib if b not in stems)]


def preview_toc(layout: Layout, stems: list[str]) -> bytes:
    """A table of contents with the book's root page and just ``stems``."""
    import yaml

    root = layout.parts()[0][1][0]
    profile = layout.profile_notebook()
    skip = {root, profile.stem if profile else ""}  # the profiles hang under their page
    toc = {
        "format": "jb-book",
        "root": f"chapters/{root}",
        "chapters": [
            {"file": f"chapters/{s}"} for s in preview_pages(layout, stems) if s not in skip
        ],
    }
    return yaml.safe_dump(toc, sort_keys=False).encode()


@dataclass
class BookSummary:
    html: Path
    results: list[ChapterResult]
    seconds: float
    rebuilt: bool

    def line(self) -> str:
        executed = sum(r.status == "executed" for r in self.results)
        cached = sum(r.status == "cached" for r in self.results)
        html_state = "rebuilt" if self.rebuilt else "unchanged"
        return (
            f"{executed} executed, {cached} from cache, HTML {html_state}, "
            f"{self.seconds:.1f} s; open {self.html / 'index.html'}"
        )


def make_book(
    root: Path | Layout | None = None,
    scenario_path: Path | None = None,
    variant: bool = False,
    workers: int | None = None,
    log: Callable[[str], None] = print,
    only: list[str] | None = None,
) -> BookSummary:
    """Execute every chapter under a scenario and build its HTML book (see the module
    docstring). ``root`` is the book (a folder or a Layout; default: the current one).
    ``only`` (chapter stems) builds a preview with just those chapters into
    ``_build/preview/<stems>/html``, for an author checking one chapter."""
    start = time.perf_counter()
    layout = (
        root
        if isinstance(root, Layout)
        else (Layout(Path(root).resolve()) if root else Layout.find())
    )
    scenario = load_scenario(Path(scenario_path or layout.default_scenario), layout)
    found = profiles.settings(layout)
    if only and found and found.notebook.stem in only:  # their page comes with them
        only = [*only, *[Path(found.under).name] * (Path(found.under).name not in only)]
    jobs = plan(layout, scenario, only)  # validates every value before anything runs
    extra: dict[str, bytes] = {}
    if only:
        out = layout.preview("-".join(only))
        extra["_toc.yml"] = preview_toc(layout, only)
        extra["_config.yml"] = preview_config(layout)
    else:
        out = layout.output(scenario.name if variant else None)
    if found and any(job.notebook == found.notebook for job in jobs):
        extra.update(profiles.group_pages(found))
        extra["_toc.yml"] = profile_toc(layout, found, extra.get("_toc.yml"))
    with lock.exclusive(out if only else layout.build):
        log(
            f"executing {len(jobs)} chapters with papermill (scenario {scenario.name}, "
            f"{workers or os.cpu_count()} workers)"
        )
        results = execute_chapters(layout, jobs, workers, log)
        executed = [
            (job, r.notebook)
            for job, r in zip(jobs, results, strict=True)
            if r.notebook is not None
        ]
        assemble_site(
            layout,
            executed,
            out / "site",
            scenario if variant else None,
            extra,
            pages=preview_pages(layout, only) if only else None,
        )
        ensure(out / "executed")
        for job, path in executed:
            write_if_changed(out / "executed" / f"{job.label}.ipynb", path.read_bytes())
        write_manifest(out / "executed" / "manifest.json", results, scenario, jobs)
        rebuilt = build_html(out / "site", out / "html", out / ".sphinx", log)
        from .. import teaching  # the handout, role cards, slides and offline pack

        # a preview or a variant book makes its own pack: the default book's stays as it is
        own_pack = out if only or variant else None
        if teaching.in_book(layout):
            teaching.publish(layout, out / "html", log, pack_folder=own_pack)
    return BookSummary(out / "html", results, time.perf_counter() - start, rebuilt)


def write_manifest(
    path: Path, results: list[ChapterResult], scenario: Scenario, jobs: list[Job]
) -> None:
    """Record what each chapter ran with and whether it came from the cache (read by
    the benchmarks and the teaching documents)."""
    values = {job.label: job.params for job in jobs}
    manifest = {
        "scenario": scenario.name,
        "chapters": [
            {
                "chapter": r.chapter,
                "status": r.status,
                "seconds": round(r.seconds, 2),
                "parameters": values.get(r.chapter, {}),
                "reads": r.reads,
            }
            for r in results
        ],
    }
    write_if_changed(path, json.dumps(manifest, indent=1, sort_keys=True).encode())
