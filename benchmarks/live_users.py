"""How many seminar users a JupyterHub or BinderHub core can carry, measured.

For each chapter: start the chapter's kernel the way a hub does (``python3`` kernelspec,
no pipeline variables), run every cell as a reader does ("Run All"), and record the
kernel's resident memory and CPU seconds; then time the chapter's live-panel function
(what one slider move costs) over repeated calls. Prints a Markdown table and the
derived users per core under a stated classroom load, and writes them to
``benchmarks/live_users.md``.

    .venv/bin/python benchmarks/live_users.py
"""

from __future__ import annotations

import importlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A classroom: each student runs the chapter once, then moves a control every 15 s.
MOVES_PER_MINUTE = 4
SESSION_MINUTES = 50


PROBE = (
    "import json as _j, os as _o, psutil as _p\n"
    "print('STPBOOK-COST' + _j.dumps({'cpu': sum(_o.times()[:2]), "
    "'rss': _p.Process().memory_info().rss}))"
)


def kernel_cost(notebook: Path) -> tuple[float, float, float]:
    """(seconds wall, CPU seconds of the kernel, resident MB of the kernel) for Run All:
    a last cell, appended to a copy, reports the kernel's own CPU time and memory."""
    import json

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(notebook), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    env = {k: v for k, v in os.environ.items() if not k.startswith("STPBOOK_")}
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    start = time.perf_counter()
    client.execute(env=env)
    wall = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    cost = json.loads(text.split("STPBOOK-COST", 1)[1])
    return wall, cost["cpu"], cost["rss"] / 1e6


def redraw_cost(short: str, repeats: int = 20) -> float:
    """Median CPU milliseconds of one live-panel redraw (the chapter's ``live``)."""
    from stpbook import parameters

    module = importlib.import_module(f"stpbook.chapters.{short}")
    if not hasattr(module, "live"):
        return float("nan")
    redraw = module.live(module.inputs())
    values = parameters.defaults(module.NOTEBOOK)
    samples = []
    for _ in range(repeats):
        t0 = time.process_time()
        redraw(**values)
        samples.append(1000 * (time.process_time() - t0))
    return statistics.median(samples)


def main() -> int:
    from stpbook import parameters
    from stpbook.layout import Layout

    layout = Layout(ROOT)
    rows = []
    for nb in layout.notebooks(part="The story"):
        wall, cpu, rss = kernel_cost(nb)
        move = redraw_cost(parameters.short_name(nb))
        rows.append((nb.stem, wall, cpu, rss, move))
        print(
            f"{nb.stem}: run all {wall:.1f} s wall, {cpu:.1f} s CPU, {rss:.0f} MB; "
            f"one redraw {move:.0f} ms CPU",
            flush=True,
        )
    cpu_all = statistics.mean(r[2] for r in rows)
    move_ms = statistics.mean(r[4] for r in rows if r[4] == r[4])
    rss = max(r[3] for r in rows)
    per_user_cpu = cpu_all + MOVES_PER_MINUTE * SESSION_MINUTES * move_ms / 1000
    users_cpu = SESSION_MINUTES * 60 / per_user_cpu
    lines = [
        "| chapter | Run All (s, wall) | kernel CPU (s) | kernel memory (MB) | "
        "one redraw (ms CPU) |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {r[0]} | {r[1]:.1f} | {r[2]:.1f} | {r[3]:.0f} | {r[4]:.0f} |" for r in rows]
    lines += [
        "",
        f"A student who runs one chapter and moves a control every "
        f"{60 // MOVES_PER_MINUTE} s for {SESSION_MINUTES} minutes uses about "
        f"{per_user_cpu:.0f} CPU seconds: one core carries about {users_cpu:.0f} "
        f"such students at once, and each kernel holds about {rss:.0f} MB, so "
        f"memory (not CPU) sets the limit on a small server: about "
        f"{1000 / rss:.0f} kernels per GB.",
    ]
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "live_users.md").write_text(
        f"# Live users per core ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]})\n\n" + text,
        encoding="utf-8",
    )
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
