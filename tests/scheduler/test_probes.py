"""Availability probes: real GETs against local servers, and the rolling-week veto fed directly."""

from __future__ import annotations

import datetime as dt
import json
import socket

from monitor_helpers import pw
from httpserver import Response
from portalwatch.reports.storage import MonitorStore
from portalwatch.scheduler import probes


def free_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_probe_outcomes(serve):
    site = serve(routes={"/": Response("<html>首页</html>"), "/down": Response("err", status=503),
                         "/waf": Response("denied", status=403), "/slow": Response("late", delay=1.5),
                         "/moved": Response("", status=302, headers={"Location": "/"})})
    assert probes.probe(site.url)["ok"] == 1
    assert probes.probe(site.url + "moved")["ok"] == 1
    down = probes.probe(site.url + "down")
    assert (down["ok"], down["status"], down["error"]) == (0, 503, "http_503")
    assert probes.probe(site.url + "waf")["ok"] is None  # a firewall answer proves nothing
    slow = probes.probe(site.url + "slow", timeout=0.5)
    assert slow["ok"] == 0 and slow["error"] == "timeout"
    refused = probes.probe(f"http://127.0.0.1:{free_port()}/")
    assert refused["ok"] == 0 and "ConnectionRefused" in refused["error"]


def feed(store: MonitorStore, site: str, url: str, now: dt.datetime, ok: int, failed: int, days: float = 7) -> None:
    """Spread ``ok + failed`` probes evenly over the last ``days`` days."""
    total = ok + failed
    failures = {int((j + 0.5) * total / failed) for j in range(failed)}
    rows = []
    for i in range(total):
        at = now - dt.timedelta(days=days) + dt.timedelta(days=days) * (i + 0.5) / total
        good = i not in failures
        rows.append({"site": site, "url": url, "at": at.isoformat(timespec="seconds"), "ok": int(good),
                     "status": 200 if good else None, "error": None if good else "timeout",
                     "elapsed": 0.1 if good else 15.0})
    store.add_probes(rows)


def test_failure_rate_over_the_rolling_week_makes_a_veto_then_a_warning(db_path):
    store = MonitorStore(db_path)
    url = "http://zhen.gov.cn/"
    store.save_sites([{"name": "镇", "url": url, "profile": "township", "emails": [], "enabled": True}])
    site = store.site("镇")
    now = dt.datetime.now().astimezone()
    # 8 days ago the site was down all day: outside the window, it must not count
    feed(store, "镇", url, now - dt.timedelta(days=8), ok=0, failed=30, days=1)
    feed(store, "镇", url, now, ok=10, failed=2)
    assert probes.evaluate(store, site, now)["level"] == "insufficient"  # fewer than 20 probes
    assert store.tracked_findings("镇") == []
    feed(store, "镇", url, now, ok=150, failed=8)  # 10 of 170 failed: 5.9 %
    figures = probes.evaluate(store, site, now)
    assert (figures["total"], figures["failed"], figures["level"]) == (170, 10, "veto")
    (finding,) = store.tracked_findings("镇")
    assert finding["check"] == "site_unreachable" and finding["severity"] == "veto"
    assert finding["status"] == "new" and finding["evidence"]["failure_rate"] == round(10 / 170, 4)
    assert "单项否决" in finding["message"] and "170" in finding["message"]
    assert finding["fingerprint"] == probes.availability_fingerprint(url)

    # a complete audit of the site without site_unreachable does not resolve the probes' finding
    run_id = store.start_run(site=url, profile="township", as_of="2026-11-20", options={}, site_name="镇")
    store.finish_run(run_id, status="complete", link_checks=[], link_sources={}, skips=[], findings=[],
                     score=None, verdict=None, grade=None, summary={})
    store.update_history(run_id, "镇")
    assert [f["status"] for f in store.tracked_findings("镇")] == ["new"]

    status = json.loads(pw(db_path, "status", "--format", "json").stdout)[0]
    assert status["availability"]["level"] == "veto" and status["verdict"] == "不合格"
    assert status["open"] == {"site_unreachable": 1}

    feed(store, "镇", url, now, ok=130, failed=0)  # 10 of 300 failed: 3.3 %, a warning
    assert probes.evaluate(store, site, now)["level"] == "warning"
    assert [f["status"] for f in store.tracked_findings("镇")] == ["resolved"]
    text = pw(db_path, "status").stdout
    assert "预警" in text and "10/300" in text


def test_probes_are_spread_over_the_interval():
    sites = [{"name": f"站{i}"} for i in range(600)]
    tick, interval = 60.0, 3600.0
    seen = []
    for step in range(60):  # one hour of ticks
        seen += [s["name"] for s in probes.due_sites(sites, step * tick, interval, tick)]
    assert sorted(seen) == sorted(s["name"] for s in sites)  # each site exactly once an hour
    per_tick = [len(probes.due_sites(sites, step * tick, interval, tick)) for step in range(60)]
    assert max(per_tick) < 30  # about 10 a tick, not all at once
