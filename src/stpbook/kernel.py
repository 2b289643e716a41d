"""``stpbook setup``: the environment's ``stpbook`` kernel and the book's folder.

- The pipeline executes chapters with a kernel it names explicitly, ``stpbook``: the
  running environment's own Python, installed here into ``<prefix>/share/jupyter``
  (``ipykernel install --sys-prefix``) and quietened (ipykernel warns at every start that
  it talks over TCP on localhost). The notebooks in git name the ordinary ``python3``
  kernel, so any Jupyter can open them.
- The book's folder is recorded in ``<prefix>/share/stpbook/book-root``, so a normal
  (non-editable) install, as on Binder, still finds ``data/`` from anywhere
  (``stpbook.layout.find_root``).

``make`` and ``binder/postBuild`` run it once per environment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .layout import Layout, recorded_root_file

KERNEL = "stpbook"
QUIET = "--IPKernelApp.log_level=CRITICAL"


def kernelspec_file(prefix: Path | None = None) -> Path:
    """Where ``ipykernel install --sys-prefix --name stpbook`` writes the kernelspec."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json"


def quieten(path: Path) -> bool:
    """Add the quiet flag to the kernel's command line; return True if it changed."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    if QUIET in spec["argv"]:
        return False
    # CRITICAL, not ERROR: a kernel stopped at the end of a run logs the interrupt at ERROR.
    spec["argv"] = [a for a in spec["argv"] if not a.startswith("--IPKernelApp.log_level")]
    spec["argv"].append(QUIET)
    path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return True


def install_kernel() -> Path:
    """Install (or refresh) the ``stpbook`` kernelspec for this Python."""
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL, display_name="Python 3 (stpbook)", prefix=sys.prefix)
    target = kernelspec_file()
    quieten(target)
    return target


def record_root(layout: Layout) -> Path:
    """Remember the book's folder for this environment."""
    target = recorded_root_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(str(layout.root) + "\n", encoding="utf-8")
    return target


def setup(layout: Layout) -> list[str]:
    """Install the kernel and record the book's folder; lines to print."""
    spec = install_kernel()
    root = record_root(layout)
    return [
        f"kernel {KERNEL}: {json.loads(spec.read_text())['argv'][0]} ({spec})",
        f"book folder {layout.root} recorded in {root}",
    ]
