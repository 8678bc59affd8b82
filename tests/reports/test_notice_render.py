"""A rendered notice opened in headless Chromium: no console errors; PNG and A4 PDF kept in test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

from notice_helpers import ARTIFACTS, dead_link, open_in_chromium, record_run, register

from portalwatch.reports.notice import NoticeConfig, issue_notice
from portalwatch.reports.storage import NoticeStore

URL = "http://www.mouzhen.gov.cn/"


def sample_findings() -> list[dict]:
    """One site with a finding of most checks, as an inspector would meet them."""
    def f(check, severity, message, url=URL, column=None, **evidence):
        return {"check": check, "severity": severity, "url": url, "target": None, "column": column,
                "message": message, "evidence": evidence}

    return [
        f("stale_homepage", "veto", "首页最新信息发布于2026年10月9日，已超过14天未更新。", newest_date="2026-10-09",
          newest_title="某某镇开展秋季森林防火宣传", max_age_days=14, age_days=42),
        f("stale_column", "major", "栏目“工作动态”最新信息发布于2026年9月1日，超过14天未更新。", URL + "gzdt/",
          "工作动态", newest_date="2026-09-01", max_age_days=14, age_days=80, column_type="news",
          newest_title="某某镇召开安全生产工作会议", path=["政务动态", "工作动态"]),
        f("missing_column", "major", "首页导航中找不到必备栏目“财政信息”（或预决算公开等同义栏目）。", column="财政信息",
          names_tried=["财政信息", "预决算公开", "财政预决算"], column_type="plan"),
        f("empty_column", "major", "栏目“重大事项”没有任何信息，仅显示“暂无信息”。", URL + "zdsx/", "重大事项",
          placeholder="暂无信息"),
        f("missing_interpretation", "major", "政策文件《某某镇<script>alert(1)</script>实施方案》没有发布解读。",
          URL + "zcwj/202603/t20260312_1.html", "政策文件", title="某某镇<script>alert(1)</script>实施方案",
          doc_number="某政发〔2026〕3号", pub_date="2026-03-12"),
        dead_link(URL, URL + "xxgk/2019/report.pdf", "2019年政府信息公开年报"),
        dead_link(URL + "gzdt/", "http://www.example.gov.cn/old/", "原镇政府网站（联系电话13812345678）",
                  status=502, on_homepage=False) | {"severity": "minor"},
    ]


def test_notice_renders_in_chromium_as_an_a4_document(db_path):
    store = NoticeStore(db_path)
    register(store, "某某镇", URL, unit="某某镇人民政府", emails=("xxgk@mouzhen.gov.cn",), contact="王五 13912345678")
    earlier = record_run(store, "某某镇", URL, sample_findings()[-2:], pages=286)
    first = issue_notice(store, "某某镇", NoticeConfig(), issued=dt.date(2026, 11, 2))
    store.mark_notice(first["id"], "sent")
    record_run(store, "某某镇", URL, sample_findings(), pages=312)
    config = NoticeConfig(office="某某县人民政府办公室政务公开办", contact="李四，电话：0412-5585806",
                          copy_to="县政务公开领导小组办公室")
    notice = issue_notice(store, "某某镇", config, issued=dt.date(2026, 11, 23))
    assert earlier and notice["number"] == "〔2026〕第2号"

    html_file = ARTIFACTS / "notice.html"
    html_file.parent.mkdir(parents=True, exist_ok=True)
    html_file.write_text(notice["html"], encoding="utf-8")
    png, pdf = ARTIFACTS / "notice.png", ARTIFACTS / "notice.pdf"
    errors = open_in_chromium(html_file, png, pdf)
    assert errors == []
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data))
    assert sizes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in sizes)  # A4
    assert not re.search(r"<script", notice["html"], re.I) and "13912345678" not in notice["html"]
