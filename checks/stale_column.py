"""stale_column: the newest item of a column is older than its column type allows."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.checks.columns import (
    column_pages, column_type, framed_but_unseen, site_columns, site_name, unreadable,
)
from portalwatch.checks.profiles import TYPE_LABELS, profile_of
from portalwatch.crawler.snapshot import ListItem, Page, Snapshot


class StaleColumn(Check):
    """What it does: for every column reachable from the homepage navigation whose type is
    known — from the profile (工作动态 is ``news``) or from its name (…动态/要闻 news,
    通知/公告/政策/文件 notice, 人事/规划/财政 plan, 概况/职能/领导 static) — takes the newest
    date of its list (all pagination pages), or, when the list shows no dates, the
    publication dates of the crawled articles it links to, and reports the column when
    that date is older than the type allows on the as-of date: news 14 days, notice 180,
    plan 365, static never (settings ``max_age_days`` of the profile). A column may reach
    its limit: a news item exactly 14 days old is still on time.

    Why it matters: 栏目不更新 is a single-veto item of the 2019 national indicators (5
    stale news/notice columns, or 10 stale columns of any kind) and a deduction below that.

    A column whose items carry no date at all is not accused: the summary says that it
    could not be judged. Columns of unknown type (互动交流, 专题专栏 …) are not judged. A
    column whose page needed a browser and was not rendered, or whose list sits in a frame
    that was not crawled, is undecided (待人工核实), never passed.

    Example: 部门动态 (news) — newest item 2026-10-11, 40 days before 2026-11-20.
    """

    id = "stale_column"
    severity = "major"
    message = "栏目“{name}”已 {age} 天未更新（最新信息发布于 {date}），超过{label}栏目 {limit} 天的更新要求，请及时更新。"

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        profile = profile_of(ctx)
        place = site_name(site)
        for column in site_columns(site):
            column_kind = column_type(column.name, profile, place)
            limit = profile.max_age(column_kind)
            page = site.page_at(column.url) if column.url else None
            if limit is None or page is None or page.status >= 400 or page.soft404:
                continue
            if unreadable(page) or framed_but_unseen(site, page):
                self.undecide(f"栏目“{column.name}”的内容需要浏览器渲染或位于未抓取的框架页中，无法判断是否更新。",
                              column=column.name, url=page.url)
                continue
            pages = column_pages(site, column.url)
            items = [item for p in pages for item in p.list_items]
            dated = _dates(site, page, items)
            if not dated:
                if items:
                    self.note(f"栏目“{column.name}”的信息没有发布日期，无法判断是否及时更新，请人工核实。")
                continue
            date, title, url, source = max(dated, key=lambda d: d[0])
            age = (ctx.as_of - date).days
            if age <= limit:
                continue
            if dated[0][0] < dated[-1][0] and any(site.page_at(u) is None for p in pages for u in p.pagination):
                self.note(f"栏目“{column.name}”按时间正序排列且分页未抓取完整，看不到最新信息，无法判断是否更新。")
                continue
            evidence = {"newest_date": date.isoformat(), "newest_title": title, "newest_url": url,
                        "date_source": source, "age_days": age, "max_age_days": limit, "column_type": column_kind,
                        "level": column.level, "path": list(column.path), "items_seen": len(items)}
            yield self.finding(url=page.url, column=column.name, evidence=evidence, name=column.name, age=age,
                               date=date.isoformat(), label=TYPE_LABELS[column_kind], limit=limit)


def _dates(site: Snapshot, page: Page, items: list[ListItem]) -> list[tuple[dt.date, str, str | None, str]]:
    """``(date, title, url, source)`` in list order: the dates the list shows; when it shows
    none, the crawled articles' publication dates; for a column that is one article, its own."""
    dated = [(item.date, item.title, item.url, "list") for item in items if item.date]
    if not dated:
        for item in items:
            article = site.page_at(item.url) if item.url else None
            if article is not None and article.pub_date:
                dated.append((article.pub_date, item.title, article.url, "article"))
    if not items and page.pub_date:
        dated.append((page.pub_date, page.meta.get("ArticleTitle") or page.title, page.url, "article"))
    return dated
