"""dead_link: every cause of a dead link, and every case the contract says is not dead."""

from __future__ import annotations

import json
import socket
import sqlite3

from conftest import RESOLVER
from httpserver import Response


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_dead_link_causes_and_non_dead_cases(serve, audit, db_path):
    calls: dict[str, int] = {}

    def once_429(handler):
        calls["429"] = calls.get("429", 0) + 1
        if calls["429"] == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response("<html><title>公告</title><body>内容正文" + "。" * 50 + "</body></html>")

    def head_405(handler):
        if handler.command == "HEAD":
            return Response("", status=405)
        return Response(b"%PDF-1.4 ...", content_type="application/pdf")

    refused = closed_port()
    home = f"""<html><head><title>某某镇人民政府</title></head><body>
    <div class="content">
      <a href="/gone.html">已删除的通知</a>
      <a href="/removed.html">撤回的公告</a>
      <a href="/bad-request.html">坏请求</a>
      <a href="/broken.html">服务器错误页</a>
      <a href="http://nxdomain.test/page.html">外部失效</a>
      <a href="http://127.0.0.1:{refused}/x.html">拒绝连接</a>
      <a href="/hang.html">超时页面</a>
      <a href="/loop-a">循环跳转</a>
      <a href="/soft.html">软404</a>
      <a href="/files/report.pdf">附件</a>
      <img src="/img/missing.png" alt="缺失图片">
      <a href="/old-url">旧网址</a>
      <a href="/head405.pdf">只允许GET</a>
      <a href="/busy.html">限流后恢复</a>
      <a href="/waf.html">防火墙</a>
      <a href="mailto:gk@example.gov.cn">邮箱</a><a href="tel:0000-1234567">电话</a>
      <a href="javascript:void(0)">脚本</a><a href="#top">顶部</a>
    </div></body></html>"""
    site = serve(routes={
        "/": Response(home),
        "/gone.html": Response("not found", status=404),
        "/removed.html": Response("gone", status=410),
        "/bad-request.html": Response("bad", status=400),
        "/broken.html": Response("oops", status=500),
        "/hang.html": Response("late", delay=5),
        "/loop-a": Response("", status=302, headers={"Location": "/loop-b"}),
        "/loop-b": Response("", status=302, headers={"Location": "/loop-a"}),
        "/soft.html": Response("<html><head><title>页面不存在</title></head><body>对不起，您访问的页面不存在或已被删除。"
                               "</body></html>"),
        "/old-url": Response("", status=301, headers={"Location": "/new-url.html"}),
        "/new-url.html": Response("<html><title>新页面</title><body>" + "正文内容。" * 100 + "</body></html>"),
        "/head405.pdf": head_405,
        "/busy.html": once_429,
        "/waf.html": Response("forbidden", status=403),
    })
    result = audit(site.url, *RESOLVER)
    assert result.code == 0, result.stderr
    doc = result.doc
    dead = {f["target"]: f for f in doc["findings"] if f["check"] == "dead_link"}
    base = site.url.rstrip("/")
    expected = {
        f"{base}/gone.html": "http_404",
        f"{base}/removed.html": "http_410",
        f"{base}/bad-request.html": "http_400",
        f"{base}/broken.html": "http_500",
        "http://nxdomain.test/page.html": "dns",
        f"http://127.0.0.1:{refused}/x.html": "refused",
        f"{base}/hang.html": "timeout",
        f"{base}/loop-a": "redirect_loop",
        f"{base}/soft.html": "soft404",
        f"{base}/files/report.pdf": "http_404",
        f"{base}/img/missing.png": "http_404",
    }
    assert {t: dead[t]["evidence"]["reason"] for t in dead} == expected
    gone = dead[f"{base}/gone.html"]
    assert gone["severity"] == "major" and gone["url"] == site.url
    assert gone["evidence"]["status"] == 404 and gone["evidence"]["on_homepage"] is True
    assert gone["evidence"]["pages"] == [site.url]
    assert "HTTP 404" in gone["message"] and "已删除的通知" in gone["message"]
    # 500 is retried before it is called dead (1 try + 2 retries)
    assert site.hits("/broken.html") == 3
    # the 429 cleared on retry, and the WAF's 403 is unverifiable, not dead
    with sqlite3.connect(db_path) as db:
        verdicts = dict(db.execute("select target, verdict from links where run_id = ?", [doc["run_id"]]))
    assert verdicts[f"{base}/busy.html"] == "ok"
    assert verdicts[f"{base}/head405.pdf"] == "ok"
    assert verdicts[f"{base}/old-url"] == "ok"
    assert verdicts[f"{base}/waf.html"] == "unverifiable"
    assert not any(t.startswith(("mailto:", "tel:", "javascript:")) for t in verdicts)
    assert doc["links_unverifiable"] == 1
    evidence = json.dumps([f for f in doc["findings"] if f["check"] == "dead_link"], ensure_ascii=False)
    assert "busy.html" not in evidence and "waf.html" not in evidence


def test_soft_404_by_likeness_to_the_sites_missing_page(serve, audit):
    """A site that answers 200 for every unknown path: a link to such a path is dead."""
    missing = ("<html><head><title>某某市人民政府</title></head><body><div class='nav'>首页 政务公开 办事服务</div>"
               "<p>很抱歉，您要找的内容暂时无法显示，请返回首页继续浏览。</p><div class='footer'>主办单位：某某市人民政府办公室"
               "</div></body></html>")
    article = ("<html><head><title>关于开展政务公开工作的通知</title></head><body><div class='nav'>首页 政务公开 办事服务</div>"
               + "<p>各乡镇人民政府、各部门：为进一步推进政务公开工作，现将有关事项通知如下。</p>" * 20
               + "<div class='footer'>主办单位：某某市人民政府办公室</div></body></html>")

    def fallback(handler):
        return Response(missing)

    site = serve(routes={
        "/": Response("<html><title>首页</title><body><a href='/notice.html'>通知</a>"
                      "<a href='/deleted-article.html'>旧文章</a></body></html>"),
        "/notice.html": Response(article),
    })
    site.routes["/deleted-article.html"] = fallback
    original = site.resolve
    site.resolve = lambda handler: original(handler) or Response(missing)  # type: ignore[method-assign]
    doc = audit(site.url).doc
    dead = [f for f in doc["findings"] if f["check"] == "dead_link"]
    assert [f["target"] for f in dead] == [site.url + "deleted-article.html"]
    assert dead[0]["evidence"]["reason"] == "soft404"
