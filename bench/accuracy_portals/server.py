"""A threaded HTTP server on 127.0.0.1 for the accuracy benchmark (a copy of tests/httpserver.py's idea).

Routes are keyed by the request path *with* its query (``/show.asp?id=1234``), then by the
bare path; a route is a ``Response`` or a callable ``(handler) -> Response`` for answers
that depend on the method (405 to HEAD) or on the call. Unknown paths get ``fallback``
(a real 404 by default, a 200 "page not found" page on soft-404 portals).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import urlsplit


@dataclass
class Response:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Route = Response | Callable[["Handler"], Response]
NOT_FOUND = Response("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
                     status=404)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        srv = self.server.owner
        srv.hits += 1
        path = urlsplit(self.path).path
        route = (srv.routes.get(self.path) or srv.routes.get(path)
                 or (srv.routes.get(path + "index.html") if path.endswith("/") else None))
        resp = route or srv.fallback
        if callable(resp):
            resp = resp(self)
        try:
            body = resp.payload()
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    owner: "Server"


class Server:
    """One portal (or the shared "external" site) on its own port."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.fallback: Route = NOT_FOUND
        self.hits = 0
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port() -> int:
    """A port nothing listens on (bound, then released): links to it are refused."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
