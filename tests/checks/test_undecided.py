"""Undecided is not passed: what the audit could not look at is neither a finding nor a pass.

A homepage whose menu is written by script, audited with ``--render never``, shows no
menu at all: reporting nine missing columns would be nine false accusations, and calling
the site 合格 would pass what nobody looked at. The verdict is 待人工核实 with the
reasons, the JSON lists the ``undecided`` items, and a notice lists them as 待核实 only.
"""

from __future__ import annotations

import re

from check_helpers import SiteBuilder, ctx, item, node
from conftest import FAST, run_cli
from httpserver import Response

from portalwatch.checks.base import Finding, Undecided
from portalwatch.checks.scoring import score_site

MENU_SCRIPT = """<script>
var xhr = new XMLHttpRequest();
xhr.open("GET", "/api/nav.json");
xhr.onload = function () {
  var html = "<ul>";
  JSON.parse(xhr.responseText).forEach(function (c) { html += '<li><a href="' + c.url + '">' + c.name + "</a></li>"; });
  document.getElementById("nav").innerHTML = html + "</ul>";
};
xhr.send();
</script>"""
HOME = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范镇人民政府</title></head><body>
<div class="header"><h1>示范镇人民政府</h1></div><div class="nav" id="nav"></div>
<div class="main"><ul><li><a href="/gzdt/1.html">示范镇召开安全生产工作会议</a><span>2026-11-18</span></li>
<li><a href="/gone.html">关于开展秋冬季森林防火工作的通知</a><span>2026-11-17</span></li></ul></div>
<div class="footer">主办：示范镇人民政府</div>{MENU_SCRIPT}</body></html>"""
ARTICLE = ("<html><head><meta charset='utf-8'><title>示范镇召开安全生产工作会议</title>"
           "<meta name='PubDate' content='2026-11-18'></head><body><h1>示范镇召开安全生产工作会议</h1>"
           f"<div class='content'><p>{'会议研究部署了近期安全生产重点工作。' * 20}</p></div></body></html>")


def script_menu_site(serve):
    return serve(routes={"/": Response(HOME), "/gzdt/1.html": Response(ARTICLE),
                         "/api/nav.json": Response('[{"name": "工作动态", "url": "/gzdt/"}]',
                                                   content_type="application/json")})


def test_script_menu_without_a_browser_is_undecided_not_missing(serve, audit, db_path):
    site = script_menu_site(serve)
    result = audit(site.url, "--render", "never")
    assert result.code == 0, result.stderr
    doc = result.doc
    assert not [f for f in doc["findings"] if f["check"] == "missing_column"]
    assert [f["target"] for f in doc["findings"] if f["check"] == "dead_link"] == [site.url + "gone.html"]
    assert doc["verdict"] == "待人工核实" and doc["grade"] == "待人工核实"
    missing = [u for u in doc["undecided"] if u["check"] == "missing_column"]
    assert len(missing) == 9 and {"乡镇概况", "重大事项"} <= {u["column"] for u in missing}
    assert all(u["url"] == site.url and "脚本" in u["reason"] for u in missing)
    assert any("必备栏目是否齐全：9 项未能判断" in line for line in doc["pending"])

    text = run_cli("audit", site.url, "--db", str(db_path), "--as-of", "2026-11-20", "--render", "never",
                   *FAST)
    assert "结论：待人工核实" in text.stdout and "优秀" not in text.stdout and "合格" not in text.stdout
    assert "未能检查、需人工核实的事项" in text.stdout


def test_the_notice_accuses_only_findings_and_lists_undecided_items_for_checking(serve, db_path, tmp_path):
    site = script_menu_site(serve)
    db = ["--db", str(db_path)]
    assert run_cli("sites", "add", "示范镇", site.url, "--unit", "示范镇人民政府", *db).code == 0
    ran = run_cli("run", "--site", "示范镇", "--as-of", "2026-11-20", *db,
                  env={"PORTALWATCH_AUDIT_ARGS": " ".join([*FAST, "--render", "never"])})
    assert ran.code == 0, ran.stderr
    out = tmp_path / "notice.html"
    made = run_cli("notice", "示范镇", "--out", str(out), "--date", "2026-11-23", *db)
    assert made.code == 0, made.stderr
    # the dead link is the only major problem (no missing column); the minor ones are the tiny site's
    # missing identification (site_identity: no SiteName meta, no ICP number ...)
    assert "单项否决 0，严重 1，" in made.stdout
    text = re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))
    assert "检查结论：待人工核实" in text and "缺少必备栏目（" not in text
    assert "待人工核实，不属于上述问题" in text and "必备栏目“乡镇概况”未能查找" in text


def test_verdict_rules():
    b = SiteBuilder()
    b.nav(node("工作动态", "/gzdt/"), node("通知公告", "/tzgg/"), node("乡镇概况", "/xzgk/"))
    b.list_page("/gzdt/", [item("示范镇召开会议", 2, "/gzdt/1.html")])
    site, context = b.snapshot, ctx()
    pending = [Undecided("missing_column", "必备栏目“重大事项”未能查找：首页导航由脚本生成，本次未渲染，无法查找栏目。",
                         "重大事项", site.home.url)]
    assert score_site([], site, context).verdict == "合格"
    undecided = score_site([], site, context, pending)
    assert (undecided.verdict, undecided.grade, undecided.score) == ("待人工核实", "待人工核实", 100.0)
    assert "重大事项" in undecided.pending[0]
    veto = Finding("stale_homepage", "veto", site.home.url, "首页 30 天未更新")
    assert score_site([veto], site, context, pending).verdict == "不合格"  # a veto stands
    many = [Finding("missing_column", "major", site.home.url, "缺少", column=str(n)) for n in range(25)]
    assert score_site(many, site, context, pending).verdict == "不合格"  # so does a failing score
