"""Every outgoing reference on a page: anchors, images, frames, embeds, image-map areas.

``dead_link`` counts broken links, images and attachments alike, and a homepage link costs
more than one elsewhere, so each target is recorded once per page with its kind and
whether it sits in the navigation (template links repeat on every page). Links a browser
would not follow (``javascript:``, ``mailto:``, ``#``) and links inside ``<template>`` are
skipped; anchors inside scripts and comments never reach the tree in the first place.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from ..snapshot import Link, LinkKind
from ._text import anchor_name, clip, fold, resolve_url

ATTACHMENT_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx ppt pptx wps et dps rtf odt ods odp ofd txt csv xml json zip rar 7z gz tar bz2 "
    "mp4 mp3 avi flv wmv mov mkv wav m4a jpg jpeg png gif bmp tif tiff webp svg ceb caj apk exe dmg".split()
)
_EXT = re.compile(r"\.([A-Za-z0-9]{1,5})$")
_TAGS = ("a", "area", "img", "iframe", "frame", "embed", "object")


@lru_cache(maxsize=32768)
def link_kind(tag: str, url: str) -> LinkKind:
    """``image`` for <img>, ``frame`` for frames, ``attachment`` for files, else ``page``."""
    if tag == "img":
        return "image"
    if tag in ("iframe", "frame"):
        return "frame"
    path = url.split("?", 1)[0]
    m = _EXT.search(path[path.rfind("/"):])
    if m and m.group(1).lower() in ATTACHMENT_EXTENSIONS:
        return "attachment"
    return "other" if tag in ("embed", "object") else "page"


def _target(el: etree._Element) -> str | None:
    tag = el.tag
    if tag in ("a", "area"):
        return el.get("href")
    if tag == "object":
        return el.get("data")
    return el.get("src")


def _text(el: etree._Element) -> str:
    tag = el.tag
    if tag == "a":
        return anchor_name(el)
    if tag == "img":
        return fold(el.get("alt") or el.get("title"))
    return fold(el.get("title") or el.get("alt") or el.get("name"))


def extract_links(root: etree._Element, base_url: str, nav_urls: set[str] | frozenset = frozenset()) -> list[Link]:
    """Unique ``(url, kind)`` references in page order; ``nav`` set for navigation targets."""
    templates = root.xpath("//template")
    hidden: set = set()
    for template in templates:
        hidden.update(template.iter())
    seen: dict[tuple[str, str], int] = {}
    links: list[Link] = []
    for el in root.iter(*_TAGS):
        if hidden and el in hidden:
            continue
        url = resolve_url(base_url, _target(el))
        if url is None:
            continue
        kind = link_kind(el.tag, url)
        key = (url, kind)
        at = seen.get(key)
        if at is not None:
            if not links[at].text:  # keep the first text, but do not keep an empty one
                text = clip(_text(el))
                if text:
                    links[at] = Link(url=url, text=text, kind=kind, nav=links[at].nav)
            continue
        seen[key] = len(links)
        links.append(Link(url=url, text=clip(_text(el)), kind=kind, nav=url in nav_urls))
    return links
