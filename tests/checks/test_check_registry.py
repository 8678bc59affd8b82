"""The check registry: documented checks named in the contract; a crashing check harms no other."""

from __future__ import annotations

import re

import pytest
from check_helpers import SiteBuilder, ctx, item, node
from conftest import CONTRACT

from portalwatch.checks.base import Check
from portalwatch.checks.registry import BUILTIN_CHECKS, enabled_checks, run_checks

CONTENT_CHECKS = ["missing_column", "empty_column", "stale_column", "stale_homepage", "missing_interpretation"]


def contract_table() -> dict[str, str]:
    """``check id -> severity`` from the check identifier table of the contract."""
    text = CONTRACT.read_text(encoding="utf-8")
    sections = [part.split("\n## ", 1)[0] for part in re.split(r"^## (?:More )?[Cc]heck identifiers", text, flags=re.M)[1:]]
    return {m.group(1): m.group(2) for section in sections for m in re.finditer(
        r"^\|\s*`(\w+)`\s*\|.*\|\s*(veto|major|minor)\b[^|]*\|\s*$", section, re.M)}


def test_contract_table_is_read():
    table = contract_table()
    # every check id of the contract (both tables) is built in, and nothing else is
    assert set(BUILTIN_CHECKS) == set(table) and len(table) == 13


@pytest.mark.parametrize("check_id", sorted(BUILTIN_CHECKS))
def test_every_check_is_documented_and_named_in_the_contract(check_id):
    cls = enabled_checks()[check_id]
    assert issubclass(cls, Check) and cls.id == check_id
    assert cls.severity == contract_table()[check_id]
    doc = cls.doc()
    assert "检查内容" in doc and "示例" in doc, "the docstring is the Chinese documentation"
    assert not re.search(r"``|:(func|class|mod|meth):`|^\s*\.\. ", doc, re.M), "plain text, no reST markup"
    for text in (cls.message, cls.title, cls.guidance):
        assert re.search(r"[\u4e00-\u9fff]", text), "messages, titles and guidance are Chinese"
    module = __import__(cls.__module__, fromlist=["_"])
    assert module.__name__.rsplit(".", 1)[1] == check_id, "one module per check id"


def all_defects_site():
    b = SiteBuilder()
    b.nav(node("新闻中心", None, node("工作动态", "/gzdt/")), node("意见征集", "/yjzj/"),
          node("政府信息公开", "/zwgk/", node("政策文件", "/zcwj/")))
    b.home.list_items = [item("首页一条很旧的信息", 100, "/gzdt/1.html")]
    b.list_page("/gzdt/", [item("首页一条很旧的信息", 100, "/gzdt/1.html")])
    b.list_page("/yjzj/", [], placeholder="暂无信息", text_length=8)
    b.list_page("/zcwj/", [item("示范镇人民政府关于某某工作的实施意见", 100, "/zcwj/1.html")])
    b.article("/zcwj/1.html", "示范镇人民政府关于某某工作的实施意见", 100, doc_number="示范政发〔2026〕1号")
    return b.snapshot


def test_all_content_checks_run_from_the_registry():
    results = run_checks(all_defects_site(), ctx())
    assert results.errors == {}
    fired = {f.check for f in results.findings}
    assert set(CONTENT_CHECKS) <= fired


def test_a_crashing_user_check_does_not_stop_the_others():
    overrides = {"crashing": "user_checks.Crashing", "missing_site_id_code": "user_checks.MissingSiteIdCode"}
    results = run_checks(all_defects_site(), ctx(), overrides=overrides)
    assert "crashing" in results.errors and "bug in a user's check" in results.errors["crashing"]
    fired = {f.check for f in results.findings}
    assert "crashing" not in fired  # its half-made output is dropped
    assert {"missing_site_id_code", *CONTENT_CHECKS} <= fired


def test_a_check_can_be_switched_off():
    results = run_checks(all_defects_site(), ctx(), overrides={"stale_homepage": None})
    assert "stale_homepage" not in {f.check for f in results.findings}
