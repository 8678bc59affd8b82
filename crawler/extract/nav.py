"""The site's column navigation (栏目导航) as a tree.

``missing_column`` asks whether a required column is reachable from the homepage, and
required columns often sit one level down (政务公开 > 政府信息公开 > 政策解读), so the tree
keeps the nesting the markup gives: ``ul > li > a + ul``, ``dl > dt + dd``, a top menu
whose drop-down panels sit in a separate ``.submenu`` block (one panel per item), a panel
placed anywhere and named by its item (``<a nav-panel-id="np-3">`` … ``<div id="np-3">``),
and ``ul > li.first`` group headers. A panel gives only its sub-columns: its headlines,
leaders' names and pictures are left out (navpanel). Several blocks (top menu, drawer,
mobile copy, side menu, footer site map) are merged into one list of roots by name.
Utility links (首页, 无障碍, 登录, EN...) are dropped from the tree; in-page and external
link farms (友情链接) are ignored. :func:`nav_status` says whether a missing menu was
probably written by script (the checks then cannot judge columns from it).
"""

from __future__ import annotations

import re

from lxml import etree

from ..snapshot import NavNode
from ._text import NON_CONTENT_TAGS, anchor_name, clean_href, fold, resolve_url, squeeze, text_of
from .layout import Layout, find_layout
from .navblocks import DATEISH as _DATEISH, NavBlock, find_nav_blocks
from .navpanel import column_entries

MAX_NODES = 3000
_DROP = {
    "首页", "网站首页", "返回首页", "回到首页", "主页", "本站首页", "english", "en", "英文版", "登录", "登陆", "注册",
    "退出", "注销", "用户中心", "个人中心", "繁体", "繁體", "简体", "繁体版", "繁體版", "简体版", "关怀版", "长者模式",
    "退出长者模式", "适老版", "移动版", "手机版", "更多", "更多栏目", "更多>>", "更多>", "more", "网站地图", "设为首页",
    "加入收藏", "收藏本站", "邮箱", "搜索", "高级搜索", "微博", "微信",
}
_DROP_PART = re.compile(r"无障碍|切換|切换|english|^你好", re.I)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PANEL_TAGS = frozenset({"div", "section", "table"})  # a nested ``ul`` is a plain sub-menu
# A menu the HTML lacks is written by script when a body script (or a nav/header script
# anywhere) exists or an inline script writes markup.
_MENU_SCRIPT = re.compile(r"(?:^|[/_.-])(?:nav|menu|daohang|dh|header|head|top|lanmu|column)[\w.-]*\.js", re.I)
_WRITES_DOM = re.compile(
    r"document\.write|\.innerHTML\s*\+?=|insertAdjacentHTML|appendChild|\.append\s*\(|\.html\s*\(|"
    r"createElement\s*\(|new\s+Vue\b|createApp\s*\(|ReactDOM|angular\.module"
)
class _Builder:
    """Turns navigation markup into NavNodes; remembers which nodes are utility links."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.dropped: set[int] = set()
        self.count = 0
        self.keep: list[NavNode] = []  # keeps every node alive so that ids in ``dropped`` stay unique
        self.panels: dict = {}  # menu item (li) -> its drop-down panel placed elsewhere
        self.claimed: set = set()  # those panels: walked only through their item
        self.in_panel = False  # inside a drop-down panel a picture link is not a column

    def node(self, a: etree._Element) -> NavNode | None:
        name = anchor_name(a)
        if not name or len(name) > 40 or self.count >= MAX_NODES:
            return None
        if self.in_panel and len(a) and not fold(text_of(a)):
            return None  # named only by an image's alt: a picture
        href = clean_href(a.get("href"))
        url = None if href.endswith("#") else resolve_url(self.base_url, href)
        node = NavNode(name=name, url=url)
        self.count += 1
        self.keep.append(node)
        if name.lower() in _DROP or _DROP_PART.search(name):
            self.dropped.add(id(node))
        return node

    def items(self, el: etree._Element, depth: int = 0, skip: etree._Element | None = None) -> list[NavNode]:
        out: list[NavNode] = []
        if depth > 40:
            return out
        heading: NavNode | None = None  # ``h3 > a`` followed by its ``ul`` (accordion menus)
        for child in el:
            tag = child.tag
            if child is skip or not isinstance(tag, str) or tag in NON_CONTENT_TAGS or child in self.claimed:
                continue
            if tag in ("ul", "ol") and heading is not None:
                heading.children.extend(self.items(child, depth + 1))
                heading = None
                continue
            if tag in _HEADINGS:
                nodes = self.items(child, depth + 1, skip)
                out.extend(nodes)
                heading = nodes[0] if len(nodes) == 1 and not nodes[0].children else None
                continue
            heading = None
            if tag == "a":
                node = self.node(child) if child.get("href") is not None else None
                if node is not None and child in self.panels:  # ``div.nav > a[data-target]``, no ``li``
                    node.children.extend(self.panel_items(self.panels[child], depth))
                out.extend([node] if node else [])
            elif tag == "li":
                out.extend(self.item(child, depth + 1))
            elif tag == "dl":
                out.extend(self.definition_list(child, depth + 1))
            else:
                out.extend(self.items(child, depth + 1, skip))
        if el.tag in ("ul", "ol") and len(out) > 1 and out[0].url is None and not out[0].children:
            out[0].children.extend(out[1:])  # ``li.first`` group header without a link
            out = out[:1]
        return out

    def item(self, li: etree._Element, depth: int) -> list[NavNode]:
        head_a = None
        for a in li.iter("a"):
            if a.get("href") is None:
                continue
            parent, nested = a.getparent(), False
            while parent is not None and parent is not li:
                if parent.tag in ("ul", "ol", "dl"):
                    nested = True
                    break
                parent = parent.getparent()
            if not nested:
                head_a = a
            break
        # ``li > a + div.nav-drop``: a drop-down panel inside the item gives only its
        # sub-columns, like a panel placed elsewhere (its headlines and leaders are not columns)
        panelled = head_a is not None and any(
            c.tag in _PANEL_TAGS and c.find(".//a[@href]") is not None for c in li)
        outer, self.in_panel = self.in_panel, self.in_panel or panelled
        try:
            kids = self.items(li, depth, skip=head_a)
        finally:
            self.in_panel = outer
        if panelled:
            kids = column_entries(kids, self.dated_urls(li, head_a))
        panel = self.panels.get(li)
        if panel is not None:
            kids.extend(self.panel_items(panel, depth))
        head = self.node(head_a) if head_a is not None else None
        if head is None and head_a is None:
            label = fold(li.text) or next((fold(c.text) for c in li if isinstance(c.tag, str) and c.tag not in ("ul", "ol", "dl", "div")), "")
            if label and len(label) <= 12 and kids:
                head = NavNode(name=label, url=None)
                self.keep.append(head)
        if head is None:
            return kids
        head.children.extend(k for k in kids if not _repeats(head, k))
        return [head]

    def dated_urls(self, panel: etree._Element, head: etree._Element | None = None) -> set[str]:
        """URLs of the panel's links that sit in a row with a date: news rows, not columns
        (``head``, the menu item's own link, sits in the item, not in a row)."""
        out: set[str] = set()
        for a in panel.iter("a"):
            if a is head:
                continue
            row = a.getparent()
            text = text_of(row) if row is not None else ""
            if len(text) <= 200 and _DATEISH.search(text.replace(text_of(a), "")):
                url = resolve_url(self.base_url, a.get("href"))
                if url:
                    out.add(url)
        return out

    def panel_items(self, panel: etree._Element, depth: int = 0) -> list[NavNode]:
        """A drop-down panel's sub-columns: its headlines, names and pictures left out."""
        self.claimed.discard(panel)
        outer, self.in_panel = self.in_panel, True
        try:
            return column_entries(self.items(panel, depth + 1), self.dated_urls(panel))
        finally:
            self.claimed.add(panel)
            self.in_panel = outer

    def definition_list(self, dl: etree._Element, depth: int) -> list[NavNode]:
        if not any(c.tag == "dt" for c in dl):
            return self.items(dl, depth)
        out: list[NavNode] = []
        current = None
        for child in dl:
            if child.tag == "dt":
                anchors = [a for a in child.iter("a") if a.get("href") is not None]
                current = self.node(anchors[0]) if anchors else None
                out.extend([current] if current else [])
            elif isinstance(child.tag, str) and child.tag not in NON_CONTENT_TAGS:
                kids = self.items(child, depth)
                (current.children if current is not None else out).extend(kids)
        return out


def _repeats(head: NavNode, kid: NavNode) -> bool:
    """``kid`` only repeats its menu heading (便民服务 › 便民服务, same page): leave it out.

    A heading that links to its first entry's page (政务公开 → 政策文件's list) keeps that
    entry: it names the page's column, and without it 政策文件 would drop out of the menu."""
    return kid.url == head.url and not kid.children and squeeze(kid.name) == squeeze(head.name)


def _merge(target: list[NavNode], nodes: list[NavNode]) -> None:
    index = {n.name: n for n in target}
    for node in nodes:
        existing = index.get(node.name)
        if existing is None:
            target.append(node)
            index[node.name] = node
            continue
        if existing.url is None and node.url:
            existing.url = node.url
        _merge(existing.children, node.children)


def _prune(nodes: list[NavNode], dropped: set[int], depth: int = 0) -> list[NavNode]:
    out: list[NavNode] = []
    for node in nodes:
        node.children = _prune(node.children, dropped, depth + 1) if depth < 40 else []
        if id(node) in dropped:
            _merge(out, node.children)
        elif node.url is not None or node.children:
            _merge(out, [node])
    return out


def _panels(block: etree._Element) -> list[etree._Element]:
    el = block
    while True:
        kids = [c for c in el if isinstance(c.tag, str) and c.tag not in NON_CONTENT_TAGS]
        if len(kids) != 1 or kids[0].tag == "a":
            return kids
        el = kids[0]


def extract_nav(root: etree._Element, base_url: str, blocks: list[NavBlock] | None = None) -> list[NavNode]:
    """The navigation tree: roots are top-level columns, children their sub-columns."""
    if blocks is None:
        blocks = find_nav_blocks(root, base_url)
    builder = _Builder(base_url)
    builder.panels = {b.panel_for: b.element for b in blocks if b.panel_for is not None}
    builder.claimed = set(builder.panels.values())
    roots: list[NavNode] = []
    menu: list[NavNode] = []  # raw items of the last top menu, for drop-down panels
    for block in blocks:
        if block.external or block.panel_for is not None:
            continue
        if block.sub:
            panels = _panels(block.element)
            if menu and len(panels) == len(menu):
                for head, panel in zip(menu, panels):
                    builder.in_panel = True
                    kids = column_entries(builder.items(panel), builder.dated_urls(panel))
                    carrier = NavNode(name=head.name, url=head.url, children=kids)
                    builder.in_panel = False
                    builder.keep.append(carrier)
                    if id(head) in builder.dropped:
                        builder.dropped.add(id(carrier))
                    _merge(roots, [carrier])
                continue
        nodes = builder.items(block.element) if block.element.tag not in ("li", "dl") else (
            builder.item(block.element, 0) if block.element.tag == "li" else builder.definition_list(block.element, 0)
        )
        if not block.sub:
            menu = nodes
        _merge(roots, nodes)
    return _prune(roots, builder.dropped)


def nav_status(root: etree._Element, nav: list[NavNode]) -> str:
    """``ok`` (a menu was read), ``script`` (no menu in the HTML, and scripts that may write
    one: the menu could not be read, so no column can be called missing from it) or
    ``not_found`` (no menu and nothing that would write one)."""
    if nav:
        return "ok"
    for script in root.iter("script"):
        src = script.get("src")
        if src:
            if _MENU_SCRIPT.search(src) or any(p.tag == "body" for p in script.iterancestors()):
                return "script"
        elif _WRITES_DOM.search(script.text or ""):
            return "script"
    return "not_found"


def nav_link_urls(root: etree._Element, base_url: str, blocks: list[NavBlock] | None = None,
                  layout: Layout | None = None) -> set[str]:
    """Absolute URLs linked from navigation blocks and breadcrumbs (for ``Link.nav``)."""
    if blocks is None:
        layout = layout or find_layout(root)
        blocks = find_nav_blocks(root, base_url, layout)
    elements = [b.element for b in blocks] + (layout.breadcrumb if layout else [])
    urls: set[str] = set()
    for el in elements:
        for a in el.iter("a", "area"):
            url = resolve_url(base_url, a.get("href"))
            if url:
                urls.add(url)
    return urls
