"""One build at a time per book: an exclusive lock on ``_build/.lock``.

A second ``make book`` (or ``stpbook build``) on the same book is refused at once with
the process id of the one holding the lock, instead of both crashing half-way. The lock
is an ``flock`` held by the open file, so a killed build releases it with its process.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import Refused
from .files import ensure


class Busy(Refused):
    """Another build holds the book's lock."""


@contextmanager
def exclusive(build: Path) -> Iterator[None]:
    """Hold the book's build lock for the duration of the block."""
    path = ensure(build) / ".lock"
    fh = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise Busy(
                f"another build of this book is running (process {holder}, lock "
                f"{path}); wait for it to finish"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
    finally:
        fh.close()
