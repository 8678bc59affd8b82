"""How an audit run ended, decided from what happened and never assumed.

An office mails rectification notices on the strength of a run, so a run that claims
more than it did is as harmful as a false accusation. A run is ``complete`` only when
Scrapy closed the spider with reason ``finished``, no shutdown signal arrived (one or
many: Scrapy stops gracefully on the first and tears the reactor down on the second,
skipping ``closed()``), the crawler neither failed to start nor crashed, and the
homepage was read. Otherwise it is ``unreachable`` (the crawl ended normally but the
homepage could not be fetched), ``interrupted`` (a signal or an early stop) or
``failed`` (our side broke). Only ``complete`` and ``unreachable`` runs are scored.
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from scrapy.crawler import CrawlerProcess

from portalwatch.crawler.snapshot import Snapshot

SCORED = ("complete", "unreachable")
CUT_SHORT = "cut_short"  # --time-limit stopped the crawl: findings on what was seen, never complete
SIGNAL_NAMES = {signal.SIGINT: "SIGINT（Ctrl-C）", signal.SIGTERM: "SIGTERM"}
MAX_ERRORS_KEPT = 20


class Interrupted(KeyboardInterrupt):
    """A SIGINT or SIGTERM that arrived while no crawl was running (before or after it)."""


@dataclass
class CrawlEnd:
    """The facts of how one crawl ended, gathered from Scrapy's signals and deferreds."""

    close_reason: str = ""  # the reason Scrapy closed the spider with; "" if it never closed
    signals: list[int] = field(default_factory=list)  # shutdown signals handled during the crawl
    crash: str = ""  # why the crawler failed to start or died
    page_errors: int = 0  # exceptions our code raised while handling a response
    error_samples: list[str] = field(default_factory=list)

    def on_closed(self, spider: Any, reason: str) -> None:
        self.close_reason = reason

    def on_spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        self.page_errors += 1
        if len(self.error_samples) < MAX_ERRORS_KEPT:
            url = getattr(response, "url", "")
            self.error_samples.append(f"{url}：{failure.type.__name__}: {failure.getErrorMessage()}"[:300])

    def on_crash(self, failure: Any) -> None:
        """Errback of the crawl deferred: keep the reason (and stop "Unhandled error in Deferred")."""
        self.crash = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500]


class WatchedCrawlerProcess(CrawlerProcess):
    """Scrapy's process, remembering every shutdown signal it handles.

    Scrapy installs these two methods as its SIGINT/SIGTERM handlers (first signal:
    graceful stop; second: reactor stop without closing the spider). The test
    ``test_run_integrity`` pins that they are still called, should Scrapy rename them.
    """

    def __init__(self, settings: Any, end: CrawlEnd) -> None:
        super().__init__(settings)
        self.end = end

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.end.signals.append(signum)
        super()._signal_shutdown(signum, frame)

    def _signal_kill(self, signum: int, frame: Any) -> None:
        self.end.signals.append(signum)
        super()._signal_kill(signum, frame)


def raise_on_signals() -> Callable[[], None]:
    """Make SIGINT and SIGTERM raise ``Interrupted`` here; returns a function restoring the old handlers.

    Used around the crawl: before it (opening the database) and after it (checks, scoring,
    the final transaction), where Scrapy's handlers would otherwise swallow the signal.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    old = {sig: signal.getsignal(sig) for sig in SIGNAL_NAMES}

    def handler(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    for sig in SIGNAL_NAMES:
        signal.signal(sig, handler)

    def restore() -> None:
        for sig, previous in old.items():
            signal.signal(sig, previous if previous is not None else signal.SIG_DFL)

    return restore


def ignore_signals() -> None:
    """Once a run is known to be interrupted (or is stored), further signals change nothing.

    Without this a third SIGTERM, arriving after the handlers were restored to the
    default, killed the process on its way out: exit -15 instead of 1.
    """
    if threading.current_thread() is threading.main_thread():
        for sig in SIGNAL_NAMES:
            signal.signal(sig, signal.SIG_IGN)


def decide_state(snapshot: Snapshot, end: CrawlEnd) -> tuple[str, str]:
    """The run state and, when not complete, why (Chinese, for the summary and the run row)."""
    if end.signals:
        names = "、".join(SIGNAL_NAMES.get(s, str(s)) for s in dict.fromkeys(end.signals))
        return "interrupted", f"收到 {names} 信号，抓取被停止"
    if end.crash:
        return "failed", f"爬虫未能启动或异常退出：{end.crash}"
    if not end.close_reason:
        return "failed", "抓取未正常结束（爬虫没有关闭）"
    if end.close_reason == "shutdown":
        return "interrupted", "抓取被停止"
    if end.close_reason == "closespider_timeout":
        seen = "只检查了已抓取的部分" if snapshot.home is not None else "首页尚未读取"
        return CUT_SHORT, f"抓取超过时间限制（--time-limit）提前结束，{seen}"
    if end.close_reason != "finished":
        return "interrupted", f"抓取提前结束（{end.close_reason}）"
    if snapshot.unreachable:
        return "unreachable", snapshot.unreachable_detail or snapshot.unreachable
    if snapshot.home is None:
        samples = error_samples(snapshot, end)
        if samples:
            return "failed", f"读取首页时程序出错：{samples[0]}"
        return "failed", "首页没有被读取"
    return "complete", ""


def error_samples(snapshot: Snapshot, end: CrawlEnd | None) -> list[str]:
    """Examples of our own errors: exceptions in callbacks (``end``) and in middlewares (spider stats)."""
    samples = list(end.error_samples) if end else []
    if snapshot.stats.get("program_error"):
        samples.append(str(snapshot.stats["program_error"]))
    return samples


def coverage(snapshot: Snapshot, end: CrawlEnd | None, state: str, reason: str) -> dict[str, Any]:
    """What part of the site the run saw, so a partial view is never read as a full one."""
    skipped: dict[str, int] = {}
    for skip in snapshot.skips:
        skipped[skip.reason] = skipped.get(skip.reason, 0) + 1
    failed: dict[str, int] = {}
    for check in snapshot.link_checks.values():
        if check.method == "crawl" and check.verdict != "ok" and not check.reason.startswith("soft404"):
            failed[check.reason or check.verdict] = failed.get(check.reason or check.verdict, 0) + 1
    return {
        "state": state,
        "reason": reason,
        "homepage_read": snapshot.home is not None,
        "pages_read": len(snapshot.pages),
        "pages_failed": sum(failed.values()),
        "pages_failed_by_reason": failed,
        "page_errors": (end.page_errors if end else 0) + int(snapshot.stats.get("program_errors") or 0),
        "page_error_samples": error_samples(snapshot, end)[:5],
        "skipped": skipped,
        "skipped_total": sum(skipped.values()),
        "max_pages_reached": bool(snapshot.stats.get("max_pages_reached")),
        "pages_not_followed": int(snapshot.stats.get("pages_not_followed") or 0),
        "crawl_end": (end.close_reason or "") if end else "",
    }
