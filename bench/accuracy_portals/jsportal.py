"""A script-built township portal: the menu and every list are filled in the browser by
``/js/app.js`` from JSON endpoints (``/api/menu.json``, ``/api/list/gzdt.json``); the static
HTML has an empty ``<ul id="nav">`` and an empty list box. Only a tool that renders the
pages sees any column (the nfra-ministry-penalty-disclosure-angular-dom.html page shows
what such sites look like once rendered). Articles are plain HTML.

Defects: 决策信息's JSON list is empty (the script then writes 暂无信息), 重大项目 stale,
行政权力 missing, a 404 page, a 404 attachment, a dead external link, a document without
interpretation.
"""

from __future__ import annotations

import datetime as dt
import json

from .common import AS_OF, letters, Builder, Column, article_extra, esc, policy_docs
from .server import Response

NAME, FAMILY, PROFILE, SITE, SEED = "jsportal", "script-built (JSON lists)", "township", "云岭镇人民政府", 88
GROUPS = [
    ("走进云岭", [("镇情概况", "zqgk", "static", "single"), ("机构职能", "jgzn", "static", "single")]),
    ("新闻动态", [("工作动态", "gzdt", "news", "list")]),
    ("政务公开", [("政策文件", "zcwj", "notice", "list"), ("政策解读", "zcjd", "notice", "list"),
              ("决策信息", "jcxx", "notice", "placeholder"), ("财政信息", "czxx", "plan", "list"),
              ("重大项目", "zdxm", "plan", "list")]),
    ("便民服务", [("便民服务", "bmfw", "static", "single")]),
    ("互动交流", [("镇长信箱", "zzxx", None, "cards")]),
]
APP = """(function(){
function get(u,cb){var x=new XMLHttpRequest();x.open('GET',u);x.onload=function(){cb(JSON.parse(x.responseText));};x.send();}
get('/api/menu.json',function(m){var nav=document.getElementById('nav');m.forEach(function(g){var li=document.createElement('li');
var h='<a href="'+g.url+'">'+g.name+'</a>';if(g.children){h+='<ul class="sub">'+g.children.map(function(c){
return '<li><a href="'+c.url+'">'+c.name+'</a></li>';}).join('')+'</ul>';}li.innerHTML=h;nav.appendChild(li);});});
var box=document.getElementById('list');if(box){get('/api/list/'+box.getAttribute('data-col')+'.json',function(items){
box.innerHTML=items.length?items.map(function(i){return '<li><a href="'+i.url+'">'+i.title+'</a><span class="date">'+i.date+
'</span></li>';}).join(''):'<li class="empty">暂无信息</li>';});}
})();"""


def _url(slug: str):
    return lambda d, i: f"/{slug}/{d:%Y%m}/content_{i}.html"


def _shell(title: str, main: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="SiteName" content="{SITE}"><meta name="SiteIDCode" content="5300000088">{extra}</head><body>
<div class="header"><img src="/images/logo.png" alt="{SITE}"></div><div class="navbar"><ul id="nav" class="nav"></ul></div>
<div class="main">{main}</div><div class="footer">主办：云岭镇人民政府　网站标识码：5300000088　滇ICP备00000088号
电话：0871-0000000</div><script src="/js/app.js"></script></body></html>"""


def build(b: Builder) -> None:
    # site identity read off this generator's <head> and footer: exactly the items it lacks
    b.expect("site_identity", "meta:SiteDomain")
    b.expect("site_identity", "meta:ColumnName")
    b.expect("site_identity", "meta:ContentSource")
    b.expect("site_identity", "footer:公安机关备案号")
    b.expect("missing_annual_report", "homepage")  # no 政府信息公开年报 anywhere on the site
    cols = {n: Column(n, s, t, url=f"/{s}/index.html", mode=m) for _, members in GROUPS for n, s, t, m in members}
    c = cols
    b.fill(c["工作动态"], 25, AS_OF - dt.timedelta(days=1), _url("gzdt"), step=3, place="云岭镇")
    b.fill(c["财政信息"], 4, AS_OF - dt.timedelta(days=120), _url("czxx"), step=60)
    b.fill(c["重大项目"], 5, AS_OF - dt.timedelta(days=400), _url("zdxm"), step=30)  # stale: plan, 400 days
    policy_docs(b, c["政策文件"], c["政策解读"], "云政发", _url("zcwj"), _url("zcjd"), AS_OF - dt.timedelta(days=10),
                with_interp=2, without=1)
    news = c["工作动态"].items
    news[2].extra = b.dead_page("/gzdt/202510/content_99901.html")
    news[6].extra = b.dead_attachment("/uploads/2025/11/fa.pdf") + b.dead_external()
    b.expect("missing_column", "行政权力")
    menu = [{"name": "首页", "url": "/"}] + [{"name": g, "url": c[m[0][0]].url if len(m) == 1 else "javascript:;",
                                             "children": [{"name": n, "url": c[n].url} for n, *_ in m]} for g, m in GROUPS]
    b.routes["/api/menu.json"] = Response(json.dumps(menu, ensure_ascii=False), content_type="application/json; charset=utf-8")
    mail = letters(b, _url("zzxx"), [
        ("云岭村至集镇班车停运怎么办", dt.date(2025, 11, 1), None, False),  # 暂无回复 30 days: not yet due
        ("镇卫生院能否开通医保门诊统筹", dt.date(2025, 9, 14), dt.date(2025, 9, 30), False),
        ("小河组山洪沟护坡垮塌", dt.date(2025, 5, 20), None, True),  # 暂无回复 195 days: the defect
        ("咨询农村危房改造补助标准", dt.date(2025, 4, 2), dt.date(2025, 4, 11), False),
    ], "云岭镇党政办")
    for col in cols.values():
        if col.mode == "cards":  # a server-rendered mailbox: one block a letter, no detail pages
            cards = "".join(f'<div class="letter"><h4>{esc(m.title)}</h4><p class="q">留言时间：{m.posted}</p>'
                            + (f'<div class="a"><p>回复单位：{m.unit}</p><p>回复时间：{m.replied}</p><p>{m.reply}</p></div>'
                               if m.replied else '<div class="a"><span>暂无回复</span></div>') + "</div>" for m in mail)
            b.page(col.url, _shell(col.name, f'<div class="crumb">当前位置：首页 &gt; 互动交流 &gt; {col.name}</div>'
                                             f'<div class="letters">{cards}</div>'))
            continue
        if col.mode == "single":
            b.page(col.url, _shell(col.name, f'<div class="article"><h1>{col.name}</h1><p>{col.name}：云岭镇位于县境北部，'
                                             f'辖11个行政村。</p>{b.body(2)}</div>'))
            continue
        data = [{"title": i.title, "url": i.url, "date": i.date.isoformat()} for i in col.items]
        b.routes[f"/api/list/{col.slug}.json"] = Response(json.dumps(data, ensure_ascii=False),
                                                         content_type="application/json; charset=utf-8")
        b.page(col.url, _shell(col.name, f'<div class="crumb">当前位置：首页 &gt; {col.name}</div>'
                                         f'<ul id="list" class="list" data-col="{col.slug}"></ul>'))
        for item in col.items:
            meta = f'<meta name="ArticleTitle" content="{esc(item.title)}"><meta name="PubDate" content="{item.date}">'
            b.page(item.url, _shell(item.title, f'<div class="article"><h1>{esc(item.title)}</h1><div class="info">发布时间：'
                                                f'{item.date}</div>{b.body()}{article_extra(item)}</div>', meta))
    b.finish([col for col in cols.values() if col.mode != "cards"])
    b.page("/index.html", _shell(SITE, '<div class="news"><h3>工作动态</h3><ul id="list" data-col="gzdt"></ul></div>'))
    b.routes["/"] = b.routes["/index.html"]
    b.routes["/js/app.js"] = Response(APP, content_type="application/javascript")
    b.binary("/images/logo.png", "png")
