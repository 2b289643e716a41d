"""Chapter parameters: one declaration, read by the CLI, the widgets and the sliders.

A chapter declares its parameters once, in its notebook's ``parameters`` cell, one
per line, with a type hint, a default and a trailing comment in a fixed form::

    demand_growth: float = 0.04  # share a year [0, 0.08] step 0.005; IFS counterfactual ~4%
    map_measure: str = "population"  # {population, population_per_ccg}; what colours the map
    draws: int = 10000  # draws [1000, 1000000] step 1000; enough for a smooth histogram

The comment reads: the unit, then ``[min, max]`` (numbers) or ``{a, b, c}`` (strings),
optionally ``step S``, then ``;`` and the source or rationale. ``declared(chapter)``
parses it (via ``papermill.inspect_notebook``), ``validate`` checks values against it,
and scenarios (``scenarios/*.yaml``) are checked against the union of declarations.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import paths
from .errors import ParameterError

TYPES = ("float", "int", "str", "bool")
SCENARIO_KEYS = ("name", "title", "description", "sources", "parameters", "chapters")

_COMMENT = re.compile(
    r"""^(?P<unit>[^\[{;]*?)\s*
        (?:\[(?P<lo>[^,\]]+),\s*(?P<hi>[^\]]+)\]|\{(?P<choices>[^}]*)\})?\s*
        (?:step\s+(?P<step>[^\s;]+))?\s*
        ;\s*(?P<note>.+)$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Parameter:
    """One declared chapter parameter."""

    name: str
    type: str
    default: Any
    unit: str
    note: str
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[str, ...] | None = None

    def describe_range(self) -> str:
        """The allowed values as a reader would write them."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.minimum is not None:
            return f"{self.minimum:g} to {self.maximum:g}"
        return "true or false" if self.type == "bool" else "any"


def chapter_notebooks(chapters: Path | None = None) -> list[Path]:
    """Every chapter notebook, in reading order (file names start with a number)."""
    folder = chapters or paths.chapters_dir()
    return sorted(folder.glob("*.ipynb"))


def chapter_id(notebook: Path) -> str:
    """A chapter's id is its notebook's file stem, e.g. ``01_forward_view``."""
    return notebook.stem


def resolve_chapter(name: str, chapters: Path | None = None) -> Path:
    """Find a chapter notebook by id (``01_forward_view``), short name
    (``forward_view``) or number (``1``)."""
    notebooks = chapter_notebooks(chapters)
    for nb in notebooks:
        stem = nb.stem
        short = stem.split("_", 1)[1] if "_" in stem and stem.split("_")[0].isdigit() else stem
        number = stem.split("_")[0].lstrip("0") or "0"
        if name in (stem, short, nb.name) or name.lstrip("0") == number and name.isdigit():
            return nb
    known = ", ".join(nb.stem for nb in notebooks)
    raise ParameterError(f"unknown chapter {name!r}; the chapters are: {known}")


def _literal(text: str, name: str, notebook: Path) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise ParameterError(
            f"{notebook.name}: default of parameter {name!r} is not a literal: {text}"
        ) from exc


def parse_declaration(name: str, type_name: str, default: str, help_text: str,
                      notebook: Path) -> Parameter:
    """Turn one ``parameters``-cell line (as papermill inspects it) into a Parameter."""
    where = f"{notebook.name}, parameter {name!r}"
    if type_name not in TYPES:
        raise ParameterError(f"{where}: type hint must be one of {TYPES}, got {type_name!r}")
    match = _COMMENT.match((help_text or "").strip())
    if not match:
        raise ParameterError(
            f"{where}: the trailing comment must read 'unit [min, max] step s; source', "
            f"'unit {{a, b}}; source' or 'unit; source', got {help_text!r}"
        )
    parts = match.groupdict()
    param = Parameter(
        name=name,
        type=type_name,
        default=_literal(default, name, notebook),
        unit=parts["unit"].strip(),
        note=parts["note"].strip(),
        minimum=float(parts["lo"]) if parts["lo"] else None,
        maximum=float(parts["hi"]) if parts["hi"] else None,
        step=float(parts["step"]) if parts["step"] else None,
        choices=tuple(c.strip() for c in parts["choices"].split(",")) if parts["choices"] else None,
    )
    if type_name in ("float", "int") and param.minimum is None:
        raise ParameterError(f"{where}: a number needs a range '[min, max]' in its comment")
    if type_name == "str" and not param.choices:
        raise ParameterError(f"{where}: a string needs its choices '{{a, b}}' in its comment")
    check_value(param, param.default, where=f"{notebook.name} default")
    return param


def _inspect(notebook: Path) -> dict[str, dict[str, Any]]:
    """``papermill.inspect_notebook`` of ``notebook``, remembered on disk under
    ``_build/cache/declared/`` by the notebook's content and papermill's version, so that
    a build with nothing changed never imports papermill (about 2 s)."""
    import hashlib
    from importlib import metadata

    content = notebook.read_bytes()
    key = hashlib.sha256(content + metadata.version("papermill").encode()).hexdigest()
    remembered = paths.root() / "_build" / "cache" / "declared" / f"{key}.json"
    if remembered.exists():
        return json.loads(remembered.read_text(encoding="utf-8"))
    import papermill  # imported here: it is slow to import and only a miss needs it

    inspected = {name: {k: info[k] for k in ("inferred_type_name", "default", "help")}
                 for name, info in papermill.inspect_notebook(str(notebook)).items()}
    try:
        remembered.parent.mkdir(parents=True, exist_ok=True)
        partial = remembered.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps(inspected), encoding="utf-8")
        partial.replace(remembered)
    except OSError:
        pass  # a read-only checkout still works, it is only slower
    return inspected


@lru_cache(maxsize=64)
def _declared_cached(notebook: Path, mtime: float) -> dict[str, Parameter]:
    inspected = _inspect(notebook)
    if not inspected:
        raise ParameterError(f"{notebook.name}: no cell tagged 'parameters'")
    return {
        name: parse_declaration(name, info["inferred_type_name"], info["default"],
                                info["help"], notebook)
        for name, info in inspected.items()
    }


def declared(chapter: str | Path, chapters: Path | None = None) -> dict[str, Parameter]:
    """The parameters a chapter declares, by name, in the order of its cell."""
    notebook = Path(chapter) if str(chapter).endswith(".ipynb") else resolve_chapter(
        str(chapter), chapters)
    return _declared_cached(notebook.resolve(), notebook.stat().st_mtime)


def _coerce(param: Parameter, value: Any) -> Any:
    if param.type == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "yes", "1"):
            return True
        if str(value).lower() in ("false", "no", "0"):
            return False
        raise ValueError
    if param.type == "int":
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        return int(str(value))
    if param.type == "float":
        if isinstance(value, bool):
            raise ValueError
        return float(value)
    if not isinstance(value, str):
        raise ValueError
    return value


def check_value(param: Parameter, value: Any, where: str = "") -> Any:
    """Coerce ``value`` to the parameter's type and check its range; return it."""
    prefix = f"{where}: " if where else ""
    try:
        coerced = _coerce(param, value)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{prefix}parameter {param.name!r} expects a {param.type} ({param.unit}), "
            f"got {value!r}"
        ) from None
    if param.choices and coerced not in param.choices:
        raise ParameterError(
            f"{prefix}parameter {param.name!r} must be {param.describe_range()}, got {coerced!r}"
        )
    if param.minimum is not None and not (param.minimum <= coerced <= param.maximum):
        raise ParameterError(
            f"{prefix}parameter {param.name!r} = {coerced!r} is outside its range "
            f"{param.describe_range()} ({param.unit})"
        )
    return coerced


def validate(chapter: str | Path, values: dict[str, Any],
             chapters: Path | None = None) -> dict[str, Any]:
    """Check ``values`` against a chapter's declaration; return them typed.

    Refuses an unknown name (listing the valid ones), a wrong type and a value out of
    range, each with a one-line message naming the parameter."""
    params = declared(chapter, chapters)
    typed = {}
    for name, value in values.items():
        if name not in params:
            raise ParameterError(
                f"unknown parameter {name!r} for chapter {Path(str(chapter)).stem}; "
                f"valid parameters: {', '.join(params)}"
            )
        typed[name] = check_value(params[name], value)
    return typed


def defaults(chapter: str | Path, chapters: Path | None = None) -> dict[str, Any]:
    """A chapter's declared default values."""
    return {name: p.default for name, p in declared(chapter, chapters).items()}


# --- scenarios -------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    """A named set of assumptions for the whole book (``scenarios/*.yaml``)."""

    name: str
    title: str
    description: str
    sources: tuple[str, ...]
    parameters: dict
    chapters: dict
    path: Path | None = None

    def for_chapter(self, notebook: Path) -> dict[str, Any]:
        """The values this scenario sets for one chapter, validated: the book-wide
        ``parameters`` the chapter declares, then its own ``chapters`` entry."""
        params = declared(notebook)
        values = {k: v for k, v in self.parameters.items() if k in params}
        values.update(self.chapters.get(notebook.stem, {}))
        try:
            return validate(notebook, values)
        except ParameterError as exc:
            raise ParameterError(f"{self.path or self.name}: {exc}") from None

    def fingerprint(self) -> str:
        """A stable text of the values, for cache keys and banners."""
        return json.dumps({"parameters": self.parameters, "chapters": self.chapters},
                          sort_keys=True)


def load_scenario(path: Path, chapters: Path | None = None) -> Scenario:
    """Read and check a scenario file.

    Unknown top-level keys, parameter names no chapter declares, and values of the
    wrong type or out of range are refused with the file and key named."""
    path = Path(path)
    if not path.exists():
        raise ParameterError(f"scenario file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping with keys {SCENARIO_KEYS}")
    for key in raw:
        if key not in SCENARIO_KEYS:
            raise ParameterError(
                f"{path}: unknown key {key!r}; allowed keys: {', '.join(SCENARIO_KEYS)}")
    book_wide = raw.get("parameters") or {}
    per_chapter = raw.get("chapters") or {}
    notebooks = chapter_notebooks(chapters)
    everything: dict[str, Parameter] = {}
    for nb in notebooks:
        everything.update(declared(nb))
    for name, value in book_wide.items():
        if name not in everything:
            raise ParameterError(
                f"{path}: unknown parameter {name!r} under 'parameters'; declared "
                f"parameters: {', '.join(sorted(everything))}")
        for nb in notebooks:
            if name in declared(nb):
                check_value(declared(nb)[name], value, where=f"{path} ({nb.stem})")
    for chapter, values in per_chapter.items():
        nb = resolve_chapter(str(chapter), chapters)
        try:
            validate(nb, values or {})
        except ParameterError as exc:
            raise ParameterError(f"{path}, chapters.{chapter}: {exc}") from None
    return Scenario(
        name=str(raw.get("name") or path.stem),
        title=str(raw.get("title") or path.stem),
        description=str(raw.get("description") or ""),
        sources=tuple(raw.get("sources") or ()),
        parameters=dict(book_wide),
        chapters={resolve_chapter(str(c), chapters).stem: dict(v or {})
                  for c, v in per_chapter.items()},
        path=path,
    )


def differences(notebook: Path, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The values that differ from a chapter's defaults: name -> (value, default)."""
    params = declared(notebook)
    return {k: (v, params[k].default) for k, v in values.items()
            if k in params and v != params[k].default}
