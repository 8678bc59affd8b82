"""The availability figures of one site over the rolling week, read from the ``probes`` table.

``scheduler/probes.py`` measures and stores the probes; ``checks/availability.py`` holds the
rule (window, thresholds, levels). Reading the figures lives here, beside the storage, so
that presenting them (``overview.py``, the web) needs nothing from the scheduler.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from portalwatch.checks import availability as rule
from portalwatch.reports.storage import MonitorStore


def availability(store: MonitorStore, site: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """The rolling-week figures of one site and their level: ok, warning, veto or insufficient."""
    now = now or dt.datetime.now().astimezone()
    since = (now - dt.timedelta(days=rule.WINDOW_DAYS)).isoformat(timespec="seconds")
    counts = store.probe_counts(site, since)
    rate, level = rule.level(counts["total"], counts["failed"])
    return {**counts, "rate": round(rate, 4), "level": level, "since": since, "window_days": rule.WINDOW_DAYS}
