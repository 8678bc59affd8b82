"""The column checks end to end: ``portalwatch audit`` on a static township portal.

``tests/sites/township_columns`` is 青石镇人民政府, a fictional TRS-style portal dated
for 2026-11-20: nine required columns under other names (镇情概况, 机构设置, 重大决策,
权责清单, 预决算公开, 便民服务, 工作动态), 政策文件 only in the sidebar of the 政务公开
page, 重大事项 nowhere; 意见征集 shows 暂无信息 and 便民服务 has 暂无 in a sidebar box;
工作动态 and 政策文件 page through ``createPageHTML(2, 0, "index", "html")`` only.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

SITE = "township_columns"


def by_check(doc: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for finding in doc["findings"]:
        out.setdefault(finding["check"], []).append(finding)
    return out


def columns(findings: list[dict]) -> set[str]:
    return {f["column"] for f in findings}


def test_township_portal_as_of_2026_11_20(serve, audit, db_path):
    site = serve(SITE)
    result = audit(site.url)  # --as-of 2026-11-20
    assert result.code == 0, result.stderr
    found = by_check(result.doc)
    assert "dead_link" not in found and "site_unreachable" not in found
    assert "stale_homepage" not in found  # newest homepage item [11-17]

    assert columns(found["missing_column"]) == {"重大事项"}
    (missing,) = found["missing_column"]
    assert missing["url"] == site.url and missing["severity"] == "major" and "重大事项" in missing["message"]

    assert columns(found["empty_column"]) == {"意见征集"}  # not 便民服务, whose sidebar says 暂无
    assert found["empty_column"][0]["evidence"]["placeholder"] == "暂无信息"

    stale = {f["column"]: f for f in found["stale_column"]}
    assert set(stale) == {"部门动态", "人事信息", "预决算公开"}
    assert stale["部门动态"]["evidence"]["age_days"] == 30 and stale["部门动态"]["evidence"]["column_type"] == "news"
    assert stale["人事信息"]["evidence"]["level"] == 2  # only in the 政务公开 sidebar
    assert stale["预决算公开"]["evidence"]["date_source"] == "article"  # the list shows no dates

    interp = {f["evidence"]["doc_number"]: f for f in found["missing_interpretation"]}
    assert set(interp) == {"青政发〔2026〕2号", "青政发〔2026〕6号", "青政办发〔2026〕12号"}
    unmatched = interp["青政发〔2026〕2号"]  # listed on page 2 (index_1.html), reached only via the TRS script
    assert unmatched["severity"] == "major" and urlsplit(unmatched["evidence"]["list_page"]).path == \
        "/zwgk/zcwj/index_1.html"
    assert interp["青政发〔2026〕6号"]["severity"] == "minor"
    assert interp["青政发〔2026〕6号"]["evidence"]["matched_by"] == "title"
    assert interp["青政办发〔2026〕12号"]["severity"] == "minor"
    assert interp["青政办发〔2026〕12号"]["evidence"]["matched_by"] == "doc_number"

    # 2 (missing) + 2 (empty) + 3 x 2 (stale) + 1 (no interpretation) + 2 x 0.5 (not linked)
    assert result.doc["score"] == 88.0
    with sqlite3.connect(db_path) as db:
        assert db.execute("select score from audit_runs").fetchone()[0] == 88.0


def test_same_site_and_date_give_the_same_findings_and_later_the_homepage_veto(serve, audit):
    site = serve(SITE)
    runs = [audit(site.url, as_of="2026-12-10") for _ in range(2)]
    assert all(r.code == 0 for r in runs), runs[0].stderr

    def key(doc):
        return sorted((f["check"], f["severity"], f["url"], f["column"] or "", f["message"]) for f in doc["findings"])

    assert key(runs[0].doc) == key(runs[1].doc)
    found = by_check(runs[0].doc)
    (veto,) = found["stale_homepage"]
    assert veto["severity"] == "veto" and veto["evidence"]["age_days"] == 23
    assert {"工作动态", "部门动态"} <= columns(found["stale_column"])
    assert runs[0].doc["score"] == 0.0
