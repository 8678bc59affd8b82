"""Every outgoing reference on a page: whatever a citizen's browser follows or fetches.

Anchors and image-map areas, images (``src`` and ``srcset``), frames, video/audio and their
sources and tracks, embeds, objects, stylesheets and icons, CSS ``url()`` in ``style``
attributes and ``<style>`` blocks, and ``<meta http-equiv=refresh>`` targets. An href the
browser could not open at all (``http://localhost]``) is kept as written, so the spider
reports it as a malformed address instead of fetching it.

``dead_link`` counts broken links, images and attachments alike, and a homepage link costs
more than one elsewhere, so each target is recorded once per page with its kind and
whether it sits in the navigation (template links repeat on every page). Links a browser
would not follow (``javascript:``, ``mailto:``, ``#``) and links inside ``<template>`` are
skipped; anchors inside scripts and comments never reach the tree in the first place.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..snapshot import Link, LinkKind
from ..urlsyntax import bad_scheme, url_problem
from ._text import anchor_name, clean_href, clip, fold, is_skippable_href, resolve_url

ATTACHMENT_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx wps et dps rtf odt ods odp ofd txt csv xml json zip rar 7z gz tar bz2 "
    "mp4 mp3 avi flv wmv mov mkv wav m4a jpg jpeg png gif bmp tif tiff webp svg ceb caj apk exe dmg".split()
)
_EXT = re.compile(r"\.([A-Za-z0-9]{1,5})$")
_TAGS = ("a", "area", "img", "iframe", "frame", "embed", "object", "video", "audio", "source", "track",
         "link", "meta", "style")
_STYLED = etree.XPath("//*[contains(@style, 'url(') or contains(@style, 'URL(')]")  # CSS url() in style attributes
_IMAGE_TAGS = ("img", "picture")
# <link rel> values a browser fetches while showing the page
_FETCHED_RELS = frozenset({"stylesheet", "icon", "apple-touch-icon", "apple-touch-icon-precomposed"})
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)
_REFRESH = re.compile(r"^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.I | re.S)
_IMAGE_EXT = frozenset("jpg jpeg png gif bmp webp svg ico tif tiff avif".split())


@lru_cache(maxsize=32768)
def link_kind(tag: str, url: str) -> LinkKind:
    """``image`` for images (and CSS images, icons), ``frame`` for frames, ``attachment`` for
    files, ``page`` for anchors and refresh targets, ``other`` for stylesheets, media, embeds."""
    if tag in _IMAGE_TAGS:
        return "image"
    if tag in ("iframe", "frame"):
        return "frame"
    path = url.split("?", 1)[0]
    m = _EXT.search(path[path.rfind("/"):])
    ext = m.group(1).lower() if m else ""
    if tag in ("link", "style") and ext in _IMAGE_EXT:
        return "image"
    if ext in ATTACHMENT_EXTENSIONS and tag not in ("link", "style"):
        return "attachment"
    return "page" if tag in ("a", "area", "meta") else "other"


def srcset_urls(value: str | None) -> list[str]:
    """The URLs of a ``srcset`` (``url [descriptor], ...``), split the way browsers split it:
    a URL runs to the next whitespace and may itself hold commas (``resize,w_100``)."""
    out: list[str] = []
    text, i, n = value or "", 0, len(value or "")
    while i < n:
        while i < n and (text[i].isspace() or text[i] == ","):
            i += 1
        start = i
        while i < n and not text[i].isspace():
            i += 1
        url = text[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # skip the descriptors, up to a comma outside parentheses
            depth = 0
            while i < n and (text[i] != "," or depth):
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
        if url:
            out.append(url)
    return out


def css_urls(css: str | None) -> list[str]:
    """``url(...)`` and ``@import`` targets of CSS text, comments skipped.

    Government pages inline up to a few hundred KB of CSS; finding the needles with
    ``str.find`` and matching only there is several times faster than a regex scan."""
    if not css or ("url(" not in css and "URL(" not in css and "@import" not in css):
        return []
    if "/*" in css:
        css = _CSS_COMMENT.sub("", css)
    found: list[tuple[int, str]] = []
    for needle, pattern in (("url(", _CSS_URL), ("URL(", _CSS_URL), ("@import", _CSS_IMPORT)):
        at = css.find(needle)
        while at >= 0:
            m = pattern.match(css, at)
            if m:
                found.append((at, next(g for g in m.groups() if g is not None)))
            at = css.find(needle, at + len(needle))
    return [url for _, url in sorted(found)]


def refresh_url(content: str | None) -> str | None:
    """The target of ``<meta http-equiv=refresh content="5; url=/x.html">`` (None: reload itself)."""
    m = _REFRESH.match(content or "")
    target = m.group(1).strip() if m else ""
    if len(target) >= 2 and target[0] in "'\"" and target[-1] == target[0]:
        target = target[1:-1]
    elif target[:1] in ("'", '"'):
        target = target[1:]
    return target.strip() or None


def _targets(el: etree._Element) -> list[str]:
    """Every address the browser fetches or follows for this element."""
    tag = el.tag
    found: list[str | None]
    if tag in ("a", "area"):
        found = [el.get("href")]
    elif tag == "object":
        found = [el.get("data")]
    elif tag == "link":
        rels = set((el.get("rel") or "").lower().split())
        found = [el.get("href")] if rels & _FETCHED_RELS else []
    elif tag == "meta":
        refresh = (el.get("http-equiv") or "").strip().lower() == "refresh"
        found = [refresh_url(el.get("content"))] if refresh else []
    elif tag == "style":
        found = list(css_urls(el.text))
    else:
        found = [el.get("src"), *srcset_urls(el.get("srcset"))]
        if tag == "video":
            found.append(el.get("poster"))
    return [href for href in found if href]


def _kind(el: etree._Element, href: str, url: str) -> LinkKind:
    tag = el.tag
    if tag == "video" and href == el.get("poster"):
        return "image"
    if tag == "source" and el.getparent() is not None and el.getparent().tag == "picture":
        return "image"
    if tag == "link" and "icon" in (el.get("rel") or "").lower():
        return "image"
    return link_kind(tag, url)


def _text(el: etree._Element) -> str:
    tag = el.tag
    if tag == "a":
        return anchor_name(el)
    if tag == "img":
        return fold(el.get("alt") or el.get("title"))
    return fold(el.get("title") or el.get("alt") or el.get("name"))


def link_target(base: str, href: str) -> str | None:
    """The absolute URL a browser would use; the cleaned href itself when the browser could
    not use it (malformed: the spider reports it); None when it is no target (``#``, ``mailto:``)."""
    url = resolve_url(base, href)  # cached, and rejects bad hosts and ports
    if url is not None:
        if "://" in href and not url.startswith(href.strip()[:8].lower()) and bad_scheme(clean_href(href)):
            # "ht!tp://x" resolves as a path
            return clean_href(href)
        return url
    cleaned = clean_href(href)
    if is_skippable_href(cleaned):
        return None
    if cleaned[:6].lower().startswith(("http:", "https:")):
        # absolute (the same-scheme relative form "http:/x" resolved above): the authority is
        # whatever follows the slashes, as in a browser
        scheme, rest = cleaned.split(":", 1)
        if url_problem(f"{scheme.lower()}://{rest.replace(chr(92), '/').lstrip('/')}"):
            return cleaned
    try:
        joined = urljoin(base, cleaned)
        http = urlsplit(joined).scheme in ("http", "https")
    except ValueError:
        return cleaned
    return joined if http and url_problem(joined) else None


def extract_links(root: etree._Element, base_url: str, nav_urls: set[str] | frozenset = frozenset()) -> list[Link]:
    """Unique ``(url, kind)`` references in page order (CSS backgrounds of ``style``
    attributes last); ``nav`` set for navigation targets."""
    templates = root.xpath("//template")
    hidden: set = set()
    for template in templates:
        hidden.update(template.iter())
    seen: dict[tuple[str, str], int] = {}
    links: list[Link] = []
    def add(el: etree._Element, href: str, kind: LinkKind | None = None) -> None:
        url = link_target(base_url, href)
        if url is None:
            return
        kind = kind or _kind(el, href, url)
        key = (url, kind)
        at = seen.get(key)
        if at is not None:
            if not links[at].text:  # keep the first text, but do not keep an empty one
                text = clip(_text(el))
                if text:
                    links[at] = Link(url=url, text=text, kind=kind, nav=links[at].nav)
            return
        seen[key] = len(links)
        links.append(Link(url=url, text=clip(_text(el)), kind=kind, nav=url in nav_urls))

    for el in root.iter(*_TAGS):
        if not (hidden and el in hidden):
            for href in _targets(el):
                add(el, href)
    for el in _STYLED(root):  # CSS backgrounds come after the page's own references
        if not (hidden and el in hidden):
            for href in css_urls(el.get("style")):
                add(el, href, link_kind("style", href))
    return links
