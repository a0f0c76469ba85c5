"""The AI/ML API gateway's Luma routes: an async httpx client, typed errors, tolerant parsing.

No Qt here: usable from a plain ``asyncio.run`` script.
"""

from luma_desktop.api.client import GatewayClient
from luma_desktop.api.errors import ApiError, ErrorKind
from luma_desktop.api.models import Generation, State

__all__ = ["ApiError", "ErrorKind", "GatewayClient", "Generation", "State"]
