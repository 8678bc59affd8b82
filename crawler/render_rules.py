"""``--render auto``'s rules: does a browser see a menu or a list that the HTML lacks?

Three cases matter for the checks, and only these are rendered: the homepage whose
navigation is written by script (``document.write``, ``innerHTML`` from a JSON/XHR
request, a ``nav.js``) — else every column looks missing; a column page whose list
container is empty in the HTML while a script loads it (inline code, or any script file:
``/js/app.js`` cannot be read from the page) — else the column looks empty; and an
article page whose body box is empty while a script may fill it — else its document
number, attachments and interpretation links go unseen. Pages that already show their
content are never rendered, so a plain site costs nothing; nor is a Hanweb Jcms page whose
list was read from its datastore records (even an empty one).
Reasons are ``code: 中文说明`` (stored as ``pages.render_reason``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html as lxml_html

from portalwatch.crawler.extract.datastore import is_datastore
from portalwatch.crawler.snapshot import Page

_FETCH = re.compile(
    r"XMLHttpRequest|\bfetch\s*\(|\$\.(?:ajax|get|getJSON|post)\b|jQuery\.(?:ajax|get|getJSON|post)\b|"
    r"\baxios\b|\.load\s*\(\s*['\"]|\.json\b|/api/|\bJSON\.parse\b|\bjsonp\b", re.I)
_DOM = re.compile(
    r"document\.write|\.innerHTML\s*\+?=|insertAdjacentHTML|appendChild|\.append\s*\(|\.html\s*\(|"
    r"createElement\s*\(|\btemplate\s*\(|\.render\s*\(|new\s+Vue\b|createApp\s*\(|ReactDOM|\{\{", re.I)
_TARGET = re.compile(
    r"getElementById\(\s*['\"]([\w:-]+)['\"]|(?:\$|jQuery|querySelector(?:All)?)\(\s*['\"]([#.])([\w-]+)")
_MENU_SCRIPT = re.compile(r"(?:^|[/_.-])(?:nav|menu|daohang|dh|header|head|top|lanmu|column)[\w.-]*\.js", re.I)
_SPA_SCRIPT = re.compile(r"vue|react|angular|chunk-vendors|app\.[0-9a-f]{6,}\.js|main\.[0-9a-f]{6,}\.js", re.I)
_LIST_NAME = re.compile(r"list|news|article|lb|liebiao|xxgk|data|items|dynamic|dongtai|tzgg|gkml|zwgk|"
                        r"content|con\b|info|tbody|table", re.I)
_NAV_NAME = re.compile(r"nav|menu|daohang|lanmu|column|\bdh\b|\blm\b", re.I)
_ARTICLE_NAME = re.compile(r"content|article|detail|zhengwen|\bzw\b|zoom|trs_editor|neirong|\bnr\b|"
                           r"wenzhang|\btext\b|main[-_]?txt|\bcon\b", re.I)
_LOADING = re.compile(r"加载中|正在加载|数据加载|loading", re.I)
_MAX_SCRIPT_CHARS = 400_000
MIN_NAV_LINKS = 3  # fewer navigation entries than this: the homepage's menu is not in the HTML
MIN_HOME_LINKS = 5
ARTICLE_MIN_TEXT = 30  # a non-column page with less main text than this may have a script-built body
EMPTY_PAGE_TEXT = 200  # a column page with more main text than this shows content (an article)
EMPTY_TEXT = 20  # a container with less visible text than this (and no links) is empty


@dataclass
class _Scripts:
    fetches: bool
    builds: bool
    menu_src: bool
    spa: bool
    any: bool
    srcs: list[str]  # external scripts: what they do cannot be read from the HTML
    targets: list[tuple[str, str]]  # ("#", id) or (".", class) that scripts write into

    def kinds(self) -> str:
        names = [n for n, on in (("XHR/JSON", self.fetches), ("DOM 写入", self.builds),
                                 ("菜单脚本", self.menu_src), ("前端框架", self.spa)) if on]
        return "、".join(names) or "脚本"

    def src_names(self) -> str:
        names = [s.rsplit("/", 1)[-1].split("?")[0][:40] for s in self.srcs[:3]]
        return "、".join(n for n in names if n) or "外部脚本"


def _scripts(doc: etree._Element) -> _Scripts:
    inline: list[str] = []
    srcs: list[str] = []
    size = 0
    for el in doc.iter("script"):
        src = el.get("src")
        if src:
            srcs.append(src)
            continue
        text = el.text or ""  # every type counts: text/html templates and inline JSON are clues too
        if size + len(text) > _MAX_SCRIPT_CHARS:
            text = text[: max(0, _MAX_SCRIPT_CHARS - size)]
        size += len(text)
        inline.append(text)
    code = "\n".join(inline)
    handlers = " ".join(v for el in doc.iter() if isinstance(el.tag, str)
                        for k, v in el.attrib.items() if k.startswith("on"))
    targets = [("#", m.group(1)) if m.group(1) else (m.group(2), m.group(3)) for m in _TARGET.finditer(code)]
    return _Scripts(fetches=bool(_FETCH.search(code) or _FETCH.search(handlers)),
                    builds=bool(_DOM.search(code)),
                    menu_src=any(_MENU_SCRIPT.search(s) for s in srcs),
                    spa=any(_SPA_SCRIPT.search(s) for s in srcs),
                    any=bool(srcs or code.strip()),
                    srcs=srcs,
                    targets=targets)


def _visible_text(el: etree._Element) -> str:
    parts = [t for node in el.iter() if isinstance(node.tag, str) and node.tag not in ("script", "style")
             for t in (node.text,) if t]
    parts += [node.tail for node in el.iter() if node is not el and node.tail]
    return "".join("".join(parts).split())


def _is_empty(el: etree._Element) -> bool:
    if any(a.get("href") and not a.get("href", "").lower().startswith(("javascript:", "#")) for a in el.iter("a")):
        return False
    text = _visible_text(el)
    return len(text) < EMPTY_TEXT or bool(_LOADING.search(text) and len(text) < 60)


def _names(el: etree._Element) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}"


def _empty_targets(doc: etree._Element, targets: list[tuple[str, str]]) -> list[etree._Element]:
    """Elements that a script writes into and that are empty in the HTML."""
    found: list[etree._Element] = []
    seen: set[int] = set()
    for kind, name in targets:
        if kind == "#":
            els = doc.xpath("//*[@id=$n]", n=name)
        else:
            els = doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), $n)]", n=f" {name} ")
        for el in els[:3]:
            if id(el) not in seen and el.tag not in ("body", "html", "script") and _is_empty(el):
                seen.add(id(el))
                found.append(el)
    return found


def _empty_list_containers(doc: etree._Element) -> list[etree._Element]:
    """List-looking containers (ul, tbody, div.list ...) with nothing in them."""
    out = []
    for el in doc.iter("ul", "ol", "tbody", "div", "table", "section"):
        names = _names(el)
        if (el.tag in ("tbody",) or _LIST_NAME.search(names)) and not _NAV_NAME.search(names) and _is_empty(el):
            if el.tag == "div" and len(el) > 3:  # a layout block, not an empty list
                continue
            out.append(el)
    return out


def _label(el: etree._Element) -> str:
    if el.get("id"):
        return f"#{el.get('id')}"
    cls = (el.get("class") or "").split()
    return f"{el.tag}.{cls[0]}" if cls else el.tag


def _nav_count(page: Page) -> int:
    nodes = sum(1 for root in page.nav for _ in root.walk())
    return max(nodes, sum(1 for link in page.links if link.nav))


def _parse(html: str) -> etree._Element | None:
    if not html or not html.strip():
        return None
    try:
        return lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        try:
            return lxml_html.document_fromstring(html.encode("utf-8", "replace"))
        except (etree.ParserError, ValueError):
            return None


def _html_links(doc: etree._Element) -> int:
    return sum(1 for a in doc.iter("a")
               if (a.get("href") or "").strip() and not a.get("href", "").strip().lower().startswith(
                   ("javascript:", "#", "mailto:", "tel:")))


def worth_reading(page: Page, is_home: bool, is_column: bool) -> bool:
    """Whether ``script_built`` can say anything about the page, judged from the parsed page
    alone (so the HTML of ordinary articles is not parsed twice): the homepage, column
    pages, and other pages that show (almost) no text."""
    return is_home or is_column or (page.text_length < ARTICLE_MIN_TEXT and not page.list_items
                                    and not page.placeholder)


def _empty_article_box(doc: etree._Element) -> etree._Element | None:
    """An article body container (div.content, #zoom, .TRS_Editor ...) with nothing in it:
    no text, no link, no picture, no embedded document."""
    for el in doc.iter("div", "section", "article", "td", "span", "p"):
        if not _ARTICLE_NAME.search(_names(el)) or _NAV_NAME.search(_names(el)):
            continue
        if any(True for _ in el.iter("img", "iframe", "embed", "object", "video", "table")):
            continue
        if _is_empty(el):
            return el
    return None


def _article_script(page: Page, doc: etree._Element, scripts: _Scripts) -> str:
    """An article page whose body a script writes (from ``/api/article/123.json``): without a
    browser its document number, attachments and interpretation links are unseen."""
    if page.list_items or page.placeholder or page.text_length >= ARTICLE_MIN_TEXT:
        return ""
    box = _empty_article_box(doc)
    if box is None or not (scripts.fetches or scripts.spa or scripts.srcs):
        return ""
    what = scripts.kinds() if (scripts.fetches or scripts.spa) else scripts.src_names()
    return f"article_script: 正文可能由脚本生成（{_label(box)} 在 HTML 中为空，脚本：{what}）"


def script_built(page: Page, html: str, is_home: bool, is_column: bool) -> str:
    """``--render auto``'s judgement: a reason ("code: 中文说明") when the page's navigation or
    list is built by script in the browser, else "". Pages that already show their content
    are never rendered."""
    if not worth_reading(page, is_home, is_column):
        return ""
    doc = _parse(html)
    if doc is None:
        return ""
    scripts = _scripts(doc)
    if not scripts.any:
        return ""
    if not (is_home or is_column):
        return _article_script(page, doc, scripts)
    empty_targets = _empty_targets(doc, scripts.targets)
    links = max(_html_links(doc), sum(1 for link in page.links if link.kind == "page"))
    if is_home:
        nav = _nav_count(page)
        nav_targets = [el for el in empty_targets if _NAV_NAME.search(_names(el))]
        builders = scripts.fetches or scripts.builds or scripts.menu_src or scripts.spa
        if nav_targets and builders:
            return (f"home_nav_script: 首页导航由脚本生成（{_label(nav_targets[0])} 在 HTML 中为空，"
                    f"脚本：{scripts.kinds()}）")
        if nav < MIN_NAV_LINKS and builders:
            return f"home_nav_script: 首页导航由脚本生成（HTML 中导航链接 {nav} 个，脚本：{scripts.kinds()}）"
        if links < MIN_HOME_LINKS:
            return f"home_script_only: 首页 HTML 中几乎没有链接（{links} 个），内容可能由脚本生成"
        return ""
    if page.list_items:
        return ""
    if not page.list_partial and any(is_datastore(s) for s in doc.iter("script")):
        return ""  # a Jcms list read from its records: an empty recordset is what jpage shows too
    data = scripts.fetches or scripts.spa
    if not (data or scripts.builds or scripts.srcs):
        return ""
    list_targets = [el for el in empty_targets if not _NAV_NAME.search(_names(el))]
    containers = _empty_list_containers(doc)
    if list_targets and data:
        return (f"list_script: 列表由脚本加载（{_label(list_targets[0])} 在 HTML 中为空，"
                f"脚本：{scripts.kinds()}）")
    if containers and data:
        return (f"list_script: 列表由脚本加载（{_label(containers[0])} 在 HTML 中为空，"
                f"脚本：{scripts.kinds()}）")
    if list_targets and scripts.builds and page.text_length < 200:
        return f"list_script: 列表由脚本生成（{_label(list_targets[0])} 在 HTML 中为空）"
    if scripts.spa and links < MIN_HOME_LINKS:
        return f"page_script_only: 页面由前端框架生成（HTML 中链接 {links} 个）"
    if scripts.srcs and not page.placeholder and page.text_length < EMPTY_PAGE_TEXT:
        # The script that fills the list is a file of its own (/js/app.js): its code is not in
        # the HTML, but an empty list box on a page with no text and a script beside it is
        # empty only if a browser says so too. A 暂无信息 written in the HTML is the site's own word.
        box = (list_targets or containers or [None])[0]
        if box is not None:
            return (f"list_script_src: 列表可能由外部脚本加载（{_label(box)} 在 HTML 中为空，"
                    f"脚本：{scripts.src_names()}）")
    return ""
