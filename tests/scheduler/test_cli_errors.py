"""What a new user meets at the command line: one error tree, one line per error, in Chinese.

In process (click's CliRunner) where no crawl is involved; in a subprocess, as a user runs it,
for the audits (one reactor per process) and the demo.
"""

from __future__ import annotations

import logging
import re
import shlex
import sqlite3

import click
import pytest
from click.testing import CliRunner
from conftest import FAST, RESOLVER, run_cli

from portalwatch.errors import IncompleteError, InputError, NotFoundError, PortalwatchError, UnknownSiteError
from portalwatch.scheduler.cli import main
from portalwatch.scheduler.cli_base import OneLineErrors

ENGLISH = re.compile(r"\b(Invalid|Missing|No such|Error|Usage|not one of|is not|does not|requires|Got unexpected)\b")


@pytest.fixture(autouse=True)
def _restore_logging():
    """In-process runs set up the root logger on CliRunner's stream: undo it after each test."""
    from portalwatch.scheduler import cli_base

    root = logging.getLogger()
    level = root.level
    yield
    if cli_base._handler is not None:
        root.removeHandler(cli_base._handler)
        cli_base._handler = None
    root.setLevel(level)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误："), lines[0]
    assert not ENGLISH.search(lines[0]), lines[0]
    return lines[0]


# -- the tree ---------------------------------------------------------------------------

def test_every_error_class_derives_from_the_one_root_with_its_statuses():
    from portalwatch.checks.profiles import ProfileError
    from portalwatch.checks.registry import CheckLoadError
    from portalwatch.crawler.render_handler import RenderError
    from portalwatch.reports.mail import DeliveryError, MailError
    from portalwatch.reports.notice import NoticeError, UnknownNoticeSite
    from portalwatch.scheduler.audit import AuditError
    from portalwatch.scheduler.registry import SiteError
    from portalwatch.scheduler.setting_check import SettingError

    expected = {  # class: (exit code, HTTP status)
        AuditError: (2, 422), ProfileError: (2, 422), SiteError: (2, 422), SettingError: (2, 400),
        NoticeError: (2, 409), UnknownNoticeSite: (2, 404), UnknownSiteError: (2, 404), NotFoundError: (2, 404),
        MailError: (2, 503), DeliveryError: (1, 502), IncompleteError: (1, 500), RenderError: (1, 502),
        InputError: (2, 400), CheckLoadError: (2, 500),
    }
    for cls, (code, status) in expected.items():
        assert issubclass(cls, PortalwatchError), cls
        assert (cls.exit_code, cls.http_status) == (code, status), cls
    for cls in (ProfileError, SiteError, SettingError):  # callers catch ValueError
        assert issubclass(cls, ValueError), cls
    assert issubclass(UnknownNoticeSite, NoticeError) and issubclass(UnknownNoticeSite, UnknownSiteError)
    assert issubclass(DeliveryError, MailError)
    from portalwatch.scheduler import service  # both front ends' errors: bad input, not found, no such site
    expected |= {service.ServiceError: (2, 400), service.NotFound: (2, 404), service.NoSuchSite: (2, 404),
                 service.NothingToNotify: (2, 400), service.TargetRefused: (2, 400), service.MailFailed: (1, 502)}
    assert issubclass(service.ServiceError, InputError) and issubclass(service.NotFound, NotFoundError)
    assert issubclass(service.NoSuchSite, UnknownSiteError)
    import portalwatch.errors as errors
    for cls in expected:  # the tree is drawn, every class in it
        assert cls.__name__ in errors.__doc__, cls


def test_a_portalwatch_error_ends_once_with_its_own_exit_code_and_one_line():
    @click.group(cls=OneLineErrors)
    def group() -> None:
        pass

    @group.command()
    @click.argument("kind")
    def boom(kind: str) -> None:
        raise {"site": UnknownSiteError("某镇"), "delivery": IncompleteError("没有\n完成"),
               "custom": PortalwatchError("自定义", exit_code=4)}[kind]

    runner = CliRunner()
    for kind, code in (("site", 2), ("delivery", 1), ("custom", 4)):
        result = runner.invoke(group, ["boom", kind])
        assert result.exit_code == code, (kind, result.output)
        one_error_line(result)
    assert "没有 完成" in runner.invoke(group, ["boom", "delivery"]).stderr


# -- Click's own messages -----------------------------------------------------------------

@pytest.mark.parametrize("args,names", [
    (["audit"], ["URL", "缺少"]),
    (["audit", "http://127.0.0.1:9/", "--bogus"], ["--bogus"]),
    (["audit", "http://127.0.0.1:9/", "--max-pages", "0"], ["--max-pages", "0"]),
    (["audit", "http://127.0.0.1:9/", "--render", "sometimes"], ["--render", "sometimes", "auto"]),
    (["audit", "http://127.0.0.1:9/", "--concurrency", "many"], ["--concurrency", "many"]),
    (["audit", "http://127.0.0.1:9/", "--db"], ["--db"]),
    (["audit", "http://127.0.0.1:9/", "extra"], ["extra"]),
    (["findings", "某镇", "--format", "xml"], ["--format", "xml"]),
    (["no-such-command"], ["no-such-command"]),
    (["sites", "frobnicate"], ["frobnicate"]),
])
def test_usage_errors_are_chinese_and_name_the_option(tmp_path, args, names):
    result = invoke(*args, *(["--db", str(tmp_path / "x.db")] if args[0] == "findings" else []))
    assert result.exit_code == 2, result.output
    line = one_error_line(result)
    for name in names:
        assert name in line, (name, line)
    assert not (tmp_path / "x.db").exists()


def test_a_date_that_does_not_exist_says_so(tmp_path):
    db = ["--db", str(tmp_path / "x.db")]
    for args, words in ((["audit", "http://127.0.0.1:9/", "--as-of", "2026-13-45"], ["日期不存在", "--as-of", "月份"]),
                        (["audit", "http://127.0.0.1:9/", "--as-of", "2026-02-30"], ["日期不存在", "28 天"]),
                        (["run", "--all", "--as-of", "2025-02-29"], ["日期不存在", "--as-of"]),
                        (["notice", "某镇", "--date", "2026-04-31"], ["日期不存在", "--date", "30 天"]),
                        (["audit", "http://127.0.0.1:9/", "--as-of", "yesterday"], ["YYYY-MM-DD", "--as-of"])):
        result = invoke(*args, *db)
        assert result.exit_code == 2, (args, result.output)
        line = one_error_line(result)
        assert all(w in line for w in words), (args, line)
        if "yesterday" in args:
            assert "日期不存在" not in line
    assert not (tmp_path / "x.db").exists()


def test_help_is_chinese():
    result = invoke("audit", "--help")
    assert result.exit_code == 0
    assert "用法" in result.output and "选项" in result.output and "显示本帮助并退出" in result.output
    assert "Usage:" not in result.output and "Show this message" not in result.output


# -- -v after the subcommand ----------------------------------------------------------------

def test_verbose_is_accepted_after_the_subcommand_too(tmp_path):
    db = ["--db", str(tmp_path / "x.db")]
    root = logging.getLogger()
    for args, level in ((["status", *db], logging.WARNING), (["status", *db, "-v"], logging.INFO),
                        (["-v", "status", *db], logging.INFO), (["status", "-vv", *db], logging.DEBUG),
                        (["-v", "status", *db, "-v"], logging.DEBUG), (["sites", "list", *db, "--verbose"], logging.INFO)):
        result = invoke(*args)
        assert result.exit_code == 0, (args, result.output)
        assert root.level == level, args
    result = invoke("audit", "ftp://example.gov.cn/", "-v", *db)  # -v parsed; the URL is what is wrong
    assert result.exit_code == 2 and "只支持 http 和 https" in one_error_line(result)
    assert "-v, --verbose" in invoke("findings", "--help").output


# -- unknown sites ----------------------------------------------------------------------

def test_every_command_taking_a_site_name_says_there_is_no_such_site(tmp_path):
    db = ["--db", str(tmp_path / "x.db")]
    assert invoke("sites", "add", "某某镇", "http://zhen.example.gov.cn/", *db).exit_code == 0
    for args in (["findings", "不存在"], ["notice", "不存在"], ["notices", "不存在"], ["recheck", "不存在"],
                 ["sites", "remove", "不存在"], ["run", "--site", "不存在"], ["notice", "不存在", "--send"]):
        result = invoke(*args, *db)
        assert result.exit_code == 2, (args, result.output)
        assert "没有名为“不存在”的登记网站" in one_error_line(result), args
    result = invoke("ignore", "0123456789abcdef", "--reason", "误报", *db)
    assert result.exit_code == 2 and "找不到编号为 0123456789abcdef" in one_error_line(result)
    ok = invoke("notices", "某某镇", *db)  # a registered site without notices is no error
    assert ok.exit_code == 0 and "还没有整改通知" in ok.output


# -- unreachable sites ----------------------------------------------------------------------

def test_an_unreachable_site_is_one_line_not_a_traceback(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = ["--db", str(tmp_path / "u.db")]
    refused = run_cli("audit", f"http://127.0.0.1:{port}/", *db, *FAST)
    dns = run_cli("audit", "http://no-such-portal.test/", "--format", "json", *db, *FAST, *RESOLVER)
    for result, reason in ((refused, "连接被拒绝"), (dns, "域名无法解析")):
        assert result.code == 3, result.stderr
        assert "Traceback" not in result.stderr and "twisted" not in result.stderr.lower()
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("网站无法访问：") and reason in lines[0], result.stderr
    assert "站点无法访问" in refused.stdout or "网站无法访问" in refused.stdout  # the summary still says it
    assert dns.doc["findings"][0]["evidence"]["reason"] == "dns"
    debug = run_cli("-vv", "audit", f"http://127.0.0.1:{port}/", *db, *FAST)  # the detail is one flag away
    assert debug.code == 3 and "Traceback" in debug.stderr


# -- the demo -------------------------------------------------------------------------------

def test_demo_keeps_its_database_where_it_says_and_the_next_commands_work(tmp_path):
    db = tmp_path / "演示 数据.db"  # a space and Chinese: the commands shown must quote it
    demo = run_cli("demo", "--db", str(db), "--as-of", "2026-11-20", timeout=300)
    assert demo.code == 0, demo.stderr
    assert str(db) in demo.stderr and db.exists() and not (tmp_path / "portalwatch.db").exists()
    shown = [line.strip() for line in demo.stderr.splitlines() if line.strip().startswith("portalwatch ")]
    assert any(c.startswith("portalwatch findings 示范镇") for c in shown), demo.stderr
    assert any(c.startswith("portalwatch notice 示范镇") for c in shown), demo.stderr
    for command in shown:
        argv = shlex.split(command)[1:]
        if argv[0] == "notice":
            argv = [a if a != "示范镇整改通知.html" else str(tmp_path / a) for a in argv]
        result = run_cli(*argv)
        assert result.code == 0, (command, result.stderr)
        if argv[0] == "findings":
            assert "示范镇：问题" in result.stdout and "失效链接" in result.stdout
        if argv[0] == "notice":
            assert (tmp_path / "示范镇整改通知.html").exists() and "示范镇人民政府" in result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("select enabled from sites where name = '示范镇'").fetchone() == (0,)
    nightly = run_cli("run", "--all", "--db", str(db))  # the demo site is never audited at night
    assert nightly.code == 2 and "没有启用的登记网站" in nightly.stderr
