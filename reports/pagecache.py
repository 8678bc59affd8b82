"""The incremental state of each site in the database: table ``page_cache``.

One row per site (its normalised start URL): the run that wrote it, when, which kind of
audit it was, how many pages and link verdicts it holds, and ``state``, the zlib-compressed
JSON of ``crawler.incremental.SiteState`` (per URL: validators, body hash, the ``Page`` the
extractors made; per link target: the last verdict and when it was verified). Only a
complete run writes its row. Its own migrations (``portalwatch_pagecache``), so the main
schema in storage.py is untouched.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from portalwatch.crawler.incremental import SiteState, dumps, loads
from portalwatch.reports.storage.migrations import apply_migrations

migrations = Migrations("portalwatch_pagecache")


@migrations()
def m0001_page_cache(db: sqlite_utils.Database) -> None:
    db["page_cache"].create({
        "site": str, "run_id": int, "updated": str, "mode": str, "night": int, "pages": int, "links": int,
        "state": bytes,
    }, pk="site")


def _open(db: sqlite_utils.Database | str | Path) -> sqlite_utils.Database:
    if not isinstance(db, sqlite_utils.Database):
        db = sqlite_utils.Database(db)
        db.execute("PRAGMA busy_timeout=30000")
    apply_migrations(db, migrations)
    return db


def load_blob(db: sqlite_utils.Database | str | Path, site: str) -> bytes | None:
    """The stored state as written (compressed), e.g. to hand it to a worker machine as it is."""
    db = _open(db)
    row = db.execute("select state from page_cache where site = ?", [site]).fetchone()
    return row[0] if row and row[0] else None


def load_state(db: sqlite_utils.Database | str | Path, site: str) -> SiteState | None:
    blob = load_blob(db, site)
    return loads(blob) if blob else None


def last_night(db: sqlite_utils.Database | str | Path, site: str) -> int:
    """The night counter of the site's state (0 when none): enough for a full audit."""
    db = _open(db)
    row = db.execute("select night from page_cache where site = ?", [site]).fetchone()
    return int(row[0] or 0) if row else 0


def save_state(db: sqlite_utils.Database | str | Path, site: str, state: SiteState, *, run_id: int | None,
               mode: str, updated: str) -> None:
    db = _open(db)
    with db.conn:
        db["page_cache"].upsert({"site": site, "run_id": run_id, "updated": updated, "mode": mode,
                                 "night": state.night, "pages": len(state.pages), "links": len(state.links),
                                 "state": dumps(state)}, pk="site")
