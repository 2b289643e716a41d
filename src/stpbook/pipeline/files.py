"""Writing files so that a kill, a full disk or a second process never leaves half of one."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from ..errors import Refused


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha(path: Path) -> str:
    """The SHA-256 of a file; of a folder, a hash of its listing and its files' hashes
    (so adding a file changes it); "missing" when there is nothing there."""
    if path.is_dir():
        h = hashlib.sha256()
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(str(child.relative_to(path)).encode())
            h.update(file_sha(child).encode())
        return h.hexdigest()
    return sha256(path.read_bytes()) if path.is_file() else "missing"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary file beside it,
    flushed to disk, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(partial, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> None:
    """Write only when the content differs, keeping the mtime of unchanged files so
    Sphinx re-reads only what changed."""
    if path.is_file() and path.read_bytes() == data:
        return
    write_atomic(path, data)


def ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def disk_message(exc: OSError, path: Path) -> str:
    """One line for an OS error while writing ``path``: what, where, and for a full
    disk how much space is left."""
    import errno

    if exc.errno == errno.ENOSPC:
        probe = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
        free = shutil.disk_usage(probe).free
        return f"no space left on the device while writing {path} ({free / 1e6:.1f} MB free)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {path}: permission denied (is the folder read-only?)"
    if exc.errno == errno.ENAMETOOLONG:
        return f"cannot write {path}: the name is too long"
    return f"cannot write {path}: {exc.strerror or exc}"


class DiskError(Refused):
    """The book's folders could not be written (read-only, full disk)."""
