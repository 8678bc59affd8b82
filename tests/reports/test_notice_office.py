"""A notice never goes out under the placeholder office name, and it prints like an official document."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from notice_helpers import CHROMIUM, CHROMIUM_ARGS, dead_link, record_run, register, smtp_server  # noqa: F401

from portalwatch.reports.notice import DEFAULT_OFFICE, is_placeholder_office
from portalwatch.reports.storage import NoticeStore

URL = "http://zhen.example.gov.cn/"
LONG = URL + "xxgk/" + "a1b2c3d4e5f6g7h8i9j0" * 12 + ".html"  # one unbroken 250-character address


@pytest.fixture
def site_db(db_path: Path) -> list[str]:
    store = NoticeStore(db_path)
    register(store, "某某镇", URL, unit="某某镇人民政府", emails=("xxzx@zhen.example.gov.cn",))
    record_run(store, "某某镇", URL, [dead_link(URL, LONG, "政策文件"), dead_link(URL, URL + "b.html", "通知公告")])
    store.close()
    return ["--db", str(db_path)]


def test_placeholder_office_is_recognised():
    assert is_placeholder_office(DEFAULT_OFFICE) and is_placeholder_office("XX县政务公开办") and is_placeholder_office("")
    assert not is_placeholder_office("某某县人民政府办公室政务公开办")


def test_a_notice_under_the_placeholder_office_warns_and_is_not_sent_without_force(site_db, smtp_server):
    placeholder = smtp_server.env(PORTALWATCH_OFFICE="")  # SMTP configured, the office left at its default
    draft = run_cli("notice", "某某镇", *site_db, env=placeholder)
    assert draft.code == 0 and "注意：发文机关仍是占位名称" in draft.stderr and "PORTALWATCH_OFFICE" in draft.stderr

    refused = run_cli("notice", "某某镇", "--send", *site_db, env=placeholder)
    assert refused.code == 2, refused.stderr
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("错误：整改通知未发送") and DEFAULT_OFFICE in line and "--force" in line
    assert smtp_server.handler.envelopes == []
    [notice] = NoticeStore(site_db[1]).notices("某某镇")
    assert notice["status"] == "draft"

    nightly = run_cli("run", "--all", "--send-notices", *site_db, env=placeholder)  # refused before any audit
    assert nightly.code == 2 and "PORTALWATCH_OFFICE" in nightly.stderr
    assert NoticeStore(site_db[1]).db["audit_runs"].count == 1  # only the run recorded by the fixture

    forced = run_cli("notice", "某某镇", "--send", "--force", *site_db, env=placeholder)
    assert forced.code == 0 and "已发送" in forced.stdout, forced.stderr
    assert len(smtp_server.handler.envelopes) == 1


def test_a_notice_under_a_real_office_goes_out_without_a_warning(site_db, smtp_server):
    sent = run_cli("notice", "某某镇", "--send", *site_db, env=smtp_server.env())
    assert sent.code == 0, sent.stderr
    assert "占位" not in sent.stderr and len(smtp_server.handler.envelopes) == 1


def test_the_body_is_fangsong_and_long_addresses_stay_on_the_printed_page(site_db, tmp_path):
    out = tmp_path / "notice.html"
    assert run_cli("notice", "某某镇", "--out", str(out), *site_db,
                   env={"PORTALWATCH_OFFICE": "某某县政务公开办"}).code == 0
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
            page.goto(out.resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            families = page.evaluate("getComputedStyle(document.querySelector('.para')).fontFamily")
            stack = [f.strip().strip('"') for f in families.split(",")]
            assert stack[:6] == ["FangSong", "仿宋", "STFangsong", "华文仿宋", "FangSong_GB2312", "仿宋_GB2312"], stack
            cjk = [f for f in stack if "CJK" in f]
            assert cjk and stack.index(cjk[0]) > stack.index("仿宋_GB2312")  # installed fonts after 仿宋
            overflow = page.evaluate("""() => {
                const sheet = document.querySelector('.sheet').getBoundingClientRect();
                return [...document.querySelectorAll('.sheet *')]
                    .filter(e => e.getBoundingClientRect().right > sheet.right + 1)
                    .map(e => e.tagName + '.' + e.className);
            }""")
            assert overflow == [], overflow
            assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
            # the address is whole in the text (copyable), wrapped over several lines within the page
            lines = page.evaluate(f"""() => {{
                const ev = [...document.querySelectorAll('.ev')].find(e => e.textContent.includes({LONG!r}));
                return ev ? Math.round(ev.getBoundingClientRect().height / parseFloat(getComputedStyle(ev).lineHeight)) : 0;
            }}""")
            assert lines >= 2, lines
        finally:
            browser.close()
