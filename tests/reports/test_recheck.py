"""Follow-up re-checks (复查) of a real local site: fixed, not fixed and new findings."""

from __future__ import annotations

import json
import shlex
import shutil

from conftest import FAST, run_cli
from httpserver import Response
from notice_helpers import ARTIFACTS, open_in_chromium, smtp_server  # noqa: F401  (fixture)

from portalwatch.checks.registry import BUILTIN_CHECKS
from portalwatch.reports.followup import compare
from portalwatch.reports.storage import NoticeStore

# Only the link checks: this test is about dead links coming and going, whatever the column checks say.
# every built-in check but the link checks off (a new check must not change what these tests count)
ONLY_LINKS = json.dumps({c: None for c in BUILTIN_CHECKS if c not in ("dead_link", "site_unreachable")})
AUDIT_ENV = {"PORTALWATCH_AUDIT_ARGS": shlex.join([*FAST, "--set", f"PORTALWATCH_CHECKS={ONLY_LINKS}"])}


def home(*links: tuple[str, str]) -> Response:
    anchors = "".join(f"<li><a href='{href}'>{text}</a></li>" for href, text in links)
    return Response("<html><head><title>某某镇人民政府</title></head><body><ul>"
                    f"<li><a href='/news/'>工作动态</a></li>{anchors}</ul><p>2026-11-19 工作动态</p></body></html>")


def test_fixed_between_runs_shows_as_fixed_in_the_follow_up(serve, db_path, tmp_path, smtp_server):
    site = serve(routes={
        "/": home(("/gone.html", "关于开展安全检查的通知"), ("/files/budget.pdf", "2026年部门预算")),
        "/news/": Response("<html><title>工作动态</title><body>2026-11-18 会议</body></html>"),
    })
    db = ["--db", str(db_path)]
    assert run_cli("sites", "add", "某某镇", site.url, "--unit", "某某镇人民政府", "--email", "gk@zhen.example.gov.cn",
                   *db).code == 0
    assert run_cli("run", "--site", "某某镇", "--as-of", "2026-11-20", *db, env=AUDIT_ENV).code == 0
    sent = run_cli("notice", "某某镇", "--send", *db, env=smtp_server.env())
    assert sent.code == 0, sent.stderr

    # the unit fixes one link, leaves the other, and breaks a new one
    site.routes["/gone.html"] = Response("<html><title>关于开展安全检查的通知</title><body>正文</body></html>")
    site.routes["/"] = home(("/gone.html", "关于开展安全检查的通知"), ("/files/budget.pdf", "2026年部门预算"),
                            ("/new-broken.html", "新上线的专题"))
    out = tmp_path / "复查报告.html"
    result = run_cli("recheck", "某某镇", "--as-of", "2026-11-20", "--out", str(out), *db, env=AUDIT_ENV)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    fixed = next(ln for ln in lines if "关于开展安全检查的通知" in ln and "【" in ln)
    not_fixed = next(ln for ln in lines if "2026年部门预算" in ln and "【" in ln)
    new = next(ln for ln in lines if "新上线的专题" in ln and "【" in ln)
    assert "【已整改】" in fixed and "【未整改】" in not_fixed and "【新发现】" in new
    assert "通知所列问题 2 个，已整改 1 个，未整改 1 个；复查中新发现问题 1 个" in result.stdout
    assert "整改尚未到位" in result.stdout

    store = NoticeStore(db_path)
    [notice] = store.notices("某某镇")
    [followup] = store.followups(notice["id"])
    by_target = {i["target"]: followup["results"]["items"][i["fingerprint"]] for i in store.notice_items(notice["id"])}
    assert by_target == {f"{site.url}gone.html": "fixed", f"{site.url}files/budget.pdf": "not_fixed"}
    assert len(followup["results"]["new"]) == 1 and followup["run_id"] == store.inspection_run("某某镇")["id"]
    statuses = {t["target"]: t["status"] for t in store.tracked_findings("某某镇")}
    assert statuses[f"{site.url}gone.html"] == "resolved" and statuses[f"{site.url}new-broken.html"] == "new"
    history = json.loads(run_cli("notices", "某某镇", "--format", "json", *db).stdout)
    assert history[0]["status"] == "sent" and history[0]["followups"] == 1

    html = out.read_text(encoding="utf-8")
    assert "已整改" in html and "未整改" in html and "复查新发现的问题" in html and "<script" not in html
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(out, ARTIFACTS / "followup.html")
    assert open_in_chromium(ARTIFACTS / "followup.html", ARTIFACTS / "followup.png", ARTIFACTS / "followup.pdf") == []


def test_recheck_needs_a_registered_site_with_a_notice(db_path):
    db = ["--db", str(db_path)]
    unknown = run_cli("recheck", "不存在", *db)
    assert unknown.code == 2 and "没有名为" in unknown.stderr
    assert run_cli("sites", "add", "某某镇", "http://127.0.0.1:9/", *db).code == 0
    none = run_cli("recheck", "某某镇", *db)
    assert none.code == 2 and "还没有整改通知" in none.stderr


def test_an_incomplete_recheck_run_proves_no_fix():
    items = [{"fingerprint": "a"}, {"fingerprint": "b"}, {"fingerprint": "c"}]
    findings = [{"fingerprint": "a"}, {"fingerprint": "d"}]
    assert compare(items, {"status": "complete"}, findings, ignored={"c"}) == {
        "items": {"a": "not_fixed", "b": "fixed", "c": "ignored"}, "new": ["d"], "run_status": "complete"}
    unreachable = compare(items, {"status": "unreachable"}, [{"fingerprint": "u"}])
    assert unreachable["items"] == {"a": "unknown", "b": "unknown", "c": "unknown"} and unreachable["new"] == ["u"]


def test_a_column_the_recheck_could_not_look_at_is_not_credited_as_fixed():
    items = [{"fingerprint": "m", "check": "missing_column", "column": "重大事项"},
             {"fingerprint": "e", "check": "empty_column", "column": "意见征集"}]
    undecided = [{"check": "missing_column", "column": "重大事项", "url": "http://x/", "reason": "首页导航由脚本生成"}]
    run = {"status": "complete", "summary": json.dumps({"undecided": undecided}, ensure_ascii=False)}
    assert compare(items, run, [])["items"] == {"m": "unknown", "e": "fixed"}


def test_an_item_on_a_page_the_recheck_never_reached_is_not_credited_as_fixed():
    items = [{"fingerprint": "d1", "check": "dead_link", "url": "http://x/a.html", "target": "http://x/gone.pdf"},
             {"fingerprint": "d2", "check": "dead_link", "url": "http://x/deep/9.html", "target": "http://x/9.doc"},
             {"fingerprint": "d3", "check": "dead_link", "url": "http://x/deep/8.html", "target": "http://x/8.doc"}]
    looked_at = {"http://x/", "http://x/a.html", "http://x/8.doc"}  # 9.html beyond --max-pages; 8.doc re-checked
    assert compare(items, {"status": "complete"}, [], looked_at=looked_at)["items"] == {
        "d1": "fixed", "d2": "unknown", "d3": "fixed"}
