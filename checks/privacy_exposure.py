"""privacy_exposure: a published page shows full personal identifiers (个人信息泄露)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.crawler.snapshot import Snapshot

KIND_NAMES = {"id_number": "身份证号码", "bank_card": "银行卡号", "mobile": "手机号码"}
MAX_EXAMPLES = 5


class PrivacyExposure(Check):
    """检查内容：在每个抓取到的页面正文中查找完整的个人信息：
    18 位居民身份证号码（省份代码存在、出生日期真实、校验码符合 ISO 7064 MOD 11-2）；
    银行卡号（16 至 19 位、符合 Luhn 校验、以银行卡号段开头，且页面提到卡号、银行卡、账号等）；
    公示名单中与姓名相邻的手机号码（有“姓名”列的表格，或页面上至少两行“张三 13812345678”这样的人名加手机号）。
    每个页面报告一个问题，列出各类号码的个数和打码后的示例。

    为什么重要：个人信息泄露是近年政府网站检查通报中最常见的问题之一；公示名单应隐去身份证号码、
    银行卡号和手机号码的中间部分。

    不报告的情况（宁可漏报，不可误报）：已打码的号码（138****1234、410101********1234）；
    统一社会信用代码、纳税人识别号、订单号、流水号、编号等标明为其他编码的号码；
    单位的对公账号；办公电话（0xxx-xxxxxxx）和 400 热线；
    “联系人”“咨询电话”“值班电话”后的手机号码（对外联系方式）；
    工作人员的工作联系方式（手机号码旁有办公电话，或姓名前是处室、单位、村、社区、网格名称）；
    有“职务”“分管”“单位”“部门”“网格”“包村”等列的干部、网格员联系表；只出现在网址或附件地址里的数字。

    隐私：完整号码不会离开页面解析环节，快照、数据库、JSON 输出、汇总和整改通知中只有打码后的形式
    （身份证 35*************23X，手机 138****1234，银行卡 6222***********1234）。

    示例：某村低保公示名单列出 12 人的完整身份证号码和手机号码。
    """

    id = "privacy_exposure"
    severity = "major"
    title = "个人信息泄露"
    guidance = ("立即删除或遮挡页面中完整的身份证号码、银行卡号和手机号码（公示确需时只保留前后几位），"
                "排查同类公示名单和附件，并建立发布前的隐私审核制度。")
    undecided_label = "页面是否泄露个人信息"
    message = "页面“{title}”公开了完整的个人信息：{counts}，请立即删除或遮挡。"
    score_defaults = {"privacy_exposure": 2.0, "cap_privacy_exposure": 10.0}

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        for page in site.pages.values():
            if not page.personal or page.soft404:
                continue
            counts: dict[str, int] = {}
            examples: list[dict[str, str]] = []
            for hit in page.personal:
                counts[hit.kind] = counts.get(hit.kind, 0) + 1
                if len(examples) < MAX_EXAMPLES:
                    examples.append({"kind": KIND_NAMES.get(hit.kind, hit.kind), "masked": hit.masked,
                                     "context": hit.snippet})
            text = "、".join(f"{KIND_NAMES.get(k, k)} {n} 个" for k, n in counts.items())
            title = page.meta.get("ArticleTitle") or page.title or page.final_url
            yield self.finding(url=page.final_url or page.url, title=title, counts=text,
                               evidence={"counts": {KIND_NAMES.get(k, k): n for k, n in counts.items()},
                                         "examples": examples, "page_title": title,
                                         "capped": len(page.personal) >= 50})

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        ev = finding.get("evidence") or {}
        out = [("页面", str(finding.get("url") or ""))]
        if ev.get("page_title"):
            out.append(("标题", str(ev["page_title"])))
        counts = ev.get("counts") or {}
        if counts:
            suffix = "（至少）" if ev.get("capped") else ""
            out.append(("发现", "、".join(f"{k} {n} 个" for k, n in counts.items()) + suffix))
        for ex in ev.get("examples") or []:
            out.append((f"示例（{ex.get('kind', '')}）", f"{ex.get('masked', '')}：…{ex.get('context', '')}…"))
        return out
