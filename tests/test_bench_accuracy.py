"""The accuracy benchmark (bench/accuracy.py) must not rot: its portals generate, their ground
truth holds what the generators inject, its only broken links are the expected ones, and
scoring counts TP / FP / FN right. The benchmark itself is too slow for the suite."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from accuracy_portals import FAMILIES, make  # noqa: E402
from accuracy_portals.score import MINOR_INTERP, score, total  # noqa: E402

BASE, EXT, REFUSED = "http://127.0.0.1:1000", "http://127.0.0.1:2000", "http://127.0.0.1:3000"
LINK = re.compile(rb"""(?:href|src)="([^"]+)\"""")
JSON_URL = re.compile(rb'"url": "([^"]+)"')  # links a script builds from JSON


def _served(routes: dict, url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path in routes or parts.path in routes or (parts.path.endswith("/") and parts.path + "index.html" in routes)


@pytest.mark.parametrize("name", [f for f in FAMILIES if f != "down"])
def test_portal_links_break_only_where_the_truth_says(name):
    b, _ = make(name, BASE, EXT, REFUSED)
    dead = {k for c, k in b.truth if c == "dead_link"}
    assert dead, "every portal plants dead links"
    broken = set()
    for path, route in b.routes.items():
        if callable(route) or route.status != 200 or not route.content_type.startswith(("text/html", "application/json")):
            continue
        pattern = JSON_URL if "json" in route.content_type else LINK
        for href in pattern.findall(route.payload()):
            url = urljoin(BASE + path, href.decode("ascii", "replace"))
            if not url.startswith(BASE) or url in dead:
                continue
            if not _served(b.routes, url):
                broken.add(url)
    assert broken == set()
    for url in dead:  # an expected dead link that the portal serves must be a soft 404
        route = b.routes.get(url.removeprefix(BASE)) if url.startswith(BASE) else None
        assert route is None or "不存在" in route.payload().decode("utf-8"), url


def test_ground_truth_of_the_trs_portal():
    b, mod = make("trs", BASE, EXT, REFUSED)
    assert mod.PROFILE == "township"
    assert ("missing_column", "重大事项") in b.truth  # the township profile's column no menu offers
    assert ("empty_column", "决策信息") in b.truth and ("stale_column", "财政信息") in b.truth
    assert ("stale_column", "工作动态") not in b.truth and ("stale_homepage", "homepage") not in b.truth
    numbers = {k for c, k in b.truth if c == "missing_interpretation"}
    assert len(numbers) == 2 and all(re.fullmatch(r"青政发〔2025〕\d+号", n) for n in numbers)
    assert f"{EXT}/gone/trs.html" in {k for c, k in b.truth if c == "dead_link"}
    assert not any("/cx/query.do" in k for _, k in b.truth)  # a 403 firewall answer is not a dead link


def test_the_asp_portal_has_thousands_of_articles():
    b, _ = make("asp", BASE, EXT, REFUSED)
    assert sum(1 for p in b.routes if p.startswith("/show.asp?id=")) >= 2000


def test_scoring_counts_true_and_false_positives_and_misses():
    truth = {("dead_link", "http://h/a.pdf"), ("dead_link", "http://h/b.html"), ("missing_column", "重大事项"),
             ("stale_homepage", "homepage"), ("missing_interpretation", "青政发〔2025〕3号")}
    findings = [
        {"check": "dead_link", "target": "http://h/a.pdf", "url": "http://h/x.html"},
        {"check": "dead_link", "target": "http://h/a.pdf", "url": "http://h/y.html"},  # same key: counted once
        {"check": "dead_link", "target": "http://h/waf", "url": "http://h/x.html"},  # FP
        {"check": "missing_column", "column": "重大 事项", "url": "http://h/"},  # spaces do not matter
        {"check": "stale_homepage", "url": "http://h/index.html"},  # site-wide: keyed as the homepage
        {"check": "empty_column", "column": "政策解读", "url": "http://h/zcjd/"},  # FP
        {"check": "missing_interpretation", "severity": "minor", "evidence": {"doc_number": "青政发〔2025〕3号"}},
    ]
    s = score(truth, findings, "http://h/")
    counts = {c: (t.tp, t.fp, t.fn) for c, t in s.per_check.items() if (t.tp, t.fp, t.fn) != (0, 0, 0)}
    assert counts == {"dead_link": (1, 1, 1), "missing_column": (1, 0, 0), "stale_homepage": (1, 0, 0),
                      "empty_column": (0, 1, 0), "missing_interpretation": (0, 0, 1), MINOR_INTERP: (0, 1, 0)}
    dl = s.per_check["dead_link"]
    assert (dl.precision, dl.recall, dl.f1) == (0.5, 0.5, 0.5)
    assert ("dead_link", "http://h/waf") in s.fps and ("missing_interpretation", "青政发〔2025〕3号") in s.fns
    agg = total([s, s])
    assert (agg["dead_link"].tp, agg["dead_link"].fp, agg["dead_link"].fn) == (2, 2, 2)


def test_a_jeecms_title_bar_naming_the_column_does_not_empty_its_list():
    """<div class="content_title">通知公告</div> above the column's list is a heading, not an empty list."""
    import datetime as dt

    from portalwatch.crawler.extract.page import extract_page

    b, _ = make("jeecms", "http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3")
    for path in ("/xinglin/child/tzgg/index.jhtml", "/xinglin/child/xlyw/index.jhtml"):
        body = b.routes[path].body
        html = body.decode("utf-8") if isinstance(body, bytes) else str(body)
        page = extract_page(html, "http://127.0.0.1:1" + path, as_of=dt.date(2025, 12, 1))
        assert page["empty_list"] == "" and len(page["list_items"]) >= 10, path


def test_the_portals_plant_every_check_and_each_offers_a_consultation_channel():
    """The ground truth covers all 13 checks, and no portal is the "no channel at all" case: real
    portals always have one (a mailbox, a 12345 banner, a menu link to the province's platform)."""
    from accuracy_portals.score import CHECKS, NO_CHANNEL

    planted: set[str] = set()
    for name in FAMILIES:
        b, _ = make(name, BASE, EXT, REFUSED)
        planted |= {c for c, _ in b.truth}
        assert ("unanswered_message", NO_CHANNEL) not in b.truth
        if name != "down":
            pages = b"".join(r.payload() for r in b.routes.values() if not callable(r) and "html" in r.content_type)
            assert any(w.encode(enc) in pages for w in ("信箱", "在线咨询", "/12345/") for enc in ("utf-8", "gbk")), name
    assert planted == set(CHECKS)
