"""Column matching: normalised names, synonyms, qualified and close names, nested menus."""

from __future__ import annotations

import pytest
from check_helpers import SiteBuilder, item, node, url

from portalwatch.checks.columns import (
    column_type, find_column, is_interpretation_column, is_policy_column, match_name, normalise_name, site_columns,
)
from portalwatch.checks.profiles import load_profile
from portalwatch.crawler.snapshot import Link

TOWNSHIP = {c.name: c for c in load_profile("township").columns}


@pytest.mark.parametrize("raw, norm", [
    ("  政务公开专栏 ", "政务公开"), ("工作动态(12)", "工作动态"), ("工作动态（ 3 ）", "工作动态"),
    ("【通知公告】", "通知公告"), ("·新闻 动态", "新闻动态"), ("政策解读栏目", "政策解读"), ("公示栏", "公示"),
    ("政府信息公开专区", "政府信息公开"), ("ＧＯＶ资讯", "gov资讯"), ("专栏", "专栏"), ("", ""),
])
def test_normalise_name(raw, norm):
    assert normalise_name(raw) == norm


@pytest.mark.parametrize("shown, column, how", [
    ("乡镇概况", "乡镇概况", "exact"),
    ("乡镇简介", "乡镇概况", "synonym"),
    ("机构设置", "机构职能", "synonym"),
    ("政策法规", "法规文件", "synonym"),
    ("预决算公开", "财政信息", "synonym"),
    ("新闻动态", "工作动态", "synonym"),
    ("“新闻动态”专栏", "工作动态", "synonym"),
    ("示范镇概况", "乡镇概况", "qualified"),  # local prefix
    ("我镇要闻", "工作动态", "qualified"),
    ("财政信息公开", "财政信息", "qualified"),  # harmless suffix
    ("示范镇工作动态信息", "工作动态", "qualified"),
])
def test_profile_names_match(shown, column, how):
    assert match_name(shown, TOWNSHIP[column].names)[0] == how


@pytest.mark.parametrize("shown, column", [
    ("工作动态图片", "工作动态"),  # a photo gallery is not the news column
    ("党建工作动态", "工作动态"),  # another column that happens to end the same way
    ("行政信息", "财政信息"),  # one character apart, another thing
    ("乡镇概况图", "乡镇概况"),
    ("机构", "机构职能"),
])
def test_containment_and_short_near_names_do_not_match(shown, column):
    assert match_name(shown, TOWNSHIP[column].names) is None


def test_close_spelling_matches_long_names_only():
    department = {c.name: c for c in load_profile("department").columns}
    assert match_name("政府信息公开指引", department["政府信息公开指南"].names)[0] == "close"


def test_nested_menus_and_column_page_sidebars_are_reachable():
    b = SiteBuilder()
    b.nav(node("走进示范", None, node("乡镇简介", "/xzgk/")),
          node("政府信息公开", "/zwgk/", node("机构设置", "/zwgk/jgsz/")))
    b.page("/xzgk/", list_items=[item("示范镇简介", 900, "/xzgk/1.html")])
    b.page("/zwgk/", nav=[node("政府信息公开", "/zwgk/", node("政策文件", "/zwgk/zcwj/"),
                               node("机构设置", "/zwgk/jgsz/"))])
    site = b.snapshot
    columns = {c.name: c for c in site_columns(site)}
    assert columns["乡镇简介"].level == 1 and columns["乡镇简介"].path == ("走进示范", "乡镇简介")
    assert columns["政策文件"].level == 2 and columns["政策文件"].path == ("政府信息公开", "政策文件")
    assert columns["机构设置"].level == 1  # seen in both menus, kept once with the homepage path
    assert sum(c.name == "机构设置" for c in site_columns(site)) == 1
    match = find_column(site, TOWNSHIP["法规文件"])
    assert match.how == "synonym" and match.url == url("/zwgk/zcwj/") and match.path == ("政府信息公开", "政策文件")
    assert match.node is site.pages[url("/zwgk/")].nav[0].children[0]  # the NavNode itself
    assert [p.url for p in site.list_pages(match.url)] == []  # not crawled in this snapshot
    assert find_column(site, TOWNSHIP["乡镇概况"]).matched_name == "乡镇简介"
    assert find_column(site, TOWNSHIP["重大事项"]) is None


def test_a_heading_linking_to_its_first_column_is_that_column():
    b = SiteBuilder()
    b.nav(node("政务公开", "/zwgk/zcwj/", node("政策文件", "/zwgk/zcwj/"), node("政策解读", "/zwgk/zcjd/")),
          node("走进示范", "/xzgk/", node("乡镇简介", "/xzgk/")))
    columns = site_columns(b.snapshot)
    assert [(c.name, c.path) for c in columns] == [("政策文件", ("政务公开", "政策文件")),
                                                   ("政策解读", ("政务公开", "政策解读")),
                                                   ("乡镇简介", ("走进示范", "乡镇简介"))]


def test_best_match_wins_over_the_first_seen():
    b = SiteBuilder()
    b.nav(node("新闻中心", None, node("新闻动态", "/xwdt/")), node("工作动态", "/gzdt/"))
    match = find_column(b.snapshot, TOWNSHIP["工作动态"])
    assert match.how == "exact" and match.url == url("/gzdt/")
    b.nav(node("新闻中心", None, node("新闻动态", "/xwdt/")))
    match = find_column(b.snapshot, TOWNSHIP["工作动态"])
    assert match.column.name == "新闻动态"  # the one with a page beats the heading 新闻中心


def test_a_homepage_link_named_like_the_column_counts():
    b = SiteBuilder()
    b.nav(node("网站首页", "/"), node("政务公开", "/zwgk/"))
    b.home.links.append(Link(url("/zdsx/"), "重大事项"))
    match = find_column(b.snapshot, TOWNSHIP["重大事项"])
    assert match.how == "link" and match.url == url("/zdsx/")


def test_column_type_profile_first_then_keywords():
    township = load_profile("township")
    assert column_type("预决算公开", township) == "plan"  # the profile's 财政信息
    assert column_type("社会服务", township) == "static"
    assert column_type("部门动态", township) == "news"  # keyword
    assert column_type("互动交流", township) is None


def test_policy_and_interpretation_columns():
    township = load_profile("township")
    assert is_policy_column("规范性文件", township) and is_policy_column("政策法规", township)
    assert is_policy_column("县政府文件", township)
    assert not is_policy_column("政策解读", township) and not is_policy_column("文件解读", township)
    assert not is_policy_column("通知公告", township)
    assert is_interpretation_column("政策解读", township) and is_interpretation_column("解读回应", township)


def test_a_prefix_taken_from_the_site_name_qualifies():
    county = {c.name: c for c in load_profile("county").columns}
    assert match_name("宜春概况", county["概况信息"].names) is None  # 宜春 alone says nothing...
    assert match_name("宜春概况", county["概况信息"].names, place="中国宜春")[0] == "qualified"  # ...unless it is the site
    assert match_name("政府概况", county["概况信息"].names, place="示范县人民政府") is None  # 政府 is in every name
    b = SiteBuilder("邯郸市人民政府")
    b.nav(node("走进邯郸", None, node("邯郸概况", "/hdgk/")))
    assert find_column(b.snapshot, county["概况信息"]).column.name == "邯郸概况"


def test_containment_is_never_a_close_match():
    department = load_profile("department")
    # 政府信息公开 (a synonym of 目录) is contained in 政府信息公开年报: that is the annual report column
    assert column_type("政府信息公开年报", department) == "plan"
    assert match_name("政府信息公开年报", {c.name: c for c in department.columns}["政府信息公开目录"].names) is None
