"""missing_interpretation: a policy document has no interpretation (解读) matched to it."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding, add_line, first_of
from portalwatch.checks.columns import (
    column_items, is_interpretation_column, is_policy_column, site_columns, site_name,
)
from portalwatch.checks.documents import (
    Document, Interpretation, Matcher, display_title, doc_numbers, interpretation_core, is_interpretation_title,
    is_own_document, page_links, page_urls, title_keys,
)
from portalwatch.checks.profiles import profile_of
from portalwatch.crawler.snapshot import Page, Snapshot

MIN_PAGE_TITLE = 8  # a shorter page title is a column name (政策文件及解读), not an interpretation's title


def _page_title(page: Page) -> str:
    """The article title: ``ArticleTitle``, else the first part of "文章标题_栏目_网站"."""
    return page.meta.get("ArticleTitle") or re.split(r"\s*[_|｜]\s*|\s+-\s+", page.title)[0]


def _interpretation(site: Snapshot, title: str, url: str | None) -> Interpretation:
    page = site.page_at(url) if url else None
    titles = [title] + ([_page_title(page)] if page is not None else [])
    interp = Interpretation(title, url, page)
    for text in titles:
        interp.keys |= title_keys(interpretation_core(text))
        interp.numbers += doc_numbers(text)
    if page is not None:
        interp.numbers += doc_numbers(" ".join([page.doc_number, *page.cited_doc_numbers]))
        interp.cited = {k for t in page.cited_titles for k in title_keys(t)}
    return interp


class MissingInterpretation(Check):
    """检查内容：收集政策文件类栏目（政策文件、规范性文件、法规文件……，按栏目配置或名称
    识别，包括所有分页）中带文号的文件（文号取自文章页或列表标题），以及网站上的政策解读
    （政策解读、解读回应栏目的条目，以及标题为“《……》政策解读”“关于《……》的解读”
    “图解：……”“一图读懂……”“解读：……”的页面或列表条目）。文件与解读之间有链接（任一
    方向）、解读引用了文件的文号、解读提到了文件的《标题》或标题相近，即视为对应。没有找到
    任何解读的文件报告为严重问题；已有解读、但文件页面没有链接该解读的，报告为一般问题
    （文件与解读应双向关联）。

    依据：国办发〔2016〕80号要求政策文件与解读同步发布，各地规定要求两者页面互相链接；
    检查时对无解读的文件和未关联的解读扣分（本项最多扣 10 分）。

    精确优先：网站转载的上级或其他机关文件（乡镇网站上的国办发、辽政发）、文号年份早于
    interpretation.min_year 设置的文件不报告；识别不到政策文件类栏目的网站不检查（摘要中
    说明）。

    示例：示范政办发〔2026〕1号 在网站上找不到任何解读。
    """

    id = "missing_interpretation"
    severity = "major"
    title = "政策文件缺少解读"
    guidance = "按照政策文件与解读材料同步组织、同步审签、同步部署的要求，补充发布政策解读，并与文件页面相互链接。"
    score_defaults = {"missing_interpretation": 1.0, "missing_interpretation_minor": 0.5,
                      "cap_missing_interpretation": 10.0}
    message = "政策文件“{title}”（{number}）未找到对应的政策解读，请按照文件与解读同步发布的要求补充解读，并与文件互相链接。"
    minor_message = "政策文件“{title}”（{number}）已有解读“{interp}”，但文件页面未链接该解读，请在文件与解读页面之间互相添加链接（双向关联）。"

    @classmethod
    def deduction_reason(cls, sub: str, count: int, each: float) -> str:
        what = "政策文件与解读未互相链接" if sub == "minor" else "政策文件无解读"
        return f"{what} {count} 份（每份扣 {each:g} 分）"

    @classmethod
    def key(cls, finding: Mapping[str, Any]) -> tuple[str, ...]:
        """One document is one finding however its list or page moved: keyed by its number."""
        number = (finding.get("evidence") or {}).get("doc_number") or finding.get("url")
        return (*super().key(finding), str(number))

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        ev = finding.get("evidence") or {}
        lines: list[tuple[str, str]] = []
        add_line(lines, "文件标题", first_of(ev, "title", "doc_title"))
        add_line(lines, "文号", ev.get("doc_number"))
        add_line(lines, "所在栏目", ev.get("column") or finding.get("column"))
        add_line(lines, "发布日期", ev.get("pub_date"))
        add_line(lines, "已有解读", ev.get("interpretation_title"))
        add_line(lines, "解读地址", ev.get("interpretation_url"))
        return lines

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        if site.home is None or site.unreachable:
            return
        profile = profile_of(ctx)
        settings = profile.interpretation
        columns = site_columns(site)
        if not columns:
            self.note("首页未识别到导航栏目，无法检查政策文件是否配有解读。")
            return
        policy = [c for c in columns if c.url and is_policy_column(c.name, profile)]
        if not policy:
            self.note("未找到政策文件类栏目（政策文件、规范性文件、法规文件等），无法检查政策文件是否配有解读。")
            return
        documents, superior = self._documents(site, policy, settings)
        if superior:
            self.note(f"政策文件栏目中有 {len(superior)} 份上级或其他机关的文件（如 {superior[0]}），"
                      "不要求本站发布解读，未作检查。")
        interp_columns = [c for c in columns if c.url and is_interpretation_column(c.name, profile)]
        interps = self._interpretations(site, interp_columns)
        matcher = Matcher(site, interps, float(settings.get("close_title_ratio", 0.85)))
        titled = [matcher.titled(doc) for doc in documents]
        named = set().union(*titled)
        for doc, by_title in zip(documents, titled):
            matches = matcher.matches(doc, by_title, named)
            evidence = {"title": doc.title, "doc_number": str(doc.number), "column": doc.column,
                        "list_page": doc.list_page, "document_crawled": doc.page is not None,
                        "interpretations_seen": len(interps)}
            if not matches:
                yield self.finding(url=doc.url or doc.list_page, column=doc.column, evidence=evidence,
                                   title=display_title(doc.title), number=doc.number)
                continue
            if doc.page is None:
                continue  # cannot see the document's links: do not guess
            targets = page_links(doc.page)
            if any(page_urls(site, i.url) & targets for i, _ in matches):
                continue
            interp, how = matches[0]
            evidence |= {"interpretation_title": interp.title, "interpretation_url": interp.url, "matched_by": how,
                         "document_links_interpretation": False,
                         "interpretation_links_document": bool(page_urls(site, doc.url) & page_links(interp.page))}
            yield self.finding(url=doc.url or doc.list_page, column=doc.column, evidence=evidence, severity="minor",
                               message=self.minor_message.format(title=display_title(doc.title), number=doc.number,
                                                                 interp=interp.title))

    def _documents(self, site: Snapshot, policy: list, settings) -> tuple[list[Document], list[str]]:
        place = site_name(site)
        min_year = int(settings.get("min_year") or 0)
        own_only = bool(settings.get("own_documents_only", True))
        documents: dict[str, Document] = {}
        superior: list[str] = []
        for column in policy:
            for list_page, item in column_items(site, column.url):
                if not item.url or item.url in documents or is_interpretation_title(item.title):
                    continue
                page = site.page_at(item.url)
                numbers = doc_numbers(page.doc_number) if page is not None and page.doc_number else []
                numbers = numbers or doc_numbers(item.title)
                if not numbers or numbers[0].year < min_year:
                    continue
                if own_only and not is_own_document(numbers[0], place, item.title):
                    superior.append(str(numbers[0]))
                    continue
                full = _page_title(page) if page is not None else ""
                cut = not item.title or item.title.rstrip().endswith(("…", ".."))  # a list shortens long titles
                title = (full or item.title) if cut else item.title
                keys = title_keys(item.title) | title_keys(full)
                documents[item.url] = Document(title, item.url, numbers[0], column.name, list_page.url, page, keys)
        return list(documents.values()), superior

    def _interpretations(self, site: Snapshot, columns: list) -> list[Interpretation]:
        found: dict[str, tuple[str, str | None]] = {}
        for column in columns:
            for _, item in column_items(site, column.url):
                found.setdefault(item.url or item.title, (item.title, item.url))
        for page in list(site.pages.values()):
            for item in page.list_items + page.other_items:
                if is_interpretation_title(item.title):
                    found.setdefault(item.url or item.title, (item.title, item.url))
            title = _page_title(page)
            if len(title) < MIN_PAGE_TITLE or title == page.column_name:
                continue
            if not page.list_items and not page.doc_number and is_interpretation_title(title):
                found.setdefault(page.url, (title, page.url))
        return [_interpretation(site, title, url) for title, url in found.values()]
