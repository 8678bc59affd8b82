"""Who is asking: session cookies, API tokens, CSRF tokens, roles and login throttling.

- A session is a signed cookie (itsdangerous, secret from ``PORTALWATCH_WEB_SECRET`` or
  generated once and kept in the database), HttpOnly, SameSite=Strict, valid 12 hours. It holds
  the user name, the session's CSRF token and the user's session epoch; the user is looked up on
  every request, so a disabled user is out at once, and logging out ends the stolen copies too.
- Scripts send ``Authorization: Bearer TOKEN`` (``portalwatch users token NAME``); a token
  request carries no cookie, so it needs no CSRF token.
- Every state-changing request made with a session carries the CSRF token: the hidden
  ``csrf`` field of a form, or the ``X-CSRF-Token`` header (htmx sends it from ``hx-headers``).
- Roles are ranked viewer < inspector < admin; each route names the least role it needs.
- Login failures are counted per client address and per user name; after 5 for a user name (20 for
  an address) in 15 minutes the login is refused for the rest of the window.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any, Callable

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portalwatch.errors import PortalwatchError
from portalwatch.scheduler.users import ROLE_NAMES, ROLES, UserStore

SESSION_COOKIE = "pw_session"
LOGIN_COOKIE = "pw_login"  # the login form's CSRF token (double submit), before there is a session
SESSION_AGE = 12 * 3600
ROLE_RANK = {r: i for i, r in enumerate(ROLES)}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
THROTTLE_FAILURES, THROTTLE_WINDOW = 5, 15 * 60  # per user name
THROTTLE_ADDRESS = 20  # per client address (an office shares one behind NAT)


class Unauthorized(PortalwatchError):
    http_status = 401


class Forbidden(PortalwatchError):
    http_status = 403


class Throttled(PortalwatchError):
    http_status = 429


class Auth:
    def __init__(self, db: Path, secret: str | None = None) -> None:
        self.db = db
        users = UserStore(db)
        try:
            secret = secret or os.environ.get("PORTALWATCH_WEB_SECRET") or users.secret()
        finally:
            users.close()
        self.signer = URLSafeTimedSerializer(secret, salt="portalwatch.session")
        self.login_signer = URLSafeTimedSerializer(secret, salt="portalwatch.login")
        self.secure = os.environ.get("PORTALWATCH_WEB_SECURE_COOKIE", "") == "1"  # behind an HTTPS proxy
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    # -- sessions -----------------------------------------------------------------------

    def session_value(self, user: dict[str, Any]) -> tuple[str, str]:
        csrf = secrets.token_urlsafe(24)
        return self.signer.dumps({"u": user["name"], "c": csrf, "e": user.get("session_epoch") or 0}), csrf

    def set_session(self, response: Any, user: dict[str, Any]) -> None:
        value, _ = self.session_value(user)
        response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_AGE, httponly=True, samesite="strict",
                            secure=self.secure, path="/")

    def clear_session(self, response: Any) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=self.secure)

    def login_token(self) -> tuple[str, str]:
        """A fresh login-form token and its signed cookie value."""
        token = secrets.token_urlsafe(24)
        return token, self.login_signer.dumps(token)

    def login_token_ok(self, request: Request, form_token: str) -> bool:
        try:
            token = self.login_signer.loads(request.cookies.get(LOGIN_COOKIE, ""), max_age=3600)
        except BadSignature:
            return False
        return bool(form_token) and hmac.compare_digest(str(token), form_token)

    def identify(self, request: Request) -> dict[str, Any] | None:
        """The signed-in user of a request (``via`` token or session, with ``csrf``), or None."""
        header = request.headers.get("authorization", "")
        users = UserStore(self.db)
        try:
            if header.lower().startswith("bearer "):
                user = users.user_for_token(header[7:].strip())
                return {**user, "via": "token", "csrf": ""} if user else None
            raw = request.cookies.get(SESSION_COOKIE)
            if not raw:
                return None
            try:
                data = self.signer.loads(raw, max_age=SESSION_AGE)
            except BadSignature:
                return None
            user = users.user(str(data.get("u")))
            if not user or not user["enabled"] or data.get("e") != (user.get("session_epoch") or 0):
                return None
            return {**user, "via": "session", "csrf": str(data.get("c") or "")}
        finally:
            users.close()

    # -- login throttling ---------------------------------------------------------------

    def _keys(self, request: Request, name: str) -> list[str]:
        return [f"ip:{request.client.host if request.client else '?'}", f"user:{name}"]

    def throttled(self, request: Request, name: str) -> bool:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(request, name):
                q = self._failures[key]
                while q and q[0] < now - THROTTLE_WINDOW:
                    q.popleft()
                if len(q) >= (THROTTLE_ADDRESS if key.startswith("ip:") else THROTTLE_FAILURES):
                    return True
        return False

    def failed(self, request: Request, name: str) -> None:
        with self._lock:
            for key in self._keys(request, name):
                self._failures[key].append(time.monotonic())

    def succeeded(self, request: Request, name: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{name}", None)


def need(role: str) -> Callable:
    """A route dependency: the signed-in user with at least ``role``; CSRF checked on unsafe methods."""
    rank = ROLE_RANK[role]

    async def dependency(request: Request) -> dict[str, Any]:
        auth: Auth = request.app.state.auth
        user = auth.identify(request)
        if user is None:
            raise Unauthorized("请先登录")
        request.state.user = user  # error pages show the navigation too
        if request.method in UNSAFE and user["via"] == "session":
            sent = request.headers.get("x-csrf-token", "")
            if not sent and request.headers.get("content-type", "").startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")):
                sent = str((await request.form()).get("csrf") or "")
            if not sent or not hmac.compare_digest(sent, user["csrf"]):
                raise Forbidden("请求缺少有效的 CSRF 令牌，请刷新页面后重试")
        if ROLE_RANK.get(user["role"], -1) < rank:
            raise Forbidden(f"权限不足：此操作需要“{ROLE_NAMES[role]}”角色")
        return user

    dependency.role = role  # type: ignore[attr-defined]  (tests read the role of every route)
    return dependency
