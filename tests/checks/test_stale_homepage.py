"""stale_homepage: nothing newer than 14 days is a veto; no dates is a note; evidence order."""

from __future__ import annotations

import pytest
from check_helpers import SiteBuilder, ago, ctx, item, node, run, url

from portalwatch.checks.stale_homepage import StaleHomepage, homepage_dates
from portalwatch.crawler.snapshot import Link


def homepage(*ages, other=()):
    b = SiteBuilder()
    b.nav(node("工作动态", "/gzdt/"), node("通知公告", "/tzgg/"))
    b.home.list_items = [item(f"首页要闻标题第{n}条", age, f"/gzdt/{n}.html") for n, age in enumerate(ages)]
    b.home.other_items = [item(f"首页公告标题第{n}条", age, f"/tzgg/{n}.html") for n, age in enumerate(other)]
    return b


@pytest.mark.parametrize("age, stale", [(12, False), (13, False), (14, True), (15, True), (40, True)])
def test_nothing_newer_than_14_days(age, stale):
    findings, notes = run(StaleHomepage, homepage(age, age + 5, other=(age + 1,)).snapshot)
    assert notes == []
    assert bool(findings) == stale
    if stale:
        (f,) = findings
        assert f.check == "stale_homepage" and f.severity == "veto" and f.url == url("/") and f.column is None
        assert f.evidence["newest_date"] == ago(age).isoformat() and f.evidence["age_days"] == age
        assert f.evidence["max_age_days"] == 14 and f.evidence["dates_seen"] == 3 and f.evidence["basis"] == "list"
        assert f.evidence["newest_title"] == "首页要闻标题第0条" and str(age) in f.message


def test_any_fresh_item_anywhere_on_the_homepage_counts():
    assert run(StaleHomepage, homepage(30, 40, other=(2,)).snapshot) == ([], [])


def test_undated_homepage_entries_take_their_articles_dates():
    b = homepage()
    b.home.list_items = [item("示范镇召开安全生产工作会议", None, "/gzdt/1.html")]
    b.article("/gzdt/1.html", "示范镇召开安全生产工作会议", 3)
    assert run(StaleHomepage, b.snapshot) == ([], [])
    b.article("/gzdt/1.html", "示范镇召开安全生产工作会议", 30)
    (f,) = run(StaleHomepage, b.snapshot)[0]
    assert f.evidence["basis"] == "article" and f.evidence["newest_url"] == url("/gzdt/1.html")


def test_a_service_guide_edited_yesterday_does_not_freshen_a_homepage_with_old_lists():
    b = homepage(20, 25)
    b.home.links.append(Link(url("/bmfw/1.html"), "养老保险参保登记"))
    b.article("/bmfw/1.html", "养老保险参保登记办事指南", 1)
    assert len(run(StaleHomepage, b.snapshot)[0]) == 1


def test_homepage_without_dated_lists_uses_the_articles_it_links_to():
    b = homepage()
    b.home.links += [Link(url("/gzdt/1.html"), "头条图片"), Link(url("/gzdt/"), "更多")]
    b.article("/gzdt/1.html", "示范镇召开安全生产工作会议", 5)
    b.list_page("/gzdt/", [item("一条旧的动态标题", 1, "/gzdt/2.html")])  # list pages are columns, not news
    dates = homepage_dates(b.snapshot)
    assert [(d.source, d.url) for d in dates] == [("article", url("/gzdt/1.html"))]
    assert run(StaleHomepage, b.snapshot) == ([], [])


def test_navigation_only_homepage_is_judged_by_its_second_level_pages():
    b = homepage()
    b.list_page("/gzdt/", [item("示范镇召开安全生产工作会议", 30, "/gzdt/1.html")])
    b.list_page("/tzgg/", [item("关于调整办公时间的通知", 60, "/tzgg/1.html")])
    (f,) = run(StaleHomepage, b.snapshot)[0]
    assert f.evidence["basis"] == "second_level" and f.evidence["age_days"] == 30
    b.list_page("/tzgg/", [item("关于调整办公时间的通知", 2, "/tzgg/1.html")])
    assert run(StaleHomepage, b.snapshot) == ([], [])


def test_no_dates_at_all_is_a_note():
    findings, notes = run(StaleHomepage, homepage().snapshot)
    assert findings == [] and len(notes) == 1 and "无法判断" in notes[0].message


def test_threshold_is_a_setting():
    b = homepage(20)
    assert run(StaleHomepage, b.snapshot, ctx(PORTALWATCH_HOMEPAGE_MAX_AGE=30)) == ([], [])


def test_unreachable_site_is_left_to_site_unreachable():
    b = homepage(40)
    b.snapshot.unreachable = "timeout"
    assert run(StaleHomepage, b.snapshot) == ([], [])
