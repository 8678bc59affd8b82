"""The link-verdict vocabulary: what a verdict's reason means, in Chinese.

It belongs to the snapshot model (``LinkCheck.reason``, ``Snapshot.unreachable``), not to the
crawler's network code, so that checks read it without importing Scrapy or Twisted. The crawler
(``linkcheck``) decides the reasons; this module only names them. Re-exported by ``snapshot``.
"""

from __future__ import annotations

# answers that say a firewall, a login, a proxy or a legal block stands in the way, not that
# the link is broken (LinkedIn's 999 too)
UNVERIFIABLE = frozenset({401, 403, 407, 412, 429, 451, 999})

REASONS_ZH = {
    "dns": "域名无法解析", "refused": "连接被拒绝", "timeout": "连接超时", "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多", "connection_lost": "连接中断", "tls": "证书或加密连接错误",
    "error": "无法访问", "malformed_url": "链接地址格式错误", "bad_redirect": "跳转到非网页地址",
    "app_redirect": "跳转到应用协议地址，无法核实", "too_large": "内容过大，未读取",
}
UNVERIFIABLE_REASONS = frozenset({"too_large"})  # failures that say nothing against the link


def verdict_for_status(status: int) -> str:
    if status < 200:  # only an interim answer (100 Continue ...): the page never came
        return "dead"
    if status < 400:
        return "ok"
    if status in UNVERIFIABLE:
        return "unverifiable"
    return "dead"


def verdict_for_failure(reason: str) -> str:
    """``unverifiable`` for failures that are not the link's fault, else ``dead``."""
    return "unverifiable" if reason in UNVERIFIABLE_REASONS else "dead"


def reason_text(reason: str, status: int | None) -> str:
    """The reason in Chinese, for messages and evidence."""
    if reason.startswith("http_") and status and status < 200:
        return f"服务器只回复了临时响应 HTTP {status}，没有返回页面"
    if reason.startswith("http_") and status:
        return f"HTTP {status}"
    if reason.startswith("soft404"):
        return "页面实际不存在（软 404）"
    return REASONS_ZH.get(reason, reason)
