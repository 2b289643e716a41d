"""Reliability and safety: no input escapes its folder, no crash loses or corrupts the
book, no text runs as script. One test (or family) per class of probe; faults are
injected by monkeypatching (a write or a rename that raises or is interrupted), never by
timing races."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import nbformat
import pytest

from stpbook import cli, pipeline, scenarios
from stpbook.errors import LayoutError, ParameterError, Refused
from stpbook.layout import Layout
from stpbook.pipeline import cache, lock, site

from conftest import LAYOUT


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _scenario(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- high: scenario and run names are folder names ------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../../../elsewhere",
        "/some/dir",
        "..",
        ".",
        ".hidden",
        "a/b",
        "",
        "x" * 65,
        "new\nline",
        "sp ace",
    ],
)
def test_unsafe_scenario_names_are_refused_before_anything_is_written(tmp_path, name, capsys):
    path = _scenario(tmp_path, f"name: {json.dumps(name)}\ntitle: t\n")
    with pytest.raises(ParameterError, match="scenario name"):
        scenarios.load_scenario(path, LAYOUT)
    before = _tree(tmp_path)
    assert cli.main(["build", "--scenario", str(path)]) == 2
    err = capsys.readouterr().err
    assert "scenario name" in err and len(err.strip().splitlines()) == 1
    assert _tree(tmp_path) == before


def test_every_output_path_is_checked_against_its_folder(tmp_path):
    layout = Layout(tmp_path)
    (tmp_path / "_build").mkdir()
    outside = tmp_path.parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    (tmp_path / "_build" / "scenarios").symlink_to(outside)
    with pytest.raises(LayoutError, match="outside"):
        layout.output("fine-name")
    with pytest.raises(LayoutError):
        layout.run_folder("../x")


# --- high: the cache survives interrupted and damaged writes --------------------------


@pytest.mark.slow
def test_an_unreadable_cache_record_is_a_miss_with_a_warning(minibook: Path):
    pipeline.make_book(minibook, log=lambda _: None)
    for record in (minibook / "_build" / "cache" / "01_alpha").glob("*.json"):
        record.write_text("")  # as a kill or a full disk would leave it
    logs: list[str] = []
    again = pipeline.make_book(minibook, log=logs.append)
    assert {r.chapter: r.status for r in again.results}["01_alpha"] == "executed"
    assert any("unreadable cache record" in line for line in logs)


def test_records_are_written_atomically(tmp_path, monkeypatch):
    target = tmp_path / "record.json"
    target.write_text('{"old": true}')

    def boom(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        pipeline.files.write_atomic(target, b'{"new": true}')
    assert target.read_text() == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]  # no partial left


@pytest.mark.slow
def test_a_cached_notebook_is_bound_to_the_key_it_was_made_under(minibook: Path, monkeypatch):
    first = pipeline.make_book(minibook, log=lambda _: None)
    assert "total = 6.0" in (first.html / "chapters" / "01_alpha.html").read_text()
    data = minibook / "data" / "alpha.csv"
    original = data.read_text()
    data.write_text("value\n10\n20\n")
    real_store = cache.Entry.store

    def killed_before_the_record(self, executed, reads, code, seconds):
        key = cache.key(self.notebook, self.params, reads, code, self.layout)
        pipeline.files.write_atomic(self.stored(key), executed.read_bytes())
        raise KeyboardInterrupt  # the record is never rewritten

    monkeypatch.setattr(cache.Entry, "store", killed_before_the_record)
    with pytest.raises(KeyboardInterrupt):
        pipeline.make_book(minibook, log=lambda _: None, workers=1)
    monkeypatch.setattr(cache.Entry, "store", real_store)
    data.write_text(original)  # back to the data the record was made from
    again = pipeline.make_book(minibook, log=lambda _: None)
    assert "total = 6.0" in (again.html / "chapters" / "01_alpha.html").read_text()


# --- medium: nothing a user writes runs as script ----------------------------------------

INJECTIONS = ("<script>window.pwned=1</script>", '<img src=x onerror="window.pwned=1">')


@pytest.mark.parametrize("payload", INJECTIONS)
def test_a_scenario_title_is_shown_literally_in_the_banner(payload):
    from stpbook.scenarios import Scenario

    banner = site.banner_markdown(
        Scenario("safe", payload, "", (), {}, {}), {"x": (1, 2)}, {"x": payload}
    )
    assert "<script" not in banner and "<img" not in banner
    assert "&lt;script&gt;" in banner or "&lt;img" in banner


@pytest.mark.slow
def test_an_injected_scenario_title_does_not_run_in_the_variant_book(minibook: Path):
    bs4 = pytest.importorskip("bs4")
    payload = INJECTIONS[0] + INJECTIONS[1]
    path = _scenario(
        minibook / "scenarios",
        f"name: evil\ntitle: {json.dumps(payload)}\nparameters:\n  scale: 2\n",
        "evil.yaml",
    )
    summary = pipeline.make_book(minibook, path, variant=True, log=lambda _: None)
    page = (summary.html / "chapters" / "01_alpha.html").read_text()
    soup = bs4.BeautifulSoup(page, "html.parser")
    banner = soup.select_one(".admonition")
    assert banner is not None and "<script>window.pwned=1</script>" in banner.get_text()
    assert not banner.find("script") and not banner.find("img")


# --- medium: YAML that would explode, and other bad scenario files ------------------------


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("a: &a [1, 1]\nb: &b [*a, *a]\nparameters: *b\n", "anchors and aliases"),
        ("name: x\nname: y\n", "duplicate key"),
        ("parameters: [1, 2]\n", "'parameters' must be a mapping"),
        ("chapters: [1]\n", "'chapters' must be a mapping"),
        ("sources: 5\n", "'sources' must be a list"),
        ("chapters:\n  no_such_chapter: {}\n", "unknown chapter 'no_such_chapter'"),
        ("parameters:\n  !!python/object:os.system x: 1\n", "not valid scenario YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("title: [unclosed\n", "not valid scenario YAML"),
    ],
)
def test_bad_scenarios_are_refused_with_the_file_named(tmp_path, text, fragment):
    path = _scenario(tmp_path, text)
    with pytest.raises(ParameterError) as err:
        scenarios.load_scenario(path, LAYOUT)
    message = str(err.value)
    assert fragment in message and str(path) in message
    assert len(message) < 400 and "\n" not in message


def test_scenario_files_that_are_not_small_utf8_files_are_refused(tmp_path):
    big = _scenario(tmp_path, "description: " + "x" * (scenarios.MAX_BYTES + 10) + "\n")
    with pytest.raises(ParameterError, match="at most"):
        scenarios.load_scenario(big, LAYOUT)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ParameterError, match="not UTF-8"):
        scenarios.load_scenario(latin, LAYOUT)
    with pytest.raises(ParameterError, match="is not a file"):
        scenarios.load_scenario(tmp_path, LAYOUT)


# --- medium: the swap, the lock, concurrent runs, interruptions ---------------------------


def test_an_interrupted_swap_is_repaired_at_the_next_start(tmp_path):
    html = tmp_path / "html"
    old = tmp_path / "html.old"
    old.mkdir()
    (old / "index.html").write_text("the last good book")
    (tmp_path / "html.staging").mkdir()
    site.recover(html)
    assert (html / "index.html").read_text() == "the last good book"
    assert not old.exists() and not (tmp_path / "html.staging").exists()


def test_a_second_build_is_refused_naming_the_holder(tmp_path, capsys, monkeypatch):
    with lock.exclusive(tmp_path), pytest.raises(lock.Busy, match=f"process {os.getpid()}"):
        with lock.exclusive(tmp_path):
            pass
    with lock.exclusive(LAYOUT.build):
        assert cli.main(["book"]) == 2
    assert "another build of this book is running" in capsys.readouterr().err


def test_a_run_name_in_use_is_refused(capsys):
    name = "pytest-taken"
    target = LAYOUT.run_folder(name)
    LAYOUT.runs.mkdir(exist_ok=True)
    target.mkdir()
    try:
        assert cli.main(["run", "forward_view", "--name", name]) == 2
        assert "already exists" in capsys.readouterr().err
        assert list(target.iterdir()) == []
    finally:
        target.rmdir()


def test_a_symlinked_run_folder_is_not_followed(tmp_path, capsys):
    name = "pytest-link"
    target = LAYOUT.runs / name
    LAYOUT.runs.mkdir(exist_ok=True)
    target.symlink_to(tmp_path)
    try:
        assert cli.main(["run", "forward_view", "--name", name, "--force"]) == 2
        err = capsys.readouterr().err
        assert "not a run folder" in err or "outside" in err
        assert list(tmp_path.iterdir()) == []
    finally:
        target.unlink()


@pytest.mark.parametrize("signal_like", [KeyboardInterrupt, SystemExit])
def test_an_interrupted_run_leaves_nothing_behind(monkeypatch, signal_like):
    from stpbook.pipeline import runs

    def interrupted(*_args, **_kwargs):
        raise signal_like()

    monkeypatch.setattr(runs, "execute_notebook", interrupted)
    name = "pytest-interrupted"
    before = set(LAYOUT.runs.iterdir()) if LAYOUT.runs.exists() else set()
    with pytest.raises(signal_like):
        runs.run_one(LAYOUT.chapters / "01_forward_view.ipynb", {}, name, layout=LAYOUT)
    assert set(LAYOUT.runs.iterdir()) == before


def test_a_failed_run_names_its_notebook_only_when_it_exists(monkeypatch, tmp_path):
    from stpbook.errors import ExecutionError
    from stpbook.pipeline import runs

    def timed_out(notebook, output, *_args, **_kwargs):
        raise ExecutionError(f"{notebook.stem}: a cell ran longer than 600 s")

    monkeypatch.setattr(runs, "execute_notebook", timed_out)
    with pytest.raises(ExecutionError) as err:
        runs.run_one(LAYOUT.chapters / "01_forward_view.ipynb", {}, "pytest-timeout", layout=LAYOUT)
    assert "failed notebook" not in str(err.value)  # papermill wrote none
    assert not (LAYOUT.runs / "pytest-timeout").exists()


# --- low: one-line refusals instead of tracebacks ------------------------------------------


def test_a_full_disk_or_read_only_folder_is_one_line_exit_2(monkeypatch, capsys):
    from stpbook import parameters

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(LAYOUT.runs / "x"))

    monkeypatch.setattr(parameters, "validate", full)
    assert cli.main(["run", "forward_view", "--name", "pytest-full"]) == 2
    err = capsys.readouterr().err
    assert "no space left" in err and "MB free" in err and len(err.strip().splitlines()) == 1

    def read_only(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(LAYOUT.build))

    monkeypatch.setattr(parameters, "validate", read_only)
    assert cli.main(["run", "forward_view", "--name", "pytest-ro"]) == 2
    assert "permission denied" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["http", "80", "99999", "-1"])
def test_a_bad_port_is_refused(port, monkeypatch):
    from stpbook import servers

    monkeypatch.setenv("PORT", port)
    with pytest.raises(Refused, match="PORT"):
        servers._port(None, 8866)


def test_data_validate_refuses_folders_and_broken_packages(tmp_path, capsys):
    assert cli.main(["data", "validate", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    broken = tmp_path / "book"
    (broken / "data").mkdir(parents=True)
    for marker in ("_config.yml", "_toc.yml", "references.bib"):
        (broken / marker).write_text("")
    (broken / "data" / "datapackage.json").write_text('{"name": "x"}')
    from stpbook import data

    errors, _ = data.check(None, Layout(broken))
    assert errors and "list of 'resources'" in errors[0]
    (broken / "data" / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "a", "path": "a.csv", "schema": {"fields": []}}]})
    )
    errors, _ = data.check(None, Layout(broken))
    assert any("a.csv: file not found" in e for e in errors)


def test_iso_week_dates_are_refused_as_frictionless_does():
    from stpbook.data.validate import _parse

    with pytest.raises(ValueError, match="ISO date"):
        _parse("2012-W13-2", "date")
    assert str(_parse("2012-03-27", "date")) == "2012-03-27"


# --- reproducibility -----------------------------------------------------------------------


@pytest.mark.slow
def test_an_incremental_rebuild_back_to_the_same_inputs_equals_a_cold_build(minibook: Path):
    import shutil

    cold = pipeline.make_book(minibook, log=lambda _: None)
    reference = _tree(cold.html)
    page = minibook / "chapters" / "00_intro.md"
    original = page.read_text()
    page.write_text(original + "\nAn edit.\n")
    pipeline.make_book(minibook, log=lambda _: None)
    static = minibook / "_static"
    static.mkdir(exist_ok=True)
    (static / "extra.css").write_text("p { color: black; }\n")
    pipeline.make_book(minibook, log=lambda _: None)
    (static / "extra.css").unlink()
    page.write_text(original)
    warm = pipeline.make_book(minibook, log=lambda _: None)
    assert _tree(warm.html) == reference
    shutil.rmtree(minibook / "_build")
    assert _tree(pipeline.make_book(minibook, log=lambda _: None).html) == reference


def test_the_reproducibility_appendix_is_keyed_on_the_data_folder(tmp_path, monkeypatch):
    from stpbook import context
    from stpbook.chapters import reproducibility

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(context.READS_ENV, "1")
    reproducibility.inputs(LAYOUT)
    reads = (tmp_path / context.READS_FILE).read_text().splitlines()
    assert str(LAYOUT.data.resolve()) in reads
    assert pipeline.files.file_sha(LAYOUT.data) != pipeline.files.file_sha(tmp_path)


def test_executed_notebooks_carry_no_volatile_metadata(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {
        "start_time": "x",
        "end_time": "y",
        "duration": 1,
        "input_path": "a",
        "output_path": "b",
        "parameters": {},
    }
    nb.metadata["widgets"] = {"state": {}}
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    pipeline.strip_volatile(path)
    meta = json.loads(path.read_text())["metadata"]
    assert meta["papermill"] == {"parameters": {}} and "widgets" not in meta


# --- medium: bibliography titles and data descriptions reach the page as text ------------


def _rendered(markdown: str) -> str:
    """The Markdown as the book renders it (MyST's parser), as HTML."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(), RendererHTML).render(markdown)


@pytest.mark.parametrize("payload", INJECTIONS)
def test_bibliography_titles_and_data_descriptions_are_shown_literally(payload):
    from stpbook.chapters import data_package

    entry = {"title": payload, "author": payload, "year": "2016", "url": "https://e.org/a"}
    parts = [
        data_package.source_line(entry),
        data_package.sources_markdown(["k"], {"k": entry}),
        data_package.descriptor_sources({"sources": [{"title": payload, "path": "x"}]}),
    ]
    item = {
        "name": "evil",
        "title": payload,
        "description": payload,
        "path": "data/evil.csv",
        "rows": 1,
        "resource": {"type": "table", "schema": {"fields": []}},
    }
    results = type("R", (), {"values": {"show_fields": False}, "inputs": None})()
    results.inputs = type("I", (), {"cited": {}, "bibliography": {}})()
    parts += [m.data for m in data_package.section(item, results)]
    for markdown in parts:
        page = _rendered(markdown)
        assert "<script" not in page and "<img" not in page, page
        assert "&lt;script&gt;" in page or "&lt;img" in page, page


# --- medium: the seminar dashboard --------------------------------------------------------


def test_the_seminar_dashboard_is_local_token_guarded_and_culls_idle_kernels():
    from stpbook import servers

    command = servers.seminar_command(LAYOUT, 8899, "a-token")
    assert "--Voila.ip=127.0.0.1" in command and "--Voila.token=a-token" in command
    assert any(c.startswith("--BoundedKernelManager.cull_idle_timeout=") for c in command)
    assert any(c.endswith("stpbook.seminar_kernels.BoundedKernelManager") for c in command)
    lab = servers.lab_command(LAYOUT, 8898, "b-token")
    assert "--ServerApp.ip=127.0.0.1" in lab and "--IdentityProvider.token=b-token" in lab


def test_the_seminar_kernel_manager_refuses_kernels_past_its_bound(monkeypatch):
    import asyncio

    from stpbook import seminar_kernels

    manager = seminar_kernels.BoundedKernelManager()
    ids = [f"k{i}" for i in range(seminar_kernels.MAX_KERNELS)]
    monkeypatch.setattr(manager, "list_kernel_ids", lambda: ids)
    with pytest.raises(RuntimeError, match="already runs"):
        asyncio.run(manager.start_kernel())


@pytest.mark.parametrize("signum", ["SIGHUP", "SIGTERM"])
def test_a_signal_to_the_launcher_stops_its_server(signum, capsys):
    import signal
    import subprocess
    import sys
    import threading
    import time

    from stpbook import servers

    port = servers.free_port(0)
    child = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    started: list[int] = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc.pid)
        return proc

    def send_signal_once_listening():
        import socket

        for _ in range(200):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        os.kill(os.getpid(), getattr(signal, signum))

    subprocess.Popen = popen  # type: ignore[misc]
    try:
        threading.Thread(target=send_signal_once_listening, daemon=True).start()
        code = servers.serve(child, dict(os.environ), port, "http://x", "test server")
    finally:
        subprocess.Popen = real_popen  # type: ignore[misc]
    assert code == 0 and started
    with pytest.raises(ProcessLookupError):
        os.kill(started[0], 0)  # the child is gone, not left listening
    assert "test server stopped" in capsys.readouterr().out
