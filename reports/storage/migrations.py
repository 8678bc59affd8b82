"""The numbered migrations of the portalwatch database (migration set ``portalwatch``).

Applied in order on every open (``Store``); sqlite-utils records each one's name in
``_sqlite_migrations``, so the names and the order below never change. m0001-m0004 create
the schema under its first names; m0005 renames the tables and columns whose names misled
(see the package docstring) and keeps the old names as read-only views.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("portalwatch")


@migrations()
def m0001_runs_pages_links_findings(db: sqlite_utils.Database) -> None:
    db["runs"].create({
        "id": int, "site": str, "site_name": str, "profile": str, "as_of": str,
        "started": str, "finished": str, "status": str, "pages": int, "links_checked": int,
        "score": float, "verdict": str, "grade": str, "options": str, "summary": str, "pid": int,
    }, pk="id")
    db["pages"].create({
        "run_id": int, "url": str, "final_url": str, "status": int, "depth": int, "title": str,
        "encoding": str, "encoding_note": str, "content_type": str, "size": int, "truncated": int,
        "pub_date": str, "column_name": str, "doc_number": str, "items": int, "soft404": str,
        "rendered": int, "render_reason": str, "meta": str,
    }, pk=("run_id", "url"), foreign_keys=[("run_id", "runs", "id")])
    db["links"].create({
        "run_id": int, "target": str, "verdict": str, "status": int, "reason": str, "detail": str,
        "final_url": str, "method": str, "attempts": int, "internal": int, "source_count": int,
        "sources": str,
    }, pk=("run_id", "target"), foreign_keys=[("run_id", "runs", "id")])
    db["skips"].create({"run_id": int, "url": str, "reason": str, "detail": str},
                       foreign_keys=[("run_id", "runs", "id")])
    db["findings"].create({
        "id": int, "run_id": int, "check": str, "severity": str, "url": str, "target": str,
        "column": str, "message": str, "evidence": str, "fingerprint": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["findings"].create_index(["run_id"])
    db["findings"].create_index(["fingerprint"])
    db["skips"].create_index(["run_id"])


@migrations()
def m0001a_page_links(db: sqlite_utils.Database) -> None:
    """Every outgoing reference of every page, with its anchor text: the evidence trail."""
    db["page_links"].create({"run_id": int, "page": str, "target": str, "text": str, "kind": str, "nav": int},
                            foreign_keys=[("run_id", "runs", "id")])
    db["page_links"].create_index(["run_id", "target"])


@migrations()
def m0001b_run_process(db: sqlite_utils.Database) -> None:
    """Who runs a run: with the pid's start time and host, a reused pid is not mistaken for it."""
    db["runs"].add_column("pid_start", str)
    db["runs"].add_column("host", str)



@migrations()
def m0002_monitoring(db: sqlite_utils.Database) -> None:
    db["sites"].create({
        "name": str, "url": str, "profile": str, "unit": str, "region": str, "contact": str,
        "emails": str, "enabled": int, "settings": str, "created": str, "updated": str,
    }, pk="name")
    db["tracked"].create({
        "fingerprint": str, "site": str, "check": str, "severity": str, "url": str, "target": str,
        "column": str, "message": str, "evidence": str, "status": str, "first_seen": str,
        "last_seen": str, "first_run": int, "last_run": int, "resolved_run": int, "resolved_at": str,
        "times_seen": int, "ignored_reason": str, "ignored_at": str,
    }, pk="fingerprint")
    db["tracked"].create_index(["site", "status"])
    db["probes"].create({
        "id": int, "site": str, "url": str, "at": str, "ok": int, "status": int, "error": str,
        "elapsed": float,
    }, pk="id")
    db["probes"].create_index(["site", "at"])
    db["job_log"].create({
        "id": int, "at": str, "site": str, "run_id": int, "kind": str, "outcome": str, "detail": str,
    }, pk="id")
    db["job_log"].create_index(["site", "at"])
    db["runs"].create_index(["site_name"])



@migrations()
def m0003_notices(db: sqlite_utils.Database) -> None:
    db["notices"].create({
        "id": int, "site": str, "number": str, "year": int, "seq": int, "issued": str, "deadline": str,
        "office": str, "unit": str, "recipients": str, "subject": str, "html": str, "text": str,
        "status": str, "attempts": int, "sent_at": str, "last_error": str, "run_id": int,
        "origin": str, "created": str, "updated": str,
    }, pk="id", defaults={"status": "draft", "attempts": 0})
    db["notices"].create_index(["number"], unique=True)
    db["notices"].create_index(["site", "id"])
    db["notice_items"].create({
        "notice_id": int, "fingerprint": str, "check": str, "severity": str, "message": str, "url": str,
        "target": str, "column": str, "evidence": str,
    }, pk=("notice_id", "fingerprint"), foreign_keys=[("notice_id", "notices", "id")])
    db["notice_items"].create_index(["fingerprint"])
    db["followups"].create({
        "id": int, "notice_id": int, "run_id": int, "at": str, "results": str, "html": str, "text": str,
    }, pk="id", foreign_keys=[("notice_id", "notices", "id")])
    db["followups"].create_index(["notice_id"])
    db["notice_numbers"].create({"year": int, "last_seq": int}, pk="year")


@migrations()
def m0004_notice_deliveries(db: sqlite_utils.Database) -> None:
    db["notice_deliveries"].create({
        "id": int, "notice_id": int, "at": str, "delivered": int, "error": str, "recipients": str,
    }, pk="id", foreign_keys=[("notice_id", "notices", "id")])
    db["notice_deliveries"].create_index(["notice_id", "id"])
    # notices delivered before this table existed: their one known delivery
    db.execute("insert into notice_deliveries (notice_id, at, delivered, error, recipients)"
               " select id, sent_at, 1, null, recipients from notices where sent_at is not null")



# The views keep the names and columns m0001-m0004 gave, for saved queries and bookmarks.
COMPAT_VIEWS = {
    "runs": "select id, start_url as site, site as site_name, profile, as_of, started, finished, status, pages,"
            " links_checked, score, verdict, grade, options, summary, pid, pid_start, host from audit_runs",
    "findings": "select id, run_id, check_id as \"check\", severity, url, target, \"column\", message, evidence,"
                " fingerprint from run_findings",
    "tracked": "select fingerprint, site, check_id as \"check\", severity, url, target, \"column\", message, evidence,"
               " status, first_seen, last_seen, first_run, last_run, resolved_run, resolved_at, times_seen,"
               " ignored_reason, ignored_at from finding_history",
    "notice_items": "select notice_id, fingerprint, check_id as \"check\", severity, message, url, target, \"column\","
                    " evidence from notice_findings",
}


@migrations()
def m0005_readable_names(db: sqlite_utils.Database) -> None:
    """Names that say what a row is, and ``site`` meaning the registry name in every table.

    ``runs`` → ``audit_runs`` (``site`` → ``start_url``, ``site_name`` → ``site``), ``findings`` →
    ``run_findings``, ``tracked`` → ``finding_history``, ``notice_items`` → ``notice_findings``
    (``check`` → ``check_id`` in the last three). SQLite (≥ 3.26) rewrites the indexes and the
    foreign keys of the other tables (pages, links, ... now reference ``audit_runs``). The
    indexes keep their first names (idx_runs_site_name indexes ``audit_runs.site``). Views with
    the old names and exactly the old columns follow, read-only.
    """
    for sql in (
        "alter table runs rename to audit_runs",
        "alter table audit_runs rename column site to start_url",
        "alter table audit_runs rename column site_name to site",
        "alter table findings rename to run_findings",
        "alter table run_findings rename column \"check\" to check_id",
        "alter table tracked rename to finding_history",
        "alter table finding_history rename column \"check\" to check_id",
        "alter table notice_items rename to notice_findings",
        "alter table notice_findings rename column \"check\" to check_id",
    ):
        db.execute(sql)
    for name, select in COMPAT_VIEWS.items():
        db.execute(f"create view [{name}] as {select}")



def apply_migrations(db: sqlite_utils.Database, *sets: Migrations) -> None:
    """Apply ``sets`` (default: the main schema) when any is pending, in one ``BEGIN IMMEDIATE``
    transaction. Audits started side by side open a fresh file at once: each reading the pending
    list on its own, two would run the same migration (the second failing with "database is
    locked" or "already exists"). Holding the write lock from the reading of the list to the
    commit makes the others wait (busy_timeout) and then find nothing left to do."""
    sets = sets or (migrations,)
    if not any(group.pending(db) for group in sets):
        return  # the usual case: a read, no lock
    own = not db.conn.in_transaction  # else the caller's transaction holds (or will take) the lock
    if own:
        db.execute("BEGIN IMMEDIATE")
    try:
        for group in sets:
            group.apply(db)  # its transactions become savepoints inside this one
        if own:
            db.execute("COMMIT")
    except BaseException:
        if own and db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
