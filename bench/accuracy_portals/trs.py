"""TRS WCM (拓尔思) township portal: ``./zwgk/zcwj/index.html``, ``index_1.html`` reached only
through the ``createPageHTML(...)`` pager script, articles ``./202405/t20240512_123.html``
with TRS metadata and ``div.TRS_Editor`` bodies (markup after ordos-enggebei-xxgk-list-trs-
pagination.html and shanxi-gov-article-trs.html).

Defects: 404 page / image / attachment, a soft-404 page, a dead external link, the required
column 重大事项 missing, 决策信息 showing only 暂无信息, 财政信息 stale, policy documents
without interpretation. Traps: a mobile duplicate menu, two menu items to one page, a
populated column whose sidebar says 暂无, an article quoting 页面不存在, 403 WAF, a
redirect to a working page, 405 to HEAD.
"""

from __future__ import annotations

import datetime as dt

from .common import AS_OF, Builder, Column, Item, article_extra, esc, policy_docs
from .server import Response

NAME, FAMILY, PROFILE, SITE, SEED = "trs", "TRS WCM", "township", "青山镇人民政府", 11
PER_PAGE = 15
GROUPS = [
    ("走进青山", [("镇情概况", "zjqs/zqgk", "static", "single"), ("机构职能", "zjqs/jgzn", "static", "single"),
              ("领导之窗", "zjqs/ldzc", "static", "single")]),
    ("新闻中心", [("工作动态", "xwzx/gzdt", "news", "list"), ("通知公告", "xwzx/tzgg", "notice", "list")]),
    ("政务公开", [("政策文件", "zwgk/zcwj", "notice", "list"), ("政策解读", "zwgk/zcjd", "notice", "list"),
              ("决策信息", "zwgk/jcxx", "notice", "placeholder"), ("财政信息", "zwgk/czxx", "plan", "list"),
              ("行政权力", "zwgk/xzql", "plan", "list")]),
    ("便民服务", [("便民服务", "bmfw", "static", "single")]),
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
FOOT = ('<div class="footer"><p>主办单位：青山镇人民政府　网站标识码：3301000011　浙ICP备00000011号</p>'
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


def build(b: Builder) -> None:
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
    nav = _nav(cols)
    for col in cols.values():
        if col.mode == "single":
            _single(b, col, nav)
            continue
        _list(b, col, nav)
        for item in col.items:
            _article(b, col, item, nav)
    b.finish(list(cols.values()))
    home_news = "".join(f'<li><a href="{i.url}">{esc(i.title)}</a><span>{i.date:%m-%d}</span></li>' for i in news[:8])
    home_notes = "".join(f'<li><a href="{i.url}">{esc(i.title)}</a><span>{i.date}</span></li>' for i in notes[:6])
    b.page("/index.html", _head(SITE) + nav + f'<div class="home"><div class="gzdt"><h3><a href="{c["工作动态"].url}">'
           f'工作动态</a></h3><ul>{home_news}</ul></div><div class="tzgg"><h3>通知公告</h3><ul>{home_notes}</ul></div>'
           '</div>' + FOOT)
    b.routes["/"] = b.routes["/index.html"]
    b.binary("/images/logo.png", "png")
    b.routes["/images/gl.css"] = Response("/* */", content_type="text/css")
    b.routes["/js/common.js"] = Response(PAGER_JS, content_type="application/javascript")
