"""The command line's words: its options, their defaults and help, the epilog.

Kept apart from ``cli`` (which runs the commands) so the parser can be read, and
tested, as the user sees it in ``--help``.
"""

from __future__ import annotations

import argparse
import os

from luma_desktop.cli_gateway import add_generation_options
from luma_desktop.core import paths
from luma_desktop.core.keyframe_shape import Fit
from luma_desktop.core.limits import DEFAULT_MAX_CLIP_MB
from luma_desktop.core.request import ASPECT_RATIOS, DURATIONS, RESOLUTIONS

EPILOG = """\
environment:
  AIMLAPI_KEY            your AI/ML API key (else the one the app saved in the keychain)
  LUMA_DESKTOP_BASE_URL  the gateway address (else the AI/ML API)
  LUMA_DESKTOP_DATA_DIR  the data folder: jobs, library, logs (the app's, by default)

exit codes:
  0  done; a clip's path is printed last
  2  bad input, nothing sent (arguments, files, an unknown or too short id, the budget)
  3  the generation failed, or its clip could not be fetched (`status`/`resume` retry)
  4  the key or the account was refused
  5  the network or the gateway failed after retries (`resume` later)
  6  still running (--wait-max reached, or past its deadline): the id is printed

Ids: a whole generation id, or any unique beginning of 8 or more characters of one
this data folder knows (the 8-character ids printed while a clip is made).
Try it without an account: python -m luma_desktop.sim --port 8765 (key: sim-key).
"""


class _Help(argparse.RawDescriptionHelpFormatter):
    """Each option's default after its help (where it has one); the epilog as written."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        value = action.default
        if (
            value in (None, False, argparse.SUPPRESS)
            or "default" in text
            or not action.option_strings
        ):
            return text
        return f"{text} (default: {value})"


def _global_options(parser: argparse.ArgumentParser, *, here: bool) -> None:
    """Options that work before or after the command (after it, they win)."""
    suppress = argparse.SUPPRESS

    def default(value: object) -> object:
        return value if here else suppress

    parser.add_argument(
        "--base-url",
        default=default(os.environ.get(paths.BASE_URL_ENV, paths.DEFAULT_BASE_URL)),
        help="the gateway address ($LUMA_DESKTOP_BASE_URL)",
    )
    parser.add_argument(
        "--data-dir", default=default(None), help="the data folder ($LUMA_DESKTOP_DATA_DIR)"
    )
    parser.add_argument(
        "--max-clip-mb",
        type=_positive_int,
        default=default(DEFAULT_MAX_CLIP_MB),
        metavar="MB",
        help="refuse clips larger than this many megabytes",
    )


def _command(commands: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    sub: argparse.ArgumentParser = commands.add_parser(
        name, help=text, description=text, epilog=EPILOG, formatter_class=_Help
    )
    _global_options(sub, here=False)
    return sub


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="luma-desktop-cli",
        description=(
            "Make Luma video clips from the command line: the same jobs, library and key\n"
            "as the Luma Desktop window. A job survives a stop: `resume` finishes it."
        ),
        epilog=EPILOG,
        formatter_class=_Help,
    )
    _global_options(parser, here=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    gen = _command(commands, "generate", "make one clip and download it")
    gen.add_argument("prompt", help="what the clip shows (up to 2,048 characters)")
    gen.add_argument(
        "--aspect-ratio", choices=ASPECT_RATIOS, help="frame shape (default: the model's, 16:9)"
    )
    gen.add_argument("--loop", action="store_true", help="make the end flow into the start")
    gen.add_argument(
        "--resolution", choices=RESOLUTIONS, help="(default: the model's, 1080p for Ray 2)"
    )
    gen.add_argument("--duration", choices=DURATIONS, help="clip length (default: 5s)")
    add_generation_options(gen)
    for frame, what in (("--frame0", "first"), ("--frame1", "last")):
        gen.add_argument(frame, help=f"{what} frame: an image file, an http(s) URL or gen:<id>")
    gen.add_argument(
        "--fit",
        choices=[fit.value for fit in Fit],
        default=Fit.KEEP.value,
        help="a keyframe of another shape than the clip: crop its centre, pad it with bars, "
        "or keep it as it is (with a warning)",
    )
    gen.add_argument("--out", help="folder for the clip (default: the library)")
    gen.add_argument(
        "--budget",
        type=_credits,
        metavar="CREDITS",
        help="today's spending cap for this run only, instead of the app's",
    )
    gen.add_argument(
        "--wait-max",
        type=_seconds,
        metavar="SECONDS",
        help="stop waiting after this long: print the id and exit 6 (`resume` later)",
    )
    status = _command(commands, "status", "the state of generations, by id or id prefix")
    status.add_argument("ids", nargs="+", metavar="ID", help="ids, or 8+ first characters")
    _command(commands, "resume", "finish every unfinished job in the data folder")
    _command(commands, "list", "the jobs in the data folder, newest first")
    _command(commands, "balance", "the account's balance on the gateway")
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < 10**9:
        raise argparse.ArgumentTypeError("give a positive number of seconds")
    return value


def _credits(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value >= 0 and value < float("inf")):
        raise argparse.ArgumentTypeError(f"not a number of credits: {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 < value <= 1024 * 1024:
        raise argparse.ArgumentTypeError("give a size from 1 to 1048576 MB")
    return value
