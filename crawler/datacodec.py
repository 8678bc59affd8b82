"""Dataclasses to JSON-ready values and back, driven by the dataclasses' own field types.

Used to keep what a page yielded (``snapshot.Page`` with its ``Link``, ``ListItem``,
``NavNode`` … records) from one night to the next. Nothing is listed by hand: a field
added to ``Page`` (or a new record type inside it) is carried as long as its type is built
from dataclasses, ``str``/``int``/``float``/``bool``/``None``, ``datetime.date``/``datetime``,
``Enum``, ``Literal``, unions and the ``list``/``tuple``/``set``/``frozenset``/``dict``
containers. A field missing from old data takes its default; unknown keys are ignored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import sys
import types
import typing
from typing import Any

_NONE = type(None)


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, resolved type, in __init__) for each field of dataclass ``cls``."""
    module = sys.modules.get(cls.__module__)
    hints = typing.get_type_hints(cls, vars(module) if module else None)
    return tuple((f.name, hints.get(f.name, Any), f.init) for f in dataclasses.fields(cls))


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value`` (dataclass instances become dicts of their fields)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: encode(getattr(value, name)) for name, _, init in _hints(type(value)) if init}
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, dict):
        return [[encode(k), encode(v)] for k, v in value.items()] if any(
            not isinstance(k, str) for k in value) else {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [encode(v) for v in items]
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(tp: Any, data: Any) -> Any:
    """The value of type ``tp`` that ``encode`` turned into ``data``."""
    if tp is Any or tp is object:
        return data
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        if data is None and _NONE in args:
            return None
        candidates = [a for a in args if a is not _NONE]
        if len(candidates) == 1:
            return decode(candidates[0], data)
        return _decode_union(candidates, data)
    if origin is typing.Literal:
        return data
    if origin is typing.ClassVar:
        return decode(args[0], data) if args else data
    if origin in (list, typing.List):
        return [decode(args[0] if args else Any, v) for v in data]
    if origin in (set, frozenset):
        return origin(decode(args[0] if args else Any, v) for v in data)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v) for v in data)
        if not args:
            return tuple(data)
        return tuple(decode(a, v) for a, v in zip(args, data))
    if origin is dict:
        kt, vt = args if args else (Any, Any)
        pairs = data.items() if isinstance(data, dict) else data
        return {decode(kt, k): decode(vt, v) for k, v in pairs}
    if isinstance(tp, typing.TypeVar) or isinstance(tp, str):
        return data
    if isinstance(tp, type):
        if data is None:
            return None
        if dataclasses.is_dataclass(tp):
            return _decode_dataclass(tp, data)
        if issubclass(tp, enum.Enum):
            return tp(data)
        if issubclass(tp, dt.datetime):
            return dt.datetime.fromisoformat(data)
        if issubclass(tp, dt.date):
            return dt.date.fromisoformat(data)
        if tp is float and isinstance(data, int) and not isinstance(data, bool):
            return float(data)
        if tp in (list, tuple, set, frozenset):
            return tp(data)
        return data
    return data


def _decode_dataclass(cls: type, data: dict[str, Any]) -> Any:
    kwargs = {}
    late = {}
    for name, tp, init in _hints(cls):
        if name not in data:
            continue
        (kwargs if init else late)[name] = decode(tp, data[name])
    obj = cls(**kwargs)
    for name, value in late.items():
        object.__setattr__(obj, name, value)
    return obj


def _decode_union(candidates: list[Any], data: Any) -> Any:
    """Several non-None types: the first whose shape fits."""
    for tp in candidates:
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            if isinstance(data, dict) and set(data) <= {n for n, _, _ in _hints(tp)}:
                return _decode_dataclass(tp, data)
            continue
        if tp in (dt.date, dt.datetime) and isinstance(data, str):
            try:
                return decode(tp, data)
            except ValueError:
                continue
        if isinstance(tp, type) and not isinstance(data, (dict, list)) and isinstance(data, tp):
            return data
    for tp in candidates:  # containers, then anything
        try:
            return decode(tp, data)
        except (TypeError, ValueError, AttributeError):
            continue
    return data


def schema_digest(cls: type) -> str:
    """A short digest of the field names and types of ``cls`` and every dataclass inside it:
    data written under another schema is not read back as this one."""
    seen: list[str] = []

    def walk(tp: Any) -> None:
        for arg in typing.get_args(tp):
            walk(arg)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp.__qualname__ not in seen:
            seen.append(tp.__qualname__)
            for name, ftp, _ in _hints(tp):
                seen.append(f"{name}:{ftp!r}")
                walk(ftp)

    walk(cls)
    return hashlib.sha1("\n".join(seen).encode()).hexdigest()[:12]
