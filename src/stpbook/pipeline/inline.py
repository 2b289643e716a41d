"""Numbers in prose: ``{eval}`n.gap` `` roles, live in JupyterLab and fixed in the book.

A chapter's Markdown cites computed numbers with MyST's ``{eval}`` role
(``the gap reaches {eval}`n.gap_final` by 2020/21``), where ``n`` holds the chapter's
numbers already formatted as text (``"£27.9bn"``). In JupyterLab, ``jupyterlab-myst``
evaluates each role in the running kernel, so the prose follows the reader's values.

The static book has no kernel, so the pipeline fixes the text when it executes a
chapter: :func:`with_evaluation` appends one hidden cell that evaluates every role's
expression at the end of the run and prints the results; :func:`resolve` replaces each
role in the executed notebook with its text and removes that cell. An expression that
fails stops the build, naming the chapter and the expression.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import ExecutionError

ROLE = re.compile(r"\{eval\}`([^`]+)`")
CELL_ID = "stpbook-inline-values"
MARK = "STPBOOK-INLINE-VALUES:"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")

_PROGRAM = """\
import json as _stpbook_json
_stpbook_values, _stpbook_errors = {{}}, {{}}
for _stpbook_expr in {expressions!r}:
    try:
        _stpbook_values[_stpbook_expr] = str(eval(_stpbook_expr))
    except Exception as _stpbook_exc:
        _stpbook_errors[_stpbook_expr] = f"{{type(_stpbook_exc).__name__}}: {{_stpbook_exc}}"
print({mark!r} + _stpbook_json.dumps({{"values": _stpbook_values, "errors": _stpbook_errors}}))
"""


def expressions(nb: dict[str, Any]) -> list[str]:
    """Every distinct ``{eval}`` expression in the notebook's Markdown, in order."""
    found: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            found += [e for e in ROLE.findall(text) if e not in found]
    return found


def with_evaluation(notebook: Path, target: Path) -> Path:
    """``notebook`` itself if its prose has no ``{eval}`` role; otherwise a copy at
    ``target`` with the evaluating cell appended (returned)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found = expressions(nb)
    if not found:
        return notebook
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": CELL_ID,
            "metadata": {"tags": ["remove-cell"]},
            "outputs": [],
            "source": _PROGRAM.format(expressions=found, mark=MARK),
        }
    )
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


def _markdown_literal(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def resolve(executed: Path, chapter: str) -> None:
    """Replace every ``{eval}`` role in the executed notebook with its value and remove
    the evaluating cell. Raises ExecutionError if an expression failed."""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    cell = next((c for c in nb.cells if c.get("id") == CELL_ID), None)
    if cell is None:
        return
    text = "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )
    line = next((ln for ln in text.splitlines() if ln.startswith(MARK)), None)
    if line is None:
        raise ExecutionError(f"{chapter}: the values of its {{eval}} roles were not printed")
    found = json.loads(line[len(MARK) :])
    if found["errors"]:
        expr, error = next(iter(found["errors"].items()))
        raise ExecutionError(
            f"{chapter}: the prose's {{eval}}`{expr}` failed: {error}"
            + (f" (and {len(found['errors']) - 1} more)" if len(found["errors"]) > 1 else "")
        )
    values = found["values"]
    nb.cells = [c for c in nb.cells if c.get("id") != CELL_ID]
    for c in nb.cells:
        if c.cell_type == "markdown":
            c.source = ROLE.sub(lambda m: _markdown_literal(values[m.group(1)]), c.source)
    nbformat.write(nb, str(executed))
