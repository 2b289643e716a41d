"""Load and validate the book's data (``data/``, a Frictionless Data Package).

Every CSV in ``data/`` is described in ``data/datapackage.json``: its fields, their types
and units, constraints, primary and foreign keys, and its sources. ``load(name)``
reads one CSV, checks it against that descriptor and returns a typed DataFrame; any
problem raises :class:`stpbook.errors.DataError` with a message naming the file, the
CSV line, the column and what was expected.

The validator is written here rather than calling ``frictionless`` at load time
because notebooks call ``load`` many times and it must be fast (a few milliseconds
per resource). The test suite also runs the standard Frictionless validator over the
package, so the two must agree.

Checks, in order: the CSV parses and every row has as many cells as the header; the
header has exactly the schema's columns; each cell has the field's type and meets its
constraints (required, minimum, maximum, enum, pattern, unique); primary keys are
unique; foreign keys to ``footprints`` resolve; every ``source_id`` is a key in
``references.bib``; and, where a resource declares ``stpbook:shareSums``, the shares
within each group (e.g. one survey question) add up to no more than 100%. A group that
adds up to more is an error unless all its rows carry the declared known-problem flag,
in which case it is a *notice*: reported, never hidden or rescaled.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataError
from .paths import data_dir, record_read, root

PACKAGE = "datapackage.json"
BIBFILE = "references.bib"
MAX_REPORTED = 20  # errors listed in one DataError before "and N more"

_BIB_KEY = re.compile(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)


# --------------------------------------------------------------------------- descriptor


def _stat(path: Path) -> tuple[float, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=8)
def _descriptor_cached(path: str, stamp: tuple) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc


def descriptor() -> dict:
    """The parsed ``data/datapackage.json`` (cached until the file changes)."""
    path = data_dir() / PACKAGE
    if not path.exists():
        raise DataError(f"{path}: the data package descriptor is missing")
    record_read(path)
    return _descriptor_cached(str(path), _stat(path))


def _resource(name: str) -> dict:
    for res in descriptor()["resources"]:
        if res["name"] == name:
            return res
    names = ", ".join(r["name"] for r in descriptor()["resources"])
    raise DataError(f"{data_dir() / PACKAGE}: no resource named {name!r} (resources: {names})")


def _tabular() -> list[dict]:
    return [r for r in descriptor()["resources"] if r.get("type", "table") == "table"]


@lru_cache(maxsize=4)
def _bib_keys_cached(path: str, stamp: tuple) -> frozenset[str]:
    return frozenset(_BIB_KEY.findall(Path(path).read_text(encoding="utf-8")))


_BIB_ENTRY = re.compile(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,(.*?)^\}", re.MULTILINE | re.DOTALL)
_BIB_FIELD = re.compile(r"(\w+)\s*=\s*\{((?:[^{}]|\{[^{}]*\})*)\}")


@lru_cache(maxsize=4)
def _bib_entries_cached(path: str, stamp: tuple) -> dict[str, dict[str, str]]:
    entries = {}
    for key, body in _BIB_ENTRY.findall(Path(path).read_text(encoding="utf-8")):
        fields = {}
        for name, value in _BIB_FIELD.findall(body):
            fields[name.lower()] = re.sub(r"\\(.)", r"\1", value.replace("{", "").replace("}", ""))
        entries[key] = fields
    return entries


def bib_entries() -> dict[str, dict[str, str]]:
    """``references.bib`` as {key: {field: text}}, enough to list titles and URLs."""
    bib_keys()
    path = root() / BIBFILE
    return _bib_entries_cached(str(path), _stat(path))


def bib_keys() -> frozenset[str]:
    """The entry keys of ``references.bib`` (cached until the file changes)."""
    path = root() / BIBFILE
    if not path.exists():
        raise DataError(f"{path}: the bibliography is missing, so source_id cannot be checked")
    record_read(path)
    return _bib_keys_cached(str(path), _stat(path))


# --------------------------------------------------------------------------- cells

_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}


def _parse(text: str, type_: str) -> Any:
    """Parse one non-empty cell; raise ValueError with what was expected."""
    if type_ == "string":
        return text
    if type_ == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError("a whole number")
        return int(text)
    if type_ == "number":
        try:
            value = float(text)
        except ValueError:
            raise ValueError("a number (digits, optional sign and decimal point)") from None
        if not math.isfinite(value):
            raise ValueError("a finite number")
        return value
    if type_ == "boolean":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("true or false")
    if type_ == "date":
        try:
            if len(text) != 10:
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("an ISO date YYYY-MM-DD") from None
    if type_ == "year":
        if not re.fullmatch(r"\d{4}", text):
            raise ValueError("a four-digit year")
        return int(text)
    raise ValueError(f"a value of unsupported type {type_!r}")


def _describe_constraint(field: dict) -> str:
    c = field.get("constraints", {})
    bits = [field["type"]]
    if "minimum" in c or "maximum" in c:
        bits.append(f"between {c.get('minimum', '-inf')} and {c.get('maximum', 'inf')}")
    return " ".join(bits)


# --------------------------------------------------------------------------- validation


class _Report:
    def __init__(self, label: str) -> None:
        self.label = label
        self.errors: list[str] = []
        self.notices: list[str] = []

    def error(self, line: int | None, column: str | None, message: str) -> None:
        where = [self.label]
        if line is not None:
            where.append(f"line {line}" + (" (header)" if line == 1 else ""))
        if column is not None:
            where.append(f"column {column!r}")
        self.errors.append(", ".join(where) + f": {message}")


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(root().resolve()))
    except ValueError:
        return str(path)


def _read_rows(path: Path, report: _Report) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        report.error(None, None, "file not found")
        return [], []
    except UnicodeDecodeError as exc:
        report.error(None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    try:
        for cells in reader:
            if not header:
                header = cells
                continue
            if cells:
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        report.error(reader.line_num, None, f"malformed CSV ({exc}); check quotes and commas")
    if not header:
        report.error(1, None, "the file is empty: expected a header row")
    return header, rows


def _validate(res: dict, path: Path, report: _Report,
              footprint_codes: frozenset[str] | None) -> dict[str, list] | None:
    """Check one CSV against its resource; return its columns as parsed lists, or None
    when the structure is too broken to go on."""
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    header, rows = _read_rows(path, report)
    if report.errors:
        return None
    missing = [n for n in names if n not in header]
    for n in missing:
        report.error(1, n, f"missing column (expected columns: {', '.join(names)})")
    for n in header:
        if n not in names:
            report.error(1, n, f"unexpected column (expected columns: {', '.join(names)})")
    dupes = {n for n in header if header.count(n) > 1}
    for n in dupes:
        report.error(1, n, "column appears more than once")
    if report.errors:
        return None
    index = {n: header.index(n) for n in names}
    columns: dict[str, list] = {n: [] for n in names}
    lines: list[int] = []
    for line, cells in rows:
        if len(cells) != len(header):
            if len(cells) > len(header):
                report.error(line, header[-1], f"{len(cells)} values for {len(header)} "
                             f"columns: extra value(s) after the last column")
            else:
                report.error(line, header[len(cells)], f"{len(cells)} values for "
                             f"{len(header)} columns: this and later columns are missing")
            continue
        lines.append(line)
        for f in fields:
            n = f["name"]
            text = cells[index[n]].strip()
            c = f.get("constraints", {})
            if text == "":
                if c.get("required"):
                    report.error(line, n, f"a value is required ({_describe_constraint(f)})")
                columns[n].append(None)
                continue
            try:
                value = _parse(text, f["type"])
            except ValueError as exc:
                report.error(line, n, f"expected {exc}, got {text!r}")
                columns[n].append(None)
                continue
            if "minimum" in c and value < c["minimum"]:
                report.error(line, n, f"{text} is below the minimum {c['minimum']} "
                             f"({f.get('description', '')})")
            if "maximum" in c and value > c["maximum"]:
                report.error(line, n, f"{text} is above the maximum {c['maximum']} "
                             f"({f.get('description', '')})")
            if "enum" in c and value not in c["enum"]:
                report.error(line, n, f"{text!r} is not one of: {', '.join(map(str, c['enum']))}")
            if "pattern" in c and not re.fullmatch(c["pattern"], text):
                report.error(line, n, f"{text!r} does not match the pattern {c['pattern']}")
            columns[n].append(value)
    if report.errors:
        return {"__lines__": lines, **columns}
    _check_keys(res, columns, lines, report, footprint_codes)
    _check_share_sums(res, columns, lines, report)
    return {"__lines__": lines, **columns}


def _check_keys(res: dict, columns: dict[str, list], lines: list[int], report: _Report,
                footprint_codes: frozenset[str] | None) -> None:
    schema = res["schema"]
    for f in schema["fields"]:
        if f.get("constraints", {}).get("unique"):
            seen: dict[Any, int] = {}
            for line, value in zip(lines, columns[f["name"]], strict=True):
                if value is None:
                    continue
                if value in seen:
                    report.error(line, f["name"], f"duplicate value {value!r} (first at line "
                                 f"{seen[value]}); values in this column must be unique")
                else:
                    seen[value] = line
    pk = schema.get("primaryKey")
    pk = [pk] if isinstance(pk, str) else pk
    unique = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")}
    if pk and not (len(pk) == 1 and pk[0] in unique):
        seen_keys: dict[tuple, int] = {}
        for i, line in enumerate(lines):
            key = tuple(columns[k][i] for k in pk)
            if key in seen_keys:
                shown = key if len(key) > 1 else key[0]
                report.error(line, ", ".join(pk), f"duplicate primary key {shown!r} (first at "
                             f"line {seen_keys[key]}); each row needs its own {', '.join(pk)}")
            else:
                seen_keys[key] = line
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        target = fk["reference"]["resource"]
        if target != "footprints" or footprint_codes is None:
            continue
        for line, value in zip(lines, columns[fields[0]], strict=True):
            if value is not None and value not in footprint_codes:
                report.error(line, fields[0], f"unknown footprint code {value!r}: not in "
                             f"data/footprints.csv (E54000005 to E54000048)")
    if "source_id" in columns:
        keys = bib_keys()
        for line, value in zip(lines, columns["source_id"], strict=True):
            if value is not None and value not in keys:
                report.error(line, "source_id", f"unknown source_id {value!r}: add an entry "
                             f"with this key to references.bib")


def _check_share_sums(res: dict, columns: dict[str, list], lines: list[int],
                      report: _Report) -> None:
    rule = res.get("stpbook:shareSums")
    if not rule:
        return
    groups: dict[tuple, list[int]] = {}
    for i in range(len(lines)):
        groups.setdefault(tuple(columns[g][i] for g in rule["groupBy"]), []).append(i)
    limit = rule["max"] + rule.get("tolerance", 0)
    flag_field, flag_value = rule.get("knownFlagField"), rule.get("knownFlagValue")
    for key, idx in groups.items():
        total = sum(columns[rule["field"]][i] or 0 for i in idx)
        if total <= limit:
            continue
        what = ", ".join(f"{g} {v!r}" for g, v in zip(rule["groupBy"], key, strict=True))
        known = flag_field and all(columns[flag_field][i] == flag_value for i in idx)
        line_list = ", ".join(str(lines[i]) for i in idx)
        if known:
            report.notices.append(
                f"{report.label}: {what}: {rule['field']} adds up to {total:g}% (more than "
                f"{rule['max']}%), lines {line_list}; kept as reported and flagged "
                f"{flag_value!r}")
        else:
            report.error(lines[idx[0]], rule["field"],
                         f"{what}: shares add up to {total:g}%, more than {rule['max']}% "
                         f"(lines {line_list}); correct them, or if the source really says "
                         f"so, set {flag_field} to {flag_value!r} on those rows")


_DTYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "str",
           "year": "Int64"}


def _frame(res: dict, columns: dict[str, list]) -> pd.DataFrame:
    out = {}
    for f in res["schema"]["fields"]:
        values = columns[f["name"]]
        if f["type"] == "date":
            out[f["name"]] = pd.to_datetime(pd.Series(values, dtype="object"))
        elif f["type"] == "integer" and f.get("constraints", {}).get("required"):
            out[f["name"]] = pd.Series(values, dtype="int64")
        elif f["type"] == "string":
            out[f["name"]] = pd.Series(values, dtype="str")
        else:
            out[f["name"]] = pd.Series(values, dtype=_DTYPES[f["type"]])
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- public API


def _footprint_codes() -> frozenset[str]:
    res = _resource("footprints")
    path = data_dir() / res["path"]
    record_read(path)
    return _footprint_codes_cached(str(path), _stat(path))


@lru_cache(maxsize=4)
def _footprint_codes_cached(path: str, stamp: tuple) -> frozenset[str]:
    report = _Report(_label(Path(path)))
    columns = _validate(_resource("footprints"), Path(path), report, None)
    if report.errors or columns is None:
        raise DataError("footprints, needed to check footprint codes, is invalid:\n"
                        + "\n".join(report.errors[:MAX_REPORTED]))
    return frozenset(columns["stp17cd"])


def _needs_footprints(res: dict) -> bool:
    return any(fk["reference"]["resource"] == "footprints"
               for fk in res["schema"].get("foreignKeys", []))


def _run(res: dict, path: Path) -> tuple[_Report, dict[str, list] | None]:
    report = _Report(_label(path))
    codes = _footprint_codes() if _needs_footprints(res) else None
    if res["name"] == "footprints":
        codes = None
    columns = _validate(res, path, report, codes)
    return report, columns


@lru_cache(maxsize=64)
def _load_cached(name: str, path: str, stamp: tuple, deps: tuple) -> tuple[pd.DataFrame, tuple]:
    res = _resource(name)
    report, columns = _run(res, Path(path))
    if report.errors or columns is None:
        shown = report.errors[:MAX_REPORTED]
        more = len(report.errors) - len(shown)
        raise DataError("\n".join(shown) + (f"\n... and {more} more errors" if more else ""))
    frame = _frame(res, columns)
    frame.attrs["notices"] = list(report.notices)
    return frame, tuple(report.notices)


def _deps(res: dict) -> tuple:
    stamps = [_stat(data_dir() / PACKAGE), _stat(root() / BIBFILE)]
    if _needs_footprints(res):
        stamps.append(_stat(data_dir() / _resource("footprints")["path"]))
    return tuple(stamps)


def load(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """One resource of ``data/`` as a typed, validated DataFrame.

    ``name`` is the resource name (``"footprints"``, ``"financial_gaps"``...). ``path``
    validates and loads an edited copy of that CSV instead of the committed file.
    Integers are ``int64`` (``Int64`` where a value may be missing), numbers
    ``float64``, booleans ``boolean``, dates ``datetime64``, strings ``str``/None.
    Notices (e.g. a survey whose shares exceed 100%, kept as reported) are in
    ``frame.attrs["notices"]``. Raises :class:`DataError` naming file, line and
    column on any problem.
    """
    res = _resource(name)
    if res.get("type", "table") != "table":
        raise DataError(f"{name} is not a table: use load_boundaries() for {res['path']}")
    file = Path(path) if path is not None else data_dir() / res["path"]
    if not file.exists():
        raise DataError(f"{_label(file)}: file not found (resource {name!r})")
    record_read(file)
    if _needs_footprints(res):
        record_read(data_dir() / _resource("footprints")["path"])
    bib_keys()
    frame, _ = _load_cached(name, str(file.resolve()), _stat(file), _deps(res))
    out = frame.copy()
    out.attrs["notices"] = list(frame.attrs.get("notices", []))
    return out


def load_boundaries(path: str | Path | None = None) -> dict:
    """The footprint boundaries as a GeoJSON FeatureCollection (``dict``): 44 features,
    properties ``stp17cd`` and ``stp17nm``, codes equal to those in footprints.csv."""
    file = Path(path) if path is not None else data_dir() / "footprint_boundaries.geojson"
    label = _label(file)
    if not file.exists():
        raise DataError(f"{label}: file not found")
    record_read(file)
    try:
        geo = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{label}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    errors = _check_geo(geo, label)
    if errors:
        raise DataError("\n".join(errors))
    return geo


def _check_geo(geo: Any, label: str) -> list[str]:
    if not isinstance(geo, dict) or geo.get("type") != "FeatureCollection":
        return [f"{label}: expected a GeoJSON FeatureCollection"]
    errors = []
    codes = []
    for i, feat in enumerate(geo.get("features", [])):
        props = feat.get("properties") or {}
        code = props.get("stp17cd")
        if not code:
            errors.append(f"{label}, feature {i}, property 'stp17cd': missing")
        codes.append(code)
        if (feat.get("geometry") or {}).get("type") not in ("Polygon", "MultiPolygon"):
            errors.append(f"{label}, feature {i} ({code}), geometry: expected a Polygon or "
                          "MultiPolygon")
    want = set(_footprint_codes())
    if len(codes) != 44 or len(set(codes)) != len(codes):
        errors.append(f"{label}: expected 44 features with distinct stp17cd, found "
                      f"{len(codes)} ({len(set(codes))} distinct)")
    if set(codes) != want:
        extra, lost = sorted(set(codes) - want), sorted(want - set(codes))
        errors.append(f"{label}, property 'stp17cd': codes differ from footprints.csv "
                      f"(unknown {extra}, missing {lost})")
    return errors


def resources() -> list[dict]:
    """Every resource in the package: name, path, rows (None for non-tables),
    title, description and sources, for listings such as ``stpbook data``."""
    out = []
    for res in descriptor()["resources"]:
        path = data_dir() / res["path"]
        rows = None
        if res.get("type", "table") == "table" and path.exists():
            with open(path, encoding="utf-8") as fh:
                rows = max(sum(1 for _ in csv.reader(fh)) - 1, 0)
        elif res["path"].endswith("json") and path.exists():
            rows = len(json.loads(path.read_text(encoding="utf-8")).get("features", []))
        out.append({"name": res["name"], "path": f"data/{res['path']}", "rows": rows,
                    "title": res.get("title", ""), "description": res.get("description", ""),
                    "sources": res.get("sources", [])})
    return out


def check(path: Path | None = None) -> tuple[list[str], list[str]]:
    """Validate the whole package, or one CSV (matched to its resource by file name).

    Returns ``(errors, notices)``: errors mean the data must be fixed; notices are
    known problems kept as reported (e.g. survey shares over 100%)."""
    errors: list[str] = []
    notices: list[str] = []
    try:
        desc = descriptor()
        bib_keys()
    except DataError as exc:
        return [str(exc)], []
    if path is not None:
        path = Path(path)
        match = [r for r in desc["resources"] if Path(r["path"]).name == path.name]
        if not match:
            names = ", ".join(r["path"] for r in desc["resources"])
            return [f"{path}: no resource has this file name (expected one of: {names})"], []
        targets = [(match[0], path)]
    else:
        targets = [(r, data_dir() / r["path"]) for r in desc["resources"]]
        listed = {r["path"] for r in desc["resources"]} | {PACKAGE, "README.md"}
        for extra in sorted(p.name for p in data_dir().iterdir() if p.is_file()):
            if extra not in listed and not extra.startswith("."):
                notices.append(f"data/{extra}: not described in {PACKAGE}")
    for res, file in targets:
        if res.get("type", "table") != "table":
            try:
                load_boundaries(file)
            except DataError as exc:
                errors.extend(str(exc).splitlines())
            continue
        try:
            report, _ = _run(res, file)
        except DataError as exc:
            errors.extend(str(exc).splitlines())
            continue
        errors.extend(report.errors)
        notices.extend(report.notices)
    return errors, notices


# --------------------------------------------------------------------------- appendix


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def describe_markdown(static_prefix: str = "../_static/data", show_fields: bool = True) -> str:
    """Markdown for the data appendix: each resource, what it holds, its fields (types,
    units, constraints), row count, sources and a download link under
    ``static_prefix``."""
    parts = []
    desc = descriptor()
    parts.append(f"{desc.get('description', '')}\n\nThe whole package is described in "
                 f"[`datapackage.json`]({static_prefix}/{PACKAGE}) (Frictionless Data "
                 f"Package), and every `source_id` is an entry in the bibliography.\n")
    for info, res in zip(resources(), desc["resources"], strict=True):
        count = "" if info["rows"] is None else (
            f"{info['rows']} features" if res.get("type") == "file" else f"{info['rows']} rows")
        file = Path(res["path"]).name
        parts.append(f"## {res.get('title', res['name'])}\n")
        parts.append(f"`{res['name']}`: [{file}]({static_prefix}/{file}), {count}.\n")
        parts.append(f"{res.get('description', '')}\n")
        if show_fields and "schema" in res:
            rows = ["| column | type | meaning and unit | constraints |",
                    "| --- | --- | --- | --- |"]
            pk = res["schema"].get("primaryKey", [])
            for f in res["schema"]["fields"]:
                c = dict(f.get("constraints", {}))
                notes = []
                if f["name"] in pk:
                    notes.append("key")
                notes.append("required" if c.pop("required", False) else "may be empty")
                if "minimum" in c or "maximum" in c:
                    notes.append(f"{c.pop('minimum', '')} to {c.pop('maximum', '')}".strip())
                if "enum" in c:
                    notes.append("one of " + ", ".join(f"`{v}`" for v in c.pop("enum")))
                if c.pop("unique", False):
                    notes.append("unique")
                rows.append(f"| `{f['name']}` | {f['type']} | "
                            f"{_md_escape(f.get('description', ''))} | "
                            f"{_md_escape('; '.join(notes))} |")
            for fk in res["schema"].get("foreignKeys", []):
                rows.append(f"| | | `{', '.join(fk['fields'])}` refers to "
                            f"`{fk['reference']['resource']}` | |")
            parts.append("\n".join(rows) + "\n")
        srcs = [f"[{s['title']}]({s['path']})" for s in res.get("sources", [])
                if s.get("path", "").startswith("http")]
        if srcs:
            parts.append("Sources: " + "; ".join(srcs) + ".\n")
        if "schema" in res and any(f["name"] == "source_id" for f in res["schema"]["fields"]):
            parts.append(_row_sources(res["name"]))
    return "\n".join(parts)


def _row_sources(name: str) -> str:
    """The distinct sources a table's rows cite, as a Markdown list with links."""
    entries = bib_entries()
    used = list(dict.fromkeys(load(name)["source_id"]))
    lines = [f"Row sources (`source_id`, {len(used)}):\n"]
    for key in used:
        e = entries.get(key, {})
        title = _md_escape(e.get("title", key))
        text = f"[{title}]({e['url']})" if e.get("url") else title
        extra = ", ".join(v for v in (e.get("howpublished", ""), e.get("year", "")) if v)
        lines.append(f"- `{key}`: {text}" + (f", {_md_escape(extra)}" if extra else "") + ".")
    return "\n".join(lines) + "\n"


__all__ = [
    "bib_entries",
    "bib_keys",
    "check",
    "describe_markdown",
    "descriptor",
    "load",
    "load_boundaries",
    "resources",
]
