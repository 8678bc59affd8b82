"""The web workplace under test: the real app served by uvicorn on 127.0.0.1, real portals served by
tests/httpserver.py, real audits (subprocesses), a real SMTP server (aiosmtpd), headless Chromium.

One server per test module (the environment it sets is undone after the module): three users (admin, inspector, viewer) with API tokens, two
registered sites audited once by ``portalwatch run --all`` before the tests: the township
portal of tests/sites and a hostile portal whose titles and link texts carry markup.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from httpserver import LocalSite, Response  # noqa: E402

from portalwatch.scheduler.web_cli import web_importable  # noqa: E402

assert web_importable(), "portalwatch.web cannot be imported"

REPO = Path(__file__).resolve().parents[2]
SITES = REPO / "tests" / "sites"
ARTIFACTS = REPO / "test-artifacts" / "web"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AS_OF = "2026-11-20"
PASSWORDS = {"admin": "admin-pass-1", "inspector": "inspector-pass-1", "viewer": "viewer-pass-1"}
# fast audits against 127.0.0.1 (progress lines stay on: the web shows them)
AUDIT_ARGS = ["--delay", "0", "--concurrency", "8", "--timeout", "2", "--render", "never",
              "--set", "PORTALWATCH_RETRY_BACKOFF=0.05", "--set", "PORTALWATCH_RETRY_AFTER_MAX=2"]
TOWN, HOSTILE = "测试镇", "恶意站"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{7*7}}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hostile_routes() -> dict[str, Response]:
    """A portal whose page titles and link texts are markup and template syntax (escaped in its HTML,
    so they are the text a browser shows), with dead links carrying them."""
    esc = {p: p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for p in PAYLOADS}
    title = " ".join(esc.values())
    links = "".join(f'<li><a href="/gone-{i}.html">{esc[p]}</a></li>' for i, p in enumerate(PAYLOADS))
    home = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
            f"<ul class='nav'>{links}<li><a href='/news/'>{esc[PAYLOADS[0]]}工作动态</a></li></ul>"
            "<p>发布日期：2026-11-18</p></body></html>")
    news = (f"<html><head><meta charset='utf-8'><title>{esc[PAYLOADS[2]]}工作动态</title></head><body>"
            f"<ul><li><a href='/news/1.html'>{esc[PAYLOADS[1]]}通知</a><span>2026-01-02</span></li></ul></body></html>")
    article = (f"<html><head><meta charset='utf-8'><title>{esc[PAYLOADS[1]]}通知</title></head><body>"
               f"<h1>{esc[PAYLOADS[1]]}</h1><p>2026-01-02</p></body></html>")
    return {"/": Response(home), "/news/": Response(news), "/news/1.html": Response(article)}


@dataclass
class Web:
    url: str
    db: Path
    app: Any
    town: LocalSite
    hostile: LocalSite
    tokens: dict[str, str] = field(default_factory=dict)
    mail: list[Any] = field(default_factory=list)

    def api(self, role: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.tokens[role]}"},
                            timeout=30, trust_env=False)

    def anonymous(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, trust_env=False, follow_redirects=False)

    def session(self, role: str) -> tuple[httpx.Client, str]:
        """A client signed in through the login form, and its CSRF token."""
        import re

        client = self.anonymous()
        form = client.get("/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        r = client.post("/login", data={"name": role, "password": PASSWORDS[role], "csrf": token, "next": "/"})
        assert r.status_code == 303, r.text
        page = client.get("/").text
        csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page).group(1)
        return client, csrf

    def wait_audit(self, audit_id: int, timeout: float = 120) -> dict[str, Any]:
        with self.api("viewer") as client:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                doc = client.get(f"/api/audits/{audit_id}").json()
                if doc["state"] in ("done", "failed"):
                    return doc
                time.sleep(0.5)
        raise AssertionError(f"audit {audit_id} did not finish")


class _Mailbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 2.0.0 OK: queued"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    import uvicorn
    from aiosmtpd.controller import Controller

    from portalwatch.reports.storage import MonitorStore
    from portalwatch.scheduler import webjobs
    from portalwatch.scheduler.users import UserStore
    from portalwatch.web.app import create_app

    tmp = tmp_path_factory.mktemp("web")
    db = tmp / "portalwatch.db"
    mailbox = _Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    town, hostile = LocalSite(root=SITES / "township_columns"), LocalSite(routes=hostile_routes())
    env = {"PORTALWATCH_WEB_ALLOW_PRIVATE": "1", "PORTALWATCH_WEB_AUDIT_ARGS_JSON": json.dumps(AUDIT_ARGS),
           "PORTALWATCH_AUDIT_ARGS": " ".join(AUDIT_ARGS + ["--no-progress"]),
           "PORTALWATCH_SMTP_HOST": "127.0.0.1", "PORTALWATCH_SMTP_PORT": str(smtp_port),
           "PORTALWATCH_SMTP_SECURITY": "none", "PORTALWATCH_SMTP_FROM": "政务公开办 <gkb@example.gov.cn>",
           "PORTALWATCH_SMTP_BACKOFF": "0.01", "PORTALWATCH_OFFICE": "某某县人民政府办公室政务公开办",
           "PORTALWATCH_WEB_MAX_AUDITS": "2"}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        store = MonitorStore(db)
        store.save_sites([
            {"name": TOWN, "url": town.url, "profile": "township", "unit": "测试镇人民政府", "region": "东区",
             "emails": ["xxgk@ceshizhen.gov.cn"]},
            {"name": HOSTILE, "url": hostile.url, "profile": "township", "unit": PAYLOADS[1], "region": "西区",
             "emails": ["ban@example.gov.cn"]},
        ])
        store.close()
        users = UserStore(db)
        tokens = {}
        for role, password in PASSWORDS.items():
            users.add_user(role, role, password)
            tokens[role] = users.create_token(role)
        users.close()
        done = subprocess.run([sys.executable, "-m", "portalwatch", "run", "--all", "--jobs", "2", "--as-of", AS_OF,
                               "--db", str(db)], capture_output=True, text=True, timeout=240, env=dict(os.environ))
        assert done.returncode == 0, done.stderr

        app = create_app(db)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        try:
            yield Web(url=f"http://127.0.0.1:{port}", db=db, app=app, town=town, hostile=hostile, tokens=tokens,
                      mail=mailbox.envelopes)
        finally:
            webjobs.stop_all(db)
            server.should_exit = True
            thread.join(10)
            smtp.stop()
            town.close()
            hostile.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, web):
    """A fresh browser context; any JavaScript dialog (alert) or page error fails the test."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.problems = problems  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert problems == [], problems


def login(pg, web: Web, role: str) -> None:
    pg.goto(web.url + "/login")
    pg.fill("#name", role)
    pg.fill("#password", PASSWORDS[role])
    pg.click("#login")
    pg.wait_for_url(web.url + "/")
