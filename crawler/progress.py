"""Live progress on stderr: pages crawled, links checked, requests queued.

On a terminal it is a rich live line; otherwise (CI, logs, --format json piped) a plain
line every PORTALWATCH_PROGRESS_INTERVAL seconds, so a long audit never looks hung.
"""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class Progress:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self.live = None
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "Progress":
        if not crawler.settings.getbool("PORTALWATCH_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("PORTALWATCH_PROGRESS_INTERVAL"))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        spider = self.crawler.spider
        collector = getattr(spider, "collector", None) if spider is not None else None
        snap = collector.snapshot if collector is not None else None
        pages = len(snap.pages) if snap else 0
        checked = len(snap.link_checks) if snap else 0
        dead = collector.dead if collector is not None else 0  # counted as checks arrive: no recount per tick
        engine = self.crawler.engine
        queued = 0
        if engine is not None and getattr(engine, "_slot", None) is not None:
            try:
                queued = len(engine._slot.scheduler) + len(engine.downloader.active)
            except Exception:  # progress must never break a crawl
                queued = 0
        elapsed = time.monotonic() - self.started
        return (f"已抓取 {pages} 页，已检查 {checked} 个链接（失效 {dead}），"
                f"队列 {queued}，用时 {elapsed:.0f} 秒")

    def opened(self, spider) -> None:
        self.started = time.monotonic()
        if self.tty:
            from rich.console import Console
            from rich.live import Live

            self.live = Live(self.line(), console=Console(stderr=True), refresh_per_second=4, transient=True)
            self.live.start()
            self.loop = task.LoopingCall(lambda: self.live.update(self.line()))
            self.loop.start(0.25, now=False)
        else:
            self.loop = task.LoopingCall(lambda: print(self.line(), file=sys.stderr, flush=True))
            self.loop.start(self.interval, now=False)

    def closed(self, spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live is not None:
            self.live.stop()
        print(self.line(), file=sys.stderr, flush=True)
