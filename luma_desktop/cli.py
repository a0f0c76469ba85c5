"""Luma Desktop from the command line: make clips, follow them, fetch them, for scripts.

    python -m luma_desktop.cli generate "a red fox in snow" --aspect-ratio 16:9 --loop
    python -m luma_desktop.cli status ID [ID ...]
    python -m luma_desktop.cli resume
    python -m luma_desktop.cli list
    python -m luma_desktop.cli balance
    python -m luma_desktop.cli generate "snow falls" --model ray-3.2 --type edit --video ID

Exit codes: 0 done, 2 bad input (nothing sent), 3 the generation failed (or its
clip could not be fetched: the id is printed, ``status``/``resume`` get a fresh
link), 4 the key or the account was refused, 5 the network failed after retries,
6 still running (``--wait-max`` reached, or past its deadline): the id is printed,
``resume`` later. ``generate`` honours the daily spending cap set in the app's
Settings (``--budget CREDITS`` sets another for this run only): work that would pass
it is refused with what is left, exit 2.

Everything printed that came from the network is cleaned (no control characters
or escape sequences, cut short) and holds no key.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from luma_desktop.api.client import GatewayClient, checked_key
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.http import make_http_client
from luma_desktop.api.text import clean_text, redact
from luma_desktop.cli_gateway import print_balance, request_options
from luma_desktop.cli_parser import build_parser
from luma_desktop.cli_support import MIN_PREFIX, IdProblem, command_line_words, resolve_id
from luma_desktop.core import budget, paths
from luma_desktop.core.artist_db import FILE_NAME as ARTIST_DB
from luma_desktop.core.artist_db import open_artist_db
from luma_desktop.core.engine import JobEngine
from luma_desktop.core.events import EventKind, JobEvent
from luma_desktop.core.images import KeyframeError
from luma_desktop.core.jobs import JobErrorKind, JobRecord, JobStatus
from luma_desktop.core.keyframe_shape import Fit, fit_frames
from luma_desktop.core.keyframes import prepare_keyframe
from luma_desktop.core.limits import clip_limit
from luma_desktop.core.lock import DataDirLock, DataDirLocked
from luma_desktop.core.logs import RedactingFormatter
from luma_desktop.core.policy import PollPolicy
from luma_desktop.core.recovery import recovered_message
from luma_desktop.core.request import (
    GenerationRequest,
    ImageKeyframe,
    InvalidRequest,
    Keyframe,
)
from luma_desktop.core.secrets import KeyStore
from luma_desktop.core.store import JobStore, StoreUnavailable

EXIT_OK, EXIT_INPUT, EXIT_FAILED, EXIT_AUTH, EXIT_NETWORK, EXIT_RUNNING = 0, 2, 3, 4, 5, 6
CLI_RETRIES = 8  # transient faults in a row before the CLI gives up (the job stays resumable)
# The key, for redacting what is printed; set once main() has a key store.
_KEYS: list[KeyStore] = []


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    keys = KeyStore(use_env=True)
    _KEYS[:] = [keys]
    try:
        _check_arguments(argv)
        args = build_parser().parse_args(argv)
        _setup_logging(keys)
        return asyncio.run(_run(args, keys))
    except CliError as exc:
        _say(f"error: {command_line_words(str(exc))}", sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        _say("stopped; `resume` finishes unfinished jobs later", sys.stderr)
        return 130


def _check_arguments(argv: Sequence[str]) -> None:
    """Arguments that are not valid UTF-8 reach Python as lone surrogates: refuse them."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "replace").decode("utf-8", "replace")
            raise CliError(
                f"an argument is not valid UTF-8 text: {clean_text(shown, 60)!r}", EXIT_INPUT
            ) from None


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Warnings to whatever ``sys.stderr`` is now, the key redacted, one line each."""

    def __init__(self, keys: KeyStore) -> None:
        super().__init__()
        self.setFormatter(RedactingFormatter(keys.get, "%(levelname)s %(name)s: %(message)s"))
        self.setLevel(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        _say(self.format(record), sys.stderr)


def _setup_logging(keys: KeyStore) -> None:
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    root.addHandler(_StderrHandler(keys))
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)


_LOCKLESS = ("status", "balance")  # they read the gateway, never the data folder


def _data_folder(args: argparse.Namespace) -> Path:
    return Path(args.data_dir).expanduser().absolute() if args.data_dir else paths.data_dir()


async def _run(args: argparse.Namespace, keys: KeyStore) -> int:
    data = _data_folder(args)
    if args.command == "list":
        return _list(_open_store(data, args))
    out = _out_folder(args)  # checked before anything is locked or sent
    if args.command == "generate":
        request = await _request_from(args)  # bad input fails here, before any lock or request
        try:
            checked_key(keys.get())
        except ApiError as exc:  # a key that cannot be sent: no job, no request
            raise CliError(exc.message, EXIT_AUTH) from None
    try:
        lock = DataDirLock(data).acquire() if args.command not in _LOCKLESS else None
    except DataDirLocked as exc:
        raise CliError(str(exc), EXIT_INPUT) from None
    try:
        async with make_http_client() as http:
            if args.command == "status":
                ids = _full_ids(_open_store(data, args), args.ids)
                return await _status(GatewayClient(http, args.base_url, keys.get), ids)
            if args.command == "balance":
                for line in await print_balance(GatewayClient(http, args.base_url, keys.get)):
                    _say(line)
                return EXIT_OK
            engine = JobEngine(
                _open_store(data, args, out),
                http,
                keys.get,
                out,
                base_url=args.base_url,
                policy=cli_policy(),
                limits=clip_limit(args.max_clip_mb),
            )
            engine.subscribe(_print_event)
            if args.command == "generate":
                _check_budget(data, engine.store, request, args.budget)
                return await _generate(engine, request, args.wait_max)
            return _outcome(await engine.resume_all())
    except ApiError as exc:
        raise CliError(exc.message, _code_for(exc.kind.value)) from None
    finally:
        if lock:
            lock.release()


def _open_store(data: Path, args: argparse.Namespace, library: Path | None = None) -> JobStore:
    try:
        store = JobStore(paths.store_path(paths.ensure_private_dir(data)))
    except (StoreUnavailable, OSError) as exc:
        raise CliError(str(exc), EXIT_INPUT) from None
    if store.recovered_from is not None:
        folder = library or paths.library_dir(data)
        _say(recovered_message(store, folder, args.base_url), sys.stderr)
    return store


def _check_budget(
    data: Path, store: JobStore, request: GenerationRequest, override: float | None
) -> None:
    """The same daily cap as the window's (saved in the artist database)."""
    try:
        db = open_artist_db(data / ARTIST_DB)
    except (sqlite3.Error, OSError, RuntimeError) as exc:
        raise CliError(f"the budget cannot be read: {exc}", EXIT_INPUT) from None
    try:
        caps = budget.load_caps(db)
    finally:
        db.close()
    if override is not None:
        caps = dataclasses.replace(caps, per_day=override)
    today = budget.spent_today(store.created_since)
    verdict = budget.check(budget.estimate(request), caps, today, what="This generation")
    if not verdict.fits:
        raise CliError(f"not sent: {verdict.message}", EXIT_INPUT)


def _out_folder(args: argparse.Namespace) -> Path:
    """``--out`` as an absolute folder (stored jobs must not depend on the cwd)."""
    raw = getattr(args, "out", None)
    folder = Path(raw).expanduser() if raw else paths.library_dir(_data_folder(args))
    folder = folder.absolute()
    if folder.exists() and not folder.is_dir():
        raise CliError(f"--out {raw} is a file, not a folder.", EXIT_INPUT)
    return folder


async def _generate(engine: JobEngine, request: GenerationRequest, wait_max: float | None) -> int:
    job = await engine.submit(request)
    if job.status is JobStatus.UNKNOWN:  # a lost answer: the gateway's log may know
        job = await engine.resolve_unknown(job.local_id)
    if not job.status.active:
        return _outcome([job])
    try:
        async with asyncio.timeout(wait_max):
            job = await engine.track(job.local_id)
    except TimeoutError:
        job = engine.store.get(job.local_id)
        _say(f"still running after {wait_max:g} s: `resume` later", sys.stderr)
        print(job.generation_id)
        return EXIT_RUNNING
    return _outcome([job])


def cli_policy() -> PollPolicy:
    """The app keeps retrying forever; a pipeline wants an answer, so the CLI gives up
    (and does not sit polling a job past its deadline: it says so, exit 6)."""
    return PollPolicy(max_transient_retries=CLI_RETRIES, stop_when_stale=True)


def _say(text: str, stream: TextIO | None = None, limit: int = 2000) -> None:
    """Print text that may hold network text: no key, no control characters."""
    key = _KEYS[0].get() if _KEYS else None
    print(clean_text(redact(text, key), limit), file=stream or sys.stdout, flush=True)


def _gen_frame(args: argparse.Namespace, name: str) -> str | None:
    """``gen:<id>`` with the id completed from a unique prefix of 8+ characters."""
    text: str | None = getattr(args, name)
    if not text or not text.startswith("gen:"):
        return text
    store = _open_store(_data_folder(args), args)
    try:
        return "gen:" + resolve_id(store, text.removeprefix("gen:"))
    except IdProblem as exc:
        raise CliError(f"{name}: {exc}", EXIT_INPUT) from None
    finally:
        store.close()


async def _request_from(args: argparse.Namespace) -> GenerationRequest:
    frames: dict[str, Keyframe | None] = {"frame0": None, "frame1": None}
    for name in frames:
        text = _gen_frame(args, name)
        if text:
            try:
                frames[name] = await prepare_keyframe(text)
            except KeyframeError as exc:
                raise CliError(f"{name}: {exc}", EXIT_INPUT) from None
            frame = frames[name]
            if isinstance(frame, ImageKeyframe) and frame.inline:
                print(f"{name}: {frame.note}; sent inline as a data: URI")
    request = GenerationRequest(
        prompt=args.prompt,
        aspect_ratio=args.aspect_ratio,
        loop=args.loop,
        resolution=args.resolution,
        duration=args.duration,
        frame0=frames["frame0"],
        frame1=frames["frame1"],
        **request_options(args),
    )
    try:
        request = request.validated()
        # A keyframe of another shape than the clip: said on stderr, fitted on --fit.
        request, said = await asyncio.to_thread(fit_frames, request, Fit(args.fit))
    except InvalidRequest as exc:
        raise CliError(str(exc), EXIT_INPUT) from None
    except KeyframeError as exc:
        raise CliError(str(exc), EXIT_INPUT) from None
    for line in said:
        _say(line, sys.stderr)
    return request


def _full_ids(store: JobStore, ids: list[str]) -> list[str]:
    try:
        return [resolve_id(store, text) for text in ids]
    except IdProblem as exc:
        raise CliError(str(exc), EXIT_INPUT) from None
    finally:
        store.close()


async def _status(client: GatewayClient, ids: list[str]) -> int:
    found = await client.get_many(ids)
    for generation in found:
        detail = generation.video_url or generation.failure_reason or ""
        _say(f"{generation.id}  {generation.state.value:<10} {detail}")
    known = {g.id for g in found}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise CliError(f"the gateway does not know {', '.join(unknown)}", EXIT_INPUT)
    return EXIT_OK


def _list(store: JobStore) -> int:
    for job in store.recent(limit=1000):
        prompt = clean_text(job.prompt, 50)
        route = job.route or "luma"
        _say(f"{job.generation_id or job.local_id}  {job.status.value:<11} {route:<8} {prompt}")
    return EXIT_OK


def _print_event(event: JobEvent) -> None:
    job = event.job
    # the whole short id that status and gen: take (cut with an ellipsis it was one short)
    name = clean_text(job.generation_id or job.local_id, 64)[:MIN_PREFIX]
    if event.kind is EventKind.PROGRESS:
        total = f" of {event.total / 1e6:.1f} MB" if event.total else ""
        _say(f"[{name}] downloading {event.done / 1e6:.1f} MB{total}")
    elif event.kind is EventKind.CHANGED:
        extra = command_line_words(job.failure_reason or job.error_message or "")
        _say(f"[{name}] {job.status.value}" + (f": {extra}" if extra else ""))
    else:
        wait = f" (retrying in {event.retry_in:.1f} s)" if event.retry_in is not None else ""
        _say(f"[{name}] {command_line_words(event.message)}{wait}", sys.stderr)


def _outcome(jobs: list[JobRecord]) -> int:
    """The worst exit code among the jobs; the file paths of the ready ones last, and
    the ids of those to look at again later (still running, or a clip not fetched)."""
    code = max((_code_for_job(job) for job in jobs), default=EXIT_OK)
    for job in jobs:
        if job.status is JobStatus.READY:
            print(job.video_path)
        elif job.generation_id and job.status.active:
            print(job.generation_id)
    return code


def _code_for_job(job: JobRecord) -> int:
    if job.status is JobStatus.READY:
        return EXIT_OK
    if job.status is JobStatus.STALE:
        return EXIT_RUNNING
    if job.status in (JobStatus.FAILED, JobStatus.NOT_FOUND):
        return EXIT_FAILED
    if job.status is JobStatus.DOWNLOADING and job.error_kind not in (
        JobErrorKind.AUTH,
        JobErrorKind.FORBIDDEN,
    ):
        return EXIT_FAILED  # taken and made: a refused or broken link is not bad input
    return _code_for(job.error_kind)


def _code_for(kind: str | None) -> int:
    if kind in (ErrorKind.AUTH, ErrorKind.FORBIDDEN):
        return EXIT_AUTH
    if kind == ErrorKind.VALIDATION:
        return EXIT_INPUT
    if kind == ErrorKind.LOCAL_FILE:
        return EXIT_FAILED
    return EXIT_NETWORK


if __name__ == "__main__":
    sys.exit(main())
