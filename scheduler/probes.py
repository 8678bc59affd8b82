"""Availability probes: the national 站点无法访问 rule, measured the way inspectors do.

The rule and its thresholds live with the check (``portalwatch.checks.availability``): over
one week, failures to open the homepage within 15 s reach 5 % → 单项否决. A probe is one plain
GET of the homepage with a total time limit, recorded in ``probes``; the evaluation over the
rolling window opens, refreshes or resolves one tracked availability finding per site (not one
per probe, and apart from the finding of an audit that found the homepage down, which a single
failed audit raises and the next complete audit resolves).

A 401/403/412/429 answer is a firewall turning the probe away: the visit proves nothing
either way and is left out of the rate (``ok`` NULL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterable

from portalwatch.checks import availability as rule
from portalwatch.checks.availability import MIN_PROBES, VETO_RATE, WARN_RATE, WINDOW_DAYS  # noqa: F401
from portalwatch.reports.availability import availability  # noqa: F401 - also read here, by evaluate()
from portalwatch.reports.storage import MonitorStore, now_iso

PROBE_TIMEOUT = float(os.environ.get("PORTALWATCH_PROBE_TIMEOUT", 15.0))  # national limit, seconds
BLOCKED = (401, 403, 412, 429)
MAX_BODY = 2 * 1024 * 1024
USER_AGENT = "Mozilla/5.0 (compatible; portalwatch availability probe)"
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy


def probe(url: str, timeout: float = PROBE_TIMEOUT) -> dict[str, Any]:
    """GET the homepage once; it must answer and arrive in full within ``timeout`` seconds."""
    t0 = time.monotonic()
    row: dict[str, Any] = {"url": url, "at": now_iso(), "ok": 0, "status": None, "error": None}
    try:
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with _opener.open(req, timeout=timeout) as resp:
            row["status"] = resp.status
            received = 0
            while received < MAX_BODY:
                chunk = resp.read(65536)
                if not chunk:
                    break
                received += len(chunk)
                if time.monotonic() - t0 > timeout:
                    raise TimeoutError
        row["ok"] = 1
    except urllib.error.HTTPError as exc:
        row["status"] = exc.code
        row["ok"] = None if exc.code in BLOCKED else 0
        row["error"] = f"http_{exc.code}"
    except (TimeoutError, OSError, urllib.error.URLError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        row["error"] = "timeout" if isinstance(reason, TimeoutError) or "timed out" in str(reason) \
            else type(reason).__name__ + (f": {reason}" if str(reason) else "")
    row["elapsed"] = round(time.monotonic() - t0, 3)
    if row["ok"] and row["elapsed"] > timeout:
        row["ok"], row["error"] = 0, "timeout"
    return row


def probe_sites(store: MonitorStore, sites: Iterable[dict[str, Any]], workers: int = 16,
                timeout: float = PROBE_TIMEOUT) -> list[dict[str, Any]]:
    """Probe sites concurrently, record the probes, and re-evaluate each site's availability."""
    sites = list(sites)
    if not sites:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(sites)), thread_name_prefix="probe") as pool:
        rows = list(pool.map(lambda s: {"site": s["name"], **probe(s["url"], timeout)}, sites))
    store.add_probes(rows)
    for site in sites:
        evaluate(store, site)
    return rows


def availability_fingerprint(site_url: str) -> str:
    """The tracked finding's identity: the contract's fingerprint() of what the probes measure."""
    from portalwatch.scheduler.audit import fingerprint

    return fingerprint(site_url, rule.subject(site_url))


def evaluate(store: MonitorStore, site: dict[str, Any], now: dt.datetime | None = None) -> dict[str, Any]:
    """Open, refresh or resolve the site's availability veto from its rolling week of probes."""
    figures = availability(store, site["name"], now)
    fp = availability_fingerprint(site["url"])
    at = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    if figures["level"] == "veto":
        finding = rule.finding(site["url"], figures, PROBE_TIMEOUT)
        figures["tracked"] = store.track_external(site["name"], fp, finding, at)
    elif figures["level"] in ("ok", "warning"):
        figures["tracked"] = store.track_external(site["name"], fp, None, at)
    figures["fingerprint"] = fp
    return figures


def slot_of(name: str, slots: int) -> int:
    """A stable slot for a site, so that probes of many sites spread evenly over the interval."""
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) % max(1, slots)


def due_sites(sites: Iterable[dict[str, Any]], now: float, interval: float, tick: float) -> list[dict[str, Any]]:
    """The sites whose slot is the current tick: each site once per ``interval`` seconds."""
    slots = max(1, round(interval / tick))
    current = int(now // tick) % slots
    return [s for s in sites if slot_of(s["name"], slots) == current]
