"""The check plug-in interface.

A check is a class with a stable ``id`` (one of the contract's check identifiers, or a
user's own), a ``severity`` and a Chinese ``message`` template. Its docstring is its
documentation (``portalwatch checks`` prints it). ``run`` is a pure function of the
crawled snapshot, the required-column profile and the as-of date: no network, no
database, no Scrapy. It yields immutable ``Finding`` records.

Why pure: the same snapshot and date must give the same findings (``--as-of`` makes
audits reproducible), and a user's check must not be able to corrupt another's input.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterator, Literal, Mapping, Protocol

from portalwatch.crawler.snapshot import Snapshot

Severity = Literal["veto", "major", "minor"]


@dataclass(frozen=True)
class Finding:
    """One problem found on a site: the contract's finding record."""

    check: str
    severity: Severity
    url: str
    message: str
    target: str | None = None
    column: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "url": self.url,
            "target": self.target,
            "column": self.column,
            "message": self.message,
            "evidence": json.loads(json.dumps(dict(self.evidence), ensure_ascii=False, default=str)),
        }


@dataclass(frozen=True)
class Context:
    """What a check may read besides the snapshot."""

    profile: Any  # portalwatch.checks.profiles.Profile (kept loose so user checks need not import it)
    as_of: dt.date
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Note:
    """Something a check could not decide, shown in the summary instead of a finding."""

    check: str
    message: str


@dataclass(frozen=True)
class Undecided:
    """Something the audit was unable to look at (menu written by script and not rendered,
    list unreadable, crawl stopped before the column): neither a finding nor a pass.

    Undecided items keep a site from being graded 合格/优秀 (the verdict becomes 待人工核实)
    and are listed for a person to verify; they are never an accusation."""

    check: str
    reason: str  # Chinese, fit for the summary and for the office's 待核实 list
    column: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "column": self.column, "url": self.url, "reason": self.reason}


class ScoreSettings(Protocol):
    """The scoring numbers of one audit: ``s["key"]`` reads the profile's ``scoring`` map,
    overridden by ``PORTALWATCH_SCORE_<KEY>``, falling back to the checks' ``score_defaults``."""

    def __getitem__(self, key: str) -> Any: ...


SEVERITY_TITLES: dict[str, str] = {"veto": "单项否决", "major": "严重", "minor": "一般"}


class Check:
    """Base class: subclass, set ``id``/``severity``/``title``/``message``, implement ``run``.

    Everything about a check lives on its class, and every other part of portalwatch
    (summary, JSON, notice, score, history, ``portalwatch checks``, the web) reads it from
    the registry: nothing outside ``checks/`` lists check ids.

    - ``title``: the Chinese name shown everywhere (失效链接); ``guidance``: what the unit
      must do, printed in the notice; ``undecided_label``: what an undecided item leaves open
      (栏目是否空白), never phrased as a problem.
    - ``score_defaults``: this check's scoring numbers (keys start with its id, e.g.
      ``{"dead_link_home": 1.0}``); a profile's ``scoring`` map or ``PORTALWATCH_SCORE_<KEY>``
      overrides them.
    - ``deductions`` / ``vetoes`` / ``warnings``: the scoring rule, given this check's
      findings only (ignored ones already removed) and the score settings.
    - ``key``: identity of a finding across runs (history, re-checks).
    - ``evidence_lines``: how a finding's evidence is shown to a person.
    """

    id: ClassVar[str] = ""
    severity: ClassVar[Severity] = "major"
    title: ClassVar[str] = ""  # Chinese name, e.g. 失效链接 (falls back to the id)
    guidance: ClassVar[str] = "请核实该问题并予以整改。"  # what the unit must do (notice)
    undecided_label: ClassVar[str] = ""  # e.g. 栏目是否空白 (falls back to title)
    message: ClassVar[str] = ""  # str.format template; fields are check-specific
    score_defaults: ClassVar[Mapping[str, Any]] = {}  # {"<id>": points per finding, "cap_<id>": cap, ...}

    def __init__(self) -> None:
        self.notes: list[Note] = []
        self.undecided: list[Undecided] = []

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, *, url: str, target: str | None = None, column: str | None = None,
                evidence: Mapping[str, Any] | None = None, severity: Severity | None = None,
                message: str | None = None, **fields: Any) -> Finding:
        """Build a finding with this check's id, severity and formatted message."""
        return Finding(
            check=self.id,
            severity=severity or self.severity,
            url=url,
            target=target,
            column=column,
            message=message if message is not None else self.message.format(**fields),
            evidence=dict(evidence or {}),
        )

    def note(self, message: str) -> None:
        """Record that the check could not decide something (precision over recall)."""
        self.notes.append(Note(self.id, message))

    def undecide(self, reason: str, *, column: str | None = None, url: str | None = None) -> None:
        """Record that something could not be looked at: it is not judged, and not passed either."""
        self.undecided.append(Undecided(self.id, reason, column, url))

    @classmethod
    def doc(cls) -> str:
        return (cls.__doc__ or "").strip()

    @classmethod
    def display_title(cls) -> str:
        return cls.title or cls.id

    # --- scoring rule (defaults: one deduction per finding, veto findings veto) -------------
    @classmethod
    def deduction_group(cls, finding: Finding) -> str:
        """The scoring sub-key of a non-veto finding: its points are ``s["<id>_<sub>"]``, or
        ``s["<id>"]`` for ``""``. By default minor findings are their own group (``<id>_minor``)."""
        return "minor" if finding.severity == "minor" else ""

    @classmethod
    def deduction_reason(cls, sub: str, count: int, each: float) -> str:
        """The Chinese line of one deduction group."""
        return f"{cls.display_title()}{'（次要）' if sub == 'minor' else ''} {count} 项（每项扣 {each:g} 分）"

    @classmethod
    def deductions(cls, findings: list[Finding], s: ScoreSettings) -> list[tuple[str, float]]:
        """``(Chinese reason, points)`` lines for this check's non-veto findings, one per
        ``deduction_group``: ``s["<id>[_<sub>]"]`` points each (else ``other_major``/``other_minor``),
        at most ``s["cap_<id>"]`` for the check in all."""
        groups: dict[str, list[Finding]] = {}
        for f in findings:
            if f.severity != "veto":
                groups.setdefault(cls.deduction_group(f), []).append(f)
        out: list[tuple[str, float]] = []
        total = 0.0
        for sub, items in groups.items():
            key = f"{cls.id}_{sub}" if sub else cls.id
            each = s[key] if s[key] is not None else s[f"other_{items[0].severity}"]
            points = round(float(each or 0) * len(items), 2)
            cap = s[f"cap_{cls.id}"]
            if cap is not None:
                points = min(points, max(0.0, float(cap) - total))
            if points <= 0:
                continue
            total += points
            out.append((cls.deduction_reason(sub, len(items), float(each or 0)), points))
        return out

    @classmethod
    def vetoes(cls, findings: list[Finding], s: ScoreSettings) -> list[str]:
        """Why the site fails outright because of this check (单项否决), one line each."""
        return [f"{cls.display_title()}（单项否决）：{f.message}" for f in findings if f.severity == "veto"]

    @classmethod
    def warnings(cls, findings: list[Finding], site: Snapshot | None, ctx: Context,
                 s: ScoreSettings) -> list[str]:
        """Early warnings (预警) below this check's veto line. ``site`` is None when a stored run
        is scored again (an inspector ignored a finding): warnings read from the site itself are
        then kept from the audit, so only warnings about the findings need computing."""
        return []

    # --- what the crawl must look for -----------------------------------------------------
    @classmethod
    def text_terms(cls, ctx: Context) -> tuple[str, ...]:
        """Words whose sentences this check needs from the pages' text (``Page.text_hits``):
        the audit collects them from every enabled check before the crawl. None by default."""
        return ()

    # --- history and display ------------------------------------------------------------
    @classmethod
    def key(cls, finding: Mapping[str, Any]) -> tuple[str, ...]:
        """What a finding is about, stable across runs (the site is added by the caller):
        ``(check, subject, *extra)``; the subject is the target, else the column, else the page."""
        subject = finding.get("target") or finding.get("column") or finding.get("url") or ""
        return (str(finding["check"]), str(subject))

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        """``(Chinese label, value)`` pairs an inspector reads to verify the finding (the page
        itself is shown beside them as 问题页面). By default: the target, the column, and the
        evidence's plain values."""
        lines: list[tuple[str, str]] = []
        add_line(lines, "涉及地址", finding.get("target"))
        add_line(lines, "栏目", finding.get("column"))
        for key, value in (finding.get("evidence") or {}).items():
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                add_line(lines, str(key), value)
        return lines


def add_line(lines: list[tuple[str, str]], label: str, value: Any, suffix: str = "") -> None:
    """Append ``(label, value)`` to evidence lines unless the value is empty (lists joined by 、)."""
    if value not in (None, "", []):
        lines.append((label, ("、".join(map(str, value)) if isinstance(value, list) else str(value)) + suffix))


def first_of(evidence: Mapping[str, Any], *keys: str) -> Any:
    """The first non-empty of ``evidence[key]`` (older runs named some facts differently)."""
    for key in keys:
        if evidence.get(key) not in (None, "", []):
            return evidence[key]
    return None


def finding_names(findings: list[Finding], limit: int = 10) -> str:
    """The columns (else pages) of findings, 、-joined, at most ``limit`` then 等 (veto lines)."""
    names = [f.column or f.url for f in findings]
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")
