"""The progress line counts dead links as their verdicts arrive (no recount of every check per tick)."""

from __future__ import annotations

from conftest import run_cli
from httpserver import Response

from portalwatch.crawler.collector import Collector
from portalwatch.crawler.snapshot import LinkCheck, Snapshot


def check(target: str, verdict: str) -> LinkCheck:
    return LinkCheck(target=target, verdict=verdict, reason="", detail="", method="HEAD", attempts=1, internal=True)


def test_dead_count_follows_replaced_verdicts() -> None:
    c = Collector(Snapshot(start_url="http://127.0.0.1/"))
    c.add_check(check("a", "pending"))
    c.add_check(check("b", "dead"))
    c.add_check(check("a", "dead"))  # HEAD said 404, the GET that confirms it too
    assert c.dead == 2
    c.add_check(check("b", "ok"))  # a retry that worked
    c.add_check(check("b", "ok"))
    assert c.dead == 1 == sum(1 for x in c.snapshot.link_checks.values() if x.verdict == "dead")


def test_final_progress_line_gives_the_audits_dead_links(serve, db_path) -> None:
    links = "".join(f'<a href="/{name}">{name}</a>' for name in ("gone.html", "gone.pdf", "ok.pdf", "ok.html"))
    site = serve(routes={
        "/": Response(f"<html><title>首页</title><body>{links}</body></html>"),
        "/ok.pdf": Response(b"%PDF-1.4", content_type="application/pdf"),
        "/ok.html": Response("<html><title>正常</title><body>正文内容</body></html>"),
    })
    result = run_cli("audit", site.url, "--format", "json", "--db", str(db_path), "--delay", "0", "--timeout", "2")
    assert result.code == 0, result.stderr
    dead = sorted(f["target"] for f in result.doc["findings"] if f["check"] == "dead_link")
    assert [t.rsplit("/", 1)[1] for t in dead] == ["gone.html", "gone.pdf"]
    last = [line for line in result.stderr.splitlines() if line.startswith("已抓取")][-1]
    assert "（失效 2）" in last, last
