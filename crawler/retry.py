"""Retries with exponential backoff and Retry-After, for 5xx, 429 and network errors.

Scrapy's own RetryMiddleware retries at once; a government server that is briefly
overloaded, or a WAF answering 429, needs the client to wait. The wait happens inside
the middleware (asyncio sleep), so other requests keep flowing meanwhile.
"""

from __future__ import annotations

import asyncio
import email.utils
import time

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response


def retry_after_seconds(value: bytes | None, cap: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return min(float(text), cap)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), cap))


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.base = crawler.settings.getfloat("PORTALWATCH_RETRY_BACKOFF")
        self.cap = crawler.settings.getfloat("PORTALWATCH_RETRY_BACKOFF_MAX")
        self.after_cap = crawler.settings.getfloat("PORTALWATCH_RETRY_AFTER_MAX")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BackoffRetryMiddleware":
        return cls(crawler)

    def _wait(self, request: Request, response: Response | None) -> float:
        tries = request.meta.get("retry_times", 0)
        wait = min(self.base * (2 ** tries), self.cap)
        if response is not None:
            after = retry_after_seconds(response.headers.get(b"Retry-After"), self.after_cap)
            if after is not None:
                wait = max(wait, after)
        return wait

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"http_{response.status}")
        if retry is None:
            return response
        await asyncio.sleep(self._wait(request, response))
        return retry

    async def process_exception(self, request: Request, exception: Exception,
                                spider: Spider | None = None) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await asyncio.sleep(self._wait(request, None))
        return retry
