"""What every recipe module shares: formatting for prose and the panel's output."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ..layout import Layout
from ..parameters import declared
from ..tables import Assumptions, assumptions


def text(**values: str) -> SimpleNamespace:
    """The numbers a chapter's prose cites, already formatted (``n.gap_final``)."""
    return SimpleNamespace(**values)


def bn(value: float, digits: int = 1) -> str:
    """GBP billions for prose: 27.94 -> "£27.9bn"; negative values keep their sign."""
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.{digits}f}bn"


def m(value: float, digits: int = 0) -> str:
    """GBP millions for prose: 876.0 -> "£876m"."""
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.{digits}f}m"


def pct(fraction: float, digits: int = 1) -> str:
    """A fraction as a percentage for prose: 0.025 -> "2.5%"."""
    return f"{100 * fraction:.{digits}f}%"


def count(value: float) -> str:
    """A whole number for prose: 1234 -> "1,234"."""
    return f"{round(value):,d}"


def assumptions_box(
    notebook: str,
    values: dict[str, Any],
    layout: Layout | None = None,
    choice_labels: dict[str, dict[Any, str]] | None = None,
) -> Assumptions:
    """The chapter's Assumptions box for the values it ran with (``choice_labels``: words
    for a drop-down's choices, {name: {choice: words}})."""
    return assumptions(notebook, declared(notebook, layout), values, choice_labels)


def headline_box(numbers: dict[str, str]) -> Any:
    """Headline numbers as a small HTML list, for the live panel."""
    from IPython.display import HTML

    from ..widgets import headline_html

    return HTML(headline_html(numbers))
