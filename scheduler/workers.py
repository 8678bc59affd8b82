"""Audits on many machines: Celery with a Redis broker. Workers crawl; the database machine stores.

    portalwatch worker --broker redis://HOST:6379/0 [--concurrency N]     # each crawl machine
    portalwatch run --all --broker redis://HOST:6379/0                    # the database machine
    portalwatch schedule --broker redis://HOST:6379/0                     # or nightly
    portalwatch collect --broker redis://HOST:6379/0 [--wait S]           # store late results now

The flow of one audit:

1. The database machine (``Dispatcher.submit``) records a token in ``remote_audits`` and queues
   task ``portalwatch.audit`` (queue ``portalwatch``) with the site, the as-of date, the time
   limit, extra audit options, the reply queue of its database and an optional opaque ``state``
   (the incremental nights' hand-off: passed to the audit and back, untouched here). The
   Celery task id is the token.
2. A worker (``audit_task``) takes the site's lock on Redis, runs the ordinary audit subprocess
   (``monitor.audit_command``) against a private temporary SQLite file, exports that run's rows
   (``reports/runimport.export_run``) and pushes them, zlib-compressed JSON, onto the database's
   result list ``portalwatch:results:<database id>`` together with a ``done`` mark of the token,
   in one Redis transaction. Workers need no database.
3. Whoever on the database machine drains that list (``Dispatcher.drain``: ``run`` while it
   waits, the ``schedule`` daemon every few seconds, ``collect``) imports the run under a new id
   (``import_run``, idempotent by token), then does what the local monitor does after an audit:
   ``update_history``, the ``job_log`` row, and for the daemon notices and retries. The SQLite
   file has one writer: the database machine. A result is removed from Redis only after its
   import committed, so results that come after ``run`` stopped waiting (the night's limit,
   ``$PORTALWATCH_NIGHT_LIMIT``, default 12 h) stay on Redis until the next drain stores them.

Failure handling:

- Late acknowledgement (``task_acks_late``) with ``worker_prefetch_multiplier=1``: a task is
  acknowledged only after its result was pushed. A worker machine that dies (SIGKILL, power)
  leaves its task unacknowledged; Redis hands it to another worker once the visibility timeout
  passes (``--visibility-timeout``, default the per-audit limit plus 30 minutes; other workers
  sweep for such tasks every 1/6 of it, at most every 30 s). A pool process that dies (OOM
  killer) is requeued at once (``task_reject_on_worker_lost``). A task delivered more than
  ``MAX_DELIVERIES`` times is given up with a ``failed`` result, so an audit that kills its
  worker cannot loop forever.
- Stored once: the importer ignores a second result for a token, and a worker skips a task
  whose token is already marked done (redelivered after its result was sent).
- One audit of a site at a time across all workers: a Redis lock per site URL, held with a
  heartbeat (expiry ``lock_ttl``, refreshed every third of it while the audit runs), so a
  dead worker frees the site within a minute. A task that finds the site locked is retried
  later (``countdown``) rather than dropped: the other audit may belong to another request,
  and if it is this task's own earlier delivery, the done mark settles it once the lock frees.
- Time limits per audit: the audit's own ``--time-limit`` (computed as locally), the worker
  stops the subprocess at the site's limit (SIGTERM, then SIGKILL), and Celery's soft and hard
  limits above that are the last resort.

Without ``--broker`` (or ``$PORTALWATCH_BROKER``) nothing here is used.
"""

from __future__ import annotations

import base64
import datetime as dt
import glob
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable

import click

from portalwatch.reports.safetext import echo
from portalwatch.scheduler.monitor import (COMPLETED, DEFAULT_TIME_LIMIT, KILL_GRACE, Outcome, RunConfig, _tail,
                                           _terminate, _wait, audit_command)

log = logging.getLogger(__name__)

TASK = "portalwatch.audit"
QUEUE = "portalwatch"
PREFIX = "portalwatch:"
RESULT_TTL = 14 * 86400  # seconds a pushed result and a done mark stay on Redis
MAX_DELIVERIES = 3  # audits started for one token before it is given up
DEFAULT_VISIBILITY = DEFAULT_TIME_LIMIT + 1800
DEFAULT_NIGHT_LIMIT = 12 * 3600  # how long ``run --broker`` waits for its results
TASK_MARGIN = 60.0  # Celery's soft limit: the audit's limit + SIGKILL grace + this (export, push)
MAX_RESULT_BYTES = 400 * 2**20  # Redis refuses values above 512 MB
FAILURE_POLL = 10.0  # seconds between looks at Celery's result backend for tasks that died


def broker_url(value: str | None = None) -> str | None:
    return (value or os.environ.get("PORTALWATCH_BROKER") or "").strip() or None


def night_limit() -> float:
    try:
        return float(os.environ.get("PORTALWATCH_NIGHT_LIMIT") or DEFAULT_NIGHT_LIMIT)
    except ValueError:
        return float(DEFAULT_NIGHT_LIMIT)


def lock_ttl(visibility_timeout: float) -> float:
    """Seconds a site lock outlives its last heartbeat."""
    return max(5.0, min(60.0, visibility_timeout / 2))


def site_limit(site: dict[str, Any], time_limit: float) -> float:
    return float((site.get("settings") or {}).get("time_limit") or time_limit)


def task_limits(limit: float) -> tuple[float, float]:
    soft = limit + KILL_GRACE + TASK_MARGIN
    return soft, soft + TASK_MARGIN


# -- the Celery app -----------------------------------------------------------------------

def make_app(broker: str, visibility_timeout: float = DEFAULT_VISIBILITY):
    """The Celery app of both sides: Redis broker and result backend, JSON only, late acks."""
    from celery import Celery

    app = Celery("portalwatch", broker=broker, backend=broker, set_as_current=False)
    sweep = max(1, min(30, int(visibility_timeout / 6)))
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=QUEUE, task_track_started=True, result_expires=RESULT_TTL,
        broker_transport_options={"visibility_timeout": int(visibility_timeout),
                                  "unacked_restore_interval": sweep, "unacked_restore_throttle": 1},
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        worker_send_task_events=False, enable_utc=True,
    )
    app.conf.portalwatch_visibility = float(visibility_timeout)
    app.task(name=TASK, bind=True, max_retries=None, acks_late=True)(audit_task)
    return app


_redis: dict[tuple[int, str], Any] = {}


def redis_client(url: str):
    """One client per process (pool processes fork: never share a connection across them)."""
    import redis

    key = (os.getpid(), url)
    if key not in _redis:
        _redis[key] = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10,
                                           health_check_interval=30)
    return _redis[key]


def _key(*parts: str) -> str:
    return PREFIX + ":".join(parts)


def site_lock_key(url: str) -> str:
    return _key("lock", hashlib.sha1(url.encode("utf-8")).hexdigest()[:20])


# -- the worker side ----------------------------------------------------------------------

def audit_task(self, job: dict[str, Any]) -> dict[str, Any]:
    """Celery task: audit one site, push the result to the database's queue, return a summary."""
    from redis.exceptions import LockError

    token, site = str(job["token"]), job["site"]
    r = redis_client(self.app.conf.broker_url)
    done_key, tries_key = _key("done", token), _key("tries", token)
    if r.exists(done_key):
        return {"token": token, "site": site["name"], "status": "duplicate"}
    ttl = lock_ttl(self.app.conf.portalwatch_visibility)
    lock = r.lock(site_lock_key(site["url"]), timeout=ttl, blocking=False, thread_local=False)
    if not lock.acquire(blocking=False, token=token):
        left = r.pttl(site_lock_key(site["url"]))
        wait = min(30.0, max(1.0, (left / 1000 if left and left > 0 else ttl) + 0.5))
        log.info("site %s is being audited elsewhere; task %s retried in %.0f s", site["url"], token, wait)
        raise self.retry(countdown=wait, max_retries=None)
    try:
        if r.exists(done_key):  # finished by an earlier delivery while this one waited
            return {"token": token, "site": site["name"], "status": "duplicate"}
        tries = int(r.incr(tries_key))
        r.expire(tries_key, RESULT_TTL)
        if tries > MAX_DELIVERIES:
            result = _result(job, started=_now(), detail=f"该网站的检查已在工作机上开始 {tries - 1} 次均未完成"
                             "（工作机可能在检查中崩溃），不再重试")
        else:
            result = run_job(job, heartbeat=lock.reacquire, beat_every=ttl / 3)
        push_result(r, job, result)
    finally:
        try:
            lock.release()
        except LockError:  # expired (no heartbeat got through) or taken over: nothing to release
            pass
    run = result.get("run") or {}
    return {"token": token, "site": site["name"], "status": (run.get("run") or {}).get("status") or "failed",
            "worker": result["worker"], "elapsed": result["elapsed"]}


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _result(job: dict[str, Any], *, started: str, elapsed: float = 0.0, exit_code: int | None = None,
            reason: str = "", detail: str = "", run: dict[str, Any] | None = None,
            state: Any = None) -> dict[str, Any]:
    site = job["site"]
    return {"token": job["token"], "site": {"name": site["name"], "url": site["url"]},
            "attempt": job.get("attempt", 0), "worker": socket.gethostname(), "pid": os.getpid(),
            "started": started, "elapsed": elapsed, "exit_code": exit_code, "reason": reason,
            "detail": detail, "limit": site_limit(site, float(job.get("time_limit") or DEFAULT_TIME_LIMIT)),
            "run": run, "state": state}


def _die_with_parent() -> None:
    """In the audit subprocess: SIGKILL when the worker process that started it dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


WORKDIR_PREFIX = "portalwatch-worker-"
PARALLEL_ENV = "PORTALWATCH_PARALLEL_AUDITS"  # audits one worker machine runs at once (its --concurrency)


def _parallel() -> int:
    try:
        return max(1, int(os.environ.get(PARALLEL_ENV) or 1))
    except ValueError:
        return 1


def run_job(job: dict[str, Any], heartbeat: Callable[[], Any] | None = None, beat_every: float = 20.0) -> dict[str, Any]:
    """Run the audit of ``job`` as a subprocess against a private SQLite file; the result message."""
    from celery.exceptions import SoftTimeLimitExceeded

    from portalwatch.reports.runimport import export_run

    site = job["site"]
    started, t0 = _now(), time.monotonic()
    limit = site_limit(site, float(job.get("time_limit") or DEFAULT_TIME_LIMIT))
    work = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
    try:
        as_of = dt.date.fromisoformat(job["as_of"]) if job.get("as_of") else None
        cfg = RunConfig(db=work / "audit.db", as_of=as_of, time_limit=float(job.get("time_limit") or DEFAULT_TIME_LIMIT),
                        audit_args=[str(a) for a in job.get("audit_args") or []],
                        mode=str(job.get("mode") or "incremental"), parallel=_parallel())
        env = dict(os.environ)
        # the incremental nights' hand-off: the site's last state (crawler/incremental.py bytes, base64
        # in the JSON task) goes in as a file, the new one comes back only when the audit was complete
        state_out = work / "state-out.bin"
        if job.get("state"):
            (work / "state-in.bin").write_bytes(base64.b64decode(job["state"]))
            env["PORTALWATCH_STATE_IN"] = str(work / "state-in.bin")
        env["PORTALWATCH_STATE_OUT"] = str(state_out)
        proc = subprocess.Popen(audit_command(site, cfg), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent,
                                env=env, cwd=work)
        beating = threading.Event()
        if heartbeat is not None:
            threading.Thread(target=_beat, args=(heartbeat, beat_every, beating), daemon=True).start()
        try:
            stderr, reason = _wait(proc, limit, threading.Event())
        except SoftTimeLimitExceeded:
            _terminate(proc)
            proc.wait()
            stderr, reason = "", "timeout"
        finally:
            beating.set()
        run = export_run(work / "audit.db", site["name"]) if (work / "audit.db").exists() else None
        state = base64.b64encode(state_out.read_bytes()).decode("ascii") if state_out.exists() else None
        return _result(job, started=started, elapsed=round(time.monotonic() - t0, 2), exit_code=proc.returncode,
                       reason=reason, detail=_tail(stderr), run=run, state=state)
    except Exception as exc:  # noqa: BLE001 - the database machine must hear of every failure
        log.exception("audit task failed")
        return _result(job, started=started, elapsed=round(time.monotonic() - t0, 2),
                       detail=f"工作机 {socket.gethostname()} 出错：{type(exc).__name__}: {exc}"[:1000])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _beat(heartbeat: Callable[[], Any], every: float, stop: threading.Event) -> None:
    """Refresh the site lock until the audit ends."""
    while not stop.wait(every):
        try:
            heartbeat()
        except Exception:  # noqa: BLE001 - lock lost or Redis away: the audit goes on, the token dedups
            log.warning("could not refresh the site lock", exc_info=True)


def push_result(r: Any, job: dict[str, Any], result: dict[str, Any]) -> None:
    """Queue the result for the database and mark the token done, in one Redis transaction."""
    data = zlib.compress(json.dumps(result, ensure_ascii=False, default=str).encode("utf-8"), 6)
    if len(data) > MAX_RESULT_BYTES:
        result = {**result, "run": None, "detail": f"检查结果过大（压缩后 {len(data) >> 20} MB），无法传回；"
                                                    "请减小该网站的 --max-pages"}
        data = zlib.compress(json.dumps(result, ensure_ascii=False, default=str).encode("utf-8"), 6)
    pipe = r.pipeline(transaction=True)
    pipe.rpush(job["reply_to"], data)
    pipe.expire(job["reply_to"], RESULT_TTL)
    pipe.set(_key("done", str(job["token"])), 1, ex=RESULT_TTL)
    pipe.execute()


def clean_workdirs() -> None:
    """Remove temporary audit folders left by worker processes that died."""
    for path in glob.glob(os.path.join(tempfile.gettempdir(), WORKDIR_PREFIX + "*")):
        pid = os.path.basename(path)[len(WORKDIR_PREFIX):].split("-", 1)[0]
        try:
            os.kill(int(pid), 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass


# -- the database side --------------------------------------------------------------------

class Dispatcher:
    """Queues audits on the broker and stores their results in the database (its single writer)."""

    def __init__(self, broker: str, db: Path) -> None:
        from portalwatch.reports.runimport import database_id
        from portalwatch.reports.storage import MonitorStore

        self.broker, self.db = broker, Path(db)
        self.app = make_app(broker)
        self.redis = redis_client(broker)
        store = MonitorStore(self.db)
        try:
            self.reply_to = _key("results", database_id(store))
        finally:
            store.close()
        self._failure_check = 0.0
        self._lock = threading.Lock()  # one drain at a time in this process
        # the incremental nights' hand-off: called with (site name, run id, state) when a result
        # carries the ``state`` its audit left; the state given to ``submit`` travels the other way
        self.on_state: Callable[[str, int | None, Any], None] | None = self._save_state

    def _store(self):
        from portalwatch.reports.storage import MonitorStore

        return MonitorStore(self.db)

    def _load_state(self, url: str) -> str | None:
        return load_state_b64(self.db, url)

    def _save_state(self, name: str, run_id: int | None, state: Any) -> None:
        save_state_b64(self.db, name, run_id, state)

    def submit(self, site: dict[str, Any], cfg: RunConfig, *, attempt: int = 0, state: Any = None) -> str:
        from portalwatch.reports.runimport import register_token

        if state is None:
            state = self._load_state(site["url"])

        token = uuid.uuid4().hex
        limit = site_limit(site, cfg.time_limit)
        deadline = (dt.datetime.now().astimezone() + dt.timedelta(seconds=night_limit())).isoformat(timespec="seconds")
        store = self._store()
        try:
            register_token(store, token, site=site["name"], url=site["url"], attempt=attempt, deadline=deadline)
        finally:
            store.close()
        job = {"token": token, "reply_to": self.reply_to, "attempt": attempt,
               "site": {k: site.get(k) for k in ("name", "url", "profile", "settings")},
               "as_of": cfg.as_of.isoformat() if cfg.as_of else None, "time_limit": cfg.time_limit,
               "audit_args": list(cfg.audit_args), "mode": cfg.mode, "state": state}
        soft, hard = task_limits(limit)
        self.app.send_task(TASK, args=[job], task_id=token, queue=QUEUE, soft_time_limit=soft, time_limit=hard)
        return token

    def outstanding(self, site: str) -> bool:
        """A task of this site was queued and has not come back (and its night is not over)."""
        from portalwatch.reports.runimport import token_rows

        store = self._store()
        try:
            now = _now()
            return any(r["site"] == site and (r["deadline"] or "") > now for r in token_rows(store, state="queued"))
        finally:
            store.close()

    def drain(self) -> list[tuple[Outcome, dict[str, Any]]]:
        """Store every result waiting on the broker; (outcome, token row) of each one stored now."""
        from portalwatch.reports.runimport import import_run, token_rows

        done: list[tuple[Outcome, dict[str, Any]]] = []
        with self._lock:
            store = self._store()
            try:
                while True:
                    raw = self.redis.lindex(self.reply_to, 0)
                    if raw is None:
                        break
                    try:
                        result = json.loads(zlib.decompress(raw))
                    except (zlib.error, ValueError):
                        log.error("unreadable result on %s dropped", self.reply_to)
                        self.redis.lrem(self.reply_to, 1, raw)
                        continue
                    state, run_id = import_run(store, result)
                    if state == "stored":
                        done.append(self._finish(store, result, run_id))
                    self.redis.lrem(self.reply_to, 1, raw)  # only after the import committed
                for row in token_rows(store, state="stored"):  # imported, but the process stopped before the history
                    done.append(self._finish(store, {"token": row["token"], "site": {"name": row["site"]},
                                                     "worker": row["worker"]}, row["run_id"]))
                if time.monotonic() - self._failure_check > FAILURE_POLL:
                    self._failure_check = time.monotonic()
                    done += self._failed_tasks(store)
            finally:
                store.close()
        return done

    def _finish(self, store: Any, result: dict[str, Any], run_id: int | None) -> tuple[Outcome, dict[str, Any]]:
        """What ``monitor.audit_site`` does after its subprocess, for a run audited elsewhere."""
        from portalwatch.reports.runimport import finish_token, token_rows

        name = result["site"]["name"]
        limit = float(result.get("limit") or DEFAULT_TIME_LIMIT)
        reason, detail = result.get("reason") or "", result.get("detail") or ""
        outcome = Outcome(site=name, status="failed", exit_code=result.get("exit_code"),
                          started=result.get("started") or "", elapsed=float(result.get("elapsed") or 0))
        if run_id is None:
            outcome.detail = detail or "检查程序未能启动"
        else:
            run = store.run(run_id)
            outcome.run_id, outcome.score, outcome.verdict = run_id, run["score"], run["verdict"]
            outcome.status = run["status"] if run["status"] in COMPLETED + ("interrupted", "cut_short") else "failed"
            if reason == "timeout":
                outcome.status = "timeout"
            outcome.changes = store.update_history(run_id, name)
            if not outcome.completed:
                outcome.detail = f"超过单站时限 {limit:g} 秒，已终止" if reason == "timeout" else detail
        if self.on_state is not None and result.get("state") is not None:
            self.on_state(name, run_id, result["state"])
        worker = result.get("worker")
        store.log_job("audit", outcome.status, site=name, run_id=outcome.run_id,
                      detail=json.dumps({"exit_code": outcome.exit_code, "elapsed": outcome.elapsed,
                                         "changes": outcome.changes, "detail": outcome.detail,
                                         "started": outcome.started, "worker": worker, "token": result["token"]},
                                        ensure_ascii=False))
        finish_token(store, result["token"], outcome.to_dict())
        return outcome, token_rows(store, [result["token"]])[0]

    def _failed_tasks(self, store: Any) -> list[tuple[Outcome, dict[str, Any]]]:
        """Queued tokens whose task Celery recorded as failed without a result (hard time limit)."""
        from portalwatch.reports.runimport import fail_token, token_rows

        queued = token_rows(store, state="queued")
        out = []
        for i in range(0, len(queued), 500):
            chunk = queued[i:i + 500]
            keys = [self.app.backend.get_key_for_task(r["token"]) for r in chunk]
            for row, meta in zip(chunk, self.redis.mget(keys)):
                if not meta:
                    continue
                try:
                    info = json.loads(meta)
                except ValueError:
                    continue
                if info.get("status") not in ("FAILURE", "REVOKED"):
                    continue
                exc = info.get("result") or {}
                why = exc.get("exc_type", "") if isinstance(exc, dict) else str(exc)
                outcome = Outcome(site=row["site"], status="failed",
                                  detail=f"工作机上的检查任务异常结束（{why or info.get('status')}），未返回结果")
                if fail_token(store, row["token"], outcome.to_dict()):
                    store.log_job("audit", "failed", site=row["site"],
                                  detail=json.dumps({"detail": outcome.detail, "token": row["token"]},
                                                    ensure_ascii=False))
                    out.append((outcome, {**row, "state": "done"}))
        return out

    def wait(self, tokens: list[str], deadline: float, *, stop: threading.Event | None = None,
             on_done: Callable[[Outcome], None] | None = None) -> dict[str, Outcome]:
        """Drain until every token is accounted for, ``deadline`` (monotonic) passes or ``stop`` is set."""
        from portalwatch.reports.runimport import token_rows

        pending, got = set(tokens), {}
        stop = stop or threading.Event()
        while pending:
            self.drain()
            store = self._store()
            try:
                rows = token_rows(store, sorted(pending), state="done")
            finally:
                store.close()
            for row in rows:
                outcome = Outcome(**json.loads(row["outcome"]))
                got[row["token"]] = outcome
                pending.discard(row["token"])
                if on_done:
                    on_done(outcome)
            if not pending or time.monotonic() > deadline or stop.wait(1.0):
                break
        return got


def run_remote(sites: Iterable[dict[str, Any]], cfg: RunConfig, broker: str,
               on_done: Callable[[Outcome], None] | None = None, wait: float | None = None) -> list[Outcome]:
    """``portalwatch run --broker``: queue every site, store results as they come, outcomes in order.

    Sites whose result has not come back when the night's limit passes are reported ``pending``;
    their results stay on the broker and are stored by the next ``run``, ``schedule`` or ``collect``.
    """
    sites = list(sites)
    dispatcher = Dispatcher(broker, cfg.db)
    dispatcher.drain()  # late results of earlier nights first
    tokens = [dispatcher.submit(site, cfg) for site in sites]
    got = dispatcher.wait(tokens, time.monotonic() + (night_limit() if wait is None else wait), stop=cfg.stop,
                          on_done=on_done)
    outcomes = []
    for site, token in zip(sites, tokens):
        outcomes.append(got.get(token) or Outcome(
            site=site["name"], status="pending",
            detail="检查结果尚未返回：工作机完成后，结果保留在消息队列中，下次 run、schedule 或 collect 时保存"))
    return outcomes


def broker_problem(url: str, timeout: float = 5.0) -> str | None:
    """Why the broker cannot be used (one line, Chinese), or None."""
    try:
        import celery  # noqa: F401
        import redis
    except ImportError as exc:
        return f"多机检查需要 celery 和 redis：pip install -e '.[workers]'（{exc}）"

    if not url.startswith(("redis://", "rediss://", "unix://")):
        return f"消息队列地址应为 redis://主机:端口/库号：{url}"
    try:
        redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout).ping()
    except redis.exceptions.RedisError as exc:
        return f"无法连接消息队列 {redact(url)}：{exc}"
    return None


def redact(url: str) -> str:
    """The broker URL without its password, for messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def workers_seen(broker: str, timeout: float = 2.0) -> list[str]:
    """Names of the workers that answer a ping on the broker."""
    app = make_app(broker)
    try:
        replies = app.control.inspect(timeout=timeout).ping() or {}
    finally:
        app.close()
    return sorted(replies)


# -- command line -------------------------------------------------------------------------

BROKER = click.option("--broker", envvar="PORTALWATCH_BROKER", default=None,
                      help="消息队列（Redis）地址 redis://主机:6379/0 [默认 $PORTALWATCH_BROKER]")


@click.command("worker")
@BROKER
@click.option("--concurrency", type=click.IntRange(1, 256), default=None,
              help="本机同时检查的网站数 [默认 CPU 核数]")
@click.option("--visibility-timeout", type=click.FloatRange(10), default=DEFAULT_VISIBILITY,
              envvar="PORTALWATCH_VISIBILITY_TIMEOUT", show_default=True,
              help="工作机失联多久后其检查交给其他工作机重做（秒）；应大于单站检查时限")
@click.option("--hostname", default=None, help="工作机名称（Celery 节点名）[默认 portalwatch-进程号@主机名]")
@click.option("--loglevel", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]), default="INFO",
              show_default=True)
def worker_cmd(broker: str | None, concurrency: int | None, visibility_timeout: float, hostname: str | None,
               loglevel: str) -> None:
    """检查工作机：从消息队列领取检查任务，抓取并检查网站，把结果送回数据库所在的机器（本机不需要数据库）。"""
    from portalwatch.scheduler.cli_base import fail

    broker = broker_url(broker)
    if not broker:
        fail("请用 --broker 或 PORTALWATCH_BROKER 指定消息队列地址")
        return
    problem = broker_problem(broker)
    if problem:
        fail(problem)
    clean_workdirs()
    app = make_app(broker, visibility_timeout)
    os.environ[PARALLEL_ENV] = str(concurrency or os.cpu_count() or 1)  # read by the audit tasks (RunConfig)
    name = hostname or f"portalwatch-{os.getpid()}@{socket.gethostname()}"
    echo(f"工作机 {name} 已连接 {redact(broker)}，同时检查 {concurrency or os.cpu_count() or 1} 个网站。"
         "按 Ctrl-C 或发送 SIGTERM 退出（正在进行的检查会先完成）。", err=True)
    app.worker_main(["worker", f"--concurrency={concurrency or os.cpu_count() or 1}", "--pool=prefork",
                     f"--loglevel={loglevel}", "-Q", QUEUE, "-n", name, "--without-gossip"])


@click.command("collect")
@BROKER
@click.option("--wait", "wait", type=click.FloatRange(0), default=0, show_default=True,
              help="最多等待多少秒，直到所有已派发的检查都有结果")
@click.option("--db", "db", type=click.Path(path_type=Path), default=None,
              help="SQLite 数据库文件 [默认 $PORTALWATCH_DB 或 ./portalwatch.db]")
def collect_cmd(broker: str | None, wait: float, db: Path | None) -> None:
    """保存工作机送回、尚未入库的检查结果（如超过当晚时限才返回的结果），并更新问题历史。"""
    from portalwatch.reports.overview import RUN_STATUS_NAMES
    from portalwatch.reports.runimport import token_rows
    from portalwatch.scheduler.cli_base import EXIT_INTERRUPTED, EXIT_OK, check_db, default_db, fail

    broker = broker_url(broker)
    if not broker:
        fail("请用 --broker 或 PORTALWATCH_BROKER 指定消息队列地址")
        return
    db = check_db(None, None, db or default_db())  # type: ignore[arg-type]
    problem = broker_problem(broker)
    if problem:
        fail(problem)
    dispatcher = Dispatcher(broker, db)
    deadline = time.monotonic() + wait
    stored = 0
    while True:
        for outcome, _row in dispatcher.drain():
            stored += 1
            echo(f"  {outcome.site}：{RUN_STATUS_NAMES.get(outcome.status, outcome.status)}"
                 + (f"，运行编号 {outcome.run_id}" if outcome.run_id else ""), err=True)
        store = dispatcher._store()
        try:
            pending = token_rows(store, state="queued")
        finally:
            store.close()
        if not pending or time.monotonic() >= deadline:
            break
        time.sleep(1.0)
    echo(f"已保存 {stored} 个检查结果；尚未返回 {len(pending)} 个。")
    sys.exit(EXIT_INTERRUPTED if pending else EXIT_OK)


def register(main: click.Group) -> None:
    """Add ``worker`` and ``collect`` to the ``portalwatch`` group."""
    main.add_command(worker_cmd)
    main.add_command(collect_cmd)


def load_state_b64(db: Path, url: str) -> str | None:
    """A site's incremental state as stored on the database machine, base64 for the JSON task
    (None: no state, the worker's audit is a full one)."""
    from portalwatch.reports import pagecache

    blob = pagecache.load_blob(db, url)
    return base64.b64encode(blob).decode("ascii") if blob else None


def save_state_b64(db: Path, name: str, run_id: int | None, state: Any) -> bool:
    """Keep the state a worker's complete audit left (imported as ``run_id``) for the site's next
    incremental night; False when it is not kept (run not complete, site unknown, unreadable)."""
    from portalwatch.crawler import incremental
    from portalwatch.reports import pagecache
    from portalwatch.reports.storage import MonitorStore

    store = MonitorStore(db)
    try:
        site = store.site(name)
        run = store.run(run_id) if run_id is not None else None
        if site is None or run is None or run["status"] != "complete" or not state:
            return False
        decoded = incremental.loads(base64.b64decode(state))
        if decoded is None:
            return False
        pagecache.save_state(store.db, site["url"], decoded, run_id=run_id,
                             mode=str(json.loads(run.get("summary") or "{}").get("mode") or ""),
                             updated=run.get("finished") or run.get("started") or "")
        return True
    except (ValueError, TypeError, zlib.error):
        log.warning("state of %s not kept (unreadable)", name)
        return False
    finally:
        store.close()
