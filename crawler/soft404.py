"""Soft-404 detection: a page that answers 200 but says it does not exist.

Two kinds of evidence, both about content, never status alone:
- phrases (页面不存在, 已删除, 找不到 ...) in the title, or in the body of a short page;
- likeness to the site's own answer for a random path that cannot exist (the
  *baseline*, fetched before the crawl), or a redirect to the homepage when the
  baseline redirects there too.
Long pages that merely mention a phrase in their text are not soft 404s: an article
about "页面不存在的处理" must not be reported.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from dataclasses import dataclass, field
from urllib.parse import urlsplit

PHRASES = ("页面不存在", "页面未找到", "页面找不到", "找不到页面", "找不到该页面", "您访问的页面不存在",
           "信息不存在", "文章不存在", "内容不存在", "已被删除", "已删除", "不存在或已被删除", "无法找到",
           "无法访问该页面", "页面已失效", "链接已失效", "page not found", "not found")
TITLE_404 = re.compile(r"(^|\D)404(\D|$)")
SHORT_PAGE = 600  # visible characters under which a body phrase counts
HOME_ALIASES = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/index.php",
                "/index.asp", "/index.aspx", "/default.aspx", "/default.asp", "/default.html", "/main.html"}


def shingles(text: str, size: int = 4) -> set[str]:
    compact = re.sub(r"\s+", "", text)[:4000]
    return {compact[i:i + size] for i in range(max(0, len(compact) - size + 1))}


def similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def title_reason(title: str) -> str:
    low_title = title.lower()
    for phrase in PHRASES:
        if phrase in low_title:
            return f"标题含“{phrase}”"
    if TITLE_404.search(title) and len(title) < 40:
        return "标题含“404”"
    return ""


def page_title_and_text(body: bytes, charset: str | None) -> tuple[str, str]:
    """Title and visible text of an HTML body (scripts and styles removed); never raises."""
    from portalwatch.crawler.extract.encoding import decode_html

    return title_and_text(decode_html(body, charset)[0])


def visible_text(html: str) -> str:
    return title_and_text(html)[1]


def title_and_text(html: str) -> tuple[str, str]:
    try:
        doc = lxml.html.document_fromstring(html or "<html></html>")
    except (ValueError, lxml.etree.ParserError):
        return "", ""
    title = " ".join((doc.findtext(".//title") or "").split())
    for bad in doc.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    body_el = doc.find("body")
    text = body_el.text_content() if body_el is not None else doc.text_content()
    return title, " ".join(text.split())


@dataclass
class Soft404Detector:
    home_url: str = ""
    baseline_status: int | None = None
    baseline_final: str = ""
    baseline_shingles: set[str] = field(default_factory=set)
    threshold: float = 0.9

    def learn(self, status: int, final_url: str, text: str, probe_url: str) -> None:
        """Remember how the site answers a path that cannot exist."""
        self.baseline_status = status
        self.baseline_final = final_url if final_url != probe_url else ""
        self.baseline_shingles = shingles(text) if status == 200 else set()

    def classify(self, url: str, status: int, final_url: str, title: str, text: str,
                 long_page: bool = False) -> str:
        """Why this 200 answer is really a "not found" page, or "" when it is not."""
        if status != 200:
            return ""
        by_title = title_reason(title)
        if by_title:
            return by_title
        visible = re.sub(r"\s+", "", text)
        if not long_page and len(visible) < SHORT_PAGE:
            low = visible.lower()
            for phrase in PHRASES:
                if phrase.replace(" ", "") in low:
                    return f"页面内容为“{phrase}”"
        if final_url != url and self._is_home(final_url) and not self._is_home(url):
            return "链接被重定向到首页"
        if self.baseline_shingles and similarity(shingles(text), self.baseline_shingles) >= self.threshold:
            return "页面与本站“页面不存在”提示页相同"
        return ""

    def classify_external(self, title: str, text: str) -> str:
        """Another site's page: no baseline, so only its title and a short body can say it."""
        return self.classify("", 200, "", title, text)

    def _is_home(self, url: str) -> bool:
        if not self.home_url:
            return False
        a, b = urlsplit(url), urlsplit(self.home_url)
        same_host = a.hostname and b.hostname and a.hostname.removeprefix("www.") == b.hostname.removeprefix("www.")
        return bool(same_host) and a.path in HOME_ALIASES and not a.query
