"""The lock and the places that read it: every pinned version installs on any Python 3.11
(Debian 12's 3.11.2 included), Binder's copy of the lock matches, and the publishing
workflow runs the README's commands."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from conftest import ROOT

FLOOR = Version("3.11.2")  # Debian 12's Python


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-e", "-r")):
            req = Requirement(line)
            pins[req.name.lower().replace("_", "-")] = str(req.specifier)
    return pins


def test_every_dependency_is_pinned_exactly():
    pins = _pins(ROOT / "requirements.txt")
    assert len(pins) > 100
    assert all(spec.startswith("==") for spec in pins.values()), pins


@pytest.mark.parametrize("python", ["3.11.2", "3.11.7", "3.11.14"])
def test_every_pinned_version_accepts_python_3_11(python):
    """Each installed distribution's Requires-Python admits every 3.11.x."""
    refused = []
    for name in _pins(ROOT / "requirements.txt"):
        try:
            requires = metadata.metadata(name).get("Requires-Python")
        except metadata.PackageNotFoundError:
            continue  # platform-specific, not installed here
        if requires and Version(python) not in SpecifierSet(requires):
            refused.append(f"{name} requires Python {requires}")
    assert not refused, refused
    assert 'requires-python = ">=3.11,<3.12"' in (ROOT / "pyproject.toml").read_text()


def test_binder_installs_the_same_lock_without_the_editable_package():
    assert _pins(ROOT / "binder" / "requirements.txt") == _pins(ROOT / "requirements.txt")
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps ." in post and "stpbook setup" in post


def test_the_publish_workflow_parses_and_runs_the_readmes_commands():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "make book" in runs and "make book" in (ROOT / "README.md").read_text()
    uploads = [s for s in steps if "upload-pages-artifact" in s.get("uses", "")]
    assert uploads and uploads[0]["with"]["path"] == "_build/html"
    python = [s for s in steps if "setup-python" in s.get("uses", "")]
    assert python and python[0]["with"]["python-version"] == "3.11"
