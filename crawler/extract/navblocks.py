"""Which parts of a page are navigation (menus, side menus, column link lists).

Navigation matters twice: its links are flagged (template links repeat on every page and
a dead menu link is one defect, not hundreds) and its columns form the tree that
``missing_column`` searches. Menus are recognised by name (``nav``, ``menu``, ``daohang``,
``dh``, ``lanmu``, ``role=navigation``...); a named element that merely wraps other menus
gives way to them, and a drop-down panel belongs to its menu — also a named block inside a
menu item (``li > div.navLiBox``) and a panel placed elsewhere that a menu item names by
an attribute (``nav-panel-id``, ``data-target``, ``aria-controls``...; :func:`attached_panels`).
Unnamed lists of short links to column pages (``ul.sx-uls``, ``table.gl_left``) are
recognised by their shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from lxml import etree

from ._text import anchor_name, fold, resolve_url, site_key, text_of
from .layout import NAV_TOKEN, SUB_NAV_TOKEN, Layout, find_layout, menu_named, tokens

_ARTICLE_URL = re.compile(
    r"t\d{8}_\d+|/\d{6}/|/art/\d{4}/|art_\d+_\d+|content_\d+|/[0-9a-f]{32}\.|/\d{4}-\d{2}/\d{2}/|\d{6,}\.s?html?$", re.I
)
DATEISH = re.compile(r"(?<!\d)(?:(?:19|20)\d{2}[-/.年])?\d{1,2}[-/.月]\d{1,2}(?!\d)")



@dataclass
class NavBlock:
    element: etree._Element
    weak: bool = False  # recognised by shape (a column link list), not by its name
    external: bool = False  # mostly links to other sites: flagged as nav, left out of the tree
    sub: bool = False  # a drop-down panel set (``.submenu``)
    panel_for: etree._Element | None = None  # the menu item (``li``/``a``) this panel drops down from


# Attributes by which a menu item names its drop-down panel placed elsewhere in the page:
# ``<a nav-panel-id="np-3">`` … ``<div id="np-3">`` (also data-target, aria-controls ...).
PANEL_ATTRS = ("nav-panel-id", "data-target", "aria-controls", "data-panel", "data-menu", "data-id", "rel")
_PANEL_XPATH = etree.XPath("//a[{0}] | //li[{0}]".format(" or ".join(f"@{a}" for a in PANEL_ATTRS)))
MAX_PANELS = 60
MAX_PANEL_LINKS = 150


def _is_sub(el: etree._Element) -> bool:
    nav_tokens = [t for t in tokens(el) if NAV_TOKEN.search(t)]
    return bool(nav_tokens) and all(SUB_NAV_TOKEN.search(t) for t in nav_tokens)


def _mostly_external(anchors: list[etree._Element], base_url: str) -> bool:
    """True when most links go to other sites (a 友情链接 farm). Relative links are local."""
    home = site_key(base_url)
    hosts = []
    for a in anchors:
        href = (a.get("href") or "").strip()
        low = href[:8].lower()
        if low.startswith(("http://", "https://", "//")):
            hosts.append(site_key(href if "://" in href[:8] else "http:" + href) != home)
        elif href and not low.startswith(("javascript", "#", "mailto")):
            hosts.append(False)
    return bool(hosts) and sum(hosts) > len(hosts) / 2


def _inside(el: etree._Element, stops: set) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent in stops:
            return True
        parent = parent.getparent()
    return False


def _in_item(el: etree._Element, ancestor: etree._Element) -> bool:
    """``ul.nav > li > a + div.navLiBox``: a named block inside a menu item is that item's
    drop-down, not a menu of its own that would make the whole ``ul`` a wrapper. So is a
    named item itself (``li.nav-item``, ``li.nav-home``): a menu's entry, not a menu."""
    node = el
    while node is not None and node is not ancestor:
        if node.tag in ("li", "dd"):
            return True
        node = node.getparent()
    return False


_CONTAINERS = frozenset({"div", "ul", "ol", "dl", "section", "table"})
_NO_TEXT = frozenset({"script", "style", "template"})


def _drop_downs(el: etree._Element) -> set:
    """The drop-down parts of ``el``'s menu items: ``li > a + div`` (or ``+ ul``) holding links."""
    out = set()
    for li in el.iter("li"):
        if any(c.tag == "a" and c.get("href") is not None for c in li):
            out.update(c for c in li if c.tag in _CONTAINERS and c.find(".//a[@href]") is not None)
    return out


def _dates(el: etree._Element, limit: int = 3) -> int:
    """How many dates (up to ``limit``) ``el`` prints outside its items' drop-downs.

    A dated news list prints its dates in its own rows; a menu whose 新闻中心 item drops
    down a panel of the latest headlines prints them one level down, inside that item."""
    skip = _drop_downs(el)
    texts: list[str] = []
    stack: list = [el]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            texts.append(node)
            continue
        if not isinstance(node.tag, str) or node.tag in _NO_TEXT:
            continue
        texts.append(node.text or "")
        for child in reversed(node):
            stack.append(child.tail or "")
            if child not in skip:
                stack.append(child)
    return len(list(islice(DATEISH.finditer("".join(texts)), limit)))


def _short_names(anchors: list[etree._Element]) -> bool:
    """Most links are named like columns (2-16 characters), not like articles."""
    names = [anchor_name(a) for a in anchors]
    return sum(2 <= len(n) <= 16 for n in names) >= 0.8 * len(names)


def _weak_blocks(root: etree._Element, base_url: str, stops: set) -> list[NavBlock]:
    """Column link lists without a telling class name (``ul.sx-uls``, ``table.gl_left``)."""
    found: list[NavBlock] = []
    for el in root.iter("ul", "ol", "table"):
        if el in stops or _inside(el, stops):
            continue
        anchors = [a for a in el.iter("a") if a.get("href")]
        if not 4 <= len(anchors) <= 60:
            continue
        if not _short_names(anchors):
            continue
        names = [anchor_name(a) for a in anchors]
        urls = [resolve_url(base_url, a.get("href")) for a in anchors]
        if sum(bool(u) and not _ARTICLE_URL.search(u) for u in urls) < 0.8 * len(urls):
            continue
        text = fold(text_of(el))
        if DATEISH.search(text) or len(text) > 1.5 * sum(len(n) + 1 for n in names) + 20:
            continue
        if _mostly_external(anchors, base_url):
            continue
        found.append(NavBlock(el, weak=True))
        stops.add(el)
    return found


def attached_panels(root: etree._Element, candidates: list[etree._Element]) -> dict:
    """``{menu item: panel}`` for items inside a menu candidate that name a panel by id.

    The panel is whatever element carries that id, wherever it sits, as long as it does not
    contain its own item (a bootstrap toggler names the whole collapsible menu) and the
    item has a name (a menu entry, not a bare button).
    """
    triggers = [el for el in _PANEL_XPATH(root) if not (el.tag == "a" and not el.get("href"))]
    if not triggers:
        return {}
    cset = set(candidates)
    wanted: dict[str, list[etree._Element]] = {}
    for el in triggers:
        parent, in_menu = el.getparent(), False
        while parent is not None:
            if parent in cset:
                in_menu = True
                break
            parent = parent.getparent()
        if not in_menu:
            continue
        for attr in PANEL_ATTRS:
            value = (el.get(attr) or "").strip().lstrip("#")
            if value and " " not in value and not value.isdigit():  # data-id="12" is a record id
                wanted.setdefault(value, []).append(el)
    if not wanted:
        return {}
    panels: dict = {}
    for target in root.iter():
        ident = target.get("id") if isinstance(target.tag, str) else None
        if not ident or ident not in wanted:
            continue
        if target.tag in ("body", "html", "main") or sum(1 for _ in target.iter("a")) > MAX_PANEL_LINKS:
            wanted.pop(ident)
            continue  # a whole page section, not a drop-down
        for item in wanted.pop(ident):
            li = item if item.tag == "li" else next((p for p in item.iterancestors("li")), item)
            if li in panels or target is item or any(p is target for p in item.iterancestors()):
                continue
            if not fold(text_of(item)) and not any(a.get("href") for a in li.iter("a")):
                continue
            panels[li] = target
        if not wanted or len(panels) >= MAX_PANELS:
            break
    return panels


def _inside_any(el: etree._Element, elements: set) -> bool:
    return el in elements or _inside(el, elements)


def find_nav_blocks(root: etree._Element, base_url: str, layout: Layout | None = None) -> list[NavBlock]:
    """Navigation blocks in document order; also records them in ``layout.nav``.

    A nav-named element that contains other (non-drop-down) nav-named elements is a
    wrapper (a whole header) and gives way to them; a drop-down panel inside a kept menu
    is part of that menu.
    """
    layout = layout or find_layout(root)
    crumbs = set(layout.breadcrumb)
    candidates = [
        el for el in layout.nav_candidates
        if el not in crumbs and not _inside(el, crumbs) and el.find(".//a[@href]") is not None
    ]
    panels = attached_panels(root, candidates)
    panel_set = set(panels.values())
    if panel_set:  # a menu's drop-down content is part of its item, not a menu of its own
        candidates = [el for el in candidates if not _inside_any(el, panel_set)]
    cset = set(candidates)
    ancestors = {}
    for el in candidates:
        chain, parent = [], el.getparent()
        while parent is not None:
            if parent in cset:
                chain.append(parent)
            parent = parent.getparent()
        ancestors[el] = chain
    wrappers = set()
    for el in candidates:
        if not _is_sub(el):
            wrappers.update(a for a in ancestors[el] if not _in_item(el, a))
    kept = {el for el in candidates if el not in wrappers}
    blocks: list[NavBlock] = []
    for el in candidates:
        if el not in kept or any(a in kept for a in ancestors[el]):
            continue  # a wrapper, or a drop-down panel inside a kept menu
        anchors = [a for a in el.iter("a") if a.get("href") is not None]
        if len(anchors) > 300 or _dates(el) >= 3:
            continue  # a whole page section or a dated news list, not a menu
        if not menu_named(el) and not _short_names(anchors):
            continue  # ``div.column_list`` of article titles
        blocks.append(NavBlock(el, external=_mostly_external(anchors, base_url), sub=_is_sub(el)))
    stops = {b.element for b in blocks} | crumbs | set(layout.footer) | panel_set
    weak = _weak_blocks(root, base_url, stops)
    if weak and blocks:
        wanted = {b.element: b for b in blocks + weak}
        ordered = []
        for el in root.iter():
            if el in wanted:
                ordered.append(wanted.pop(el))
                if not wanted:
                    break
        blocks = ordered
    else:
        blocks = blocks or weak
    kept_elements = {b.element for b in blocks}
    blocks.extend(NavBlock(panel, panel_for=item) for item, panel in panels.items() if _inside_any(item, kept_elements))
    layout.nav = [b.element for b in blocks]
    layout.reset()
    return blocks
