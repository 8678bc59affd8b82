"""Consultation messages (留言, 信件, 咨询) on list pages and detail pages.

The 2019 indicators veto a site that leaves a consultation message unanswered for more
than three months, so the checks need each message's posting date and whether (and
when) it was answered. This module only reads what the page prints; the check decides.

Three layouts cover most portals:

- a table whose header names the columns (标题 | 留言时间 | 回复时间 | 状态), rows below;
- ``<li>`` rows holding the message link and spans: a status word standing alone
  (``[已回复]``, ``办理中``) and dates, labelled (``留言时间：2026-05-01``) or not;
- a detail page with labelled fields: 留言时间/来信时间/提交时间, 回复时间/答复时间,
  办结时间, 办理状态, and 回复内容/答复内容/回复单位 (an empty reply means unanswered).

Cheap on ordinary pages: nothing is read unless the page names itself a consultation
page (breadcrumb, ColumnName or title with 信箱, 留言, 咨询, 问政 …) or prints message
labels (留言时间, 回复时间 …). A status word inside a title (关于…已办结的通报) is never a
status: only a text segment that is nothing but the status word counts. Dates must carry
their year (``2026-05-01``, ``2026年5月1日``): year-less, masked or impossible dates are
left empty, because a guessed date could accuse a unit wrongly.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from ..snapshot import Message
from ._text import NON_CONTENT_TAGS, anchor_name, clip, content_roots, element_text, fold, resolve_url, squeeze
from .dates import find_dates
from .layout import Layout

# A page is read only when its own names say consultation, or it prints message labels.
_GATE_NAMES = re.compile(r"留言|信箱|咨询|问政|来信|信件|写信|诉求|投诉|互动|12345|问答|民声|答复|回复|建言")
_GATE_LABELS = re.compile(r"(?:留言|来信|提问|咨询|写信|发信|回复|答复)\s*(?:时\s*间|日\s*期)")

_YEAR = re.compile(r"(?:19|20)\d{2}")
_STATUS_STRIP = re.compile(r"^[\s\[［【(（〔<《]*(?:(?:办理|回复|答复|处理|信件|留言)?状态\s*[:：]\s*)?|[\s\]］】)）〕>》]*$")

ANSWERED = frozenset({"已回复", "已答复", "已办结", "已处理", "已反馈", "已回应", "办结", "已完成", "已解答", "已办理",
                      "回复", "已回"})
UNANSWERED = frozenset({"未回复", "待回复", "未答复", "待答复", "未处理", "待处理", "未办理", "暂未回复", "尚未回复",
                        "未回应", "待办理", "未办", "暂无回复", "暂无答复", "暂未答复", "尚未答复", "等待回复"})
PROCESSING = frozenset({"办理中", "处理中", "已受理", "受理中", "已转办", "转办中", "正在办理", "正在处理", "未办结",
                        "交办中", "已交办", "待办结"})

# Labels of a detail page's fields (whitespace removed before matching), longest first.
_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("posted", ("留言时间", "留言日期", "来信时间", "来信日期", "提交时间", "提交日期", "咨询时间", "提问时间",
                "写信时间", "发信时间", "投诉时间", "反映时间")),
    ("replied", ("回复时间", "回复日期", "答复时间", "答复日期", "反馈时间", "回应时间")),
    ("closed", ("办结时间", "办结日期", "办理时间")),  # 办理时间 is often when it was handled: a sign, not a reply date
    ("content", ("回复内容", "答复内容", "回复意见", "答复意见", "办理结果", "处理结果", "回复详情", "答复详情",
                 "处理情况", "办理情况", "回复情况", "答复情况")),
    ("unit", ("回复单位", "答复单位", "回复部门", "答复部门", "回复机构", "答复机构", "办理单位")),
    ("status", ("办理状态", "回复状态", "处理状态", "信件状态", "办事状态", "状态")),
    ("title", ("信件标题", "留言标题", "来信标题", "咨询标题", "留言主题", "信件主题", "来信主题", "咨询主题", "标题",
               "主题")),
    ("reply", ("回复", "答复")),  # a bare 回复：/答复： heading of the reply
)
_LABEL_WORDS = sorted((w for _, words in _LABELS for w in words), key=len, reverse=True)
# a label stands alone (its value in the next cell) or is followed by a colon
_LABEL_RX = re.compile("^(" + "|".join(_LABEL_WORDS) + r")(?:[:：](.*))?$", re.S)
_LABEL_FIRST = frozenset(w[0] for w in _LABEL_WORDS)
_KIND = {w: kind for kind, words in _LABELS for w in words}
_EMPTY_REPLY = re.compile(r"^(?:暂无|暂无回复|暂无答复|暂未回复|暂未答复|尚未回复|尚未答复|未回复|未答复|等待回复|待回复|"
                          r"待答复|无|-+|—+|／|/)?$")
_SCRIPT_FILLS = re.compile(r"回复|答复|reply|huifu|hfnr|dfnr|answer", re.I)

# Table header cells
_HEAD_TITLE = re.compile(r"标题|主题|^(?:内容|事项|问题|信件|留言)$")
_HEAD_REPLIED = re.compile(r"(?:回复|答复|反馈|回应)(?:时间|日期)")
_HEAD_CLOSED = re.compile(r"办结(?:时间|日期)")
_HEAD_POSTED = re.compile(r"时间|日期")
_HEAD_STATUS = re.compile(r"状态|^(?:办理|处理|回复|答复)情况$|^是否(?:回复|答复|办结)$")
MAX_HEAD = 10  # characters of a header cell
MAX_ROW_TEXT = 400
MAX_MESSAGES = 500
MIN_TITLE = 5  # a row's link shorter than this is a tool (查看, 返回列表), not a message title
_NOT_TITLES = frozenset({"返回列表", "查看详情", "点击查看", "我要写信", "我要留言", "我要咨询", "更多留言"})


_STATUS_HINT = re.compile(r"回|答|办|理|反馈|完成|审核|退|撤|公开")


def status_of(text: str) -> str | None:
    """answered/unanswered/processing when ``text`` is nothing but a status word, "" for a
    status word that says neither (审核中), None when it is not a status at all."""
    if not text or len(text) > 40 or not _STATUS_HINT.search(text):
        return None
    word = squeeze(_STATUS_STRIP.sub("", text))
    if not word or len(word) > 6:
        return None
    if word in ANSWERED:
        return "answered"
    if word in UNANSWERED:
        return "unanswered"
    if word in PROCESSING:
        return "processing"
    if word in ("审核中", "待审核", "未审核", "不予受理", "已退回", "退回", "不予公开", "已撤销"):
        return ""
    return None


def full_date(text: str, ref: dt.date) -> dt.date | None:
    """The first date in ``text`` that is printed with its year; None for year-less,
    masked (``2026-**-05``) or impossible dates."""
    if not text or len(text) > 60:
        return None
    for date, matched in find_dates(text, ref):
        if _YEAR.search(matched):
            return date
    return None


def looks_like_consultation(breadcrumb: list[str], meta: dict[str, str], title: str, layout: Layout) -> bool:
    """The cheap gate: the page names itself a consultation page or prints message labels."""
    names = " ".join([*breadcrumb, meta.get("ColumnName", ""), meta.get("ColumnType", ""), title])
    if _GATE_NAMES.search(names):
        return True
    return any(_GATE_LABELS.search(hit.text) for hit in layout.text_hits)


def extract_messages(root: etree._Element, base: str, as_of: dt.date, layout: Layout, breadcrumb: list[str],
                     meta: dict[str, str], title: str, page_url: str | None = None) -> list[Message]:
    """The consultation messages a page shows: table rows, list rows, or the page itself
    when it is a message's detail page (its URL is ``page_url``, links resolve against
    ``base``). Empty for pages that are not consultation pages."""
    if not looks_like_consultation(breadcrumb, meta, title, layout):
        return []
    reader = _Reader(root, base, as_of, layout, page_url or base)
    found = reader.tables()
    rows = reader.status_rows()
    cards = reader.cards()
    if not found and not cards:  # a list of messages is a list page; otherwise the page may be one message
        detail = reader.detail(meta, title)
        if detail is not None:
            found.append(detail)
    return (found + rows + cards)[:MAX_MESSAGES]


class _Reader:
    def __init__(self, root: etree._Element, base: str, ref: dt.date, layout: Layout, page_url: str) -> None:
        self.root = root
        self.base = base
        self.page_url = page_url
        self.ref = ref
        self.layout = layout
        self.used: set = set()  # row elements already read
        self._template: set | None = None
        self._segments: tuple[int, list[tuple[str, etree._Element]]] | None = None

    # --- helpers ------------------------------------------------------------------------
    def template(self) -> set:
        """Elements of header, footer, navigation and breadcrumb regions."""
        if self._template is None:
            members: set = set()
            for kind in ("header", "footer", "nav", "breadcrumb"):
                members |= self.layout.members(kind)
            self._template = members
        return self._template

    def content(self):
        for part in content_roots(self.root):
            yield from part.iter()

    def link_of(self, el: etree._Element) -> tuple[str | None, str]:
        """The row's principal link: ``(url, title)`` of its longest-named anchor."""
        best: tuple[str | None, str] = (None, "")
        for a in el.iter("a"):
            url = resolve_url(self.base, a.get("href"))
            name = fold(a.get("title")) or anchor_name(a)
            if url and len(name) > len(best[1]):
                best = (url, name)
        return best

    # --- tables -------------------------------------------------------------------------
    def tables(self) -> list[Message]:
        out: list[Message] = []
        template = self.template()
        for table in self.root.iter("table"):
            if table in template:
                continue
            rows = [r for r in table.xpath("./tr|./tbody/tr|./thead/tr")]
            head_at, columns = self._header(rows)
            if head_at is None:
                continue
            for row in rows[head_at + 1:]:
                msg = self._table_row(row, columns)
                if msg is not None:
                    out.append(msg)
                    self.used.add(row)
        return out

    def _header(self, rows: list[etree._Element]) -> tuple[int | None, dict[str, int]]:
        for n, row in enumerate(rows[:3]):
            cells = [fold(element_text(c)) for c in row if c.tag in ("th", "td")]
            if len(cells) < 2 or any(len(c) > MAX_HEAD for c in cells):
                continue
            columns: dict[str, int] = {}
            for i, text in enumerate(cells):
                key = squeeze(text)
                if _HEAD_REPLIED.search(key):
                    columns.setdefault("replied", i)
                elif _HEAD_CLOSED.search(key):
                    columns.setdefault("closed", i)
                elif _HEAD_STATUS.search(key):
                    columns.setdefault("status", i)
                elif _HEAD_POSTED.search(key):
                    columns.setdefault("posted", i)
                elif _HEAD_TITLE.search(key):
                    columns.setdefault("title", i)
            if "posted" in columns and ({"status", "replied", "closed"} & set(columns)):
                columns["width"] = len(cells)
                return n, columns
        return None, {}

    def _table_row(self, row: etree._Element, columns: dict[str, int]) -> Message | None:
        cells = [c for c in row if c.tag in ("th", "td")]
        if len(cells) != columns["width"]:
            return None
        text = element_text(row)
        if len(text) > MAX_ROW_TEXT:
            return None

        def cell(name: str) -> str:
            return fold(element_text(cells[columns[name]])) if name in columns else ""

        if "title" in columns:
            url, title = self.link_of(cells[columns["title"]])
            title = title or cell("title")
        else:
            url, title = self.link_of(row)
        if len(title) < 2:
            return None
        posted = full_date(cell("posted"), self.ref)
        replied = full_date(cell("replied"), self.ref)
        closed = full_date(cell("closed"), self.ref)
        shown = cell("status")
        status = status_of(shown) if shown else None
        if status is None:
            status, shown = "", shown if "status" in columns else ""
            if replied or closed:
                status = "answered"
            elif "replied" in columns and not cell("status") and _EMPTY_REPLY.match(squeeze(cell("replied"))):
                # no status shown: the empty reply date says it (a status the vocabulary does not
                # know, 已评价, is never read as unanswered)
                status, shown = "unanswered", "回复时间为空"
        if replied or closed:
            status = "answered"
        return Message(title, url, posted, replied, status, shown, clip(text))

    # --- list rows with a status word ----------------------------------------------------
    def status_rows(self) -> list[Message]:
        out: list[Message] = []
        template = self.template()
        seen: set = set()
        for el in self.content():
            if not isinstance(el.tag, str) or el.tag in NON_CONTENT_TAGS:
                continue
            for text, owner in ((el.text, el), (el.tail, el.getparent())):
                if not text or owner is None or len(text.strip()) > 16:
                    continue
                status = status_of(text)
                if status is None:
                    continue
                row = self._row_of(owner)
                if row is None or row in seen or row in template or self._inside_used(row):
                    continue
                seen.add(row)
                msg = self._list_row(row, status, fold(text))
                if msg is not None:
                    out.append(msg)
                    self.used.add(row)
        return out

    def _inside_used(self, el: etree._Element) -> bool:
        return any(anc in self.used for anc in el.iterancestors()) or el in self.used

    def _row_of(self, el: etree._Element) -> etree._Element | None:
        """The nearest list row above a status segment: an ``li``/``tr``/``dd`` (or a block
        repeated beside siblings of its kind) holding a link, with little text."""
        node: etree._Element | None = el
        for _ in range(5):
            if node is None or node.tag in ("body", "html", "ul", "ol", "table", "tbody"):
                return None
            parent = node.getparent()
            if node.tag in ("li", "tr", "dd", "dl", "div", "p") and node.find(".//a[@href]") is not None:
                repeated = node.tag in ("li", "tr", "dd") or (
                    parent is not None and sum(1 for c in parent if c.tag == node.tag) >= 2)
                if not repeated or len(element_text(node, MAX_ROW_TEXT + 1)) > MAX_ROW_TEXT:
                    return None
                return node
            node = parent
        return None

    def _list_row(self, row: etree._Element, status: str, shown: str) -> Message | None:
        url, title = self.link_of(row)
        if len(title) < MIN_TITLE or status_of(title) is not None or title in _NOT_TITLES:
            return None
        labelled: dict[str, dt.date] = {}
        bare: list[dt.date] = []
        for raw in row.itertext():
            text = fold(raw)
            if not text or len(text) > 40:
                continue
            date = full_date(text, self.ref)
            if date is None:
                continue
            found = _label(text)
            if found is not None and found[0] in ("posted", "replied", "closed"):
                labelled.setdefault(found[0], date)
            elif _only_date(text):
                bare.append(date)
        posted = labelled.get("posted")
        replied = labelled.get("replied")
        if replied or labelled.get("closed"):
            status = "answered"
        if posted is None and bare and status != "answered":
            # an unlabelled date beside an open message is its posting date; with several, the
            # latest (a later date only makes the message look younger: never an accusation). Beside
            # an answered one it may be either date, so it is not used (no late reply is measured on it).
            posted = max(bare)
        return Message(title, url, posted, replied, status, shown, clip(element_text(row)))

    # --- detail page -------------------------------------------------------------------------
    def segments(self) -> list[tuple[str, etree._Element]]:
        """Visible text segments of the page's content (template regions and rows already read
        left out), in order; text areas and input values included (some CMSs print the reply in a
        ``<textarea>``)."""
        if self._segments is not None and self._segments[0] == len(self.used):
            return self._segments[1]
        skip = set(self.template())
        for row in self.used:  # list rows already read are not the page's own fields
            skip.update(row.iter())
        out: list[tuple[str, etree._Element]] = []
        for el in self.content():
            tag = el.tag
            if not isinstance(tag, str) or el in skip:
                continue
            if tag in ("textarea",):
                text = fold("".join(el.itertext()))
                if text:
                    out.append((text, el))
            elif tag == "input" and (el.get("type") or "text").lower() == "text" and fold(el.get("value")):
                out.append((fold(el.get("value")), el))
            elif tag not in NON_CONTENT_TAGS and el.text and fold(el.text):
                out.append((fold(el.text), el))
            parent = el.getparent()
            if el.tail and fold(el.tail) and parent is not None and parent not in skip:
                out.append((fold(el.tail), parent))
        self._segments = (len(self.used), out)
        return out

    def fields(self, segments: list[tuple[str, etree._Element]],
               loose: bool = False) -> dict[str, list[tuple[str, etree._Element]]]:
        """Labelled values (``kind -> [(value, element)]``) among ``segments``; with ``loose`` (inside
        one message's block) a status word or empty-reply phrase standing alone (暂无回复) is a status."""
        out: dict[str, list[tuple[str, etree._Element]]] = {}
        for i, (text, el) in enumerate(segments):
            found = _label(text)
            if found is None:
                if loose and len(text) <= 8 and status_of(text) is not None:
                    out.setdefault("status", []).append((text, el))
                continue
            kind, rest = found
            if not rest:
                rest = self._following(segments, i)
            out.setdefault(kind, []).append((rest, el))
        return out

    def detail(self, meta: dict[str, str], page_title: str) -> Message | None:
        fields = self.fields(self.segments())
        if len(fields.get("posted", [])) > 1:
            return None  # several messages on one page, not a detail page
        title = (fields["title"][0][0] if "title" in fields and fields["title"][0][0] else "") or \
            meta.get("ArticleTitle", "") or self._heading() or re.split(r"\s*[_|｜]\s*|\s+-\s+", page_title)[0]
        return self._message(fields, title, self.page_url)

    def cards(self) -> list[Message]:
        """Messages printed as repeated blocks, each with its own labelled fields (留言时间：… 回复时间：…
        or 暂无回复), often without a detail page."""
        segments = self.segments()
        posted = [el for text, el in segments if (found := _label(text)) is not None and found[0] == "posted"]
        if len(posted) < 2:
            return []
        counts: dict[etree._Element, int] = {}
        for el in posted:
            for anc in el.iterancestors():
                counts[anc] = counts.get(anc, 0) + 1
        blocks: list[etree._Element] = []
        for el in posted:
            block = el
            for anc in el.iterancestors():
                if counts.get(anc, 0) != 1 or anc.tag in ("body", "html"):
                    break
                block = anc
            if block in blocks or block is el or len(element_text(block, 1001)) > 1000:
                return []  # fields not grouped one message per block: not this layout
            blocks.append(block)
        out: list[Message] = []
        for block in blocks:
            inside = set(block.iter())
            fields = self.fields([(t, el) for t, el in segments if el in inside], loose=True)
            url, title = self.link_of(block)
            if not title:
                title = fields["title"][0][0] if fields.get("title") else self._block_heading(block)
            msg = self._message(fields, title, url)
            if msg is not None and len(msg.title) >= 2:
                out.append(msg)
                self.used.add(block)
        return out

    def _block_heading(self, block: etree._Element) -> str:
        for el in block.iter():
            if not isinstance(el.tag, str):
                continue
            low = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
            if el.tag in ("h2", "h3", "h4", "h5", "strong", "b") or "tit" in low:
                text = fold(element_text(el))
                if 2 <= len(text) <= 100 and _label(text) is None:
                    return text
        return ""

    def _message(self, fields: dict[str, list[tuple[str, etree._Element]]], title: str, url: str | None) -> Message | None:
        has_reply_field = any(k in fields for k in ("content", "unit", "reply", "replied", "closed"))
        if "posted" not in fields and not ("status" in fields and has_reply_field):
            return None
        if not has_reply_field and "status" not in fields:
            return None
        posted = full_date(fields["posted"][0][0], self.ref) if "posted" in fields else None
        replied = next((d for v, _ in fields.get("replied", []) if (d := full_date(v, self.ref))), None)
        closed = next((d for v, _ in fields.get("closed", []) if (d := full_date(v, self.ref))), None)
        status, shown = "", ""
        for value, _ in fields.get("status", []):
            found = status_of(value)
            if found is not None:
                status, shown = found, value
                break
        content = []
        for kind in ("content", "reply"):
            for value, el in fields.get(kind, []):
                said = status_of(value) if value else None
                if said is None:
                    content.append((value, el))
                elif not status or said == "answered":  # 处理情况：未办理 is a status, not a reply
                    status, shown = said, value
        if replied or closed or any(v and not _EMPTY_REPLY.match(squeeze(v)) for v, _ in content):
            status, shown = "answered", shown or "有回复内容"
        elif content and status in ("", "unanswered") and not self._script_may_fill(content):
            empty = content[0][0]
            status, shown = "unanswered", shown or (f"回复内容：{empty}" if empty else "回复内容为空")
        evidence = "；".join(f"{label}：{value or '（空）'}" for label, value in self._evidence(fields))
        return Message(fold(title), url, posted, replied, status, shown, clip(evidence))

    def _following(self, segments: list[tuple[str, etree._Element]], i: int) -> str:
        """The value printed after a label standing alone: following segments up to the next label."""
        parts: list[str] = []
        for text, _ in segments[i + 1: i + 4]:
            if _label(text) is not None:
                break
            parts.append(text)
            if sum(len(p) for p in parts) > 200:
                break
        return fold(" ".join(parts))

    def _script_may_fill(self, content: list[tuple[str, etree._Element]]) -> bool:
        """An empty reply that a script may fill after loading: not evidence of no reply."""
        for script in self.root.iter("script"):
            if script.get("src"):
                continue
            text = "".join(script.itertext())
            if _SCRIPT_FILLS.search(text) or "ajax" in text.lower() or "fetch(" in text:
                return True
        return False

    def _heading(self) -> str:
        template = self.template()
        for tag in ("h1", "h2"):
            for el in self.root.iter(tag):
                if el not in template:
                    text = fold(element_text(el))
                    if 2 <= len(text) <= 100:
                        return text
        return ""

    @staticmethod
    def _evidence(fields: dict[str, list[tuple[str, etree._Element]]]) -> list[tuple[str, str]]:
        names = {"title": "标题", "posted": "留言时间", "status": "办理状态", "replied": "回复时间",
                 "closed": "办结时间", "unit": "回复单位", "content": "回复内容", "reply": "回复"}
        return [(names[k], clip(fields[k][0][0], 60)) for k in names if k in fields]


def _label(text: str) -> tuple[str, str] | None:
    """``(field kind, value after the colon)`` when ``text`` starts with a field label."""
    if text.lstrip()[:1] not in _LABEL_FIRST:
        return None
    m = _LABEL_RX.match(squeeze(text))
    if not m:
        return None
    at = min((i for i in (text.find(":"), text.find("：")) if i >= 0), default=-1)
    return _KIND[m[1]], (fold(text[at + 1:]) if at >= 0 else "")


_DATE_SEGMENT = re.compile(r"^[\[［【(（]?[\d\-/.年月日号:：\s]+[\]］】)）]?$")


def _only_date(segment: str) -> bool:
    return bool(_DATE_SEGMENT.match(segment))
