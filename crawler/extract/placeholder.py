"""Empty-column placeholders (暂无信息, 栏目正在建设中...) and the main text of a page.

A column page that shows only ``暂无信息`` is a blank column (空白栏目) — a veto item when
five of them pile up — but the same words in a sidebar widget, the footer, a menu, a
hidden "no data" template or a client-side template say nothing about this column. So a
placeholder counts only when it is the whole text of a visible element outside every
template region. The same region-free text gives the page's main text length.
"""

from __future__ import annotations

import re

from lxml import etree

from ._text import NON_CONTENT_TAGS, content_roots, fold
from .layout import Layout, find_layout, menu_named

PLACEHOLDER = re.compile(
    r"(?:该栏目|本栏目|此栏目|栏目)?(?:暂无(?:相关)?(?:信息|数据|内容|记录|文章|文件|公告)|"
    r"(?:正在)?建设中|(?:信息|内容|数据)?(?:正在)?(?:完善|更新)中|暂未(?:发布|公开|上传)(?:信息|内容)?|"
    r"(?:暂时)?没有(?:相关|任何|找到)?(?:记录|信息|数据|内容)|暂无|敬请期待)"
)
MAX_PLACEHOLDER_TEXT = 30  # longer text is a sentence that merely mentions 暂无
_DYNAMIC_ATTRS = ("ms-if", "ms-visible", "v-if", "v-show", "v-else", "ng-if", "ng-show", "x-show", "*ngif", "hidden")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_REGIONS = ("header", "footer", "nav", "aside", "breadcrumb")


def _hidden_or_dynamic(el: etree._Element) -> bool:
    while el is not None and el.tag not in ("body", "html"):
        style = el.get("style")
        if style and _HIDDEN_STYLE.search(style):
            return True
        for name in el.attrib:
            if name.lower().startswith(_DYNAMIC_ATTRS):
                return True
        el = el.getparent()
    return False


def _in_menu(el: etree._Element, layout: Layout) -> bool:
    """Inside a menu-named block, even one without links (so not a navigation block)."""
    menus = {m for m in layout.nav_candidates if menu_named(m)}
    while el is not None:
        if el in menus:
            return True
        el = el.getparent()
    return False


def _in_link(el: etree._Element) -> bool:
    """Text inside a link is a title (``XX项目正在建设中``), never a placeholder."""
    for _ in range(4):
        if el is None:
            return False
        if el.tag == "a":
            return True
        el = el.getparent()
    return False


def placeholder_hit(root: etree._Element, layout: Layout | None = None) -> tuple[str, etree._Element | None]:
    """``(placeholder text, its element)`` in the main content, or ``("", None)``."""
    layout = layout or find_layout(root)
    for hit in layout.hits("暂无", "暂未", "建设中", "完善中", "更新中", "没有", "敬请期待"):
        text = fold(hit.text)
        if not text or len(text) > MAX_PLACEHOLDER_TEXT or "{{" in text:
            continue
        m = PLACEHOLDER.search(text)
        if not m or len(text) - len(m.group(0)) > 12:
            continue
        el = hit.owner
        if el is None or el.tag in NON_CONTENT_TAGS or layout.inside(el, _REGIONS) or _in_menu(el, layout):
            continue
        if _in_link(el) or _hidden_or_dynamic(el):
            continue
        return text, el
    return "", None


def _collect(el: etree._Element, skip: set, parts: list[str], depth: int) -> None:
    if el.text and isinstance(el.tag, str):
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in NON_CONTENT_TAGS and child not in skip and depth < 300:
            _collect(child, skip, parts, depth + 1)
        if child.tail:
            parts.append(child.tail)


def main_text(root: etree._Element, layout: Layout | None = None) -> str:
    """Visible body text outside header, footer, navigation, sidebars and breadcrumb."""
    layout = layout or find_layout(root)
    skip = set()
    for kind in _REGIONS:
        skip.update(getattr(layout, kind))
    parts: list[str] = []
    for part in content_roots(root):
        if part not in skip:
            _collect(part, skip, parts, 0)
    return fold(" ".join(parts))
