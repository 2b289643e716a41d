"""Local servers for people: the seminar dashboard (Voila) and JupyterLab.

Both listen on 127.0.0.1 only, need no internet, and require a token (printed in the
URL), so a web page that tricks a browser into calling localhost (DNS rebinding) gets
nothing. The launcher starts the server in its own process group and stops it on
Ctrl-C, SIGTERM or SIGHUP (closing the terminal): SIGTERM first, SIGKILL after ten
seconds. The dashboard's idle kernels are culled after ten minutes and at most
``MAX_KERNELS`` run at once (``stpbook.seminar_kernels``).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .errors import Failed, Refused
from .layout import Layout

SEMINAR_PORT = 8866
LAB_PORT = 8888
IDLE_SECONDS = 600


def free_port(preferred: int) -> int:
    """``preferred`` if nothing listens there, otherwise any free port."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise Failed("no free port on 127.0.0.1")


def _port(given: int | None, default: int) -> int:
    if given is not None:
        return given
    text = os.environ.get("PORT", "")
    if not text:
        return default
    if not text.isdigit() or not 1024 <= int(text) <= 65535:
        raise Refused(f"PORT={text!r} is not a port number between 1024 and 65535")
    return int(text)


def seminar_command(layout: Layout, port: int, token: str) -> list[str]:
    voila = Path(sys.executable).with_name("voila")
    return [
        str(voila),
        str(layout.root / "seminar" / "dashboard.ipynb"),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.token={token}",
        "--template=stp-offline",
        "--VoilaConfiguration.show_tracebacks=True",
        "--VoilaConfiguration.multi_kernel_manager_class="
        "stpbook.seminar_kernels.BoundedKernelManager",
        f"--BoundedKernelManager.cull_idle_timeout={IDLE_SECONDS}",
        "--BoundedKernelManager.cull_interval=60",
        "--BoundedKernelManager.cull_connected=True",
    ]


def lab_command(layout: Layout, port: int, token: str, workspaces: Path | None = None) -> list[str]:
    """JupyterLab on 127.0.0.1; ``workspaces`` a folder of its own (tests start clean)."""
    jupyter = Path(sys.executable).with_name("jupyter")
    extra = [f"--LabApp.workspaces_dir={workspaces}"] if workspaces else []
    return [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        *extra,
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={layout.root}",
        "--ServerApp.allow_remote_access=False",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
    ]


def environment(layout: Layout) -> dict[str, str]:
    """JUPYTER_PATH with ``seminar/jupyter`` first (the offline Voila template),
    JUPYTER_CONFIG_PATH with ``jupyter_config`` (Voila reads chapters' prose readably),
    and the book's folder for every kernel."""
    env = dict(os.environ)
    extra = str(layout.root / "seminar" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (extra, env.get("JUPYTER_PATH")) if p)
    config = str(layout.root / "jupyter_config")
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in (config, env.get("JUPYTER_CONFIG_PATH")) if p
    )
    env["STPBOOK_ROOT"] = str(layout.root)
    return env


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def _interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def serve(command: list[str], env: dict[str, str], port: int, url: str, what: str) -> int:
    """Start ``command``, wait until it listens on ``port``, print ``url``, and stop it
    on any signal. Returns 0 when stopped by the user, 1 if it failed to start."""
    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, _interrupt) for s in handled}
    proc = subprocess.Popen(
        command,
        start_new_session=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            print(f"{what} failed to start:\n{err[-2000:]}", file=sys.stderr)
            return 1
        print(f"{what}: {url}  (Ctrl-C to stop)", flush=True)
        proc.wait()
        return 0 if proc.returncode in (0, -signal.SIGTERM) else 1
    except KeyboardInterrupt:
        print(f"\nstopping the {what} ...", flush=True)
        return 0
    finally:
        _stop(proc)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        print(f"{what} stopped", flush=True)


def seminar(layout: Layout, port: int | None = None) -> int:
    """``stpbook seminar``: the dashboard on http://127.0.0.1:PORT/?token=..."""
    port = free_port(_port(port, SEMINAR_PORT))
    token = secrets.token_urlsafe(16)
    return serve(
        seminar_command(layout, port, token),
        environment(layout),
        port,
        f"http://127.0.0.1:{port}/?token={token}",
        "seminar dashboard",
    )


def lab(layout: Layout, port: int | None = None) -> int:
    """``stpbook lab``: JupyterLab on http://127.0.0.1:PORT/lab?token=..."""
    port = free_port(_port(port, LAB_PORT))
    token = secrets.token_urlsafe(16)
    return serve(
        lab_command(layout, port, token),
        environment(layout),
        port,
        f"http://127.0.0.1:{port}/lab/tree/chapters?token={token}",
        "JupyterLab",
    )
