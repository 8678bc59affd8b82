"""The page's own document number (文号) and the numbers it cites.

Numbers are parsed and spelled by :mod:`portalwatch.crawler.docnumber` (shared with the
checks): ``岚政综〔2023〕26号``, ``国办秘函〔2019〕19号``, decrees ``省政府令第232号``.

A page cites other documents, so the page's *own* number is looked for in order of
reliability: a labelled metadata field (``发文字号：``, ``文号：``; ``文号：无`` means the
page has none), then the title area, then the top of the body.
"""

from __future__ import annotations

import re

from lxml import etree

from ..docnumber import halfwidth_digits, iter_doc_numbers, parse_doc_numbers
from ._text import NON_CONTENT_TAGS, element_text, fold, squeeze
from .layout import Layout, TextHit, find_layout

_LABEL = re.compile(r"^(?:发文字号|发文文号|文件字号|文件编号|发文号|文号|字号)[:：]?")
_NONE_VALUES = {"无", "暂无", "-", "—", "/", "／", "空", "null", "none"}
_NONE_PREFIX = re.compile(r"^(?:无|暂无)(?=索引|主题|成文|发布|公开|有效|名称|分类|$)")
_INTERPRETATION = re.compile(r"解读|图解|一图读懂|读懂")


def normalise_doc_number(s: str) -> str:
    """One spelling for a document number: ``岚政综[2023]第26号`` -> ``岚政综〔2023〕26号``."""
    s = squeeze(s or "")
    numbers = parse_doc_numbers(s)
    return str(numbers[0]) if numbers else halfwidth_digits(s)


def find_doc_numbers(text: str) -> list[str]:
    """Every document number in ``text``, normalised, unique, in order."""
    seen: dict[str, None] = {}
    for number in parse_doc_numbers(text):
        seen.setdefault(str(number), None)
    return list(seen)


def _field_value(hit: TextHit, label: str) -> str:
    """Text that follows ``label`` in the smallest element (or next sibling) holding it."""
    rest = squeeze(hit.text)[len(label):].lstrip(":：")
    if rest:
        return rest
    el = hit.owner
    for _ in range(3):
        if el is None:
            break
        text = squeeze(element_text(el, limit=400))
        pos = text.find(label)
        value = text[pos + len(label):].lstrip(":：") if pos >= 0 else ""
        if value:
            return value
        sibling = el.getnext()
        while sibling is not None and not isinstance(sibling.tag, str):
            sibling = sibling.getnext()
        if sibling is not None:
            value = squeeze(element_text(sibling, limit=200))
            if value:
                return "" if _LABEL.match(value) else value.lstrip(":：")
        el = el.getparent()
    return ""


def _labelled_value(layout: Layout) -> str | None:
    """The value of a 文号 field: a number, ``""`` for an explicit none, None if no field."""
    for hit in layout.hits("文号", "字号", "文件编号"):
        if hit.owner is None or hit.owner.tag in NON_CONTENT_TAGS:
            continue
        m = _LABEL.match(squeeze(hit.text))
        if not m:
            continue
        value = _field_value(hit, m.group(0))[:80]
        numbers = find_doc_numbers(value)
        if numbers:
            return numbers[0]
        if value in _NONE_VALUES or _NONE_PREFIX.match(value):
            return ""
    return None


def _title_area_texts(root: etree._Element, layout: Layout, meta_title: str, page_title: str) -> list[str]:
    texts = [meta_title]
    for h in root.iter("h1", "h2"):
        texts.append(element_text(h, limit=300))
        sibling = h.getnext()
        if sibling is not None and isinstance(sibling.tag, str):
            texts.append(element_text(sibling, limit=120))
    for el in layout.title_elements:
        text = element_text(el, limit=300)
        if len(text) <= 200:
            texts.append(text)
    texts.append(page_title)
    return [t for t in texts if t]


def own_doc_number(
    root: etree._Element, *, meta_title: str = "", page_title: str = "", body_text: str = "",
    layout: Layout | None = None,
) -> str:
    """The page's own document number (normalised) or ``""``."""
    layout = layout or find_layout(root)
    labelled = _labelled_value(layout)
    if labelled is not None:
        return labelled
    title = meta_title or page_title
    if _INTERPRETATION.search(title):
        return ""  # an interpretation quotes the number of the document it explains
    for text in _title_area_texts(root, layout, meta_title, page_title):
        numbers = find_doc_numbers(text)
        if numbers:
            return numbers[0]
    head = fold(body_text)[:300]
    for start, number in iter_doc_numbers(head):
        before = head[max(0, start - 2): start]
        if "》" in before:
            continue  # 《某某通知》（某政〔2019〕5号） cites another document
        return str(number)
    return ""


def cited_doc_numbers(texts: list[str], own: str) -> list[str]:
    """Numbers cited in ``texts`` other than the page's own, unique, in order."""
    seen: dict[str, None] = {}
    for text in texts:
        for number in find_doc_numbers(text):
            if number != own:
                seen.setdefault(number, None)
    return list(seen)
