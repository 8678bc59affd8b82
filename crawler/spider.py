"""The generic portal spider: crawls one site, records every page, checks every link.

It observes and records; it never judges a site (checks do that). For each page it
stores what the extractors find, schedules the site's other pages (links and list
pagination, including TRS script-only pages), and hands every other link target
(attachments, images, external links, pages beyond --max-pages) to a link check:
HEAD first, GET when HEAD is refused or when the answer needs reading (a soft 404).

All requests carry ``dont_filter=True`` and are deduplicated here instead, because
Scrapy's duplicate filter silently drops redirects to known URLs, which would lose
the verdict for every link that redirects to a page already crawled.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import secrets
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.response import get_meta_refresh
# Imported here, not when the crawl builds its download handler: its deprecation shims read the
# caller's stack with inspect.stack(), which inside the running reactor costs ~0.2 s of CPU per audit.
import scrapy.core.downloader.handlers.http11  # noqa: E402,F401
from twisted.python.failure import Failure

from portalwatch.crawler import incremental, linkcheck
from portalwatch.crawler.analysis import Analyser, default_workers
from portalwatch.crawler.collector import Collector
from portalwatch.crawler.incremental import LinkEntry, PageEntry, Plan, SiteState
from portalwatch.crawler.scope import SiteScope, url_key as _url_key
from portalwatch.crawler.traps import DETAIL as TRAP_DETAIL, TrapGuard, trap_reason
from portalwatch.crawler.snapshot import Link, LinkCheck, Page, Snapshot
from portalwatch.crawler.soft404 import Soft404Detector, page_title_and_text
from portalwatch.crawler.urlsyntax import url_problem as _url_problem

# Pure functions asked again for every menu link of every page: answered once per address.
url_key = functools.lru_cache(maxsize=100_000)(_url_key)
url_problem = functools.lru_cache(maxsize=100_000)(_url_problem)

HTML_TYPES = ("text/html", "application/xhtml")
# Exceptions that say our code (a middleware, an extension) broke, not the site: such a
# request proves nothing about the link, so it is counted as a program error, never a dead link.
PROGRAM_ERRORS = (TypeError, AttributeError, LookupError, NameError, AssertionError, ArithmeticError,
                  ImportError, NotImplementedError, RecursionError)


def is_html(response: Response) -> bool:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if any(t in ctype for t in HTML_TYPES):
        return True
    if not ctype:  # undeclared: sniff
        head = response.body[:512].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html")) or b"<head" in head
    return False


def http_charset(response: Response) -> str | None:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
    for part in ctype.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


class PortalSpider(scrapy.Spider):
    name = "portal"
    home_refresh_delay = 100.0  # PORTALWATCH_HOME_REFRESH_MAX_DELAY
    text_terms: tuple[str, ...] = ()  # PORTALWATCH_TEXT_TERMS

    def __init__(self, start_url: str, collector: Collector | None = None,
                 as_of: dt.date | str | None = None, plan: Plan | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Incremental nights (crawler/incremental.py): what the last complete audit saw, and
        # what this one saw, for the next
        self.plan = plan or Plan()
        self.prev: SiteState | None = self.plan.prev if self.plan.mode == "incremental" else None
        self.entries: dict[str, PageEntry] = {}
        self.reused_links: set[str] = set()
        self.start_url = start_url
        self.collector = collector or Collector(Snapshot(start_url=start_url))
        self.as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or dt.date.today())
        self.scope = SiteScope(start_url)
        self.detector = Soft404Detector()
        self.seen: set[str] = set()
        self.pages_scheduled = 0
        # One shared object per distinct link, list item and meta value: every page of a portal
        # repeats its menus, and pages come back from the analysis worker as fresh copies.
        # Measured on the benchmark portal: 18 MB -> 6 MB per 1,000 pages.
        self._shared: dict[Any, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "PortalSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.max_pages = s.getint("PORTALWATCH_MAX_PAGES")
        spider.probe_bytes = s.getint("PORTALWATCH_PROBE_BYTES")
        spider.scope = SiteScope(spider.start_url, s.get("PORTALWATCH_SCOPE") or "auto")
        spider.collector.snapshot.stats.update(scope=spider.scope.mode, scope_prefix=spider.scope.prefix)
        spider.traps = TrapGuard(s.getint("PORTALWATCH_MAX_URL_LENGTH"), s.getint("PORTALWATCH_MAX_DEPTH"),
                                 s.getint("PORTALWATCH_TRAP_REPEATS"), s.getint("PORTALWATCH_TRAP_REPEATS_PLAIN"),
                                 spider.as_of, s.getint("PORTALWATCH_CALENDAR_WINDOW_DAYS"))
        spider.max_links = s.getint("PORTALWATCH_MAX_LINKS_PER_PAGE")
        spider.timeout = s.getfloat("DOWNLOAD_TIMEOUT")
        spider.home_refresh_delay = s.getfloat("PORTALWATCH_HOME_REFRESH_MAX_DELAY")
        spider.text_terms = tuple(s.getlist("PORTALWATCH_TEXT_TERMS"))  # Page.text_hits (checks' text_terms)
        workers = s.get("PORTALWATCH_ANALYSIS_WORKERS")
        spider.analyser = Analyser(default_workers() if workers in (None, "", "auto") else int(workers))
        return spider

    # -- start: learn the site's "not found" answer, then the homepage ----------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # inside the site's own directory: a sub-path site may answer "not found" unlike its portal
        probe = urljoin(self.scope.base_url, f"portalwatch-{secrets.token_hex(6)}-missing.html")
        yield scrapy.Request(probe, callback=self.on_baseline, errback=self.on_baseline_error,
                             dont_filter=True, priority=100,
                             meta={"dont_obey_robotstxt": True, "dont_retry": True,
                                   "pw_body_limit": self.probe_bytes,
                                   "download_timeout": min(self.timeout, 10.0)})

    def on_baseline(self, response: Response) -> Iterator[scrapy.Request]:
        title, text = page_title_and_text(response.body, http_charset(response)) if is_html(response) else ("", "")
        self.detector.learn(response.status, response.url, text, response.request.url
                            if not response.meta.get("redirect_urls") else response.meta["redirect_urls"][0])
        yield self.home_request()

    def on_baseline_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        yield self.home_request()

    def home_request(self) -> scrapy.Request:
        self.seen.add(url_key(self.start_url))
        self.pages_scheduled += 1
        return self.page_request(self.start_url, depth=0, home=True)

    def page_request(self, url: str, depth: int, home: bool = False, priority: int = 0,
                     conditional: bool = True) -> scrapy.Request:
        headers: dict[str, str] = {}
        entry = self.cached_entry(url, depth, home) if conditional and not home else None
        if entry is not None:  # the homepage is always read (a splash page forwards it elsewhere)
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        meta = {"pw_url": url, "pw_depth": depth, "pw_home": home}
        if not conditional:
            meta["pw_unconditional"] = True
        return scrapy.Request(url, callback=self.parse_page, errback=self.on_page_error, headers=headers or None,
                              dont_filter=True, priority=priority, meta=meta)

    # -- incremental nights -------------------------------------------------------------

    def cached_entry(self, url: str, depth: int, home: bool) -> PageEntry | None:
        """What the last complete audit read at ``url``, if it can stand for tonight's reading:
        same extraction flags, and the same as-of date when the page shows year-less dates."""
        if self.prev is None:
            return None
        entry = self.prev.pages.get(url)
        if entry is None or entry.with_nav != (home or depth <= 1) \
                or entry.want_text != bool(self.detector.baseline_shingles):
            return None
        as_of = self.as_of.isoformat()
        if entry.as_of != as_of and (entry.year_less or entry.as_of[:4] != as_of[:4]):
            return None
        return entry

    def reuse_page(self, entry: PageEntry, response: Response, url: str, home: bool) -> Page:
        """The stored page in place of a parse: tonight's depth and address, the soft-404
        judgement and the trap guard run again as if the page had been read."""
        depth = response.meta.get("pw_depth", 0)
        page = entry.page  # read from the state for this crawl alone: it becomes tonight's page
        page.depth, page.final_url = depth, response.url
        shared = self._shared.setdefault
        for key in ("links", "list_items", "other_items"):
            setattr(page, key, [shared(v, v) for v in getattr(page, key)])
        for reason, detail in entry.skips:
            self.collector.add_skip(url, reason, detail)
        page.soft404 = self.detector.classify(url, page.status, response.url, entry.soft404_title,
                                              entry.soft404_text, long_page=entry.soft404_long,
                                              main_length=page.text_length, dated=page.pub_date is not None)
        if not page.soft404 and entry.fingerprint is not None:
            self.traps.observe(url, *entry.fingerprint)
        stats = self.collector.snapshot.stats
        stats["pages_reused"] = int(stats.get("pages_reused", 0)) + 1
        if response.status == 304:
            stats["pages_not_modified"] = int(stats.get("pages_not_modified", 0)) + 1
        response.meta["pw_reused"] = True
        etag = response.headers.get(b"ETag", b"").decode("latin-1") or entry.etag
        modified = response.headers.get(b"Last-Modified", b"").decode("latin-1") or entry.last_modified
        self.entries[url] = dataclasses.replace(entry, page=page, etag=etag, last_modified=modified,
                                                as_of=self.as_of.isoformat())
        return page

    def keep_entry(self, url: str, response: Response, page: Page, home: bool, kept: dict[str, Any]) -> None:
        """Remember a freshly read page for the next night."""
        self.entries[url] = PageEntry(
            url=url, page=page, body_hash=incremental.body_hash(response.body),
            etag=response.headers.get(b"ETag", b"").decode("latin-1"),
            last_modified=response.headers.get(b"Last-Modified", b"").decode("latin-1"),
            with_nav=home or response.meta.get("pw_depth", 0) <= 1,
            want_text=bool(self.detector.baseline_shingles), as_of=self.as_of.isoformat(),
            year_less=incremental.year_less(page), soft404_title=page.title, soft404_text=kept.get("text", ""),
            soft404_long=bool(kept.get("long")), fingerprint=list(kept["fingerprint"]) if kept.get("fingerprint")
            else None, skips=kept.get("skips", []))

    def cached_link(self, url: str) -> LinkCheck | None:
        """Tonight's verdict on a link target from the last verification, when it is not due."""
        if self.prev is None:
            return None
        entry = self.prev.links.get(url)
        if entry is None or incremental.link_due(entry, url, self.plan.night, self.plan.full_every):
            return None
        return dataclasses.replace(entry.check, method=f"reused:{entry.check.method}")

    def new_state(self) -> SiteState:
        """What this crawl saw, for the next night (kept only when the run is complete)."""
        snap = self.collector.snapshot
        prev_links = self.prev.links if self.prev is not None else {}
        full_night = self.plan.night if self.plan.mode == "full" else (self.prev.full_night if self.prev else 0)
        state = SiteState(start_url=snap.start_url, night=self.plan.night, full_night=full_night,
                          as_of=self.as_of.isoformat(), render_mode=snap.render_mode, code=incremental.code_digest(),
                          reading=self.plan.reading)
        for url, entry in self.entries.items():
            page = snap.pages.get(url)
            if page is None or page.rendered or page.render_reason:
                continue  # rendered (or needing it): read again every night
            entry.page = page
            state.pages[url] = entry
        for target, check in snap.link_checks.items():
            if target in self.reused_links and target in prev_links:
                state.links[target] = prev_links[target]
            elif check.method in ("HEAD", "GET"):
                state.links[target] = LinkEntry(check=check, verified_night=self.plan.night)
        return state

    # -- pages ------------------------------------------------------------------------

    async def parse_page(self, response: Response) -> AsyncIterator[scrapy.Request]:
        """Read one page; whatever goes wrong is recorded as a ``page_error`` skip, never lost."""
        try:
            async for request in self.read_page(response):
                yield request
        except Exception as exc:  # noqa: BLE001 - recorded in the run, shown in the summary
            self.page_error(response.meta["pw_url"], exc)

    def page_error(self, url: str, exc: BaseException, target: str = "") -> None:
        where = f"处理链接 {target[:200]} 时" if target else "读取页面时"
        self.collector.add_skip(url, "page_error", f"{where}出错：{type(exc).__name__}: {exc}"[:500])

    async def read_page(self, response: Response) -> AsyncIterator[scrapy.Request]:
        url = response.meta["pw_url"]
        home = response.meta.get("pw_home", False)
        depth = response.meta.get("pw_depth", 0)
        entry = None
        if response.status == 304 and not response.meta.get("pw_unconditional"):
            entry = self.cached_entry(url, depth, home)
            if entry is None or url_key(entry.page.final_url) != url_key(response.url):
                # "not modified" for a page we cannot stand in for (it moved): read it again
                request = self.page_request(url, depth, home, conditional=False)
                request.meta.update({k: v for k, v in response.meta.items() if k in ("pw_url", "pw_splash")})
                yield request
                return
        if entry is not None:
            async for request in self.read_html(response, url, home, entry):
                yield request
            return
        verdict, reason, detail = linkcheck.redirect_verdict(response)
        if verdict:  # a redirect out of the web: nothing to read
            self.record(url, verdict, response.status, reason, response, "crawl", detail=detail)
            if home:
                self.unreachable(reason or "not_html", detail or "首页跳转到非网页地址", response.status)
            return
        if response.status >= 400 or response.status < 200:
            verdict = linkcheck.verdict_for_status(response.status)
            self.record(url, verdict, response.status, f"http_{response.status}", response, "crawl")
            if home:
                self.unreachable(f"http_{response.status}", f"HTTP {response.status}", response.status)
            return
        if home and 300 <= response.status < 400:
            self.home_redirect_unusable(url, response)
            return
        if not is_html(response):
            self.record(url, "ok", response.status, "", response, "crawl")
            if home:
                self.unreachable("not_html", "首页不是网页（Content-Type 非 HTML）", response.status)
            return
        splash = self.splash_target(response) if home else None
        if splash:
            async for request in self.read_splash(response, url, splash):
                yield request
            return
        async for request in self.read_html(response, url, home, None):
            yield request

    async def read_html(self, response: Response, url: str, home: bool,
                        entry: PageEntry | None) -> AsyncIterator[scrapy.Request]:
        """A page's HTML (or, with ``entry``, the stored reading of a page the server says is unchanged)."""
        depth = response.meta.get("pw_depth", 0)
        if home:
            if not self.scope.is_internal(response.url):
                self.scope = SiteScope(response.url, self.scope.mode)  # the portal moved elsewhere
            self.detector.home_url = response.url
            self.collector.snapshot.home_url = response.url
        elif not self.scope.is_internal(response.url):
            # an internal link that redirects to another site: it works, but it is not ours to crawl
            self.record(url, "ok", response.status, "", response, "crawl")
            return
        final_key = url_key(response.url)
        if final_key != url_key(url) and final_key not in self.seen:
            # /hqx/ -> /hqx/index.html: a link to the final address is this page, not another one
            self.seen.add(final_key)
            self.record(response.url, "ok", 200 if entry else response.status, "", response, "crawl")
        if entry is None and self.prev is not None:
            same = self.cached_entry(url, depth, home)
            if same is not None and same.body_hash == incremental.body_hash(response.body):
                entry = same  # a server without validators: the same bytes need no second parse
        if entry is not None:
            page = self.reuse_page(entry, response, url, home)
        else:
            kept: dict[str, Any] = {}
            page = await self.build_page(response, url, home, kept)
            self.keep_entry(url, response, page, home, kept)
        self.collector.add_page(page)
        status = page.status if entry is not None else response.status
        if page.soft404 and not home:
            self.record(url, "dead", 200, "soft404", response, "crawl", detail=page.soft404)
        else:
            self.record(url, "ok", status, "", response, "crawl")
        for next_url in page.pagination[:self.max_links]:
            for request in self.follow(next_url, Link(next_url), depth, priority=10):
                yield request
        for request in self.follow_links(self.links_to_check(page), url, depth + 1, changed=entry is None):
            yield request

    def follow_links(self, links: list[Link], url: str, depth: int, changed: bool = True) -> Iterator[scrapy.Request]:
        for link in links:
            try:
                self.collector.add_source(link.url, url)
                if changed and link.url in self.reused_links:
                    # a link of a page that changed is verified tonight, whatever its rotation says
                    self.reused_links.discard(link.url)
                    self.collector.snapshot.stats["links_reused"] = \
                        int(self.collector.snapshot.stats.get("links_reused", 0)) - 1
                    self.collector.add_check(dataclasses.replace(
                        self.collector.snapshot.link_checks[link.url], method="pending"))
                    yield self.probe_request(link.url, link, method="HEAD")
                    continue
                requests = list(self.follow(link.url, link, depth, fresh=changed))
            except Exception as exc:  # noqa: BLE001 - one bad link must not cost the rest of the page
                self.page_error(url, exc, link.url)
                continue
            yield from requests

    def splash_target(self, response: Response) -> str | None:
        """Where a homepage that refreshes after a delay (a splash page) forwards to, if anywhere."""
        if response.meta.get("pw_splash"):
            return None  # one hop only
        interval, target = get_meta_refresh(response)
        if not target or not interval < self.home_refresh_delay or url_problem(target):
            return None
        return target if url_key(target) != url_key(response.url) else None

    async def read_splash(self, response: Response, url: str, target: str) -> AsyncIterator[scrapy.Request]:
        """A splash page's links are checked like any page's; the page it forwards to is the
        homepage citizens use, so that one is read as the homepage (stored under the start URL)."""
        page = await self.build_page(response, url, True)
        self.record(url, "ok", response.status, "", response, "crawl")
        self.seen.add(url_key(target))
        for request in self.follow_links(self.links_to_check(page), url, 1):
            yield request
        request = self.page_request(target, depth=0, home=True)
        request.meta.update(pw_url=url, pw_splash=True)
        yield request

    def links_to_check(self, page: Page) -> list[Link]:
        """The page's first PORTALWATCH_MAX_LINKS_PER_PAGE links; the rest is reported, not checked.

        A page with 200,000 links would otherwise take hours of link checks. Navigation links
        come first, so the menus are always checked.
        """
        links = page.links
        if len(links) <= self.max_links:
            return links
        links = sorted(links, key=lambda link: not link.nav)[:self.max_links]
        skipped = len(page.links) - len(links)
        self.collector.snapshot.stats["links_over_limit"] = \
            int(self.collector.snapshot.stats.get("links_over_limit", 0)) + skipped
        self.collector.add_skip(page.url, "too_many_links",
                                f"页面共有 {len(page.links)} 个链接，超过每页 {self.max_links} 个的上限，"
                                f"只检查了 {len(links)} 个，其余 {skipped} 个未检查")
        return links

    async def build_page(self, response: Response, url: str, home: bool, kept: dict[str, Any] | None = None) -> Page:
        depth = response.meta.get("pw_depth", 0)
        result = await self.analyser.analyse(response.body, http_charset(response), response.url, self.as_of,
                                             home or depth <= 1, bool(self.detector.baseline_shingles),
                                             self.text_terms)
        fields = self.share(result["fields"])
        page = Page(url=url, final_url=response.url, status=response.status, depth=depth,
                    encoding=result["encoding"], encoding_note=result["note"],
                    content_type=response.headers.get(b"Content-Type", b"").decode("latin-1"),
                    size=len(response.body), truncated=bool(response.meta.get("pw_truncated")),
                    **fields)
        skips = [["page_error", f"提取页面内容时出错：{error}"[:500]] for error in result.get("errors", ())]
        if page.truncated:
            skips.append(["too_large", f"页面超过 {len(response.body) // 1024} KB，只读取了开头部分"])
        if result.get("too_deep"):
            skips.append(["markup_too_deep", "页面标签嵌套过深（超过 2048 层），更深处及其后的内容和链接未能读取"])
        for reason, detail in skips:
            self.collector.add_skip(url, reason, detail)
        if kept is not None:
            kept.update(skips=skips, text=result["text"], long=result["long"], fingerprint=result["fingerprint"])
        page.soft404 = self.detector.classify(url, response.status, response.url, page.title, result["text"],
                                              long_page=result["long"], main_length=page.text_length,
                                              dated=page.pub_date is not None)
        if not page.soft404 and result["fingerprint"] is not None:
            self.traps.observe(url, *result["fingerprint"])
        return page

    def share(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Replace equal immutable values in a page's fields by one shared object."""
        shared = self._shared.setdefault
        for key in ("links", "list_items", "other_items"):
            if fields.get(key):
                fields[key] = [shared(v, v) for v in fields[key]]
        if fields.get("meta"):
            fields["meta"] = {shared(k, k): shared(v, v) for k, v in fields["meta"].items()}
        return fields

    def on_page_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request
        url = request.meta["pw_url"]
        trap = trap_reason(failure.value)
        if trap:  # queued before its space was judged endless: not fetched, not charged to --max-pages
            self.pages_scheduled -= 1
            yield from self.skip_trap(url, trap)
            return
        if isinstance(failure.value, IgnoreRequest) and "robots" in str(failure.value).lower():
            self.collector.add_skip(url, "robots", "robots.txt 不允许抓取，仅检查链接")
            if request.meta.get("pw_home"):
                self.unreachable("robots", "robots.txt 不允许抓取首页", None)
                return
            # robots.txt forbids reading it: check that the link works, do not read the page
            yield self.probe_request(url, Link(url), method="HEAD", pw_no_body=True)
            return
        if self.program_error(failure):
            return
        reason, detail = linkcheck.failure_reason(failure, request.meta.get("redirect_urls"), request.url)
        self.record(url, linkcheck.verdict_for_failure(reason), None, reason, None, "crawl", detail=detail)
        if request.meta.get("pw_home"):
            self.unreachable(reason, detail, None)

    def program_error(self, failure: Failure) -> bool:
        """Count a request that failed because our code raised; the run's coverage reports it."""
        if not isinstance(failure.value, PROGRAM_ERRORS):
            return False
        stats = self.collector.snapshot.stats
        stats["program_errors"] = int(stats.get("program_errors") or 0) + 1
        stats.setdefault("program_error", f"{failure.request.url}：{type(failure.value).__name__}: "
                                          f"{failure.value}"[:300])
        return True

    def home_redirect_unusable(self, url: str, response: Response) -> None:
        """A homepage answering 3xx that Scrapy did not follow: no Location, or file:/ftp:/data:.

        A browser cannot open such a homepage either, so the site is unreachable, never "fine".
        """
        location = response.headers.get(b"Location", b"").decode("latin-1").strip()
        if location:
            reason, detail = "bad_redirect", f"首页跳转到浏览器无法打开的地址：{location[:200]}"
        else:
            reason, detail = "no_location", f"首页返回 HTTP {response.status} 跳转，但没有给出跳转地址"
        self.record(url, "dead", response.status, reason, response, "crawl", detail=detail)
        self.unreachable(reason, detail, response.status)

    def unreachable(self, reason: str, detail: str, status: int | None) -> None:
        snap = self.collector.snapshot
        snap.unreachable = reason
        snap.unreachable_detail = detail
        if status is not None:
            snap.stats["home_status"] = status

    # -- scheduling -------------------------------------------------------------------

    def follow(self, url: str, link: Link, depth: int, priority: int = 0,
               fresh: bool = True) -> Iterator[scrapy.Request]:
        """Schedule a page, or check a link target (``fresh``: the linking page changed since the
        last complete audit, so its link targets are verified tonight whatever their rotation)."""
        if self.malformed(url):
            return
        key = url_key(url)
        if key in self.seen:
            return
        internal = self.scope.is_internal(url)
        crawlable = internal and link.kind in ("page", "frame") and not self.scope.is_binary(url)
        if not internal and link.kind == "page" and self.scope.same_host(url):
            stats = self.collector.snapshot.stats  # said in the summary: a whole-host site needs --scope host
            stats["outside_scope"] = int(stats.get("outside_scope", 0)) + 1
        if crawlable:
            trap = self.traps.check(url, depth)
            if trap:
                self.seen.add(key)
                if trap in TRAP_DETAIL:
                    yield from self.skip_trap(url, trap)
                else:
                    self.collector.add_skip(url, trap, "疑似无限链接空间，未跟踪")
                return
            if self.pages_scheduled < self.max_pages:
                self.seen.add(key)
                self.pages_scheduled += 1
                yield self.page_request(url, depth, priority=priority)
                return
            stats = self.collector.snapshot.stats
            stats["max_pages_reached"] = 1
            stats["pages_not_followed"] = int(stats.get("pages_not_followed") or 0) + 1
        self.seen.add(key)
        if urlsplit(url).scheme not in ("http", "https"):
            return
        cached = self.cached_link(url) if not fresh else None
        if cached is not None:  # verified on an earlier night and not due tonight
            self.collector.add_check(cached)
            self.reused_links.add(url)
            stats = self.collector.snapshot.stats
            stats["links_reused"] = int(stats.get("links_reused", 0)) + 1
            return
        yield self.probe_request(url, link, method="HEAD")

    def skip_trap(self, url: str, reason: str) -> Iterator[scrapy.Request]:
        """Report a URL of an endless space; its link is still checked (one request, never crawled)."""
        self.collector.add_skip(url, reason, TRAP_DETAIL[reason])
        yield self.probe_request(url, Link(url), method="HEAD", pw_no_body=True)

    def malformed(self, url: str) -> bool:
        """Record an address no browser can open as a dead link, without fetching it."""
        problem = url_problem(url)
        if problem and url not in self.seen:
            self.seen.add(url)
            self.collector.add_check(LinkCheck(target=url, verdict="dead", reason="malformed_url",
                                               detail=f"链接地址格式错误：{problem}", method="none",
                                               attempts=0, internal=False))
        return bool(problem)

    def probe_request(self, url: str, link: Link, method: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, method=method, callback=self.on_probe, errback=self.on_probe_error,
                              dont_filter=True, priority=-1,
                              meta={"pw_url": url, "pw_kind": link.kind, "dont_obey_robotstxt": True,
                                    "pw_body_limit": self.probe_bytes, **meta})

    # -- link checks --------------------------------------------------------------------

    def on_probe(self, response: Response) -> Iterator[scrapy.Request]:
        url = response.meta["pw_url"]
        method = response.request.method
        kind = response.meta.get("pw_kind", "page")
        redirect, reason, detail = linkcheck.redirect_verdict(response)
        if redirect == "ok":  # mailto:/tel: behind a redirect works like a mailto: link
            self.record(url, "ok", response.status, "", response, method)
            return
        verdict = redirect or linkcheck.verdict_for_status(response.status)
        if method == "HEAD" and (verdict != "ok" or response.status == 405):
            # Servers often refuse or mishandle HEAD: confirm with GET before accusing.
            yield self.probe_request(url, Link(url, kind=kind), method="GET", pw_headers_only=True,
                                     pw_no_body=response.meta.get("pw_no_body", False))
            return
        if verdict == "ok" and is_html(response) and not response.meta.get("pw_no_body"):
            if method == "HEAD" or response.meta.get("pw_headers_only"):
                # An attachment or image that answers with a web page, or a page we have
                # not read: read it before calling it fine.
                yield self.probe_request(url, Link(url, kind=kind), method="GET")
                return
            title, text = page_title_and_text(response.body, http_charset(response))
            soft = self.detector.classify(url, response.status, response.url, title, text) if \
                self.scope.is_internal(url) else self.detector.classify_external(title, text)
            if soft:
                self.record(url, "dead", response.status, "soft404", response, method, detail=soft)
                return
        if redirect:
            self.record(url, redirect, response.status, reason, response, method, detail=detail)
            return
        self.record(url, verdict, response.status, "" if verdict == "ok" else f"http_{response.status}",
                    response, method)

    def on_probe_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request
        url = request.meta["pw_url"]
        if self.program_error(failure):
            return
        reason, detail = linkcheck.failure_reason(failure, request.meta.get("redirect_urls"), request.url)
        if request.method == "HEAD" and reason in ("connection_lost", "error"):
            yield self.probe_request(url, Link(url, kind=request.meta.get("pw_kind", "page")), method="GET",
                                     pw_headers_only=True)
            return
        self.record(url, linkcheck.verdict_for_failure(reason), None, reason, None, request.method, detail=detail)

    def record(self, url: str, verdict: str, status: int | None, reason: str, response: Response | None,
               method: str, detail: str = "") -> None:
        attempts = 1 + (response.meta.get("retry_times", 0) if response is not None else 0)
        self.collector.add_check(LinkCheck(
            target=url, verdict=verdict, status=status, reason=reason, detail=detail,
            final_url=response.url if response is not None else "", method=method, attempts=attempts,
            internal=self.scope.is_internal(url)))

    def closed(self, reason: str) -> None:
        self.analyser.close()
        self.collector.flush()
        snap = self.collector.snapshot
        snap.stats["close_reason"] = reason
        if reason not in ("finished",):
            snap.complete = False
