"""Memory and time stay bounded whatever a site sends: compression bombs, 2 GB "pages",
thousands of links, markup nested hundreds of levels deep, a crawl that would never end."""

from __future__ import annotations

import sqlite3
import zlib
from functools import cache

import brotli
from httpserver import Response

HOME = "<html><head><title>首页</title></head><body>{}</body></html>"
BOMB_MB = 16  # 16 times the page limit the test sets (bench/bomb_bench.py tries 10 GB)


@cache
def bomb(encoding: str) -> bytes:
    """16 MB of HTML compressed to about 70 KB."""
    head = "<html><head><title>压缩炸弹</title></head><body>".encode("utf-8")
    filler = b"<p>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</p>\n" * 20000  # ~1 MB
    if encoding == "br":
        return brotli.compress(head + filler * BOMB_MB, quality=1)
    wbits = {"gzip": 31, "deflate": 15}[encoding]
    z = zlib.compressobj(1, zlib.DEFLATED, wbits)
    return b"".join([z.compress(head)] + [z.compress(filler) for _ in range(BOMB_MB)] + [z.flush()])


def rows(db_path, sql: str, *args) -> list[sqlite3.Row]:
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    try:
        return list(db.execute(sql, args))
    finally:
        db.close()


def test_compression_bombs_are_inflated_only_up_to_the_limit(serve, audit, db_path):
    routes = {"/": Response(HOME.format('<a href="/gz.html">一</a><a href="/br.html">二</a><a href="/df.html">三</a>'
                                        '<a href="/files/report.pdf">附件</a>'))}
    for path, enc in (("/gz.html", "gzip"), ("/br.html", "br"), ("/df.html", "deflate")):
        routes[path] = Response(bomb(enc), headers={"Content-Encoding": enc})
    # an "attachment" answering with a compressed web page: the link check reads (and inflates) it
    routes["/files/report.pdf"] = Response(bomb("gzip"), headers={"Content-Encoding": "gzip"})
    site = serve(routes=routes)
    result = audit(site.url, "--set", "PORTALWATCH_MAX_PAGE_BYTES=1048576", "--set", "PORTALWATCH_PROBE_BYTES=65536")
    assert result.code == 0, result.stderr
    doc = result.doc
    pages = {r["url"]: r for r in rows(db_path, "select * from pages where run_id = ?", doc["run_id"])}
    for path in ("gz.html", "br.html", "df.html"):
        page = pages[site.url + path]
        assert page["truncated"] == 1 and page["size"] == 1048576, path
        assert page["title"] == "压缩炸弹"
    assert doc["skipped"] == {"too_large": 3}
    assert not [f for f in doc["findings"] if f["check"] == "dead_link"]
    probe = rows(db_path, "select * from links where run_id = ? and target = ?", doc["run_id"],
                 site.url + "files/report.pdf")[0]
    assert (probe["verdict"], probe["method"]) == ("ok", "GET")


def test_links_beyond_the_per_page_limit_are_not_checked_and_reported(serve, audit, db_path):
    links = "".join(f'<a href="/a/{i}.pdf">附件{i}</a>' for i in range(300))
    routes = {"/": Response(HOME.format(links))}
    routes.update({f"/a/{i}.pdf": Response(b"%PDF-1.4", content_type="application/pdf") for i in range(300)})
    site = serve(routes=routes)
    result = audit(site.url, "--set", "PORTALWATCH_MAX_LINKS_PER_PAGE=40")
    assert result.code == 0, result.stderr
    doc = result.doc
    assert doc["skipped"] == {"too_many_links": 1}
    assert doc["links_checked"] == 40 + 1  # the first 40 links, and the homepage itself
    assert sum(site.hits(f"/a/{i}.pdf") for i in range(300)) == sum(site.hits(f"/a/{i}.pdf") for i in range(40))
    skip = rows(db_path, "select * from skips where run_id = ?", doc["run_id"])[0]
    assert (skip["url"], skip["reason"]) == (site.url, "too_many_links")
    assert "300" in skip["detail"] and "260" in skip["detail"]
    summary = rows(db_path, "select summary from audit_runs where id = ?", doc["run_id"])[0]["summary"]
    assert '"links_over_limit": 260' in summary


def test_the_time_limit_ends_the_run_cut_short_with_what_it_saw(serve, audit, db_path):
    # 3,000 slow attachments: checking them would take minutes; the missing page is crawled first
    links = "".join(f'<a href="/doc/{i}.pdf">文件{i}</a>' for i in range(3000))
    routes = {"/": Response(HOME.format('<a href="/missing.html">失效</a>' + links))}
    routes.update({f"/doc/{i}.pdf": Response(b"%PDF-1.4", content_type="application/pdf", delay=0.5)
                   for i in range(3000)})
    site = serve(routes=routes)
    result = audit(site.url, "--time-limit", "3s", "--max-pages", "2")
    assert result.code == 1, result.stderr
    assert "cut_short" in result.stderr
    doc = result.doc
    assert doc["status"] == "cut_short"
    run = rows(db_path, "select * from audit_runs where id = ?", doc["run_id"])[0]
    assert run["status"] == "cut_short"
    assert '"cut_short": true' in run["summary"] and '"complete": false' in run["summary"]
    # what was seen is kept: the dead link checked first is a stored finding
    assert site.url + "missing.html" in [f["target"] for f in doc["findings"] if f["check"] == "dead_link"]
    assert rows(db_path, "select count(*) as n from run_findings where run_id = ?", doc["run_id"])[0]["n"] >= 1
    assert 2 < doc["links_checked"] < 3000
    assert rows(db_path, "pragma integrity_check")[0][0] == "ok"
    # the text summary says so too, and the exit status stays 1
    text = audit(site.url, "--time-limit", "1", "--max-pages", "2", "--format", "text")
    assert text.code == 1
    assert "未完成" in text.stdout and "cut_short" in text.stdout


def test_a_link_target_declaring_2_gb_is_unverifiable_not_dead(serve, audit, db_path):
    def declared_huge(handler):
        def stream():
            for _ in range(64):  # the client hangs up long before 2 GB
                yield b"<html><body>" + b"x" * 65536
        return Response(stream=stream, headers={"Content-Length": str(2 * 1024 ** 3)})

    site = serve(routes={"/": Response(HOME.format('<a href="/files/big.zip">大附件</a><a href="/big.html">大页面</a>')),
                         "/files/big.zip": declared_huge, "/big.html": declared_huge})
    result = audit(site.url, "--set", "PORTALWATCH_MAX_PAGE_BYTES=1048576")
    assert result.code == 0, result.stderr
    doc = result.doc
    assert not [f for f in doc["findings"] if f["check"] == "dead_link"]
    check = rows(db_path, "select * from links where run_id = ? and target = ?", doc["run_id"],
                 site.url + "files/big.zip")[0]
    assert (check["verdict"], check["reason"]) == ("unverifiable", "too_large")
    assert "2048 MB" in check["detail"] and "无法核实" in check["detail"]
    assert doc["links_unverifiable"] == 1
    # a page declaring 2 GB is read up to the page limit like any large page, not given up
    page = rows(db_path, "select * from pages where run_id = ? and url = ?", doc["run_id"], site.url + "big.html")[0]
    assert page["truncated"] == 1
    assert doc["skipped"] == {"too_large": 1}


def test_links_nested_400_levels_deep_are_read_deeper_nesting_is_reported(serve, audit, db_path):
    def nested(levels: int, href: str) -> str:
        return "<div>" * levels + f'<a href="{href}">深处</a>' + "</div>" * levels

    site = serve(routes={
        "/": Response(HOME.format('<a href="/top.html">顶层</a><a href="/deeper.html">更深</a>' + nested(400, "/deep.html"))),
        "/top.html": Response(HOME.format("顶层页面")), "/deep.html": Response(HOME.format("深处页面")),
        "/deeper.html": Response(HOME.format(nested(3000, "/lost.html"))),
    })
    result = audit(site.url)
    assert result.code == 0, result.stderr
    assert site.hits("/top.html") and site.hits("/deep.html")
    assert not site.hits("/lost.html")
    assert result.doc["skipped"] == {"markup_too_deep": 1}
    skip = rows(db_path, "select * from skips where run_id = ?", result.doc["run_id"])[0]
    assert skip["url"] == site.url + "deeper.html"


def test_a_large_page_with_a_meta_refresh_still_redirects(serve, audit, db_path):
    # meta refresh is read from the page's first 8 KB only (no decoded copy of the whole page)
    old = ('<html><head><meta http-equiv="refresh" content="0;url=/new.html"><title>旧页面</title></head><body>'
           + "<p>旧内容</p>" * 5000 + "</body></html>")
    site = serve(routes={"/": Response(HOME.format('<a href="/old.html">旧栏目</a>')), "/old.html": Response(old),
                         "/new.html": Response(HOME.format("新栏目"))})
    result = audit(site.url)
    assert result.code == 0, result.stderr
    assert site.hits("/new.html", "GET") == 1
    page = rows(db_path, "select * from pages where run_id = ? and url = ?", result.doc["run_id"], site.url + "old.html")[0]
    assert page["final_url"] == site.url + "new.html"
