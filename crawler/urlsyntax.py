"""Is a link address one a browser can open at all? (WHATWG URL parsing, the parts that matter.)

A browser refuses to navigate to ``http://localhost]``, ``http://``, ``http://exa mple.com/``
or ``http://host:99999/``: the host is empty or holds a forbidden character, or the port is
out of range. Such a link is as dead for a citizen as a 404, but it must never reach the
downloader (it raises there, and used to abort every later link of the page). What a
browser repairs silently is not an error: surrounding whitespace and tabs/newlines are
dropped, and a space inside the path or query is percent-encoded.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import unquote

_ABSOLUTE = re.compile(r"^(https?)://([^/?#\\]*)", re.I | re.S)
_FORBIDDEN_HOST = frozenset("#%/:<>?@[\\]^|\x7f") | frozenset(chr(c) for c in range(0x21))
# "ht!tp://x": a scheme with a character no scheme may hold; browsers would read it as a
# relative path, which is never what the author meant.
_BAD_SCHEME = re.compile(r"^[^/?#:]*[^A-Za-z0-9+.\-/?#:][^/?#:]*://")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _char_name(ch: str) -> str:
    return "空格" if ch.isspace() else f"“{ch}”"


@lru_cache(maxsize=32768)
def url_problem(url: str) -> str:
    """Why a browser could not open ``url`` (Chinese, for evidence), or "" when it can.

    ``url`` is what the link extractor recorded: an absolute http(s) URL, or the cleaned
    href itself when it could not be resolved (which therefore fails here).
    """
    m = _ABSOLUTE.match(url)
    if m is None:
        if _BAD_SCHEME.match(url) or not _SCHEME.match(url):
            return "协议名无效"
        return "不是有效的 http/https 地址"
    authority = m.group(2).rsplit("@", 1)[-1]
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            return "IPv6 地址缺少“]”"
        try:
            ipaddress.IPv6Address(authority[1:close])
        except ValueError:
            return "IPv6 地址无效"
        host, rest = authority[: close + 1], authority[close + 1:]
        if rest and not rest.startswith(":"):
            return f"主机名后有多余字符{_char_name(rest[0])}"
        port = rest[1:]
    else:
        host, _, port = authority.partition(":")
        if not host:
            return "缺少主机名"
        decoded = unquote(host) if "%" in host else host
        for ch in decoded:
            if ch in _FORBIDDEN_HOST or ch.isspace():
                return f"主机名含非法字符{_char_name(ch)}"
    if port and (not port.isdigit() or int(port) > 65535):
        return f"端口号“{port[:20]}”无效"
    return ""


def bad_scheme(href: str) -> bool:
    """True for an href that meant to be absolute but misspelt its scheme (``ht!tp://x``)."""
    return bool(_BAD_SCHEME.match(href))
