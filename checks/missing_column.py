"""missing_column: a column the profile requires is not reachable from the homepage navigation."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.checks.columns import column_evidence_lines, crawl_cut_short, find_column, nav_blind, nav_size, site_columns, unseen_sections
from portalwatch.checks.profiles import profile_of
from portalwatch.crawler.snapshot import Snapshot

MIN_NAV = 3  # fewer homepage menu entries than this: the menu was not recognised, judge nothing


class MissingColumn(Check):
    """检查内容：在首页导航、下拉菜单以及菜单所指栏目页的侧栏中（政府信息公开 › 政策文件）
    查找栏目配置要求的每一个栏目（乡镇：乡镇概况、机构职能、法规文件、决策信息、行政权力、
    财政信息、重大事项、社会服务、工作动态）。名称先规范化（空格、标点、“栏目/专栏”后缀、
    全角半角）再比较，也认同义词（乡镇简介即乡镇概况，预决算公开即财政信息）、带地名的前缀
    （示范镇概况）和相近写法；首页上同名的链接也算。在任何名称下都找不到的栏目，逐个报告。

    依据：各地规定这些栏目必须开设（同政办〔2012〕23号：乡镇网站“必须设置”九个栏目），
    《政府网站发展指引》也列出了网站应有的内容分类；检查时每缺一个栏目扣分。

    首页没有识别到导航菜单，或菜单由脚本生成而未经渲染时，不报告缺少栏目：找不到的必备
    栏目都列为待人工核实——脚本画出的菜单不等于缺少栏目。菜单所指的页面未能查看（抓取达到
    --max-pages 上限、页面需要浏览器渲染）时也一样。

    示例：乡镇配置中的“重大事项”在所有菜单中都找不到。
    """

    id = "missing_column"
    severity = "major"
    title = "缺少必备栏目"
    guidance = "按照必备栏目要求开设该栏目并发布相应内容，在首页导航中提供入口。"
    undecided_label = "必备栏目是否齐全"
    score_defaults = {"missing_column": 2.0}
    message = "网站缺少必备栏目“{name}”（在首页导航及其下级菜单中未找到该栏目或其同义栏目），请增设该栏目。"

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        return column_evidence_lines(finding)

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        home = site.home
        if home is None or site.unreachable:
            return
        min_nav = int(ctx.settings.get("PORTALWATCH_MISSING_COLUMN_MIN_NAV", MIN_NAV))
        blind = nav_blind(site, min_nav)
        unseen = [] if blind else unseen_sections(site)
        why = blind or (f"栏目“{'、'.join(unseen[:5])}”的页面未能查看（{crawl_cut_short(site) or '需要浏览器渲染'}），"
                        f"其下级栏目无法查找" if unseen else "")
        profile = profile_of(ctx)
        columns = site_columns(site, aliases=True)  # every name a menu gives a page
        size = nav_size(site)
        for spec in profile.columns:
            if find_column(site, spec, columns) is not None:
                continue
            if why:
                self.undecide(f"必备栏目“{spec.name}”未能查找：{why}。", column=spec.name, url=home.url)
                continue
            evidence = {"profile": profile.name, "names_tried": list(spec.names), "nav_size": size,
                        "columns_seen": len(columns), "column_type": spec.type}
            yield self.finding(url=home.url, column=spec.name, evidence=evidence, name=spec.name)
