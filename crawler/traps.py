"""Endless URL spaces, judged by how their pages behave, never by how many URLs they have.

Classic CMSs address thousands of real articles through query strings
(``show.asp?id=6500``, ``list.asp?classid=5&page=12``); counting variants per path
cut a township with 3,000 articles down to its first hundred and silently missed every
defect deeper down. So a query URL is only filed under its *space* (its path and the
names of its parameters), and each crawled page of the space leaves a content
fingerprint. A space is a trap when it stops bringing anything new: ``repeats``
(calendars) or ``plain_repeats`` (other parameters) consecutive pages whose content was
already seen in the space: a calendar whose day pages differ only in the date, a session
parameter that changes nothing. Its further URLs, also those already queued, are skipped
and counted (and still link-checked); varying content is never cut.

Calendar-like spaces (a parameter named date/day/ym..., or whose value is a real date)
compare content with every digit removed, since their pages print the date they are
for; other spaces only ignore printed dates and times, so two articles that differ in a
number stay different. A calendar walking beyond ``window_days`` of the as-of date is
held to a shorter run: two pages out there that repeat an earlier one, or that are empty
pages of one shape (no list, same links), end it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import parse_qsl, urlsplit

from scrapy.exceptions import IgnoreRequest

CALENDAR_KEYS = re.compile(r"^(date|day|days|year|month|ym|ymd|time|riqi|rq|calendar|cal|d|y|m|dt|sj)$", re.I)
# a full date in a value: 2024-01-05, 2024/1/5, 2024.01.05, 20240105, 2024-01
DATE_VALUE = re.compile(r"^(\d{4})(?:([-/.])(\d{1,2})(?:\2(\d{1,2}))?|(\d{2})(\d{2}))$")
KEYED_DATE = re.compile(r"^(\d{4})(?:[-/.]?(\d{1,2}))?(?:[-/.]?(\d{1,2}))?$")  # any date-ish under a calendar key
PRINTED_DATE = re.compile(r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{1,2}:\d{2}(?::\d{2})?")
DIGITS = re.compile(r"\d+")
SPACES = re.compile(r"\s+")
OUT_OF_WINDOW_REPEATS = 2
DETAIL = {"calendar_trap": "日历类链接连续返回相同内容（仅日期不同），判定为无限日历，未继续跟踪",
          "query_trap": "同一路径的参数变化后连续返回相同内容，判定为无限链接，未继续跟踪"}
TRAP_MARK = "portalwatch-trap:"


def fingerprints(title: str, list_titles: Iterable[str], placeholder: str, text: str,
                 links: int = 0) -> tuple[str, str, str]:
    """(loose, strict, shape) fingerprints of a page: loose ignores every digit, strict only
    printed dates and times (short hex digests, so thousands of pages cost little memory);
    shape is "" for a page with a list, else its link count: empty pages of one template
    have one shape even when they spell their date in words (二〇三〇年一月五日)."""
    titles = list(list_titles)
    body = SPACES.sub("", "\x1f".join([title, "\x1e".join(titles), placeholder, text]))
    strict = PRINTED_DATE.sub("", body)
    loose = DIGITS.sub("", strict)
    shape = "" if titles else f"empty:{links}:{bool(placeholder)}"
    return _digest(loose), _digest(strict), shape


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).hexdigest()


def _valid(year: str, month: str | None, day: str | None) -> dt.date | None:
    try:
        y = int(year)
        if not 1900 <= y <= 2100:
            return None
        return dt.date(y, int(month or 1), int(day or 1))
    except ValueError:
        return None


def calendar_date(key: str, value: str) -> dt.date | None:
    """The date a query parameter stands for, when it looks like a calendar's; else None.

    A plain 4-digit value (``id=6500``, ``id=2024``) is a date only under a calendar key."""
    value = value.strip()
    if CALENDAR_KEYS.match(key):
        m = KEYED_DATE.match(value)
        return _valid(*m.groups()) if m else None
    m = DATE_VALUE.match(value)
    if not m:
        return None
    year, _, month, day, month2, day2 = m.groups()
    return _valid(year, month or month2, day or day2)


@dataclass
class Space:
    """One path + parameter-name shape and what its pages have shown so far."""

    calendar: bool
    seen: set[str] = field(default_factory=set)  # fingerprints of its pages
    stale: int = 0  # consecutive pages that showed nothing new
    trapped: str = ""  # the skip reason once it is a trap
    pages: int = 0


class TrapGuard:
    """Says when a URL is part of an endless space; learns that from the pages it yields."""

    def __init__(self, max_url_length: int = 512, max_depth: int = 40, repeats: int = 8,
                 plain_repeats: int = 20, as_of: dt.date | None = None, window_days: int = 730) -> None:
        self.max_url_length = max_url_length
        self.max_depth = max_depth
        self.repeats = max(1, repeats)
        self.plain_repeats = max(1, plain_repeats)
        self.as_of = as_of or dt.date.today()
        self.window = dt.timedelta(days=window_days)
        self.spaces: dict[str, Space] = {}
        self._observed: set[str] = set()

    def check(self, url: str, depth: int) -> str:
        """A reason to skip ``url`` ("" to crawl it)."""
        if len(url) > self.max_url_length:
            return "url_too_long"
        if depth > self.max_depth:
            return "too_deep"
        segments = [s for s in urlsplit(url).path.split("/") if s]
        if len(segments) >= 6 and len(set(segments)) <= len(segments) // 2:
            return "repeating_path"
        return self.trapped(url)

    def trapped(self, url: str) -> str:
        """The trap reason when ``url`` belongs to a space already judged endless."""
        key, _ = self.space_key(url)
        space = self.spaces.get(key) if key else None
        return space.trapped if space else ""

    def observe(self, url: str, loose: str, strict: str, shape: str = "") -> str:
        """Record a crawled page's fingerprints; the trap reason when its space just became one."""
        key, dates = self.space_key(url)
        if not key or url in self._observed:
            return ""
        self._observed.add(url)
        space = self.spaces.get(key)
        if space is None:
            space = self.spaces[key] = Space(calendar=bool(dates))
        space.pages += 1
        far = any(abs(d - self.as_of) > self.window for d in dates)
        fp = (shape if far and shape else loose) if space.calendar else strict
        if fp in space.seen:
            space.stale += 1
        else:
            space.seen.add(fp)
            space.stale = 0
        limit = self.repeats if space.calendar else self.plain_repeats
        if far:
            limit = min(limit, OUT_OF_WINDOW_REPEATS)
        if not space.trapped and space.stale >= limit:
            space.trapped = "calendar_trap" if space.calendar else "query_trap"
            return space.trapped
        return ""

    @staticmethod
    def space_key(url: str) -> tuple[str, list[dt.date]]:
        """(path + parameter names, the calendar dates in the query); ("", []) without a query."""
        parts = urlsplit(url)
        if not parts.query:
            return "", []
        query = parse_qsl(parts.query, keep_blank_values=True)
        dates = [d for d in (calendar_date(k, v) for k, v in query) if d is not None]
        names = "&".join(sorted({k.lower() for k, _ in query}))
        return f"{parts.netloc.lower()}{parts.path}?{names}", dates


class SkipTrappedRequests:
    """Downloader middleware: a page request queued before its space was judged endless is
    dropped before it is fetched (the spider's errback records it as skipped)."""

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SkipTrappedRequests":
        return cls(crawler)

    def process_request(self, request: Any, spider: Any = None) -> None:
        meta = request.meta
        if "pw_depth" not in meta or meta.get("pw_home"):
            return None
        spider = spider or getattr(self.crawler, "spider", None)
        traps = getattr(spider, "traps", None)
        reason = traps.trapped(meta["pw_url"]) if traps is not None else ""
        if reason:
            raise IgnoreRequest(TRAP_MARK + reason)
        return None


def trap_reason(exc: BaseException) -> str:
    """The trap reason carried by an IgnoreRequest from SkipTrappedRequests, else ""."""
    text = str(exc)
    return text[len(TRAP_MARK):] if isinstance(exc, IgnoreRequest) and text.startswith(TRAP_MARK) else ""
