"""service_guide_incomplete: a service guide (办事指南) lacks 4 or more of its ten key elements."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding, ScoreSettings
from portalwatch.checks.columns import unreadable
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
    """检查内容：在抓取到的页面中找出办事指南——标题、面包屑或所在栏目写明“办事指南”“服务指南”的页面
    （列出多个指南的栏目页除外），或正文中标注了至少三项典型要素（设定依据、申请条件、办理材料、办理流程、
    收费标准、办理时限等）的页面——逐一核对十项要素：事项名称、设定依据、申请条件、办理材料、办理地点、
    办理机构、收费标准、办理时间、联系电话、办理流程。常见的不同叫法都算（受理条件、申请材料、所需材料、
    咨询电话、咨询方式、收费依据及标准、是否收费、法定依据、实施依据、实施主体、受理地点、办理程序、
    承诺时限等），表格（含跨行的标签单元格和表头行）、定义列表、小标题和“标签：内容”段落都能识别。
    标签后有内容才算具备该要素：写明“无”“不收费”“免费”或一条横线的算具备，有流程图图片或附件链接的
    算具备，内容为空的不算。办理时间写办公时间或办理时限（法定时限、承诺时限）均可，因为指标只列了一项
    时间要素。缺少 4 项及以上要素的指南逐个报告（严重）。

    依据：服务不实用是 2019 年国家检查指标（国办秘函〔2019〕19号）的单项否决项：5 个及以上办事指南
    各缺少 4 项及以上要素即否决。否决个数（veto_service_guide_incomplete，默认 5）和预警个数
    （warn_service_guide_incomplete，默认 3）是评分设置；每个扣 1 分，最多 5 分。

    不会指控：只写了“办事指南”字样但没有要素标签的页面（如“关于更新部分办事指南的通知”，摘要中说明）；
    以要素为表头、列出多个事项的目录表格（事项目录不是一个办事指南）；
    页头、页脚、菜单和侧栏里的电话、地址（不算作指南的要素）。

    待人工核实（不算通过）：标题是办事指南、没有要素标签但带有附件的页面（指南可能在附件中）；列出了
    要素标签但内容全部为空、或需要浏览器渲染而未渲染的页面（内容可能由脚本填写）。

    示例：“残疾人两项补贴申请办事指南”只列出事项名称和所需材料，缺少 8 项要素。
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
        scripted: list[Page] = []
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
            if not present or unreadable(page):
                # labels with no content at all: the values are likely filled in by a script
                scripted.append(page)
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
        if scripted:
            names = "、".join(f"“{guide_title(p)}”" for p in scripted[:3]) + ("等" if len(scripted) > 3 else "")
            self.undecide(f"{len(scripted)} 个办事指南页面（{names}）列出了要素标签但内容全部为空，"
                          "内容可能由脚本填写，未能核对要素是否齐全", url=scripted[0].url)
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
