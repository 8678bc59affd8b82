"""Helpers for the monitoring tests: the command line against one database, slow portals."""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path

from conftest import FAST, CliResult, run_cli
from httpserver import Response

AUDIT_ARGS = shlex.join(FAST)


def pw(db: Path, *args: str, timeout: float = 240) -> CliResult:
    """``portalwatch ARGS --db DB`` in a subprocess."""
    return run_cli(*args, "--db", str(db), timeout=timeout)


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql, params).fetchall()


def page(title: str, links: dict[str, str] | None = None) -> Response:
    body = "".join(f'<a href="{href}">{text}</a>' for href, text in (links or {}).items())
    return Response(f"<html><head><title>{title}</title></head><body>{body}<p>2026-11-19 工作动态</p></body></html>")


def slow_portal(pages: int = 100, delay: float = 0.5, extra: dict[str, str] | None = None) -> dict[str, Response]:
    """A homepage linking to many slow pages: an audit that takes a while and stops promptly."""
    links = {**(extra or {}), **{f"/p{i}.html": f"页面{i}" for i in range(pages)}}
    routes = {"/": page("首页", links)}
    for i in range(pages):
        routes[f"/p{i}.html"] = Response(f"<html><title>页面{i}</title><body>正文</body></html>", delay=delay)
    return routes
