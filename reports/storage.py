"""All SQL of portalwatch: one SQLite file, numbered migrations, dict rows.

Tables (open the file with ``sqlite-utils`` or Datasette to browse them):

- ``runs``: one audit of one site (start URL, profile, as-of date, times, status, score).
  ``status`` is ``running`` while it works, then ``complete``, ``unreachable``,
  ``interrupted`` (Ctrl-C, SIGTERM, or found dead on a later start) or ``failed``.
  ``finished`` stays NULL for a run that did not finish.
- ``pages``: every HTML page a run fetched, with what was extracted.
- ``links``: every link target a run checked, with its verdict and the pages it is on.
- ``skips``: what a run deliberately did not do (too large, robots.txt, URL trap ...).
- ``findings``: the contract's finding records, one row each, ``evidence`` as JSON text.

Writes happen in short transactions as the crawl goes, so an interrupted run leaves a
consistent file: the run row says it did not finish and nothing half-written remains.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils
from sqlite_utils.migrations import Migrations

from portalwatch.crawler.snapshot import LinkCheck, Page, Skip

migrations = Migrations("portalwatch")


@migrations()
def m0001_runs_pages_links_findings(db: sqlite_utils.Database) -> None:
    db["runs"].create({
        "id": int, "site": str, "site_name": str, "profile": str, "as_of": str,
        "started": str, "finished": str, "status": str, "pages": int, "links_checked": int,
        "score": float, "verdict": str, "grade": str, "options": str, "summary": str, "pid": int,
    }, pk="id")
    db["pages"].create({
        "run_id": int, "url": str, "final_url": str, "status": int, "depth": int, "title": str,
        "encoding": str, "encoding_note": str, "content_type": str, "size": int, "truncated": int,
        "pub_date": str, "column_name": str, "doc_number": str, "items": int, "soft404": str,
        "rendered": int, "render_reason": str, "meta": str,
    }, pk=("run_id", "url"), foreign_keys=[("run_id", "runs", "id")])
    db["links"].create({
        "run_id": int, "target": str, "verdict": str, "status": int, "reason": str, "detail": str,
        "final_url": str, "method": str, "attempts": int, "internal": int, "source_count": int,
        "sources": str,
    }, pk=("run_id", "target"), foreign_keys=[("run_id", "runs", "id")])
    db["skips"].create({"run_id": int, "url": str, "reason": str, "detail": str},
                       foreign_keys=[("run_id", "runs", "id")])
    db["findings"].create({
        "id": int, "run_id": int, "check": str, "severity": str, "url": str, "target": str,
        "column": str, "message": str, "evidence": str, "fingerprint": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["findings"].create_index(["run_id"])
    db["findings"].create_index(["fingerprint"])
    db["skips"].create_index(["run_id"])


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Store:
    """The database, opened in WAL mode and migrated to the current schema."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    # -- runs ---------------------------------------------------------------------------

    def recover_dead_runs(self) -> int:
        """Mark runs left ``running`` by a process that no longer exists as interrupted."""
        dead = [r["id"] for r in self.db.query("select id, pid from runs where status = 'running'")
                if not _pid_alive(r["pid"])]
        with self.db.conn:
            for run_id in dead:
                self.db["runs"].update(run_id, {"status": "interrupted"})
        return len(dead)

    def start_run(self, *, site: str, profile: str, as_of: str, options: dict[str, Any],
                  site_name: str | None = None) -> int:
        with self.db.conn:
            row = self.db["runs"].insert({
                "site": site, "site_name": site_name, "profile": profile, "as_of": as_of,
                "started": now_iso(), "finished": None, "status": "running", "pages": 0,
                "links_checked": 0, "options": _json(options), "pid": os.getpid(),
            })
        return int(row.last_pk)

    def add_pages(self, run_id: int, pages: Iterable[Page]) -> None:
        rows = [{
            "run_id": run_id, "url": p.url, "final_url": p.final_url, "status": p.status,
            "depth": p.depth, "title": p.title, "encoding": p.encoding,
            "encoding_note": p.encoding_note, "content_type": p.content_type, "size": p.size,
            "truncated": int(p.truncated), "pub_date": p.pub_date.isoformat() if p.pub_date else None,
            "column_name": p.column_name, "doc_number": p.doc_number,
            "items": len(p.list_items), "soft404": p.soft404, "rendered": int(p.rendered),
            "render_reason": p.render_reason, "meta": _json(p.meta),
        } for p in pages]
        if rows:
            with self.db.conn:
                self.db["pages"].upsert_all(rows, pk=("run_id", "url"))
            with self.db.conn:
                self.db.execute("update runs set pages = (select count(*) from pages where run_id = ?)"
                                " where id = ?", [run_id, run_id])

    def finish_run(self, run_id: int, *, status: str, link_checks: Iterable[LinkCheck],
                   link_sources: dict[str, list[str]], skips: Iterable[Skip],
                   findings: Iterable[dict[str, Any]], score: float | None, verdict: str | None,
                   grade: str | None, summary: dict[str, Any]) -> None:
        """Write the run's results and close it, all in one transaction."""
        links = [{
            "run_id": run_id, "target": c.target, "verdict": c.verdict, "status": c.status,
            "reason": c.reason, "detail": c.detail, "final_url": c.final_url, "method": c.method,
            "attempts": c.attempts, "internal": int(c.internal),
            "source_count": len(link_sources.get(c.target, ())),
            "sources": _json(link_sources.get(c.target, [])[:50]),
        } for c in link_checks]
        with self.db.conn:
            self.db["links"].upsert_all(links, pk=("run_id", "target"))
            self.db["skips"].insert_all(
                ({"run_id": run_id, "url": s.url, "reason": s.reason, "detail": s.detail} for s in skips))
            self.db["findings"].insert_all(
                ({**f, "run_id": run_id, "evidence": _json(f.get("evidence") or {})} for f in findings),
                pk="id")
            self.db["runs"].update(run_id, {
                "status": status, "finished": now_iso() if status != "interrupted" else None,
                "pages": self.db.execute("select count(*) from pages where run_id = ?",
                                         [run_id]).fetchone()[0],
                "links_checked": len(links), "score": score, "verdict": verdict, "grade": grade,
                "summary": _json(summary),
            })

    def mark_run(self, run_id: int, status: str) -> None:
        with self.db.conn:
            self.db["runs"].update(run_id, {"status": status})

    def run(self, run_id: int) -> dict[str, Any]:
        return self.db["runs"].get(run_id)

    def findings_for_run(self, run_id: int) -> list[dict[str, Any]]:
        rows = self.db.query("select * from findings where run_id = ? order by id", [run_id])
        return [{**r, "evidence": json.loads(r["evidence"] or "{}")} for r in rows]

    def runs(self) -> Iterator[dict[str, Any]]:
        return self.db.query("select * from runs order by id")
