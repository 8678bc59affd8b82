"""empty_column: a column page lists no items, or only a placeholder such as 暂无信息."""

from __future__ import annotations

from typing import Iterator

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.checks.columns import column_pages, crawl_cut_short, framed_but_unseen, site_columns, unreadable
from portalwatch.crawler.snapshot import Snapshot

MIN_TEXT = 10  # visible main-content characters under which a list-less page shows nothing
MAX_TEXT = 200  # with more main-content text than this a page has content, whatever says 暂无 in it


class EmptyColumn(Check):
    """What it does: opens every column page reachable from the homepage navigation and
    reports the column as blank (空白栏目) when its list — first page and every pagination
    page — holds no item and the main content shows only a placeholder (暂无信息, 暂无数据,
    该栏目暂无内容, 栏目正在建设中 …) or nothing at all.

    Why it matters: five blank columns are a single-veto item of the 2019 national
    indicators; local rules name 空栏 beside dead links and stale content as the faults to
    avoid.

    A column whose own list is empty beside a populated sidebar (最新动态 on every page)
    is blank too: the crawler tells the sidebar's list from the column's (``empty_list``).

    Not reported: a column with items, even when a sidebar or footer says 暂无 (only a
    placeholder in the main content counts, and items always win); a column page that is
    a single article with text (乡镇概况 is often one page); a menu heading whose page only
    leads to its sub-columns. Undecided (待人工核实, never passed): a page that needed a
    browser and was not rendered, a list read only in part, a column page the crawl did
    not reach before it stopped.

    Example: 意见征集 — ``/zwgk/yjzj/index.html`` shows only 暂无信息.
    """

    id = "empty_column"
    severity = "major"
    message = "栏目“{name}”没有任何信息（{shown}），属于空白栏目，请补充内容或撤销该栏目。"

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        min_text = int(ctx.settings.get("PORTALWATCH_EMPTY_MIN_TEXT", MIN_TEXT))
        max_text = int(ctx.settings.get("PORTALWATCH_EMPTY_MAX_TEXT", MAX_TEXT))
        cut = crawl_cut_short(site)
        for column in site_columns(site):
            page = site.page_at(column.url) if column.url else None
            if page is None and column.url and cut and not column.has_children:
                self.undecide(f"栏目“{column.name}”的页面未抓取（{cut}），无法判断是否为空白栏目。",
                              column=column.name, url=column.url)
                continue
            if page is None or page.status >= 400 or page.soft404 or site.home is page:
                continue
            pages = column_pages(site, page.url)
            if any(p.list_items for p in pages) or framed_but_unseen(site, page):
                continue
            if (unreadable(page) and not column.has_children) or any(getattr(p, "list_partial", False) for p in pages):
                why = "列表只读取到一部分" if not unreadable(page) else "页面需要浏览器渲染才能显示内容，本次未能渲染"
                self.undecide(f"栏目“{column.name}”{why}，无法判断是否为空白栏目。", column=column.name, url=page.url)
                continue
            placeholder = next((p.placeholder for p in pages if p.placeholder), "")
            empty_list = next((p.empty_list for p in pages if p.empty_list), "")
            if placeholder and not empty_list and page.text_length > max_text:
                continue  # an article that says 暂无附件 somewhere: it has content
            if not (placeholder or empty_list):
                if column.has_children or any(p.other_items or p.text_length >= min_text for p in pages):
                    continue  # a menu heading, or an article page: not a list that is empty
            evidence = {"placeholder": placeholder or None, "empty_list": empty_list or None, "page": page.url,
                        "pages_seen": len(pages), "text_length": page.text_length, "level": column.level,
                        "path": list(column.path)}
            shown = f"页面只显示“{placeholder}”" if placeholder else (
                "栏目列表为空，页面上只有其他板块的信息" if empty_list else "页面没有列出任何信息")
            yield self.finding(url=page.url, column=column.name, evidence=evidence, name=column.name, shown=shown)
