"""Every address a citizen's browser follows or fetches is checked, and one bad address
never costs the rest of the page (issue 9, item 3)."""

from __future__ import annotations

import socket
import sqlite3
import threading

import pytest

from httpserver import Response
from portalwatch.crawler.linkcheck import verdict_for_status

MISSING_KINDS = {
    "/m/anchor.html": '<a href="/m/anchor.html">通知</a>',
    "/m/area.html": '<map name="m"><area href="/m/area.html" alt="区域"></map>',
    "/m/img.png": '<img src="/m/img.png" alt="图">',
    "/m/srcset-2x.png": '<img src="data:image/png;base64,iVBORw0KGgo=" srcset="/m/srcset-2x.png 2x">',
    "/m/iframe.html": '<iframe src="/m/iframe.html"></iframe>',
    "/m/video.mp4": '<video src="/m/video.mp4" poster="/m/poster.jpg"></video>',
    "/m/poster.jpg": "",
    "/m/audio.mp3": '<audio src="/m/audio.mp3"></audio>',
    "/m/source.webm": '<video><source src="/m/source.webm"><track src="/m/track.vtt"></video>',
    "/m/track.vtt": "",
    "/m/picture.webp": '<picture><source srcset="/m/picture.webp"><img src="data:image/gif;base64,R0lGOD=="></picture>',
    "/m/embed.swf": '<embed src="/m/embed.swf">',
    "/m/object.pdf": '<object data="/m/object.pdf"></object>',
    "/m/style.css": "",
    "/m/icon.ico": "",
    "/m/touch.png": "",
    "/m/inline-bg.png": '<div style="background: url(\'/m/inline-bg.png\') no-repeat">背景</div>',
    "/m/block-bg.png": "",
    "/m/import.css": "",
    "/m/refresh.html": "",
}
HEAD = """<link rel="stylesheet" href="/m/style.css"><link rel="shortcut icon" href="/m/icon.ico">
<link rel="apple-touch-icon" href="/m/touch.png"><meta http-equiv="refresh" content="30; url=/m/refresh.html">
<style>/* url(/m/commented-out.png) */ .banner { background-image: url("/m/block-bg.png"); }
@import '/m/import.css';</style>"""


def test_every_kind_of_link_to_a_missing_resource_is_dead(serve, audit):
    body = "\n".join(tag for tag in MISSING_KINDS.values() if tag)
    page = f"<html><head><title>专题页</title>{HEAD}</head><body>{body}</body></html>"
    site = serve(routes={"/": Response("<html><head><title>某某县人民政府</title></head><body>"
                                       "<a href='/all.html'>专题</a></body></html>"),
                         "/all.html": Response(page)})
    doc = audit(site.url).doc
    dead = {f["target"]: f["evidence"]["reason"] for f in doc["findings"] if f["check"] == "dead_link"}
    base = site.url.rstrip("/")
    assert dead == {base + path: "http_404" for path in MISSING_KINDS}
    assert site.hits("/all.html") == 1  # read as a page although it refreshes after 30 s
    # the data: images are not links, and a url() inside a CSS comment is never fetched
    assert site.hits("/m/commented-out.png") == 0


def test_a_page_with_a_delayed_refresh_is_read_and_its_links_checked(serve, audit):
    site = serve(routes={
        "/": Response("<html><head><title>首页</title></head><body><a href='/wait.html'>过渡页</a></body></html>"),
        "/wait.html": Response("<html><head><meta http-equiv='refresh' content='5;URL=/target.html'>"
                               "<title>即将跳转</title></head><body><a href='/wait-gone.html'>旧链接</a></body></html>"),
        "/target.html": Response("<html><head><title>目标页</title></head><body><a href='/target-gone.html'>x</a>"
                                 "</body></html>"),
    })
    doc = audit(site.url).doc
    dead = {f["target"] for f in doc["findings"] if f["check"] == "dead_link"}
    assert dead == {site.url + "wait-gone.html", site.url + "target-gone.html"}


def test_an_immediate_refresh_is_followed_as_the_page(serve, audit):
    site = serve(routes={
        "/": Response("<html><head><meta http-equiv='refresh' content='0; url=/index/main.html'></head></html>"),
        "/index/main.html": Response("<html><head><title>某某市人民政府</title></head><body>"
                                     "<a href='/gone.html'>失效</a></body></html>"),
    })
    doc = audit(site.url).doc
    assert [f["target"] for f in doc["findings"] if f["check"] == "dead_link"] == [site.url + "gone.html"]


MALFORMED = ["http://localhost]", "http://", "https:/", "ht!tp://x", "http://exa mple.com/", "http://host:99999/"]


def test_malformed_hrefs_are_dead_and_never_stop_the_page(serve, audit):
    bad = "".join(f'<a href="{href}">坏地址{n}</a>' for n, href in enumerate(MALFORMED))
    home = (f"<html><head><title>某某镇人民政府</title></head><body>{bad}"
            "<a href='  /ok.html  '>前后有空格</a><a href='/a b.html'>路径有空格</a>"
            "<a href='/missing.html'>已删除</a></body></html>")
    site = serve(routes={"/": Response(home), "/ok.html": Response("<html><title>好</title><body>正文</body></html>"),
                         "/a%20b.html": Response("<html><title>好</title><body>正文</body></html>")})
    result = audit(site.url)
    doc = result.doc
    dead = {f["target"]: f for f in doc["findings"] if f["check"] == "dead_link"}
    assert {t: f["evidence"]["reason"] for t, f in dead.items()} == {
        **{href: "malformed_url" for href in MALFORMED}, site.url + "missing.html": "http_404"}
    port = dead["http://host:99999/"]
    assert port["evidence"]["reason_text"] == "链接地址格式错误"
    assert "端口号“99999”无效" in port["message"] and "坏地址5" in port["message"]
    assert "空格" in dead["http://exa mple.com/"]["message"]
    assert "page_error" not in doc["skipped"]
    assert site.hits("/ok.html") == 1 and site.hits("/a%20b.html") == 1


@pytest.mark.parametrize("location", ["ftp://files.example.gov.cn/report.doc", "file:///C:/docs/report.doc"])
def test_a_redirect_to_a_non_web_address_is_dead(serve, audit, db_path, location):
    site = serve(routes={
        "/": Response("<html><head><title>首页</title></head><body><a href='/dl'>下载</a>"
                      "<a href='/files/x.pdf'>附件</a><a href='/contact'>联系我们</a><a href='/app'>客户端</a>"
                      "</body></html>"),
        "/dl": Response("", status=302, headers={"Location": location}),
        "/files/x.pdf": Response("", status=301, headers={"Location": location}),
        "/contact": Response("", status=302, headers={"Location": "mailto:gk@example.gov.cn"}),
        "/app": Response("", status=302, headers={"Location": "weixin://dl/business"}),
    })
    doc = audit(site.url).doc
    dead = {f["target"]: f for f in doc["findings"] if f["check"] == "dead_link"}
    assert set(dead) == {site.url + "dl", site.url + "files/x.pdf"}, {t: f["evidence"] for t, f in dead.items()}
    with sqlite3.connect(db_path) as db:
        verdicts = dict(db.execute("select target, verdict from links where run_id = ?", [doc["run_id"]]))
    # a redirect to the mail app works like a mailto: link; an app link cannot be judged here
    assert verdicts[site.url + "contact"] == "ok" and verdicts[site.url + "app"] == "unverifiable"
    scheme = location.split(":", 1)[0]
    for finding in dead.values():
        assert finding["evidence"]["reason"] == "bad_redirect"
        assert f"{scheme}:" in finding["evidence"]["detail"] and "非网页地址" in finding["message"]


def interim_only_server(status: bytes, hang: bool) -> tuple[socket.socket, str]:
    """A server that answers every request with an interim ``1xx`` status and nothing else."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def serve_forever() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 " + status + b"\r\n\r\n")
                if hang:
                    conn.recv(65536)  # until the client gives up
            except OSError:
                pass
            conn.close()

    threading.Thread(target=serve_forever, daemon=True).start()
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}/"


def test_an_answer_that_never_gets_past_1xx_is_dead(serve, audit):
    servers = [interim_only_server(b"100 Continue", hang=False), interim_only_server(b"100 Continue", hang=True),
               interim_only_server(b"101 Switching Protocols", hang=False)]
    try:
        links = "".join(f"<a href='{url}page.html'>外部{n}</a>" for n, (_, url) in enumerate(servers))
        site = serve(routes={"/": Response(f"<html><head><title>首页</title></head><body>{links}</body></html>")})
        doc = audit(site.url).doc
    finally:
        for listener, _ in servers:
            listener.close()
    dead = {f["target"] for f in doc["findings"] if f["check"] == "dead_link"}
    assert dead == {url + "page.html" for _, url in servers}


def test_the_status_table():
    """Dead, unverifiable or ok, as the README's table says."""
    table = {100: "dead", 101: "dead", 199: "dead", 200: "ok", 204: "ok", 304: "ok", 400: "dead", 404: "dead",
             410: "dead", 401: "unverifiable", 403: "unverifiable", 407: "unverifiable", 412: "unverifiable",
             429: "unverifiable", 451: "unverifiable", 999: "unverifiable", 500: "dead", 503: "dead"}
    assert {status: verdict_for_status(status) for status in table} == table


def read(spider, url: str, html: str) -> list:
    """Run the spider's page callback on a real response, as Scrapy would."""
    import asyncio

    from scrapy import Request
    from scrapy.http import HtmlResponse

    request = Request(url, meta={"pw_url": url, "pw_depth": 1})
    response = HtmlResponse(url, body=html.encode("utf-8"), request=request,
                            headers={"Content-Type": "text/html; charset=utf-8"})

    async def collect() -> list:
        return [r async for r in spider.parse_page(response)]

    return asyncio.run(collect())


def inline_spider():
    from portalwatch.crawler.analysis import Analyser
    from portalwatch.crawler.traps import TrapGuard
    from portalwatch.crawler.spider import PortalSpider

    spider = PortalSpider(start_url="http://www.example.gov.cn/", as_of="2026-11-20")
    spider.max_pages, spider.probe_bytes, spider.timeout, spider.max_links = 100, 65536, 2.0, 5000
    spider.traps, spider.analyser = TrapGuard(), Analyser(0)
    return spider


def test_an_exception_while_reading_a_page_is_recorded_and_the_rest_goes_on(monkeypatch):
    """Fault injection: whatever unforeseen bug strikes, the run says so (``page_error``)
    and the page's other links are still checked."""
    import portalwatch.crawler.spider as spider_module

    real_key = spider_module.url_key

    def url_key(url: str) -> str:
        if "poison" in url:
            raise RuntimeError("boom in follow")
        return real_key(url)

    monkeypatch.setattr(spider_module, "url_key", url_key)
    spider = inline_spider()
    page = "http://www.example.gov.cn/a.html"
    requests = read(spider, page, "<html><title>t</title><body><a href='/poison.html'>1</a>"
                                  "<a href='/after.html'>2</a></body></html>")
    assert [r.url for r in requests] == ["http://www.example.gov.cn/after.html"]
    skips = [(s.url, s.reason) for s in spider.collector.snapshot.skips]
    assert skips == [(page, "page_error")]
    assert "boom in follow" in spider.collector.snapshot.skips[0].detail

    import portalwatch.crawler.extract.page as page_module

    def broken(*args, **kwargs):
        raise ValueError("boom in links")

    monkeypatch.setattr(page_module, "extract_links", broken)
    spider = inline_spider()
    read(spider, page, "<html><title>t</title><body><a href='/x.html'>x</a></body></html>")
    assert [(s.reason, "boom in links" in s.detail) for s in spider.collector.snapshot.skips] == [("page_error", True)]


def test_addresses_are_read_as_a_browser_reads_them():
    from portalwatch.crawler.extract.links import link_target, refresh_url, srcset_urls

    page = "http://www.example.gov.cn/xxgk/index.html"
    assert link_target(page, "  /a.html\n") == "http://www.example.gov.cn/a.html"
    # the space is encoded (the downloader encodes the rest of the path, as a browser does)
    assert link_target(page, "通知 2026.html") == "http://www.example.gov.cn/xxgk/通知%202026.html"
    assert link_target(page, "http://exa\nmple.gov.cn/") == "http://example.gov.cn/"
    assert link_target(page, "http:/zwgk/") == "http://www.example.gov.cn/zwgk/"  # same scheme: a path
    assert [link_target(page, h) for h in ("#top", "mailto:a@b.cn", "javascript:;", "data:image/png;base64,AA")] == \
        [None] * 4
    assert srcset_urls("/i.jpg?x-oss-process=image/resize,w_100 1x, /j.jpg 2x") == \
        ["/i.jpg?x-oss-process=image/resize,w_100", "/j.jpg"]
    assert refresh_url("3; URL='/next.html'") == "/next.html" and refresh_url("5") is None


def test_a_splash_homepage_is_read_and_forwards_to_the_real_homepage(serve, audit, db_path):
    site = serve(routes={
        "/": Response("<html><head><meta http-equiv='refresh' content='3; url=/portal/index.html'>"
                      "<title>欢迎</title></head><body><a href='/portal/index.html'>进入主站</a>"
                      "<img src='/splash-gone.jpg' alt='欢迎图'></body></html>"),
        "/portal/index.html": Response("<html><head><title>某某市人民政府</title></head><body>"
                                       "<a href='/portal/gone.html'>失效</a></body></html>"),
    })
    doc = audit(site.url).doc
    dead = {f["target"] for f in doc["findings"] if f["check"] == "dead_link"}
    assert dead == {site.url + "splash-gone.jpg", site.url + "portal/gone.html"}
    with sqlite3.connect(db_path) as db:
        pages = dict(db.execute("select url, final_url from pages where run_id = ?", [doc["run_id"]]))
    assert pages == {site.url: site.url + "portal/index.html"}  # the homepage is the page citizens land on
    assert site.hits("/portal/index.html") == 1
