"""The AI/ML API gateway's Luma routes: an async httpx client, typed errors, tolerant parsing.

No Qt here: usable from a plain ``asyncio.run`` script.
"""

import sys

# httpx loads its command-line client (click, rich, pygments: 0.1-0.3 s) whenever they
# happen to be installed; the app never runs it. Marked absent, httpx skips it and
# defines a stub ``httpx.main`` instead (its own fallback for a missing CLI extra).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

from typing import TYPE_CHECKING  # noqa: E402

from luma_desktop.api.errors import ApiError, ErrorKind  # noqa: E402 (after the marker above)
from luma_desktop.api.models import Generation, State  # noqa: E402

if TYPE_CHECKING:
    from luma_desktop.api.client import GatewayClient

__all__ = ["ApiError", "ErrorKind", "GatewayClient", "Generation", "State"]


def __getattr__(name: str) -> object:
    # The HTTP stack (httpx, httpcore, h11, truststore: ~60 ms) loads when a client is
    # first made, after the window's first paint: importing the package's errors and
    # models does not load it.
    if name == "GatewayClient":
        from luma_desktop.api.client import GatewayClient

        return GatewayClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
