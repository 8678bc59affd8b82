"""Policy documents and their interpretations: document numbers and title keys.

Helpers for ``missing_interpretation``, and its matcher. A document number (文号) is written
``示范政发〔2026〕2号``, ``示范政发[2026]第2号`` or ``示范政发［2026］2号``; two numbers are
the same document when year and serial agree and one issuing-body prefix ends the other
(a title may glue words before the prefix). Titles are compared by *keys*: the title
normalised, the title from its ``关于``, and the X of ``关于印发X的通知``, because an
interpretation names its document in any of these forms (关于《X》的解读, 《X》政策解读,
图解：X, 一图读懂X).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from portalwatch.crawler.snapshot import (
    DocNumber, Page, Snapshot, parse_doc_numbers, remove_doc_numbers, without_parenthesised_number,
)

INTERPRETATION = re.compile(r"解读|图解|一图(?:读|看)懂|一图了解|一图速览|答记者问")
_LEAD = re.compile(r"^(?:图解|一图(?:读|看)懂|一图了解|一图速览|政策解读|解读)")
_TAIL = re.compile(r"(?:的)?(?:政策)?(?:解读|图解)(?:材料|稿)?$")
_PUBLISH = re.compile(r"(?:印发|转发|发布|公布)(.+?)的?(?:通知|决定|公告|通告|批复)?$")
_QUOTED = re.compile(r"《([^《》]{2,100})》")
SUPERIOR_PREFIXES = ("国办", "国发", "国函", "国令", "中办", "中发")
MIN_KEY = 6


def doc_numbers(text: str) -> list[DocNumber]:
    """Every document number in ``text``, in order: the crawler's parser (``Page.doc_number``)."""
    return parse_doc_numbers(text)


def is_interpretation_title(title: str) -> bool:
    return bool(INTERPRETATION.search(title or ""))


def is_own_document(number: DocNumber, site_name: str, title: str = "") -> bool:
    """Issued by the site's own unit, as far as number and title tell: the region character
    that starts the issuing-body prefix (示 of 示范政发, 鞍 of 鞍政办发) is in the site's
    name, or the issuer that opens the title (平潭县人民政府关于…, for 岚政综) starts with two
    characters of it. 国办发, 辽政发 on a township site are superior documents. Unknown site: own."""
    if number.org.startswith(SUPERIOR_PREFIXES):
        return False
    if not site_name or number.org[0] in site_name:
        return True
    at = (title or "").find("关于")
    return at >= 2 and title[:2] in site_name


def normalise_title(title: str) -> str:
    """A title without width, spaces, punctuation, document numbers or bracketed notes."""
    text = unicodedata.normalize("NFKC", title or "")  # NFKC folds full-width digits too
    text = remove_doc_numbers(text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC").lower()


def title_keys(title: str) -> set[str]:
    """The forms under which another page may name this title."""
    key = normalise_title(title)
    keys = {key}
    at = key.find("关于")
    if at >= 0:
        keys.update((key[at:], key[at + 2:]))
    m = _PUBLISH.search(key)
    if m:
        keys.add(m.group(1))
    return {k for k in keys if len(k) >= MIN_KEY}


def display_title(title: str) -> str:
    """A title for a message: ``某某通知（示范政发〔2026〕7号）`` -> ``某某通知`` (the number is said apart)."""
    return without_parenthesised_number(title) or title


def quoted(title: str) -> list[str]:
    return _QUOTED.findall(title or "")


def interpretation_core(title: str) -> str:
    """The document an interpretation title names: 关于《X》的解读 -> X, 图解：X -> X."""
    inner = quoted(title)
    if inner:
        return inner[0]
    key = normalise_title(title)
    key = _LEAD.sub("", key)
    return _TAIL.sub("", key)


@dataclass
class Document:
    """A policy document with a number, as listed in a policy column."""

    title: str
    url: str | None
    number: DocNumber
    column: str
    list_page: str
    page: Page | None
    keys: set[str] = field(default_factory=set)


@dataclass
class Interpretation:
    """An interpretation page or list entry, with what it says about its document."""

    title: str
    url: str | None
    page: Page | None
    keys: set[str] = field(default_factory=set)  # from its own title: names one document
    cited: set[str] = field(default_factory=set)  # 《》 titles of its body: used only if its title names none
    numbers: list[DocNumber] = field(default_factory=list)


def page_urls(site: Snapshot, url: str | None) -> set[str]:
    """A URL with the requested and final URLs of its crawled page."""
    page = site.page_at(url) if url else None
    return {u for u in (url, page.url if page else None, page.final_url if page else None) if u}


def page_links(page: Page | None) -> set[str]:
    """Where a page links to, menus left out (a menu entry is not an association)."""
    return {link.url for link in page.links if not link.nav} if page is not None else set()


HOW = ("link", "doc_number", "title", "cited_title")  # strongest first


def _bigrams(key: str) -> set[str]:
    return {key[i:i + 2] for i in range(len(key) - 1)}


class Matcher:
    """Finds the interpretations of a document through indexes, never by comparing every
    pair: a city portal lists hundreds of documents and of interpretations."""

    def __init__(self, site: Snapshot, interps: list[Interpretation], ratio: float) -> None:
        self.site, self.interps, self.ratio = site, interps, ratio
        self.urls = [page_urls(site, i.url) for i in interps]
        self.by_url: dict[str, set[int]] = {}
        self.linking: dict[str, set[int]] = {}  # a URL an interpretation page links to
        self.by_serial: dict[tuple[int, int], list[tuple[int, DocNumber]]] = {}
        self.by_key: dict[str, set[int]] = {}
        self.by_cited: dict[str, set[int]] = {}
        self.grams: dict[str, list[tuple[int, str]]] = {}
        for n, interp in enumerate(interps):
            for url in self.urls[n]:
                self.by_url.setdefault(url, set()).add(n)
            for url in page_links(interp.page):
                self.linking.setdefault(url, set()).add(n)
            for number in interp.numbers:
                self.by_serial.setdefault((number.year, number.serial), []).append((n, number))
            for key in interp.keys:
                self.by_key.setdefault(key, set()).add(n)
                for gram in _bigrams(key):
                    self.grams.setdefault(gram, []).append((n, key))
            for key in interp.cited:
                self.by_cited.setdefault(key, set()).add(n)
        entries = sum(len(i.keys) for i in interps)
        self.stop = {g for g, posting in self.grams.items() if len(posting) > max(20, entries // 4)}

    def titled(self, doc: Document) -> set[int]:
        """Interpretations whose own title names this document (same key or close)."""
        found = {n for key in doc.keys for n in self.by_key.get(key, ())}
        for key in doc.keys:
            if len(key) < 8:
                continue
            grams = _bigrams(key)
            shared: Counter[tuple[int, str]] = Counter()
            for gram in grams - self.stop:
                shared.update(self.grams.get(gram, ()))
            dropped = len(grams & self.stop)
            for (n, other), count in shared.items():
                # ratio >= r needs at least ~0.35 (len a + len b) - 1 shared bigrams
                if n in found or len(other) < 8 or count < 0.35 * (len(key) + len(other)) - 1 - dropped:
                    continue
                if difflib.SequenceMatcher(None, key, other).ratio() >= self.ratio:
                    found.add(n)
        return found

    def matches(self, doc: Document, titled: set[int], named: set[int]) -> list[tuple[Interpretation, str]]:
        """``(interpretation, how)`` for every interpretation of ``doc``, strongest first."""
        doc_urls = page_urls(self.site, doc.url)
        how: dict[int, str] = {}
        for url in page_links(doc.page):
            for n in self.by_url.get(url, ()):
                how.setdefault(n, "link")
        for url in doc_urls:
            for n in self.linking.get(url, ()):
                how.setdefault(n, "link")
        for n, number in self.by_serial.get((doc.number.year, doc.number.serial), ()):
            if doc.number.same(number):
                how.setdefault(n, "doc_number")
        for n in titled:
            how.setdefault(n, "title")
        for key in doc.keys:
            for n in self.by_cited.get(key, set()) - named:
                how.setdefault(n, "cited_title")
        found = [(n, h) for n, h in how.items() if not self.urls[n] & doc_urls]  # never its own interpretation
        return [(self.interps[n], h) for n, h in sorted(found, key=lambda nh: (HOW.index(nh[1]), nh[0]))]
