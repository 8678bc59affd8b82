"""One audit of one site: crawl → checks → score → store. Used by ``portalwatch audit``.

The crawl runs Scrapy's reactor in this process, and Twisted's reactor cannot be
restarted, so one process runs one audit; the monitor runs each audit in its own
subprocess. Pages stream into the database while the crawl goes; the run is closed
in one transaction at the end, or marked ``interrupted`` when stopped halfway. A crawl
stopped by ``--time-limit`` ends ``cut_short``: the findings on what was seen are stored,
but the run never counts as complete.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from portalwatch.checks.base import Context
from portalwatch.checks.registry import CheckResults, run_checks
from portalwatch.crawler.collector import Collector
from portalwatch.crawler.snapshot import Snapshot
from portalwatch.reports.storage import Store, now_iso
from portalwatch.scheduler.monitor import DEFAULT_TIME_LIMIT  # the same default as ``portalwatch run``

log = logging.getLogger(__name__)
CUT_SHORT = "cut_short"  # run status: the time limit stopped the crawl


class AuditError(Exception):
    """A problem with the audit's input: reported in one line, nothing written (exit 2)."""


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
    progress: bool = True
    site_name: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # raw Scrapy / PORTALWATCH_* overrides
    time_limit: float = DEFAULT_TIME_LIMIT  # seconds of crawling, then the run ends cut_short


@dataclass
class AuditResult:
    run_id: int
    status: str  # complete, unreachable, interrupted, cut_short
    document: dict[str, Any]
    snapshot: Snapshot
    checks: CheckResults
    score: Any = None


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
        "PORTALWATCH_PROGRESS": opts.progress,
        "RETRY_GIVE_UP_LOG_LEVEL": "DEBUG",
        "LOGSTATS_INTERVAL": 0,
        "CLOSESPIDER_TIMEOUT": opts.time_limit,  # Scrapy's CloseSpider: reason "closespider_timeout"
    }
    from portalwatch.crawler.render import render_settings

    settings.update(render_settings(opts.render, opts.settings))
    settings.update(opts.settings)
    return settings


def crawl_site(opts: AuditOptions, collector: Collector) -> Snapshot:
    """Run the portal spider to completion in this process and return its snapshot."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from portalwatch.crawler.spider import PortalSpider

    settings = Settings()
    settings.setmodule("portalwatch.crawler.settings", priority="project")
    settings.update(scrapy_settings(opts), priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(PortalSpider, start_url=opts.url, collector=collector, as_of=opts.as_of)
    process.start()
    return collector.snapshot


def run_audit(opts: AuditOptions) -> AuditResult:
    opts.url = normalise_url(opts.url)
    profile = load_profile(opts.profile)
    store = Store(opts.db)
    store.recover_dead_runs()
    options = {k: (str(v) if isinstance(v, (Path, dt.date)) else v) for k, v in asdict(opts).items()}
    run_id = store.start_run(site=opts.url, profile=opts.profile, as_of=opts.as_of.isoformat(),
                             options=options, site_name=opts.site_name)
    snapshot = Snapshot(start_url=opts.url, started=now_iso(), render_mode=opts.render)
    collector = Collector(snapshot, on_pages=lambda pages: store.add_pages(run_id, pages))
    try:
        crawl_site(opts, collector)
    except BaseException:
        collector.flush()
        store.mark_run(run_id, "interrupted")
        raise
    collector.flush()
    snapshot.finished = now_iso()
    cut_short = was_cut_short(snapshot)
    if not snapshot.complete and not snapshot.unreachable and not (cut_short and snapshot.home):
        # stopped before the homepage was read, the time limit included: nothing to judge
        status = CUT_SHORT if cut_short else "interrupted"
        store.finish_run(run_id, status=status, link_checks=snapshot.link_checks.values(),
                         link_sources=snapshot.link_sources, skips=snapshot.skips, findings=[],
                         score=None, verdict=None, grade=None,
                         summary=summary_facts(snapshot, None) | bounds_facts(snapshot, opts))
        return AuditResult(run_id, status, {}, snapshot, CheckResults())
    settings = {"DOWNLOAD_TIMEOUT": opts.timeout, **opts.settings}
    ctx = Context(profile=profile, as_of=opts.as_of, settings=settings)
    results = run_checks(snapshot, ctx, overrides=settings.get("PORTALWATCH_CHECKS"))
    score = score_site(results, snapshot, ctx)
    status = "unreachable" if snapshot.unreachable else CUT_SHORT if cut_short else "complete"
    findings = [f.to_dict() | {"fingerprint": fingerprint(opts.url, f.to_dict())} for f in results.findings]
    store.finish_run(run_id, status=status, link_checks=snapshot.link_checks.values(),
                     link_sources=snapshot.link_sources, skips=snapshot.skips, findings=findings,
                     score=score.get("score"), verdict=score.get("verdict"), grade=score.get("grade"),
                     summary=summary_facts(snapshot, results) | {"score": score} | bounds_facts(snapshot, opts))
    from portalwatch.reports.summary import audit_document

    document = audit_document(store, run_id)
    store.close()
    return AuditResult(run_id, status, document, snapshot, results, score)


def was_cut_short(snapshot: Snapshot) -> bool:
    """True when the time limit (CLOSESPIDER_TIMEOUT) closed the crawl."""
    return snapshot.stats.get("close_reason") == "closespider_timeout"


def bounds_facts(snapshot: Snapshot, opts: AuditOptions) -> dict[str, Any]:
    """What the run's bounds left out: cut short by the time limit, links beyond the per-page limit."""
    return {"cut_short": was_cut_short(snapshot), "time_limit": opts.time_limit,
            "links_over_limit": int(snapshot.stats.get("links_over_limit", 0))}


def fingerprint(site: str, finding: dict[str, Any]) -> str:
    """Stable identity of a finding across runs: check + site + what it is about."""
    import hashlib

    subject = finding.get("target") or finding.get("column") or finding.get("url") or ""
    extra = ""
    if finding["check"] == "missing_interpretation":
        extra = str(finding.get("evidence", {}).get("doc_number") or finding.get("url"))
    raw = "\x1f".join([finding["check"], site, subject, extra])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def score_site(results: CheckResults, snapshot: Snapshot, ctx: Context) -> dict[str, Any]:
    try:
        from portalwatch.checks.scoring import score_site as _score
    except ImportError:
        return {}
    result = _score(results.findings, snapshot, ctx)
    return asdict(result) if hasattr(result, "__dataclass_fields__") else dict(result)


def summary_facts(snapshot: Snapshot, results: CheckResults | None) -> dict[str, Any]:
    checks = snapshot.link_checks.values()
    skips: dict[str, int] = {}
    for skip in snapshot.skips:
        skips[skip.reason] = skips.get(skip.reason, 0) + 1
    facts: dict[str, Any] = {
        "complete": snapshot.complete,
        "unreachable": snapshot.unreachable,
        "links_checked": len(snapshot.link_checks),
        "links_dead": sum(1 for c in checks if c.verdict == "dead"),
        "links_unverifiable": sum(1 for c in checks if c.verdict == "unverifiable"),
        "skipped": skips,
        "max_pages_reached": bool(snapshot.stats.get("max_pages_reached")),
        "encoding_notes": sum(1 for p in snapshot.pages.values() if p.encoding_note),
        "render_mode": snapshot.render_mode,
        "render_available": snapshot.render_available,
        "rendered_pages": sum(1 for p in snapshot.pages.values() if p.rendered),
        "render_needed_not_rendered": sum(1 for p in snapshot.pages.values()
                                          if p.render_reason.startswith(("needs_render_but_off:",
                                                                         "needs_render_no_browser:"))),
        "render_failed": sum(1 for p in snapshot.pages.values() if p.render_reason.startswith("render_failed:")),
    }
    if results is not None:
        facts["notes"] = [{"check": n.check, "message": n.message} for n in results.notes]
        facts["check_errors"] = results.errors
    return facts
