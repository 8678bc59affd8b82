"""The 网站标识 / 办事指南 / 年度报告 checks end to end: ``portalwatch audit`` on a static portal.

``tests/sites/indicators`` is 青山镇人民政府, fictional: every page's ``SiteIDCode`` meta has
9 digits (malformed), no footer shows a 公安机关备案号, one article shows its ICP number only as an
image's alt text (present) and one has its footer written by a script (undecided, not missing).
Four 办事指南: a table with synonyms and a label spanning three rows (complete), a ``<dl>``
with 5 elements (incomplete), headings with 收费标准「无」 and an image 流程图 (complete), a table
with 4 empty value cells (incomplete); 关于更新部分办事指南的通知 is no guide. The 年报 column
holds 二〇二四年 and 2023 reports, plus a 关于做好…年度报告编制工作的通知 elsewhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

SITE = "indicators"
NEW = ("service_guide_incomplete", "site_identity", "missing_annual_report")


def by_check(doc: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for finding in doc["findings"]:
        out.setdefault(finding["check"], []).append(finding)
    return out


def path(url: str) -> str:
    return urlsplit(url).path


def test_guides_identity_and_a_missing_annual_report(serve, audit):
    site = serve(SITE)
    result = audit(site.url)  # as of 2026-11-20: the 2025 report is due since 2026-01-31
    assert result.code == 0, result.stderr
    found = by_check(result.doc)

    guides = {path(f["url"]): f for f in found["service_guide_incomplete"]}
    assert set(guides) == {"/bszn/g2.html", "/bszn/g4.html"}  # not g1 (rowspan, synonyms), not g3 (无, image)
    assert guides["/bszn/g2.html"]["evidence"]["missing"] == ["设定依据", "申请条件", "办理机构", "联系电话", "办理流程"]
    assert guides["/bszn/g4.html"]["evidence"]["empty_labels"] == ["申请条件", "办理机构", "收费标准", "联系电话"]
    assert all(f["severity"] == "major" for f in guides.values())

    identity = {f["evidence"]["item"]: f for f in found["site_identity"]}
    assert set(identity) == {"footer:公安机关备案号", "code_format"}  # no ICP finding: the alt text shows it
    police = identity["footer:公安机关备案号"]
    assert police["severity"] == "minor" and path(police["url"]) == "/" and police["evidence"]["homepage_lacks"]
    # the page whose footer a script writes is not counted
    assert police["evidence"]["pages_lacking"] == police["evidence"]["pages_checked"]
    assert "/xwzx/a3.html" not in {path(u) for u in police["evidence"]["examples"]}
    assert identity["code_format"]["evidence"]["code"] == "239900002"
    assert "239900002" in identity["code_format"]["message"]
    undecided = [u for u in result.doc["undecided"] if u["check"] == "site_identity"]
    assert [path(u["url"]) for u in undecided] == ["/xwzx/a3.html"]

    (report,) = found["missing_annual_report"]
    assert report["severity"] == "major" and path(report["url"]) == "/zwgk/ndbg/index.html"
    assert report["evidence"]["required_year"] == 2025 and report["evidence"]["due"] == "2026-01-31"
    assert sorted(y for s in report["evidence"]["reports_seen"] for y in s["years"]) == [2023, 2024]
    assert "2025 年" in report["message"]


def test_in_january_last_years_report_is_not_due_yet(serve, audit):
    site = serve(SITE)
    result = audit(site.url, as_of="2026-01-15")  # due: the 2024 report, titled 二〇二四年
    assert result.code == 0, result.stderr
    found = by_check(result.doc)
    assert "missing_annual_report" not in found
    assert not [u for u in result.doc["undecided"] if u["check"] == "missing_annual_report"]
    assert {path(f["url"]) for f in found["service_guide_incomplete"]} == {"/bszn/g2.html", "/bszn/g4.html"}
