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
from typing import Any, ClassVar, Iterator, Literal, Mapping

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


class Check:
    """Base class: subclass, set ``id``/``severity``/``message``, implement ``run``."""

    id: ClassVar[str] = ""
    severity: ClassVar[Severity] = "major"
    message: ClassVar[str] = ""  # str.format template; fields are check-specific

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
