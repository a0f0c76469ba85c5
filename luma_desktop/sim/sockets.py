"""The simulator's listening sockets, apart from the server (no aiohttp here).

Binding is cheap and importing the server is not (~0.3 s of aiohttp): demo mode binds
first, so the app knows the simulator's address at once, and serves later.
"""

from __future__ import annotations

import os
import socket


def listen(host: str, port: int) -> socket.socket:
    """A non-blocking listening socket; connections wait in its backlog until served."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    if os.name != "nt":  # on Windows SO_REUSEADDR would allow port stealing
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
