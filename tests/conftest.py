"""Shared fixtures: the repository root, the book's layout and a fresh fixture mini-book."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stpbook.layout import Layout

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LAYOUT = Layout(ROOT)


@pytest.fixture
def minibook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/fixtures/minibook in a temp folder. ``STPBOOK_ROOT`` is unset: the
    pipeline passes each kernel its own book, so the mini-book reads its own data/."""
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "minibook", book)
    monkeypatch.delenv("STPBOOK_ROOT", raising=False)
    return book


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the stpbook package that the cache's code digest reads instead of the
    real one, so a test can edit "the source" without touching the repository."""
    from stpbook.pipeline import cache

    copy = tmp_path / "stpbook"
    shutil.copytree(cache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", copy)
    return copy
