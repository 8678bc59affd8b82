"""Page analysis off the reactor thread: decode + extract in a worker process.

Parsing a government page (navigation, lists, dates, document numbers) costs several
milliseconds of CPU; done on Scrapy's reactor thread it would stall downloads and link
checks meanwhile. A small process pool (PORTALWATCH_ANALYSIS_WORKERS, default one per
spare core) parses pages in parallel with the crawl. With 0 workers analysis runs
inline, which is also the fallback if the pool breaks.
"""

from __future__ import annotations

import asyncio
import ctypes
import datetime as dt
import logging
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from portalwatch.crawler.extract.encoding import decode_html
from portalwatch.crawler.extract.page import extract_page_and_text, parse_depth_exceeded
from portalwatch.crawler.traps import fingerprints

log = logging.getLogger(__name__)
TEXT_NEEDED_BELOW = 2000  # visible characters under which soft-404 phrases are looked for in the body


def analyse_page(body: bytes, charset: str | None, url: str, as_of: dt.date, with_nav: bool,
                 want_text: bool, terms: tuple[str, ...] = ()) -> dict[str, Any]:
    """Everything the spider needs from one HTML body; a pure function, safe in a worker."""
    html, encoding, note = decode_html(body, charset)
    errors: list[str] = []
    # one decode, one parse: the soft-404 text comes from the extractor's tree
    fields, body, text = extract_page_and_text(html, url, as_of=as_of, with_nav=with_nav, errors=errors,
                                               terms=terms, visible=want_text, visible_below=TEXT_NEEDED_BELOW)
    too_deep = parse_depth_exceeded()
    # only pages addressed by a query string can belong to an endless URL space (crawler/traps.py)
    fingerprint = fingerprints(fields["title"], [i.title for i in fields["list_items"]], fields["placeholder"],
                               body, len(fields["links"])) if "?" in url else None
    return {"fields": fields, "encoding": encoding, "note": note, "text": text, "long": not text,
            "fingerprint": fingerprint, "errors": errors, "too_deep": too_deep}


def default_workers() -> int:
    return 1 if (os.cpu_count() or 1) >= 2 else 0


def _worker_init() -> None:
    """Workers ignore Ctrl-C (the audit handles it once) and die with their parent, even on SIGKILL."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


class Analyser:
    """Owns the worker pool. Create it before the reactor runs: workers are forked at once,
    while the process has no other threads, and their start-up cost is paid up front."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        if workers > 0:
            method = "fork" if sys.platform.startswith("linux") else "spawn"
            self.pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                                            mp_context=multiprocessing.get_context(method))
            for future in [self.pool.submit(os.getpid) for _ in range(workers)]:
                future.result()

    async def analyse(self, *args: Any) -> dict[str, Any]:
        if self.pool is not None:
            try:
                return await asyncio.wrap_future(self.pool.submit(analyse_page, *args))
            except BrokenProcessPool:
                log.warning("analysis worker died; analysing pages inline from now on")
                self.pool = None
        return analyse_page(*args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
