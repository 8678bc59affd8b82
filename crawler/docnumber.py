"""Document numbers (文号), one parser for the crawler and the checks.

A policy document and its interpretation are matched by number, so the page's own number
(read by the crawler) and the numbers a check reads in list titles must be parsed alike.
Two forms exist:

- ``岚政综〔2023〕26号``: issuing-body prefix, year, serial; brackets ``[] ［］ 【】 （） ()``
  are spelled ``〔〕``, a ``第`` before the serial and spaces go, full-width digits become
  ASCII;
- government decrees (政府令) number without a year: ``省政府令第232号``, ``县政府令第12号``;
  they keep their ``令第N号`` spelling and have ``year == 0``.

Pure regex code with no crawler dependency: ``snapshot`` re-exports it for the checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

_OPEN = "〔[［【（("
_CLOSE = "〕]］】）)"
_DATED = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{1,12})\s*[" + re.escape(_OPEN) + r"]\s*(?P<year>(?:19|20)\d{2})\s*["
    + re.escape(_CLOSE) + r"]\s*第?\s*(?P<num>\d{1,5})\s*号"
)
_DATED_CORE = re.compile(  # _DATED without its prefix, which _dated() reads backwards
    r"\s*[" + re.escape(_OPEN) + r"]\s*(?P<year>(?:19|20)\d{2})\s*["
    + re.escape(_CLOSE) + r"]\s*第?\s*(?P<num>\d{1,5})\s*号"
)
_DECREE = re.compile(r"(?P<org>[\u4e00-\u9fff]{1,12}?令)\s*第\s*(?P<num>\d{1,5})\s*号")
# Characters and words that end a sentence fragment rather than belong to an issuing-body
# prefix: ``根据国办发〔2016〕80号`` has the prefix ``国办发``.
_PREFIX_STOP = set("的和与及了据照见是为按经在于将把对由从以即或等并》")
_LEAD_WORDS = (
    "印发", "转发", "根据", "依据", "按照", "执行", "贯彻", "落实", "参照", "废止", "修改", "文件", "通知",
    "精神", "决定", "研究", "通过", "发布", "公布", "批复", "请示", "报告", "关于", "引用", "援引", "依照", "遵照",
    "详见", "下发", "制定", "出台", "实施", "再次", "同时", "另外", "其中", "规定",
)
MAX_PREFIX = 8
_ANY = "(?:{}|{})".format(*(re.sub(r"\?P<\w+>", "", rx.pattern) for rx in (_DATED, _DECREE)))
_ANY_NUMBER = re.compile(_ANY)
_PAREN_NUMBER = re.compile(r"\s*[(（]\s*" + _ANY + r"\s*[)）]")


@dataclass(frozen=True)
class DocNumber:
    org: str  # issuing-body prefix (机关代字), e.g. 示范政发; for a decree the issuer with 令, e.g. 省政府令
    year: int  # 0 for a decree number, which has no year
    serial: int

    def __str__(self) -> str:
        if not self.year:
            return f"{self.org}第{self.serial}号"
        return f"{self.org}〔{self.year}〕{self.serial}号"

    def same(self, other: DocNumber) -> bool:
        """Same year and serial, and one prefix ends the other (a title may glue words before it)."""
        return self.year == other.year and self.serial == other.serial and (
            self.org.endswith(other.org) or other.org.endswith(self.org))


_HALFWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


_FULLWIDTH_DIGIT = re.compile("[０-９]")


def halfwidth_digits(text: str) -> str:
    """Full-width digits as ASCII; every other character (and so every offset) unchanged."""
    text = text or ""
    return text.translate(_HALFWIDTH) if _FULLWIDTH_DIGIT.search(text) else text


def trim_prefix(org: str) -> str:
    """Cut sentence words off an issuing-body prefix: ``决定废止岚政综`` -> ``岚政综``."""
    cut = 0
    for i, ch in enumerate(org):
        if ch in _PREFIX_STOP:
            cut = i + 1
    for word in _LEAD_WORDS:
        at = org.rfind(word)
        if at >= 0 and at + len(word) < len(org):
            cut = max(cut, at + len(word))
    return org[cut:][-MAX_PREFIX:]


def iter_doc_numbers(text: str) -> Iterator[tuple[int, DocNumber]]:
    """``(offset, number)`` for every document number in ``text``, in order of appearance."""
    if not text or "号" not in text:  # every form ends in 号: most texts have none
        return
    text = halfwidth_digits(text)
    found: list[tuple[int, int, DocNumber]] = []
    for org_end, org, m in _dated(text):
        org = trim_prefix(org)
        if org:  # the number starts where its trimmed prefix does (``号和国办发`` -> ``国办发``)
            found.append((org_end - len(org), m.end(), DocNumber(org, int(m["year"]), int(m["num"]))))
    for m in (_DECREE.finditer(text) if "令" in text else ()):
        org = trim_prefix(m["org"])
        start = m.end("org") - len(org)
        if len(org) > 1 and not any(s < m.end() and start < e for s, e, _ in found):
            found.append((start, m.end(), DocNumber(org, 0, int(m["num"]))))
    for start, _, number in sorted(found, key=lambda f: f[0]):
        yield start, number


def _dated(text: str) -> Iterator[tuple[int, str, re.Match[str]]]:
    """``_DATED`` matches as ``(end of prefix, prefix, match)``, found from the bracket backwards:
    the same matches as ``_DATED.finditer`` (the prefix is the last 1-12 CJK characters before
    the bracket, after the previous match), without trying the pattern at every character."""
    if not any(ch in text for ch in _OPEN):
        return
    floor = 0
    for m in _DATED_CORE.finditer(text):
        end = m.start()
        start = end
        while start > floor and end - start < 12 and "\u4e00" <= text[start - 1] <= "\u9fff":
            start -= 1
        if start < end:
            yield end, text[start:end], m
            floor = m.end()


def parse_doc_numbers(text: str) -> list[DocNumber]:
    """Every document number in ``text``, in order (repeats kept)."""
    return [number for _, number in iter_doc_numbers(text)]


def remove_doc_numbers(text: str) -> str:
    """``text`` without its document numbers (to compare titles that differ only by them)."""
    return _ANY_NUMBER.sub("", text or "")


def without_parenthesised_number(title: str) -> str:
    """``某某通知（示范政发〔2026〕7号）`` -> ``某某通知``: the number is said apart in a message."""
    return _PAREN_NUMBER.sub("", title or "").strip()
