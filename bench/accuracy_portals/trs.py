"""TRS WCM (拓尔思) township portal: ``./zwgk/zcwj/index.html``, ``index_1.html`` reached only
through the ``createPageHTML(...)`` pager script, articles ``./202405/t20240512_123.html``
with TRS metadata and ``div.TRS_Editor`` bodies (markup after ordos-enggebei-xxgk-list-trs-
pagination.html and shanxi-gov-article-trs.html).

Defects (2nd round): a 镇长信箱 letter unanswered for 139 days, a 低保 公示 list with full ID
numbers and mobiles, 不忘出心. Traps: a letter open 42 days, one answered in 83 days, one older
than a year, 在线访谈 questions without reply, the correct 不忘初心.

Defects: 404 page / image / attachment, a soft-404 page, a dead external link, the required
column 重大事项 missing, 决策信息 showing only 暂无信息, 财政信息 stale, policy documents
without interpretation. Traps: a mobile duplicate menu, two menu items to one page, a
populated column whose sidebar says 暂无, an article quoting 页面不存在, 403 WAF, a
redirect to a working page, 405 to HEAD.
"""

from __future__ import annotations

import datetime as dt

from .common import AS_OF, NAMES, Builder, Column, Item, Letter, article_extra, esc, id_number, letters, policy_docs
from .server import Response

NAME, FAMILY, PROFILE, SITE, SEED = "trs", "TRS WCM", "township", "青山镇人民政府", 11
PER_PAGE = 15
GROUPS = [
    ("走进青山", [("镇情概况", "zjqs/zqgk", "static", "single"), ("机构职能", "zjqs/jgzn", "static", "single"),
              ("领导之窗", "zjqs/ldzc", "static", "single")]),
    ("新闻中心", [("工作动态", "xwzx/gzdt", "news", "list"), ("通知公告", "xwzx/tzgg", "notice", "list")]),
    ("政务公开", [("政策文件", "zwgk/zcwj", "notice", "list"), ("政策解读", "zwgk/zcjd", "notice", "list"),
              ("决策信息", "zwgk/jcxx", "notice", "placeholder"), ("财政信息", "zwgk/czxx", "plan", "list"),
              ("行政权力", "zwgk/xzql", "plan", "list"),
              ("政府信息公开年报", "zwgk/gknb", "plan", "list")]),
    ("便民服务", [("便民服务", "bmfw", "static", "single")]),
    ("互动交流", [("镇长信箱", "hdjl/zzxx", None, "mailbox"), ("在线访谈", "hdjl/zxft", None, "interview"),
              ("调查征集", "hdjl/dczj", None, "single")]),
]


def _url(col_dir: str):
    return lambda d, i: f"/{col_dir}/{d:%Y%m}/t{d:%Y%m%d}_{i}.html"


def _head(title: str, column: str = "", extra: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="SiteName" content="{SITE}"><meta name="SiteDomain" content="www.qingshan.gov.cn">
<meta name="SiteIDCode" content="3301000011">{f'<meta name="ColumnName" content="{column}">' if column else ''}{extra}
<link href="/images/gl.css" type="text/css" rel="stylesheet"><script src="/js/common.js"></script></head><body>
<div class="top"><a href="/"><img src="/images/logo.png" alt="{SITE}"></a></div>"""


def _nav(cols: dict[str, Column]) -> str:
    out = ['<div class="nav"><ul class="menu"><li><a href="/">首页</a></li>']
    for group, members in GROUPS:
        first = cols[members[0][0]].url
        out.append(f'<li class="drop"><a href="{first}">{group}</a><ul class="sub">')
        out += [f'<li><a href="{cols[n].url}">{n}</a></li>' for n, *_ in members]
        out.append("</ul></li>")
    out.append("</ul></div>")
    mobile = "".join(f'<a href="{c.url}">{c.name}</a>' for c in cols.values())
    out.append(f'<div class="m-nav" style="display:none"><a href="/">首页</a>{mobile}</div>')  # trap: mobile menu
    return "\n".join(out)


PAGER_JS = """function createPageHTML(n, i, name, ext) { if (n <= 1) return; var h = '';
for (var k = 0; k < n; k++) { var f = k == 0 ? name + '.' + ext : name + '_' + k + '.' + ext;
h += (k == i ? '<span>' + (k + 1) + '</span>' : '<a href="' + f + '">' + (k + 1) + '</a>') + ' '; }
document.write(h); }"""
FOOT = ('<div class="footer"><p>主办单位：青山镇人民政府　网站标识码：3301000011　浙ICP备00000011号　浙公网安备 33010002000011号</p>'
        '<p>地址：青山镇政府路1号　电话：0571-0000000</p></div></body></html>')


def _pager(count: int, p: int) -> str:
    return f'<div class="page"><script language="JavaScript">createPageHTML({count}, {p}, "index", "html");</script></div>'


def _list(b: Builder, col: Column, nav: str) -> None:
    base = col.url.rsplit("/", 1)[0]
    side = '<div class="side"><h4>热点专题</h4><p>暂无信息</p></div>' if col.sidebar_zanwu else ""
    pages = [col.items[i:i + PER_PAGE] for i in range(0, len(col.items), PER_PAGE)] or [[]]
    for p, chunk in enumerate(pages):
        if col.mode == "placeholder":
            rows = '<tr><td colspan="2" align="center">暂无信息</td></tr>'
        else:
            rows = "\n".join(f'<tr><td width="550"><a href=".{i.url[len(base):]}" title="{esc(i.title)}">{esc(i.title)}'
                             f'</a></td><td>{i.date:%Y-%m-%d}</td></tr>' for i in chunk)
        crumb = f'<a href="/" class="CurrChnlCls">首页</a>&nbsp;&gt;&gt;&nbsp;<a href="./" class="CurrChnlCls">{col.name}</a>'
        html = (_head(f"{col.name}_{SITE}", col.name) + nav + f'<div class="main">{side}<div class="crumb">{crumb}</div>'
                f'<table class="gl_list">{rows}</table>{_pager(len(pages), p) if len(pages) > 1 else ""}</div>' + FOOT)
        b.page(f"{base}/index.html" if p == 0 else f"{base}/index_{p}.html", html)


def _article(b: Builder, col: Column, item: Item, nav: str) -> None:
    meta = (f'<meta name="ArticleTitle" content="{esc(item.title)}"><meta name="PubDate" content="{item.date} 09:30">'
            f'<meta name="ContentSource" content="{SITE}">')
    html = (_head(f"{item.title}_{col.name}_{SITE}", col.name, meta) + nav +
            f'<div class="article"><h1>{esc(item.title)}</h1><div class="info">发布日期：{item.date:%Y-%m-%d}　来源：{SITE}</div>'
            f'<div class="TRS_Editor">{b.body()}{article_extra(item)}</div></div>' + FOOT)
    b.page(item.url, html)


def _single(b: Builder, col: Column, nav: str) -> None:
    text = f"<p>{col.name}：{SITE}位于青山脚下，辖12个行政村，总面积86平方公里，户籍人口3.2万人。</p>" + b.body(3)
    b.page(col.url, _head(f"{col.name}_{SITE}", col.name) + nav +
           f'<div class="article"><h1>{col.name}</h1><div class="TRS_Editor">{text}</div></div>' + FOOT)


def _mailbox(b: Builder, col: Column, mail: list[Letter], nav: str) -> None:
    """TRS 镇长信箱: a header table (信件标题 | 留言时间 | 回复时间 | 办理状态), detail pages with a
    labelled field table."""
    crumb = f'<a href="/" class="CurrChnlCls">首页</a>&nbsp;&gt;&gt;&nbsp;<a href="{col.url}" class="CurrChnlCls">{col.name}</a>'
    rows = "".join(f'<tr><td><a href="{m.url}" title="{esc(m.title)}">{esc(m.title)}</a></td><td>{m.posted}</td>'
                   f'<td>{m.replied or ""}</td><td>{"已回复" if m.replied else "未回复"}</td></tr>' for m in mail)
    b.page(col.url, _head(f"{col.name}_{SITE}", col.name) + nav + f'<div class="main"><div class="crumb">{crumb}</div>'
           '<div class="xx_btn"><a href="/hdjl/zzxx/write.html">我要写信</a></div><table class="xx_list"><tr><th>信件标题</th>'
           f'<th>留言时间</th><th>回复时间</th><th>办理状态</th></tr>{rows}</table></div>' + FOOT)
    b.page("/hdjl/zzxx/write.html", _head(f"我要写信_{col.name}_{SITE}", col.name) + nav +
           '<div class="main"><form action="/hdjl/zzxx/submit.do" method="post"><p>姓名：<input name="xm"></p>'
           '<p>标题：<input name="bt"></p><p>内容：<textarea name="nr"></textarea></p><input type="submit" value="提交">'
           '</form></div>' + FOOT)
    for m in mail:
        reply = (f'<tr><th>回复单位</th><td>{m.unit}</td></tr><tr><th>回复时间</th><td>{m.replied}</td></tr>'
                 f'<tr><th>回复内容</th><td>{m.reply}</td></tr>') if m.replied else \
            '<tr><th>回复单位</th><td></td></tr><tr><th>回复时间</th><td></td></tr><tr><th>回复内容</th><td></td></tr>'
        meta = (f'<meta name="ArticleTitle" content="{esc(m.title)}"><meta name="PubDate" content="{m.posted} 10:21">'
                f'<meta name="ContentSource" content="{SITE}">')
        b.page(m.url, _head(f"{m.title}_{col.name}_{SITE}", col.name, meta) + nav + f'<div class="main"><div class="crumb">{crumb}'
               f'</div><table class="xx_detail"><tr><th>信件标题</th><td>{esc(m.title)}</td></tr><tr><th>留言时间</th>'
               f'<td>{m.posted} 10:21:07</td></tr><tr><th>留言内容</th><td>{esc(m.title)}，望有关部门尽快解决。</td></tr>'
               f'{reply}</table></div>' + FOOT)


def _interviews(b: Builder, col: Column, nav: str) -> None:
    """Trap: 在线访谈 with netizens' questions left without answer (not a consultation channel)."""
    crumb = f'<a href="/" class="CurrChnlCls">首页</a>&nbsp;&gt;&gt;&nbsp;<a href="{col.url}" class="CurrChnlCls">{col.name}</a>'
    qs = [("访谈期间能否介绍一下镇里农村公路养护计划", dt.date(2025, 5, 20)),
          ("请问今年高标准农田建设涉及哪些村", dt.date(2025, 6, 9))]
    rows = "".join(f'<tr><td><a href="/hdjl/zxft/{d:%Y%m}/t{d:%Y%m%d}_{k}.html">{q}</a></td><td>{d}</td><td>待回复</td></tr>'
                   for k, (q, d) in enumerate(qs))
    b.page(col.url, _head(f"{col.name}_{SITE}", col.name) + nav + f'<div class="main"><div class="crumb">{crumb}</div>'
           f'<h3>第三期在线访谈：镇长谈乡村振兴</h3><table class="ft_list"><tr><th>网友提问</th><th>提问时间</th><th>状态</th></tr>'
           f'{rows}</table></div>' + FOOT)
    for k, (q, d) in enumerate(qs):
        b.page(f"/hdjl/zxft/{d:%Y%m}/t{d:%Y%m%d}_{k}.html", _head(f"{q}_{col.name}_{SITE}", col.name) + nav +
               f'<div class="main"><div class="crumb">{crumb}</div><p>网友提问：{q}</p><p>提问时间：{d}</p>'
               '<p>回复内容：暂无回复</p></div>' + FOOT)


def _gongshi(b: Builder) -> str:
    """Defect: a 低保 公示 list with full ID numbers and mobiles beside names."""
    rows = "".join(f'<tr><td>{k + 1}</td><td>{n}</td><td>{"东湾村" if k % 2 else "西岭村"}</td>'
                   f'<td>{id_number("330122", dt.date(1950 + 3 * k, 1 + k, 3 + k), 211 + k)}</td>'
                   f'<td>1{38 + k}{5710 + k:04d}{2093 + 7 * k:04d}</td><td>{1 + k % 3}</td></tr>'
                   for k, n in enumerate(NAMES[:5]))
    return ('<p>根据《最低生活保障审核确认办法》，现将2025年第四季度新增低保对象名单公示如下：</p><table border="1">'
            f'<tr><th>序号</th><th>姓名</th><th>村别</th><th>身份证号</th><th>联系电话</th><th>保障人数</th></tr>{rows}</table>'
            '<p>公示期7天，如有异议请向镇社会事务办反映，联系电话：0571-0000001。</p>')


def build(b: Builder) -> None:
    # site identity read off this generator's <head> and footer: exactly the items it lacks
    cols = {n: Column(n, slug, t, url=f"/{slug}/index.html", mode=m)
            for _, members in GROUPS for n, slug, t, m in members}
    c = cols
    b.fill(c["工作动态"], 40, AS_OF - dt.timedelta(days=2), _url("xwzx/gzdt"), step=3, place="青山镇")
    b.fill(c["通知公告"], 12, AS_OF - dt.timedelta(days=9), _url("xwzx/tzgg"), step=12)
    c["通知公告"].sidebar_zanwu = True
    b.fill(c["财政信息"], 6, AS_OF - dt.timedelta(days=420), _url("zwgk/czxx"), step=60)  # stale (plan, 365)
    b.fill(c["行政权力"], 5, AS_OF - dt.timedelta(days=100), _url("zwgk/xzql"), step=40)
    policy_docs(b, c["政策文件"], c["政策解读"], "青政发", _url("zwgk/zcwj"), _url("zwgk/zcjd"), AS_OF - dt.timedelta(days=3),
                with_interp=3, without=2)
    for year in (2024, 2023):  # last year's report is out (due 31 January)
        day = dt.date(year + 1, 1, 18)
        c["政府信息公开年报"].items.append(Item(f"{SITE}{year}年政府信息公开工作年度报告", _url("zwgk/gknb")(day, b.next_id()), day))
    news, notes = c["工作动态"].items, c["通知公告"].items
    news[3].extra = b.dead_page("/xwzx/gzdt/202510/t20251002_999.html")
    news[7].extra = b.dead_image("/xwzx/gzdt/images/P020251101_4.jpg")
    news[12].extra = b.soft404("/xwzx/gzdt/202409/t20240901_777.html")
    news[20].extra = b.dead_external()
    news[30].extra = b.quote_not_found() + b.live_external()
    notes[1].extra = b.dead_attachment("/xwzx/tzgg/202511/P020251120_sbb.doc")
    notes[2].extra = b.waf("/cx/query.do", 403) + b.head405("/xwzx/tzgg/P0201_ssfa.pdf")
    notes[4].extra = b.redirect("/xxgk/index.html", "/zwgk/zcwj/index.html")
    b.expect("missing_column", "重大事项")
    mail = letters(b, _url("hdjl/zzxx"), [
        ("关于青山村道路灯长期不亮的问题", dt.date(2025, 11, 12), dt.date(2025, 11, 18), False),
        ("咨询新农合缴费截止时间", dt.date(2025, 10, 20), None, False),  # open 42 days: a warning, not a veto
        ("东湾村垃圾清运不及时", dt.date(2025, 9, 3), dt.date(2025, 11, 25), False),  # answered in 83 days
        ("反映镇中心小学门口交通拥堵", dt.date(2025, 7, 15), None, True),  # open 139 days: the defect
        ("西岭村饮用水水压不足", dt.date(2025, 3, 2), dt.date(2025, 3, 20), False),
        ("询问宅基地审批流程", dt.date(2024, 8, 5), None, False),  # older than a year: not judged
    ], "青山镇党政办")
    news[5].extra = "<p>会议要求，全体党员干部要不忘出心、牢记使命，扎实做好年末各项工作。</p>"
    b.expect("content_error", "不忘出心")
    news[6].extra = "<p>会议要求，全体党员干部要不忘初心、牢记使命，认真贯彻落实上级决策部署。</p>"  # correct text
    notes[3].extra = _gongshi(b)
    b.expect("privacy_exposure", b.url(notes[3].url))
    nav = _nav(cols)
    for col in cols.values():
        if col.mode == "mailbox":
            _mailbox(b, col, mail, nav)
            continue
        if col.mode == "interview":
            _interviews(b, col, nav)
            continue
        if col.mode == "single":
            _single(b, col, nav)
            continue
        _list(b, col, nav)
        for item in col.items:
            _article(b, col, item, nav)
    b.finish([col for col in cols.values() if col.mode in ("list", "empty", "placeholder", "single")])
    home_news = "".join(f'<li><a href="{i.url}">{esc(i.title)}</a><span>{i.date:%m-%d}</span></li>' for i in news[:8])
    home_notes = "".join(f'<li><a href="{i.url}">{esc(i.title)}</a><span>{i.date}</span></li>' for i in notes[:6])
    b.page("/index.html", _head(SITE) + nav + f'<div class="home"><div class="gzdt"><h3><a href="{c["工作动态"].url}">'
           f'工作动态</a></h3><ul>{home_news}</ul></div><div class="tzgg"><h3>通知公告</h3><ul>{home_notes}</ul></div>'
           '</div>' + FOOT)
    b.routes["/"] = b.routes["/index.html"]
    b.binary("/images/logo.png", "png")
    b.routes["/images/gl.css"] = Response("/* */", content_type="text/css")
    b.routes["/js/common.js"] = Response(PAGER_JS, content_type="application/javascript")
