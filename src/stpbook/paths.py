"""Where the book's folders are.

Notebooks import ``stpbook`` from the editable install, so the repository root is
found from this file, not from the current directory: ``papermill`` can be run from
anywhere. ``STPBOOK_ROOT`` overrides it (tests build fixture books elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

READS_ENV = "STPBOOK_TRACE_READS"
READS_FILE = ".stpbook-reads"
BATCH_ENV = "STPBOOK_BATCH"  # set while the pipeline executes chapters: no live frontend


def root() -> Path:
    """The repository root (the folder holding ``_config.yml``)."""
    override = os.environ.get("STPBOOK_ROOT")
    return Path(override).resolve() if override else Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The ``data/`` folder of the book."""
    return root() / "data"


def chapters_dir() -> Path:
    """The ``chapters/`` folder of the book."""
    return root() / "chapters"


def scenarios_dir() -> Path:
    """The ``scenarios/`` folder of the book."""
    return root() / "scenarios"


def batch() -> bool:
    """True when the running kernel was started by the pipeline (``make book``,
    ``stpbook run``), so there is no live frontend to show widgets to."""
    return os.environ.get(BATCH_ENV) == "1"


def record_read(path: Path) -> None:
    """Note that the running chapter read ``path``, so the pipeline's cache can key the
    chapter on that file. Only active while the pipeline executes a chapter (it sets
    ``STPBOOK_TRACE_READS`` and gives each chapter its own working directory)."""
    if os.environ.get(READS_ENV) != "1":
        return
    with open(READS_FILE, "a", encoding="utf-8") as trace:
        trace.write(str(Path(path).resolve()) + "\n")
