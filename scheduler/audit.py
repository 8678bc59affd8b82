"""One audit of one site: crawl → checks → score → store. Used by ``portalwatch audit``.

The crawl runs Scrapy's reactor in this process, and Twisted's reactor cannot be
restarted, so one process runs one audit; the monitor runs each audit in its own
subprocess. Pages stream into the database while the crawl goes; the run is closed
in one transaction at the end, or marked ``interrupted`` when stopped halfway, ``failed``
when our side broke, and ``cut_short`` when ``--time-limit`` stopped the crawl (the findings
on what was seen are stored, the run never counts as complete); scheduler/runstate.py
decides which, from facts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from portalwatch.errors import InputError
from portalwatch.checks.base import Context
from portalwatch.checks.registry import CheckLoadError, CheckResults, check_class, enabled_checks, run_checks
from portalwatch.crawler.collector import Collector
from portalwatch.crawler.snapshot import Snapshot
from portalwatch.reports.storage import Store, now_iso
from portalwatch.scheduler.monitor import DEFAULT_TIME_LIMIT  # the same default as ``portalwatch run``
from portalwatch.scheduler.runstate import (CUT_SHORT, SCORED, CrawlEnd, WatchedCrawlerProcess, coverage, decide_state,
                                            ignore_signals, raise_on_signals)

log = logging.getLogger(__name__)


class AuditError(InputError):
    """A problem with the audit's input: reported in one line, nothing written (exit 2)."""

    exit_code, http_status = 2, 422


@dataclass
class AuditOptions:
    url: str
    db: Path
    profile: str = "township"
    max_pages: int = 5000
    as_of: dt.date = field(default_factory=dt.date.today)
    render: str = "auto"
    concurrency: int = 4
    delay: float = 0.25
    timeout: float = 15.0
    ignore_robots: bool = False
    scope: str = "auto"  # host, path, or auto (path when the start URL is below the root)
    progress: bool = True
    site_name: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # raw Scrapy / PORTALWATCH_* overrides
    time_limit: float = DEFAULT_TIME_LIMIT  # seconds of crawling, then the run ends cut_short
    # Incremental nights (crawler/incremental.py): "incremental" reuses what the last complete audit
    # saw (it is full anyway every PORTALWATCH_FULL_EVERY nights); the previous state comes from
    # ``prev_state``, else the file ``state_in``, else the database; a complete run's new state goes to
    # the file ``state_out`` when given (a worker hands it back), else to the database.
    mode: str = "full"
    state_in: Path | None = None
    state_out: Path | None = None
    prev_state: Any = field(default=None, repr=False)


@dataclass
class AuditResult:
    run_id: int
    status: str  # complete, unreachable, interrupted, failed, cut_short (scheduler/runstate.py)
    document: dict[str, Any]
    snapshot: Snapshot
    checks: CheckResults
    score: Any = None
    mode: str = "full"  # what the run was: full or incremental
    new_state: Any = None  # crawler.incremental.SiteState of a complete run, for the next night


def normalise_url(raw: str) -> str:
    """A usable start URL, or AuditError with the reason in Chinese."""
    url = (raw or "").strip()
    if not url:
        raise AuditError("网址为空")
    if any(ch.isspace() for ch in url):
        raise AuditError(f"网址中含有空白字符：{raw!r}")
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AuditError(f"网址格式不正确：{raw}（{exc}）") from None
    if parts.scheme not in ("http", "https"):
        raise AuditError(f"只支持 http 和 https 网址：{raw}")
    host = parts.hostname or ""
    if not host or host.startswith(".") or ".." in host or not all(
            ch.isalnum() or ch in "-._[]:" for ch in host):
        raise AuditError(f"网址缺少有效的主机名：{raw}")
    if port == 0:
        raise AuditError(f"网址端口无效：{raw}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def load_profile(name: str) -> Any:
    try:
        from portalwatch.checks.profiles import load_profile as _load
    except ImportError:  # profiles ship with the column checks
        if name in ("township", "department", "county"):
            return name
        raise AuditError(f"未知的栏目配置：{name}") from None
    try:
        return _load(name)
    except (ValueError, OSError) as exc:
        raise AuditError(f"无法加载栏目配置 {name}：{exc}") from None


def scrapy_settings(opts: AuditOptions) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "CONCURRENT_REQUESTS_PER_DOMAIN": opts.concurrency,
        "CONCURRENT_REQUESTS": max(16, opts.concurrency * 4),
        "DOWNLOAD_DELAY": opts.delay,
        "AUTOTHROTTLE_START_DELAY": opts.delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(opts.concurrency),
        "DOWNLOAD_TIMEOUT": opts.timeout,
        "ROBOTSTXT_OBEY": not opts.ignore_robots,
        "PORTALWATCH_MAX_PAGES": opts.max_pages,
        "PORTALWATCH_SCOPE": opts.scope,
        "PORTALWATCH_PROGRESS": opts.progress,
        "RETRY_GIVE_UP_LOG_LEVEL": "DEBUG",
        "LOGSTATS_INTERVAL": 0,
        "CLOSESPIDER_TIMEOUT": opts.time_limit,  # Scrapy's CloseSpider: reason "closespider_timeout"
    }
    from portalwatch.crawler.render import render_settings

    settings.update(render_settings(opts.render, opts.settings))
    settings.update(opts.settings)
    return settings


def audit_context(opts: AuditOptions, profile: Any) -> Context:
    """What the checks may read besides the snapshot (the same before and after the crawl)."""
    return Context(profile=profile, as_of=opts.as_of, settings={"DOWNLOAD_TIMEOUT": opts.timeout, **opts.settings})


def text_terms(ctx: Context) -> list[str]:
    """The words every enabled check wants the sentences of (``Check.text_terms``), for the crawl.
    A check whose configuration is unusable (an unreadable lexicon file) stops the audit before
    anything is written: AuditError with the check's own message."""
    terms: dict[str, None] = {}
    try:
        classes = enabled_checks(ctx.settings.get("PORTALWATCH_CHECKS"))
    except Exception:  # noqa: BLE001 - reported where the checks run, as before
        return []
    for check_id, cls in classes.items():
        try:
            wanted = getattr(cls, "text_terms", lambda _ctx: ())(ctx) or ()
        except (ValueError, OSError) as exc:
            raise AuditError(f"检查 {check_id} 的配置有误：{exc}") from None
        for term in wanted:
            if term:
                terms.setdefault(str(term), None)
    return list(terms)


def crawl_site(opts: AuditOptions, collector: Collector, end: CrawlEnd | None = None,
               terms: list[str] | None = None, plan: Any = None, spider_out: list[Any] | None = None) -> Snapshot:
    """Run the portal spider in this process; ``end`` learns how the crawl ended; ``terms``
    are the words whose sentences the pages' ``text_hits`` keep; ``spider_out`` receives the
    spider (its ``new_state()`` is the incremental state of this crawl)."""
    from scrapy import signals
    from scrapy.settings import Settings

    from portalwatch.crawler.spider import PortalSpider

    end = end if end is not None else CrawlEnd()
    settings = Settings()
    settings.setmodule("portalwatch.crawler.settings", priority="project")
    settings.update(scrapy_settings(opts), priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    if terms:
        settings.set("PORTALWATCH_TEXT_TERMS", list(terms), priority="cmdline")
    process = WatchedCrawlerProcess(settings, end)
    crawler = process.create_crawler(PortalSpider)
    crawler.signals.connect(end.on_closed, signal=signals.spider_closed)
    crawler.signals.connect(end.on_spider_error, signal=signals.spider_error)
    process.crawl(crawler, start_url=opts.url, collector=collector, as_of=opts.as_of,
                  plan=plan).addErrback(end.on_crash)
    process.start()
    if spider_out is not None and getattr(crawler, "spider", None) is not None:
        spider_out.append(crawler.spider)
    return collector.snapshot


def run_audit(opts: AuditOptions) -> AuditResult:
    """Audit one site; the run is stored as complete only when it really was (scheduler/runstate.py)."""
    opts.url = normalise_url(opts.url)
    scope = opts.settings.get("PORTALWATCH_SCOPE", opts.scope)
    if scope not in ("auto", "host", "path"):
        raise AuditError(f"网站范围应为 host、path 或 auto：{scope}")
    profile = load_profile(opts.profile)
    try:  # every configured check must load before anything is written (exit 2 otherwise)
        enabled_checks(opts.settings.get("PORTALWATCH_CHECKS"))
    except CheckLoadError as exc:
        raise AuditError(str(exc)) from None
    terms = text_terms(audit_context(opts, profile))
    restore = raise_on_signals()
    try:
        return _audit(opts, profile, terms)
    finally:
        restore()


def _audit(opts: AuditOptions, profile: Any, terms: list[str] | None = None) -> AuditResult:
    store = Store(opts.db)  # opening it marks runs of processes that died as interrupted
    options = {k: (str(v) if isinstance(v, (Path, dt.date)) else v) for k, v in asdict(
        dataclasses.replace(opts, prev_state=None)).items() if k != "prev_state"}
    plan = _plan(opts, store, terms)
    run_id = store.start_run(site=opts.url, profile=opts.profile, as_of=opts.as_of.isoformat(),
                             options=options, site_name=opts.site_name)
    snapshot = Snapshot(start_url=opts.url, started=now_iso(), render_mode=opts.render)
    snapshot.stats.update(mode=plan.mode, night=plan.night, full_every=plan.full_every)
    if plan.why_full:
        snapshot.stats["full_reason"] = plan.why_full
    spiders: list[Any] = []
    new_state = None
    collector = Collector(snapshot, on_pages=lambda pages: store.add_pages(run_id, pages))
    end = CrawlEnd()
    results, score = CheckResults(), None
    try:
        try:
            crawl_site(opts, collector, end, terms, plan, spiders)
        finally:  # Scrapy's handlers, still installed, would swallow a later signal
            ignore_signals() if end.signals else raise_on_signals()
        collector.flush()
        snapshot.finished = now_iso()
        status, reason = decide_state(snapshot, end)
        snapshot.complete = status == "complete"
        if status == CUT_SHORT:
            snapshot.stats["cut_short"] = 1  # checks: columns the crawl never reached are undecided
        if status in SCORED or (status == CUT_SHORT and snapshot.home is not None):
            results, score = _check_and_store(store, run_id, opts, profile, snapshot, end, status, reason)
        else:
            _close_unscored(store, run_id, snapshot, end, status, reason)
        if status == "complete" and spiders:  # only a complete run speaks for the next night
            new_state = _keep_state(store, run_id, opts, plan, spiders[0])
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM outside the crawl (Interrupted)
        _close_after_error(store, run_id, collector, snapshot, end, "interrupted", "检查被信号中断")
        raise
    except Exception as exc:  # our side broke: a failed run with its reason, never scored
        log.debug("audit failed", exc_info=True)
        status, results, score = "failed", CheckResults(), None
        reason = f"检查程序出错：{type(exc).__name__}: {exc}"[:500]
        _close_after_error(store, run_id, collector, snapshot, end, status, reason)
    result = _result(store, run_id, status, snapshot, results, score)
    result.mode, result.new_state = plan.mode, new_state
    return result


# settings that change how an audit runs, not what a page yields: a state stays usable across them
NOT_READING = ("PORTALWATCH_FULL_EVERY", "PORTALWATCH_ANALYSIS_WORKERS", "PORTALWATCH_PROGRESS_INTERVAL")


def _plan(opts: AuditOptions, store: Store, terms: list[str] | None = None) -> Any:
    """Full or incremental tonight, with the previous state when incremental."""
    from portalwatch.crawler import incremental
    from portalwatch.reports import pagecache

    if opts.mode not in ("full", "incremental"):
        raise AuditError(f"检查方式应为 full 或 incremental：{opts.mode}")
    prev = opts.prev_state
    if prev is None and opts.state_in is not None:
        prev = incremental.read_file(opts.state_in)
    every = incremental.full_every(opts.settings)
    # what pages are read with: another profile or other --set overrides make the state unusable
    # (and other text terms: an office's new lexicon entry must be looked for on unchanged pages too)
    reading = incremental.reading_digest(profile=opts.profile, scope=opts.scope, max_pages=opts.max_pages,
                                         settings={k: v for k, v in opts.settings.items()
                                                   if k not in NOT_READING},
                                         terms=sorted(terms or ()))
    if prev is None and opts.state_in is None:
        if opts.mode == "full":  # only the night counter is needed
            return incremental.Plan("full", None, pagecache.last_night(store.db, opts.url) + 1, every,
                                    reading=reading)
        prev = pagecache.load_state(store.db, opts.url)
    return incremental.plan(opts.mode, prev, opts.url, opts.render, every, reading)


def _keep_state(store: Store, run_id: int, opts: AuditOptions, plan: Any, spider: Any) -> Any:
    """The crawl's state for the next night: to ``state_out`` when given, else to the database."""
    from portalwatch.crawler import incremental
    from portalwatch.reports import pagecache

    try:
        state = spider.new_state()
        if opts.state_out is not None:
            incremental.write_file(opts.state_out, state)
        else:
            pagecache.save_state(store.db, opts.url, state, run_id=run_id, mode=plan.mode, updated=now_iso())
        return state
    except Exception:  # noqa: BLE001 - the run stands; the next night is then simply full
        log.warning("could not keep the incremental state", exc_info=True)
        return None


def _check_and_store(store: Store, run_id: int, opts: AuditOptions, profile: Any, snapshot: Snapshot,
                     end: CrawlEnd, status: str, reason: str) -> tuple[CheckResults, dict[str, Any]]:
    """Run the checks on a crawl that ended normally, score it and close the run in one transaction."""
    ctx = audit_context(opts, profile)
    settings = ctx.settings
    classes = enabled_checks(settings.get("PORTALWATCH_CHECKS"))
    results = run_checks(snapshot, ctx, classes=classes)
    score = score_site(results, snapshot, ctx, classes)
    findings = [f.to_dict() | {"fingerprint": fingerprint(opts.url, f.to_dict())} for f in results.findings]
    store.finish_run(run_id, status=status, link_checks=snapshot.link_checks.values(),
                     link_sources=snapshot.link_sources, skips=snapshot.skips, findings=findings,
                     score=score.get("score"), verdict=score.get("verdict"), grade=score.get("grade"),
                     summary=summary_facts(snapshot, results, end, status, reason, opts) | {"score": score})
    return results, score


def _close_unscored(store: Store, run_id: int, snapshot: Snapshot, end: CrawlEnd, status: str,
                    reason: str) -> None:
    """Store what an interrupted or failed crawl saw, without findings or a score."""
    store.finish_run(run_id, status=status, link_checks=snapshot.link_checks.values(),
                     link_sources=snapshot.link_sources, skips=snapshot.skips, findings=[],
                     score=None, verdict=None, grade=None,
                     summary=summary_facts(snapshot, None, end, status, reason))


def _close_after_error(store: Store, run_id: int, collector: Collector, snapshot: Snapshot, end: CrawlEnd,
                       status: str, reason: str) -> None:
    """Close a run that an exception or a signal stopped; keep the pages already streamed."""
    if status == "interrupted":
        ignore_signals()  # a second signal must not stop the closing half-way
    try:
        collector.flush()
    except Exception:  # the database may be what broke; the run row below still says so
        log.debug("could not store the last pages", exc_info=True)
    store.mark_run(run_id, status, summary=summary_facts(snapshot, None, end, status, reason))


def _result(store: Store, run_id: int, status: str, snapshot: Snapshot, results: CheckResults,
            score: Any = None) -> AuditResult:
    from portalwatch.reports.summary import audit_document

    document = audit_document(store, run_id)
    store.close()
    return AuditResult(run_id, status, document, snapshot, results, score)


def fingerprint(site: str, finding: dict[str, Any]) -> str:
    """Stable identity of a finding across runs: check + site + what it is about (the check's
    ``key``: its subject, and whatever else tells two of its findings apart)."""
    import hashlib

    check, subject, *extra = check_class(str(finding["check"])).key(finding)
    raw = "\x1f".join([check, site, subject, "\x1f".join(extra)])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def score_site(results: CheckResults, snapshot: Snapshot, ctx: Context,
               classes: dict[str, Any] | None = None) -> dict[str, Any]:
    from portalwatch.checks.scoring import score_site as _score

    return asdict(_score(results.findings, snapshot, ctx, results.undecided, classes))


def incremental_facts(snapshot: Snapshot) -> dict[str, Any]:
    """Which kind of audit the run was and how much of the last complete one it reused."""
    stats = snapshot.stats
    return {"mode": stats.get("mode", "full"), "full_reason": stats.get("full_reason", ""),
            "pages_reused": int(stats.get("pages_reused", 0)),
            "pages_not_modified": int(stats.get("pages_not_modified", 0)),
            "links_reused": int(stats.get("links_reused", 0))}


def summary_facts(snapshot: Snapshot, results: CheckResults | None, end: CrawlEnd | None = None,
                  status: str = "", reason: str = "", opts: AuditOptions | None = None) -> dict[str, Any]:
    checks = snapshot.link_checks.values()
    skips: dict[str, int] = {}
    for skip in snapshot.skips:
        skips[skip.reason] = skips.get(skip.reason, 0) + 1
    facts: dict[str, Any] = {
        "status": status, "reason": reason, "coverage": coverage(snapshot, end, status, reason),
        "complete": snapshot.complete,
        "unreachable": snapshot.unreachable,
        "links_checked": len(snapshot.link_checks),
        "links_dead": sum(1 for c in checks if c.verdict == "dead"),
        "links_unverifiable": sum(1 for c in checks if c.verdict == "unverifiable"),
        "skipped": skips,
        "max_pages_reached": bool(snapshot.stats.get("max_pages_reached")),
        "cut_short": status == CUT_SHORT, "time_limit": opts.time_limit if opts else None,
        "links_over_limit": int(snapshot.stats.get("links_over_limit", 0)),
        "scope": snapshot.stats.get("scope", "host"), "scope_prefix": snapshot.stats.get("scope_prefix", "/"),
        "outside_scope": snapshot.stats.get("outside_scope", 0),
        "encoding_notes": sum(1 for p in snapshot.pages.values() if p.encoding_note),
        "render_mode": snapshot.render_mode,
        "render_available": snapshot.render_available,
        "rendered_pages": sum(1 for p in snapshot.pages.values() if p.rendered),
        "render_needed_not_rendered": sum(1 for p in snapshot.pages.values()
                                          if p.render_reason.startswith(("needs_render_but_off:",
                                                                         "needs_render_no_browser:"))),
        "render_failed": sum(1 for p in snapshot.pages.values() if p.render_reason.startswith("render_failed:")),
        **incremental_facts(snapshot),
    }
    if results is not None:
        facts["notes"] = [{"check": n.check, "message": n.message} for n in results.notes]
        facts["undecided"] = [u.to_dict() for u in results.undecided]
        facts["check_errors"] = results.errors
    return facts
