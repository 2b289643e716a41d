"""The execution cache: a chapter re-executes only when something it uses changed.

A chapter's **key** hashes:

- its notebook and its parameter values;
- the code it can import (:func:`code_digest`): the shared layers (``data``,
  ``models``, ``charts``, ``widgets``, ``tables``, ``parameters``, ``layout``...) and its
  own recipe module ``stpbook/chapters/<short name>.py``, but not the CLI, the pipeline,
  the teaching documents or ``curation/``;
- ``requirements.txt``;
- every file (or folder) the chapter *read* when it last ran, as noted by
  ``stpbook.context.record_read``.

Store layout, under ``_build/cache/<chapter>/``: a **record** ``<params>.json`` per
parameter set ({key, reads, params}) and the executed notebook ``<key>.ipynb``, named by
the key it was produced under. A lookup recomputes the key from the record's reads and
opens the notebook of *that* key, so a record and a notebook from different runs can
never be paired, whatever was interrupted. Both are written atomically; a record that
cannot be read is a miss (with a warning), never a crash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..chapters import SHARED_CODE
from ..layout import Layout
from ..parameters import short_name
from .files import file_sha, write_atomic

PACKAGE = Path(__file__).resolve().parents[1]  # src/stpbook


def chapter_code(notebook: Path) -> list[Path]:
    """The source files a chapter can import, sorted."""
    files: set[Path] = set()
    for pattern in SHARED_CODE:
        files.update(PACKAGE.glob(pattern))
    own = PACKAGE / "chapters" / f"{short_name(notebook)}.py"
    if own.exists():
        files.add(own)
    return sorted(files)


def code_digest(notebook: Path, layout: Layout) -> str:
    """Hash of the code a chapter can import and of the pinned requirements."""
    h = hashlib.sha256()
    for path in chapter_code(notebook):
        h.update(str(path.relative_to(PACKAGE)).encode())
        h.update(path.read_bytes())
    h.update(file_sha(layout.requirements).encode())
    return h.hexdigest()


def params_digest(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]


def key(notebook: Path, params: dict[str, Any], reads: list[str], code: str, layout: Layout) -> str:
    """The key a chapter's executed notebook is stored under."""
    h = hashlib.sha256()
    h.update(notebook.read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(code.encode())
    for rel in sorted(reads):
        h.update(rel.encode())
        h.update(file_sha(layout.root / rel).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    """Where one chapter's cached result for one parameter set lives."""

    layout: Layout
    notebook: Path
    params: dict[str, Any]

    @property
    def folder(self) -> Path:
        return self.layout.cache / self.notebook.stem

    @property
    def record(self) -> Path:
        return self.folder / f"{params_digest(self.params)}.json"

    def stored(self, key_: str) -> Path:
        return self.folder / f"{key_}.ipynb"

    def lookup(self, code: str, warn: Callable[[str], None]) -> Path | None:
        """The stored notebook if the chapter's inputs are unchanged, else None."""
        if not self.record.exists():
            return None
        try:
            record = json.loads(self.record.read_text(encoding="utf-8"))
            reads, recorded = list(record["reads"]), str(record["key"])
        except (OSError, ValueError, KeyError, TypeError):
            warn(f"note: unreadable cache record {self.record}; executing the chapter again")
            return None
        current = key(self.notebook, self.params, reads, code, self.layout)
        stored = self.stored(current)
        return stored if current == recorded and stored.is_file() else None

    def store(self, executed: Path, reads: list[str], code: str, seconds: float) -> Path:
        """Keep ``executed`` under its key, then point the record at it."""
        key_ = key(self.notebook, self.params, reads, code, self.layout)
        stored = self.stored(key_)
        write_atomic(stored, executed.read_bytes())
        previous = None
        try:
            previous = json.loads(self.record.read_text(encoding="utf-8")).get("key")
        except (OSError, ValueError, AttributeError):
            pass
        record = {"key": key_, "reads": reads, "params": self.params, "seconds": round(seconds, 2)}
        write_atomic(self.record, json.dumps(record, indent=1, sort_keys=True).encode())
        if previous and previous != key_:
            self._forget(previous)
        return stored

    def _forget(self, old_key: str) -> None:
        """Remove a superseded notebook unless another parameter set still uses it."""
        for other in self.folder.glob("*.json"):
            try:
                if json.loads(other.read_text(encoding="utf-8")).get("key") == old_key:
                    return
            except (OSError, ValueError, AttributeError):
                continue
        self.stored(old_key).unlink(missing_ok=True)
