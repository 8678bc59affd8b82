"""Service guides (办事指南): is this page one, and which of its ten key elements does it give?

The 2019 national indicators (服务不实用) count a guide as incomplete when it lacks 4 or more
of 事项名称、设定依据、申请条件、办理材料、办理地点、办理机构、收费标准、办理时间、联系电话、办理流程.
Sites label them in many ways (受理条件, 申请材料, 咨询电话, 收费依据及标准, 法定依据, 承诺时限 ...)
and lay them out as a two-column table (label cell, value cell; labels may span rows), a header
row over a value row, ``<dt>/<dd>``, ``<strong>办理材料：</strong>…``, ``<p>事项名称：…</p>`` or
``<h3>一、设定依据</h3><p>…</p>``.

A label counts only *in label position* (a table cell holding just the label, a ``<dt>``, a heading,
or the start of a block followed by a colon): the word 材料 inside a sentence is no element.
An element is present when its label has content: text (无, 不收费, 免费 and a dash are
statements, so present), an image (a 流程图) or a link (an attachment). An empty cell is absent.

办理时间 and 办理时限: the indicators' list has one time element; guides give office hours
(办理时间/受理时间), the statutory or promised duration (法定时限/承诺时限), or both. Either one
satisfies 办理时间 — counting a guide as incomplete because it states its deadline but not its
hours (or the reverse) would be a disputable accusation.

Cheap by design: the page is looked at only when its title, breadcrumb or column names a guide,
or when its text mentions at least three distinctive element labels.
"""

from __future__ import annotations

import re

from lxml import etree

from ._text import NON_CONTENT_TAGS, fold, squeeze

ELEMENTS = ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理机构", "收费标准", "办理时间",
            "联系电话", "办理流程")

# canonical element -> labels (compared after removing whitespace, numbering and a trailing colon)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "事项名称": ("事项名称", "服务事项名称", "事项名", "办理事项", "服务事项", "审批事项", "项目名称", "服务名称",
             "许可事项名称", "事项全称", "名称"),
    "设定依据": ("设定依据", "法定依据", "实施依据", "办理依据", "法律依据", "政策依据", "依据", "设立依据",
             "受理依据", "审批依据", "许可依据", "设定依据及实施依据"),
    "申请条件": ("申请条件", "受理条件", "办理条件", "申办条件", "准予条件", "准入条件", "受理标准", "申请人条件",
             "申请资格", "条件", "准予许可的条件", "许可条件", "服务对象及条件"),
    "办理材料": ("办理材料", "申请材料", "所需材料", "申报材料", "提交材料", "办事材料", "材料清单", "需提交材料",
             "应提交材料", "所需资料", "申请资料", "提交资料", "材料", "申请材料目录", "申请材料清单"),
    "办理地点": ("办理地点", "受理地点", "办公地点", "办事地点", "办理地址", "受理地址", "窗口地址", "地点",
             "受理窗口", "办理窗口"),
    "办理机构": ("办理机构", "受理机构", "实施机关", "实施主体", "实施机构", "办理部门", "受理部门", "承办机构",
             "决定机关", "责任部门", "主管部门", "受理单位", "办理单位", "实施部门", "审批机关", "审批部门",
             "受理机关", "办理机关"),
    "收费标准": ("收费标准", "收费依据及标准", "收费依据", "是否收费", "收费情况", "收费", "收费项目",
             "收费标准及依据", "收费项目及标准", "收费依据和标准", "费用"),
    "办理时间": ("办理时间", "受理时间", "办公时间", "工作时间", "窗口办理时间", "办理时限", "承诺时限", "法定时限",
             "承诺办结时限", "法定办结时限", "办结时限", "时限", "承诺期限", "法定期限", "办理期限", "审批时限"),
    "联系电话": ("联系电话", "咨询电话", "咨询方式", "联系方式", "咨询途径", "咨询投诉电话", "咨询及投诉电话",
             "电话", "咨询", "联系人及电话", "办理咨询", "咨询投诉"),
    "办理流程": ("办理流程", "办理程序", "办事流程", "办事程序", "办理步骤", "审批流程", "受理流程", "申办流程",
             "工作流程", "流程", "程序", "流程图", "办理流程图", "审批程序", "许可程序"),
}
_LABEL_TO: dict[str, str] = {label: canon for canon, labels in SYNONYMS.items() for label in labels}
# labels distinctive enough to recognise a guide without its name (a contact page has 地址/电话)
STRONG = ("设定依据", "法定依据", "实施依据", "申请条件", "受理条件", "办理条件", "办理材料", "申请材料",
          "所需材料", "办理流程", "办理程序", "收费标准", "收费依据", "是否收费", "办理时限", "承诺时限", "法定时限",
          "实施主体", "实施机关", "受理机构")
_STRONG_RE = re.compile("|".join(STRONG))
GUIDE_NAME = re.compile("办事指南|服务指南")
_NUMBERING = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|[①-⑳]|[★●◆■·•])+")
_COLON = re.compile(r"[:：]")
_MAX_LABEL = 14
_EMPTY_PUNCT = re.compile(r"[\s:：;；,，.。]+")
BLOCKS = ("p", "li", "div", "dd", "section")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _canon(text: str | None) -> str | None:
    """The canonical element a label text names, or None."""
    label = squeeze(text)
    if not label or len(label) > _MAX_LABEL + 4:
        return None
    label = _NUMBERING.sub("", label).rstrip(":：")
    label = label.strip("【】[]")
    return _LABEL_TO.get(label)


def _has_content(el: etree._Element | None, text: str) -> bool:
    if _EMPTY_PUNCT.sub("", text):
        return True
    return el is not None and (el.find(".//img") is not None or el.find(".//a[@href]") is not None)


def _text(el: etree._Element) -> str:
    parts = []
    for node in el.iter():
        if not isinstance(node.tag, str) or node.tag in NON_CONTENT_TAGS:
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node.text:
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return fold("".join(parts))


def _cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]


class _Catalogue(Exception):
    """The labels head a table of many items: the page lists services, it is not a guide."""


def _cell_value(cell: etree._Element) -> bool | None:
    """Does the table cell labelled by ``cell`` have content? None when it cannot be told."""
    row = cell.getparent()
    if row is None:
        return None
    cells = _cells(row)
    i = cells.index(cell)
    after = cells[i + 1:]
    labels = [_canon(_text(c)) for c in cells]
    if sum(1 for x in labels if x) >= 2 and all(x or not _text(c) for x, c in zip(labels, cells)):
        # a header row: the values are in the next row, same column
        nxt = row.getnext()
        while nxt is not None and not (isinstance(nxt.tag, str) and nxt.tag == "tr"):
            nxt = nxt.getnext()
        if nxt is None:
            return None
        if sum(1 for r in nxt.itersiblings() if isinstance(r.tag, str) and r.tag == "tr") >= 2:
            raise _Catalogue  # a header over 3 or more rows: a list of items (事项目录), not one guide
        below = _cells(nxt)
        if i >= len(below):
            return None
        return _has_content(below[i], _text(below[i]))
    values = [c for c in after if not _canon(_text(c))] if after else []
    if any(_has_content(c, _text(c)) for c in values):
        return True
    span = int(cell.get("rowspan") or 1) if (cell.get("rowspan") or "1").isdigit() else 1
    nxt = row
    for _ in range(max(0, span - 1)):  # a label spanning rows: its values fill the rows below
        nxt = nxt.getnext()
        if nxt is None:
            break
        if any(_has_content(c, _text(c)) for c in _cells(nxt)):
            return True
    if not after:
        return None if span <= 1 else False
    return False


def _following_content(el: etree._Element, stop_tags: tuple[str, ...]) -> bool:
    """Content after a heading-like label, up to the next label of the same kind."""
    for sib in el.itersiblings():
        if not isinstance(sib.tag, str) or sib.tag in NON_CONTENT_TAGS:
            continue
        if sib.tag in stop_tags or _canon(_text(sib)):
            return False
        if _has_content(sib, _text(sib)):
            return True
    return False


_INLINE = re.compile(
    r"(?:^|(?<=[。；;！!？?\s）)]))(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)?(%s)\s*[:：]"
    % "|".join(sorted((re.escape(x) for x in _LABEL_TO if len(x) >= 2), key=len, reverse=True)))


def _inline(el: etree._Element) -> list[tuple[str, bool]]:
    """``<p>事项名称：xxx</p>``, ``<p><strong>办理材料：</strong>…</p>``, ``…即时办结。收费标准：不收费。``:
    ``[(element, has content)]`` for each label that opens the block or a sentence of it."""
    text = _text(el)
    if len(text) > 3000:
        text = text[:3000]
    hits = list(_INLINE.finditer(text))
    out: list[tuple[str, bool]] = []
    for n, m in enumerate(hits):
        canon = _LABEL_TO[m.group(1)]
        rest = text[m.end(): hits[n + 1].start() if n + 1 < len(hits) else len(text)]
        if _has_content(None, rest):
            out.append((canon, True))
            continue
        if n + 1 < len(hits):
            out.append((canon, False))
            continue
        if el.find(".//img") is not None or el.find(".//a[@href]") is not None:
            out.append((canon, True))
            continue
        nxt = el.getnext()
        while nxt is not None and (not isinstance(nxt.tag, str) or nxt.tag in NON_CONTENT_TAGS or nxt.tag == "br"):
            nxt = nxt.getnext()
        out.append((canon, nxt is not None and not _starts_with_label(nxt) and _has_content(nxt, _text(nxt))))
    return out


def _starts_with_label(el: etree._Element) -> bool:
    """The element (a paragraph, a ``<dl>``, a table ...) opens with an element label."""
    if _canon_of_block(el):
        return True
    for node in el.iter():
        if node is el or not isinstance(node.tag, str) or node.tag in NON_CONTENT_TAGS:
            continue
        text = fold(node.text)
        if text:
            return bool(_canon_of_block(node))
    return False


def _canon_of_block(el: etree._Element) -> str | None:
    text = _text(el)
    m = _COLON.search(text[: _MAX_LABEL + 6])
    return _canon(text[: m.start()] if m else text)


def _is_leafish(el: etree._Element) -> bool:
    """A block whose own children are inline (no nested block or table)."""
    for child in el:
        if isinstance(child.tag, str) and child.tag in BLOCKS + HEADINGS + ("table", "ul", "ol", "dl"):
            return False
    return True


def guide_elements(root: etree._Element, body: etree._Element | None = None,
                   layout=None) -> tuple[dict[str, bool], int]:
    """``({canonical element: has content}, strong label count)`` for the labels in label position
    (the page template — header, footer with its 联系电话, menus, sidebars — left out)."""
    found: dict[str, bool] = {}
    template = ("footer", "header", "nav", "aside")

    def add(canon: str | None, present: bool | None) -> None:
        if canon is None:
            return
        # unknown content is not accused of being empty
        found[canon] = found.get(canon, False) or present is None or bool(present)

    scope = body if body is not None else root
    for el in scope.iter("td", "th", "dt", "strong", "b", "label", "span", *HEADINGS, *BLOCKS):
        tag = el.tag
        if layout is not None and layout.inside(el, template):
            continue
        if tag in ("td", "th"):
            canon = _canon(_text(el))
            if canon:
                add(canon, _cell_value(el))
            elif _is_leafish(el):
                for hit in _inline(el):
                    add(*hit)
        elif tag == "dt":
            canon = _canon(_text(el))
            if canon:
                dd = el.getnext()
                add(canon, dd is not None and dd.tag == "dd" and _has_content(dd, _text(dd)))
        elif tag in HEADINGS:
            canon = _canon(_text(el))
            if canon:
                add(canon, _following_content(el, HEADINGS))
        elif tag in ("strong", "b", "label", "span"):
            text = _text(el)
            if not text.rstrip().endswith((":", "：")):
                continue
            canon = _canon(text)
            if canon is None:
                continue
            parent = el.getparent()
            if parent is not None and parent.tag in BLOCKS + ("td",) and _is_leafish(parent):
                continue  # the block itself is read inline
            tail = fold(el.tail)
            if _has_content(None, tail):
                add(canon, True)
            else:
                add(canon, _following_content(el, ("strong", "b", "label")))
        elif _is_leafish(el):
            for hit in _inline(el):
                add(*hit)
    text = _text(scope)[:20000]
    strong = len({m.group() for m in _STRONG_RE.finditer(text)})
    return found, strong


def extract_guide(root: etree._Element, *, title: str, breadcrumb: list[str], meta: dict[str, str],
                  list_count: int, text: str, layout=None) -> tuple[bool, list[str], list[str]]:
    """``(is_guide, elements with content, labels seen)`` for one page; cheap when it is none."""
    named = bool(GUIDE_NAME.search(" ".join([title, meta.get("ArticleTitle", ""), meta.get("ColumnName", ""),
                                             *breadcrumb[-2:]])))
    if not named and len({m.group() for m in _STRONG_RE.finditer(text[:20000])}) < 3:
        return False, [], []
    body = root.find("body")
    try:
        found, strong = guide_elements(root, body, layout)
    except _Catalogue:
        return False, [], []
    labels = [e for e in ELEMENTS if e in found]
    present = [e for e in ELEMENTS if found.get(e)]
    strong_labels = sum(1 for e in labels if e not in ("事项名称", "联系电话", "办理地点"))
    if named:
        # a column list of guides (办事指南 index page) is not itself a guide
        scope = body if body is not None else root
        guide_links = sum(1 for a in scope.iter("a") if GUIDE_NAME.search(_text(a)) or "指南" in _text(a))
        is_guide = len(labels) >= 3 or (list_count < 3 and guide_links < 2)
    else:
        is_guide = strong_labels >= 3 and strong >= 3
    return is_guide, present, labels
