"""Redirects as a browser takes them: out of the web, and by ``<meta http-equiv=refresh>``.

A 3xx whose Location leaves the web (``ftp:``, ``file:``, ``mailto:``) is handed to the
spider unfollowed, which judges it (``linkcheck.redirect_verdict``); left to Scrapy, a
``mailto:`` Location raised ValueError and the link became a vague "error".

A meta refresh is a redirect when immediate, a page otherwise.

Scrapy's middleware treats every refresh below METAREFRESH_MAXDELAY as a redirect and never
hands the page itself to the spider, so a page that refreshes after 5 seconds lost all its
links. Here only an immediate refresh (under METAREFRESH_MAXDELAY, 1 s by default) is a
redirect; a delayed one is read as a page, and its target is an ordinary link (followed
and checked by the spider). The homepage is the exception: a portal's splash page that
forwards after a few seconds is not the homepage a citizen ends up on, so for the start
URL a refresh up to PORTALWATCH_HOME_REFRESH_MAX_DELAY seconds is still followed.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

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


class PageMetaRefresh(MetaRefreshMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self._page_maxdelay = self._maxdelay
        self._home_maxdelay = settings.getfloat("PORTALWATCH_HOME_REFRESH_MAX_DELAY")

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        self._maxdelay = self._home_maxdelay if request.meta.get("pw_home") else self._page_maxdelay
        return super().process_response(request, response)
