"""List items (title, link, date) on column pages and homepages.

Staleness is measured on the dates printed next to list entries, so an item is a small
repeated element (``li``, ``tr``, ``dd``, ``div``...) holding one principal link and a
text segment that is nothing but a date (``2024-05-12``, ``[05-12]``, ``发布时间：...``).
The date must stand alone so that a title mentioning a date is never taken for the item
date; a year printed apart (``<em>2015</em>06-16``, or hidden in a comment, restored by
``page.restore_comment_years``) is joined to the month-day after it instead of guessed. Undated entries still count as a list when at least three sibling rows each hold
one long link. Header, footer, navigation and breadcrumb blocks are ignored.

The main list is the largest coherent list (items sharing a parent); every other dated
item is returned separately because a homepage's freshness is judged on all of them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from ..snapshot import ListItem
from ._text import NON_CONTENT_TAGS, anchor_name, fold, resolve_url, text_of
from .dates import date_only
from .layout import Layout, find_layout
from .navblocks import find_nav_blocks

_STOP = frozenset({"body", "html", "ul", "ol", "table", "tbody", "thead", "dl", "form", "select"})
_ROW_TAGS = frozenset({"li", "tr", "dd", "dt", "div", "p", "section", "article", "h3", "h4", "h5", "span", "td"})
_DIGIT = re.compile(r"\d")
# ``<span class="year">2015</span><span>06-16</span>``: a year printed apart from its month-day
_YEAR_ONLY = re.compile(r"^((?:19|20)\d{2})\s*[-/.年]?$")
_MONTH_DAY = re.compile(r"^[\[［【(（]?\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[\]］】)）]?$")
LONG_TITLE = 6  # characters: shorter anchors are category tags, "more" links, icons
MIN_UNDATED_ROWS = 3
LONG_UNDATED_TITLE = 8  # an undated row must look like an article title, not a name
MIN_START_TITLE = 5  # visible characters of a link that may start a row
MAX_ROW_TEXT = 400  # a "row" with more text than this is an article body, not a list entry


@dataclass
class _Row:
    element: etree._Element
    url: str
    title: str
    date: dt.date | None = None
    date_text: str = ""
    seq: int = 0  # page order

    def item(self) -> ListItem:
        return ListItem(title=self.title, url=self.url, date=self.date, date_text=self.date_text)


class _Scanner:
    def __init__(self, base_url: str, ref: dt.date) -> None:
        self.base_url = base_url
        self.ref = ref
        self.cache: dict = {}
        self.links: dict = {}

    def anchor(self, a: etree._Element) -> tuple[str, str, bool] | None:
        """``(url, title, has title attribute)`` of a link, cached per element."""
        if a in self.links:
            return self.links[a]
        url = resolve_url(self.base_url, a.get("href"))
        info = None
        if url:
            title_attr = fold(a.get("title"))
            info = (url, title_attr or anchor_name(a), bool(title_attr))
        self.links[a] = info
        return info

    def analyse(self, el: etree._Element):
        """(principal ``(url, title)`` or None, number of distinct long links, date or None).

        One pass over the element: its links, its text size and the first text segment
        that is nothing but a date. An element with two long links, a heading or too much
        text is not a row, and neither is anything above it, so the pass stops early and
        reports it as "too big" (two long links).
        """
        if el in self.cache:
            return self.cache[el]
        long_url = None
        principal, rank = None, (False, -1)
        found, size, too_big = None, 0, False
        year = None  # a bare year segment waiting for the month-day that follows it
        for node in el.iter():
            tag = node.tag
            if not isinstance(tag, str):
                continue
            if tag == "a":
                info = self.anchor(node)
                if info:
                    if len(info[1]) >= LONG_TITLE:
                        if long_url is not None and long_url != info[0]:
                            too_big = True
                            break
                        long_url = info[0]
                    if (info[2], len(info[1])) > rank:
                        principal, rank = (info[0], info[1]), (info[2], len(info[1]))
            elif tag in ("h1", "h2"):
                too_big = True
                break
            text = None if tag in NON_CONTENT_TAGS else node.text
            tail = node.tail if node is not el else None
            for text in (text, tail):
                if text:
                    stripped = text.strip()
                    size += len(stripped)
                    if found is None and len(stripped) <= 40 and _DIGIT.search(stripped):
                        md = _MONTH_DAY.match(stripped) if year else None
                        found = date_only(f"{year}-{md[1]}-{md[2]}", self.ref) if md else date_only(stripped, self.ref)
                        y = None if found else _YEAR_ONLY.match(stripped)
                        year = y[1] if y else None
                    elif stripped:
                        year = None
            if size > MAX_ROW_TEXT:
                too_big = True
                break
        result = (principal, 2, None) if too_big else (principal, int(long_url is not None), found)
        self.cache[el] = result
        return result


def _promote(el: etree._Element) -> etree._Element:
    """``li > h4 > a + span.time``: the row is the ``li`` when the ``h4`` is its only child."""
    for _ in range(2):
        parent = el.getparent()
        if parent is None or parent.tag not in _ROW_TAGS:
            break
        siblings = [c for c in parent if isinstance(c.tag, str) and c.tag not in NON_CONTENT_TAGS]
        if len(siblings) != 1:
            break
        el = parent
    return el


def _find_rows(root: etree._Element, scanner: _Scanner, excluded: set) -> tuple[list[_Row], list[_Row]]:
    dated: list[_Row] = []
    undated: list[_Row] = []
    owner: dict = {}
    for a in root.iter("a"):
        if a in excluded or not a.get("href"):
            continue
        info = scanner.anchor(a)
        if info is None or len(info[1]) < MIN_START_TITLE or len(fold(a.text if len(a) == 0 else text_of(a))) < MIN_START_TITLE:
            continue  # a category tag, icon or share button; the row's title link finds the row
        el, row_el, row = a.getparent(), None, None
        for _ in range(5):
            if el is None or el.tag in _STOP or el in owner:
                break
            principal, long_count, found = scanner.analyse(el)
            if long_count > 1:
                break
            if found and principal:
                if principal[0] != info[0]:
                    break  # a "more" or category link: the row belongs to its title link
                row_el = _promote(el)
                row = _Row(row_el, principal[0], principal[1], found[0], found[1])
                break
            if row_el is None and el.tag in ("li", "tr", "dd") and long_count == 1 and principal:
                row_el = el  # an undated row candidate, kept unless a dated row is found above
                row = _Row(el, principal[0], principal[1])
            el = el.getparent()
        if row is None or row.element in owner or len(row.title) < 2:
            continue
        row.seq = len(owner)
        owner[row.element] = row
        for sub in row.element.iter("a"):
            excluded.add(sub)
        (dated if row.date else undated).append(row)
    return dated, undated


def extract_lists(root: etree._Element, base_url: str, ref_date: dt.date | None = None,
                  layout: Layout | None = None) -> tuple[list[ListItem], list[ListItem]]:
    """``(main list, other dated items)``, both in page order."""
    ref_date = ref_date or dt.date.today()
    if layout is None:
        layout = find_layout(root)
        find_nav_blocks(root, base_url, layout)
    excluded = set()
    for kind in ("header", "footer", "nav", "breadcrumb"):
        excluded |= layout.members(kind)
    dated, undated = _find_rows(root, _Scanner(base_url, ref_date), excluded)
    groups: dict = {}
    for row in dated:
        groups.setdefault(row.element.getparent(), []).append(row)
    by_parent: dict = {}
    for row in undated:
        if len(row.title) >= LONG_UNDATED_TITLE:
            by_parent.setdefault(row.element.getparent(), []).append(row)
    dated_parents = set(groups)
    for parent, rows in by_parent.items():
        if parent in groups or len(rows) >= MIN_UNDATED_ROWS:
            groups.setdefault(parent, []).extend(rows)
    if not groups:
        return [], []
    # the largest list, preferring lists with dates: an undated block of links next to a
    # dated news list is a link farm or a service menu, not the column's list
    main_parent = max(groups, key=lambda p: (p in dated_parents, len(groups[p])))  # first on ties
    main = sorted(groups[main_parent], key=lambda r: r.seq)
    main_ids = {id(r) for r in main}
    others = [r for r in dated if id(r) not in main_ids]
    return [r.item() for r in main], [r.item() for r in others]
