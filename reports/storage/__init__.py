"""All SQL of portalwatch: one SQLite file, numbered migrations, dict rows.

Open the file with ``sqlite-utils`` or Datasette to browse it. ``site`` is, in every table of
this package, the registry name of a monitored site (``sites.name``; NULL for a one-off ``audit``
of a URL); ``page_cache.site`` (reports/pagecache.py) is still the normalised start URL.
Times are local ISO datetimes with offset (``now_iso``); they compare as text on one machine.

One audit and what it recorded (runs.py)
- ``audit_runs``: one row per audit of one site. ``start_url`` (the URL crawled), ``site``,
  ``profile``, ``as_of`` (the date the rules were judged at), ``started``/``finished``;
  ``status`` is ``running`` while it works, then ``complete``, ``cut_short``, ``unreachable``,
  ``interrupted`` (Ctrl-C, SIGTERM, or its process found dead when the file is next opened)
  or ``failed`` (the crawler would not start or our code broke; see scheduler/runstate.py);
  ``finished`` stays NULL for a run that did not finish. ``pages``, ``links_checked``,
  ``score``, ``verdict``, ``grade``; ``options`` and ``summary`` JSON text. ``pid``,
  ``pid_start`` and ``host`` name the audit process, to tell a dead one.
- ``pages``: one row per HTML page a run fetched (``run_id``, ``url``), with what was extracted.
- ``page_links``: one row per outgoing reference of a page (``page`` → ``target``, anchor ``text``).
- ``links``: one row per link target a run checked: its ``verdict``, ``status``, ``reason``,
  and ``sources`` (JSON list of the pages it is on, at most 50; ``source_count`` all of them).
- ``skips``: one row per thing a run deliberately did not do (too large, robots.txt, URL trap ...).
- ``run_findings``: one row per finding a run reported, the contract's finding record:
  ``check_id`` (the check that found it), ``severity``, ``url``, ``target``, ``column``,
  ``message``, ``evidence`` (JSON text) and ``fingerprint`` (stable across runs).

Across runs (history.py)
- ``finding_history``: one row per finding fingerprint of a site across runs: the latest
  sighting's ``check_id``/``severity``/``url``/``message``/``evidence``, its ``status``
  (``new`` → ``open`` → ``resolved`` → ``reopened``, or ``ignored`` by an inspector with
  ``ignored_reason``/``ignored_at``; see reports/lifecycle.py), ``first_seen``/``first_run``,
  ``last_seen``/``last_run``, ``times_seen``, ``resolved_run``/``resolved_at``. Rows with
  ``first_run`` NULL come from the availability probes, not from an audit.

The monitor (registry.py)
- ``sites``: one row per registered site (``name``, ``url``, ``profile``, ``unit``, ``emails``
  and ``settings`` as JSON text, ``enabled``).
- ``probes``: one homepage availability probe (``ok`` 1, 0, or NULL when a firewall answered
  401/403/412/429 and the visit proves nothing).
- ``job_log``: one row per thing the monitor did and how it ended (audits, retries, start/stop).

Rectification notices (notices.py)
- ``notices``: one 整改通知 to one site: ``number`` (e.g. 〔2026〕第7号, from ``year`` and
  ``seq``), ``status`` ``draft``/``sent``/``failed``, ``recipients`` JSON, ``html``/``text``
  as mailed, ``run_id`` the inspection run.
- ``notice_findings``: one row per finding a notice lists, copied as it was when issued
  (``notice_id``, ``fingerprint``, ``check_id``, ...).
- ``notice_deliveries``: one row per SMTP attempt (``at``, ``delivered`` 0/1, ``error``).
- ``followups``: one re-check (复查) of a notice; ``results`` JSON
  ``{"items": {fingerprint: "fixed"|"not_fixed"|"unknown"}, "new": [fingerprint, ...]}``.
- ``notice_numbers``: the last sequence number handed out per year.

Other parts keep their own tables and migration sets: ``page_cache`` (reports/pagecache.py),
``remote_audits``/``remote_meta`` (reports/runimport.py), ``users``/``tokens`` (scheduler/users.py).

Old names (before migration m0005), kept as read-only views with exactly their old columns,
so saved queries and bookmarks still read: ``runs`` (``site`` = start URL, ``site_name`` =
registry name), ``findings``, ``tracked`` and ``notice_items`` (column ``check``).

Writes happen in short transactions as the crawl goes, so an interrupted run leaves a
consistent file: the run row says it did not finish and nothing half-written remains.
The dicts the methods return keep the keys callers have always used: ``check`` in finding
dicts, and ``site`` (start URL) / ``site_name`` (registry name) in run dicts (common.py).
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from portalwatch.reports.lifecycle import ACTIVE_STATUSES, TRACKED_STATUSES, next_status
from portalwatch.reports.storage.common import UNFINISHED, _json, now_iso, run_row
from portalwatch.reports.storage.history import HistoryMixin, looked, undecided_columns
from portalwatch.reports.storage.migrations import apply_migrations, migrations
from portalwatch.reports.storage.notices import NOTICE_STATUSES, NoticesMixin
from portalwatch.reports.storage.registry import RegistryMixin
from portalwatch.reports.storage.runs import RunsMixin, _pid_alive, process_start

__all__ = [
    "ACTIVE_STATUSES", "NOTICE_STATUSES", "TRACKED_STATUSES", "UNFINISHED", "MonitorStore", "NoticeStore", "Store",
    "looked", "migrations", "next_status", "now_iso", "process_start", "run_row", "undecided_columns",
]


class Store(RunsMixin, HistoryMixin, RegistryMixin, NoticesMixin):
    """The database, opened in WAL mode and migrated to the current schema."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA busy_timeout=30000")  # first: even switching to WAL may wait for a lock
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        from portalwatch.reports import pagecache

        # the incremental state's table too, once here: audits of a fresh file started side by side
        # would otherwise all create it at their first night
        apply_migrations(self.db, migrations, pagecache.migrations)
        self.recover_dead_runs()
        self._pages_written: dict[int, set[str]] = {}  # per run: pages whose links this Store wrote

    def close(self) -> None:
        self.db.close()


MonitorStore = Store  # the names callers import; one class since the package split
NoticeStore = Store
