"""stale_homepage: nothing on the homepage is newer than 14 days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

from portalwatch.checks.base import Check, Context, Finding
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
    """What it does: finds the newest date the homepage shows — the dates of its lists
    (要闻, 通知公告 ...), for undated entries the publication dates of their articles, and
    for a homepage without dated lists the dates of the articles it links to — and
    reports the homepage as not updated when even the newest one is 14 days old or older
    on the as-of date. A homepage that is only a navigation page is judged by the lists
    of the column pages its menu links to, as the indicators say.

    Why it matters: 首页不更新 — no new information on the homepage for two weeks — is a
    single-veto item (单项否决) of the 2019 national indicators: the site fails whatever
    else it does well.

    When the homepage shows no dates at all, the check says that it cannot judge (a note
    in the summary) instead of reporting the site.

    Example: as of 2026-11-20 the newest homepage item is dated 2026-10-31 (20 days).
    """

    id = "stale_homepage"
    severity = "veto"
    message = "网站首页已 {age} 天未更新（最新信息“{title}”发布于 {date}），首页应在 {limit} 天内更新，请及时发布新信息。"

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
