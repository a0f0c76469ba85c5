"""``python -m luma_desktop.sim`` prints its two base URLs and serves until interrupted."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _interruptible() -> None:
    """In the child: Ctrl+C's default handling, even when this run was started with SIGINT
    ignored (a shell's background job, nohup), which a child would inherit, and Python
    installs no KeyboardInterrupt handler for an ignored SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
async def test_module_entry_point() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "luma_desktop.sim",
        "--key",
        "k1",
        "--queued",
        "0",
        "--dreaming",
        "0",
        stdout=asyncio.subprocess.PIPE,
        env=env,
        preexec_fn=_interruptible,
    )
    try:
        assert proc.stdout is not None
        lines = [
            (await asyncio.wait_for(proc.stdout.readline(), 10)).decode().strip() for _ in range(2)
        ]
        urls = dict(line.split("=", 1) for line in lines)
        assert set(urls) == {"base_url", "video_base_url"}
        async with httpx.AsyncClient(base_url=urls["base_url"]) as http:
            refused = await http.get(
                "/v2/generate/video/luma-ai/generations", params={"generation_ids": "x"}
            )
            ok = await http.post(
                "/v2/generate/video/luma-ai/generation",
                json={"prompt": "x"},
                headers={"Authorization": "Bearer k1"},
            )
        assert refused.status_code == 401
        assert ok.status_code == 201
    finally:
        proc.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
