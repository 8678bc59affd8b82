"""service_guide_incomplete, site_identity and missing_annual_report on hand-built snapshots."""

from __future__ import annotations

import datetime as dt

import pytest
from check_helpers import SiteBuilder, ctx, item, run, run_undecided, url

from portalwatch.checks.missing_annual_report import MissingAnnualReport, required_year
from portalwatch.checks.registry import enabled_checks
from portalwatch.checks.service_guide_incomplete import ELEMENTS, ServiceGuideIncomplete
from portalwatch.checks.site_identity import SiteIdentity, site_code_problem
from portalwatch.crawler.snapshot import Link, Skip

FULL_META = {"SiteName": "示范镇人民政府", "SiteDomain": "www.sfz.gov.cn", "SiteIDCode": "2399000001"}
FULL_FOOTER = {"政府网站标识码": "政府网站标识码：2399000001", "ICP备案号": "示ICP备1号", "公安机关备案号": "示公网安备 1号",
               "主办单位": "主办单位：示范镇人民政府", "联系方式": "联系电话"}


class S(dict):
    """Score settings: the checks' own defaults, overridable."""

    def __init__(self, check, **over):
        super().__init__({**check.score_defaults, **over})

    def __getitem__(self, key):
        return self.get(key)


def test_registered_with_their_class_attributes():
    checks = enabled_checks()
    for cid, severity in (("service_guide_incomplete", "major"), ("site_identity", "minor"),
                          ("missing_annual_report", "major")):
        cls = checks[cid]
        assert cls.id == cid and cls.severity == severity and cls.title and cls.guidance and cls.undecided_label
        assert all(k.endswith(cid) or k.startswith(cid) for k in cls.score_defaults), cls.score_defaults
        assert "检查内容" in cls.doc() and "依据" in cls.doc() and "示例" in cls.doc()
        assert "``" not in cls.doc()  # plain text


# --- service guides ---------------------------------------------------------------------------

def guides(*present: list[str], labels: list[str] | None = None) -> SiteBuilder:
    b = SiteBuilder()
    for n, elements in enumerate(present):
        b.page(f"/bszn/g{n}.html", title=f"第{n}项办事指南_示范镇", is_guide=True, guide_elements=list(elements),
               guide_labels=list(labels if labels is not None else ELEMENTS))
    return b


def test_a_guide_missing_four_elements_is_reported_three_is_not():
    b = guides(ELEMENTS[:6], ELEMENTS[:7])
    findings, _ = run(ServiceGuideIncomplete, b.snapshot)
    (f,) = findings
    assert f.url == url("/bszn/g0.html") and f.severity == "major"
    assert f.evidence["missing"] == list(ELEMENTS[6:]) and f.evidence["missing_count"] == 4
    assert "第0项办事指南" in f.message and "收费标准、办理时间、联系电话、办理流程" in f.message


def test_five_incomplete_guides_veto_three_warn():
    b = guides(*[ELEMENTS[:2]] * 5)
    findings, _ = run(ServiceGuideIncomplete, b.snapshot)
    s = S(ServiceGuideIncomplete)
    (veto,) = ServiceGuideIncomplete.vetoes(findings, s)
    assert veto.startswith("服务不实用（单项否决）") and "共 5 个" in veto
    assert ServiceGuideIncomplete.warnings(findings, b.snapshot, ctx(), s) == []
    assert ServiceGuideIncomplete.vetoes(findings[:4], s) == []
    (warn,) = ServiceGuideIncomplete.warnings(findings[:3], b.snapshot, ctx(), s)
    assert "已有 3 个" in warn
    assert ServiceGuideIncomplete.warnings(findings[:2], b.snapshot, ctx(), s) == []
    assert ServiceGuideIncomplete.vetoes(findings[:3], S(ServiceGuideIncomplete, veto_service_guide_incomplete=3))


def test_labels_without_any_content_are_undecided():
    b = guides([], labels=list(ELEMENTS[:6]))  # the values may be filled in by a script
    findings, undecided = run_undecided(ServiceGuideIncomplete, b.snapshot)
    assert findings == [] and "内容全部为空" in undecided[0].reason


def test_an_unlabelled_guide_is_undecided_with_an_attachment_and_noted_without():
    b = guides([], labels=[])
    b.snapshot.pages[url("/bszn/g0.html")].links = [Link(url("/bszn/g0.pdf"), "办事指南", kind="attachment")]
    b.page("/bszn/n.html", title="关于更新办事指南的通知", is_guide=True)
    check = ServiceGuideIncomplete()
    assert list(check.run(b.snapshot, ctx())) == []
    (undecided,) = check.undecided
    assert undecided.url == url("/bszn/g0.html") and "附件" in undecided.reason
    (note,) = check.notes
    assert "关于更新办事指南的通知" in note.message


# --- site identity ----------------------------------------------------------------------------

def identity_site() -> SiteBuilder:
    b = SiteBuilder()
    b.home.meta = dict(FULL_META)
    b.home.footer, b.home.footer_status = dict(FULL_FOOTER), "ok"
    b.home.list_items = [item("要闻", 1, "/a1.html")]
    gz = b.list_page("/gzdt/", [item("要闻", 1, "/a1.html")], name="工作动态", footer=dict(FULL_FOOTER),
                     footer_status="ok")
    gz.meta.update(FULL_META)
    b.article("/a1.html", "要闻", 1, footer=dict(FULL_FOOTER), footer_status="ok")
    b.snapshot.pages[url("/a1.html")].meta = {**FULL_META, "ArticleTitle": "要闻", "PubDate": "2026-11-19 09:00",
                                               "ContentSource": "示范镇"}
    return b


def test_complete_identification_gives_nothing():
    findings, undecided = run_undecided(SiteIdentity, identity_site().snapshot)
    assert findings == [] and undecided == []


def test_one_finding_per_missing_item_counted_by_page_kind():
    b = identity_site()
    b.article("/a2.html", "通知", 3, footer=dict(FULL_FOOTER), footer_status="ok")
    b.snapshot.pages[url("/a2.html")].meta = dict(FULL_META)  # an article without ArticleTitle/PubDate/ContentSource
    del b.home.footer["公安机关备案号"]
    findings, _ = run(SiteIdentity, b.snapshot)
    got = {f.evidence["item"]: f for f in findings}
    assert set(got) == {"meta:ArticleTitle", "meta:PubDate", "meta:ContentSource", "footer:公安机关备案号"}
    assert got["meta:PubDate"].evidence["pages_lacking"] == 1 and got["meta:PubDate"].evidence["pages_checked"] == 2
    assert got["meta:PubDate"].url == url("/a2.html") and "文章页" in got["meta:PubDate"].message
    police = got["footer:公安机关备案号"]
    assert police.url == url("/") and police.evidence["homepage_lacks"] and police.severity == "minor"
    assert SiteIdentity.key(police.to_dict()) == ("site_identity", "footer:公安机关备案号")


def test_the_homepage_under_its_index_file_name_is_no_column_page():
    """The menu's 首页 links /index.html while the audit starts at /: the same homepage, which owes no
    ColumnName (a real column page at /gzdt/index.html still does)."""
    b = identity_site()
    again = b.page("/index.html", meta=dict(FULL_META), footer=dict(FULL_FOOTER), footer_status="ok",
                   list_items=[item("要闻", 1, "/a1.html")])
    assert again.list_items and "ColumnName" not in again.meta
    findings, _ = run(SiteIdentity, b.snapshot)
    assert findings == []
    col = b.page("/xxgk/index.html", meta=dict(FULL_META), footer=dict(FULL_FOOTER), footer_status="ok",
                 list_items=[item("通知", 2, "/a1.html")])
    assert col.list_items
    findings, _ = run(SiteIdentity, b.snapshot)
    assert [(f.evidence["item"], f.url) for f in findings] == [("meta:ColumnName", url("/xxgk/index.html"))]


def test_unreadable_footers_are_undecided_and_cut_pages_not_judged():
    b = identity_site()
    a1 = b.snapshot.pages[url("/a1.html")]
    a1.footer, a1.footer_status = {}, "script"
    gz = b.snapshot.pages[url("/gzdt/")]
    gz.footer, gz.footer_status = {"主办单位": "主办：示范镇"}, "ok_script"
    big = b.article("/big.html", "大页面", 2, footer={}, footer_status="ok", truncated=True)  # footer cut off
    big.meta.update({**FULL_META, "PubDate": "x", "ContentSource": "y"})
    b.snapshot.skips.append(Skip(url("/big.html"), "too_large"))
    findings, undecided = run_undecided(SiteIdentity, b.snapshot)
    assert findings == []
    assert {u.url for u in undecided} == {url("/a1.html"), url("/gzdt/")}


def test_a_page_without_any_footer_is_judged_only_as_the_homepage():
    b = identity_site()
    popup = b.article("/print.html", "打印页", 2, footer={}, footer_status="none")
    popup.meta.update({**FULL_META, "PubDate": "x", "ContentSource": "y"})
    assert run(SiteIdentity, b.snapshot)[0] == []
    b.home.footer, b.home.footer_status = {}, "none"
    assert run(SiteIdentity, b.snapshot)[0] == []  # a splash page (进入主页) is not judged
    b.home.links = [Link(url(f"/c{n}/"), f"栏目{n}") for n in range(12)]
    findings, _ = run(SiteIdentity, b.snapshot)
    assert {f.evidence["item"] for f in findings} == {f"footer:{i}" for i in FULL_FOOTER}
    assert all(f.evidence["pages_lacking"] == 1 and f.url == url("/") for f in findings)


@pytest.mark.parametrize("code, bad", [("3609000002", False), ("bm01000001", False), ("BM55000001", False),
                                       ("１３０４０００００９", False), ("239900002", True), ("23990000011", True),
                                       ("9909000002", True), ("bm0100001", True), ("", False)])
def test_site_code_format(code, bad):
    assert bool(site_code_problem(code)) is bad


def test_a_malformed_code_in_meta_or_footer():
    b = identity_site()
    b.home.meta["SiteIDCode"] = "23990001"
    b.snapshot.pages[url("/a1.html")].footer["政府网站标识码"] = "网站标识码：2399000001X"
    findings, _ = run(SiteIdentity, b.snapshot)
    assert {(f.evidence["code"], f.evidence["shown_in"]) for f in findings} == {
        ("23990001", "页面元数据 SiteIDCode"), ("2399000001X", "页面底部")}


# --- annual report ----------------------------------------------------------------------------

@pytest.mark.parametrize("as_of, year", [("2026-01-31", 2024), ("2026-02-01", 2025), ("2026-12-31", 2025),
                                         ("2027-01-01", 2025)])
def test_which_report_is_due(as_of, year):
    assert required_year(dt.date.fromisoformat(as_of))[0] == year


def report_site(*titles: str, **column) -> SiteBuilder:
    b = SiteBuilder()
    b.page("/zwgk/", title="政府信息公开_示范镇", meta={"ColumnName": "政府信息公开"}, list_items=[item("公开指南", 3)])
    b.list_page("/zwgk/ndbg/", [item(t, 300 + n, f"/zwgk/ndbg/{n}.html") for n, t in enumerate(titles)],
                name="政府信息公开年报", title="政府信息公开年报_示范镇", **column)
    return b


def test_last_years_report_missing_after_31_january():
    b = report_site("示范镇2024年政府信息公开工作年度报告", "关于做好政府信息公开工作年度报告编制工作的通知")
    findings, _ = run(MissingAnnualReport, b.snapshot, ctx(as_of=dt.date(2026, 2, 1)))
    (f,) = findings
    assert f.url == url("/zwgk/ndbg/") and f.column == "政府信息公开年报"
    assert f.evidence["required_year"] == 2025 and "2024 年" in f.message
    assert run(MissingAnnualReport, b.snapshot, ctx(as_of=dt.date(2026, 1, 31)))[0] == []


@pytest.mark.parametrize("title", ["示范镇二〇二五年政府信息公开工作年度报告", "示范镇二零二五年度政务公开工作年度报告",
                                   "2025年年报", "示范镇2025年度报告", "2025年", "示范局2025年度政府信息公开工作报告"])
def test_the_report_counts_in_chinese_numerals_and_short_titles_in_its_column(title):
    assert run(MissingAnnualReport, report_site(title).snapshot)[0] == []


def test_a_report_named_elsewhere_counts_and_other_reports_do_not():
    b = report_site("示范镇2024年政府信息公开工作年度报告")
    b.home.links = [Link(url("/files/r.pdf"), "示范镇2025年度政府信息公开工作报告", kind="attachment")]
    assert run(MissingAnnualReport, b.snapshot)[0] == []
    b.home.links = [Link(url("/zfgzbg.html"), "2025年政府工作报告"), Link(url("/fz.html"), "2025年法治政府建设年度报告")]
    assert len(run(MissingAnnualReport, b.snapshot)[0]) == 1


def test_a_partly_read_or_script_built_report_column_is_undecided():
    for column in ({"list_partial": True}, {}):
        b = report_site("示范镇2023年政府信息公开工作年度报告", **column)
        if not column:
            b.snapshot.pages[url("/zwgk/ndbg/")].list_items = []  # no list and no placeholder: not read
        findings, undecided = run_undecided(MissingAnnualReport, b.snapshot)
        assert findings == [] and len(undecided) == 1 and "年报栏目" in undecided[0].reason


def test_no_disclosure_area_or_an_uncrawled_report_link_is_undecided():
    b = SiteBuilder()
    b.snapshot.complete = False
    findings, undecided = run_undecided(MissingAnnualReport, b.snapshot)
    assert findings == [] and "抓取中途停止" in undecided[0].reason
    b = report_site("示范镇2023年政府信息公开工作年度报告")
    b.home.links = [Link("http://xxgk.example.gov.cn/ndbg/", "政府信息公开年度报告")]
    findings, undecided = run_undecided(MissingAnnualReport, b.snapshot)
    assert findings == [] and "不在本次抓取范围" in undecided[0].reason


def test_real_site_codes_are_well_formed(realpages):
    """The 标识码 real gov.cn pages show (footer and SiteIDCode meta) pass the format check."""
    from portalwatch.checks.site_identity import footer_code
    from portalwatch.crawler.extract.page import extract_page

    codes = set()
    for path in sorted(realpages.glob("*.html")):
        fields = extract_page(path.read_text(encoding="utf-8"), "http://www.example.gov.cn/", as_of=dt.date(2026, 11, 20))
        if "政府网站标识码" in fields["footer"]:
            codes.add(footer_code(fields["footer"]["政府网站标识码"]))
        if fields["meta"].get("SiteIDCode"):
            codes.add(fields["meta"]["SiteIDCode"])
    assert {"bm01000001", "bm55000001", "3609000002", "1401070001", "3590000001"} <= codes
    # the one malformed value: the Jiangxi (大汉) template's 15-digit SiteIDCode meta, not a 10-character code
    assert {c for c in codes if site_code_problem(c)} == {"360000000000000"}
