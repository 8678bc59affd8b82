"""Which URLs belong to the audited site, which are worth crawling, and which are traps.

The site is the start URL's host and its ``www.`` twin on the same port. A trap is a
URL space that never ends: an infinite calendar (``?date=`` one day further on every
page), a path that repeats itself, a URL that keeps growing. Traps are skipped and
reported, never followed forever.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import parse_qsl, urlsplit

from w3lib.url import canonicalize_url

BINARY_EXT = frozenset("""
pdf doc docx xls xlsx ppt pptx wps et dps ofd zip rar 7z gz tar bz2 txt csv xml json rtf
jpg jpeg png gif bmp webp svg ico tif tiff mp3 mp4 avi flv wmv mov mkv wav swf apk exe msi dmg iso
css js woff woff2 ttf eot
""".split())
CALENDAR_KEYS = re.compile(r"^(date|day|year|month|ym|ymd|time|riqi|rq|calendar|d|y|m)$", re.I)
DATE_VALUE = re.compile(r"^\d{4}([-/.]?\d{1,2}){0,2}$")


def host_key(host: str | None) -> str:
    return (host or "").lower().removeprefix("www.")


def url_key(url: str) -> str:
    """Deduplication key: canonical form without fragment."""
    return canonicalize_url(url, keep_fragments=False)


def extension(url: str) -> str:
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


class SiteScope:
    def __init__(self, start_url: str) -> None:
        parts = urlsplit(start_url)
        self.scheme = parts.scheme
        self.host = host_key(parts.hostname)
        self.port = parts.port

    def is_internal(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if host_key(parts.hostname) != self.host:
            return False
        if self.port is not None or parts.port is not None:
            return (parts.port or _default_port(parts.scheme)) == (self.port or _default_port(self.scheme))
        return True

    @staticmethod
    def is_binary(url: str) -> bool:
        return extension(url) in BINARY_EXT


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


class TrapGuard:
    """Counts URL variants and says when a URL looks like part of an endless space."""

    def __init__(self, max_url_length: int = 512, max_query_variants: int = 100,
                 max_calendar_variants: int = 24, max_depth: int = 40) -> None:
        self.max_url_length = max_url_length
        self.max_query_variants = max_query_variants
        self.max_calendar_variants = max_calendar_variants
        self.max_depth = max_depth
        self._variants: dict[str, int] = defaultdict(int)

    def check(self, url: str, depth: int) -> str:
        """Return a reason to skip ("" to crawl). Counts the URL when it passes."""
        if len(url) > self.max_url_length:
            return "url_too_long"
        if depth > self.max_depth:
            return "too_deep"
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) >= 6 and len(set(segments)) <= len(segments) // 2:
            return "repeating_path"
        if parts.query:
            query = parse_qsl(parts.query, keep_blank_values=True)
            calendar = any(CALENDAR_KEYS.match(k) or DATE_VALUE.match(v) for k, v in query)
            limit = self.max_calendar_variants if calendar else self.max_query_variants
            key = parts.path + ("#cal" if calendar else "")
            if self._variants[key] >= limit:
                return "calendar_trap" if calendar else "query_trap"
            self._variants[key] += 1
        return ""
