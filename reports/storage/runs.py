"""Audit runs and what each one recorded: ``audit_runs``, ``pages``, ``page_links``, ``links``,
``skips`` and ``run_findings``; telling a dead audit process from a live one.

Writes happen in short transactions as the crawl goes, so an interrupted run leaves a
consistent file: the run row says it did not finish and nothing half-written remains.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from portalwatch.crawler.snapshot import LinkCheck, Page, Skip
from portalwatch.reports.storage.common import UNFINISHED, _json, finding_columns, finding_row, now_iso, run_row, run_rows

if TYPE_CHECKING:
    import sqlite_utils


def process_start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, from /proc), or None if unknown or gone.

    Stored beside the pid so a pid reused by another process is not taken for the audit.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    if len(fields) < 20 or fields[0] == "Z":  # a zombie has finished
        return "" if fields and fields[0] == "Z" else None
    return fields[19]


def _pid_alive(pid: int | None, started: str | None = None) -> bool:
    """Whether the process that wrote a run row still runs (same pid and, when known, same start)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    now = process_start(pid)
    if now == "":  # zombie
        return False
    return not started or now is None or now == started


class RunsMixin:
    """Runs and their rows. Run dicts keep their keys: ``site`` is the start URL, ``site_name``
    the registry name (columns ``start_url`` and ``site`` of ``audit_runs``)."""

    db: sqlite_utils.Database
    _pages_written: dict[int, set[str]]  # per run: pages whose links this Store wrote

    def recover_dead_runs(self) -> int:
        """Mark runs left ``running`` by a process that no longer exists as interrupted.

        Called on every open, so ``status``, ``findings`` and ``run`` never show a run killed
        with ``kill -9`` (or by a power cut) as still running. Runs started on another host
        (a database on a shared disk) are left alone: their pids mean nothing here.
        """
        host = socket.gethostname()
        dead = [r["id"] for r in self.db.query("select id, pid, pid_start, host from audit_runs where status = 'running'")
                if (not r["host"] or r["host"] == host) and not _pid_alive(r["pid"], r["pid_start"])]
        if not dead:
            return 0
        summary = _json({"status": "interrupted", "reason": "检查进程已不存在（被强制终止或异常退出）"})
        with self.db.conn:
            for run_id in dead:
                self.db.execute("update audit_runs set status = 'interrupted', summary = coalesce(summary, ?)"
                                " where id = ? and status = 'running'", [summary, run_id])
        return len(dead)

    def start_run(self, *, site: str, profile: str, as_of: str, options: dict[str, Any],
                  site_name: str | None = None) -> int:
        """Open a run of start URL ``site`` (of registered site ``site_name`` when it is one)."""
        with self.db.conn:
            row = self.db["audit_runs"].insert({
                "start_url": site, "site": site_name, "profile": profile, "as_of": as_of,
                "started": now_iso(), "finished": None, "status": "running", "pages": 0,
                "links_checked": 0, "options": _json(options), "pid": os.getpid(),
                "pid_start": process_start(os.getpid()), "host": socket.gethostname(),
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
        links = [(run_id, p.url, link.url, link.text, link.kind, int(link.nav)) for p in pages for link in p.links]
        if rows:
            written = self._pages_written.setdefault(run_id, set())
            again = [r["url"] for r in rows if r["url"] in written]  # a page stored again (marked, rendered)
            with self.db.conn:
                self.db["pages"].upsert_all(rows, pk=("run_id", "url"))
                if again:  # only then: the delete scans every link row of the run (~0.4 s per 1,000 pages)
                    self.db.execute("delete from page_links where run_id = ? and page in (%s)"
                                    % ",".join("?" * len(again)), [run_id, *again])
                written.update(r["url"] for r in rows)
                # plain executemany: sqlite-utils' insert_all costs ~8 % of a night of unchanged pages
                self.db.conn.executemany("insert into page_links (run_id, page, target, text, kind, nav)"
                                         " values (?, ?, ?, ?, ?, ?)", links)
            with self.db.conn:
                self.db.execute("update audit_runs set pages = (select count(*) from pages where run_id = ?)"
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
            self.db["run_findings"].insert_all(
                ({**finding_columns(f), "run_id": run_id, "evidence": _json(f.get("evidence") or {})}
                 for f in findings), pk="id")
            self.db["audit_runs"].update(run_id, {
                "status": status, "finished": now_iso() if status not in UNFINISHED else None,
                "pages": self.db.execute("select count(*) from pages where run_id = ?",
                                         [run_id]).fetchone()[0],
                "links_checked": len(links), "score": score, "verdict": verdict, "grade": grade,
                "summary": _json(summary),
            })

    def mark_run(self, run_id: int, status: str, summary: dict[str, Any] | None = None) -> None:
        """Close a run that stopped before ``finish_run`` (no findings, no score), with its reason."""
        changes: dict[str, Any] = {"status": status}
        if summary is not None:
            changes["summary"] = _json(summary)
        with self.db.conn:
            self.db["audit_runs"].update(run_id, changes)

    def run(self, run_id: int) -> dict[str, Any]:
        return run_row(self.db["audit_runs"].get(run_id))  # type: ignore[return-value]

    def run_urls(self, run_id: int) -> set[str]:
        """Every page a run read and every link target it checked."""
        rows = self.db.execute("select url from pages where run_id = ? union select final_url from pages"
                               " where run_id = ? union select target from links where run_id = ?",
                               [run_id, run_id, run_id]).fetchall()
        return {url for (url,) in rows if url}

    def findings_for_run(self, run_id: int) -> list[dict[str, Any]]:
        rows = self.db.query("select * from run_findings where run_id = ? order by id", [run_id])
        return [{**finding_row(r), "evidence": json.loads(r["evidence"] or "{}")} for r in rows]

    def run_has_veto(self, run_id: int) -> bool:
        return self.db.execute("select exists(select 1 from run_findings where run_id = ? and severity = 'veto')",
                               [run_id]).fetchone()[0] == 1

    # -- runs of registered sites -------------------------------------------------------

    def site_runs(self, name: str, limit: int = 2) -> list[dict[str, Any]]:
        """The latest runs of a registered site, newest first."""
        return run_rows(self.db.query("select * from audit_runs where site = ? order by id desc limit ?",
                                      [name, limit]))

    def run_of_process(self, name: str, pid: int, since: str) -> dict[str, Any] | None:
        """The run an audit subprocess started (pids are reused, hence ``since``)."""
        rows = list(self.db.query("select * from audit_runs where site = ? and pid = ? and started >= ?"
                                  " order by id desc limit 1", [name, pid, since]))
        return run_row(rows[0]) if rows else None

    def inspection_run(self, site: str) -> dict[str, Any] | None:
        """The newest run of a registered site that finished (complete or unreachable)."""
        rows = list(self.db.query("select * from audit_runs where site = ? and status in ('complete', 'unreachable')"
                                  " order by id desc limit 1", [site]))
        return run_row(rows[0]) if rows else None

    def sites_of_runs(self, run_ids: Iterable[int]) -> list[str]:
        """The registered site names of runs, in first-seen order."""
        names: list[str] = []
        for run_id in run_ids:
            row = self.db.execute("select site from audit_runs where id = ?", [run_id]).fetchone()
            if row and row[0] and row[0] not in names:
                names.append(row[0])
        return names
