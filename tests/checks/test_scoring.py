"""Scoring: the veto lines of the 2019 indicators, deductions, grades and early warnings."""

from __future__ import annotations

import pytest
from check_helpers import SiteBuilder, ctx, item, node

from portalwatch.checks.base import Finding
from portalwatch.checks.profiles import load_profile
from portalwatch.checks.scoring import ScoreResult, score_site


def f(check: str, severity: str = "major", column: str | None = None, **evidence) -> Finding:
    return Finding(check=check, severity=severity, url="http://zf.example.gov.cn/", message=f"{check} 问题",
                   column=column, evidence=evidence)


def stale(n: int, kind: str = "news", level: int = 1) -> list[Finding]:
    return [f("stale_column", column=f"{kind}栏目{i}", column_type=kind, level=level) for i in range(n)]


def blank(n: int) -> list[Finding]:
    return [f("empty_column", column=f"空白栏目{i}") for i in range(n)]


def site(home_age: int | None = 1):
    b = SiteBuilder()
    b.nav(node("工作动态", "/gzdt/"))
    if home_age is not None:
        b.home.list_items = [item("首页最新的一条信息", home_age, "/gzdt/1.html")]
    return b.snapshot


def score(findings, snapshot=None, context=None) -> ScoreResult:
    return score_site(findings, snapshot or site(), context or ctx())


def test_a_clean_site_scores_100():
    result = score([])
    assert (result.score, result.verdict, result.grade) == (100.0, "合格", "优秀")
    assert result.vetoes == [] and result.warnings == [] and result.deductions == []


def test_dead_links_cost_one_point_on_the_homepage_and_a_tenth_elsewhere():
    findings = [f("dead_link", on_homepage=True, pages=["/"])] * 2 + [f("dead_link", on_homepage=False)] * 3
    result = score(findings)
    assert result.score == 97.7 and result.verdict == "合格"
    assert dict(result.deductions) == {"首页失效链接 2 处（每处扣 1 分）": 2.0, "其他页面失效链接 3 处（每处扣 0.1 分）": 0.3}


def test_other_deductions_use_the_documented_defaults():
    findings = [f("missing_column", column="重大事项"), *blank(1), *stale(1, "notice"), *stale(2, "plan"),
                f("missing_interpretation"), f("missing_interpretation", "minor")]
    result = score(findings)
    points = dict(result.deductions)
    assert points["缺少必备栏目 1 项（每项扣 2 分）"] == 2.0
    assert points["空白栏目 1 项（每项扣 2 分）"] == 2.0
    assert points["通知公告/政策文件类栏目不更新 1 个（每个扣 5 分）"] == 5.0
    assert points["栏目不更新 2 项（每项扣 2 分）"] == 4.0
    assert points["政策文件无解读 1 份（每份扣 1 分）"] == 1.0
    assert points["政策文件与解读未互相链接 1 份（每份扣 0.5 分）"] == 0.5
    assert result.score == 85.5 and result.grade == "良好"


def test_interpretation_deductions_are_capped():
    result = score([f("missing_interpretation")] * 30 + [f("missing_interpretation", "minor")] * 4)
    assert sum(p for _, p in result.deductions) == 10.0 and result.score == 90.0


def test_grades_and_the_pass_line():
    assert score([f("missing_column")] * 7).grade == "良好"  # 86
    assert score([f("missing_column")] * 15).grade == "达标"  # 70
    assert score([f("missing_column")] * 5).score == 90.0 and score([f("missing_column")] * 5).grade == "优秀"
    assert score([f("missing_column")] * 10).grade == "良好"  # 80
    result = score([f("missing_column")] * 21)  # 58
    assert (result.score, result.verdict, result.grade) == (58.0, "不合格", "不合格") and result.vetoes == []


def test_score_never_goes_below_zero():
    assert score([f("dead_link", on_homepage=True)] * 150).score == 0.0


@pytest.mark.parametrize("finding, label", [
    (f("site_unreachable", "veto"), "站点无法访问"),
    (f("stale_homepage", "veto"), "首页不更新"),
    (f("my_veto_check", "veto"), "my_veto_check"),
])
def test_veto_findings_fail_the_site_and_nothing_else_is_scored(finding, label):
    result = score([finding, f("dead_link", on_homepage=True)])
    assert (result.score, result.verdict, result.grade, result.deductions) == (0.0, "不合格", "不合格", [])
    assert len(result.vetoes) == 1 and result.vetoes[0].startswith(label) and "单项否决" in result.vetoes[0]


def test_a_firewall_answer_is_not_a_veto():
    result = score([f("site_unreachable", "minor")])
    assert result.vetoes == [] and result.score == 100.0


def test_five_stale_key_columns_veto_four_do_not():
    assert score(stale(4)).vetoes == []
    result = score(stale(3) + stale(2, "notice"))
    assert result.score == 0.0 and len(result.vetoes) == 1 and "共 5 个" in result.vetoes[0]


def test_only_top_level_notice_columns_count_towards_the_key_line():
    result = score(stale(4) + stale(1, "notice", level=2))
    assert result.vetoes == [] and result.verdict == "合格"
    assert score(stale(4) + stale(1, "plan")).vetoes == []


def test_ten_stale_columns_of_any_kind_veto():
    assert score(stale(9, "plan")).vetoes == []
    result = score(stale(10, "plan"))
    assert len(result.vetoes) == 1 and "应更新而未更新的栏目共 10 个" in result.vetoes[0]


def test_five_blank_columns_veto():
    assert score(blank(4)).vetoes == []
    result = score(blank(5))
    assert result.verdict == "不合格" and "空白栏目共 5 个" in result.vetoes[0]


@pytest.mark.parametrize("n, warned", [(2, False), (3, True), (4, True), (5, False)])
def test_blank_column_warning_above_two(n, warned):
    warnings = score(blank(n)).warnings
    assert any("空白栏目已有" in w for w in warnings) == warned


@pytest.mark.parametrize("n, warned", [(6, False), (7, True), (9, True), (10, False)])
def test_stale_column_warning_above_six(n, warned):
    warnings = score(stale(n, "plan")).warnings
    assert any("未按时更新的栏目已有" in w for w in warnings) == warned


@pytest.mark.parametrize("age, warned", [(9, False), (10, True), (13, True), (14, False)])
def test_homepage_idle_warning_from_ten_days(age, warned):
    result = score([], site(age))
    assert any(w.startswith(f"首页已 {age} 天未更新") for w in result.warnings) == warned
    assert result.vetoes == []  # the veto itself comes from the stale_homepage finding


def test_warnings_are_kept_beside_a_veto():
    result = score([f("stale_homepage", "veto"), *blank(3)], site(20))
    assert result.vetoes and any("空白栏目已有 3 个" in w for w in result.warnings)


def test_settings_from_the_profile_and_the_audit_settings(tmp_path):
    path = tmp_path / "strict.yaml"
    path.write_text("columns:\n  - {name: 工作动态, type: news}\nscoring:\n  dead_link_other: 1.5\n"
                    "  grades: {优秀: 95, 合格: 60}\n  my_check: 3\n", encoding="utf-8")
    findings = [f("dead_link", on_homepage=False)] * 2 + [f("my_check")]
    result = score(findings, context=ctx(load_profile(str(path))))
    assert result.score == 94.0 and result.grade == "合格"  # the file's own grade names
    result = score(findings, context=ctx(load_profile(str(path)), PORTALWATCH_SCORE_DEAD_LINK_OTHER="2"))
    assert result.score == 93.0


def test_user_checks_do_not_move_the_score_by_default():
    assert score([f("my_check"), f("my_check", "minor")]).score == 100.0


@pytest.mark.parametrize("stat, words", [("cut_short", "时间限制"), ("max_pages_reached", "页面数上限")])
def test_a_crawl_that_did_not_see_the_whole_site_never_passes(stat, words):
    snapshot = site()
    snapshot.stats[stat] = 1
    result = score([], snapshot)
    assert result.score == 100 and result.verdict == result.grade == "待人工核实"
    assert any(words in line for line in result.pending)
    vetoed = score([f("stale_homepage", "veto")], snapshot)
    assert vetoed.verdict == "不合格"  # a veto seen is a veto, however much was unseen
