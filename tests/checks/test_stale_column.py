"""stale_column: both sides of every type's limit, article dates, undated and untyped columns."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from check_helpers import AS_OF, SiteBuilder, ago, ctx, item, node, run, url

from portalwatch.checks.stale_column import StaleColumn

PROFILES = Path(__file__).resolve().parents[2] / "checks" / "profiles"


def one_column(name: str, items, **kw):
    b = SiteBuilder()
    b.nav(node("栏目", None, node(name, "/col/")), node("首页", "/"))
    b.list_page("/col/", items, **kw)
    return b


@pytest.mark.parametrize("name, kind, limit", [
    ("工作动态", "news", 14),  # the profile's news column
    ("部门动态", "news", 14),  # classified by its name
    ("通知公告", "notice", 180),
    ("法规文件", "notice", 180),
    ("人事信息", "plan", 365),
    ("财政信息", "plan", 365),
])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_near_threshold_dates_on_both_sides_of_the_limit(name, kind, limit, offset):
    age = limit + offset
    b = one_column(name, [item("最新一条信息的标题", age, "/col/1.html"), item("较早的一条信息标题", age + 30, "/col/2.html")])
    findings, notes = run(StaleColumn, b.snapshot)
    assert notes == []
    if offset <= 0:  # a column may reach its limit
        assert findings == []
        return
    (f,) = findings
    assert f.check == "stale_column" and f.severity == "major" and f.column == name and f.url == url("/col/")
    assert f.evidence["newest_date"] == ago(age).isoformat() and f.evidence["age_days"] == age
    assert f.evidence["newest_title"] == "最新一条信息的标题" and f.evidence["newest_url"] == url("/col/1.html")
    assert f.evidence["max_age_days"] == limit and f.evidence["column_type"] == kind
    assert f.evidence["date_source"] == "list" and f.evidence["level"] == 1
    assert name in f.message and str(age) in f.message and str(limit) in f.message


def test_static_column_years_old_is_not_stale():
    b = one_column("乡镇概况", [item("示范镇基本情况", 3000, "/col/1.html")])
    assert run(StaleColumn, b.snapshot) == ([], [])


def test_columns_of_unknown_type_are_not_judged():
    b = one_column("互动交流", [item("关于村道维修的咨询及答复", 900, "/col/1.html")])
    assert run(StaleColumn, b.snapshot) == ([], [])


def test_undated_list_uses_the_articles_publication_dates():
    b = one_column("工作动态", [item("示范镇召开安全生产会议", None, "/col/1.html"),
                               item("示范镇开展防汛演练活动", None, "/col/2.html")])
    b.article("/col/1.html", "示范镇召开安全生产会议", 20)
    b.article("/col/2.html", "示范镇开展防汛演练活动", 40)
    (f,) = run(StaleColumn, b.snapshot)[0]
    assert f.evidence["date_source"] == "article" and f.evidence["age_days"] == 20
    assert f.evidence["newest_url"] == url("/col/1.html")
    b.article("/col/2.html", "示范镇开展防汛演练活动", 3)
    assert run(StaleColumn, b.snapshot) == ([], [])


def test_undated_column_is_a_note_not_a_finding():
    b = one_column("工作动态", [item("示范镇召开安全生产会议", None, "/col/1.html")])
    findings, notes = run(StaleColumn, b.snapshot)
    assert findings == [] and len(notes) == 1
    assert "工作动态" in notes[0].message and "没有发布日期" in notes[0].message


def test_newest_item_wins_wherever_it_is_listed():
    b = one_column("通知公告", [item("旧通知的标题内容", 400, "/col/1.html")],
                   more=[[item("新通知的标题内容", 10, "/col/9.html")]])
    assert run(StaleColumn, b.snapshot)[0] == []


def test_future_dated_item_is_not_stale():
    b = one_column("工作动态", [item("日期写错的一条动态", -30, "/col/1.html")])
    assert run(StaleColumn, b.snapshot)[0] == []


def test_empty_column_is_left_to_empty_column():
    b = one_column("工作动态", [], placeholder="暂无信息")
    assert run(StaleColumn, b.snapshot) == ([], [])


def test_single_article_column_judged_by_its_date():
    b = SiteBuilder()
    b.nav(node("人事信息", "/rsxx/"), node("首页", "/"))
    b.article("/rsxx/", "示范镇干部任免信息", 400)
    (f,) = run(StaleColumn, b.snapshot)[0]
    assert f.evidence["age_days"] == 400 and f.evidence["date_source"] == "article"


def test_max_ages_come_from_the_profile_file(tmp_path):
    data = yaml.safe_load((PROFILES / "township.yaml").read_text(encoding="utf-8"))
    data["max_age_days"] = {"news": 30, "static": 1000}
    path = tmp_path / "slow.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    b = one_column("工作动态", [item("示范镇召开安全生产会议", 20, "/col/1.html")])
    assert run(StaleColumn, b.snapshot, ctx(str(path)))[0] == []
    b = one_column("乡镇概况", [item("示范镇基本情况", 1200, "/col/1.html")])
    (f,) = run(StaleColumn, b.snapshot, ctx(str(path)))[0]
    assert f.evidence["column_type"] == "static" and f.evidence["max_age_days"] == 1000


def test_nested_sidebar_column_is_judged_with_its_level():
    b = SiteBuilder()
    b.nav(node("政务公开", "/zwgk/"), node("首页", "/"))
    b.page("/zwgk/", nav=[node("政务公开", "/zwgk/", node("通知公告", "/zwgk/tzgg/"))],
           list_items=[item("政务公开最新信息标题", 1, "/zwgk/x.html")])
    b.list_page("/zwgk/tzgg/", [item("关于某事项的通知公告", 200, "/zwgk/tzgg/1.html")])
    (f,) = run(StaleColumn, b.snapshot)[0]
    assert f.column == "通知公告" and f.evidence["level"] == 2 and f.evidence["path"] == ["政务公开", "通知公告"]


def test_as_of_date_is_the_reference():
    b = one_column("工作动态", [item("示范镇召开安全生产会议", 10, "/col/1.html")])
    assert run(StaleColumn, b.snapshot)[0] == []
    later = AS_OF.replace(day=AS_OF.day + 5)
    assert len(run(StaleColumn, b.snapshot, ctx(as_of=later))[0]) == 1


def test_oldest_first_list_with_uncrawled_pages_is_a_note():
    b = one_column("通知公告", [item("二〇二四年的第一条通知", 700, "/col/1.html"), item("二〇二四年的第二条通知", 600, "/col/2.html")])
    b.snapshot.pages[url("/col/")].pagination = [url("/col/index_1.html")]  # never crawled (page limit)
    findings, notes = run(StaleColumn, b.snapshot)
    assert findings == [] and "正序" in notes[0].message
    b.snapshot.pages[url("/col/")].list_items.reverse()  # newest first: the first page tells
    assert len(run(StaleColumn, b.snapshot)[0]) == 1
