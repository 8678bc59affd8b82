"""A run's page rows: a page stored again (marked for rendering, or rendered) replaces its links."""

from __future__ import annotations

import sqlite3

from portalwatch.crawler.snapshot import Link, Page
from portalwatch.reports.storage import NoticeStore


def test_a_page_stored_again_keeps_only_its_last_links(db_path) -> None:
    base = "http://zf.example.gov.cn"
    store = NoticeStore(db_path)
    rid = store.start_run(site=base + "/", profile="township", as_of="2026-11-20", options={})
    plain = [Page(url=f"{base}/{i}.html", final_url=f"{base}/{i}.html", status=200,
                  links=[Link(f"{base}/a{i}.pdf", text="附件")]) for i in range(3)]
    store.add_pages(rid, plain)
    rendered = Page(url=f"{base}/1.html", final_url=f"{base}/1.html", status=200, rendered=True,
                    links=[Link(f"{base}/r1.html", text="脚本生成的列表"), Link(f"{base}/r2.html", text="第二条")])
    store.add_pages(rid, [rendered, Page(url=f"{base}/9.html", final_url=f"{base}/9.html", status=200)])
    store.close()
    with sqlite3.connect(db_path) as conn:
        links = sorted(conn.execute("select page, target from page_links where run_id = ?", [rid]).fetchall())
        pages = conn.execute("select count(*), sum(rendered) from pages where run_id = ?", [rid]).fetchone()
    assert pages == (4, 1)
    assert links == [(f"{base}/0.html", f"{base}/a0.pdf"), (f"{base}/1.html", f"{base}/r1.html"),
                     (f"{base}/1.html", f"{base}/r2.html"), (f"{base}/2.html", f"{base}/a2.pdf")]
