"""Generate a large, deterministic government portal for the throughput benchmark.

    python bench/generate.py OUT_DIR [--pages 5000] [--attachments 10000] [--seed 2026]

The site looks like a county portal built with TRS WCM: a homepage, 40 columns in 8
dropdown menus (``ul.nav > li > a + ul > li > a``), paginated column lists
(``index.html``, ``index_1.html`` ...; half the columns link their pages with plain
pager links, the other half only through a ``createPageHTML(...)`` script), article
pages of 15–30 KB with the usual metadata, an image and attachments (.pdf/.doc/.xls).
About 1 % of the link targets are broken: attachments that were never written and
"related" links to articles that do not exist. Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path

GENERATOR_VERSION = 3
BASE_DATE = dt.date(2026, 11, 20)
PER_PAGE = 20
IMAGES = 60
BROKEN_ATTACHMENT_RATE = 0.01
BROKEN_RELATED_RATE = 0.01  # per article: one related link points to a missing article

GROUPS = [
    ("xwzx", "新闻中心", [("zwyw", "政务要闻"), ("xzdt", "乡镇动态"), ("bmdt", "部门动态"), ("tzgg", "通知公告"),
                       ("tpxw", "图片新闻")]),
    ("zfxxgk", "政府信息公开", [("zcwj", "政策文件"), ("zcjd", "政策解读"), ("ghjh", "规划计划"),
                            ("czxx", "财政信息"), ("rsxx", "人事信息")]),
    ("zdly", "重点领域", [("zdxm", "重大项目"), ("ggzy", "公共资源配置"), ("shgy", "社会公益事业"),
                      ("hjbh", "环境保护"), ("jytabl", "建议提案办理")]),
    ("bsfw", "办事服务", [("bszn", "办事指南"), ("bmfw", "便民服务"), ("ggfw", "公共服务"),
                      ("jycy", "就业创业"), ("shbz", "社会保障")]),
    ("hdjl", "互动交流", [("zxdf", "咨询答复"), ("zjdc", "征集调查"), ("zxft", "在线访谈"),
                      ("hygq", "回应关切"), ("ldxx", "领导信箱")]),
    ("zjbx", "走进本县", [("xqgk", "县情概况"), ("lsyg", "历史沿革"), ("zrdl", "自然地理"),
                      ("xzqh", "行政区划"), ("lyzy", "旅游资源")]),
    ("jgzn", "机构职能", [("ldzc", "领导之窗"), ("jgsz", "机构设置"), ("bmzz", "部门职责"),
                      ("qzqd", "权责清单"), ("lxfs", "联系方式")]),
    ("ztzl", "专题专栏", [("yhyshj", "优化营商环境"), ("xczx", "乡村振兴"), ("aqsc", "安全生产"),
                      ("sthj", "生态环境保护"), ("wmcj", "文明创建")]),
]

SENTENCES = [
    "坚持“公开是原则，不公开是例外”，凡不涉及国家秘密、商业秘密和个人隐私的政府信息都要列入主动公开范畴。",
    "准确、及时公布政府信息，并不断扩大公开信息量，更好地满足社会公众的信息需求。",
    "重点推进财政预算决算、“三公”经费和行政经费、保障性住房、食品安全、环境保护等政府信息的公开。",
    "按照客观准确、及时透明的要求，通过新闻媒体及时发布重大事故、突发事件的权威信息。",
    "进一步落实行政事业性收费公示制度，收费单位必须及时公开收费依据、收费项目、收费范围和收费标准。",
    "对涉及群众切身利益的教育、低保、扶贫、救灾、就业、养老、医保等民生信息，全面、准确、及时向社会公开。",
    "优化依申请公开政府信息渠道，实现当面、网上、电话、传真、信函等多途径受理。",
    "建立政府信息公开保密审查机制，切实做好信息公开前的保密审查。",
    "进一步建立健全行政权力公开透明运行工作机制，将职权名称、内容、行使主体和法律依据等向社会公布。",
    "继续加强对行政执法裁量权的规范，细化、量化裁量基准，公开裁量范围、种类和幅度。",
    "坚持依法科学民主决策，逐步扩大行政决策公开的领域和范围，推进行政决策过程和结果公开。",
    "按时编制和发布政府信息公开年度报告，报送政务公开办审核后进行公布。",
    "加强政府信息公开目录的编制和信息发布工作，在政府门户网站中设置政府信息公开专栏。",
    "规范政务公开栏设置，并做好政务公开栏上的信息更新工作。",
    "全面清理办事服务事项，认真编制办事目录和服务指南，并在门户网站的相应栏目予以公开。",
    "积极探索在乡镇开展便民服务的有效方式，在村屯和社区建立、推行便民代办服务制度。",
    "充分发挥政府网站作为政府信息公开第一平台作用，确保各栏目内容及时、准确更新。",
    "避免出现死链、空栏、内容未更新等情况，确保网站正常规范运行。",
    "加强社会反映评估和舆情引导工作，公开后要跟踪舆情，主动引导。",
    "采取网上考核、实地抽查等多种形式，对政府信息公开工作进行考核评议。",
    "探索实行“日常监管、分段测评、年终考核”的政务公开工作考评机制。",
    "对于检查中发现的问题，加大责任追究力度，确保政务公开工作取得实效。",
    "按照“谁起草、谁解读”的原则，起草科室报审文件时，须将解读材料一并报送。",
    "文件公布时，相关解读材料应与文件同步在官方网站和媒体发布，并与文件互为衔接。",
    "对专业性较强的政策，应注重运用图表图解、影音资料、专题访谈等更加直观的形式进行解读。",
    "主动公开涉及重大决策的具体措施、实施步骤、责任分工和监督方式。",
    "及时公开预决算信息，包括职责、机构设置、一般公共预算收支、政府性基金预算收支、机关运行经费等情况。",
    "在政务服务网上公开政务服务事项办事指南，制作流程图，提供示范文本和填写说明。",
    "办事条件发生变化时，要在完成审批程序后1个工作日内公开变更后的相关信息和具体实施时间。",
    "完善规范主动公开与依申请公开、保密审查、考核评议、投诉举报、年度报告等制度。",
    "会议强调，要把政务公开工作纳入重要议事日程，定期研究解决工作中遇到的问题和困难。",
    "与会人员结合工作实际进行了交流发言，进一步明确了下一步工作思路和重点任务。",
]
TITLE_PARTS = (["召开", "部署", "开展", "推进", "完成", "启动", "组织", "落实"],
               ["政务公开工作推进会", "安全生产大检查", "乡村振兴重点工作", "优化营商环境专项行动",
                "惠民政策宣讲活动", "政府信息公开年度报告编制", "重大项目集中开工", "农村人居环境整治",
                "便民服务代办制度", "行政执法公示工作", "预决算公开检查", "政策解读培训"])
ATTACH_EXT = (".pdf", ".doc", ".xls")
ATTACH_BODY = {
    ".pdf": b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56,
    ".xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56,
}
SITE = "示例县人民政府"


def columns() -> list[tuple[str, str, str, str]]:
    """(group name, group slug, column name, column path) for the 40 columns."""
    return [(gname, gslug, cname, f"/{gslug}/{cslug}/") for gslug, gname, cols in GROUPS for cslug, cname in cols]


def plan_articles(pages: int, ncols: int) -> int:
    """Articles needed so that homepage + list pages + articles >= ``pages``."""
    articles = max(ncols, (pages - 1) * PER_PAGE // (PER_PAGE + 1))
    while True:
        per = [articles // ncols + (1 if i < articles % ncols else 0) for i in range(ncols)]
        if 1 + articles + sum(max(1, math.ceil(n / PER_PAGE)) for n in per) >= pages:
            return articles
        articles += 1


def nav_html() -> str:
    out = ['<div class="nav-wrap"><ul class="nav">', '<li class="first"><a href="/">首页</a></li>']
    for gslug, gname, cols in GROUPS:
        out.append(f'<li><a href="/{gslug}/">{gname}</a><ul class="sub-nav">')
        out += [f'<li><a href="/{gslug}/{cslug}/index.html">{cname}</a></li>' for cslug, cname in cols]
        out.append("</ul></li>")
    out.append("</ul></div>")
    return "\n".join(out)


def head(title: str, metas: dict[str, str]) -> str:
    meta = "\n".join(f'<meta name="{k}" content="{v}">' for k, v in metas.items())
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}</title>
<meta name="SiteName" content="{SITE}">
<meta name="SiteDomain" content="www.shili.gov.cn">
<meta name="SiteIDCode" content="2399000099">
{meta}
<link rel="stylesheet" href="/css/common.css">
<script src="/js/common.js"></script>
</head>
<body>
<div class="top"><div class="w1200"><span>欢迎访问示例县人民政府网站</span>
<a href="javascript:void(0)" onclick="setHome()">设为首页</a> <a href="javascript:void(0)" onclick="addFav()">加入收藏</a></div></div>
<div class="header"><div class="w1200"><a href="/"><img src="/images/logo.png" alt="{SITE}"></a></div></div>
"""


FOOTER = """<div class="footer"><div class="w1200">
<p><a href="/jgzn/lxfs/index.html">联系我们</a> | <a href="#top">返回顶部</a></p>
<p>主办单位：示例县人民政府办公室　政府网站标识码：2399000099　示ICP备00000000号</p>
<p>地址：示例县政府路1号　电话：<a href="tel:0000-0000000">0000-0000000</a></p>
</div></div>
</body>
</html>
"""


class Generator:
    def __init__(self, root: Path, pages: int, attachments: int, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.cols = columns()
        self.nav = nav_html()
        n_articles = plan_articles(pages, len(self.cols))
        ncols = len(self.cols)
        self.per_col = [n_articles // ncols + (1 if i < n_articles % ncols else 0) for i in range(ncols)]
        self.n_articles = n_articles
        self.n_attachments = attachments
        self.counts = {"html_pages": 0, "list_pages": 0, "articles": 0, "attachments_linked": 0,
                       "attachments_written": 0, "broken_attachments": 0, "broken_related": 0, "images": IMAGES + 1}
        self.articles: list[list[tuple[str, str, dt.date]]] = []  # per column: (url, title, date), newest first

    def write(self, rel: str, data: str | bytes) -> None:
        path = self.root / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def title(self) -> str:
        verb, thing = self.rng.choice(TITLE_PARTS[0]), self.rng.choice(TITLE_PARTS[1])
        return f"示例县{verb}{thing}（第{self.rng.randint(1, 999)}期）"

    def plan(self) -> None:
        serial = 100000
        for ci, (_, _, _, path) in enumerate(self.cols):
            items = []
            day = BASE_DATE - dt.timedelta(days=self.rng.randint(0, 20))
            for _ in range(self.per_col[ci]):
                serial += 1
                items.append((f"{path}{day:%Y%m}/t{day:%Y%m%d}_{serial}.html", self.title(), day))
                day -= dt.timedelta(days=self.rng.randint(0, 6))
            self.articles.append(items)

    def body(self, target_bytes: int) -> str:
        paras, size = [], 0
        while size < target_bytes:
            para = "".join(self.rng.choice(SENTENCES) for _ in range(self.rng.randint(3, 7)))
            paras.append(f'<p style="text-indent:2em;">{para}</p>')
            size += len(para.encode("utf-8")) + 30
        return "\n".join(paras)

    def article(self, ci: int, ai: int, attach_count: int) -> None:
        gname, gslug, cname, path = self.cols[ci]
        url, title, day = self.articles[ci][ai]
        links = []
        for k in range(attach_count):
            ext = ATTACH_EXT[self.rng.randrange(3)]
            name = f"P0{day:%Y%m%d}{url.rsplit('_', 1)[1][:-5]}{k:02d}{ext}"
            href = f"{path}{day:%Y%m}/{name}"
            links.append(f'<li><a href="./{name}" target="_blank">附件{k + 1}：{title}{ext}</a></li>')
            self.counts["attachments_linked"] += 1
            if self.rng.random() < BROKEN_ATTACHMENT_RATE:
                self.counts["broken_attachments"] += 1
            else:
                self.write(href, ATTACH_BODY[ext])
                self.counts["attachments_written"] += 1
        siblings = self.articles[ci]
        related = [siblings[j] for j in self.rng.sample(range(len(siblings)), min(3, len(siblings))) if j != ai]
        rel_html = [f'<li><a href="{u}" title="{t}">{t}</a></li>' for u, t, _ in related]
        if self.rng.random() < BROKEN_RELATED_RATE:
            self.counts["broken_related"] += 1
            rel_html.append(f'<li><a href="{path}{day:%Y%m}/t{day:%Y%m%d}_9{ai:05d}{ci:02d}.html">相关阅读</a></li>')
        pager = []
        if ai > 0:
            pager.append(f'<p>上一篇：<a href="{siblings[ai - 1][0]}">{siblings[ai - 1][1]}</a></p>')
        if ai + 1 < len(siblings):
            pager.append(f'<p>下一篇：<a href="{siblings[ai + 1][0]}">{siblings[ai + 1][1]}</a></p>')
        target = self.rng.randint(12_000, 25_000)
        html = "\n".join([
            head(f"{title}_{SITE}", {"ColumnName": cname, "ArticleTitle": title,
                                       "PubDate": f"{day:%Y-%m-%d} {self.rng.randint(8, 17):02d}:{self.rng.randint(0, 59):02d}",
                                       "ContentSource": f"示例县{cname}"}),
            self.nav,
            f'<div class="w1200 main"><div class="position">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="/{gslug}/">{gname}</a> &gt; <a href="{path}index.html">{cname}</a></div>',
            '<div class="article">',
            f'<table class="xxgk"><tr><th>索引号：</th><td>000000000/{day.year}-{ai:05d}</td><th>发布机构：</th>'
            f'<td>示例县人民政府办公室</td></tr><tr><th>发布日期：</th><td>{day:%Y-%m-%d}</td><th>主题分类：</th>'
            f'<td>{cname}</td></tr></table>',
            f'<h1>{title}</h1><div class="info">发布时间：{day:%Y-%m-%d}　来源：示例县{cname}</div>',
            f'<div class="TRS_Editor"><p style="text-align:center"><img src="/images/pic{self.rng.randrange(IMAGES)}.png" alt="{title}"></p>',
            self.body(target), "</div>",
            f'<div class="attach"><ul>{"".join(links)}</ul></div>' if links else "",
            f'<div class="related"><h3>相关链接</h3><ul>{"".join(rel_html)}</ul></div>',
            '<div class="pager">' + "".join(pager) + "</div>",
            "</div></div>", FOOTER])
        self.write(url, html)
        self.counts["articles"] += 1
        self.counts["html_pages"] += 1

    def list_pages(self, ci: int) -> None:
        gname, gslug, cname, path = self.cols[ci]
        items = self.articles[ci]
        count = max(1, math.ceil(len(items) / PER_PAGE))
        trs = ci % 2 == 1
        for p in range(count):
            rows = [f'<li><a href="{u}" title="{t}" target="_blank">{t}</a><span class="date">{d:%Y-%m-%d}</span></li>'
                    for u, t, d in items[p * PER_PAGE:(p + 1) * PER_PAGE]]
            if trs:
                pager = f'<div class="page"><script>createPageHTML({count}, {p}, "index", "html");</script></div>'
            else:
                def name(n: int) -> str:
                    return "index.html" if n == 0 else f"index_{n}.html"
                links = [f'<a href="{name(0)}">首页</a>']
                if p > 0:
                    links.append(f'<a href="{name(p - 1)}">上一页</a>')
                links += [f'<a href="{name(n)}">{n + 1}</a>' for n in range(max(0, p - 3), min(count, p + 4)) if n != p]
                if p + 1 < count:
                    links.append(f'<a href="{name(p + 1)}">下一页</a>')
                links.append(f'<a href="{name(count - 1)}">尾页</a>')
                pager = '<div class="page">' + " ".join(links) + "</div>"
            html = "\n".join([
                head(f"{cname}_{SITE}", {"ColumnName": cname, "ColumnDescription": f"{SITE}{cname}",
                                         "ColumnKeywords": cname, "ColumnType": gname}),
                self.nav,
                f'<div class="w1200 main"><div class="position">当前位置：<a href="/">首页</a> &gt; '
                f'<a href="/{gslug}/">{gname}</a> &gt; {cname}</div>',
                '<div class="left"><ul class="side">' + "".join(
                    f'<li><a href="{c[3]}index.html">{c[2]}</a></li>' for c in self.cols if c[1] == gslug) + "</ul></div>",
                f'<div class="right"><h2>{cname}</h2><ul class="list">', "\n".join(rows), "</ul>", pager,
                "</div></div>", FOOTER])
            self.write(f"{path}{'index.html' if p == 0 else f'index_{p}.html'}", html)
            self.counts["list_pages"] += 1
            self.counts["html_pages"] += 1

    def group_pages(self) -> None:
        for gslug, gname, cols in GROUPS:
            boxes = []
            for cslug, cname in cols:
                ci = next(i for i, c in enumerate(self.cols) if c[3] == f"/{gslug}/{cslug}/")
                rows = "".join(f'<li><a href="{u}" title="{t}">{t}</a><span class="date">{d:%Y-%m-%d}</span></li>'
                               for u, t, d in self.articles[ci][:5])
                boxes.append(f'<div class="box"><h3><a href="/{gslug}/{cslug}/index.html">{cname}</a></h3>'
                             f'<ul class="list">{rows}</ul></div>')
            html = "\n".join([head(f"{gname}_{SITE}", {"ColumnName": gname}), self.nav,
                              f'<div class="w1200 main">{"".join(boxes)}</div>', FOOTER])
            self.write(f"/{gslug}/index.html", html)
            self.counts["html_pages"] += 1

    def homepage(self) -> None:
        boxes = []
        for ci in range(0, len(self.cols), 5):
            _, _, cname, path = self.cols[ci]
            rows = "".join(f'<li><a href="{u}" title="{t}">{t}</a><span>{d:%m-%d}</span></li>'
                           for u, t, d in self.articles[ci][:8])
            boxes.append(f'<div class="box"><h3><a href="{path}index.html">{cname}</a></h3><ul>{rows}</ul></div>')
        html = "\n".join([head(SITE, {}), self.nav, f'<div class="w1200 main">{"".join(boxes)}</div>', FOOTER])
        self.write("/index.html", html)
        self.counts["html_pages"] += 1

    def static(self) -> None:
        png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                            "1f15c4890000000d49444154789c6360f8cfc0f01f0005010201a7d5b2"
                            "4e0000000049454e44ae426082")
        self.write("/images/logo.png", png)
        for i in range(IMAGES):
            self.write(f"/images/pic{i}.png", png)
        self.write("/css/common.css", "body{font:14px/1.8 sans-serif}.nav li{float:left}\n")
        self.write("/js/common.js", "function createPageHTML(n,i,name,ext){/* TRS pager */}\n"
                                    "function setHome(){}function addFav(){}\n")

    def run(self) -> dict:
        self.plan()
        self.static()
        self.homepage()
        self.group_pages()
        base, extra = divmod(self.n_attachments, self.n_articles)
        k = 0
        for ci in range(len(self.cols)):
            self.list_pages(ci)
            for ai in range(len(self.articles[ci])):
                self.article(ci, ai, base + (1 if k < extra else 0))
                k += 1
        broken = self.counts["broken_attachments"] + self.counts["broken_related"]
        unique = self.counts["html_pages"] + self.counts["attachments_linked"] + self.counts["images"] + \
            self.counts["broken_related"]
        self.counts["broken_targets"] = broken
        self.counts["unique_link_targets"] = unique
        self.counts["broken_rate"] = round(broken / unique, 4)
        return self.counts


def generate(out: Path, pages: int = 5000, attachments: int = 10000, seed: int = 2026) -> dict:
    """Generate (or reuse) the site under ``out/site``; returns the manifest."""
    site = out / "site"
    manifest_path = out / "site.json"
    params = {"pages": pages, "attachments": attachments, "seed": seed, "version": GENERATOR_VERSION}
    if manifest_path.exists() and site.is_dir():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("params") == params:
            manifest["cached"] = True
            return manifest
    if site.exists():
        shutil.rmtree(site)
    started = time.monotonic()
    counts = Generator(site, pages, attachments, seed).run()
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    manifest = {"params": params, "root": str(site), "counts": counts, "bytes": size,
                "seconds": round(time.monotonic() - started, 1)}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    manifest["cached"] = False
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--attachments", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.pages, args.attachments, args.seed)
    print(json.dumps(manifest, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
