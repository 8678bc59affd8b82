"""site_unreachable: the start URL could not be fetched."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding, add_line, first_of
from portalwatch.crawler.snapshot import UNVERIFIABLE, Snapshot, reason_text


class SiteUnreachable(Check):
    """检查内容：网站起始网址（首页）完全无法打开——域名无法解析、连接被拒绝、超时（国家
    规定的时限为 15 秒），或重试后仍返回错误状态。监测程序每天多次访问首页时，一周内 15
    秒内打不开的次数达到 5% 也记为此项（见 portalwatch.checks.availability）。

    依据：站点无法访问是 2019 年国家检查指标的单项否决项；首页打不开，网站的其他内容也
    无法检查。

    首页返回 401/403/412/429 多半是防护设备拦截了自动访问：记为一般问题（本次无法核实），
    不作单项否决。

    示例：http://xx.gov.cn/ 连续三次“连接被拒绝”。
    """

    id = "site_unreachable"
    severity = "veto"
    title = "站点无法访问"
    guidance = "立即排查服务器、网络和域名解析故障，尽快恢复网站正常访问；首页在 15 秒内无法打开的比例不得达到 5%。"
    message = "网站首页无法访问（{reason}），请尽快恢复网站正常访问。"

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        ev = finding.get("evidence") or {}
        lines: list[tuple[str, str]] = []
        add_line(lines, "访问结果", first_of(ev, "reason_text", "reason"))
        add_line(lines, "详细情况", ev.get("detail"))
        add_line(lines, "超时限制", ev.get("timeout_seconds"), " 秒")
        return lines

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
