"""The book's data (``data/``, a Frictionless Data Package): load and check it.

Every CSV in ``data/`` is described in ``data/datapackage.json``: its fields, their
types and units, constraints, primary and foreign keys, and its sources.
``load(name)`` reads one CSV, checks it against that descriptor (``stpbook.data.validate``)
and returns a typed DataFrame; any problem raises :class:`stpbook.errors.DataError`
with a message naming the file, the CSV line, the column and what was expected.

Every function takes an optional ``layout`` (default: the book the running code belongs
to, ``stpbook.layout.current()``) and notes each file it opens with
``stpbook.context.record_read``, so the pipeline keys a chapter on exactly its data.
"""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import bibliography
from ..context import record_read
from ..errors import DataError
from ..layout import Layout, current
from . import validate
from .validate import MAX_REPORTED, Report

PACKAGE = "datapackage.json"


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=8)
def _descriptor_cached(path: str, stamp: tuple[int, int]) -> dict:
    try:
        desc = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason})") from None
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        raise DataError(f"{path}: expected a data package with a list of 'resources'")
    return desc


def descriptor(layout: Layout | None = None) -> dict:
    """The parsed ``data/datapackage.json`` (cached until the file changes)."""
    path = (layout or current()).data / PACKAGE
    if not path.is_file():
        raise DataError(f"{path}: the data package descriptor is missing")
    record_read(path)
    return _descriptor_cached(str(path), _stat(path))


def _resource(name: str, layout: Layout) -> dict:
    resources = descriptor(layout)["resources"]
    for res in resources:
        if res.get("name") == name:
            return res
    names = ", ".join(str(r.get("name")) for r in resources)
    raise DataError(f"{layout.data / PACKAGE}: no resource named {name!r} (resources: {names})")


def bib_keys(layout: Layout | None = None) -> frozenset[str]:
    """The keys of ``references.bib``, against which every ``source_id`` is checked."""
    layout = layout or current()
    record_read(layout.bibliography)
    return bibliography.keys(layout.bibliography)


def _footprint_codes(layout: Layout) -> frozenset[str]:
    path = layout.data / _resource("footprints", layout)["path"]
    record_read(path)
    if not path.is_file():
        raise DataError(
            f"{validate.label(path, layout.root)}: file not found (resource "
            "'footprints', needed to check footprint codes)"
        )
    return _footprint_codes_cached(str(path), _stat(path), str(layout.root))


@lru_cache(maxsize=4)
def _footprint_codes_cached(path: str, stamp: tuple[int, int], root: str) -> frozenset[str]:
    layout = Layout(Path(root))
    report = Report(validate.label(Path(path), layout.root))
    columns = validate.validate(
        _resource("footprints", layout), Path(path), report, None, bib_keys(layout)
    )
    if report.errors or columns is None:
        raise DataError(
            "footprints, needed to check footprint codes, is invalid:\n"
            + "\n".join(report.errors[:MAX_REPORTED])
        )
    return frozenset(columns["stp17cd"])


def _needs_footprints(res: dict) -> bool:
    return res.get("name") != "footprints" and any(
        fk["reference"]["resource"] == "footprints"
        for fk in res.get("schema", {}).get("foreignKeys", [])
    )


def _run(res: dict, path: Path, layout: Layout) -> tuple[Report, dict[str, list] | None]:
    report = Report(validate.label(path, layout.root))
    codes = _footprint_codes(layout) if _needs_footprints(res) else None
    columns = validate.validate(res, path, report, codes, bib_keys(layout))
    return report, columns


@lru_cache(maxsize=64)
def _load_cached(name: str, path: str, root: str, stamps: tuple) -> pd.DataFrame:
    layout = Layout(Path(root))
    report, columns = _run(_resource(name, layout), Path(path), layout)
    if report.errors or columns is None:
        shown = report.errors[:MAX_REPORTED]
        more = len(report.errors) - len(shown)
        raise DataError("\n".join(shown) + (f"\n... and {more} more errors" if more else ""))
    frame = validate.frame(_resource(name, layout), columns)
    frame.attrs["notices"] = list(report.notices)
    return frame


def load(name: str, path: str | Path | None = None, layout: Layout | None = None) -> pd.DataFrame:
    """One resource of ``data/`` as a typed, validated DataFrame.

    ``name`` is the resource name (``"footprints"``, ``"financial_gaps"``...). ``path``
    validates and loads an edited copy of that CSV instead of the committed file.
    Integers are ``int64`` (``Int64`` where a value may be missing), numbers
    ``float64``, booleans ``boolean``, dates ``datetime64``, strings ``str``/None.
    Notices (e.g. a survey whose shares exceed 100%, kept as reported) are in
    ``frame.attrs["notices"]``. Raises :class:`DataError` naming file, line and
    column on any problem.
    """
    layout = layout or current()
    res = _resource(name, layout)
    if res.get("type", "table") != "table":
        raise DataError(f"{name} is not a table: use load_boundaries() for {res['path']}")
    file = Path(path) if path is not None else layout.data / res["path"]
    if not file.is_file():
        raise DataError(f"{validate.label(file, layout.root)}: file not found (resource {name!r})")
    record_read(file)
    stamps = [_stat(file), _stat(layout.data / PACKAGE), _stat(layout.bibliography)]
    if _needs_footprints(res):
        footprints = layout.data / _resource("footprints", layout)["path"]
        record_read(footprints)
        stamps.append(_stat(footprints))
    bib_keys(layout)
    frame = _load_cached(name, str(file.resolve()), str(layout.root), tuple(stamps))
    out = frame.copy()
    out.attrs["notices"] = list(frame.attrs.get("notices", []))
    return out


def load_boundaries(path: str | Path | None = None, layout: Layout | None = None) -> dict:
    """The footprint boundaries as a GeoJSON FeatureCollection (``dict``): 44 features,
    properties ``stp17cd`` and ``stp17nm``, codes equal to those in footprints.csv."""
    layout = layout or current()
    file = Path(path) if path is not None else layout.data / "footprint_boundaries.geojson"
    label = validate.label(file, layout.root)
    if not file.is_file():
        raise DataError(f"{label}: file not found")
    record_read(file)
    try:
        geo = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{label}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    errors = validate.check_geojson(geo, label, _footprint_codes(layout))
    if errors:
        raise DataError("\n".join(errors))
    return geo


def resources(layout: Layout | None = None) -> list[dict]:
    """Every resource in the package: name, path, rows (None when the file is missing),
    title, description and sources, for listings such as ``stpbook data``."""
    layout = layout or current()
    out = []
    for res in descriptor(layout)["resources"]:
        path = layout.data / res["path"]
        rows = None
        if res.get("type", "table") == "table" and path.is_file():
            with open(path, encoding="utf-8", newline="") as fh:
                rows = max(sum(1 for _ in csv.reader(fh)) - 1, 0)
        elif res["path"].endswith("json") and path.is_file():
            rows = len(json.loads(path.read_text(encoding="utf-8")).get("features", []))
        out.append(
            {
                "name": res["name"],
                "path": f"data/{res['path']}",
                "rows": rows,
                "title": res.get("title", ""),
                "description": res.get("description", ""),
                "sources": res.get("sources", []),
                "resource": res,
            }
        )
    return out


def check(path: Path | None = None, layout: Layout | None = None) -> tuple[list[str], list[str]]:
    """Validate the whole package, or one CSV (matched to its resource by file name).

    Returns ``(errors, notices)``: errors mean the data must be fixed; notices are
    known problems kept as reported (e.g. survey shares over 100%)."""
    layout = layout or current()
    try:
        desc = descriptor(layout)
        bib_keys(layout)
    except DataError as exc:
        return [str(exc)], []
    notices: list[str] = []
    if path is not None:
        path = Path(path)
        if path.is_dir():
            return [f"{path}: is a folder; give one CSV file, or no path for the whole package"], []
        match = [r for r in desc["resources"] if Path(r["path"]).name == path.name]
        if not match:
            names = ", ".join(r["path"] for r in desc["resources"])
            return [f"{path}: no resource has this file name (expected one of: {names})"], []
        targets = [(match[0], path)]
    else:
        targets = [(r, layout.data / r["path"]) for r in desc["resources"]]
        listed = {r["path"] for r in desc["resources"]} | {PACKAGE, "README.md"}
        for extra in sorted(p.name for p in layout.data.iterdir() if p.is_file()):
            if extra not in listed and not extra.startswith("."):
                notices.append(f"data/{extra}: not described in {PACKAGE}")
    errors: list[str] = []
    for res, file in targets:
        if not file.is_file():
            errors.append(
                f"{validate.label(file, layout.root)}: file not found (resource {res['name']!r})"
            )
            continue
        try:
            if res.get("type", "table") != "table":
                load_boundaries(file, layout)
                continue
            report, _ = _run(res, file, layout)
        except DataError as exc:
            errors.extend(str(exc).splitlines())
            continue
        errors.extend(report.errors)
        notices.extend(report.notices)
    return errors, notices


__all__ = ["bib_keys", "check", "descriptor", "load", "load_boundaries", "resources"]
