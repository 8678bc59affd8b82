"""The browser behind ``--render``: scrapy-playwright with the system Chromium, kept lean.

scrapy-playwright's handler sends requests marked ``meta["playwright"]`` to Chromium
and every other request to Scrapy's own HTTP/1.1 handler, so link checks, size limits
(``bytes_received``/``headers_received`` signals) and retries work as without it. This
subclass adds what a crawl of thousands of pages needs:

- Playwright starts on the first render, not with the crawl: most sites need none.
- Browser contexts are recycled every ``PORTALWATCH_RENDER_CONTEXT_PAGES`` pages (the
  old one is closed once its last page is done), so memory stays flat.
- A hard limit per page (``PORTALWATCH_RENDER_TIMEOUT``, everything included); a page
  left behind by the limit is closed.
- A browser that crashed is started again on the next page (scrapy-playwright's
  ``PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER``); a browser that cannot start at all is
  given up after two tries, and the crawl goes on without rendering.
- The rendered DOM is handed on as UTF-8 whatever the page declared, so a GB2312 page
  whose script added characters outside GB2312 is not mangled.
"""

from __future__ import annotations

import asyncio
import re
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Page as PlaywrightPage
from playwright.async_api import Request as PlaywrightRequest
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from portalwatch.crawler.render import DEFAULT_IDLE_TIMEOUT, DEFAULT_TIMEOUT
from portalwatch.errors import PortalwatchError

BLOCKED_TYPES = frozenset({"image", "media", "font", "ping"})
# Visitor statistics and share widgets common on Chinese government sites: never content.
TRACKER_HOSTS = ("hm.baidu.com", "cnzz.com", "51.la", "google-analytics.com", "googletagmanager.com",
                 "doubleclick.net", "tajs.qq.com", "zz.bdstatic.com", "push.zhanzhang.baidu.com",
                 "bdimg.share.baidu.com", "s.union.360.cn")
_META_CHARSET = re.compile(rb"(<meta\b[^>]*?charset\s*=\s*[\"']?)([\w.:-]+)", re.I)


class RenderError(PortalwatchError):
    """Rendering a page failed; the plain page stands."""

    exit_code, http_status = 1, 502  # internal: caught by the render middleware, never shown


def abort_request(request: PlaywrightRequest) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: images, fonts, media and trackers are never loaded."""
    if request.resource_type in BLOCKED_TYPES:
        return True
    host = (urlsplit(request.url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in TRACKER_HOSTS)


class NetworkWatch:
    """Requests a page has in flight, and when that last changed (for ``settle``)."""

    def __init__(self, page: PlaywrightPage) -> None:
        self.inflight = 0
        self.changed = asyncio.get_running_loop().time()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def reset(self) -> None:
        self.inflight = 0
        self.changed = asyncio.get_running_loop().time()

    def _started(self, _: Any) -> None:
        self.inflight += 1
        self.changed = asyncio.get_running_loop().time()

    def _ended(self, _: Any) -> None:
        self.inflight = max(0, self.inflight - 1)
        self.changed = asyncio.get_running_loop().time()


async def settle(page: PlaywrightPage, timeout: float, watch: NetworkWatch | None = None,
                 quiet: float = 0.3) -> None:
    """Wait for the load event, then until no request has been in flight for ``quiet``
    seconds (the lists loaded by XHR have arrived), at most ``timeout`` seconds in all.
    A page that never gets there (a hanging statistics script, long polling) is read as
    it is then, not failed. Without a ``watch``, Playwright's "networkidle" (500 ms)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    with suppress(PlaywrightTimeoutError):
        await page.wait_for_load_state("load", timeout=max(1.0, (deadline - loop.time()) * 1000))
    if watch is None:
        with suppress(PlaywrightTimeoutError):
            await page.wait_for_load_state("networkidle", timeout=max(1.0, (deadline - loop.time()) * 1000))
        return
    while loop.time() < deadline and not page.is_closed():  # closed: the browser went away
        idle_for = loop.time() - watch.changed
        if watch.inflight == 0 and idle_for >= quiet:
            return
        await asyncio.sleep(min(0.05, max(0.01, quiet - idle_for)))


def as_utf8(response: Response) -> Response:
    """The rendered page re-encoded as UTF-8, declared so in the header and in its <meta>."""
    if not isinstance(response, TextResponse):
        return response
    body = response.text.encode("utf-8")
    head, rest = body[:4096], body[4096:]
    body = _META_CHARSET.sub(rb"\1utf-8", head, count=2) + rest
    headers = response.headers.copy()
    ctype = (headers.get(b"Content-Type") or b"text/html").split(b";")[0].strip()
    headers[b"Content-Type"] = ctype + b"; charset=utf-8"
    return response.replace(body=body, headers=headers, encoding="utf-8")


class RenderDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        s = crawler.settings
        self.render_timeout = s.getfloat("PORTALWATCH_RENDER_TIMEOUT", DEFAULT_TIMEOUT)
        self.idle_timeout = min(s.getfloat("PORTALWATCH_RENDER_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT),
                                self.render_timeout / 2)
        self.quiet = s.getfloat("PORTALWATCH_RENDER_QUIET", 0.3)
        self.context_pages = max(1, s.getint("PORTALWATCH_RENDER_CONTEXT_PAGES", 40))
        self._start_lock = asyncio.Lock()
        self._generation = 0
        self._assigned = 0
        self._inflight: dict[str, int] = {}
        self._retired: set[str] = set()
        self._pages: dict[int, PlaywrightPage] = {}  # by id(request): the tab rendering it
        self._watches: dict[int, NetworkWatch] = {}  # by id(page)
        self._idle: dict[str, list[PlaywrightPage]] = {}  # by context: tabs waiting for the next render
        self._launch_failures = 0
        self.broken = ""  # why the browser cannot be started, once given up

    # -- start Playwright on first use --------------------------------------------------

    async def _maybe_launch_in_thread(self) -> None:  # engine_started (Scrapy >= 2.14)
        return None

    def _engine_started(self) -> None:  # engine_started (older Scrapy)
        return None

    async def _ensure_started(self) -> None:
        """Playwright and the browser, started outside any page's time limit."""
        async with self._start_lock:
            if getattr(self, "browser_provider", None) is None:
                await self._launch()
        await self._maybe_launch_browser()

    async def _maybe_launch_browser(self) -> None:
        try:
            await super()._maybe_launch_browser()
        except Exception as exc:
            self._launch_failures += 1
            self.stats.inc_value("render/launch_failed")
            why = f"Chromium 无法启动：{exc}".splitlines()[0][:300]
            if self._launch_failures >= 2:
                self.broken = why
            raise RenderError(why) from exc
        self._launch_failures = 0

    # -- one render -------------------------------------------------------------------------

    def _context_name(self) -> str:
        if self._assigned >= self.context_pages:
            self._retired.add(f"render-{self._generation}")
            self._generation += 1
            self._assigned = 0
            self.stats.inc_value("render/contexts_recycled")
        self._assigned += 1
        name = f"render-{self._generation}"
        self._inflight[name] = self._inflight.get(name, 0) + 1
        return name

    async def _apply_page_methods(self, page: PlaywrightPage, request: Request, spider: Spider) -> None:
        # Instead of scrapy-playwright's loop, which waits for the load event after every
        # method with the full navigation timeout and fails pages that never finish loading.
        await settle(page, self.idle_timeout, self._watches.get(id(page)), self.quiet)

    async def _create_page(self, request: Request, spider: Spider) -> PlaywrightPage:
        """An idle page of the request's context if there is one (a new tab costs a renderer
        process: reusing tabs halves the CPU per page), else a new one."""
        name = request.meta["playwright_context"]
        while True:
            pool = self._idle.get(name, [])
            while pool:
                page = pool.pop()
                try:
                    await page.unroute("**")  # the previous render's request handler
                except Exception:  # noqa: BLE001 - a dead tab: drop it, take another
                    with suppress(Exception):
                        await page.close()
                    continue
                self.stats.inc_value("render/pages_reused")
                return self._use(request, page)
            wrapper = self.context_wrappers.get(name)
            # Every tab slot of the context taken: an idle tab holds its slot until it is closed,
            # so waiting for a slot could wait for ever. Wait for a tab to come back instead.
            if wrapper is None or not wrapper.semaphore.locked():
                break
            await asyncio.sleep(0.02)
        page = await super()._create_page(request, spider)
        self._watches[id(page)] = NetworkWatch(page)
        page.on("close", lambda closed: self._watches.pop(id(closed), None))
        return self._use(request, page)

    def _use(self, request: Request, page: PlaywrightPage) -> PlaywrightPage:
        self._pages[id(request)] = page
        watch = self._watches.get(id(page))
        if watch is not None:
            watch.reset()
        return page

    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        if self.broken:
            raise RenderError(self.broken)
        await self._ensure_started()
        name = request.meta["playwright_context"] = self._context_name()
        request.meta["playwright_include_page"] = True  # the tab is ours to reuse or close
        loop = asyncio.get_running_loop()
        started = loop.time()
        ok = False
        try:
            response = await asyncio.wait_for(super()._download_request(request, spider),
                                              timeout=self.render_timeout)
            ok = True
        except (asyncio.TimeoutError, PlaywrightTimeoutError):
            self.stats.inc_value("render/timeout")
            raise RenderError(f"渲染超时（超过 {self.render_timeout:g} 秒）") from None
        finally:
            request.meta.pop("playwright_page", None)
            self._inflight[name] -= 1
            await self._release(request, name, keep=ok)
        self.stats.inc_value("render/pages")
        self.stats.inc_value("render/seconds", loop.time() - started)
        self.stats.max_value("render/seconds_max", loop.time() - started)
        return as_utf8(response)

    async def _release(self, request: Request, name: str, keep: bool) -> None:
        """Put the tab back for the next render, or close it; close drained old contexts."""
        page = self._pages.pop(id(request), None)
        if page is not None and not page.is_closed():
            if keep and name not in self._retired and name in self.context_wrappers:
                self._idle.setdefault(name, []).append(page)
            else:
                with suppress(Exception):
                    await asyncio.wait_for(page.close(), timeout=5)
        for old in [n for n in self._retired if self._inflight.get(n, 0) <= 0]:
            self._retired.discard(old)
            self._inflight.pop(old, None)
            self._idle.pop(old, None)
            wrapper = self.context_wrappers.get(old)
            if wrapper is not None:
                with suppress(Exception):
                    await asyncio.wait_for(wrapper.context.close(), timeout=10)

