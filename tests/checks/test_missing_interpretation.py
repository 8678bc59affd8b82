"""missing_interpretation: every way a document meets its interpretation, and every way it does not."""

from __future__ import annotations

from check_helpers import SiteBuilder, ctx, item, node, run, url

from portalwatch.checks.documents import DocNumber, doc_numbers, interpretation_core, is_own_document, title_keys
from portalwatch.checks.missing_interpretation import MissingInterpretation

DOCS = {  # key: (title, number)
    "link": ("示范镇人民政府关于印发示范镇2026年农村人居环境整治工作方案的通知", "示范政发〔2026〕8号"),
    "quoted": ("示范镇人民政府关于加强农村宅基地管理的实施意见", "示范政发〔2026〕6号"),
    "number": ("示范镇人民政府办公室关于做好2026年秋冬季森林防火工作的通知", "示范政办发〔2026〕12号"),
    "unlinked": ("示范镇人民政府关于进一步规范村级小微权力运行的通知", "示范政发〔2026〕4号"),
    "oneway": ("示范镇人民政府关于印发示范镇养老服务补贴发放办法的通知", "示范政发〔2026〕3号"),
    "page2": ("示范镇人民政府关于印发示范镇村级财务管理办法的通知", "示范政发〔2026〕2号"),
    "page2ok": ("示范镇人民政府关于印发示范镇河长制工作考核办法的通知", "示范政发〔2026〕1号"),
}


def portal(**changes):
    """A township with 政策文件 (2 pages, TRS script paging) and 政策解读 under 政府信息公开."""
    b = SiteBuilder()
    b.nav(node("政府信息公开", "/zwgk/", node("政策文件", "/zcwj/"), node("政策解读", "/zcjd/")),
          node("工作动态", "/gzdt/"))
    links = {"link": ("/zcjd/j1.html",), "number": ("/zcjd/j3.html",), "page2ok": ("/zcjd/j5.html",)}
    for key, (title, number) in DOCS.items():
        b.article(f"/zcwj/{key}.html", title, 30, doc_number=number, links=links.get(key, ()))
    first = ["link", "quoted", "number", "unlinked", "oneway"]
    b.list_page("/zcwj/", [item(DOCS[k][0], 30, f"/zcwj/{k}.html") for k in first] +
                [item("示范镇2025年政府信息公开工作年度报告", 300, "/zcwj/nb.html")],
                more=[[item(DOCS[k][0], 30, f"/zcwj/{k}.html") for k in ("page2", "page2ok")]])
    interps = {
        "j1": ("《示范镇2026年农村人居环境整治工作方案》政策解读", {"links": ("/zcwj/link.html",)}),
        "j2": ("关于《示范镇人民政府关于加强农村宅基地管理的实施意见》的解读", {}),
        "j3": ("图解：今冬明春森林防火要点", {"cited_numbers": ("示范政办发〔2026〕12号",)}),
        "j4": ("解读：村级小微权力清单怎么用", {"cited_titles": ("示范镇人民政府关于进一步规范村级小微权力运行的通知",)}),
        "j6": ("一图读懂养老服务补贴怎么领", {"links": ("/zcwj/oneway.html",)}),
        "j5": ("一图读懂河长制工作考核办法", {}),
    }
    for key, (title, extra) in interps.items():
        b.article(f"/zcjd/{key}.html", title, 29, **extra)
    b.list_page("/zcjd/", [item(t, 29, f"/zcjd/{k}.html") for k, (t, _) in interps.items()])
    for key, value in changes.items():
        setattr(b, key, value)
    return b


def by_number(findings):
    return {f.evidence["doc_number"]: f for f in findings}


def test_each_document_is_matched_or_reported():
    findings, notes = run(MissingInterpretation, portal().snapshot)
    found = by_number(findings)
    # linked both ways / doc links interp matched by number / page 2 linked: nothing to say
    for ok in ("link", "number", "page2ok"):
        assert DOCS[ok][1] not in found, ok
    major = found[DOCS["page2"][1]]  # on page 2 of the list, no interpretation anywhere
    assert major.severity == "major" and major.column == "政策文件" and major.url == url("/zcwj/page2.html")
    assert major.evidence["title"] == DOCS["page2"][0] and major.evidence["list_page"] == url("/zcwj/index_1.html")
    assert DOCS["page2"][0] in major.message and DOCS["page2"][1] in major.message
    minors = {n: f for n, f in found.items() if f.severity == "minor"}
    assert set(minors) == {DOCS["quoted"][1], DOCS["unlinked"][1], DOCS["oneway"][1]}
    assert minors[DOCS["quoted"][1]].evidence["matched_by"] == "title"
    assert minors[DOCS["unlinked"][1]].evidence["matched_by"] == "cited_title"
    oneway = minors[DOCS["oneway"][1]]
    assert oneway.evidence["matched_by"] == "link" and oneway.evidence["interpretation_links_document"] is True
    assert oneway.evidence["document_links_interpretation"] is False and "双向关联" in oneway.message
    assert len(findings) == 4 and notes == []


def test_number_match_without_a_link_is_minor():
    b = portal()
    b.snapshot.pages[url("/zcwj/number.html")].links = []
    f = by_number(run(MissingInterpretation, b.snapshot)[0])[DOCS["number"][1]]
    assert f.severity == "minor" and f.evidence["matched_by"] == "doc_number"
    assert f.evidence["interpretation_url"] == url("/zcjd/j3.html")


def test_number_in_the_list_title_when_the_article_was_not_crawled():
    b = SiteBuilder()
    b.nav(node("规范性文件", "/gfxwj/"), node("首页", "/"))
    b.list_page("/gfxwj/", [item("示范镇人民政府关于印发某某办法的通知（示范政发［2026］第7号）", 5, "/gfxwj/1.html"),
                            item("示范镇人民政府关于某某事项的通知", 5, "/gfxwj/2.html")])
    (f,) = run(MissingInterpretation, b.snapshot)[0]
    assert f.evidence["doc_number"] == "示范政发〔2026〕7号" and f.evidence["document_crawled"] is False


def test_uncrawled_document_with_an_interpretation_is_not_accused_of_missing_links():
    b = SiteBuilder()
    b.nav(node("政策文件", "/zcwj/"), node("政策解读", "/zcjd/"))
    b.list_page("/zcwj/", [item("示范镇人民政府关于印发示范镇农村宅基地管理办法的通知（示范政发〔2026〕7号）", 5,
                                "/zcwj/1.html")])
    b.list_page("/zcjd/", [item("《示范镇农村宅基地管理办法》政策解读", 4, "/zcjd/1.html")])
    assert run(MissingInterpretation, b.snapshot) == ([], [])
    b.list_page("/zcjd/", [item("《示范镇农村集体资产管理办法》政策解读", 4, "/zcjd/1.html")])
    (f,) = run(MissingInterpretation, b.snapshot)[0]
    assert f.message.startswith("政策文件“示范镇人民政府关于印发示范镇农村宅基地管理办法的通知”（示范政发〔2026〕7号）")


def test_superior_and_old_documents_are_not_reported():
    b = SiteBuilder()
    b.nav(node("法规文件", "/fgwj/"), node("首页", "/"))
    b.list_page("/fgwj/", [item("国务院办公厅关于印发某某检查指标的通知", 5, "/fgwj/1.html"),
                           item("某省人民政府关于某某工作的意见", 5, "/fgwj/2.html"),
                           item("示范镇人民政府关于某某工作的通知", 5, "/fgwj/3.html")])
    b.article("/fgwj/1.html", "国务院办公厅关于印发某某检查指标的通知", 5, doc_number="国办发〔2026〕5号")
    b.article("/fgwj/2.html", "某省人民政府关于某某工作的意见", 5, doc_number="辽政发〔2026〕9号")
    b.article("/fgwj/3.html", "示范镇人民政府关于某某工作的通知", 900, doc_number="示范政发〔2015〕3号")
    findings, notes = run(MissingInterpretation, b.snapshot)
    assert findings == [] and len(notes) == 1 and "2 份上级" in notes[0].message and "国办发〔2026〕5号" in notes[0].message


def test_interpretation_listed_in_the_policy_column_is_not_a_document():
    b = SiteBuilder()
    b.nav(node("政策文件", "/zcwj/"), node("首页", "/"))
    b.list_page("/zcwj/", [item("示范镇人民政府关于某某办法的通知（示范政发〔2026〕7号）", 5, "/zcwj/1.html"),
                           item("《示范镇人民政府关于某某办法的通知》（示范政发〔2026〕7号）解读", 5, "/zcwj/2.html")])
    b.article("/zcwj/1.html", "示范镇人民政府关于某某办法的通知", 5, doc_number="示范政发〔2026〕7号",
              links=("/zcwj/2.html",))
    assert run(MissingInterpretation, b.snapshot) == ([], [])


def test_interpretations_found_outside_interpretation_columns():
    # no 政策解读 column: an interpretation on the homepage list still counts
    b = SiteBuilder()
    b.nav(node("政策文件", "/zcwj/"), node("首页", "/"))
    b.list_page("/zcwj/", [item("示范镇人民政府关于加强农村宅基地管理的实施意见", 5, "/zcwj/1.html")])
    b.article("/zcwj/1.html", "示范镇人民政府关于加强农村宅基地管理的实施意见", 5, doc_number="示范政发〔2026〕6号",
              links=("/gzdt/9.html",))
    b.home.list_items = [item("关于《示范镇人民政府关于加强农村宅基地管理的实施意见》的解读", 4, "/gzdt/9.html")]
    assert run(MissingInterpretation, b.snapshot) == ([], [])


def test_no_policy_column_or_no_navigation_is_a_note():
    b = SiteBuilder()
    b.nav(node("工作动态", "/gzdt/"), node("通知公告", "/tzgg/"))
    findings, notes = run(MissingInterpretation, b.snapshot)
    assert findings == [] and "未找到政策文件类栏目" in notes[0].message
    findings, notes = run(MissingInterpretation, SiteBuilder().snapshot)
    assert findings == [] and "未识别到导航栏目" in notes[0].message


def test_settings_can_check_every_document():
    b = SiteBuilder()
    b.nav(node("法规文件", "/fgwj/"), node("首页", "/"))
    b.list_page("/fgwj/", [item("国务院办公厅关于印发某某检查指标的通知", 5, "/fgwj/1.html")])
    b.article("/fgwj/1.html", "国务院办公厅关于印发某某检查指标的通知", 5, doc_number="国办发〔2026〕5号")
    profile = ctx().profile
    from dataclasses import replace

    everything = replace(profile, interpretation={**profile.interpretation, "own_documents_only": False})
    assert len(run(MissingInterpretation, b.snapshot, ctx(everything))[0]) == 1


def test_document_number_helpers():
    assert [str(n) for n in doc_numbers("根据国办发[2016]80号和鞍政办发［2018］第27号")] == \
        ["国办发〔2016〕80号", "鞍政办发〔2018〕27号"]
    assert [str(n) for n in doc_numbers("关于印发某某的通知示范政发〔２０２６〕３号")] == ["示范政发〔2026〕3号"]
    assert DocNumber("示范政发", 2026, 3).same(DocNumber("的通知示范政发", 2026, 3))  # words glued in a title
    assert not DocNumber("示范政发", 2026, 3).same(DocNumber("示范政办发", 2026, 3))
    assert not DocNumber("示范政发", 2026, 3).same(DocNumber("示范政发", 2025, 3))
    assert is_own_document(DocNumber("示范政发", 2026, 3), "示范镇人民政府")
    assert not is_own_document(DocNumber("辽政发", 2026, 3), "示范镇人民政府")
    assert not is_own_document(DocNumber("国办发", 2026, 3), "国家某某局")
    assert is_own_document(DocNumber("辽政发", 2026, 3), "")


def test_interpretation_title_forms():
    assert interpretation_core("《某某办法》政策解读") == "某某办法"
    assert interpretation_core("关于《某某办法》的解读") == "某某办法"
    assert interpretation_core("图解：某某工作要点") == "某某工作要点"
    assert interpretation_core("一图读懂某某工作要点") == "某某工作要点"
    assert interpretation_core("解读：某某工作要点") == "某某工作要点"
    assert "示范镇村级财务管理办法" in title_keys("示范镇人民政府关于印发示范镇村级财务管理办法的通知")
    assert "加强农村宅基地管理的实施意见" in title_keys("示范镇人民政府关于加强农村宅基地管理的实施意见")


def test_own_document_recognised_by_the_issuer_opening_its_title():
    # 岚政综 is 平潭县; the portal is 平潭综合实验区: the number's first character says nothing,
    # the title's issuer does
    title = "平潭县人民政府关于废止《平潭县人民政府关于加强电动自行车安全管理的通告》的通知"
    assert is_own_document(DocNumber("岚政综", 2023, 26), "平潭综合实验区党工委管委会", title)
    assert not is_own_document(DocNumber("岚政综", 2023, 26), "平潭综合实验区党工委管委会", "某某办法")
    assert not is_own_document(DocNumber("闽政办", 2023, 2), "平潭综合实验区党工委管委会",
                               "福建省人民政府办公厅关于开展行政规范性文件评估工作的通知")


def test_shortened_list_titles_use_the_article_title():
    b = SiteBuilder()
    b.nav(node("政策文件", "/zcwj/"), node("首页", "/"))
    full = "示范镇人民政府关于印发示范镇农村集体经济组织财务管理办法的通知"
    b.list_page("/zcwj/", [item("示范镇人民政府关于印发示范镇农村集体经济组织...", 5, "/zcwj/1.html")])
    b.article("/zcwj/1.html", full, 5, doc_number="示范政发〔2026〕9号")
    b.article("/zcjd/1.html", "一图读懂示范镇农村集体经济组织财务管理办法", 4)  # crawled, in no interpretation column
    (f,) = run(MissingInterpretation, b.snapshot)[0]
    assert f.evidence["title"] == full and f.severity == "minor" and f.evidence["matched_by"] == "title"


def test_a_column_name_in_the_page_title_is_not_an_interpretation():
    b = SiteBuilder()
    b.nav(node("政策文件", "/zcwj/"), node("首页", "/"))
    b.list_page("/zcwj/", [item("示范镇人民政府关于某某工作的实施意见", 5, "/zcwj/1.html"),
                           item("示范镇人民政府关于开展某某活动的通知", 5, "/zcwj/2.html")])
    b.article("/zcwj/1.html", "示范镇人民政府关于某某工作的实施意见", 5, doc_number="示范政发〔2026〕9号")
    # a number-less document whose template <title> is "政策文件及解读_站名" cites the first one
    page = b.page("/zcwj/2.html", title="政策文件及解读_示范镇人民政府", cited_doc_numbers=["示范政发〔2026〕9号"])
    assert page.meta == {}
    (f,) = run(MissingInterpretation, b.snapshot)[0]
    assert f.severity == "major"  # not "interpreted" by an ordinary page that cites it
