"""The data appendix: every table of the book's data package, described for readers.

For each resource in ``data/datapackage.json`` the page gives a heading, what the table
holds, its size, a download link, a table of its columns (type, meaning with unit, what
values are allowed) and the sources its rows cite, credited by author, outlet and date.
The page is a sequence of Markdown blocks and reader's tables (``Catalogue``), shown
one after another, so its headings are real headings in the book and in JupyterLab.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from .. import bibliography, data
from ..layout import Layout, current
from ..tables import Table, table
from ._common import count, text

NOTEBOOK = "90_data_package"
STATIC_PREFIX = "../_static/data"
DROPDOWN_AFTER = 8  # more sources than this are folded into a drop-down
TYPES = {
    "string": "text",
    "number": "number",
    "integer": "whole number",
    "boolean": "yes or no",
    "date": "date",
    "year": "year",
}
PATTERNS = {  # regular expressions of the descriptor, in words
    r"^E54\d{6}$": "an ONS footprint code: E54 and six digits",
    r"^E38\d{6}(;E38\d{6})*$": "ONS CCG codes (E38 and six digits), separated by ';'",
    r"^E(38|06|07|08|09)\d{6}$": "an ONS code: a CCG (E38) or a local authority district "
    "(E06 to E09), then six digits",
    r"^\d{4}/\d{2}$": "a financial year such as 2016/17",
    r"^[a-z][a-z0-9_]*$": "a bibliography key: lower-case letters, digits and '_'",
    r"^[a-z0-9_]+$": "lower-case letters, digits and '_'",
    r"^[a-z_]+$": "lower-case letters and '_'",
    r"^[a-z0-9_]+$|^$": "lower-case letters, digits and '_'",
    r"^a[0-4]-\d{2}$": "a0-01 to a4-99: article, then point",
    r"^\d{2}_[a-z_]+$": "a chapter's file name, such as 02_footprints",
}
SOURCE_COLUMN = re.compile(r"(^|_)source_id$")


@dataclass(frozen=True)
class Inputs:
    """The data package's descriptor, listing and bibliography, and each table's
    bibliography keys (the columns that cite sources)."""

    package: dict  # data/datapackage.json
    resources: list[dict]  # stpbook.data.resources
    bibliography: dict[str, dict[str, str]]  # references.bib, plain text
    cited: dict[str, list[str]]  # resource name -> bibliography keys its rows cite
    layout: Layout | None = None


def _cites(resource: dict) -> list[str]:
    """The columns of ``resource`` whose values are bibliography keys."""
    return [
        f["name"]
        for f in resource.get("schema", {}).get("fields", [])
        if SOURCE_COLUMN.search(f["name"])
        or str(f.get("description", "")).lower().startswith("bibliography key")
    ]


def inputs(layout: Layout | None = None) -> Inputs:
    """Load the descriptor, every table (validated) and the bibliography."""
    layout = layout or current()
    listing = data.resources(layout)
    cited: dict[str, list[str]] = {}
    for item in listing:
        columns = _cites(item["resource"])
        if not columns or item["resource"].get("type", "table") != "table":
            continue
        frame = data.load(item["name"], layout=layout)
        keys = [k for column in columns for k in frame[column].dropna().astype(str)]
        cited[item["name"]] = list(dict.fromkeys(keys))
    return Inputs(
        data.descriptor(layout), listing, bibliography.entries(layout.bibliography), cited, layout
    )


@dataclass(frozen=True)
class Results:
    inputs: Inputs
    values: dict[str, Any]
    text: SimpleNamespace


def compute(inputs: Inputs, show_fields: bool = True) -> Results:
    """The appendix for one value of ``show_fields``, with the numbers its prose cites."""
    tables = [r for r in inputs.resources if r["resource"].get("type", "table") == "table"]
    keys = {k for ks in inputs.cited.values() for k in ks}
    fields = sum(len(r["resource"].get("schema", {}).get("fields", [])) for r in tables)
    licence = (inputs.package.get("licenses") or [{}])[0]
    prose = text(
        n_resources=count(len(inputs.resources)),
        n_tables=count(len(tables)),
        n_rows=count(sum(r["rows"] or 0 for r in tables)),
        n_fields=count(fields),
        n_sources=count(len(keys)),
        licence=licence.get("title", licence.get("name", "")),
    )
    return Results(inputs, {"show_fields": show_fields}, prose)


# --- words for readers --------------------------------------------------------------------


def _md(value: str) -> str:
    """Plain text made safe inside Markdown: no emphasis, roles, links or HTML."""
    return re.sub(r"([\\`*_{}\[\]<>|#])", r"\\\1", value)


def _reader_units(value: str) -> str:
    return value.replace("GBP m", "£m").replace("GBP bn", "£bn").replace("GBP ", "£")


def anchor(name: str) -> str:
    """The id of a resource's heading on the page."""
    return "data-" + name.replace("_", "-")


def _number(value: Any) -> str:
    """A limit for readers: thousands separated from 10,000 up (so years stay 2016)."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return text if abs(value) >= 10_000 else text.replace(",", "")


def allowed(field: dict) -> str:
    """A field's constraints in words: required, unique, range, choices, pattern."""
    c = field.get("constraints", {})
    parts = ["always given" if c.get("required") else "may be empty"]
    if c.get("unique"):
        parts.append("unique")
    if "minimum" in c and "maximum" in c:
        parts.append(f"from {_number(c['minimum'])} to {_number(c['maximum'])}")
    elif "minimum" in c:
        parts.append(f"at least {_number(c['minimum'])}")
    elif "maximum" in c:
        parts.append(f"at most {_number(c['maximum'])}")
    if c.get("enum"):
        parts.append("one of: " + ", ".join(str(v) for v in c["enum"]))
    if c.get("pattern"):
        parts.append(PATTERNS.get(c["pattern"], "in the format the descriptor gives"))
    return "; ".join(parts)


def meaning(field: dict, resource: dict) -> str:
    """What a field holds, for readers (units in words, sources pointed to the list)."""
    if SOURCE_COLUMN.search(field["name"]):
        return "The row's source: a key of the book's bibliography (listed under Sources)"
    description = _reader_units(str(field.get("description", "")).strip())
    keys = resource.get("schema", {}).get("primaryKey", [])
    if isinstance(keys, str):
        keys = [keys]
    if keys == [field["name"]]:
        description += " Identifies the row."
    return description


def fields_table(resource: dict, file_name: str) -> Table:
    """The columns of one table, for people: each column's name with its type and the
    values it may take, then what it means (with its unit). Two columns, so that the
    table fits a phone."""
    rows = [
        {
            "column": f"{f['name']} ({TYPES.get(f.get('type', 'string'), f.get('type'))}): "
            f"{allowed(f)}",
            "meaning": meaning(f, resource),
        }
        for f in resource.get("schema", {}).get("fields", [])
    ]
    return table(
        pd.DataFrame(rows, columns=["column", "meaning"]),
        f"The columns of {file_name}",
        {"column": "Column (type): allowed values", "meaning": "Meaning (unit)"},
    )


def source_line(entry: dict[str, str]) -> str:
    """One source for the list: author, outlet and date, then the title (linked)."""
    title = _md(entry.get("title", "").rstrip("."))
    url = entry.get("url", "")
    shown = f"[{title}]({url.replace(' ', '%20').replace(')', '%29')})" if url else title
    return f"{_md(bibliography.credit(entry))}: {shown}"


def sources_markdown(keys: list[str], entries: dict[str, dict[str, str]]) -> str:
    """The sources a table's rows cite, by author, outlet and date; a long list is folded
    into a drop-down."""
    lines = sorted({source_line(entries[k]) for k in keys if k in entries}, key=str.lower)
    items = "\n".join(f"- {line}" for line in lines)
    if len(lines) <= DROPDOWN_AFTER:
        return f"**Sources.**\n\n{items}\n"
    return (
        f"**Sources.** The rows cite {len(lines)} sources.\n\n"
        f":::{{dropdown}} The {len(lines)} sources\n{items}\n:::\n"
    )


def descriptor_sources(resource: dict) -> str:
    """The sources a resource's descriptor names (for files without a source column)."""
    items = [
        f"- [{_md(s['title'])}]({s['path']})"
        if str(s.get("path", "")).startswith("http")
        else f"- {_md(s['title'])}"
        for s in resource.get("sources", [])
    ]
    return "**Sources.**\n\n" + "\n".join(items) + "\n" if items else ""


# --- the page --------------------------------------------------------------------------------


def _heading(level: int, words: str, ident: str) -> str:
    return f'<h{level} id="{ident}">{html.escape(words)}</h{level}>'


def contents(results: Results) -> Any:
    """The list of tables at the top of the page, each linked to its section."""
    from IPython.display import Markdown

    lines = []
    for item in results.inputs.resources:
        name = Path(item["path"]).name
        size = (
            f"{item['rows']:,} rows"
            if item["resource"].get("type", "table") == "table"
            else f"{item['rows']:,} shapes"
        )
        lines.append(
            f'- <a href="#{anchor(item["name"])}">{html.escape(item["title"])}</a> '
            f"({_md(name)}, {size})"
        )
    return Markdown("\n".join(lines))


def section(item: dict, results: Results) -> Iterator[Any]:
    """The display objects describing one resource."""
    from IPython.display import Markdown

    resource = item["resource"]
    name = Path(item["path"]).name
    is_table = resource.get("type", "table") == "table"
    n_fields = len(resource.get("schema", {}).get("fields", []))
    size = (
        f"{item['rows']:,} rows and {n_fields} columns"
        if is_table
        else f"{item['rows']:,} footprint shapes (GeoJSON)"
    )
    link = (
        f'<a href="{STATIC_PREFIX}/{html.escape(name)}" download>download {html.escape(name)}</a>'
    )
    yield Markdown(
        f"{_heading(3, item['title'], anchor(item['name']))}\n\n"
        f"{_md(_reader_units(item['description']))}\n\n"
        f"**{size}**: {link}."
    )
    if results.values["show_fields"] and is_table and n_fields:
        yield fields_table(resource, name)
    keys = results.inputs.cited.get(item["name"])
    sources = (
        sources_markdown(keys, results.inputs.bibliography)
        if keys
        else descriptor_sources(resource)
    )
    if sources:
        yield Markdown(sources)


class Catalogue:
    """The page's body: shown as a sequence of outputs (Markdown blocks and tables)."""

    def __init__(self, results: Results):
        self.results = results

    def parts(self) -> list[Any]:
        return [
            part for item in self.results.inputs.resources for part in section(item, self.results)
        ]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(*self.parts())

    def __repr__(self) -> str:
        return f"The data package: {len(self.results.inputs.resources)} resources"


def catalogue(results: Results) -> Catalogue:
    """Every resource, in the package's order."""
    return Catalogue(results)
