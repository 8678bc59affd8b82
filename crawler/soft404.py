"""Soft-404 detection: a page that answers 200 but says it does not exist.

Two kinds of evidence, both about content, never status alone:
- phrases (页面不存在, 已删除, 找不到 ...) in the title, or in the body of a short page;
- likeness to the site's own answer for a random path that cannot exist (the
  *baseline*, fetched before the crawl), or a redirect to the homepage when the
  baseline redirects there too.
Long pages that merely mention a phrase in their text are not soft 404s: an article
about "页面不存在的处理" must not be reported. Nor is a short article that *quotes* the
message (a self-inspection report: 部分链接显示“您访问的页面不存在或已被删除”): the page is
judged as a whole — a quoted phrase is not the page's message, an article title
(关于…的报告) is not a not-found title, and a phrase counts in the body only when the
message is most of the page's own content (``main_length``, the text outside the
template), or the page looks like the site's own not-found page.
"""

from __future__ import annotations

import re

import lxml.etree
from dataclasses import dataclass, field
from urllib.parse import urlsplit

PHRASES = ("页面不存在", "页面未找到", "页面找不到", "找不到页面", "找不到该页面", "您访问的页面不存在",
           "信息不存在", "文章不存在", "内容不存在", "已被删除", "已删除", "不存在或已被删除", "无法找到",
           "无法访问该页面", "页面已失效", "链接已失效", "page not found", "not found")
TITLE_404 = re.compile(r"(^|\D)404(\D|$)")
SHORT_PAGE = 600  # visible characters under which a body phrase counts
MESSAGE_PAGE = 120  # a page whose own content (outside the template) is longer says more than "not found"
_QUOTES = {"“": "”", "\"": "\"", "「": "」", "『": "』", "《": "》", "‘": "’"}
_TITLE_PARTS = re.compile(r"\s[-|–—_]\s|[_|｜–—]+")
_ARTICLE_TITLE = re.compile(r"关于|报告|通知|通报|公告|情况|整改|自查|检查|问题|办法|方案|工作|总结")
HOME_ALIASES = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/index.php",
                "/index.asp", "/index.aspx", "/default.aspx", "/default.asp", "/default.html", "/main.html"}


def shingles(text: str, size: int = 4) -> set[str]:
    compact = re.sub(r"\s+", "", text)[:4000]
    return {compact[i:i + size] for i in range(max(0, len(compact) - size + 1))}


def similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _quoted(text: str, start: int, end: int) -> bool:
    """The span ``text[start:end]`` lies between a pair of quotation marks."""
    for left, right in _QUOTES.items():
        opened = text.rfind(left, 0, start)
        if opened >= 0 and text.find(right, end) >= 0 and text.rfind(right, opened + 1, start) < 0:
            return True
    return False


def message_phrase(text: str) -> str:
    """The first not-found phrase that the text *says* (not one it quotes), or ""."""
    low = text.lower()
    for phrase in PHRASES:
        for key in {phrase, phrase.replace(" ", "")}:
            at = low.find(key)
            while at >= 0:
                if not _quoted(text, at, at + len(key)):
                    return phrase
                at = low.find(key, at + 1)
    return ""


def title_reason(title: str) -> str:
    # judged per title segment (页面不存在_通知公告_某某县政府): a segment that reads like an
    # article title (关于网站“页面不存在”问题的整改报告) is about the message, not the message
    for segment in _TITLE_PARTS.split(title):
        phrase = "" if _ARTICLE_TITLE.search(segment) else message_phrase(segment)
        if phrase:
            return f"标题含“{phrase}”"
    if TITLE_404.search(title) and len(title) < 40:
        return "标题含“404”"
    return ""


def page_title_and_text(body: bytes, charset: str | None) -> tuple[str, str]:
    """Title and visible text of an HTML body (scripts and styles removed); never raises."""
    from portalwatch.crawler.extract.encoding import decode_html

    return title_and_text(decode_html(body, charset)[0])


def title_and_text(html: str) -> tuple[str, str]:
    """Title and visible text of an HTML document, parsed as the page extractor parses it
    (``parse_html`` gives None for what cannot be parsed)."""
    from portalwatch.crawler.extract.page import parse_html

    root = parse_html(html)
    return tree_title_and_text(root) if root is not None else ("", "")


_VISIBLE = lxml.etree.XPath("descendant-or-self::text()[not(ancestor::script or ancestor::style"
                            " or ancestor::noscript or ancestor::template)]")


def tree_title_and_text(root: lxml.etree._Element) -> tuple[str, str]:
    """Title and visible text (scripts, styles and templates left out, whitespace folded) of a parsed
    page, without changing the tree: the extractor's own parse serves, the body is not parsed again."""
    title = " ".join((root.findtext(".//title") or "").split())
    body = root.find("body")
    parts = _VISIBLE(body if body is not None else root)
    return title, " ".join("".join(parts).split())  # text nodes run on, as text_content() joins them


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
                 long_page: bool = False, main_length: int | None = None, dated: bool = False) -> str:
        """Why this 200 answer is really a "not found" page, or "" when it is not.

        ``main_length`` is the length of the page's own content (outside header, menus and
        footer) when the page was extracted; ``dated`` says it shows a publication date
        (an article). Both keep a page that quotes the message from being called missing."""
        if status != 200:
            return ""
        by_title = title_reason(title)
        if by_title:
            return by_title
        visible = re.sub(r"\s+", "", text)
        own_content = main_length is None or main_length <= MESSAGE_PAGE
        if not long_page and len(visible) < SHORT_PAGE and own_content and not dated:
            phrase = message_phrase(visible)
            if phrase:
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
