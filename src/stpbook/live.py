"""Chapters read cleanly in Voila, where no MyST renderer runs.

JupyterLab renders the chapters' MyST Markdown with ``jupyterlab-myst``, which evaluates
``{eval}`` roles in the kernel. Voila renders Markdown cells on the server, without MyST,
so a role would show as raw text. :func:`voila_prelaunch` (set as Voila's
``prelaunch_hook`` by ``jupyter_config/voila.py``) rewrites a chapter before Voila runs
it:

- a Markdown cell with ``{eval}`` roles becomes a code cell that displays the same
  Markdown with the values filled in by the kernel (Voila shows outputs, not code);
- ``{cite}`key` `` becomes "(Author, year)", the book's own label;
- ``{ref}`text <label>` `` and ``(label)=`` targets become plain text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import StpBookError
from .layout import find_root

EVAL = re.compile(r"\{eval\}`([^`]+)`")
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")
REF = re.compile(r"\{(?:ref|doc|numref)\}`([^`<]*?)\s*(?:<[^>]*>)?`")
TARGET = re.compile(r"^\([\w.:-]+\)=\s*$", re.MULTILINE)


def cite_text(keys: str, labels: dict[str, str]) -> str:
    """``"fyfv_2014,dh_sr2015"`` -> ``"(NHS England, 2014; Department of Health, 2015)"``,
    with the same labels as the static book (``stpbook.sphinx.citations``)."""
    return "(" + "; ".join(labels.get(k.strip(), k.strip()) for k in keys.split(",")) + ")"


def plain_roles(text: str, entries: dict[str, str]) -> str:
    """MyST roles other than ``{eval}`` as plain text."""
    text = CITE.sub(lambda m: cite_text(m.group(1), entries), text)
    text = REF.sub(lambda m: m.group(1) or "the section", text)
    return TARGET.sub("", text)


def _fstring_body(text: str) -> str:
    """Markdown with ``{eval}`` roles as the body of a Python f-string."""
    pieces = []
    last = 0
    for match in EVAL.finditer(text):
        pieces.append(text[last : match.start()].replace("{", "{{").replace("}", "}}"))
        pieces.append("{" + match.group(1) + "}")
        last = match.end()
    pieces.append(text[last:].replace("{", "{{").replace("}", "}}"))
    return "".join(pieces).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def readable(notebook: Any, entries: dict[str, str]) -> Any:
    """The notebook with its Markdown made readable without a MyST renderer."""
    import nbformat

    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            cells.append(cell)
            continue
        source = plain_roles(cell.source, entries)
        if EVAL.search(source):
            code = f'from IPython.display import Markdown\nMarkdown(f"""{_fstring_body(source)}""")'
            cells.append(nbformat.v4.new_code_cell(code, metadata={"tags": ["prose"]}))
        else:
            cell.source = source
            cells.append(cell)
    notebook.cells = cells
    return notebook


def voila_prelaunch(req: Any, notebook: Any, cwd: str) -> Any:
    """Voila's ``prelaunch_hook``: see the module docstring."""
    from .sphinx.citations import labels

    try:
        found = labels(find_root(Path(cwd)) / "references.bib")
    except StpBookError:
        found = {}
    return readable(notebook, found)
