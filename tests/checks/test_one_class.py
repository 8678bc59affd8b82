"""A check is one class and one line of config: nothing outside checks/ knows a check id,
checks import no Scrapy, the config file's ``checks:`` key loads user checks or fails loudly,
and ignored findings stop counting in the score shown with the others."""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from check_helpers import ctx

from portalwatch.checks import registry
from portalwatch.checks.base import Finding
from portalwatch.checks.registry import CheckLoadError, check_class, enabled_checks, title_of
from portalwatch.checks.scoring import rescore, score_site

REPO = Path(__file__).resolve().parents[2]
IDS = ["site_unreachable", "dead_link", "missing_column", "empty_column", "stale_column", "stale_homepage",
       "missing_interpretation", "unanswered_message", "service_guide_incomplete", "privacy_exposure",
       "site_identity", "missing_annual_report", "content_error"]
# the demo portal names its planted defects by check, on purpose
EXEMPT = {"scheduler/demo.py"}


def code_without_comments_and_docstrings(source: str) -> str:
    """The code of a module: comments and docstrings dropped, every other string kept."""
    docstrings: set[tuple[int, int]] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                docstrings.add((first.lineno, first.col_offset))
    kept = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT or (tok.type == tokenize.STRING and tok.start in docstrings):
            continue
        kept.append(tok.string)
    return " ".join(kept)


def outside_checks() -> list[Path]:
    files = []
    for top in ("crawler", "reports", "scheduler", "portalwatch", "web"):
        for path in sorted((REPO / top).rglob("*")):
            rel = path.relative_to(REPO).as_posix()
            if rel in EXEMPT or "demo_site" in rel or not path.is_file():
                continue
            if path.suffix in (".py", ".j2", ".html", ".js"):
                files.append(path)
    return files


def test_no_module_outside_checks_names_a_check_id():
    pattern = re.compile(r"\b(" + "|".join(IDS) + r")\b")
    offenders = []
    for path in outside_checks():
        text = path.read_text(encoding="utf-8")
        code = code_without_comments_and_docstrings(text) if path.suffix == ".py" else text
        for m in pattern.finditer(code):
            offenders.append(f"{path.relative_to(REPO)}: {m.group(1)}")
    assert len(outside_checks()) > 20  # the walk found the layers
    assert offenders == []


def test_the_scan_sees_an_id_in_code_but_not_in_a_docstring():
    source = '"""About dead_link."""\n# stale_column here\nX = {"dead_link": 1}\n'
    code = code_without_comments_and_docstrings(source)
    assert "dead_link" in code and "About" not in code and "stale_column" not in code


def test_checks_import_neither_scrapy_nor_twisted():
    modules = sorted(f"portalwatch.checks.{p.stem}" for p in (REPO / "checks").glob("*.py") if p.stem != "__init__")
    assert "portalwatch.checks.dead_link" in modules and "portalwatch.checks.scoring" in modules
    script = ("import importlib, sys\n"
              f"for name in {modules!r}: importlib.import_module(name)\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"


# -- the registry and the config file ------------------------------------------------------

USER_CHECK = '''
from portalwatch.checks.base import Check


class HomepageTitle(Check):
    """检查内容：首页没有标题。

    示例：<title></title>。
    """

    id = "homepage_title"
    severity = "minor"
    title = "首页缺少标题"
    guidance = "请为首页设置标题。"
    message = "首页没有标题。"
    score_defaults = {"homepage_title_minor": 4.0}

    def run(self, site, ctx):
        if site.home is not None and not site.home.title:
            yield self.finding(url=site.home.url)
'''


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Write ``PORTALWATCH_CONFIG`` and a user check module importable from tmp_path."""
    (tmp_path / "mine.py").write_text(USER_CHECK, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    path = tmp_path / "portalwatch.yaml"

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("PORTALWATCH_CONFIG", str(path))
        return path

    return write


def test_a_config_line_adds_a_check_and_null_switches_one_off(config):
    config("PORTALWATCH_OFFICE: 某办\nchecks:\n  homepage_title: mine.HomepageTitle\n  dead_link: null\n")
    classes = enabled_checks()
    assert list(classes)[-1] == "homepage_title" and "dead_link" not in classes
    assert title_of("homepage_title") == "首页缺少标题"
    assert title_of("dead_link") == "失效链接"  # switched off, its stored findings keep their title
    assert title_of("gone_check") == "gone_check" and check_class("gone_check").severity == "major"


@pytest.mark.parametrize("line, words", [
    ("homepage_title: nowhere.Missing", "No module named 'nowhere'"),
    ("homepage_title: mine.NoSuchClass", "NoSuchClass"),
    ("homepage_title: mine.Check", "id 为“”"),
    ("homepage_title: json.dumps", "不是检查项类"),
    ("other_id: mine.HomepageTitle", "与配置的检查项编号 other_id 不一致"),
])
def test_a_check_that_cannot_be_loaded_is_one_line_naming_the_config_line(config, line, words):
    path = config(f"# 本单位的配置\nchecks:\n  {line}\n")
    with pytest.raises(CheckLoadError) as err:
        enabled_checks()
    message = str(err.value)
    assert f"配置文件 {path} 第 3 行 checks." in message and words in message and "\n" not in message
    assert err.value.exit_code == 2


def test_a_builtin_that_cannot_be_imported_is_an_error(monkeypatch):
    monkeypatch.setitem(registry.BUILTIN_CHECKS, "site_unreachable", "portalwatch.checks.gone.SiteUnreachable")
    with pytest.raises(CheckLoadError, match="内置检查项 site_unreachable 无法加载"):
        enabled_checks()


# -- scoring from stored findings ----------------------------------------------------------

def finding(check: str, severity: str = "major", **evidence) -> Finding:
    return Finding(check=check, severity=severity, url="http://zf.example.gov.cn/", message=f"{check} 问题",
                   column=evidence.pop("column", None), evidence=evidence)


def test_a_stored_run_scored_again_without_an_ignored_finding(tmp_path):
    from check_helpers import SiteBuilder, item, node

    b = SiteBuilder()
    b.nav(node("工作动态", "/gzdt/"))
    b.home.list_items = [item("首页最新的一条信息", 11, "/gzdt/1.html")]  # 11 days: the idle warning
    blank = [finding("empty_column", column=f"空白栏目{i}") for i in range(5)]
    found = [finding("dead_link", on_homepage=True), finding("missing_column", column="重大事项"), *blank]
    full = score_site(found, b.snapshot, ctx(PORTALWATCH_SCORE_MISSING_COLUMN="3"))
    assert full.verdict == "不合格" and any("空白栏目共 5 个" in v for v in full.vetoes)
    stored = json.loads(json.dumps(__import__("dataclasses").asdict(full)))  # as the summary keeps it
    same = rescore([f.to_dict() for f in found], stored)
    assert (same.score, same.vetoes, same.warnings) == (full.score, full.vetoes, full.warnings)
    # one blank column ignored: no veto any more, the warning about 4 blank columns, the site's own
    # idle warning kept from the audit, the audit's setting (3 points a missing column) kept too
    again = rescore([f.to_dict() for f in found[:-1]], stored)
    assert again.vetoes == [] and again.score == 100 - 1 - 3 - 4 * 2.0
    assert any(w.startswith("首页已 11 天未更新") for w in again.warnings)
    assert any("空白栏目已有 4 个" in w for w in again.warnings)
    assert rescore([], {"score": 90.0}) is None  # a run stored before the basis was kept
