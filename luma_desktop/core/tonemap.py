"""HDR (PQ, HLG) code values to SDR, for thumbnails: one lookup table per transfer.

swscale converts 10-bit BT.2020 frames to 8-bit RGB but knows nothing of HDR transfer
functions, so a PQ or HLG frame comes out as its code values: flat and dim. Thumbnails
are small, so a per-channel table is enough: code value → display light (PQ: SMPTE
ST 2084; HLG: BT.2100's inverse OETF and a 1.2 system gamma at 1000 nits) → Reinhard
with HDR reference white (203 nits, BT.2408) at 1.0 and 1000 nits as white → sRGB.
The BT.2020 → BT.709 primaries step is left out: thumbnails come out a little less
saturated than the clip, never wrongly bright or dark. The player is Qt's to tone-map.
"""

from __future__ import annotations

import math
from functools import cache

REFERENCE_WHITE = 203.0  # nits: HDR graphics white, shown as SDR's diffuse white
PEAK = 1000.0  # nits mapped to SDR's full white

_M1, _M2 = 2610 / 16384, 2523 / 4096 * 128
_C1, _C2, _C3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
_A, _B = 0.17883277, 0.28466892
_C = 0.5 - _A * math.log(4 * _A)


def pq_nits(code: float) -> float:
    """SMPTE ST 2084: a code value in [0, 1] to display light in nits."""
    p: float = code ** (1 / _M2)
    nits: float = 10000.0 * (max(p - _C1, 0.0) / (_C2 - _C3 * p)) ** (1 / _M1)
    return nits


def hlg_nits(code: float) -> float:
    """BT.2100 HLG: a code value in [0, 1] to display light on a 1000-nit display."""
    scene = code * code / 3 if code <= 0.5 else (math.exp((code - _C) / _A) + _B) / 12
    nits: float = PEAK * scene**1.2
    return nits


def _srgb(linear: float) -> float:
    v = min(max(linear, 0.0), 1.0)
    return 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055


def _sdr(nits: float) -> float:
    x, white = nits / REFERENCE_WHITE, PEAK / REFERENCE_WHITE
    return x * (1 + x / (white * white)) / (1 + x)  # extended Reinhard: PEAK → 1.0


@cache
def table(transfer: str) -> bytes:
    """The 256-entry table of 8-bit code values for ``transfer`` ("PQ" or "HLG")."""
    to_nits = pq_nits if transfer == "PQ" else hlg_nits
    return bytes(round(255 * _srgb(_sdr(to_nits(v / 255)))) for v in range(256))


def tone_map(rgb: bytes, transfer: str) -> bytes:
    """Packed 8-bit RGB of an HDR frame, as SDR (unchanged for other transfers)."""
    return rgb.translate(table(transfer)) if transfer in ("PQ", "HLG") else rgb
