"""The inspectors' web workplace: FastAPI pages (Jinja2 + htmx) and the JSON API of docs/contract.md.

Every route calls scheduler/service.py, as the command line does; nothing here decides
anything about sites, findings or notices. ``create_app(db)`` builds the application;
``portalwatch serve`` runs it with uvicorn.

Security (see web/auth.py): every route but ``/login``, ``/healthz`` and ``/static`` needs a
signed-in user and names its least role; forms and htmx requests carry the CSRF token; the
Content-Security-Policy allows scripts and styles from this server only (htmx is shipped in
web/static); Jinja2 autoescapes everything, and site text is never marked safe.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from portalwatch.errors import PortalwatchError
from portalwatch.reports.overview import LEVEL_NAMES, RUN_STATUS_NAMES, STATUS_NAMES
from portalwatch.reports.summary import SEVERITY_NAMES
from portalwatch.scheduler import service, webjobs
from portalwatch.scheduler.users import ROLE_NAMES, ROLES, UserStore
from portalwatch.web.auth import LOGIN_COOKIE, Auth, Throttled, need
from portalwatch.web.charts import history_chart, sparkline

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self';"
       " connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
       " frame-ancestors 'none'")
# a stored notice is a mail document with inline CSS: shown sandboxed, scripts impossible
NOTICE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
VERDICTS = ("合格", "不合格", "待人工核实", "未完成", "未检查")
JOB_STATES = {"queued": "排队中", "running": "检查中", "done": "已完成", "failed": "失败"}
NOTICE_STATES = {"draft": "草稿", "sent": "已发送", "failed": "发送失败"}

viewer, inspector, admin = need("viewer"), need("inspector"), need("admin")


# -- the API's request bodies -------------------------------------------------------------

class SiteIn(BaseModel):
    name: str
    url: str
    profile: str | None = None
    unit: str | None = None
    emails: list[str] | str | None = None
    region: str | None = None
    contact: str | None = None
    enabled: bool | None = None


class IgnoreIn(BaseModel):
    reason: str


class AuditIn(BaseModel):
    url: str
    profile: str = "township"
    as_of: str | None = Field(default=None, description="YYYY-MM-DD")


class NoticeIn(BaseModel):
    send: bool = False


def create_app(db: Path, *, secret: str | None = None) -> FastAPI:
    db = Path(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # queued ad-hoc audits start when a place frees up, even with no browser polling
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(2.0):
                try:
                    webjobs.refresh(db)
                except Exception:  # the next tick tries again
                    pass

        threading.Thread(target=tick, daemon=True, name="web-jobs").start()
        try:
            yield
        finally:
            stop.set()

    app = FastAPI(title="portalwatch 政府网站监测工作台", version="1", openapi_url=None, docs_url=None,
                  redoc_url=None, lifespan=lifespan)
    app.state.db = db
    app.state.auth = Auth(db, secret)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.autoescape = True
    env.globals.update(STATUS_NAMES=STATUS_NAMES, SEVERITY_NAMES=SEVERITY_NAMES, RUN_STATUS_NAMES=RUN_STATUS_NAMES,
                       LEVEL_NAMES=LEVEL_NAMES, JOB_STATES=JOB_STATES, NOTICE_STATES=NOTICE_STATES,
                       ROLE_NAMES=ROLE_NAMES, ROLES=ROLES, VERDICTS=VERDICTS, sparkline=sparkline,
                       history_chart=history_chart, check_title=service.check_title, verdict_of=service.verdict_of,
                       profiles=service.profiles(), quote=lambda s: quote(str(s), safe=""))
    env.filters["when"] = lambda v: (v or "")[:16].replace("T", " ")
    env.filters["day"] = lambda v: (v or "")[:10]
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
        user = getattr(request.state, "user", None)
        return templates.TemplateResponse(request, name, {"user": user, "csrf": (user or {}).get("csrf", ""),
                                                          **context}, status_code=code)

    def back(url: str, message: str | None = None) -> RedirectResponse:
        if message:
            url, hash_, fragment = url.partition("#")
            url += ("&" if "?" in url else "?") + "msg=" + quote(message) + hash_ + fragment
        return RedirectResponse(url, status_code=303)

    # -- errors and headers ---------------------------------------------------------------

    @app.exception_handler(PortalwatchError)
    async def portalwatch_error(request: Request, exc: PortalwatchError) -> Response:
        status = getattr(exc, "http_status", 400)
        if request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"error": str(exc), "status": status}, status_code=status)
        if status == 401:
            return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
        return page(request, "error.html", code=status, message=str(exc))

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        notice_doc = request.url.path.startswith("/notices/") and request.url.path.endswith("/html")
        response.headers["Content-Security-Policy"] = NOTICE_CSP if notice_doc else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "SAMEORIGIN" if notice_doc else "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    # -- public ---------------------------------------------------------------------------

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/") -> HTMLResponse:
        token, cookie = app.state.auth.login_token()
        response = page(request, "login.html", login_csrf=token, next=_local(next))
        response.set_cookie(LOGIN_COOKIE, cookie, max_age=3600, httponly=True, samesite="strict", path="/login")
        return response

    @app.post("/login", include_in_schema=False)
    def login(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form(""),
              next: str = Form("/")) -> Response:
        auth: Auth = app.state.auth
        if not auth.login_token_ok(request, csrf):
            return _login_again(request, "登录页面已过期，请重新登录", 403)
        if auth.throttled(request, name):
            raise Throttled("登录失败次数过多，请 15 分钟后再试")
        users = UserStore(db)
        try:
            user = users.verify(name.strip(), password)
        finally:
            users.close()
        if user is None:
            auth.failed(request, name)
            return _login_again(request, "用户名或密码不正确", 401)
        auth.succeeded(request, name)
        response = RedirectResponse(_local(next), status_code=303)
        auth.set_session(response, user)
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    def _login_again(request: Request, message: str, status: int) -> HTMLResponse:
        token, cookie = app.state.auth.login_token()
        response = page(request, "login.html", code=status, login_csrf=token, next="/", error=message)
        response.set_cookie(LOGIN_COOKIE, cookie, max_age=3600, httponly=True, samesite="strict", path="/login")
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(user: dict = Depends(viewer)) -> Response:
        users = UserStore(db)
        try:
            users.end_sessions(user["name"])  # a copied cookie dies with this one
        finally:
            users.close()
        response = RedirectResponse("/login", status_code=303)
        app.state.auth.clear_session(response)
        return response

    # -- 总览 -----------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def dashboard(request: Request, region: str = "", profile: str = "", verdict: str = "", sort: str = "name",
                  user: dict = Depends(viewer)) -> HTMLResponse:
        d = service.dashboard(db, region=region or None, profile=profile or None, verdict=verdict or None, sort=sort)
        return page(request, "dashboard.html", rows=d["rows"], checks=d["checks"], changes=d["changes"],
                    regions=d["regions"], site_profiles=d["profiles"],
                    f={"region": region, "profile": profile, "verdict": verdict, "sort": sort})

    # -- 网站 -----------------------------------------------------------------------------

    @app.get("/sites/{name}", include_in_schema=False)
    def site_page(request: Request, name: str, status: str = "", msg: str = "",
                  user: dict = Depends(viewer)) -> HTMLResponse:
        detail = service.site_detail(db, name)
        shown = [f for f in detail["findings"] if not status or f["status"] == status]
        return page(request, "site.html", d=detail, findings=shown, status=status, msg=msg,
                    jobs=[j for j in service.jobs(db, 20) if j["target"] == name])

    @app.post("/findings/{finding_id}/ignore", include_in_schema=False)
    def ignore_form(finding_id: str, reason: str = Form(""), site: str = Form(""),
                    user: dict = Depends(inspector)) -> Response:
        done = service.ignore_finding(db, finding_id, reason)
        return back(f"/sites/{quote(done['site'], safe='')}#findings", "已忽略该问题")

    @app.post("/sites/{name}/recheck", include_in_schema=False)
    def recheck_form(name: str, user: dict = Depends(inspector)) -> Response:
        job_id = service.recheck(db, name, user=user["name"])
        return back(f"/sites/{quote(name, safe='')}", f"已开始复查检查（任务 {job_id}），完成后刷新本页查看结果")

    @app.post("/sites/{name}/notice", include_in_schema=False)
    def notice_form(name: str, user: dict = Depends(inspector)) -> Response:
        n = service.draft_notice(db, name)
        return back(f"/notices/{n['id']}", "已生成整改通知草稿")

    # -- 临时检查 ---------------------------------------------------------------------------

    @app.get("/audits", include_in_schema=False)
    def audits_page(request: Request, msg: str = "", user: dict = Depends(viewer)) -> HTMLResponse:
        return page(request, "audits.html", audits=service.audits(db), msg=msg, limit=webjobs.max_running())

    @app.post("/audits", include_in_schema=False)
    def audit_form(request: Request, url: str = Form(""), profile: str = Form("township"), as_of: str = Form(""),
                   user: dict = Depends(inspector)) -> Response:
        try:
            audit_id = service.start_audit(db, url, profile, as_of or None, user=user["name"])
        except service.ServiceError as exc:
            return page(request, "audits.html", code=exc.http_status, audits=service.audits(db), error=str(exc),
                        url=url, limit=webjobs.max_running())
        return back(f"/audits/{audit_id}")

    @app.get("/audits/{audit_id}", include_in_schema=False)
    def audit_page(request: Request, audit_id: int, user: dict = Depends(viewer)) -> HTMLResponse:
        return page(request, "audit.html", a=service.audit_result(db, audit_id))

    @app.get("/audits/{audit_id}/progress", include_in_schema=False)
    def audit_progress(request: Request, audit_id: int, user: dict = Depends(viewer)) -> HTMLResponse:
        a = service.audit_result(db, audit_id)
        response = page(request, "_audit_progress.html", a=a)
        if a["state"] in ("done", "failed"):  # htmx: load the whole result page once
            response.headers["HX-Refresh"] = "true"
        return response

    # -- 整改通知 ---------------------------------------------------------------------------

    @app.get("/notices", include_in_schema=False)
    def notices_page(request: Request, msg: str = "", user: dict = Depends(viewer)) -> HTMLResponse:
        return page(request, "notices.html", notices=service.notices(db), msg=msg)

    @app.get("/notices/{notice_id}", include_in_schema=False)
    def notice_page(request: Request, notice_id: int, msg: str = "", user: dict = Depends(viewer)) -> HTMLResponse:
        return page(request, "notice.html", n=service.notice(db, notice_id), msg=msg)

    @app.get("/notices/{notice_id}/html", include_in_schema=False)
    def notice_html(notice_id: int, user: dict = Depends(viewer)) -> HTMLResponse:
        return HTMLResponse(service.notice_html(db, notice_id))

    @app.post("/notices/{notice_id}/send", include_in_schema=False)
    def notice_send(notice_id: int, user: dict = Depends(inspector)) -> Response:
        result = service.send_notice(db, notice_id)
        return back(f"/notices/{notice_id}", "已发送至 " + "、".join(result["recipients"]))

    # -- 网站登记 (admin) -----------------------------------------------------------------

    @app.get("/admin", include_in_schema=False)
    def admin_page(request: Request, msg: str = "", edit: str = "", user: dict = Depends(admin)) -> HTMLResponse:
        users = UserStore(db)
        try:
            people = users.users()
        finally:
            users.close()
        sites = service.sites_registry(db)
        return page(request, "admin.html", sites=sites, people=people, msg=msg,
                    editing=next((s for s in sites if s["name"] == edit), None))

    @app.post("/admin/sites", include_in_schema=False)
    def admin_save_site(name: str = Form(""), url: str = Form(""), profile: str = Form(""), unit: str = Form(""),
                        region: str = Form(""), contact: str = Form(""), emails: str = Form(""),
                        user: dict = Depends(admin)) -> Response:
        done = service.save_site(db, {"name": name, "url": url, "profile": profile, "unit": unit, "region": region,
                                      "contact": contact, "emails": emails})
        word = {"added": "已登记", "updated": "已更新", "unchanged": "未变化"}[done["action"]]
        return back("/admin", f"{word}：{done['site']['name']}")

    @app.post("/admin/sites/import", include_in_schema=False)
    async def admin_import(file: UploadFile = File(...), user: dict = Depends(admin)) -> Response:
        data = await file.read()
        done = service.import_sites(db, file.filename or "", data)
        bad = "；".join(f"第 {e['line']} 行：{e['reason']}" for e in done["errors"][:10])
        return back("/admin", f"导入完成：新增 {done['added']} 个，更新 {done['updated']} 个，"
                              f"未变化 {done['unchanged']} 个，出错 {len(done['errors'])} 行" + (f"（{bad}）" if bad else ""))

    @app.post("/admin/sites/{name}/enabled", include_in_schema=False)
    def admin_enable(name: str, enabled: str = Form("0"), user: dict = Depends(admin)) -> Response:
        site = service.set_site_enabled(db, name, enabled == "1")
        return back("/admin", ("已启用：" if site["enabled"] else "已停用：") + name)

    @app.post("/admin/users", include_in_schema=False)
    def admin_add_user(name: str = Form(""), role: str = Form("viewer"), password: str = Form(""),
                       user: dict = Depends(admin)) -> Response:
        users = UserStore(db)
        try:
            action = users.add_user(name, role, password)
        finally:
            users.close()
        return back("/admin", ("已添加用户：" if action == "added" else "已更新用户：") + name.strip())

    @app.post("/admin/users/{name}", include_in_schema=False)
    def admin_user(name: str, role: str = Form(""), enabled: str = Form(""), user: dict = Depends(admin)) -> Response:
        users = UserStore(db)
        try:
            if role:
                users.set_role(name, role)
            if enabled in ("0", "1"):
                if enabled == "0" and name == user["name"]:
                    raise service.ServiceError("不能停用自己的账号")
                users.set_enabled(name, enabled == "1")
        finally:
            users.close()
        return back("/admin", f"已更新用户：{name}")

    # -- 运行记录 ---------------------------------------------------------------------------

    @app.get("/runs", include_in_schema=False)
    def runs_page(request: Request, user: dict = Depends(viewer)) -> HTMLResponse:
        return page(request, "runs.html", log=service.runs_log(db), jobs=service.jobs(db))

    # -- the JSON API (docs/contract.md) ------------------------------------------------

    @app.get("/api/sites", tags=["sites"], summary="登记网站及其最近结论、得分和各检查项未整改问题数")
    def api_sites(user: dict = Depends(viewer)) -> list[dict[str, Any]]:
        return service.list_sites(db)

    @app.post("/api/sites", tags=["sites"], summary="登记（或更新）网站（管理员）")
    def api_add_site(body: SiteIn, user: dict = Depends(admin)) -> dict[str, Any]:
        raw = body.model_dump()
        if isinstance(raw.get("emails"), list):
            raw["emails"] = ";".join(raw["emails"])
        return service.save_site(db, raw)

    @app.get("/api/sites/{name}/findings", tags=["findings"], summary="网站的问题及其状态、首次和最近发现时间")
    def api_findings(name: str, status: str = "", user: dict = Depends(viewer)) -> list[dict[str, Any]]:
        return service.findings(db, name, [s.strip() for s in status.split(",") if s.strip()])

    @app.post("/api/findings/{finding_id}/ignore", tags=["findings"], summary="忽略一个问题（检查员）")
    def api_ignore(finding_id: str, body: IgnoreIn, user: dict = Depends(inspector)) -> dict[str, Any]:
        return service.ignore_finding(db, finding_id, body.reason)

    @app.post("/api/audits", tags=["audits"], summary="开始一次临时检查（检查员）→ {id}")
    def api_start_audit(body: AuditIn, user: dict = Depends(inspector)) -> dict[str, int]:
        return {"id": service.start_audit(db, body.url, body.profile, body.as_of, user=user["name"])}

    @app.get("/api/audits/{audit_id}", tags=["audits"],
             summary="临时检查的状态：queued、running、done、failed，进度和结果")
    def api_audit(audit_id: int, user: dict = Depends(viewer)) -> dict[str, Any]:
        return service.audit_state(db, audit_id)

    @app.post("/api/sites/{name}/notice", tags=["notices"], summary="生成（并发送）整改通知（检查员）")
    def api_notice(name: str, body: NoticeIn, user: dict = Depends(inspector)) -> dict[str, Any]:
        n = service.draft_notice(db, name)
        out: dict[str, Any] = {"notice_id": n["id"], "html_url": f"/notices/{n['id']}/html", "number": n["number"],
                               "status": n["status"]}
        if body.send:
            out["delivery"] = service.send_notice(db, n["id"])
            out["status"] = "sent"
        return out

    @app.get("/api/openapi.json", tags=["meta"], summary="API 说明（OpenAPI）")
    def api_openapi(user: dict = Depends(viewer)) -> dict[str, Any]:
        return app.openapi()

    return app


def _local(target: str) -> str:
    """Only redirect to a path of this server (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
