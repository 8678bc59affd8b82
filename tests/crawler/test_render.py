"""--render: a portal whose menu and one column list are built by script from JSON endpoints.

Real Chromium (the system package); the tests skip when it is not installed. The
decision rules themselves (which pages need a browser) are tested without one.
"""

from __future__ import annotations

import json
import os
import sqlite3

import psutil
import pytest

from conftest import FAST, run_cli
from httpserver import Response

from portalwatch.crawler.render import (NO_CHROMIUM_WARNING, RenderPolicy, find_chromium, render_settings,
                                        script_built)
from portalwatch.crawler.snapshot import Link, ListItem, Page

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (see README: 渲染)")

NAV = [("工作动态", "/col/gzdt/index.html"), ("通知公告", "/col/tzgg/index.html"),
       ("乡镇概况", "/col/xzgk/index.html"), ("政策文件", "/col/zcwj/index.html")]
NAV_SCRIPT = """<script>
var xhr = new XMLHttpRequest();
xhr.open("GET", "/api/nav.json");
xhr.onload = function () {
  var html = "<ul>";
  JSON.parse(xhr.responseText).forEach(function (c) { html += '<li><a href="' + c.url + '">' + c.name + "</a></li>"; });
  document.getElementById("nav").innerHTML = html + "</ul>";
};
xhr.send();
</script>"""
LIST_SCRIPT = """<script>
fetch("/api/list.json").then(function (r) { return r.json(); }).then(function (items) {
  document.getElementById("list").innerHTML = items.map(function (it) {
    return '<li><a href="' + it.url + '">' + it.title + '</a><span class="date">' + it.date + "</span></li>";
  }).join("");
});
</script>"""
HOME = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>某某镇人民政府门户网站</title></head>
<body><div class="header"><h1>某某镇人民政府</h1></div>
<div class="nav" id="nav"></div>
<div class="main"><p>欢迎访问某某镇人民政府门户网站。</p></div>
<div class="footer">主办：某某镇人民政府</div>{NAV_SCRIPT}</body></html>"""
SCRIPT_LIST = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ColumnName" content="工作动态">
<title>工作动态</title></head><body><div class="header"><h1>某某镇人民政府</h1></div>
<div class="position">当前位置：首页 &gt; 工作动态</div>
<div class="main"><h2>工作动态</h2><ul class="list" id="list"></ul></div>{LIST_SCRIPT}</body></html>"""
ITEM = '<li><a href="{url}">{title}</a><span class="date">{date}</span></li>'


def plain_list(name: str, slug: str) -> str:
    items = "".join(ITEM.format(url=f"/col/{slug}/a{i}.html", title=f"{name}第{i}条信息标题", date=f"2026-11-{10 + i}")
                    for i in range(3))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ColumnName" content="{name}">
<title>{name}</title></head><body><div class="header"><h1>某某镇人民政府</h1></div>
<div class="main"><h2>{name}</h2><ul class="list">{items}</ul></div></body></html>"""


def article(title: str) -> str:
    body = "某某镇召开会议，研究部署近期重点工作。" * 30
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta name="PubDate" content="2026-11-15 10:00"></head><body><h1>{title}</h1><div class="content"><p>{body}</p>
</div></body></html>"""


def portal_routes() -> dict[str, Response]:
    json_type = "application/json; charset=utf-8"
    items = [{"title": f"某某镇召开第{i}次工作推进会", "url": f"/col/gzdt/2026/art{i}.html", "date": f"2026-11-{10 + i}"}
             for i in range(5)]
    routes: dict[str, Response] = {
        "/": Response(HOME),
        "/api/nav.json": Response(json.dumps([{"name": n, "url": u} for n, u in NAV], ensure_ascii=False),
                                  content_type=json_type),
        "/api/list.json": Response(json.dumps(items, ensure_ascii=False), content_type=json_type),
        "/col/gzdt/index.html": Response(SCRIPT_LIST),
        "/col/tzgg/index.html": Response(plain_list("通知公告", "tzgg")),
        "/col/zcwj/index.html": Response(plain_list("政策文件", "zcwj")),
        "/col/xzgk/index.html": Response(article("乡镇概况")),
    }
    for i in range(5):
        routes[f"/col/gzdt/2026/art{i}.html"] = Response(article(f"某某镇召开第{i}次工作推进会"))
    for slug, name in (("tzgg", "通知公告"), ("zcwj", "政策文件")):
        for i in range(3):
            routes[f"/col/{slug}/a{i}.html"] = Response(article(f"{name}第{i}条信息标题"))
    return routes


def pages_of(db_path, run_id: int) -> dict[str, sqlite3.Row]:
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    return {r["url"]: r for r in db.execute("select * from pages where run_id = ?", [run_id])}


def run_summary(db_path, run_id: int) -> dict:
    with sqlite3.connect(db_path) as db:
        return json.loads(db.execute("select summary from audit_runs where id = ?", [run_id]).fetchone()[0])


# -- with Chromium ------------------------------------------------------------------------

@needs_chromium
def test_auto_renders_the_script_menu_and_list_and_nothing_else(serve, audit, db_path):
    site = serve(routes=portal_routes())
    result = audit(site.url, "--render", "auto")
    assert result.code == 0, result.stderr
    pages = pages_of(db_path, result.doc["run_id"])
    home = pages[site.url]
    assert home["rendered"] == 1 and home["render_reason"].startswith("home_nav_script")
    # every column of the script-built menu was found and crawled
    for _, path in NAV:
        assert site.url + path.lstrip("/") in pages, path
    gzdt = pages[site.url + "col/gzdt/index.html"]
    assert gzdt["rendered"] == 1 and gzdt["render_reason"].startswith("list_script")
    assert gzdt["items"] == 5
    assert site.url + "col/gzdt/2026/art3.html" in pages  # the script list's items were followed
    # pages that show their content in the HTML are not rendered
    for path in ("col/tzgg/index.html", "col/xzgk/index.html", "col/tzgg/a1.html"):
        assert pages[site.url + path]["rendered"] == 0 and not pages[site.url + path]["render_reason"], path
    assert pages[site.url + "col/tzgg/index.html"]["items"] == 3
    assert site.hits("/col/tzgg/index.html", "GET") == 1  # fetched once, never by the browser
    summary = run_summary(db_path, result.doc["run_id"])
    assert summary["render_mode"] == "auto" and summary["render_available"] is True
    assert summary["rendered_pages"] == 2
    assert result.doc["render"]["rendered_pages"] == 2
    # the browser's JSON requests are not link checks, and the columns are not missing
    assert not [f for f in result.doc["findings"] if f["check"] == "dead_link"]
    assert not [f for f in result.doc["findings"] if f["check"] == "missing_column"
                and f["column"] in ("工作动态", "通知公告")]
    assert not [f for f in result.doc["findings"] if f["check"] == "empty_column" and f["column"] == "工作动态"]


@needs_chromium
def test_never_shows_the_difference_and_the_summary_warns(serve, db_path):
    site = serve(routes=portal_routes())
    result = run_cli("audit", site.url, "--db", str(db_path), "--as-of", "2026-11-20", "--render", "never", *FAST)
    assert result.code == 0, result.stderr
    assert "本次未启用页面渲染" in result.stdout
    assert "1 个页面的导航或列表由脚本生成" in result.stdout
    with sqlite3.connect(db_path) as db:
        run_id = db.execute("select max(id) from audit_runs").fetchone()[0]
    pages = pages_of(db_path, run_id)
    assert site.url + "col/gzdt/index.html" not in pages  # the menu exists only in the browser
    assert pages[site.url]["rendered"] == 0
    assert pages[site.url]["render_reason"].startswith("needs_render_but_off:home_nav_script")
    assert site.hits("/api/nav.json") == 0


@needs_chromium
def test_never_marks_a_script_list_that_is_reachable_in_the_html(serve, audit, db_path):
    routes = portal_routes()
    links = "".join(f'<li><a href="{u}">{n}</a></li>' for n, u in NAV)
    routes["/"] = Response(HOME.replace('<div class="nav" id="nav"></div>', f'<div class="nav"><ul>{links}</ul></div>')
                           .replace(NAV_SCRIPT, ""))
    result = audit(site_url := serve(routes=routes).url, "--render", "never")
    pages = pages_of(db_path, result.doc["run_id"])
    gzdt = pages[site_url + "col/gzdt/index.html"]
    assert gzdt["items"] == 0 and gzdt["rendered"] == 0
    assert gzdt["render_reason"].startswith("needs_render_but_off:list_script")
    assert pages[site_url]["render_reason"] == ""  # a menu in the HTML needs no browser
    assert result.doc["render"]["needed_not_rendered"] == 1


@needs_chromium
def test_always_renders_every_page_and_link_checks_stay_plain(serve, audit, db_path):
    routes = portal_routes()
    routes["/col/tzgg/index.html"] = Response(plain_list("通知公告", "tzgg").replace(
        "</ul>", '<li><a href="/gone.html">过期的通知</a><span>2026-11-01</span></li></ul>'
                 '<a href="/files/missing.pdf">附件</a>'))
    site = serve(routes=routes)
    result = audit(site.url, "--render", "always", "--set", "PORTALWATCH_RENDER_CONTEXT_PAGES=3")
    assert result.code == 0, result.stderr
    pages = pages_of(db_path, result.doc["run_id"])
    assert len(pages) == 16 and all(p["rendered"] == 1 for p in pages.values())
    assert all(p["render_reason"].startswith("always") for p in pages.values())
    dead = [f for f in result.doc["findings"] if f["check"] == "dead_link"]
    assert sorted(f["target"] for f in dead) == [site.url + "files/missing.pdf", site.url + "gone.html"]
    # checked over plain HTTP: the attachment with HEAD, the page by its crawl; never by the browser
    assert site.hits("/files/missing.pdf", "HEAD") >= 1 and site.hits("/gone.html") == 1
    assert result.doc["render"]["rendered_pages"] == 16


@needs_chromium
def test_a_slow_page_hits_the_render_limit_and_the_plain_page_stands(serve, audit, db_path):
    routes = portal_routes()
    # a script that blocks the page from loading: only the browser asks for it
    routes["/js/slow.js"] = Response("var late = 1;", content_type="application/javascript", delay=6)
    routes["/col/gzdt/index.html"] = Response(SCRIPT_LIST.replace("</head>", '<script src="/js/slow.js"></script>'
                                                                           "</head>"))
    # a statistics script that never lets the network fall quiet does not fail its page
    routes["/api/ping"] = Response("", content_type="text/plain", delay=8)
    routes["/"] = Response(HOME.replace("</body>", "<script>fetch('/api/ping')</script></body>"))
    site = serve(routes=routes)
    result = audit(site.url, "--render", "auto", "--set", "PORTALWATCH_RENDER_TIMEOUT=3")
    assert result.code == 0, result.stderr
    pages = pages_of(db_path, result.doc["run_id"])
    gzdt = pages[site.url + "col/gzdt/index.html"]
    assert gzdt["rendered"] == 0 and gzdt["render_reason"].startswith("render_failed:"), gzdt["render_reason"]
    assert "渲染超时" in gzdt["render_reason"]
    assert pages[site.url]["rendered"] == 1  # the homepage still rendered
    assert result.doc["render"]["render_failed"] == 1


@needs_chromium
def test_a_browser_crash_restarts_the_browser_and_the_crawl_continues(serve, audit, db_path):
    """The first rendered column kills the audit's Chromium (a crash, as the OOM killer would)."""
    routes = portal_routes()
    test_pid = os.getpid()
    killed: list[int] = []

    def crash_then_serve(handler):
        if not killed:
            for proc in psutil.Process(test_pid).children(recursive=True):
                try:
                    if "chrom" in proc.name().lower() and proc.parent() and \
                            "chrom" not in proc.parent().name().lower():
                        proc.kill()  # the browser's main process, started by this test's audit
                        killed.append(proc.pid)
                except psutil.Error:
                    pass
        return Response(routes_copy["/api/list.json"].body, content_type="application/json")

    routes_copy = dict(routes)
    routes["/api/list.json"] = crash_then_serve
    extra = "".join(f'<li><a href="/col/s{i}/index.html">专题{i}</a></li>' for i in range(3))
    nav = NAV + [(f"专题{i}", f"/col/s{i}/index.html") for i in range(3)]
    routes["/api/nav.json"] = Response(json.dumps([{"name": n, "url": u} for n, u in nav], ensure_ascii=False),
                                       content_type="application/json")
    for i in range(3):
        routes[f"/col/s{i}/index.html"] = Response(SCRIPT_LIST.replace("工作动态", f"专题{i}"))
    assert extra
    site = serve(routes=routes)
    result = audit(site.url, "--render", "auto", "--concurrency", "1")
    assert result.code == 0, result.stderr
    assert killed, "no browser process was found to kill"
    pages = pages_of(db_path, result.doc["run_id"])
    rendered = [u for u, p in pages.items() if p["rendered"]]
    # the homepage rendered before the crash, and later columns rendered by a new browser
    assert site.url in rendered
    assert sum(1 for i in range(3) if pages[site.url + f"col/s{i}/index.html"]["rendered"]) >= 2
    assert pages[site.url + "col/tzgg/index.html"]["items"] == 3  # plain crawling went on throughout


@needs_chromium
def test_size_limits_still_apply_to_plain_requests_when_rendering_is_on(serve, audit, db_path):
    big = "<html><head><title>大页面</title></head><body>" + "<p>很长的页面内容</p>" * 40000 + "</body></html>"
    site = serve(routes={"/": Response('<html><title>首页</title><body><a href="/big.html">大页面</a>'
                                       '<script>document.write("x")</script></body></html>'),
                         "/big.html": Response(big)})
    result = audit(site.url, "--render", "auto", "--set", "PORTALWATCH_MAX_PAGE_BYTES=100000")
    assert result.code == 0, result.stderr
    pages = pages_of(db_path, result.doc["run_id"])
    assert pages[site.url + "big.html"]["truncated"] == 1
    assert result.doc["skipped"].get("too_large") == 1


# -- without Chromium ----------------------------------------------------------------------

def test_without_chromium_auto_falls_back_to_plain_crawling_with_a_warning(serve, db_path, tmp_path):
    site = serve(routes=portal_routes())
    missing = str(tmp_path / "no-such-chromium")
    result = run_cli("audit", site.url, "--db", str(db_path), "--as-of", "2026-11-20", *FAST,
                     env={"PORTALWATCH_CHROMIUM": missing})
    assert result.code == 0, result.stderr
    assert NO_CHROMIUM_WARNING in result.stderr
    assert NO_CHROMIUM_WARNING in result.stdout
    with sqlite3.connect(db_path) as db:
        run_id = db.execute("select max(id) from audit_runs").fetchone()[0]
    pages = pages_of(db_path, run_id)
    assert pages[site.url]["rendered"] == 0
    assert pages[site.url]["render_reason"].startswith("needs_render_no_browser:home_nav_script")
    summary = run_summary(db_path, run_id)
    assert summary["render_available"] is False and summary["rendered_pages"] == 0
    result = run_cli("audit", site.url, "--db", str(db_path), "--render", "always", "--format", "json", *FAST,
                     "--set", f"PORTALWATCH_CHROMIUM={missing}")
    assert result.code == 0 and NO_CHROMIUM_WARNING in result.stderr
    assert result.doc["render"]["available"] is False


def test_render_settings_wire_the_browser_only_when_it_can_be_used(tmp_path):
    missing = {"PORTALWATCH_CHROMIUM": str(tmp_path / "none")}
    assert "DOWNLOAD_HANDLERS" not in render_settings("auto", missing)
    assert "DOWNLOAD_HANDLERS" not in render_settings("never")
    if CHROMIUM:
        wired = render_settings("auto")
        assert wired["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == CHROMIUM
        assert "--no-sandbox" in wired["PLAYWRIGHT_LAUNCH_OPTIONS"]["args"]
    assert RenderPolicy.from_settings(missing | {"PORTALWATCH_RENDER": "auto"}).available is False


# -- the decision, without a browser -------------------------------------------------------

def page(url: str = "http://x/", **fields) -> Page:
    return Page(url=url, final_url=url, status=200, **fields)


def test_auto_leaves_pages_with_their_content_alone():
    html = SCRIPT_LIST.replace('<ul class="list" id="list"></ul>', '<ul class="list" id="list">'
                               + ITEM.format(url="/a.html", title="某某镇召开会议", date="2026-11-11") + "</ul>")
    full = page(list_items=[ListItem("某某镇召开会议", "http://x/a.html")])
    assert script_built(full, html, is_home=False, is_column=True) == ""
    assert script_built(page(), SCRIPT_LIST, is_home=False, is_column=False) == ""  # not a column
    assert script_built(page(), article("通知"), is_home=False, is_column=True) == ""  # no script at all
    nav = [Link(f"http://x/c{i}.html", f"栏目{i}", nav=True) for i in range(8)]
    home_with_nav = HOME.replace('<div class="nav" id="nav"></div>', "<div class='nav'>" + "".join(
        f"<a href='{link.url}'>{link.text}</a>" for link in nav) + "</div>").replace(NAV_SCRIPT, "")
    assert script_built(page(links=nav), home_with_nav + "<script>$('#slider').html('x')</script>",
                        is_home=True, is_column=False) == ""


def test_auto_renders_script_menus_and_script_lists():
    assert script_built(page(), HOME, is_home=True, is_column=False).startswith("home_nav_script")
    written = "<html><body><script src='/js/nav.js'></script><a href='/a.html'>首页新闻</a></body></html>"
    assert script_built(page(), written, is_home=True, is_column=False).startswith("home_nav_script")
    assert script_built(page(), SCRIPT_LIST, is_home=False, is_column=True).startswith("list_script")
    jquery = SCRIPT_LIST.replace(LIST_SCRIPT, "<script>$.getJSON('/list', function (d) { $('#list').append(d) })"
                                 "</script>")
    assert script_built(page(), jquery, is_home=False, is_column=True).startswith("list_script")
    table = ("<html><body><table class='tab'><tbody id='rows'></tbody></table><script>"
             "$.ajax({url: '/getList.do', success: function (d) { render(d) }})</script></body></html>")
    assert script_built(page(), table, is_home=False, is_column=True).startswith("list_script")
    assert RenderPolicy(mode="never").needs_render(page(), HOME, True, False) == ""
    assert RenderPolicy(mode="always").needs_render(page(), "<html></html>", False, False).startswith("always")
