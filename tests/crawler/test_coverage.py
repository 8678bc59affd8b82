"""Crawl coverage: thousands of query-string articles are all audited; only spaces that repeat are cut."""

from __future__ import annotations

import datetime as dt
import sqlite3
from urllib.parse import parse_qs, urlsplit

from httpserver import Response

from portalwatch.crawler.traps import TrapGuard, calendar_date, fingerprints

WORDS = "乡村振兴农田水利道路硬化安全生产森林防火环境整治医疗保障就业培训文化惠民低保救助"
PER_PAGE = 20
CLASSES = {5: range(1001, 1501), 6: range(1501, 2001)}  # 1,000 articles, 4-digit ids


def words(n: int, k: int = 6) -> str:
    """Chinese text unique to ``n`` (its digits in base len(WORDS)), padded to ``k`` characters."""
    out = []
    while n:
        n, r = divmod(n, len(WORDS))
        out.append(WORDS[r])
    return "".join(out).ljust(k, "的")


def params(handler) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}


def show(handler) -> Response | None:
    n = int(params(handler).get("id", "0"))
    if not 1001 <= n <= 2000:
        return None
    return Response(f'<html><head><title>{words(n)}工作通知</title></head><body><a href="/">首页</a>'
                    f'<div class="content"><h1>{words(n)}工作通知</h1><p>各村：现将{words(n + 3, 12)}有关事项'
                    f'通知如下，请认真落实{words(n + 5, 10)}。</p></div></body></html>')


def listing(handler) -> Response | None:
    q = params(handler)
    ids = list(CLASSES.get(int(q.get("classid", "0")), []))
    page = int(q.get("page", "1"))
    chunk = ids[(page - 1) * PER_PAGE: page * PER_PAGE]
    if not chunk:
        return None
    items = "".join(f'<li><a href="show.asp?id={n}">{words(n)}工作通知</a><span>2026-10-{1 + n % 28:02d}</span></li>'
                    for n in chunk)
    nxt = f'<a href="list.asp?classid={q["classid"]}&page={page + 1}">下一页</a>' if page * PER_PAGE < len(ids) else ""
    return Response(f'<html><head><title>通知公告</title></head><body><a href="/">首页</a>'
                    f'<ul class="list">{items}</ul><div class="page">{nxt}</div></body></html>')


def calendar(handler) -> Response:
    day = dt.date.fromisoformat(params(handler)["date"])
    nxt = day + dt.timedelta(days=1)
    return Response(f'<html><head><title>活动日历 {day:%Y年%m月%d日}</title></head><body><a href="/">首页</a>'
                    f'<div class="content"><h2>{day}</h2><p>当日暂无活动安排。</p></div>'
                    f'<a href="calendar.asp?date={nxt}">下一天</a></body></html>')


def test_a_thousand_asp_articles_are_all_crawled_and_only_the_calendar_is_cut(serve, audit, db_path):
    home = ('<html><head><title>某某镇人民政府</title></head><body>'
            '<a href="/list.asp?classid=5&page=1">通知公告</a><a href="/list.asp?classid=6&page=1">政策文件</a>'
            '<a href="/calendar.asp?date=2026-11-01">活动日历</a></body></html>')
    site = serve(routes={"/": Response(home), "/show.asp": show, "/list.asp": listing, "/calendar.asp": calendar})
    result = audit(site.url)
    assert result.code == 0, result.stderr
    doc = result.doc
    db = sqlite3.connect(db_path)
    urls = [u for (u,) in db.execute("select url from pages where run_id = ?", [doc["run_id"]])]
    articles = {int(u.rsplit("=", 1)[1]) for u in urls if "show.asp?id=" in u}
    assert articles == set(range(1001, 2001))
    assert sum("list.asp?" in u for u in urls) == 50
    calendar_pages = sum("calendar.asp?" in u for u in urls)
    assert 5 <= calendar_pages <= 12
    assert doc["skipped"].get("calendar_trap", 0) >= 1
    assert "query_trap" not in doc["skipped"]
    skipped = [u for (u,) in db.execute("select url from skips where run_id = ? and reason = 'calendar_trap'",
                                        [doc["run_id"]])]
    assert all("calendar.asp?date=" in u for u in skipped)
    assert not [f for f in doc["findings"] if f["check"] == "dead_link"]


def test_calendar_dates_and_plain_ids_are_told_apart():
    assert calendar_date("id", "6500") is None and calendar_date("id", "2024") is None
    assert calendar_date("classid", "202401") is None
    assert calendar_date("date", "2024-01-05") == dt.date(2024, 1, 5)
    assert calendar_date("ym", "202401") == dt.date(2024, 1, 1)
    assert calendar_date("x", "20240105") == dt.date(2024, 1, 5)
    assert calendar_date("date", "2024-13-40") is None


def test_a_calendar_whose_days_differ_is_followed_until_it_walks_out_of_the_window():
    guard = TrapGuard(as_of=dt.date(2026, 11, 20))
    day = dt.date(2026, 1, 1)
    for n in range(60):  # every day has its own events: never cut
        url = f"http://x/cal.asp?date={day + dt.timedelta(days=n)}"
        assert guard.check(url, 1) == ""
        assert guard.observe(url, *fingerprints("日历", [words(n)], "", words(n + 1, 20))) == ""
    far = dt.date(2029, 6, 1)  # beyond two years: empty days of one shape end it quickly, even when
    reasons = [guard.observe(f"http://x/cal.asp?date={far + dt.timedelta(days=n)}",  # each spells its date
                             *fingerprints(f"日历{words(n)}", [], "暂无活动", words(n + 9), links=3))
               for n in range(4)]
    assert reasons[:3] == ["", "", "calendar_trap"]
    assert guard.check("http://x/cal.asp?date=2026-05-05", 1) == "calendar_trap"
    assert guard.check("http://x/show.asp?id=6500", 1) == ""


def test_a_parameter_that_changes_nothing_is_cut_after_many_repeats():
    guard = TrapGuard(plain_repeats=20)
    same = fingerprints("新闻", [], "", "正文内容一样")
    reasons = [guard.observe(f"http://x/news.asp?sid={n}", *same) for n in range(25)]
    assert reasons.index("query_trap") == 20
