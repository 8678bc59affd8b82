"""Turning response bytes into text.

Older government sites declare GB2312 or GBK (decoded here as GB18030, their superset),
some declare nothing, and some declare the wrong charset (a UTF-8 header in front of GBK
bytes, usually after a server migration). Decoding with the wrong codec silently turns
every title into mojibake, so each candidate is checked against the bytes, the first that
fits wins, and a mismatch is reported in Chinese for the evidence trail.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb_2312": "gb18030", "gb_2312-80": "gb18030", "gb2312-80": "gb18030",
    "x-gbk": "gb18030", "x-gb2312": "gb18030", "csgb2312": "gb18030", "cp936": "gb18030", "ms936": "gb18030",
    "windows-936": "gb18030", "chinese": "gb18030", "euc-cn": "gb18030", "gb18030": "gb18030",
    "utf8": "utf-8", "utf-8": "utf-8", "unicode-1-1-utf-8": "utf-8", "big5": "big5", "big5-hkscs": "big5hkscs",
    "iso-8859-1": "windows-1252", "latin1": "windows-1252", "us-ascii": "windows-1252", "ascii": "windows-1252",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def normalise_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, GB2312/GBK mapped to GB18030; None if unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        return _ALIASES.get(codecs.lookup(key).name, codecs.lookup(key).name) if key else None
    except LookupError:
        return None


def _errors(body: bytes, encoding: str) -> int:
    """Number of undecodable sequences (replacement characters not present in the bytes)."""
    try:
        text = body.decode(encoding, errors="replace")
    except LookupError:
        return len(body)
    literal = body.count("\ufffd".encode(encoding, errors="ignore")) if encoding.startswith("utf") else 0
    return text.count("\ufffd") - literal


def _fits(body: bytes, encoding: str) -> bool:
    # a truncated body may end in half a character; a stray bad byte should not
    # condemn an otherwise consistent page
    if _errors(body, encoding) <= max(2, len(body) // 20000):
        return True
    return encoding in ("utf-8", "gb18030") and _mostly(body, encoding)


def _mostly(body: bytes, encoding: str) -> bool:
    """Valid non-ASCII characters outnumber the undecodable bytes tenfold.

    A few bad bytes in a short page (a mangled copy-paste, a cut-off counter) are no
    reason to read a UTF-8 page as GB18030, which takes almost any bytes and turns every
    title into mojibake. GBK text read as UTF-8 is the opposite: nearly every character
    is an error and only an occasional byte pair happens to be valid. UTF-8 is always
    tried first, so the same rule for GB18030 only keeps a GBK page with bad bytes GBK.
    """
    sample = body[:200_000]
    text = sample.decode(encoding, errors="replace")
    valid = sum(1 for ch in text if ch > "\x7f") - text.count("\ufffd")
    return valid >= 10 and _errors(sample, encoding) * 10 <= valid


def _has_multibyte_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return _mostly(body, "utf-8")
    return not body[:200_000].isascii()


def _guess(body: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        if _fits(body, encoding):
            return encoding
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
        if best and best.encoding:
            return normalise_charset(best.encoding) or "utf-8"
    except Exception:  # noqa: BLE001 - detection is best effort
        pass
    return "utf-8"


def decode_html(body: bytes, http_charset: str | None) -> tuple[str, str, str]:
    """``(text, encoding, note)``: never raises; ``note`` explains a wrong or missing declaration."""
    try:
        return _decode(body or b"", http_charset)
    except Exception:  # noqa: BLE001 - a crawl must not stop on one page's bytes
        return (body or b"").decode("utf-8", errors="replace"), "utf-8", "无法判断页面编码，按 utf-8 解码"


def _decode(body: bytes, http_charset: str | None) -> tuple[str, str, str]:
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace"), encoding, ""
    declared: list[str] = []
    for name in [http_charset] + [m.decode("ascii", "ignore") for m in _META_CHARSET.findall(body[:4096])]:
        encoding = normalise_charset(name)
        if encoding and encoding not in declared:
            declared.append(encoding)
    if not declared:
        encoding = _guess(body)
        note = f"页面未声明编码，按 {encoding} 解码" if not body[:200_000].isascii() else ""
        return body.decode(encoding, errors="replace"), encoding, note
    first = declared[0]
    # Valid multi-byte UTF-8 is almost never accidental; a GBK declaration on such bytes is wrong.
    if first != "utf-8" and first not in ("utf-16-le", "utf-16-be") and _has_multibyte_utf8(body):
        return body.decode("utf-8", errors="replace"), "utf-8", f"声明编码 {first} 与内容不符，按 utf-8 解码"
    for encoding in declared:
        if _fits(body, encoding):
            note = "" if encoding == first else f"声明编码 {first} 与内容不符，按 {encoding} 解码"
            return body.decode(encoding, errors="replace"), encoding, note
    encoding = _guess(body)
    return body.decode(encoding, errors="replace"), encoding, f"声明编码 {first} 与内容不符，按 {encoding} 解码"
