"""The web workplace's users, API tokens and signing secret, in the same SQLite file.

Tables (their own migration set ``portalwatch.users``, beside reports/storage/'s):

- ``users``: one person: ``name``, ``role`` (``viewer`` reads; ``inspector`` also audits,
  ignores findings, drafts and sends notices; ``admin`` also manages sites and users),
  ``password`` (an argon2id hash, never the password), ``enabled``, ``created``,
  ``session_epoch`` (in every session cookie; raised on logout, new password or disabling, which
  ends all the user's sessions).
- ``tokens``: API tokens for scripts: only the SHA-256 of a token is kept (a token is
  random, 256 bits, so a fast hash is enough); ``user``, ``created``, ``last_used``.
- ``web_settings``: key/value; ``secret`` signs the session cookies when
  ``PORTALWATCH_WEB_SECRET`` is not set, so sessions survive a restart.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from portalwatch.reports.storage.migrations import apply_migrations

from portalwatch.errors import PortalwatchError
from portalwatch.reports.storage import now_iso

ROLES = ("viewer", "inspector", "admin")
ROLE_NAMES = {"viewer": "查看", "inspector": "检查员", "admin": "管理员"}
MIN_PASSWORD = 8

migrations = Migrations("portalwatch.users")


@migrations()
def m0001_users_tokens(db: sqlite_utils.Database) -> None:
    db["users"].create({"name": str, "role": str, "password": str, "enabled": int, "created": str,
                        "updated": str}, pk="name")
    db["tokens"].create({"hash": str, "user": str, "created": str, "last_used": str}, pk="hash",
                        foreign_keys=[("user", "users", "name")])
    db["tokens"].create_index(["user"])
    db["web_settings"].create({"key": str, "value": str}, pk="key")


@migrations()
def m0002_session_epoch(db: sqlite_utils.Database) -> None:
    """Sessions carry the user's epoch: logging out, a new password or disabling ends them all."""
    db["users"].add_column("session_epoch", int, not_null_default=0)


class UserError(PortalwatchError):
    """A user operation that cannot be done (unknown user, bad role, short password)."""


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserStore:
    """Users, tokens and the web secret; opens its own connection to the database file."""

    def __init__(self, path: str | Path) -> None:
        self.db = sqlite_utils.Database(Path(path))
        self.db.execute("PRAGMA busy_timeout=30000")  # first: even switching to WAL may wait for a lock
        self.db.execute("PRAGMA journal_mode=WAL")
        apply_migrations(self.db, migrations)

    def close(self) -> None:
        self.db.close()

    # -- users --------------------------------------------------------------------------

    def user(self, name: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select name, role, enabled, created, updated, session_epoch from users"
                                  " where name = ?", [name]))
        return {**rows[0], "enabled": bool(rows[0]["enabled"])} if rows else None

    def users(self) -> list[dict[str, Any]]:
        return [{**r, "enabled": bool(r["enabled"])}
                for r in self.db.query("select name, role, enabled, created, updated from users order by name")]

    def add_user(self, name: str, role: str, password: str) -> str:
        """Create a user, or update the role and password of an existing one: ``added``/``updated``."""
        name = (name or "").strip()
        if not name or len(name) > 64 or any(ord(c) < 33 for c in name):
            raise UserError("用户名不能为空，不能含空白或控制字符，最多 64 个字符")
        check_role(role)
        if len(password or "") < MIN_PASSWORD:
            raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")
        hashed, stamp = _hasher().hash(password), now_iso()
        with self.db.conn:
            if self.user(name):
                self.db["users"].update(name, {"role": role, "password": hashed, "enabled": 1, "updated": stamp})
                self.end_sessions(name)
                return "updated"
            self.db["users"].insert({"name": name, "role": role, "password": hashed, "enabled": 1,
                                     "created": stamp, "updated": stamp})
        return "added"

    def set_role(self, name: str, role: str) -> None:
        check_role(role)
        self._need(name)
        with self.db.conn:
            self.db["users"].update(name, {"role": role, "updated": now_iso()})

    def set_enabled(self, name: str, enabled: bool) -> None:
        self._need(name)
        with self.db.conn:
            self.db["users"].update(name, {"enabled": int(enabled), "updated": now_iso()})
            if not enabled:
                self.db.execute("delete from tokens where user = ?", [name])
                self.end_sessions(name)

    def end_sessions(self, name: str) -> None:
        """Invalidate every session cookie of a user (its epoch no longer matches)."""
        with self.db.conn:
            self.db.execute("update users set session_epoch = coalesce(session_epoch, 0) + 1 where name = ?", [name])

    def _need(self, name: str) -> dict[str, Any]:
        user = self.user(name)
        if user is None:
            raise UserError(f"没有名为“{name}”的用户")
        return user

    def verify(self, name: str, password: str) -> dict[str, Any] | None:
        """The user if the password is right and the account enabled; None otherwise."""
        from argon2.exceptions import Argon2Error, InvalidHashError

        rows = list(self.db.query("select * from users where name = ?", [name]))
        hasher = _hasher()
        if not rows:
            try:  # spend the same time as for a real user: no user enumeration by timing
                hasher.verify(_dummy_hash(), password or "")
            except (Argon2Error, InvalidHashError):
                pass
            return None
        row = rows[0]
        try:
            hasher.verify(row["password"], password or "")
        except (Argon2Error, InvalidHashError):
            return None
        if not row["enabled"]:
            return None
        if hasher.check_needs_rehash(row["password"]):
            with self.db.conn:
                self.db["users"].update(name, {"password": hasher.hash(password)})
        return self.user(name)

    # -- tokens -------------------------------------------------------------------------

    def create_token(self, name: str) -> str:
        self._need(name)
        token = "pw_" + secrets.token_urlsafe(32)
        with self.db.conn:
            self.db["tokens"].insert({"hash": _token_hash(token), "user": name, "created": now_iso()})
        return token

    def user_for_token(self, token: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select user from tokens where hash = ?", [_token_hash(token or "")]))
        if not rows:
            return None
        user = self.user(rows[0]["user"])
        if not user or not user["enabled"]:
            return None
        with self.db.conn:
            self.db.execute("update tokens set last_used = ? where hash = ?", [now_iso(), _token_hash(token)])
        return user

    # -- the signing secret -------------------------------------------------------------

    def secret(self) -> str:
        rows = list(self.db.query("select value from web_settings where key = 'secret'"))
        if rows:
            return rows[0]["value"]
        with self.db.conn:
            self.db.execute("insert or ignore into web_settings (key, value) values ('secret', ?)",
                            [secrets.token_urlsafe(48)])
        return list(self.db.query("select value from web_settings where key = 'secret'"))[0]["value"]


def check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"角色应为 {'、'.join(ROLES)} 之一：{role}")


_dummy: list[str] = []


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(_hasher().hash(secrets.token_urlsafe(16)))
    return _dummy[0]
