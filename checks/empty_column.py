"""empty_column: a column page lists no items, or only a placeholder such as 暂无信息."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding, ScoreSettings, finding_names
from portalwatch.checks.columns import column_evidence_lines, column_pages, crawl_cut_short, framed_but_unseen, site_columns, unreadable
from portalwatch.crawler.snapshot import Snapshot

MIN_TEXT = 10  # visible main-content characters under which a list-less page shows nothing
MAX_TEXT = 200  # with more main-content text than this a page has content, whatever says 暂无 in it


class EmptyColumn(Check):
    """检查内容：打开首页导航能到达的每一个栏目页，栏目列表（首页及所有分页）一条信息也
    没有、正文只显示占位文字（暂无信息、暂无数据、该栏目暂无内容、栏目正在建设中……）或
    什么也不显示时，报告为空白栏目。

    依据：空白栏目达到 5 个是 2019 年国家检查指标的单项否决项；各地规定也把“空栏”与失效
    链接、内容不更新并列为应避免的问题。

    栏目自己的列表为空、旁边的侧栏（每页都有的“最新动态”）有信息时，仍是空白栏目：程序能
    区分侧栏列表和栏目列表。

    不报告：有信息的栏目，即使侧栏或页脚写着“暂无”（只看正文的占位文字，有信息即不空）；
    本身就是一篇有正文文章的栏目页（乡镇概况常常只有一页）；只通向下级栏目的菜单标题页。
    待人工核实（不判为合格）：需要浏览器渲染而未渲染的页面、只读取到部分的列表、抓取停止
    前未到达的栏目页。

    示例：意见征集——/zwgk/yjzj/index.html 只显示“暂无信息”。
    """

    id = "empty_column"
    severity = "major"
    title = "空白栏目"
    guidance = "充实栏目内容；确无内容可发布的栏目应予撤并，不得保留空白栏目。"
    undecided_label = "栏目是否空白"
    score_defaults = {"empty_column": 2.0, "veto_blank_columns": 5, "warn_blank_columns": 2}
    message = "栏目“{name}”没有任何信息（{shown}），属于空白栏目，请补充内容或撤销该栏目。"

    @classmethod
    def vetoes(cls, findings: list[Finding], s: ScoreSettings) -> list[str]:
        out = super().vetoes(findings, s)
        if len(findings) >= s["veto_blank_columns"]:
            out.append(f"空白栏目（单项否决）：空白栏目共 {len(findings)} 个（达到 {s['veto_blank_columns']:g} 个即否决）："
                       f"{finding_names(findings)}")
        return out

    @classmethod
    def warnings(cls, findings: list[Finding], site: Snapshot | None, ctx: Context,
                 s: ScoreSettings) -> list[str]:
        if s["warn_blank_columns"] < len(findings) < s["veto_blank_columns"]:
            return [f"空白栏目已有 {len(findings)} 个，达到 {s['veto_blank_columns']:g} 个将被单项否决。"]
        return []

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        return column_evidence_lines(finding)

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
