"""dead_link: a link, image or attachment on a crawled page is broken."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding, add_line
from portalwatch.crawler.snapshot import Snapshot, reason_text

MAX_PAGES_IN_EVIDENCE = 50


class DeadLink(Check):
    """检查内容：报告已抓取页面上每一个失效的链接目标（页面链接、图片、附件、外部链接、
    框架、视频、样式表、图标、CSS 背景图、meta 跳转目标）：404/410 及其他 4xx、重试后仍为
    5xx、只返回 1xx 临时响应、域名无法解析、连接被拒绝、超时、重定向循环、跳转到非网页地址
    （ftp:、file:）、浏览器无法打开的地址（http://localhost]、主机名中有空格、端口 99999），
    以及软 404（服务器返回 200，页面却说内容不存在）。每个目标报告一次，列出它出现的所有页面。

    依据：失效链接是国家检查指标中最常见的扣分项（首页每处扣 1 分，其他页面每处扣 0.1 分），
    也是各地规定要求避免的“死链”。

    不报告：跳转到可用页面的链接、HEAD 被拒但 GET 正常的链接、重试后恢复的 429、
    mailto:/tel:/javascript:/#/data: 链接，以及始终返回 401/403/407/412/429/451 的链接（记为
    无法核实：防火墙、代理或法律限制不等于链接失效）。

    示例：/xxgk/2019/report.pdf 出现在 3 个页面上，返回 404。
    """

    id = "dead_link"
    severity = "major"
    title = "失效链接"
    guidance = "修复失效的链接、图片和附件地址；无法恢复的，删除该链接。"
    score_defaults = {"dead_link_home": 1.0, "dead_link_other": 0.1}
    message = "链接“{label}”无法访问（{reason}），出现在 {count} 个页面上，请修复或删除该链接。"
    # causes a webmaster fixes differently get their own wording
    messages = {
        "malformed_url": "链接“{label}”的地址格式错误（{detail}），浏览器无法打开，出现在 {count} 个页面上，"
                         "请更正该链接地址或删除该链接。",
        "bad_redirect": "链接“{label}”跳转到了非网页地址（{detail}），出现在 {count} 个页面上，"
                        "请改为可访问的网页地址或删除该链接。",
    }

    @classmethod
    def deduction_group(cls, finding: Finding) -> str:
        return "home" if finding.evidence.get("on_homepage") else "other"

    @classmethod
    def deduction_reason(cls, sub: str, count: int, each: float) -> str:
        where = "首页" if sub == "home" else "其他页面"
        return f"{where}失效链接 {count} 处（每处扣 {each:g} 分）"

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        ev = finding.get("evidence") or {}
        lines: list[tuple[str, str]] = []
        add_line(lines, "失效地址", finding.get("target"))
        add_line(lines, "链接文字", ev.get("link_text"))
        status, reason = ev.get("status"), ev.get("reason_text") or ev.get("reason") or ""
        add_line(lines, "访问结果", reason + (f"（HTTP {status}）" if status and str(status) not in reason else ""))
        if ev.get("reason") in cls.messages:  # what exactly to correct
            add_line(lines, "详细情况", str(ev.get("detail") or "").removeprefix("链接地址格式错误："))
        if ev.get("page_count"):
            add_line(lines, "出现位置", f"{ev['page_count']} 个页面" + ("，含网站首页" if ev.get("on_homepage") else ""))
        return lines

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        home = site.home
        home_urls = {home.url, home.final_url} if home else set()
        for target in sorted(site.link_sources):
            check = site.link_checks.get(target)
            if check is None or check.verdict != "dead":
                continue
            pages = site.link_sources[target]
            text, kind = self._label(site, pages[0], target)
            reason = reason_text(check.reason, check.status)
            evidence = {
                "status": check.status, "reason": check.reason, "reason_text": reason,
                "detail": check.detail, "method": check.method, "attempts": check.attempts,
                "final_url": check.final_url or None, "link_text": text, "kind": kind,
                "internal": check.internal, "on_homepage": any(p in home_urls for p in pages),
                "page_count": len(pages), "pages": pages[:MAX_PAGES_IN_EVIDENCE],
            }
            template = self.messages.get(check.reason, self.message)
            detail = check.detail.removeprefix("链接地址格式错误：")
            yield self.finding(url=pages[0], target=target, evidence=evidence,
                               message=template.format(label=text or target, reason=reason, count=len(pages),
                                                       detail=detail))

    @staticmethod
    def _label(site: Snapshot, page_url: str, target: str) -> tuple[str, str]:
        page = site.pages.get(page_url)
        for link in page.links if page else ():
            if link.url == target:
                return link.text, link.kind
        return "", "page"
