"""unanswered_message: a consultation message left unanswered for more than 3 months; or no channel."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding, ScoreSettings
from portalwatch.checks.columns import crawl_cut_short, nav_blind, nav_size, unreadable, unseen_sections
from portalwatch.checks.profiles import profile_of
from portalwatch.crawler.snapshot import Message, Page, Snapshot

# Consultation channels (咨询、留言、信箱、问政) and what is not one (contract, 2019 indicators).
CONSULT_WORDS = ("信箱", "留言", "咨询", "问政", "来信", "写信", "诉求", "12345")
EXCLUDED_WORDS = ("访谈", "调查", "征集", "信访", "纪检", "监察", "举报")
GENERIC_WORDS = ("互动交流", "政民互动", "公众参与", "互动")  # a heading that usually holds the channels
# Textless links (icons) and images whose address names a channel: not proof of one, but enough to
# withhold a verdict (ldxx 领导信箱, xzxx 县长信箱, zzxx 镇长信箱, sjxx 书记信箱, zxzx 在线咨询 …).
_SLUG = re.compile(r"(?:^|[/_\-.=])(?:ldxx|xzxx|zzxx|sjxx|szxx|qzxx|jzxx|zxzx|wszx|zxly|wsly|zxts|lyb|liuyan|"
                   r"guestbook|mailbox|xjxx|zmhd|hdjl|gzcy|hudong|zixun|letter|message|12345)(?:$|[/_\-.?=])", re.I)
MAX_CHANNEL_NAME = 30  # longer texts are sentences; they only ever prevent the no-channel finding
MAX_COLUMN_NAME = 12  # a channel judged for unreadable lists must carry a column-like name
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s+-\s+|\s*—\s*")
_SKIP_NAMES = ("首页", "正文", "当前位置", "详情", "内容")
MAX_TITLES = 5
# A portal's menu lists a dozen columns or more; with fewer read, part of the menu may have been missed,
# so "no channel anywhere" is not claimed (undecided instead).
MIN_NAV_FOR_NO_CHANNEL = 8


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace())


def name_kind(name: str) -> str | None:
    """``consult`` / ``excluded`` / ``generic`` / None for one column or link name."""
    key = _norm(name)
    if not key:
        return None
    if any(w in key for w in EXCLUDED_WORDS):
        return "excluded"
    if any(w in key for w in CONSULT_WORDS):
        return "consult"
    if any(w in key for w in GENERIC_WORDS):
        return "generic"
    return None


def names_kind(names: list[str]) -> tuple[str | None, str]:
    """The kind of a page from all its names (an excluded name wins), with the name that decided."""
    kinds = [(name_kind(n), n) for n in names]
    for wanted in ("excluded", "consult", "generic"):
        for kind, name in kinds:
            if kind == wanted:
                return kind, name
    return None, ""


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Judged:
    """One message as every page that shows it tells it (list row and detail page merged)."""

    title: str
    url: str | None
    column: str
    page: str  # where the message's state shows (detail page, else the list page)
    posted: dt.date | None = None
    replied: dt.date | None = None
    answered: bool = False
    open: bool = False  # a status says unanswered / processing
    status_text: str = ""
    shown: str = ""
    sources: list[str] = field(default_factory=list)


def _setting(ctx: Context, cls: type[Check], key: str) -> float:
    env = (ctx.settings or {}).get(f"PORTALWATCH_SCORE_{key.upper()}")
    if env is not None and str(env).strip().lower() not in ("", "none", "null"):
        return float(env)
    value = profile_of(ctx).scoring.get(key)
    return float(value if value is not None else cls.score_defaults[key])


class UnansweredMessage(Check):
    """检查内容：在全站各页面的导航、链接、面包屑和标题中找出咨询类渠道（领导信箱、县长信箱、
    镇长信箱、咨询投诉、在线咨询、留言板、网络问政、12345 等），读取其列表页和详情页上的每条
    留言（信件）：提交时间（留言时间、来信时间、提交时间）和答复情况（回复时间、答复时间，
    已回复、未回复、办理中等状态，或详情页上为空的回复内容）。检查基准日前一年内提交的留言，
    超过 3 个月仍未答复的（状态为未回复、待回复、办理中、已受理且没有回复时间，或详情页回复
    内容为空），或页面所示回复时间比提交时间晚 3 个月以上的（留言实际等待了这么久；只有办结
    时间的不作为回复时间），逐条报告。网站完全没有咨询类渠道的，也报告。

    依据：互动回应差是 2019 年国家检查指标（国办秘函〔2019〕19号）的单项否决项：没有可用的
    在线咨询渠道，或一年内有咨询留言超过 3 个月未答复。留言超过 2 个月未答复时给出预警。

    不会指控：在线访谈、调查征集、意见征集、网上信访、纪检举报等栏目（不属于咨询渠道）的
    留言；日期被遮挡、没有年份或无法识别的留言（跳过，摘要中说明条数）；一年以前的留言；
    3 个月内已答复的留言，哪怕答复得晚；链接到其他平台的渠道（如省级 12345 热线平台，算作
    有渠道，其留言不在此检查）。

    待人工核实（不算通过）：咨询栏目的留言列表无法读取（由脚本生成且未渲染、需要登录，或列表
    不显示答复情况）；首页导航未能读取或只识别到不足 8 个栏目、抓取提前结束、或只找到“互动交流”
    栏目或图标链接而没有具名的咨询渠道时，不判断网站是否没有渠道。

    示例：县长信箱中“关于村道路灯维修的建议”，留言时间 2026-07-01，状态“未回复”，以
    2026-11-20 为基准日已 142 天未答复。
    """

    id = "unanswered_message"
    severity = "veto"
    title = "互动回应差"
    guidance = ("请对超过 3 个月未回复的留言立即答复并公开答复内容，建立留言限时办理制度；"
                "网站须提供在线咨询、留言或领导信箱等互动交流渠道并保持可用。")
    undecided_label = "留言是否及时回复"
    message = ("栏目“{column}”的留言“{title}”于 {posted} 提交，截至 {as_of} 已 {days} 天未回复"
               "（超过 {months} 个月，页面显示“{shown}”），请尽快答复并公开答复内容。")
    late_message = ("栏目“{column}”的留言“{title}”于 {posted} 提交，{replied} 才答复，相隔 {days} 天，"
                    "超过 {months} 个月，请建立留言限时办理制度，及时答复群众留言。")
    no_channel_message = ("网站未提供在线咨询、留言或领导信箱等互动交流渠道（全站 {pages} 个页面的导航、链接和"
                          "栏目名称中均未找到），请开设并保持可用。")
    score_defaults: Mapping[str, Any] = {
        "unanswered_message_months": 3, "unanswered_message_warn_months": 2, "unanswered_message_window_months": 12,
    }

    # --- run ------------------------------------------------------------------------------
    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        home = site.home
        if home is None or site.unreachable:
            return
        months = int(_setting(ctx, type(self), "unanswered_message_months"))
        window = int(_setting(ctx, type(self), "unanswered_message_window_months"))
        judged, skipped = judge_messages(site)
        if skipped:
            self.note(f"有 {len(skipped)} 条留言的日期无法识别或未显示年份（如“{skipped[0]}”），未作判断。")
        start = add_months(ctx.as_of, -window)
        for msg in judged:
            if msg.posted is None or not (start <= msg.posted <= ctx.as_of):
                continue
            due = add_months(msg.posted, months)
            evidence = {"title": msg.title, "message_url": msg.url, "posted": msg.posted.isoformat(),
                        "replied": msg.replied.isoformat() if msg.replied else None, "status_text": msg.status_text,
                        "shown": msg.shown, "column": msg.column, "pages": msg.sources,
                        "threshold_months": months, "as_of": ctx.as_of.isoformat()}
            if msg.replied is not None:
                if due < msg.replied <= ctx.as_of:
                    days = (msg.replied - msg.posted).days
                    yield self.finding(url=msg.page, column=msg.column, severity="veto",
                                       evidence={**evidence, "late": True, "days_to_reply": days},
                                       message=self.late_message.format(column=msg.column, title=msg.title,
                                                                        posted=msg.posted.isoformat(),
                                                                        replied=msg.replied.isoformat(), days=days,
                                                                        months=months))
                continue
            if msg.answered or not msg.open or ctx.as_of <= due:
                continue
            days = (ctx.as_of - msg.posted).days
            yield self.finding(
                url=msg.page, column=msg.column, evidence={**evidence, "late": False, "days_unanswered": days},
                message=self.message.format(column=msg.column, title=msg.title, posted=msg.posted.isoformat(),
                                            as_of=ctx.as_of.isoformat(), days=days, months=months,
                                            shown=msg.status_text or "未回复"))
        yield from self._channels(site, judged)

    def _channels(self, site: Snapshot, judged: list[Judged]) -> Iterator[Finding]:
        found = find_channels(site)
        cut = crawl_cut_short(site)
        read_pages = {p for msg in judged for p in msg.sources}
        for name, url in found.columns:
            self._undecide_unread(site, name, url, read_pages, cut)
        if found.consult:
            return
        home = site.home
        blind = nav_blind(site, 3) or ("首页导航未能读取" if getattr(home, "nav_status", "") != "ok" else "")
        size = nav_size(site)
        if not blind and size < MIN_NAV_FOR_NO_CHANNEL:
            blind = f"首页导航只识别到 {size} 个栏目，可能未读全"
        if not blind and unreadable(home):
            blind = "首页需要浏览器渲染，本次未能渲染"
        why = blind or cut or ("部分栏目页面未能读取：" + "、".join(unseen_sections(site)[:3])
                               if unseen_sections(site) else "")
        if why:
            self.undecide(f"未找到在线咨询、留言或信箱类渠道，但{why}，无法判断网站是否提供互动交流渠道。",
                          url=home.url)
            return
        if found.generic or found.icons:
            what = f"“{found.generic[0]}”栏目" if found.generic else f"图标链接 {found.icons[0]}"
            self.undecide(f"网站有{what}，但未识别到在线咨询、留言或信箱类渠道，请人工核实是否提供互动交流渠道。",
                          url=home.url)
            return
        evidence = {"no_channel": True, "pages_seen": len(site.pages), "excluded_seen": found.excluded[:5],
                    "searched": "全站页面的导航菜单、链接文字、面包屑、栏目名称和页面标题"}
        yield self.finding(url=home.url, evidence=evidence,
                           message=self.no_channel_message.format(pages=len(site.pages)))

    def _undecide_unread(self, site: Snapshot, name: str, url: str, read_pages: set[str], cut: str) -> None:
        page = site.page_at(url)
        if page is None:
            if cut:
                self.undecide(f"咨询类栏目“{name}”的页面未抓取（{cut}），无法判断留言是否及时回复。", column=name, url=url)
            return
        if page.status >= 400 or page.soft404 or page is site.home:
            return
        pages = site.list_pages(page.url)
        if any(p.url in read_pages for p in pages) or any(p.messages for p in pages):
            return
        if unreadable(page):
            self.undecide(f"咨询类栏目“{name}”的留言列表由脚本生成，本次未能渲染，无法判断留言是否及时回复。",
                          column=name, url=page.url)
        elif "登录" in page.title or re.search(r"login|signin|passport", page.final_url, re.I):
            self.undecide(f"咨询类栏目“{name}”需要登录才能查看（{page.final_url}），无法判断留言是否及时回复。",
                          column=name, url=page.url)
        elif any(p.list_items for p in pages) and not any(
                (d := site.page_at(i.url)) is not None and d.messages for p in pages for i in p.list_items if i.url):
            self.undecide(f"咨询类栏目“{name}”的留言列表未显示回复情况，详情页也未能读取，无法判断留言是否及时回复。",
                          column=name, url=page.url)

    # --- scoring rule -------------------------------------------------------------------------
    @classmethod
    def vetoes(cls, findings: list[Finding], s: ScoreSettings) -> list[str]:
        out = [f"{cls.title}（单项否决）：{f.message}" for f in findings
               if f.severity == "veto" and f.evidence.get("no_channel")]
        messages = [f for f in findings if f.severity == "veto" and not f.evidence.get("no_channel")]
        if messages:
            months = messages[0].evidence.get("threshold_months") or cls._num(s, "unanswered_message_months")
            shown = "、".join(f"“{f.evidence.get('title')}”（{f.evidence.get('posted')} 提交）"
                             for f in messages[:MAX_TITLES])
            more = f"等 {len(messages)} 条" if len(messages) > MAX_TITLES else f"共 {len(messages)} 条"
            out.append(f"{cls.title}（单项否决）：近一年内的留言超过 {float(months):g} 个月未回复：{shown}{more}。")
        return out

    @classmethod
    def warnings(cls, findings: list[Finding], site: Snapshot | None, ctx: Context, s: ScoreSettings) -> list[str]:
        """Messages open more than 2 months but not yet 3, read from the site (None when a stored
        run is scored again: the audit's warnings are kept then)."""
        if site is None or site.home is None or site.unreachable:
            return []
        months, warn = int(cls._num(s, "unanswered_message_months")), int(cls._num(s, "unanswered_message_warn_months"))
        start = add_months(ctx.as_of, -int(cls._num(s, "unanswered_message_window_months")))
        near = []
        for msg in judge_messages(site)[0]:
            if msg.posted is None or msg.answered or not msg.open or msg.replied is not None:
                continue
            if start <= msg.posted and add_months(msg.posted, warn) < ctx.as_of <= add_months(msg.posted, months):
                near.append(msg)
        if not near:
            return []
        first = near[0]
        return [f"{len(near)} 条留言已超过 {warn} 个月未回复（如“{first.title}”，{first.posted.isoformat()} 提交），"
                f"满 {months} 个月将被单项否决。"]

    @classmethod
    def _num(cls, s: ScoreSettings, key: str) -> float:
        """A scoring number, this class's default when the settings do not know the key."""
        try:
            value = s[key]
        except KeyError:
            value = None
        return float(value if value is not None else cls.score_defaults[key])

    # --- history and display ------------------------------------------------------------------
    @classmethod
    def key(cls, finding: Mapping[str, Any]) -> tuple[str, ...]:
        ev = finding.get("evidence") or {}
        if ev.get("no_channel"):
            return (str(finding["check"]), "no_channel")
        return (str(finding["check"]), str(ev.get("message_url") or f"{ev.get('title')}|{ev.get('posted')}"))

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        ev = finding.get("evidence") or {}
        if ev.get("no_channel"):
            return [("情况", "全站未找到在线咨询、留言或信箱类渠道"),
                    ("检查范围", f"{ev.get('pages_seen')} 个页面的{ev.get('searched', '导航和链接')}"),
                    ("页面", str(finding.get("url") or ""))]
        if ev.get("late"):
            reply = f"{ev.get('replied')} 答复（相隔 {ev.get('days_to_reply')} 天）"
        else:
            reply = f"{ev.get('status_text') or '未回复'}，截至 {ev.get('as_of')} 已 {ev.get('days_unanswered')} 天"
        out = [("留言标题", str(ev.get("title") or "")), ("留言时间", str(ev.get("posted") or "")), ("回复情况", reply)]
        if finding.get("column"):
            out.append(("栏目", str(finding["column"])))
        out.append(("页面", str(finding.get("url") or "")))
        if ev.get("message_url") and ev.get("message_url") != finding.get("url"):
            out.append(("留言页面", str(ev["message_url"])))
        return out


# --- the site's channels --------------------------------------------------------------------
@dataclass
class Channels:
    consult: list[tuple[str, str | None]] = field(default_factory=list)  # (name, url): any hint of a channel
    columns: list[tuple[str, str]] = field(default_factory=list)  # internal consultation columns to read
    generic: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    icons: list[str] = field(default_factory=list)


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit
    return (urlsplit(url or "").hostname or "").removeprefix("www.")


def find_channels(site: Snapshot) -> Channels:
    """Every name on the site that says consultation channel, from menus, links, breadcrumbs
    and titles. An off-site target (a provincial platform, a 12345 hotline site) counts."""
    out = Channels()
    home = site.home
    host = _host(home.final_url if home else site.start_url)
    kinds: dict[str, str | None] = {}
    seen_columns: set[str] = set()

    def see(name: str, url: str | None, column_like: bool) -> None:
        name = (name or "").strip()
        if not name or len(name) > MAX_CHANNEL_NAME:
            return
        kind = kinds.get(name, "?")
        if kind == "?":
            kind = kinds[name] = name_kind(name)
        if kind == "consult":
            out.consult.append((name, url))
            if column_like and url and _host(url) == host and len(name) <= MAX_COLUMN_NAME and url not in seen_columns:
                seen_columns.add(url)
                out.columns.append((name, url))
        elif kind == "generic":
            out.generic.append(name)
        elif kind == "excluded" and name not in out.excluded:
            out.excluded.append(name)

    for page in site.pages.values():
        for root in page.nav:
            for _, node in root.walk():
                see(node.name, node.url, True)
        for link in page.links:
            if link.text:  # columns: menu entries, and the homepage's short link boxes (县长信箱 icons)
                see(link.text, link.url, link.nav or (page is home and len(link.text) <= 8))
            if link.kind in ("page", "image") and not kinds.get(link.text) and len(out.icons) < 10 and _SLUG.search(
                    link.url.split("://", 1)[-1].partition("/")[2]):
                out.icons.append(link.url)
        for name in page.breadcrumb + [page.column_name]:
            see(name, None, False)
        for part in _TITLE_SPLIT.split(page.title or "")[1:]:
            see(part, None, False)
    return out


# --- the messages ---------------------------------------------------------------------------
def _page_names(page: Page, detail: bool, nav_names: dict[str, set[str]]) -> list[str]:
    names = [n for n in page.breadcrumb if n and n not in _SKIP_NAMES]
    if detail and names:
        names = names[:-1] if names[-1] and len(names[-1]) > MAX_COLUMN_NAME else names
    names.append(page.column_name)
    parts = _TITLE_SPLIT.split(page.title or "")
    names += parts[1:] if detail else parts  # a detail page's first title part is the message's title
    if not detail:
        names += sorted(nav_names.get(page.url, set()) | nav_names.get(page.final_url, set()))
    return [n for n in names if n]


def judge_messages(site: Snapshot) -> tuple[list[Judged], list[str]]:
    """Every message of a consultation column, merged across the pages that show it, and
    the titles of those skipped because no posting date with a year could be read."""
    holders = [p for p in site.pages.values() if p.messages]
    if not holders:
        return [], []
    nav_names: dict[str, set[str]] = {}  # every page repeats the menu: each name once
    for page in site.pages.values():
        for root in page.nav:
            for _, node in root.walk():
                if node.url:
                    nav_names.setdefault(node.url, set()).add(node.name)
        for link in page.links:
            if link.nav and link.text and len(link.text) <= MAX_COLUMN_NAME:
                nav_names.setdefault(link.url, set()).add(link.text)
    # pages listing a detail page: it inherits their column
    listed_by: dict[str, list[Page]] = {}
    for page in holders:
        for msg in page.messages:
            if msg.url and msg.url not in (page.url, page.final_url):
                listed_by.setdefault(msg.url, []).append(page)
    kinds: dict[str, tuple[str | None, str]] = {}

    def kind_of(page: Page, detail: bool) -> tuple[str | None, str]:
        key = f"{page.url}|{detail}"
        if key not in kinds:
            kind, name = names_kind(_page_names(page, detail, nav_names))
            if detail and kind is None:
                parents = [kind_of(p, False) for p in listed_by.get(page.url, []) + listed_by.get(page.final_url, [])]
                kind, name = names_kind([n for _, n in parents if n]) if parents else (None, "")
                if any(k == "excluded" for k, _ in parents):
                    kind, name = "excluded", next(n for k, n in parents if k == "excluded")
            kinds[key] = (kind, name)
        return kinds[key]

    merged: dict[Any, Judged] = {}
    skipped: list[str] = []
    excluded_urls = {u for u, names in nav_names.items() if any(name_kind(n) == "excluded" for n in names)}

    def mixes_excluded(page: Page) -> bool:
        """A generic page (互动交流) that also shows an excluded column's box (网上信访 …)."""
        return any(not link.nav and (link.url in excluded_urls or (link.text and len(link.text) <= MAX_COLUMN_NAME
                                                                  and name_kind(link.text) == "excluded"))
                   for link in page.links)

    def excluded(msg: Message, page: Page, own: bool) -> bool:
        """The message shows in, or opens a page of, an excluded column anywhere on the site."""
        url = page.url if own else msg.url
        if url and any(kind_of(p, False)[0] == "excluded" for p in listed_by.get(url, [])):
            return True
        detail = site.page_at(msg.url) if msg.url and not own else None
        return detail is not None and detail.messages != [] and kind_of(detail, True)[0] == "excluded"

    for page in holders:
        for msg in page.messages:
            own = msg.url in (page.url, page.final_url)
            kind, column = kind_of(page, own)
            if kind not in ("consult", "generic") or excluded(msg, page, own):
                continue
            if kind == "generic" and mixes_excluded(page):
                continue
            target = site.page_at(msg.url) if msg.url else None
            key: Any = target.url if target is not None else (msg.url or (msg.title, msg.posted))
            rec = merged.get(key)
            if rec is None:
                rec = merged[key] = Judged(msg.title, msg.url, column, page.url)
            _merge(rec, msg, page, own)
    out = []
    for rec in merged.values():
        if rec.posted is None:
            if rec.open:
                skipped.append(rec.title)
            continue
        out.append(rec)
    return out, skipped


def _merge(rec: Judged, msg: Message, page: Page, own: bool) -> None:
    rec.sources.append(page.url)
    if msg.posted is not None:  # the later of two printed dates: a younger message, never an older one
        rec.posted = max(rec.posted, msg.posted) if rec.posted else msg.posted
    if msg.replied is not None:
        rec.replied = min(rec.replied, msg.replied) if rec.replied else msg.replied
    if msg.status == "answered" or msg.replied is not None:
        rec.answered = True
    if msg.status in ("unanswered", "processing"):
        rec.open = True
        if own or not rec.status_text:
            rec.status_text = msg.status_text
            rec.page = page.url
    if own and len(msg.title) > len(rec.title):
        rec.title = msg.title
    rec.shown = rec.shown or msg.evidence
