"""A local simulator of the AI/ML API gateway's Luma routes (demo mode and tests).

Both routes: the Luma route and the unified video route, with the request log and
the balance. Independent of the app's own client code (no Qt, no luma_desktop.api,
nothing of core but the model catalogue and its rules, which are pure data), so a
misreading of the contract shared by both sides is not silently agreed upon.

Names are loaded when first used: importing the package (or its light parts, the
config and the sockets) does not load the server and aiohttp, which the app's
start-up would otherwise pay for before its window shows.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from luma_desktop.sim.config import SimConfig
    from luma_desktop.sim.faults import Faults
    from luma_desktop.sim.server import SimServer
    from luma_desktop.sim.video import clips_dir

__all__ = ["Faults", "SimConfig", "SimServer", "clips_dir"]

_WHERE = {
    "Faults": "luma_desktop.sim.faults",
    "SimConfig": "luma_desktop.sim.config",
    "SimServer": "luma_desktop.sim.server",
    "clips_dir": "luma_desktop.sim.video",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
