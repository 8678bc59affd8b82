"""The ``portalwatch`` command line (see docs/contract.md for the outside contract).

Exit statuses of ``audit``: 0 audit complete (findings or not); 2 bad arguments, unusable
URL, ``--set`` value or ``--db`` (one-line error, nothing written); 3 site unreachable (the
finding is stored); 1 the audit did not finish: interrupted or failed (the run is kept,
unscored), or cut short by ``--time-limit`` (what was seen is stored and printed, the run is
marked ``cut_short``, never complete). The run states are decided in scheduler/runstate.py.
Every other command's exit status, and the one place errors become them: ``cli_base.py``.

This module defines the ``portalwatch`` group and the audit/demo/checks commands, and at its
end adds every other module's commands with ``main.add_command`` (a new command module lists
its commands there; it imports ``cli_base``, never this module).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from portalwatch import __version__
from portalwatch.reports.safetext import dumps, echo
from portalwatch.scheduler import doctor, monitor_cli, notice_cli, web_cli, workers
from portalwatch.scheduler.cli_base import (  # noqa: F401 - re-exported for older importers
    DATE, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, Duration, OneLineErrors, check_db, db_option,
    default_db, fail, parse_as_of, parse_settings, setup_logging)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="portalwatch")
@click.option("-v", "--verbose", count=True, help="输出更多日志（-vv 为调试日志）；放在子命令前后均可")
def main(verbose: int) -> None:
    """portalwatch：政府网站合规检查与监测工具。"""
    setup_logging(verbose)


@main.command()
@click.argument("url")
@click.option("--profile", default="township", show_default=True,
              help="必备栏目配置：township、department、county，或配置文件路径")
@db_option
@click.option("--max-pages", type=click.IntRange(1), default=5000, show_default=True, help="最多抓取的页面数")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--as-of", "as_of", type=DATE, default=None, help="判断更新是否及时的基准日期 YYYY-MM-DD（默认今天）")
@click.option("--render", type=click.Choice(["auto", "never", "always"]), default="auto", show_default=True,
              help="何时用无头浏览器渲染页面")
@click.option("--concurrency", type=click.IntRange(1, 256), default=4, show_default=True,
              help="对同一主机同时发出的最多请求数")
@click.option("--delay", type=click.FloatRange(0), default=0.25, show_default=True,
              help="对同一主机两次请求的最短间隔（秒），其上保持自适应限速")
@click.option("--timeout", type=click.FloatRange(0.1), default=15.0, show_default=True,
              help="单个请求的超时（秒），国家规定为 15 秒")
@click.option("--ignore-robots", is_flag=True, help="不遵守 robots.txt（检查公开网站时可用）")
@click.option("--scope", type=click.Choice(["auto", "host", "path"]), default="auto", show_default=True,
              help="网站范围：host 整个主机；path 仅起始网址所在目录；auto 起始网址不在根目录时按 path")
@click.option("--no-progress", is_flag=True, help="不显示进度")
@click.option("--set", "raw_settings", multiple=True, metavar="KEY=VALUE",
              help="高级：覆盖爬虫设置（Scrapy 或 PORTALWATCH_* 设置），可重复")
@click.option("--time-limit", type=Duration(), default=None, show_default="14400",
              help="抓取的最长时间（秒，或 90s、30m、4h）；超时即停止，已检查的结果照常保存，但本次运行记为未完成（cut_short）")
@click.option("--site-name", default=None, hidden=True, help="已登记网站的名称（由监测程序传入）")
@click.option("--incremental/--full", "incremental", default=False,
              help="增量检查：未变化的页面沿用上次完整检查的结果（每 PORTALWATCH_FULL_EVERY 次仍做一次全面检查）[默认全面检查]")
@click.option("--state-in", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="PORTALWATCH_STATE_IN", help="增量检查的上次状态文件（不读数据库中的状态）")
@click.option("--state-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="PORTALWATCH_STATE_OUT", help="检查完整时把本次状态写入该文件（不写入数据库）")
def audit(url: str, profile: str, db: Path, max_pages: int, fmt: str, as_of: str | None, render: str,
          concurrency: int, delay: float, timeout: float, ignore_robots: bool, scope: str, no_progress: bool,
          raw_settings: tuple[str, ...], time_limit: float | None = None, site_name: str | None = None,
          incremental: bool = False, state_in: Path | None = None, state_out: Path | None = None) -> None:
    """检查一个网站：抓取、检查、记录并输出结果。"""
    from portalwatch.reports.summary import print_summary
    from portalwatch.scheduler.audit import AuditOptions, run_audit
    from portalwatch.scheduler.runstate import ignore_signals

    opts = AuditOptions(url=url, db=db, profile=profile, max_pages=max_pages, as_of=parse_as_of(as_of),
                        render=render, concurrency=concurrency, delay=delay, timeout=timeout,
                        ignore_robots=ignore_robots, scope=scope, progress=not no_progress,
                        settings=parse_settings(raw_settings), site_name=site_name,
                        mode="incremental" if incremental else "full", state_in=state_in, state_out=state_out)
    if time_limit is not None:
        opts.time_limit = time_limit
    try:
        result = run_audit(opts)  # AuditError: one line, exit 2 (cli_base)
    except KeyboardInterrupt:
        ignore_signals()
        fail("审计被中断，已保存的数据保持完整，本次运行标记为未完成。", EXIT_INTERRUPTED)
        return
    ignore_signals()  # the run is stored: a late signal must not turn exit 1 into death by signal
    if fmt == "json":
        echo(dumps(result.document, indent=2))
    else:
        print_summary(result.document)
    reason = " ".join(str((result.document.get("coverage") or {}).get("reason") or "").split())
    if result.status == "cut_short":
        note = (f"审计超过时间限制（{opts.time_limit:g} 秒）提前结束（运行编号 {result.run_id}）：结果只涵盖已抓取的部分，"
                "本次运行标记为未完成（cut_short），不能视为完整检查。")
        if fmt == "text":
            echo(note)
        fail(note, EXIT_INTERRUPTED)
    if result.status == "interrupted":
        fail(f"审计被中断（运行编号 {result.run_id}）：{reason}。本次运行标记为未完成，不评分。", EXIT_INTERRUPTED)
    if result.status not in ("complete", "unreachable"):
        fail(f"审计失败（运行编号 {result.run_id}）：{reason}。本次运行不评分。", EXIT_INTERRUPTED)
    if result.status == "unreachable":  # one line on stderr, whatever the format: the reason, not a traceback
        # the homepage was not read, so the one veto finding is the unreachability (its check owns the id)
        found = next((f for f in result.document.get("findings") or [] if f.get("severity") == "veto"), {})
        why = (found.get("evidence") or {}).get("reason_text") or reason or "原因不明"
        echo(f"网站无法访问：{why}（{found.get('url') or url}）；已记录单项否决，运行编号 {result.run_id}。", err=True)
        sys.exit(EXIT_UNREACHABLE)
    sys.exit(EXIT_OK)


@main.command()
@click.option("--db", "db", type=click.Path(path_type=Path), default=Path("portalwatch-demo.db"), callback=check_db,
              show_default=True, help="演示用的 SQLite 数据库文件（与正式数据库分开）")
@click.option("--as-of", "as_of", type=DATE, default=None, help="演示网站的日期基准（默认今天）")
def demo(db: Path, as_of: str | None) -> None:
    """在本机启动内置的示例乡镇网站并检查它（无需联网）。

    示例网站登记为“示范镇”（停用，夜间检查不会检查它），结果记入问题历史，
    结束时列出可在同一数据库上继续的命令（findings、notice、status）。
    """
    from portalwatch.scheduler.demo import run_demo

    sys.exit(run_demo(parse_as_of(as_of), db, []))


@main.command("checks")
def list_checks() -> None:
    """列出本次检查会运行的所有检查项（含配置文件 checks: 中的自定义检查项）及其说明。"""
    from portalwatch.checks.base import SEVERITY_TITLES
    from portalwatch.checks.registry import CheckLoadError, enabled_checks

    try:
        classes = enabled_checks()
    except CheckLoadError as exc:
        fail(str(exc))
        return
    for check_id, cls in classes.items():
        echo(f"{check_id}  {cls.display_title()}  [{SEVERITY_TITLES.get(cls.severity, cls.severity)}]")
        for line in cls.doc().splitlines():
            echo(f"    {line.strip()}" if line.strip() else "")
        echo()


# Every command, registered here and nowhere else (the command modules import cli_base, not this module).
for _command in (*monitor_cli.COMMANDS, *notice_cli.COMMANDS, workers.worker_cmd, workers.collect_cmd,
                 web_cli.users, web_cli.serve):
    main.add_command(_command)
doctor.register(main)
