"""The life of each finding across runs: table ``finding_history``, one row per fingerprint.

The state machine is ``reports.lifecycle.next_status`` (new → open → resolved → reopened,
ignored by a person); this module only reads rows, asks it, and writes the answer. Rows
with ``first_run`` NULL come from the availability probes (``track_external``), not from an
audit, and are opened and resolved only by the probe evaluation.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

from portalwatch.reports.lifecycle import ACTIVE_STATUSES, TRACKED_STATUSES, next_status
from portalwatch.reports.storage.common import _json, finding_columns, finding_row, now_iso

if TYPE_CHECKING:
    import sqlite_utils

_ACTIVE_SQL = ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)


def undecided_columns(run: dict[str, Any]) -> set[tuple[Any, Any]]:
    """(check, column) pairs a run could not look at (its summary's ``undecided`` items)."""
    try:
        summary = json.loads(run.get("summary") or "{}")
    except (TypeError, ValueError):
        return set()
    return {(u.get("check"), u.get("column")) for u in summary.get("undecided", []) if isinstance(u, dict)}


def looked(item: dict[str, Any], looked_at: set[str] | None, undecided: set[tuple[Any, Any]]) -> bool:
    """Did a run look where ``item`` (a finding) was? Its column was not undecided, and its page or
    link was read (``looked_at``: every page read and link checked; None when unknown). Absence from
    a run proves a fix only there: pages beyond ``--max-pages`` or cut columns prove nothing."""
    if (item.get("check"), item.get("column")) in undecided:
        return False
    where = [u for u in (item.get("url"), item.get("target")) if u]
    return looked_at is None or not where or any(u in looked_at for u in where)


def _tracked_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**finding_row(row), "evidence": json.loads(row.get("evidence") or "{}")}


class HistoryMixin:
    """Folding runs into ``finding_history`` and reading it (finding dicts keep key ``check``)."""

    db: sqlite_utils.Database

    def update_history(self, run_id: int, site: str | None = None) -> dict[str, int]:
        """Fold one finished run of a registered site into ``finding_history``.

        Every run records what it saw (an unreachable run its ``site_unreachable``); only a
        ``complete`` run resolves what it did not see. Runs older than a row's last sighting
        are ignored for that row, so folding the same run twice changes nothing.
        """
        run = self.run(run_id)  # type: ignore[attr-defined]
        site = site or run.get("site_name")
        counts = {"new": 0, "open": 0, "reopened": 0, "resolved": 0, "ignored": 0}
        if not site or run["status"] not in ("complete", "unreachable", "cut_short"):
            return counts  # unscored runs (interrupted, failed) say nothing
        seen_at = run["started"]
        seen: set[str] = set()
        with self.db.conn:
            for f in self.findings_for_run(run_id):  # type: ignore[attr-defined]
                fp = f.get("fingerprint")
                if not fp or fp in seen:
                    continue
                seen.add(fp)
                latest = {"site": site, "check_id": f["check"], "severity": f["severity"], "url": f["url"],
                          "target": f["target"], "column": f["column"], "message": f["message"],
                          "evidence": _json(f["evidence"]), "last_seen": seen_at, "last_run": run_id}
                old = list(self.db.query("select * from finding_history where fingerprint = ?", [fp]))
                if not old:
                    self.db["finding_history"].insert({**latest, "fingerprint": fp, "status": next_status(None, "seen"),
                                                       "first_seen": seen_at, "first_run": run_id, "times_seen": 1})
                    counts["new"] += 1
                    continue
                old_row = old[0]
                if old_row["last_run"] is not None and old_row["last_run"] >= run_id:
                    continue
                status = next_status(old_row["status"], "seen")
                counts[status] += 1
                self.db["finding_history"].update(fp, {**latest, "status": status,
                                                       "times_seen": (old_row["times_seen"] or 0) + 1})
            if run["status"] == "complete":  # only a complete run resolves, and only what it looked at
                looked_at, undecided = self.run_urls(run_id), undecided_columns(run)  # type: ignore[attr-defined]
                gone = [r for r in map(finding_row, self.db.query(
                    "select fingerprint, status, url, target, check_id, \"column\" from finding_history where site = ?"
                    f" and status in ({_ACTIVE_SQL}) and last_run is not null and last_run < ?",
                    [site, run_id])) if r["fingerprint"] not in seen and looked(r, looked_at, undecided)]
                for r in gone:
                    self.db["finding_history"].update(r["fingerprint"], {
                        "status": next_status(r["status"], "gone"), "resolved_run": run_id, "resolved_at": seen_at})
                counts["resolved"] = len(gone)
        return counts

    def tracked_findings(self, site: str, statuses: Iterable[str] | None = None) -> list[dict[str, Any]]:
        wanted = list(statuses or TRACKED_STATUSES)
        marks = ", ".join("?" for _ in wanted)
        return [_tracked_row(r) for r in self.db.query(
            f"select * from finding_history where site = ? and status in ({marks})"
            " order by case status when 'reopened' then 0 when 'new' then 1 when 'open' then 2"
            " when 'resolved' then 3 else 4 end, check_id, url, target", [site, *wanted])]

    def tracked(self, ident: str) -> dict[str, Any] | None:
        """A tracked finding by fingerprint, or by the numeric ``run_findings.id`` of any of its sightings."""
        rows = list(self.db.query("select * from finding_history where fingerprint = ?", [ident]))
        if not rows and ident.isdigit():
            rows = list(self.db.query("select h.* from finding_history h join run_findings f"
                                      " on f.fingerprint = h.fingerprint where f.id = ?", [int(ident)]))
        return _tracked_row(rows[0]) if rows else None

    def ignore_finding(self, fingerprint: str, reason: str) -> None:
        with self.db.conn:
            self.db["finding_history"].update(fingerprint, {"status": next_status(None, "ignored"),
                                                            "ignored_reason": reason, "ignored_at": now_iso()})

    def track_external(self, site: str, fingerprint: str, finding: dict[str, Any] | None, at: str) -> str | None:
        """Open, refresh or (``finding`` None) resolve a finding that no audit run produces.

        Used by the availability probes. Returns the new status, or None when nothing changed.
        """
        old = list(self.db.query("select * from finding_history where fingerprint = ?", [fingerprint]))
        with self.db.conn:
            if finding is None:
                status = next_status(old[0]["status"], "gone") if old else None
                if old and status != old[0]["status"]:
                    self.db["finding_history"].update(fingerprint, {"status": status, "resolved_at": at})
                    return status
                return None
            latest = finding_columns({k: finding.get(k) for k in ("check", "severity", "url", "target", "column",
                                                                  "message")})
            latest |= {"site": site, "evidence": _json(finding.get("evidence") or {}), "last_seen": at}
            if not old:
                status = next_status(None, "seen")
                self.db["finding_history"].insert({**latest, "fingerprint": fingerprint, "status": status,
                                                   "first_seen": at, "times_seen": 1})
                return status
            status = next_status(old[0]["status"], "seen")
            self.db["finding_history"].update(fingerprint, {**latest, "status": status,
                                                            "times_seen": (old[0]["times_seen"] or 0) + 1})
            return status

    def open_counts(self, site: str) -> dict[str, int]:
        """Active (new, open, reopened) tracked findings of a site by check."""
        return {r["check_id"]: r["n"] for r in self.db.query(
            f"select check_id, count(*) as n from finding_history where site = ? and status in ({_ACTIVE_SQL})"
            " group by check_id order by check_id", [site])}

    def ignored_fingerprints(self, site: str) -> set[str]:
        """Fingerprints an inspector marked ignored (误报、可接受) for a registered site."""
        return {r["fingerprint"] for r in self.db.query(
            "select fingerprint from finding_history where site = ? and status = 'ignored'", [site])}

    def run_changes(self, site: str, run_id: int) -> dict[str, int]:
        """What a run changed in the history: findings first seen, resolved, and reopened by it."""
        row = self.db.execute(
            "select sum(first_run = :r), sum(resolved_run = :r and status = 'resolved'),"
            " sum(status = 'reopened' and last_run = :r) from finding_history where site = :s",
            {"r": run_id, "s": site}).fetchone()
        return {"new": row[0] or 0, "resolved": row[1] or 0, "reopened": row[2] or 0}
