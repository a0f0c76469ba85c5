"""Which route a job goes to, and one client shape for both routes.

Automatic (the default) sends to the unified route, the one the gateway documents
today. A create answered 404 or 405 there means the route does not exist on that
gateway (nothing was created): the same request goes to the Luma route, and the
gateway address is remembered so later requests go there directly, across restarts
(:mod:`.route_memory`: forgotten after a week, or when the artist changes the route
setting). A model only one route serves goes there (ray-1-6: the Luma route; Ray
3.2: the unified route, no fallback).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from luma_desktop.api.errors import ApiError
from luma_desktop.api.models import Generation, State
from luma_desktop.core.catalogue import Route, RouteChoice
from luma_desktop.core.request import GenerationRequest
from luma_desktop.core.route_memory import RouteMemory

if TYPE_CHECKING:  # made when a job is sent or followed, after the window's first paint
    from luma_desktop.api.client import GatewayClient, Progress
    from luma_desktop.api.unified import UnifiedRoute

ROUTE_MISSING = frozenset({404, 405})


class RouteClient:
    """One route of one gateway: create, fetch one, download (both routes alike)."""

    def __init__(self, gateway: GatewayClient, route: Route) -> None:
        from luma_desktop.api.unified import UnifiedRoute  # the HTTP stack: loaded by now

        self.gateway = gateway
        self.route = route
        self._unified: UnifiedRoute | None = (
            UnifiedRoute(gateway) if route is Route.UNIFIED else None
        )

    async def create(self, body: dict[str, Any], request_id: str) -> Generation:
        if self._unified is not None:
            return await self._unified.create(body, request_id)
        return await self.gateway.create(body, request_id)

    async def get(self, generation_id: str, wanted: State | None = None) -> Generation:
        """The unified route never holds: ``wanted`` only matters on the Luma route."""
        if self._unified is not None:
            return await self._unified.get(generation_id)
        return await self.gateway.get(generation_id, wanted)

    async def download(self, url: str, dest: Path, progress: Progress | None = None) -> Path:
        return await self.gateway.download(url, dest, progress)


def job_route(value: str | None) -> Route:
    """A stored job's route; older rows (None) went to the Luma route."""
    return Route.UNIFIED if value == Route.UNIFIED.value else Route.LUMA


class RouteBook:
    """The route choice, and the gateways found without a unified route."""

    def __init__(
        self, choice: RouteChoice | str = RouteChoice.AUTO, memory: RouteMemory | None = None
    ) -> None:
        self._choice_value = RouteChoice(choice)
        self.memory = memory or RouteMemory()

    @property
    def choice(self) -> RouteChoice:
        return self._choice_value

    @choice.setter
    def choice(self, value: RouteChoice | str) -> None:
        """The artist's setting; a change forgets what was learnt (look again)."""
        value = RouteChoice(value)
        if value is not self._choice_value:
            self.memory.forget()
        self._choice_value = value

    def _choice(self, request: GenerationRequest) -> RouteChoice:
        return RouteChoice(request.route) if request.route else self.choice

    def first(self, request: GenerationRequest, base_url: str) -> Route:
        """Where ``request`` goes first at ``base_url``."""
        choice = self._choice(request)
        spec = request.spec
        if choice is RouteChoice.AUTO:
            if spec.served_on(Route.UNIFIED) and not self.memory.missing(base_url):
                return Route.UNIFIED
            return Route.LUMA if spec.served_on(Route.LUMA) else Route.UNIFIED
        return Route(choice.value)

    def fallback(
        self, request: GenerationRequest, base_url: str, route: Route, error: ApiError
    ) -> Route | None:
        """The Luma route when the unified one turned out to be missing, automatically."""
        if route is not Route.UNIFIED or error.status not in ROUTE_MISSING:
            return None
        if self._choice(request) is not RouteChoice.AUTO:
            return None
        self.memory.remember(base_url)
        return Route.LUMA if request.spec.served_on(Route.LUMA) else None

    def unified_missing(self, base_url: str) -> bool:
        return self.memory.missing(base_url)
