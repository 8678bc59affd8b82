"""Decompress response bodies only up to the body limit: a gzip bomb costs a few MB, not GBs.

Scrapy's HttpCompressionMiddleware inflates up to DOWNLOAD_MAXSIZE (64 MB) into a growing
buffer and then drops the response; 64 pages linking to a 10 GB gzip stream took 4.5 GB.
Here each encoding is inflated incrementally with a hard output bound: the page limit
(PORTALWATCH_MAX_PAGE_BYTES) or the request's ``pw_body_limit`` (PORTALWATCH_PROBE_BYTES
for link checks). What lies beyond is never produced; the response keeps the first
``limit`` bytes and is marked ``pw_truncated`` like any other page that was too large.
A stream cut short by the size limit (the download stops mid-body) yields what it held.
"""

from __future__ import annotations

import zlib
from typing import Any, Callable

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.responsetypes import responsetypes

CHUNK = 64 * 1024

try:
    import brotli
except ImportError:  # pragma: no cover - Scrapy itself requires brotli or brotlicffi
    import brotlicffi as brotli

try:
    from backports import zstd
except ImportError:  # pragma: no cover - Python 3.14 ships it
    from compression import zstd  # type: ignore[no-redef]


def _zlib(data: bytes, limit: int, wbits: int) -> tuple[bytes, bytes]:
    """Inflate at most ``limit`` bytes of zlib or raw-deflate data; returns (output, data after it).

    The input is fed in slices, so garbage at the end loses only the last slice's output.
    """
    out: list[bytes] = []
    size = pos = 0
    d = zlib.decompressobj(wbits)
    while size < limit and not d.eof:
        if d.unconsumed_tail:
            piece = d.unconsumed_tail
        elif pos < len(data):
            piece, pos = data[pos:pos + CHUNK], pos + CHUNK
        else:
            break
        try:
            chunk = d.decompress(piece, limit - size)
        except zlib.error:
            if size:
                break
            raise
        out.append(chunk)
        size += len(chunk)
    return b"".join(out), (d.unused_data + data[pos:]) if d.eof else b""


def _gzip_header_end(data: bytes) -> int:
    """Offset of the deflate stream in a gzip member (RFC 1952), or ValueError."""
    if len(data) < 10 or data[:3] != b"\x1f\x8b\x08":
        raise ValueError("not gzip")
    flags, pos = data[3], 10
    if flags & 4:  # FEXTRA
        pos += 2 + int.from_bytes(data[pos:pos + 2], "little")
    for bit in (8, 16):  # FNAME, FCOMMENT: zero-terminated
        if flags & bit:
            pos = data.index(b"\0", pos) + 1
    return pos + (2 if flags & 2 else 0)  # FHCRC


def inflate_gzip(data: bytes, limit: int) -> bytes:
    """Gzip members as raw deflate: a bad CRC or a cut trailer still yields the page, as in browsers."""
    out: list[bytes] = []
    size = 0
    while size < limit and data[:2] == b"\x1f\x8b":
        chunk, data = _zlib(data[_gzip_header_end(data):], limit - size, -15)
        out.append(chunk)
        size += len(chunk)
        data = data[8:]  # CRC32 and ISIZE trailer; then maybe another member (rare, but legal)
    if not out:
        raise ValueError("not gzip")
    return b"".join(out)


def inflate_deflate(data: bytes, limit: int) -> bytes:
    try:
        return _zlib(data, limit, 15)[0]
    except zlib.error:  # raw deflate, as some Microsoft servers send it
        return _zlib(data, limit, -15)[0]


def inflate_brotli(data: bytes, limit: int) -> bytes:
    d = brotli.Decompressor()
    out: list[bytes] = []
    size = 0
    chunk = d.process(data, output_buffer_limit=min(CHUNK, limit))
    while chunk:
        out.append(chunk)
        size += len(chunk)
        if size >= limit or d.is_finished():
            break
        chunk = d.process(b"", output_buffer_limit=min(CHUNK, limit - size))
    body = b"".join(out)
    return body[:limit] if len(body) > limit else body  # the buffer limit is a hint, not a bound


def inflate_zstd(data: bytes, limit: int) -> bytes:
    d = zstd.ZstdDecompressor()
    try:
        return d.decompress(data, max_length=limit)
    except zstd.ZstdError:
        return b""


DECODERS: dict[bytes, Callable[[bytes, int], bytes]] = {
    b"gzip": inflate_gzip, b"x-gzip": inflate_gzip, b"deflate": inflate_deflate,
    b"br": inflate_brotli, b"zstd": inflate_zstd,
}


class BoundedDecompression(HttpCompressionMiddleware):
    """HttpCompressionMiddleware with the body limit as the bound on decompressed size."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler=crawler)
        self.page_limit = crawler.settings.getint("PORTALWATCH_MAX_PAGE_BYTES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BoundedDecompression":
        if not crawler.settings.getbool("COMPRESSION_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        counted = request.meta.pop("pw_inflated", None)  # the download's counter (sizelimit.py)
        encodings = response.headers.getlist("Content-Encoding")
        if request.method == "HEAD" or not encodings:
            return response
        limit = request.meta.get("pw_body_limit", self.page_limit)
        to_decode, to_keep = self._split_encodings(encodings)
        body = response.body
        try:
            for encoding in to_decode:
                body = DECODERS[encoding](body, limit)
        except (zlib.error, OSError, brotli.error, ValueError):
            return response  # not what it claims to be: leave it as sent, undecoded
        if len(body) >= limit and (counted is None or counted.broken or counted.size > limit):
            request.meta["pw_truncated"] = True  # the counter saw more than the limit: not "exactly the limit"
        if self.stats:
            self.stats.inc_value("httpcompression/response_bytes", len(body))
            self.stats.inc_value("httpcompression/response_count")
        if to_keep:
            self._warn_unknown_encoding(response, to_keep)
        response.headers["Content-Encoding"] = to_keep
        respcls = responsetypes.from_args(headers=response.headers, url=response.url, body=body)
        kwargs: dict[str, Any] = {"body": body}
        if issubclass(respcls, TextResponse):
            kwargs["encoding"] = None
        response = response.replace(cls=respcls, **kwargs)
        if not to_keep:
            del response.headers["Content-Encoding"]
        return response


class InflatedSize:
    """Counts what a compressed body inflates to while it downloads, output discarded.

    BodySizeLimit stops the download as soon as the inflated size passes the limit, so a
    bomb costs a few KB of transfer instead of the compressed limit (4 MB) per response.
    Counting never fails a download: on a decoding error it simply stops counting.
    """

    def __init__(self, encoding: bytes) -> None:
        self.encoding = encoding
        self.size = 0
        self.broken = False
        self._d: Any = self._new(encoding)

    @staticmethod
    def _new(encoding: bytes, raw: bool = False) -> Any:
        if encoding == b"br":
            return brotli.Decompressor()
        if encoding == b"zstd":
            return zstd.ZstdDecompressor()
        return zlib.decompressobj(-15 if raw else 47)  # 47: zlib or gzip header, auto-detected

    def feed(self, data: bytes, limit: int) -> int:
        """Add downloaded bytes; returns the inflated size so far (stops counting past ``limit``)."""
        if self.broken or self.size > limit:
            return self.size
        try:
            if self.encoding == b"br":
                chunk = self._d.process(data, output_buffer_limit=CHUNK)
                while chunk and self.size <= limit:
                    self.size += len(chunk)
                    chunk = self._d.process(b"", output_buffer_limit=CHUNK) if not self._d.is_finished() else b""
            elif self.encoding == b"zstd":
                self.size += len(self._d.decompress(data, max_length=limit + 1 - self.size))
            else:
                self._feed_zlib(data, limit)
        except (zlib.error, brotli.error, zstd.ZstdError, EOFError, ValueError):
            self.broken = True
        return self.size

    def _feed_zlib(self, data: bytes, limit: int) -> None:
        try:
            self.size += len(self._d.decompress(data, limit + 1 - self.size))
        except zlib.error:
            if self.size or self.encoding != b"deflate":
                raise
            self._d = self._new(self.encoding, raw=True)  # raw deflate, as some Microsoft servers send it
            self.size += len(self._d.decompress(data, limit + 1 - self.size))
