"""Finding history across real runs of a registered site: new, resolved, reopened, ignored,
and runs that did not complete (site down, stopped halfway) resolving nothing."""

from __future__ import annotations

import json

from monitor_helpers import AUDIT_ARGS, page, pw, query, slow_portal
from httpserver import Response
from portalwatch.reports.storage import MonitorStore

AS_OF = "2026-11-20"


def run(db, *extra: str):
    return pw(db, "run", "--site", "甲镇", "--as-of", AS_OF, "--audit-args", AUDIT_ARGS, *extra)


def dead_links(db) -> dict[str, dict]:
    store = MonitorStore(db)  # read in-process: the commands themselves are exercised below
    try:
        rows = store.tracked_findings("甲镇")
    finally:
        store.close()
    return {r["target"].rsplit("/", 1)[-1]: r for r in rows if r["check"] == "dead_link"}


def test_fixed_resolved_broken_again_reopened_ignored_stays_and_incomplete_runs_resolve_nothing(serve, db_path):
    links = {"/x.html": "通知公告", "/y.html": "旧链接", "/ok.html": "工作动态"}
    site = serve(routes={"/": page("甲镇人民政府", links), "/ok.html": page("工作动态")})
    assert pw(db_path, "sites", "add", "甲镇", site.url, "--unit", "甲镇人民政府").code == 0

    first = run(db_path)
    assert first.code == 0, first.stderr
    rows = json.loads(pw(db_path, "findings", "甲镇", "--format", "json").stdout)
    found = {r["target"].rsplit("/", 1)[-1]: r for r in rows if r["check"] == "dead_link"}
    assert {k: v["status"] for k, v in found.items()} == {"x.html": "new", "y.html": "new"}
    assert found["x.html"]["first_seen"] == found["x.html"]["last_seen"] and len(found["x.html"]["id"]) == 16

    # ignore y by the numeric id of its row in `findings` (the id an audit report shows)
    (finding_id,) = query(db_path, "select id from run_findings where target like '%/y.html'")[0]
    ignored = pw(db_path, "ignore", str(finding_id), "--reason", "外部系统链接，已接受")
    assert ignored.code == 0 and "已忽略" in ignored.stdout

    site.routes["/x.html"] = page("通知公告")  # the office fixes x
    assert run(db_path).code == 0
    found = dead_links(db_path)
    assert found["x.html"]["status"] == "resolved" and found["x.html"]["resolved_run"] == 2
    assert found["y.html"]["status"] == "ignored" and found["y.html"]["last_run"] == 2
    assert found["y.html"]["ignored_reason"] == "外部系统链接，已接受" and found["y.html"]["times_seen"] == 2

    del site.routes["/x.html"]  # broken again
    assert run(db_path).code == 0
    found = dead_links(db_path)
    assert found["x.html"]["status"] == "reopened" and found["x.html"]["first_run"] == 1
    assert found["x.html"]["last_run"] == 3 and found["y.html"]["status"] == "ignored"
    listed = pw(db_path, "findings", "甲镇", "--status", "reopened")
    assert "重新出现" in listed.stdout and "x.html" in listed.stdout and "y.html" not in listed.stdout

    # the site is down: the run records site_unreachable and resolves nothing
    site.routes["/"] = Response("服务器错误", status=500)
    down = run(db_path)
    assert down.code == 0, down.stderr  # the audit itself worked
    found = dead_links(db_path)
    assert found["x.html"]["status"] == "reopened" and found["y.html"]["status"] == "ignored"
    rows = MonitorStore(db_path).tracked_findings("甲镇")
    assert [r["status"] for r in rows if r["check"] == "site_unreachable"] == ["new"]

    # x fixed, but the run is stopped by its time limit (cut short): nothing may be resolved
    site.routes.update(slow_portal(pages=200, delay=1.0, extra={"/x.html": "通知公告", "/y.html": "旧链接"}))
    site.routes["/x.html"] = page("通知公告")
    stopped = run(db_path, "--time-limit", "20")  # the audit stops crawling (10 s) before the monitor's limit
    assert stopped.code == 1 and "未完成" in stopped.stderr
    assert query(db_path, "select status from audit_runs order by id desc limit 1") == [("cut_short",)]
    found = dead_links(db_path)
    assert found["x.html"]["status"] == "reopened" and found["y.html"]["status"] == "ignored"
    assert query(db_path, "select outcome from job_log where kind = 'audit' order by id") == \
        [("complete",)] * 3 + [("unreachable",), ("cut_short",)]

    status = json.loads(pw(db_path, "status", "--format", "json").stdout)
    (row,) = status
    assert row["name"] == "甲镇" and row["last_run"]["status"] == "cut_short"
    assert row["open"]["dead_link"] == 1 and row["open"]["site_unreachable"] == 1
    text = pw(db_path, "status").stdout
    assert "甲镇" in text and "失效链接 1" in text and "超时截止" in text


def test_run_rejects_bad_input(db_path):
    assert pw(db_path, "run").code == 2
    result = pw(db_path, "run", "--site", "不存在")
    assert result.code == 2 and "没有名为" in result.stderr
    assert pw(db_path, "run", "--all").code == 2  # nothing registered
    assert pw(db_path, "ignore", "123", "--reason", "x").code == 2
    assert pw(db_path, "findings", "不存在").code == 2
    assert pw(db_path, "findings", "x", "--status", "gone").code == 2


def test_a_run_resolves_only_what_it_looked_at_and_a_cut_short_run_only_records(db_path):
    from portalwatch.crawler.snapshot import Page

    site, base = "示范镇", "http://zf.example.gov.cn"

    def finding(page: str, target: str) -> dict:
        return {"check": "dead_link", "severity": "major", "url": base + page, "target": base + target,
                "column": None, "message": "链接无法访问", "evidence": {}, "fingerprint": target}

    def run(status: str, pages: list[str], findings: list[dict]) -> dict:
        rid = store.start_run(site=base + "/", profile="township", as_of="2026-11-20", options={}, site_name=site)
        store.add_pages(rid, [Page(url=base + p, final_url=base + p, status=200) for p in pages])
        store.finish_run(rid, status=status, link_checks=[], link_sources={}, skips=[], findings=findings,
                         score=None, verdict=None, grade=None, summary={})
        return store.update_history(rid, site)

    store = MonitorStore(db_path)
    run("complete", ["/", "/a.html", "/deep/9.html"], [finding("/a.html", "/x.pdf"), finding("/deep/9.html", "/y.pdf")])
    # the next night stops at --max-pages before /deep/9.html: only /x.pdf can be credited as fixed
    assert run("complete", ["/", "/a.html"], [])["resolved"] == 1
    status = {r["fingerprint"]: r["status"] for r in store.tracked_findings(site)}
    assert status == {"/x.pdf": "resolved", "/y.pdf": "new"}  # not seen again, not resolved either
    # a run cut short by its time limit records what it saw, and resolves nothing
    counts = run("cut_short", ["/"], [finding("/", "/z.pdf")])
    assert counts["new"] == 1 and counts["resolved"] == 0
    assert {r["fingerprint"]: r["status"] for r in store.tracked_findings(site)}["/y.pdf"] == "new"
