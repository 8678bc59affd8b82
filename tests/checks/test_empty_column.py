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


def test_sidebar_news_do_not_fill_an_empty_column():
    # the crawler moved the sidebar's 最新动态 to other_items and saw the column's own list empty
    site = site_with(lambda b: b.list_page("/yjzj/", [], empty_list="ul.news-list", text_length=320,
                                           other_items=[item("示范镇召开安全生产会议", 3, "/gzdt/1.html")]))
    (f,) = run(EmptyColumn, site)[0]
    assert f.column == "意见征集" and f.evidence["empty_list"] == "ul.news-list"
    assert "其他板块" in f.message


def test_partly_read_list_and_unreached_column_are_undecided():
    site = site_with(lambda b: b.list_page("/yjzj/", [], placeholder="暂无信息", text_length=8, list_partial=True))
    findings, undecided = run_undecided(EmptyColumn, site)
    assert findings == [] and [u.column for u in undecided] == ["意见征集"]
    site = site_with(lambda b: None)  # no column page was fetched
    assert run_undecided(EmptyColumn, site) == ([], [])  # a complete crawl: those links are dead_link's
    site.stats["max_pages_reached"] = 1
    findings, undecided = run_undecided(EmptyColumn, site)
    assert findings == [] and {u.column for u in undecided} == {"意见征集", "社会服务", "乡镇概况"}
    assert "页面数上限" in undecided[0].reason


# -- end to end: real pages on a local server ------------------------------------------------

import json  # noqa: E402

import pytest  # noqa: E402

from httpserver import Response  # noqa: E402

from portalwatch.crawler.render import find_chromium  # noqa: E402

COLUMNS = [("意见征集", "/yjzj/"), ("社会服务", "/shfw/"), ("工作动态", "/gzdt/"), ("机构职能", "/jgzn/"),
           ("通知公告", "/tzgg/")]
MENU = "".join(f'<li><a href="{u}">{n}</a></li>' for n, u in COLUMNS)
SIDEBAR = ('<div class="left"><h3>最新动态</h3><ul>' + "".join(
    f'<li><a href="/news/{i}.html">示范镇召开第{i}次安全生产工作会议</a><span>2026-11-{10 + i}</span></li>'
    for i in range(1, 9)) + "</ul></div>")


def column_page(name: str, main: str, side: str = SIDEBAR, script: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}_示范镇人民政府</title></head><body>
<div class="header"><div class="nav"><ul><li><a href="/">首页</a></li>{MENU}</ul></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; {name}</div>
<div class="container">{side}<div class="right"><h2>{name}</h2>{main}</div></div>
<div class="footer">主办：示范镇人民政府 地址：示范路1号 暂无数据</div>{script}</body></html>"""


def news_article(title: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title><meta name='PubDate' content='2026-11-12'></head>"
            f"<body><h1>{title}</h1><div class='content'><p>{'示范镇召开会议，部署近期重点工作。' * 20}</p></div></body></html>")


JSON_LIST = """<script>
fetch("/api/tzgg.json").then(function (r) { return r.json(); }).then(function (items) {
  document.getElementById("list").innerHTML = items.map(function (it) {
    return '<li><a href="' + it.url + '">' + it.title + '</a><span>' + it.date + "</span></li>"; }).join("");
});
</script>"""


def empty_column_site() -> dict[str, Response]:
    own = "".join(f'<li><a href="/gzdt/{i}.html">示范镇第{i}季度重点项目推进情况</a><span>2026-11-0{i}</span></li>'
                  for i in range(1, 6))
    text = "示范镇人民政府是县人民政府的派出机关，负责执行本级人民代表大会的决议和上级国家行政机关的决定和命令。" * 4
    routes = {
        "/": Response(f"<html><head><meta charset='utf-8'><title>示范镇人民政府</title></head><body>"
                      f"<div class='nav'><ul>{MENU}</ul></div><div class='main'>{SIDEBAR}</div></body></html>"),
        "/yjzj/": Response(column_page("意见征集", '<ul class="news-list"></ul>')),
        "/shfw/": Response(column_page("社会服务", '<table class="list"><tr><td>暂无信息</td></tr></table>')),
        "/gzdt/": Response(column_page("工作动态", f"<ul>{own}</ul>",
                                       side='<div class="left"><h3>公示公告</h3><p>暂无</p></div>')),
        "/jgzn/": Response(column_page("机构职能", f'<div class="article"><p>{text}</p></div>')),
        "/tzgg/": Response(column_page("通知公告", '<ul class="list" id="list"></ul>', script=JSON_LIST)),
        "/api/tzgg.json": Response("[]", content_type="application/json; charset=utf-8"),
    }
    for i in range(1, 9):
        routes[f"/news/{i}.html"] = Response(news_article(f"示范镇召开第{i}次安全生产工作会议"))
    for i in range(1, 6):
        routes[f"/gzdt/{i}.html"] = Response(news_article(f"示范镇第{i}季度重点项目推进情况"))
    return routes


def empty_columns(doc: dict) -> set[str]:
    return {f["column"] for f in doc["findings"] if f["check"] == "empty_column"}


def test_empty_columns_beside_a_populated_sidebar_without_a_browser(serve, audit):
    result = audit(serve(routes=empty_column_site()).url, "--render", "never")
    assert result.code == 0, result.stderr
    doc = result.doc
    # the empty list and the 暂无信息 table are blank although 最新动态 lists eight dated news;
    # 工作动态 (暂无 in its sidebar and footer) and 机构职能 (a page of text) are not
    assert empty_columns(doc) == {"意见征集", "社会服务"}
    # the script list whose data was never fetched is undecided, neither blank nor passed
    undecided = [u for u in doc["undecided"] if u["check"] == "empty_column"]
    assert [u["column"] for u in undecided] == ["通知公告"] and "渲染" in undecided[0]["reason"]
    assert doc["verdict"] == "待人工核实"


@pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed (see README: 渲染)")
def test_a_script_list_whose_data_is_empty_is_blank_once_rendered(serve, audit):
    site = serve(routes=empty_column_site())
    doc = audit(site.url, "--render", "auto").doc
    assert empty_columns(doc) == {"意见征集", "社会服务", "通知公告"}
    assert site.hits("/api/tzgg.json") >= 1
    assert not [u for u in doc["undecided"] if u["check"] == "empty_column"]
