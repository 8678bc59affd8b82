"""The monitor's own tables: the site registry (``sites``), the homepage availability probes
(``probes``) and what the monitor did (``job_log``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

from portalwatch.reports.storage.common import _json, now_iso

if TYPE_CHECKING:
    import sqlite_utils


def _site_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "emails": json.loads(row.get("emails") or "[]"),
            "settings": json.loads(row.get("settings") or "{}"), "enabled": bool(row.get("enabled"))}


class RegistryMixin:
    """Registered sites, availability probes and the job log."""

    db: sqlite_utils.Database

    # -- site registry ------------------------------------------------------------------

    def save_sites(self, rows: Iterable[dict[str, Any]]) -> dict[str, int]:
        """Insert or update sites by name in one transaction: ``{"added", "updated", "unchanged"}``."""
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        fields = ("url", "profile", "unit", "region", "contact", "emails", "enabled", "settings")
        with self.db.conn:
            for row in rows:
                new = {**row, "emails": _json(list(row.get("emails") or [])),
                       "settings": _json(dict(row.get("settings") or {})),
                       "enabled": int(bool(row.get("enabled", True)))}
                found = list(self.db.query("select * from sites where name = ?", [row["name"]]))
                if not found:
                    stamp = now_iso()
                    self.db["sites"].insert({**{f: new.get(f) for f in fields}, "name": row["name"],
                                             "created": stamp, "updated": stamp})
                    counts["added"] += 1
                    continue
                changes = {f: new.get(f) for f in fields if f in row and new.get(f) != found[0].get(f)}
                if changes:
                    self.db["sites"].update(row["name"], {**changes, "updated": now_iso()})
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
        return counts

    def site(self, name: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from sites where name = ?", [name]))
        return _site_row(rows[0]) if rows else None

    def sites(self, *, enabled_only: bool = False) -> list[dict[str, Any]]:
        where = " where enabled = 1" if enabled_only else ""
        return [_site_row(r) for r in self.db.query(f"select * from sites{where} order by name")]

    def remove_site(self, name: str) -> bool:
        """Drop a site from the registry; its runs and finding history stay for the record."""
        with self.db.conn:
            return self.db.execute("delete from sites where name = ?", [name]).rowcount > 0

    # -- availability probes ------------------------------------------------------------

    def add_probes(self, rows: Iterable[dict[str, Any]]) -> None:
        with self.db.conn:
            self.db["probes"].insert_all(rows, pk="id")

    def probe_counts(self, site: str, since: str) -> dict[str, int]:
        """Probes of a site since a time: ``total`` conclusive ones, ``failed``, ``blocked`` (firewall)."""
        row = self.db.execute(
            "select sum(ok is not null), sum(ok = 0), sum(ok is null), max(at) from probes"
            " where site = ? and at >= ?", [site, since]).fetchone()
        return {"total": row[0] or 0, "failed": row[1] or 0, "blocked": row[2] or 0, "last": row[3]}

    def prune_probes(self, before: str) -> int:
        with self.db.conn:
            return self.db.execute("delete from probes where at < ?", [before]).rowcount

    # -- job log ------------------------------------------------------------------------

    def log_job(self, kind: str, outcome: str, *, site: str | None = None, run_id: int | None = None,
                detail: str | None = None) -> None:
        with self.db.conn:
            self.db["job_log"].insert({"at": now_iso(), "site": site, "run_id": run_id, "kind": kind,
                                       "outcome": outcome, "detail": detail})

    def job_log(self, *, site: str | None = None, kind: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        where, args = [], []
        for col, val in (("site", site), ("kind", kind)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        sql = "select * from job_log" + (" where " + " and ".join(where) if where else "")
        return list(self.db.query(sql + " order by id desc limit ?", [*args, limit]))
