"""The API key: only ever in the OS keychain (through keyring), or in memory.

Where the machine has no keychain, the key is kept for this session only and
:attr:`KeyStore.where` says so, for the UI to tell the artist. The key never goes
into settings, logs, files or exception text.
"""

from __future__ import annotations

import logging
import os

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "LumaDesktop"
ACCOUNT = "aimlapi-key"
ENV_KEY = "AIMLAPI_KEY"


class KeyStore:
    def __init__(self, backend: KeyringBackend | None = None, *, use_env: bool = False) -> None:
        self._backend = backend
        self._memory: str | None = None
        self._use_env = use_env
        self.keychain_available = self._probe()

    def __repr__(self) -> str:
        return f"KeyStore(where={self.where!r})"  # never the key

    @property
    def where(self) -> str:
        if self._memory is not None or not self.keychain_available:
            return "memory (this session only: this computer has no keychain)"
        return f"the system keychain ({self._backend_name()})"

    def get(self) -> str | None:
        """The key from whichever source has it, trimmed of surrounding whitespace (a
        copy-paste artefact); None when there is none. Whether what is left can go in a
        header is checked where it is used (``api.client.checked_key``)."""
        return _trimmed(self._raw())

    def _raw(self) -> str | None:
        if self._use_env and (os.environ.get(ENV_KEY) or "").strip():
            return os.environ[ENV_KEY]
        if self._memory is not None:
            return self._memory
        if not self.keychain_available:
            return None
        try:
            return self._keyring().get_password(SERVICE, ACCOUNT)
        except keyring.errors.KeyringError as exc:
            log.warning("could not read the keychain: %s", type(exc).__name__)
            return None

    def set(self, key: str) -> bool:
        """Store the key; True if it went to the keychain, False if only to memory."""
        key = key.strip()
        if self.keychain_available:
            try:
                self._keyring().set_password(SERVICE, ACCOUNT, key)
                self._memory = None
                return True
            except keyring.errors.KeyringError as exc:
                log.warning("could not write the keychain: %s", type(exc).__name__)
        self._memory = key
        return False

    def delete(self) -> None:
        self._memory = None
        if self.keychain_available:
            try:
                self._keyring().delete_password(SERVICE, ACCOUNT)
            except keyring.errors.PasswordDeleteError:
                pass  # nothing was stored: already deleted
            except keyring.errors.KeyringError as exc:
                log.warning("could not delete from the keychain: %s", type(exc).__name__)

    def _keyring(self) -> KeyringBackend:
        return self._backend or keyring.get_keyring()

    def _backend_name(self) -> str:
        return type(self._keyring()).__name__

    def _probe(self) -> bool:
        """A keychain exists unless keyring fell back to its ``fail`` backend."""
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
