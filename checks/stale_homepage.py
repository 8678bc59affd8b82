"""stale_homepage: nothing on the homepage is newer than 14 days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding, ScoreSettings
from portalwatch.checks.columns import column_evidence_lines
from portalwatch.crawler.snapshot import Snapshot

MAX_AGE_DAYS = 14  # 国办秘函〔2019〕19号: 首页 2 周无更新 (single veto); setting PORTALWATCH_HOMEPAGE_MAX_AGE


@dataclass(frozen=True)
class Dated:
    """A dated thing on (or behind) the homepage."""

    date: dt.date
    title: str
    url: str | None
    source: str  # list, article or second_level: see homepage_dates


def homepage_dates(site: Snapshot) -> list[Dated]:
    """The dates of what the homepage shows, from the most direct evidence to the least.

    1. Its list entries: the date printed beside each, or for an undated entry the
       publication date of the crawled article it links to.
    2. Only when no list entry has a date (a slider, a headline, a bare link box): the
       publication dates of the crawled article pages the homepage links to outside its
       menus. Not otherwise, because a homepage that shows old news while linking a
       service guide edited yesterday has not been updated.
    3. Only when the homepage shows no date at all (a navigation page, which the
       indicators judge by its second-level pages): the list entries of the column pages
       its menus link to.
    """
    home = site.home
    if home is None:
        return []
    out: list[Dated] = []
    for item in home.list_items + home.other_items:
        article = site.page_at(item.url) if item.url and not item.date else None
        if item.date:
            out.append(Dated(item.date, item.title, item.url, "list"))
        elif article is not None and article.pub_date and not article.list_items:
            out.append(Dated(article.pub_date, item.title, article.url, "article"))
    if out:
        return out
    seen = {home.url, home.final_url}
    for link in home.links:
        if link.nav or link.kind != "page" or link.url in seen:
            continue
        seen.add(link.url)
        page = site.page_at(link.url)
        if page is None or page.pub_date is None or page.list_items:  # a list page is a column, not news
            continue
        out.append(Dated(page.pub_date, page.meta.get("ArticleTitle") or page.title or link.text, page.url, "article"))
    if out:
        return out
    for link in home.links:
        page = site.page_at(link.url) if link.nav else None
        if page is None or page is home:
            continue
        out.extend(Dated(i.date, i.title, i.url, "second_level") for i in page.list_items if i.date)
    return out


def newest(dates: list[Dated]) -> Dated | None:
    return max(dates, key=lambda d: d.date) if dates else None


def homepage_max_age(ctx: Context) -> int:
    value = ctx.settings.get("PORTALWATCH_HOMEPAGE_MAX_AGE", MAX_AGE_DAYS)
    return int(value)


class StaleHomepage(Check):
    """检查内容：找出首页显示的最新日期——首页各列表（要闻、通知公告……）的日期；列表中没有
    日期的条目，取其文章的发布日期；首页没有带日期的列表时，取首页所链接文章的日期——在检查
    基准日，连最新的一条也已满 14 天时，报告首页不更新。只有导航作用的首页，按国家指标的
    说法，以其菜单所指栏目页的列表判断。

    依据：首页不更新——首页两周内没有新信息——是 2019 年国家检查指标的单项否决项：无论
    网站其他方面做得多好，都判为不合格。首页已 10 天未更新时给出预警。

    首页上完全找不到日期时，摘要中说明无法判断，不报告该网站。

    示例：以 2026-11-20 为基准日，首页最新一条信息发布于 2026-10-31（已 20 天）。
    """

    id = "stale_homepage"
    severity = "veto"
    title = "首页不更新"
    guidance = "及时在首页发布本单位新的政务信息，确保首页两周内有更新。"
    score_defaults = {"warn_homepage_idle_days": 10}
    message = "网站首页已 {age} 天未更新（最新信息“{title}”发布于 {date}），首页应在 {limit} 天内更新，请及时发布新信息。"

    @classmethod
    def warnings(cls, findings: list[Finding], site: Snapshot | None, ctx: Context,
                 s: ScoreSettings) -> list[str]:
        if site is None or site.home is None or site.unreachable:
            return []
        latest = newest(homepage_dates(site))
        limit = homepage_max_age(ctx)
        if latest is not None:
            age = (ctx.as_of - latest.date).days
            if s["warn_homepage_idle_days"] <= age < limit:
                return [f"首页已 {age} 天未更新（最新信息发布于 {latest.date.isoformat()}），满 {limit} 天将被单项否决。"]
        return []

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        return column_evidence_lines(finding, with_column=False)

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        home = site.home
        if home is None or site.unreachable:
            return
        dates = homepage_dates(site)
        latest = newest(dates)
        if latest is None:
            self.note("首页及其链接的文章中未找到任何发布日期，无法判断首页是否及时更新，请人工核实。")
            return
        limit = homepage_max_age(ctx)
        age = (ctx.as_of - latest.date).days
        if age < limit:
            return
        evidence = {"newest_date": latest.date.isoformat(), "newest_title": latest.title, "newest_url": latest.url,
                    "age_days": age, "max_age_days": limit, "dates_seen": len(dates), "basis": latest.source}
        yield self.finding(url=home.url, evidence=evidence, age=age, title=latest.title,
                           date=latest.date.isoformat(), limit=limit)
