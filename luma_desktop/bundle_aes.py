"""AES-CBC for keyring's Secret Service backend in the bundle, from the bundle's OpenSSL.

On Linux keyring stores the key through secretstorage, which encrypts the secret on
its way over D-Bus (AES-128-CBC with a Diffie-Hellman session key, which it derives
itself with ``pow`` and ``hmac``). For the cipher alone it imports ``cryptography``,
whose Rust core is 12 MB of the bundle. The bundle leaves ``cryptography`` out and
its runtime hook (packaging/rth_openssl_aes.py) calls :func:`install`, which serves
the three names secretstorage imports (``default_backend``, ``Cipher``, ``algorithms``,
``modes``) from OpenSSL's libcrypto, which the bundle already carries for TLS: the
same library ``cryptography`` itself calls. Nothing here is used from source, where
the real ``cryptography`` is installed; tests compare the two.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import types
from typing import Any

_KEY_SIZES = {16: "EVP_aes_128_cbc", 24: "EVP_aes_192_cbc", 32: "EVP_aes_256_cbc"}
_BLOCK = 16
_lib: ctypes.CDLL | None = None


def _libcrypto() -> ctypes.CDLL:
    global _lib  # loaded once, on the first secret
    if _lib is None:
        import ssl  # noqa: F401 - loads the bundle's libcrypto through _ssl first

        bundled = os.path.join(getattr(sys, "_MEIPASS", ""), "libcrypto.so.3")
        name = bundled if os.path.exists(bundled) else ctypes.util.find_library("crypto")
        lib = ctypes.CDLL(name or "libcrypto.so.3")
        lib.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
        lib.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
        for cipher in _KEY_SIZES.values():
            getattr(lib, cipher).restype = ctypes.c_void_p
        lib.EVP_CipherInit_ex.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.EVP_CipherInit_ex.argtypes += [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        lib.EVP_CIPHER_CTX_set_padding.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.EVP_CipherUpdate.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.EVP_CipherUpdate.argtypes += [ctypes.POINTER(ctypes.c_int), ctypes.c_char_p]
        lib.EVP_CipherUpdate.argtypes += [ctypes.c_int]
        lib.EVP_CipherFinal_ex.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.EVP_CipherFinal_ex.argtypes += [ctypes.POINTER(ctypes.c_int)]
        _lib = lib
    return _lib


class AES:
    """``algorithms.AES``: a key of 128, 192 or 256 bits."""

    name = "AES"
    block_size = 128

    def __init__(self, key: bytes) -> None:
        if len(key) not in _KEY_SIZES:
            raise ValueError(f"Invalid key size ({len(key) * 8}) for AES.")
        self.key = bytes(key)


class CBC:
    """``modes.CBC``: a 16-byte initialisation vector."""

    name = "CBC"

    def __init__(self, initialization_vector: bytes) -> None:
        if len(initialization_vector) != _BLOCK:
            raise ValueError("Invalid IV size for CBC.")
        self.initialization_vector = bytes(initialization_vector)


class _CipherContext:
    """Unpadded AES-CBC, as ``cryptography``'s encryptor/decryptor (secretstorage pads
    and unpads itself); input must be whole blocks by ``finalize``."""

    def __init__(self, key: bytes, iv: bytes, encrypt: bool) -> None:
        self._lib = lib = _libcrypto()
        self._ctx: int | None = lib.EVP_CIPHER_CTX_new()
        if not self._ctx:
            raise MemoryError("OpenSSL could not make a cipher context")
        cipher = getattr(lib, _KEY_SIZES[len(key)])()
        if not lib.EVP_CipherInit_ex(self._ctx, cipher, None, key, iv, int(encrypt)):
            self._free()
            raise ValueError("OpenSSL refused the AES-CBC key or IV")
        lib.EVP_CIPHER_CTX_set_padding(self._ctx, 0)

    def update(self, data: bytes) -> bytes:
        if self._ctx is None:
            raise ValueError("Context was already finalized.")
        data = bytes(data)
        out = ctypes.create_string_buffer(len(data) + _BLOCK)
        written = ctypes.c_int(0)
        if not self._lib.EVP_CipherUpdate(self._ctx, out, ctypes.byref(written), data, len(data)):
            raise ValueError("OpenSSL could not run AES-CBC")
        return out.raw[: written.value]

    def finalize(self) -> bytes:
        if self._ctx is None:
            raise ValueError("Context was already finalized.")
        out = ctypes.create_string_buffer(_BLOCK)
        written = ctypes.c_int(0)
        try:
            if not self._lib.EVP_CipherFinal_ex(self._ctx, out, ctypes.byref(written)):
                raise ValueError(
                    "The length of the provided data is not a multiple of the block length."
                )
        finally:
            self._free()
        return out.raw[: written.value]

    def _free(self) -> None:
        if self._ctx is not None:
            self._lib.EVP_CIPHER_CTX_free(self._ctx)
            self._ctx = None

    def __del__(self) -> None:
        self._free()


class Cipher:
    """``Cipher(algorithms.AES(key), modes.CBC(iv), backend)``: the one combination."""

    def __init__(self, algorithm: AES, mode: CBC, backend: object = None) -> None:
        if not isinstance(algorithm, AES) or not isinstance(mode, CBC):
            raise TypeError("only AES in CBC mode is available in this build")
        self.algorithm, self.mode = algorithm, mode

    def encryptor(self) -> _CipherContext:
        return _CipherContext(self.algorithm.key, self.mode.initialization_vector, True)

    def decryptor(self) -> _CipherContext:
        return _CipherContext(self.algorithm.key, self.mode.initialization_vector, False)


def default_backend() -> object:
    return None  # cryptography's own has been a no-op since its version 3.1


def modules() -> dict[str, types.ModuleType]:
    """The ``cryptography`` modules secretstorage imports, made of the classes above."""
    made: dict[str, types.ModuleType] = {}
    contents: dict[str, dict[str, Any]] = {
        "cryptography": {},
        "cryptography.hazmat": {},
        "cryptography.hazmat.backends": {"default_backend": default_backend},
        "cryptography.hazmat.primitives": {},
        "cryptography.hazmat.primitives.ciphers": {"Cipher": Cipher},
        "cryptography.hazmat.primitives.ciphers.algorithms": {"AES": AES},
        "cryptography.hazmat.primitives.ciphers.modes": {"CBC": CBC},
    }
    for name, attributes in contents.items():
        module = types.ModuleType(name, "AES-CBC from OpenSSL (luma_desktop.bundle_aes)")
        module.__path__ = []  # a package, whose other submodules do not exist
        module.__dict__.update(attributes)
        made[name] = module
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(made[parent], child, module)
    return made


def install() -> None:
    """Serve the modules unless the real ``cryptography`` is importable (source)."""
    try:
        import cryptography  # noqa: F401
    except ImportError:
        sys.modules.update(modules())


# NIST SP 800-38A, F.2.1 (CBC-AES128.Encrypt), first two blocks.
KNOWN_KEY = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
KNOWN_IV = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
KNOWN_PLAIN = bytes.fromhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
KNOWN_CIPHER = bytes.fromhex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")


def keychain_cipher_problem() -> str | None:
    """Why secretstorage could not encrypt a secret here (None when it can): it imports,
    and the cipher it imports gives the standard's answer both ways."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import secretstorage  # noqa: F401 - keyring's Secret Service backend needs it
        from cryptography.hazmat.backends import default_backend as backend
        from cryptography.hazmat.primitives.ciphers import Cipher as Made
        from cryptography.hazmat.primitives.ciphers import algorithms, modes
    except ImportError as exc:
        return f"secretstorage cannot load: {exc}"
    cipher = Made(algorithms.AES(KNOWN_KEY), modes.CBC(KNOWN_IV), backend())
    encryptor, decryptor = cipher.encryptor(), cipher.decryptor()
    if encryptor.update(KNOWN_PLAIN) + encryptor.finalize() != KNOWN_CIPHER:
        return "AES-CBC encrypts wrongly"
    if decryptor.update(KNOWN_CIPHER) + decryptor.finalize() != KNOWN_PLAIN:
        return "AES-CBC decrypts wrongly"
    return None
