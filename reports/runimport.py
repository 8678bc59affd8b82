"""A run audited on another machine: exported from the worker's private SQLite file, imported here.

A worker (scheduler/workers.py) runs the ordinary ``portalwatch audit`` against a temporary
database of its own, then ``export_run`` turns that run's rows (``audit_runs``, ``pages``,
``page_links``, ``links``, ``skips``, ``run_findings``) into one JSON-able payload, with the
stored column names. The machine that
holds the real database imports it with ``import_run``: the rows are copied under a new run id
in one transaction, so the run reads exactly as if it had been audited here (the same
``audit_document``, the same history update afterwards).

Idempotency: every remote audit carries a token. Table ``remote_audits`` keeps one row per
token (queued on submission, ``stored`` once its run is imported, ``done`` once the history is
folded and the outcome recorded). A second result for a token already stored is ignored, so
an audit that ran twice (its worker died after sending, a redelivery) is stored once.

The tables are created here on first use (``ensure_tables``), apart from the numbered
migrations of reports/storage/, because only machines that use a broker need them.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from portalwatch.reports.storage import Store, now_iso

PAYLOAD_FORMAT = "portalwatch.run/2"  # /2: the table and column names of migration m0005
RUN_TABLES = ("pages", "page_links", "links", "skips", "run_findings")  # rows keyed by run_id
DROP_FROM_RUN = ("id",)  # a new id is drawn here


def ensure_tables(store: Store) -> None:
    db = store.db
    if not db["remote_audits"].exists():
        with db.conn:
            db["remote_audits"].create({
                "token": str, "site": str, "url": str, "attempt": int, "queued": str, "deadline": str,
                "state": str, "run_id": int, "worker": str, "received": str, "outcome": str,
            }, pk="token", if_not_exists=True)
            db["remote_audits"].create_index(["site", "state"], if_not_exists=True)
    if not db["remote_meta"].exists():
        with db.conn:
            db["remote_meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)


def database_id(store: Store) -> str:
    """A random id of this database file, naming its result queue on the broker."""
    ensure_tables(store)
    with store.db.conn:
        store.db.execute("insert or ignore into remote_meta (key, value) values ('database_id', ?)",
                         [uuid.uuid4().hex])
    return store.db.execute("select value from remote_meta where key = 'database_id'").fetchone()[0]


# -- the worker side ----------------------------------------------------------------------

def export_run(db_path: str | Path, site_name: str | None = None) -> dict[str, Any] | None:
    """The newest run in a worker's private database (of ``site_name`` when given) with all its rows.

    Opening the file through ``Store`` first marks a run whose audit process was killed as
    ``interrupted``, as the local monitor does. None when no run was started (the audit
    refused its arguments or could not start).
    """
    store = Store(db_path)  # migrations + recover_dead_runs
    store.close()
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        sql, args = "select * from audit_runs order by id desc limit 1", []
        if site_name is not None:
            sql, args = "select * from audit_runs where site = ? order by id desc limit 1", [site_name]
        row = conn.execute(sql, args).fetchone()
        if row is None:
            return None
        run = dict(row)
        tables = {}
        for table in RUN_TABLES:
            rows = [dict(r) for r in conn.execute(f"select * from {table} where run_id = ?", [run["id"]])]
            for r in rows:
                r.pop("run_id", None)
                if table == "run_findings":
                    r.pop("id", None)
            tables[table] = rows
    finally:
        conn.close()
    source_id = run.pop("id")
    return {"format": PAYLOAD_FORMAT, "source_run_id": source_id, "run": run, "tables": tables}


# -- the database side --------------------------------------------------------------------

def register_token(store: Store, token: str, *, site: str, url: str, attempt: int = 0,
                   deadline: str | None = None) -> None:
    ensure_tables(store)
    with store.db.conn:
        store.db["remote_audits"].insert({"token": token, "site": site, "url": url, "attempt": attempt,
                                          "queued": now_iso(), "deadline": deadline, "state": "queued"},
                                         pk="token", ignore=True)


def _columns(store: Store, table: str) -> set[str]:
    return {c.name for c in store.db[table].columns}


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> int | None:
    """Plain INSERTs inside the caller's transaction (sqlite-utils would commit on its own);
    returns the last rowid. Rows are grouped by their keys, one ``executemany`` per group."""
    last = None
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for r in rows:
        groups.setdefault(tuple(r), []).append(list(r.values()))
    for keys, values in groups.items():
        sql = (f"insert into [{table}] ({', '.join(f'[{k}]' for k in keys)})"
               f" values ({', '.join('?' * len(keys))})")
        if len(values) == 1:
            last = conn.execute(sql, values[0]).lastrowid
        else:
            conn.executemany(sql, values)
    return last


def _from_format_1(payload: dict[str, Any]) -> dict[str, Any]:
    """A ``portalwatch.run/1`` payload (a worker still on the names before m0005) in today's names."""
    run = {{"site": "start_url", "site_name": "site"}.get(k, k): v for k, v in payload["run"].items()}
    tables = {("run_findings" if t == "findings" else t): rows for t, rows in (payload.get("tables") or {}).items()}
    tables["run_findings"] = [{("check_id" if k == "check" else k): v for k, v in r.items()}
                              for r in tables.get("run_findings") or []]
    return {**payload, "format": PAYLOAD_FORMAT, "run": run, "tables": tables}


def import_run(store: Store, result: dict[str, Any]) -> tuple[str, int | None]:
    """Store one remote result: ``("stored", run_id)``, ``("duplicate", run_id)`` when its token
    was stored before, or ``("stored", None)`` when the worker produced no run (failed to start).

    ``result`` is the worker's message: ``token``, ``site`` (name, url), ``worker``, and ``run``
    (an ``export_run`` payload, or None). All rows go in under a new run id in one transaction
    together with the token's state, so a crash halfway leaves neither.
    """
    ensure_tables(store)
    token = str(result["token"])
    site = result.get("site") or {}
    exported = result.get("run")
    db = store.db
    conn = db.conn
    conn.execute("begin immediate")
    try:
        row = conn.execute("select state, run_id from remote_audits where token = ?", [token]).fetchone()
        if row is not None and row[0] in ("stored", "done"):
            conn.execute("rollback")
            return "duplicate", row[1]
        run_id = None
        if exported is not None:
            if exported.get("format") == "portalwatch.run/1":
                exported = _from_format_1(exported)
            if exported.get("format") != PAYLOAD_FORMAT:
                raise ValueError(f"unknown payload format {exported.get('format')!r}")
            cols = _columns(store, "audit_runs")
            run = {k: v for k, v in exported["run"].items() if k in cols and k not in DROP_FROM_RUN}
            if run.get("status") == "running":  # never: the worker closed it; a row here must not look alive
                run["status"] = "interrupted"
            run["site"] = site.get("name") or run.get("site")
            run_id = _insert(conn, "audit_runs", [run])
            for table in RUN_TABLES:
                cols = _columns(store, table)
                rows = [{**{k: v for k, v in r.items() if k in cols}, "run_id": run_id}
                        for r in exported["tables"].get(table) or []]
                _insert(conn, table, rows)
        values = {"state": "stored", "run_id": run_id, "worker": result.get("worker"), "received": now_iso()}
        if row is None:  # a result whose submission this file did not record: stored all the same
            _insert(conn, "remote_audits", [{"token": token, "site": site.get("name"), "url": site.get("url"),
                                             "attempt": int(result.get("attempt") or 0), **values}])
        else:
            conn.execute("update remote_audits set state = ?, run_id = ?, worker = ?, received = ? where token = ?",
                         [*values.values(), token])
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return "stored", run_id


def finish_token(store: Store, token: str, outcome: dict[str, Any]) -> None:
    """The history is folded and the job logged: keep the outcome for whoever waits on the token."""
    with store.db.conn:
        store.db["remote_audits"].update(token, {"state": "done", "outcome": json.dumps(outcome, ensure_ascii=False)})


def fail_token(store: Store, token: str, outcome: dict[str, Any]) -> bool:
    """A task the broker reports failed without any result (killed by its hard time limit)."""
    with store.db.conn:
        changed = store.db.execute(
            "update remote_audits set state = 'done', outcome = ?, received = ? where token = ? and state = 'queued'",
            [json.dumps(outcome, ensure_ascii=False), now_iso(), token]).rowcount
    return bool(changed)


def token_rows(store: Store, tokens: list[str] | None = None, *, state: str | None = None) -> list[dict[str, Any]]:
    ensure_tables(store)
    where, args = [], []
    if tokens is not None:
        where.append(f"token in ({','.join('?' * len(tokens))})")
        args += tokens
    if state is not None:
        where.append("state = ?")
        args.append(state)
    sql = "select * from remote_audits" + (" where " + " and ".join(where) if where else "") + " order by rowid"
    return list(store.db.query(sql, args))
