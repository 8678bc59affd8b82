"""empty_column: placeholder-only and item-less columns; items always win; articles are not lists."""

from __future__ import annotations

from check_helpers import SiteBuilder, item, node, run, run_undecided, url

from portalwatch.checks.empty_column import EmptyColumn


def site_with(page_setup):
    b = SiteBuilder()
    b.nav(node("政务公开", "/zwgk/", node("意见征集", "/yjzj/"), node("社会服务", "/shfw/")),
          node("乡镇概况", "/xzgk/"))
    page_setup(b)
    return b.snapshot


def test_placeholder_column_is_empty():
    site = site_with(lambda b: b.list_page("/yjzj/", [], placeholder="暂无信息", text_length=8))
    findings, notes = run(EmptyColumn, site)
    assert [f.column for f in findings] == ["意见征集"] and notes == []
    (f,) = findings
    assert f.severity == "major" and f.url == url("/yjzj/")
    assert f.evidence["placeholder"] == "暂无信息" and f.evidence["page"] == url("/yjzj/")
    assert "意见征集" in f.message and "暂无信息" in f.message and "空白栏目" in f.message


def test_column_under_construction_is_empty():
    site = site_with(lambda b: b.list_page("/shfw/", [], placeholder="本栏目正在建设中", text_length=8))
    assert [f.evidence["placeholder"] for f in run(EmptyColumn, site)[0]] == ["本栏目正在建设中"]


def test_items_present_means_not_empty_even_with_placeholder_text():
    # the extractor only reports main-content placeholders; if one is ever set beside real
    # items (a second tab saying 暂无), the items decide
    def setup(b):
        b.list_page("/shfw/", [item("最低生活保障申请办事指南", 30, "/shfw/1.html")], placeholder="暂无")
    assert run(EmptyColumn, site_with(setup)) == ([], [])


def test_items_on_a_later_pagination_page_count():
    def setup(b):
        b.list_page("/shfw/", [], placeholder="暂无数据", more=[[item("农村建房审批办事指南", 30, "/shfw/2.html")]])
    assert run(EmptyColumn, site_with(setup))[0] == []


def test_list_page_with_nothing_at_all_is_empty():
    site = site_with(lambda b: b.list_page("/yjzj/", [], text_length=0))
    (f,) = run(EmptyColumn, site)[0]
    assert f.column == "意见征集" and f.evidence["placeholder"] is None and "没有列出任何信息" in f.message


def test_single_article_column_and_menu_heading_are_not_empty():
    def setup(b):
        b.article("/xzgk/", "示范镇基本情况", 2000)  # 乡镇概况 is one page of text
        b.page("/zwgk/", text_length=0)  # 政务公开: a heading that leads to its sub-columns
    assert run(EmptyColumn, site_with(setup)) == ([], [])


def test_article_that_mentions_zanwu_is_not_empty():
    site = site_with(lambda b: b.article("/xzgk/", "示范镇基本情况", 2000, placeholder="暂无附件"))
    assert run(EmptyColumn, site) == ([], [])


def test_unrendered_script_page_is_undecided():
    site = site_with(lambda b: b.list_page("/yjzj/", [], text_length=0, other_items=[item("某镇召开会议的通知", 3, "/gzdt/1.html")],
                                           render_reason="needs_render_but_off:empty_list_container"))
    findings, undecided = run_undecided(EmptyColumn, site)
    assert findings == [] and [(u.column, u.url) for u in undecided] == [("意见征集", url("/yjzj/"))]
    assert "渲染" in undecided[0].reason


def test_broken_column_pages_are_left_to_dead_link():
    site = site_with(lambda b: b.list_page("/yjzj/", [], placeholder="暂无信息", soft404="页面不存在"))
    assert run(EmptyColumn, site)[0] == []


def test_list_shown_in_a_frame():
    from portalwatch.crawler.snapshot import Link

    def setup(b):
        b.list_page("/yjzj/", [], text_length=0, links=[Link(url("/yjzj/list.jsp"), "", kind="frame")])
    site = site_with(setup)
    assert run(EmptyColumn, site) == ([], [])  # the framed list was not crawled: nothing to judge
    b = SiteBuilder()
    b.nav(node("意见征集", "/yjzj/"), node("首页", "/"))
    b.list_page("/yjzj/", [], text_length=0, links=[Link(url("/yjzj/list.jsp"), "", kind="frame")])
    b.list_page("/yjzj/list.jsp", [item("关于某某草案公开征求意见的公告", 3, "/yjzj/1.html")])
    assert run(EmptyColumn, b.snapshot) == ([], [])
    b.list_page("/yjzj/list.jsp", [], placeholder="暂无数据", text_length=4)
    assert [f.evidence["placeholder"] for f in run(EmptyColumn, b.snapshot)[0]] == ["暂无数据"]
