"""Dates as Chinese government sites print them.

Staleness checks stand or fall with these dates, so the parser is strict: it accepts the
formats the CMSs actually emit (``2024-05-12``, ``2024/05/12``, ``2024.05.12``,
``2024年5月12日``, gov.cn's ``2007-08-20-23:59:59``, an optional time) and year-less list
dates (``05-12``, ``[05-12]``, ``(05-12)``) whose year is implied by the as-of date. It
rejects impossible dates (month 13, 30 February) and implausible years, because a wrong
date is worse than none: it would hide a stale column or invent a forged one.
"""

from __future__ import annotations

import datetime as dt
import re

MIN_YEAR = 1990

_TIME = r"(?:(?:\s+|T|-|\s*日\s*)?\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
_FULL = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)" + _TIME
)
_CN = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})(?!\d)\s*(?:日|号)?"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
)
# Year-less list dates. Bare ``MM-DD`` needs two-digit parts so that ranges in prose such
# as ``1-10月`` are not read as dates; brackets make a one-digit form unambiguous.
_SHORT_BRACKETED = re.compile(
    r"(?P<o>[\[［【(（])\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})\s*(?P<c>[\]］】)）])"
)
_SHORT_BARE = re.compile(r"(?<![\d\-/.:：])(?P<m>\d{2})-(?P<d>\d{2})(?![\d\-/.]|\s*[月日号])")

_URL_T = re.compile(r"(?<![0-9])t((?:19|20)\d{2})(\d{2})(\d{2})_\d+")
_URL_YMD = re.compile(r"/((?:19|20)\d{2})[-/]?(\d{1,2})/(\d{1,2})/")
_URL_YM = re.compile(r"/((?:19|20)\d{2})(\d{2})(?:(\d{2}))?/")


def _today() -> dt.date:
    return dt.date.today()


def _make(y: int, m: int, d: int, ref: dt.date) -> dt.date | None:
    if y < MIN_YEAR or y > ref.year + 1:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _implied_year(m: int, d: int, ref: dt.date) -> dt.date | None:
    """The most recent date with this month/day that is not after ``ref``."""
    for year in range(ref.year, ref.year - 8, -1):
        try:
            candidate = dt.date(year, m, d)
        except ValueError:
            if m == 2 and d == 29:
                continue  # look for the previous leap year
            return None
        if candidate <= ref:
            return candidate
    return None


def find_dates(text: str, ref: dt.date | None = None) -> list[tuple[dt.date, str]]:
    """Every date in ``text`` with the exact text matched, in order of appearance.

    Year-less dates (``05-12``) take the year that puts them on or before ``ref``
    (the as-of date; today when None).
    """
    if not text:
        return []
    ref = ref or _today()
    found: list[tuple[int, dt.date, str]] = []
    taken: list[tuple[int, int]] = []

    def overlaps(span: tuple[int, int]) -> bool:
        return any(span[0] < e and s < span[1] for s, e in taken)

    for rx in (_FULL, _CN):
        for m in rx.finditer(text):
            date = _make(int(m["y"]), int(m["m"]), int(m["d"]), ref)
            if date and not overlaps(m.span()):
                taken.append(m.span())
                found.append((m.start(), date, m.group(0).strip()))
    for rx in (_SHORT_BRACKETED, _SHORT_BARE):
        for m in rx.finditer(text):
            if overlaps(m.span()):
                continue
            month, day = int(m["m"]), int(m["d"])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            date = _implied_year(month, day, ref)
            if date:
                taken.append(m.span())
                found.append((m.start(), date, m.group(0).strip()))
    found.sort(key=lambda item: item[0])
    return [(date, matched) for _, date, matched in found]


def parse_date(text: str, ref: dt.date | None = None) -> dt.date | None:
    """The first date in ``text``, or None."""
    dates = find_dates(text, ref)
    return dates[0][0] if dates else None


_DATE_ONLY = re.compile(
    r"^[\s\[［【(（]*(?:(?:发布|发表|更新|公开)?(?:时间|日期)\s*[:：]\s*)?"
    r"(?P<date>[\d\s\-/.年月日号:：T\[\]［］【】()（）]+)$"
)


def date_only(text: str, ref: dt.date | None = None) -> tuple[dt.date, str] | None:
    """``(date, text)`` when ``text`` is nothing but a date (optionally labelled/bracketed).

    List extractors use this instead of :func:`find_dates` so that a title mentioning a
    date (``关于2023年5月12日停电的通知``) is never mistaken for the item's date.
    """
    text = text.strip() if text else ""
    if not text or len(text) > 40:
        return None
    m = _DATE_ONLY.match(text)
    if not m:
        return None
    dates = find_dates(text, ref)
    if len(dates) != 1:
        return None
    return dates[0][0], text


def date_from_url(url: str) -> dt.date | None:
    """A weak hint from the URL (TRS ``t20200903_123``, ``/202009/``, ``/2016/11/22/``).

    Only a hint: CMSs keep the creation date in the URL while the page may be published
    or re-published later, so this must never stand in for the publication date.
    """
    if not url:
        return None
    ref = _today()
    m = _URL_T.search(url)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), ref)
    m = _URL_YMD.search(url)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), ref)
    m = _URL_YM.search(url)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3] or 1), ref)
    return None
