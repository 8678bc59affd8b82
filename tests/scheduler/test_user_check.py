"""Acceptance (issue 10): a user's check is one file plus one config line, and shows everywhere
under its own title — ``portalwatch checks``, the audit JSON and summary, the notice, the score;
ignoring its finding takes it out of the score shown with the others; a check that cannot be
loaded stops the audit with a one-line error."""

from __future__ import annotations

import json
import os
import sqlite3

from conftest import FAST, run_cli
from httpserver import Response
from monitor_helpers import AUDIT_ARGS

from portalwatch.checks.registry import BUILTIN_CHECKS

USER_CHECK = '''
from portalwatch.checks.base import Check


class MissingSiteCode(Check):
    """检查内容：首页没有 SiteIDCode 元数据。

    示例：首页 head 中没有 <meta name="SiteIDCode">。
    """

    id = "my_site_code"
    severity = "major"
    title = "首页缺少标识码元数据"
    guidance = "请在首页 head 中加入 SiteIDCode 元数据。"
    message = "首页缺少 SiteIDCode 元数据。"
    score_defaults = {"my_site_code": 5.0}

    def run(self, site, ctx):
        if site.home is not None and not site.home.meta.get("SiteIDCode"):
            yield self.finding(url=site.home.url, evidence={"meta_seen": len(site.home.meta)})
'''
HOME = Response("<html><head><title>甲镇人民政府</title></head><body><a href='/gone.html'>旧通知</a>"
                "<p>2026-11-19 工作动态</p></body></html>")


def setup(tmp_path, extra_lines: str = "") -> dict[str, str]:
    (tmp_path / "userchecks").mkdir(parents=True)
    (tmp_path / "userchecks" / "mychecks.py").write_text(USER_CHECK, encoding="utf-8")
    # only the dead-link check beside the user's own: the score below is exact whatever checks are added
    off = "".join(f"  {check_id}: null\n" for check_id in BUILTIN_CHECKS if check_id != "dead_link")
    config = tmp_path / "portalwatch.yaml"
    config.write_text(f"PORTALWATCH_OFFICE: 某县政务公开办\nchecks:\n  my_site_code: mychecks.MissingSiteCode\n"
                      f"{off}{extra_lines}", encoding="utf-8")
    path = os.pathsep.join([str(tmp_path / "userchecks"), os.environ.get("PYTHONPATH", "")])
    return {"PYTHONPATH": path, "PORTALWATCH_CONFIG": str(config)}


def test_a_user_check_from_one_file_and_one_config_line(serve, db_path, tmp_path):
    env = setup(tmp_path)
    site = serve(routes={"/": HOME})

    listed = run_cli("checks", env=env)
    assert listed.code == 0, listed.stderr
    assert "my_site_code  首页缺少标识码元数据  [严重]" in listed.stdout and "检查内容：首页没有 SiteIDCode" in listed.stdout
    assert "dead_link  失效链接  [严重]" in listed.stdout and "stale_homepage" not in listed.stdout

    audit = run_cli("audit", site.url, "--format", "json", "--db", str(db_path), "--as-of", "2026-11-20", *FAST,
                    env=env)
    assert audit.code == 0, audit.stderr
    doc = audit.doc
    assert {f["check"] for f in doc["findings"]} == {"my_site_code", "dead_link"}
    assert doc["check_titles"]["my_site_code"] == "首页缺少标识码元数据"
    assert doc["score"] == 100 - 5 - 1  # its score_defaults, and a dead link on the homepage
    assert ["首页缺少标识码元数据 1 项（每项扣 5 分）", 5.0] in doc["deductions"]

    text = run_cli("audit", site.url, "--db", str(db_path), "--as-of", "2026-11-20", *FAST, env=env)
    assert text.code == 0, text.stderr
    assert "首页缺少标识码元数据" in text.stdout and "[首页缺少标识码元数据] 首页缺少 SiteIDCode 元数据。" in text.stdout
    assert "得分：94" in text.stdout

    # a registered site: its notice names the check by its title, with its guidance and evidence
    db = ["--db", str(db_path)]
    assert run_cli("sites", "add", "甲镇", site.url, *db, env=env).code == 0
    ran = run_cli("run", "--site", "甲镇", "--as-of", "2026-11-20", "--audit-args", AUDIT_ARGS, *db, env=env)
    assert ran.code == 0, ran.stderr
    assert run_cli("notice", "甲镇", "--date", "2026-11-23", *db, env=env).code == 0
    notice = latest_notice(db_path)
    assert "首页缺少标识码元数据（严重，1 个）" in notice and "改进意见：请在首页 head 中加入 SiteIDCode 元数据。" in notice
    assert "meta_seen：" in notice and "得分 94 分" in notice and "共发现问题 2 个" in notice

    # the inspector ignores the user check's finding: the notice and status no longer deduct it
    (finding_id,) = sqlite3.connect(db_path).execute(
        "select id from run_findings where check_id = 'my_site_code' order by id desc limit 1").fetchone()
    assert run_cli("ignore", str(finding_id), "--reason", "本站已另行备案", *db, env=env).code == 0
    assert run_cli("notice", "甲镇", "--date", "2026-11-24", *db, env=env).code == 0
    notice = latest_notice(db_path)
    assert "共发现问题 1 个" in notice and "得分 99 分" in notice and "首页缺少标识码元数据" not in notice
    status = json.loads(run_cli("status", "--format", "json", *db, env=env).stdout)
    assert status[0]["score"] == 99.0


def latest_notice(db_path) -> str:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select text from notices order by id desc limit 1").fetchone()[0]


def test_a_check_that_cannot_be_loaded_fails_the_audit_naming_the_line(serve, db_path, tmp_path):
    site = serve(routes={"/": HOME})
    for line, words in [("  site_unreachable: portalwatch.checks.gone.SiteUnreachable\n", "No module named"),
                        ("  broken_one: mychecks.NoSuchClass\n", "NoSuchClass")]:
        env = setup(tmp_path / line.split(":")[0].strip(), line)
        result = run_cli("audit", site.url, "--db", str(db_path), *FAST, env=env)
        assert result.code == 2, result.stderr
        error = result.stderr.strip()
        assert error.startswith("错误：配置文件 ") and "portalwatch.yaml 第 " in error and words in error
        assert "\n" not in error and "Traceback" not in result.stderr
        assert run_cli("checks", env=env).code == 2
    assert not db_path.exists() or sqlite3.connect(db_path).execute("select count(*) from audit_runs").fetchone() == (0,)
