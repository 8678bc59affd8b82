"""Audits on worker machines (scheduler/workers.py) with a real redis-server and real worker processes.

A registry of local portals runs across two ``portalwatch worker`` processes while one of them is
killed with SIGKILL in the middle of an audit; the audit is run again by the other worker after the
visibility timeout, comes back after ``run`` stopped waiting (the night's limit) and is stored by
``collect``. Every site ends with exactly one complete run and the findings of a local run.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from conftest import run_cli
from monitor_helpers import AUDIT_ARGS, page, query, slow_portal

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
pytestmark = pytest.mark.skipif(not os.path.exists(REDIS),
                                reason="redis-server is not installed (./install.sh installs it: apt-get install redis-server)")
AS_OF = "2026-11-20"
VISIBILITY = "30"  # seconds before a dead worker's task is handed to another


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path):
    port = free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def start_worker(redis_url: str, tmp_path: Path):
    started: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "w")
        proc = subprocess.Popen([sys.executable, "-m", "portalwatch", "worker", "--broker", redis_url,
                                 "--concurrency", "1", "--hostname", f"{name}@%h", "--visibility-timeout", VISIBILITY],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def wait_for_workers(url: str, count: int, timeout: float = 40) -> list[str]:
    from portalwatch.scheduler.workers import workers_seen

    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        seen = workers_seen(url, timeout=1.0)
        if len(seen) >= count:
            return seen
    raise AssertionError(f"workers seen: {seen}")


def findings_by_site(db: Path) -> dict[str, set[tuple]]:
    rows = query(db, "select r.site, f.check_id, f.url, f.target, f.\"column\", f.message, f.fingerprint"
                     " from run_findings f join audit_runs r on r.id = f.run_id")
    out: dict[str, set[tuple]] = {}
    for name, *rest in rows:
        out.setdefault(name, set()).add(tuple(rest))
    return out


def audit_of(worker: subprocess.Popen, url: str) -> psutil.Process | None:
    try:
        for child in psutil.Process(worker.pid).children(recursive=True):
            if url in " ".join(child.cmdline()) and "audit" in child.cmdline():
                return child
    except psutil.Error:
        return None
    return None


def test_registry_across_two_workers_one_killed_mid_audit_every_site_stored_once(serve, tmp_path, redis_url,
                                                                                  start_worker):
    import redis

    workers = [start_worker("w1"), start_worker("w2")]
    portals = {
        "甲镇": serve("township_columns"),
        "乙镇": serve("township_columns"),
        "丙镇": serve(routes={"/": page("丙镇人民政府", {"/gone.html": "通知公告", "/ok.html": "工作动态"}),
                            "/ok.html": page("工作动态")}),
        "丁镇": serve(routes=slow_portal(pages=40, delay=1.0, extra={"/missing.pdf": "附件"})),
    }
    registry = tmp_path / "sites.csv"
    with open(registry, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "url", "profile", "unit", "emails"])
        for name, site in portals.items():
            w.writerow([name, site.url, "township", f"{name}人民政府", ""])
    remote, local = tmp_path / "remote.db", tmp_path / "local.db"
    for db in (remote, local):
        assert run_cli("sites", "import", str(registry), "--db", str(db)).code == 0
    wait_for_workers(redis_url, 2)
    doctor = run_cli("doctor", "--db", str(remote), env={"PORTALWATCH_BROKER": redis_url,
                                                         "PORTALWATCH_CHROMIUM": str(tmp_path / "no-chromium")})
    lines = doctor.stdout.splitlines()
    assert any(line.startswith("[正常] 消息队列：") and "连接正常" in line for line in lines), doctor.stdout
    seen = next(line for line in lines if "检查工作机" in line)
    assert seen.startswith("[正常]") and "2 台应答" in seen and "w1@" in seen and "w2@" in seen, seen

    env = {**os.environ, "PORTALWATCH_NIGHT_LIMIT": "20"}
    run = subprocess.Popen([sys.executable, "-m", "portalwatch", "run", "--all", "--broker", redis_url, "--db",
                            str(remote), "--as-of", AS_OF, "--time-limit", "60", "--audit-args", AUDIT_ARGS],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    # the same registry audited locally, for the findings to compare with
    local_run = subprocess.Popen([sys.executable, "-m", "portalwatch", "run", "--all", "--db", str(local), "--as-of",
                                  AS_OF, "--jobs", "2", "--audit-args", AUDIT_ARGS],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    slow = portals["丁镇"]
    deadline, victim, audit = time.monotonic() + 60, None, None
    while victim is None and time.monotonic() < deadline:
        for worker in workers:
            audit = audit_of(worker, slow.url)
            if audit is not None:
                victim = worker
                break
        time.sleep(0.2)
    assert victim is not None, "no worker started the slow portal's audit"
    hits = len(slow.requests)
    while len(slow.requests) < hits + 3 and time.monotonic() < deadline + 20:  # the crawl is under way
        time.sleep(0.2)
    os.killpg(victim.pid, signal.SIGKILL)  # the whole worker machine dies, mid-audit
    victim.wait(10)
    audit.wait(10)  # its audit subprocess goes with it (PR_SET_PDEATHSIG), nothing reaches the database
    killed_at = time.monotonic()

    out, err = run.communicate(timeout=120)
    assert run.returncode == 1, out + err  # the night's limit passed with the slow portal still out
    assert "未完成：丁镇（结果未返回）" in err, err
    assert not query(remote, "select 1 from audit_runs where site = '丁镇'")

    collected = run_cli("collect", "--broker", redis_url, "--db", str(remote), "--wait", "90", timeout=150)
    assert collected.code == 0, collected.stdout + collected.stderr
    assert "尚未返回 0 个" in collected.stdout
    assert time.monotonic() - killed_at >= 15  # it came back through redelivery, not from the dead worker

    out, err = local_run.communicate(timeout=120)
    assert local_run.returncode == 0, err
    runs = query(remote, "select site, status, count(*) from audit_runs group by site")
    assert sorted(runs) == sorted((name, "complete", 1) for name in portals), runs
    assert findings_by_site(remote) == findings_by_site(local)
    assert all(findings_by_site(remote).get(name) for name in portals)  # every portal has findings to compare
    # the history and the job log as after a local audit: one audit entry per site, every token accounted for
    assert sorted(r[0] for r in query(remote, "select site from job_log where kind = 'audit' and outcome = 'complete'")) \
        == sorted(portals)
    assert query(remote, "select count(*) from finding_history") == query(local, "select count(*) from finding_history")
    assert query(remote, "select state, count(*) from remote_audits group by state") == [("done", 4)]
    (token,) = query(remote, "select token from remote_audits where site = '丁镇'")[0]
    assert redis.Redis.from_url(redis_url).get(f"portalwatch:tries:{token}") == b"2"  # started twice, stored once


def test_a_result_delivered_twice_is_stored_once(audit, db_path, serve, tmp_path):
    """The importer keys on the token: a redelivered audit's second result changes nothing."""
    from portalwatch.reports.runimport import export_run, import_run, register_token
    from portalwatch.reports.storage import MonitorStore
    from portalwatch.reports.summary import audit_document

    site = serve("township_columns")
    assert audit(site.url).code == 0
    exported = export_run(db_path)
    store = MonitorStore(tmp_path / "central.db")
    try:
        register_token(store, "t1", site="甲镇", url=site.url)
        result = {"token": "t1", "site": {"name": "甲镇", "url": site.url}, "worker": "w", "run": exported}
        assert import_run(store, result) == ("stored", 1)
        assert import_run(store, json.loads(json.dumps(result))) == ("duplicate", 1)
        assert store.db.execute("select count(*) from audit_runs").fetchone()[0] == 1
        source = MonitorStore(db_path)
        want = audit_document(source, exported["source_run_id"])
        source.close()
        got = audit_document(store, 1)
    finally:
        store.close()
    assert {**got, "run_id": None} == {**want, "run_id": None}
    assert got["findings"] and got["pages"] == want["pages"] > 10


def test_doctor_reports_a_broker_that_does_not_answer(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    result = run_cli("doctor", "--db", str(tmp_path / "p.db"), "--broker", url,
                     env={"PORTALWATCH_CHROMIUM": str(tmp_path / "no-chromium")})
    assert result.code == 1, result.stdout
    assert any(line.startswith("[错误] 消息队列：无法连接消息队列 " + url) for line in result.stdout.splitlines()), result.stdout
    assert "检查工作机" not in result.stdout


def test_schedule_with_a_broker_queues_the_night_and_stores_what_the_worker_sends_back(serve, tmp_path, redis_url,
                                                                                       start_worker):
    from test_daemon import start_daemon, stop, wait_for

    site = serve(routes={"/": page("戊镇人民政府", {"/gone.html": "通知公告"})})
    db = tmp_path / "night.db"
    assert run_cli("sites", "add", "戊镇", site.url, "--db", str(db)).code == 0
    start_worker("w3")
    daemon = start_daemon(db, "*/3 * * * * *", "--broker", redis_url)  # every 3 s: nights overlap on purpose
    try:
        done = wait_for(lambda: query(db, "select detail from job_log where kind = 'audit'"), "the audit's result",
                        daemon)
    except AssertionError:
        raise AssertionError(stop(daemon) + str(query(db, "select * from job_log"))
                             + (tmp_path / "w3.log").read_text()[-3000:]) from None
    err = stop(daemon)
    detail = json.loads(done[0][0])
    assert detail["worker"] == socket.gethostname() and detail["token"], detail
    runs = query(db, "select site, status from audit_runs")
    assert runs and set(runs) == {("戊镇", "complete")}
    # one audit of the site at a time: while one is out, the next nights' triggers queue nothing
    dispatched = [r[0] for r in query(db, "select outcome from job_log where kind = 'dispatch' order by id")]
    assert dispatched[0] == "queued" and "skipped" in dispatched, dispatched
    assert dispatched.count("queued") <= len(runs) + 1
    assert [r[0] for r in query(db, "select check_id from finding_history where site = '戊镇'")].count("dead_link") == 1
    assert "戊镇：完成" in err
