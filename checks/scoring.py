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

Every number is a setting, read through one accessor (``Settings``): the ``scoring`` map of
the profile (``checks/profiles/_defaults.yaml``), overridden by ``PORTALWATCH_SCORE_<KEY>`` in
the audit settings (``--set PORTALWATCH_SCORE_MISSING_COLUMN=3``), falling back to the generic
keys below and the ``score_defaults`` of the checks. The rules themselves live on the check
classes (``deductions``, ``vetoes``, ``warnings``): this module iterates the enabled checks, gives
each its own findings and adds up. A user's check is deducted by its id as a key of the map
(or its ``score_defaults``), else by ``other_major`` / ``other_minor`` (0 by default: a new
check does not move scores until someone decides).

A stored run can be scored again without its snapshot (``rescore``): the audit keeps the
resolved settings and the warnings read from the site itself (``ScoreResult.basis``), so that a
finding an inspector ignores stops counting in the score shown with the open findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.checks.profiles import profile_of
from portalwatch.crawler.snapshot import Snapshot

GENERIC_DEFAULTS: dict[str, Any] = {
    "other_major": 0.0, "other_minor": 0.0, "pass_score": 60, "grades": {"优秀": 90, "良好": 80, "达标": 60},
}
FAIL, PASS, PENDING = "不合格", "合格", "待人工核实"


def defaults_of(classes: Iterable[type[Check]]) -> dict[str, Any]:
    """The generic keys plus every check's ``score_defaults``."""
    out = dict(GENERIC_DEFAULTS)
    for cls in classes:
        out.update(cls.score_defaults or {})
    return out


def __getattr__(name: str) -> Any:
    if name == "DEFAULTS":  # the built-in checks' numbers, as checks/profiles/_defaults.yaml mirrors them
        from portalwatch.checks.registry import BUILTIN_CHECKS, Entry, load_check

        return defaults_of(load_check(k, Entry(v, "内置")) for k, v in BUILTIN_CHECKS.items() if v)
    raise AttributeError(name)


@dataclass
class ScoreResult:
    score: float  # 0-100, one decimal
    verdict: str  # 合格 / 不合格
    grade: str  # 优秀 / 良好 / 达标 / 不合格 (the grades setting)
    vetoes: list[str] = field(default_factory=list)  # why the site failed outright, in Chinese
    warnings: list[str] = field(default_factory=list)  # early warnings below the veto lines
    deductions: list[tuple[str, float]] = field(default_factory=list)  # (reason, points)
    pending: list[str] = field(default_factory=list)  # why the verdict is 待人工核实, in Chinese
    # what ``rescore`` needs: checks in order, resolved settings, warnings read from the site, as-of
    basis: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


class Settings:
    """``s[key]``: ``PORTALWATCH_SCORE_<KEY>``, else the profile's ``scoring`` map, else the defaults;
    or, for a stored run, the values the audit resolved."""

    def __init__(self, profile: Mapping[str, Any], env: Mapping[str, Any], defaults: Mapping[str, Any],
                 record: Mapping[str, Any] | None = None) -> None:
        self.profile, self.env, self.defaults, self.record = dict(profile), env or {}, dict(defaults), record

    @classmethod
    def of(cls, ctx: Context, classes: Iterable[type[Check]]) -> "Settings":
        return cls(profile_of(ctx).scoring, ctx.settings or {}, defaults_of(classes))

    def __getitem__(self, key: str) -> Any:
        if self.record is not None:
            return self.record[key] if key in self.record else self.defaults.get(key)
        env = self.env.get(f"PORTALWATCH_SCORE_{key.upper()}")
        if env is not None and key != "grades":
            return None if str(env).lower() in ("", "none", "null") else float(env)
        return self.profile.get(key, self.defaults.get(key))

    def resolved(self) -> dict[str, Any]:
        """Every key the profile, the defaults or the environment names, resolved (stored with a run)."""
        keys = set(self.profile) | set(self.defaults)
        keys |= {k.removeprefix("PORTALWATCH_SCORE_").lower() for k in self.env if k.startswith("PORTALWATCH_SCORE_")}
        return {k: self[k] for k in sorted(keys)}


def grade_of(score: float, s: Settings) -> str:
    grades = s["grades"] or {}
    for name, floor in sorted(grades.items(), key=lambda kv: -float(kv[1])):
        if score >= float(floor):
            return str(name)
    return FAIL


def pending_reasons(undecided: Iterable[Any]) -> list[str]:
    """One Chinese line per check: how many things it could not look at, with examples."""
    from portalwatch.checks.registry import check_class

    groups: dict[str, list[Any]] = {}
    for item in undecided:
        groups.setdefault(item.check, []).append(item)
    out = []
    for check, items in groups.items():
        cls = check_class(check)
        label = cls.undecided_label or cls.display_title()
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


def _per_check(findings: Iterable[Finding], classes: Mapping[str, type[Check]]) -> list[tuple[type[Check], list[Finding]]]:
    """Each enabled check with its own findings (maybe none), then checks only findings name."""
    from portalwatch.checks.registry import check_class

    own: dict[str, list[Finding]] = {check_id: [] for check_id in classes}
    for f in findings:
        own.setdefault(f.check, []).append(f)
    return [(classes.get(check_id) or check_class(check_id), items) for check_id, items in own.items()]


def _verdict(veto: list[str], warn: list[str], lost: list[tuple[str, float]], pending: list[str], s: Settings,
             basis: dict[str, Any]) -> ScoreResult:
    if veto:
        return ScoreResult(0.0, FAIL, FAIL, veto, warn, [], pending, basis)
    score = max(0.0, round(100.0 - sum(points for _, points in lost), 1))
    if score < float(s["pass_score"]):
        return ScoreResult(score, FAIL, FAIL, [], warn, lost, pending, basis)
    if pending:
        return ScoreResult(score, PENDING, PENDING, [], warn, lost, pending, basis)
    return ScoreResult(score, PASS, grade_of(score, s), [], warn, lost, [], basis)


def score_site(findings: list[Finding], site: Snapshot, ctx: Context, undecided: Iterable[Any] = (),
               classes: Mapping[str, type[Check]] | None = None) -> ScoreResult:
    """The site's score, verdict, grade, veto reasons, early warnings and deductions; with
    ``undecided`` items a passing site is 待人工核实 instead (never 合格 on what was not seen).
    ``classes``: the checks that ran (default: the enabled ones)."""
    if classes is None:
        from portalwatch.checks.registry import enabled_checks

        classes = enabled_checks()
    groups = _per_check(findings, classes)
    s = Settings.of(ctx, [cls for cls, _ in groups])
    veto: list[str] = []
    warn: list[str] = []
    lost: list[tuple[str, float]] = []
    site_warnings: dict[str, list[str]] = {}
    for cls, own in groups:
        veto += cls.vetoes(own, s)
        found = cls.warnings(own, site, ctx, s)
        from_findings = _warnings_without_site(cls, own, ctx, s) if found else []
        if [w for w in found if w not in from_findings]:
            site_warnings[cls.id] = [w for w in found if w not in from_findings]
        warn += found
        lost += cls.deductions(own, s)
    pending = crawl_gaps(site) + pending_reasons(undecided)
    basis = {"checks": [cls.id for cls, _ in groups], "settings": s.resolved(), "site_warnings": site_warnings,
             "as_of": ctx.as_of.isoformat(), "pending": pending}
    return _verdict(veto, warn, lost if not veto else [], pending, s, basis)


def _warnings_without_site(cls: type[Check], own: list[Finding], ctx: Context, s: Settings) -> list[str]:
    """The warnings a check draws from its findings alone (a user's check may not expect no site)."""
    try:
        return cls.warnings(own, None, ctx, s)
    except Exception:  # then all its warnings count as read from the site, kept as the audit saw them
        return []


def finding_of(row: Mapping[str, Any]) -> Finding:
    """A stored finding (a dict, as the database and the JSON hold it) as a ``Finding``."""
    return Finding(check=str(row["check"]), severity=row["severity"], url=row.get("url") or "",
                   message=row.get("message") or "", target=row.get("target"), column=row.get("column"),
                   evidence=dict(row.get("evidence") or {}))


def rescore(findings: Iterable[Mapping[str, Any]], stored: Mapping[str, Any]) -> ScoreResult | None:
    """Score a stored run again from its finding dicts (some left out: ignored by an inspector)
    and its stored ``score`` (with ``basis``); None for runs stored before the basis was kept."""
    from portalwatch.checks.registry import check_class

    basis = (stored or {}).get("basis")
    if not basis or "settings" not in basis:
        return None
    rows = [finding_of(f) for f in findings]
    ids = list(dict.fromkeys([*basis.get("checks", []), *(f.check for f in rows)]))
    classes = {check_id: check_class(check_id) for check_id in ids}
    groups = _per_check(rows, classes)
    s = Settings({}, {}, defaults_of(classes.values()), record=basis["settings"])
    ctx = Context(profile=None, as_of=dt.date.fromisoformat(basis.get("as_of") or dt.date.today().isoformat()))
    veto: list[str] = []
    warn: list[str] = []
    lost: list[tuple[str, float]] = []
    for cls, own in groups:
        veto += cls.vetoes(own, s)
        warn += list((basis.get("site_warnings") or {}).get(cls.id, [])) + _warnings_without_site(cls, own, ctx, s)
        lost += cls.deductions(own, s)
    pending = list(basis.get("pending", stored.get("pending") or []))
    return _verdict(veto, warn, lost if not veto else [], pending, s, dict(basis))
