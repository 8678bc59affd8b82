"""Small text and URL helpers shared by the extractors.

Government pages mix ASCII spaces, full-width spaces (U+3000), non-breaking spaces and
``&ensp;`` freely, so every extractor folds whitespace the same way before comparing text.
URLs are cleaned the way a browser does (strip, drop tabs/newlines, resolve against the
base, drop the fragment) so the same target is always spelled the same.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from lxml import etree

from ..urlsyntax import url_problem

_WS = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_URL_STRIP = re.compile(r"[\t\r\n]")
_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "about:", "vbscript:", "sms:", "file:")
_ALLOWED_SCHEMES = ("http", "https")
_ABSOLUTE = re.compile(r"^(https?)://([^/?#]+)(.*)$", re.I | re.S)

# Elements whose text is never visible page content.
NON_CONTENT_TAGS = frozenset({"script", "style", "template", "noscript", "textarea", "select", "option"})


def fold(text: str | None) -> str:
    """Collapse every kind of whitespace to one ASCII space and strip the ends."""
    if not text:
        return ""
    return _WS.sub(" ", text).strip()


def squeeze(text: str | None) -> str:
    """Remove all whitespace (for label matching: ``索 引 号`` == ``索引号``)."""
    if not text:
        return ""
    return _WS.sub("", text)


def clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def element_text(el: etree._Element, limit: int = 100_000) -> str:
    """Visible text of ``el`` (script/style skipped), whitespace folded."""
    parts: list[str] = []
    size = 0
    for node in el.iter():
        tag = node.tag
        if not isinstance(tag, str):
            continue
        if tag in NON_CONTENT_TAGS:
            # the tail of a skipped element is still visible text
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node.text:
            parts.append(node.text)
            size += len(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
            size += len(node.tail)
        if size > limit:
            break
    return fold(" ".join(parts))


def text_of(el: etree._Element) -> str:
    """All text below ``el`` (like lxml.html's ``text_content`` for plain etree elements)."""
    return "".join(el.itertext())


def anchor_name(a: etree._Element) -> str:
    """Name of a link: its text, else its title, else an image's alt."""
    if a.tag != "a":
        text = ""
    elif len(a) == 0:
        text = fold(a.text)  # fast path: a plain text link
    else:
        text = fold(text_of(a))
    if not text:
        text = fold(a.get("title"))
    if not text:
        for img in a.iter("img"):
            text = fold(img.get("alt") or img.get("title"))
            if text:
                break
    return text


def clean_href(href: str | None) -> str:
    """The href as a browser reads it: trimmed, tabs/newlines removed."""
    if not href:
        return ""
    return _URL_STRIP.sub("", href.strip().strip("\u3000\u00a0"))


def is_skippable_href(href: str) -> bool:
    """True for links that lead nowhere crawlable: ``#``, ``javascript:``, ``mailto:`` ..."""
    if not href or href.startswith("#"):
        return True
    return href.lower().startswith(_SKIP_SCHEMES)


def resolve_url(base: str, href: str | None) -> str | None:
    """Absolute http(s) URL without fragment, or None when the href is not a real target."""
    if not href:
        return None
    # Cache on the part of the base the href actually depends on, so that template links
    # repeated on every page of a site are resolved once per crawl, not once per page.
    head = href.lstrip()[:8].lower()
    if head.startswith(("http://", "https://")):
        return _resolve("", href)
    if head.startswith("/") and not head.startswith("//"):
        cut = base.find("/", base.find("//") + 2)
        return _resolve(base if cut < 0 else base[:cut], href)
    if head.startswith(("?", "#")) or "//" not in base:
        return _resolve(base, href)
    cut = base.rfind("/")
    return _resolve(base[: cut + 1] if cut > base.find("//") + 1 else base, href)


@lru_cache(maxsize=32768)
def _resolve(base: str, href: str) -> str | None:
    # cached: a page repeats its template links, and every extractor resolves them
    href = clean_href(href)
    if is_skippable_href(href):
        return None
    full = href
    if href.startswith("/") and not href.startswith("//") and "://" in base:
        cut = base.find("/", base.find("://") + 3)
        full = (base if cut < 0 else base[:cut]) + href
    m = _ABSOLUTE.match(full)
    if m and "/." not in full and "\\" not in full:  # fast path: nothing for urljoin to do
        rest = m.group(3).split("#", 1)[0]
        path, _, query = rest.partition("?")
        url = f"{m.group(1).lower()}://{m.group(2).lower()}{path or '/'}"
        return _browser_form(f"{url}?{query}" if query else url)
    try:
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _ALLOWED_SCHEMES or not parts.netloc:
        return None
    path = parts.path or "/"
    return _browser_form(urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, "")))


def _browser_form(url: str) -> str | None:
    """The URL a browser would request: spaces in path and query encoded; None when it
    would refuse the URL (bad host or port), so no extractor hands it to the downloader."""
    if url_problem(url):
        return None
    return url.replace(" ", "%20") if " " in url else url


def document_base(root: etree._Element, page_url: str) -> str:
    """The base URL for relative links: ``<base href>`` if present, else the page URL."""
    for base in root.iter("base"):
        href = clean_href(base.get("href"))
        if href:
            try:
                return urljoin(page_url, href)
            except ValueError:
                break
        break
    return page_url


@lru_cache(maxsize=8192)
def site_key(url_or_host: str) -> str:
    """Registrable part of a host: ``hdzfxxgk.hd.gov.cn`` -> ``hd.gov.cn``.

    Chinese government hosts are ``<unit>.gov.cn`` or ``<sub>.<unit>.gov.cn``; treating the
    last three labels of ``*.gov.cn`` (and ``*.com.cn`` etc.) as the site groups a portal
    with its department and disclosure sub-sites.
    """
    host = url_or_host
    if "//" in host:
        host = host.split("//", 1)[1].split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
        host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    host = host.lower().rstrip(".")
    labels = host.split(".")
    if len(labels) >= 3 and labels[-1] == "cn" and labels[-2] in {"gov", "com", "org", "net", "edu", "ac"}:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])



def word_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    """A regex matching any of ``words`` in lower-case text, grouped by first letter.

    Python's ``re`` is slow on long case-insensitive alternations; lower-casing the input
    and sharing prefixes makes the per-element class check several times cheaper.
    """
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    parts = [f"{k}(?:{'|'.join(sorted(v, key=len, reverse=True))})" for k, v in groups.items()]
    return re.compile("|".join(parts))


def content_roots(root: etree._Element) -> list[etree._Element]:
    """The parts of the document that hold page content: ``<body>`` and anything a broken
    page left directly under ``<html>``, never ``<head>``."""
    if root.tag != "html":
        return [root]
    return [child for child in root if isinstance(child.tag, str) and child.tag != "head"]
