"""Where the running chapter is: executed by the pipeline, or live in a frontend.

The pipeline (``make book``, ``stpbook run``) sets two environment variables for every
kernel it starts:

- ``STPBOOK_BATCH=1``: there is no frontend. Charts render for the static book and the
  live widget panels stand down (see ``stpbook.charts.render`` and ``stpbook.widgets``).
- ``STPBOOK_TRACE_READS=1``: every data file the chapter opens is noted in
  ``.stpbook-reads`` in the kernel's working directory, so the cache can key the chapter
  on exactly those files.

Anywhere else (JupyterLab, Voila, VS Code, a plain ``papermill`` run) neither is set.
"""

from __future__ import annotations

import os
from pathlib import Path

READS_ENV = "STPBOOK_TRACE_READS"
READS_FILE = ".stpbook-reads"
BATCH_ENV = "STPBOOK_BATCH"


def batch() -> bool:
    """True when the running kernel was started by the pipeline (no live frontend)."""
    return os.environ.get(BATCH_ENV) == "1"


def record_read(path: Path) -> None:
    """Note that the running chapter read ``path`` (a file, or a folder whose listing
    and contents it used), so the pipeline's cache keys the chapter on it."""
    if os.environ.get(READS_ENV) != "1":
        return
    with open(READS_FILE, "a", encoding="utf-8") as trace:
        trace.write(str(Path(path).resolve()) + "\n")
