"""Build ``store_v4.db``: a database as the code before the table renames (migration m0005) wrote it.

Run once with that code (``python3 tests/data/make_store_v4.py out.db`` against the commit
before m0005); the resulting file is committed and opened by
tests/reports/test_storage_migration.py. ``store_v4_documents.json`` holds
``reports.summary.audit_document`` of its two runs as that code made them (run against a copy:
opening the file writes to it). Only the public ``Store`` API is used, so the same
script run against today's code writes the same rows under the new names.
"""

from __future__ import annotations

import sys
from pathlib import Path

from portalwatch.crawler.snapshot import Link, LinkCheck, Page, Skip
from portalwatch.reports.storage import NoticeStore

URL = "http://127.0.0.1:9/"
NAME = "示范镇"


def dead_link(target: str, text: str) -> dict:
    return {"check": "dead_link", "severity": "major", "url": URL, "target": URL + target, "column": None,
            "message": f"链接“{text}”无法访问（HTTP 404），出现在 1 个页面上，请修复或删除该链接。",
            "evidence": {"status": 404, "link_text": text, "pages": [URL]}, "fingerprint": f"fp-{target}"}


def main(path: str) -> None:
    store = NoticeStore(Path(path))
    store.save_sites([{"name": NAME, "url": URL, "profile": "township", "unit": "示范镇人民政府",
                       "emails": ["office@example.invalid"], "contact": "王"}])
    pages = [Page(url=URL, final_url=URL, status=200, title="示范镇人民政府",
                  links=[Link(URL + "a.html", "通知公告"), Link(URL + "b.html", "政策解读", nav=True)]),
             Page(url=URL + "a.html", final_url=URL + "a.html", status=200, depth=1, title="通知公告")]
    checks = [LinkCheck(URL + "a.html", "ok", 200, method="crawl"), LinkCheck(URL + "b.html", "dead", 404, "http_404")]
    findings = [dead_link("b.html", "政策解读"), dead_link("c.html", "旧栏目"),
                {"check": "missing_column", "severity": "veto", "url": URL, "target": None, "column": "政策解读",
                 "message": "缺少“政策解读”栏目", "evidence": {"searched": ["政策解读"]}, "fingerprint": "fp-col"}]
    runs = []
    for i, found in enumerate((findings, findings[:1])):  # the second run fixes c.html and the column
        run_id = store.start_run(site=URL, profile="township", as_of=f"2026-11-2{i}", options={"max_pages": 50},
                                 site_name=NAME)
        store.add_pages(run_id, pages)
        store.finish_run(run_id, status="complete", link_checks=checks, link_sources={URL + "b.html": [URL]},
                         skips=[Skip(URL + "big.pdf", "too_large", "30 MB")], findings=found, score=70.0 + i,
                         verdict="不合格" if i == 0 else "合格", grade="C", summary={"undecided": []})
        store.update_history(run_id, NAME)
        runs.append(run_id)
    store.ignore_finding("fp-col", "栏目已合并")
    notice = store.save_notice({"site": NAME, "issued": "2026-11-22", "deadline": "2026-12-06", "office": "县政务公开办",
                                "unit": "示范镇人民政府", "recipients": ["office@example.invalid"], "run_id": runs[0],
                                "origin": "manual"},
                               [dict(f) for f in findings[:2]], number_pattern="〔{year}〕第{seq}号")
    store.set_notice_render(notice["id"], subject="整改通知", html="<p>整改</p>", text="整改")
    store.record_attempt(notice["id"], None, recipients=["office@example.invalid"])
    store.mark_notice(notice["id"], "sent")
    store.add_followup(notice["id"], runs[1], {"items": {"fp-b.html": "not_fixed", "fp-c.html": "fixed"}, "new": []})
    store.add_probes([{"site": NAME, "url": URL, "at": "2026-11-22T08:00:00+08:00", "ok": 1, "status": 200,
                       "error": None, "elapsed": 0.1}])
    store.log_job("audit", "complete", site=NAME, run_id=runs[1], detail='{"elapsed": 1.0}')
    store.close()


if __name__ == "__main__":
    main(sys.argv[1])
