"""The command line for the people who use it: help, short ids, unknown ids, option order."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from luma_desktop import cli
from luma_desktop.sim import SimServer
from tests.cli.test_cli import run_cli

__all__ = ["run_cli"]  # the fixture, shared
Run = Callable[..., tuple[int, str, str]]


def test_help_speaks_to_people_with_defaults_environment_and_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "headless" not in text
    for needed in ("AIMLAPI_KEY", "LUMA_DESKTOP_BASE_URL", "exit codes:", "(default: 2048)"):
        assert needed in text
    assert "sim-key" in text
    with pytest.raises(SystemExit):
        cli.main(["generate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "what the clip shows" in text  # the prompt has a description
    assert "clip length (default: 5s)" in text


def _made(run: Run, prompt: str) -> str:
    code, _out, _err = run("generate", prompt)
    assert code == 0
    code, listed, _ = run("list")
    return next(line.split()[0] for line in listed.splitlines() if prompt in line)


def test_status_takes_an_8_character_prefix_and_refuses_unknown_ids(run_cli: Run) -> None:
    gen_id = _made(run_cli, "a prefix to find")
    code, out, _ = run_cli("status", gen_id[:8])
    assert code == 0
    assert "completed" in out
    code, _out, err = run_cli("status", gen_id[:5])
    assert code == 2
    assert "at least 8 characters" in err
    assert "not a generation id" in err
    code, _out, err = run_cli("status", "ffffffff")
    assert code == 2
    assert "no generation known here" in err
    code, _out, err = run_cli("status", "ffffffff-ffff-4fff-8fff-ffffffffffff")
    assert code == 2  # before: nothing printed, exit 0
    assert "does not know" in err


def test_gen_frames_take_the_printed_short_id(run_cli: Run, sim: SimServer) -> None:
    gen_id = _made(run_cli, "the first shot")
    code, _out, err = run_cli("generate", "it sails away", "--frame0", f"gen:{gen_id[:8]}")
    assert code == 0, err
    frame = sim.received_bodies[-1]["keyframes"]["frame0"]
    assert gen_id.startswith(frame.get("id") or "no id")


def test_global_options_work_after_the_command(run_cli: Run, sim: SimServer) -> None:
    gen_id = _made(run_cli, "options anywhere")
    code, out, _err = run_cli("status", gen_id, "--base-url", sim.base_url)
    assert code == 0  # before: an argparse error
    assert "completed" in out


def test_the_short_id_generate_prints_is_one_status_takes(run_cli: Run) -> None:
    code, out, err = run_cli("generate", "the id it prints")
    assert code == 0, err
    ready = next(line for line in (out + err).splitlines() if line.endswith("] ready"))
    printed = ready[1:].split("]", 1)[0]  # "[68ce9833] ready"
    code, out, err = run_cli("status", printed)
    assert code == 0, err  # before: 7 characters printed, 8 required
    assert "completed" in out
