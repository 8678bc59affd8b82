"""missing_column: a column the profile requires is not reachable from the homepage navigation."""

from __future__ import annotations

from typing import Iterator

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.checks.columns import crawl_cut_short, find_column, nav_blind, nav_size, site_columns, unseen_sections
from portalwatch.checks.profiles import profile_of
from portalwatch.crawler.snapshot import Snapshot

MIN_NAV = 3  # fewer homepage menu entries than this: the menu was not recognised, judge nothing


class MissingColumn(Check):
    """What it does: looks for every column of the profile (township: 乡镇概况、机构职能、
    法规文件、决策信息、行政权力、财政信息、重大事项、社会服务、工作动态) in the homepage
    navigation, its drop-down menus, and the sidebars of the column pages the menu leads
    to (政府信息公开 › 政策文件). Names are compared after normalisation (spaces,
    punctuation, 栏目/专栏 suffixes, full/half width), by synonym (乡镇简介 is 乡镇概况,
    预决算公开 is 财政信息), with a local prefix (示范镇概况) or a close spelling. A homepage
    link named like the column also counts. Reports each column found under no name.

    Why it matters: local rules make these columns compulsory (同政办〔2012〕23号: 乡镇网站
    “必须设置” the nine columns), and the website guideline lists the required content
    groups of a portal; inspectors deduct for each one missing.

    When no navigation menu is recognised on the homepage, or the menu is written by a
    script that was not rendered, no column is reported missing: every required column
    not found is listed as undecided (待人工核实) — a menu drawn by a script is not a missing
    column. The same holds when menu pages whose sidebars may hold the column were not
    seen (crawl stopped at --max-pages, page needed a browser).

    Example: the township profile's 重大事项 appears under no name in any menu.
    """

    id = "missing_column"
    severity = "major"
    message = "网站缺少必备栏目“{name}”（在首页导航及其下级菜单中未找到该栏目或其同义栏目），请增设该栏目。"

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
