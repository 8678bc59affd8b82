"""Small synthetic pages for the navigation and list layouts real portals build.

Each case is one markup class met on government portals (tests/data/realpages shows them
in the wild): drop-down panels tied to their menu item by an attribute, rich panels with
headlines and leaders, a mobile copy of the menu, a breadcrumb in a nested table, a menu
written by script, list years hidden in comments, AJAX pagers, decree numbers.
"""

from __future__ import annotations

import datetime as dt

import pytest

from portalwatch.crawler.docnumber import DocNumber
from portalwatch.crawler.extract.page import extract_page
from portalwatch.crawler.snapshot import parse_doc_numbers

REF = dt.date(2024, 6, 1)
BASE = "http://www.example.gov.cn"
URL = f"{BASE}/zwgk/index.html"

MENU = """<div class="nav"><ul>
  <li><a href="/" >首页</a></li>
  <li><a href="/zwgk/" {attr}="{ref}">政务公开</a></li>
  <li><a href="/hdjl/">互动交流</a></li>
</ul></div>"""
PANEL = """<div id="np-3" class="drop">
  <div class="tabs"><a href="/zwgk/zcjd/">政策解读</a><a href="/zwgk/tzgg/">通知公告</a></div>
  <div class="news"><a href="/zwgk/tzgg/202405/t20240512_1.html">关于开展2024年安全生产大检查工作的通知</a>
    <a href="/detail.html?docId=77">某某局召开全体干部大会部署下半年工作</a></div>
  <div class="leaders"><a href="/ld/info.html#1">王大明</a><a href="/ld/info.html#2">李 红</a>
    <a href="/ld/info.html#1"><img src="/ld/1.jpg" alt="王大明"></a></div>
</div>"""


def page(body: str, url: str = URL, as_of: dt.date = REF, head: str = "") -> dict:
    return extract_page(f"<html><head>{head}</head><body>{body}</body></html>", url, as_of=as_of)


def tree(nav) -> dict:
    return {n.name: [c.name for c in n.children] for n in nav}


# -- navigation -----------------------------------------------------------------------------


@pytest.mark.parametrize("attr, ref", [
    ("nav-panel-id", "np-3"), ("data-target", "#np-3"), ("aria-controls", "np-3"), ("data-id", "np-3"),
    ("rel", "np-3"),
])
def test_panel_placed_elsewhere_attaches_to_its_item_by_attribute(attr, ref):
    fields = page(MENU.format(attr=attr, ref=ref) + "<div class='main'><p>正文</p></div>" + PANEL)
    assert tree(fields["nav"]) == {"政务公开": ["政策解读", "通知公告"], "互动交流": []}
    links = {link.url: link for link in fields["links"]}
    assert links[f"{BASE}/zwgk/zcjd/"].nav  # the panel is template navigation ...
    assert links[f"{BASE}/zwgk/tzgg/202405/t20240512_1.html"].nav
    assert fields["list_items"] == []  # ... and its headlines are not the page's list


def test_panel_of_a_bare_menu_link_without_list_items():
    body = ("<div class='menu'><a href='/zwgk/' data-target='#p1'>政务公开</a><a href='/hdjl/'>互动交流</a></div>"
            "<div class='main'><p>正文</p></div><div id='p1'><a href='/zwgk/zcjd/'>政策解读</a></div>")
    assert tree(page(body)["nav"]) == {"政务公开": ["政策解读"], "互动交流": []}


def test_a_record_id_or_a_page_section_is_not_a_panel():
    rows = "".join(f'<li><a href="/tzgg/{n}.html">关于做好第{n}批项目申报工作的通知</a><span>2024-05-0{n}</span></li>'
                   for n in range(1, 4))
    links = "".join(f'<a href="/x/{n}.html">栏目{n}</a>' for n in range(160))
    body = ("<div class='nav'><ul><li data-id='12'><a href='/zwgk/'>政务公开</a></li>"
            "<li><a href='/tzgg/' aria-controls='main'>通知公告</a></li></ul></div>"
            f"<div id='main'><ul class='list'>{rows}</ul>{links}</div><div id='12'><a href='/a/'>某栏目</a></div>")
    fields = page(body)
    assert tree(fields["nav"]) == {"政务公开": [], "通知公告": []}
    assert len(fields["list_items"]) == 3


def test_a_toggler_naming_its_own_menu_is_not_a_panel():
    body = ("<nav class='navbar'><div id='main-nav' class='collapse'><ul>"
            "<li><a href='/zwgk/' data-target='#main-nav'>政务公开</a><ul><li><a href='/zwgk/zcjd/'>政策解读</a></li></ul></li>"
            "<li><a href='/hdjl/'>互动交流</a></li></ul></div></nav>")
    assert tree(page(body)["nav"]) == {"政务公开": ["政策解读"], "互动交流": []}


def test_panel_of_headlines_names_and_pictures_is_not_a_set_of_columns():
    panel = """<div id="np-9"><ul>
      <li><a href="/xw/202405/t20240512_1.html">市政府召开第十五次常务会议研究部署重点工作</a><span>2024-05-12</span></li>
      <li><a href="/xw/show.asp?id=2">全市防汛工作会议召开</a><span>2024-05-10</span></li></ul>
      <a href="/ld/zhang.html">张建国</a><a href="/ld/wang.html">王 强</a><a href="/ld/li.html">李晓明</a>
      <a href="/tp/1.html"><img src="/tp/1.jpg" alt="美丽乡村"></a></div>"""
    fields = page(MENU.format(attr="nav-panel-id", ref="np-9") + panel)
    assert tree(fields["nav"]) == {"政务公开": [], "互动交流": []}


def test_drop_down_inside_a_menu_item_does_not_split_the_menu():
    body = """<ul class="nav">
      <li><a href="/xwzx/">新闻中心</a><div class="navLiBox"><p><a href="/xwzx/zhxw/">综合新闻</a></p>
        <p><a href="/xwzx/yzjz/">研制进展</a></p></div></li>
      <li><a href="/gygc/">关于工程</a><div class="navLiBox"><p><a href="/gygc/gcjj/">工程简介</a></p></div></li>
    </ul>"""
    assert tree(page(body)["nav"]) == {"新闻中心": ["综合新闻", "研制进展"], "关于工程": ["工程简介"]}


def test_named_menu_items_with_a_rich_drop_down_inside_each_item():
    # Hanweb-style: ``li.nav-item > a + div.nav-drop``; the items' own class names are not
    # menus of their own, and the 新闻中心 drop-down prints its latest headlines with dates:
    # the menu stays one menu, the headlines and leaders are neither columns nor the page's list.
    news = "".join(f'<li><a href="/art/2024/5/{d}/art_1211_{d}.html">县政府召开第{d}次常务会议</a><span>2024-05-{d:02d}</span></li>'
                   for d in (12, 10, 8))
    body = f"""<div class="nav"><ul><li class="nav-home"><a href="/index.html">首页</a></li>
      <li class="nav-item"><a href="/col/col1201/">走进本县</a><div class="nav-drop">
        <div class="drop-cols"><a href="/col/col1201/">县情概况</a><a href="/col/col1202/">领导之窗</a></div>
        <ul class="drop-leaders"><li><a href="/art/2024/1/6/art_1202_880.html">县长 王建国</a></li>
          <li><a href="/art/2024/1/6/art_1202_881.html">副县长 李志强</a></li></ul></div></li>
      <li class="nav-item"><a href="/col/col1211/">新闻中心</a><div class="nav-drop">
        <div class="drop-cols"><a href="/col/col1211/">政务要闻</a><a href="/col/col1212/">部门动态</a></div>
        <ul class="drop-news">{news}</ul></div></li>
      <li class="nav-item"><a href="/col/col1221/">政务公开</a><div class="nav-drop">
        <div class="drop-cols"><a href="/col/col1222/">政策文件</a><a href="/col/col1224/">通知公告</a></div></div></li>
    </ul></div><div class="main"><p>正文</p></div>"""
    fields = page(body)
    assert tree(fields["nav"]) == {"走进本县": ["县情概况", "领导之窗"], "新闻中心": ["政务要闻", "部门动态"],
                                   "政务公开": ["政策文件", "通知公告"]}
    assert fields["list_items"] == []


def test_dated_list_named_like_a_menu_is_still_not_a_menu():
    rows = "".join(f'<li><a href="/xw/{d}.html">县政府召开第{d}次常务会议</a><span>2024-05-{d:02d}</span></li>'
                   for d in (12, 10, 8))
    body = (f"<div class='nav'><ul><li><a href='/zwgk/'>政务公开</a></li><li><a href='/hdjl/'>互动交流</a></li></ul></div>"
            f"<div class='menu-news'><ul>{rows}</ul></div>")
    assert tree(page(body)["nav"]) == {"政务公开": [], "互动交流": []}


def test_mobile_copy_of_the_menu_neither_duplicates_nor_flattens_columns():
    desktop = """<ul class="nav" id="daohang1">
      <li><a href="/xwzx/">新闻中心</a><div class="navLiBox"><a href="/xwzx/zhxw/">综合新闻</a></div></li>
      <li><a href="/zwgk/">政务公开</a><div class="navLiBox"><a href="/zwgk/zcwj/">政策文件</a></div></li></ul>"""
    mobile = """<div class="wap-nav"><ul class="wapIndex-nav">
      <li><a href="/xwzx/">新闻中心</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>"""
    for body in (desktop + mobile, mobile + desktop):
        assert tree(page(body)["nav"]) == {"新闻中心": ["综合新闻"], "政务公开": ["政策文件"]}


def test_breadcrumb_whose_crumbs_sit_in_a_nested_table():
    body = """<div class="xl_curpage"><table><tr><td>当前位置：<a href="/">首页</a></td>
      <td><table><tr><td> >> <a href="/col/1/">政务公开</a></td><td> >> <a href="/col/2/">政策文件</a></td>
      <td> >> <a href="/col/3/">市政府文件</a></td><td> >> <a href="/col/4/">其他文件</a></td></tr></table></td>
      </tr></table></div><div class="main"><p>正文内容</p></div>"""
    fields = page(body)
    assert fields["breadcrumb"] == ["首页", "政务公开", "政策文件", "市政府文件", "其他文件"]
    assert fields["nav"] == []  # the trail is not a menu


@pytest.mark.parametrize("body, status", [
    ('<script src="/script/0/2009011137364459.js"></script><div class="main"><p>正文</p></div>', "script"),
    ('<div id="menu"></div><script>document.getElementById("menu").innerHTML = menuHtml;</script>', "script"),
    ("<div class='main'><p>正文</p></div>", "not_found"),
    (MENU.format(attr="data-x", ref=""), "ok"),
])
def test_nav_status_says_when_the_menu_could_not_be_read(body, status):
    fields = page(body)
    assert fields["nav_status"] == status
    assert bool(fields["nav"]) is (status == "ok")


def test_nav_status_is_empty_when_navigation_is_not_extracted():
    html = f"<html><body>{MENU.format(attr='data-x', ref='')}</body></html>"
    assert extract_page(html, URL, as_of=REF, with_nav=False)["nav_status"] == ""


# -- lists ----------------------------------------------------------------------------------

ROW = '<li><a href="/zcfg/{n}.jhtml" title="{title}">{title}</a><span class="date">{date}</span></li>'


def _list(dates: list[str]) -> str:
    rows = "".join(ROW.format(n=n, title=f"关于印发第{n}号管理办法的通知", date=d) for n, d in enumerate(dates))
    return f"<div class='list'><ul>{rows}</ul></div>"


def test_list_year_in_an_html_comment_is_the_items_year():
    fields = page(_list(["<!-- 2018-->\n 07-04", "<!--2015-->06-16", "<!--\t2010 -->08-03"]), as_of=dt.date(2018, 7, 7))
    assert [(i.date, i.date_text) for i in fields["list_items"]] == [
        (dt.date(2018, 7, 4), "2018-07-04"), (dt.date(2015, 6, 16), "2015-06-16"), (dt.date(2010, 8, 3), "2010-08-03"),
    ]


def test_list_year_in_a_separate_element_is_the_items_year():
    dates = ["<em>2015</em>06-16", "<b>2014年</b><i>03-11</i>", "06-01"]
    items = page(_list(dates), as_of=dt.date(2018, 7, 7))["list_items"]
    assert [i.date for i in items] == [dt.date(2015, 6, 16), dt.date(2014, 3, 11), dt.date(2018, 6, 1)]


def test_a_comment_that_is_not_a_bare_year_is_left_alone():
    items = page(_list(["<!-- 更新于2015 -->06-16"]), as_of=dt.date(2018, 7, 7))["list_items"]
    assert items[0].date == dt.date(2018, 6, 16)  # no year given: implied by the as-of date


def test_ajax_pager_with_only_a_page_count_marks_the_list_partly_read():
    pager = ('<div id="pageShow"><table><tr><td>每页<span>20</span>行 共<span>29</span>行 共<span class="totalPage">2'
             '</span>页</td><td><a href="javascript:void(0);">下一页</a><a href="javascript:void(0);">末页</a></td>'
             "</tr></table></div>")
    fields = page(_list(["2024-05-12", "2024-05-01"]) + pager)
    assert (fields["pagination"], fields["list_total_pages"], fields["list_partial"]) == ([], 2, True)


def test_pager_with_page_urls_is_fully_read():
    script = '<script>createPageHTML(3, 0, "index", "html");</script>'
    fields = page(_list(["2024-05-12"]) + script)
    assert fields["list_total_pages"] == 3 and len(fields["pagination"]) == 2
    assert fields["list_partial"] is False
    single = page(_list(["2024-05-12"]) + "<div class='page'>共1页</div>")
    assert (single["list_total_pages"], single["list_partial"]) == (1, False)
    article = page("<div class='content'><p>本通知共3页，附件2份。</p></div>")
    assert (article["list_total_pages"], article["list_partial"]) == (0, False)  # no list: not a pager


# -- document numbers -----------------------------------------------------------------------


def test_decree_numbers_parse_beside_bracketed_numbers():
    text = "根据省政府令第232号、县政府令 第 12 号和国办发[2016]第80号，市政府令第５号同时废止"
    assert [str(n) for n in parse_doc_numbers(text)] == ["省政府令第232号", "县政府令第12号", "国办发〔2016〕80号",
                                                         "市政府令第5号"]
    assert parse_doc_numbers("省政府令第232号")[0] == DocNumber("省政府令", 0, 232)
    assert parse_doc_numbers("2007年第23号") == [] and parse_doc_numbers("第3号令") == []


def test_decree_number_in_the_metadata_box_is_the_pages_own():
    body = ("<table><tr><td>文号：</td><td>县政府令第12号</td></tr></table>"
            "<div class='content'><p>《某县人民政府规章》（县政府令第3号）同时废止。</p></div>")
    assert page(body)["doc_number"] == "县政府令第12号"
