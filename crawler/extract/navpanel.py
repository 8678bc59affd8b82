"""What of a drop-down panel is a sub-column.

Portal menus drop down rich panels: besides the sub-columns (监管动态, 政府信息公开) they
show the latest headlines, the leaders' names and pictures. Those are not columns: taken
for columns, a headline would become a "column" that later looks stale and a leader's name
would hide that the real column is missing. So a panel's entries are kept only when they
look like a column entry: a short name, a link that is not an article or detail page, and
not a personal name that shares its record page with others (``hld-xiangqing.html#25``,
``#5``...) or stands in a row of personal names.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..snapshot import NavNode

MAX_COLUMN_NAME = 16
_ARTICLE_URL = re.compile(
    r"t\d{8}_\d+|/art/\d{4}/|art_\d+_\d+|content_\d+|/[0-9a-f]{32}\.|/\d{4}-\d{2}/\d{2}/|/\d{6}/\w+\.s?html?$"
    r"|detail|[?&](?:doc|article|content|news|info|art)_?id=",
    re.I,
)
# The most common surnames: a row of 2-3 character names starting with them is a leader list.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤丛"
)
_HAN = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
MIN_NAME_ROW = 3


def _person_like(name: str) -> bool:
    squeezed = name.replace(" ", "").replace("\u3000", "")
    return bool(_HAN.match(squeezed)) and squeezed[0] in _SURNAMES


def _name_runs(nodes: list[NavNode]) -> set[int]:
    """ids of nodes in a run of at least MIN_NAME_ROW consecutive personal names."""
    out: set[int] = set()
    run: list[NavNode] = []
    for node in nodes + [None]:
        if node is not None and _person_like(node.name):
            run.append(node)
            continue
        if len(run) >= MIN_NAME_ROW:
            out.update(id(n) for n in run)
        run = []
    return out


def column_entries(nodes: list[NavNode], dated: set[str] | frozenset = frozenset(), depth: int = 0) -> list[NavNode]:
    """The entries of ``nodes`` (a panel's items) that are sub-columns, recursively; ``dated``
    are URLs printed beside a date in the panel (news rows, whatever their title's length)."""
    names_by_url: dict[str, set[str]] = defaultdict(set)
    for node in nodes:
        if node.url:
            names_by_url[node.url].add(node.name)
    kept: list[NavNode] = []
    for node in nodes:
        if depth < 20:
            node.children = column_entries(node.children, dated, depth + 1)
        if len(node.name.replace(" ", "")) > MAX_COLUMN_NAME:
            continue
        if node.url and (_ARTICLE_URL.search(node.url) or node.url in dated):
            continue  # a headline
        if node.url and len(names_by_url[node.url]) > 1 and _person_like(node.name):
            continue  # one person's entry on a shared record page
        kept.append(node)
    people = _name_runs(kept)
    return [node for node in kept if id(node) not in people]
