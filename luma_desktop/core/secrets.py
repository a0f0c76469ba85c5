"""The API key: from ``AIMLAPI_KEY``, the OS keychain (through keyring), or in memory.

Where the machine has no keychain, the key is kept for this session only, unless
the artist explicitly opts in to a key file readable only by their user account
(0600, never the settings file). :attr:`KeyStore.where` says where the key comes
from, for the UI to tell the artist. The key never goes into settings, logs or
exception text.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from luma_desktop.core.limits import DEFAULT_LIMITS
from luma_desktop.core.small_files import read_small_file

if TYPE_CHECKING:  # keyring loads (and looks for its backends) when first needed, not at
    from keyring.backend import KeyringBackend  # start-up: demo mode may never need it

log = logging.getLogger(__name__)

SERVICE = "LumaDesktop"
ACCOUNT = "aimlapi-key"
ENV_KEY = "AIMLAPI_KEY"


class KeyStore:
    def __init__(
        self,
        backend: KeyringBackend | None = None,
        *,
        use_env: bool = False,
        key_file: Path | None = None,
    ) -> None:
        self._backend = backend
        self._memory: str | None = None
        self._use_env = use_env
        self.key_file = key_file  # where an opted-in key lives without a keychain

    def __repr__(self) -> str:
        return f"KeyStore(where={self.where!r})"  # never the key

    @property
    def from_env(self) -> bool:
        """The key in use comes from ``AIMLAPI_KEY`` (it wins over a stored one)."""
        return self._use_env and bool((os.environ.get(ENV_KEY) or "").strip())

    @property
    def in_file(self) -> bool:
        return self.key_file is not None and self.key_file.is_file()

    @property
    def where(self) -> str:
        if self.from_env:
            return f"the {ENV_KEY} environment variable"
        if self._memory is not None or (not self.keychain_available and not self.in_file):
            return "memory (this session only: this computer has no keychain)"
        if not self.keychain_available:
            return f"a file only your user account can read ({self.key_file})"
        return f"the system keychain ({self._backend_name()})"

    def get(self) -> str | None:
        """The key from whichever source has it, trimmed of surrounding whitespace (a
        copy-paste artefact); None when there is none. Whether what is left can go in a
        header is checked where it is used (``api.client.checked_key``)."""
        return _trimmed(self._raw())

    def _raw(self) -> str | None:
        if self.from_env:
            return os.environ[ENV_KEY]
        if self._memory is not None:
            return self._memory
        if not self.keychain_available:
            return self._read_file()
        import keyring.errors

        try:
            return self._keyring().get_password(SERVICE, ACCOUNT)
        except keyring.errors.KeyringError as exc:
            log.warning("could not read the keychain: %s", type(exc).__name__)
            return None

    def set(self, key: str, *, to_file: bool = False) -> bool:
        """Store the key; True if it went to the keychain, False if not.

        Without a keychain it stays in memory, or with ``to_file`` (the artist's explicit
        opt-in) goes to :attr:`key_file`, readable by this user only.
        """
        key = key.strip()
        if self.keychain_available:
            import keyring.errors

            try:
                self._keyring().set_password(SERVICE, ACCOUNT, key)
                self._memory = None
                return True
            except keyring.errors.KeyringError as exc:
                log.warning("could not write the keychain: %s", type(exc).__name__)
        if to_file and self.key_file is not None and self._write_file(key):
            self._memory = None
            return False
        self._memory = key
        return False

    def _write_file(self, key: str) -> bool:
        path = self.key_file
        assert path is not None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(path, flags, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                if hasattr(os, "fchmod"):
                    os.fchmod(out.fileno(), 0o600)  # an older file may have been wider
                out.write(key)
            return True
        except OSError as exc:
            log.warning("could not write the key file: %s", type(exc).__name__)
            return False

    def _read_file(self) -> str | None:
        path = self.key_file
        if path is None:
            return None
        try:
            info = path.stat()
            if os.name == "posix" and stat.S_IMODE(info.st_mode) & 0o077:
                # Others could read it: not what the artist agreed to; don't use it.
                log.warning("the key file %s is readable by others; ignored", path)
                return None
            # A FIFO or a device there must not hang or fill memory; bad UTF-8 not crash.
            return read_small_file(path, DEFAULT_LIMITS.max_own_file_bytes).decode("utf-8")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("could not read the key file: %s", type(exc).__name__)
            return None

    def delete(self) -> None:
        self._memory = None
        if self.key_file is not None:
            with contextlib.suppress(FileNotFoundError):
                self.key_file.unlink()
        if self.keychain_available:
            import keyring.errors

            try:
                self._keyring().delete_password(SERVICE, ACCOUNT)
            except keyring.errors.PasswordDeleteError:
                pass  # nothing was stored: already deleted
            except keyring.errors.KeyringError as exc:
                log.warning("could not delete from the keychain: %s", type(exc).__name__)

    def _keyring(self) -> KeyringBackend:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def _backend_name(self) -> str:
        return type(self._keyring()).__name__

    @cached_property
    def keychain_available(self) -> bool:
        """A keychain exists unless keyring fell back to its ``fail`` backend (asked the
        first time it matters, once)."""
        backend = self._keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        if name.startswith("keyring.backends.fail") or name.endswith("chainer.ChainerBackend"):
            return _chainer_has_backends(backend)
        return backend.priority > 0


def _trimmed(key: str | None) -> str | None:
    key = key.strip() if isinstance(key, str) else None
    return key or None


def _chainer_has_backends(backend: KeyringBackend) -> bool:
    backends = getattr(backend, "backends", None)
    return bool(backends)
