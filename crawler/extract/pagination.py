"""The other pages of a paginated list.

Old items live on later pages, and a column is only "empty" or "stale" once all its pages
are seen. TRS list pages write their pager with JavaScript, so the links exist only in
the script: ``createPageHTML(count, index, "index", "html")`` (page 0 is ``index.html``,
page *i* is ``index_i.html``), its 6-argument variant, and the hand-written
``var countPage = 56; var currentPage = 0; document.write(...)`` pagers. Plain pagers
(下一页/尾页/page numbers, ``?page=N``, ``index_N.shtml``) are read from the links.
The page count is capped so that a bogus count cannot explode the crawl.
:func:`page_count` reads how many pages the list says it has (a script's count, 共N页), so
that an AJAX pager whose pages no URL reaches marks the list as only partly read.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ._text import anchor_name, resolve_url
from .layout import tokens

MAX_LIST_PAGES = 500  # pages per list, the current one included; callers may pass another cap

_Q = r"""\\?["']"""
_CREATE4 = re.compile(
    rf"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*{_Q}([\w.-]+){_Q}\s*,\s*{_Q}(\w+){_Q}\s*\)"
)
_CREATE6 = re.compile(
    rf"createPageHTML\(\s*{_Q}?[\w-]*{_Q}?\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*{_Q}([\w.-]+){_Q}\s*,"
    rf"\s*{_Q}(\w+){_Q}\s*,\s*\d+\s*\)"
)
_COUNT = re.compile(r"\bcountPage\s*=\s*(\d+)")
_CURRENT = re.compile(r"\bcurrentPage\s*=\s*(\d+)")
_NAME = re.compile(rf"""([\w-]+){_Q}\s*\+\s*{_Q}_{_Q}|([\w-]+)_{_Q}\s*\+""")
_EXT = re.compile(rf"""{_Q}\.{_Q}\s*\+\s*{_Q}(s?html?|jsp|php|aspx?){_Q}|\.(s?html?){_Q}""")
_PAGER_WORDS = frozenset({"下一页", "下页", "尾页", "末页", "上一页", "上页", "首页", "前一页", "后一页", "最后一页",
                          "第一页", "最末页", ">", ">>", "<", "<<", "»", "«", "›", "‹"})
_PAGER_TOKEN = re.compile(r"^page(?!\d+$)|pagin|pager|paging|fenye|^fy$|turn[-_]?page|[-_]page(?:[-_]|$)")
_PAGE_URL = re.compile(
    r"(?:^|/)[\w-]*_\d+\.(?:s?html?|jsp|php|aspx?)$|[?&](?:page|pageno|pageindex|pagenum|pn|p|curpage|currentpage|"
    r"pagenumber|page_no|pageid)=\d+",
    re.I,
)
_TAG = r"(?:\s|&nbsp;|<[^<>]{0,200}>)*"
# 共2页 / 共<span class="totalPage">2</span>页 / 页次：1/2页 / 第1/56页
_TOTAL_TEXT = re.compile(rf"共{_TAG}(\d{{1,5}}){_TAG}页|(?:页次|第){_TAG}[:：]?{_TAG}\d{{1,5}}{_TAG}/{_TAG}(\d{{1,5}}){_TAG}页")
_INDEX = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.I)


def _canonical(url: str) -> str:
    """``/list/`` and ``/list/index.html`` are the same page."""
    return _INDEX.sub("/", url)


def _script_pages(script: str, page_url: str, cap: int) -> list[str] | None:
    """URLs of the other pages announced by one script, or None when it has no pager."""
    m = _CREATE6.search(script) or _CREATE4.search(script)
    if m:
        count, current, name, ext = int(m[1]), int(m[2]), m[3], m[4]
    else:
        c = _COUNT.search(script)
        if not c or "document.write" not in script:
            return None
        count = int(c[1])
        cur = _CURRENT.search(script)
        current = int(cur[1]) if cur else 0
        n, e = _NAME.search(script), _EXT.search(script)
        name = (n[1] or n[2]) if n else "index"
        ext = (e[1] or e[2]) if e else "html"
    pages = []
    for i in range(min(count, cap)):
        if i != current:
            pages.append(urljoin(page_url, f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}"))
    return pages


def page_count(html_text: str, tree: etree._Element | None, printed: bool = True) -> int:
    """How many pages the list says it has: a pager script's count, else (when ``printed``: the
    page shows a list, so 共N页 is its pager, not a document's length) a printed 共N页; 0 if unsaid."""
    scripts = [s.text or "" for s in tree.iter("script")] if tree is not None else []
    for script in scripts:
        if "createPageHTML" in script:
            m = _CREATE6.search(script) or _CREATE4.search(script)
            if m:
                return int(m[1])
        elif "countPage" in script and "document.write" in script:
            c = _COUNT.search(script)
            if c:
                return int(c[1])
    m = _TOTAL_TEXT.search(html_text or "") if printed else None
    return int(m[1] or m[2]) if m else 0


def _same_list(url: str, page_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(page_url)
    if a.netloc != b.netloc:
        return False
    if a.query and a.path == b.path:
        return True
    return a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]


def _in_pager(a: etree._Element) -> bool:
    el = a.getparent()
    for _ in range(4):
        if el is None:
            return False
        if any(_PAGER_TOKEN.search(t) for t in tokens(el)):
            return True
        el = el.getparent()
    return False


def extract_pagination(html_text: str, tree: etree._Element | None, page_url: str,
                       max_pages: int = MAX_LIST_PAGES) -> list[str]:
    """Absolute URLs of the other pages of this list, first page first; the current page excluded."""
    if tree is not None:
        scripts = [s.text or "" for s in tree.iter("script")]
    else:
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", html_text or "", re.S | re.I)
    found: list[str] = []
    for script in scripts:
        if "countPage" in script or "createPageHTML" in script:
            pages = _script_pages(script, page_url, max_pages)
            if pages:
                found.extend(pages)
    if tree is not None:
        for a in tree.iter("a"):
            text = anchor_name(a).replace(" ", "")
            if not (text in _PAGER_WORDS or (text.isdigit() and len(text) <= 4)):
                continue
            url = resolve_url(page_url, a.get("href"))
            if not url or not _same_list(url, page_url):
                continue
            if _in_pager(a) or _PAGE_URL.search(url) or text in ("下一页", "下页", "尾页", "末页"):
                found.append(url)
    own = _canonical(page_url)
    out: list[str] = []
    seen = {own}
    for url in found:
        key = _canonical(url)
        if key not in seen:
            seen.add(key)
            out.append(url)
        if len(out) >= max_pages:
            break
    return out
