"""The generic dataclass codec carries every field of a Page, whatever fields it has."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import typing

from portalwatch.crawler import incremental
from portalwatch.crawler.datacodec import _hints, decode, encode
from portalwatch.crawler.snapshot import Link, ListItem, NavNode, Page


def sample(tp, depth=0):
    """A non-default value for any field type, so a field the codec dropped shows up."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, __import__("types").UnionType):
        return sample([a for a in args if a is not type(None)][0], depth)
    if origin is typing.Literal:
        return args[-1]
    if origin is list:
        return [sample(args[0], depth + 1), sample(args[0], depth + 1)] if depth < 6 else []
    if origin is tuple:
        return tuple(sample(a, depth + 1) for a in args if a is not Ellipsis)
    if origin in (set, frozenset):
        return origin([sample(args[0], depth + 1)])
    if origin is dict:
        return {sample(args[0], depth + 1): sample(args[1], depth + 1)}
    if tp is str:
        return f"值{depth}·《文》"
    if tp is bool:
        return True
    if tp is int:
        return 7 + depth
    if tp is float:
        return 2.5
    if tp is dt.datetime:
        return dt.datetime(2026, 11, 20, 8, 30)
    if tp is dt.date:
        return dt.date(2026, 11, 20)
    if dataclasses.is_dataclass(tp):
        return tp(**{name: sample(ftp, depth + 1) for name, ftp, init in _hints(tp) if init})
    return f"any{depth}"


def test_page_with_every_field_populated_round_trips_through_json():
    page = sample(Page)
    defaults = Page(url="", final_url="", status=0)
    for name, _, _ in _hints(Page):  # every field really is populated, so a lost field fails below
        assert getattr(page, name) != getattr(defaults, name), name
    assert page.links and isinstance(page.links[0], Link)
    assert page.nav and isinstance(page.nav[0], NavNode) and page.nav[0].children
    assert page.list_items and isinstance(page.list_items[0], ListItem)
    data = json.loads(json.dumps(encode(page), ensure_ascii=False))
    assert decode(Page, data) == page
    # data written before a field existed: the field takes its default
    data.pop("soft404")
    assert decode(Page, data).soft404 == ""


def test_site_state_survives_the_compressed_form():
    page = sample(Page)
    state = incremental.SiteState(start_url="http://127.0.0.1/", night=3, full_night=1,
                                  pages={page.url: incremental.PageEntry(url=page.url, page=page, etag='"x"',
                                                                         fingerprint=["a", "b", "c"])})
    blob = incremental.dumps(state)
    assert incremental.loads(blob) == state
    assert incremental.loads(b"garbage") is None


def test_a_menu_shared_by_every_page_is_kept_once() -> None:
    """Every page of a portal repeats its menus: the state holds each distinct link once and the
    pages read back share it (what the crawl's own sharing gives: memory stays flat)."""
    import zlib

    from portalwatch.crawler.snapshot import Link

    menu = [Link(f"http://127.0.0.1/col{i}/", text=f"栏目{i}", nav=True) for i in range(40)]
    pages = {}
    for n in range(50):
        url = f"http://127.0.0.1/art/{n}.html"
        own = [Link(f"http://127.0.0.1/files/{n}.pdf", text="附件", kind="attachment")]
        pages[url] = incremental.PageEntry(url=url, page=Page(url=url, final_url=url, status=200,
                                                               links=[*menu, *own]))
    state = incremental.SiteState(start_url="http://127.0.0.1/", pages=pages)
    blob = incremental.dumps(state)
    back = incremental.loads(blob)
    assert back == state
    assert zlib.decompress(blob).count("栏目7".encode()) == 1
    assert len({id(link) for e in back.pages.values() for link in e.page.links}) == 40 + 50
