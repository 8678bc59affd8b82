"""Security of the web workplace against the real server: every route needs a user, roles hold on the
pages and the API, state changes need the CSRF token, cookies and CSP are strict, private targets
are refused, logins are throttled."""

from __future__ import annotations

import re
from contextlib import closing

import pytest
from fastapi.routing import APIRoute
from web_helpers import HOSTILE, PASSWORDS, TOWN, web  # noqa: F401  (fixture)

from portalwatch.scheduler.service import TargetRefused, check_target

PUBLIC = {"/login", "/healthz"}


def _path(route: APIRoute) -> str:
    return re.sub(r"\{[^}]+\}", "1", route.path)


def test_every_route_refuses_an_anonymous_request(web):  # noqa: F811
    routes = [r for r in web.app.routes if isinstance(r, APIRoute)]
    assert len(routes) > 25
    with web.anonymous() as client:
        for route in routes:
            if route.path in PUBLIC:
                continue
            for method in route.methods:
                r = client.request(method, _path(route), data={"reason": "x", "url": "http://a/"})
                if route.path.startswith("/api/"):
                    assert r.status_code == 401, (method, route.path, r.status_code)
                    assert r.json()["error"] == "请先登录"
                else:
                    assert r.status_code == 303 and r.headers["location"].startswith("/login"), (method, route.path)
            # and every route names its least role (web/auth.py need())
            roles = [getattr(d.call, "role", None) for d in route.dependant.dependencies]
            assert any(roles), route.path
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/static/htmx.min.js").status_code == 200
        assert client.get("/api/sites", headers={"Authorization": "Bearer pw_not-a-token"}).status_code == 401
        assert client.get("/", cookies={"pw_session": "forged.value.sig"}).status_code == 303


def test_roles_hold_on_pages_and_api(web):  # noqa: F811
    with web.api("viewer") as viewer:
        assert viewer.get("/api/sites").status_code == 200
        r = viewer.post("/api/audits", json={"url": web.town.url})
        assert r.status_code == 403 and "权限不足" in r.json()["error"]
        assert viewer.post("/api/findings/1/ignore", json={"reason": "x"}).status_code == 403
        assert viewer.post(f"/api/sites/{TOWN}/notice", json={"send": False}).status_code == 403
    with web.api("inspector") as inspector:
        r = inspector.post("/api/sites", json={"name": "新站", "url": "http://new.example.gov.cn/"})
        assert r.status_code == 403
        assert inspector.get("/admin").status_code == 403
    client, csrf = web.session("viewer")
    with closing(client):
        r = client.post("/audits", data={"url": web.town.url, "profile": "township", "csrf": csrf})
        assert r.status_code == 403 and "权限不足" in r.text
        assert client.get("/admin").status_code == 403
        assert "临时检查" in client.get("/audits").text and 'id="start-audit"' not in client.get("/audits").text


def test_state_changes_need_the_csrf_token(web):  # noqa: F811
    client, csrf = web.session("admin")
    with closing(client):
        for path, data in (("/audits", {"url": web.town.url}), ("/admin/sites", {"name": "x", "url": "http://x.cn/"}),
                           ("/logout", {})):
            assert client.post(path, data=data).status_code == 403, path
            assert client.post(path, data={**data, "csrf": "wrong"}).status_code == 403, path
        # the API with a session cookie needs the header as well; with a token it needs none
        assert client.post("/api/audits", json={"url": web.town.url}).status_code == 403
        r = client.post("/admin/sites", data={"name": "新登记站", "url": "http://xin.example.gov.cn/", "csrf": csrf})
        assert r.status_code == 303
        r = client.post("/admin/sites/新登记站/enabled", data={"enabled": "0"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 303
        cookie = client.cookies.get("pw_session")
        with web.anonymous() as other:
            assert other.get("/", cookies={"pw_session": cookie}).status_code == 200
        assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    with web.anonymous() as other:  # a copy of the session cookie is dead after logout
        assert other.get("/", cookies={"pw_session": cookie}).status_code == 303
    with web.api("admin") as api:
        added = {s["name"]: s for s in api.get("/api/sites").json()}
        assert added["新登记站"]["enabled"] is False


def test_cookies_and_headers(web):  # noqa: F811
    with web.anonymous() as client:
        login = client.get("/login")
        csp = login.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert login.headers["x-frame-options"] == "DENY"
        token = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
        r = client.post("/login", data={"name": "viewer", "password": PASSWORDS["viewer"], "csrf": token})
        cookie = r.headers["set-cookie"]
        assert "pw_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = client.get("/").text
        assert "<script>" not in page.replace('<script src="/static/htmx.min.js"></script>', "")
        assert " style=" not in page  # no inline styles either: the CSP has no unsafe-inline
        assert not re.search(r"<[^>]+\son[a-z]+=", page)  # no inline event handlers
        # a forged or foreign login form is refused
        r = client.post("/login", data={"name": "viewer", "password": PASSWORDS["viewer"], "csrf": "forged"})
        assert r.status_code == 403


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/", "http://localhost/", "http://10.1.2.3/",
                                 "http://192.168.1.1/", "http://169.254.169.254/latest/", "http://[::1]/",
                                 "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/"])
def test_private_targets_are_refused(url, monkeypatch):
    monkeypatch.delenv("PORTALWATCH_WEB_ALLOW_PRIVATE", raising=False)
    with pytest.raises(TargetRefused, match="内网|本机"):
        check_target(url)


def test_loopback_audit_refused_by_default_and_only_http(web, monkeypatch):  # noqa: F811
    with web.api("inspector") as api:
        monkeypatch.delenv("PORTALWATCH_WEB_ALLOW_PRIVATE")
        r = api.post("/api/audits", json={"url": web.town.url})
        assert r.status_code == 400 and "内网" in r.json()["error"]
        for bad in ("file:///etc/passwd", "ftp://127.0.0.1/", "javascript:alert(1)"):
            r = api.post("/api/audits", json={"url": bad})
            assert r.status_code == 400, bad
        monkeypatch.setenv("PORTALWATCH_WEB_ALLOW_PRIVATE", "1")
        assert api.post("/api/audits", json={"url": "ftp://127.0.0.1/"}).status_code == 400


def test_login_is_throttled(web):  # noqa: F811
    """Five wrong passwords for a user: the right one is refused too, for the window."""
    from fastapi.testclient import TestClient

    from portalwatch.web.app import create_app

    client = TestClient(create_app(web.db), follow_redirects=False)

    def attempt(password: str) -> int:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        return client.post("/login", data={"name": "viewer", "password": password, "csrf": token}).status_code

    assert [attempt("wrong-password") for _ in range(5)] == [401] * 5
    assert attempt(PASSWORDS["viewer"]) == 429


def test_hostile_registry_text_is_escaped_in_html(web):  # noqa: F811
    client, _ = web.session("viewer")
    with closing(client):
        html = client.get(f"/sites/{HOSTILE}").text
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "{{7*7}}" in html


# -- the JSON API of docs/contract.md, with tokens ------------------------------------------

CONTRACT_ROUTES = {("GET", "/api/sites"), ("POST", "/api/sites"), ("GET", "/api/sites/{name}/findings"),
                   ("POST", "/api/findings/{finding_id}/ignore"), ("POST", "/api/audits"),
                   ("GET", "/api/audits/{audit_id}"), ("POST", "/api/sites/{name}/notice"),
                   ("GET", "/api/openapi.json")}


def test_api_sites_findings_ignore_and_notice(web):  # noqa: F811
    with web.api("inspector") as api:
        sites = {s["name"]: s for s in api.get("/api/sites").json()}
        town = sites[TOWN]
        assert town["last_run"]["status"] == "complete" and town["score"] is not None
        assert town["open"].get("missing_column", 0) >= 1 and town["region"] == "东区"

        found = api.get(f"/api/sites/{TOWN}/findings", params={"status": "new"}).json()
        assert found and all(f["status"] == "new" and f["first_seen"] and f["last_seen"] for f in found)
        assert {"id", "check", "severity", "url", "message", "evidence", "check_title"} <= set(found[0])
        assert api.get(f"/api/sites/{TOWN}/findings", params={"status": "bogus"}).status_code == 400
        assert api.get("/api/sites/不存在/findings").status_code == 404

        r = api.post(f"/api/findings/{found[0]['id']}/ignore", json={"reason": "误报：栏目在二级导航"})
        assert r.status_code == 200 and r.json()["status"] == "ignored"
        ignored = api.get(f"/api/sites/{TOWN}/findings", params={"status": "ignored"}).json()
        assert [f["id"] for f in ignored] == [found[0]["id"]] and ignored[0]["ignored_reason"] == "误报：栏目在二级导航"
        assert api.post(f"/api/findings/{found[1]['id']}/ignore", json={"reason": " "}).status_code == 400
        assert api.post("/api/findings/nope/ignore", json={"reason": "x"}).status_code == 404

        r = api.post(f"/api/sites/{TOWN}/notice", json={"send": False})
        assert r.status_code == 200, r.text
        notice = r.json()
        assert notice["status"] == "draft" and notice["html_url"] == f"/notices/{notice['notice_id']}/html"
        doc = api.get(notice["html_url"])
        assert doc.status_code == 200 and "限期整改的通知" in doc.text
        assert "sandbox" in doc.headers["content-security-policy"]
    with web.api("admin") as api:
        body = {"name": "接口站", "url": "http://jiekou.example.gov.cn/", "profile": "county", "unit": "某县政府",
                "emails": ["a@example.gov.cn"]}
        assert api.post("/api/sites", json=body).json()["action"] == "added"
        assert api.post("/api/sites", json=body).json()["action"] == "unchanged"
        r = api.post("/api/sites", json={**body, "name": "坏站", "url": "ftp://x/"})
        assert r.status_code == 400 and "http" in r.json()["error"]


def test_api_audits_queue_and_finish(web):  # noqa: F811
    """Ad-hoc audits via the API: at most PORTALWATCH_WEB_MAX_AUDITS (2) run, the third waits queued;
    each ends ``done`` with the audit's JSON document."""
    with web.api("inspector") as api:
        ids = [api.post("/api/audits", json={"url": web.town.url, "profile": "township", "as_of": "2026-11-20"})
               .json()["id"] for _ in range(3)]
        states = [api.get(f"/api/audits/{i}").json()["state"] for i in ids]
        assert states[:2] == ["running", "running"] and states[2] == "queued", states
        assert api.post("/api/audits", json={"url": web.town.url, "as_of": "2026-13-45"}).status_code == 400
        assert api.get("/api/audits/99999").status_code == 404
    docs = [web.wait_audit(i) for i in ids]
    for doc in docs:
        assert {"id", "state", "pages", "links", "run_id", "result"} <= set(doc)
        assert doc["state"] == "done", doc["error"]
        assert doc["result"]["run_id"] == doc["run_id"] and doc["result"]["pages"] == doc["pages"] > 10
        assert doc["links"] > 0 and any(f["check"] == "missing_column" for f in doc["result"]["findings"])


def test_openapi_describes_the_contract(web):  # noqa: F811
    with web.api("viewer") as api:
        spec = api.get("/api/openapi.json").json()
    listed = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert CONTRACT_ROUTES <= listed
    assert all(p.startswith("/api/") for _, p in listed)  # the pages are not part of the API
    assert "AuditIn" in spec["components"]["schemas"]


def test_admin_registry_users_and_runs_pages(web):  # noqa: F811
    client, csrf = web.session("admin")
    with closing(client):
        csv = "name,url,profile,unit,emails\n导入镇,http://daoru.example.gov.cn/,township,导入镇政府,a@x.gov.cn;b@x.gov.cn\n" \
              "坏行,not a url,township,,\n"
        r = client.post("/admin/sites/import", data={"csrf": csrf},
                        files={"file": ("sites.csv", csv.encode("utf-8"), "text/csv")})
        assert r.status_code == 303
        page = client.get(r.headers["location"]).text
        assert "新增 1 个" in page and "出错 1 行" in page and "第 3 行" in page and "导入镇" in page
        r = client.post("/admin/sites", data={"csrf": csrf, "name": "导入镇", "url": "http://daoru.example.gov.cn/",
                                              "region": "北区"})
        assert "已更新" in client.get(r.headers["location"]).text
        r = client.post("/admin/users", data={"csrf": csrf, "name": "新检查员", "role": "inspector",
                                              "password": "long-enough-1"})
        assert "已添加用户" in client.get(r.headers["location"]).text
        assert client.post("/admin/users", data={"csrf": csrf, "name": "短", "role": "viewer",
                                                 "password": "short"}).status_code == 400
        runs = client.get("/runs").text
        assert TOWN in runs and "完成" in runs
    with web.api("admin") as api:
        site = {s["name"]: s for s in api.get("/api/sites").json()}["导入镇"]
        assert site["region"] == "北区" and site["emails"] == ["a@x.gov.cn", "b@x.gov.cn"]
    fresh, _ = web.anonymous(), None
    with fresh:
        import re as _re

        token = _re.search(r'name="csrf" value="([^"]+)"', fresh.get("/login").text).group(1)
        r = fresh.post("/login", data={"name": "新检查员", "password": "long-enough-1", "csrf": token})
        assert r.status_code == 303


def test_recheck_button_runs_the_cli_recheck_in_the_background(web):  # noqa: F811
    """The site page's 重新检查 starts ``portalwatch recheck`` (a notice exists): the follow-up is recorded."""
    import time

    from portalwatch.scheduler import service

    if not service.notices(web.db, TOWN):  # run alone: draft one first
        service.draft_notice(web.db, TOWN)
    client, csrf = web.session("inspector")
    with closing(client):
        r = client.post(f"/sites/{TOWN}/recheck", data={"csrf": csrf})
        assert r.status_code == 303 and "已开始复查检查" in client.get(r.headers["location"]).text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = service.jobs(web.db, 1)[0]
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert job["kind"] == "recheck" and job["state"] == "done", job
    assert service.notices(web.db, TOWN)[0]["followups"], "the follow-up of the notice is stored"
