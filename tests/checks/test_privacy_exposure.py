"""privacy_exposure on hand-built snapshots, and the real pages: nothing on them is personal."""

from __future__ import annotations

import datetime as dt
import json

from check_helpers import SiteBuilder, run

from portalwatch.checks.privacy_exposure import PrivacyExposure
from portalwatch.crawler.extract.encoding import decode_html
from portalwatch.crawler.extract.page import extract_page
from portalwatch.crawler.snapshot import PersonalHit

from conftest import REALPAGES, SITES


def test_one_finding_per_page_with_counts_and_masked_examples():
    b = SiteBuilder()
    hits = [PersonalHit("id_number", "41*************238", "张三 41*************238 138****5678"),
            PersonalHit("mobile", "138****5678", "41*************238 138****5678 李四"),
            PersonalHit("id_number", "35*************040", "李四 35*************040")]
    b.article("/tzgg/1.html", "低保对象公示", 3, personal=hits)
    b.article("/tzgg/2.html", "关于调整办公时间的通知", 3)
    (finding,), _ = run(PrivacyExposure, b.snapshot)
    assert finding.url.endswith("/tzgg/1.html") and finding.severity == "major"
    assert finding.evidence["counts"] == {"身份证号码": 2, "手机号码": 1}
    assert finding.message == "页面“低保对象公示”公开了完整的个人信息：身份证号码 2 个、手机号码 1 个，请立即删除或遮挡。"
    lines = dict(PrivacyExposure.evidence_lines(finding.to_dict()))
    assert lines["发现"] == "身份证号码 2 个、手机号码 1 个"
    assert PrivacyExposure.title == "个人信息泄露" and PrivacyExposure.key(finding.to_dict())[1] == finding.url


def test_no_hits_no_finding_and_soft404_pages_are_skipped():
    b = SiteBuilder()
    b.article("/a.html", "页面", 3, personal=[PersonalHit("mobile", "138****5678", "")], soft404="title:页面不存在")
    assert run(PrivacyExposure, b.snapshot)[0] == []


def _pages(root):
    for path in sorted(root.rglob("*.htm*")):
        html, _, _ = decode_html(path.read_bytes(), None)
        yield path, html


def test_real_pages_and_test_portals_show_nothing_personal():
    """Precision on real government pages (statistics bulletins full of long numbers, gazettes,
    search results) and the test portals: not one identifier is reported."""
    found = {}
    for root in (REALPAGES, SITES):
        for path, html in _pages(root):
            fields = extract_page(html, "http://www.example.gov.cn/a/b.html", as_of=dt.date(2026, 11, 20))
            if fields["personal"]:
                found[str(path)] = [h.snippet for h in fields["personal"]]
    assert found == {}, json.dumps(found, ensure_ascii=False)
