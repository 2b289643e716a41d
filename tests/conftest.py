"""Shared fixtures: the repository root and a fresh copy of the fixture mini-book."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def minibook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/fixtures/minibook in a temp folder, with STPBOOK_ROOT pointing at
    it so its notebooks read its own data/."""
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "minibook", book)
    monkeypatch.setenv("STPBOOK_ROOT", str(book))
    return book
