"""missing_column: required columns under any name, nested or not; no menu means no verdict."""

from __future__ import annotations

from check_helpers import SiteBuilder, ctx, node, run, run_undecided, url

from portalwatch.checks.missing_column import MissingColumn

TOWNSHIP_NAV = (
    node("走进示范", None, node("乡镇简介", "/xzgk/"), node("领导信息", "/ldxx/")),
    node("新闻中心", None, node("新闻动态", "/xwdt/"), node("通知公告", "/tzgg/")),
    node("政府信息公开", "/zwgk/", node("机构设置", "/zwgk/jgsz/"), node("决策信息", "/zwgk/jcxx/"),
         node("权力清单", "/zwgk/qlqd/"), node("预决算公开", "/zwgk/yjs/"), node("重大项目", "/zwgk/zdxm/")),
    node("便民服务", "/bmfw/"),
)


def township_site(*roots):
    b = SiteBuilder()
    b.nav(*(roots or TOWNSHIP_NAV))
    # 法规文件 only in the sidebar of the 政府信息公开 page
    b.page("/zwgk/", nav=[node("政府信息公开", "/zwgk/", node("政策法规", "/zwgk/zcfg/"))])
    return b


def test_all_nine_columns_found_under_synonyms_and_nested_menus():
    findings, notes = run(MissingColumn, township_site().snapshot)
    assert findings == [] and notes == []


def test_a_missing_column_is_reported_once_with_its_canonical_name():
    roots = list(TOWNSHIP_NAV)
    roots[2] = node("政府信息公开", "/zwgk/", node("机构设置", "/zwgk/jgsz/"), node("决策信息", "/zwgk/jcxx/"),
                    node("权力清单", "/zwgk/qlqd/"), node("预决算公开", "/zwgk/yjs/"))
    findings, notes = run(MissingColumn, township_site(*roots).snapshot)
    assert [f.column for f in findings] == ["重大事项"]
    (f,) = findings
    assert f.check == "missing_column" and f.severity == "major" and f.url == url("/") and f.target is None
    assert "重大事项" in f.message and "必备栏目" in f.message
    assert f.evidence["names_tried"][:2] == ["重大事项", "重大项目"] and f.evidence["nav_size"] == 12
    assert f.evidence["profile"] == "township" and notes == []


def test_two_menu_items_leading_to_one_page_are_both_found():
    roots = list(TOWNSHIP_NAV)
    roots[0] = node("走进示范", None, node("乡镇简介", "/gk.html"), node("机构职能", "/gk.html"),
                    node("领导信息", "/ldxx/"))
    roots[2] = node("政府信息公开", "/zwgk/", node("决策信息", "/zwgk/jcxx/"), node("权力清单", "/zwgk/qlqd/"),
                    node("预决算公开", "/zwgk/yjs/"), node("重大项目", "/zwgk/zdxm/"))
    b = township_site(*roots)
    b.home.links = [link for link in b.home.links if link.text != "机构职能"]  # links keep one text per URL
    findings, _ = run(MissingColumn, b.snapshot)
    assert findings == []


def test_column_only_in_a_column_page_sidebar_is_missing_when_that_page_was_not_crawled():
    b = SiteBuilder()
    b.nav(*TOWNSHIP_NAV)  # no /zwgk/ page in the snapshot: its sidebar is unknown
    findings, _ = run(MissingColumn, b.snapshot)
    assert [f.column for f in findings] == ["法规文件"]


def test_photo_gallery_is_not_the_news_column():
    roots = list(TOWNSHIP_NAV)
    roots[1] = node("图片中心", None, node("工作动态图片", "/tpxw/"), node("通知公告", "/tzgg/"))
    findings, _ = run(MissingColumn, township_site(*roots).snapshot)
    assert [f.column for f in findings] == ["工作动态"]


def test_no_navigation_found_is_nine_undecided_not_nine_findings():
    b = SiteBuilder()
    b.nav(node("网站首页", "/"), node("English", "/en/"))
    findings, undecided = run_undecided(MissingColumn, b.snapshot)
    assert findings == [] and len(undecided) == 9
    assert {u.column for u in undecided} >= {"乡镇概况", "工作动态"} and all("导航" in u.reason for u in undecided)


def test_script_menu_not_rendered_accuses_nothing():
    b = township_site(*TOWNSHIP_NAV[:2])  # the HTML shows part of the menu
    missing = {f.column for f in run(MissingColumn, b.snapshot)[0]}
    assert "决策信息" in missing and "乡镇概况" not in missing
    b.home.nav_status = "script"  # the crawler saw a menu written by script that it did not render
    findings, undecided = run_undecided(MissingColumn, b.snapshot)
    assert findings == [] and {u.column for u in undecided} == missing  # found stay found, no accusation
    b.home.nav, b.home.links = [node("English", "/en/")], []
    b.home.render_reason = "needs_render_but_off:home_nav_script: 首页导航由脚本生成"
    b.home.nav_status = "ok"
    findings, undecided = run_undecided(MissingColumn, b.snapshot)
    assert findings == [] and len(undecided) == 9 and "脚本" in undecided[0].reason


def test_columns_behind_pages_the_crawl_did_not_reach_are_undecided():
    b = township_site(*TOWNSHIP_NAV[:2], node("政府信息公开", "/zwgk/"))
    b.snapshot.stats["max_pages_reached"] = 1
    findings, undecided = run_undecided(MissingColumn, b.snapshot)
    # /xzgk/ ... were never fetched: their sidebars may hold what is not in the menu
    assert findings == [] and "决策信息" in {u.column for u in undecided}
    assert "页面数上限" in undecided[0].reason
    b.snapshot.stats.clear()
    assert "决策信息" in {f.column for f in run(MissingColumn, b.snapshot)[0]}


def test_unreachable_site_is_not_judged():
    b = township_site()
    b.snapshot.unreachable = "refused"
    assert run(MissingColumn, b.snapshot) == ([], [])


def test_department_profile():
    b = SiteBuilder("示范县行政审批局")
    b.nav(node("信息公开", None, node("规范性文件", "/gk/gfxwj/"), node("解读回应", "/gk/jdhy/"),
                node("公开征求意见", "/gk/zqyj/"), node("建议提案", "/gk/jyta/"), node("权力清单", "/gk/qlqd/"),
                node("部门预决算", "/gk/yjs/"), node("信息公开指南", "/gk/zn/"), node("信息公开目录", "/gk/ml/"),
                node("信息公开年报", "/gk/nb/")))
    findings, _ = run(MissingColumn, b.snapshot, ctx("department"))
    assert [f.column for f in findings] == ["办事指南"]
