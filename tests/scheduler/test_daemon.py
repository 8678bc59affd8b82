"""The scheduler daemon for real: APScheduler in a subprocess, a near-term cron trigger
(six-field cron with seconds), three local portals, the job store in the same SQLite file.

Nothing here asserts on durations: the tests wait (with generous deadlines) for states in
the database and then check what the daemon did.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from monitor_helpers import AUDIT_ARGS, page, pw, query, slow_portal

DEADLINE = 120.0


def cron_at(when: dt.datetime) -> str:
    return f"{when.second} {when.minute} {when.hour} * * *"


def start_daemon(db: Path, cron: str, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "portalwatch", "schedule", "--db", str(db), "--cron", cron, "--jobs", "3",
           "--as-of", "2026-11-20", "--audit-args", AUDIT_ARGS, *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def wait_for(condition, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"daemon exited while waiting for {what}: {proc.communicate()}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def started_count(db: Path) -> int:
    try:
        return query(db, "select count(*) from job_log where kind = 'daemon' and outcome = 'started'")[0][0]
    except Exception:  # noqa: BLE001 - the tables may not exist yet
        return 0


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 0, err
    return err


def jobs(db: Path) -> list[tuple[str, float]]:
    return query(db, "select id, next_run_time from apscheduler_jobs where id like 'audit:%' order by id")


def test_nightly_runs_in_parallel_and_survive_a_restart(serve, db_path):
    names = ["东镇", "西镇", "南镇"]
    for name in names:
        site = serve(routes={"/": page(f"{name}人民政府", {"/gone.html": "通知公告", "/ok.html": "工作动态"}),
                             "/ok.html": page("工作动态")})
        assert pw(db_path, "sites", "add", name, site.url).code == 0

    # First start: the jobs are stored; the daemon is stopped before the trigger time comes.
    fire = (dt.datetime.now() + dt.timedelta(seconds=8)).replace(microsecond=0)
    first = start_daemon(db_path, cron_at(fire))
    wait_for(lambda: started_count(db_path) == 1, "the first start", first)
    stop(first)
    stored = jobs(db_path)
    assert [j[0] for j in stored] == sorted(f"audit:{n}" for n in names)
    assert {j[1] for j in stored} == {fire.astimezone().timestamp()}
    assert query(db_path, "select count(*) from audit_runs") == [(0,)], "the trigger fired before the test stopped"

    # Restart after the trigger time: the missed night runs once per site (misfire grace,
    # coalesced), three at a time, and is recorded with its history and log.
    wait_for(lambda: dt.datetime.now() > fire + dt.timedelta(seconds=1), "the trigger time")
    second = start_daemon(db_path, cron_at(fire), "--probe-interval", "2")
    done = wait_for(lambda: query(db_path, "select count(*) from job_log where kind = 'audit'")[0][0] == 3
                    and query(db_path, "select site, started, finished, status from audit_runs"),
                    "three audits", second)
    wait_for(lambda: query(db_path, "select count(distinct site) from probes")[0][0] == 3, "probes", second)
    stop(second)
    assert sorted(r[0] for r in done) == sorted(names) and {r[3] for r in done} == {"complete"}, \
        [json.loads(r[2])['detail'] for r in query(db_path, "select site, outcome, detail from job_log where kind = 'audit' and outcome != 'complete'")]
    assert max(r[1] for r in done) < min(r[2] for r in done), f"runs did not overlap: {done}"
    assert query(db_path, "select count(*) from audit_runs") == [(3,)]  # no duplicate runs
    for name in names:
        assert [r["status"] for r in _findings(db_path, name) if (r["target"] or "").endswith("/gone.html")] == ["new"]
    after = jobs(db_path)
    assert [j[0] for j in after] == [j[0] for j in stored]  # same jobs, none duplicated
    assert {round(j[1] - fire.astimezone().timestamp()) for j in after} == {86400}  # next: tomorrow
    assert query(db_path, "select count(*) from apscheduler_jobs") == [(5,)]  # + probes, sync
    log = query(db_path, "select kind, outcome from job_log order by id")
    assert log[0] == ("daemon", "started") and log[-1] == ("daemon", "stopped")

    # A third start with the jobs in place changes nothing.
    third = start_daemon(db_path, cron_at(fire))
    wait_for(lambda: started_count(db_path) == 3, "the third start", third)
    stop(third)
    assert jobs(db_path) == after and query(db_path, "select count(*) from audit_runs") == [(3,)]


def test_sigterm_stops_running_audits_and_marks_them_interrupted(serve, db_path):
    site = serve(routes=slow_portal(pages=80, delay=0.5))
    assert pw(db_path, "sites", "add", "慢镇", site.url, "--concurrency", "2").code == 0
    fire = dt.datetime.now() + dt.timedelta(seconds=5)
    daemon = start_daemon(db_path, cron_at(fire))
    wait_for(lambda: site.hits("/p3.html") > 0, "the audit to be under way", daemon)
    err = stop(daemon)
    assert "监测进程已退出" in err
    assert query(db_path, "select status, finished from audit_runs") == [("interrupted", None)]
    assert query(db_path, "select kind, outcome from job_log order by id")[-2:] == \
        [("audit", "interrupted"), ("daemon", "stopped")]
    # no retry job is left behind by a shutdown; the nightly job stays
    assert [r[0] for r in query(db_path, "select id from apscheduler_jobs order by id")] == \
        ["audit:慢镇", "probes", "sync"]


def test_a_run_that_did_not_complete_is_retried_later_in_the_night(db_path):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    sock.close()  # nothing listens there: every audit finds the site unreachable
    assert pw(db_path, "sites", "add", "断网镇", url).code == 0
    fire = dt.datetime.now() + dt.timedelta(seconds=5)
    daemon = start_daemon(db_path, cron_at(fire), "--retries", "1", "--retry-delay", "1")
    wait_for(lambda: query(db_path, "select count(*) from job_log where kind = 'audit'")[0][0] == 2,
             "the nightly audit and its retry", daemon)
    stop(daemon)
    log = query(db_path, "select kind, outcome, detail from job_log where kind in ('audit', 'retry') order by id")
    assert [(k, o) for k, o, _ in log] == [("audit", "unreachable"), ("retry", "scheduled"), ("audit", "unreachable")]
    assert '"attempt": 1' in log[1][2]
    assert query(db_path, "select count(*), min(status), max(status) from audit_runs") == [(2, "unreachable", "unreachable")]
    assert query(db_path, "select id from apscheduler_jobs where id like 'retry:%'") == []  # used up


def test_a_second_daemon_on_the_same_database_is_refused(db_path):
    first = start_daemon(db_path, "0 1 * * *")
    try:
        wait_for(lambda: started_count(db_path) == 1, "the first daemon", first)
        second = pw(db_path, "schedule", timeout=60)
        assert second.code == 2 and "另一个监测进程" in second.stderr
    finally:
        stop(first)


def _findings(db: Path, name: str) -> list[dict]:
    import json

    return json.loads(pw(db, "findings", name, "--format", "json").stdout)


def test_cron_expressions_follow_crontab():
    from portalwatch.scheduler.daemon import parse_cron

    weekdays = parse_cron("30 2 * * 1-5")  # crontab: Monday to Friday
    fire = weekdays.get_next_fire_time(None, dt.datetime(2026, 11, 21, 0, 0).astimezone())  # a Saturday
    assert (fire.strftime("%a %H:%M")) == "Mon 02:30"
    assert "sun" in str(parse_cron("0 1 * * 0")) and "sun" in str(parse_cron("0 1 * * 7"))
    assert "second='5'" in str(parse_cron("5 0 1 * * *"))
    for bad in ("every night", "0 25 * * *", "1 2 3"):
        try:
            parse_cron(bad)
        except ValueError as exc:
            assert "计划" in str(exc)
        else:
            raise AssertionError(bad)
