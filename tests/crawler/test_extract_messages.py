"""Consultation messages read from the layouts portals use: header tables, status-word list
rows, labelled detail pages; never from news lists, never with a guessed date."""

from __future__ import annotations

import datetime as dt

from portalwatch.crawler.extract.messages import status_of
from portalwatch.crawler.extract.page import extract_page

AS_OF = dt.date(2026, 11, 20)
BASE = "http://zf.example.gov.cn/hdjl/xzxx/"
CRUMB = "<div class='position'>当前位置：<a href='/'>首页</a> &gt; {}</div>"
FOOTER = "<div class='footer'>主办单位：示范县人民政府 承办单位：县政府办公室 联系电话：0000-1234567</div>"


def messages(body: str, title: str = "县长信箱_示范县人民政府", url: str = BASE + "index.html",
             crumb: str = "<a href='/hdjl/'>互动交流</a> &gt; 县长信箱"):
    html = (f"<html><head><title>{title}</title></head><body>{CRUMB.format(crumb) if crumb else ''}"
            f"<div class='content'>{body}</div>{FOOTER}</body></html>")
    errors: list[str] = []
    fields = extract_page(html, url, as_of=AS_OF, errors=errors)
    assert errors == []
    return fields["messages"]


def test_a_table_with_header_cells():
    got = messages("""<table><tr><th>信件标题</th><th>留言时间</th><th>回复时间</th><th>办理状态</th></tr>
      <tr><td><a href="c1.html" title="关于村道路灯维修的建议">关于村道路灯维...</a></td><td>2026-07-01</td><td></td><td>未回复</td></tr>
      <tr><td><a href="c2.html">关于低保申请条件的咨询</a></td><td>2026/05/01</td><td>2026-05-20 10:00</td><td>已答复</td></tr>
      <tr><td><a href="c3.html">关于农村建房审批流程的咨询</a></td><td>2026年9月3日</td><td>-</td><td>办理中</td></tr>
      <tr><td><a href="c4.html">关于公交线路调整的建议</a></td><td>2026-07-09</td><td></td><td></td></tr>
      <tr><td><a href="c5.html">关于村卫生室服务的评价</a></td><td>2026-07-10</td><td></td><td>已评价</td></tr></table>""")
    assert [(m.title, m.url, m.posted, m.replied, m.status, m.status_text) for m in got] == [
        ("关于村道路灯维修的建议", BASE + "c1.html", dt.date(2026, 7, 1), None, "unanswered", "未回复"),
        ("关于低保申请条件的咨询", BASE + "c2.html", dt.date(2026, 5, 1), dt.date(2026, 5, 20), "answered", "已答复"),
        ("关于农村建房审批流程的咨询", BASE + "c3.html", dt.date(2026, 9, 3), None, "processing", "办理中"),
        ("关于公交线路调整的建议", BASE + "c4.html", dt.date(2026, 7, 9), None, "unanswered", "回复时间为空"),
        ("关于村卫生室服务的评价", BASE + "c5.html", dt.date(2026, 7, 10), None, "", "已评价"),  # unknown word: no verdict
    ]


def test_list_rows_with_status_spans_and_labelled_dates():
    got = messages("""<ul class="msg-list">
      <li><a href="m1.html">关于学校门口交通安全的建议</a><span>[未回复]</span><span>2026-06-01</span></li>
      <li><a href="m2.html">关于小区垃圾清运不及时的反映</a><span>已办结</span>
          <span>留言时间：2026-03-01</span><span>回复时间：2026-07-15</span></li>
      <li><a href="m3.html">关于冬季供暖时间的咨询</a><em>状态：处理中</em><span>[11-02]</span></li></ul>""",
                   title="留言板_示范县人民政府", crumb="留言板")
    assert [(m.title, m.posted, m.replied, m.status) for m in got] == [
        ("关于学校门口交通安全的建议", dt.date(2026, 6, 1), None, "unanswered"),
        ("关于小区垃圾清运不及时的反映", dt.date(2026, 3, 1), dt.date(2026, 7, 15), "answered"),
        ("关于冬季供暖时间的咨询", None, None, "processing"),  # a year-less date is never guessed
    ]


def test_detail_pages_with_labelled_fields():
    body = """<h1>关于路灯不亮的问题</h1><table>
      <tr><td>来信时间：</td><td>2026-06-10 09:12</td></tr><tr><td>办理状态：</td><td>{status}</td></tr>
      <tr><td>回复单位：</td><td></td></tr><tr><td>回复内容：</td><td>{reply}</td></tr></table>"""
    title = "关于路灯不亮的问题_镇长信箱_示范镇"
    (empty,) = messages(body.format(status="", reply=""), title, BASE + "c9.html", "镇长信箱 &gt; 正文")
    assert (empty.title, empty.url, empty.posted, empty.replied, empty.status) == (
        "关于路灯不亮的问题", BASE + "c9.html", dt.date(2026, 6, 10), None, "unanswered")
    assert empty.status_text == "回复内容为空" and "回复内容：（空）" in empty.evidence
    (waiting,) = messages(body.format(status="处理中", reply="暂无回复"), title, BASE + "c9.html")
    assert waiting.status == "processing"
    (answered,) = messages(body.format(status="", reply="您好，已安排维修，感谢来信。"), title, BASE + "c9.html")
    assert answered.status == "answered"
    # labels in paragraphs, a reply date: answered with that date
    (dated,) = messages("<p>提交时间：2026年3月2日</p><p>答复时间：2026年4月1日</p><p><b>答复内容：</b>已转交县交通局办理。</p>",
                        title, BASE + "c8.html")
    assert (dated.posted, dated.replied, dated.status) == (dt.date(2026, 3, 2), dt.date(2026, 4, 1), "answered")


def test_a_reply_a_script_may_fill_is_not_read_as_empty():
    html = ("<html><head><title>关于路灯不亮的问题_县长信箱</title></head><body><p>留言时间：2026-06-10</p>"
            "<p>回复内容：</p><div id='hfnr'></div><script>$.get('/api/reply?id=9', function(d){$('#hfnr').html(d)})"
            "</script></body></html>")
    (m,) = extract_page(html, BASE + "c9.html", as_of=AS_OF)["messages"]
    assert m.status == "" and m.posted == dt.date(2026, 6, 10)


def test_masked_and_odd_dates_are_left_empty():
    got = messages("""<table><tr><th>标题</th><th>留言时间</th><th>状态</th></tr>
      <tr><td><a href="a.html">关于道路积水问题的反映</a></td><td>2026-**-05</td><td>未回复</td></tr>
      <tr><td><a href="b.html">关于公园开放时间的咨询</a></td><td>2026-13-45</td><td>未回复</td></tr>
      <tr><td><a href="c.html">关于菜市场改造进度的咨询</a></td><td>XXXX年XX月XX日</td><td>未回复</td></tr></table>""")
    assert [m.posted for m in got] == [None, None, None] and all(m.status == "unanswered" for m in got)


def test_news_lists_never_produce_messages():
    news = """<ul class="list"><li><a href="n1.html">关于XX项目已办结的通报</a><span>2026-06-01</span></li>
      <li><a href="n2.html">县信访局召开未回复件清理会议</a><span>已回复</span><span>2026-06-02</span></li></ul>"""
    assert messages(news, "工作动态_示范县人民政府", BASE + "../gzdt/index.html", "工作动态") == []
    assert messages("<table><tr><th>标题</th><th>发布日期</th><th>状态</th></tr><tr><td><a href='x.html'>"
                    "关于开展安全检查的通知</a></td><td>2026-06-01</td><td>已回复</td></tr></table>",
                    "通知公告_示范县", BASE + "../tzgg/index.html", "通知公告") == []
    # on a consultation page a status word inside a title is not a status
    assert messages("<ul><li><a href='n1.html'>关于已办结事项的说明</a><span>2026-06-01</span></li></ul>") == []


def test_status_words():
    assert [status_of(t) for t in ("[已回复]", "【未回复】", "状态：办理中", "已受理", "审核中", "关于已办结的通报")] == [
        "answered", "unanswered", "processing", "processing", "", None]


def test_a_mailbox_cms_layout_list_and_letter():
    got = messages("""<div class="mailbox-data-list"><table><thead><tr><th>来信主题</th><th>状态</th><th>时间</th>
      <th>受理单位</th></tr></thead><tbody>
      <tr><td><a href="mail?mailid=7">关于菜市场占道经营的投诉</a></td><td>未回复</td><td>2026-05-06 08:30:00</td><td>城管局</td></tr>
      <tr><td><a href="mail?mailid=8">关于公交站台设置的建议</a></td><td>已回复</td><td>2026-05-07 09:00:00</td><td>交通局</td></tr>
      </tbody></table></div>""", "局长信箱_示范县交通局")
    assert [(m.title, m.posted, m.status) for m in got] == [
        ("关于菜市场占道经营的投诉", dt.date(2026, 5, 6), "unanswered"), ("关于公交站台设置的建议", dt.date(2026, 5, 7), "answered")]
    letter = """<table class="result-table"><tr><td>编号:</td><td>C2026050607</td><td>来信人:</td><td>张先生</td></tr>
      <tr><td>来信时间:</td><td>2026-05-06 08:30:00</td><td>受理单位:</td><td>城管局</td></tr>
      <tr><td>信件类型:</td><td>投诉</td><td>办事状态:</td><td>{state}</td></tr>
      <tr><td>来信主题:</td><td colspan="3">关于菜市场占道经营的投诉</td></tr></table>
      <table class="result-table"><tr><td>办理单位:</td><td></td><td>办理时间:</td><td>{when}</td></tr>
      <tr><td>处理情况:</td><td colspan="3">{reply}</td></tr></table>"""
    (open_,) = messages(letter.format(state="未办理", when="暂无", reply=""), "局长信箱", BASE + "mail?mailid=7")
    assert (open_.title, open_.posted, open_.status) == ("关于菜市场占道经营的投诉", dt.date(2026, 5, 6), "unanswered")
    (done,) = messages(letter.format(state="已办结", when="2026-05-20 10:00:00", reply="已责成市场监管所清理。"), "局长信箱",
                       BASE + "mail?mailid=7")
    assert done.status == "answered" and done.replied is None  # 办理时间 is no reply date


def test_message_cards_with_labelled_fields_and_no_detail_page():
    card = """<div class="item"><div class="title">{title}</div><div class="row">邮箱：a@example.com</div>
      <div class="row">留言时间：{posted}</div><div class="row">留言内容：</div><div class="content">……</div>{reply}</div>"""
    got = messages("<div class='guestlist'>" + "".join([
        card.format(title="关于小区停车难的问题", posted="2026-06-01 10:20:00", reply="<div class='content'>暂无回复</div>"),
        card.format(title="关于图书馆开放时间的咨询", posted="2026-06-03 09:00:00",
                    reply="<div class='row'>回复时间：2026-06-05 16:00</div><div class='content'>每周一闭馆。</div>"),
    ]) + "</div>", "留言板_示范县人民政府", crumb="留言板")
    assert [(m.title, m.url, m.posted, m.replied, m.status) for m in got] == [
        ("关于小区停车难的问题", None, dt.date(2026, 6, 1), None, "unanswered"),
        ("关于图书馆开放时间的咨询", None, dt.date(2026, 6, 3), dt.date(2026, 6, 5), "answered")]


def test_a_detail_page_is_its_own_address_whatever_its_base():
    html = ("<html><head><base href='http://zf.example.gov.cn/'><title>关于路灯不亮的问题_县长信箱</title></head><body>"
            "<p>来信时间：2026-06-10</p><p>回复内容：</p><p></p></body></html>")
    (m,) = extract_page(html, BASE + "c9.html", as_of=AS_OF)["messages"]
    assert m.url == BASE + "c9.html" and m.status == "unanswered"
