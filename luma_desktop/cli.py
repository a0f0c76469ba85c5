"""The headless face of the engine, for pipelines and for testing the engine from outside.

    python -m luma_desktop.cli generate "a red fox in snow" --aspect-ratio 16:9 --loop
    python -m luma_desktop.cli status ID [ID ...]
    python -m luma_desktop.cli resume
    python -m luma_desktop.cli list

Exit codes: 0 done, 2 bad input (nothing sent), 3 the generation failed,
4 the key or the account was refused, 5 the network failed after retries.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from luma_desktop.api.client import GatewayClient
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.http import make_http_client
from luma_desktop.core import paths
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.images import KeyframeError
from luma_desktop.core.jobs import JobRecord, JobStatus
from luma_desktop.core.keyframes import parse_keyframe_source
from luma_desktop.core.lock import DataDirLock, DataDirLocked
from luma_desktop.core.policy import PollPolicy
from luma_desktop.core.request import (
    ASPECT_RATIOS,
    DURATIONS,
    MODELS,
    RESOLUTIONS,
    GenerationRequest,
    ImageKeyframe,
    InvalidRequest,
    Keyframe,
)
from luma_desktop.core.secrets import KeyStore
from luma_desktop.core.store import JobStore

EXIT_OK, EXIT_INPUT, EXIT_FAILED, EXIT_AUTH, EXIT_NETWORK = 0, 2, 3, 4, 5
CLI_RETRIES = 8  # transient faults in a row before the CLI gives up (the job stays resumable)


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return asyncio.run(_run(args))
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("stopped; `resume` finishes unfinished jobs later", file=sys.stderr)
        return 130


async def _run(args: argparse.Namespace) -> int:
    data = Path(args.data_dir) if args.data_dir else paths.data_dir()
    if args.command == "list":
        return _list(JobStore(paths.store_path(data)))
    if args.command == "generate":
        request = await _request_from(args)  # bad input fails here, before any lock or request
    try:
        lock = DataDirLock(data).acquire() if args.command != "status" else None
    except DataDirLocked as exc:
        raise CliError(str(exc), EXIT_INPUT) from None
    keys = KeyStore(use_env=True)
    try:
        async with make_http_client() as http:
            if args.command == "status":
                return await _status(GatewayClient(http, args.base_url, keys.get), args.ids)
            store = JobStore(paths.store_path(data))
            engine = JobEngine(
                store,
                http,
                keys.get,
                Path(args.out) if getattr(args, "out", None) else paths.library_dir(data),
                base_url=args.base_url,
                policy=cli_policy(),
            )
            engine.subscribe(_print_event)
            if args.command == "generate":
                return _outcome([await engine.generate(request)])
            return _outcome(await engine.resume_all())
    except ApiError as exc:
        raise CliError(exc.message, _code_for(exc.kind.value)) from None
    finally:
        if lock:
            lock.release()


def cli_policy() -> PollPolicy:
    """The app keeps retrying forever; a pipeline wants an answer, so the CLI gives up."""
    return PollPolicy(max_transient_retries=CLI_RETRIES)


async def _request_from(args: argparse.Namespace) -> GenerationRequest:
    frames: dict[str, Keyframe | None] = {"frame0": None, "frame1": None}
    for name in frames:
        text = getattr(args, name)
        if text:
            try:
                frames[name] = await asyncio.to_thread(parse_keyframe_source, text)
            except KeyframeError as exc:
                raise CliError(f"{name}: {exc}", EXIT_INPUT) from None
            frame = frames[name]
            if isinstance(frame, ImageKeyframe) and frame.inline:
                print(f"{name}: {frame.note}; sent inline as a data: URI")
    request = GenerationRequest(
        prompt=args.prompt,
        aspect_ratio=args.aspect_ratio,
        loop=args.loop,
        model=args.model,
        resolution=args.resolution,
        duration=args.duration,
        frame0=frames["frame0"],
        frame1=frames["frame1"],
    )
    try:
        return request.validated()
    except InvalidRequest as exc:
        raise CliError(str(exc), EXIT_INPUT) from None


async def _status(client: GatewayClient, ids: list[str]) -> int:
    for generation in await client.get_many(ids):
        detail = generation.video_url or generation.failure_reason or ""
        print(f"{generation.id}  {generation.state.value:<10} {detail}")
    return EXIT_OK


def _list(store: JobStore) -> int:
    for job in store.recent(limit=1000):
        prompt = job.prompt if len(job.prompt) <= 50 else job.prompt[:49] + "…"
        print(f"{job.generation_id or job.local_id}  {job.status.value:<11} {prompt}")
    return EXIT_OK


def _print_event(event: JobEvent) -> None:
    job = event.job
    name = (job.generation_id or job.local_id)[:8]
    if event.kind is EventKind.PROGRESS:
        total = f" of {event.total / 1e6:.1f} MB" if event.total else ""
        print(f"[{name}] downloading {event.done / 1e6:.1f} MB{total}", flush=True)
    elif event.kind is EventKind.CHANGED:
        extra = job.failure_reason or job.error_message or ""
        print(f"[{name}] {job.status.value}" + (f": {extra}" if extra else ""), flush=True)
    else:
        wait = f" (retrying in {event.retry_in:.1f} s)" if event.retry_in is not None else ""
        print(f"[{name}] {event.message}{wait}", file=sys.stderr, flush=True)


def _outcome(jobs: list[JobRecord]) -> int:
    """The worst exit code among the jobs; the file paths of the ready ones last."""
    code = max((_code_for_job(job) for job in jobs), default=EXIT_OK)
    for job in jobs:
        if job.status is JobStatus.READY:
            print(job.video_path)
    return code


def _code_for_job(job: JobRecord) -> int:
    if job.status is JobStatus.READY:
        return EXIT_OK
    if job.status in (JobStatus.FAILED, JobStatus.NOT_FOUND, JobStatus.STALE):
        return EXIT_FAILED
    return _code_for(job.error_kind)


def _code_for(kind: str | None) -> int:
    if kind in (ErrorKind.AUTH, ErrorKind.FORBIDDEN):
        return EXIT_AUTH
    if kind == ErrorKind.VALIDATION:
        return EXIT_INPUT
    if kind == ErrorKind.LOCAL_FILE:
        return EXIT_FAILED
    return EXIT_NETWORK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="luma-desktop-cli", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--base-url",
        default=os.environ.get(paths.BASE_URL_ENV, paths.DEFAULT_BASE_URL),
        help="the gateway (default $LUMA_DESKTOP_BASE_URL or the AI/ML API)",
    )
    parser.add_argument("--data-dir", help="the data folder (default $LUMA_DESKTOP_DATA_DIR)")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="make one clip and download it")
    gen.add_argument("prompt")
    gen.add_argument("--aspect-ratio", choices=ASPECT_RATIOS)
    gen.add_argument("--loop", action="store_true")
    gen.add_argument("--model", choices=MODELS)
    gen.add_argument("--resolution", choices=RESOLUTIONS)
    gen.add_argument("--duration", choices=DURATIONS)
    for frame, what in (("--frame0", "first"), ("--frame1", "last")):
        gen.add_argument(frame, help=f"{what} frame: an image file, an http(s) URL or gen:<id>")
    gen.add_argument("--out", help="folder for the clip (default: the library)")
    status = commands.add_parser("status", help="the state of generations, by id")
    status.add_argument("ids", nargs="+")
    commands.add_parser("resume", help="finish every unfinished job in the store")
    commands.add_parser("list", help="the jobs in the store, newest first")
    return parser


if __name__ == "__main__":
    sys.exit(main())
