"""``portalwatch schedule``: the nightly monitor on APScheduler 3.x.

Jobs live in the same SQLite file (APScheduler's SQLAlchemy job store, table
``apscheduler_jobs``), so a restart neither loses nor duplicates them:

- ``audit:NAME`` per enabled site, cron (default 01:00 local time; ``--cron`` or
  ``$PORTALWATCH_SCHEDULE`` globally, ``settings.schedule`` per site). A night missed while
  the daemon was down runs once on restart within the misfire grace time (coalesced).
- ``retry:NAME`` a one-off re-audit later in the night after a run that did not complete.
- ``probes`` the availability ticker: every tick it probes the sites whose slot is due, so
  each site is probed once per ``--probe-interval`` at a time spread by its name.
- ``sync`` reconciles the jobs with the registry (sites added, removed, rescheduled).

Job ids are stable and re-added with ``replace_existing``; an unchanged job is left alone
so that its stored next run time survives restarts. Audits run in a thread pool of
``--jobs`` threads, each thread driving one audit subprocess (see ``monitor``). SIGTERM or
SIGINT: running audits get SIGTERM (their runs are marked interrupted), the daemon exits 0.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import signal
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from tzlocal import get_localzone

from portalwatch.reports.safetext import echo
from portalwatch.reports.storage import MonitorStore
from portalwatch.scheduler import probes
from portalwatch.scheduler.monitor import DEFAULT_TIME_LIMIT, RunConfig, audit_site, default_jobs

log = logging.getLogger(__name__)

DEFAULT_CRON = "0 1 * * *"
PROBE_KEEP_DAYS = 90
_current: "Daemon | None" = None  # the running daemon, for the job functions below


def parse_cron(expr: str) -> CronTrigger:
    """A crontab line (``M H dom mon dow``), or six fields with seconds first (for tests)."""
    fields = expr.split()
    if len(fields) == 5:
        fields.insert(0, "0")
    if len(fields) != 6:
        raise ValueError(f"计划应为 5 段（分 时 日 月 周）或 6 段（秒 分 时 日 月 周）：{expr}")
    second, minute, hour, day, month, dow = fields
    try:
        return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                           day_of_week=_crontab_dow(dow), timezone=get_localzone())
    except ValueError as exc:
        raise ValueError(f"计划格式不正确：{expr}（{exc}）") from None


_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _crontab_dow(field: str) -> str:
    """Crontab's day numbers (0 or 7 = Sunday) as names: APScheduler counts from Monday = 0."""
    if not any(ch.isdigit() for ch in field):
        return field
    days: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        else:
            lo, _, hi = span.partition("-")
            first, last = int(lo), int(hi or lo)
        days.update(d % 7 for d in range(first, last + 1, int(step or 1)))
    return ",".join(_DAYS[d] for d in sorted(days))


@dataclass
class DaemonConfig:
    db: Path
    jobs: int = field(default_factory=default_jobs)
    cron: str = field(default_factory=lambda: os.environ.get("PORTALWATCH_SCHEDULE") or DEFAULT_CRON)
    time_limit: float = DEFAULT_TIME_LIMIT
    retries: int = 2
    retry_delay: float = 1800.0  # seconds after a failed run
    misfire_grace: float = 6 * 3600.0  # a night missed by up to this much still runs once
    probe_interval: float = 3600.0  # each site once per interval: 24 probes a day
    sync_interval: float = 300.0
    as_of: dt.date | None = None
    audit_args: list[str] = field(default_factory=list)
    send_notices: bool = False  # mail a notice after a complete run with new veto/major findings
    broker: str | None = None  # queue audits for ``portalwatch worker`` machines (scheduler/workers.py)
    collect_interval: float = 5.0  # seconds between drains of the workers' results

    @property
    def probe_tick(self) -> float:
        return max(1.0, min(60.0, self.probe_interval / 10))


# -- job functions (referenced by dotted path in the job store) --------------------------

def audit_job(site_name: str, attempt: int = 0) -> None:
    if _current is not None:
        _current.audit(site_name, attempt)


def probe_job() -> None:
    if _current is not None:
        _current.probe_tick()


def sync_job() -> None:
    if _current is not None:
        _current.sync()


def collect_job() -> None:
    if _current is not None:
        _current.collect()


class Daemon:
    def __init__(self, cfg: DaemonConfig) -> None:
        self.cfg = cfg
        self.run_cfg = RunConfig(db=cfg.db, as_of=cfg.as_of, time_limit=cfg.time_limit,
                                 audit_args=list(cfg.audit_args), parallel=max(1, cfg.jobs))
        self._lock_file: Any = None
        self.scheduler: BackgroundScheduler | None = None
        self.probe_pool = futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="probes")
        self._notice_lock = threading.Lock()  # one notice at a time: numbers are allocated in order
        self.dispatcher: Any = None  # with a broker: audits go to the workers, results come back here

    def start(self) -> None:
        global _current
        self._lock()
        MonitorStore(self.cfg.db).close()  # migrate before the job store opens the file
        if self.cfg.broker:
            from portalwatch.scheduler.workers import Dispatcher

            self.dispatcher = Dispatcher(self.cfg.broker, self.cfg.db)
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

        store = SQLAlchemyJobStore(url=f"sqlite:///{self.cfg.db}",
                                   engine_options={"connect_args": {"timeout": 60}})
        self.scheduler = BackgroundScheduler(
            jobstores={"default": store},
            executors={"default": ThreadPoolExecutor(max(1, self.cfg.jobs)), "light": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(self.cfg.misfire_grace)},
            timezone=get_localzone())
        _current = self
        self.scheduler.start(paused=True)
        self.sync()
        sched = self.scheduler
        sched.add_job(probe_job, "interval", seconds=self.cfg.probe_tick, id="probes", name="可用性监测",
                      executor="light", misfire_grace_time=max(1, int(self.cfg.probe_tick)), replace_existing=True)
        sched.add_job(sync_job, "interval", seconds=self.cfg.sync_interval, id="sync", name="同步网站登记",
                      executor="light", replace_existing=True)
        if self.dispatcher is not None:  # late results of earlier nights are stored on the first tick
            sched.add_job(collect_job, "interval", seconds=self.cfg.collect_interval, id="collect",
                          name="保存工作机的检查结果", executor="light", replace_existing=True,
                          next_run_time=dt.datetime.now().astimezone())
        elif sched.get_job("collect") is not None:
            sched.remove_job("collect")
        self.scheduler.resume()
        self._log("daemon", "started", detail={"pid": os.getpid(), "jobs": self.cfg.jobs, "cron": self.cfg.cron,
                                                "scheduled": len(sched.get_jobs())})

    def stop(self) -> None:
        """Stop running audits (SIGTERM → interrupted), wait for the job threads, release the lock."""
        global _current
        self.run_cfg.stop.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.probe_pool.shutdown(wait=True, cancel_futures=True)
        self._log("daemon", "stopped", detail={"pid": os.getpid()})
        _current = None
        if self._lock_file is not None:
            self._lock_file.close()

    # -- jobs ---------------------------------------------------------------------------

    def sync(self) -> None:
        """Make the audit jobs match the registry; unchanged jobs keep their next run time."""
        assert self.scheduler is not None
        store = MonitorStore(self.cfg.db)
        try:
            sites = {s["name"]: s for s in store.sites(enabled_only=True)}
            store.prune_probes((dt.datetime.now().astimezone() - dt.timedelta(days=PROBE_KEEP_DAYS))
                               .isoformat(timespec="seconds"))
        finally:
            store.close()
        jobs = {j.id: j for j in self.scheduler.get_jobs()}
        for job_id, job in jobs.items():
            kind, _, name = job_id.partition(":")
            if kind in ("audit", "retry") and name not in sites:
                job.remove()
        for name, site in sites.items():
            expr = (site.get("settings") or {}).get("schedule") or self.cfg.cron
            try:
                trigger = parse_cron(expr)
            except ValueError as exc:
                self._log("schedule", "failed", site=name, detail={"error": str(exc)})
                continue
            job = jobs.get(f"audit:{name}")
            if job is not None and str(job.trigger) == str(trigger) and job.trigger.timezone == trigger.timezone:
                continue
            self.scheduler.add_job(audit_job, trigger, args=[name], id=f"audit:{name}", name=f"夜间检查 {name}",
                                   replace_existing=True)

    def audit(self, name: str, attempt: int = 0) -> None:
        store = MonitorStore(self.cfg.db)
        try:
            site = store.site(name)
        finally:
            store.close()
        if site is None or not site["enabled"]:
            return
        if self.dispatcher is not None:  # queued for a worker; ``collect`` finishes it when it comes back
            if self.dispatcher.outstanding(name):
                self._log("dispatch", "skipped", site=name, detail={"detail": "上一次派给工作机的检查尚未返回"})
                return
            token = self.dispatcher.submit(site, self.run_cfg, attempt=attempt)
            self._log("dispatch", "queued", site=name, detail={"token": token, "attempt": attempt})
            return
        self.after_audit(name, audit_site(site, self.run_cfg), attempt)

    def collect(self) -> None:
        """Store the results the workers sent back, then what follows a local audit."""
        try:
            done = self.dispatcher.drain()
        except Exception:  # noqa: BLE001 - the broker away for a while must not stop the daemon
            log.exception("collecting the workers' results failed")
            return
        for outcome, row in done:
            self.after_audit(outcome.site, outcome, int(row.get("attempt") or 0))

    def after_audit(self, name: str, outcome: Any, attempt: int) -> None:
        from portalwatch.reports.overview import RUN_STATUS_NAMES

        echo(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {name}：{RUN_STATUS_NAMES.get(outcome.status, outcome.status)}"
             + (f"，运行编号 {outcome.run_id}" if outcome.run_id else "") + f"（{outcome.elapsed:g} 秒）"
             + (f" {outcome.detail}" if outcome.detail and not outcome.completed else ""), err=True)
        if outcome.completed and self.cfg.send_notices and outcome.run_id:
            self.send_notices(outcome.run_id)
        if outcome.status == "complete" or self.run_cfg.stop.is_set():
            return
        if attempt < self.cfg.retries and self.scheduler is not None:
            when = dt.datetime.now().astimezone() + dt.timedelta(seconds=self.cfg.retry_delay)
            self.scheduler.add_job(audit_job, "date", run_date=when, args=[name, attempt + 1], id=f"retry:{name}",
                                   name=f"重新检查 {name}", replace_existing=True)
            self._log("retry", "scheduled", site=name, run_id=outcome.run_id,
                      detail={"attempt": attempt + 1, "at": when.isoformat(timespec="seconds"),
                              "after": outcome.status})

    def send_notices(self, run_id: int) -> None:
        """Mail the site's notice when the run brought veto or major findings never notified."""
        from portalwatch.reports.mail import MailError, auto_send_notices
        from portalwatch.reports.storage import NoticeStore

        with self._notice_lock:
            store = NoticeStore(self.cfg.db)
            try:
                try:
                    results = auto_send_notices(store, run_ids=[run_id])
                except MailError as exc:
                    self._log("notice", "failed", run_id=run_id, detail={"error": str(exc)}, store=store)
                    return
                except Exception as exc:  # noqa: BLE001 - a notice failure must not stop the night
                    log.exception("auto-sending notices failed")
                    self._log("notice", "failed", run_id=run_id, detail={"error": repr(exc)}, store=store)
                    return
                for r in results:
                    if r.action != "skipped":
                        echo(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} {r.site}：整改通知 {r.number or ''}"
                             + ("已发送" if r.action == "sent" else f"发送失败 {r.detail}"), err=True)
                    self._log("notice", r.action, site=r.site, run_id=run_id, store=store,
                              detail={"notice_id": r.notice_id, "number": r.number, "detail": r.detail})
            finally:
                store.close()

    def probe_tick(self) -> None:
        """Hand the sites due in this tick to the probe pool; a slow site never delays the ticker."""
        store = MonitorStore(self.cfg.db)
        try:
            due = probes.due_sites(store.sites(enabled_only=True), time.time(), self.cfg.probe_interval,
                                   self.cfg.probe_tick)
        finally:
            store.close()
        if due and not self.run_cfg.stop.is_set():
            self.probe_pool.submit(self._probe, due)

    def _probe(self, due: list[dict[str, Any]]) -> None:
        store = MonitorStore(self.cfg.db)
        try:
            probes.probe_sites(store, due, workers=16)
        except Exception:  # noqa: BLE001 - a broken probe batch must not stop the ticker
            log.exception("availability probes failed")
        finally:
            store.close()

    # -- helpers ------------------------------------------------------------------------

    def _lock(self) -> None:
        path = Path(f"{self.cfg.db}.schedule.lock")
        self._lock_file = open(path, "w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise RuntimeError(f"另一个监测进程正在使用数据库 {self.cfg.db}") from None

    def _log(self, kind: str, outcome: str, *, site: str | None = None, run_id: int | None = None,
             detail: dict[str, Any] | None = None, store: MonitorStore | None = None) -> None:
        """A ``job_log`` row, through ``store`` when the caller has one open."""
        own = store is None
        store = MonitorStore(self.cfg.db) if own else store
        try:
            store.log_job(kind, outcome, site=site, run_id=run_id,
                          detail=json.dumps(detail or {}, ensure_ascii=False))
        finally:
            if own:
                store.close()


def serve(cfg: DaemonConfig) -> int:
    """Run the daemon in the foreground until SIGTERM or SIGINT."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    daemon = Daemon(cfg)
    daemon.start()
    try:
        while not stop.wait(1.0):
            pass
    finally:
        daemon.stop()
    return 0
