"""Chapter parameters: one declaration, read by the CLI, the widgets and the sliders.

A chapter declares its parameters once, in its notebook's ``parameters`` cell, one
per line, with a type hint, a default and a trailing comment in a fixed form::

    demand_growth: float = 0.04  # Growth in demand: fraction a year [0, 0.08] step 0.0025; IFS ~4%
    map_measure: str = "population"  # Map colour: measure {population, area_km2}; colours the map
    draws: int = 10000  # Monte Carlo draws: draws [1000, 1000000] step 1000; a smooth histogram

The comment reads: a label for readers and a colon (optional in the grammar, required
of the book's chapters by the tests), the unit, then ``[min, max]`` (numbers) or
``{a, b, c}`` (strings), optionally ``step S``, then ``;`` and the source or rationale.
``declared(chapter)`` parses it (via ``papermill.inspect_notebook``) and ``validate``
checks values against it. A unit that starts with "fraction" or "share" is shown to
readers as a percentage (0.025 -> 2.5%); one that starts with "GBP m" or "GBP bn" as
pounds.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ParameterError
from .layout import Layout, current

TYPES = ("float", "int", "str", "bool")

_COMMENT = re.compile(
    r"""^(?:(?P<label>[^:\[{;]+):\s+)?
        (?P<unit>[^\[{;]*?)\s*
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
    label: str = ""

    @property
    def title(self) -> str:
        """The label a reader sees (the declared one, else the name in words)."""
        return self.label or self.name.replace("_", " ").capitalize()

    @property
    def percent(self) -> bool:
        """True when the value is a fraction shown to readers as a percentage."""
        return self.unit.startswith(("fraction", "share"))

    @property
    def reader_unit(self) -> str:
        """The unit as a reader sees it: "% a year" for "fraction a year"."""
        if self.percent:  # "fraction a year" -> "% a year", "share of X" -> "% of X"
            return "%" + re.sub(r"^(fraction|share)", "", self.unit)
        return self.unit.replace("GBP m", "£m").replace("GBP bn", "£bn")

    def display(self, value: Any) -> str:
        """``value`` formatted for readers: 0.025 -> "2.5%", 325.0 -> "£325m"."""
        if self.type == "bool":
            return "yes" if value else "no"
        if self.type == "str":
            return str(value)
        if self.percent:  # as many decimals as the step needs, no trailing zeros
            text = f"{100 * float(value):.{_decimals(100 * (self.step or 0.01))}f}"
            return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
        if self.unit.startswith("GBP m"):
            return f"£{float(value):,.0f}m"
        if self.unit.startswith("GBP bn"):
            return f"£{float(value):,.1f}bn"
        if self.type == "int":  # thousands separators for counts, not for years or seeds
            return f"{int(value):,d}" if abs(int(value)) >= 10000 else f"{int(value):d}"
        return f"{float(value):,.{_decimals(self.step or 0.01)}f}"

    def describe_range(self) -> str:
        """The allowed values as a user would type them."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.minimum is not None:
            return f"{self.minimum:g} to {self.maximum:g}"
        return "true or false" if self.type == "bool" else "any"


def _decimals(step: float) -> int:
    """Decimal places needed to show multiples of ``step`` (0.25 -> 2, 5 -> 0)."""
    text = f"{step:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def chapter_notebooks(layout: Layout | None = None) -> list[Path]:
    """Every chapter notebook: the executable pages of the table of contents, in reading
    order, then the profile notebook run once per footprint (if the book has one)."""
    layout = layout or current()
    profile = layout.profile_notebook()
    return layout.notebooks() + ([profile] if profile else [])


def short_name(notebook: Path | str) -> str:
    """A chapter's short name: its stem without the leading number
    (``01_forward_view`` -> ``forward_view``); also the name of its recipe module."""
    stem = Path(notebook).stem
    head, _, rest = stem.partition("_")
    return rest if head.isdigit() and rest else stem


def resolve_chapter(name: str, layout: Layout | None = None) -> Path:
    """Find a chapter notebook by id (``01_forward_view``), short name
    (``forward_view``) or number (``1``)."""
    notebooks = chapter_notebooks(layout)
    for nb in notebooks:
        number = nb.stem.split("_")[0].lstrip("0") or "0"
        if name in (nb.stem, short_name(nb), nb.name) or (
            name.isdigit() and (name.lstrip("0") or "0") == number
        ):
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


def parse_declaration(
    name: str, type_name: str, default: str, help_text: str, notebook: Path
) -> Parameter:
    """Turn one ``parameters``-cell line (as papermill inspects it) into a Parameter."""
    where = f"{notebook.name}, parameter {name!r}"
    if type_name not in TYPES:
        raise ParameterError(f"{where}: type hint must be one of {TYPES}, got {type_name!r}")
    match = _COMMENT.match((help_text or "").strip())
    if not match:
        raise ParameterError(
            f"{where}: the trailing comment must read 'Label: unit [min, max] step s; "
            f"source', 'Label: unit {{a, b}}; source' or 'Label: unit; source', got "
            f"{help_text!r}"
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
        label=(parts["label"] or "").strip(),
    )
    if type_name in ("float", "int") and param.minimum is None:
        raise ParameterError(f"{where}: a number needs a range '[min, max]' in its comment")
    if type_name == "str" and not param.choices:
        raise ParameterError(f"{where}: a string needs its choices '{{a, b}}' in its comment")
    check_value(param, param.default, where=f"{notebook.name} default")
    return param


def parameters_source(notebook: Path) -> str:
    """The source of a notebook's cell tagged ``parameters`` ('' if none)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{notebook}: not a readable notebook ({exc})") from None
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return ""


def _inspect(notebook: Path, layout: Layout) -> dict[str, dict[str, Any]]:
    """``papermill.inspect_notebook`` of ``notebook``, remembered on disk (in the book's
    declared cache) under the hash of the parameters cell and papermill's version, so a
    build with nothing changed never imports papermill (about 2 s)."""
    from importlib import metadata

    source = parameters_source(notebook)
    key = hashlib.sha256((source + metadata.version("papermill")).encode()).hexdigest()
    remembered = layout.declared_cache / f"{key}.json"
    if remembered.exists():
        try:
            return json.loads(remembered.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, OSError):
            pass  # a damaged record is only a cache miss
    import papermill  # imported here: it is slow to import and only a miss needs it

    inspected = {
        name: {k: info[k] for k in ("inferred_type_name", "default", "help")}
        for name, info in papermill.inspect_notebook(str(notebook)).items()
    }
    try:
        remembered.parent.mkdir(parents=True, exist_ok=True)
        partial = remembered.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps(inspected), encoding="utf-8")
        partial.replace(remembered)
    except OSError:
        pass  # a read-only checkout still works, it is only slower
    return inspected


@lru_cache(maxsize=128)
def _declared_cached(notebook: Path, stamp: tuple[int, int], root: Path) -> dict[str, Parameter]:
    inspected = _inspect(notebook, Layout(root))
    if not inspected:
        raise ParameterError(f"{notebook.name}: no cell tagged 'parameters'")
    return {
        name: parse_declaration(
            name, info["inferred_type_name"], info["default"], info["help"], notebook
        )
        for name, info in inspected.items()
    }


def declared(chapter: str | Path, layout: Layout | None = None) -> dict[str, Parameter]:
    """The parameters a chapter declares, by name, in the order of its cell."""
    layout = layout or current()
    notebook = (
        Path(chapter) if str(chapter).endswith(".ipynb") else resolve_chapter(str(chapter), layout)
    )
    if not notebook.is_file():
        raise ParameterError(f"{notebook}: no such notebook")
    st = notebook.stat()
    return _declared_cached(notebook.resolve(), (st.st_mtime_ns, st.st_size), layout.root)


def _coerce(param: Parameter, value: Any) -> Any:
    if param.type == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "yes", "1"):
            return True
        if str(value).lower() in ("false", "no", "0"):
            return False
        raise ValueError
    if isinstance(value, bool) and param.type in ("int", "float"):
        raise ValueError
    if param.type == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        return int(str(value))
    if param.type == "float":
        if isinstance(value, str | int | float):
            number = float(value)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
            return number
        raise ValueError
    if not isinstance(value, str):
        raise ValueError
    return value


def check_value(param: Parameter, value: Any, where: str = "") -> Any:
    """Coerce ``value`` to the parameter's type and check its range; return it."""
    prefix = f"{where}: " if where else ""
    try:
        coerced = _coerce(param, value)
    except (TypeError, ValueError, OverflowError):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise ParameterError(
            f"{prefix}parameter {param.name!r} expects a {param.type} ({param.unit}), got {shown}"
        ) from None
    if param.choices and coerced not in param.choices:
        import difflib

        near = difflib.get_close_matches(str(coerced), param.choices, n=3, cutoff=0.5)
        if len(param.choices) > 8:
            hint = (
                f"the nearest valid ones are {', '.join(near)}"
                if near
                else f"{len(param.choices)} values are valid (stpbook list shows them)"
            )
            raise ParameterError(
                f"{prefix}parameter {param.name!r} got {coerced!r}"[:120]
                + f", which is not valid; {hint}"
            )
        raise ParameterError(
            f"{prefix}parameter {param.name!r} must be {param.describe_range()}, got {coerced!r}"[
                :300
            ]
        )
    if param.minimum is not None and not (param.minimum <= coerced <= param.maximum):
        raise ParameterError(
            f"{prefix}parameter {param.name!r} = {coerced!r} is outside its range "
            f"{param.describe_range()} ({param.unit})"
        )
    return coerced


def validate(
    chapter: str | Path, values: dict[str, Any], layout: Layout | None = None
) -> dict[str, Any]:
    """Check ``values`` against a chapter's declaration; return them typed.

    Refuses an unknown name (listing the valid ones), a wrong type and a value out of
    range, each with a one-line message naming the parameter."""
    params = declared(chapter, layout)
    typed = {}
    for name, value in values.items():
        if name not in params:
            raise ParameterError(
                f"unknown parameter {str(name)[:60]!r} for chapter {Path(str(chapter)).stem}; "
                f"valid parameters: {', '.join(params)}"
            )
        typed[name] = check_value(params[name], value)
    return typed


def defaults(chapter: str | Path, layout: Layout | None = None) -> dict[str, Any]:
    """A chapter's declared default values."""
    return {name: p.default for name, p in declared(chapter, layout).items()}


def differences(
    notebook: Path, values: dict[str, Any], layout: Layout | None = None
) -> dict[str, tuple[Any, Any]]:
    """The values that differ from a chapter's defaults: name -> (value, default)."""
    params = declared(notebook, layout)
    return {
        k: (v, params[k].default)
        for k, v in values.items()
        if k in params and v != params[k].default
    }
