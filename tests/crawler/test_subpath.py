"""Sub-path sites: a township under its county portal's path is audited alone."""

from __future__ import annotations

import json
import sqlite3

from httpserver import Response


def html(title: str, *links: str, body: str = "") -> Response:
    anchors = "".join(f'<a href="{href}">链接{i}</a>' for i, href in enumerate(links))
    return Response(f"<html><head><title>{title}</title></head><body>{anchors}<p>{body}</p></body></html>")


def portal(serve):
    """A county portal at / with a township site under /zwgk/hqx/ (its homepage redirects to index.html)."""
    return serve(routes={
        "/": html("某某县人民政府", "/news/a.html", "/zwgk/hqx/"),
        "/news/a.html": html("县政府新闻", "/news/b.html", "/news/gone-from-county.html", body="县里的新闻"),
        "/news/b.html": html("县政府新闻二", body="只有县里链接的页面"),
        "/zwgk/hqx/": Response("", status=302, headers={"Location": "/zwgk/hqx/index.html"}),
        "/zwgk/hqx/index.html": html("红旗乡人民政府", "tzgg.html", "/news/a.html", "/news/gone.html", "/"),
        "/zwgk/hqx/tzgg.html": html("通知公告", "index.html", body="红旗乡通知公告"),
    })


def crawled(db_path, run_id: int) -> set[str]:
    db = sqlite3.connect(db_path)
    return {u for (u,) in db.execute("select url from pages where run_id = ?", [run_id])}


def test_a_sub_path_site_crawls_only_its_directory_but_checks_links_out_of_it(serve, audit, db_path):
    site = portal(serve)
    result = audit(site.url + "zwgk/hqx/")
    assert result.code == 0, result.stderr
    doc = result.doc
    pages = crawled(db_path, doc["run_id"])
    assert pages == {site.url + "zwgk/hqx/", site.url + "zwgk/hqx/tzgg.html"}  # index.html is the homepage
    assert all(p.startswith(site.url + "zwgk/hqx/") for p in pages), pages
    assert site.hits("/news/b.html") == 0  # the portal's own pages are never read for links
    dead = {f["target"]: f for f in doc["findings"] if f["check"] == "dead_link"}
    assert set(dead) == {site.url + "news/gone.html"}  # linked from inside: checked, reported
    assert dead[site.url + "news/gone.html"]["evidence"]["internal"] is False
    assert doc["scope"] == {"mode": "path", "path": "/zwgk/hqx/", "outside_pages": 3}  # a.html, gone.html, /
    probes = [p for m, p in site.requests if "portalwatch-" in p]
    assert probes and all(p.startswith("/zwgk/hqx/portalwatch-") for p in probes)


def test_scope_host_crawls_the_whole_portal(serve, audit, db_path):
    site = portal(serve)
    doc = audit(site.url + "zwgk/hqx/index.html", "--scope", "host").doc
    pages = crawled(db_path, doc["run_id"])
    assert {site.url, site.url + "news/a.html", site.url + "news/b.html"} <= pages
    dead = {f["target"] for f in doc["findings"] if f["check"] == "dead_link"}
    assert site.url + "news/gone-from-county.html" in dead
    assert doc["scope"]["mode"] == "host"
    (options,) = sqlite3.connect(db_path).execute("select options from audit_runs where id = ?", [doc["run_id"]]).fetchone()
    assert json.loads(options)["scope"] == "host"  # stored with the run
