"""The crawl on awkward sites: script-only pagination, GBK, huge pages, traps, robots, limits."""

from __future__ import annotations

import sqlite3

from httpserver import Response

LIST_ITEM = '<li><a href="{href}" title="{title}">{title}</a><span class="date">2026-11-{day:02d}</span></li>'


def list_page(page: int, pages: int) -> str:
    items = "".join(LIST_ITEM.format(href=f"./art{page}_{i}.html", title=f"第{page}页第{i}条通知公告", day=1 + i)
                    for i in range(3))
    return f"""<html><head><meta name="ColumnName" content="通知公告"><title>通知公告</title></head><body>
    <ul class="list">{items}</ul>
    <div class="page"><script type="text/javascript">createPageHTML({pages}, {page}, "index", "html");</script></div>
    </body></html>"""


def pages_of(db_path, run_id: int) -> dict[str, sqlite3.Row]:
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    return {r["url"]: r for r in db.execute("select * from pages where run_id = ?", [run_id])}


def test_trs_pagination_reached_through_the_script_only(serve, audit, db_path):
    routes = {"/": Response('<html><title>首页</title><body><a href="/tzgg/index.html">通知公告</a></body></html>'),
              "/tzgg/index.html": Response(list_page(0, 3)),
              "/tzgg/index_1.html": Response(list_page(1, 3)),
              "/tzgg/index_2.html": Response(list_page(2, 3))}
    site = serve(routes=routes)
    doc = audit(site.url).doc
    pages = pages_of(db_path, doc["run_id"])
    assert {site.url + "tzgg/index_1.html", site.url + "tzgg/index_2.html"} <= set(pages)
    assert site.url + "tzgg/index_3.html" not in pages
    assert pages[site.url + "tzgg/index_2.html"]["items"] == 3
    # the articles listed on page 2 were found through it
    assert site.hits("/tzgg/art2_0.html") >= 1


def test_gbk_pages_stored_with_the_right_text(serve, audit, db_path):
    title = "某某镇人民政府门户网站"
    gbk_declared = f'<html><head><meta charset="gb2312"><title>{title}</title></head><body>' \
                   f'<a href="/wrong.html">政务公开</a><a href="/bare.html">乡镇概况</a></body></html>'
    wrong_header = '<html><head><title>政务公开目录</title></head><body>政务公开目录正文</body></html>'
    bare = '<html><head><title>乡镇概况</title></head><body>本镇位于某某市东部，辖十二个行政村。</body></html>'
    site = serve(routes={
        "/": Response(gbk_declared.encode("gbk"), content_type="text/html"),
        # the server claims UTF-8 but sends GBK bytes
        "/wrong.html": Response(wrong_header.encode("gbk"), content_type="text/html; charset=utf-8"),
        # no charset anywhere
        "/bare.html": Response(bare.encode("gb18030"), content_type="text/html"),
    })
    doc = audit(site.url).doc
    pages = pages_of(db_path, doc["run_id"])
    assert pages[site.url]["title"] == title
    assert pages[site.url]["encoding"].lower() == "gb18030"
    assert pages[site.url + "wrong.html"]["title"] == "政务公开目录"
    assert pages[site.url + "wrong.html"]["encoding_note"]  # the wrong declaration is reported
    assert pages[site.url + "bare.html"]["title"] == "乡镇概况"


def test_a_50_mb_page_is_cut_reported_and_not_loaded_whole(serve, audit, db_path):
    chunk = ("<p>" + "政务公开" * 4000 + "</p>\n").encode("utf-8")
    total = 50 * 1024 * 1024

    def huge(handler):
        def stream():
            sent = 0
            yield b"<html><head><title>\xe5\xb7\xa8\xe5\xa4\xa7\xe9\xa1\xb5\xe9\x9d\xa2</title></head><body>"
            while sent < total:
                yield chunk
                sent += len(chunk)
        return Response(stream=stream)

    site = serve(routes={"/": Response('<html><title>首页</title><body><a href="/huge.html">大页面</a>'
                                       '<a href="/ok.html">正常</a></body></html>'),
                         "/huge.html": huge,
                         "/ok.html": Response("<html><title>正常页面</title><body>正文</body></html>")})
    result = audit(site.url, "--set", "PORTALWATCH_MAX_PAGE_BYTES=1048576")
    assert result.code == 0, result.stderr
    doc = result.doc
    pages = pages_of(db_path, doc["run_id"])
    huge_page = pages[site.url + "huge.html"]
    assert huge_page["truncated"] == 1
    assert 1024 * 1024 <= huge_page["size"] < 4 * 1024 * 1024
    assert huge_page["title"] == "巨大页面"
    assert doc["skipped"] == {"too_large": 1}
    assert not [f for f in doc["findings"] if f["check"] == "dead_link"]
    assert site.url + "ok.html" in pages


def test_an_infinite_calendar_is_cut_off_and_reported(serve, audit, db_path):
    import datetime as dt

    def calendar(handler):
        day = dt.date.fromisoformat(handler.path.split("date=")[1])
        nxt = day + dt.timedelta(days=1)
        return Response(f'<html><title>活动日历 {day}</title><body><a href="/cal?date={nxt}">下一天</a></body></html>')

    site = serve(routes={"/": Response('<html><title>首页</title><body><a href="/cal?date=2024-01-01">日历</a>'
                                       '</body></html>'), "/cal": calendar})
    result = audit(site.url)
    assert result.code == 0
    doc = result.doc
    assert doc["pages"] <= 30
    assert doc["skipped"].get("calendar_trap") == 1


def test_robots_txt_is_honoured_unless_told_otherwise(serve, audit, db_path):
    site = serve(routes={
        "/robots.txt": Response("User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/": Response('<html><title>首页</title><body><a href="/private/p.html">内部</a></body></html>'),
        "/private/p.html": Response("<html><title>内部页面</title><body>内容</body></html>"),
    })
    doc = audit(site.url).doc
    assert site.url + "private/p.html" not in pages_of(db_path, doc["run_id"])
    assert doc["skipped"] == {"robots": 1}
    assert site.hits("/private/p.html", "GET") == 0  # checked with HEAD only
    doc = audit(site.url, "--ignore-robots").doc
    assert site.url + "private/p.html" in pages_of(db_path, doc["run_id"])


def test_max_pages_stops_crawling_but_links_are_still_checked(serve, audit, db_path):
    links = "".join(f'<a href="/p{i}.html">页面{i}</a>' for i in range(10))
    routes = {"/": Response(f"<html><title>首页</title><body>{links}</body></html>")}
    for i in range(10):
        routes[f"/p{i}.html"] = Response(f"<html><title>页面{i}</title><body>正文</body></html>")
    del routes["/p9.html"]
    site = serve(routes=routes)
    doc = audit(site.url, "--max-pages", "3").doc
    assert doc["pages"] == 3
    assert [f["target"] for f in doc["findings"] if f["check"] == "dead_link"] == [site.url + "p9.html"]
