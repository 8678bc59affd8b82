"""service_guide_incomplete: a service guide (办事指南) lacks 4 or more of its ten key elements."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding, ScoreSettings
from portalwatch.crawler.snapshot import Page, Snapshot

ELEMENTS = ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理机构", "收费标准", "办理时间",
            "联系电话", "办理流程")
MIN_MISSING = 4  # 国办秘函〔2019〕19号: a guide lacking 4 or more elements; setting PORTALWATCH_GUIDE_MIN_MISSING
MIN_LABELS = 2  # fewer element labels than this: the guide is not written as labelled text (attachment, image)


def guide_title(page: Page) -> str:
    return page.meta.get("ArticleTitle") or re.split(r"\s*[_|｜]\s*|\s+-\s+", page.title)[0] or page.url


def judged_pages(site: Snapshot) -> Iterator[Page]:
    seen: set[str] = set()
    for page in site.pages.values():
        if page.status != 200 or page.soft404 or page.final_url in seen:
            continue
        seen.add(page.final_url)
        yield page


class ServiceGuideIncomplete(Check):
    """What it does: finds the service guides (办事指南) among the crawled pages — a page whose
    title, breadcrumb or column names 办事指南 / 服务指南, or whose text labels at least three
    distinctive elements (设定依据, 申请条件, 办理材料, 办理流程, 收费标准, 办理时限 …) — and
    reads which of the ten key elements it gives: 事项名称、设定依据、申请条件、办理材料、
    办理地点、办理机构、收费标准、办理时间、联系电话、办理流程. Labels are recognised with their
    usual variants (受理条件、申请材料、所需材料、咨询电话、收费依据及标准、是否收费、法定依据、
    实施依据、实施主体、承诺时限 …) in tables (including labels spanning rows), 定义列表, headings
    and "标签：内容" paragraphs. An element counts when its label has content: 无、不收费、免费 or
    a dash are statements and count; an empty cell does not. 办理时间 is satisfied by office hours
    or by the statutory/promised duration (办理时限、承诺时限), since the indicators list one time
    element. Reports each guide lacking 4 or more elements (major).

    Why it matters: 服务不实用 is a single-veto item of the 2019 national indicators: 5 or more
    service guides each lacking 4 or more key elements fail the site. The veto count
    (``veto_service_guide_incomplete``, default 5) and the early-warning count
    (``warn_service_guide_incomplete``, default 3) are scoring settings.

    Precision first: a page named as a guide whose content is not labelled text (fewer than two
    element labels) is not judged: listed for a person to verify when it carries an attachment
    (the guide may be the attached form), otherwise only noted (关于更新办事指南的通知 names a guide);
    the page template (header, footer with its 联系电话, menus, sidebars) is not read as the
    guide.

    Example: 残疾人两项补贴申请办事指南 gives only 事项名称 and 所需材料: 8 elements missing.
    """

    id = "service_guide_incomplete"
    severity = "major"
    title = "办事指南要素缺失"
    guidance = ("请对照事项名称、设定依据、申请条件、办理材料、办理地点、办理机构、收费标准、办理时间、联系电话、"
                "办理流程等要素补全办事指南，确保内容准确、与实际办理一致。")
    undecided_label = "办事指南要素是否齐全"
    message = "办事指南“{title}”缺少 {count} 项要素（{missing}），请补全后重新发布。"
    score_defaults: Mapping[str, Any] = {
        "service_guide_incomplete": 1.0, "cap_service_guide_incomplete": 5.0,
        "veto_service_guide_incomplete": 5, "warn_service_guide_incomplete": 3,
    }

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        if site.home is None or site.unreachable:
            return
        threshold = int(ctx.settings.get("PORTALWATCH_GUIDE_MIN_MISSING", MIN_MISSING))
        unstructured: list[Page] = []
        prose: list[Page] = []
        for page in judged_pages(site):
            if not getattr(page, "is_guide", False):
                continue
            labels = list(getattr(page, "guide_labels", []))
            present = [e for e in ELEMENTS if e in getattr(page, "guide_elements", [])]
            if len(labels) < MIN_LABELS:
                # the guide may be its attachment (a PDF/Word form): undecided; otherwise the page only
                # names a guide (关于更新办事指南的通知) or is prose: not judged
                (unstructured if any(l.kind == "attachment" for l in page.links) else prose).append(page)
                continue
            missing = [e for e in ELEMENTS if e not in present]
            if len(missing) < threshold:
                continue
            title = guide_title(page)
            evidence = {"title": title, "missing": missing, "present": present,
                        "empty_labels": [e for e in labels if e not in present], "missing_count": len(missing),
                        "threshold": threshold}
            yield self.finding(url=page.url, evidence=evidence, title=title, count=len(missing),
                               missing="、".join(missing))
        if unstructured:
            names = "、".join(f"“{guide_title(p)}”" for p in unstructured[:3]) + ("等" if len(unstructured) > 3 else "")
            self.undecide(f"{len(unstructured)} 个办事指南页面（{names}）未以“要素：内容”的文字形式列出要素"
                          "，要素可能在附件中，未能核对要素是否齐全", url=unstructured[0].url)
        if prose:
            self.note(f"{len(prose)} 个标题含“办事指南”的页面未列出要素标签（如“{guide_title(prose[0])}”），"
                      "不是结构化的办事指南，未作检查。")

    @classmethod
    def vetoes(cls, findings: list[Finding], s: ScoreSettings) -> list[str]:
        limit = s["veto_service_guide_incomplete"]
        if limit is None or len(findings) < float(limit):
            return []
        names = "、".join(f"“{f.evidence.get('title', f.url)}”" for f in findings[:5]) + (
            "等" if len(findings) > 5 else "")
        return [f"服务不实用（单项否决）：缺少 4 项及以上要素的办事指南共 {len(findings)} 个"
                f"（达到 {float(limit):g} 个即否决）：{names}"]

    @classmethod
    def warnings(cls, findings: list[Finding], site: Snapshot, ctx: Context, s: ScoreSettings) -> list[str]:
        warn, limit = s["warn_service_guide_incomplete"], s["veto_service_guide_incomplete"]
        if warn is None or limit is None or not float(warn) <= len(findings) < float(limit):
            return []
        return [f"要素缺失的办事指南已有 {len(findings)} 个，达到 {float(limit):g} 个将被单项否决（服务不实用）。"]

    @classmethod
    def key(cls, finding: Mapping[str, Any]) -> tuple[str, ...]:
        return (str(finding["check"]), str(finding.get("url") or ""))

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        ev = finding.get("evidence") or {}
        out = [("页面", str(finding.get("url") or "")), ("办事指南", str(ev.get("title", "")))]
        out.append(("缺少要素", "、".join(ev.get("missing", []))))
        if ev.get("empty_labels"):
            out.append(("有标签无内容", "、".join(ev["empty_labels"])))
        out.append(("已有要素", "、".join(ev.get("present", [])) or "无"))
        return out
