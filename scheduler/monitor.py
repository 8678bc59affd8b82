"""Auditing registered sites: one subprocess per audit, N at a time, then the history update.

Why subprocesses: Scrapy runs on Twisted's reactor, which cannot be restarted in one
process, and a crashed or hung crawl must not take the monitor down with it. Each audit
is ``python -m portalwatch audit URL --format json --site-name NAME ...`` against the same
database; the parent watches the time limit, and on expiry or shutdown sends SIGTERM (the
audit then marks its run ``interrupted``) and, after a grace period, SIGKILL (the run is
then found dead and marked ``interrupted`` here). Used by ``portalwatch run`` and by the
scheduler daemon alike.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from portalwatch.reports.storage import MonitorStore, now_iso

DEFAULT_TIME_LIMIT = 4 * 3600  # seconds per site; a 5,000-page portal at 0.25 s/page takes ~30 min
KILL_GRACE = 20.0  # seconds between SIGTERM and SIGKILL
COMPLETED = ("complete", "unreachable")  # the audit itself worked


@dataclass
class RunConfig:
    """What every audit of one ``run`` or one night shares."""

    db: Path
    as_of: dt.date | None = None
    time_limit: float = DEFAULT_TIME_LIMIT
    audit_args: list[str] = field(default_factory=list)  # extra ``portalwatch audit`` options
    # nightly audits reuse what the last complete one saw (full every PORTALWATCH_FULL_EVERY nights);
    # ``run --full`` makes them full
    mode: str = "incremental"
    # audits this machine runs at once: above 1 each audit parses its pages itself instead of in a
    # forked analysis process, whose hand-over costs ~20 % more CPU and buys nothing when every
    # core already runs an audit
    parallel: int = 1
    stop: threading.Event = field(default_factory=threading.Event)  # set on shutdown


@dataclass
class Outcome:
    """How one site's audit ended, as the monitor saw it."""

    site: str
    status: str  # complete, unreachable, interrupted, cut_short, timeout, failed
    run_id: int | None = None
    exit_code: int | None = None
    started: str = ""
    elapsed: float = 0.0
    score: float | None = None
    verdict: str | None = None
    changes: dict[str, int] = field(default_factory=dict)
    detail: str = ""

    @property
    def completed(self) -> bool:
        return self.status in COMPLETED

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def audit_command(site: dict[str, Any], cfg: RunConfig) -> list[str]:
    """The ``portalwatch audit`` command line for a registered site and its settings."""
    settings = site.get("settings") or {}
    cmd = [sys.executable, "-m", "portalwatch", "audit", site["url"], "--format", "json", "--no-progress",
           "--db", str(cfg.db), "--profile", site.get("profile") or "township", "--site-name", site["name"]]
    if cfg.as_of:
        cmd += ["--as-of", cfg.as_of.isoformat()]
    for key, option in (("max_pages", "--max-pages"), ("render", "--render"),
                        ("concurrency", "--concurrency"), ("delay", "--delay"), ("scope", "--scope")):
        if settings.get(key) is not None:
            cmd += [option, str(settings[key])]
    # the audit stops crawling before the monitor's hard limit, so it ends ``cut_short`` with what
    # it saw instead of being killed with nothing: the rest is for start-up, closing and the checks
    # (about 6 s on a small site, measured; a tenth of the limit on long ones)
    limit = float(settings.get("time_limit") or cfg.time_limit)
    cmd += ["--time-limit", f"{max(limit / 2, limit - max(10.0, limit / 10)):g}"]
    cmd.append("--incremental" if cfg.mode == "incremental" else "--full")
    if cfg.parallel > 1:  # before the user's own --audit-args, which win
        cmd += ["--set", "PORTALWATCH_ANALYSIS_WORKERS=0"]
    return cmd + list(cfg.audit_args)


def audit_site(site: dict[str, Any], cfg: RunConfig) -> Outcome:
    """Audit one registered site in a subprocess, then fold the run into the finding history."""
    started, t0 = now_iso(), time.monotonic()
    limit = float((site.get("settings") or {}).get("time_limit") or cfg.time_limit)
    outcome = Outcome(site=site["name"], status="failed", started=started)
    if cfg.stop.is_set():
        outcome.status, outcome.detail = "interrupted", "监测程序正在停止，未开始检查"
        return outcome
    # stdout (the JSON document) is not needed: the run is read back from the database.
    proc = subprocess.Popen(audit_command(site, cfg), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    stderr, reason = _wait(proc, limit, cfg.stop)
    outcome.exit_code, outcome.elapsed = proc.returncode, round(time.monotonic() - t0, 2)
    store = MonitorStore(cfg.db)
    try:
        store.recover_dead_runs()  # a killed audit left its run "running"
        run = store.run_of_process(site["name"], proc.pid, since=started)
        if run is None:
            outcome.detail = _tail(stderr) or "检查程序未能启动"
        else:
            outcome.run_id, outcome.score, outcome.verdict = run["id"], run["score"], run["verdict"]
            outcome.status = run["status"] if run["status"] in COMPLETED + ("interrupted", "cut_short") else "failed"
            if reason == "timeout":
                outcome.status = "timeout"
            outcome.changes = store.update_history(run["id"], site["name"])
            if not outcome.completed:
                outcome.detail = {"timeout": f"超过单站时限 {limit:g} 秒，已终止",
                                  "stopped": "监测程序停止，检查被中断"}.get(reason, _tail(stderr))
        if outcome.status == "failed" and not outcome.detail:
            outcome.detail = _tail(stderr)
        store.log_job("audit", outcome.status, site=site["name"], run_id=outcome.run_id,
                      detail=json.dumps({"exit_code": outcome.exit_code, "elapsed": outcome.elapsed,
                                         "changes": outcome.changes, "detail": outcome.detail,
                                         "started": started}, ensure_ascii=False))
    finally:
        store.close()
    return outcome


def _wait(proc: subprocess.Popen, limit: float, stop: threading.Event) -> tuple[str, str]:
    """Collect the audit's stderr; on time limit or shutdown stop it (SIGTERM, then SIGKILL)."""
    deadline, reason = time.monotonic() + limit, ""
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    while proc.poll() is None:
        if stop.wait(0.2):
            reason = "stopped"
        elif time.monotonic() > deadline:
            reason = "timeout"
        if reason:
            _terminate(proc)
            break
    proc.wait()
    reader.join(5)
    return b"".join(err).decode("utf-8", "replace"), reason


def _terminate(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(KILL_GRACE)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _tail(text: str, lines: int = 3) -> str:
    kept = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return "\n".join(kept[-lines:])[:1000]


def audit_sites(sites: Iterable[dict[str, Any]], cfg: RunConfig, jobs: int,
                on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Audit sites ``jobs`` at a time; outcomes in the order given.

    Ctrl-C (or any error here) sets ``cfg.stop``: running audits are stopped and marked
    interrupted, queued ones do not start.
    """
    sites = list(sites)
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="audit")
    try:
        futures = {pool.submit(audit_site, site, cfg): i for i, site in enumerate(sites)}
        outcomes: list[Outcome | None] = [None] * len(sites)
        for fut in as_completed(futures):
            outcomes[futures[fut]] = fut.result()
            if on_done:
                on_done(fut.result())
    except BaseException:
        cfg.stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [o for o in outcomes if o is not None]


def default_jobs() -> int:
    return os.cpu_count() or 1
