"""Everything the checks need from one HTML page, from a single parse.

The crawler calls :func:`extract_page` for every page, so it parses once, finds the
template regions once and hands the same tree to every extractor. Each extractor is
isolated: garbage input or a surprise in one part of the page yields empty values for
that part instead of an exception that would lose the whole page.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Callable, TypeVar

from lxml import etree

from .docnum import cited_doc_numbers, own_doc_number
from .layout import Layout, find_layout
from .links import extract_links
from .lists import extract_lists
from .meta import extract_breadcrumb, extract_meta, extract_pub_date, page_title
from .nav import extract_nav, nav_link_urls
from .navblocks import find_nav_blocks
from .pagination import extract_pagination
from .placeholder import find_placeholder, main_text
from ._text import document_base, fold

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_CITED_TITLES = 30
MAX_TITLE_LEN = 100
# plain etree elements: lxml.html's Python class lookup costs more than the parse itself;
# huge_tree lifts libxml2's nesting limit from 256 to 2048 levels (generated pages nest deep),
# beyond which the parser stops: parse_depth_exceeded() says so.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                           huge_tree=True)
_last_parse = {"too_deep": False}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)

PAGE_KEYS = (
    "title", "meta", "pub_date", "pub_date_text", "links", "nav", "list_items", "other_items", "placeholder",
    "pagination", "doc_number", "cited_doc_numbers", "cited_titles", "breadcrumb", "text_length",
)


def empty_page() -> dict[str, Any]:
    return {
        "title": "", "meta": {}, "pub_date": None, "pub_date_text": "", "links": [], "nav": [], "list_items": [],
        "other_items": [], "placeholder": "", "pagination": [], "doc_number": "", "cited_doc_numbers": [],
        "cited_titles": [], "breadcrumb": [], "text_length": 0,
    }


def parse_html(html: str) -> etree._Element | None:
    """The document root, or None when there is nothing to parse."""
    _last_parse["too_deep"] = False
    if not html or not html.strip():
        return None
    text = _XML_DECL.sub("", html, count=1).replace("\x00", "")
    try:
        root = etree.fromstring(text.encode("utf-8", errors="replace"), parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    finally:
        _last_parse["too_deep"] = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log)
    if root is None:
        return None
    root = root.getroottree().getroot()
    _adopt_stray_content(root)
    return root


def parse_depth_exceeded() -> bool:
    """True when the last :func:`parse_html` stopped at libxml2's nesting limit (the rest is lost)."""
    return _last_parse["too_deep"]


def _adopt_stray_content(root: etree._Element) -> None:
    """Move content that a stray ``</html>`` pushed out of the document into ``<body>``.

    libxml2 starts a second top-level ``<html>`` for whatever follows an early ``</html>``
    (gov.cn's header include ends with one); iterating the root would miss it all.
    """
    strays = [s for s in root.itersiblings() if isinstance(s.tag, str)]
    if not strays:
        return
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    for stray in strays:
        children = list(stray) if stray.tag in ("html", "body") else [stray]
        for child in children:
            if child.tag == "head":
                continue
            body.append(child)


def quoted_titles(texts: list[str], limit: int = MAX_CITED_TITLES) -> list[str]:
    """Texts inside 《》 (outer and nested), unique, in order of their opening bracket."""
    found: list[tuple[int, int, str]] = []
    for n, text in enumerate(texts):
        stack: list[int] = []
        for i, ch in enumerate(text):
            if ch == "《":
                stack.append(i)
            elif ch == "》" and stack:
                start = stack.pop()
                inner = fold(text[start + 1: i])
                if inner and len(inner) <= MAX_TITLE_LEN:
                    found.append((n, start, inner))
    found.sort()
    seen: dict[str, None] = {}
    for _, _, title in found:
        seen.setdefault(title, None)
        if len(seen) >= limit:
            break
    return list(seen)


def _safe(fn: Callable[[], T], default: T, what: str) -> T:
    try:
        return fn()
    except Exception:  # noqa: BLE001 - one extractor must not lose the whole page
        log.debug("extractor %s failed", what, exc_info=True)
        return default


def extract_page(html: str, url: str, *, as_of: dt.date, with_nav: bool = True) -> dict[str, Any]:
    """The fields of :class:`~portalwatch.crawler.snapshot.Page` that come from the HTML."""
    out = empty_page()
    root = _safe(lambda: parse_html(html), None, "parse")
    if root is None:
        return out
    base = _safe(lambda: document_base(root, url), url, "base")
    layout: Layout = _safe(lambda: find_layout(root), Layout(), "layout")
    blocks = _safe(lambda: find_nav_blocks(root, base, layout), [], "nav_blocks")
    meta = out["meta"] = _safe(lambda: extract_meta(root), {}, "meta")
    out["title"] = _safe(lambda: page_title(root), "", "title")
    out["pub_date"], out["pub_date_text"] = _safe(lambda: extract_pub_date(root, meta, as_of, layout), (None, ""), "date")
    out["breadcrumb"] = _safe(lambda: extract_breadcrumb(root, layout), [], "breadcrumb")
    if with_nav:
        out["nav"] = _safe(lambda: extract_nav(root, base, blocks), [], "nav")
    nav_urls = _safe(lambda: nav_link_urls(root, base, blocks, layout), set(), "nav_urls")
    out["links"] = _safe(lambda: extract_links(root, base, nav_urls), [], "links")
    out["list_items"], out["other_items"] = _safe(lambda: extract_lists(root, base, as_of, layout), ([], []), "lists")
    out["placeholder"] = _safe(lambda: find_placeholder(root, layout), "", "placeholder")
    out["pagination"] = _safe(lambda: extract_pagination(html, root, base), [], "pagination")
    body = _safe(lambda: main_text(root, layout), "", "main_text")
    out["text_length"] = len(body) - body.count(" ")  # main_text is folded: spaces are single
    title = meta.get("ArticleTitle", "")
    own = out["doc_number"] = _safe(
        lambda: own_doc_number(root, meta_title=title, page_title=out["title"], body_text=body, layout=layout), "", "doc_number"
    )
    texts = [title or out["title"], body]
    out["cited_doc_numbers"] = _safe(lambda: cited_doc_numbers(texts, own), [], "cited_doc_numbers")
    out["cited_titles"] = _safe(lambda: quoted_titles(texts), [], "cited_titles")
    return out
