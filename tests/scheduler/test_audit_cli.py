"""The audit command's contract: exit statuses, the JSON document, what is stored."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import FAST, RESOLVER, run_cli
from httpserver import Response


def test_malformed_url_exits_2_and_writes_nothing(tmp_path):
    db = tmp_path / "x.db"
    for bad in ("http://", "ftp://example.gov.cn/", "http://exa mple.gov.cn/", "http://host:99999/"):
        result = run_cli("audit", bad, "--db", str(db))
        assert result.code == 2, (bad, result.stderr)
        assert "错误" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_bad_options_get_one_line_and_exit_2(tmp_path):
    db = tmp_path / "x.db"
    for args in (["--max-pages", "0"], ["--bogus"], ["--render", "sometimes"], ["--concurrency", "many"]):
        result = run_cli("audit", "http://127.0.0.1:9/", "--db", str(db), *args)
        assert result.code == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误：") and "--help" in lines[0], (args, lines)
    assert not db.exists()


def test_unreachable_start_url_exits_3_and_stores_the_finding(tmp_path, serve):
    db = tmp_path / "u.db"
    import socket
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    result = run_cli("audit", f"http://127.0.0.1:{port}/", "--format", "json", "--db", str(db), *FAST)
    assert result.code == 3, result.stderr
    doc = result.doc
    assert [f["check"] for f in doc["findings"]] == ["site_unreachable"]
    assert doc["findings"][0]["severity"] == "veto" and doc["findings"][0]["evidence"]["reason"] == "refused"
    result = run_cli("audit", "http://no-such-portal.test/", "--format", "json", "--db", str(db), *FAST, *RESOLVER)
    assert result.code == 3
    assert result.doc["findings"][0]["evidence"]["reason"] == "dns"
    hanging = serve(routes={"/": Response("late", delay=4)})
    result = run_cli("audit", hanging.url, "--format", "json", "--db", str(db), *FAST)
    assert result.code == 3
    assert result.doc["findings"][0]["evidence"]["reason"] == "timeout"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select status, finished is not null from audit_runs order by id").fetchall()
        stored = conn.execute("select count(*) from run_findings where check_id = 'site_unreachable'").fetchone()[0]
    assert rows == [("unreachable", 1)] * 3 and stored == 3


def test_json_document_has_the_contract_fields(serve, audit):
    site = serve(routes={"/": Response("<html><title>首页</title><body><a href='/x.html'>x</a></body></html>")})
    result = audit(site.url, "--profile", "township")
    assert result.code == 0
    doc = result.doc
    assert {"site", "run_id", "profile", "pages", "started", "finished", "score", "findings"} <= set(doc)
    assert doc["site"] == site.url and doc["profile"] == "township" and doc["pages"] == 1
    finding = next(f for f in doc["findings"] if f["check"] == "dead_link")
    assert set(finding) == {"check", "severity", "url", "target", "column", "message", "evidence"}


def test_text_summary_is_chinese_and_lists_the_dead_link(serve, db_path):
    site = serve(routes={"/": Response("<html><title>首页</title><body><a href='/x.html'>失效的通知</a></body></html>")})
    result = run_cli("audit", site.url, "--db", str(db_path), *FAST)
    assert result.code == 0
    assert "失效链接" in result.stdout and "失效的通知" in result.stdout and "x.html" in result.stdout


def test_interrupted_run_leaves_a_consistent_database(serve, tmp_path):
    links = "".join(f'<a href="/p{i}.html">页面{i}</a>' for i in range(200))
    routes = {"/": Response(f"<html><title>首页</title><body>{links}</body></html>")}
    for i in range(200):
        routes[f"/p{i}.html"] = Response(f"<html><title>页面{i}</title><body>正文</body></html>", delay=0.2)
    site = serve(routes=routes)
    db = tmp_path / "i.db"
    cmd = [sys.executable, "-m", "portalwatch", "audit", site.url, "--db", str(db), "--delay", "0",
           "--concurrency", "2", "--no-progress", "--set", "PORTALWATCH_MAX_PAGE_BYTES=100000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    deadline = time.time() + 60
    while site.hits("/p5.html") == 0 and time.time() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        status, finished = conn.execute("select status, finished from audit_runs").fetchone()
        assert (status, finished) == ("interrupted", None)
        assert conn.execute("select count(*) from run_findings").fetchone()[0] == 0
    # a run killed outright is found dead and marked interrupted by the next command
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    deadline = time.time() + 60
    while site.hits("/p5.html") < 2 and time.time() < deadline:
        time.sleep(0.1)
    proc.kill()
    proc.communicate(timeout=30)
    small = serve(routes={"/": Response("<html><title>首页</title><body>正文</body></html>")})
    assert run_cli("audit", small.url, "--db", str(db), *FAST).code == 0
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("select status from audit_runs order by id")] == \
            ["interrupted", "interrupted", "complete"]
