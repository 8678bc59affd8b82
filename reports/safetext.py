"""Site text made harmless for every output: terminal, JSON, HTML and e-mail.

Titles, link texts and messages come from inspected sites and are untrusted. Printed raw,
``ESC[31m`` recolours the inspector's terminal, ``ESC]8;;http://evil/`` plants a fake
hyperlink, and U+202E (right-to-left override) reverses what a notice appears to say. So
every output goes through one rule: control characters (C0 except newline and tab, DEL,
C1) are shown as ``\\x1b``-style escapes and bidirectional controls (U+202A–U+202E,
U+2066–U+2069, U+200E/U+200F, U+061C) as ``<U+202E>``. An ANSI or OSC sequence loses its
ESC and becomes plain visible text. JSON keeps the exact characters, escaped as ``\\u001b``
and ``\\u202e`` so the document stays valid and a terminal showing it interprets nothing.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import click

_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROL}{_BIDI}]")
_UNSAFE_LINE = re.compile(f"[\n\t{_CONTROL}{_BIDI}]")
# json.dumps already escapes C0; what it leaves raw inside strings:
_JSON_RAW = re.compile(f"[\x7f-\x9f{_BIDI}]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0xA0 else f"<U+{ord(char):04X}>"


def clean(text: Any, *, one_line: bool = False) -> str:
    """``text`` with every unsafe character shown as a visible escape (``one_line``: newline and tab too)."""
    text = "" if text is None else str(text)
    return (_UNSAFE_LINE if one_line else _UNSAFE).sub(_visible, text)


def clean_tree(value: Any) -> Any:
    """``clean`` applied to every string in nested dicts, lists and tuples (keys included)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean_tree(k): clean_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean_tree(v) for v in value)
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """JSON text (UTF-8 readable, ``ensure_ascii=False``) with control and bidi characters as ``\\uXXXX``."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo(message: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of cleaned text: for every line the command line prints."""
    click.echo(clean(message), err=err, nl=nl)


class SafeFormatter(logging.Formatter):
    """Log records cleaned like every other line: Scrapy logs URLs and page text at ``-v``."""

    def format(self, record: logging.LogRecord) -> str:
        return clean(super().format(record))
