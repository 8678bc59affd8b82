"""Which parts of a page are template (header, footer, sidebar, breadcrumb, navigation).

Lists, placeholders and the main text must come from the page's own content: a
``暂无信息`` in a sidebar or a dated link in the footer says nothing about the column.
Government templates rarely use HTML5 landmarks, so regions are recognised by the
class/id vocabulary Chinese CMS templates use (``footer``, ``foot_nav``, ``crumb``,
``weizhi``, ``dqwz``...). One scan of the document finds every region and also indexes
what the other extractors look for (title- and date-classed elements, text nodes holding
label words such as 文号/发布时间/暂无), so no extractor walks the whole tree again;
region membership is then a set lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ._text import NON_CONTENT_TAGS, content_roots, squeeze, text_of, word_regex

_QUICK_WORDS = (
    "foot", "bottom", "copyright", "banquan", "head", "top", "tool", "side", "crumb", "pos", "loca", "weizhi",
    "dqwz", "path", "dangqian", "mbx", "nav", "menu", "memu", "daohang", "dh", "lm", "lanmu", "column", "relat",
    "xglj", "rank", "hot", "ft", "down",
)
_QUICK = word_regex(_QUICK_WORDS)
# Label words other extractors search text for: breadcrumb, 文号 field, dates, placeholders.
_HIT_WORDS = re.compile(r"位\s*置|文\s*号|字\s*号|文件编号|时\s*间|日\s*期|暂无|暂未|建设中|完善中|更新中|没有|敬请期待")
FOOTER_TOKEN = re.compile(r"footer|^foot|^bottom|copyright|^banquan|^ft$|^down$")
HEADER_TOKEN = re.compile(r"^header|header$|^head$|^head[-_]|^topbar|^top[-_]?(?:link|tool|bar|nav)|^toolbar$")
ASIDE_TOKEN = re.compile(
    r"(?:^|[-_])a?side(?:[-_]|$)|sidebar|sidenav|sidebox|^relat|[-_]relat|xglj|^rank|hot[-_]?(?:news|list)"
)
CRUMB_TOKEN = re.compile(
    r"crumb|^position(?!-(?:relative|absolute|fixed|static|sticky))|^location|^local$|^pos$|weizhi|dqwz|"
    r"^curpos|^path$|dangqian|^mbx|^site[-_]?path|^current[-_]?(?:position|location|path)"
)
NAV_TOKEN = re.compile(r"nav|menu|memu|daohang|lanmu|column|sidebar|^dh(?:[-_a-z]{0,4})$|^lm(?:[-_]|$)")
# Names that say "menu" outright; ``column``/``lanmu``/``sidebar`` blocks are often article
# lists, so those only count as navigation when they look like a list of short links.
MENU_TOKEN = re.compile(r"nav|menu|memu|daohang|^dh(?:[-_a-z]{0,4})$|^lm(?:[-_]|$)")
SUB_NAV_TOKEN = re.compile(r"sub[-_]?(?:menu|nav)|dropdown|drop[-_]?menu|child|second|menu[-_]bd")
_NOT_NAV = re.compile(r"crumb|btn|toggle|close|mask|^navbar-toggler|nav-icon")
_CRUMB_TEXT = re.compile(r"(?:当前|所在|现在|您的|你的|您当前)\S{0,4}位置")
_TEXT_TRAIL = re.compile(r"位置\s*[:：]?\s*\S.*?(?:>|＞|»|›|→|/|-)\s*\S")  # 位置：首页 > 栏目
_TRAIL_SEP_END = re.compile(r"(?:>|＞|»|›|→|/|-)$")

REGION_KINDS = ("header", "footer", "aside", "breadcrumb", "nav")


def menu_named(el: etree._Element) -> bool:
    """``<nav>``, ``role=navigation`` or a class/id that says nav/menu/daohang/dh."""
    if el.tag == "nav" or (el.get("role") or "").lower() == "navigation":
        return True
    return any(MENU_TOKEN.search(t) and not _NOT_NAV.search(t) for t in tokens(el))


def tokens(el: etree._Element) -> list[str]:
    """Lower-cased class names and id of an element."""
    out = (el.get("class") or "").lower().split()
    ident = el.get("id")
    if ident:
        out.append(ident.lower())
    return out


@dataclass(slots=True)
class TextHit:
    """A text node that contains a label word, with the element it belongs to."""

    text: str
    owner: etree._Element | None  # the element whose content the text is
    element: etree._Element  # the element whose .text (or .tail) it is
    is_tail: bool


@dataclass
class Layout:
    """Template regions of one page, outermost elements per kind."""

    header: list[etree._Element] = field(default_factory=list)
    footer: list[etree._Element] = field(default_factory=list)
    aside: list[etree._Element] = field(default_factory=list)
    breadcrumb: list[etree._Element] = field(default_factory=list)
    nav: list[etree._Element] = field(default_factory=list)  # set by nav.find_nav_blocks
    nav_candidates: list[etree._Element] = field(default_factory=list)
    title_elements: list[etree._Element] = field(default_factory=list)  # class/id mentions "tit"
    date_elements: list[etree._Element] = field(default_factory=list)  # class/id mentions time/date
    text_hits: list[TextHit] = field(default_factory=list)  # text nodes with label words
    link_count: int = 0
    _members: dict[str, set] = field(default_factory=dict, repr=False)

    def members(self, kind: str) -> set:
        if kind not in self._members:
            found: set = set()
            for region in getattr(self, kind):
                found.update(region.iter())
            self._members[kind] = found
        return self._members[kind]

    def inside(self, el: etree._Element | None, kinds: tuple[str, ...] = REGION_KINDS) -> bool:
        """True when ``el`` lies in a region of one of ``kinds``."""
        if el is None:
            return False
        return any(el in self.members(kind) for kind in kinds)

    def hits(self, *words: str) -> list[TextHit]:
        """Text nodes (page order) containing one of ``words`` (which must be in _HIT_WORDS);
        labels spaced out for layout (``文 号``, ``日&ensp;期``) match too."""
        return [h for h in self.text_hits if any(w in squeeze(h.text) for w in words)]

    def reset(self) -> None:
        self._members.clear()


def _outermost(elements: list[etree._Element]) -> list[etree._Element]:
    chosen: list[etree._Element] = []
    members: set = set()
    for el in elements:  # document order: an ancestor always comes first
        if el in members:
            continue
        chosen.append(el)
        members.update(el.iter())
    return chosen


def _whole_text_trail(el: etree._Element) -> bool:
    """``<div>当前位置：首页 &gt; 重大项目</div>``: a complete trail with no link in it and none
    right after it (``<span>当前位置：首页 &gt;</span><a>新闻</a>`` goes on in the link)."""
    if el.tag in ("body", "html", "td", "th") or el.find(".//a") is not None:
        return False
    text = text_of(el).strip()
    if len(text) > 120 or not _TEXT_TRAIL.search(text) or _TRAIL_SEP_END.search(text):
        return False
    nxt = el.getnext()
    return nxt is None or nxt.tag != "a"


def _climb_to_links(el: etree._Element | None, max_text: int = 400) -> etree._Element | None:
    """The breadcrumb around a 当前位置 label: the nearest element with links, or the label's
    own element when it already spells out a whole trail without links (``当前位置：首页 >
    重大项目``) — climbing from such a trail would take the column's list beside it for the
    breadcrumb and leave the page with no content."""
    if el is not None and _whole_text_trail(el):
        return el
    for _ in range(4):
        if el is None or el.tag in ("body", "html"):
            return None
        if el.find(".//a") is not None:
            if el.tag in ("td", "th"):  # 当前位置：首页 in one cell, the other crumbs in the next cells
                row = el.getparent()
                if row is not None and row.tag == "tr" and len(text_of(row)) <= max_text:
                    el = row
                    table = row.getparent()
                    table = table.getparent() if table is not None and table.tag == "tbody" else table
                    if table is not None and table.tag == "table" and len(table.findall(".//tr")) <= 2:
                        el = table  # a one-row table: the whole table is the trail
            return el if len(text_of(el)) <= max_text else None
        el = el.getparent()
    return None


def _breadcrumb_by_text(layout: Layout, chnl_anchors: list[etree._Element]) -> list[etree._Element]:
    found = []
    for hit in layout.hits("位置"):
        if _CRUMB_TEXT.search(hit.text):
            el = _climb_to_links(hit.owner)
            if el is not None:
                found.append(el)
    if chnl_anchors:  # TRS marks breadcrumb links with class CurrChnlCls
        el = chnl_anchors[0].getparent()
        for _ in range(4):
            if el is None or el.tag in ("body", "html"):
                break
            if sum(1 for a in el.iter("a") if "CurrChnlCls" in (a.get("class") or "")) >= min(2, len(chnl_anchors)):
                found.append(el)
                break
            el = el.getparent()
    return found


def find_layout(root: etree._Element) -> Layout:
    """Scan the page once: template regions, plus the elements and text nodes that the
    other extractors look for (titles, date-classed elements, label texts)."""
    layout = Layout()
    header, footer, aside, crumbs, navs, chnl = [], [], [], [], [], []
    for el in (el for part in content_roots(root) for el in part.iter()):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        text = el.text
        if text and tag not in NON_CONTENT_TAGS and _HIT_WORDS.search(text):
            layout.text_hits.append(TextHit(text, el, el, False))
        text = el.tail
        if text and _HIT_WORDS.search(text):
            layout.text_hits.append(TextHit(text, el.getparent(), el, True))
        cls, ident = el.get("class"), el.get("id")
        if tag == "a":
            layout.link_count += 1
            if cls and "CurrChnlCls" in cls:
                chnl.append(el)
        if tag in NON_CONTENT_TAGS or tag in ("body", "html"):
            continue
        if cls or ident:
            low = (f"{cls} {ident}" if cls and ident else cls or ident).lower()
            if "tit" in low or "biaoti" in low:
                layout.title_elements.append(el)
            if "time" in low or "date" in low or "fbsj" in low or "fbrq" in low:
                layout.date_elements.append(el)
        else:
            low = ""
            if tag == "publishtime":
                layout.date_elements.append(el)
        role = el.get("role")
        if not (low and _QUICK.search(low)) and tag not in ("nav", "header", "footer", "aside") and role != "navigation":
            continue
        toks = low.split()
        if tag == "footer" or any(FOOTER_TOKEN.search(t) for t in toks):
            footer.append(el)
        elif tag == "header" or any(HEADER_TOKEN.search(t) for t in toks):
            header.append(el)
        if any(CRUMB_TOKEN.search(t) for t in toks) and el.find(".//a") is not None:
            crumbs.append(el)
            continue
        if tag == "aside" or any(ASIDE_TOKEN.search(t) for t in toks):
            aside.append(el)
        if tag == "nav" or role == "navigation" or any(NAV_TOKEN.search(t) and not _NOT_NAV.search(t) for t in toks):
            navs.append(el)
    crumbs.extend(_breadcrumb_by_text(layout, chnl))
    def plausible(region: etree._Element) -> bool:
        # a "header" holding most of the page's links (``div.main_content.header``) is a
        # layout wrapper, not a header
        if any(t.startswith(("main", "content", "wrap", "container")) for t in tokens(region)):
            return False
        return layout.link_count < 20 or sum(1 for _ in region.iter("a")) <= 0.5 * layout.link_count

    layout.header = [r for r in _outermost(header) if plausible(r)]
    layout.footer = _outermost(footer)
    layout.aside = [r for r in _outermost(aside) if plausible(r)]
    crumbs = [c for c in crumbs if len(text_of(c)) <= 600]
    layout.breadcrumb = _outermost(crumbs)
    layout.nav_candidates = navs
    return layout
