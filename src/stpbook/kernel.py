"""The venv's ``stpbook`` Jupyter kernel.

``make`` installs it with ``ipykernel install --sys-prefix --name stpbook``; this module
then quietens the kernel's start-up log (ipykernel warns at every start that it talks
over TCP on localhost) so ``make book`` prints one line per chapter, not per kernel.
Run as ``python -m stpbook.kernel``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

QUIET = "--IPKernelApp.log_level=ERROR"


def kernelspec_file(prefix: Path | None = None) -> Path:
    """Where ``ipykernel install --sys-prefix --name stpbook`` writes the kernelspec."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / "stpbook" / "kernel.json"


def quieten(path: Path) -> bool:
    """Add the quiet flag to the kernel's command line; return True if it changed."""
    spec = json.loads(path.read_text())
    if QUIET in spec["argv"]:
        return False
    spec["argv"].append(QUIET)
    path.write_text(json.dumps(spec, indent=1))
    return True


if __name__ == "__main__":
    target = kernelspec_file()
    if not target.exists():
        sys.exit(f"no stpbook kernelspec at {target}; run ipykernel install first")
    quieten(target)
    print(f"stpbook kernel: {json.loads(target.read_text())['argv'][0]}")
