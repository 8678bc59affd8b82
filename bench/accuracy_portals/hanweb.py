"""Hanweb (大汉) county portal: columns ``/col/col1234/index.html`` (pages ``?uid=..&pageNum=2``),
articles ``/art/2025/5/12/art_1234_5678.html`` with the xxgk metadata box (markup after
jiangxi-prov-policy-doc-hanweb-links-jiedu.html and zj-fgw-article-hanweb.html).

Defects: a 404 article, a 404 image, a refused external link, 通知公告 an empty container,
部门动态 stale, 机构职能 and 互动交流 missing, documents without interpretation.
Traps: drop-down panels holding headlines and leader names (not columns), 401 and 429
that never clear (unverifiable, not dead), a populated column whose sidebar says 暂无.
"""

from __future__ import annotations

import datetime as dt

from .server import Response
from .common import AS_OF, NAMES, guide_dl, id_number, masked_id, Builder, Column, Item, article_extra, esc, policy_docs

NAME, FAMILY, PROFILE, SITE, SEED = "hanweb", "Hanweb 大汉", "county", "清河县人民政府", 22
PER_PAGE = 12
GROUPS = [
    ("走进清河", [("县情概况", 1201, "static", "single"), ("领导之窗", 1202, "static", "single")]),
    ("新闻中心", [("政务要闻", 1211, "news", "list"), ("部门动态", 1212, "news", "list"),
              ("乡镇动态", 1213, "news", "list")]),
    ("政务公开", [("政府信息公开", 1221, "static", "single"), ("政策文件", 1222, "notice", "list"),
              ("政策解读", 1223, "notice", "list"), ("通知公告", 1224, "notice", "empty")]),
    ("办事服务", [("办事服务", 1231, "static", "single")]),
]
LEADERS = [("县委副书记、县长", "王建国"), ("县委常委、常务副县长", "李志强"), ("副县长", "赵红梅")]


def _url(colid: int):
    return lambda d, i: f"/art/{d.year}/{d.month}/{d.day}/art_{colid}_{i}.html"


def _head(title: str, column: str = "", extra: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)}</title><meta name="SiteName" content="{SITE}"><meta name="SiteDomain" content="www.qinghe.gov.cn">
<meta name="SiteIDCode" content="1305000022">{f'<meta name="ColumnName" content="{column}">' if column else ''}{extra}
<script src="/script/0/jquery.min.js"></script></head><body><div class="header"><img src="/images/logo.png" alt="{SITE}"></div>"""


def _nav(cols: dict[str, Column], headlines: list[Item], leaders: list[Item]) -> str:
    out = ['<div class="nav"><ul><li class="nav-home"><a href="/index.html">首页</a></li>']
    for group, members in GROUPS:
        out.append(f'<li class="nav-item"><a href="{cols[members[0][0]].url}">{group}</a><div class="nav-drop">')
        out.append('<div class="drop-cols">' + "".join(f'<a href="{cols[n].url}">{n}</a>' for n, *_ in members) + "</div>")
        if group == "新闻中心":  # trap: a panel of headlines inside the drop-down
            out.append('<ul class="drop-news">' + "".join(f'<li><a href="{i.url}">{esc(i.title)}</a><span>{i.date}</span></li>'
                                                        for i in headlines) + "</ul>")
        if group == "走进清河":  # trap: leader names inside the drop-down
            out.append('<ul class="drop-leaders">' + "".join(f'<li><a href="{i.url}">{esc(i.title)}</a></li>'
                                                           for i in leaders) + "</ul>")
        out.append("</div></li>")
    return "\n".join(out) + "</ul></div>"


FOOT = ('<div class="footer"><p>主办：清河县人民政府办公室　网站标识码：1305000022　冀ICP备00000022号</p>'
        '<p>冀公网安备 13050002000022号　联系电话：0319-0000000</p></div></body></html>')


def _list(b: Builder, col: Column, nav: str, colid: int) -> None:
    side = '<div class="side"><div class="tit">热点推荐</div><div class="con">暂无</div></div>' if col.sidebar_zanwu else ""
    pages = [col.items[i:i + PER_PAGE] for i in range(0, len(col.items), PER_PAGE)] or [[]]
    for p, chunk in enumerate(pages):
        rows = "".join(f'<li><a href="{i.url}" title="{esc(i.title)}" target="_blank">{esc(i.title)}</a>'
                       f'<span class="bt-data-time">{i.date:%Y-%m-%d}</span></li>' for i in chunk)
        pager = ""
        if len(pages) > 1:
            links = [f'<a href="/col/col{colid}/index.html?uid={colid + 4000}&pageNum={n + 1}">{n + 1}</a>'
                     for n in range(len(pages)) if n != p]
            pager = f'<div class="default_pgContainer_page">共{len(pages)}页 {"".join(links)}</div>'
        path = col.url if p == 0 else f"/col/col{colid}/index.html?uid={colid + 4000}&pageNum={p + 1}"
        b.page(path, _head(f"{col.name} {SITE}", col.name) + nav +
               f'<div class="main">{side}<div class="bt-position">当前位置：<a href="/">首页</a> &gt; {col.name}</div>'
               f'<div class="default_pgContainer"><ul class="bt-list">{rows}</ul></div>{pager}</div>' + FOOT)


def _article(b: Builder, col: Column, item: Item, nav: str) -> None:
    box = ""
    if item.number:
        box = (f'<table class="xxgk_table"><tr><td>索引号：</td><td>013050-{item.date:%Y}-00{item.date:%j}</td>'
               f'<td>文 号：</td><td>{esc(item.number)}</td></tr><tr><td>发布机构：</td><td>{SITE}办公室</td>'
               f'<td>成文日期：</td><td>{item.date}</td></tr></table>')
    meta = f'<meta name="ArticleTitle" content="{esc(item.title)}"><meta name="PubDate" content="{item.date} 10:12">'
    b.page(item.url, _head(f"{item.title} {SITE}", col.name, meta) + nav +
           f'<div class="main">{box}<div class="sp_title">{esc(item.title)}</div><div class="sp_time">'
           f'<font>发布日期：{item.date}</font><font>信息来源：{SITE}</font></div><div id="zoom">{b.body()}'
           f'{article_extra(item)}</div></div>' + FOOT)


def build(b: Builder) -> None:
    # site identity read off this generator's <head> and footer: exactly the items it lacks
    b.expect("site_identity", "meta:ContentSource")
    b.expect("missing_annual_report", "homepage")  # no 政府信息公开年报 anywhere on the site
    cols = {n: Column(n, str(cid), t, url=f"/col/col{cid}/index.html", mode=m)
            for _, members in GROUPS for n, cid, t, m in members}
    ids = {n: cid for _, members in GROUPS for n, cid, *_ in members}
    c = cols
    b.fill(c["政务要闻"], 30, AS_OF - dt.timedelta(days=1), _url(1211), step=2, place="清河县")
    b.fill(c["部门动态"], 14, AS_OF - dt.timedelta(days=41), _url(1212), step=6)  # stale: news, 41 days
    b.fill(c["乡镇动态"], 10, AS_OF - dt.timedelta(days=5), _url(1213), step=4)
    c["乡镇动态"].sidebar_zanwu = True
    policy_docs(b, c["政策文件"], c["政策解读"], "清政发", _url(1222), _url(1223), AS_OF - dt.timedelta(days=4),
                with_interp=4, without=2)
    news = c["政务要闻"].items
    news[2].extra = b.dead_page("/art/2025/10/9/art_1211_99901.html")
    news[5].extra = b.dead_image("/picture/0/2510091530123.jpg")
    news[9].extra = b.dead_external(refused=True)
    news[11].extra = b.waf("/module/search/index.jsp", 429) + b.live_external()
    news[16].extra = (f'<p>对{NAMES[0]}等3户、统一社会信用代码 91130500MA0A{b.rng.randint(10000, 99999)}X 的企业予以表彰；'
                      f'受表彰个人{NAMES[1]}（身份证号 {masked_id(id_number("130522", dt.date(1971, 4, 9), 338))}，'
                      '联系电话 0319-0000001）。</p>')  # trap: a credit code, a masked ID, an office line
    news[15].extra = b.waf("/module/download/downfile.jsp?classid=0&filename=2511.pdf", 401)
    leaders = [Item(f"{post} {who}", _url(1202)(dt.date(2025, 1, 6), 880 + k), dt.date(2025, 1, 6))
               for k, (post, who) in enumerate(LEADERS)]
    b.expect("missing_column", "机构职能")
    b.expect("missing_column", "互动交流")
    nav = _nav(cols, news[:3], leaders)
    for leader in leaders:
        leader.extra = "<p>负责县政府全面工作。</p>"
        _article(b, c["领导之窗"], leader, nav)
    # 办事服务: a catalogue table of services (elements as headers, one row a service: no guide) and
    # one complete guide written as a definition list
    guide_url = "/art/2025/6/3/art_1231_7701.html"
    catalogue = ('<table class="sxml"><tr><th>事项名称</th><th>办理机构</th><th>办理时限</th><th>收费标准</th><th>办事指南</th></tr>'
                 f'<tr><td>城乡居民最低生活保障</td><td>县民政局</td><td>30个工作日</td><td>不收费</td><td><a href="{guide_url}">查看</a></td></tr>'
                 '<tr><td>残疾人两项补贴</td><td>县残联</td><td>20个工作日</td><td>不收费</td><td>—</td></tr>'
                 '<tr><td>临时救助</td><td>县民政局</td><td>15个工作日</td><td>不收费</td><td>—</td></tr></table>')
    guide = guide_dl([("事项名称", "城乡居民最低生活保障"), ("设定依据", "《社会救助暂行办法》"), ("申请条件", "共同生活的家庭成员人均收入低于当地低保标准"),
                      ("所需材料", "户口簿、身份证、家庭收入情况说明"), ("受理地点", "户籍所在地乡镇人民政府"), ("受理机构", "乡镇人民政府"),
                      ("是否收费", "否"), ("办理时限", "30个工作日"), ("咨询电话", "0319-0000003"), ("办理流程", "申请—审核—公示—审批")])
    b.page(guide_url, _head(f"城乡居民最低生活保障办事指南 {SITE}", "办事服务") + nav +
           f'<div class="main"><div class="sp_title">城乡居民最低生活保障办事指南</div><div id="zoom">{guide}</div></div>' + FOOT)
    for col in cols.values():
        if col.name == "办事服务":
            b.page(col.url, _head(f"{col.name} {SITE}", col.name) + nav + f'<div class="main"><div id="zoom">{catalogue}</div></div>'
                   + FOOT)
            continue
        if col.mode == "single":
            text = f"<p>{col.name}：清河县位于省境东南部，辖6镇3乡，总面积502平方公里。</p>" + b.body(2)
            b.page(col.url, _head(f"{col.name} {SITE}", col.name) + nav + f'<div class="main"><div id="zoom">{text}</div></div>'
                   + FOOT)
            continue
        _list(b, col, nav, ids[col.name])
        for item in col.items:
            _article(b, col, item, nav)
    b.finish(list(cols.values()))
    rows = "".join(f'<li><a href="{i.url}">{esc(i.title)}</a><span>[{i.date:%m-%d}]</span></li>' for i in news[:8])
    # the county's channel: an image banner to the provincial 12345 platform (no 互动交流 menu section)
    banner = (f'<div class="index-banner"><a href="{b.ext}/hotline/12345/wsly.html" target="_blank">'
              '<img src="/images/12345.png" alt="12345政务服务便民热线"></a></div>')
    b.page("/index.html", _head(SITE) + nav + f'<div class="index-news"><div class="tab"><a href="{c["政务要闻"].url}">'
           f'政务要闻</a></div><ul>{rows}</ul></div>' + banner + FOOT)
    b.binary("/images/12345.png", "png")
    b.routes["/"] = b.routes["/index.html"]
    b.binary("/images/logo.png", "png")
    b.routes["/script/0/jquery.min.js"] = Response("/* jquery */", content_type="application/javascript")
