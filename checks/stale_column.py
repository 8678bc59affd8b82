"""stale_column: the newest item of a column is older than its column type allows."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding, ScoreSettings, finding_names
from portalwatch.checks.columns import (
    column_evidence_lines, column_pages, column_type, framed_but_unseen, site_columns, site_name, unreadable,
)
from portalwatch.checks.profiles import TYPE_LABELS, profile_of
from portalwatch.crawler.snapshot import ListItem, Page, Snapshot


class StaleColumn(Check):
    """检查内容：对首页导航能到达、类型已知的每一个栏目——类型来自栏目配置（工作动态为
    动态类），或来自栏目名称（……动态/要闻为动态类，通知/公告/政策/文件为通知公告类，
    人事/规划/财政为规划类，概况/职能/领导为概况类）——取栏目列表（所有分页）中最新的日期；
    列表不显示日期时，取它所链接、已抓取的文章的发布日期。在检查基准日，这个日期超过该类型
    允许的天数时报告：动态类 14 天，通知公告类 180 天，规划类 365 天，概况类不检查（栏目
    配置的 max_age_days 设置）。正好满期限的栏目仍算及时：14 天前的动态不报告。

    依据：栏目不更新是 2019 年国家检查指标的单项否决项（动态类、通知公告类栏目不更新达到
    5 个，或任何应更新的栏目不更新达到 10 个），未达否决线时扣分。

    信息全都没有日期的栏目不作指控：摘要中说明无法判断。类型未知的栏目（互动交流、专题
    专栏……）不检查。需要浏览器渲染而未渲染、或列表位于未抓取的框架页中的栏目，列为待人工
    核实，不判为合格。

    示例：部门动态（动态类）——最新一条发布于 2026-10-11，距 2026-11-20 已 40 天。
    """

    id = "stale_column"
    severity = "major"
    title = "栏目不更新"
    guidance = "及时更新栏目内容：动态类栏目两周内、通知公告和政策文件类栏目半年内、人事和规划类栏目一年内应有更新。"
    undecided_label = "栏目是否及时更新"
    score_defaults = {"stale_column_notice": 5.0, "stale_column": 2.0, "veto_stale_key_columns": 5,
                      "veto_stale_columns": 10, "warn_stale_columns": 6}
    message = "栏目“{name}”已 {age} 天未更新（最新信息发布于 {date}），超过{label}栏目 {limit} 天的更新要求，请及时更新。"

    @classmethod
    def deduction_group(cls, finding: Finding) -> str:
        return "notice" if finding.evidence.get("column_type") == "notice" else ""

    @classmethod
    def deduction_reason(cls, sub: str, count: int, each: float) -> str:
        if sub == "notice":
            return f"通知公告/政策文件类栏目不更新 {count} 个（每个扣 {each:g} 分）"
        return super().deduction_reason(sub, count, each)

    @classmethod
    def vetoes(cls, findings: list[Finding], s: ScoreSettings) -> list[str]:
        out = super().vetoes(findings, s)
        key = [f for f in findings if _is_key_stale(f)]
        if len(key) >= s["veto_stale_key_columns"]:
            out.append(f"栏目不更新（单项否决）：动态类栏目 2 周以上、一级通知公告/政策文件类栏目 6 个月以上未更新的共 "
                       f"{len(key)} 个（达到 {s['veto_stale_key_columns']:g} 个即否决）：{finding_names(key)}")
        if len(findings) >= s["veto_stale_columns"]:
            out.append(f"栏目不更新（单项否决）：应更新而未更新的栏目共 {len(findings)} 个"
                       f"（达到 {s['veto_stale_columns']:g} 个即否决）：{finding_names(findings)}")
        return out

    @classmethod
    def warnings(cls, findings: list[Finding], site: Snapshot | None, ctx: Context,
                 s: ScoreSettings) -> list[str]:
        if s["warn_stale_columns"] < len(findings) < s["veto_stale_columns"]:
            return [f"未按时更新的栏目已有 {len(findings)} 个，达到 {s['veto_stale_columns']:g} 个将被单项否决。"]
        return []

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        return column_evidence_lines(finding)

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


def _is_key_stale(f: Finding) -> bool:
    """News columns, and top-level notice/policy columns: the 5-column veto line counts these."""
    kind, level = f.evidence.get("column_type"), f.evidence.get("level", 1)
    return kind == "news" or (kind == "notice" and level == 1)
