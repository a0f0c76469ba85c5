"""A local simulator of the AI/ML API gateway's Luma routes (demo mode and tests).

Independent of the app's own client code (no Qt, no luma_desktop.api/core), so a
misreading of the contract shared by both sides is not silently agreed upon.
"""

from luma_desktop.sim.config import SimConfig
from luma_desktop.sim.faults import Faults
from luma_desktop.sim.server import SimServer
from luma_desktop.sim.video import clips_dir

__all__ = ["Faults", "SimConfig", "SimServer", "clips_dir"]
