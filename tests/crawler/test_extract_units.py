"""Small synthetic pages for each extraction rule."""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest

from portalwatch.crawler.extract.dates import date_from_url, find_dates, parse_date
from portalwatch.crawler.extract.docnum import find_doc_numbers, normalise_doc_number, own_doc_number
from portalwatch.crawler.extract.encoding import decode_html
from portalwatch.crawler.extract.page import extract_page, parse_html
from portalwatch.crawler.extract.pagination import extract_pagination

REF = dt.date(2024, 6, 1)
URL = "http://www.example.gov.cn/col/tzgg/index.html"


def page(body: str, url: str = URL, head: str = "", as_of: dt.date = REF) -> dict:
    return extract_page(f"<html><head>{head}</head><body>{body}</body></html>", url, as_of=as_of)


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2024-05-12", dt.date(2024, 5, 12)),
    ("2024/05/12", dt.date(2024, 5, 12)),
    ("2024.05.12", dt.date(2024, 5, 12)),
    ("2024年5月12日", dt.date(2024, 5, 12)),
    ("2024 年 05 月 02 日", dt.date(2024, 5, 2)),
    ("2024-5-2", dt.date(2024, 5, 2)),
    ("发布时间：2024-05-12 10:00", dt.date(2024, 5, 12)),
    ("2024-05-12 10:00:59", dt.date(2024, 5, 12)),
    ("2007-08-20-23:59:59", dt.date(2007, 8, 20)),
    ("[05-12]", dt.date(2024, 5, 12)),
    ("05-12", dt.date(2024, 5, 12)),
    ("(05-12)", dt.date(2024, 5, 12)),
    ("（5-2）", dt.date(2024, 5, 2)),
    ("[06-02]", dt.date(2023, 6, 2)),  # after the as-of date: last year
    ("12-31", dt.date(2023, 12, 31)),
])
def test_date_formats(text, expected):
    assert parse_date(text, REF) == expected


@pytest.mark.parametrize("text", [
    "2024-13-01", "2023-02-30", "2024年2月30日", "1989-05-12", "2026-01-01", "[13-01]", "02-30",
    "1-10月德清县固定资产投资", "电话 0477-2258659", "索引号 000014348/2020-35428", "t20200903_2748784",
])
def test_impossible_or_non_dates_rejected(text):
    assert parse_date(text, REF) is None


def test_find_dates_returns_matched_text_in_order():
    text = "成文日期：2023年8月21日，发布时间：2023-08-22 09:30 [08-25]"
    assert find_dates(text, REF) == [
        (dt.date(2023, 8, 21), "2023年8月21日"),
        (dt.date(2023, 8, 22), "2023-08-22 09:30"),
        (dt.date(2023, 8, 25), "[08-25]")  # year-less: the last 25 August before the as-of date,
    ]


def test_year_less_feb_29_goes_back_to_a_leap_year():
    assert parse_date("02-29", dt.date(2023, 6, 1)) == dt.date(2020, 2, 29)


def test_next_year_allowed_but_not_beyond():
    assert parse_date("2025-01-03", REF) == dt.date(2025, 1, 3)
    assert parse_date("2026-01-03", REF) is None


@pytest.mark.parametrize("url, expected", [
    ("http://x.gov.cn/a/202009/t20200903_2748784.html", dt.date(2020, 9, 3)),
    ("http://x.gov.cn/a/202009/abc.shtml", dt.date(2020, 9, 1)),
    ("http://fgw.zj.gov.cn/art/2016/11/22/art_1_2.html", dt.date(2016, 11, 22)),
    ("http://x.gov.cn/col/col123/index.html", None),
])
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


# -- document numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("岚政综〔2023〕26号", "岚政综〔2023〕26号"),
    ("鞍政办发[2018]27号", "鞍政办发〔2018〕27号"),
    ("国办发［2016］80号", "国办发〔2016〕80号"),
    ("国办秘函【2019】19号", "国办秘函〔2019〕19号"),
    ("冀政字（2020）3号", "冀政字〔2020〕3号"),
    ("冀政字(2020)第3号", "冀政字〔2020〕3号"),
    ("国发 〔２０２１〕 ７ 号", "国发〔2021〕7号"),
])
def test_bracket_styles_normalised(text, expected):
    assert find_doc_numbers(text) == [expected]
    assert normalise_doc_number(text) == expected


def test_doc_numbers_unique_in_order_with_sentence_words_trimmed():
    text = "根据国办发〔2016〕80号和鞍政办发[2018]27号，经研究决定废止岚政综（2019）59号；再次引用国办发〔2016〕80号。"
    assert find_doc_numbers(text) == ["国办发〔2016〕80号", "鞍政办发〔2018〕27号", "岚政综〔2019〕59号"]


def _own(body: str, **kw) -> str:
    return own_doc_number(parse_html(f"<html><body>{body}</body></html>"), **kw)


def test_own_number_from_labelled_field_not_from_cited_body():
    body = ("<ul><li>发文字号：<font>岚政综〔2023〕26号</font></li></ul>"
            "<div>决定废止《某通告》（岚政综〔2019〕59号）</div>")
    assert _own(body, body_text="决定废止《某通告》（岚政综〔2019〕59号）") == "岚政综〔2023〕26号"


@pytest.mark.parametrize("body", [
    "<table><tr><td>文号</td><td>冀教办〔2020〕5号</td></tr></table>",
    "<dl><dt>文 号：</dt><dd>冀教办[2020]5号</dd></dl>",
    "<p><strong>文号</strong>：冀教办（2020）5号</p>",
])
def test_own_number_label_layouts(body):
    assert _own(body) == "冀教办〔2020〕5号"


def test_explicit_none_stops_the_search():
    body = "<p><strong>文号</strong>：无</p><h1>关于转发国办发〔2016〕80号的通知</h1>"
    assert _own(body, page_title="关于转发国办发〔2016〕80号的通知") == ""


def test_own_number_from_title_area_then_body_top():
    assert _own("<h1>通知</h1><div class='subtitle'>鞍政办发〔2018〕27号</div>") == "鞍政办发〔2018〕27号"
    assert _own("<div>x</div>", body_text="各县区：鞍政发〔2018〕3号 现将有关事项通知如下") == "鞍政发〔2018〕3号"
    # a number quoted after a 《title》 is a citation, not the page's own number
    assert _own("<div>x</div>", body_text="废止《某某办法》（鞍政发〔2018〕3号）") == ""
    # an interpretation names the document it explains
    assert _own("<h1>国办发〔2016〕80号解读</h1>", meta_title="国办发〔2016〕80号解读") == ""


def test_page_cites_numbers_and_titles():
    fields = page("<div class='content'><p>根据《关于印发〈x〉的通知》和《国务院办公厅关于印发<br>"
                  "〈政府网站发展指引〉的通知》（国办发〔2017〕47号）制定。</p></div>",
                  head="<title>关于《某某办法》的解读</title>")
    assert fields["cited_doc_numbers"] == ["国办发〔2017〕47号"]
    assert fields["cited_titles"][0] == "某某办法"
    assert "关于印发〈x〉的通知" in fields["cited_titles"]


def test_nested_quoted_titles():
    fields = page("<div><p>关于《关于印发《甲》的通知》的说明</p></div>")
    assert fields["cited_titles"] == ["关于印发《甲》的通知", "甲"]


# -- pagination -----------------------------------------------------------------------------


def _pages(body: str, url: str = URL, **kw) -> list[str]:
    html = f"<html><body>{body}</body></html>"
    return extract_pagination(html, parse_html(html), url, **kw)


def test_create_page_html_four_arguments():
    pages = _pages('<script>createPageHTML(4, 0, "index", "html");</script>')
    assert pages == [f"http://www.example.gov.cn/col/tzgg/index_{i}.html" for i in (1, 2, 3)]


def test_create_page_html_from_a_later_page_includes_the_first():
    pages = _pages("<script>createPageHTML(3,2,'index','shtml')</script>", "http://x.gov.cn/a/index_2.shtml")
    assert pages == ["http://x.gov.cn/a/index.shtml", "http://x.gov.cn/a/index_1.shtml"]


def test_create_page_html_six_arguments():
    pages = _pages('<script>createPageHTML("page_div", 3, 0, "index", "htm", 57);</script>')
    assert pages == ["http://www.example.gov.cn/col/tzgg/index_1.htm", "http://www.example.gov.cn/col/tzgg/index_2.htm"]


def test_count_page_document_write_variant():
    script = ('<script>var currentPage = 1;var countPage = 3\n'
              'document.write("<a href=\\"list"+"_" + nextPage + "."+"shtml\\">下一页</a>");</script>')
    pages = _pages(script, "http://x.gov.cn/a/list_1.shtml")
    assert pages == ["http://x.gov.cn/a/list.shtml", "http://x.gov.cn/a/list_2.shtml"]


def test_single_page_and_function_definition_give_nothing():
    script = ("<script>function createPageHTML(_nPageCount,_nCurrIndex,_sPageName,_sPageExt){}"
              'createPageHTML(1,0,"t20190918_693227","shtml");</script>')
    assert _pages(script) == []


def test_bogus_count_is_capped():
    # the cap counts the list's pages, the current one included
    assert len(_pages('<script>createPageHTML(99999, 0, "index", "html");</script>')) == 499
    assert len(_pages('<script>createPageHTML(99999, 0, "index", "html");</script>', max_pages=10)) == 9


def test_plain_pager_links():
    body = ('<div class="pagination"><a href="?page=1">1</a><span>2</span><a href="?page=3">3</a>'
            '<a href="?page=3">下一页</a><a href="?page=9">尾页</a></div>'
            '<a href="/other/?page=2">2</a><a href="index_5.shtml">下一页</a><a href="/about.html">关于我们</a>')
    pages = _pages(body, "http://x.gov.cn/list/?page=2")
    assert pages == ["http://x.gov.cn/list/?page=1", "http://x.gov.cn/list/?page=3",
                     "http://x.gov.cn/list/?page=9", "http://x.gov.cn/list/index_5.shtml"]


# -- encoding -------------------------------------------------------------------------------


GBK_PAGE = '<html><head><title>政务公开</title></head><body>通知公告 暂无信息</body></html>'.encode("gbk")


def test_gbk_bytes_with_wrong_utf8_header():
    text, encoding, note = decode_html(GBK_PAGE, "utf-8")
    assert "政务公开" in text and encoding == "gb18030"
    assert note == "声明编码 utf-8 与内容不符，按 gb18030 解码"


def test_gb2312_meta_decoded_as_gb18030():
    body = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">' + GBK_PAGE
    text, encoding, note = decode_html(body, None)
    assert ("政务公开" in text, encoding, note) == (True, "gb18030", "")


def test_utf8_bytes_declared_gbk():
    body = '<meta charset="gbk"><title>政府信息公开指南</title>'.encode("utf-8")
    text, encoding, note = decode_html(body, None)
    assert "政府信息公开指南" in text and encoding == "utf-8" and "与内容不符" in note


def test_undeclared_pages_are_sniffed():
    assert decode_html(GBK_PAGE, None)[:2][1] == "gb18030"
    assert decode_html("<p>政务</p>".encode("utf-8"), None)[1] == "utf-8"
    assert decode_html(b"\xef\xbb\xbf<p>x</p>", "gbk")[:2] == ("<p>x</p>", "utf-8")


def test_truncated_utf8_body_still_utf8():
    body = ('<meta charset="utf-8">' + "政务公开" * 2000).encode("utf-8")[:-1]
    assert decode_html(body, "utf-8")[1:] == ("utf-8", "")


@pytest.mark.parametrize("body", [b"", random.Random(3000).randbytes(3000), b"\x00" * 100])
def test_decode_never_raises(body):
    text, encoding, _ = decode_html(body, "no-such-charset")
    assert isinstance(text, str) and encoding


# -- placeholders ---------------------------------------------------------------------------


def test_placeholder_in_main_content():
    fields = page("<div class='header'>网站标题</div><div class='list'><p>该栏目暂无内容！</p></div>")
    assert fields["placeholder"] == "该栏目暂无内容！"
    assert fields["list_items"] == []


@pytest.mark.parametrize("body", [
    "<div class='sidebar'><h3>热点</h3><p>暂无信息</p></div><div class='main'><p>正文内容</p></div>",
    "<div class='footer'>暂无数据</div>",
    "<ul class='nav'><li>栏目正在建设中</li></ul>",
    "<aside>暂无内容</aside>",
    "<div class='nodata' style='display: none'>暂无数据</div>",
    "<div ms-visible='list.length==0'>暂无数据</div>",
    "<ul><li><a href='/a.html'>某某项目正在建设中</a></li></ul>",
    "<p>目前该市区域内的在建项目暂无信息化改造计划，将在明年统一部署并公开征求意见。</p>",
])
def test_placeholder_outside_main_content_ignored(body):
    assert page(body)["placeholder"] == ""


# -- links ----------------------------------------------------------------------------------


def test_links_absolute_deduplicated_and_classified():
    body = """
      <a href=" ./a.html#top ">第一
         篇</a><a href="a.html">again</a>
      <a href="javascript:void(0)">x</a><a href="mailto:a@b.cn">m</a><a href="#">top</a><a href="tel:123">t</a>
      <a href="data:text/plain,x">d</a><a>no href</a>
      <a href="/files/通知.pdf">附件</a><a href="/u/x.DOCX?v=1">doc</a><a href="pic.jpg">大图</a>
      <img src="/i/logo.png" alt="标志"><iframe src="/v/map.html" title="地图"></iframe>
      <map><area href="/area.html" alt="区域"></map><embed src="/f.swf"><object data="/o.pdf"></object>
      <template><a href="/hidden.html">tpl</a></template>
      <script>document.write('<a href="/script.html">s</a>')</script>
      <!-- <a href="/comment.html">c</a> -->
    """
    links = page(body, head='<base href="http://cdn.example.gov.cn/base/">')["links"]
    got = {(link.url, link.kind): link.text for link in links}
    assert got == {
        ("http://cdn.example.gov.cn/base/a.html", "page"): "第一 篇",
        ("http://cdn.example.gov.cn/files/通知.pdf", "attachment"): "附件",
        ("http://cdn.example.gov.cn/u/x.DOCX?v=1", "attachment"): "doc",
        ("http://cdn.example.gov.cn/base/pic.jpg", "attachment"): "大图",
        ("http://cdn.example.gov.cn/i/logo.png", "image"): "标志",
        ("http://cdn.example.gov.cn/v/map.html", "frame"): "地图",
        ("http://cdn.example.gov.cn/area.html", "page"): "区域",
        ("http://cdn.example.gov.cn/f.swf", "other"): "",
        ("http://cdn.example.gov.cn/o.pdf", "attachment"): "",
    }


def test_nav_links_flagged():
    body = ("<div class='mainNav'><ul><li><a href='/zwgk/'>政务公开</a></li></ul></div>"
            "<div class='con'><a href='/zwgk/2024/t1.html'>一篇长标题的文章</a></div>")
    links = {link.url: link.nav for link in page(body)["links"]}
    assert links == {"http://www.example.gov.cn/zwgk/": True, "http://www.example.gov.cn/zwgk/2024/t1.html": False}


# -- navigation -----------------------------------------------------------------------------


def _nav(body: str) -> list[tuple]:
    def flat(nodes):
        return [(n.name, n.url.rsplit("/", 2)[-2] if n.url else None, flat(n.children)) for n in nodes]
    return flat(page(body)["nav"])


def test_nested_ul_menu_and_utility_links_dropped():
    body = """<div id="nav"><ul>
      <li><a href="/">首页</a></li>
      <li><a href="/zwgk/">政务 公开</a><ul><li><a href="/zwgk/xxgk/">政府信息公开</a>
          <ul><li><a href="/zwgk/xxgk/zcjd/">政策解读</a></li></ul></li></ul></li>
      <li><a href="/hdjl/">互动交流</a></li><li><a href="/en/">English</a></li><li><a href="/login/">登录</a></li>
    </ul></div>"""
    assert _nav(body) == [
        ("政务 公开", "zwgk", [("政府信息公开", "xxgk", [("政策解读", "zcjd", [])])]),
        ("互动交流", "hdjl", []),
    ]


def test_heading_linking_to_its_first_entry_keeps_that_entry():
    # TRS/ucap drop-downs: the group heading links to its first column's list page. That entry
    # names the page's column (政策文件) and must stay in the menu; an entry that only repeats
    # the heading (便民服务 › 便民服务, same page) is left out.
    body = """<div class="nav"><ul class="menu">
      <li class="drop"><a href="/zwgk/zcwj/">政务公开</a><ul class="sub">
        <li><a href="/zwgk/zcwj/">政策文件</a></li><li><a href="/zwgk/zcjd/">政策解读</a></li></ul></li>
      <li class="drop"><a href="/bmfw/">便民服务</a><ul class="sub"><li><a href="/bmfw/">便民 服务</a></li></ul></li>
    </ul></div>"""
    assert _nav(body) == [
        ("政务公开", "zcwj", [("政策文件", "zcwj", []), ("政策解读", "zcjd", [])]),
        ("便民服务", "bmfw", []),
    ]


def test_dl_menu_group_header_and_accordion():
    body = """<div class="menu"><dl><dt><a href="/a/">甲栏目</a></dt><dd><a href="/a/1/">甲一</a></dd>|
      <dd><span><a href="/a/2/" title="甲二">甲二</a></span></dd></dl></div>
      <div class="dhlm"><ul><li class="first"><a href="#">乙栏目</a></li><li><a href="/b/1/">乙一</a></li></ul></div>
      <div class="sideMenu"><h3><a href="/c/">丙栏目</a></h3><ul><li><a href="/c/1/">丙一</a></li></ul></div>"""
    assert _nav(body) == [
        ("甲栏目", "a", [("甲一", "1", []), ("甲二", "2", [])]),
        ("乙栏目", None, [("乙一", "1", [])]),
        ("丙栏目", "c", [("丙一", "1", [])]),
    ]


def test_menu_with_separate_dropdown_panels():
    body = """<div class="header"><div class="menu_hd"><ul role="navigation">
        <li><a href="/">首页</a></li><li><a href="/a/">甲</a></li><li><a href="/b/">乙</a></li></ul></div>
      <div class="submenu"><div></div><div><a href="/a/1/">甲一</a><a href="/a/2/">甲二</a></div>
        <div><a href="/b/1/">乙一</a></div></div></div>"""
    assert _nav(body) == [("甲", "a", [("甲一", "1", []), ("甲二", "2", [])]), ("乙", "b", [("乙一", "1", [])])]


def test_nav_blocks_merged_by_name_and_external_link_farms_ignored():
    body = """<div class="topnav"><a href="/a/">甲</a><a href="/b/">乙</a></div>
      <div class="leftnav"><ul><li><a href="/a/">甲</a><ul><li><a href="/a/1/">甲一</a></li></ul></li></ul></div>
      <div class="yqlj-menu"><a href="http://www.gov.cn/">中国政府网</a><a href="http://www.xinhuanet.com/">新华网</a></div>"""
    assert _nav(body) == [("甲", "a", [("甲一", "1", [])]), ("乙", "b", [])]


def test_with_nav_false_leaves_nav_empty():
    html = "<html><body><div class='nav'><a href='/a/'>甲</a></div></body></html>"
    assert extract_page(html, URL, as_of=REF, with_nav=False)["nav"] == []


# -- lists ----------------------------------------------------------------------------------


def test_dated_list_with_year_less_dates_and_title_attribute():
    rows = "".join(f"<li><span>[05-{d:02d}]</span><a href='/t{d}.html' title='完整标题第{d}号通知公告'>截断标题…</a></li>"
                   for d in (20, 12, 3))
    fields = page(f"<div class='header'><ul><li><a href='/x.html'>头部很长的链接文字</a><span>2024-05-30</span></li></ul></div>"
                  f"<ul class='list'>{rows}</ul>")
    items = fields["list_items"]
    assert [(i.title, i.date, i.date_text) for i in items] == [
        ("完整标题第20号通知公告", dt.date(2024, 5, 20), "[05-20]"),
        ("完整标题第12号通知公告", dt.date(2024, 5, 12), "[05-12]"),
        ("完整标题第3号通知公告", dt.date(2024, 5, 3), "[05-03]"),
    ]
    assert items[0].url == "http://www.example.gov.cn/t20.html"
    assert fields["other_items"] == []  # the header row is template, not content


def test_title_dates_are_not_item_dates_and_undated_rows_still_list():
    rows = "".join(f"<li><a href='/n{i}.html'>关于2024年5月{i}日停电检修的通知</a></li>" for i in range(1, 5))
    fields = page(f"<ul>{rows}</ul><ul><li><a href='/a.html'>短</a></li></ul>")
    assert [(i.title, i.date) for i in fields["list_items"]][:2] == [
        ("关于2024年5月1日停电检修的通知", None), ("关于2024年5月2日停电检修的通知", None)]
    assert len(fields["list_items"]) == 4


def test_column_named_article_list_is_a_list_not_a_menu():
    rows = "".join(f"<li><a href='/zwgk/art{i}.html'>关于做好第{i}批重点项目申报工作的通知</a></li>" for i in range(5))
    fields = page(f"<div class='column_list'><ul>{rows}</ul></div>")
    assert len(fields["list_items"]) == 5 and fields["nav"] == []
    assert not any(link.nav for link in fields["links"])
    assert page("<div class='column-content'><p>暂无信息</p></div>")["placeholder"] == "暂无信息"


def test_two_undated_rows_are_not_a_list():
    rows = "".join(f"<li><a href='/n{i}.html'>一篇没有日期的文章标题{i}</a></li>" for i in range(2))
    assert page(f"<ul>{rows}</ul>")["list_items"] == []


def test_largest_dated_list_is_main_and_other_dated_items_kept():
    big = "".join(f"<tr><td><a href='/b{i}.html'>主列表文章标题{i}</a></td><td>2024-04-{i + 1:02d}</td></tr>"
                  for i in range(5))
    small = "".join(f"<li><a href='/s{i}.html'>侧栏文章标题{i}</a><em>2024/03/0{i + 1}</em></li>" for i in range(2))
    fields = page(f"<ul class='news'>{small}</ul><table>{big}</table>")
    assert [i.url[-8:] for i in fields["list_items"]] == [f"/b{i}.html" for i in range(5)]
    assert [i.date for i in fields["other_items"]] == [dt.date(2024, 3, 1), dt.date(2024, 3, 2)]


# -- meta -----------------------------------------------------------------------------------


def test_meta_names_and_visible_date_precedence():
    head = ('<meta name="sitename" content="某县人民政府"><meta name="COLUMNNAME" content=" 通知 公告 ">'
            '<meta name="ColumnName" content="ignored"><meta name="Keywords" content="k"><title> 标题 </title>')
    body = ("<div class='info'><span>成文日期：2024-01-02</span><span>时间：2024-01-03</span>"
            "<span>发布时间：<b>2024-01-05 10:00</b></span></div><div class='footer'>发布日期：2024-05-30</div>")
    fields = page(body, head=head)
    assert fields["meta"] == {"SiteName": "某县人民政府", "ColumnName": "通知 公告", "keywords": "k"}
    assert fields["title"] == "标题"
    assert (fields["pub_date"], fields["pub_date_text"]) == (dt.date(2024, 1, 5), "发布时间：2024-01-05 10:00")


def test_pub_date_falls_back_to_weak_label_then_class_never_url():
    assert page("<p><i>日期：</i>2024-02-03</p>")["pub_date"] == dt.date(2024, 2, 3)
    assert page("<span class='pubtime'>2024-02-04</span>")["pub_date"] == dt.date(2024, 2, 4)
    assert page("<p>成 文 日 期：2024-02-01</p><p>发&ensp;布&ensp;日&ensp;期：2024-02-06</p>")["pub_date"] == dt.date(2024, 2, 6)
    assert page("<p>正文</p>", url="http://x.gov.cn/a/202401/t20240105_1.html")["pub_date"] is None


def test_breadcrumb_from_label_text():
    body = ("<div class='wz'>您现在的位置：<a href='/'>首页</a> &gt; <a href='/zwgk/'>政务公开</a>"
            " &gt; 通知公告</div><div>x</div>")
    assert page(body)["breadcrumb"] == ["首页", "政务公开", "通知公告"]


# -- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize("html", [
    "", "   ", "\x00\x01\x02", random.Random(20000).randbytes(20000).decode("latin-1"), "<html", "<?xml version='1.0' encoding='gbk'?><p>x</p>",
    "<div>" * 450_000 + "深" + "</div>" * 450_000,  # 5 MB of nesting
    "<a href='http://[::1'>bad url</a><a href='http://x.gov.cn:99999/'>bad port</a>",
])
def test_never_raises_on_garbage(html):
    fields = extract_page(html, URL, as_of=REF)
    assert isinstance(fields["links"], list) and isinstance(fields["nav"], list)
