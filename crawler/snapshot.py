"""What a crawl observed: immutable-ish records the checks read.

The crawler fills these; checks only read them (``checks`` imports nothing else from
``crawler``). Everything is plain data so a snapshot can be stored, reloaded and
handed to a user's own check.

The shapes, from the bottom up:

- ``Link``: one outgoing reference on a page (anchor, image, attachment, frame, or ``other``:
  stylesheet, media file, embed). A malformed address is kept as written.
- ``ListItem``: one entry of a list on a page (title, URL, date as shown).
- ``NavNode``: one column in a navigation tree (name, URL, children).
- ``Message``: one consultation message (留言/信件/咨询) read from a list row or a detail page.
- ``PersonalHit``: a personal identifier shown on a page, only ever in masked form.
- ``TextHit``: a sentence of a page containing a term some check asked for (``Check.text_terms``).
- ``Page``: one fetched HTML page and what was extracted from it.
- ``LinkCheck``: the verdict on one link target (ok, dead, unverifiable).
- ``Skip``: something the crawl deliberately did not do, with the reason.
- ``Snapshot``: the whole site as seen by one audit.

``DocNumber``, ``parse_doc_numbers`` and the number-stripping helpers (from ``docnumber``)
are re-exported: the checks
read document numbers in list titles with the parser that filled ``Page.doc_number``; so is the
link-verdict vocabulary of ``verdicts`` (``reason_text``: a verdict's reason in Chinese).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterator, Literal

from .docnumber import DocNumber, parse_doc_numbers, remove_doc_numbers, without_parenthesised_number
from .verdicts import REASONS_ZH, UNVERIFIABLE, reason_text

__all__ = [
    "DocNumber", "Link", "LinkCheck", "LinkKind", "ListItem", "Message", "NavNode", "Page", "PersonalHit", "Skip",
    "Snapshot", "TextHit", "Verdict",
    "parse_doc_numbers", "remove_doc_numbers", "without_parenthesised_number",
    "REASONS_ZH", "UNVERIFIABLE", "reason_text",
]

LinkKind = Literal["page", "image", "attachment", "frame", "other"]
Verdict = Literal["ok", "dead", "unverifiable"]


@dataclass(frozen=True, slots=True)
class Link:
    """An outgoing reference found on a page."""

    url: str  # absolute, fragment removed
    text: str = ""  # anchor text, title or alt, whitespace folded
    kind: LinkKind = "page"
    nav: bool = False  # inside a navigation block (menu, sidebar, breadcrumb)


@dataclass(frozen=True, slots=True)
class ListItem:
    """One entry of a list: title, link and the date shown beside it."""

    title: str
    url: str | None  # absolute
    date: dt.date | None = None  # resolved date (year-less dates resolved by the extractor)
    date_text: str = ""  # the date as printed, for evidence


MessageStatus = Literal["answered", "unanswered", "processing", ""]


@dataclass(frozen=True, slots=True)
class Message:
    """A consultation message (留言, 信件, 咨询) as a list row or a detail page shows it.

    ``replied`` is the printed reply date (回复时间/答复时间), never a closing date
    (办结时间 only marks the message answered). ``status`` is read from the status word
    (已回复 -> answered, 未回复/待回复 -> unanswered, 办理中/已受理 -> processing) or, on a
    detail page, from an empty reply field; "" when the page does not say. Dates that are
    masked, year-less or malformed are None: nobody is judged on a guessed date.
    """

    title: str
    url: str | None  # absolute: the detail page (the page itself for a detail page)
    posted: dt.date | None = None
    replied: dt.date | None = None
    status: MessageStatus = ""
    status_text: str = ""  # the status as shown (已回复, 办理中, 回复内容为空 ...)
    evidence: str = ""  # the row's or the labelled fields' text, clipped


@dataclass(frozen=True, slots=True)
class PersonalHit:
    """A personal identifier in a page's visible text. The full number never gets here: the
    extractor keeps the masked form (``35*************23X``, ``138****1234``,
    ``6222***********1234``) and a masked snippet around it (crawler/extract/personal.py)."""

    kind: Literal["id_number", "bank_card", "mobile"]
    masked: str
    snippet: str = ""  # ~30 characters around it, every number in it masked


@dataclass(frozen=True, slots=True)
class TextHit:
    """A term a check asked the crawl to look for (``Check.text_terms``), and the sentence of
    the page that contains it (bounded, personal numbers masked)."""

    term: str
    snippet: str


@dataclass(slots=True)
class NavNode:
    """A column (栏目) in a navigation tree. ``children`` are its sub-columns."""

    name: str
    url: str | None
    children: list[NavNode] = field(default_factory=list)

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], NavNode]]:
        """Yield ``(path, node)`` for this node and every descendant, depth first."""
        here = path + (self.name,)
        yield here, self
        for child in self.children:
            yield from child.walk(here)


@dataclass(slots=True)
class Page:
    """One fetched HTML page and what the extractors found in it."""

    url: str  # the URL requested
    final_url: str  # after redirects
    status: int
    depth: int = 0
    title: str = ""
    encoding: str = ""
    encoding_note: str = ""  # e.g. declared charset was wrong
    content_type: str = ""
    size: int = 0  # bytes received
    truncated: bool = False  # body cut at PORTALWATCH_MAX_PAGE_BYTES
    meta: dict[str, str] = field(default_factory=dict)  # <meta name=...> (SiteName, ColumnName, PubDate...)
    pub_date: dt.date | None = None  # publication date found in the page (meta or visible text)
    pub_date_text: str = ""
    links: list[Link] = field(default_factory=list)
    nav: list[NavNode] = field(default_factory=list)  # navigation tree found on the page
    # How far ``nav`` can be trusted: "ok" (a menu was read), "script" (the HTML has no menu
    # but scripts that may write one: the menu could not be read, so a column absent from
    # ``nav`` is undecided, not missing), "not_found" (no menu and nothing writing one), ""
    # (navigation not extracted for this page: deeper pages skip it).
    nav_status: str = ""
    list_items: list[ListItem] = field(default_factory=list)  # the page's main list, in page order
    other_items: list[ListItem] = field(default_factory=list)  # dated items outside the main list
    placeholder: str = ""  # empty-column placeholder text found in the main content (暂无信息 ...)
    empty_list: str = ""  # the column's own list is shown empty beside another block's list (evidence)
    pagination: list[str] = field(default_factory=list)  # other pages of the same list (absolute)
    # Pages the list says it has (共N页, a script's page count), 0 when it does not say.
    list_total_pages: int = 0
    # True when the list has more pages than ``pagination`` reaches (an AJAX pager showing only
    # 共N页): the column was only partly read, so its emptiness or age is not fully known.
    list_partial: bool = False
    doc_number: str = ""  # the page's own document number (文号), normalised
    cited_doc_numbers: list[str] = field(default_factory=list)  # other 文号 in the text
    cited_titles: list[str] = field(default_factory=list)  # titles quoted in 《》
    breadcrumb: list[str] = field(default_factory=list)
    soft404: str = ""  # why the page looks like a "not found" page although it answered 200
    rendered: bool = False
    render_reason: str = ""
    text_length: int = 0  # visible text characters in the main content
    messages: list[Message] = field(default_factory=list)  # consultation messages (consultation pages only)
    personal: list[PersonalHit] = field(default_factory=list)  # personal identifiers shown (masked)
    text_hits: list[TextHit] = field(default_factory=list)  # sentences holding terms checks asked for
    # A service guide (办事指南) and its key elements: canonical names whose label has content,
    # and every canonical label seen (content or not); see crawler/extract/guide.py.
    is_guide: bool = False
    guide_elements: list[str] = field(default_factory=list)
    guide_labels: list[str] = field(default_factory=list)
    # Footer identification items (政府网站标识码, ICP备案号, ...) -> the text shown, and whether the
    # footer could be read: "ok", "script" (may be written by a script: undecided), "none", "".
    footer: dict[str, str] = field(default_factory=dict)
    footer_status: str = ""

    @property
    def column_name(self) -> str:
        return self.meta.get("ColumnName", "")


@dataclass(slots=True)
class LinkCheck:
    """The verdict on one link target, shared by every page that links to it."""

    target: str
    verdict: Verdict
    status: int | None = None  # last HTTP status, None for network errors
    reason: str = ""  # machine reason: http_404, dns, refused, timeout, redirect_loop, soft404:..., ...
    detail: str = ""  # human detail (exception text, soft-404 phrase)
    final_url: str = ""
    method: str = ""  # HEAD, GET, or crawl (the page was crawled)
    attempts: int = 1
    internal: bool = True


@dataclass(frozen=True, slots=True)
class Skip:
    """Something the crawl did not do on purpose: too large, robots.txt, trap, max pages."""

    url: str
    reason: str  # machine reason: too_large, robots, trap, max_pages, non_html, offsite, url_too_long ...
    detail: str = ""


@dataclass(slots=True)
class Snapshot:
    """A site as one audit saw it. Checks are pure functions of this, the profile and a date."""

    start_url: str
    home_url: str = ""  # final URL of the homepage
    started: str = ""  # ISO timestamps
    finished: str = ""
    pages: dict[str, Page] = field(default_factory=dict)  # by requested URL
    link_checks: dict[str, LinkCheck] = field(default_factory=dict)  # by target
    link_sources: dict[str, list[str]] = field(default_factory=dict)  # target -> pages linking to it
    skips: list[Skip] = field(default_factory=list)
    unreachable: str = ""  # why the start URL could not be fetched ("" when it could)
    unreachable_detail: str = ""
    complete: bool = True  # False when the crawl was interrupted or stopped early
    render_mode: str = "auto"
    render_available: bool = True
    stats: dict[str, int | float | str] = field(default_factory=dict)
    _by_final: dict[str, Page] = field(default_factory=dict, repr=False, compare=False)

    @property
    def home(self) -> Page | None:
        page = self.pages.get(self.start_url)
        if page is None and self.home_url:
            page = self.page_at(self.home_url)
        return page

    def page_at(self, url: str) -> Page | None:
        """The page for ``url`` whether it was requested as ``url`` or redirected there."""
        page = self.pages.get(url)
        if page is not None:
            return page
        if len(self._by_final) != len(self.pages):
            self._by_final = {p.final_url: p for p in self.pages.values()}
        return self._by_final.get(url)

    def list_pages(self, root_url: str) -> list[Page]:
        """The first page of a list and every pagination page reachable from it, in order found."""
        root = self.page_at(root_url)
        if root is None:
            return []
        seen = {root.url}
        ordered = [root]
        queue = list(root.pagination)
        while queue:
            url = queue.pop(0)
            page = self.page_at(url)
            if page is None or page.url in seen:
                continue
            seen.add(page.url)
            ordered.append(page)
            queue.extend(page.pagination)
        return ordered
