"""An inspector's day in headless Chromium against the real server: log in, dashboard, ad-hoc audit
watched to the end, site page, ignore a finding, preview and send a notice (real SMTP), log out.
Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import re

from web_helpers import ARTIFACTS, HOSTILE, PAYLOADS, TOWN, browser, login, page, web  # noqa: F401  (fixtures)

from portalwatch.reports.storage import NoticeStore


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_inspector_day(web, page):  # noqa: F811
    pg = page
    pg.goto(web.url + "/")
    assert pg.url.startswith(web.url + "/login")  # not signed in: the login page
    login(pg, web, "inspector")

    # 总览: both registered sites with verdict, score, trend and open findings per check
    table = pg.locator("#sites")
    assert table.locator("tr", has_text=TOWN).count() == 1
    town_row = table.locator("tr", has_text=TOWN).inner_text()
    assert re.search(r"\b\d+(\.\d+)?\b", town_row) and "缺少必备栏目" in pg.locator("#sites thead").inner_text()
    assert pg.locator("#sites svg.spark").count() >= 1
    shot(pg, "01-dashboard")
    pg.select_option("select[name=region]", "东区")
    pg.click("form.filters button")
    assert pg.locator("#sites tbody tr").count() == 1 and TOWN in pg.locator("#sites").inner_text()

    # 临时检查: start one and watch it finish (progress polled by htmx, then the result)
    pg.click("text=临时检查")
    pg.fill("#audit-url", web.town.url)
    pg.fill("#audit-as-of", "2026-11-20")
    pg.click("#start-audit")
    pg.wait_for_url(re.compile(r".*/audits/\d+$"))
    assert pg.locator("#progress").count() == 1
    pg.wait_for_selector("#audit-result", timeout=120_000)
    assert pg.locator("#audit-state").inner_text() == "已完成"
    assert int(pg.locator("#audit-pages").inner_text()) > 10
    assert int(pg.locator("#result-count").inner_text()) > 0
    assert "缺少必备栏目" in pg.locator("#audit-result").inner_text()
    shot(pg, "02-adhoc-audit")

    # 网站: score history chart, findings with evidence; ignore one with a reason
    pg.goto(web.url + "/")
    pg.click(f"#sites >> text={TOWN}")
    assert pg.locator("svg.chart").count() == 1
    findings = pg.locator("tr.finding")
    before = findings.count()
    assert before > 0
    first = findings.first
    first_id = first.get_attribute("id")
    assert "页面" in first.locator("dl.evidence").inner_text()
    first.locator("input[name=reason]").fill("栏目已并入上级网站，属可接受")
    first.locator("form.ignore button").click()
    pg.wait_for_load_state()
    assert "已忽略该问题" in pg.locator(".msg").inner_text()
    row = pg.locator(f"#{first_id}")
    assert row.locator("td.st").inner_text() == "已忽略"
    assert "栏目已并入上级网站" in row.inner_text()
    shot(pg, "03-site")

    # 整改通知: draft, preview as printed, send to the SMTP server
    pg.click("#draft-notice")
    pg.wait_for_url(re.compile(r".*/notices/\d+(\?.*)?$"))
    assert pg.locator("#notice-status").inner_text() == "草稿"
    assert re.search(r"问题 [1-9]\d* 个", pg.locator("main").inner_text())
    preview = pg.frame_locator("#notice-preview")
    assert "限期整改的通知" in preview.locator("body").inner_text()
    shot(pg, "04-notice-preview")
    pg.click("#send-notice")
    pg.wait_for_load_state()
    assert pg.locator("#notice-status").inner_text() == "已发送"
    assert len(web.mail) == 1 and web.mail[0].rcpt_tos == ["xxgk@ceshizhen.gov.cn"]
    store = NoticeStore(web.db)
    try:
        sent = store.last_notice(TOWN)
        ignored_fp = first_id.removeprefix("f-")
        assert sent["status"] == "sent"
        assert ignored_fp not in {i["fingerprint"] for i in store.notice_items(sent["id"])}  # ignored: not notified
    finally:
        store.close()
    pg.click("text=整改通知")
    assert sent["number"] in pg.locator("#notices").inner_text()
    shot(pg, "05-notices")

    pg.click("#logout")
    pg.wait_for_url(re.compile(r".*/login$"))
    pg.goto(web.url + "/")
    assert "/login" in pg.url  # the session is gone


def test_hostile_site_text_renders_as_text(web, page):  # noqa: F811
    """Titles and link texts with <script>, onerror= and {{7*7}} are shown as text: no dialog fires
    (the page fixture fails on any), the markup is visible as characters, and 49 is never computed."""
    pg = page
    login(pg, web, "viewer")
    for path in ("/", f"/sites/{HOSTILE}"):
        pg.goto(web.url + path)
        pg.wait_for_load_state("networkidle")
        text = pg.locator("main").inner_text()
        assert pg.locator("main script").count() == 0 and pg.locator("main img").count() == 0
        if path != "/":
            shot(pg, "06-hostile-site")
            messages = pg.locator("tr.finding").all_inner_texts()
            assert messages, "the hostile site has findings"
            shown = "\n".join(messages)
            for payload in PAYLOADS:
                assert payload in shown, payload
            assert "49" not in shown
            assert PAYLOADS[1] in text  # the registered unit, as text
    assert pg.evaluate("typeof window.alert") == "function"  # nothing replaced it, nothing fired
