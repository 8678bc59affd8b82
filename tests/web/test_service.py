"""scheduler/service.py on a real SQLite file: the dashboard's filters and sorting, site detail,
ignore, registry and notices, as both front ends see them (no server)."""

from __future__ import annotations

import pytest

from portalwatch.reports.storage import NoticeStore
from portalwatch.scheduler import service
from portalwatch.scheduler.audit import fingerprint


def missing(column: str) -> dict:
    return {"check": "missing_column", "severity": "major", "url": "", "target": None, "column": column,
            "message": f"网站缺少必备栏目“{column}”。", "evidence": {"column_type": "plan"}}


def record(store: NoticeStore, name: str, url: str, findings: list[dict], score: float, verdict: str | None = None,
           started: str | None = None) -> int:
    run_id = store.start_run(site=url, profile="township", as_of="2026-11-20", options={}, site_name=name)
    store.db["pages"].insert({"run_id": run_id, "url": url, "status": 200})  # the homepage was read
    rows = [f | {"url": url, "fingerprint": fingerprint(url, f | {"url": url})} for f in findings]
    store.finish_run(run_id, status="complete", link_checks=[], link_sources={}, skips=[], findings=rows,
                     score=score, verdict=verdict, grade=None, summary={})
    if started:
        store.db["audit_runs"].update(run_id, {"started": started})
    store.update_history(run_id, name)
    return run_id


@pytest.fixture
def db(db_path):
    store = NoticeStore(db_path)
    store.save_sites([
        {"name": "甲镇", "url": "http://jia.example.gov.cn/", "profile": "township", "region": "东区", "emails": ["a@jia.gov.cn"]},
        {"name": "乙局", "url": "http://yi.example.gov.cn/", "profile": "department", "region": "西区"},
        {"name": "丙镇", "url": "http://bing.example.gov.cn/", "profile": "township", "region": "东区"},
    ])
    record(store, "甲镇", "http://jia.example.gov.cn/", [missing("财政信息"), missing("人事信息")], 70,
           started="2026-11-18T01:00:00+08:00")
    record(store, "甲镇", "http://jia.example.gov.cn/", [missing("财政信息")], 85, started="2026-11-19T01:00:00+08:00")
    record(store, "乙局", "http://yi.example.gov.cn/", [], 40, verdict="不合格", started="2026-11-19T02:00:00+08:00")
    store.close()
    return db_path


def test_dashboard_filters_sorts_and_trends(db):
    d = service.dashboard(db)
    assert [r["name"] for r in d["rows"]] == sorted(["甲镇", "乙局", "丙镇"])
    assert d["regions"] == ["东区", "西区"] and d["profiles"] == ["department", "township"]
    assert d["checks"] == ["missing_column"]
    jia = next(r for r in d["rows"] if r["name"] == "甲镇")
    assert [t["score"] for t in jia["trend"]] == [70, 85] and jia["open"] == {"missing_column": 1}
    assert jia["verdict_text"] == "合格" and jia["change"]["resolved"] == 1
    verdicts = {r["name"]: r["verdict_text"] for r in d["rows"]}
    assert verdicts == {"甲镇": "合格", "乙局": "不合格", "丙镇": "未检查"}
    assert [r["name"] for r in service.list_sites(db, sort="score")] == ["乙局", "甲镇", "丙镇"]
    assert [r["name"] for r in service.list_sites(db, sort="-score")] == ["甲镇", "乙局", "丙镇"]
    assert [r["name"] for r in service.list_sites(db, sort="last_run")] == ["乙局", "甲镇", "丙镇"]
    assert [r["name"] for r in service.list_sites(db, region="东区", verdict="合格")] == ["甲镇"]
    assert [r["name"] for r in service.list_sites(db, profile="department")] == ["乙局"]


def test_site_detail_findings_ignore_and_notice(db):
    detail = service.site_detail(db, "甲镇")
    assert [h["score"] for h in detail["history"]] == [70, 85]
    assert detail["overview"]["name"] == "甲镇"
    statuses = sorted(f["status"] for f in detail["findings"])
    assert statuses == ["open", "resolved"]
    open_one = next(f for f in detail["findings"] if f["status"] == "open")
    assert open_one["check_title"] and open_one["first_seen"].startswith("2026-11-18")
    with pytest.raises(service.NotFound):
        service.site_detail(db, "不存在")
    with pytest.raises(service.ServiceError, match="原因"):
        service.ignore_finding(db, open_one["id"], "  ")
    assert service.ignore_finding(db, open_one["id"], "已确认误报")["status"] == "ignored"
    with pytest.raises(service.ServiceError, match="没有需要通知整改的问题"):
        service.draft_notice(db, "甲镇")  # the one open finding is ignored: nothing to notify
    with pytest.raises(service.NotFound):
        service.notice(db, 12345)


def test_registry_save_import_disable(db):
    assert service.save_site(db, {"name": "丁镇", "url": "ding.example.gov.cn"})["action"] == "added"
    again = service.save_site(db, {"name": "丁镇", "url": "http://ding.example.gov.cn/", "unit": "丁镇政府"})
    assert again["action"] == "updated" and again["site"]["unit"] == "丁镇政府"
    with pytest.raises(service.ServiceError, match="同一"):
        service.save_site(db, {"name": "丁镇二", "url": "http://ding.example.gov.cn/"})
    done = service.import_sites(db, "r.yaml", "- {name: 戊镇, url: 'http://wu.example.gov.cn/'}\n- {name: 坏}\n".encode())
    assert done["added"] == 1 and [e["line"] for e in done["errors"]] == [2]
    with pytest.raises(service.ServiceError, match="CSV 或 YAML"):
        service.import_sites(db, "r.exe", b"x")
    assert service.set_site_enabled(db, "丁镇", False)["enabled"] is False
    assert {s["name"]: s["enabled"] for s in service.sites_registry(db)}["丁镇"] is False
