"""The stpbook command: refusals before anything runs, and a real run."""

from __future__ import annotations

import shutil

import pytest

from stpbook import cli, paths


@pytest.mark.parametrize("args, fragment", [
    (["-p", "demand_grwth", "0.05"], "unknown parameter 'demand_grwth'"),
    (["-p", "demand_growth", "abc"], "expects a float"),
    (["-p", "demand_growth", "0.5"], "outside its range"),
    (["-p", "horizon_year", "2050"], "outside its range"),
])
def test_bad_parameters_exit_2_and_leave_no_run(args, fragment, capsys):
    name = "pytest-refused"
    code = cli.main(["run", "forward_view", *args, "--name", name])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1
    assert not (paths.root() / "runs" / name).exists()


def test_unknown_chapter_exits_2(capsys):
    assert cli.main(["run", "no_such_chapter"]) == 2
    assert "the chapters are" in capsys.readouterr().err


def test_list_shows_every_parameter(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "01_forward_view" in out and "efficiency_rate: float = 0.025" in out


@pytest.mark.slow
def test_run_writes_a_run_folder_and_refuses_to_overwrite(capsys):
    name = "pytest-run"
    target = paths.root() / "runs" / name
    shutil.rmtree(target, ignore_errors=True)
    try:
        assert cli.main(["run", "forward_view", "-p", "efficiency_rate", "0.015",
                         "--name", name]) == 0
        assert {p.name for p in target.iterdir()} == {
            "01_forward_view.ipynb", "01_forward_view.html", "parameters.yaml",
            "vega-bundle.js"}
        assert "efficiency_rate: 0.015" in (target / "parameters.yaml").read_text()
        assert "cdn.jsdelivr" not in (target / "01_forward_view.html").read_text()
        assert cli.main(["run", "forward_view", "--name", name]) == 2
        assert "already exists" in capsys.readouterr().err
    finally:
        shutil.rmtree(target, ignore_errors=True)
