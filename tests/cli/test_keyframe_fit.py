"""The CLI and a keyframe of another shape than the clip: a warning on stderr, and
``--fit crop|pad|keep`` (problem 6)."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from luma_desktop.sim import SimServer
from tests.cli.test_cli import run_cli

__all__ = ["run_cli"]  # the fixture, shared
Run = Callable[..., tuple[int, str, str]]


def _portrait(path: Path) -> Path:
    Image.new("RGB", (108, 192), (40, 90, 200)).save(path)
    return path


def _sent_size(sim: SimServer, frame: str) -> tuple[int, int]:
    url = sim.received_bodies[-1]["keyframes"][frame]["url"]
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).size


def test_a_portrait_last_frame_for_a_16_9_clip_is_warned_about_and_kept(
    run_cli: Run, sim: SimServer, tmp_path: Path
) -> None:
    code, out, err = run_cli(
        "generate", "a tall boat", "--frame1", str(_portrait(tmp_path / "p.png"))
    )
    assert code == 0
    assert "frame1: The last frame is 108×192 (9:16), but the clip is 16:9" in err
    assert "--fit crop" in err
    assert "warn" not in out.lower()  # stdout stays the clip's path and states
    assert _sent_size(sim, "frame1") == (108, 192)


@pytest.mark.parametrize(("fit", "size"), [("crop", (108, 61)), ("pad", (341, 192))])
def test_fit_crop_and_pad_send_the_clips_shape(
    fit: str, size: tuple[int, int], run_cli: Run, sim: SimServer, tmp_path: Path
) -> None:
    source = str(_portrait(tmp_path / "p.png"))
    code, _out, err = run_cli("generate", "a tall boat", "--frame0", source, "--fit", fit)
    assert code == 0
    assert (
        f"frame0: 108×192 (9:16) {'centre-cropped' if fit == 'crop' else 'padded'} to 16:9" in err
    )
    assert _sent_size(sim, "frame0") == size


def test_a_frame_of_the_clips_shape_says_nothing(run_cli: Run, tmp_path: Path) -> None:
    source = str(_portrait(tmp_path / "p.png"))
    code, _out, err = run_cli("generate", "tall", "--aspect-ratio", "9:16", "--frame0", source)
    assert code == 0
    assert "9:16" not in err
    code, _out, _err = run_cli("generate", "tall", "--fit", "squash")
    assert code == 2  # argparse refuses an unknown fit
