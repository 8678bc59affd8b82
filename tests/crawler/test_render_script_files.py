"""--render auto on a portal whose menu and every list are filled by one script *file*
(``/js/site.js``) from JSON endpoints: the HTML holds empty boxes and a ``<script src>``,
so nothing in the page says what the script does. Real Chromium; skipped without it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from httpserver import Response

from portalwatch.crawler.extract.page import extract_page
from portalwatch.crawler.render import find_chromium, script_built
from portalwatch.crawler.snapshot import Page

needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="Chromium not installed (see README: 渲染)")

SITE_JS = """(function(){
function get(u,cb){var x=new XMLHttpRequest();x.open('GET',u);x.onload=function(){cb(JSON.parse(x.responseText));};x.send();}
get('/api/menu.json',function(m){document.getElementById('nav').innerHTML=m.map(function(c){
  return '<li><a href="'+c.url+'">'+c.name+'</a></li>';}).join('');});
var box=document.getElementById('list');
if(box){get('/api/list/'+box.getAttribute('data-col')+'.json',function(items){
  box.innerHTML=items.length?items.map(function(i){return '<li><a href="'+i.url+'">'+i.title+
  '</a><span class="date">'+i.date+'</span></li>';}).join(''):'<li class="empty">暂无信息</li>';});}
var art=document.getElementById('content');
if(art&&art.getAttribute('data-id')){get('/api/article/'+art.getAttribute('data-id')+'.json',function(a){
  art.innerHTML=a.html;});}
})();"""
# (name, slug, newest item's date or None for an empty JSON list)
COLUMNS = [("工作动态", "gzdt", "2026-11-18"), ("通知公告", "tzgg", "2026-10-01"), ("决策信息", "jcxx", None),
           ("重大项目", "zdxm", "2024-06-01"), ("财政信息", "czxx", "2026-09-01")]


def shell(title: str, main: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="header"><h1>某某镇人民政府</h1></div><div class="navbar"><ul id="nav" class="nav"></ul></div>
<div class="main">{main}</div><div class="footer">主办：某某镇人民政府</div>
<script src="/js/site.js"></script></body></html>"""


def column_page(name: str, slug: str) -> str:
    # a breadcrumb of plain text, no links: it must not be taken for the list beside it
    return shell(name, f'<div class="crumb">当前位置：首页 &gt; {name}</div>'
                       f'<ul id="list" class="list" data-col="{slug}"></ul>')


def article(title: str, date: str) -> str:
    return shell(title, f'<h1>{title}</h1><div class="info">发布时间：{date}</div>'
                        f'<div class="content"><p>{"某某镇召开会议，研究部署近期重点工作。" * 20}</p></div>')


def routes() -> dict[str, Response]:
    json_type = "application/json; charset=utf-8"
    menu = [{"name": n, "url": f"/{s}/index.html"} for n, s, _ in COLUMNS] + [{"name": "乡镇概况", "url": "/xzgk/"}]
    out = {"/": Response(shell("某某镇人民政府", '<ul id="list" data-col="gzdt"></ul>')),
           "/js/site.js": Response(SITE_JS, content_type="application/javascript"),
           "/api/menu.json": Response(json.dumps(menu, ensure_ascii=False), content_type=json_type),
           "/xzgk/": Response(article("乡镇概况", "2026-01-05"))}
    # an article whose body is written by the script: its attachment link exists only in the browser
    out["/tzgg/art1.html"] = Response(shell("通知公告第1条信息的标题", '<h1>通知公告第1条信息的标题</h1>'
                                            '<div class="content" id="content" data-id="7"></div>'))
    body = '<p>' + "现将有关事项通知如下。" * 10 + '</p><a href="/files/gone.pdf">附件：申报表.pdf</a>'
    out["/api/article/7.json"] = Response(json.dumps({"html": body}, ensure_ascii=False), content_type=json_type)
    for name, slug, newest in COLUMNS:
        items = []
        if newest:
            day = dt.date.fromisoformat(newest)
            items = [{"title": f"{name}第{i}条信息的标题", "url": f"/{slug}/art{i}.html",
                      "date": (day - dt.timedelta(days=7 * i)).isoformat()} for i in range(3)]
        out[f"/api/list/{slug}.json"] = Response(json.dumps(items, ensure_ascii=False), content_type=json_type)
        out[f"/{slug}/index.html"] = Response(column_page(name, slug))
        for item in items:
            out.setdefault(item["url"], Response(article(item["title"], item["date"])))
    return out


def pages_of(db_path, run_id: int) -> dict[str, sqlite3.Row]:
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    return {r["url"]: r for r in db.execute("select * from pages where run_id = ?", [run_id])}


@needs_chromium
def test_lists_filled_by_a_script_file_are_rendered_and_judged(serve, audit, db_path):
    site = serve(routes=routes())
    # more column renders at once than tabs per browser context: none may wait for ever
    result = audit(site.url, "--render", "auto", "--profile", "township",
                   "--set", "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT=2", "--set", "PORTALWATCH_RENDER_TIMEOUT=15")
    assert result.code == 0, result.stderr
    pages = pages_of(db_path, result.doc["run_id"])
    for name, slug, newest in COLUMNS:
        col = pages[site.url + f"{slug}/index.html"]
        assert col["rendered"] == 1 and col["render_reason"].startswith("list_script_src"), (name, col["render_reason"])
        assert col["items"] == (3 if newest else 0), name
    assert site.url + "zdxm/art2.html" in pages  # the rendered list's items were crawled
    assert pages[site.url + "xzgk/"]["rendered"] == 0  # an article page with its text: no browser
    assert pages[site.url + "gzdt/art0.html"]["rendered"] == 0
    findings = result.doc["findings"]
    assert [f["column"] for f in findings if f["check"] == "empty_column"] == ["决策信息"]
    assert [f["column"] for f in findings if f["check"] == "stale_column"] == ["重大项目"]
    assert result.doc["render"].get("render_failed", 0) == 0
    art = pages[site.url + "tzgg/art1.html"]
    assert art["rendered"] == 1 and art["render_reason"].startswith("article_script"), art["render_reason"]
    dead = [f["target"] for f in findings if f["check"] == "dead_link"]
    assert dead == [site.url + "files/gone.pdf"]  # found in the rendered body, checked over plain HTTP


def test_render_never_marks_script_file_lists_so_they_are_not_called_empty(serve, audit, db_path):
    r = routes()
    links = "".join(f'<li><a href="/{s}/index.html">{n}</a></li>' for n, s, _ in COLUMNS)
    r["/"] = Response(shell("某某镇人民政府", f'<ul class="menu">{links}</ul>'))  # the menu is in the HTML
    site = serve(routes=r)
    result = audit(site.url, "--render", "never", "--profile", "township")
    assert result.code == 0, result.stderr
    pages = pages_of(db_path, result.doc["run_id"])
    for _, slug, _ in COLUMNS:
        assert pages[site.url + f"{slug}/index.html"]["render_reason"].startswith(
            "needs_render_but_off:list_script_src"), slug
    assert not [f for f in result.doc["findings"] if f["check"] == "empty_column"]


# -- the decision and the extraction, without a browser ------------------------------------

def test_an_empty_list_box_beside_a_script_file_needs_the_browser_unless_the_html_answers():
    def judged(html: str) -> str:
        url = "http://x/jcxx/index.html"
        fields = extract_page(html, url, as_of=dt.date(2026, 11, 20), with_nav=False)
        page = Page(url=url, final_url=url, status=200, list_items=fields["list_items"],
                    placeholder=fields["placeholder"], text_length=fields["text_length"])
        return script_built(page, html, is_home=False, is_column=True)

    assert judged(column_page("决策信息", "jcxx")).startswith("list_script_src")
    # the site's own 暂无信息 in the HTML, a page of text, or no script at all: judged as it is
    said = column_page("决策信息", "jcxx").replace('data-col="jcxx"></ul>', 'data-col="jcxx"><li>暂无信息</li></ul>')
    assert judged(said) == ""
    assert judged(article("乡镇概况", "2026-01-05")) == ""
    assert judged(column_page("决策信息", "jcxx").replace('<script src="/js/site.js"></script>', "")) == ""


def test_an_empty_article_box_beside_a_script_needs_the_browser_but_a_picture_or_text_does_not():
    def judged(main: str) -> str:
        html = shell("通知", main)
        url = "http://x/tzgg/a.html"
        fields = extract_page(html, url, as_of=dt.date(2026, 11, 20), with_nav=False)
        page = Page(url=url, final_url=url, status=200, list_items=fields["list_items"],
                    placeholder=fields["placeholder"], text_length=fields["text_length"])
        return script_built(page, html, is_home=False, is_column=False)

    assert judged('<h1>通知</h1><div class="content" id="content"></div>').startswith("article_script")
    assert judged('<h1>通知</h1><div class="content"><p><img src="/a.jpg"></p></div>') == ""  # picture news
    assert judged('<h1>通知</h1><div class="content"><a href="/a.pdf">附件：通知.pdf</a></div>') == ""
    assert judged(f'<h1>通知</h1><div class="content"><p>{"现将有关事项通知如下。" * 5}</p></div>') == ""


def test_a_text_only_breadcrumb_does_not_swallow_a_short_list_beside_it():
    items = "".join(f'<li><a href="/zdxm/a{i}.html">重大项目第{i}条信息的标题</a><span class="date">2024-0{i + 1}-01</span></li>'
                    for i in range(3))
    html = column_page("重大项目", "zdxm").replace('data-col="zdxm"></ul>', f'data-col="zdxm">{items}</ul>')
    fields = extract_page(html, "http://x/zdxm/index.html", as_of=dt.date(2026, 11, 20))
    assert [i.title for i in fields["list_items"]] == [f"重大项目第{i}条信息的标题" for i in range(3)]
    assert fields["breadcrumb"] == ["重大项目"]
    # a trail that goes on in a link is still read up to its links
    linked = html.replace('<div class="crumb">当前位置：首页 &gt; 重大项目</div>',
                          '<div><span>当前位置：首页 &gt;</span><a href="/zdxm/">重大项目</a></div>')
    fields = extract_page(linked, "http://x/zdxm/index.html", as_of=dt.date(2026, 11, 20))
    assert fields["breadcrumb"] == ["重大项目"] and len(fields["list_items"]) == 3
