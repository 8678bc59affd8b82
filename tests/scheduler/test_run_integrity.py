"""An audit never claims more than it did (issue 13): the fault matrix.

Each case runs the real command line against a hostile local server (or a hostile
``--db``/``--set``) and checks the exit status, the stored run state and score, and the
database's integrity afterwards. A crawl that failed is never ``complete`` nor scored.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FAST, run_cli
from httpserver import Response

PLUGINS = str(Path(__file__).resolve().parent)  # run_integrity_plugins.py, importable by the audit


def runs(db: Path) -> list[dict]:
    """The runs table after an audit, with the file checked intact first."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("select * from audit_runs order by id")]


def findings(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute('select check_id from run_findings order by id')]


def big_site(serve, pages: int = 2000):
    links = "".join(f'<a href="/p{i}.html">页面{i}</a>' for i in range(pages))
    routes = {"/": Response(f"<html><title>首页</title><body>{links}</body></html>")}
    for i in range(pages):
        routes[f"/p{i}.html"] = Response(f"<html><title>页面{i}</title><body>正文</body></html>", delay=0.2)
    return serve(routes=routes)


def start_audit(site, db: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "portalwatch", "audit", site.url, "--db", str(db), "--format", "json",
           "--delay", "0", "--concurrency", "2", "--no-progress", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    deadline = time.time() + 60
    while site.hits("/p5.html") == 0 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    return proc


# -- 1. complete only when the crawl ended normally and the homepage was read ----------------

@pytest.mark.parametrize("signum,count", [(signal.SIGINT, 2), (signal.SIGTERM, 3)])
def test_any_number_of_signals_leaves_an_interrupted_unscored_run(serve, tmp_path, signum, count):
    site = big_site(serve)
    db = tmp_path / "s.db"
    proc = start_audit(site, db)
    for _ in range(count):  # Scrapy stops gracefully on the first, tears down on the second
        proc.send_signal(signum)
        time.sleep(0.3)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    [run] = runs(db)
    assert (run["status"], run["score"], run["finished"]) == ("interrupted", None, None)
    assert 0 < run["pages"] < 2000 and findings(db) == []
    assert "中断" in err
    doc = json.loads(out)
    assert doc["status"] == "interrupted" and doc["score"] is None
    assert doc["coverage"]["state"] == "interrupted" and doc["coverage"]["pages_read"] == run["pages"]


def test_bad_setting_exits_2_before_anything_is_written(tmp_path, serve):
    from portalwatch.scheduler.cli import main

    site = serve(routes={"/": Response("<html><title>首页</title><body>正文</body></html>")})
    db = tmp_path / "b.db"
    result = run_cli("audit", site.url, "--db", str(db), *FAST, "--set", "PORTALWATCH_MAX_PAGE_BYTES=abc")
    assert result.code == 2 and result.stderr.startswith("错误：") and "PORTALWATCH_MAX_PAGE_BYTES" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for bad in ("PORTALWATCH_MAX_DEPTH=-3", "PORTALWATCH_PROGRESS=maybe", "PORTALWATCH_HOSTS=[1]",
                "PORTALWATCH_ANALYSIS_WORKERS=many", "PORTALWATCH_RETRY_BACKOFF=slow", "DOWNLOAD_TIMEOUT=soon",
                'DOWNLOADER_MIDDLEWARES={"no.such.Middleware": 100}', "TWISTED_DNS_RESOLVER=no.such.Resolver",
                "NO_EQUALS_SIGN"):  # the same check, in process: it runs before the crawl would start
        result = CliRunner().invoke(main, ["audit", site.url, "--db", str(db), "--set", bad])
        assert result.exit_code == 2, (bad, result.output, result.exception)
        assert result.stderr.startswith("错误：") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not db.exists() and site.hits("/") == 0


@pytest.mark.parametrize("component,reason", [
    ('EXTENSIONS={"run_integrity_plugins.BrokenExtension": 5}', "extension cannot start"),
    ('DOWNLOADER_MIDDLEWARES={"run_integrity_plugins.BrokenMiddleware": 950}', "broken middleware"),
])
def test_a_crawler_that_cannot_start_or_crashes_is_a_failed_run_never_scored(serve, tmp_path, component, reason):
    site = serve(routes={"/": Response("<html><title>首页</title><body>正文</body></html>")})
    db = tmp_path / "f.db"
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [PLUGINS, os.environ.get("PYTHONPATH")]))}
    result = run_cli("audit", site.url, "--format", "json", "--db", str(db), *FAST, "--set", component, env=env)
    assert result.code == 1, result.stderr
    [run] = runs(db)
    assert (run["status"], run["score"], run["verdict"]) == ("failed", None, None)
    assert findings(db) == []  # our bug is not the site's fault: no site_unreachable
    assert reason in result.doc["coverage"]["reason"] and reason in result.stderr.strip().splitlines()[-1]
    assert result.doc["coverage"]["homepage_read"] is False


def test_a_homepage_redirect_no_browser_can_follow_is_unreachable(serve, tmp_path):
    db = tmp_path / "r.db"
    answers = {
        "file:///etc/passwd": Response("", status=302, headers={"Location": "file:///etc/passwd"}),
        "ftp://127.0.0.1/x": Response("", status=301, headers={"Location": "ftp://127.0.0.1/x"}),
        "data:text/html,": Response("", status=302, headers={"Location": "data:text/html,<p>hi</p>"}),
        "": Response("<html><title>首页</title><body>正文</body></html>", status=302),
    }
    for location, answer in answers.items():
        site = serve(routes={"/": answer})
        result = run_cli("audit", site.url, "--format", "json", "--db", str(db), *FAST)
        assert result.code == 3, (location, result.stderr)
        doc = result.doc
        assert doc["status"] == "unreachable" and doc["coverage"]["homepage_read"] is False
        [finding] = [f for f in doc["findings"] if f["check"] == "site_unreachable"]
        assert finding["evidence"]["reason"] == ("bad_redirect" if location else "no_location")
        assert location[:10] in finding["evidence"]["detail"]
    assert [(r["status"], r["pages"]) for r in runs(db)] == [("unreachable", 0)] * 4


def test_coverage_says_what_part_of_the_site_was_seen(serve, db_path):
    from portalwatch.reports.summary import print_summary

    links = '<a href="/gone.html">旧</a>' + "".join(f'<a href="/p{i}.html">页面{i}</a>' for i in range(6))
    routes = {"/": Response(f"<html><title>首页</title><body>{links}</body></html>")}
    for i in range(6):
        routes[f"/p{i}.html"] = Response(f"<html><title>页面{i}</title><body>正文</body></html>")
    site = serve(routes=routes)
    result = run_cli("audit", site.url, "--format", "json", "--db", str(db_path), "--max-pages", "4", *FAST)
    assert result.code == 0, result.stderr
    cov = result.doc["coverage"]
    assert cov["state"] == "complete" and cov["homepage_read"] is True
    assert cov["pages_read"] == result.doc["pages"] == runs(db_path)[0]["pages"]
    assert cov["pages_read"] == 3 and cov["pages_failed_by_reason"] == {"http_404": 1}  # home, p0, p1; gone
    assert cov["max_pages_reached"] is True and cov["pages_not_followed"] == 7 - 3
    out = StringIO()
    print_summary(result.doc, out)
    line = next(ln for ln in out.getvalue().splitlines() if ln.startswith("抓取情况："))
    assert f"读取页面 {cov['pages_read']} 个" in line and "已达到页面数上限" in line


def test_summary_of_an_unfinished_run_gives_no_verdict():
    from portalwatch.reports.summary import print_summary

    doc = {"site": "http://x/", "run_id": 3, "profile": "township", "pages": 11, "score": None, "findings": [],
           "status": "interrupted", "verdict": None,
           "coverage": {"state": "interrupted", "reason": "收到 SIGTERM 信号，抓取被停止", "pages_read": 11,
                        "homepage_read": True}}
    out = StringIO()
    print_summary(doc, out)
    text = out.getvalue()
    assert "结论：未完成" in text and "收到 SIGTERM" in text and "未发现问题" not in text
    assert "不能作为合格或整改的依据" in text


# -- 2. an unusable --db: one Chinese line, exit 2, nothing written -----------------------------

COMMANDS = [["audit", "http://127.0.0.1:9/"], ["status"], ["findings", "某镇"], ["run", "--site", "某镇"],
            ["notice", "某镇"], ["notices"], ["sites", "list"], ["ignore", "abc", "--reason", "误报"]]


def assert_refused(db: Path) -> None:
    from portalwatch.scheduler.cli import main

    for args in COMMANDS:
        result = CliRunner().invoke(main, [*args, "--db", str(db)])
        assert result.exit_code == 2, (args, result.output, result.exception)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误：") and "Traceback" not in result.output, (args, lines)


def test_db_in_a_missing_folder_is_refused(tmp_path):
    db = tmp_path / "no" / "such" / "p.db"
    assert_refused(db)
    assert not (tmp_path / "no").exists()


def test_db_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    for content in (b"name,url\n\xe6\x9f\x90,http://x/\n", b"SQLite format 3\x00" + b"\xff" * 200):
        db = tmp_path / "notes.db"
        db.write_bytes(content)
        assert_refused(db)
        assert db.read_bytes() == content and sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]
    folder = tmp_path / "folder.db"
    folder.mkdir()
    assert_refused(folder)


def test_immutable_db_is_refused(tmp_path):
    db = tmp_path / "p.db"
    sqlite3.connect(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("create table t (x)")
    before = db.read_bytes()
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        assert_refused(db)
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True)
    assert db.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files; the immutable case covers root")
def test_read_only_db_is_refused(tmp_path):
    db = tmp_path / "p.db"
    sqlite3.connect(db).execute("create table t (x)").connection.close()
    db.chmod(0o444)
    assert_refused(db)


# -- 3. kill -9: the database stays intact and readers show the run as interrupted ---------------

def test_killed_audit_is_shown_interrupted_by_status(serve, db_path):
    site = big_site(serve, pages=300)
    assert run_cli("sites", "add", "某镇", site.url, "--db", str(db_path)).code == 0
    proc = start_audit(site, db_path, "--site-name", "某镇")
    proc.kill()
    proc.communicate(timeout=30)
    status = run_cli("status", "--format", "json", "--db", str(db_path))
    assert status.code == 0, status.stderr
    assert status.doc[0]["last_run"]["status"] == "interrupted" and status.doc[0]["score"] is None
    [run] = runs(db_path)
    assert run["status"] == "interrupted" and run["finished"] is None and run["score"] is None
    assert findings(db_path) == []


def test_a_running_run_counts_only_while_its_own_process_lives(db_path):
    from portalwatch.reports.storage import Store

    store = Store(db_path)
    mine = store.start_run(site="http://a/", profile="township", as_of="2026-11-20", options={})
    reused = int(store.db["audit_runs"].insert({"start_url": "http://b/", "status": "running", "pid": os.getpid(),
                                          "pid_start": "1", "host": None}).last_pk)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = int(store.db["audit_runs"].insert({"start_url": "http://c/", "status": "running", "pid": gone.pid}).last_pk)
    store.close()
    store = Store(db_path)  # every open recovers runs whose process is gone
    assert [store.run(i)["status"] for i in (mine, reused, dead)] == ["running", "interrupted", "interrupted"]
    store.close()
