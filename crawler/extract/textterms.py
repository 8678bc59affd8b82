"""Sentences of a page that contain terms some check asked for (``Check.text_terms``).

Checks never see a page's raw text (it is not stored); a check that needs words of the text
(``content_error``: 中华人民共合国 → 中华人民共和国) names its terms, the audit hands them to
the crawl, and the extractor keeps, per page, the bounded sentence around each occurrence.
One compiled alternation (terms grouped by first character, longest first) scans the text
once: a page without any term costs one regex pass.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .personal import mask_snippet  # one masking rule (crawler/extract/personal.py)

MAX_HITS = 20  # per page
MAX_PER_TERM = 3
SIDE = 40  # characters kept on each side of the term, within its sentence
_SENTENCE_END = "。！？；!?;"


@lru_cache(maxsize=8)
def term_regex(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern matching any of ``terms`` (longest first at a position), or None."""
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    parts = []
    for first, rests in groups.items():
        alts = "|".join(rests)  # already longest first
        parts.append(f"{re.escape(first)}(?:{alts})")
    return re.compile("|".join(parts))


def sentence_around(text: str, start: int, end: int, side: int = SIDE) -> str:
    """The sentence holding ``text[start:end]``, at most ``side`` characters either side of it,
    personal numbers masked (a number cut at the edge is masked whole before the cut)."""
    lo = start
    while lo > 0 and start - lo < side and text[lo - 1] not in _SENTENCE_END:
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < side:
        hi += 1
        if text[hi - 1] in _SENTENCE_END:
            break
    wide_lo, wide_hi = lo, hi
    while wide_lo > 0 and text[wide_lo - 1].isdigit():
        wide_lo -= 1
    while wide_hi < len(text) and text[wide_hi].isdigit():
        wide_hi += 1
    piece = mask_snippet(text[wide_lo:wide_hi])[lo - wide_lo: hi - wide_lo]
    prefix = "…" if lo > 0 and text[lo - 1] not in _SENTENCE_END else ""
    suffix = "…" if hi < len(text) and text[hi - 1] not in _SENTENCE_END else ""
    return (prefix + piece.strip() + suffix).strip()


def find_terms(texts: Iterable[str], terms: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(term, masked sentence)`` for each occurrence of a term in ``texts`` (bounded)."""
    pattern = term_regex(terms)
    if pattern is None:
        return []
    out: list[tuple[str, str]] = []
    per_term: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for text in texts:
        if not text:
            continue
        for m in pattern.finditer(text):
            term = m.group(0)
            if per_term.get(term, 0) >= MAX_PER_TERM:
                continue
            snippet = sentence_around(text, m.start(), m.end())
            if (term, snippet) in seen:
                continue
            seen.add((term, snippet))
            per_term[term] = per_term.get(term, 0) + 1
            out.append((term, snippet))
            if len(out) >= MAX_HITS:
                return out
    return out
