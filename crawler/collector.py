"""Accumulates what the spider observes into a Snapshot, streaming pages to storage.

Pages are handed to ``on_pages`` in batches while the crawl runs, so a run that is
killed halfway still has the pages it fetched in the database.
"""

from __future__ import annotations

from typing import Callable

from portalwatch.crawler.snapshot import LinkCheck, Page, Skip, Snapshot


class Collector:
    def __init__(self, snapshot: Snapshot, on_pages: Callable[[list[Page]], None] | None = None,
                 batch: int = 200) -> None:
        self.snapshot = snapshot
        self.on_pages = on_pages
        self.batch = batch
        self._pending: list[Page] = []
        self.dead = 0  # link checks whose verdict is "dead", kept as they are added (progress reads it)

    def add_page(self, page: Page) -> None:
        self.snapshot.pages[page.url] = page
        self._pending.append(page)
        if len(self._pending) >= self.batch:
            self.flush()

    def add_check(self, check: LinkCheck) -> None:
        checks = self.snapshot.link_checks
        old = checks.get(check.target)
        self.dead += (check.verdict == "dead") - (old is not None and old.verdict == "dead")
        checks[check.target] = check

    def add_source(self, target: str, page_url: str) -> None:
        sources = self.snapshot.link_sources.setdefault(target, [])
        if not sources or sources[-1] != page_url:
            sources.append(page_url)

    def add_skip(self, url: str, reason: str, detail: str = "") -> None:
        self.snapshot.skips.append(Skip(url, reason, detail))

    def flush(self) -> None:
        if self._pending and self.on_pages is not None:
            self.on_pages(self._pending)
        self._pending = []

