"""The simulated night (bench/night.py) must not rot: its portals answer conditional requests with
304 (the incremental night's whole point), and its projection keeps its model. The night itself is
too slow for the suite."""

from __future__ import annotations

import http.client
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import night  # noqa: E402


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_portal_answers_conditional_requests_with_304_and_counts_them():
    server = night.serve_portals(1, pages_per_site=36)[0]
    try:
        port = server.server_address[1]
        pages = server.pages  # type: ignore[attr-defined]
        assert sum(1 for p in pages if p.endswith((".html", "/"))) == 36
        article = next(p for p in pages if p.endswith(".html"))
        attachment = next(p for p in pages if p.endswith(".pdf"))
        first = _get(port, article)
        etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
        assert first.status == 200 and etag and modified
        assert _get(port, article, {"If-None-Match": etag}).status == 304
        assert _get(port, article, {"If-Modified-Since": modified}).status == 304
        # If-None-Match decides when present: another tag is a full answer whatever the date says
        assert _get(port, article, {"If-None-Match": '"other"', "If-Modified-Since": modified}).status == 200
        assert _get(port, article, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
        pdf = _get(port, attachment)
        assert pdf.status == 200 and pdf.getheader("Content-Type") == "application/pdf"
        assert _get(port, "/xxgk/").status == 404  # the dead link of every homepage
        assert (server.hits, server.not_modified) == (7, 2)  # type: ignore[attr-defined]
    finally:
        server.shutdown()


def _measured(cpu2: float, findings2: str = "same") -> dict:
    def one(requests: int, cpu: float, digest: str) -> dict:
        return {"exit_code": 0, "runs": {"complete": 10}, "requests": requests, "cpu_workers_seconds": cpu,
                "cpu_database_seconds": 20.0, "audit_seconds_mean": 3.0 + requests / 10 * 0.25,
                "findings_digest": digest}
    return {"sites": 10, "workers": 2, "cores": 2, "full_every": 7,
            "fixed": {"cpu_workers_seconds": 2.0, "cpu_database_seconds": 0.1},
            "nights": [one(500, 30.0, "same"), one(400, cpu2, findings2)],
            "comparison": {"same_findings": findings2 == "same"}}


def test_projection_derives_incremental_cpu_from_night_two_and_averages_the_cycle():
    f = night.project_workers(_measured(cpu2=20.0))
    full, inc = f["model"]["full"], f["model"]["incremental"]
    # night 1: (30 / 10 - 2) / 50 = 0.02 s a request; night 2: (20 / 10 - 2) ... = 0 s over 40 requests
    assert full["measured_cpu_per_request"] == 0.02 and inc["measured_cpu_per_request"] == 0.0
    assert inc["requests_share"] == 0.8
    p = f["projection"]
    for n in (1000, 14000):
        for m in (1, 2, 4, 8, 16):
            key = f"{n}_sites_like_these_{m}_machines"
            assert p[f"{key}_incremental_hours"] <= p[f"{key}_full_hours"]
            cycle = (p[f"{key}_full_hours"] + 6 * p[f"{key}_incremental_hours"]) / 7
            assert abs(p[f"{key}_cycle_hours"] - cycle) <= 0.1
    # the database machine caps the rate: 16 machines are not twice as fast as 8 for large portals
    db_hours = 14000 / f["rates"]["full_2000_requests"]["database"]
    eight, sixteen = (p[f"14000_sites_2000_requests_{m}_machines_full_hours"] for m in (8, 16))
    assert abs(sixteen - db_hours) <= 0.1 and sixteen > eight / 2 + 1


def test_verdict_fails_when_night_two_reports_other_findings():
    assert night.verdict(_measured(cpu2=20.0)) == 0
    assert night.verdict(_measured(cpu2=20.0, findings2="other")) == 1
