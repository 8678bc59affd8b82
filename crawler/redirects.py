"""Redirects that leave the web are not followed: the spider judges them.

A 3xx whose Location is ``ftp:``, ``file:``, ``mailto:`` ... is handed to the spider
unfollowed (``linkcheck.redirect_verdict``); left to Scrapy, a ``mailto:`` Location raised
ValueError and the link became a vague "error".
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy.http import Request, Response

from portalwatch.crawler.linkcheck import REDIRECTS


class OffWebRedirect:
    """Runs before Scrapy's RedirectMiddleware: a Location that is not http(s) is not followed."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location") if response.status in REDIRECTS else None
        if location:
            try:
                scheme = urlsplit(urljoin(response.url, location.decode("utf-8", errors="replace").strip())).scheme
            except ValueError:
                scheme = ""
            if scheme.lower() not in ("http", "https"):
                request.meta["dont_redirect"] = True
        return response
