"""dead_link: a link, image or attachment on a crawled page is broken."""

from __future__ import annotations

from typing import Iterator

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.crawler.snapshot import Snapshot, reason_text

MAX_PAGES_IN_EVIDENCE = 50


class DeadLink(Check):
    """What it does: reports every link target (page link, image, attachment, external
    link, frame, video, stylesheet, icon, CSS background, meta-refresh target) found on a
    crawled page that is broken: 404/410 and other 4xx, 5xx after retries, an answer that
    never gets past 1xx, DNS failure, refused connection, timeout, redirect loop, a redirect
    to a non-web address (``ftp:``, ``file:``), an address no browser can open
    (``http://localhost]``, a space in the host, port 99999), or a soft 404 (the server
    answers 200 but the page says it does not exist). One finding per target, listing
    every page it appears on.

    Why it matters: broken links are the most common deduction of the national
    indicators (−1 point each on the homepage, −0.1 elsewhere) and the 死链 that
    local rules tell units to avoid.

    Not reported: redirects to working pages, HEAD refused but GET working, 429 that
    clears on retry, ``mailto:``/``tel:``/``javascript:``/``#``/``data:`` links, and
    401/403/407/412/429/451 that never clear (recorded as unverifiable, since a firewall,
    a proxy or a legal block is not a broken link).

    Example: ``/xxgk/2019/report.pdf`` linked from 3 pages answers 404.
    """

    id = "dead_link"
    severity = "major"
    message = "链接“{label}”无法访问（{reason}），出现在 {count} 个页面上，请修复或删除该链接。"
    # causes a webmaster fixes differently get their own wording
    messages = {
        "malformed_url": "链接“{label}”的地址格式错误（{detail}），浏览器无法打开，出现在 {count} 个页面上，"
                         "请更正该链接地址或删除该链接。",
        "bad_redirect": "链接“{label}”跳转到了非网页地址（{detail}），出现在 {count} 个页面上，"
                        "请改为可访问的网页地址或删除该链接。",
    }

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
