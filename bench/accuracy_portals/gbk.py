"""An old table-layout township portal served as GBK (after ordos-enggebei-xxgk-list-trs-
pagination.html: ``table.gl_list`` rows, an ordos-style ``document.write`` pager with
``var countPage``). Pages are GBK bytes; lists carry ``<meta charset=gb2312>`` and a bare
``text/html`` header, one article in three is sent with a wrong ``charset=utf-8`` header.

The site is neglected: the homepage is stale, 工作动态 (60 days) and 通知公告 (200 days)
are stale, 重大事项 shows 暂无信息 in its list table, 行政权力 is missing; a 404 page, a
404 attachment, a refused external link, a document without interpretation. Traps: a
static calendar of the current month on the homepage, a populated column whose sidebar
says 暂无信息.
"""

from __future__ import annotations

import datetime as dt

from .common import AS_OF, NAMES, letters, Builder, Column, Item, article_extra, esc, policy_docs

NAME, FAMILY, PROFILE, SITE, SEED = "gbk", "GBK table layout", "township", "龙泉乡人民政府", 66
PER_PAGE = 12
COLS = [  # name, slug, type, mode
    ("乡情概况", "xqgk", "static", "single"), ("机构职能", "jgzn", "static", "single"), ("工作动态", "gzdt", "news", "list"),
    ("通知公告", "tzgg", "notice", "list"), ("法规文件", "fgwj", "notice", "list"), ("政策解读", "zcjd", "notice", "list"),
    ("决策信息", "jcxx", "notice", "list"), ("财政信息", "czxx", "plan", "list"), ("重大事项", "zdsx", "plan", "placeholder"),
    ("办事指南", "bszn", "static", "single"), ("乡长信箱", "xzxx", None, "mailbox"),
]


def _url(slug: str):
    return lambda d, i: f"/{slug}/{d:%Y%m}/t{d:%Y%m%d}_{i}.html"


def _head(title: str, calendar: str = "") -> str:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>{esc(title)}</title>'
            f'<meta name="SiteName" content="{SITE}"></head><body><table width="980" border="0" align="center" cellpadding="0" '
            f'cellspacing="0"><tr><td height="120" background="/images/top.jpg">{calendar}</td></tr></table>')


def _nav(cols: list[Column]) -> str:
    cells = "".join(f'<td width="90" align="center"><a href="{c.url}" target="_self">{c.name}</a></td>' for c in cols)
    return f'<table width="980" align="center" class="nav"><tr><td><a href="/">首页</a></td>{cells}</tr></table>'


FOOT = ('<table width="980" align="center"><tr><td align="center" class="foot">主办：龙泉乡人民政府　网站标识码：5101000066'
        '　蜀ICP备00000066号</td></tr></table></body></html>')


def _pager(count: int, current: int) -> str:
    return (f'<td height="30" class="page"><script>\nvar currentPage = {current};//所在页从0开始\nvar countPage = {count}//共多少页\n'
            'document.write("&nbsp;<a href=\\"index."+"html\\">首页</a>&nbsp;|");\n'
            'for(var i=0 ; i<=6 && (i<countPage); i++){\nif(currentPage==i) document.write("&nbsp;"+(i+1)+"&nbsp;|");\n'
            'else if(i==0) document.write("&nbsp;<a href=\\"index.html\\">1</a>&nbsp;|");\n'
            'else document.write("&nbsp;<a href=\\"index"+"_" + i + "."+"html\\">"+(i+1)+"</a>&nbsp;|");}\n</script></td>')


def _list(b: Builder, col: Column, nav: str) -> None:
    base = col.url.rsplit("/", 1)[0]
    pages = [col.items[i:i + PER_PAGE] for i in range(0, len(col.items), PER_PAGE)] or [[]]
    side = '<td width="200" valign="top"><table><tr><td>图片新闻</td></tr><tr><td>暂无信息</td></tr></table></td>'
    for p, chunk in enumerate(pages):
        if col.mode == "placeholder":
            rows = '<tr><td align="center" height="200">暂无信息</td></tr>'
        else:
            rows = "".join(f'<tr valign="top"><td width="25"><img src="/images/ico2.jpg"></td><td width="550">'
                           f'<a href=".{i.url[len(base):]}">{esc(i.title)}</a></td><td>{i.date}</td></tr>' for i in chunk)
        pager = f"<tr>{_pager(len(pages), p)}</tr>" if len(pages) > 1 else ""
        b.page(f"{base}/index.html" if p == 0 else f"{base}/index_{p}.html", _head(f"{col.name}-{SITE}") + nav +
               f'<table width="980" align="center"><tr>{side if col.sidebar_zanwu else ""}<td valign="top">'
               f'<table width="682" class="gl_list">{rows}</table><table>{pager}</table></td></tr></table>' + FOOT,
               charset="gbk", header_charset=None)


def _article(b: Builder, col: Column, item: Item, nav: str, wrong: bool) -> None:
    b.page(item.url, _head(f"{item.title}-{SITE}") + nav +
           f'<table width="980" align="center"><tr><td align="center" class="bt">{esc(item.title)}</td></tr><tr><td align="center">'
           f'发布日期：{item.date}　来源：{SITE}</td></tr><tr><td class="TRS_Editor">{b.body(2)}{article_extra(item)}</td></tr>'
           '</table>' + FOOT, charset="gbk", header_charset="utf-8" if wrong else "gbk")


def _calendar() -> str:
    first = AS_OF.replace(day=1)
    cells = ["<td></td>"] * first.weekday() + [f"<td>{d}</td>" for d in range(1, 32)]
    rows = "".join("<tr>" + "".join(cells[i:i + 7]) + "</tr>" for i in range(0, len(cells), 7))
    return f'<table class="calendar"><caption>{AS_OF:%Y年%m月}</caption>{rows}</table>'


def build(b: Builder) -> None:
    # site identity read off this generator's <head> and footer: exactly the items it lacks
    b.expect("site_identity", "meta:SiteDomain")
    b.expect("site_identity", "meta:SiteIDCode")
    b.expect("site_identity", "meta:ColumnName")
    b.expect("site_identity", "meta:ArticleTitle")
    b.expect("site_identity", "meta:PubDate")
    b.expect("site_identity", "meta:ContentSource")
    b.expect("site_identity", "footer:公安机关备案号")
    b.expect("site_identity", "footer:联系方式")
    b.expect("missing_annual_report", "homepage")  # no 政府信息公开年报 anywhere on the site
    cols = {n: Column(n, s, t, url=f"/{s}/index.html", mode=m) for n, s, t, m in COLS}
    c = cols
    b.fill(c["工作动态"], 30, AS_OF - dt.timedelta(days=60), _url("gzdt"), step=7, place="龙泉乡")  # stale
    c["工作动态"].sidebar_zanwu = True
    b.fill(c["通知公告"], 9, AS_OF - dt.timedelta(days=200), _url("tzgg"), step=25)  # stale
    b.fill(c["决策信息"], 5, AS_OF - dt.timedelta(days=90), _url("jcxx"), step=30)
    b.fill(c["财政信息"], 4, AS_OF - dt.timedelta(days=300), _url("czxx"), step=90)
    policy_docs(b, c["法规文件"], c["政策解读"], "龙政发", _url("fgwj"), _url("zcjd"), AS_OF - dt.timedelta(days=70),
                with_interp=2, without=1)
    news = c["工作动态"].items
    news[0].extra = b.dead_page("/gzdt/202509/t20250920_5001.html")
    news[2].extra = b.dead_attachment("/gzdt/202509/P020250915_fa.doc", "附件：实施方案")
    news[5].extra = b.dead_external(refused=True)
    b.expect("stale_homepage", "homepage")
    b.expect("missing_column", "行政权力")
    mail = letters(b, _url("xzxx"), [
        ("反映三组通组公路塌方无人处理", dt.date(2025, 11, 5), dt.date(2025, 11, 10), False),
        ("咨询城乡居民养老保险补缴政策", dt.date(2025, 10, 8), None, False),  # 处理中 54 days: not yet due
        ("龙泉村自来水管网改造进度", dt.date(2025, 8, 12), None, True),  # 待回复 111 days: the defect
        ("建议增设乡卫生院周末门诊", dt.date(2025, 4, 16), dt.date(2025, 5, 6), False),
    ], "乡党政办")
    # defect: a 临时救助 公示 with mobiles beside the recipients' names, one a line
    lines = "".join(f"<p>{n}　{'龙泉村' if k % 2 else '石门村'}　1{39 - k}{4021 + 3 * k:04d}{7310 + k:04d}　救助金额800元</p>"
                    for k, n in enumerate(NAMES[2:6]))
    c["通知公告"].items[1].extra = f"<p>2025年第二季度临时救助对象公示名单如下：</p>{lines}<p>监督电话：028-0000001</p>"
    b.expect("privacy_exposure", b.url(c["通知公告"].items[1].url))
    nav = _nav(list(cols.values()))
    n = 0
    for col in cols.values():
        if col.mode == "mailbox":
            rows = "".join(f'<tr><td><a href="{m.url}">{esc(m.title)}</a></td><td>{m.posted}</td><td>'
                           f'{"已办结" if m.replied else ("处理中" if m.posted.month == 10 else "待回复")}</td></tr>' for m in mail)
            b.page(col.url, _head(f"{col.name}-{SITE}") + nav + '<table width="980" align="center"><tr><td class="title">'
                   f'当前位置：首页 &gt;&gt; {col.name}</td></tr></table><table width="980" align="center" class="xx_list">'
                   f'<tr><td>留言标题</td><td>留言时间</td><td>状态</td></tr>{rows}</table>' + FOOT, charset="gbk",
                   header_charset=None)
            for m in mail:
                reply = (f"<tr><td>回复时间：{m.replied}</td></tr><tr><td>回复内容：{m.reply}</td></tr>" if m.replied
                         else "<tr><td>回复内容：</td></tr>")
                b.page(m.url, _head(f"{m.title}-{SITE}") + nav + f'<table width="980" align="center"><tr><td>'
                       f'当前位置：首页 &gt;&gt; {col.name}</td></tr><tr><td>留言标题：{esc(m.title)}</td></tr>'
                       f'<tr><td>留言时间：{m.posted}</td></tr>{reply}</table>' + FOOT, charset="gbk", header_charset=None)
            continue
        if col.mode == "single":
            b.page(col.url, _head(f"{col.name}-{SITE}") + nav + f'<table width="980" align="center"><tr><td class="TRS_Editor">'
                   f'<p>{col.name}：龙泉乡地处山区，辖9个行政村，总面积120平方公里。</p>{b.body(2)}</td></tr></table>' + FOOT,
                   charset="gbk", header_charset=None)
            continue
        _list(b, col, nav)
        for item in col.items:
            n += 1
            _article(b, col, item, nav, wrong=n % 3 == 0)
    b.finish([col for col in cols.values() if col.mode != "mailbox"])
    rows = "".join(f'<tr><td><a href="{i.url}">{esc(i.title)}</a></td><td>{i.date}</td></tr>' for i in news[:6])
    notes = "".join(f'<tr><td><a href="{i.url}">{esc(i.title)}</a></td><td>{i.date}</td></tr>' for i in c["通知公告"].items[:4])
    b.page("/index.html", _head(SITE, _calendar()) + nav + f'<table width="980" align="center"><tr><td valign="top"><table>'
           f'<tr><td class="tit">工作动态</td></tr>{rows}</table></td><td valign="top"><table><tr><td class="tit">通知公告</td>'
           f'</tr>{notes}</table></td></tr></table>' + FOOT, charset="gbk")
    b.routes["/"] = b.routes["/index.html"]
    for img in ("/images/top.jpg", "/images/ico2.jpg"):
        b.binary(img, "png")
