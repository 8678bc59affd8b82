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
from contextvars import ContextVar
from typing import Any, Callable, TypeVar

from lxml import etree

from .datastore import Datastores, expand_datastores
from .docnum import cited_doc_numbers, own_doc_number
from .footer import extract_footer
from .guide import extract_guide
from .layout import Layout, find_layout
from .links import extract_links
from .lists import extract_lists
from .messages import extract_messages
from .meta import extract_breadcrumb, extract_meta, extract_pub_date, page_title
from .nav import extract_nav, nav_link_urls, nav_status
from .navblocks import find_nav_blocks
from .pagination import extract_pagination, page_count
from .personal import find_personal, mask_numbers
from .placeholder import main_text, placeholder_hit
from .sidelist import column_names, demote_side_list
from .textterms import find_terms
from ._text import document_base, fold
from ..snapshot import PersonalHit, TextHit

log = logging.getLogger(__name__)
T = TypeVar("T")
_ERRORS: ContextVar[list[str] | None] = ContextVar("extract_errors", default=None)

_BOOK_MARKS = re.compile("[《》]")
MAX_CITED_TITLES = 30
MAX_TITLE_LEN = 100
# plain etree elements: lxml.html's Python class lookup costs more than the parse itself;
# huge_tree lifts libxml2's nesting limit from 256 to 2048 levels (generated pages nest deep),
# beyond which the parser stops: parse_depth_exceeded() says so.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                           huge_tree=True)
_last_parse = {"too_deep": False}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
# JEECMS lists print ``<span class="date"><!-- 2018-->07-04</span>``: the year only in a comment
_COMMENT_YEAR = re.compile(r"<!--\s*((?:19|20)\d{2})\s*[-/.年]?\s*-->\s*(\d{1,2})\s*([-/.])\s*(\d{1,2})(?!\d)")

PAGE_KEYS = (
    "title", "meta", "pub_date", "pub_date_text", "links", "nav", "list_items", "other_items", "placeholder",
    "pagination", "doc_number", "cited_doc_numbers", "cited_titles", "breadcrumb", "text_length", "empty_list",
    "nav_status", "list_total_pages", "list_partial", "messages", "personal", "text_hits", "is_guide",
    "guide_elements", "guide_labels", "footer", "footer_status",
)


def empty_page() -> dict[str, Any]:
    return {
        "title": "", "meta": {}, "pub_date": None, "pub_date_text": "", "links": [], "nav": [], "list_items": [],
        "other_items": [], "placeholder": "", "pagination": [], "doc_number": "", "cited_doc_numbers": [],
        "cited_titles": [], "breadcrumb": [], "text_length": 0, "empty_list": "", "nav_status": "",
        "list_total_pages": 0, "list_partial": False, "messages": [], "personal": [], "text_hits": [],
        "is_guide": False, "guide_elements": [], "guide_labels": [], "footer": {}, "footer_status": "",
    }


def parse_html(html: str) -> etree._Element | None:
    """The document root, or None when there is nothing to parse."""
    _last_parse["too_deep"] = False
    if not html or not html.strip():
        return None
    text = _XML_DECL.sub("", html, count=1).replace("\x00", "")
    if "<!--" in text:
        text = restore_comment_years(text)
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


def restore_comment_years(html: str) -> str:
    """``<!-- 2018-->07-04`` -> ``2018-07-04``: the year a template hid in a comment belongs to
    the date (comments are dropped at parse time, and a guessed year would make an old item
    look fresh)."""
    return _COMMENT_YEAR.sub(lambda m: f"{m[1]}{m[3]}{m[2]}{m[3]}{m[4]}", html)


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
        for m in _BOOK_MARKS.finditer(text):  # only the brackets, not every character
            i, ch = m.start(), m.group()
            if ch == "《":
                stack.append(i)
            elif stack:
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
    except Exception as exc:  # noqa: BLE001 - one extractor must not lose the whole page
        log.debug("extractor %s failed", what, exc_info=True)
        errors = _ERRORS.get()
        if errors is not None:  # the caller records it in the run: a lost part is never silent
            errors.append(f"{what}: {type(exc).__name__}: {exc}"[:300])
        return default


def extract_page(html: str, url: str, *, as_of: dt.date, with_nav: bool = True,
                 errors: list[str] | None = None, terms: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields of :class:`~portalwatch.crawler.snapshot.Page` that come from the HTML;
    an extractor that fails adds a line to ``errors`` and leaves its fields empty. ``terms``:
    words the checks want the sentences of (``Page.text_hits``)."""
    return extract_page_and_text(html, url, as_of=as_of, with_nav=with_nav, errors=errors, terms=terms)[0]


def extract_page_and_text(html: str, url: str, *, as_of: dt.date, with_nav: bool = True,
                          errors: list[str] | None = None, terms: tuple[str, ...] = (),
                          visible: bool = False, visible_below: int = 0) -> tuple[dict[str, Any], str, str]:
    """The page's fields, its main text (for the crawler's content fingerprint) and, when ``visible``
    or its main text is shorter than ``visible_below``, its whole visible text (soft-404 judgement):
    all from one parse."""
    token = _ERRORS.set(errors)
    try:
        out, body, root = _extract(html, url, as_of, with_nav, tuple(terms))
        text = ""
        if root is not None and (visible or out["text_length"] < visible_below):
            from portalwatch.crawler.soft404 import tree_title_and_text

            text = _safe(lambda: tree_title_and_text(root)[1], "", "visible_text")
        return out, body, text
    finally:
        _ERRORS.reset(token)


def mask_fields(out: dict[str, Any]) -> None:
    """Personal numbers (ID, mobile, card) masked in every text field the crawl keeps: titles,
    link texts, list titles, meta values, breadcrumb, cited titles (URLs stay as they are)."""
    from dataclasses import replace

    for key in ("title", "pub_date_text", "placeholder", "empty_list"):
        out[key] = mask_numbers(out[key])
    out["meta"] = {k: mask_numbers(v) for k, v in out["meta"].items()}
    out["links"] = [link if mask_numbers(link.text) is link.text else replace(link, text=mask_numbers(link.text))
                    for link in out["links"]]
    for key in ("list_items", "other_items"):
        out[key] = [i if mask_numbers(i.title) is i.title else replace(i, title=mask_numbers(i.title))
                    for i in out[key]]
    for key in ("breadcrumb", "cited_titles", "cited_doc_numbers"):
        out[key] = [mask_numbers(t) for t in out[key]]
    out["footer"] = {k: mask_numbers(v) for k, v in out["footer"].items()}
    # a citizen's letter row may print the writer's phone or ID beside the title
    out["messages"] = [m if mask_numbers(m.title) is m.title and mask_numbers(m.evidence) is m.evidence
                       else replace(m, title=mask_numbers(m.title), evidence=mask_numbers(m.evidence))
                       for m in out["messages"]]


def _extract(html: str, url: str, as_of: dt.date, with_nav: bool,
             terms: tuple[str, ...] = ()) -> tuple[dict[str, Any], str, Any]:
    out = empty_page()
    root = _safe(lambda: parse_html(html), None, "parse")
    if root is None:
        return out, "", None
    stores = _safe(lambda: expand_datastores(root), Datastores(), "datastores")  # Jcms lists kept in scripts
    base = _safe(lambda: document_base(root, url), url, "base")
    layout: Layout = _safe(lambda: find_layout(root), Layout(), "layout")
    blocks = _safe(lambda: find_nav_blocks(root, base, layout), [], "nav_blocks")
    meta = out["meta"] = _safe(lambda: extract_meta(root), {}, "meta")
    out["title"] = _safe(lambda: page_title(root), "", "title")
    out["pub_date"], out["pub_date_text"] = _safe(lambda: extract_pub_date(root, meta, as_of, layout), (None, ""), "date")
    out["breadcrumb"] = _safe(lambda: extract_breadcrumb(root, layout), [], "breadcrumb")
    if with_nav:
        out["nav"] = _safe(lambda: extract_nav(root, base, blocks), [], "nav")
        out["nav_status"] = _safe(lambda: nav_status(root, out["nav"]), "not_found", "nav_status")
    nav_urls = _safe(lambda: nav_link_urls(root, base, blocks, layout), set(), "nav_urls")
    out["links"] = _safe(lambda: extract_links(root, base, nav_urls), [], "links")
    out["list_items"], out["other_items"] = _safe(lambda: extract_lists(root, base, as_of, layout), ([], []), "lists")
    out["placeholder"], hit = _safe(lambda: placeholder_hit(root, layout), ("", None), "placeholder")
    names = column_names(out["breadcrumb"], meta, out["title"])
    out["list_items"], out["other_items"], out["empty_list"] = _safe(
        lambda: demote_side_list(root, base, layout, out["list_items"], out["other_items"], hit, names),
        (out["list_items"], out["other_items"], ""), "side_list")
    out["messages"] = _safe(lambda: extract_messages(root, base, as_of, layout, out["breadcrumb"], meta, out["title"],
                                                     url), [], "messages")
    out["pagination"] = _safe(lambda: extract_pagination(html, root, base), [], "pagination")
    has_list = bool(out["list_items"])
    total = out["list_total_pages"] = _safe(lambda: page_count(html, root, printed=has_list), 0, "page_count")
    out["list_partial"] = total > 1 and not out["pagination"]  # e.g. an AJAX pager: 共2页, no link to page 2
    if stores.blocks:  # a Jcms list: its page count and completeness come from its records
        out["list_total_pages"] = max(total, stores.total_pages)
        out["list_partial"] = out["list_partial"] or stores.partial
    body = _safe(lambda: main_text(root, layout), "", "main_text")
    out["text_length"] = len(body) - body.count(" ")  # main_text is folded: spaces are single
    title = meta.get("ArticleTitle", "")
    own = out["doc_number"] = _safe(
        lambda: own_doc_number(root, meta_title=title, page_title=out["title"], body_text=body, layout=layout), "", "doc_number"
    )
    texts = [title or out["title"], body]
    out["cited_doc_numbers"] = _safe(lambda: cited_doc_numbers(texts, own), [], "cited_doc_numbers")
    out["cited_titles"] = _safe(lambda: quoted_titles(texts), [], "cited_titles")
    out["is_guide"], out["guide_elements"], out["guide_labels"] = _safe(lambda: extract_guide(
        root, title=out["title"], breadcrumb=out["breadcrumb"], meta=meta, list_count=len(out["list_items"]),
        text=body, layout=layout), (False, [], []), "guide")
    out["footer"], out["footer_status"] = _safe(lambda: extract_footer(root, layout.footer), ({}, ""), "footer")
    out["personal"] = _safe(lambda: [PersonalHit(*h) for h in find_personal(body, root, as_of)], [], "personal")
    if terms:
        out["text_hits"] = _safe(lambda: [TextHit(*h) for h in find_terms((out["title"], body), terms)], [],
                                 "text_hits")
    _safe(lambda: mask_fields(out), None, "mask")
    return out, body, root
