"""JEECMS district portal, ``.jhtml`` everywhere; list dates show only MM-DD, the year sits in an
HTML comment (``<span class="date"><!-- 2018-->07-04</span>``, after taiyuan-xinghualing-
district-list-p1-jeecms.html).

Defects: the homepage is stale (newest item 42 days old) and so is 杏林要闻; 通知公告's
newest item is from 2018 (the year only in the comment); 办事服务 is missing; a 404
attachment and image; documents without interpretation. Traps: "今天是2025年12月1日" in
the header, an endless activity calendar (``rili.jhtml?date=``), a navigation page for
政务公开 that only lists its sub-columns.
"""

from __future__ import annotations

import datetime as dt

from .common import AS_OF, letters, Builder, Column, Item, article_extra, esc, policy_docs

NAME, FAMILY, PROFILE, SITE, SEED = "jeecms", "JEECMS", "county", "杏林区人民政府", 44
ROOT, PER_PAGE = "/xinglin", 20
COLS = [  # name, slug, type, mode, in the 政务公开 drop-down
    ("区情概况", "qqgk", "static", "single", False), ("机构设置", "jgsz", "static", "single", False),
    ("领导之窗", "ldzc", "static", "single", False), ("杏林要闻", "xlyw", "news", "list", False),
    ("政策法规", "zcfg", "notice", "list", True), ("政策解读", "zcjd", "notice", "list", True),
    ("通知公告", "tzgg", "notice", "list", True), ("领导信箱", "ldxx", "plan", "list", False),
]


def _url(slug: str):
    return lambda d, i: f"{ROOT}/article/{slug}/8a8080956{i:07d}.jhtml"


def _date(d: dt.date) -> str:
    return f'<span class="date" style="">\n<!--\t\t\t\t\t\t{d.year}-->\n\t\t\t\t\t\t{d:%m-%d}\n\n\t\t\t\t\t\t</span>'


def _head(title: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)}</title><meta name="SiteName" content="{SITE}"><meta name="SiteIDCode" content="1401070044">{extra}
</head><body><div class="top"><span class="today">今天是{AS_OF:%Y年%m月%d日} 星期一</span>
<a href="{ROOT}/rili.jhtml?date={AS_OF}">活动日历</a></div><div class="banner"><img src="{ROOT}/r/cms/www/img/banner.jpg"></div>"""


def _nav(cols: dict[str, Column]) -> str:
    out = [f'<div class="nav"><ul><li><a href="{ROOT}/index.jhtml">首页</a></li>']
    for name, _, _, _, sub in COLS:
        if not sub:
            out.append(f'<li><a href="{cols[name].url}">{name}</a></li>')
    drop = "".join(f'<li><a href="{cols[n].url}">{n}</a></li>' for n, *_, sub in COLS if sub)
    out.insert(5, f'<li><a href="{ROOT}/child/zwgk/index.jhtml">政务公开</a><ul class="erji">{drop}</ul></li>')
    return "".join(out) + "</ul></div>"


FOOT = ('<div class="foot">主办：杏林区人民政府办公室　网站标识码：1401070044　晋ICP备00000044号　电话：0351-0000000'
        '</div></body></html>')


def _list(b: Builder, col: Column, nav: str) -> None:
    pages = [col.items[i:i + PER_PAGE] for i in range(0, len(col.items), PER_PAGE)] or [[]]
    base = col.url.rsplit("/", 1)[0]
    for p, chunk in enumerate(pages):
        rows = "".join(f'<li class=""><a target="_blank" href="{i.url}" title="{esc(i.title)}" class="arrow_1">\n'
                       f'{esc(i.title)}\n</a>\n{_date(i.date)}</li>' for i in chunk)
        links = "".join(f'<a href="{base}/index{"" if n == 0 else f"_{n + 1}"}.jhtml">{n + 1}</a>' for n in range(len(pages)))
        pager = f'<div class="pagination">每页{PER_PAGE}行 共{len(col.items)}行 共{len(pages)}页 {links}</div>' if len(pages) > 1 else ""
        b.page(f"{base}/index{'' if p == 0 else f'_{p + 1}'}.jhtml", _head(f"{col.name}-{SITE}") + nav +
               f'<div class="center_right"><div class="content_title">{col.name}</div><div class="list"><ul id="dataGrid">'
               f'{rows}</ul></div>{pager}</div>' + FOOT)


def _article(b: Builder, item: Item, nav: str) -> None:
    b.page(item.url, _head(f"{item.title}-{SITE}", f'<meta name="PubDate" content="{item.date}">') + nav +
           f'<div class="content"><h2>{esc(item.title)}</h2><div class="msgbar">发布时间：{item.date}　来源：{SITE}</div>'
           f'<div class="content_text">{b.body()}{article_extra(item)}</div></div>' + FOOT)


def build(b: Builder) -> None:
    # site identity read off this generator's <head> and footer: exactly the items it lacks
    b.expect("site_identity", "meta:SiteDomain")
    b.expect("site_identity", "meta:ColumnName")
    b.expect("site_identity", "meta:ArticleTitle")
    b.expect("site_identity", "meta:ContentSource")
    b.expect("site_identity", "footer:公安机关备案号")
    # the activity calendar (rili.jhtml) is a bare page of its own: no SiteName, no SiteIDCode either
    b.expect("site_identity", "meta:SiteName")
    b.expect("site_identity", "meta:SiteIDCode")
    b.expect("missing_annual_report", "homepage")  # no 政府信息公开年报 anywhere on the site
    b.calendar(f"{ROOT}/rili.jhtml")
    cols = {n: Column(n, s, t, url=f"{ROOT}/child/{s}/index.jhtml", mode=m) for n, s, t, m, _ in COLS}
    c = cols
    b.fill(c["杏林要闻"], 30, AS_OF - dt.timedelta(days=42), _url("xlyw"), step=4, place="杏林区")  # stale news
    b.fill(c["通知公告"], 25, dt.date(2018, 7, 4), _url("tzgg"), step=20)  # newest 2018: stale
    mail = letters(b, _url("ldxx"), [  # every letter answered within 3 months (traps)
        ("关于杏林路夜间施工噪音扰民的反映", dt.date(2025, 10, 12), dt.date(2025, 10, 20), False),
        ("咨询区属公办幼儿园招生划片范围", dt.date(2025, 8, 28), dt.date(2025, 11, 24), False),  # 88 days
        ("建议在东湖公园增设公共厕所", dt.date(2025, 6, 17), dt.date(2025, 7, 2), False),
        ("老旧小区加装电梯补贴如何申请", dt.date(2025, 3, 5), dt.date(2025, 3, 19), False),
    ], "区政府办公室")
    c["领导信箱"].items = [Item(m.title, m.url, m.posted) for m in mail]
    policy_docs(b, c["政策法规"], c["政策解读"], "杏政发", _url("zcfg"), _url("zcjd"), AS_OF - dt.timedelta(days=60),
                with_interp=2, without=2)
    news = c["杏林要闻"].items
    news[3].extra = b.dead_attachment(f"{ROOT}/u/cms/xinglin/202510/20251015093512.docx")
    news[8].extra = b.dead_image(f"{ROOT}/u/cms/xinglin/202509/p1.jpg") + b.live_external()
    b.expect("stale_homepage", "homepage")
    b.expect("missing_column", "办事服务")
    nav = _nav(cols)
    for col in cols.values():
        if col.mode == "single":
            b.page(col.url, _head(f"{col.name}-{SITE}") + nav + f'<div class="content"><h2>{col.name}</h2><div class="content_text">'
                   f'<p>{col.name}：杏林区位于市区东北部，辖6个街道办事处、1个乡。</p>{b.body(2)}</div></div>' + FOOT)
            continue
        if col.name == "领导信箱":  # JEECMS guestbook: li rows with a state, detail pages with labelled fields
            rows = "".join(f'<li class=""><a target="_blank" href="{m.url}" title="{esc(m.title)}">{esc(m.title)}</a>'
                           f'<span class="state">已答复</span><span class="date">{m.posted}</span></li>' for m in mail)
            b.page(col.url, _head(f"{col.name}-{SITE}") + nav + f'<div class="center_right"><div class="content_title">'
                   f'{col.name}</div><div class="list"><ul id="dataGrid">{rows}</ul></div></div>' + FOOT)
            for m in mail:
                b.page(m.url, _head(f"{m.title}-{col.name}-{SITE}") + nav + f'<div class="content"><h2>{esc(m.title)}</h2>'
                       f'<div class="gb"><p>来信时间：{m.posted}</p><p>来信内容：{esc(m.title)}，望领导重视。</p>'
                       f'<p>答复单位：{m.unit}</p><p>答复时间：{m.replied}</p><p>答复内容：{m.reply}</p></div></div>' + FOOT)
            continue
        _list(b, col, nav)
        for item in col.items:
            _article(b, item, nav)
    b.finish(list(cols.values()))
    subs = "".join(f'<li><a href="{cols[n].url}">{n}</a></li>' for n, *_, sub in COLS if sub)
    b.page(f"{ROOT}/child/zwgk/index.jhtml", _head(f"政务公开-{SITE}") + nav + f'<div class="zwgk-nav"><ul>{subs}</ul></div>'
           + FOOT)
    rows = "".join(f'<li><a href="{i.url}" title="{esc(i.title)}">{esc(i.title)}</a>{_date(i.date)}</li>' for i in news[:6])
    notes = "".join(f'<li><a href="{i.url}">{esc(i.title)}</a>{_date(i.date)}</li>' for i in c["通知公告"].items[:4])
    home = (_head(SITE) + nav + f'<div class="index_news"><div class="title">杏林要闻</div><ul>{rows}</ul></div>'
            f'<div class="index_tzgg"><div class="title">通知公告</div><ul>{notes}</ul></div>' + FOOT)
    b.page(f"{ROOT}/index.jhtml", home)
    b.redirect("/", f"{ROOT}/index.jhtml")  # the start URL redirects to the working homepage
    b.binary(f"{ROOT}/r/cms/www/img/banner.jpg", "png")
