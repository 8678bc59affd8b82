"""missing_annual_report: last year's 政府信息公开工作年度报告 is not published by 31 January."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.checks.columns import crawl_cut_short, unreadable
from portalwatch.checks.service_guide_incomplete import judged_pages
from portalwatch.crawler.snapshot import Page, Snapshot

DUE = "01-31"  # 条例 Art. 49: by 31 January; setting PORTALWATCH_ANNUAL_REPORT_DUE (MM-DD)
_CN_DIGITS = str.maketrans("〇○零Ｏ一二三四五六七八九", "0000123456789")
_CN_YEAR = re.compile(r"[〇○零Ｏ一二三四五六七八九]{4}")
_REPORT = re.compile(r"年度报告|年报|工作报告")  # 2025年度政府信息公开工作报告 is one too
_OPEN = re.compile(r"信息公开|政务公开")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*年?")
_COLUMN_WORDS = re.compile(r"年度报告|年报")
_ABOUT = re.compile(r"通知|编制|报送|做好|关于")  # 关于做好年度报告编制工作的通知 is about a report, not one


def arabic_years(text: str) -> str:
    """二〇二五年 -> 2025年 (four Chinese numerals in a row are a year)."""
    return _CN_YEAR.sub(lambda m: m.group().translate(_CN_DIGITS), text) if _CN_YEAR.search(text) else text


def required_year(as_of: dt.date, due: str = DUE) -> tuple[int, dt.date]:
    """The report year that must be out on ``as_of`` and its due date: after the due day of year Y
    the report for Y-1, before (and on) it the report for Y-2."""
    month, day = (int(x) for x in due.split("-"))
    deadline = dt.date(as_of.year, month, day)
    if as_of > deadline:
        return as_of.year - 1, deadline
    return as_of.year - 2, deadline.replace(year=as_of.year - 1)


@dataclass
class Seen:
    text: str
    url: str | None
    where: str  # page URL where the text was seen
    years: tuple[int, ...]
    date: dt.date | None = None


def _is_report_text(text: str, in_report_column: bool) -> bool:
    if in_report_column:  # any entry of a 年报 column ("2025年", "2025年度") is a report
        return bool(text.strip())
    return bool(_REPORT.search(text)) and bool(_OPEN.search(text))


def _is_report_column(page: Page) -> bool:
    names = [page.column_name, page.title.split("_")[0], *(page.breadcrumb[-1:])]
    # a page named 年报 without a year is the column, whether or not its list could be read; an
    # article of its own (a date, no list) is a report or a notice in it
    return any(_COLUMN_WORDS.search(n or "") and not _YEAR.search(arabic_years(n or "")) for n in names) and \
        not (page.pub_date is not None and not page.list_items)


class MissingAnnualReport(Check):
    """检查内容：先按检查基准日确定应已发布哪一年的政府信息公开工作年度报告——第 Y 年 1 月 31 日以后应有
    第 Y-1 年的报告，1 月 31 日及以前应有第 Y-2 年的报告——再在全站的页面标题、链接文字和列表条目中查找：
    写明政府信息公开（或政务公开）年度报告、年报的，或年报栏目中的任何条目，年份写作阿拉伯数字或汉字
    （2025年、二〇二五年）都可以。标题未写年份的报告，在报告年度的次年发布的，或其链接打开的页面写明了
    年份的，也算。找不到应发布的报告时报告网站（严重），并列出已看到的报告。

    依据：《中华人民共和国政府信息公开条例》第四十九条要求各行政机关每年 1 月 31 日前公布本机关上一年度
    政府信息公开工作年度报告。截止日期是 PORTALWATCH_ANNUAL_REPORT_DUE 设置（月-日，默认 01-31）；扣 2 分。

    不会指控：“关于做好政府信息公开工作年度报告编制工作的通知”之类说的是报告而不是报告本身，不作为
    报告，也不据此指控。

    待人工核实（不算通过）：年报栏目的列表未能读取（只读取了部分、由脚本生成未渲染、链接了但未抓取或
    在本站以外）；抓取没有到达本站的政府信息公开专栏（乡镇常在上级政府的信息公开平台发布）；抓取提前
    结束、未找到年报栏目。

    示例：以 2026-11-20 为基准日，最新的报告是“示范镇2024年政府信息公开工作年度报告”，未发布 2025 年的报告。
    """

    id = "missing_annual_report"
    severity = "major"
    title = "未按时发布政府信息公开年度报告"
    guidance = ("请按照《中华人民共和国政府信息公开条例》第四十九条，于每年1月31日前在政府信息公开专栏发布"
                "上一年度政府信息公开工作年度报告。")
    undecided_label = "政府信息公开年度报告是否按时发布"
    message = "未找到 {year} 年政府信息公开工作年度报告（应于 {due} 前发布）{seen}，请及时发布。"
    score_defaults: Mapping[str, Any] = {"missing_annual_report": 2.0}

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        home = site.home
        if home is None or site.unreachable:
            return
        due = str(ctx.settings.get("PORTALWATCH_ANNUAL_REPORT_DUE", DUE))
        year, deadline = required_year(ctx.as_of, due)
        pages = list(judged_pages(site))
        columns = [p for p in pages if _is_report_column(p)]
        column_urls = {u for c in columns for p in site.list_pages(c.url) or [c] for u in (p.url, p.final_url)}
        seen = self._seen(site, pages, column_urls)
        if any(year in s.years or (not s.years and s.date and s.date.year == year + 1) for s in seen):
            return
        blind = self._blind(site, pages, columns)
        if blind:
            self.undecide(f"{blind}，{year} 年政府信息公开工作年度报告是否已发布请人工核实",
                          url=columns[0].url if columns else home.url)
            return
        cut = crawl_cut_short(site)
        has_open = any(_OPEN.search(" ".join([p.title, p.column_name, *p.breadcrumb])) for p in pages)
        if not columns and (cut or not has_open):
            why = f"{cut}，" if cut else ""
            self.undecide(f"{why}未在本站找到政府信息公开年报栏目"
                          f"{'' if has_open else '或政府信息公开专栏（可能发布在上级政府信息公开平台）'}，"
                          f"{year} 年政府信息公开工作年度报告是否已发布请人工核实", url=home.url)
            return
        years = sorted({y for s in seen for y in s.years}, reverse=True)
        shown = f"（已发布的年度报告最新为 {years[0]} 年）" if years else ""
        column = columns[0] if columns else None
        evidence = {"required_year": year, "due": deadline.isoformat(), "as_of": ctx.as_of.isoformat(),
                    "reports_seen": [{"title": s.text, "url": s.url, "years": list(s.years)}
                                     for s in seen if s.years][:10],
                    "report_column": column.url if column else None, "pages_searched": len(pages)}
        yield self.finding(url=column.url if column else home.url, evidence=evidence,
                           column=(column.column_name or column.title.split("_")[0]) if column else None,
                           year=year, due=f"{deadline.year}年{deadline.month}月{deadline.day}日", seen=shown)

    def _seen(self, site: Snapshot, pages: list[Page], column_urls: set[str]) -> list[Seen]:
        out: dict[tuple[str, str | None], Seen] = {}

        def add(text: str, url: str | None, where: str, in_column: bool, target: Page | None = None,
                date: dt.date | None = None) -> None:
            text = arabic_years(text or "")
            if not _is_report_text(text, in_column):
                return
            years = tuple(sorted({int(y) for y in _YEAR.findall(text)}))
            if not years and target is not None:  # a bare 年度报告 link: the page it opens names the year
                shown = arabic_years(target.meta.get("ArticleTitle") or target.title)
                years = tuple(sorted({int(y) for y in _YEAR.findall(shown)}))
                date = date or target.pub_date
            if not years and _ABOUT.search(text):
                return
            out.setdefault((text, url), Seen(text, url, where, years, date))

        for page in pages:
            in_column = page.url in column_urls or page.final_url in column_urls
            for item in page.list_items + page.other_items:
                target = site.page_at(item.url) if item.url else None
                add(item.title, item.url, page.url, in_column, target, item.date)
            for link in page.links:
                if link.kind in ("page", "attachment") and link.text:
                    target = site.page_at(link.url)
                    add(link.text, link.url, page.url, False, target)
            title = page.meta.get("ArticleTitle") or page.title.split("_")[0]
            crumb_column = any(_COLUMN_WORDS.search(b) for b in page.breadcrumb[-2:-1])
            if not page.list_items:
                add(title, page.url, page.url, crumb_column, None, page.pub_date)
        return list(out.values())

    def _blind(self, site: Snapshot, pages: list[Page], columns: list[Page]) -> str:
        """Why a 年报 column could not be read, or ""."""
        for page in columns:
            if page.list_partial:
                return f"年报栏目“{page.title.split('_')[0]}”的列表只读取了一部分（{page.url}）"
            if unreadable(page) or (not page.list_items and not page.placeholder):
                return f"年报栏目“{page.title.split('_')[0]}”的列表由脚本生成，未能读取（{page.url}）"
        home = site.home
        for page in pages:
            for link in page.links:
                text = arabic_years(link.text or "")
                if link.kind != "page" or not _COLUMN_WORDS.search(text) or _YEAR.search(text):
                    continue
                if not (_OPEN.search(text) or text.strip() in ("年报", "年度报告", "年度报告专栏")):
                    continue
                if site.page_at(link.url) is None:
                    where = "不在本次抓取范围" if home is not None and link.url.split("/")[2:3] != \
                        home.final_url.split("/")[2:3] else "未被抓取"
                    return f"年报栏目“{link.text}”（{link.url}）{where}"
        return ""

    @classmethod
    def key(cls, finding: Mapping[str, Any]) -> tuple[str, ...]:
        ev = finding.get("evidence") or {}
        return (str(finding["check"]), str(ev.get("required_year") or finding.get("url") or ""))

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        ev = finding.get("evidence") or {}
        out = [("应发布", f"{ev.get('required_year', '')} 年政府信息公开工作年度报告"),
               ("截止日期", str(ev.get("due", ""))), ("检查日期", str(ev.get("as_of", "")))]
        if ev.get("report_column"):
            out.append(("年报栏目", str(ev["report_column"])))
        for seen in ev.get("reports_seen", [])[:3]:
            out.append(("已见报告", f"{seen.get('title', '')} {seen.get('url') or ''}".strip()))
        return out
