"""Tables for people: what a reader sees instead of a raw DataFrame.

:func:`table` turns a DataFrame into a small HTML table with a caption, human column
headings (with units), no index column, numbers right-aligned with thousands
separators, and long text wrapped rather than cut. The same object shows in the static
book, in JupyterLab and in Voila; its HTML is deterministic (same input, same bytes).
:func:`assumptions` is the "Assumptions" box each chapter shows in place of its
``parameters`` cell.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .parameters import Parameter, short_name

Format = str | Callable[[Any], str]


def scroll_box(caption: str) -> str:
    """The opening tag of the box a table sits in: it scrolls sideways when the table is
    wider than the column, so it takes keyboard focus and is named after the table."""
    return (
        f'<div class="stp-table-wrap" tabindex="0" role="region" '
        f'aria-label="{html.escape(caption)}">'
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value: Any, fmt: Format | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if callable(fmt):
        return fmt(value)
    if fmt is not None:
        return format(value, fmt)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%-d %B %Y")
    if _is_number(value):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return str(value)


@dataclass
class Table:
    """A table ready for readers; ``_repr_html_`` draws it."""

    frame: pd.DataFrame
    caption: str
    formats: Mapping[str, Format] = field(default_factory=dict)
    numeric: tuple[str, ...] = ()
    note: str = ""

    def html(self) -> str:
        cols = list(self.frame.columns)
        head = "".join(
            f'<th scope="col" class="{self._align(c)}" style="{self._style(c)}">'
            f"{html.escape(str(c))}</th>"
            for c in cols
        )
        rows = []
        for record in self.frame.itertuples(index=False, name=None):
            cells = "".join(
                f'<td class="{self._align(c)}" style="{self._style(c)}" '
                f'data-label="{html.escape(str(c))}">'
                f"{html.escape(_cell(v, self.formats.get(c)))}</td>"
                for c, v in zip(cols, record, strict=True)
            )
            rows.append(f"<tr>{cells}</tr>")
        note = f'<p class="stp-table-note">{html.escape(self.note)}</p>' if self.note else ""
        # Several columns of text do not fit a phone: there each row becomes a card. A
        # table of numbers with one text column stays a table.
        texts = sum(c not in self.numeric for c in cols)
        cards = " stp-cards" if len(cols) >= 4 and texts >= 2 or len(cols) >= 6 else ""
        return (
            f'{scroll_box(self.caption)}<table class="stp-table{cards}">'
            f"<caption>{html.escape(self.caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"{note}</div>"
        )

    def _align(self, column: str) -> str:
        # The class styles the book; the inline alignment also holds in JupyterLab and
        # Voila, which do not load the book's stylesheet and right-align table cells.
        return "stp-num" if column in self.numeric else "stp-text"

    def _style(self, column: str) -> str:
        return "text-align:right" if column in self.numeric else "text-align:left"

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}"


def table(
    frame: pd.DataFrame,
    caption: str,
    columns: Mapping[str, str] | None = None,
    formats: Mapping[str, Format] | None = None,
    note: str = "",
) -> Table:
    """A reader's table of ``frame``: ``columns`` maps the columns to show (in order) to
    their headings, units included; ``formats`` maps a column to a format spec
    (``",.0f"``) or a function. Numeric columns are right-aligned."""
    columns = dict(columns) if columns else {c: str(c) for c in frame.columns}
    shown = frame.reset_index(drop=True)[list(columns)].rename(columns=columns)
    fmts = {columns[c]: f for c, f in (formats or {}).items() if c in columns}
    numeric = tuple(
        columns[c]
        for c in columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    )
    return Table(shown, caption, fmts, numeric, note)


def _range(param: Parameter, labels: Mapping[str, str] | None = None) -> str:
    if param.choices:
        shown = [(labels or {}).get(c, c) for c in param.choices]
        return (
            ", ".join(shown)
            if len(shown) <= 6
            else f"{len(shown)} choices: " + ", ".join(shown[:3]) + " …"
        )
    if param.type == "bool":
        return "yes or no"
    return f"{param.display(param.minimum)} to {param.display(param.maximum)}"


def _example(param: Parameter, value: Any) -> str:
    """A different valid value, for the rerun example."""
    if param.choices:
        return next((c for c in param.choices if c != value), value)
    if param.type == "bool":
        return str(not value).lower()
    step = param.step or 1
    other = value + step if value + step <= param.maximum else value - step
    return f"{other:g}" if param.type == "float" else str(int(other))


# Second lines in the Assumptions box, styled inline so they read the same in the book,
# in JupyterLab and in Voila (which do not load the book's stylesheet).
_SMALL = "display:block;font-weight:normal;font-size:0.85em;color:#444;margin-top:0.15rem"


class Assumptions:
    """The "Assumptions" box: each parameter in words, its value, what it may be and
    why, and how to change it (sliders, ``stpbook run``, plain ``papermill``)."""

    def __init__(
        self,
        notebook: str,
        params: Mapping[str, Parameter],
        values: Mapping[str, Any],
        choice_labels: Mapping[str, Mapping[str, str]] | None = None,
    ):
        self.notebook, self.params, self.values = notebook, params, values
        self.choice_labels = choice_labels or {}

    def _value(self, name: str, p: Parameter) -> str:
        value = self.values.get(name, p.default)
        return self.choice_labels.get(name, {}).get(value, p.display(value))

    def _repr_html_(self) -> str:
        rows = []
        for name, p in self.params.items():
            allowed = _range(p, self.choice_labels.get(name))
            rows.append(
                '<tr><th scope="row" style="text-align:left">'
                f'{html.escape(p.title)}<span class="stp-why" style="{_SMALL}">'
                f"{html.escape(p.note)}</span></th>"
                '<td style="text-align:right" data-label="Value">'
                f"<strong>{html.escape(self._value(name, p))}</strong>"
                f'<span class="stp-allowed" style="{_SMALL}">allowed: {html.escape(allowed)}'
                "</span></td></tr>"
            )
        rerun = ""
        first = next(iter(self.params.items()), None)
        if first:
            name, p = first
            example = _example(p, self.values.get(name, p.default))
            short = short_name(self.notebook)
            names = ", ".join(
                f"<code>{html.escape(n)}</code> ({html.escape(q.title.lower())})"
                for n, q in self.params.items()
            )
            rerun = (
                '<details class="stp-rerun"><summary>Rerun this chapter with your own '
                "values</summary><p>The assumptions' names, for the command line: "
                f"{names}.</p>"
                f"<pre>stpbook run {html.escape(short)} -p {html.escape(name)} "
                f"{html.escape(str(example))}\n"
                f"papermill chapters/{html.escape(self.notebook)}.ipynb out.ipynb "
                f"-p {html.escape(name)} {html.escape(str(example))}</pre></details>"
            )
        one = len(self.params) == 1
        caption = f"The value{'' if one else 's'} this page was built with, and why"
        return (
            '<div class="admonition stp-assumptions"><p class="admonition-title">'
            f"The assumption{'' if one else 's'} behind this chapter</p>"
            f'{scroll_box(caption)}<table class="stp-table"><caption>{caption}</caption>'
            '<thead><tr><th scope="col" style="text-align:left">Assumption</th>'
            '<th scope="col" style="text-align:right">Value</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
            f"<p>{'Change it' if one else 'Change them'} with the controls beside the "
            f"charts.</p>{rerun}</div>"
        )

    def __repr__(self) -> str:
        return "Assumptions: " + ", ".join(
            f"{p.title} = {self._value(n, p)}" for n, p in self.params.items()
        )


def assumptions(
    notebook: str,
    params: Mapping[str, Parameter],
    values: Mapping[str, Any],
    choice_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> Assumptions:
    """The Assumptions box for a chapter (``notebook`` is its stem); ``choice_labels``
    gives words for the choices of a drop-down parameter ({name: {choice: words}})."""
    return Assumptions(notebook, params, values, choice_labels)
