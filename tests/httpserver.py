"""A real HTTP server on 127.0.0.1 for tests: static portals plus programmable routes.

Tests crawl this server with the real crawler; nothing is mocked. A route is either a
``Response`` (served as is) or a callable ``(handler) -> Response | None`` for
behaviour that changes between calls (429 then 200, a hanging socket, a 50 MB stream).

With ``validators`` ("both", "etag" or "last-modified") a 200 answer carries an ``ETag``
(a hash of the body) and/or ``Last-Modified`` (the file's modification time) and a matching
``If-None-Match`` / ``If-Modified-Since`` gets ``304 Not Modified``, as real web servers do.
Every answer is recorded in ``answers`` (method, path, status).
"""

from __future__ import annotations

import email.utils
import hashlib
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
    mtime: float | None = None  # when the content last changed (files: their modification time)

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
        resp = site.conditional(self, resp)
        site.answer(self.command, self.path, resp.status)
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
            body = resp.payload() if resp.status != 304 else b""
            if resp.status != 304:
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
                 host: str = "127.0.0.1", validators: str | None = None) -> None:
        self.root = root
        self.validators = validators  # None, "both", "etag", "last-modified"
        self.answers: list[tuple[str, str, int]] = []
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

    def answer(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.answers.append((method, path, status))

    def downloads(self, since: int = 0) -> int:
        """Answers other than 304 Not Modified, from ``answers[since:]``."""
        with self._lock:
            return sum(1 for _, _, status in self.answers[since:] if status != 304)

    def conditional(self, handler: "Handler", resp: Response) -> Response:
        """Add validators to a 200 answer and answer 304 when the request's match (RFC 9110 13.2.2)."""
        if not self.validators or resp.status != 200 or resp.stream is not None:
            return resp
        headers = dict(resp.headers)
        etag = last_modified = None
        if self.validators in ("both", "etag"):
            etag = '"%s"' % hashlib.sha1(resp.payload()).hexdigest()[:20]
            headers.setdefault("ETag", etag)
        if self.validators in ("both", "last-modified") and resp.mtime is not None:
            last_modified = email.utils.formatdate(resp.mtime, usegmt=True)
            headers.setdefault("Last-Modified", last_modified)
        unchanged = False
        inm = handler.headers.get("If-None-Match")
        ims = handler.headers.get("If-Modified-Since")
        if inm is not None:
            unchanged = etag is not None and etag in [t.strip() for t in inm.split(",")]
        elif ims is not None and resp.mtime is not None and last_modified is not None:
            try:
                unchanged = int(resp.mtime) <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                unchanged = False
        if unchanged:
            keep = {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}
            return Response(b"", status=304, content_type=resp.content_type, headers=keep)
        return Response(resp.body, status=resp.status, content_type=resp.content_type, headers=headers,
                        delay=0.0, mtime=resp.mtime)

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
                return Response(target.read_bytes(), content_type=ctype, mtime=target.stat().st_mtime)
        return None

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
