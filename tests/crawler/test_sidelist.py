"""The column's own list versus a sidebar's: which list a column page shows."""

from __future__ import annotations

import datetime as dt

from portalwatch.crawler.extract.page import extract_page

AS_OF = dt.date(2026, 11, 20)
SIDEBAR = ('<div class="left"><h3>最新动态</h3><ul>' + "".join(
    f'<li><a href="/news/{i}.html">示范镇召开第{i}次安全生产工作会议</a><span>2026-11-1{i}</span></li>'
    for i in range(1, 7)) + "</ul></div>")


def column(name: str, main: str, side: str = SIDEBAR) -> dict:
    html = f"""<html><head><title>{name}_示范镇人民政府</title></head><body>
<div class="header"><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/yjzj/">意见征集</a></li>
<li><a href="/gzdt/">工作动态</a></li></ul></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; {name}</div>
<div class="container">{side}<div class="right"><h2>{name}</h2>{main}</div></div>
<div class="footer">主办：示范镇人民政府</div></body></html>"""
    return extract_page(html, "http://zf.example.gov.cn/yjzj/index.html", as_of=AS_OF)


def rows(prefix: str, n: int = 4) -> str:
    return "".join(f'<li><a href="{prefix}{i}.html">关于示范镇第{i}项规划的意见征集公告</a><span>2026-10-0{i}</span></li>'
                   for i in range(1, n + 1))


def test_an_empty_column_list_beside_a_sidebar_is_empty():
    page = column("意见征集", '<ul class="news-list"></ul>')
    assert page["list_items"] == [] and len(page["other_items"]) == 6 and page["empty_list"] == "ul.news-list"
    page = column("意见征集", '<table class="list"><tr><td>该栏目暂无内容</td></tr></table>')
    assert page["list_items"] == [] and page["placeholder"] == "该栏目暂无内容" and page["empty_list"] == "该栏目暂无内容"


def test_the_columns_own_list_is_never_taken_for_a_sidebar():
    # entries under the column's directory
    page = column("意见征集", f'<ul class="list">{rows("/yjzj/")}</ul>', side='<div class="left"><p>暂无</p></div>')
    assert len(page["list_items"]) == 4 and page["empty_list"] == ""
    # entries elsewhere (/art/...), a sidebar saying 暂无 that the layout does not recognise
    page = column("意见征集", f'<ul class="list">{rows("/art/2026/")}</ul><ul class="data-list"></ul>',
                  side='<div class="left"><h3>公示公告</h3><p>暂无</p></div>')
    assert len(page["list_items"]) == 4 and page["empty_list"] == ""
    # a column that is itself called 最新动态, beside an empty box of another column
    page = column("最新动态", f'<ul>{rows("/art/2026/")}</ul>', side='<div class="left"><h3>意见征集</h3><ul class="list"></ul></div>')
    assert len(page["list_items"]) == 4


def test_placeholder_variants():
    for text in ("暂无信息", "本栏目正在建设中", "暂无数据", "暂无记录", "没有相关信息", "信息正在完善中", "敬请期待", "暂未发布信息"):
        page = column("意见征集", f'<div class="list"><p>{text}</p></div>', side="")
        assert page["placeholder"] == text, text
