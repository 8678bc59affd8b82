"""A classic ASP township portal with query URLs and thousands of articles: lists
``list.asp?classid=5&page=12`` (a window of page numbers plus 尾页), articles
``show.asp?id=2345`` (4-digit ids, many of which look like years), table layouts.

About 2,300 articles, so an audit that stops early misses the defects planted on the
oldest pages. Defects: a 404 article and a soft-404 article (show.asp answering 200 with
"该信息不存在"), a 404 image on the oldest news page, a 404 attachment deep in 通知公告,
决策信息 and 行政权力 missing, documents without interpretation. Traps: 4-digit ids,
405 to HEAD on download.asp, a 403 WAF page.
"""

from __future__ import annotations

import datetime as dt

from .common import AS_OF, SOFT_404, Builder, Column, Item, article_extra, esc, policy_docs

NAME, FAMILY, PROFILE, SITE, SEED = "asp", "classic ASP", "township", "石桥镇人民政府", 55
PER_PAGE, WINDOW = 20, 5
COLS = [  # name, classid, type, mode
    ("镇情简介", 1, "static", "single"), ("工作动态", 2, "news", "list"), ("通知公告", 3, "notice", "list"),
    ("政策法规", 4, "notice", "list"), ("财政公开", 5, "plan", "list"), ("政策解读", 6, "notice", "list"),
    ("重大项目", 7, "plan", "list"), ("机构设置", 8, "static", "single"), ("便民服务", 9, "static", "single"),
]


def _head(title: str) -> str:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{esc(title)}</title>'
            f'<meta name="SiteName" content="{SITE}"></head><body topmargin="0"><table width="1000" align="center">'
            f'<tr><td><img src="images/top.jpg" width="1000" height="150"></td></tr></table>')


def _nav(cols: list[Column]) -> str:
    cells = "".join(f'<td class="navtd"><a href="{c.url}">{c.name}</a></td>' for c in cols)
    return f'<table width="1000" align="center" class="nav"><tr><td><a href="index.asp">网站首页</a></td>{cells}</tr></table>'


FOOT = ('<table width="1000" align="center" class="foot"><tr><td>版权所有：石桥镇人民政府　网站标识码：4201000055　'
        '鄂ICP备00000055号<br>地址：石桥镇人民路8号　电话：0710-0000000</td></tr></table></body></html>')


def _page_url(classid: int, p: int) -> str:
    return f"list.asp?classid={classid}" + (f"&page={p}" if p > 1 else "")


def _list(b: Builder, col: Column, classid: int, nav: str) -> None:
    pages = [col.items[i:i + PER_PAGE] for i in range(0, len(col.items), PER_PAGE)] or [[]]
    n = len(pages)
    for p, chunk in enumerate(pages, start=1):
        rows = "".join(f'<tr><td class="listtd">·<a href="{i.url.lstrip("/")}" target="_blank">{esc(i.title)}</a></td>'
                       f'<td width="100">[{i.date}]</td></tr>' for i in chunk)
        nums = " ".join(f'<a href="{_page_url(classid, k)}">[{k}]</a>' if k != p else f"<b>[{k}]</b>"
                        for k in range(max(1, p - WINDOW), min(n, p + WINDOW) + 1))
        pager = (f'<tr><td colspan="2" align="center">共{len(col.items)}条 第{p}/{n}页 <a href="{_page_url(classid, 1)}">首页</a> '
                 f'{nums} <a href="{_page_url(classid, n)}">尾页</a></td></tr>')
        b.page("/" + _page_url(classid, p), _head(f"{col.name}-{SITE}") + nav +
               f'<table width="1000" align="center"><tr><td class="title">当前位置：首页 &gt;&gt; {col.name}</td></tr></table>'
               f'<table width="1000" align="center" class="list">{rows}{pager}</table>' + FOOT)


def _article(b: Builder, col: Column, item: Item, nav: str) -> None:
    b.page(item.url, _head(f"{item.title}-{SITE}") + nav +
           f'<table width="1000" align="center"><tr><td align="center" class="arttitle">{esc(item.title)}</td></tr>'
           f'<tr><td align="center">发布时间：{item.date} 10:21:33　点击数：{b.rng.randint(20, 900)}　栏目：{col.name}</td></tr>'
           f'<tr><td class="content">{b.body(2)}{article_extra(item)}</td></tr></table>' + FOOT)


def build(b: Builder) -> None:
    # site identity read off this generator's <head> and footer: exactly the items it lacks
    b.expect("site_identity", "meta:SiteDomain")
    b.expect("site_identity", "meta:SiteIDCode")
    b.expect("site_identity", "meta:ColumnName")
    b.expect("site_identity", "meta:ArticleTitle")
    b.expect("site_identity", "meta:PubDate")
    b.expect("site_identity", "meta:ContentSource")
    b.expect("site_identity", "footer:公安机关备案号")
    b.expect("missing_annual_report", "homepage")  # no 政府信息公开年报 anywhere on the site
    cols = {n: Column(n, str(k), t, url=f"list.asp?classid={k}" if m == "list" else f"about.asp?classid={k}", mode=m)
            for n, k, t, m in COLS}
    c = cols
    placeholder = lambda d, i: ""  # noqa: E731 — real ids are assigned below, oldest first
    b.fill(c["工作动态"], 1250, AS_OF - dt.timedelta(days=1), placeholder, step=2, place="石桥镇")
    b.fill(c["通知公告"], 500, AS_OF - dt.timedelta(days=8), placeholder, step=5)
    pairs = policy_docs(b, c["政策法规"], c["政策解读"], "石政发", placeholder, placeholder, AS_OF - dt.timedelta(days=5),
                with_interp=3, without=2)
    b.fill(c["政策法规"], 300, AS_OF - dt.timedelta(days=150), placeholder, step=6)
    b.fill(c["财政公开"], 200, AS_OF - dt.timedelta(days=30), placeholder, step=10)
    b.fill(c["重大项目"], 150, AS_OF - dt.timedelta(days=45), placeholder, step=12)
    items = sorted((i for col in cols.values() for i in col.items), key=lambda i: i.date)
    for n, item in enumerate(items):
        item.url = f"/show.asp?id={1001 + n}"
    for doc, interp in pairs:  # the links between documents and interpretations, now that ids exist
        doc.interp, interp.interp = interp.url, doc.url
    news, notes = c["工作动态"].items, c["通知公告"].items
    news[0].extra = b.dead_page("/show.asp?id=9999") + b.head405("/download.asp?id=12")
    b.page("/show.asp?id=9998", SOFT_404)
    b.expect("dead_link", b.url("/show.asp?id=9998"))
    news[1].extra = '<p>相关新闻：<a href="show.asp?id=9998">我镇召开年度工作总结会</a></p>' + b.waf("/admin/login.asp", 403)
    news[-3].extra = b.dead_image("/UploadFile/2019/11/201911051023.jpg")  # on the oldest news page
    notes[430].extra = b.dead_attachment("/UploadFile/2023/sbb.doc")
    news[2].extra = "<p>镇党委对冬春农田水利建设进行安排布署，要求各村按时完成任务。</p>"
    b.expect("content_error", "安排布署")
    b.expect("missing_column", "决策信息")
    b.expect("missing_column", "行政权力")
    nav = _nav(list(cols.values()))
    for name, classid, _, mode in COLS:
        col = cols[name]
        if mode == "single":
            b.page("/" + col.url, _head(f"{name}-{SITE}") + nav + f'<table width="1000" align="center"><tr><td class="content">'
                   f'<p>{name}：石桥镇位于县城西部，辖18个行政村，总人口4.1万人。</p>{b.body(2)}</td></tr></table>' + FOOT)
            continue
        _list(b, col, classid, nav)
        for item in col.items:
            _article(b, col, item, nav)
    b.finish(list(cols.values()))
    rows = "".join(f'<tr><td>·<a href="{i.url.lstrip("/")}">{esc(i.title)}</a></td><td>{i.date:%m-%d}</td></tr>' for i in news[:8])
    # the only channel: a textless image banner to the provincial platform (its address says 12345)
    banner = (f'<table width="1000" align="center"><tr><td><a href="{b.ext}/12345/index.html" target="_blank">'
              '<img src="images/rx.gif" width="300" height="80" border="0"></a></td></tr></table>')
    b.page("/index.asp", _head(SITE) + nav + f'<table width="1000" align="center" class="index"><tr><td class="tit">工作动态</td>'
           f'</tr>{rows}</table>' + banner + FOOT)
    b.binary("/images/rx.gif", "png")
    b.routes["/"] = b.routes["/index.asp"]
    b.binary("/images/top.jpg", "png")
