"""A real HTTP server on 127.0.0.1 for tests: static portals plus programmable routes.

Tests crawl this server with the real crawler; nothing is mocked. A route is either a
``Response`` (served as is) or a callable ``(handler) -> Response | None`` for
behaviour that changes between calls (429 then 200, a hanging socket, a 50 MB stream).
"""

from __future__ import annotations

import mimetypes
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlsplit


@dataclass
class Response:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    stream: Callable[[], Iterable[bytes]] | None = None  # chunks, for huge bodies
    delay: float = 0.0  # seconds to wait before answering (a hanging site)

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Route = Response | Callable[["Handler"], "Response | None"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        site: LocalSite = self.server.site
        site.record(self.command, self.path)
        resp = site.resolve(self)
        if resp is None:
            resp = Response("<html><head><title>404 Not Found</title></head><body>Not Found</body></html>",
                            status=404)
        if resp.delay:
            time.sleep(resp.delay)
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            for k, v in resp.headers.items():
                self.send_header(k, v)
            if resp.stream is not None:
                self.send_header("Connection", "close")
                self.end_headers()
                if not head:
                    for chunk in resp.stream():
                        self.wfile.write(chunk)
                self.close_connection = True
                return
            body = resp.payload()
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: "LocalSite"


class LocalSite:
    """A running server: ``routes`` by path (with query), then files under ``root``."""

    def __init__(self, root: Path | None = None, routes: dict[str, Route] | None = None,
                 host: str = "127.0.0.1") -> None:
        self.root = root
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self.httpd = _Server((host, 0), Handler)
        self.httpd.site = self
        self.port = self.httpd.server_address[1]
        self.url = f"http://{host}:{self.port}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def record(self, method: str, path: str) -> None:
        with self._lock:
            self.requests.append((method, path))

    def hits(self, path: str, method: str | None = None) -> int:
        return sum(1 for m, p in self.requests if p == path and (method is None or m == method))

    def resolve(self, handler: Handler) -> Response | None:
        path = handler.path
        route = self.routes.get(path) or self.routes.get(urlsplit(path).path)
        if route is not None:
            return route(handler) if callable(route) else route
        if self.root is not None:
            rel = urlsplit(path).path.lstrip("/")
            target = (self.root / rel) if rel else self.root
            if target.is_dir():
                target = target / "index.html"
            try:
                target.resolve().relative_to(self.root.resolve())
            except ValueError:
                return None
            if target.is_file():
                ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                if ctype.startswith("text/html"):
                    ctype = "text/html; charset=utf-8"
                return Response(target.read_bytes(), content_type=ctype)
        return None

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
