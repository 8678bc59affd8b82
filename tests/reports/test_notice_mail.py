"""Notices e-mailed to a real SMTP server (aiosmtpd on 127.0.0.1), parsed back and checked."""

from __future__ import annotations

import datetime as dt
import re

from conftest import FAST, run_cli
from httpserver import Response
from notice_helpers import dead_link, record_run, register, smtp_server  # noqa: F401  (fixture)

from portalwatch.reports.mail import SmtpSettings, auto_send_notices, send_notice
from portalwatch.reports.notice import NoticeConfig, issue_notice
from portalwatch.reports.storage import NoticeStore

SCRIPT = "<script>alert(1)</script>"
EMAILS = ("xxzx@zhen.example.gov.cn", "wz@zhen.example.gov.cn")


def test_notice_sent_from_the_command_line_arrives_whole_and_escaped(serve, db_path, smtp_server):
    home = ("<html><head><title>某某镇人民政府</title></head><body>"
            "<a href='/news/'>工作动态</a><p>2026-11-19 工作动态</p>"
            f"<a href='/gone.html'>关于&lt;script&gt;alert(1)&lt;/script&gt;的通知</a>"
            "<a href='/contact.html'>联系人13812345678</a></body></html>")
    site = serve(routes={"/": Response(home),
                         "/news/": Response("<html><title>工作动态</title><body>2026-11-18 会议</body></html>")})
    db = ["--db", str(db_path)]
    add = run_cli("sites", "add", "某某镇", site.url, "--unit", "某某镇人民政府", "--contact", "王五 13912345678",
                  *sum((["--email", e] for e in EMAILS), []), *db)
    assert add.code == 0, add.stderr
    ran = run_cli("run", "--site", "某某镇", "--as-of", "2026-11-20", *db,
                  env={"PORTALWATCH_AUDIT_ARGS": " ".join(FAST)})
    assert ran.code == 0, ran.stderr

    sent = run_cli("notice", "某某镇", "--send", "--date", "2026-11-23", *db, env=smtp_server.env())
    assert sent.code == 0, sent.stderr
    assert "〔2026〕第1号" in sent.stdout and "已发送" in sent.stdout and "2026-12-07" in sent.stdout

    [envelope] = smtp_server.handler.envelopes
    assert sorted(envelope.rcpt_tos) == sorted(EMAILS)
    assert envelope.mail_from == "gkb@example.gov.cn"
    [msg] = smtp_server.handler.messages()
    assert msg["Subject"] == "〔2026〕第1号 关于某某镇人民政府网站存在问题限期整改的通知"
    assert sorted(a.addr_spec for a in msg["To"].addresses) == sorted(EMAILS)
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for part in (text, html):
        assert "某某镇人民政府" in part and "失效链接" in part and "2026年12月7日" in part
        assert f"{site.url}gone.html" in part and f"{site.url}contact.html" in part
        assert "13812345678" not in part and "13912345678" not in part  # masked phone numbers
        assert "138****5678" in part and "139****5678" in part
    assert SCRIPT in text  # plain text is not HTML: shown as written
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"<script", html, re.I)  # no tag from site content
    assert 'style="' in html and "@page" in html  # inlined CSS, print rules kept

    store = NoticeStore(db_path)
    [notice] = store.notices("某某镇")
    assert notice["status"] == "sent" and notice["attempts"] == 1 and notice["sent_at"] and not notice["last_error"]
    assert sorted(notice["recipients"]) == sorted(EMAILS)
    # the links (the tiny site's missing identification, site_identity, has no target)
    assert {i["target"] for i in store.notice_items(notice["id"]) if i["target"]} == {
        f"{site.url}gone.html", f"{site.url}contact.html"}
    # the automatic sending never repeats findings a sent notice already carried
    results = auto_send_notices(store, sites=["某某镇"], settings=SmtpSettings.from_env(smtp_server.env()))
    assert [r.action for r in results] == ["skipped"]
    assert len(smtp_server.handler.envelopes) == 1


def test_rejected_message_is_not_marked_sent_and_the_error_is_kept(tmp_path, db_path, smtp_server):
    store = NoticeStore(db_path)
    url = "http://zhen.example.gov.cn/"
    register(store, "某某镇", url, unit="某某镇人民政府", emails=EMAILS)
    record_run(store, "某某镇", url, [dead_link(url, url + "a.html", "通知公告")])
    smtp_server.handler.always = "550 5.7.1 Message rejected by policy"
    result = run_cli("notice", "某某镇", "--send", "--db", str(db_path), env=smtp_server.env())
    assert result.code == 1
    assert "550" in result.stderr and "未标记为已发送" in result.stderr
    [notice] = store.notices("某某镇")
    assert notice["status"] == "failed" and notice["sent_at"] is None
    assert notice["attempts"] == 1  # 5xx is permanent: no retry
    assert "550" in notice["last_error"] and "rejected" in notice["last_error"]
    assert smtp_server.handler.envelopes == []
    # once the server accepts, the same notice (same number) goes out and is marked sent
    smtp_server.handler.always = None
    again = run_cli("notice", "某某镇", "--send", "--db", str(db_path), env=smtp_server.env())
    assert again.code == 0, again.stderr
    [notice] = store.notices("某某镇")
    assert notice["status"] == "sent" and notice["number"] == "〔2026〕第1号" and notice["attempts"] == 2
    assert notice["last_error"] is None


def test_temporary_failures_are_retried_with_backoff(db_path, smtp_server):
    store = NoticeStore(db_path)
    url = "http://zhen.example.gov.cn/"
    register(store, "某某镇", url, emails=EMAILS[:1])
    record_run(store, "某某镇", url, [dead_link(url, url + "a.html", "通知公告")])
    notice = issue_notice(store, "某某镇", NoticeConfig(), issued=dt.date(2026, 11, 23))
    smtp_server.handler.replies = ["451 4.3.0 Temporary local problem", "421 4.3.2 Service not available"]
    waits: list[float] = []
    result = send_notice(store, notice["id"], SmtpSettings.from_env(smtp_server.env()), sleep=waits.append)
    assert result.sent and result.attempts == 3 and waits == [0.01, 0.02]
    row = store.notice(notice["id"])
    assert row["status"] == "sent" and row["attempts"] == 3 and row["last_error"] is None
    assert len(smtp_server.handler.envelopes) == 1


def test_unreachable_server_is_retried_then_failed(db_path):
    from notice_helpers import free_port

    store = NoticeStore(db_path)
    url = "http://zhen.example.gov.cn/"
    register(store, "某某镇", url, emails=EMAILS[:1])
    record_run(store, "某某镇", url, [dead_link(url, url + "a.html", "通知公告")])
    notice = issue_notice(store, "某某镇", NoticeConfig())
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), from_addr="gkb@example.gov.cn", password="s3cret",
                            retries=2, backoff=0.01, timeout=2)
    result = send_notice(store, notice["id"], settings, sleep=lambda s: None)
    assert not result.sent and result.attempts == 2
    row = store.notice(notice["id"])
    assert row["status"] == "failed" and row["attempts"] == 2 and "无法连接发信服务器" in row["last_error"]
    assert "s3cret" not in repr(settings) and "s3cret" not in row["last_error"]
    store.close()
    for path in db_path.parent.glob(db_path.name + "*"):  # the database and its WAL: no password anywhere
        assert b"s3cret" not in path.read_bytes()


def test_auto_send_only_for_new_serious_findings_and_never_twice(db_path, smtp_server):
    store = NoticeStore(db_path)
    settings = SmtpSettings.from_env(smtp_server.env())
    a, b = "http://a.example.gov.cn/", "http://b.example.gov.cn/"
    register(store, "甲镇", a, unit="甲镇人民政府", emails=("a@example.gov.cn",))
    register(store, "乙镇", b, unit="乙镇人民政府", emails=("b@example.gov.cn",))
    minor = dead_link(b, b + "x.html", "旧链接") | {"severity": "minor"}
    run_a = record_run(store, "甲镇", a, [dead_link(a, a + "1.html", "一")])
    run_b = record_run(store, "乙镇", b, [minor])

    first = auto_send_notices(store, run_ids=[run_a, run_b], settings=settings)
    assert [(r.site, r.action) for r in first] == [("甲镇", "sent"), ("乙镇", "skipped")]
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["a@example.gov.cn"]]

    again = record_run(store, "甲镇", a, [dead_link(a, a + "1.html", "一")])
    assert [r.action for r in auto_send_notices(store, run_ids=[again], settings=settings)] == ["skipped"]

    newer = record_run(store, "甲镇", a, [dead_link(a, a + "1.html", "一"), dead_link(a, a + "2.html", "二")])
    [res] = auto_send_notices(store, run_ids=[newer], settings=settings)
    assert res.action == "sent" and res.number == "〔{}〕第2号".format(dt.date.today().year)
    items = store.notice_items(res.notice_id)
    assert [i["target"] for i in items] == [a + "2.html"]  # only what was never sent
    text = smtp_server.handler.messages()[-1].get_body(("plain",)).get_content()
    assert "仍有 1 个尚未整改" in text and a + "1.html" not in text
    assert len(smtp_server.handler.envelopes) == 2


def test_sites_without_email_or_smtp_settings_are_reported(db_path):
    from portalwatch.reports.mail import MailError

    store = NoticeStore(db_path)
    url = "http://zhen.example.gov.cn/"
    register(store, "某某镇", url)
    record_run(store, "某某镇", url, [dead_link(url, url + "a.html", "通知公告")])
    result = run_cli("notice", "某某镇", "--send", "--db", str(db_path),
                     env={"PORTALWATCH_SMTP_HOST": "", "PORTALWATCH_SMTP_FROM": ""})
    assert result.code == 2 and "PORTALWATCH_SMTP_HOST" in result.stderr
    try:
        SmtpSettings.from_env({"PORTALWATCH_SMTP_HOST": "h", "PORTALWATCH_SMTP_FROM": "f@x", "PORTALWATCH_SMTP_SECURITY": "tls"})
    except MailError as exc:
        assert "starttls" in str(exc)
    else:
        raise AssertionError("bad security accepted")
    env = {"PORTALWATCH_SMTP_HOST": "127.0.0.1", "PORTALWATCH_SMTP_FROM": "f@example.gov.cn", "PORTALWATCH_OFFICE": "某某县政务公开办"}
    no_mail = run_cli("notice", "某某镇", "--send", "--db", str(db_path), env=env)
    assert no_mail.code == 2 and "未登记收件邮箱" in no_mail.stderr
    assert [r.action for r in auto_send_notices(store, sites=["某某镇"], settings=SmtpSettings.from_env(env))] == ["skipped"]


def test_nightly_run_sends_notices_for_new_serious_findings_once(serve, db_path, smtp_server):
    home = ("<html><head><title>某某镇人民政府</title></head><body><a href='/news/'>工作动态</a>"
            "<a href='/gone.html'>通知公告</a><p>2026-11-19 工作动态</p></body></html>")
    site = serve(routes={"/": Response(home),
                         "/news/": Response("<html><title>工作动态</title><body>2026-11-18 会议</body></html>")})
    db = ["--db", str(db_path)]
    assert run_cli("sites", "add", "某某镇", site.url, "--email", EMAILS[0], *db).code == 0
    audit_env = {"PORTALWATCH_AUDIT_ARGS": " ".join(FAST)}

    # no SMTP settings: refused before any audit runs, nothing stored
    refused = run_cli("run", "--all", "--send-notices", *db,
                      env={**audit_env, "PORTALWATCH_SMTP_HOST": "", "PORTALWATCH_SMTP_FROM": ""})
    assert refused.code == 2 and "PORTALWATCH_SMTP_HOST" in refused.stderr
    assert NoticeStore(db_path).db["audit_runs"].count == 0

    first = run_cli("run", "--all", "--as-of", "2026-11-20", "--send-notices", *db, env=audit_env | smtp_server.env())
    assert first.code == 0, first.stderr
    assert "已发送整改通知：某某镇 〔2026〕第1号" in first.stderr
    [msg] = smtp_server.handler.messages()
    assert f"{site.url}gone.html" in msg.get_body(("plain",)).get_content()
    [notice] = NoticeStore(db_path).notices("某某镇")
    assert notice["status"] == "sent" and notice["origin"] == "auto"

    # the same findings next night: nothing sent again
    again = run_cli("run", "--all", "--as-of", "2026-11-21", "--send-notices", *db, env=audit_env | smtp_server.env())
    assert again.code == 0, again.stderr
    assert len(smtp_server.handler.envelopes) == 1 and "已发送整改通知" not in again.stderr


def test_daemon_sends_after_a_complete_run_and_logs_it(db_path, smtp_server, monkeypatch):
    from portalwatch.scheduler.daemon import Daemon, DaemonConfig

    store = NoticeStore(db_path)
    url = "http://zhen.example.gov.cn/"
    register(store, "某某镇", url, emails=(EMAILS[0],))
    run_id = record_run(store, "某某镇", url, [dead_link(url, url + "a.html", "通知公告")])
    daemon = Daemon(DaemonConfig(db=db_path, jobs=1, send_notices=True))

    monkeypatch.setenv("PORTALWATCH_SMTP_HOST", "")  # the mail server went unconfigured: logged, nothing sent
    daemon.send_notices(run_id)
    monkeypatch.undo()
    for key, value in smtp_server.env().items():
        monkeypatch.setenv(key, value)
    daemon.send_notices(run_id)
    daemon.send_notices(run_id)  # the same findings: skipped
    daemon.probe_pool.shutdown()

    assert len(smtp_server.handler.envelopes) == 1
    log = [(r["outcome"], r["site"]) for r in reversed(store.job_log(kind="notice"))]
    assert log == [("failed", None), ("sent", "某某镇"), ("skipped", "某某镇")]
    store.close()


def test_failed_resend_keeps_the_delivery_and_the_sent_status(db_path, smtp_server):
    store = NoticeStore(db_path)
    url = "http://zhen.example.gov.cn/"
    register(store, "某某镇", url, unit="某某镇人民政府", emails=EMAILS)
    record_run(store, "某某镇", url, [dead_link(url, url + "a.html", "通知公告")])
    db = ["--db", str(db_path)]
    first = run_cli("notice", "某某镇", "--send", *db, env=smtp_server.env())
    assert first.code == 0, first.stderr
    [notice] = store.notices("某某镇")
    sent_at = notice["sent_at"]
    assert notice["status"] == "sent" and sent_at

    smtp_server.handler.always = "550 5.7.1 Message rejected by policy"
    again = run_cli("notice", "某某镇", "--send", *db, env=smtp_server.env())  # the same notice, re-sent
    assert again.code == 1
    assert "550" in again.stderr and "仍为已发送" in again.stderr
    [notice] = store.notices("某某镇")
    assert notice["status"] == "sent" and notice["sent_at"] == sent_at and notice["attempts"] == 2
    deliveries = store.deliveries(notice["id"])
    assert [d["delivered"] for d in deliveries] == [True, False]
    assert deliveries[0]["error"] is None and sorted(deliveries[0]["recipients"]) == sorted(EMAILS)
    assert deliveries[1]["error"].startswith("发信服务器拒绝：550")

    listing = run_cli("notices", "某某镇", *db)
    assert listing.code == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert "已发送" in lines[0]
    assert "已送达" in lines[1] and "失败" in lines[2] and "550" in lines[2]
    [row] = run_cli("notices", "某某镇", "--format", "json", *db).doc
    assert [d["delivered"] for d in row["deliveries"]] == [True, False] and row["status"] == "sent"


def test_migration_keeps_deliveries_made_before_the_history_existed(db_path):
    store = NoticeStore(db_path)
    url = "http://zhen.example.gov.cn/"
    register(store, "某某镇", url, emails=EMAILS)
    record_run(store, "某某镇", url, [dead_link(url, url + "a.html", "通知公告")])
    notice = issue_notice(store, "某某镇", NoticeConfig(), issued=dt.date(2026, 11, 23))
    store.mark_notice(notice["id"], "sent")
    # the database as it was before migration m0004
    store.db["notice_deliveries"].drop()
    store.db.execute("delete from _sqlite_migrations where name = 'm0004_notice_deliveries'")
    store.db.conn.commit()
    store.close()
    store = NoticeStore(db_path)
    [delivery] = store.deliveries(notice["id"])
    assert delivery["delivered"] and delivery["at"] == store.notice(notice["id"])["sent_at"]
    store.mark_notice(notice["id"], "failed")
    assert store.notice(notice["id"])["status"] == "sent"
