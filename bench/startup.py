"""Start-up time: from spawning the app to a shown, interactive window.

Runs the app in demo mode, offscreen, in a throwaway profile (HOME, XDG folders and
data folder in a temporary folder), from source and, if it has been built
(``bash packaging/build.sh``), from the bundle. The app reports the moment itself when
``LUMA_DESKTOP_STARTUP_PROBE=1``: its main window has painted, and an input event
posted after that paint has been delivered (``startup-probe: shown <s>``, then it
quits cleanly); the time measured here is the parent's wall clock from spawn to that
line. One untimed warm-up run each, so the disk cache is equally warm for both; the
two alternate run by run, so a busy machine slows both alike.

    .venv/bin/python bench/startup.py [--runs 5]

Prints one line: ``startup: source_median_ms=… bundle_median_ms=… runs=5``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "LumaDesktop" / "LumaDesktop"
PROBE_LINE = "startup-probe: shown"
TIMEOUT = 60.0


def _env(home: Path) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "LUMA_DESKTOP_DATA_DIR": str(home / "data"),
        "LUMA_DESKTOP_STARTUP_PROBE": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",  # never the real keychain
    }
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(home / name.lower())
    if "LANG" in os.environ:
        env["LANG"] = os.environ["LANG"]
    return env


def one_run(command: list[str]) -> float:
    """Milliseconds from spawn to the probe line."""
    with tempfile.TemporaryDirectory(prefix="luma-startup-") as tmp:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*command, "--demo"],
            cwd=ROOT,
            env=_env(Path(tmp)),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        shown = None
        for line in proc.stdout:
            if line.startswith(PROBE_LINE):
                shown = time.perf_counter()
                break
        proc.stdout.close()
        code = proc.wait(timeout=TIMEOUT)
        if shown is None or code != 0:
            raise SystemExit(f"startup: {command[0]} exited {code} without {PROBE_LINE!r}")
        return (shown - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    commands = {"source": [sys.executable, "-m", "luma_desktop"]}
    if BUNDLE.exists():
        commands["bundle"] = [str(BUNDLE)]
    for command in commands.values():
        one_run(command)  # warm-up, not counted
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(one_run(command))
    median = {name: f"{statistics.median(t):.0f}" for name, t in times.items()}
    each = " ".join(f"{n}_each=[{','.join(f'{x:.0f}' for x in t)}]" for n, t in times.items())
    print(
        f"startup: source_median_ms={median['source']} "
        f"bundle_median_ms={median.get('bundle', 'n/a')} {each} runs={args.runs}"
    )


if __name__ == "__main__":
    main()
