"""site_identity: pages lack the identification 《政府网站发展指引》 requires (网站标识)."""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.checks.service_guide_incomplete import judged_pages
from portalwatch.crawler.snapshot import Page, Snapshot

# the footer items Page.footer records (crawler/extract/footer.py)
FOOTER_ITEMS = ("政府网站标识码", "ICP备案号", "公安机关备案号", "主办单位", "联系方式")
SITE_ID_CODE = re.compile(r"(?:\d{10}|bm\d{8})", re.I)
_SHOWN_CODE = re.compile(r"(?:标识码|识别码|识别号)[\s\u3000\u00a0]*[:：]?[\s\u3000\u00a0]*([A-Za-z0-9０-９]*)")
PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                      "61 62 63 64 65".split())

# meta name -> (Chinese description, page kind it is required on)
META_ITEMS: dict[str, tuple[str, str]] = {
    "SiteName": ("网站名称", "all"), "SiteDomain": ("网站域名", "all"), "SiteIDCode": ("网站标识码", "all"),
    "ColumnName": ("栏目名称", "list"), "ArticleTitle": ("文章标题", "article"), "PubDate": ("发布时间", "article"),
    "ContentSource": ("信息来源", "article"),
}
KIND_NAMES = {"all": "页面", "list": "栏目页", "article": "文章页"}
EXAMPLES = 5
SPLASH_LINKS = 10  # a homepage with fewer links and no footer is a splash page, its footer not judged
# pages whose end was not read: their footer cannot be judged
_CUT = ("too_large", "markup_too_deep", "page_error")


def site_code_problem(code: str) -> str:
    """Why a 政府网站标识码 is malformed ("" when it is well formed or shows no digit).

    The code has 10 characters: 10 digits beginning with a province code (the region's 6-digit
    administrative code and a 4-digit number, 3609000002) for local sites, or ``bm`` and 8 digits
    (bm01000001) for the departments of the State Council."""
    code = code.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not code or not any(ch.isdigit() for ch in code):
        return ""
    if not SITE_ID_CODE.fullmatch(code):
        return f"应为 10 位：10 位数字，或 bm 加 8 位数字；实为 {len(code)} 位"
    if code[:2].lower() != "bm" and code[:2] not in PROVINCES:
        return f"前两位“{code[:2]}”不是省级行政区划代码"
    return ""


def footer_code(value: str) -> str:
    """The code in a shown ``政府网站标识码：…`` value."""
    m = _SHOWN_CODE.search(value)
    return m.group(1) if m else ""


_INDEX_FILE = re.compile(r"/(?:index|default)\.(?:s?html?|jhtml|aspx?|php|jsp)$", re.I)


def _root(url: str) -> str:
    """The homepage under its other name: ``/index.html`` (``default.asp`` …) and ``/`` are one page."""
    if "?" in url or "#" in url:
        return url
    return _INDEX_FILE.sub("/", url)


def page_kind(site: Snapshot, page: Page) -> str:
    """``home``, ``list`` (a column page: a main list, no publication date of its own), ``article``
    (a publication date or document number and no main list) or ``other``."""
    home = site.home
    if home is not None and (page.final_url == home.final_url or _root(page.final_url) == _root(home.final_url)):
        return "home"
    if page.list_items and page.pub_date is None and not page.doc_number and "ArticleTitle" not in page.meta:
        return "list"
    if not page.list_items and (page.pub_date is not None or page.doc_number):
        return "article"
    return "other"


class SiteIdentity(Check):
    """检查内容：按《政府网站发展指引》（国办发〔2017〕47号）检查每个页面的网站标识。页面元数据：所有页面
    应有 SiteName、SiteDomain、SiteIDCode，栏目页（有列表、本身没有发布日期的页面）应有 ColumnName，文章页
    （有发布日期或文号、没有列表的页面）应有 ArticleTitle、PubDate、ContentSource。页面底部：政府网站标识码、
    ICP备案号、公安机关备案号（公网安备）、主办单位、联系方式（电话、邮箱、地址或“联系我们”“关于我们”链接），
    包括首页在内的每个页面都检查。每缺一项报告一条（一般），写明缺少该项的页面数和示例页面；政府网站
    标识码格式不对的也报告：标识码为 10 位，地方网站为以省级行政区划代码开头的 10 位数字（如 3609000002），
    国务院部门网站为 bm 加 8 位数字（如 bm01000001）。

    依据：指引规定这些标识为必备项；检查人员和全国政府网站普查（网站标识码）依靠它们，规范的元数据也便于
    栏目和日期的监测。每条扣 0.5 分，最多 2 分。

    不会指控：页面任何位置显示了该项的（包括图片的说明文字和页面内脚本写出的）；内容过大被截断或嵌套
    过深未读完的页面；“页面不存在”的页面；首页以外完全没有页脚的页面（弹出页、打印页等），其页脚不作检查。

    待人工核实（不算通过）：页脚由脚本生成、页面中没有页脚内容的页面；页脚区域含脚本、可能由脚本写出
    未见项目的页面。

    示例：部门动态的 6 个文章页缺少 ContentSource 元数据；首页底部未显示公安机关备案号。
    """

    id = "site_identity"
    severity = "minor"
    title = "网站标识不规范"
    guidance = ("请按照《政府网站发展指引》在页面中补充网站标识：所有页面设置 SiteName、SiteDomain、SiteIDCode 元数据，"
                "栏目页设置 ColumnName，文章页设置 ArticleTitle、PubDate、ContentSource；页面底部列明主办单位、"
                "联系方式、政府网站标识码、ICP备案编号和公安机关备案号。")
    undecided_label = "网站标识是否齐全"
    message = "{count} 个{kind}缺少{what}（如 {example}），请按《政府网站发展指引》补充。"
    code_message = "政府网站标识码“{code}”格式不正确（{problem}），请核对后更正。"
    score_defaults: Mapping[str, Any] = {"site_identity": 0.5, "cap_site_identity": 2.0}

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        home = site.home
        if home is None or site.unreachable:
            return
        cut = {s.url for s in site.skips if s.reason in _CUT}
        pages = [p for p in judged_pages(site) if "html" in (p.content_type or "text/html").lower()]
        if not pages:
            return
        kinds = {p.url: page_kind(site, p) for p in pages}
        yield from self._meta(site, pages, kinds)
        yield from self._footer(site, [p for p in pages if p.url not in cut and not p.truncated], home)
        yield from self._codes(pages)

    def _meta(self, site: Snapshot, pages: list[Page], kinds: dict[str, str]) -> Iterator[Finding]:
        for name, (what, kind) in META_ITEMS.items():
            wanted = [p for p in pages if kind == "all" or kinds[p.url] == kind]
            lacking = [p for p in wanted if not p.meta.get(name)]
            if not lacking:
                continue
            yield self._finding(site, f"meta:{name}", f"页面元数据 <meta name=\"{name}\">（{what}）", kind,
                                lacking, len(wanted))

    def _footer(self, site: Snapshot, pages: list[Page], home: Page) -> Iterator[Finding]:
        unread = [p for p in pages if p.footer_status == "script"]
        if unread:
            self.undecide(f"{len(unread)} 个页面的页脚由脚本生成，未能读取（如 {unread[0].url}），"
                          "页脚标识是否齐全请人工核实", url=unread[0].url)
        # a deeper page showing no footer at all (a pop-up, a print view, a fragment) is not judged;
        # the homepage is, whatever it shows
        # (unless it is a splash page: a logo and an 进入 link)
        judged = [p for p in pages if p.footer_status in ("ok", "ok_script") or (
            p.footer_status == "none" and p.final_url == home.final_url and len(p.links) >= SPLASH_LINKS)]
        for item in FOOTER_ITEMS:
            lacking = [p for p in judged if item not in p.footer and p.footer_status != "ok_script"]
            maybe = [p for p in judged if item not in p.footer and p.footer_status == "ok_script"]
            if maybe:
                self.undecide(f"{len(maybe)} 个页面的页脚含脚本，未见“{item}”（如 {maybe[0].url}），"
                              "可能由脚本写入，请人工核实", url=maybe[0].url)
            if lacking:
                yield self._finding(site, f"footer:{item}", f"页面底部的{item}", "all", lacking, len(judged))

    def _codes(self, pages: list[Page]) -> Iterator[Finding]:
        bad: dict[str, tuple[str, str, list[Page]]] = {}
        for page in pages:
            shown = [("meta", page.meta.get("SiteIDCode", ""))]
            if "政府网站标识码" in page.footer:
                shown.append(("footer", footer_code(page.footer["政府网站标识码"])))
            for where, code in shown:
                problem = site_code_problem(code)
                if problem:
                    bad.setdefault(code, (where, problem, []))[2].append(page)
        for code, (where, problem, lacking) in bad.items():
            lacking = sorted(lacking, key=_page_order)
            evidence = {"item": "code_format", "code": code, "problem": problem,
                        "shown_in": "页面元数据 SiteIDCode" if where == "meta" else "页面底部",
                        "pages": len(lacking), "examples": [p.url for p in lacking[:EXAMPLES]]}
            yield self.finding(url=lacking[0].url, evidence=evidence,
                               message=self.code_message.format(code=code, problem=problem))

    def _finding(self, site: Snapshot, item: str, what: str, kind: str, lacking: list[Page],
                 judged: int) -> Finding:
        home = site.home
        lacking = sorted(lacking, key=_page_order)  # the same evidence whatever order the crawl took
        on_home = home is not None and any(p.final_url == home.final_url for p in lacking)
        first = home if on_home else lacking[0]
        evidence = {"item": item, "what": what, "page_kind": KIND_NAMES[kind], "pages_lacking": len(lacking),
                    "pages_checked": judged, "homepage_lacks": on_home,
                    "examples": [p.url for p in lacking[:EXAMPLES]]}
        return self.finding(url=first.url, evidence=evidence, count=len(lacking), kind=KIND_NAMES[kind],
                            what=what, example=first.url)

    @classmethod
    def key(cls, finding: Mapping[str, Any]) -> tuple[str, ...]:
        ev = finding.get("evidence") or {}
        item = str(ev.get("item") or "")
        if item == "code_format":
            item += ":" + str(ev.get("code") or "")
        return (str(finding["check"]), item or str(finding.get("url") or ""))

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        ev = finding.get("evidence") or {}
        if ev.get("item") == "code_format":
            return [("页面", str(finding.get("url") or "")), ("标识码", str(ev.get("code", ""))),
                    ("问题", str(ev.get("problem", ""))), ("所在位置", str(ev.get("shown_in", ""))),
                    ("涉及页面数", str(ev.get("pages", "")))]
        out = [("缺少", str(ev.get("what", ""))),
               ("缺少的页面", f"{ev.get('pages_lacking', '')} 个（共检查 {ev.get('pages_checked', '')} 个"
                         f"{ev.get('page_kind', '页面')}）"),
               ("首页是否缺少", "是" if ev.get("homepage_lacks") else "否")]
        out += [("示例页面", str(u)) for u in ev.get("examples", [])[:3]]
        return out


def _page_order(page: Page) -> tuple[int, str]:
    return (page.depth, page.url)
