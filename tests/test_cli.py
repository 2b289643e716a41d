"""The stpbook command: every subcommand listed, refusals before anything runs, a real run."""

from __future__ import annotations

import shutil

import pytest

from stpbook import cli

from conftest import LAYOUT

COMMANDS = (
    "list",
    "run",
    "book",
    "build",
    "preview",
    "screenshots",
    "data",
    "compare",
    "scenarios",
    "handout",
    "offline",
    "seminar",
    "lab",
    "setup",
)


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out
    for command in COMMANDS:
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        assert "usage: stpbook " + command in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["-p", "demand_grwth", "0.05"], "unknown parameter 'demand_grwth'"),
        (["-p", "demand_growth", "abc"], "expects a float"),
        (["-p", "demand_growth", "0.5"], "outside its range"),
        (["-p", "horizon_year", "2050"], "outside its range"),
        (["-p", "demand_growth", "nan"], "expects a float"),
        (["-p", "demand_growth"], "needs a NAME and a VALUE"),
        (["--name", ""], "is not allowed"),
        (["--name", "a\nb"], "is not allowed"),
        (["--name", "../escape"], "is not allowed"),
        (["--name", "x" * 300], "is not allowed"),
    ],
)
def test_bad_requests_exit_2_in_one_line_and_leave_no_run(args, fragment, capsys):
    before = set(LAYOUT.runs.iterdir()) if LAYOUT.runs.exists() else set()
    code = cli.main(["run", "forward_view", *args])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1
    after = set(LAYOUT.runs.iterdir()) if LAYOUT.runs.exists() else set()
    assert after == before


def test_negative_numbers_are_values_not_options(capsys):
    # -1e-3 is in range for funding_growth; a value below the range is refused by name
    assert (
        cli.main(
            ["run", "forward_view", "-p", "funding_growth", "-1e-1", "--name", "pytest-negative"]
        )
        == 2
    )
    assert "outside its range" in capsys.readouterr().err
    rest, pairs = cli.split_parameters(
        ["run", "x", "-p", "funding_growth", "-1e-3", "-p", "efficiency_rate", "-.5"]
    )
    assert rest == ["run", "x"]
    assert pairs == [("funding_growth", "-1e-3"), ("efficiency_rate", "-.5")]


def test_unknown_chapter_exits_2(capsys):
    assert cli.main(["run", "no_such_chapter"]) == 2
    assert "the chapters are" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_bad_worker_counts_are_refused(workers, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["book", "--workers", workers])
    assert exit_.value.code == 2
    assert "workers" in capsys.readouterr().err


def test_list_shows_every_parameter_with_its_label(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "01_forward_view" in out and "efficiency_rate: float = 0.025" in out
    assert "Efficiency gained each year" in out


@pytest.mark.slow
def test_run_writes_a_run_folder_and_refuses_to_overwrite(capsys):
    name = "pytest-run"
    target = LAYOUT.runs / name
    shutil.rmtree(target, ignore_errors=True)
    try:
        assert (
            cli.main(["run", "forward_view", "-p", "efficiency_rate", "0.015", "--name", name]) == 0
        )
        assert {p.name for p in target.iterdir()} == {
            "01_forward_view.ipynb",
            "01_forward_view.html",
            "parameters.yaml",
            "vega-bundle.js",
        }
        assert "efficiency_rate: 0.015" in (target / "parameters.yaml").read_text()
        assert "cdn.jsdelivr" not in (target / "01_forward_view.html").read_text()
        assert "{eval}" not in (target / "01_forward_view.ipynb").read_text()
        assert cli.main(["run", "forward_view", "--name", name]) == 2
        assert "already exists" in capsys.readouterr().err
        assert not [p for p in LAYOUT.runs.iterdir() if p.name.startswith(f".{name}")]
    finally:
        shutil.rmtree(target, ignore_errors=True)
