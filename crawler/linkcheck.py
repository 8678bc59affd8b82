"""Verdicts on link targets: what an HTTP answer or a network failure means.

Dead: 404/410 and other 4xx, 5xx after retries, DNS failure, refused connection,
timeout, redirect loop, soft 404. Unverifiable: 401/403/412/429 that never clears (a
WAF protecting the site is not a broken link), and a target too large to read (it answered,
but what it is could not be looked at). Everything else that answers is ok.
"""

from __future__ import annotations

import re

from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadFailedError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

UNVERIFIABLE = frozenset({401, 403, 407, 412, 429, 451, 999})

REASONS_ZH = {
    "dns": "域名无法解析", "refused": "连接被拒绝", "timeout": "连接超时", "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多", "connection_lost": "连接中断", "tls": "证书或加密连接错误",
    "error": "无法访问", "too_large": "内容过大，未读取",
}
UNVERIFIABLE_REASONS = frozenset({"too_large"})  # failures that say nothing against the link
_SIZES = re.compile(r"(\d+) bytes which is larger than download max size \((\d+)\)")


def verdict_for_status(status: int) -> str:
    if status < 400:
        return "ok"
    if status in UNVERIFIABLE:
        return "unverifiable"
    return "dead"


def failure_reason(failure: Failure, redirect_urls: list[str] | None, url: str) -> tuple[str, str]:
    """(machine reason, detail) for a request that got no usable answer."""
    exc = failure.value
    detail = f"{type(exc).__name__}: {exc}"[:300]
    if isinstance(exc, DownloadCancelledError):  # the declared size is beyond DOWNLOAD_MAXSIZE
        return "too_large", too_large_detail(str(exc))
    if isinstance(exc, (net.DNSLookupError, CannotResolveHostError)):
        return "dns", detail
    if isinstance(exc, (net.ConnectionRefusedError, DownloadConnectionRefusedError)):
        return "refused", detail
    if isinstance(exc, (net.TimeoutError, net.TCPTimedOutError, DownloadTimeoutError)):
        return "timeout", detail
    if isinstance(exc, IgnoreRequest) and "redirect" in str(exc):
        chain = list(redirect_urls or []) + [url]
        loop = len(set(chain)) < len(chain)
        return ("redirect_loop" if loop else "too_many_redirects"), " → ".join(chain[:6])
    if isinstance(exc, (ResponseFailed, ResponseNeverReceived, net.ConnectionLost, net.ConnectionDone,
                        ResponseDataLossError, DownloadFailedError)):
        if "SSL" in detail or "certificate" in detail:
            return "tls", detail
        return "connection_lost", detail
    if "SSL" in detail or "OpenSSL" in detail:
        return "tls", detail
    return "error", detail


def too_large_detail(message: str) -> str:
    """Chinese detail from Scrapy's "... N bytes which is larger than download max size (M) ..."."""
    m = _SIZES.search(message)
    if m:
        size, limit = (int(n) / 1048576 for n in m.groups())
        return f"对方声明内容大小为 {size:.0f} MB，超过读取上限 {limit:.0f} MB，未读取内容，无法核实该链接是否有效"
    return "内容过大，超过读取上限，未读取内容，无法核实该链接是否有效"


def verdict_for_failure(reason: str) -> str:
    """``unverifiable`` for failures that are not the link's fault, else ``dead``."""
    return "unverifiable" if reason in UNVERIFIABLE_REASONS else "dead"


def reason_text(reason: str, status: int | None) -> str:
    """The reason in Chinese, for messages and evidence."""
    if reason.startswith("http_") and status:
        return f"HTTP {status}"
    if reason.startswith("soft404"):
        return "页面实际不存在（软 404）"
    return REASONS_ZH.get(reason, reason)
