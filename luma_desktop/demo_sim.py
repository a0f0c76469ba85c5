"""Demo mode's simulator, listening at once and serving soon after.

Loading the simulator (aiohttp and the server, ~0.3 s of imports) used to come before
the window could show. Binding its two ports is cheap, so the studio binds them when
it opens: the engine knows the simulator's address at once, and a request made before
it serves waits in the socket's backlog, then is answered. ``start_soon`` loads and
starts the server on a worker thread, called by the app after the window's first
paint; ``server`` (what tests read) starts it here and now if nobody has yet.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from typing import TYPE_CHECKING, Any

from luma_desktop.sim.config import SimConfig
from luma_desktop.sim.sockets import listen, url

if TYPE_CHECKING:
    from luma_desktop.sim.server import SimServer

_START_TIMEOUT = 30.0


class DemoSimulator:
    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self._sockets = (listen(config.host, config.port), listen(config.host, config.video_port))
        self.base_url = url(config.host, self._sockets[0])
        self.video_base_url = url(config.host, self._sockets[1])
        self._server: SimServer | None = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._started = threading.Event()
        self._starter: threading.Thread | None = None
        self._stopped = False

    def start_soon(self) -> None:
        """Load and start the server on a worker thread (the GUI thread goes on)."""
        with self._lock:
            if self._starter is None and not self._stopped:
                self._starter = threading.Thread(target=self._start, name="luma-sim-start")
                self._starter.start()

    @property
    def server(self) -> SimServer:
        """The running server, started now (on this thread) if nobody started it yet."""
        self.start_soon()
        if not self._started.wait(_START_TIMEOUT) or self._server is None:
            raise RuntimeError("the demo simulator did not start") from self._error
        return self._server

    def _start(self) -> None:
        try:
            from luma_desktop.sim.server import SimServer  # the heavy part, off the GUI thread

            server = SimServer(self.config)
            self._server = server.start(self._sockets)
        except BaseException as exc:  # noqa: BLE001 - said by ``server`` to whoever asks
            self._error = exc
            for sock in self._sockets:
                sock.close()
        finally:
            self._started.set()

    def stop(self) -> None:
        """Stop serving (waiting for a start under way); safe to call more than once."""
        with self._lock:
            self._stopped = True
            starter = self._starter
        if starter is not None:
            starter.join()
        if self._server is not None:
            self._server.stop()
        elif starter is None:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    # -- what the studio and tests read (DemoGateway) -------------------------------------

    @property
    def counts(self) -> Counter[str]:
        return self.server.counts

    @property
    def received_bodies(self) -> list[Any]:
        return self.server.received_bodies
