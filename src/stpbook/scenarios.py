"""Scenarios: named sets of assumptions for the whole book (``scenarios/*.yaml``).

Keys: ``name`` (a safe folder name: it names the variant book's folder), ``title``,
``description``, ``sources`` (bibliography keys), ``parameters`` (values applied to
every chapter that declares that name) and ``chapters`` (values for one chapter only,
by chapter id). Everything is checked before anything runs; a file that breaks a rule is
refused with the file and key named, in one short line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import LayoutError, ParameterError
from .layout import Layout, current, safe_name
from .parameters import (
    Parameter,
    chapter_notebooks,
    check_value,
    declared,
    resolve_chapter,
    validate,
)

KEYS = ("name", "title", "description", "sources", "parameters", "chapters")
MAX_BYTES = 64 * 1024  # a scenario is a handful of lines; anything larger is refused


@dataclass(frozen=True)
class Scenario:
    """A named set of assumptions for the whole book."""

    name: str
    title: str
    description: str
    sources: tuple[str, ...]
    parameters: dict[str, Any]
    chapters: dict[str, dict[str, Any]]
    path: Path | None = None
    layout: Layout | None = field(default=None, compare=False)

    def for_chapter(self, notebook: Path) -> dict[str, Any]:
        """The values this scenario sets for one chapter, validated: the book-wide
        ``parameters`` the chapter declares, then its own ``chapters`` entry."""
        params = declared(notebook, self.layout)
        values = {k: v for k, v in self.parameters.items() if k in params}
        values.update(self.chapters.get(notebook.stem, {}))
        try:
            return validate(notebook, values, self.layout)
        except ParameterError as exc:
            raise ParameterError(f"{self.path or self.name}: {exc}") from None

    def fingerprint(self) -> str:
        """A stable text of the values, for cache keys and banners."""
        return json.dumps(
            {"parameters": self.parameters, "chapters": self.chapters}, sort_keys=True
        )


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses anchors and aliases (an alias bomb expands a few hundred
    bytes into gigabytes) and duplicate keys (the later one would silently win)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "anchors and aliases (&, *) are not allowed in a scenario",
                event.start_mark,
            )
        node = super().compose_node(parent, index)
        if node is not None and getattr(node, "anchor", None):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "anchors and aliases (&, *) are not allowed in a scenario",
                node.start_mark,
            )
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {str(key)[:40]!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read(path: Path) -> Any:
    if not path.exists():
        raise ParameterError(f"scenario file not found: {path}")
    if not path.is_file():
        raise ParameterError(f"{path}: is not a file; give a scenario .yaml file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ParameterError(f"{path}: {size} bytes; a scenario may be at most {MAX_BYTES}")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ParameterError(
            f"{path}{line}: not valid scenario YAML: {getattr(exc, 'problem', None) or first[0]}"[
                :300
            ]
        ) from None


def _mapping(raw: Any, key: str, path: Path) -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ParameterError(
            f"{path}: {key!r} must be a mapping of name: value, got a {type(value).__name__}"
        )
    return value


def _text(raw: dict[str, Any], key: str, path: Path, default: str) -> str:
    value = raw.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str | int | float):
        raise ParameterError(f"{path}: {key!r} must be text, got a {type(value).__name__}")
    return str(value)


def load_scenario(path: Path, layout: Layout | None = None) -> Scenario:
    """Read and check a scenario file.

    Unknown top-level keys, parameter names no chapter declares, unknown chapters,
    and values of the wrong type or out of range are refused with the file and key
    named; so are an unsafe ``name``, aliases, duplicate keys and files over 64 KB."""
    layout = layout or current()
    path = Path(path)
    raw = _read(path) or {}
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping with keys {', '.join(KEYS)}")
    for key in raw:
        if key not in KEYS:
            raise ParameterError(
                f"{path}: unknown key {str(key)[:40]!r}; allowed keys: {', '.join(KEYS)}"
            )
    name = _text(raw, "name", path, path.stem)
    try:
        safe_name(name, "scenario name")
    except LayoutError as exc:
        raise ParameterError(f"{path}: {exc}") from None
    sources = raw.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise ParameterError(f"{path}: 'sources' must be a list of bibliography keys")
    book_wide = _mapping(raw, "parameters", path)
    per_chapter = _mapping(raw, "chapters", path)
    notebooks = chapter_notebooks(layout)
    everything: dict[str, Parameter] = {}
    for nb in notebooks:
        everything.update(declared(nb, layout))
    for pname, value in book_wide.items():
        if pname not in everything:
            raise ParameterError(
                f"{path}: unknown parameter {str(pname)[:40]!r} under 'parameters'; declared "
                f"parameters: {', '.join(sorted(everything))}"
            )
        for nb in notebooks:
            if pname in declared(nb, layout):
                check_value(declared(nb, layout)[pname], value, where=f"{path} ({nb.stem})")
    chapters: dict[str, dict[str, Any]] = {}
    for chapter, values in per_chapter.items():
        try:
            nb = resolve_chapter(str(chapter), layout)
        except ParameterError as exc:
            raise ParameterError(f"{path}, chapters: {exc}") from None
        if values is not None and not isinstance(values, dict):
            raise ParameterError(
                f"{path}, chapters.{chapter}: expected a mapping of "
                f"name: value, got a {type(values).__name__}"
            )
        try:
            validate(nb, values or {}, layout)
        except ParameterError as exc:
            raise ParameterError(f"{path}, chapters.{chapter}: {exc}") from None
        chapters[nb.stem] = dict(values or {})
    return Scenario(
        name=name,
        title=_text(raw, "title", path, path.stem),
        description=_text(raw, "description", path, ""),
        sources=tuple(sources),
        parameters=dict(book_wide),
        chapters=chapters,
        path=path,
        layout=layout,
    )
