"""What every benchmark portal shares: the builder that collects routes and ground truth,
article text, columns with dated items, and the traps and defects the families reuse.

Ground truth is written down by the generator as it injects each defect (``expect``), never
derived from what the tool reports. Staleness is computed from the column's declared type
(news 14 days, notice 180, plan 365, static never — the national indicators) and the
date of its newest item, both chosen by hand per portal.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from html import escape

from .server import Response, Route

AS_OF = dt.date(2025, 12, 1)
MAX_AGE = {"news": 14, "notice": 180, "plan": 365, "static": None, None: None}
SOFT_404 = ("<html><head><meta charset=\"utf-8\"><title>提示信息</title></head><body><div class=\"error\">"
            "<h2>对不起，您访问的页面不存在或已被删除！</h2><p><a href=\"/\">返回首页</a></p></div></body></html>")
SENTENCES = [
    "坚持“公开是原则，不公开是例外”，凡不涉及国家秘密、商业秘密和个人隐私的政府信息都要主动公开。",
    "会议强调，要把政务公开工作纳入重要议事日程，定期研究解决工作中遇到的问题和困难。",
    "与会人员结合工作实际进行了交流发言，进一步明确了下一步工作思路和重点任务。",
    "重点推进财政预算决算、“三公”经费和行政经费等政府信息的公开。",
    "对涉及群众切身利益的教育、低保、扶贫、救灾、就业、养老等民生信息，全面、准确、及时向社会公开。",
    "全面清理办事服务事项，认真编制办事目录和服务指南，并在门户网站的相应栏目予以公开。",
    "充分发挥政府网站作为政府信息公开第一平台作用，确保各栏目内容及时、准确更新。",
    "按照“谁起草、谁解读”的原则，起草科室报审文件时，须将解读材料一并报送。",
    "加强安全生产隐患排查整治，压紧压实各方责任，坚决遏制各类事故发生。",
    "深入推进乡村振兴，因地制宜发展特色产业，持续改善农村人居环境。",
]
VERBS = ["召开", "部署", "开展", "推进", "完成", "启动", "组织", "落实"]
THINGS = ["政务公开工作推进会", "安全生产大检查", "乡村振兴重点工作", "优化营商环境专项行动", "惠民政策宣讲活动",
          "重大项目集中开工", "农村人居环境整治", "行政执法公示工作", "防汛抗旱工作", "森林防火专项检查"]


@dataclass
class Item:
    title: str
    url: str
    date: dt.date
    number: str = ""  # document number (文号) of a policy document
    extra: str = ""  # extra HTML placed in the article body (defects and traps)
    interp: str = ""  # URL of the matching interpretation (or of the document, for one)


@dataclass
class Column:
    name: str
    slug: str
    type: str | None  # news / notice / plan / static, or None: not judged for staleness
    url: str = ""
    items: list[Item] = field(default_factory=list)
    mode: str = "list"  # list | empty (empty container) | placeholder (暂无信息) | single (one article page)
    sidebar_zanwu: bool = False  # trap: a populated column whose sidebar says 暂无


class Builder:
    """Routes of one portal plus its ground truth ``{(check, key)}``."""

    def __init__(self, name: str, base: str, ext: str, refused: str, site_name: str, seed: int) -> None:
        self.name, self.base, self.ext, self.refused, self.site_name = name, base, ext, refused, site_name
        self.rng = random.Random(seed)
        self.routes: dict[str, Route] = {}
        self.truth: set[tuple[str, str]] = set()
        self.fallback: Route | None = None
        self.serial = 1000

    # -- routes ------------------------------------------------------------------------
    def page(self, path: str, html: str, charset: str = "utf-8", header_charset: str | None = "same",
             status: int = 200) -> None:
        declared = charset if header_charset == "same" else header_charset
        ctype = f"text/html; charset={declared}" if declared else "text/html"
        self.routes[path] = Response(html.encode(charset, errors="xmlcharrefreplace"), status=status,
                                     content_type=ctype)

    def binary(self, path: str, kind: str = "pdf") -> None:
        body, ctype = {"pdf": (b"%PDF-1.4\n%%EOF\n", "application/pdf"),
                       "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 56, "application/msword"),
                       "png": (PNG, "image/png"), "xls": (b"\xd0\xcf\x11\xe0" + b"\0" * 60, "application/vnd.ms-excel")}[kind]
        self.routes[path] = Response(body, content_type=ctype)

    def url(self, path: str) -> str:
        return self.base + path

    def expect(self, check: str, key: str) -> None:
        self.truth.add((check, key))

    def next_id(self) -> int:
        self.serial += self.rng.randint(1, 7)
        return self.serial

    # -- content -----------------------------------------------------------------------
    def title(self, place: str) -> str:
        return f"{place}{self.rng.choice(VERBS)}{self.rng.choice(THINGS)}"

    def body(self, n: int = 4) -> str:
        return "\n".join(f"<p>{''.join(self.rng.sample(SENTENCES, 3))}</p>" for _ in range(n))

    def fill(self, col: Column, n: int, newest: dt.date, url_of, step: int = 3, place: str = "") -> None:
        """``n`` items, newest first, ``step`` days (± random) apart; ``url_of(date, id)`` names them."""
        day = newest
        for _ in range(n):
            col.items.append(Item(self.title(place or self.site_name[:3]), url_of(day, self.next_id()), day))
            day -= dt.timedelta(days=self.rng.randint(max(1, step - 2), step + 2))

    def finish(self, columns: list[Column]) -> None:
        """Truth for empty and stale columns, from each column's declared type and newest date."""
        for col in columns:
            if col.mode in ("empty", "placeholder"):
                self.expect("empty_column", col.name)
                continue
            limit = MAX_AGE[col.type]
            dates = [i.date for i in col.items]
            if limit is not None and dates and (AS_OF - max(dates)).days > limit:
                self.expect("stale_column", col.name)

    # -- defects and traps ---------------------------------------------------------------
    def dead_page(self, path: str) -> str:
        """A link to a page that was never written (404 on a plain server)."""
        self.expect("dead_link", self.url(path))
        return f'<p>相关阅读：<a href="{path}">关于进一步做好有关工作的补充说明</a></p>'

    def dead_image(self, path: str) -> str:
        self.expect("dead_link", self.url(path))
        return f'<p style="text-align:center"><img src="{path}" alt="现场图片"></p>'

    def dead_attachment(self, path: str, label: str = "附件1：申报表") -> str:
        self.expect("dead_link", self.url(path))
        return f'<p>附件：<a href="{path}">{label}{path[path.rfind("."):]}</a></p>'

    def soft404(self, path: str) -> str:
        """A link to a page that answers 200 but says it does not exist."""
        self.page(path, SOFT_404)
        self.expect("dead_link", self.url(path))
        return f'<p>原文链接：<a href="{path}">点击查看原文</a></p>'

    def dead_external(self, refused: bool = False) -> str:
        target = f"{self.refused}/index.html" if refused else f"{self.ext}/gone/{self.name}.html"
        self.expect("dead_link", target)
        return f'<p>信息来源：<a href="{target}" target="_blank">上级部门网站</a></p>'

    def live_external(self) -> str:
        return f'<p>相关链接：<a href="{self.ext}/ok.html" target="_blank">中国政府网</a></p>'

    def waf(self, path: str, status: int) -> str:
        """401/403/429 forever: a firewall's answer, unverifiable, not a dead link."""
        headers = {"Retry-After": "1"} if status == 429 else {}
        self.routes[path] = Response("<html><body>Access denied</body></html>", status=status, headers=headers)
        return f'<p>更多信息：<a href="{path}">数据查询平台</a></p>'

    def redirect(self, path: str, to: str) -> str:
        self.routes[path] = Response("", status=302, headers={"Location": to})
        return f'<p>相关栏目：<a href="{path}">查看更多</a></p>'

    def head405(self, path: str) -> str:
        """An attachment whose server refuses HEAD but answers GET."""
        ok = Response(b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        bad = Response("Method Not Allowed", status=405, content_type="text/plain", headers={"Allow": "GET"})
        self.routes[path] = lambda h: bad if h.command == "HEAD" else ok
        return f'<p>附件：<a href="{path}">实施方案.pdf</a></p>'

    def quote_not_found(self) -> str:
        """An article that quotes 页面不存在 in its text: not a soft 404."""
        return ("<p>近期有群众反映，在手机上访问部分办事页面时提示“页面不存在”或“404”。经排查，原因是旧版链接已停用，"
                "现已统一跳转至新版政务服务平台，请群众通过首页“办事服务”入口办理相关事项。</p>")

    def calendar(self, path: str) -> None:
        """An endless calendar: every day links the day before and after (a crawler trap)."""
        def answer(h) -> Response:
            q = h.path.partition("date=")[2][:10] or AS_OF.isoformat()
            try:
                day = dt.date.fromisoformat(q)
            except ValueError:
                day = AS_OF
            prev, nxt = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
            return Response(f'<html><head><meta charset="utf-8"><title>活动日历</title></head><body><h3>{day:%Y年%m月%d日}</h3>'
                            f'<p>当日无活动安排。</p><a href="{path}?date={prev}">前一天</a> <a href="{path}?date={nxt}">后一天</a>'
                            '</body></html>')
        self.routes[path] = answer


def esc(text: str) -> str:
    return escape(text, quote=True)


def policy_docs(b: Builder, docs: Column, interps: Column, prefix: str, url_of, interp_url_of, newest: dt.date,
                with_interp: int, without: int, superior: int = 1) -> list[tuple[Item, Item]]:
    """Policy documents 〔2025〕N号: ``with_interp`` linked both ways to an interpretation,
    ``without`` with none (expected findings), ``superior`` reposted superior documents
    (国办发, no interpretation owed by this site)."""
    day, n, pairs = newest, 0, []
    topics = b.rng.sample(THINGS, with_interp + without)  # distinct titles: no two documents look alike
    for k in range(with_interp + without + superior):
        day -= dt.timedelta(days=b.rng.randint(5, 20))
        if k < with_interp + without:
            n += b.rng.randint(1, 4)
            number = f"{prefix}〔2025〕{n}号"
            topic = topics[k]
            title = f"{b.site_name}关于印发{topic}实施方案的通知"
        else:
            number, topic = f"国办发〔2025〕{20 + k}号", "政务公开"
            title = f"国务院办公厅关于做好{topic}工作的通知"
        doc = Item(title, url_of(day, b.next_id()), day, number=number)
        docs.items.append(doc)
        if k < with_interp:
            iday = day + dt.timedelta(days=1)
            interp = Item(f"关于《{title.removeprefix(b.site_name)}》的政策解读", interp_url_of(iday, b.next_id()), iday,
                          interp=doc.url)
            doc.interp = interp.url
            interps.items.append(interp)
            pairs.append((doc, interp))
        elif k < with_interp + without:
            b.expect("missing_interpretation", number)
    docs.items.sort(key=lambda i: i.date, reverse=True)
    interps.items.sort(key=lambda i: i.date, reverse=True)
    return pairs


def article_extra(item: Item) -> str:
    """The 文号 line and the two-way link between a document and its interpretation."""
    out = ""
    if item.number:
        out += f'<p class="wh">文号：{esc(item.number)}</p>'
    if item.interp and item.number:
        out += f'<p class="xgjd">相关解读：<a href="{item.interp}">政策解读</a></p>'
    elif item.interp:
        out += f'<p class="xgwj">相关文件：<a href="{item.interp}">政策原文</a></p>'
    return out + item.extra


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


# -- consultation messages (互动交流) ------------------------------------------------------
@dataclass
class Letter:
    """One consultation message of a mailbox column (局长信箱、县长信箱 …)."""

    title: str
    url: str
    posted: dt.date
    replied: dt.date | None = None  # None: never answered
    reply: str = ""
    unit: str = ""


def add_months(day: dt.date, months: int) -> dt.date:
    import calendar
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, min(day.day, calendar.monthrange(day.year + y, m + 1)[1]))


def late(letter: Letter) -> bool:
    """The national rule as a person applies it: posted within the year before AS_OF, and
    unanswered (or answered) more than 3 months after posting."""
    if not (add_months(AS_OF, -12) <= letter.posted <= AS_OF):
        return False
    due = add_months(letter.posted, 3)
    return (letter.replied or AS_OF) > due


REPLIES = ["您好！您反映的问题已转交相关部门，经现场核实，已于近日完成处理。感谢您对我们工作的关心和支持。",
           "您好！经与相关部门核实，该事项已纳入今年民生实事项目，预计年内实施完成，请您继续关注。",
           "您好！您咨询的政策已于本月发布，具体内容请查阅本网站政策文件栏目，如有疑问可来电咨询。"]


def letters(b: Builder, url_of, specs: list[tuple[str, dt.date, dt.date | None, bool]], unit: str) -> list[Letter]:
    """Letters from ``(title, posted, replied, planted)``: ``planted`` says the generator means
    this one as a defect (an unanswered_message finding); it must agree with the rule."""
    out = []
    for title, posted, replied, planted in specs:
        letter = Letter(title, url_of(posted, b.next_id()), posted, replied,
                        b.rng.choice(REPLIES) if replied else "", unit if replied else "")
        assert late(letter) == planted, (title, posted, replied)
        if planted:
            b.expect("unanswered_message", title)
        out.append(letter)
    return out


# -- personal data (公示名单) -----------------------------------------------------------------
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(area: str, born: dt.date, seq: int) -> str:
    """A resident ID number with a valid ISO 7064 MOD 11-2 check digit."""
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11]


NAMES = ["张建华", "李秀英", "王德明", "刘桂兰", "陈志刚", "杨玉梅", "赵国庆", "黄淑芬"]


def masked_id(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


# -- service guides (办事指南) -----------------------------------------------------------------
def guide_table(rows: list[tuple[str, str]], cls: str = "bszn") -> str:
    """A two-column guide table: label cell, value cell."""
    return f'<table class="{cls}">' + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"


def guide_dl(rows: list[tuple[str, str]]) -> str:
    return '<dl class="guide">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"
