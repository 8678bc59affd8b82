"""Render pages that need it, after their plain fetch, and swap the rendered page in.

A spider middleware, so the spider stays a plain HTML crawler: after the spider has
parsed a page (``parse_page`` built the ``Page`` and followed its links), this asks the
render policy whether a browser would see more — the homepage's menu written by script,
a column's list loaded as JSON — and if so requests the same URL once more through
scrapy-playwright. The rendered page replaces the plain one in the collector (same URL
key, ``rendered=True``, ``render_reason`` set) and its new links and pagination are
followed like any others. Link verdicts are never taken from the browser: the URL's
plain fetch stands, and a failed render keeps the plain page (``render_reason`` says
why).

Under ``--render never``, or without Chromium, pages that would have been rendered are
marked ``needs_render_but_off:<reason>`` / ``needs_render_no_browser:<reason>`` so the
summary can say which verdicts to doubt.
"""

from __future__ import annotations

import inspect
import logging
import sys
from typing import Any, AsyncIterator, Iterable, Iterator

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from portalwatch.crawler.render import (FAILED_PREFIX, NO_CHROMIUM_WARNING, OFF_PREFIX, UNAVAILABLE_PREFIX,
                                        RenderPolicy, script_built)
from portalwatch.crawler.render_rules import worth_reading
from portalwatch.crawler.scope import url_key
from portalwatch.crawler.snapshot import Link, Page

log = logging.getLogger(__name__)

RENDER_PRIORITY = 5  # above ordinary pages: a rendered homepage reveals the columns to crawl


class RenderMiddleware:
    def __init__(self, crawler: Crawler, policy: RenderPolicy) -> None:
        self.crawler = crawler
        self.policy = policy
        self.columns: set[str] = set()  # url keys of column pages (homepage navigation, sub-menus)
        self.requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RenderMiddleware":
        mw = cls(crawler, RenderPolicy.from_settings(crawler.settings))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider: Any) -> None:
        snapshot = self._snapshot()
        if snapshot is not None:
            snapshot.render_mode = self.policy.mode
            snapshot.render_available = self.policy.available
        if self.policy.mode != "never" and not self.policy.available:
            print(f"警告：{NO_CHROMIUM_WARNING}。安装 Chromium（apt-get install chromium）"
                  f"或用环境变量 PORTALWATCH_CHROMIUM 指定浏览器路径。", file=sys.stderr, flush=True)

    # -- after the spider parsed a page ---------------------------------------------------

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from result
        request = self.after_page(response)
        if request is not None:
            yield request

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            yield item
        request = self.after_page(response)
        if request is not None:
            yield request

    def after_page(self, response: Response) -> Request | None:
        meta = response.meta
        if "pw_depth" not in meta or meta.get("playwright") or meta.get("pw_render_reason"):
            return None
        url = meta["pw_url"]
        snapshot = self._snapshot()
        page = snapshot.pages.get(url) if snapshot is not None else None
        if page is None or page.rendered or page.final_url != response.url:
            return None  # not a page the spider kept (error, not HTML, off-site redirect)
        home, depth = bool(meta.get("pw_home")), meta.get("pw_depth", 0)
        self.learn_columns(page, home, depth)
        if meta.get("pw_reused"):  # unchanged since a night that judged it needs no browser
            return None
        key = url_key(url)
        is_column = key in self.columns or url_key(page.final_url) in self.columns
        # the homepage, column pages and pages with almost no text are judged from their HTML
        html = self.html_of(response, page) if worth_reading(page, home, is_column) else ""
        if not self.policy.active:
            reason = script_built(page, html, home, is_column)
            if reason:
                prefix = OFF_PREFIX if self.policy.mode == "never" else UNAVAILABLE_PREFIX
                page.render_reason = prefix + reason
                self._stats().inc_value("render/needed_not_rendered")
                self.spider.collector.add_page(page)  # stored again with the mark
            return None
        reason = self.policy.needs_render(page, html, home, is_column)
        if not reason or key in self.requested:
            return None
        self.requested.add(key)
        self._stats().inc_value("render/requested")
        return Request(response.url, callback=self.parse_rendered, errback=self.on_render_error,
                       dont_filter=True, priority=response.request.priority + RENDER_PRIORITY,
                       meta={"playwright": True,
                             "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"},
                             "pw_url": url, "pw_depth": depth, "pw_home": home, "pw_render_reason": reason,
                             "dont_retry": True, "dont_obey_robotstxt": True, "dont_redirect": True,
                             "download_timeout": self.policy.timeout})

    def learn_columns(self, page: Page, home: bool, depth: int) -> None:
        """Column pages: targets of the homepage's navigation, and of sub-menus one level down."""
        if not home and (depth > 1 or url_key(page.url) not in self.columns):
            return
        for root in page.nav:
            for _, node in root.walk():
                if node.url:
                    self.columns.add(url_key(node.url))
        for link in page.links:
            if link.nav and link.kind == "page":
                self.columns.add(url_key(link.url))

    # -- the rendered page ----------------------------------------------------------------

    async def parse_rendered(self, response: Response) -> AsyncIterator[Request]:
        meta = response.meta
        url, reason = meta["pw_url"], meta["pw_render_reason"]
        from portalwatch.crawler.spider import is_html

        if response.status >= 400 or not is_html(response):
            self.mark_failed(url, f"http_{response.status}" if response.status >= 400 else "not_html")
            return
        spider = self.spider
        plain = spider.collector.snapshot.pages.get(url)
        page = spider.build_page(response, url, bool(meta.get("pw_home")))
        if inspect.isawaitable(page):
            page = await page
        if plain is not None:  # bytes and encoding are facts of the HTTP answer, not of the DOM
            page.encoding, page.encoding_note = plain.encoding, plain.encoding_note
            page.content_type, page.size, page.truncated = plain.content_type, plain.size, plain.truncated
            page.final_url = plain.final_url
        page.rendered = True
        page.render_reason = reason
        spider.collector.add_page(page)
        depth = meta.get("pw_depth", 0)
        self.learn_columns(page, bool(meta.get("pw_home")), depth)
        known = {link.url for link in plain.links} if plain is not None else set()
        for next_url in page.pagination:
            for request in spider.follow(next_url, Link(next_url), depth, priority=10):
                yield request
        for link in page.links:
            if link.url not in known:
                spider.collector.add_source(link.url, url)
            for request in spider.follow(link.url, link, depth + 1):
                yield request

    def on_render_error(self, failure: Failure) -> None:
        exc = failure.value
        text = (str(exc).strip().splitlines() or [""])[0][:200]
        why = text if type(exc).__name__ == "RenderError" else f"{type(exc).__name__}: {text}".rstrip(": ")
        self.mark_failed(failure.request.meta["pw_url"], why)

    def mark_failed(self, url: str, why: str) -> None:
        self._stats().inc_value("render/failed")
        log.info("render failed for %s: %s", url, why)
        page = self.spider.collector.snapshot.pages.get(url)
        if page is not None and not page.rendered:
            page.render_reason = FAILED_PREFIX + why
            self.spider.collector.add_page(page)

    # -- helpers ------------------------------------------------------------------------------

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    def _snapshot(self) -> Any:
        collector = getattr(self.crawler.spider, "collector", None)
        return collector.snapshot if collector is not None else None

    def _stats(self) -> Any:
        return self.crawler.stats

    @staticmethod
    def html_of(response: Response, page: Page) -> str:
        encoding = page.encoding or getattr(response, "encoding", None) or "utf-8"
        try:
            return response.body.decode(encoding, "replace")
        except LookupError:
            return response.body.decode("utf-8", "replace")
