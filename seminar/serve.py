"""Start the seminar dashboard (``make seminar``): Voila on 127.0.0.1, no internet needed.

Prints the URL; Ctrl-C stops Voila and its kernels cleanly. Voila runs in its own
process group so that Ctrl-C reaches only this launcher, which then asks Voila to stop
(SIGTERM) and waits for it, killing it only if it does not stop within ten seconds.

    python seminar/serve.py [--port 8866]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port(preferred: int) -> int:
    """``preferred`` if nothing listens there, otherwise any free port."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free port")


def command(port: int) -> list[str]:
    voila = Path(sys.executable).with_name("voila")
    return [str(voila), str(HERE / "dashboard.ipynb"), "--no-browser", "--Voila.ip=127.0.0.1",
            f"--port={port}", "--Voila.port_retries=0",
            "--template=stp-offline", "--VoilaConfiguration.show_tracebacks=True"]


def environment() -> dict[str, str]:
    """JUPYTER_PATH with ``seminar/jupyter`` first, where the offline template lives."""
    env = dict(os.environ)
    extra = str(HERE / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (extra, env.get("JUPYTER_PATH")) if p)
    return env


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    # Explicit handlers: a launcher started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8866")))
    port = free_port(args.parse_args(argv).port)
    proc = subprocess.Popen(command(port), start_new_session=True, env=environment(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    if proc.poll() is not None:
        print(f"voila failed to start:\n{proc.stderr.read()}", file=sys.stderr)
        return 1
    print(f"seminar dashboard: {url}  (Ctrl-C to stop)", flush=True)
    try:
        proc.wait()
    except KeyboardInterrupt:
        print("\nstopping the dashboard ...", flush=True)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    print("dashboard stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
