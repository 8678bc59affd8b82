"""Hanweb Jcms department portal: column pages ``/col/col3011/index.html`` hold their list as
records inside ``<script type="text/xml"><datastore>…<record><![CDATA[<li>…</li>]]></record>``
that ``jpage.js`` pages through in the browser; articles ``/art/2025/11/30/art_3011_7001.html``.

Defects: 意见征集's datastore has no record (an empty column), 建议提案办理 is stale,
政府信息公开指南 and 政府信息公开年报 are missing, a 404 page, a 404 image, a 404 attachment,
documents without interpretation. Traps: 办事服务 is a menu link to another site (the
column exists), a 403 WAF answer.
"""

from __future__ import annotations

import datetime as dt

from .common import AS_OF, id_number, Builder, Column, Item, article_extra, esc, policy_docs
from .server import Response

NAME, FAMILY, PROFILE, SITE, SEED = "jcms", "Hanweb Jcms", "department", "临江市人力资源和社会保障局", 77
COLS = [  # name, column id, type, mode
    ("工作动态", 3011, "news", "list"), ("通知公告", 3012, "notice", "list"), ("政策文件", 3021, "notice", "list"),
    ("政策解读", 3022, "notice", "list"), ("意见征集", 3023, "notice", "empty"), ("建议提案办理", 3024, "plan", "list"),
    ("权责清单", 3025, "static", "single"), ("部门预决算", 3026, "plan", "list"), ("政府信息公开", 3001, "static", "single"),
]
JPAGE = """function jpage(id, per){var box=document.getElementById(id);var xml=box.querySelector('script[type="text/xml"]');
var recs=xml.textContent.match(/<record><!\\[CDATA\\[([\\s\\S]*?)\\]\\]><\\/record>/g)||[];var ul=document.createElement('ul');
ul.className='list';recs.slice(0,per).forEach(function(r){ul.innerHTML+=r.replace(/^<record><!\\[CDATA\\[|\\]\\]><\\/record>$/g,'');});
box.appendChild(ul);}"""


def _url(colid: int):
    return lambda d, i: f"/art/{d.year}/{d.month}/{d.day}/art_{colid}_{i}.html"


def _head(title: str, column: str = "", extra: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title><meta name="SiteName" content="{SITE}">
<meta name="SiteDomain" content="rsj.linjiang.gov.cn"><meta name="SiteIDCode" content="2201000077">
{f'<meta name="ColumnName" content="{column}">' if column else ''}{extra}<script src="/module/web/jpage/jpage.js"></script>
</head><body><div class="head"><img src="/images/logo.png" alt="{SITE}"></div>"""


def _nav(cols: dict[str, Column], service: str, consult: str) -> str:
    links = "".join(f'<li><a href="{c.url}">{c.name}</a></li>' for c in cols.values())
    return (f'<div class="nav"><ul><li><a href="/index.html">首页</a></li>{links}'
            f'<li><a href="{service}" target="_blank">办事服务</a></li>'
            f'<li><a href="{consult}" target="_blank">在线咨询</a></li></ul></div>')


FOOT = ('<div class="foot">主办单位：临江市人力资源和社会保障局　网站标识码：2201000077　吉ICP备00000077号　吉公网安备 22010002000077号　'
        '咨询电话：12333</div></body></html>')


def _datastore(col: Column, colid: int) -> str:
    recs = "".join(f'<record><![CDATA[<li><a href="{i.url}" target="_blank" title="{esc(i.title)}">{esc(i.title)}</a>'
                   f'<span class="bt-data-time">{i.date}</span></li>]]></record>' for i in col.items)
    return (f'<div id="{colid}"><script type="text/xml"><datastore><nextgroup><![CDATA[]]></nextgroup>'
            f'<recordset>{recs}</recordset></datastore></script></div><script>jpage("{colid}", 15);</script>'
            f'<script>var totalRecord={len(col.items)};</script>')


def _article(b: Builder, col: Column, item: Item, nav: str) -> None:
    box = (f'<table class="xxgk"><tr><td>文号：</td><td>{esc(item.number)}</td><td>发布日期：</td><td>{item.date}</td></tr></table>'
           if item.number else "")
    meta = f'<meta name="ArticleTitle" content="{esc(item.title)}"><meta name="PubDate" content="{item.date} 09:00">'
    b.page(item.url, _head(f"{item.title}", col.name, meta) + nav + f'<div class="main">{box}<h1>{esc(item.title)}</h1>'
           f'<div class="info">发布时间：{item.date} 09:00 信息来源：{SITE}</div><div id="zoom">{b.body()}{article_extra(item)}'
           '</div></div>' + FOOT)


def build(b: Builder) -> None:
    # site identity read off this generator's <head> and footer: exactly the items it lacks
    b.expect("site_identity", "meta:ContentSource")
    b.expect("missing_annual_report", "homepage")  # no 政府信息公开年报 anywhere on the site
    cols = {n: Column(n, str(k), t, url=f"/col/col{k}/index.html", mode=m) for n, k, t, m in COLS}
    ids = {n: k for n, k, *_ in COLS}
    c = cols
    b.fill(c["工作动态"], 40, AS_OF - dt.timedelta(days=2), _url(3011), step=3, place="市人社局")
    b.fill(c["通知公告"], 15, AS_OF - dt.timedelta(days=12), _url(3012), step=10)
    b.fill(c["建议提案办理"], 6, AS_OF - dt.timedelta(days=480), _url(3024), step=20)  # stale: plan, 480 days
    b.fill(c["部门预决算"], 4, dt.date(2025, 2, 20), _url(3026), step=30)
    policy_docs(b, c["政策文件"], c["政策解读"], "临人社发", _url(3021), _url(3022), AS_OF - dt.timedelta(days=15),
                with_interp=3, without=2)
    news = c["工作动态"].items
    news[1].extra = b.dead_page("/art/2025/11/1/art_3011_99999.html")
    news[4].extra = b.dead_image("/picture/0/2511041630.jpg") + b.waf("/module/xxgk/search.jsp", 403)
    c["通知公告"].items[3].extra = b.dead_attachment("/module/download/2025/11/fujian1.docx")
    for name in ("政府信息公开指南", "政府信息公开年报"):
        b.expect("missing_column", name)
    # trap: an 18-digit 业务流水号 that passes the ID check digit, labelled as what it is; office lines
    serial = id_number("220102", dt.date(1985, 6, 1), 517)
    c["通知公告"].items[5].extra = (f'<p>申请人可凭业务流水号：{serial} 查询办理进度，咨询电话：0435-0000001、12333。</p>')
    # the channel: the menu's 在线咨询 opens the province's platform (its messages are not judged here)
    nav = _nav(cols, f"{b.ext}/ok.html", f"{b.ext}/zxzx/index.html")
    for col in cols.values():
        if col.mode == "single":
            b.page(col.url, _head(col.name, col.name) + nav + f'<div class="main"><div id="zoom"><p>{col.name}：本局依法'
                   f'公开权力事项、公开目录等信息。</p>{b.body(2)}</div></div>' + FOOT)
            continue
        b.page(col.url, _head(f"{col.name}", col.name) + nav + f'<div class="main"><div class="bt-position">'
               f'<a href="/">首页</a> &gt; {col.name}</div>{_datastore(col, ids[col.name])}</div>' + FOOT)
        for item in col.items:
            _article(b, col, item, nav)
    b.finish(list(cols.values()))
    b.page("/index.html", _head(SITE) + nav + f'<div class="index-news"><h3>工作动态</h3>{_datastore(c["工作动态"], 3011)}</div>'
           + FOOT)
    b.routes["/"] = b.routes["/index.html"]
    b.binary("/images/logo.png", "png")
    b.routes["/module/web/jpage/jpage.js"] = Response(JPAGE, content_type="application/javascript")
