"""An empty column beside a populated sidebar: the sidebar's list is not the column's list.

Column pages of government templates carry a sidebar (最新动态, 热点信息) with dated
links on every page. When the column itself is empty — its list container has no
rows, or its table shows only 暂无信息 — the largest dated list on the page is the
sidebar's, and the column would look populated. So when the page shows *evidence of an
empty list* (a placeholder, or an empty list container) in a block disjoint from the
chosen list, and the chosen list looks like someone else's (it sits in a side region, or
the empty block is headed by the column's own name while the list block is not), and
none of its entries lies under the column's directory, the list is demoted to
``other_items``. A populated list under the column's directory is never demoted, so a
sidebar saying 暂无 cannot make a populated column empty.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from ..snapshot import ListItem
from ._text import fold, resolve_url, text_of
from .layout import Layout, tokens

_LIST_NAME = re.compile(r"list|news|article|^lb|liebiao|data|items|^con$|content|xxgk|gkml|tzgg")
_NOT_LIST = re.compile(r"nav|menu|page|fenye|pager|share|tab[-_]?(?:hd|title)|title|crumb|foot|head")
_SIDE = re.compile(r"(?:^|[-_])a?side(?:[-_]|$)|sidebar|sidebox|relat|xglj|^rank|hot|latest|zxdt|zxxx|tuijian|recommend")
_SIDE_HEADING = re.compile(r"^(?:最新|热点|热门|推荐|相关|排行|阅读排行|点击排行|猜你喜欢)")
_SPLIT = re.compile(r"[_\-|–—－｜]+")
MAX_EMPTY_BLOCK_TEXT = 200  # the column's own block holds nearly nothing besides its heading


def _empty_containers(root: etree._Element, layout: Layout) -> list[etree._Element]:
    """List-named ``ul``/``ol``/``tbody``/``table``/``div`` with no rows, links or text."""
    out = []
    for el in root.iter("ul", "ol", "tbody", "table", "div"):
        names = tokens(el)
        if not any(_LIST_NAME.search(t) for t in names) or any(_NOT_LIST.search(t) for t in names):
            continue
        if el.tag == "div" and len(el) > 3:
            continue  # a layout block, not a list
        if el.find(".//a") is not None or fold(text_of(el)).strip() or layout.inside(el):
            # any text at all (a heading naming the column: 通知公告) is not an empty list
            continue
        out.append(el)
    return out


def _ancestors(el: etree._Element) -> list[etree._Element]:
    out = []
    while el is not None:
        out.append(el)
        el = el.getparent()
    return out


def _list_element(root: etree._Element, base: str, items: list[ListItem]) -> etree._Element | None:
    """The lowest element holding the links of the first and last list entries."""
    wanted = {items[0].url, items[-1].url}
    anchors = [a for a in root.iter("a") if a.get("href") and resolve_url(base, a.get("href")) in wanted]
    if not anchors:
        return None
    common = _ancestors(anchors[0])
    for a in anchors[1:]:
        chain = set(_ancestors(a))
        common = [el for el in common if el in chain]
    return common[0] if common else None


def _split(list_el: etree._Element, evidence: etree._Element):
    """The two sibling blocks under the lowest common ancestor, or None when one contains the other."""
    list_chain = _ancestors(list_el)
    ev_chain = _ancestors(evidence)
    shared = set(list_chain) & set(ev_chain)
    if list_el in shared or evidence in shared:
        return None
    list_block = next(el for el in list_chain if el.getparent() in shared)
    ev_block = next(el for el in ev_chain if el.getparent() in shared)
    return list_chain[: list_chain.index(list_block) + 1], ev_block


def _under(url: str | None, directory: str) -> bool:
    return bool(url) and urlsplit(url).path.startswith(directory)


def _side_heading(chain: list[etree._Element], names: list[str]) -> bool:
    """The list block is headed 最新动态 / 热点信息 / 相关文章: a widget of the template
    (unless that is the column's own name: a column may be called 最新动态)."""
    top = chain[-1]
    for el in top.iter("h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "p", "strong", "b"):
        if el.find(".//a") is None and len(el) <= 2:
            text = fold(text_of(el))
            if 2 <= len(text) <= 10 and _SIDE_HEADING.search(text) and not any(n in text or text in n for n in names):
                return True
    return False


def _names_in(block: etree._Element, names: list[str]) -> bool:
    text = fold(text_of(block))
    return any(name in text for name in names)


def column_names(breadcrumb: list[str], meta: dict[str, str], title: str) -> list[str]:
    """What the page calls its own column: last breadcrumb entry, ColumnName, first title part."""
    names = [breadcrumb[-1] if breadcrumb else "", meta.get("ColumnName", ""), _SPLIT.split(title)[0] if title else ""]
    return [n for n in (fold(x) for x in names) if 2 <= len(n) <= 12 and n not in ("首页", "正文")]


def demote_side_list(root: etree._Element, base: str, layout: Layout, main: list[ListItem],
                     others: list[ListItem], placeholder_el: etree._Element | None,
                     names: list[str]) -> tuple[list[ListItem], list[ListItem], str]:
    """``(main, others, empty_list)``: the main list moved to ``others`` when it is a sidebar's
    list beside an empty column list; ``empty_list`` names the empty list's evidence."""
    if not main:
        return main, others, ""
    directory = urlsplit(base).path.rsplit("/", 1)[0] + "/"
    if directory == "/" or any(_under(i.url, directory) for i in main):
        return main, others, ""  # the column's own entries (or nothing to tell them by)
    list_el = _list_element(root, base, main)
    if list_el is None:
        return main, others, ""
    evidence = ([placeholder_el] if placeholder_el is not None else []) + _empty_containers(root, layout)
    for ev in evidence:
        split = _split(list_el, ev)
        if split is None:
            continue
        list_chain, ev_block = split
        # the wrapper around the list says "side" (the list's own class may say latest-news on a column page)
        side = (layout.inside(list_el, ("aside",)) or any(_SIDE.search(t) for el in list_chain[1:] for t in tokens(el))
                or _side_heading(list_chain, names))
        headed = bool(names) and _names_in(ev_block, names) and not _names_in(list_chain[-1], names)
        if not (side or headed):
            continue
        if len(fold(text_of(ev_block))) > MAX_EMPTY_BLOCK_TEXT:
            continue  # a block of text, not an empty list
        label = fold(text_of(ev)) if ev is placeholder_el else _label(ev)
        return [], others + [i for i in main if i.date], label
    return main, others, ""


def _label(el: etree._Element) -> str:
    cls = (el.get("class") or "").split()
    return f"#{el.get('id')}" if el.get("id") else (f"{el.tag}.{cls[0]}" if cls else el.tag)
