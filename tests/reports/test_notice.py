"""Notice content: numbers, deadlines, grouping order, privacy masking, history."""

from __future__ import annotations

import datetime as dt

import pytest
from notice_helpers import dead_link, record_run, register

from portalwatch.reports.notice import NoticeConfig, NoticeError, add_working_days, group_items, issue_notice
from portalwatch.reports.privacy import mask_private
from portalwatch.reports.storage import NoticeStore

URL = "http://zhen.example.gov.cn/"


def finding(check: str, severity: str, **extra) -> dict:
    return {"check": check, "severity": severity, "url": URL, "target": None, "column": extra.pop("column", None),
            "message": extra.pop("message", f"{check} 问题"), "evidence": extra}


@pytest.fixture
def store(db_path):
    store = NoticeStore(db_path)
    register(store, "某某镇", URL, unit="某某镇人民政府", emails=("a@example.gov.cn",))
    yield store
    store.close()


def test_deadline_counts_working_days_and_skips_weekends():
    friday = dt.date(2026, 11, 20)
    assert add_working_days(friday, 1) == dt.date(2026, 11, 23)  # Monday
    assert add_working_days(dt.date(2026, 11, 23), 10) == dt.date(2026, 12, 7)  # two weeks, weekends skipped
    assert add_working_days(dt.date(2026, 11, 21), 5) == dt.date(2026, 11, 27)  # from a Saturday
    assert add_working_days(friday, 1, holidays=[dt.date(2026, 11, 23)]) == dt.date(2026, 11, 24)
    assert add_working_days(dt.date(2026, 9, 30), 1, holidays=[dt.date(2026, 10, d) for d in range(1, 8)]) \
        == dt.date(2026, 10, 8)
    cfg = NoticeConfig.from_env({"PORTALWATCH_NOTICE_DAYS": "3", "PORTALWATCH_NOTICE_HOLIDAYS": "2026-11-24"})
    assert cfg.working_days == 3 and add_working_days(dt.date(2026, 11, 23), 3, cfg.holidays) == dt.date(2026, 11, 27)


def test_notice_numbers_are_per_year_and_never_reused(store):
    record_run(store, "某某镇", URL, [dead_link(URL, URL + "a.html", "甲")])
    cfg = NoticeConfig.from_env({"PORTALWATCH_NOTICE_NUMBER": "某政公〔{year}〕{seq}号"})
    first = issue_notice(store, "某某镇", cfg, issued=dt.date(2026, 11, 23))
    assert first["number"] == "某政公〔2026〕1号" and first["status"] == "draft"
    # re-rendering an unsent draft keeps its number
    assert issue_notice(store, "某某镇", cfg, issued=dt.date(2026, 11, 24))["number"] == "某政公〔2026〕1号"
    store.mark_notice(first["id"], "sent")
    # unchanged findings: the sent notice itself, no number spent
    assert issue_notice(store, "某某镇", cfg, issued=dt.date(2026, 11, 25))["id"] == first["id"]
    record_run(store, "某某镇", URL, [dead_link(URL, URL + "a.html", "甲"), dead_link(URL, URL + "b.html", "乙")])
    second = issue_notice(store, "某某镇", cfg, issued=dt.date(2026, 11, 25))
    assert second["number"] == "某政公〔2026〕2号"
    store.delete_notice(second["id"])
    third = issue_notice(store, "某某镇", cfg, issued=dt.date(2026, 11, 26))
    assert third["number"] == "某政公〔2026〕3号"  # 2 was deleted, never handed out again
    store.mark_notice(third["id"], "sent")
    record_run(store, "某某镇", URL, [dead_link(URL, URL + "c.html", "丙")])
    assert issue_notice(store, "某某镇", cfg, issued=dt.date(2027, 1, 4))["number"] == "某政公〔2027〕1号"
    numbers = [n["number"] for n in store.notices()]
    assert len(numbers) == len(set(numbers)) == 3
    assert issue_notice(store, "某某镇", cfg, issued=dt.date(2027, 1, 5))["number"] == "某政公〔2027〕1号"


def test_pattern_without_year_still_never_repeats(store):
    record_run(store, "某某镇", URL, [dead_link(URL, URL + "a.html", "甲")])
    cfg = NoticeConfig(number_pattern="第{seq}号")
    n1 = issue_notice(store, "某某镇", cfg, issued=dt.date(2026, 12, 30))
    store.mark_notice(n1["id"], "sent")
    record_run(store, "某某镇", URL, [dead_link(URL, URL + "b.html", "乙")])
    n2 = issue_notice(store, "某某镇", cfg, issued=dt.date(2027, 1, 4))
    assert (n1["number"], n2["number"]) == ("第1号", "第2号")


def test_groups_put_veto_items_first_then_inspector_order(store):
    items = [finding("dead_link", "major"), finding("missing_interpretation", "major"),
             finding("stale_column", "major", column="工作动态"), finding("stale_homepage", "veto"),
             finding("empty_column", "minor", column="财政信息"), finding("stale_column", "veto", column="要闻"),
             finding("missing_column", "major", column="机构职能"), finding("site_unreachable", "veto")]
    order = [g["check"] for g in group_items({**f, "fingerprint": str(i)} for i, f in enumerate(items))]
    assert order == ["site_unreachable", "stale_homepage", "stale_column", "missing_column", "empty_column",
                     "missing_interpretation", "dead_link"]
    groups = group_items({**f, "fingerprint": str(i)} for i, f in enumerate(items))
    assert [g["index"] for g in groups[:3]] == ["一", "二", "三"] and groups[2]["severity_name"] == "单项否决"
    assert [i["severity"] for i in groups[2]["items"]] == ["veto", "major"]


def test_masking_phone_id_and_address():
    assert mask_private("电话13812341234。") == "电话138****1234。"
    assert mask_private("身份证号350102199001011234") == "身份证号35*************234"
    assert mask_private("身份证35010219900101123X号") == "身份证35*************23X号"
    assert mask_private("住址：某某县某某镇红星村3组15号") == "住址：某某县某某镇***"
    # office landlines, dates, document numbers and long article ids stay as they are
    for text in ("0412-5585806", "2026-11-20", "鞍政办发〔2018〕27号", "/art/2026/11/20261120123456789012.html",
                 "某某镇人民政府2026年第3号公告"):
        assert mask_private(text) == text


def test_notice_content_counts_earlier_findings_and_evidence(store):
    stale = finding("stale_column", "major", column="工作动态", newest_date="2026-09-01", max_age_days=14,
                    age_days=80, newest_title="某某镇召开安全生产会议", column_type="news", path=["政务动态", "工作动态"],
                    message="栏目“工作动态”最新信息发布于2026-09-01，超过14天未更新。")
    interp = finding("missing_interpretation", "major", title="关于印发《某某镇农村人居环境整治方案》的通知",
                     doc_number="某政发〔2026〕3号", message="政策文件缺少解读。")
    interp["url"] = URL + "zcwj/3.html"
    record_run(store, "某某镇", URL, [dead_link(URL, URL + "a.html", "甲"), stale])
    old = issue_notice(store, "某某镇", NoticeConfig(), issued=dt.date(2026, 11, 2))
    store.mark_notice(old["id"], "sent")
    record_run(store, "某某镇", URL, [dead_link(URL, URL + "a.html", "甲"), stale, interp])
    notice = issue_notice(store, "某某镇", NoticeConfig(office="某某县人民政府办公室", contact="李四，0412-5585806"),
                          issued=dt.date(2026, 11, 23))
    text = notice["text"]
    assert notice["office"] == "某某县人民政府办公室" and text.startswith("某某县人民政府办公室\n〔2026〕第2号")
    assert "此前整改通知所列问题中，仍有 2 个尚未整改" in text
    assert text.count("前次通知已指出，仍未整改") == 2
    assert "最新信息日期：2026-09-01" in text and "更新时限：14 天" in text and "已有：80 天未更新" in text
    assert "栏目位置：政务动态 › 工作动态" in text and "栏目类型：动态类" in text
    assert "文号：某政发〔2026〕3号" in text and "《某某镇农村人居环境整治方案》" in text
    assert "失效地址：http://zhen.example.gov.cn/a.html" in text and "访问结果：HTTP 404" in text
    assert text.index("（一）栏目不更新") < text.index("（二）政策文件缺少解读") < text.index("（三）失效链接")
    assert "2026年12月7日前（10个工作日内）" in text and "联系人：李四，0412-5585806" in text
    assert "@page" in notice["html"] and "size: A4" in notice["html"]
    only_new = issue_notice(store, "某某镇", issued=dt.date(2026, 11, 23), only_unnotified=True)
    assert [i["check"] for i in store.notice_items(only_new["id"])] == ["missing_interpretation"]


def test_nothing_to_notify_and_unknown_site(store):
    with pytest.raises(NoticeError, match="没有名为"):
        issue_notice(store, "不存在")
    with pytest.raises(NoticeError, match="没有需要通知整改的问题"):
        issue_notice(store, "某某镇")
    fp = record_run(store, "某某镇", URL, [dead_link(URL, URL + "a.html", "甲")])
    [row] = store.tracked_findings("某某镇")
    store.ignore_finding(row["fingerprint"], "误报")
    with pytest.raises(NoticeError):
        issue_notice(store, "某某镇")
    assert fp


def test_settings_from_a_config_file_with_the_environment_winning(tmp_path):
    from portalwatch.reports.mail import SmtpSettings

    cfg = tmp_path / "portalwatch.yaml"
    cfg.write_text("PORTALWATCH_OFFICE: 某某县政务公开办\nPORTALWATCH_NOTICE_DAYS: 5\n"
                   "PORTALWATCH_SMTP_HOST: mail.example.gov.cn\nPORTALWATCH_SMTP_FROM: gkb@example.gov.cn\n"
                   "PORTALWATCH_SMTP_SECURITY: ssl\nPORTALWATCH_SMTP_PASSWORD: from-file\n", encoding="utf-8")
    env = {"PORTALWATCH_CONFIG": str(cfg), "PORTALWATCH_NOTICE_DAYS": "7"}
    notice = NoticeConfig.from_env(env)
    assert notice.office == "某某县政务公开办" and notice.working_days == 7
    smtp = SmtpSettings.from_env(env)
    assert (smtp.host, smtp.port, smtp.security, smtp.password) == ("mail.example.gov.cn", 465, "ssl", "from-file")
    assert "from-file" not in repr(smtp)
