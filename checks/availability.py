"""The availability veto (站点无法访问) judged from a week of homepage probes.

The rule (国办秘函〔2019〕19号): over one week the homepage is visited at least 20 times a
day; if the visits that fail to open within 15 s reach 5 %, the site fails outright
(单项否决). Monitoring vendors warn from 3 %. ``scheduler/probes.py`` measures (one plain GET
per probe) and stores; this module judges the figures and words the finding, which belongs
to the site-unreachable check (the same id, title and guidance as an audit's).
"""

from __future__ import annotations

from typing import Any

from portalwatch.checks.site_unreachable import SiteUnreachable

WINDOW_DAYS = 7
MIN_PROBES = 20
VETO_RATE = 0.05
WARN_RATE = 0.03


def level(total: int, failed: int) -> tuple[float, str]:
    """``(failure rate, level)``: level is ``insufficient`` (fewer than MIN_PROBES visits),
    ``veto``, ``warning`` or ``ok``."""
    rate = failed / total if total else 0.0
    if total < MIN_PROBES:
        return rate, "insufficient"
    if rate >= VETO_RATE:
        return rate, "veto"
    if rate >= WARN_RATE:
        return rate, "warning"
    return rate, "ok"


def subject(site_url: str) -> dict[str, Any]:
    """What the probes' tracked finding is about, for its fingerprint: ``target`` names the
    measurement so that it is not the finding of an audit that found the homepage down."""
    return {"check": SiteUnreachable.id, "target": f"availability:{site_url}"}


def finding(site_url: str, figures: dict[str, Any], timeout: float) -> dict[str, Any]:
    """The veto finding (a finding dict, as stored) for figures at the ``veto`` level."""
    evidence = {"source": "probes", "window_days": WINDOW_DAYS, "probes": figures["total"],
                "failed": figures["failed"], "failure_rate": figures["rate"], "threshold": VETO_RATE,
                "timeout_seconds": timeout, "blocked": figures["blocked"], "since": figures["since"]}
    message = (f"近 {WINDOW_DAYS} 天对网站首页访问监测 {figures['total']} 次，其中 {figures['failed']} 次"
               f"未能在 {timeout:g} 秒内打开（失败率 {figures['rate']:.1%}），达到“{SiteUnreachable.title}”"
               f"单项否决标准（{VETO_RATE:.0%}），请尽快排查并保障网站稳定访问。")
    return {"check": SiteUnreachable.id, "severity": SiteUnreachable.severity, "url": site_url, "target": None,
            "column": None, "message": message, "evidence": evidence}
