"""Pages made from one notebook run once per row of a table: the 44 footprint profiles.

``_config.yml`` names them under ``stpbook: profiles:``::

    stpbook:
      profiles:
        notebook: chapters/footprint_profile.ipynb  # run once per row
        parameter: stp17cd                          # the parameter each run sets
        table: data/footprints.csv                  # one run per row of this table
        key: stp17cd                                # the row's value for the parameter
        title: stp17nm                              # the page's name in the contents
        group: nhser17nm                            # contents grouped by this column
        pages: footprints                           # -> footprints/<key>.html
        under: chapters/50_footprints               # the page they hang under

Each run is an ordinary ``Job`` (cached like a chapter, keyed on what it read). The
contents get one generated page per group under ``under`` (``footprints/<group>.md``,
listing its pages), and each group page the runs of its rows, sorted by title.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Refused
from ..layout import Layout
from ..scenarios import Scenario
from .execute import Job

KEYS = ("notebook", "parameter", "table", "key", "title", "group", "pages", "under")


@dataclass(frozen=True)
class Profiles:
    notebook: Path
    parameter: str
    rows: list[dict[str, str]]
    key: str
    title: str
    group: str
    pages: str
    under: str
    root: Path | None = None  # the book's folder: group pages add a table from its data

    def page(self, row: dict[str, str]) -> str:
        return f"{self.pages}/{row[self.key]}"

    def groups(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for row in sorted(self.rows, key=lambda r: (r[self.group], r[self.title])):
            out.setdefault(row[self.group], []).append(row)
        return out


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def settings(layout: Layout) -> Profiles | None:
    """The book's profiles, or None when ``_config.yml`` declares none."""
    import yaml

    config = yaml.safe_load(layout.config_file.read_text(encoding="utf-8")) or {}
    spec = (config.get("stpbook") or {}).get("profiles")
    if not spec:
        return None
    missing = [k for k in KEYS if not spec.get(k)]
    if missing:
        raise Refused(f"{layout.config_file}: stpbook.profiles needs {', '.join(missing)}")
    table = layout.root / spec["table"]
    with open(table, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return Profiles(
        layout.root / spec["notebook"],
        spec["parameter"],
        rows,
        spec["key"],
        spec["title"],
        spec["group"],
        spec["pages"],
        spec["under"],
        layout.root,
    )


def jobs(layout: Layout, scenario: Scenario, profiles: Profiles) -> list[Job]:
    """One job per row, with the scenario's values for the profile notebook."""
    base = scenario.for_chapter(profiles.notebook)
    return [
        Job(profiles.notebook, {**base, profiles.parameter: row[profiles.key]}, profiles.page(row))
        for row in profiles.rows
    ]


def region_list(profiles: Profiles, rows: list[dict[str, str]]) -> list[str]:
    """A group's footprints as a Markdown list, each linking to its profile with its
    headline figures in words (people, the published gap, the July 2017 rating): a list
    rather than a table, so that it reads on a phone. The figures come from the function
    behind the index of the 44 (``stpbook.chapters.footprint_index.footprint_table``);
    empty when the book's data cannot be read (a test's bare table)."""
    from ..chapters import footprint_index
    from ..layout import Layout

    if profiles.root is None:  # no book folder: no data to read
        return []
    try:
        frame = footprint_index.footprint_table(
            footprint_index.inputs(Layout(profiles.root))
        ).set_index("stp17cd")
    except Exception:  # noqa: BLE001 - the plain list of links is still worth having
        return []
    out = []
    for row in rows:
        code = row[profiles.key]
        if code not in frame.index:
            return []
        f = frame.loc[code]
        people = f"{f['population_mid2016'] / 1e6:.2f} million people" + (
            " (this book's estimate)" if f["population_basis"] == "apportioned" else ""
        )
        gap = (
            f"a published gap of £{f['gap_gbp_m']:,.0f}m a year by 2020/21"
            if f["gap_gbp_m"] == f["gap_gbp_m"]
            else f"published gap: {f['gap_words']}"
        )
        rating = (
            f'rated "{f["rating"].lower()}" in July 2017'
            if f["rating"] != footprint_index.NOT_FOUND
            else "July 2017 rating not found in the sources"
        )
        out.append(f"- [{row[profiles.title]}](./{code}.ipynb): {people}; {gap}; {rating}.")
    return out + [
        "",
        "People: Office for National Statistics, mid-2016 estimates. Gap: each "
        "plan's published do-nothing gap, where the book found a usable one; \"none "
        'found" and "doubtful" are not zeros. Rating: NHS England\'s dashboard '
        "of 21 July 2017 rated all 44 footprints, but the sources name only some "
        "of the ratings. Each footprint's page gives its sources.",
    ]


def group_pages(profiles: Profiles) -> dict[str, bytes]:
    """A short page per group: what the group is and a list of its footprints, each
    linking to its profile with its headline figures (without the book's data, the
    links alone) (site path -> Markdown)."""
    out = {}
    for group, rows in profiles.groups().items():
        lines = [
            f"# {group}",
            "",
            f"The {len(rows)} footprints (Sustainability and Transformation Plan areas) "
            f"of the {group} region of NHS England in 2017. Each profile gives the "
            "footprint's population, its published gap, its proposed hospital changes "
            "and what became of them.",
            "",
        ]
        listed = region_list(profiles, rows) if profiles.root else []
        lines += listed or [
            f"- [{row[profiles.title]}](./{row[profiles.key]}.ipynb)" for row in rows
        ]
        out[f"{profiles.pages}/{slug(group)}.md"] = ("\n".join(lines) + "\n").encode()
    return out


def with_profiles(toc: dict[str, Any], profiles: Profiles) -> dict[str, Any]:
    """The table of contents with the group pages and the profiles under ``under``."""
    sections = [
        {
            "file": f"{profiles.pages}/{slug(group)}",
            "sections": [{"file": profiles.page(row)} for row in rows],
        }
        for group, rows in profiles.groups().items()
    ]

    def visit(entries: list[dict[str, Any]]) -> bool:
        for entry in entries:
            if entry.get("file") == profiles.under:
                entry["sections"] = sections
                return True
            if visit(entry.get("sections", [])):
                return True
        return False

    for part in toc.get("parts", []):
        if visit(part.get("chapters", [])):
            return toc
    raise Refused(
        f"_toc.yml: stpbook.profiles.under {profiles.under!r} is not in the table of contents"
    )
