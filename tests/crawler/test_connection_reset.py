"""A server that accepts the connection and resets it: the link is dead as "connection lost", not "error"."""

from __future__ import annotations

import errno
import socket
import struct
import threading

import pytest
from httpserver import Response
from twisted.internet.error import ConnectError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from portalwatch.crawler.linkcheck import failure_reason


def resetting_server(read_request: bool):
    """A TCP server on 127.0.0.1 that resets each connection (SO_LINGER 0), at once or after reading the request."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                if read_request:
                    try:
                        conn.recv(65536)
                    except OSError:
                        pass
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener, stop, thread


def test_reset_connection_is_reported_as_connection_lost(serve, audit):
    listener, stop, thread = resetting_server(read_request=False)
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/file.pdf"
    try:
        home = ("<html><head><title>某某镇人民政府</title></head><body><a href='/news/'>工作动态</a>"
                f"<a href='{target}'>附件下载</a><p>2026-11-19</p></body></html>")
        site = serve(routes={"/": Response(home),
                             "/news/": Response("<html><title>工作动态</title><body>2026-11-18 会议</body></html>")})
        result = audit(site.url)
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    assert result.code == 0, result.stderr
    [dead] = [f for f in result.doc["findings"] if f["check"] == "dead_link"]
    assert dead["target"] == target
    assert dead["evidence"]["reason"] == "connection_lost", dead["evidence"]
    assert dead["evidence"]["reason_text"] == "连接中断" and "连接中断" in dead["message"]
    # a reset on accept reaches the client as a failed connect or as a lost connection, by timing
    assert dead["evidence"]["detail"].startswith(("连接被对方重置", "连接在传输中被对方中断")), dead["evidence"]


@pytest.mark.parametrize("exc", [
    ConnectError(osError=errno.ECONNRESET, string="Connection reset by peer"),
    ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
    ResponseNeverReceived([Failure(ConnectionResetError(errno.ECONNRESET, "reset"))]),
], ids=["connect-error-104", "connection-reset-error", "never-received-reset"])
def test_failure_reason_names_a_reset(exc):
    reason, detail = failure_reason(Failure(exc), None, "http://zhen.example.gov.cn/a.pdf")
    assert reason == "connection_lost" and detail.startswith("连接被对方重置")


def test_failure_reason_keeps_other_connect_errors_apart():
    assert failure_reason(Failure(ConnectError(osError=errno.EHOSTUNREACH, string="No route to host")), None,
                          "http://zhen.example.gov.cn/")[0] == "error"
