"""开普云 (ucap) department portal: lists ``/xxgk/zcwj/index.shtml``, ``index_2.shtml``,
articles ``/xxgk/zcwj/content/post_3456789.html`` with the Kaipuyun meta set and the
``div.index_box > ul.trt-row`` metadata box (after pingtan-policy-doc-normative-wenhao.html).
The policy list is a table with a 文号 column.

The server answers every unknown URL with 200 and a "page not found" text (soft 404), so
the dead page and the dead image here are soft 404s. Defects: 意见征集 shows 暂无数据,
财政预决算 stale, 建议提案办理 and 权责清单 missing, documents without interpretation.
Traps: an article quoting 页面不存在, 405 to HEAD, a redirect.
"""

from __future__ import annotations

import datetime as dt

from .common import AS_OF, guide_table, letters, SOFT_404, Builder, Column, Item, article_extra, esc, policy_docs
from .server import Response

NAME, FAMILY, PROFILE, SITE, SEED = "ucap", "开普云 ucap", "department", "安平市发展和改革委员会", 33
PER_PAGE = 10
COLS = [  # name, slug, type, mode, menu group
    ("工作动态", "gzdt", "news", "list", "新闻动态"), ("通知公告", "tzgg", "notice", "list", "新闻动态"),
    ("机构职能", "jgzn", "static", "single", "机构概况"),
    ("政策文件", "zcwj", "notice", "list", "政务公开"), ("政策解读", "zcjd", "notice", "list", "政务公开"),
    ("意见征集", "yjzj", "notice", "placeholder", "政务公开"), ("财政预决算", "czyjs", "plan", "list", "政务公开"),
    ("政府信息公开指南", "gkzn", "static", "single", "政务公开"), ("政府信息公开目录", "gkml", "static", "single", "政务公开"),
    ("政府信息公开年报", "gknb", "plan", "list", "政务公开"), ("办事指南", "bszn", "static", "list", "政务服务"),
    ("局长信箱", "jzxx", None, "mailbox", "互动交流"),
]


def _url(slug: str):
    return lambda d, i: f"/xxgk/{slug}/content/post_{3400000 + i}.html"


def _head(title: str, column: str = "", extra: str = "") -> str:
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="SiteName" content="{SITE}"><meta name="SiteDomain" content="fgw.anping.gov.cn"><meta name="SiteIDCode" content="1300000033">
{f'<meta name="ColumnName" content="{column}"><meta name="ColumnType" content="{column}">' if column else ''}{extra}
</head><body><div class="header"><div class="logo"><img src="/images/logo.png" alt="{SITE}"></div></div>"""


def _nav(cols: dict[str, Column]) -> str:
    groups: dict[str, list[Column]] = {}
    for name, _, _, _, group in COLS:
        groups.setdefault(group, []).append(cols[name])
    out = ['<div class="menu"><ul role="navigation"><li><a href="/">首页</a></li>']
    for group, members in groups.items():
        sub = "".join(f'<a href="{c.url}" title="{c.name}">{c.name}</a>' for c in members)
        out.append(f'<li><a href="{members[0].url}">{group}</a><div class="submenu">{sub}</div></li>')
    return "".join(out) + "</ul></div>"


FOOT = ('<div class="footer">主办单位：安平市发展和改革委员会　网站标识码：1300000033　冀ICP备00000033号　'
        '联系电话：0311-0000000</div></body></html>')


def _rows(col: Column, chunk: list[Item]) -> str:
    if col.mode == "placeholder":
        return '<ul class="list"><li class="no-data">暂无数据</li></ul>'
    if col.name == "政策文件":
        trs = "".join(f'<tr><td>{k + 1}</td><td class="tit"><a href="{i.url}" title="{esc(i.title)}">{esc(i.title)}</a></td>'
                      f'<td>{esc(i.number)}</td><td>{i.date}</td></tr>' for k, i in enumerate(chunk))
        return f'<table class="zcwj-table"><tr><th>序号</th><th>标题</th><th>文号</th><th>发布日期</th></tr>{trs}</table>'
    lis = "".join(f'<li><a href="{i.url}" title="{esc(i.title)}">{esc(i.title)}</a><span class="time">{i.date}</span></li>'
                  for i in chunk)
    return f'<ul class="list">{lis}</ul>'


def _list(b: Builder, col: Column, nav: str) -> None:
    base = col.url.rsplit("/", 1)[0]
    pages = [col.items[i:i + PER_PAGE] for i in range(0, len(col.items), PER_PAGE)] or [[]]
    for p, chunk in enumerate(pages):
        names = [f"{base}/index.shtml" if n == 0 else f"{base}/index_{n + 1}.shtml" for n in range(len(pages))]
        pager = ""
        if len(pages) > 1:
            nxt = f'<a href="{names[p + 1]}">下一页</a>' if p + 1 < len(pages) else ""
            pager = f'<div class="pagination"><a href="{names[0]}">首页</a>{nxt}<a href="{names[-1]}">尾页</a></div>'
        b.page(names[p], _head(f"{col.name}-{SITE}", col.name) + nav + f'<div class="breadcrumb"><ul><li><a href="/">首页</a>'
               f'</li><li><a class="CurrChnlCls" href="{col.url}">{col.name}</a></li></ul></div>'
               f'<div class="main-list">{_rows(col, chunk)}{pager}</div>' + FOOT)


def _article(b: Builder, col: Column, item: Item, nav: str) -> None:
    meta = (f'<meta name="ArticleTitle" content="{esc(item.title)}"><meta name="PubDate" content="{item.date} 16:16">'
            f'<meta name="ContentSource" content="{SITE}">')
    box = ""
    if item.number:
        box = (f'<div class="index_box"><ul class="trt-row"><li>发文机关：<font>{SITE}</font></li>'
               f'<li>发文字号：<font>{esc(item.number)}</font></li><li>成文日期：<font>{item.date}</font></li></ul></div>')
    b.page(item.url, _head(f"{item.title}-{SITE}", col.name, meta) + nav + box +
           f'<div class="article"><h1 class="article_title">{esc(item.title)}</h1><span class="article_time">时间：{item.date} '
           f'16:16</span><div class="TRS_Editor">{b.body()}{article_extra(item)}</div></div>' + FOOT)


def build(b: Builder) -> None:
    # site identity read off this generator's <head> and footer: exactly the items it lacks
    b.expect("site_identity", "footer:公安机关备案号")
    b.fallback = Response(SOFT_404)  # a soft-404 server: unknown URLs answer 200
    cols = {n: Column(n, s, t, url=f"/xxgk/{s}/index.shtml", mode=m) for n, s, t, m, _ in COLS}
    c = cols
    b.fill(c["工作动态"], 24, AS_OF - dt.timedelta(days=3), _url("gzdt"), step=3, place="市发改委")
    b.fill(c["通知公告"], 8, AS_OF - dt.timedelta(days=20), _url("tzgg"), step=15)
    b.fill(c["财政预决算"], 4, AS_OF - dt.timedelta(days=500), _url("czyjs"), step=120)  # stale: plan, 500 days
    for year in (2025, 2024, 2023):
        c["政府信息公开年报"].items.append(Item(f"{SITE}{year - 1}年政府信息公开工作年度报告", _url("gknb")(None, b.next_id()),
                                         dt.date(year, 1, 20)))
    policy_docs(b, c["政策文件"], c["政策解读"], "安发改规", _url("zcwj"), _url("zcjd"), AS_OF - dt.timedelta(days=6),
                with_interp=3, without=3)
    news = c["工作动态"].items
    news[1].extra = b.dead_page("/xxgk/gzdt/content/post_3399001.html")  # soft 404 via the fallback
    news[4].extra = b.dead_image("/uploadfiles/2025/11/20251118093012.png")
    news[6].extra = b.quote_not_found() + b.head405("/uploadfiles/2025/11/fa.pdf")
    news[10].extra = b.redirect("/zwgk/", "/xxgk/gkml/index.shtml") + b.dead_external()
    c["通知公告"].items[2].extra = b.dead_attachment("/uploadfiles/2025/10/sbb.xls")
    b.expect("missing_column", "建议提案办理")
    b.expect("missing_column", "权责清单")
    mail = letters(b, _url("jzxx"), [
        ("关于城区集中供暖价格的咨询", dt.date(2025, 11, 3), dt.date(2025, 11, 14), False),
        ("新能源汽车充电桩项目备案需要哪些材料", dt.date(2025, 6, 3), None, True),  # 未回复 181 days
        ("反映开发区企业用电报装周期过长", dt.date(2025, 3, 2), dt.date(2025, 7, 20), True),  # answered after 140 days
        ("光伏扶贫电站收益分配问题", dt.date(2025, 1, 10), dt.date(2025, 2, 26), False),
        ("询问2024年度重点项目申报时间", dt.date(2024, 11, 15), None, False),  # older than a year
    ], "委办公室")
    # 办事指南: two complete guides in table layout (one with the synonyms), one lacking 5 elements
    complete_syn = [("事项名称", "企业投资项目备案"), ("法定依据", "《企业投资项目核准和备案管理条例》（国务院令第673号）"),
                    ("受理条件", "在本市行政区域内投资建设的、不涉及国家安全的企业投资项目"),
                    ("申请材料", "1.项目备案信息表；2.企业营业执照复印件"), ("受理地点", "市政务服务中心二楼发改窗口"),
                    ("实施主体", SITE), ("收费依据及标准", "不收费"), ("承诺时限", "即时办结"),
                    ("咨询电话", "0311-0000002"), ("办理程序", "网上申报—窗口受理—备案—公开")]
    complete = [("事项名称", "固定资产投资项目节能审查"), ("设定依据", "《固定资产投资项目节能审查办法》"),
                ("申请条件", "年综合能源消费量1000吨标准煤以上的固定资产投资项目"), ("办理材料", "节能报告；项目建设单位申请文件"),
                ("办理地点", "市政务服务中心二楼"), ("办理机构", "资源节约和环境保护科"), ("收费标准", "免费"),
                ("办理时间", "工作日 9:00—12:00，13:30—17:00"), ("联系电话", "0311-0000003"), ("办理流程", "申请—受理—审查—决定")]
    partial = [("事项名称", "粮食收购资格认定"), ("申请条件", "具备经营资金筹措能力"), ("办理材料", "申请书；营业执照"),
               ("办理地点", "市政务服务中心二楼"), ("联系电话", "0311-0000004")]
    for rows in (complete_syn, complete, partial):
        item = Item(f"{rows[0][1]}办事指南", _url("bszn")(None, b.next_id()), AS_OF - dt.timedelta(days=200))
        item.extra = guide_table(rows)
        c["办事指南"].items.append(item)
    b.expect("service_guide_incomplete", b.url(c["办事指南"].items[2].url))
    nav = _nav(cols)
    for col in cols.values():
        if col.mode == "mailbox":  # li rows with a status word, detail pages with labelled paragraphs
            crumb = (f'<div class="breadcrumb"><ul><li><a href="/">首页</a></li><li><a href="{col.url}">互动交流</a></li>'
                     f'<li><a class="CurrChnlCls" href="{col.url}">{col.name}</a></li></ul></div>')
            lis = "".join(f'<li><a href="{m.url}" title="{esc(m.title)}">{esc(m.title)}</a><span class="state">'
                          f'[{"已回复" if m.replied else "未回复"}]</span><span class="time">{m.posted}</span></li>' for m in mail)
            b.page(col.url, _head(f"{col.name}-{SITE}", col.name) + nav + crumb +
                   f'<div class="main-list"><ul class="list xx-list">{lis}</ul></div>' + FOOT)
            for m in mail:
                reply = (f'<p><b>答复单位：</b>{m.unit}</p><p><b>答复时间：</b>{m.replied}</p><p><b>答复内容：</b>{m.reply}</p>'
                         if m.replied else '<p><b>答复内容：</b></p>')
                meta = (f'<meta name="ArticleTitle" content="{esc(m.title)}"><meta name="PubDate" content="{m.posted}">'
                        f'<meta name="ContentSource" content="{SITE}">')
                b.page(m.url, _head(f"{m.title}-{SITE}", col.name, meta) + nav + crumb +
                       f'<div class="xx-detail"><h1>{esc(m.title)}</h1><p><b>来信时间：</b>{m.posted}</p>'
                       f'<p><b>来信内容：</b>{esc(m.title)}，请予答复。</p>{reply}</div>' + FOOT)
            continue
        if col.mode == "single":
            b.page(col.url, _head(f"{col.name}-{SITE}", col.name) + nav + f'<div class="article"><h1>{col.name}</h1>'
                   f'<div class="TRS_Editor"><p>{col.name}：本委负责全市国民经济和社会发展规划的拟订与实施。</p>{b.body(2)}</div></div>'
                   + FOOT)
            continue
        _list(b, col, nav)
        for item in col.items:
            _article(b, col, item, nav)
    b.finish([col for col in cols.values() if col.mode != "mailbox"])
    rows = "".join(f'<li><a href="{i.url}">{esc(i.title)}</a><span>{i.date}</span></li>' for i in news[:7])
    b.page("/index.html", _head(SITE) + nav + f'<div class="index-dt"><h3>工作动态</h3><ul>{rows}</ul></div>' + FOOT)
    b.routes["/"] = b.routes["/index.html"]
    b.binary("/images/logo.png", "png")
