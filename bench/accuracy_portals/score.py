"""Scoring findings against ground truth: per check TP / FP / FN, precision, recall, F1.

A finding's key is what identifies it for a human: the target URL of a dead link, the
profile's column name for a missing column, the column name as shown for an empty or
stale column, the document number for a missing interpretation, the message's title for
an unanswered message (``no_channel`` when the site has no channel at all), the page URL
for personal data and service guides, the wrong form for a content error, the missing item
for site identity, and the homepage for site-wide verdicts (stale_homepage,
site_unreachable, missing_annual_report). Duplicate findings with one key
count once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SITE_WIDE = {"stale_homepage", "site_unreachable", "missing_annual_report"}
HOMEPAGE = "homepage"  # the key of site-wide verdicts
CHECKS = ["dead_link", "missing_column", "empty_column", "stale_column", "stale_homepage",
          "missing_interpretation", "site_unreachable", "unanswered_message", "privacy_exposure", "content_error",
          "service_guide_incomplete", "site_identity", "missing_annual_report"]
NO_CHANNEL = "no_channel"  # the key of "the site offers no consultation channel at all"
# "has an interpretation but does not link it" (severity minor) is a different claim from
# "has none": scored on its own line, so it can never count as finding a missing one.
MINOR_INTERP = "missing_interpretation(minor)"


def finding_key(finding: dict, home: str = "") -> tuple[str, str]:
    check = finding.get("check", "")
    evidence = finding.get("evidence") or {}
    if check in SITE_WIDE:
        key = HOMEPAGE
    elif check == "dead_link":
        key = finding.get("target") or finding.get("url") or ""
    elif check == "missing_interpretation":
        key = str(evidence.get("doc_number") or finding.get("url") or "")
        if finding.get("severity") == "minor":
            check = MINOR_INTERP
    elif check == "unanswered_message":
        key = NO_CHANNEL if evidence.get("no_channel") else str(evidence.get("title") or "")
    elif check in ("privacy_exposure", "service_guide_incomplete"):
        key = finding.get("url") or ""
    elif check == "content_error":
        key = str(evidence.get("wrong") or "")
    elif check == "site_identity":
        key = str(evidence.get("item") or finding.get("column") or "")
    else:
        key = finding.get("column") or finding.get("target") or finding.get("url") or ""
    return check, "".join(str(key).split())


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Tally") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass
class Score:
    per_check: dict[str, Tally] = field(default_factory=dict)
    fps: list[tuple[str, str]] = field(default_factory=list)
    fns: list[tuple[str, str]] = field(default_factory=list)


def score(truth: set[tuple[str, str]], findings: list[dict], home: str) -> Score:
    """Compare the findings of one audit with the portal's ground truth."""
    truth = {(c, "".join(k.split())) for c, k in truth}
    found = {finding_key(f, home) for f in findings}
    out = Score()
    for check in sorted({c for c, _ in truth | found} | set(CHECKS)):
        t = {k for c, k in truth if c == check}
        f = {k for c, k in found if c == check}
        out.per_check[check] = Tally(len(t & f), len(f - t), len(t - f))
        out.fps += [(check, k) for k in sorted(f - t)]
        out.fns += [(check, k) for k in sorted(t - f)]
    return out


def total(scores: list[Score]) -> dict[str, Tally]:
    agg: dict[str, Tally] = {}
    for s in scores:
        for check, tally in s.per_check.items():
            agg.setdefault(check, Tally()).add(tally)
    return agg


def fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"
