"""Verdicts on link targets: what an HTTP answer or a network failure means.

Dead: an answer that never gets past 1xx, 404/410 and other 4xx, 5xx after retries, DNS
failure, refused connection, timeout, redirect loop, a redirect to a non-HTTP address
(``ftp:``, ``file:``), a malformed address, soft 404. Unverifiable: 401/403/407/412/429/451
(and LinkedIn's 999) that never clear: a firewall, a login, a proxy or a legal block stands
between us and the target, which says nothing about the link itself. Everything else that
answers (2xx, and 3xx that were not followed, such as 304) is ok. A target too large to read (it
answered, but what it is could not be looked at) is unverifiable too. The README has the table.
"""

from __future__ import annotations

import errno
import re
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadFailedError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from scrapy.http import Response
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

# the vocabulary lives with the snapshot model (checks read it without Scrapy): re-exported here
from portalwatch.crawler.verdicts import (REASONS_ZH, UNVERIFIABLE, UNVERIFIABLE_REASONS, reason_text,  # noqa: F401
                                          verdict_for_failure, verdict_for_status)

REDIRECTS = frozenset({301, 302, 303, 307, 308})
HANDED_TO_APPS = frozenset({"mailto", "tel", "sms", "callto"})
NOT_WEB = frozenset({"ftp", "ftps", "sftp", "file", "javascript", "vbscript", "data", "about", "blob", "smb", "ws",
                     "wss", "gopher", "ldap", "chrome", "view-source"})
_SIZES = re.compile(r"(\d+) bytes which is larger than download max size \((\d+)\)")


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
    if _is_reset(exc):
        return "connection_lost", f"连接被对方重置（{detail}）"[:300]
    if isinstance(exc, IgnoreRequest) and "redirect" in str(exc):
        chain = list(redirect_urls or []) + [url]
        loop = len(set(chain)) < len(chain)
        return ("redirect_loop" if loop else "too_many_redirects"), " → ".join(chain[:6])
    if isinstance(exc, (ResponseFailed, ResponseNeverReceived, net.ConnectionLost, net.ConnectionDone,
                        ResponseDataLossError, DownloadFailedError)):
        if "SSL" in detail or "certificate" in detail:
            return "tls", detail
        return "connection_lost", f"连接在传输中被对方中断（{detail}）"[:300]
    if "SSL" in detail or "OpenSSL" in detail:
        return "tls", detail
    return "error", detail


def _is_reset(exc: BaseException) -> bool:
    """A TCP reset (RST), however wrapped: while connecting (``ConnectError`` errno 104),
    as a bare ``ConnectionResetError``, or among the failures of a lost response."""
    if isinstance(exc, ConnectionResetError) or "Connection reset" in str(exc):
        return True
    if isinstance(exc, net.ConnectError) and getattr(exc, "osError", None) == errno.ECONNRESET:
        return True
    return any(isinstance(f, Failure) and _is_reset(f.value) for f in getattr(exc, "reasons", None) or [])


def redirect_verdict(response: Response) -> tuple[str, str, str]:
    """(verdict, reason, Chinese detail) for a redirect Scrapy handed back unfollowed because
    it leaves the web; ("", "", "") for any other response.

    ``ftp:``/``file:``/``javascript:``/``data:``: no browser opens the target as a page, so
    the link is dead. ``mailto:``/``tel:``/``sms:``: the browser hands it to the mail or phone
    app, which works (like a ``mailto:`` link). Any other scheme is an app link
    (``weixin://``, ``itms-apps://``) that works on some phones: unverifiable, not dead.
    """
    if response.status not in REDIRECTS:
        return "", "", ""
    raw = response.headers.get(b"Location")
    if not raw:
        return "", "", ""
    location = raw.decode("utf-8", errors="replace").strip()
    try:
        scheme = urlsplit(urljoin(response.url, location)).scheme.lower()
    except ValueError:
        return "dead", "bad_redirect", f"跳转地址格式错误：{location[:200]}"
    if scheme in ("http", "https"):
        return "", "", ""
    if scheme in HANDED_TO_APPS:
        return "ok", "", ""
    if scheme in NOT_WEB:
        return "dead", "bad_redirect", f"{scheme}: 地址 {location[:200]}"
    return "unverifiable", "app_redirect", f"{scheme}: 地址 {location[:200]}"


def too_large_detail(message: str) -> str:
    """Chinese detail from Scrapy's "... N bytes which is larger than download max size (M) ..."."""
    m = _SIZES.search(message)
    if m:
        size, limit = (int(n) / 1048576 for n in m.groups())
        return f"对方声明内容大小为 {size:.0f} MB，超过读取上限 {limit:.0f} MB，未读取内容，无法核实该链接是否有效"
    return "内容过大，超过读取上限，未读取内容，无法核实该链接是否有效"
