"""Page metadata: ``<meta>`` tags, title, publication date and breadcrumb.

The 2017 website guideline asks every page for Kaipuyun-style metas (``SiteName``,
``ColumnName``, ``PubDate``...), but CMSs spell them in any case and some templates emit
the head twice, so names are normalised and the first non-empty value wins. Many older
sites have no metas at all, so the publication date falls back to gov.cn's
``firstpublishedtime`` and then to a labelled date printed on the page
(``发布时间：2024-05-12 10:00``). The URL date is never used: republished pages keep the
creation date in their URL.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from ._text import NON_CONTENT_TAGS, anchor_name, element_text, fold, squeeze, text_of
from .dates import find_dates
from .layout import Layout, find_layout

KAIPUYUN_NAMES = (
    "SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType",
    "ArticleTitle", "PubDate", "ContentSource", "Url",
)
_CANONICAL = {name.lower(): name for name in KAIPUYUN_NAMES}
_DATE_METAS = ("firstpublishedtime", "publishdate", "publishtime", "releasedate", "dc.date")
_SP = r"[\s\u3000\u00a0\u2002\u2003]"
_S = _SP + "*"  # labels are often spaced out: 发&ensp;布&ensp;日&ensp;期
_STRONG_LABEL = re.compile(f"(?:发{_S}布|发{_S}表|公{_S}开|上{_S}线){_S}(?:时{_S}间|日{_S}期){_S}[:：]")
_WEAK_LABEL = re.compile(f"(?<![\u4e00-\u9fff])(?<![\u4e00-\u9fff]{_SP})(?:时{_S}间|日{_S}期){_S}[:：]")
_DATE_CLASS = re.compile(
    r"article[_-]?time|pub[_-]?(?:time|date)|publish[_-]?(?:time|date)|release[_-]?(?:time|date)|^fbsj$|^fbrq$"
)
_CRUMB_SEP = re.compile(r"\s*(?:>>|->|»|›|＞|>|→|/|\||｜)\s*")
_CRUMB_SKIP_TAGS = frozenset({"div", "form", "select", "button", "input", "p", "dl", "table"}) | NON_CONTENT_TAGS


def extract_meta(root: etree._Element) -> dict[str, str]:
    """``<meta name=... content=...>`` with Kaipuyun names canonical, others lower-case."""
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        name = fold(el.get("name"))
        if not name:
            continue
        key = _CANONICAL.get(name.lower(), name.lower())
        value = fold(el.get("content"))
        if key not in out or (not out[key] and value):
            out[key] = value
    return out


def page_title(root: etree._Element) -> str:
    for el in root.iter("title"):
        return fold(text_of(el))
    return ""


def _labelled_dates(layout: Layout, ref: dt.date):
    """``(strength, date, text)`` for every labelled date outside the footer, page order."""
    for hit in layout.hits("时间", "日期"):
        strong = _STRONG_LABEL.search(hit.text)
        m = strong or _WEAK_LABEL.search(hit.text)
        el = hit.owner
        if not m or el is None or el.tag in NON_CONTENT_TAGS or layout.inside(el, ("footer",)):
            continue
        rx = _STRONG_LABEL if strong else _WEAK_LABEL
        for _ in range(3):  # the date may sit in a child or sibling: <i>时间：</i>2019-09-18
            holder = element_text(el, limit=300)
            found = rx.search(holder)
            after = holder[found.end():] if found else ""
            dates = find_dates(after[:40], ref)
            if dates and after.find(dates[0][1]) < 12:
                yield (0 if strong else 1), dates[0][0], squeeze(found.group(0)) + dates[0][1]
                break
            el = el.getparent()
            if el is None or el.tag == "body":
                break


def extract_pub_date(root: etree._Element, meta: dict[str, str], ref: dt.date | None = None,
                     layout: Layout | None = None) -> tuple[dt.date | None, str]:
    """Publication date and the text it was read from: PubDate meta, gov.cn's
    ``firstpublishedtime``, a labelled date on the page, a date-classed element; else None."""
    ref = ref or dt.date.today()
    layout = layout or find_layout(root)
    for key in ("PubDate",) + _DATE_METAS:
        value = meta.get(key, "")
        dates = find_dates(value, ref) if value else []
        if dates:
            return dates[0][0], value
    labelled = sorted(_labelled_dates(layout, ref), key=lambda item: item[0])
    if labelled:
        return labelled[0][1], labelled[0][2]
    for el in layout.date_elements:
        if el.tag == "publishtime" or any(_DATE_CLASS.search(t) for t in el.get("class", "").lower().split()):
            text = element_text(el, limit=200)
            dates = find_dates(text, ref) if len(text) <= 60 else []
            if dates:
                return dates[0][0], text
    return None, ""


def _crumb_chunks(el: etree._Element, out: list[str], depth: int = 0) -> None:
    """Anchor names and loose text of a breadcrumb, skipping print/share widgets inside it."""
    if el.text:
        out.extend(_CRUMB_SEP.split(el.text))
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and depth < 20:
            if tag == "a":
                out.append(anchor_name(child))
            elif tag not in _CRUMB_SKIP_TAGS or (
                tag in ("div", "p", "table") and child.find(".//a[@href]") is not None
            ):
                _crumb_chunks(child, out, depth + 1)
        if child.tail:
            out.extend(_CRUMB_SEP.split(child.tail))


def extract_breadcrumb(root: etree._Element, layout: Layout | None = None) -> list[str]:
    """Names along the 当前位置 trail (首页 > 政务公开 > ...), current page last."""
    layout = layout or find_layout(root)
    for el in layout.breadcrumb:
        chunks: list[str] = []
        _crumb_chunks(el, chunks)
        names: list[str] = []
        for chunk in chunks:
            name = fold(chunk).strip("：:")
            if not name or "位置" in name or len(name) > 40:
                continue
            if not names or names[-1] != name:
                names.append(name)
        if names:
            return names
    return []
