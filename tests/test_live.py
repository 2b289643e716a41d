"""Live Jupyter, as a researcher opens a chapter: a real JupyterLab and a real Voila on
127.0.0.1, driven by Debian's Chromium; and a Binder-like, non-editable install.

In each: every chart draws (an SVG with marks), moving a widget slider redraws the
chapter's chart, nothing is requested from outside 127.0.0.1, and no MyST role shows as
raw text."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from stpbook import browser, servers

from conftest import LAYOUT, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHAPTERS = ("01_forward_view", "02_footprints")
RAW_ROLES = re.compile(r"\{(glue|cite|eval|ref)[:}]")
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:", "about:")


def _require_browser() -> None:
    problem = browser.missing()
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true"):
            pytest.fail(problem)
        pytest.skip(problem)


SETTINGS = {  # JupyterLab user settings for the test: every cell drawn (not windowed,
    # so the whole notebook can be read), no news pop-up over the page
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


@contextmanager
def _server(command: list[str], port: int, settings: Path | None = None) -> Iterator[None]:
    env = servers.environment(LAYOUT)
    if settings is not None:
        import json

        for name, value in SETTINGS.items():
            target = settings / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(value))
        env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read()[-3000:] if proc.stderr else ""
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
        yield
    finally:
        servers._stop(proc)


@pytest.fixture(scope="module")
def chromium():
    _require_browser()
    with browser.chromium() as b:
        yield b


# The rendered prose (not the cells' hidden editors, which hold the Markdown source).
RENDERED_TEXT = """() => Array.from(document.querySelectorAll(
    '.jp-MarkdownOutput, .jp-OutputArea-output')).map(e => e.textContent).join(' ')"""
# Charts drawn and every {eval} role evaluated (unevaluated ones show as code "n.x").
RENDERED_AND_EVALUATED = """() => document.querySelectorAll('.jp-Notebook svg.marks').length
    >= 3 && !Array.from(document.querySelectorAll('.jp-MarkdownOutput code'))
    .some(c => c.textContent.startsWith('n.'))"""


def _watch(page) -> list[str]:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(LOCAL) else None)
    return outside


def _chart_svgs(page, scope: str = "") -> int:
    return page.evaluate(f"""() => Array.from(document.querySelectorAll(
        '{scope} svg.marks')).filter(s => s.querySelectorAll('path, rect, line, text').length
        > 3).length""")


def _panel_chart(page) -> str:
    return page.evaluate("""() => {
        const boxes = Array.from(document.querySelectorAll('.widget-vbox'))
          .filter(b => b.textContent.includes('Change the assumptions'));
        const box = boxes[0];  // the panel itself (outermost)
        const svg = box && box.querySelector('svg.marks');
        return svg ? svg.outerHTML : '';
    }""")


def _nudge_first_panel_slider(page) -> None:
    handle = page.locator(".widget-vbox:has-text('Change the assumptions') .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")


@pytest.mark.parametrize("stem", CHAPTERS)
def test_a_chapter_in_jupyterlab_draws_its_charts_and_redraws_on_a_slider(chromium, stem, tmp_path):
    port, token = servers.free_port(0), "pytest-token"
    shots = LAYOUT.screenshots / "live"
    shots.mkdir(parents=True, exist_ok=True)
    with _server(
        servers.lab_command(LAYOUT, port, token, tmp_path / "workspaces"),
        port,
        tmp_path / "settings",
    ):
        page = chromium.new_page(viewport={"width": 1280, "height": 1000})
        outside = _watch(page)
        page.goto(f"http://127.0.0.1:{port}/lab/tree/chapters/{stem}.ipynb?reset&token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
        page.wait_for_timeout(2000)
        page.keyboard.press("Escape")
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        page.wait_for_function(RENDERED_AND_EVALUATED, timeout=180000)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(shots / f"jupyterlab-{stem}.png"))
        assert _chart_svgs(page, ".jp-Notebook") >= 2
        text = page.evaluate(RENDERED_TEXT)
        assert not RAW_ROLES.search(text), RAW_ROLES.search(text)
        before = _panel_chart(page)
        assert before, "the live panel shows the chapter's chart"
        _nudge_first_panel_slider(page)
        page.wait_for_function(
            "(b) => { const boxes = Array.from(document.querySelectorAll("
            "'.widget-vbox')).filter(x => x.textContent.includes("
            "'Change the assumptions')); const s = boxes.length && "
            "boxes[0].querySelector('svg.marks'); "
            "return s && s.outerHTML !== b; }",
            arg=before,
            timeout=60000,
        )
        # four key presses are four redraws: picture the panel once the kernel is idle
        page.wait_for_function(
            "() => document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')"
            " && document.querySelector('#jp-main-statusbar').textContent.includes('Idle')",
            timeout=60000,
        )
        page.wait_for_timeout(1000)
        page.screenshot(path=str(shots / f"jupyterlab-{stem}-moved.png"))
        assert outside == []
        page.close()


def test_a_chapter_in_voila_draws_its_charts_reads_cleanly_and_redraws(chromium):
    port, token = servers.free_port(0), "pytest-token"
    voila = Path(sys.executable).with_name("voila")
    command = [
        str(voila),
        str(LAYOUT.chapters / "01_forward_view.ipynb"),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        f"--Voila.token={token}",
        "--template=stp-offline",
    ]
    shots = LAYOUT.screenshots / "live"
    shots.mkdir(parents=True, exist_ok=True)
    with _server(command, port):
        page = chromium.new_page(viewport={"width": 1280, "height": 1000})
        outside = _watch(page)
        page.goto(f"http://127.0.0.1:{port}/?token={token}", timeout=120000)
        page.wait_for_function(
            "() => document.querySelectorAll('svg.marks').length >= 2", timeout=120000
        )
        page.wait_for_timeout(2000)
        page.screenshot(path=str(shots / "voila-01_forward_view.png"), full_page=True)
        text = page.inner_text("body")
        assert not RAW_ROLES.search(text), RAW_ROLES.search(text)
        assert "£" in text and "bn" in text  # the prose's numbers were filled in
        before = _panel_chart(page)
        _nudge_first_panel_slider(page)
        page.wait_for_function(
            "(b) => { const boxes = Array.from(document.querySelectorAll("
            "'.widget-vbox')).filter(x => x.textContent.includes("
            "'Change the assumptions')); const s = boxes.length && "
            "boxes[0].querySelector('svg.marks'); "
            "return s && s.outerHTML !== b; }",
            arg=before,
            timeout=60000,
        )
        assert outside == []
        page.close()


def _tables(notebook: Path) -> list[str]:
    """The chapter's tables (the Assumptions box and every table for readers), which
    hold its headline numbers and are drawn the same way in every context."""
    import json

    nb = json.loads(notebook.read_text())
    found = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            html = "".join(output.get("data", {}).get("text/html", ""))
            if "stp-table" in html:
                found.append(html)
    return found


def test_a_binder_like_install_runs_chapters_with_plain_papermill(tmp_path):
    """A fresh venv from binder/ (a normal install, not editable), then plain papermill
    with the python3 kernel from a folder outside the checkout."""
    checkout = tmp_path / "checkout"
    shutil.copytree(
        ROOT,
        checkout,
        ignore=shutil.ignore_patterns(
            ".venv", "_build", "runs", ".git", "__pycache__", "*.egg-info"
        ),
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=checkout,
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STPBOOK_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    post = subprocess.run(
        ["bash", "binder/postBuild"], cwd=checkout, env=env, capture_output=True, text=True
    )
    assert post.returncode == 0, post.stdout[-2000:] + post.stderr[-2000:]
    where = subprocess.run(
        [str(py), "-c", "import stpbook, sys; print(stpbook.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "site-packages" in where.stdout  # a normal install, not the checkout's source
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for stem in ("01_forward_view", "04_reconfigurations"):
        out = elsewhere / f"{stem}.ipynb"
        run = subprocess.run(
            [
                str(venv / "bin" / "papermill"),
                "-k",
                "python3",
                str(checkout / "chapters" / f"{stem}.ipynb"),
                str(out),
            ],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        ours = LAYOUT.build / "executed" / f"{stem}.ipynb"
        if ours.exists():  # the Assumptions box and tables equal the book's
            assert _tables(out) == _tables(ours) and _tables(out)
