"""Profiles: the built-in YAML files, user copies, clear errors, the column-type classifier."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portalwatch.checks import scoring
from portalwatch.checks.columns import normalise_name
from portalwatch.checks.profiles import COLUMN_TYPES, Profile, load_profile, profile_of

PROFILES = Path(__file__).resolve().parents[2] / "checks" / "profiles"
SEED_004 = ["乡镇概况", "机构职能", "法规文件", "决策信息", "行政权力", "财政信息", "重大事项", "社会服务", "工作动态"]
DEPARTMENT = ["政策文件", "政策解读", "意见征集", "建议提案办理", "权责清单", "财政预决算", "办事指南",
              "政府信息公开指南", "政府信息公开目录", "政府信息公开年报"]
COUNTY = ["概况信息", "机构职能", "负责人信息", "文件资料", "政务动态", "信息公开", "解读回应", "互动交流", "办事服务"]


@pytest.mark.parametrize("name, columns", [("township", SEED_004), ("department", DEPARTMENT), ("county", COUNTY)])
def test_builtin_profiles_list_the_required_columns(name, columns):
    profile = load_profile(name)
    assert isinstance(profile, Profile) and profile.name == name
    assert [c.name for c in profile.columns] == columns
    assert all(c.type in COLUMN_TYPES and c.synonyms for c in profile.columns)
    assert dict(profile.max_age_days) == {"news": 14, "notice": 180, "plan": 365, "static": None}


@pytest.mark.parametrize("name", ["township", "department", "county"])
def test_no_name_stands_for_two_columns_of_one_profile(name):
    owners: dict[str, str] = {}
    for column in load_profile(name).columns:
        for alias in column.names:
            key = normalise_name(alias)
            assert owners.setdefault(key, column.name) == column.name, f"{alias}: {owners[key]} / {column.name}"


def test_township_synonyms_from_the_issue():
    township = {c.name: c for c in load_profile("township").columns}
    assert "乡镇简介" in township["乡镇概况"].synonyms
    assert "机构设置" in township["机构职能"].synonyms
    assert "政策法规" in township["法规文件"].synonyms
    assert "预决算公开" in township["财政信息"].synonyms
    assert "新闻动态" in township["工作动态"].synonyms
    assert township["工作动态"].type == "news" and township["乡镇概况"].type == "static"
    assert township["法规文件"].type == "notice" and township["财政信息"].type == "plan"


def test_a_user_copy_of_a_profile_loads_from_its_path(tmp_path):
    data = yaml.safe_load((PROFILES / "township.yaml").read_text(encoding="utf-8"))
    data["name"] = "我的乡镇"
    data["max_age_days"] = {"news": 30}
    data["columns"].append({"name": "便民服务", "type": "static", "synonyms": ["办事服务"]})
    data["scoring"] = {"missing_column": 3}
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    profile = load_profile(str(path))
    assert profile.name == "我的乡镇" and profile.columns[-1].name == "便民服务"
    assert profile.max_age("news") == 30 and profile.max_age("notice") == 180  # merged over the defaults
    assert profile.scoring["missing_column"] == 3 and profile.scoring["dead_link_home"] == 1.0
    assert profile.classify("部门动态") == "news"  # classifier from the defaults
    assert profile.source == str(path)


def test_a_minimal_user_profile_needs_only_columns(tmp_path):
    path = tmp_path / "tiny.yml"
    path.write_text("columns:\n  - {name: 工作动态, type: news}\n", encoding="utf-8")
    profile = load_profile(str(path))
    assert profile.name == "tiny" and profile.columns[0].synonyms == ()
    assert profile.max_age("static") is None


@pytest.mark.parametrize("text, message", [
    ("columns: [", "不是有效的 YAML"),
    ("- a\n- b\n", "键值映射"),
    ("name: x\n", "缺少 columns"),
    ("columns:\n  - {name: 工作动态, type: weekly}\n", "类型“weekly”无效"),
    ("columns:\n  - {type: news}\n", "第 1 个栏目缺少 name"),
    ("columns:\n  - {name: 甲, type: news}\n  - {name: 甲, type: news}\n", "栏目重复"),
    ("columns:\n  - {name: 甲, type: news}\nmax_age_days: {news: -1}\n", "max_age_days.news"),
    ("columns:\n  - {name: 甲, type: news, synonyms: {a: 1}}\n", "synonyms"),
])
def test_bad_profile_files_fail_with_a_chinese_value_error(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_profile(str(path))


def test_unknown_names_and_missing_files():
    with pytest.raises(ValueError, match="未知的栏目配置“city”.*township、department、county"):
        load_profile("city")
    with pytest.raises(ValueError, match="找不到栏目配置文件"):
        load_profile("/no/such/profile.yaml")


def test_profile_of_accepts_a_profile_a_name_or_nothing():
    class Ctx:
        profile = None

    assert profile_of(Ctx()).name == "township"
    Ctx.profile = "county"
    assert profile_of(Ctx()).name == "county"
    Ctx.profile = load_profile("department")
    assert profile_of(Ctx()) is Ctx.profile


@pytest.mark.parametrize("name, kind", [
    ("部门动态", "news"), ("本地要闻", "news"), ("图片新闻", "news"), ("领导动态", "news"),
    ("通知公告", "notice"), ("公示公告", "notice"), ("规范性文件", "notice"), ("政策解读", "notice"),
    ("人事任免", "plan"), ("规划计划", "plan"), ("财政预决算", "plan"), ("政府信息公开年报", "plan"),
    ("机构职能", "static"), ("领导信息", "static"), ("镇情简介", "static"), ("政府信息公开指南", "static"),
    ("文件下载", "static"), ("政府信息公开目录", "static"),
    ("互动交流", None), ("专题专栏", None), ("政府信息公开", None), ("新闻发布会", None),
])
def test_classifier_types_columns_outside_the_profile(name, kind):
    assert load_profile("township").classify(name) == kind


def test_scoring_defaults_in_the_yaml_match_the_documented_constants():
    defaults = yaml.safe_load((PROFILES / "_defaults.yaml").read_text(encoding="utf-8"))
    assert defaults["scoring"] == scoring.DEFAULTS


def test_profiles_are_read_only_yet_picklable():
    import copy
    import pickle

    profile = load_profile("township")
    with pytest.raises(TypeError):
        profile.scoring["missing_column"] = 100  # shared by every check: nobody may change it
    assert pickle.loads(pickle.dumps(profile)) == profile and copy.deepcopy(profile) == profile
