"""Hanweb Jcms column pages: the list lives in ``<script type="text/xml"><datastore>`` records.

A Jcms page prints no list; ``jpage.js`` writes the CDATA records in the browser. Unread,
every Jcms column looks empty and nothing it lists is checked (the accuracy benchmark's
jcms portal: six columns called empty, three dead links missed).
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from portalwatch.crawler.extract.datastore import expand_datastores
from portalwatch.crawler.extract.page import extract_page, parse_html
from portalwatch.crawler.render_rules import script_built
from portalwatch.crawler.snapshot import Page

REF = dt.date(2025, 12, 1)
BASE = "http://rsj.example.gov.cn"
URL = f"{BASE}/col/col3011/index.html"
NAV = ('<div class="nav"><ul><li><a href="/index.html">首页</a></li><li><a href="/col/col3011/index.html">工作动态</a>'
       '</li><li><a href="/col/col3012/index.html">通知公告</a></li><li><a href="/col/col3023/index.html">意见征集</a>'
       '</li></ul></div>')
TITLES = ["市人社局召开全市就业工作推进会", "市人社局开展根治欠薪专项行动", "市人社局部署技能人才评价工作"]
DATES = ["2025-11-28", "2025-11-20", "2025-10-02"]


def _record(i: int, title: str, date: str) -> str:
    return (f'<record><![CDATA[\n<li><a href="/art/2025/11/{i}/art_3011_{700 + i}.html" target="_blank" '
            f'title="{title}">{title}</a><span class="bt-data-time">{date}</span></li>\n]]></record>')


def _page(records: str, after: str = "", nextgroup: str = "") -> str:
    store = (f'<div id="3011"><script type="text/xml"><datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup>'
             f"<recordset>{records}</recordset></datastore></script></div>")
    return (f'<html><head><meta charset="utf-8"><title>工作动态</title><script src="/module/web/jpage/jpage.js">'
            f'</script></head><body>{NAV}<div class="main"><div class="bt-position"><a href="/">首页</a> &gt; 工作动态'
            f"</div>{store}{after}</div><div class='foot'>主办单位：某市人力资源和社会保障局</div></body></html>")


RECORDS = "".join(_record(i, t, d) for i, (t, d) in enumerate(zip(TITLES, DATES), 1))
PAGER = '<script>jpage("3011", 15);</script><script>var totalRecord=3;</script>'


def test_datastore_records_are_the_pages_list_with_dates_and_links():
    fields = extract_page(_page(RECORDS, PAGER), URL, as_of=REF)
    items = fields["list_items"]
    assert [i.title for i in items] == TITLES
    assert [i.date for i in items] == [dt.date.fromisoformat(d) for d in DATES]
    assert items[0].url == f"{BASE}/art/2025/11/1/art_3011_701.html"
    page_links = {link.url for link in fields["links"] if not link.nav}
    assert {i.url for i in items} <= page_links  # the records' articles are crawled and checked
    assert (fields["list_partial"], fields["placeholder"]) == (False, "")


def test_table_records_and_escaped_records_are_read_too():
    rows = "".join(f"<record><![CDATA[<tr><td><a href='/art/{i}.html'>{t}</a></td><td>{d}</td></tr>]]></record>"
                   for i, (t, d) in enumerate(zip(TITLES, DATES)))
    assert [i.date for i in extract_page(_page(rows), URL, as_of=REF)["list_items"]] == [
        dt.date.fromisoformat(d) for d in DATES]
    escaped = "".join(f"<record>&lt;li&gt;&lt;a href='/art/{i}.html'&gt;{t}&lt;/a&gt;&lt;span&gt;{d}&lt;/span&gt;"
                      "&lt;/li&gt;</record>" for i, (t, d) in enumerate(zip(TITLES, DATES)))
    assert [i.title for i in extract_page(_page(escaped), URL, as_of=REF)["list_items"]] == TITLES
    bare = "".join(f"<record><![CDATA[<a href='/art/{i}.html'>{t}</a> {d}]]></record>"
                   for i, (t, d) in enumerate(zip(TITLES, DATES)))
    assert [i.date for i in extract_page(_page(bare), URL, as_of=REF)["list_items"]] == [
        dt.date.fromisoformat(d) for d in DATES]


def test_an_empty_recordset_is_an_empty_list_and_no_placeholder():
    fields = extract_page(_page("", '<script>jpage("3011", 15);</script><script>var totalRecord=0;</script>'), URL,
                          as_of=REF)
    assert (fields["list_items"], fields["other_items"], fields["placeholder"]) == ([], [], "")
    assert (fields["list_partial"], fields["list_total_pages"]) == (False, 0)
    assert all("/art/" not in link.url for link in fields["links"])


def test_more_records_than_the_page_carries_mark_the_list_partial():
    # the page holds the first group; jpage would ask dataproxy.jsp for the rest
    proxy = '<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=3011"></a>'
    config = "<script>$('#3011').jpage({perPage: 15, totalRecord: 66, proxyUrl: 'dataproxy.jsp'});</script>"
    fields = extract_page(_page(RECORDS, config, proxy), URL, as_of=REF)
    assert len(fields["list_items"]) == 3
    assert (fields["list_partial"], fields["list_total_pages"]) == (True, 5)
    # no record in the page but 66 in the list: not an empty column, only an unread one
    empty = extract_page(_page("", config, proxy), URL, as_of=REF)
    assert (empty["list_items"], empty["list_partial"]) == ([], True)


def test_a_page_without_datastore_is_unchanged():
    plain = ('<div class="list"><ul>' + "".join(f'<li><a href="/art/{i}.html">{t}</a><span>{d}</span></li>'
                                                 for i, (t, d) in enumerate(zip(TITLES, DATES))) + "</ul></div>")
    code = "<script>var re = /<record><!\\[CDATA\\[/; var s = '<recordset></recordset>';</script>"
    html = f"<html><head><title>t</title></head><body>{NAV}{plain}{code}</body></html>"
    root = parse_html(html)
    before = etree.tostring(root)
    stores = expand_datastores(root)
    assert (stores.blocks, stores.partial, etree.tostring(root)) == (0, False, before)  # code stays code
    with_code = extract_page(html, URL, as_of=REF)
    without = extract_page(html.replace(code, ""), URL, as_of=REF)
    for key in ("list_items", "links", "placeholder", "list_partial", "list_total_pages", "text_length"):
        assert with_code[key] == without[key], key


def _render_reason(html: str) -> str:
    fields = extract_page(html, URL, as_of=REF)
    page = Page(url=URL, final_url=URL, status=200,
                **{k: v for k, v in fields.items() if k in Page.__dataclass_fields__})
    return script_built(page, html, is_home=False, is_column=True)


def test_a_jcms_page_whose_records_are_read_is_not_sent_to_the_browser():
    writes = "<script>document.getElementById('3011').innerHTML='';jpage('3011', 15);</script>"
    assert _render_reason(_page(RECORDS, writes)) == ""
    assert _render_reason(_page("", writes + "<script>var totalRecord=0;</script>")) == ""  # truly empty
    # the same container written by script without any datastore does need a browser
    bare = re.sub(r'<script type="text/xml">.*?</script>', "", _page("", writes))
    assert _render_reason(bare).startswith("list_script")


def test_a_jcms_site_is_crawled_through_its_records(serve, audit):
    from httpserver import Response

    article = ('<html><head><meta charset="utf-8"><title>{t}</title></head><body>' + NAV +
               '<div id="zoom"><h1>{t}</h1><p>发布时间：2025-11-28</p><p>相关阅读：<a href="/art/gone.html">补充说明</a></p>'
               '</div></body></html>')
    empty = _page("", '<script>jpage("3023", 15);</script><script>var totalRecord=0;</script>')
    routes = {"/": Response(_page(RECORDS, PAGER)), "/col/col3011/index.html": Response(_page(RECORDS, PAGER)),
              "/col/col3012/index.html": Response(_page(RECORDS, PAGER).replace("art_3011", "art_3012")),
              "/col/col3023/index.html": Response(empty.replace("工作动态", "意见征集"))}
    for i, t in enumerate(TITLES, 1):
        for col in (3011, 3012):
            routes[f"/art/2025/11/{i}/art_{col}_{700 + i}.html"] = Response(article.format(t=t))
    site = serve(routes=routes)
    doc = audit(site.url, as_of=REF.isoformat()).doc
    assert site.hits("/art/2025/11/3/art_3011_703.html") >= 1  # a record's article was crawled
    dead = {f["target"] for f in doc["findings"] if f["check"] == "dead_link"}
    assert site.url + "art/gone.html" in dead
    empty_cols = {f.get("column") for f in doc["findings"] if f["check"] == "empty_column"}
    assert "工作动态" not in empty_cols and "通知公告" not in empty_cols
    assert "意见征集" in empty_cols
