"""What the last complete audit of a site saw, kept for the next night (incremental audits).

Per page: the validators the server sent (``ETag``, ``Last-Modified``), a hash of the body
and the ``Page`` the extractors made of it, with what the spider needs to treat it as if it
had been parsed again (soft-404 inputs, trap fingerprint, the page's own skips). Per link
target that is not a page (attachments, images, external links): the last verdict and the
night it was really verified.

An incremental night revalidates every page with a conditional request; a 304, or a 200
whose body hashes the same, reuses the stored ``Page`` (crawler/spider.py). Link targets are
re-verified on a rotation: broken and unverifiable ones every night, links of a page that
changed at once, the others on their slot of a ``full_every``-night cycle and never later
than ``full_every`` nights after the last verification.

The state is plain data: ``dumps``/``loads`` turn it into zlib-compressed JSON, the same
bytes the database keeps (reports/pagecache.py) and a worker carries in a file.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portalwatch.crawler.datacodec import decode, encode, schema_digest
from portalwatch.crawler.snapshot import Link, LinkCheck, Page

FORMAT = 2  # 2: the pages' links as indexes into one table of distinct links
DEFAULT_FULL_EVERY = 7
# Sources whose change changes what a body yields: a new extractor invalidates every stored page.
_CODE = ("analysis.py", "snapshot.py", "soft404.py", "docnumber.py", "traps.py", "datacodec.py", "extract")


@dataclass(slots=True)
class PageEntry:
    """One page as the last complete audit read it."""

    url: str
    page: Page
    body_hash: str = ""
    etag: str = ""
    last_modified: str = ""
    with_nav: bool = True  # extraction flags the Page was made with: reuse only under the same ones
    want_text: bool = False
    as_of: str = ""  # the as-of date it was read with
    year_less: bool = False  # it shows dates whose year follows the as-of date: reuse only on that date
    soft404_title: str = ""  # inputs of the soft-404 judgement, re-run each night (the baseline moves)
    soft404_text: str = ""
    soft404_long: bool = False
    fingerprint: list[str] | None = None  # trap fingerprint (crawler/traps.py), None for plain URLs
    skips: list[list[str]] = field(default_factory=list)  # [reason, detail] the page's reading recorded


@dataclass(slots=True)
class LinkEntry:
    """The last verdict on a link target that is not a crawled page, and when it was verified."""

    check: LinkCheck
    verified_night: int = 0


@dataclass(slots=True)
class SiteState:
    start_url: str
    night: int = 0  # complete audits counted since the state began
    full_night: int = 0  # the night of the last full audit
    as_of: str = ""
    render_mode: str = ""
    code: str = ""  # code_digest() of the code that wrote it
    reading: str = ""  # digest of the options pages were read with (profile, --set overrides)
    pages: dict[str, PageEntry] = field(default_factory=dict)
    links: dict[str, LinkEntry] = field(default_factory=dict)


@dataclass
class Plan:
    """What the spider is told for one night."""

    mode: str = "full"  # full | incremental
    prev: SiteState | None = None
    night: int = 1
    full_every: int = DEFAULT_FULL_EVERY
    why_full: str = ""  # why an incremental request ended up full (Chinese, for the summary)
    reading: str = ""


def code_digest() -> str:
    here = Path(__file__).resolve().parent
    h = hashlib.sha1(f"{FORMAT}:{schema_digest(Page)}:{schema_digest(LinkCheck)}".encode())
    for name in _CODE:
        path = here / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            try:
                h.update(f.read_bytes())
            except OSError:
                pass
    return h.hexdigest()[:16]


def body_hash(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def dumps(state: SiteState) -> bytes:
    """The compressed JSON of ``state``, written one page at a time: the JSON tree of a whole
    5,000-page site held at once cost more memory than the crawl itself (391 MB peak, measured).

    Every page repeats the portal's menus: of 60,599 links on 1,040 pages, 3,002 were distinct
    (three quarters of the state's bytes). Each distinct link is written once, in ``link_table``
    at the end, and a page's ``links`` are indexes into it."""
    comp = zlib.compressobj(1)  # level 6 took a fifth of the time for 25 % fewer bytes
    chunks: list[bytes] = []
    dump = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    table: dict[Link, int] = {}
    by_id: dict[int, int] = {}  # the spider shares one object per distinct link: most are found by identity

    def put(text: str) -> None:
        chunks.append(comp.compress(text.encode("utf-8")))

    def index(link: Link) -> int:
        i = by_id.get(id(link))
        if i is None:
            i = by_id[id(link)] = table.setdefault(link, len(table))
        return i

    def page_entry(entry: PageEntry) -> dict[str, Any]:
        page = entry.page
        links, page.links = page.links, []  # encoded apart; put back at once (one thread)
        try:
            data = encode(entry)
        finally:
            page.links = links
        data["page"]["links"] = [index(link) for link in links]
        return data

    head = encode(dataclasses.replace(state, pages={}, links={}))
    del head["pages"], head["links"]
    put('{"format":' + dump(FORMAT) + ',"state":{')
    for key, value in head.items():
        put(dump(key) + ":" + dump(value) + ",")
    for name, entries, enc in (("pages", state.pages, page_entry), ("links", state.links, encode)):
        put(("," if name == "links" else "") + dump(name) + ":{")
        for n, (key, entry) in enumerate(entries.items()):
            put(("," if n else "") + dump(key) + ":" + dump(enc(entry)))
        put("}")
    put(',"link_table":[')
    for n, link in enumerate(table):
        put(("," if n else "") + dump(encode(link)))
    put("]}}")
    chunks.append(comp.flush())
    return b"".join(chunks)


def loads(blob: bytes) -> SiteState | None:
    """The state in ``blob``, or None when it is unreadable or from another format."""
    try:
        data = json.loads(zlib.decompress(blob))
        if data.get("format") != FORMAT:
            return None
        raw = data["state"]
        table = [decode(Link, link) for link in raw.pop("link_table")]
        indexes = {url: entry["page"].pop("links") for url, entry in raw["pages"].items()}
        state = decode(SiteState, raw)
        for url, entry in state.pages.items():
            entry.page.links = [table[i] for i in indexes[url]]
        return state
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, zlib.error):
        return None


def read_file(path: str | Path) -> SiteState | None:
    try:
        return loads(Path(path).read_bytes())
    except OSError:
        return None


def write_file(path: str | Path, state: SiteState) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(dumps(state))
    os.replace(tmp, path)


def full_every(settings: dict[str, Any] | None = None) -> int:
    raw = (settings or {}).get("PORTALWATCH_FULL_EVERY") or os.environ.get("PORTALWATCH_FULL_EVERY")
    try:
        return max(1, int(raw)) if raw not in (None, "") else DEFAULT_FULL_EVERY
    except (TypeError, ValueError):
        return DEFAULT_FULL_EVERY


def reading_digest(**options: Any) -> str:
    """A digest of the options a page is read with: a state read under others is not reused."""
    raw = json.dumps(options, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def plan(requested: str, prev: SiteState | None, start_url: str, render_mode: str, every: int,
         reading: str = "") -> Plan:
    """Full or incremental tonight: incremental only when asked, with a usable state, and when the
    last full audit is fewer than ``every`` nights ago."""
    night = (prev.night + 1) if prev is not None else 1
    if requested != "incremental":
        return Plan("full", None, night, every, reading=reading)
    why = ""
    if prev is None:
        why = "没有上次完整检查的记录"
    elif prev.start_url != start_url or prev.render_mode != render_mode or prev.reading != reading:
        why = "网址、渲染方式或检查设置与上次不同"
    elif prev.code != code_digest():
        why = "检查程序已更新"
    elif night - prev.full_night >= every:
        why = f"距上次全面检查已满 {every} 次"
    if why:
        return Plan("full", None, night, every, why, reading)
    return Plan("incremental", prev, night, every, reading=reading)


def year_less(page: Page) -> bool:
    """Does the page show a date whose year the extractor took from the as-of date?"""
    for item in (*page.list_items, *page.other_items):
        if item.date is not None and str(item.date.year) not in item.date_text:
            return True
    return bool(page.pub_date and page.pub_date_text and str(page.pub_date.year) not in page.pub_date_text)


def link_due(entry: LinkEntry, target: str, night: int, every: int) -> bool:
    """Must this link target be verified again tonight?"""
    if entry.check.verdict != "ok":
        return True  # broken and unverifiable ones every night
    if night - entry.verified_night >= every:
        return True
    slot = int(hashlib.md5(target.encode("utf-8")).hexdigest()[:8], 16) % every
    return night % every == slot
