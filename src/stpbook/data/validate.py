"""The data validator: a CSV checked against its resource in ``datapackage.json``.

Written here rather than calling ``frictionless`` at load time because chapters call
``stpbook.data.load`` many times and it must be fast (a few milliseconds per resource);
the test suite runs the standard Frictionless validator over the same files, and the
two must agree.

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
import math
import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

MAX_REPORTED = 20  # errors listed in one DataError before "and N more"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
            # Only the calendar form YYYY-MM-DD, as Frictionless reads it: Python's
            # fromisoformat also takes ISO week dates such as 2012-W13-2.
            if not _ISO_DATE.fullmatch(text):
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


class Report:
    """Errors (the data must be fixed) and notices (known problems kept as reported)
    found in one file; ``label`` is how messages name the file."""

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


def label(path: Path, root: Path) -> str:
    """``path`` as messages show it: relative to the book root where possible."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _read_rows(path: Path, report: Report) -> tuple[list[str], list[tuple[int, list[str]]]]:
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


def validate(
    res: dict,
    path: Path,
    report: Report,
    footprint_codes: frozenset[str] | None,
    bib_keys: frozenset[str],
) -> dict[str, list] | None:
    """Check one CSV against its resource ``res`` (from ``datapackage.json``); add what
    is wrong to ``report``; return its columns as parsed lists, or None when the
    structure is too broken to go on. ``footprint_codes`` checks foreign keys to
    ``footprints`` (None: skip); ``bib_keys`` checks ``source_id``."""
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
                report.error(
                    line,
                    header[-1],
                    f"{len(cells)} values for {len(header)} "
                    f"columns: extra value(s) after the last column",
                )
            else:
                report.error(
                    line,
                    header[len(cells)],
                    f"{len(cells)} values for "
                    f"{len(header)} columns: this and later columns are missing",
                )
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
                report.error(
                    line,
                    n,
                    f"{text} is below the minimum {c['minimum']} ({f.get('description', '')})",
                )
            if "maximum" in c and value > c["maximum"]:
                report.error(
                    line,
                    n,
                    f"{text} is above the maximum {c['maximum']} ({f.get('description', '')})",
                )
            if "enum" in c and value not in c["enum"]:
                report.error(line, n, f"{text!r} is not one of: {', '.join(map(str, c['enum']))}")
            if "pattern" in c and not re.fullmatch(c["pattern"], text):
                report.error(line, n, f"{text!r} does not match the pattern {c['pattern']}")
            columns[n].append(value)
    if report.errors:
        return {"__lines__": lines, **columns}
    _check_keys(res, columns, lines, report, footprint_codes, bib_keys)
    _check_share_sums(res, columns, lines, report)
    return {"__lines__": lines, **columns}


def _check_keys(
    res: dict,
    columns: dict[str, list],
    lines: list[int],
    report: Report,
    footprint_codes: frozenset[str] | None,
    keys: frozenset[str],
) -> None:
    schema = res["schema"]
    for f in schema["fields"]:
        if f.get("constraints", {}).get("unique"):
            seen: dict[Any, int] = {}
            for line, value in zip(lines, columns[f["name"]], strict=True):
                if value is None:
                    continue
                if value in seen:
                    report.error(
                        line,
                        f["name"],
                        f"duplicate value {value!r} (first at line "
                        f"{seen[value]}); values in this column must be unique",
                    )
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
                report.error(
                    line,
                    ", ".join(pk),
                    f"duplicate primary key {shown!r} (first at "
                    f"line {seen_keys[key]}); each row needs its own {', '.join(pk)}",
                )
            else:
                seen_keys[key] = line
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        target = fk["reference"]["resource"]
        if target != "footprints" or footprint_codes is None:
            continue
        for line, value in zip(lines, columns[fields[0]], strict=True):
            if value is not None and value not in footprint_codes:
                report.error(
                    line,
                    fields[0],
                    f"unknown footprint code {value!r}: not in "
                    f"data/footprints.csv (E54000005 to E54000048)",
                )
    if "source_id" in columns:
        for line, value in zip(lines, columns["source_id"], strict=True):
            if value is not None and value not in keys:
                report.error(
                    line,
                    "source_id",
                    f"unknown source_id {value!r}: add an entry with this key to references.bib",
                )


def _check_share_sums(
    res: dict, columns: dict[str, list], lines: list[int], report: Report
) -> None:
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
                f"{flag_value!r}"
            )
        else:
            report.error(
                lines[idx[0]],
                rule["field"],
                f"{what}: shares add up to {total:g}%, more than {rule['max']}% "
                f"(lines {line_list}); correct them, or if the source really says "
                f"so, set {flag_field} to {flag_value!r} on those rows",
            )


_DTYPES = {
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
    "string": "str",
    "year": "Int64",
}


def frame(res: dict, columns: dict[str, list]) -> pd.DataFrame:
    """The parsed columns of a valid CSV as a typed DataFrame."""
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


def check_geojson(geo: Any, label: str, codes: frozenset[str]) -> list[str]:
    """What is wrong with the footprint boundaries ``geo`` (a parsed GeoJSON): it must be
    a FeatureCollection of Polygons or MultiPolygons, one per footprint in ``codes``."""
    if not isinstance(geo, dict) or geo.get("type") != "FeatureCollection":
        return [f"{label}: expected a GeoJSON FeatureCollection"]
    errors = []
    found = []
    for i, feat in enumerate(geo.get("features", [])):
        props = feat.get("properties") or {}
        code = props.get("stp17cd")
        if not code:
            errors.append(f"{label}, feature {i}, property 'stp17cd': missing")
        found.append(code)
        if (feat.get("geometry") or {}).get("type") not in ("Polygon", "MultiPolygon"):
            errors.append(
                f"{label}, feature {i} ({code}), geometry: expected a Polygon or MultiPolygon"
            )
    if len(found) != len(codes) or len(set(found)) != len(found):
        errors.append(
            f"{label}: expected {len(codes)} features with distinct stp17cd, found "
            f"{len(found)} ({len(set(found))} distinct)"
        )
    if set(found) != set(codes):
        extra, lost = sorted(set(found) - set(codes), key=str), sorted(set(codes) - set(found))
        errors.append(
            f"{label}, property 'stp17cd': codes differ from footprints.csv "
            f"(unknown {extra}, missing {lost})"
        )
    return errors
