"""The bundle's AES-CBC for secretstorage (luma_desktop/bundle_aes.py): the standard's
answers, the same bytes as ``cryptography`` itself, and secretstorage encrypting a
secret through it as it would in the bundle."""

from __future__ import annotations

import importlib
import os
import sys

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher as RealCipher
from cryptography.hazmat.primitives.ciphers import algorithms, modes

from luma_desktop import bundle_aes


def _encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    enc = bundle_aes.Cipher(bundle_aes.AES(key), bundle_aes.CBC(iv)).encryptor()
    return enc.update(data[:7]) + enc.update(data[7:]) + enc.finalize()


def test_the_standards_known_answer_both_ways() -> None:
    assert _encrypt(bundle_aes.KNOWN_KEY, bundle_aes.KNOWN_IV, bundle_aes.KNOWN_PLAIN) == (
        bundle_aes.KNOWN_CIPHER
    )
    cipher = bundle_aes.Cipher(
        bundle_aes.AES(bundle_aes.KNOWN_KEY), bundle_aes.CBC(bundle_aes.KNOWN_IV)
    )
    dec = cipher.decryptor()
    assert dec.update(bundle_aes.KNOWN_CIPHER) + dec.finalize() == bundle_aes.KNOWN_PLAIN


@pytest.mark.parametrize("key_size", [16, 24, 32])
def test_the_same_bytes_as_cryptography(key_size: int) -> None:
    key, iv, data = os.urandom(key_size), os.urandom(16), os.urandom(16 * 5)
    real = RealCipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    assert _encrypt(key, iv, data) == real.update(data) + real.finalize()


def test_a_partial_block_and_bad_sizes_are_refused() -> None:
    enc = bundle_aes.Cipher(bundle_aes.AES(bytes(16)), bundle_aes.CBC(bytes(16))).encryptor()
    enc.update(b"not a whole block")
    with pytest.raises(ValueError, match="multiple of the block length"):
        enc.finalize()
    with pytest.raises(ValueError, match="key size"):
        bundle_aes.AES(bytes(10))
    with pytest.raises(ValueError, match="IV size"):
        bundle_aes.CBC(bytes(8))


def test_secretstorage_encrypts_through_it_without_cryptography(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As in the bundle: no cryptography, the served modules instead, secretstorage
    # imported afresh (monkeypatch puts the real modules back afterwards).
    for name in [n for n in sys.modules if n.split(".")[0] in ("cryptography", "secretstorage")]:
        monkeypatch.delitem(sys.modules, name)
    for name, module in bundle_aes.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    util = importlib.import_module("secretstorage.util")
    session = importlib.import_module("secretstorage.dhcrypto").Session()
    session.object_path, session.encrypted, session.aes_key = "/s/1", True, os.urandom(16)

    _, iv, sealed, _ = util.format_secret(session, "sk-test-key", "text/plain")

    real = RealCipher(algorithms.AES(session.aes_key), modes.CBC(iv)).decryptor()
    padded = real.update(sealed) + real.finalize()
    assert padded[: -padded[-1]] == b"sk-test-key"
    assert bundle_aes.keychain_cipher_problem() is None


def test_install_leaves_a_real_cryptography_alone() -> None:
    before = sys.modules.get("cryptography")
    bundle_aes.install()
    assert sys.modules.get("cryptography") is before
