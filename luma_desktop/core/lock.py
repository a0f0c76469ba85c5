"""One lock per data folder, so two processes never poll and write the same store.

The app and the CLI both take it; the OS releases it when a process dies, so a
crash never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import IO

from luma_desktop.core.paths import ensure_private_dir


class DataDirLocked(RuntimeError):
    """Another Luma Desktop (window or CLI) is using this data folder."""


class DataDirLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / ".lock"
        self._file: IO[str] | None = None

    def acquire(self) -> DataDirLock:
        ensure_private_dir(self.path.parent)
        handle = self.path.open("a+")
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise DataDirLocked(
                f"Another Luma Desktop is already using {self.path.parent}. "
                "Close it first, or use another data folder."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                _unlock(self._file)
            self._file.close()
            self._file = None

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
