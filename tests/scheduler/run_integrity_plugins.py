"""Scrapy components that break on purpose, loaded by audits in tests/scheduler/test_run_integrity.py.

They stand for a bug in our own crawler code: the run must be ``failed``, never scored,
and never blamed on the site.
"""


class BrokenMiddleware:
    """A downloader middleware that raises on every response."""

    def process_response(self, request, response, spider=None):
        raise TypeError("broken middleware")


class BrokenExtension:
    """An extension that cannot start, so the crawler dies before its first request."""

    @classmethod
    def from_crawler(cls, crawler):
        raise RuntimeError("extension cannot start")
