"""What every part of the store shares: time stamps, JSON text, and the translation between
the stored column names and the dict keys the rest of portalwatch uses.

The tables say ``check_id`` and, in ``audit_runs``, ``start_url``/``site``; the dicts handed to
the other layers keep ``check`` (the contract's finding record) and, for a run, ``site`` (its
start URL) and ``site_name`` (its registry name). Only this package sees the stored names.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterable

UNFINISHED = ("interrupted", "failed")  # states whose ``finished`` stays NULL

_RUN_KEYS = {"start_url": "site", "site": "site_name"}  # audit_runs column -> run dict key


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def run_row(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """An ``audit_runs`` row as a run dict (``site`` the start URL, ``site_name`` the registry name)."""
    return None if row is None else {_RUN_KEYS.get(k, k): v for k, v in row.items()}


def run_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [run_row(r) for r in rows]  # type: ignore[misc]


def finding_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row of run_findings, finding_history or notice_findings with the contract's ``check`` key."""
    return {("check" if k == "check_id" else k): v for k, v in row.items()}


def finding_columns(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding dict (key ``check``) as stored columns (``check_id``)."""
    return {("check_id" if k == "check" else k): v for k, v in finding.items()}
