"""A local simulator of the AI/ML API gateway's Luma routes (demo mode and tests).

Both routes: the Luma route and the unified video route, with the request log and
the balance. Independent of the app's own client code (no Qt, no luma_desktop.api,
nothing of core but the model catalogue and its rules, which are pure data), so a
misreading of the contract shared by both sides is not silently agreed upon.
"""

from luma_desktop.sim.config import SimConfig
from luma_desktop.sim.faults import Faults
from luma_desktop.sim.server import SimServer
from luma_desktop.sim.video import clips_dir

__all__ = ["Faults", "SimConfig", "SimServer", "clips_dir"]
