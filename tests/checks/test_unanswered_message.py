"""unanswered_message (互动回应差): old unanswered messages and a site without any channel are
vetoes; excluded columns, odd dates, off-site platforms and unreadable lists never are."""

from __future__ import annotations

import datetime as dt

from check_helpers import AS_OF, SiteBuilder, ago, ctx, node, run, run_undecided, url

from portalwatch.checks.registry import enabled_checks
from portalwatch.checks.unanswered_message import UnansweredMessage, add_months
from portalwatch.crawler.snapshot import Link, ListItem, Message


def msg(title: str, posted: int | None, status: str = "unanswered", shown: str = "未回复", path: str | None = None,
        replied: int | None = None) -> Message:
    return Message(title, url(path) if path else None, ago(posted) if posted is not None else None,
                   ago(replied) if replied is not None else None, status, shown, f"{title} {shown}")


def portal(*messages: Message, column: str = "县长信箱", path: str = "/hdjl/xzxx/index.html",
           extra_nav: tuple = ()) -> SiteBuilder:
    b = SiteBuilder()
    b.nav(node("新闻动态", "/xwdt/index.html"), node("互动交流", None, node(column, path), *extra_nav))
    b.home.nav_status = "ok"
    b.list_page("/xwdt/index.html", [ListItem("镇召开安全生产会议", url("/xwdt/1.html"), ago(3))])
    b.list_page(path, [], name=column, messages=list(messages))
    return b


def test_a_message_unanswered_for_four_months_is_a_veto_with_its_evidence():
    b = portal(msg("关于村道路灯维修的建议", 123, path="/hdjl/xzxx/c1.html"),
               msg("关于低保申请条件的咨询", 200, "answered", "已回复", "/hdjl/xzxx/c2.html"))
    (f,), notes = run(UnansweredMessage, b.snapshot)
    assert (f.check, f.severity, f.column) == ("unanswered_message", "veto", "县长信箱")
    assert f.url == url("/hdjl/xzxx/index.html")  # the list shows the status
    assert f.evidence["posted"] == ago(123).isoformat() and f.evidence["days_unanswered"] == 123
    assert f.evidence["message_url"] == url("/hdjl/xzxx/c1.html") and f.evidence["late"] is False
    assert "关于村道路灯维修的建议" in f.message and "123 天未回复" in f.message and "超过 3 个月" in f.message
    lines = dict(UnansweredMessage.evidence_lines(f.to_dict()))
    assert lines["留言标题"] == "关于村道路灯维修的建议" and lines["留言时间"] == ago(123).isoformat()
    assert "未回复" in lines["回复情况"] and lines["页面"] == f.url
    assert UnansweredMessage.key(f.to_dict()) == ("unanswered_message", url("/hdjl/xzxx/c1.html"))
    (veto,) = UnansweredMessage.vetoes([f], {"unanswered_message_months": 3})
    assert veto.startswith("互动回应差（单项否决）：") and "关于村道路灯维修的建议" in veto


def test_a_detail_page_with_an_empty_reply_is_judged_and_the_list_row_merged_into_it():
    b = portal(msg("关于学校门口交通安全的建议", 100, "", "", "/hdjl/xzxx/c7.html"))  # the list says nothing
    detail = b.page("/hdjl/xzxx/c7.html", title="关于学校门口交通安全的建议_县长信箱_示范县",
                    breadcrumb=["首页", "互动交流", "县长信箱", "正文"], meta={"ColumnName": "县长信箱"})
    detail.messages = [Message("关于学校门口交通安全的建议", detail.url, ago(100), None, "unanswered", "回复内容为空",
                               "留言时间：…；回复内容：（空）")]
    (f,), _ = run(UnansweredMessage, b.snapshot)
    assert f.url == detail.url and f.evidence["status_text"] == "回复内容为空" and f.column == "县长信箱"
    # the same detail page showing a reply: answered, whatever the list said
    b2 = portal(msg("关于学校门口交通安全的建议", 100, path="/hdjl/xzxx/c7.html"))
    d2 = b2.page("/hdjl/xzxx/c7.html", breadcrumb=["首页", "县长信箱", "正文"])
    d2.messages = [Message("关于学校门口交通安全的建议", d2.url, ago(100), None, "answered", "有回复内容")]
    assert run(UnansweredMessage, b2.snapshot)[0] == []


def test_three_month_line_late_replies_and_the_one_year_window():
    near = add_months(AS_OF, -3)  # posted exactly 3 months ago: not yet "more than" 3 months
    b = portal(Message("三个月整的留言", url("/m/1.html"), near, None, "processing", "办理中"),
               msg("答复晚了但未超过三个月", 150, "answered", "已回复", "/m/2.html", replied=150 - 85),
               msg("一年多以前的留言", 400, path="/m/3.html"),
               msg("四个月后才答复的留言", 200, "answered", "已回复", "/m/4.html", replied=200 - 125))
    (late,), _ = run(UnansweredMessage, b.snapshot)
    assert late.evidence["late"] is True and late.evidence["days_to_reply"] == 125
    assert "才答复" in late.message and late.evidence["title"] == "四个月后才答复的留言"
    # a day later the 3-month message is over the line
    findings, _ = run(UnansweredMessage, b.snapshot, ctx(as_of=AS_OF + dt.timedelta(days=1)))
    assert {f.evidence["title"] for f in findings} == {"三个月整的留言", "四个月后才答复的留言"}


def test_excluded_columns_are_never_judged():
    old = [msg(f"关于{n}的问题反映", 150, path=f"/x/{i}.html") for i, n in enumerate("甲乙丙丁")]
    b = portal(extra_nav=tuple(node(n, f"/hdjl/{p}/index.html") for n, p in
                              [("在线访谈", "zxft"), ("调查征集", "dczj"), ("网上信访", "wsxf"), ("纪检举报", "jjjb")]))
    for (name, part), m in zip([("在线访谈", "zxft"), ("调查征集", "dczj"), ("网上信访", "wsxf"), ("纪检举报", "jjjb")],
                               old):
        b.list_page(f"/hdjl/{part}/index.html", [], name=name, messages=[m])
    assert run(UnansweredMessage, b.snapshot)[0] == []
    # a detail page of a 信访 column with no name of its own inherits the exclusion from its list
    page = b.snapshot.pages[url("/hdjl/wsxf/index.html")]
    detail = b.page("/x/2.html", title="关于丙的问题反映")
    detail.messages = [Message("关于丙的问题反映", detail.url, ago(150), None, "unanswered", "回复内容为空")]
    assert page.messages[0].url == detail.url and run(UnansweredMessage, b.snapshot)[0] == []


def test_unreadable_dates_are_skipped_with_a_note():
    b = portal(Message("日期被遮挡的留言", url("/m/9.html"), None, None, "unanswered", "未回复", "2026-**-05 未回复"))
    findings, notes = run(UnansweredMessage, b.snapshot)
    assert findings == [] and "日期无法识别" in notes[0].message and "日期被遮挡的留言" in notes[0].message


def test_no_channel_at_all_on_a_complete_crawl_is_a_veto():
    b = SiteBuilder()
    b.nav(node("新闻动态", "/xwdt/index.html"), node("通知公告", "/tzgg/index.html"),
          node("政务公开", "/zwgk/index.html", *[node(n, f"/zwgk/{i}/") for i, n in enumerate(
              ["机构职能", "政策文件", "政策解读", "财政信息", "人事信息"])]),
          node("网上信访", "/xf/index.html"))
    b.home.nav_status = "ok"
    (f,), _ = run(UnansweredMessage, b.snapshot)
    assert f.severity == "veto" and f.evidence["no_channel"] is True and f.url == url("/")
    assert f.evidence["excluded_seen"] == ["网上信访"] and "未提供在线咨询" in f.message
    assert UnansweredMessage.key(f.to_dict()) == ("unanswered_message", "no_channel")
    assert UnansweredMessage.vetoes([f], {"unanswered_message_months": 3})[0].startswith("互动回应差（单项否决）：网站未提供")


def test_no_channel_is_undecided_when_the_menu_or_the_crawl_was_not_whole():
    for breaks in ("script", "cut", "generic", "icon", "image", "small menu"):
        b = SiteBuilder()
        more = () if breaks == "small menu" else tuple(node(n, f"/zwgk/{i}/") for i, n in enumerate(
            ["机构职能", "政策文件", "政策解读", "财政信息", "人事信息"]))
        b.nav(node("新闻动态", "/xwdt/index.html"), node("通知公告", "/tzgg/index.html"), node("政务公开", "/zwgk/", *more))
        b.home.nav_status = "script" if breaks == "script" else "ok"
        if breaks == "cut":
            b.snapshot.complete = False
        if breaks == "generic":
            b.home.nav.append(node("政民互动", "/zmhd/index.html"))
        if breaks == "icon":
            b.home.links.append(Link(url("/ldxx/index.html"), "", kind="page"))
        if breaks == "image":  # <a href="/col/col31/"><img src="/images/xzxx.png" alt="图片"></a>
            b.home.links += [Link(url("/col/col31/index.html"), "图片"), Link(url("/images/xzxx.png"), "图片", "image")]
        findings, undecided = run_undecided(UnansweredMessage, b.snapshot)
        assert findings == [] and len(undecided) == 1, breaks
        assert "无法判断" in undecided[0].reason or "人工核实" in undecided[0].reason


def test_a_channel_on_another_platform_counts_and_is_not_judged():
    b = SiteBuilder()
    b.nav(node("新闻动态", "/xwdt/index.html"), node("通知公告", "/tzgg/index.html"), node("政务公开", "/zwgk/"))
    b.home.nav_status = "ok"
    b.home.links.append(Link("http://www.sd12345.gov.cn/", "12345政务服务便民热线"))
    findings, undecided = run_undecided(UnansweredMessage, b.snapshot)
    assert findings == [] and undecided == []


def test_a_consultation_list_that_could_not_be_read_is_undecided():
    b = portal()
    page = b.snapshot.pages[url("/hdjl/xzxx/index.html")]
    page.render_reason = "needs_render_but_off:list"
    findings, undecided = run_undecided(UnansweredMessage, b.snapshot)
    assert findings == [] and undecided[0].column == "县长信箱" and "脚本" in undecided[0].reason
    page.render_reason = ""
    page.final_url, page.title = url("/sso/login?service=xzxx"), "统一身份认证 用户登录"  # a login wall
    findings, undecided = run_undecided(UnansweredMessage, b.snapshot)
    assert findings == [] and "需要登录" in undecided[0].reason
    page.final_url, page.title = page.url, "县长信箱"
    b.snapshot._by_final = {}
    page.list_items = [ListItem("关于路灯的咨询", url("/hdjl/xzxx/c1.html"), ago(200))]  # titles, no reply state
    findings, undecided = run_undecided(UnansweredMessage, b.snapshot)
    assert findings == [] and "未显示回复情况" in undecided[0].reason


def test_early_warning_before_the_line():
    b = portal(msg("两个半月未回复的留言", 75, path="/m/1.html"), msg("一个月的留言", 30, path="/m/2.html"))
    assert run(UnansweredMessage, b.snapshot)[0] == []
    s = dict(UnansweredMessage.score_defaults)
    (line,) = UnansweredMessage.warnings([], b.snapshot, ctx(), s)
    assert line.startswith("1 条留言已超过 2 个月未回复") and "两个半月未回复的留言" in line and "满 3 个月" in line


def test_settings_move_the_line_and_the_check_is_registered():
    b = portal(msg("两个半月未回复的留言", 75, path="/m/1.html"))
    (f,), _ = run(UnansweredMessage, b.snapshot, ctx(PORTALWATCH_SCORE_UNANSWERED_MESSAGE_MONTHS="2"))
    assert f.evidence["threshold_months"] == 2
    assert enabled_checks()["unanswered_message"] is UnansweredMessage
    assert UnansweredMessage.title == "互动回应差" and UnansweredMessage.severity == "veto"
    assert "在线访谈" in UnansweredMessage.doc() and "12345" in UnansweredMessage.doc()


# --- end to end: ``portalwatch audit`` on a local portal -------------------------------------
MENU = """<li><a href="/">网站首页</a></li><li><a href="/xwdt/index.html">新闻动态</a></li>
<li class="has-sub"><a href="javascript:;">互动交流</a><ul class="sub">
<li><a href="/hdjl/xzxx/index.html">县长信箱</a></li><li><a href="/hdjl/zxft/index.html">在线访谈</a></li></ul></li>"""


def _page(title: str, crumb: str, body: str, column: str = "", menu: str = MENU) -> str:
    meta = f'<meta name="ColumnName" content="{column}">' if column else ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{meta}</head><body>
<div class="header"><a href="/">示范县人民政府</a></div>
<div class="navbar"><ul class="nav">{menu}</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; {crumb}</div>
<div class="content">{body}</div>
<div class="footer">主办单位：示范县人民政府　政府网站标识码：2399000099</div></body></html>"""


def _table(rows: list[tuple[str, str, str, str, str]]) -> str:
    cells = "".join(f'<tr><td><a href="{href}">{title}</a></td><td>{posted}</td><td>{replied}</td><td>{status}</td></tr>'
                    for href, title, posted, replied, status in rows)
    return f"<table class='xx'><tr><th>信件标题</th><th>来信时间</th><th>答复时间</th><th>办理状态</th></tr>{cells}</table>"


def _detail(title: str, posted: str, reply: str, column: str = "县长信箱") -> str:
    return _page(f"{title}_{column}_示范县人民政府", f"<a href='/hdjl/xzxx/index.html'>{column}</a> &gt; 正文",
                 f"<h1>{title}</h1><table><tr><td>来信时间：</td><td>{posted}</td></tr>"
                 f"<tr><td>回复内容：</td><td>{reply}</td></tr></table>", column)


def test_audit_of_a_local_portal_reports_the_unanswered_letters(serve, audit):
    from conftest import Response

    news = "".join(f'<li><a href="/xwdt/{n}.html" title="示范县召开第{n}次常务会议">示范县召开第{n}次常务会议</a>'
                   f'<span class="date">2026-11-{10 + n}</span></li>' for n in range(1, 4))
    routes = {
        "/": _page("示范县人民政府", "首页", f"<ul class='list'>{news}</ul>"),
        "/xwdt/index.html": _page("新闻动态_示范县人民政府", "新闻动态", f"<ul class='list'>{news}</ul>", "新闻动态"),
        "/hdjl/xzxx/index.html": _page("县长信箱_示范县人民政府", "互动交流 &gt; 县长信箱", _table([
            ("c1.html", "关于村道路灯维修的建议", "2026-07-01", "", "未回复"),
            ("c2.html", "关于低保申请条件的咨询", "2026-10-08", "2026-10-20", "已答复"),
            ("c3.html", "关于农贸市场改造的建议", "2026-06-15", "", ""),
            ("c4.html", "关于修缮村小学的建议", "2025-08-01", "", "未回复"),
            ("c5.html", "关于冬季供暖的咨询", "2026-**-01", "", "未回复"),
        ]), "县长信箱"),
        "/hdjl/zxft/index.html": _page("在线访谈_示范县人民政府", "互动交流 &gt; 在线访谈", _table([
            ("f1.html", "县长与网友谈乡村振兴网友提问", "2026-03-01", "", "未回复")]), "在线访谈"),
        "/hdjl/xzxx/c1.html": _detail("关于村道路灯维修的建议", "2026-07-01", ""),
        "/hdjl/xzxx/c2.html": _detail("关于低保申请条件的咨询", "2026-10-08", "您好，申请低保需提交申请书和户口簿。"),
        "/hdjl/xzxx/c3.html": _detail("关于农贸市场改造的建议", "2026-06-15", ""),
        "/hdjl/xzxx/c4.html": _detail("关于修缮村小学的建议", "2025-08-01", ""),
        "/hdjl/xzxx/c5.html": _detail("关于冬季供暖的咨询", "2026-**-01", ""),
        "/hdjl/zxft/f1.html": _detail("县长与网友谈乡村振兴网友提问", "2026-03-01", "", "在线访谈"),
    }
    for n in range(1, 4):
        routes[f"/xwdt/{n}.html"] = _page(f"示范县召开第{n}次常务会议_示范县人民政府", "新闻动态 &gt; 正文",
                                         f"<h1>示范县召开第{n}次常务会议</h1><p>会议研究了有关工作。</p>", "新闻动态")
    site = serve(routes={k: Response(v) for k, v in routes.items()})
    result = audit(site.url)  # --as-of 2026-11-20
    assert result.code == 0, result.stderr
    found = {f["evidence"]["title"]: f for f in result.doc["findings"] if f["check"] == "unanswered_message"}
    assert set(found) == {"关于村道路灯维修的建议", "关于农贸市场改造的建议"}
    letter = found["关于村道路灯维修的建议"]
    assert letter["severity"] == "veto" and letter["column"] == "县长信箱"
    assert letter["evidence"]["posted"] == "2026-07-01" and letter["evidence"]["days_unanswered"] == 142
    assert letter["url"] == site.url + "hdjl/xzxx/c1.html"  # its detail page shows the empty reply
    assert found["关于农贸市场改造的建议"]["evidence"]["status_text"] == "回复内容为空"
    assert result.doc["score"] == 0.0


def test_audit_of_a_portal_without_any_consultation_channel(serve, audit):
    from conftest import Response

    columns = [("新闻动态", "xwdt"), ("通知公告", "tzgg"), ("机构职能", "jgzn"), ("政策文件", "zcwj"),
               ("财政信息", "czxx"), ("人事信息", "rsxx"), ("办事指南", "bszn"), ("网上信访", "wsxf"),
               ("在线访谈", "zxft")]
    menu = '<li><a href="/">网站首页</a></li>' + "".join(f'<li><a href="/{p}/index.html">{n}</a></li>' for n, p in columns)
    items = "".join(f'<li><a href="/xwdt/{n}.html">示范县召开第{n}次常务会议</a><span>2026-11-{10 + n}</span></li>'
                    for n in range(1, 3))
    routes = {"/": Response(_page("示范县人民政府", "首页", f"<ul class='list'>{items}</ul>", menu=menu))}
    for name, part in columns:
        routes[f"/{part}/index.html"] = Response(_page(f"{name}_示范县人民政府", name, f"<ul class='list'>{items}</ul>",
                                                       name, menu))
    for n in range(1, 3):
        routes[f"/xwdt/{n}.html"] = Response(_page(f"示范县召开第{n}次常务会议_示范县人民政府", "新闻动态 &gt; 正文",
                                                   "<h1>会议</h1><p>会议研究了有关工作。</p>", "新闻动态", menu))
    site = serve(routes=routes)
    result = audit(site.url)
    assert result.code == 0, result.stderr
    (veto,) = [f for f in result.doc["findings"] if f["check"] == "unanswered_message"]
    assert veto["evidence"]["no_channel"] is True and veto["url"] == site.url
    assert set(veto["evidence"]["excluded_seen"]) == {"网上信访", "在线访谈"}
    assert not [u for u in result.doc["undecided"] if u["check"] == "unanswered_message"]


def test_a_generic_page_mixing_in_an_excluded_box_is_not_judged():
    b = portal(column="互动交流", extra_nav=(node("网上信访", "/hdjl/wsxf/index.html"),))
    page = b.snapshot.pages[url("/hdjl/xzxx/index.html")]
    page.messages = [msg("关于拆迁补偿的信访事项", 150, path="/hdjl/wsxf/1.html")]
    page.links = [Link(url("/hdjl/wsxf/index.html"), "更多")]  # the 网上信访 box's more-link
    assert run(UnansweredMessage, b.snapshot)[0] == []
    page.links = []
    (f,), _ = run(UnansweredMessage, b.snapshot)  # without the box: a generic 互动交流 list is judged
    assert f.column == "互动交流"


def test_scoring_settings_that_do_not_know_the_keys_fall_back_to_the_class_defaults():
    b = portal(msg("两个半月未回复的留言", 75, path="/m/1.html"))
    assert UnansweredMessage.warnings([], b.snapshot, ctx(), {}) != []
    assert UnansweredMessage.warnings([], b.snapshot, ctx(), {"unanswered_message_warn_months": 3}) == []
    assert UnansweredMessage.warnings([], None, ctx(), {}) == []  # a stored run scored again
