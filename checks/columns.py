"""Finding a site's columns (栏目): name normalisation, profile matching, column typing.

Sites name the same column in many ways (乡镇简介 for 乡镇概况, 预决算公开 for 财政信息,
“工作动态 ( 12 )”, “政务公开专栏”) and hide required columns one or two menus down
(政府信息公开 › 政策文件, sometimes only in the sidebar of the 政府信息公开 page). So:

- names are compared after :func:`normalise_name` (width, spaces, punctuation, counters
  and 栏/栏目/专栏/专区 suffixes removed);
- a profile column matches a site column by canonical name, synonym, a *qualified* name
  (a local prefix such as 示范镇概况, or a harmless suffix such as 财政信息公开) or a close
  spelling (long names only). Containment is otherwise refused on purpose: 工作动态图片
  and 党建工作动态 are not 工作动态;
- the site's columns are the homepage navigation tree plus the navigation trees of the
  column pages it links to (:func:`site_columns`).

Every check that needs a column's list pages uses ``Snapshot.list_pages(column.url)``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from portalwatch.checks.profiles import ColumnSpec, Profile
from portalwatch.crawler.snapshot import ListItem, NavNode, Page, Snapshot

_COUNTER = re.compile(r"[(（\[【]\s*\d+\s*[)）\]】]\s*$")
_SUFFIXES = ("栏目", "专栏", "专区", "频道", "栏")
# A prefix naming the place or the unit qualifies a column name: 示范镇概况, 本镇要闻.
_LOCAL_PREFIX_END = ("镇", "乡", "县", "市", "区", "旗", "街道", "村", "本", "我", "全")
# Words that may follow a column name without changing what the column holds.
_HARMLESS_SUFFIXES = ("信息", "公开", "情况", "一览", "查询", "汇总", "列表", "平台")
_GENERIC_PREFIXES = ("政府", "人民", "人民政府", "中国", "网站")  # in every site name, say nothing of the place
MAX_PREFIX = 8
CLOSE_RATIO = 0.85
CLOSE_MIN_LEN = 5  # short Chinese names differ by one character and mean other things

RANKS = {"exact": 0, "synonym": 1, "qualified": 2, "close": 3, "link": 4}


def normalise_name(name: str) -> str:
    """One spelling for a column name: ``“ 政务公开专栏 ”`` -> ``政务公开``, ``工作动态(12)`` -> ``工作动态``."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _COUNTER.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC").lower()
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) >= len(suffix) + 2:
            return text[: -len(suffix)]
    return text


def _local_prefix(prefix: str, place: str) -> bool:
    """示范镇, 本, 全镇 — or a part of the site's own name (宜春 of 中国宜春)."""
    if len(prefix) > MAX_PREFIX:
        return False
    if prefix.endswith(_LOCAL_PREFIX_END):
        return True
    return len(prefix) >= 2 and prefix in place and prefix not in _GENERIC_PREFIXES


def _qualified(key: str, wanted: str, place: str = "") -> bool:
    """``key`` is ``wanted`` with a local prefix and/or a harmless suffix."""
    at = key.find(wanted)
    if at < 0 or len(wanted) < 2:
        return False
    prefix, suffix = key[:at], key[at + len(wanted):]
    if suffix and suffix not in _HARMLESS_SUFFIXES:
        return False
    if prefix and not _local_prefix(prefix, place):
        return False
    return bool(prefix or suffix)


def _close(key: str, norm: str) -> bool:
    if min(len(key), len(norm)) < CLOSE_MIN_LEN or key in norm or norm in key:
        return False  # containment is a different column unless _qualified says otherwise
    return difflib.SequenceMatcher(None, key, norm).ratio() >= CLOSE_RATIO


def match_name(shown: str, names: Iterable[str], place: str = "") -> tuple[str, str] | None:
    """How the site's column name ``shown`` matches the first of ``names`` (canonical first,
    then synonyms): ``(how, matched name)`` with how in exact/synonym/qualified/close, or None.
    ``place`` is the site's name: a prefix taken from it qualifies a name (宜春概况)."""
    key = normalise_name(shown)
    if not key:
        return None
    place = normalise_name(place)
    wanted = [(name, normalise_name(name)) for name in names]
    for n, (name, norm) in enumerate(wanted):
        if key == norm:
            return ("exact" if n == 0 else "synonym"), name
    for name, norm in wanted:
        if _qualified(key, norm, place):
            return "qualified", name
    for name, norm in wanted:
        if _close(key, norm):
            return "close", name
    return None


def site_name(site: Snapshot) -> str:
    home = site.home
    return (home.meta.get("SiteName") or home.title) if home is not None else ""


@dataclass(frozen=True)
class SiteColumn:
    """A column as the site shows it in its navigation."""

    name: str
    url: str | None
    path: tuple[str, ...]  # menu names from the top, ending with ``name``
    level: int  # 1: homepage navigation (drop-downs included); 2: navigation of a column page linked from it
    has_children: bool = False
    node: NavNode | None = field(default=None, compare=False, repr=False)  # None for a homepage link


@dataclass(frozen=True)
class ColumnMatch:
    """A profile column found on the site."""

    spec: ColumnSpec
    column: SiteColumn
    how: str  # exact, synonym, qualified, close, link
    matched_name: str  # the profile name (canonical or synonym) that matched

    @property
    def url(self) -> str | None:
        return self.column.url

    @property
    def path(self) -> tuple[str, ...]:
        return self.column.path

    @property
    def node(self) -> NavNode | None:
        return self.column.node


def _key(site: Snapshot, url: str) -> str:
    page = site.page_at(url)
    return page.final_url if page is not None else url


def site_columns(site: Snapshot, aliases: bool = False) -> list[SiteColumn]:
    """Every column reachable from the homepage navigation, one per target page, level 1 first.

    Level 2 columns come from the navigation (menu, sidebar) of pages that the homepage
    menu links to: a homepage item 政府信息公开 whose page lists 政策文件 in its sidebar
    makes 政策文件 reachable.

    Two menu items may lead to one page (乡镇概况 and 机构职能 both to ``/gk.html``). Checks that
    judge a column's page want it once (``aliases=False``: the first name); looking a column
    up by name wants every name (``aliases=True``), or the second name would be reported missing.
    """
    home = site.home
    if home is None:
        return []
    home_keys = {home.url, home.final_url}
    out: list[SiteColumn] = []
    seen: dict[object, int] = {}  # key -> index in out

    def add(path: tuple[str, ...], node: NavNode, level: int) -> None:
        page_key = _key(site, node.url) if node.url else path
        if page_key in home_keys:
            return
        key = (page_key, normalise_name(node.name)) if aliases else page_key
        column = SiteColumn(node.name, node.url, path, level, bool(node.children), node)
        at = seen.get(key)
        if at is None:
            seen[key] = len(out)
            out.append(column)
        elif _heading_of(out[at], column):
            # 政务公开 › 政策文件, the heading linking to its first column's page: the page is
            # that column (a policy list, not a "政务公开" list).
            out[at] = column

    top = [pair for root in home.nav for pair in root.walk()]
    for path, node in top:
        add(path, node, 1)
    visited: set[str] = set()
    for path, node in top:
        page = site.page_at(node.url) if node.url else None
        if page is None or page is home or page.final_url in visited:
            continue
        visited.add(page.final_url)
        for root in page.nav:
            for sub_path, sub in root.walk():
                add(path + (sub_path if sub_path[0] != path[-1] else sub_path[1:]), sub, 2)
    return out


def _heading_of(first: SiteColumn, other: SiteColumn) -> bool:
    """``first`` is a menu heading and ``other`` one of its own entries (same page)."""
    return (first.has_children and not other.has_children and first.level == other.level
            and other.path[:len(first.path)] == first.path and len(other.path) > len(first.path))


def nav_size(site: Snapshot) -> int:
    home = site.home
    return sum(1 for root in (home.nav if home else []) for _ in root.walk())


def find_column(site: Snapshot, spec: ColumnSpec, columns: list[SiteColumn] | None = None) -> ColumnMatch | None:
    """The best site column for a profile column, or None when it is not reachable.

    Navigation columns are preferred (better match first, then homepage menu before
    sidebars, then columns with a page). A homepage link whose text names the column
    exactly (“更多” boxes, 专题 tiles) is accepted last, so that a column shown on the
    homepage but not in its menu is never reported missing.
    """
    columns = site_columns(site) if columns is None else columns
    place = site_name(site)
    best: tuple[tuple[int, int, int, int], ColumnMatch] | None = None
    for column in columns:
        hit = match_name(column.name, spec.names, place)
        if hit is None:
            continue
        rank = (RANKS[hit[0]], column.level, column.url is None, len(column.path))
        if best is None or rank < best[0]:
            best = rank, ColumnMatch(spec, column, hit[0], hit[1])
    if best is not None:
        return best[1]
    home = site.home
    for link in home.links if home else []:
        if link.kind != "page" or not link.text:
            continue
        hit = match_name(link.text, spec.names, place)
        if hit is not None and hit[0] != "close":
            return ColumnMatch(spec, SiteColumn(link.text, link.url, ("首页", link.text), 1), "link", hit[1])
    return None


def match_profile(name: str, profile: Profile, place: str = "") -> tuple[ColumnSpec, str] | None:
    """The profile column a site column name stands for (best match over all columns), with how."""
    best: tuple[int, ColumnSpec, str] | None = None
    for spec in profile.columns:
        hit = match_name(name, spec.names, place)
        if hit is not None and (best is None or RANKS[hit[0]] < best[0]):
            best = RANKS[hit[0]], spec, hit[0]
    return (best[1], best[2]) if best else None


def column_type(name: str, profile: Profile, place: str = "") -> str | None:
    """news/notice/plan/static from the profile (when the column is one of its columns) or
    from the keyword classifier; None when nothing says (such columns are not judged)."""
    found = match_profile(name, profile, place)
    if found is not None:
        return found[0].type
    return profile.classify(name)


def is_interpretation_column(name: str, profile: Profile) -> bool:
    key = normalise_name(name)
    return any(word in key for word in profile.interpretation_columns)


def is_policy_column(name: str, profile: Profile) -> bool:
    """A policy-document column (政策文件, 规范性文件, 法规文件 ...), never an interpretation one."""
    if is_interpretation_column(name, profile):
        return False
    key = normalise_name(name)
    if any(word in key for word in profile.policy_columns):
        return True
    found = match_profile(name, profile)
    return found is not None and found[1] != "close" and any(
        word in found[0].name for word in profile.policy_columns)


def column_pages(site: Snapshot, url: str | None) -> list[Page]:
    """A column's list pages: the first, every pagination page, and the same for a list
    shown in a frame (older CMSs put the list in ``<iframe src="list.jsp">``)."""
    if not url:
        return []
    pages = site.list_pages(url)
    seen = {p.url for p in pages}
    for frame in [link.url for p in pages[:1] for link in p.links if link.kind == "frame"]:
        for page in site.list_pages(frame):
            if page.url not in seen:
                seen.add(page.url)
                pages.append(page)
    return pages


def framed_but_unseen(site: Snapshot, page: Page) -> bool:
    """The page shows its content in a frame that was not crawled: nothing can be judged."""
    return any(link.kind == "frame" and site.page_at(link.url) is None for link in page.links)


def column_items(site: Snapshot, url: str | None) -> Iterator[tuple[Page, ListItem]]:
    """Every main-list item of a column, first page, all pagination pages, framed lists."""
    for page in column_pages(site, url):
        for item in page.list_items:
            yield page, item


NEEDS_RENDER = ("needs_render_but_off:", "needs_render_no_browser:", "render_failed:")


def unreadable(page: Page) -> bool:
    """The page needed a browser to show its content and did not get one: judge nothing on it."""
    return not page.rendered and page.render_reason.startswith(NEEDS_RENDER)


def nav_blind(site: Snapshot, min_nav: int) -> str:
    """Why the homepage navigation could not be read (so no column can be looked for), or ""."""
    home = site.home
    if home is None:
        return ""
    status = getattr(home, "nav_status", "ok")
    # a failed render keeps only the failure, and the homepage is rendered only for its menu or links
    if status == "script" or (unreadable(home) and ("nav" in home.render_reason
                                                   or home.render_reason.startswith("render_failed:"))):
        how = "浏览器不可用" if "no_browser" in home.render_reason else (
            "渲染失败" if home.render_reason.startswith("render_failed:") else "本次未渲染")
        return f"首页导航由脚本生成，{how}，无法查找栏目"
    size = nav_size(site)
    if status == "not_found" or size < min_nav:
        return f"首页未识别到导航菜单（仅 {size} 个栏目链接），无法查找栏目"
    return ""


def crawl_cut_short(site: Snapshot) -> str:
    """Why the crawl may not have reached every column page, or "" when it ran to the end."""
    if site.stats.get("max_pages_reached"):
        return "抓取达到页面数上限（--max-pages）后停止"
    if site.stats.get("cut_short") or not site.complete:
        return "抓取中途停止"
    return ""


def unseen_sections(site: Snapshot) -> list[str]:
    """Homepage menu columns whose page (and so its sidebar of sub-columns) was not seen:
    not crawled because the crawl stopped early, or built by script, not rendered and
    showing no navigation of its own (a page whose list alone is script-built still shows
    its sidebar)."""
    home = site.home
    cut = bool(crawl_cut_short(site))
    def host_of(url: str) -> str:
        return (urlsplit(url).hostname or "").removeprefix("www.")

    host = host_of(home.final_url) if home else None
    out = []
    for root in home.nav if home else []:
        for _, node in root.walk():
            page = site.page_at(node.url) if node.url else None
            blank = page is not None and page is not home and unreadable(page) and not page.nav
            not_reached = page is None and cut and bool(node.url) and host_of(node.url) == host
            if not_reached or blank:
                out.append(node.name)
    return out


# -- how a column finding's evidence is shown (notice, follow-up) ----------------------------

COLUMN_TYPE_TEXT = {"news": "动态类（14 天内应更新）", "notice": "通知公告、政策文件类（180 天内应更新）",
                    "plan": "人事、规划、财政类（一年内应更新）", "static": "概况类"}


def column_evidence_lines(finding: Mapping[str, Any], *, with_column: bool = True) -> list[tuple[str, str]]:
    """The facts of a column finding (missing, blank, stale column; stale homepage) an
    inspector quotes, as ``(label, value)`` pairs; facts an older run named differently too."""
    from portalwatch.checks.base import add_line, first_of

    ev = finding.get("evidence") or {}
    lines: list[tuple[str, str]] = []
    add_line(lines, "栏目", finding.get("column") if with_column else None)
    add_line(lines, "栏目位置", " › ".join(ev["path"]) if len(ev.get("path") or []) > 1 else None)
    add_line(lines, "栏目类型", COLUMN_TYPE_TEXT.get(ev.get("column_type"), None))
    add_line(lines, "可用名称", first_of(ev, "names_tried", "synonyms"))
    add_line(lines, "页面显示", ev.get("placeholder"))
    add_line(lines, "最新信息", first_of(ev, "newest_title", "latest_title"))
    add_line(lines, "最新信息日期", first_of(ev, "newest_date", "latest", "latest_date"))
    add_line(lines, "最新信息地址", ev.get("newest_url") if ev.get("newest_url") != finding.get("url") else None)
    add_line(lines, "更新时限", first_of(ev, "max_age_days", "threshold_days"), " 天")
    add_line(lines, "已有", ev.get("age_days"), " 天未更新")
    return lines
