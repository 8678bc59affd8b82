"""Monitoring commands: ``sites``, ``run``, ``status``, ``findings``, ``ignore``, ``schedule``.

Plain Click commands, listed in ``COMMANDS``; ``cli.py`` adds them to the ``portalwatch``
group. Exit statuses: 0 done; 1 some audits did not complete, or some registry rows
were rejected (the good ones are imported); 2 bad arguments (unknown site, unusable file).

Each command parses its arguments, calls scheduler/service.py (the functions the web calls
too) and formats the answer; none opens a store. What stays here is the command line's own:
the foreground run (its progress lines, Ctrl-C, ``--broker``) and the ``schedule`` daemon.
"""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from pathlib import Path

import click

from portalwatch.reports.safetext import dumps, echo

from portalwatch.scheduler import service
from portalwatch.scheduler.cli_base import DATE, EXIT_INTERRUPTED, EXIT_OK, db_option, fail, parse_as_of

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
AUDIT_ARGS = click.option("--audit-args", default=None, hidden=True, envvar="PORTALWATCH_AUDIT_ARGS",
                          help="传给每次 portalwatch audit 的附加参数（测试与调优用）")
TIME_LIMIT = click.option("--time-limit", type=click.FloatRange(1), default=None,
                          help="单个网站检查的最长时间（秒），超时终止并记为中断 [默认 14400]")
SEND_NOTICES = click.option("--send-notices", is_flag=True,
                            help="检查完成后，对出现未通知过的单项否决或严重问题的网站自动发送整改通知（同一问题只通知一次）")


def _check_mail(send: bool) -> None:
    """Fail before any audit when notices are to be mailed but SMTP or the issuing office is not configured."""
    if send:
        from portalwatch.reports.mail import SmtpSettings
        from portalwatch.reports.notice import NoticeConfig, is_placeholder_office

        SmtpSettings.from_env()  # MailError: one line, exit 2
        office = NoticeConfig.from_env().office
        if is_placeholder_office(office):
            fail(f"--send-notices 被拒绝：发文机关仍是占位名称“{office}”，请把 PORTALWATCH_OFFICE"
                 "（环境变量或配置文件）设为本单位名称")


def _send_notices(db: Path, run_ids: list[int]) -> list:
    """Auto-send after ``run``: one line per site that got (or failed to get) a notice."""
    try:
        results = service.auto_send(db, run_ids)
    except service.MailFailed as exc:
        echo(f"整改通知未发送：{exc}", err=True)
        return []
    for r in results:
        if r.action == "sent":
            echo(f"已发送整改通知：{r.site} {r.number}", err=True)
        elif r.action == "failed":
            echo(f"整改通知发送失败：{r.site} {r.number or ''} {r.detail}", err=True)
    return results


def _echo_json(value: object) -> None:
    echo(dumps(value, indent=2, default=str))


# -- sites ------------------------------------------------------------------------------

@click.group("sites")
def sites() -> None:
    """管理监测网站登记（添加、导入、列出、删除）。"""


@sites.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--profile", default=None, help="必备栏目配置：township、department、county 或配置文件 [默认 township]")
@click.option("--unit", default=None, help="主办单位")
@click.option("--region", default=None, help="所属地区")
@click.option("--contact", default=None, help="网站负责人姓名")
@click.option("--email", "emails", multiple=True, help="联系邮箱（最多 3 个，可重复）")
@click.option("--enable/--disable", "enabled", default=None, help="启用或停用监测 [新网站默认启用]")
@click.option("--max-pages", type=int, default=None, help="最多抓取的页面数")
@click.option("--render", type=click.Choice(["auto", "never", "always"]), default=None, help="渲染方式")
@click.option("--concurrency", type=int, default=None, help="对该网站同时发出的最多请求数")
@click.option("--delay", type=float, default=None, help="两次请求的最短间隔（秒）")
@click.option("--schedule", default=None, help="该网站的检查计划（cron：分 时 日 月 周），默认全局计划")
@click.option("--time-limit", type=int, default=None, help="该网站单次检查的最长时间（秒）")
@click.option("--scope", type=click.Choice(["host", "path"]), default=None,
              help="网站范围：host 整个主机，path 仅网址所在目录 [默认：网址不在根目录时为 path]")
@db_option
def sites_add(name: str, url: str, db: Path, emails: tuple[str, ...], enabled: bool | None, **opts: object) -> None:
    """登记一个网站；名称已存在时更新其信息（只改动给出的项）。"""
    done = service.save_site(db, {**opts, "name": name, "url": url, "emails": list(emails) or None,
                                  "enabled": enabled})  # ServiceError (bad row): one line, exit 2
    word = service.SAVE_ACTIONS[done["action"]]
    echo(f"{word}：{done['site']['name']}  {done['site']['url']}")


@sites.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
def sites_import(file: Path, db: Path) -> None:
    """从 CSV 或 YAML 文件批量登记网站（字段 name,url,profile,unit,emails，可选 region,contact,enabled）。

    逐行校验：有错误的行按行号报告，其余行照常导入；重复导入只更新，不会重复登记。
    """
    done = service.import_registry(db, file)  # ServiceError (unusable file): one line, exit 2
    for e in done["errors"]:
        echo(f"第 {e['line']} 行：{e['reason']}", err=True)
    echo(f"导入完成：新增 {done['added']} 个，更新 {done['updated']} 个，未变化 {done['unchanged']} 个，"
         f"出错 {len(done['errors'])} 行。")
    sys.exit(EXIT_INTERRUPTED if done["errors"] else EXIT_OK)


@sites.command("list")
@FORMAT
@db_option
def sites_list(fmt: str, db: Path) -> None:
    """列出已登记的网站。"""
    from portalwatch.reports.overview import print_sites

    rows = service.sites_registry(db)
    _echo_json(rows) if fmt == "json" else print_sites(rows)


@sites.command("remove")
@click.argument("name")
@db_option
def sites_remove(name: str, db: Path) -> None:
    """删除一个网站的登记（其检查记录和问题历史保留）。"""
    service.remove_site(db, name)
    echo(f"已删除登记：{name}（历史记录保留）")


# -- run, status, findings, ignore ------------------------------------------------------

@click.command("run")
@click.option("--site", "names", multiple=True, help="要检查的登记网站名称（可重复）")
@click.option("--all", "all_sites", is_flag=True, help="检查所有启用的登记网站")
@click.option("--as-of", "as_of", type=DATE, default=None, help="判断更新是否及时的基准日期 YYYY-MM-DD（默认今天）")
@click.option("--jobs", type=click.IntRange(1, 256), default=None, help="同时检查的网站数 [默认 CPU 核数]")
@click.option("--full", is_flag=True, help="全面检查（默认增量：未变化的页面沿用上次结果，每 PORTALWATCH_FULL_EVERY 次全面检查一次）")
@TIME_LIMIT
@SEND_NOTICES
@AUDIT_ARGS
@FORMAT
@db_option
@click.option("--broker", envvar="PORTALWATCH_BROKER", default=None,
              help="消息队列地址 redis://主机:6379/0：把检查派给工作机（portalwatch worker），结果存入本机数据库")
def run_cmd(names: tuple[str, ...], all_sites: bool, as_of: str | None, jobs: int | None, time_limit: float | None,
            send_notices: bool, audit_args: str | None, fmt: str, db: Path, broker: str | None = None,
            full: bool = False) -> None:
    """立即检查登记网站（并行、前台运行），并更新问题历史；全部完成时退出码为 0。"""
    from portalwatch.scheduler.monitor import DEFAULT_TIME_LIMIT, RunConfig, audit_sites, default_jobs

    if bool(names) == all_sites:
        fail("请指定 --site NAME 或 --all（二者选一）")
    chosen = service.run_targets(db, names, all_enabled=all_sites)
    _check_mail(send_notices)
    cfg = RunConfig(db=db, as_of=parse_as_of(as_of) if as_of else None,
                    time_limit=time_limit or DEFAULT_TIME_LIMIT, audit_args=shlex.split(audit_args or ""),
                    mode="full" if full else "incremental")
    jobs = jobs or default_jobs()
    cfg.parallel = min(jobs, len(chosen))
    if broker:  # scheduler/workers.py: queued for the workers, stored here
        from portalwatch.scheduler.workers import broker_problem, run_remote

        problem = broker_problem(broker)
        if problem:
            fail(problem)
        audit_sites = lambda sites, cfg, jobs, on_done: run_remote(sites, cfg, broker, on_done)  # noqa: E731
    echo(f"开始检查 {len(chosen)} 个网站，" + ("已派给工作机……" if broker else f"同时 {min(jobs, len(chosen))} 个……"), err=True)

    def progress(o) -> None:
        echo(f"  {o.site}：{_outcome_text(o)}（{o.elapsed:g} 秒）", err=True)

    try:
        outcomes = audit_sites(chosen, cfg, jobs, on_done=progress)
    except KeyboardInterrupt:
        fail("检查被中断，正在运行的检查已标记为未完成。", EXIT_INTERRUPTED)
        return
    bad = [o for o in outcomes if not o.completed]
    if send_notices:
        _send_notices(db, [o.run_id for o in outcomes if o.completed and o.run_id])
    if fmt == "json":
        _echo_json([o.to_dict() for o in outcomes])
    else:
        echo(f"检查结束：{len(outcomes) - len(bad)} 个完成，{len(bad)} 个未完成。")
    for o in bad:
        echo(f"未完成：{o.site}（{_outcome_text(o)}）{o.detail}", err=True)
    sys.exit(EXIT_INTERRUPTED if bad else EXIT_OK)


def _outcome_text(o) -> str:
    from portalwatch.reports.overview import RUN_STATUS_NAMES

    text = RUN_STATUS_NAMES.get(o.status, o.status)
    if o.run_id:
        text += f"，运行编号 {o.run_id}"
    if o.changes and o.completed:
        c = o.changes
        text += f"，新增 {c['new']}，整改 {c['resolved']}，重现 {c['reopened']}"
    return text


@click.command("status")
@FORMAT
@db_option
def status_cmd(fmt: str, db: Path) -> None:
    """所有登记网站的概况：最近检查、结论、得分、未整改问题、较上次变化、可用性。"""
    from portalwatch.reports.overview import print_overview

    rows = service.overview(db)
    _echo_json(rows) if fmt == "json" else print_overview(rows)


@click.command("findings")
@click.argument("name")
@click.option("--status", "statuses", default=None, help="只列出这些状态（逗号分隔）：new,open,resolved,reopened,ignored")
@FORMAT
@db_option
def findings_cmd(name: str, statuses: str | None, fmt: str, db: Path) -> None:
    """列出一个登记网站的问题及其状态、首次和最近发现时间。"""
    from portalwatch.reports.overview import findings_json, print_findings

    rows = service.tracked_findings(db, name, (statuses or "").split(","))
    _echo_json(findings_json(rows)) if fmt == "json" else print_findings(name, rows)


@click.command("ignore")
@click.argument("finding_id")
@click.option("--reason", required=True, help="忽略原因（误报或已接受）")
@db_option
def ignore_cmd(finding_id: str, reason: str, db: Path) -> None:
    """将一个问题标记为已忽略（误报或可接受），以后的检查中保持忽略。"""
    done = service.ignore_finding(db, finding_id, reason)
    echo(f"已忽略：{done['site']} {done['message']}（编号 {done['id']}）")


# -- the daemon -------------------------------------------------------------------------

@click.command("schedule")
@click.option("--jobs", type=click.IntRange(1, 256), default=None, help="同时检查的网站数 [默认 CPU 核数]")
@click.option("--cron", default=None, envvar="PORTALWATCH_SCHEDULE",
              help="全局检查计划（cron：分 时 日 月 周；6 段时首段为秒）[默认 0 1 * * *，即每天 01:00]")
@TIME_LIMIT
@click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True, help="未完成的检查当晚重试次数")
@click.option("--retry-delay", type=click.FloatRange(1), default=1800, show_default=True, help="重试间隔（秒）")
@click.option("--misfire-grace", type=click.FloatRange(1), default=6 * 3600, show_default=True,
              help="停机错过的检查在重启后多久内补做（秒）")
@click.option("--probe-interval", type=click.FloatRange(1), default=3600, show_default=True,
              help="可用性监测间隔（秒），默认每站每天 24 次")
@click.option("--as-of", "as_of", type=DATE, default=None, hidden=True)
@SEND_NOTICES
@AUDIT_ARGS
@db_option
@click.option("--broker", envvar="PORTALWATCH_BROKER", default=None,
              help="消息队列地址 redis://主机:6379/0：夜间检查派给工作机（portalwatch worker），结果存入本机数据库")
def schedule_cmd(jobs: int | None, cron: str | None, time_limit: float | None, retries: int, retry_delay: float,
                 misfire_grace: float, probe_interval: float, as_of: str | None, send_notices: bool,
                 audit_args: str | None, db: Path, broker: str | None = None) -> None:
    """常驻监测进程：每晚按计划检查所有启用的网站，并定时监测首页可用性（SIGTERM 安全退出）。"""
    from portalwatch.scheduler.daemon import DEFAULT_CRON, DaemonConfig, parse_cron, serve
    from portalwatch.scheduler.monitor import DEFAULT_TIME_LIMIT, default_jobs

    try:
        parse_cron(cron or DEFAULT_CRON)
    except ValueError as exc:
        fail(str(exc))
    _check_mail(send_notices)
    cfg = DaemonConfig(db=db, jobs=jobs or default_jobs(), cron=cron or DEFAULT_CRON,
                       time_limit=time_limit or DEFAULT_TIME_LIMIT, retries=retries, retry_delay=retry_delay,
                       misfire_grace=misfire_grace, probe_interval=probe_interval,
                       as_of=parse_as_of(as_of) if as_of else None, audit_args=shlex.split(audit_args or ""), send_notices=send_notices,
                       broker=broker or None)
    if broker:
        from portalwatch.scheduler.workers import broker_problem

        problem = broker_problem(broker)
        if problem:
            fail(problem)
    if 86400 / probe_interval < 20:
        echo(f"注意：可用性监测每天约 {86400 / probe_interval:.0f} 次，少于国家指标要求的每天 20 次。", err=True)
    echo(f"监测进程已启动（{dt.datetime.now():%Y-%m-%d %H:%M}），计划：{cfg.cron}，同时检查 {cfg.jobs} 个网站。"
               "按 Ctrl-C 或发送 SIGTERM 退出。", err=True)
    try:
        code = serve(cfg)
    except RuntimeError as exc:
        fail(str(exc))
        return
    echo("监测进程已退出。", err=True)
    sys.exit(code)


COMMANDS = (sites, run_cmd, status_cmd, findings_cmd, ignore_cmd, schedule_cmd)

