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
        return _encoder(type(value))(value)
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
    fn = _decoder(tp)
    return data if fn is None else fn(data)


# -- codecs compiled once per type: the state of a 50,000-page site is millions of values ----------

_PLAIN = (str, int, bool, type(None))


def _is_plain(tp: Any) -> bool:
    """Values of ``tp`` are their own JSON form (no conversion either way)."""
    if tp in _PLAIN:
        return True
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return all(isinstance(a, _PLAIN) for a in typing.get_args(tp))
    if origin is typing.Union or origin is types.UnionType:
        return all(_is_plain(a) for a in typing.get_args(tp))
    return False


@functools.lru_cache(maxsize=None)
def _encoder(cls: type) -> Any:
    """A function encoding instances of dataclass ``cls`` (fields of plain types copied as they are)."""
    plain, other = [], []
    for name, tp, init in _hints(cls):
        if not init:
            continue
        if _is_plain(tp) or tp is float:
            plain.append(name)
            continue
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is list and args and (_is_plain(args[0]) or args[0] is float):
            other.append((name, list))
        elif origin is list and args and isinstance(args[0], type) and dataclasses.is_dataclass(args[0]):
            item = args[0]
            other.append((name, lambda v, item=item: [_encoder(type(x))(x) if type(x) is item else encode(x)
                                                       for x in v]))
        else:
            other.append((name, encode))

    def enc(obj: Any) -> dict[str, Any]:
        out = {name: getattr(obj, name) for name in plain}
        for name, fn in other:
            out[name] = fn(getattr(obj, name))
        return out

    return enc


@functools.lru_cache(maxsize=None)
def _decoder(tp: Any) -> Any:
    """A function turning encoded data back into a ``tp``; None when the data is the value."""
    if tp is Any or tp is object or _is_plain(tp):
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        candidates = [a for a in args if a is not _NONE]
        if len(candidates) == 1:
            inner = _decoder(candidates[0])
            if inner is None:
                return None
            return lambda data: None if data is None else inner(data)
        return lambda data: None if data is None else _decode_union(candidates, data)
    if origin is typing.ClassVar:
        return _decoder(args[0]) if args else None
    if origin in (list, typing.List):
        item = _decoder(args[0]) if args else None
        return list if item is None else (lambda data: [item(v) for v in data])
    if origin in (set, frozenset):
        item = _decoder(args[0]) if args else None
        return (lambda data: origin(data)) if item is None else (lambda data: origin(item(v) for v in data))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return tuple if item is None else (lambda data: tuple(item(v) for v in data))
        if not args:
            return tuple
        parts = [_decoder(a) for a in args]
        return lambda data: tuple(v if f is None else f(v) for f, v in zip(parts, data))
    if origin is dict:
        kt, vt = args if args else (Any, Any)
        kd, vd = _decoder(kt), _decoder(vt)

        def dec_dict(data: Any) -> dict[Any, Any]:
            pairs = data.items() if isinstance(data, dict) else data
            return {(k if kd is None else kd(k)): (v if vd is None else vd(v)) for k, v in pairs}

        return dec_dict
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            return _dataclass_decoder(tp)
        if issubclass(tp, enum.Enum):
            return lambda data: None if data is None else tp(data)
        if issubclass(tp, dt.datetime):
            return lambda data: None if data is None else dt.datetime.fromisoformat(data)
        if issubclass(tp, dt.date):
            return lambda data: None if data is None else dt.date.fromisoformat(data)
        if tp is float:
            return lambda data: float(data) if isinstance(data, int) and not isinstance(data, bool) else data
        if tp in (list, tuple, set, frozenset):
            return tp
    return None


def _dataclass_decoder(cls: type) -> Any:
    fields_ = [(name, init) for name, _, init in _hints(cls)]
    names = {name for name, _ in fields_}
    state: dict[str, Any] = {}

    def dec(data: dict[str, Any]) -> Any:
        if "conv" not in state:  # resolved on first use: a type may refer to itself (NavNode.children)
            state["conv"] = [(name, _decoder(tp), init) for name, tp, init in _hints(cls)]
            state["simple"] = all(f is None and init for _, f, init in state["conv"])
        if state["simple"] and data.keys() <= names:
            return cls(**data)
        kwargs, late = {}, {}
        for name, fn, init in state["conv"]:
            if name in data:
                value = data[name]
                (kwargs if init else late)[name] = value if fn is None else fn(value)
        obj = cls(**kwargs)
        for name, value in late.items():
            object.__setattr__(obj, name, value)
        return obj

    return dec


def _decode_dataclass(cls: type, data: dict[str, Any]) -> Any:
    return _decoder(cls)(data)


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
