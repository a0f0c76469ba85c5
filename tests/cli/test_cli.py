"""The headless CLI, in-process against the simulator: exit codes, output, inputs."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from luma_desktop import cli
from luma_desktop.core.lock import DataDirLock
from luma_desktop.core.policy import PollPolicy
from luma_desktop.sim import SimServer
from tests.conftest import SIM_KEY
from tests.core import image_cases
from tests.summary import record


@pytest.fixture
def run_cli(
    sim: SimServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    monkeypatch.setenv("AIMLAPI_KEY", SIM_KEY)
    real_policy = cli.cli_policy
    # the unified route is polled on a schedule around the render's expected length:
    # the simulator's, not a real model's minute and a half
    monkeypatch.setattr(
        cli, "cli_policy", lambda: replace(real_policy(), expected_render=0.3, min_interval=0.05)
    )

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = cli.main(["--base-url", sim.base_url, *args])
        except SystemExit as exc:  # argparse refuses bad choices itself
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _requests(sim: SimServer) -> int:
    return sum(sim.counts.values())


def test_generate_prints_states_and_the_path_last(
    run_cli: Callable[..., tuple[int, str, str]], sim: SimServer, tmp_path: Path
) -> None:
    code, out, _err = run_cli(
        "generate", "a paper boat", "--aspect-ratio", "9:16", "--loop", "--out", str(tmp_path / "o")
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert any(line.endswith("queued") for line in lines)
    assert any("downloading" in line for line in lines)
    clip = Path(lines[-1])
    assert clip.parent == tmp_path / "o"
    assert clip.read_bytes()[4:8] == b"ftyp"
    assert sim.received_bodies == [
        {"model": "luma/ray-2", "prompt": "a paper boat", "aspect_ratio": "9:16", "loop": True}
    ]


def test_failed_generation_exits_3(
    run_cli: Callable[..., tuple[int, str, str]], sim: SimServer
) -> None:
    code, out, _ = run_cli("generate", "thunder [fail]")
    assert code == 3
    assert "simulated failure" in out


def test_bad_key_exits_4(
    run_cli: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIMLAPI_KEY", "not-the-key")
    code, out, _ = run_cli("generate", "anything")
    assert code == 4
    assert "Check the key in AIMLAPI_KEY" in out
    assert "Settings" not in out  # there are no Settings on the command line
    assert "not-the-key" not in out


def test_network_failure_exits_5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMLAPI_KEY", SIM_KEY)
    planned: list[float] = []

    async def no_wait(delay: float) -> None:
        planned.append(delay)

    monkeypatch.setattr(cli, "cli_policy", lambda: PollPolicy(sleep=no_wait))
    with SimServer() as dead:
        url = dead.base_url
    code = cli.main(["--base-url", url, "generate", "nobody listens"])
    assert code == 5
    assert len(planned) == PollPolicy().create_retries  # retried: the create surely never left


def test_status_and_list(run_cli: Callable[..., tuple[int, str, str]], sim: SimServer) -> None:
    code, _out, _ = run_cli("generate", "for the list")
    assert code == 0
    code, listed, _ = run_cli("list")
    assert code == 0
    assert "ready" in listed
    assert "for the list" in listed
    gen_id = listed.split()[0]
    code, status, _ = run_cli("status", gen_id)
    assert code == 0
    assert "completed" in status


def test_second_process_on_the_same_data_is_refused(
    run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    with DataDirLock(tmp_path / "data"):
        code, _out, err = run_cli("generate", "blocked")
    assert code == 2
    assert "already using" in err


BAD_INPUTS: list[tuple[str, Callable[[Path], list[str]], str]] = [
    ("empty prompt", lambda d: ["generate", "   "], "Write a prompt"),
    ("prompt over the limit", lambda d: ["generate", "x" * 2049], "1 character over the 2,048"),
    (
        "unknown aspect ratio",
        lambda d: ["generate", "p", "--aspect-ratio", "5:4"],
        "invalid choice",
    ),
    ("unknown model", lambda d: ["generate", "p", "--model", "ray-9"], "invalid choice"),
    ("duration without s", lambda d: ["generate", "p", "--duration", "5"], "invalid choice"),
    (
        "malformed gen id",
        lambda d: ["generate", "p", "--frame0", "gen:1234"],
        "not a generation id",
    ),
    ("ftp image url", lambda d: ["generate", "p", "--frame1", "ftp://h.example/a.png"], "ftp"),
    (
        "javascript url",
        lambda d: ["generate", "p", "--frame0", "javascript:alert(1)"],
        "javascript",
    ),
    ("missing file", lambda d: ["generate", "p", "--frame0", str(d / "nope.png")], "nope.png"),
    (
        "text file named .png",
        lambda d: ["generate", "p", "--frame0", str(image_cases.text_named_png(d))],
        "looks like text",
    ),
    (
        "truncated jpeg",
        lambda d: ["generate", "p", "--frame0", str(image_cases.truncated_jpeg(d))],
        ".jpg",
    ),
    (
        "corrupt png",
        lambda d: ["generate", "p", "--frame0", str(image_cases.corrupt_png(d))],
        ".png",
    ),
    (
        "decompression bomb",
        lambda d: ["generate", "p", "--frame0", str(image_cases.bomb_png(d))],
        "huge.png",
    ),
    ("a folder", lambda d: ["generate", "p", "--frame0", str(d)], "folder"),
]


@pytest.mark.parametrize(("name", "argv", "said"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exits_2_and_sends_nothing(
    name: str,
    argv: Callable[[Path], list[str]],
    said: str,
    run_cli: Callable[..., tuple[int, str, str]],
    sim: SimServer,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    code, out, err = run_cli(*argv(folder))
    said_line = (out + err).strip().splitlines()[-1] if (out + err).strip() else ""
    record(
        "Input suite: refused (exit 2, nothing sent)",
        ("input", "exit", "requests", "message"),
        (name, code, _requests(sim), said_line[:70]),
    )
    assert code == 2, out + err
    assert said.lower() in (out + err).lower()
    assert _requests(sim) == 0


ODD_IMAGES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("exif rotated", image_cases.exif_rotated_jpeg, "image/jpeg"),
    ("cmyk jpeg", image_cases.cmyk_jpeg, "image/jpeg"),
    ("16-bit png", image_cases.gray16_png, "image/jpeg"),
    ("alpha png", image_cases.rgba_png, "image/png"),
    ("palette png", image_cases.palette_transparent_png, "image/png"),
    ("animated gif", image_cases.animated_gif, "image/"),
    ("very large", image_cases.large_jpeg, "image/jpeg"),
]


@pytest.mark.parametrize(("name", "make", "mime"), ODD_IMAGES, ids=[o[0] for o in ODD_IMAGES])
def test_odd_images_are_converted_and_sent(
    name: str,
    make: Callable[[Path], Path],
    mime: str,
    run_cli: Callable[..., tuple[int, str, str]],
    sim: SimServer,
    tmp_path: Path,
) -> None:
    source = make(tmp_path)
    code, out, _ = run_cli("generate", "starts here", "--frame0", str(source))
    note = next((line for line in out.splitlines() if "sent inline" in line), "")
    record(
        "Input suite: odd but valid (converted and sent)",
        ("input", "exit", "creates", "as sent"),
        (name, code, sim.counts["create"], note.removeprefix("frame0: ")[:70]),
    )
    assert code == 0
    assert "sent inline" in out
    url = sim.received_bodies[0]["keyframes"]["frame0"]["url"]
    header, payload = url.split(",", 1)
    assert header.startswith(f"data:{mime}")
    image = Image.open(io.BytesIO(base64.b64decode(payload)))
    assert max(image.size) <= 2048
    assert image.mode in ("RGB", "RGBA")


def test_the_daily_cap_refuses_with_exit_2_and_budget_overrides_once(
    run_cli: Callable[..., tuple[int, str, str]], sim: SimServer
) -> None:
    from luma_desktop.core import paths
    from luma_desktop.core.artist_db import FILE_NAME, open_artist_db
    from luma_desktop.core.budget import Caps, save_caps
    from luma_desktop.core.request import PRICE_TOKENS

    db = open_artist_db(paths.data_dir() / FILE_NAME)
    save_caps(db, Caps(per_day=1.5 * PRICE_TOKENS))
    db.close()
    # The Luma route: its flat price is the cost (the unified route reports its own).
    assert run_cli("generate", "a first clip", "--route", "luma")[0] == 0  # fits: 1 of 1.5
    code, _out, err = run_cli("generate", "a second clip", "--route", "luma")
    assert code == 2
    assert "not sent" in err
    assert "(250,000 left)" in err
    assert "--budget" in err
    assert [b["prompt"] for b in sim.received_bodies] == ["a first clip"]
    code, _out, _err = run_cli("generate", "a second clip", "--budget", str(3 * PRICE_TOKENS))
    assert code == 0
    assert run_cli("generate", "x", "--budget", "lots")[0] == 2
