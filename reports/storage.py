"""All SQL of portalwatch: one SQLite file, numbered migrations, dict rows.

Tables (open the file with ``sqlite-utils`` or Datasette to browse them):

- ``runs``: one audit of one site (start URL, profile, as-of date, times, status, score).
  ``status`` is ``running`` while it works, then ``complete``, ``unreachable``,
  ``interrupted`` (Ctrl-C, SIGTERM, or its process found dead when the file is next
  opened) or ``failed`` (the crawler would not start or our code broke; see
  scheduler/runstate.py). ``finished`` stays NULL for a run that did not finish.
  ``pid``, ``pid_start`` and ``host`` name the audit process, to tell a dead one.
- ``pages``: every HTML page a run fetched, with what was extracted.
- ``links``: every link target a run checked, with its verdict and the pages it is on.
- ``page_links``: every outgoing reference of every page, with its anchor text.
- ``skips``: what a run deliberately did not do (too large, robots.txt, URL trap ...).
- ``findings``: the contract's finding records, one row each, ``evidence`` as JSON text.

Writes happen in short transactions as the crawl goes, so an interrupted run leaves a
consistent file: the run row says it did not finish and nothing half-written remains.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

from sqlite_utils.migrations import Migrations

from portalwatch.crawler.snapshot import LinkCheck, Page, Skip
from portalwatch.reports.lifecycle import ACTIVE_STATUSES, TRACKED_STATUSES, next_status

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


@migrations()
def m0001a_page_links(db: sqlite_utils.Database) -> None:
    """Every outgoing reference of every page, with its anchor text: the evidence trail."""
    db["page_links"].create({"run_id": int, "page": str, "target": str, "text": str, "kind": str, "nav": int},
                            foreign_keys=[("run_id", "runs", "id")])
    db["page_links"].create_index(["run_id", "target"])


@migrations()
def m0001b_run_process(db: sqlite_utils.Database) -> None:
    """Who runs a run: with the pid's start time and host, a reused pid is not mistaken for it."""
    db["runs"].add_column("pid_start", str)
    db["runs"].add_column("host", str)


UNFINISHED = ("interrupted", "failed")  # states whose ``finished`` stays NULL


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


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



def undecided_columns(run: dict[str, Any]) -> set[tuple[Any, Any]]:
    """(check, column) pairs a run could not look at (its summary's ``undecided`` items)."""
    try:
        summary = json.loads(run.get("summary") or "{}")
    except (TypeError, ValueError):
        return set()
    return {(u.get("check"), u.get("column")) for u in summary.get("undecided", []) if isinstance(u, dict)}


def looked(item: dict[str, Any], looked_at: set[str] | None, undecided: set[tuple[Any, Any]]) -> bool:
    """Did a run look where ``item`` (a finding) was? Its column was not undecided, and its page or
    link was read (``looked_at``: every page read and link checked; None when unknown). Absence from
    a run proves a fix only there: pages beyond ``--max-pages`` or cut columns prove nothing."""
    if (item.get("check"), item.get("column")) in undecided:
        return False
    where = [u for u in (item.get("url"), item.get("target")) if u]
    return looked_at is None or not where or any(u in looked_at for u in where)

class Store:
    """The database, opened in WAL mode and migrated to the current schema."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.db.execute("PRAGMA foreign_keys=ON")
        migrations.apply(self.db)
        self.recover_dead_runs()
        self._pages_written: dict[int, set[str]] = {}  # per run: pages whose links this Store wrote

    def close(self) -> None:
        self.db.close()

    # -- runs ---------------------------------------------------------------------------

    def recover_dead_runs(self) -> int:
        """Mark runs left ``running`` by a process that no longer exists as interrupted.

        Called on every open, so ``status``, ``findings`` and ``run`` never show a run killed
        with ``kill -9`` (or by a power cut) as still running. Runs started on another host
        (a database on a shared disk) are left alone: their pids mean nothing here.
        """
        host = socket.gethostname()
        dead = [r["id"] for r in self.db.query("select id, pid, pid_start, host from runs where status = 'running'")
                if (not r["host"] or r["host"] == host) and not _pid_alive(r["pid"], r["pid_start"])]
        if not dead:
            return 0
        summary = _json({"status": "interrupted", "reason": "检查进程已不存在（被强制终止或异常退出）"})
        with self.db.conn:
            for run_id in dead:
                self.db.execute("update runs set status = 'interrupted', summary = coalesce(summary, ?)"
                                " where id = ? and status = 'running'", [summary, run_id])
        return len(dead)

    def start_run(self, *, site: str, profile: str, as_of: str, options: dict[str, Any],
                  site_name: str | None = None) -> int:
        with self.db.conn:
            row = self.db["runs"].insert({
                "site": site, "site_name": site_name, "profile": profile, "as_of": as_of,
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
            self.db["runs"].update(run_id, changes)

    def run(self, run_id: int) -> dict[str, Any]:
        return self.db["runs"].get(run_id)

    def run_urls(self, run_id: int) -> set[str]:
        """Every page a run read and every link target it checked."""
        rows = self.db.execute("select url from pages where run_id = ? union select final_url from pages"
                               " where run_id = ? union select target from links where run_id = ?",
                               [run_id, run_id, run_id]).fetchall()
        return {url for (url,) in rows if url}

    def findings_for_run(self, run_id: int) -> list[dict[str, Any]]:
        rows = self.db.query("select * from findings where run_id = ? order by id", [run_id])
        return [{**r, "evidence": json.loads(r["evidence"] or "{}")} for r in rows]


# ======================================================================================
# Monitoring (issue 4): site registry, finding history, availability probes, job log.
#
# - ``sites``: the registry of monitored sites (``emails`` and ``settings`` as JSON text).
# - ``tracked``: one row per finding fingerprint and site across runs, with its life cycle
#   ``new`` → ``open`` (seen again) → ``resolved`` (absent from a later complete run) →
#   ``reopened`` (seen again after that) → ``open`` on the next sighting; ``ignored`` is set
#   by an inspector and sticks. ``resolved_run``/``resolved_at`` keep the latest resolution.
#   Rows with ``first_run`` NULL come from the availability probes, not from an audit, and
#   are opened and resolved only by the probe evaluation.
# - ``probes``: one homepage availability probe (``ok`` 1, 0, or NULL when a firewall
#   answered 401/403/412/429 and the visit proves nothing).
# - ``job_log``: what the monitor did and how it ended (audits, retries, daemon start/stop).
# Times are local ISO datetimes with offset (``now_iso``); they compare as text on one machine.
# ======================================================================================


@migrations()
def m0002_monitoring(db: sqlite_utils.Database) -> None:
    db["sites"].create({
        "name": str, "url": str, "profile": str, "unit": str, "region": str, "contact": str,
        "emails": str, "enabled": int, "settings": str, "created": str, "updated": str,
    }, pk="name")
    db["tracked"].create({
        "fingerprint": str, "site": str, "check": str, "severity": str, "url": str, "target": str,
        "column": str, "message": str, "evidence": str, "status": str, "first_seen": str,
        "last_seen": str, "first_run": int, "last_run": int, "resolved_run": int, "resolved_at": str,
        "times_seen": int, "ignored_reason": str, "ignored_at": str,
    }, pk="fingerprint")
    db["tracked"].create_index(["site", "status"])
    db["probes"].create({
        "id": int, "site": str, "url": str, "at": str, "ok": int, "status": int, "error": str,
        "elapsed": float,
    }, pk="id")
    db["probes"].create_index(["site", "at"])
    db["job_log"].create({
        "id": int, "at": str, "site": str, "run_id": int, "kind": str, "outcome": str, "detail": str,
    }, pk="id")
    db["job_log"].create_index(["site", "at"])
    db["runs"].create_index(["site_name"])


def _site_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "emails": json.loads(row.get("emails") or "[]"),
            "settings": json.loads(row.get("settings") or "{}"), "enabled": bool(row.get("enabled"))}


def _tracked_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "evidence": json.loads(row.get("evidence") or "{}")}


class MonitorStore(Store):
    """The monitoring tables; a ``Store`` with the registry, history, probe and job-log methods."""

    # -- site registry ------------------------------------------------------------------

    def save_sites(self, rows: Iterable[dict[str, Any]]) -> dict[str, int]:
        """Insert or update sites by name in one transaction: ``{"added", "updated", "unchanged"}``."""
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        fields = ("url", "profile", "unit", "region", "contact", "emails", "enabled", "settings")
        with self.db.conn:
            for row in rows:
                new = {**row, "emails": _json(list(row.get("emails") or [])),
                       "settings": _json(dict(row.get("settings") or {})),
                       "enabled": int(bool(row.get("enabled", True)))}
                found = list(self.db.query("select * from sites where name = ?", [row["name"]]))
                if not found:
                    stamp = now_iso()
                    self.db["sites"].insert({**{f: new.get(f) for f in fields}, "name": row["name"],
                                             "created": stamp, "updated": stamp})
                    counts["added"] += 1
                    continue
                changes = {f: new.get(f) for f in fields if f in row and new.get(f) != found[0].get(f)}
                if changes:
                    self.db["sites"].update(row["name"], {**changes, "updated": now_iso()})
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
        return counts

    def site(self, name: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from sites where name = ?", [name]))
        return _site_row(rows[0]) if rows else None

    def sites(self, *, enabled_only: bool = False) -> list[dict[str, Any]]:
        where = " where enabled = 1" if enabled_only else ""
        return [_site_row(r) for r in self.db.query(f"select * from sites{where} order by name")]

    def remove_site(self, name: str) -> bool:
        """Drop a site from the registry; its runs and finding history stay for the record."""
        with self.db.conn:
            return self.db.execute("delete from sites where name = ?", [name]).rowcount > 0

    # -- runs of registered sites -------------------------------------------------------

    def site_runs(self, name: str, limit: int = 2) -> list[dict[str, Any]]:
        """The latest runs of a registered site, newest first."""
        return list(self.db.query("select * from runs where site_name = ? order by id desc limit ?",
                                  [name, limit]))

    def run_of_process(self, name: str, pid: int, since: str) -> dict[str, Any] | None:
        """The run an audit subprocess started (pids are reused, hence ``since``)."""
        rows = list(self.db.query("select * from runs where site_name = ? and pid = ? and started >= ?"
                                  " order by id desc limit 1", [name, pid, since]))
        return rows[0] if rows else None

    # -- finding history ----------------------------------------------------------------

    def update_history(self, run_id: int, site: str | None = None) -> dict[str, int]:
        """Fold one finished run of a registered site into ``tracked``.

        Every run records what it saw (an unreachable run its ``site_unreachable``); only a
        ``complete`` run resolves what it did not see. Runs older than a row's last sighting
        are ignored for that row, so folding the same run twice changes nothing.
        """
        run = self.run(run_id)
        site = site or run.get("site_name")
        counts = {"new": 0, "open": 0, "reopened": 0, "resolved": 0, "ignored": 0}
        if not site or run["status"] not in ("complete", "unreachable", "cut_short"):
            return counts  # unscored runs (interrupted, failed) say nothing
        seen_at = run["started"]
        seen: set[str] = set()
        with self.db.conn:
            for f in self.findings_for_run(run_id):
                fp = f.get("fingerprint")
                if not fp or fp in seen:
                    continue
                seen.add(fp)
                latest = {"site": site, "check": f["check"], "severity": f["severity"], "url": f["url"],
                          "target": f["target"], "column": f["column"], "message": f["message"],
                          "evidence": _json(f["evidence"]), "last_seen": seen_at, "last_run": run_id}
                old = list(self.db.query("select * from tracked where fingerprint = ?", [fp]))
                if not old:
                    self.db["tracked"].insert({**latest, "fingerprint": fp, "status": next_status(None, "seen"),
                                               "first_seen": seen_at, "first_run": run_id, "times_seen": 1})
                    counts["new"] += 1
                    continue
                old_row = old[0]
                if old_row["last_run"] is not None and old_row["last_run"] >= run_id:
                    continue
                status = next_status(old_row["status"], "seen")
                counts[status] += 1
                self.db["tracked"].update(fp, {**latest, "status": status,
                                               "times_seen": (old_row["times_seen"] or 0) + 1})
            if run["status"] == "complete":  # only a complete run resolves, and only what it looked at
                looked_at, undecided = self.run_urls(run_id), undecided_columns(run)
                gone = [r for r in self.db.query(
                    "select fingerprint, status, url, target, \"check\", \"column\" from tracked where site = ?"
                    " and status in ('new', 'open', 'reopened') and last_run is not null and last_run < ?",
                    [site, run_id]) if r["fingerprint"] not in seen and looked(r, looked_at, undecided)]
                for r in gone:
                    self.db["tracked"].update(r["fingerprint"], {"status": next_status(r["status"], "gone"),
                                                                 "resolved_run": run_id, "resolved_at": seen_at})
                counts["resolved"] = len(gone)
        return counts

    def tracked_findings(self, site: str, statuses: Iterable[str] | None = None) -> list[dict[str, Any]]:
        wanted = list(statuses or TRACKED_STATUSES)
        marks = ", ".join("?" for _ in wanted)
        return [_tracked_row(r) for r in self.db.query(
            f"select * from tracked where site = ? and status in ({marks})"
            " order by case status when 'reopened' then 0 when 'new' then 1 when 'open' then 2"
            " when 'resolved' then 3 else 4 end, \"check\", url, target", [site, *wanted])]

    def tracked(self, ident: str) -> dict[str, Any] | None:
        """A tracked finding by fingerprint, or by the numeric ``findings.id`` of any of its sightings."""
        rows = list(self.db.query("select * from tracked where fingerprint = ?", [ident]))
        if not rows and ident.isdigit():
            rows = list(self.db.query("select t.* from tracked t join findings f on f.fingerprint = t.fingerprint"
                                      " where f.id = ?", [int(ident)]))
        return _tracked_row(rows[0]) if rows else None

    def ignore_finding(self, fingerprint: str, reason: str) -> None:
        with self.db.conn:
            self.db["tracked"].update(fingerprint, {"status": next_status(None, "ignored"), "ignored_reason": reason,
                                                    "ignored_at": now_iso()})

    def track_external(self, site: str, fingerprint: str, finding: dict[str, Any] | None, at: str) -> str | None:
        """Open, refresh or (``finding`` None) resolve a finding that no audit run produces.

        Used by the availability probes. Returns the new status, or None when nothing changed.
        """
        old = list(self.db.query("select * from tracked where fingerprint = ?", [fingerprint]))
        with self.db.conn:
            if finding is None:
                status = next_status(old[0]["status"], "gone") if old else None
                if old and status != old[0]["status"]:
                    self.db["tracked"].update(fingerprint, {"status": status, "resolved_at": at})
                    return status
                return None
            latest = {k: finding.get(k) for k in ("check", "severity", "url", "target", "column", "message")}
            latest |= {"site": site, "evidence": _json(finding.get("evidence") or {}), "last_seen": at}
            if not old:
                status = next_status(None, "seen")
                self.db["tracked"].insert({**latest, "fingerprint": fingerprint, "status": status,
                                           "first_seen": at, "times_seen": 1})
                return status
            status = next_status(old[0]["status"], "seen")
            self.db["tracked"].update(fingerprint, {**latest, "status": status,
                                                    "times_seen": (old[0]["times_seen"] or 0) + 1})
            return status

    def open_counts(self, site: str) -> dict[str, int]:
        """Active (new, open, reopened) tracked findings of a site by check."""
        return {r["check"]: r["n"] for r in self.db.query(
            "select \"check\", count(*) as n from tracked where site = ? and status in ('new', 'open', 'reopened')"
            " group by \"check\" order by \"check\"", [site])}

    def run_has_veto(self, run_id: int) -> bool:
        return self.db.execute("select exists(select 1 from findings where run_id = ? and severity = 'veto')",
                               [run_id]).fetchone()[0] == 1

    def run_changes(self, site: str, run_id: int) -> dict[str, int]:
        """What a run changed in the history: findings first seen, resolved, and reopened by it."""
        row = self.db.execute(
            "select sum(first_run = :r), sum(resolved_run = :r and status = 'resolved'),"
            " sum(status = 'reopened' and last_run = :r) from tracked where site = :s",
            {"r": run_id, "s": site}).fetchone()
        return {"new": row[0] or 0, "resolved": row[1] or 0, "reopened": row[2] or 0}

    # -- availability probes ------------------------------------------------------------

    def add_probes(self, rows: Iterable[dict[str, Any]]) -> None:
        with self.db.conn:
            self.db["probes"].insert_all(rows, pk="id")

    def probe_counts(self, site: str, since: str) -> dict[str, int]:
        """Probes of a site since a time: ``total`` conclusive ones, ``failed``, ``blocked`` (firewall)."""
        row = self.db.execute(
            "select sum(ok is not null), sum(ok = 0), sum(ok is null), max(at) from probes"
            " where site = ? and at >= ?", [site, since]).fetchone()
        return {"total": row[0] or 0, "failed": row[1] or 0, "blocked": row[2] or 0, "last": row[3]}

    def prune_probes(self, before: str) -> int:
        with self.db.conn:
            return self.db.execute("delete from probes where at < ?", [before]).rowcount

    # -- job log ------------------------------------------------------------------------

    def log_job(self, kind: str, outcome: str, *, site: str | None = None, run_id: int | None = None,
                detail: str | None = None) -> None:
        with self.db.conn:
            self.db["job_log"].insert({"at": now_iso(), "site": site, "run_id": run_id, "kind": kind,
                                       "outcome": outcome, "detail": detail})

    def job_log(self, *, site: str | None = None, kind: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        where, args = [], []
        for col, val in (("site", site), ("kind", kind)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        sql = "select * from job_log" + (" where " + " and ".join(where) if where else "")
        return list(self.db.query(sql + " order by id desc limit ?", [*args, limit]))


# ======================================================================================
# Rectification notices (issue 5): the 整改通知 an office sends and the 复查 that follows.
#
# - ``notices``: one notice to one registered site. ``number`` (e.g. 〔2026〕第7号) is built
#   from ``year`` and a per-year ``seq`` drawn from ``notice_numbers``, so a number is never
#   issued twice, even after a notice is deleted. ``status`` is ``draft`` (rendered, not
#   sent), ``sent`` (an SMTP server accepted it; ``sent_at``) or ``failed`` (every attempt
#   failed; ``last_error``). ``recipients`` is a JSON list; ``html`` is the mail-ready
#   (CSS-inlined) document and ``text`` its plain-text twin; ``run_id`` the inspection run.
# - ``notice_items``: the findings a notice lists, copied as they were when it was issued.
# - ``followups``: one re-check (复查) of a notice: ``results`` is JSON
#   ``{"items": {fingerprint: "fixed"|"not_fixed"|"unknown"}, "new": [fingerprint, ...]}``.
# - ``notice_numbers``: the last sequence number handed out per year.
# - ``notice_deliveries``: every SMTP attempt of a notice (``at``, ``delivered`` 0/1,
#   ``error``, ``recipients``), so a failed re-send never hides an earlier delivery. A notice
#   once delivered stays ``sent``.
# ======================================================================================

NOTICE_STATUSES = ("draft", "sent", "failed")


@migrations()
def m0003_notices(db: sqlite_utils.Database) -> None:
    db["notices"].create({
        "id": int, "site": str, "number": str, "year": int, "seq": int, "issued": str, "deadline": str,
        "office": str, "unit": str, "recipients": str, "subject": str, "html": str, "text": str,
        "status": str, "attempts": int, "sent_at": str, "last_error": str, "run_id": int,
        "origin": str, "created": str, "updated": str,
    }, pk="id", defaults={"status": "draft", "attempts": 0})
    db["notices"].create_index(["number"], unique=True)
    db["notices"].create_index(["site", "id"])
    db["notice_items"].create({
        "notice_id": int, "fingerprint": str, "check": str, "severity": str, "message": str, "url": str,
        "target": str, "column": str, "evidence": str,
    }, pk=("notice_id", "fingerprint"), foreign_keys=[("notice_id", "notices", "id")])
    db["notice_items"].create_index(["fingerprint"])
    db["followups"].create({
        "id": int, "notice_id": int, "run_id": int, "at": str, "results": str, "html": str, "text": str,
    }, pk="id", foreign_keys=[("notice_id", "notices", "id")])
    db["followups"].create_index(["notice_id"])
    db["notice_numbers"].create({"year": int, "last_seq": int}, pk="year")


@migrations()
def m0004_notice_deliveries(db: sqlite_utils.Database) -> None:
    db["notice_deliveries"].create({
        "id": int, "notice_id": int, "at": str, "delivered": int, "error": str, "recipients": str,
    }, pk="id", foreign_keys=[("notice_id", "notices", "id")])
    db["notice_deliveries"].create_index(["notice_id", "id"])
    # notices delivered before this table existed: their one known delivery
    db.execute("insert into notice_deliveries (notice_id, at, delivered, error, recipients)"
               " select id, sent_at, 1, null, recipients from notices where sent_at is not null")


def _notice_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "recipients": json.loads(row.get("recipients") or "[]")}


class NoticeStore(MonitorStore):
    """Notices, their items and follow-ups, on top of the registry and finding history."""

    # -- the inputs of a notice ---------------------------------------------------------

    def inspection_run(self, site: str) -> dict[str, Any] | None:
        """The newest run of a registered site that finished (complete or unreachable)."""
        rows = list(self.db.query("select * from runs where site_name = ? and status in ('complete', 'unreachable')"
                                  " order by id desc limit 1", [site]))
        return rows[0] if rows else None

    def notified_fingerprints(self, site: str, *, exclude: int | None = None) -> set[str]:
        """Fingerprints listed in any *sent* notice of a site (optionally not counting one notice)."""
        return {r["fingerprint"] for r in self.db.query(
            "select distinct i.fingerprint from notice_items i join notices n on n.id = i.notice_id"
            " where n.site = ? and n.status = 'sent' and n.id != ?", [site, exclude or -1])}

    # -- numbers ------------------------------------------------------------------------

    def _next_seq(self, year: int) -> int:
        """Hand out the next sequence number of a year (call inside a transaction)."""
        self.db.execute("insert or ignore into notice_numbers (year, last_seq) values (?, 0)", [year])
        self.db.execute("update notice_numbers set last_seq = last_seq + 1 where year = ?", [year])
        return int(self.db.execute("select last_seq from notice_numbers where year = ?", [year]).fetchone()[0])

    # -- writing notices ----------------------------------------------------------------

    def save_notice(self, notice: dict[str, Any], items: Iterable[dict[str, Any]], *,
                    number_pattern: str, reuse: int | None = None) -> dict[str, Any]:
        """Store a notice and its items in one transaction and return the stored row.

        ``reuse`` names an unsent notice of the same site to overwrite (it keeps its number);
        otherwise a new number is drawn. ``notice`` must hold ``issued`` (ISO date).
        """
        year = int(str(notice["issued"])[:4])
        stamp = now_iso()
        row = {**notice, "recipients": _json(list(notice.get("recipients") or [])), "updated": stamp}
        item_rows = list(items)
        with self.db.conn:
            if reuse is not None:
                old = self.db["notices"].get(reuse)
                if old["status"] == "sent":
                    raise ValueError(f"notice {reuse} was sent and cannot be rewritten")
                if old["year"] != year:  # a draft carried into a new year gets that year's number
                    row |= self._number(year, number_pattern)
                notice_id = reuse
                self.db["notices"].update(notice_id, row)
                self.db.execute("delete from notice_items where notice_id = ?", [notice_id])
            else:
                row |= self._number(year, number_pattern) | {"created": stamp, "status": "draft", "attempts": 0}
                notice_id = int(self.db["notices"].insert(row).last_pk)
            self.db["notice_items"].insert_all(({
                "notice_id": notice_id, "fingerprint": i["fingerprint"], "check": i["check"],
                "severity": i["severity"], "message": i["message"], "url": i["url"], "target": i.get("target"),
                "column": i.get("column"), "evidence": _json(i.get("evidence") or {}),
            } for i in item_rows), pk=("notice_id", "fingerprint"), replace=True)
        return self.notice(notice_id)

    def _number(self, year: int, pattern: str) -> dict[str, Any]:
        while True:  # a pattern without {year} can collide with an earlier year's number
            seq = self._next_seq(year)
            number = pattern.format(year=year, seq=seq)
            if not self.db.execute("select 1 from notices where number = ?", [number]).fetchone():
                return {"year": year, "seq": seq, "number": number}

    def set_notice_render(self, notice_id: int, *, subject: str, html: str, text: str) -> None:
        with self.db.conn:
            self.db["notices"].update(notice_id, {"subject": subject, "html": html, "text": text,
                                                  "updated": now_iso()})

    def record_attempt(self, notice_id: int, error: str | None, *, delivered: bool | None = None,
                       recipients: Iterable[str] = ()) -> None:
        """Count one delivery attempt and keep it in the delivery history. ``delivered``
        (default: ``error`` is None) says the server accepted the message; ``error`` may then
        name refused recipients."""
        stamp = now_iso()
        with self.db.conn:
            self.db.execute("update notices set attempts = coalesce(attempts, 0) + 1, last_error = ?, updated = ?"
                            " where id = ?", [error, stamp, notice_id])
            self.db["notice_deliveries"].insert({
                "notice_id": notice_id, "at": stamp, "delivered": int(error is None if delivered is None else delivered),
                "error": error, "recipients": _json(list(recipients))})

    def mark_notice(self, notice_id: int, status: str, *, error: str | None = None) -> None:
        """Set a notice's status; ``failed`` never overrides ``sent``: a notice once delivered
        was received, whatever a later re-send met (the attempt stays in ``deliveries``)."""
        if status not in NOTICE_STATUSES:
            raise ValueError(status)
        changes: dict[str, Any] = {"status": status, "updated": now_iso()}
        if status == "sent":
            changes["sent_at"] = now_iso()
        elif status == "failed" and self.ever_delivered(notice_id):
            changes["status"] = "sent"
        if error is not None:
            changes["last_error"] = error
        with self.db.conn:
            self.db["notices"].update(notice_id, changes)

    def ever_delivered(self, notice_id: int) -> bool:
        row = self.db.execute("select sent_at from notices where id = ?", [notice_id]).fetchone()
        return bool(row and row[0]) or bool(self.db.execute(
            "select 1 from notice_deliveries where notice_id = ? and delivered = 1", [notice_id]).fetchone())

    def deliveries(self, notice_id: int) -> list[dict[str, Any]]:
        """The notice's delivery attempts, oldest first."""
        return [{**r, "delivered": bool(r["delivered"]), "recipients": json.loads(r["recipients"] or "[]")}
                for r in self.db.query("select * from notice_deliveries where notice_id = ? order by id",
                                       [notice_id])]

    def delete_notice(self, notice_id: int) -> None:
        """Remove a notice with its items and follow-ups; its number stays used."""
        with self.db.conn:
            self.db.execute("delete from followups where notice_id = ?", [notice_id])
            self.db.execute("delete from notice_deliveries where notice_id = ?", [notice_id])
            self.db.execute("delete from notice_items where notice_id = ?", [notice_id])
            self.db.execute("delete from notices where id = ?", [notice_id])

    # -- reading notices ----------------------------------------------------------------

    def notice(self, notice_id: int) -> dict[str, Any]:
        return _notice_row(self.db["notices"].get(notice_id))

    def notices(self, site: str | None = None) -> list[dict[str, Any]]:
        where, args = ("where site = ?", [site]) if site else ("", [])
        return [_notice_row(r) for r in self.db.query(f"select * from notices {where} order by id", args)]

    def last_notice(self, site: str, *, sent_only: bool = False) -> dict[str, Any] | None:
        extra = " and status = 'sent'" if sent_only else ""
        rows = list(self.db.query(f"select * from notices where site = ?{extra} order by id desc limit 1", [site]))
        return _notice_row(rows[0]) if rows else None

    def notice_items(self, notice_id: int) -> list[dict[str, Any]]:
        return [{**r, "evidence": json.loads(r["evidence"] or "{}")} for r in self.db.query(
            "select * from notice_items where notice_id = ? order by rowid", [notice_id])]

    # -- follow-ups ---------------------------------------------------------------------

    def add_followup(self, notice_id: int, run_id: int | None, results: dict[str, Any], *,
                     html: str = "", text: str = "") -> int:
        with self.db.conn:
            return int(self.db["followups"].insert({
                "notice_id": notice_id, "run_id": run_id, "at": now_iso(), "results": _json(results),
                "html": html, "text": text}).last_pk)

    def followups(self, notice_id: int) -> list[dict[str, Any]]:
        return [{**r, "results": json.loads(r["results"] or "{}")} for r in self.db.query(
            "select * from followups where notice_id = ? order by id", [notice_id])]

    def sites_of_runs(self, run_ids: Iterable[int]) -> list[str]:
        """The registered site names of runs, in first-seen order."""
        names: list[str] = []
        for run_id in run_ids:
            row = self.db.execute("select site_name from runs where id = ?", [run_id]).fetchone()
            if row and row[0] and row[0] not in names:
                names.append(row[0])
        return names
