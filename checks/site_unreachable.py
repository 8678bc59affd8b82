"""site_unreachable: the start URL could not be fetched."""

from __future__ import annotations

from typing import Iterator

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.crawler.snapshot import UNVERIFIABLE, Snapshot, reason_text


class SiteUnreachable(Check):
    """What it does: reports that the site's start URL could not be fetched at all —
    DNS failure, refused connection, timeout (the national limit is 15 s), or an
    error status that persisted after retries.

    Why it matters: an unreachable portal is a single-veto item (单项否决) of the 2019
    national indicators (站点无法访问); nothing else on the site can be inspected.

    A homepage answering 401/403/412/429 is most often a firewall rejecting automated
    clients: it is reported as ``minor`` (could not be verified), not as a veto.

    Example: ``http://xx.gov.cn/`` answers "connection refused" three times in a row.
    """

    id = "site_unreachable"
    severity = "veto"
    message = "网站首页无法访问（{reason}），请尽快恢复网站正常访问。"

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        if not site.unreachable:
            return
        status = site.stats.get("home_status")
        status = int(status) if isinstance(status, (int, float)) else None
        reason = reason_text(site.unreachable, status) if site.unreachable.startswith(("http_", "dns", "refused",
                             "timeout", "redirect", "too_many", "connection", "tls", "error")) \
            else (site.unreachable_detail or site.unreachable)
        evidence = {"reason": site.unreachable, "reason_text": reason, "detail": site.unreachable_detail,
                    "status": status, "timeout_seconds": ctx.settings.get("DOWNLOAD_TIMEOUT")}
        if status in UNVERIFIABLE:
            yield self.finding(url=site.start_url, severity="minor", evidence={**evidence, "unverifiable": True},
                               message=f"网站首页拒绝了检查程序的访问（HTTP {status}），可能被网站防护设备拦截，"
                                       "本次无法完成检查，请核实后放行或人工检查。")
            return
        yield self.finding(url=site.start_url, evidence=evidence, reason=reason)
