"""Score and verdict of a site under the 2019 national indicators (国办秘函〔2019〕19号).

Any single-veto item (单项否决) makes the site 不合格 with score 0 and nothing else is
scored: the homepage unreachable, the homepage not updated for 2 weeks, 5 or more stale
key columns (news columns over 2 weeks, top-level notice/policy columns over 6 months),
10 or more stale columns of any kind, 5 or more blank columns, or any finding of a
user's check whose severity is ``veto``. Otherwise the score is 100 minus the
deductions, floored at 0, with one decimal; below ``pass_score`` the site is 不合格.
Early warnings (预警) below the veto lines are reported separately.

Undecided is not passed: when checks could not look at something (menu written by script
and not rendered, list unreadable, crawl stopped before the columns), a site that would
pass gets the verdict and grade 待人工核实 with the reasons; a veto or a failing score
stands (what could not be looked at can only add problems).

Every number is a setting: the ``scoring`` map of the profile (defaults in
``checks/profiles/_defaults.yaml``, mirrored in ``DEFAULTS``), overridden by
``PORTALWATCH_SCORE_<KEY>`` in the audit settings (``--set PORTALWATCH_SCORE_MISSING_COLUMN=3``).
A user's check is deducted by its id as a key of the map, else by ``other_major`` /
``other_minor`` (0 by default: a new check does not move scores until someone decides).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from portalwatch.checks.base import Context, Finding
from portalwatch.checks.profiles import profile_of
from portalwatch.checks.stale_homepage import homepage_dates, homepage_max_age, newest
from portalwatch.crawler.snapshot import Snapshot

DEFAULTS: dict[str, Any] = {
    "dead_link_home": 1.0, "dead_link_other": 0.1, "missing_column": 2.0, "empty_column": 2.0,
    "stale_column_notice": 5.0, "stale_column": 2.0, "missing_interpretation": 1.0,
    "missing_interpretation_minor": 0.5, "cap_missing_interpretation": 10.0, "other_major": 0.0, "other_minor": 0.0,
    "pass_score": 60, "grades": {"优秀": 90, "良好": 80, "达标": 60},
    "veto_stale_key_columns": 5, "veto_stale_columns": 10, "veto_blank_columns": 5,
    "warn_homepage_idle_days": 10, "warn_blank_columns": 2, "warn_stale_columns": 6,
}
FAIL, PASS, PENDING = "不合格", "合格", "待人工核实"
VETO_LABELS = {"site_unreachable": "站点无法访问", "stale_homepage": "首页不更新"}
LABELS = {"missing_column": "缺少必备栏目", "empty_column": "空白栏目", "stale_column": "栏目不更新",
          "missing_interpretation": "政策文件无解读"}
# what an undecided item of a check leaves open (never phrased as a problem)
UNDECIDED_LABELS = {"missing_column": "必备栏目是否齐全", "empty_column": "栏目是否空白", "stale_column": "栏目是否及时更新"}


@dataclass
class ScoreResult:
    score: float  # 0-100, one decimal
    verdict: str  # 合格 / 不合格
    grade: str  # 优秀 / 良好 / 达标 / 不合格 (the grades setting)
    vetoes: list[str] = field(default_factory=list)  # why the site failed outright, in Chinese
    warnings: list[str] = field(default_factory=list)  # early warnings below the veto lines
    deductions: list[tuple[str, float]] = field(default_factory=list)  # (reason, points)
    pending: list[str] = field(default_factory=list)  # why the verdict is 待人工核实, in Chinese


class _Settings:
    def __init__(self, ctx: Context) -> None:
        self.profile = dict(profile_of(ctx).scoring)
        self.env = ctx.settings or {}

    def __getitem__(self, key: str) -> Any:
        env = self.env.get(f"PORTALWATCH_SCORE_{key.upper()}")
        if env is not None and key != "grades":
            return None if str(env).lower() in ("", "none", "null") else float(env)
        return self.profile.get(key, DEFAULTS.get(key))


def _names(findings: Iterable[Finding]) -> str:
    names = [f.column or f.url for f in findings]
    return "、".join(names[:10]) + ("等" if len(names) > 10 else "")


def _is_key_stale(f: Finding) -> bool:
    kind, level = f.evidence.get("column_type"), f.evidence.get("level", 1)
    return kind == "news" or (kind == "notice" and level == 1)


def vetoes(findings: list[Finding], s: _Settings) -> list[str]:
    out = [f"{VETO_LABELS.get(f.check, f.check)}（单项否决）：{f.message}" for f in findings if f.severity == "veto"]
    stale = [f for f in findings if f.check == "stale_column"]
    key = [f for f in stale if _is_key_stale(f)]
    blank = [f for f in findings if f.check == "empty_column"]
    if len(key) >= s["veto_stale_key_columns"]:
        out.append(f"栏目不更新（单项否决）：动态类栏目 2 周以上、一级通知公告/政策文件类栏目 6 个月以上未更新的共 "
                   f"{len(key)} 个（达到 {s['veto_stale_key_columns']:g} 个即否决）：{_names(key)}")
    if len(stale) >= s["veto_stale_columns"]:
        out.append(f"栏目不更新（单项否决）：应更新而未更新的栏目共 {len(stale)} 个"
                   f"（达到 {s['veto_stale_columns']:g} 个即否决）：{_names(stale)}")
    if len(blank) >= s["veto_blank_columns"]:
        out.append(f"空白栏目（单项否决）：空白栏目共 {len(blank)} 个（达到 {s['veto_blank_columns']:g} 个即否决）："
                   f"{_names(blank)}")
    return out


def warnings(findings: list[Finding], site: Snapshot, ctx: Context, s: _Settings) -> list[str]:
    out: list[str] = []
    limit = homepage_max_age(ctx)
    latest = newest(homepage_dates(site)) if site.home is not None and not site.unreachable else None
    if latest is not None:
        age = (ctx.as_of - latest.date).days
        if s["warn_homepage_idle_days"] <= age < limit:
            out.append(f"首页已 {age} 天未更新（最新信息发布于 {latest.date.isoformat()}），满 {limit} 天将被单项否决。")
    blank = sum(f.check == "empty_column" for f in findings)
    if s["warn_blank_columns"] < blank < s["veto_blank_columns"]:
        out.append(f"空白栏目已有 {blank} 个，达到 {s['veto_blank_columns']:g} 个将被单项否决。")
    stale = sum(f.check == "stale_column" for f in findings)
    if s["warn_stale_columns"] < stale < s["veto_stale_columns"]:
        out.append(f"未按时更新的栏目已有 {stale} 个，达到 {s['veto_stale_columns']:g} 个将被单项否决。")
    return out


def deductions(findings: list[Finding], s: _Settings) -> list[tuple[str, float]]:
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.severity == "veto":
            continue
        if f.check == "dead_link":
            sub = "home" if f.evidence.get("on_homepage") else "other"
        elif f.check == "stale_column":
            sub = "notice" if f.evidence.get("column_type") == "notice" else ""
        else:
            sub = "minor" if f.severity == "minor" else ""
        groups.setdefault((f.check, sub), []).append(f)
    out: list[tuple[str, float]] = []
    totals: dict[str, float] = {}
    for (check, sub), items in groups.items():
        key = f"{check}_{sub}" if sub else check
        each = s[key] if s[key] is not None else s[f"other_{items[0].severity}"]
        points = round(float(each or 0) * len(items), 2)
        cap = s[f"cap_{check}"]
        if cap is not None:
            points = min(points, max(0.0, float(cap) - totals.get(check, 0.0)))
        if points <= 0:
            continue
        totals[check] = totals.get(check, 0.0) + points
        out.append((_reason(check, sub, len(items), float(each)), points))
    return out


def _reason(check: str, sub: str, count: int, each: float) -> str:
    if check == "dead_link":
        where = "首页" if sub == "home" else "其他页面"
        return f"{where}失效链接 {count} 处（每处扣 {each:g} 分）"
    if check == "stale_column" and sub == "notice":
        return f"通知公告/政策文件类栏目不更新 {count} 个（每个扣 {each:g} 分）"
    if check == "missing_interpretation":
        what = "政策文件与解读未互相链接" if sub == "minor" else "政策文件无解读"
        return f"{what} {count} 份（每份扣 {each:g} 分）"
    label = LABELS.get(check, check)
    return f"{label}{'（次要）' if sub == 'minor' else ''} {count} 项（每项扣 {each:g} 分）"


def grade_of(score: float, s: _Settings) -> str:
    grades = s["grades"] or {}
    for name, floor in sorted(grades.items(), key=lambda kv: -float(kv[1])):
        if score >= float(floor):
            return str(name)
    return FAIL


def pending_reasons(undecided: Iterable[Any]) -> list[str]:
    """One Chinese line per check: how many things it could not look at, with examples."""
    groups: dict[str, list[Any]] = {}
    for item in undecided:
        groups.setdefault(item.check, []).append(item)
    out = []
    for check, items in groups.items():
        label = UNDECIDED_LABELS.get(check, check)
        example = items[0].reason.rstrip("。")
        out.append(f"{label}：{len(items)} 项未能判断（{'如：' if len(items) > 1 else ''}{example}）")
    return out


def crawl_gaps(site: Snapshot) -> list[str]:
    """Why the crawl itself did not see the whole site: then no pass can be claimed."""
    gaps = []
    if site.stats.get("cut_short"):
        gaps.append("抓取超过时间限制（--time-limit）提前结束，未抓取的页面未能检查")
    if site.stats.get("max_pages_reached"):
        gaps.append("抓取达到页面数上限（--max-pages），其余页面未能检查")
    return gaps


def score_site(findings: list[Finding], site: Snapshot, ctx: Context,
               undecided: Iterable[Any] = ()) -> ScoreResult:
    """The site's score, verdict, grade, veto reasons, early warnings and deductions; with
    ``undecided`` items a passing site is 待人工核实 instead (never 合格 on what was not seen)."""
    s = _Settings(ctx)
    veto = vetoes(findings, s)
    warn = warnings(findings, site, ctx, s)
    pending = crawl_gaps(site) + pending_reasons(undecided)
    if veto:
        return ScoreResult(0.0, FAIL, FAIL, veto, warn, [], pending)
    lost = deductions(findings, s)
    score = max(0.0, round(100.0 - sum(points for _, points in lost), 1))
    if score < float(s["pass_score"]):
        return ScoreResult(score, FAIL, FAIL, [], warn, lost, pending)
    if pending:
        return ScoreResult(score, PENDING, PENDING, [], warn, lost, pending)
    return ScoreResult(score, PASS, grade_of(score, s), [], warn, lost)
