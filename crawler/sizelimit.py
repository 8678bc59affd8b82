"""Cut response bodies early: a 50 MB page must not be loaded whole.

Pages are read up to PORTALWATCH_MAX_PAGE_BYTES and then marked truncated; link-check
GETs read PORTALWATCH_PROBE_BYTES (``meta["pw_body_limit"]``) or only the headers
(``meta["pw_headers_only"]``). The response arrives with the flag ``download_stopped``.

A page that declares more than DOWNLOAD_MAXSIZE is still read up to the page limit (Scrapy
would cancel it, and a 2 GB homepage would look unreachable); a link target that does is
cancelled and judged unverifiable by the spider (see ``linkcheck.failure_reason``).
Compressed bodies are counted as they would inflate, and the download stops once that
passes the limit; they are then inflated only that far (crawler/decompress.py).
"""

from __future__ import annotations

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload

from portalwatch.crawler.decompress import DECODERS, InflatedSize


class BodySizeLimit:
    def __init__(self, page_limit: int) -> None:
        self.page_limit = page_limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BodySizeLimit":
        ext = cls(crawler.settings.getint("PORTALWATCH_MAX_PAGE_BYTES"))
        crawler.signals.connect(ext.headers_received, signal=signals.headers_received)
        crawler.signals.connect(ext.bytes_received, signal=signals.bytes_received)
        return ext

    def headers_received(self, headers, body_length, request: Request, spider: Spider) -> None:
        if request.meta.get("pw_headers_only"):
            raise StopDownload(fail=False)
        if "pw_body_limit" not in request.meta and "download_maxsize" not in request.meta:
            request.meta["download_maxsize"] = 0  # a page: bytes_received cuts it at the page limit
        encoding = headers.get(b"Content-Encoding", b"").strip().lower()
        request.meta.pop("pw_inflated", None)  # a retry starts over
        if encoding in DECODERS and request.method != "HEAD":
            request.meta["pw_inflated"] = InflatedSize(b"gzip" if encoding == b"x-gzip" else encoding)

    def bytes_received(self, data: bytes, request: Request, spider: Spider) -> None:
        seen = request.meta.get("pw_bytes", 0) + len(data)
        request.meta["pw_bytes"] = seen
        limit = request.meta.get("pw_body_limit", self.page_limit)
        inflated = request.meta.get("pw_inflated")
        if seen > limit or (inflated is not None and inflated.feed(data, limit) > limit):
            request.meta["pw_truncated"] = True
            raise StopDownload(fail=False)
