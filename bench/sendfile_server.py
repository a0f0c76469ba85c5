"""A minimal HTTP/1.1 file server for benches: ``socket.sendfile`` from the page cache.

It is what a CDN edge looks like from a client on the same machine: headers, then the
kernel copies the file to the socket (no Python per chunk), honouring ``Range`` so a
resumed download can be served. It records whether any request carried an
``Authorization`` header (a video link on another origin must never get the key) and
answers ``GET /_auth_seen`` with ``yes`` or ``no``.

    python bench/sendfile_server.py FILE    # prints ``base_url=http://127.0.0.1:PORT``
"""

from __future__ import annotations

import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a CDN
    path_served: Path
    auth_seen = False

    def log_message(self, format: str, *args: object) -> None:
        return  # quiet: the bench prints one line

    def do_GET(self) -> None:
        if "authorization" in (k.lower() for k in self.headers):
            Handler.auth_seen = True
        if self.path == "/_auth_seen":
            self._small(200, b"yes" if Handler.auth_seen else b"no")
            return
        size = self.path_served.stat().st_size
        start, end = 0, size - 1
        match = _RANGE.match(self.headers.get("Range", ""))
        if match:
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else size - 1
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.flush()
        with self.path_served.open("rb") as f:
            self.connection.sendfile(f, start, end - start + 1)

    def _small(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    Handler.path_served = Path(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"base_url=http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        os._exit(0)


if __name__ == "__main__":
    main()
