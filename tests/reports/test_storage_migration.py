"""A database written before migration m0005 (tests/data/store_v4.db, made by the code of that
time with tests/data/make_store_v4.py) migrates in place: every row is in the renamed tables,
the old names still read exactly as before (views), and the monitor keeps working on it."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
import sqlite3
from pathlib import Path

from conftest import FAST, run_cli
from httpserver import Response
from portalwatch.reports.notice import NoticeConfig, issue_notice
from portalwatch.reports.storage import NoticeStore
from portalwatch.reports.summary import audit_document

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "store_v4.db"
DOCUMENTS = FIXTURE.with_name("store_v4_documents.json")  # audit_document of its runs, by that code
RENAMED = {"runs": "audit_runs", "findings": "run_findings", "tracked": "finding_history",
           "notice_items": "notice_findings"}
KEPT = ("pages", "links", "page_links", "skips", "sites", "probes", "job_log", "notices", "followups",
        "notice_deliveries", "notice_numbers")
NAME, OLD_URL = "示范镇", "http://127.0.0.1:9/"


def old_database(tmp_path: Path) -> Path:
    path = tmp_path / "portalwatch.db"
    shutil.copy(FIXTURE, path)
    return path


def table_rows(path: Path, sql: str) -> tuple[list[str], list[tuple]]:
    with sqlite3.connect(path) as conn:
        cur = conn.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()


def kinds(path: Path) -> dict[str, str]:
    return dict(table_rows(path, "select name, type from sqlite_master where type in ('table', 'view')")[1])


def test_an_old_database_migrates_in_place_and_its_old_names_read_as_before(tmp_path):
    path = old_database(tmp_path)
    assert {kinds(path)[old] for old in RENAMED} == {"table"} and not set(RENAMED.values()) & set(kinds(path))
    before = {t: table_rows(path, f"select * from [{t}] order by rowid") for t in (*RENAMED, *KEPT)}
    assert all(before[t][1] for t in (*RENAMED, *KEPT) if t != "notice_numbers")  # the fixture fills every table

    NoticeStore(path).close()
    NoticeStore(path).close()  # a second open migrates nothing again

    assert {kinds(path)[old] for old in RENAMED} == {"view"}
    assert {kinds(path)[new] for new in RENAMED.values()} == {"table"}
    order = {"runs": "id", "findings": "id", "tracked": "fingerprint", "notice_items": "notice_id, fingerprint"}
    for old, new in RENAMED.items():  # same columns, same values, through the view
        columns, rows = table_rows(path, f"select * from [{old}] order by {order[old]}")
        assert (columns, rows) == (before[old][0], sorted(before[old][1], key=lambda r: [
            r[before[old][0].index(c.strip())] for c in order[old].split(",")]))
        assert len(table_rows(path, f"select * from [{new}]")[1]) == len(rows)
    for table in KEPT:
        assert table_rows(path, f"select * from [{table}] order by rowid") == before[table]

    # the new names hold the data: site is the registry name everywhere, start_url the URL crawled
    assert table_rows(path, "select start_url, site from audit_runs order by id")[1] == [(OLD_URL, NAME)] * 2
    assert table_rows(path, "select check_id, count(*) from run_findings group by 1")[1] == \
        [("dead_link", 3), ("missing_column", 1)]
    assert table_rows(path, "select fingerprint, check_id, status from finding_history order by 1")[1] == [
        ("fp-b.html", "dead_link", "open"), ("fp-c.html", "dead_link", "resolved"),
        ("fp-col", "missing_column", "ignored")]
    assert table_rows(path, "select check_id from notice_findings")[1] == [("dead_link",)] * 2

    with sqlite3.connect(path) as conn:  # the other tables' foreign keys follow the rename
        for child in ("pages", "links", "skips", "page_links", "run_findings"):
            assert [r[2] for r in conn.execute(f"pragma foreign_key_list([{child}])")] == ["audit_runs"], child
        assert [r[2] for r in conn.execute("pragma foreign_key_list(notice_findings)")] == ["notices"]
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert "\"runs\"" not in " ".join(r[0] for r in conn.execute(
            "select sql from sqlite_master where type = 'table' and name != 'audit_runs'").fetchall())

    store = NoticeStore(path)  # and the code reads it with the keys it always used
    try:
        run = store.run(1)
        assert (run["site"], run["site_name"], run["score"]) == (OLD_URL, NAME, 70.0)
        assert store.site_runs(NAME)[0]["id"] == 2 and store.inspection_run(NAME)["site"] == OLD_URL
        assert [f["check"] for f in store.findings_for_run(1)] == ["dead_link", "dead_link", "missing_column"]
        assert store.tracked("fp-col")["check"] == "missing_column" and store.open_counts(NAME) == {"dead_link": 1}
        assert [i["check"] for i in store.notice_items(1)] == ["dead_link", "dead_link"]
        # the audit JSON of the old runs is what the code before m0005 made of the same file
        documents = json.loads(DOCUMENTS.read_text(encoding="utf-8"))
        for run_id in (1, 2):
            assert json.loads(json.dumps(audit_document(store, run_id))) == documents[str(run_id)]
        assert {f["check"] for f in documents["1"]["findings"]} == {"dead_link"}  # fp-col is ignored
        assert documents["1"]["ignored_findings"][0]["check"] == "missing_column"
    finally:
        store.close()


def test_after_the_migration_a_real_audit_folds_into_the_history_and_a_notice_is_issued(serve, tmp_path):
    path = old_database(tmp_path)
    body = '<a href="/gone.html">旧链接</a><a href="/ok.html">工作动态</a><p>2026-11-19 工作动态</p>'
    site = serve(routes={"/": Response(f"<html><head><title>示范镇人民政府</title></head><body>{body}</body></html>"),
                         "/ok.html": Response("<html><title>工作动态</title><body>正文</body></html>")})
    store = NoticeStore(path)
    store.save_sites([{"name": NAME, "url": site.url}])  # the site moved to the local test server
    store.close()

    done = run_cli("run", "--site", NAME, "--as-of", "2026-11-20", "--audit-args", shlex.join(FAST),
                   "--db", str(path))
    assert done.code == 0, done.stdout + done.stderr

    assert table_rows(path, "select id, start_url, site, status from audit_runs where id = 3")[1] == \
        [(3, site.url, NAME, "complete")]
    assert table_rows(path, "select site, site_name from runs where id = 3")[1] == [(site.url, NAME)]
    dead = table_rows(path, "select fingerprint from run_findings where run_id = 3 and check_id = 'dead_link'"
                            " and target like '%/gone.html'")[1]
    assert len(dead) == 1
    history = dict(table_rows(path, "select fingerprint, status from finding_history")[1])
    assert history[dead[0][0]] == "new" and history["fp-b.html"] == "open"  # its page was not looked at
    assert table_rows(path, f"select status from tracked where fingerprint = '{dead[0][0]}'")[1] == [("new",)]

    store = NoticeStore(path)
    try:
        notice = issue_notice(store, NAME, NoticeConfig(), issued=dt.date(2026, 11, 23))
        items = store.notice_items(notice["id"])
        assert notice["id"] == 2 and notice["number"] != store.notice(1)["number"]
        assert {"fp-b.html", dead[0][0]} <= {i["fingerprint"] for i in items}
        assert all(i["check"] for i in items) and "旧链接" in notice["text"]
    finally:
        store.close()
    assert table_rows(path, "select count(*) from notice_items where notice_id = 2")[1] == [(len(items),)]


def test_a_run_exported_by_a_worker_imports_under_either_payload_format(tmp_path):
    """Workers send ``portalwatch.run/2`` (today's names); a ``/1`` payload (the names before
    m0005, from a worker not yet upgraded) imports the same."""
    from portalwatch.reports.runimport import export_run, import_run, register_token

    path = old_database(tmp_path)
    exported = export_run(path, NAME)
    assert exported["format"] == "portalwatch.run/2" and exported["source_run_id"] == 2
    assert exported["run"]["start_url"] == OLD_URL and exported["tables"]["run_findings"][0]["check_id"] == "dead_link"
    old = {**exported, "format": "portalwatch.run/1",
           "run": {{"start_url": "site", "site": "site_name"}.get(k, k): v for k, v in exported["run"].items()},
           "tables": {**{t: r for t, r in exported["tables"].items() if t != "run_findings"},
                      "findings": [{("check" if k == "check_id" else k): v for k, v in r.items()}
                                   for r in exported["tables"]["run_findings"]]}}
    central = NoticeStore(tmp_path / "central.db")
    source = NoticeStore(path)
    try:
        want = json.loads(json.dumps(audit_document(source, 2)))
        for token, payload in (("t2", exported), ("t1", json.loads(json.dumps(old)))):
            register_token(central, token, site=NAME, url=OLD_URL)
            status, run_id = import_run(central, {"token": token, "site": {"name": NAME, "url": OLD_URL},
                                                  "worker": "w", "run": payload})
            assert status == "stored"
            got = json.loads(json.dumps(audit_document(central, run_id)))
            assert {**got, "run_id": None} == {**want, "run_id": None} and got["findings"]
            assert central.run(run_id)["site_name"] == NAME
            assert len(central.findings_for_run(run_id)) == len(source.findings_for_run(2)) == 1
    finally:
        central.close()
        source.close()
