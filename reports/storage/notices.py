"""Rectification notices (整改通知) and their re-checks (复查): ``notices``, ``notice_findings``,
``notice_deliveries``, ``followups`` and ``notice_numbers``.

A notice's number (e.g. 〔2026〕第7号) is built from ``year`` and a per-year ``seq`` drawn
from ``notice_numbers``, so a number is never issued twice, even after a notice is deleted.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

from portalwatch.reports.storage.common import _json, finding_row, now_iso

if TYPE_CHECKING:
    import sqlite_utils

NOTICE_STATUSES = ("draft", "sent", "failed")


def _notice_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "recipients": json.loads(row.get("recipients") or "[]")}


class NoticesMixin:
    """Notices, the findings they list, their deliveries and follow-ups (item dicts keep ``check``)."""

    db: sqlite_utils.Database

    def notified_fingerprints(self, site: str, *, exclude: int | None = None) -> set[str]:
        """Fingerprints listed in any *sent* notice of a site (optionally not counting one notice)."""
        return {r["fingerprint"] for r in self.db.query(
            "select distinct i.fingerprint from notice_findings i join notices n on n.id = i.notice_id"
            " where n.site = ? and n.status = 'sent' and n.id != ?", [site, exclude or -1])}

    # -- numbers ------------------------------------------------------------------------

    def _next_seq(self, year: int) -> int:
        """Hand out the next sequence number of a year (call inside a transaction)."""
        self.db.execute("insert or ignore into notice_numbers (year, last_seq) values (?, 0)", [year])
        self.db.execute("update notice_numbers set last_seq = last_seq + 1 where year = ?", [year])
        return int(self.db.execute("select last_seq from notice_numbers where year = ?", [year]).fetchone()[0])

    # -- writing notices ----------------------------------------------------------------

    def save_notice(self, notice: dict[str, Any], items: Iterable[dict[str, Any]], *,
                    number_pattern: str, reuse: int | None = None) -> dict[str, Any]:
        """Store a notice and its items in one transaction and return the stored row.

        ``reuse`` names an unsent notice of the same site to overwrite (it keeps its number);
        otherwise a new number is drawn. ``notice`` must hold ``issued`` (ISO date).
        """
        year = int(str(notice["issued"])[:4])
        stamp = now_iso()
        row = {**notice, "recipients": _json(list(notice.get("recipients") or [])), "updated": stamp}
        item_rows = list(items)
        with self.db.conn:
            if reuse is not None:
                old = self.db["notices"].get(reuse)
                if old["status"] == "sent":
                    raise ValueError(f"notice {reuse} was sent and cannot be rewritten")
                if old["year"] != year:  # a draft carried into a new year gets that year's number
                    row |= self._number(year, number_pattern)
                notice_id = reuse
                self.db["notices"].update(notice_id, row)
                self.db.execute("delete from notice_findings where notice_id = ?", [notice_id])
            else:
                row |= self._number(year, number_pattern) | {"created": stamp, "status": "draft", "attempts": 0}
                notice_id = int(self.db["notices"].insert(row).last_pk)
            self.db["notice_findings"].insert_all(({
                "notice_id": notice_id, "fingerprint": i["fingerprint"], "check_id": i["check"],
                "severity": i["severity"], "message": i["message"], "url": i["url"], "target": i.get("target"),
                "column": i.get("column"), "evidence": _json(i.get("evidence") or {}),
            } for i in item_rows), pk=("notice_id", "fingerprint"), replace=True)
        return self.notice(notice_id)

    def _number(self, year: int, pattern: str) -> dict[str, Any]:
        while True:  # a pattern without {year} can collide with an earlier year's number
            seq = self._next_seq(year)
            number = pattern.format(year=year, seq=seq)
            if not self.db.execute("select 1 from notices where number = ?", [number]).fetchone():
                return {"year": year, "seq": seq, "number": number}

    def set_notice_render(self, notice_id: int, *, subject: str, html: str, text: str) -> None:
        with self.db.conn:
            self.db["notices"].update(notice_id, {"subject": subject, "html": html, "text": text,
                                                  "updated": now_iso()})

    def record_attempt(self, notice_id: int, error: str | None, *, delivered: bool | None = None,
                       recipients: Iterable[str] = ()) -> None:
        """Count one delivery attempt and keep it in the delivery history. ``delivered``
        (default: ``error`` is None) says the server accepted the message; ``error`` may then
        name refused recipients."""
        stamp = now_iso()
        with self.db.conn:
            self.db.execute("update notices set attempts = coalesce(attempts, 0) + 1, last_error = ?, updated = ?"
                            " where id = ?", [error, stamp, notice_id])
            self.db["notice_deliveries"].insert({
                "notice_id": notice_id, "at": stamp, "delivered": int(error is None if delivered is None else delivered),
                "error": error, "recipients": _json(list(recipients))})

    def mark_notice(self, notice_id: int, status: str, *, error: str | None = None) -> None:
        """Set a notice's status; ``failed`` never overrides ``sent``: a notice once delivered
        was received, whatever a later re-send met (the attempt stays in ``deliveries``)."""
        if status not in NOTICE_STATUSES:
            raise ValueError(status)
        changes: dict[str, Any] = {"status": status, "updated": now_iso()}
        if status == "sent":
            changes["sent_at"] = now_iso()
        elif status == "failed" and self.ever_delivered(notice_id):
            changes["status"] = "sent"
        if error is not None:
            changes["last_error"] = error
        with self.db.conn:
            self.db["notices"].update(notice_id, changes)

    def ever_delivered(self, notice_id: int) -> bool:
        row = self.db.execute("select sent_at from notices where id = ?", [notice_id]).fetchone()
        return bool(row and row[0]) or bool(self.db.execute(
            "select 1 from notice_deliveries where notice_id = ? and delivered = 1", [notice_id]).fetchone())

    def deliveries(self, notice_id: int) -> list[dict[str, Any]]:
        """The notice's delivery attempts, oldest first."""
        return [{**r, "delivered": bool(r["delivered"]), "recipients": json.loads(r["recipients"] or "[]")}
                for r in self.db.query("select * from notice_deliveries where notice_id = ? order by id",
                                       [notice_id])]

    def delete_notice(self, notice_id: int) -> None:
        """Remove a notice with its items and follow-ups; its number stays used."""
        with self.db.conn:
            self.db.execute("delete from followups where notice_id = ?", [notice_id])
            self.db.execute("delete from notice_deliveries where notice_id = ?", [notice_id])
            self.db.execute("delete from notice_findings where notice_id = ?", [notice_id])
            self.db.execute("delete from notices where id = ?", [notice_id])

    # -- reading notices ----------------------------------------------------------------

    def notice(self, notice_id: int) -> dict[str, Any]:
        return _notice_row(self.db["notices"].get(notice_id))

    def notices(self, site: str | None = None) -> list[dict[str, Any]]:
        where, args = ("where site = ?", [site]) if site else ("", [])
        return [_notice_row(r) for r in self.db.query(f"select * from notices {where} order by id", args)]

    def last_notice(self, site: str, *, sent_only: bool = False) -> dict[str, Any] | None:
        extra = " and status = 'sent'" if sent_only else ""
        rows = list(self.db.query(f"select * from notices where site = ?{extra} order by id desc limit 1", [site]))
        return _notice_row(rows[0]) if rows else None

    def notice_items(self, notice_id: int) -> list[dict[str, Any]]:
        return [{**finding_row(r), "evidence": json.loads(r["evidence"] or "{}")} for r in self.db.query(
            "select * from notice_findings where notice_id = ? order by rowid", [notice_id])]

    # -- follow-ups ---------------------------------------------------------------------

    def add_followup(self, notice_id: int, run_id: int | None, results: dict[str, Any], *,
                     html: str = "", text: str = "") -> int:
        with self.db.conn:
            return int(self.db["followups"].insert({
                "notice_id": notice_id, "run_id": run_id, "at": now_iso(), "results": _json(results),
                "html": html, "text": text}).last_pk)

    def followups(self, notice_id: int) -> list[dict[str, Any]]:
        return [{**r, "results": json.loads(r["results"] or "{}")} for r in self.db.query(
            "select * from followups where notice_id = ? order by id", [notice_id])]

