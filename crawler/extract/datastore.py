"""Hanweb Jcms lists kept in ``<script type="text/xml"><datastore>`` blocks.

A Jcms column page does not print its list: it ships the records as XML inside a script,
``<datastore><nextgroup>…</nextgroup><recordset><record><![CDATA[<li><a …>标题</a>
<span>2025-11-01</span></li>]]></record>…</recordset></datastore>``, and ``jpage.js``
writes them into the page in the browser (paging through them client-side, and asking
``/module/web/jpage/dataproxy.jsp`` for the next group when the page holds only the
first). To the parser a script is opaque text, so without this step every Jcms column
looks empty and nothing it lists is ever checked.

:func:`expand_datastores` does what jpage does, once, on the parsed tree: each record's
CDATA is parsed as an HTML fragment and put where the script was, so the list, link,
placeholder and text extractors read the records like any printed list. An empty
recordset puts nothing there: the column really is empty — unless the page says the
list has records (``totalRecord``) that the page does not carry, in which case the list
is only partly read and says so (``partial``), so that it is never judged empty or stale
on what little it holds. The data proxy is not followed: it is a POST endpoint whose
parameters differ between Jcms versions, and a guessed request would be a guess.
"""

from __future__ import annotations

import html as html_lib
import math
import re
from dataclasses import dataclass

from lxml import etree

_RECORD = re.compile(r"<record\b[^>]*>(.*?)</record\s*>", re.S | re.I)
_CDATA = re.compile(r"^\s*<!\[CDATA\[(.*?)\]\]>\s*$", re.S)
_INNER_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
# ``var totalRecord=66;`` / ``jpage({totalRecord: 66, perPage: 15})`` / ``totalRecord:'66'``
_TOTAL = re.compile(r"""\btotal_?record\s*["']?\s*[:=]\s*["']?(\d{1,7})""", re.I)
_PER_PAGE = re.compile(r"""\bper_?page\s*["']?\s*[:=]\s*["']?(\d{1,5})""", re.I)
_FIRST_TAG = re.compile(r"<\s*([a-zA-Z][\w-]*)")
MAX_RECORDS = 2000  # per page: a bogus page cannot make the tree explode
# the container jpage's ``dataBefore``/``dataAfter`` would wrap the records in, by their first tag
_WRAPPERS = {"li": ("ul", None), "tr": ("table", "tbody"), "td": ("table", "tbody"), "dd": ("dl", None),
             "dt": ("dl", None)}
_BLOCKS = frozenset(_WRAPPERS) | {"div", "p", "ul", "ol", "table", "dl", "section", "article"}
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)


@dataclass
class Datastores:
    """What the page's datastores held and said about themselves."""

    blocks: int = 0  # datastore scripts found
    records: int = 0  # records read from them
    total: int = 0  # records the page says the list has (totalRecord), 0 when unsaid
    per_page: int = 0  # records jpage shows per page, 0 when unsaid

    @property
    def partial(self) -> bool:
        """More records exist than the page carries: the list is only partly read."""
        return self.total > self.records

    @property
    def total_pages(self) -> int:
        """Pages jpage shows, 0 when unsaid; a partial list without a page size counts the
        page's records as its first page."""
        per = self.per_page or (self.records if self.partial else 0)
        if not self.blocks or not per:
            return 0
        return max(1, math.ceil(max(self.total, self.records) / per))


def is_datastore(script: etree._Element) -> bool:
    """An XML data island (``type="text/xml"``, or a script that is nothing but the XML):
    code that merely mentions ``<recordset>`` in a string stays a script."""
    text = (script.text or "").lstrip().lower()
    if text.startswith(("<datastore", "<recordset", "<?xml")):
        return "<recordset" in text or "<datastore" in text
    return "xml" in (script.get("type") or "").lower() and ("<recordset" in text or "<datastore" in text)


def _records(xml_text: str) -> list[str]:
    out = []
    for raw in _RECORD.findall(xml_text):
        m = _CDATA.match(raw)
        body = m[1] if m else raw
        if "<" not in body and "&lt;" in body:  # a record escaped instead of wrapped in CDATA
            body = html_lib.unescape(body)
        if body.strip():
            out.append(body)
    return out


def _fragment(records: list[str], label: str) -> list[etree._Element]:
    """The records as elements, wrapped the way jpage writes them into the page."""
    m = _FIRST_TAG.search(records[0])
    first = m[1].lower() if m else ""
    outer, inner = _WRAPPERS.get(first, ("div", None))
    if first == "td":  # cells without their row: one row each
        body = "".join(f"<tr>{r}</tr>" for r in records)
    elif first in _BLOCKS:
        body = "".join(records)
    else:  # a bare ``<a>…</a> 2025-11-01`` record: one block each, or all would read as one row
        body = "".join(f"<div>{r}</div>" for r in records)
    if inner:
        body = f"<{inner}>{body}</{inner}>"
    markup = f'<html><body><{outer} class="{label}">{body}</{outer}></body></html>'
    root = etree.fromstring(markup.encode("utf-8", errors="replace"), parser=_PARSER)
    found = root.find("body") if root is not None else None
    return list(found) if found is not None else []


def _replace(script: etree._Element, elements: list[etree._Element]) -> None:
    """Put ``elements`` where ``script`` was, keeping the text that followed it."""
    parent = script.getparent()
    if parent is None:
        return
    tail = script.tail
    at = parent.index(script)
    parent.remove(script)
    for k, el in enumerate(elements):
        parent.insert(at + k, el)
    if tail:
        if elements:
            elements[-1].tail = (elements[-1].tail or "") + tail
        elif at > 0:
            prev = parent[at - 1]
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def expand_datastores(root: etree._Element) -> Datastores:
    """Replace every Jcms datastore script in ``root`` by its records; report what they held."""
    seen = Datastores()
    pending: list[int] = []  # records of each datastore still waiting for its totalRecord script
    totals: list[int] = []
    for script in list(root.iter("script")):
        text = script.text or ""
        if is_datastore(script):
            records = _records(text)[: max(0, MAX_RECORDS - seen.records)]
            seen.blocks += 1
            seen.records += len(records)
            inner = _INNER_TOTAL.search(text)
            if inner:
                totals.append(max(int(inner[1]), len(records)))
            else:
                pending.append(len(records))
            _replace(script, _fragment(records, "jcms-records") if records else [])
            continue
        if pending and (m := _TOTAL.search(text)):
            totals.append(max(int(m[1]), pending.pop(0)))
        if not seen.per_page and seen.blocks and (p := _PER_PAGE.search(text)):
            seen.per_page = int(p[1])
    if seen.blocks:
        seen.total = sum(totals) + sum(pending)  # a datastore whose page states no total holds it all
    return seen
