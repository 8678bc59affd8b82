"""Background jobs of the web workplace: ad-hoc audits and re-checks, each a detached subprocess.

A job is the command line the CLI would run (``python -m portalwatch audit URL --format json
--db DB ...`` or ``python -m portalwatch recheck NAME --db DB``), started in its own session by a
small ``sh`` wrapper that writes the exit status to a file when the command ends. Nothing of
the audit runs in the web process, and a job goes on when the browser closes or the web server
restarts: its state is read back from the files and the pid each time it is asked for.

Table ``web_jobs`` (migration set ``portalwatch.webjobs``): ``id``, ``kind`` (``audit`` or
``recheck`` or ``site_audit``), ``target`` (URL or site name), ``profile``, ``as_of``, ``user``, ``state``
(``queued`` → ``running`` → ``done`` | ``failed``), ``created``/``started``/``finished``,
``pid``/``pid_start`` (the wrapper), ``exit_code``, ``run_id``, ``error`` (Chinese, one line),
``files`` (the job's directory, beside the database). At most ``PORTALWATCH_WEB_MAX_AUDITS``
(default 2) jobs run at once; the others wait ``queued`` and start as places free up.

Progress (pages, links, queue) is the audit's own progress line (crawler/progress.py) on
its stderr, written every second to the job's ``err`` file and parsed here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from portalwatch.reports.storage.migrations import apply_migrations

from portalwatch.reports.storage import _pid_alive, now_iso, process_start

migrations = Migrations("portalwatch.webjobs")
STATES = ("queued", "running", "done", "failed")
PROGRESS_RE = re.compile(r"已抓取 (\d+) 页，已检查 (\d+) 个链接（失效 (\d+)），队列 (\d+)")
WRAPPER = 'exec >"$0/out" 2>"$0/err" </dev/null; "$@"; echo $? >"$0/rc.tmp"; mv "$0/rc.tmp" "$0/rc"'
_lock = threading.Lock()


@migrations()
def m0001_web_jobs(db: sqlite_utils.Database) -> None:
    db["web_jobs"].create({
        "id": int, "kind": str, "target": str, "profile": str, "as_of": str, "user": str, "state": str,
        "created": str, "started": str, "finished": str, "pid": int, "pid_start": str, "exit_code": int,
        "run_id": int, "error": str, "files": str,
    }, pk="id")
    db["web_jobs"].create_index(["state"])


def max_running() -> int:
    try:
        return max(1, int(os.environ.get("PORTALWATCH_WEB_MAX_AUDITS") or 2))
    except ValueError:
        return 2


def _open(db_path: Path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(Path(db_path))
    db.execute("PRAGMA busy_timeout=30000")  # first: even switching to WAL may wait for a lock
    db.execute("PRAGMA journal_mode=WAL")
    apply_migrations(db, migrations)
    return db


def jobs_dir(db_path: Path) -> Path:
    return Path(db_path).resolve().parent / (Path(db_path).name + ".jobs")


def create(db_path: Path, kind: str, target: str, *, profile: str | None = None, as_of: str | None = None,
           user: str | None = None) -> int:
    """Queue a job and start it at once when a place is free; returns its id."""
    db = _open(db_path)
    try:
        with db.conn:
            job_id = int(db["web_jobs"].insert({
                "kind": kind, "target": target, "profile": profile, "as_of": as_of, "user": user,
                "state": "queued", "created": now_iso()}).last_pk)
    finally:
        db.close()
    dispatch(db_path)
    return job_id


def command(db_path: Path, job: dict[str, Any]) -> list[str]:
    """The CLI command a job runs (the same one an inspector would type)."""
    base = [sys.executable, "-m", "portalwatch"]
    extra = json.loads(os.environ.get("PORTALWATCH_WEB_AUDIT_ARGS_JSON") or "[]")  # tests and tuning
    as_of = ["--as-of", job["as_of"]] if job.get("as_of") else []
    if job["kind"] == "recheck":  # audit, history update, then the follow-up of the last notice
        return base + ["recheck", job["target"], "--db", str(db_path)] + as_of
    if job["kind"] == "site_audit":  # a registered site: audit and history update, as at night
        return base + ["run", "--site", job["target"], "--db", str(db_path)] + as_of
    cmd = base + ["audit", job["target"], "--format", "json", "--db", str(db_path),
                  "--profile", job.get("profile") or "township",
                  "--set", "PORTALWATCH_PROGRESS_INTERVAL=1"]
    if os.environ.get("PORTALWATCH_WEB_ALLOW_PRIVATE", "") != "1":  # no redirect or rebinding into the office
        from portalwatch.scheduler.publicdns import SETTING

        cmd += ["--set", SETTING]
    return cmd + as_of + [str(a) for a in extra]


def _start(db: sqlite_utils.Database, db_path: Path, job: dict[str, Any]) -> None:
    with db.conn:  # claim it: another process refreshing at the same moment must not start it too
        if db.execute("update web_jobs set state = 'running', started = ? where id = ? and state = 'queued'",
                      [now_iso(), job["id"]]).rowcount != 1:
            return
    files = jobs_dir(db_path) / str(job["id"])
    files.mkdir(parents=True, exist_ok=True)
    cmd = command(db_path, job)
    proc = subprocess.Popen(["sh", "-c", WRAPPER, str(files), *cmd], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            close_fds=True)
    threading.Thread(target=proc.wait, daemon=True).start()  # reap the wrapper: no zombie stays "alive"
    with db.conn:
        db["web_jobs"].update(job["id"], {"pid": proc.pid, "pid_start": process_start(proc.pid), "files": str(files)})


def _finish(db: sqlite_utils.Database, job: dict[str, Any]) -> None:
    """Close a job whose wrapper is gone, from its exit status and output files."""
    files = Path(job["files"] or "")
    try:
        code: int | None = int((files / "rc").read_text().strip())
    except (OSError, ValueError):
        code = None  # killed before it could write its status
    out = _read(files / "out")
    changes: dict[str, Any] = {"exit_code": code, "finished": now_iso()}
    if job["kind"] == "audit":
        try:
            doc = json.loads(out) if out.strip() else None
        except ValueError:
            doc = None
        if doc and code in (0, 3):
            changes |= {"state": "done", "run_id": doc.get("run_id")}
        else:
            changes |= {"state": "failed", "run_id": (doc or {}).get("run_id"),
                        "error": _error_line(_read(files / "err")) or "检查进程异常结束"}
    else:
        if code == 0:
            changes |= {"state": "done"}
        else:
            changes |= {"state": "failed", "error": _error_line(_read(files / "err")) or "复查进程异常结束"}
    with db.conn:
        db["web_jobs"].update(job["id"], changes)


def _read(path: Path, limit: int = 20_000_000) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def _error_line(err: str) -> str:
    lines = [ln.strip() for ln in err.splitlines() if ln.strip() and not PROGRESS_RE.search(ln)]
    errors = [ln for ln in lines if ln.startswith("错误：")]
    return (errors[-1] if errors else lines[-1] if lines else "")[:300]


def refresh(db_path: Path) -> None:
    """Close finished jobs, then start queued ones while places are free."""
    with _lock:
        db = _open(db_path)
        try:
            for job in list(db.query("select * from web_jobs where state = 'running'")):
                if job["pid"] is None and (job["started"] or "") > _ago(60):
                    continue  # claimed by another process a moment ago, being started
                if (Path(job["files"] or "/nonexistent") / "rc").exists() or \
                        not _pid_alive(job["pid"], job["pid_start"]):
                    _finish(db, job)
            running = db.execute("select count(*) from web_jobs where state = 'running'").fetchone()[0]
            for job in list(db.query("select * from web_jobs where state = 'queued' order by id limit ?",
                                     [max(0, max_running() - running)])):
                try:
                    _start(db, db_path, job)
                except OSError as exc:
                    with db.conn:
                        db["web_jobs"].update(job["id"], {"state": "failed", "finished": now_iso(),
                                                          "error": f"无法启动检查进程：{exc}"})
        finally:
            db.close()


dispatch = refresh


def _ago(seconds: float) -> str:
    return (dt.datetime.now().astimezone() - dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


def get(db_path: Path, job_id: int) -> dict[str, Any] | None:
    refresh(db_path)
    db = _open(db_path)
    try:
        rows = list(db.query("select * from web_jobs where id = ?", [job_id]))
    finally:
        db.close()
    if not rows:
        return None
    job = rows[0]
    job["progress"] = progress(job)
    return job


def recent(db_path: Path, kind: str | None = None, limit: int = 30) -> list[dict[str, Any]]:
    refresh(db_path)
    db = _open(db_path)
    try:
        where, args = ("where kind = ?", [kind]) if kind else ("", [])
        rows = list(db.query(f"select * from web_jobs {where} order by id desc limit ?", [*args, limit]))
    finally:
        db.close()
    for job in rows:
        job["progress"] = progress(job)
    return rows


def progress(job: dict[str, Any]) -> dict[str, int]:
    """The last progress line of a job's audit: pages, links, dead, queue (zeros before the first)."""
    found = {"pages": 0, "links": 0, "dead": 0, "queue": 0}
    if not job.get("files"):
        return found
    path = Path(job["files"]) / "err"
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, path.stat().st_size - 4096))
            tail = fh.read().decode("utf-8", "replace")
    except OSError:
        return found
    matches = PROGRESS_RE.findall(tail)
    if matches:
        pages, links, dead, queue = (int(x) for x in matches[-1])
        found = {"pages": pages, "links": links, "dead": dead, "queue": queue}
    return found


def output(job: dict[str, Any]) -> str:
    return _read(Path(job["files"]) / "out") if job.get("files") else ""


def stop_all(db_path: Path) -> None:
    """Stop every running job (tests; an office stops the server with its jobs left running)."""
    db = _open(db_path)
    try:
        for job in db.query("select pid, pid_start from web_jobs where state = 'running'"):
            if _pid_alive(job["pid"], job["pid_start"]):
                try:
                    os.killpg(job["pid"], signal.SIGTERM)
                except (ProcessLookupError, PermissionError):
                    pass
    finally:
        db.close()
