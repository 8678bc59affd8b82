"""Notice commands: ``notice``, ``recheck`` and ``notices`` (the history).

Plain Click commands, listed in ``COMMANDS``; ``cli.py`` adds them to the ``portalwatch``
group. Exit statuses: 0 done (also when there is nothing to notify); 1 the e-mail
was not accepted, or the re-check audit did not finish; 2 bad arguments (unknown site,
no notice to re-check, mail not configured).

Each command parses its arguments, calls scheduler/service.py (the functions the web calls
too) and formats the answer; none opens a store.
"""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from pathlib import Path

import click

from portalwatch.reports.safetext import clean, dumps, echo
from portalwatch.scheduler import service
from portalwatch.scheduler.cli_base import DATE, EXIT_OK, db_option, parse_as_of

STATUS_NAMES = service.NOTICE_STATUS_NAMES


def _write(path: Path, html: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(clean(html), encoding="utf-8")  # a document rendered before safetext existed, too
    echo(f"已保存：{path}")


@click.command("notice")
@click.argument("name")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="把通知保存为 HTML 文件")
@click.option("--send", is_flag=True, help="用电子邮件发送给网站登记的联系邮箱")
@click.option("--date", "issued", type=DATE, default=None, help="成文日期 YYYY-MM-DD（默认今天），整改期限由此起算")
@click.option("--force", is_flag=True, help="发文机关仍为占位名称（XX市……）时也发送")
@db_option
def notice_cmd(name: str, out: Path | None, send: bool, issued: dt.date | None, force: bool, db: Path) -> None:
    """生成（并可发送）一个登记网站的整改通知，列出其未整改的问题。

    发文机关取自 PORTALWATCH_OFFICE；仍为默认的占位名称（XX市人民政府办公室政务公开办）时，
    生成草稿会提示，--send 则拒绝发送（退出码 2），除非加 --force。
    """
    from portalwatch.reports.mail import SmtpSettings

    if send:
        service.registered_site(db, name)  # an unknown site before the mail settings
        SmtpSettings.from_env()  # MailError: one line, exit 2, nothing drafted
    try:
        notice = service.draft_notice(db, name, issued=parse_as_of(issued))
    except service.NothingToNotify as exc:
        echo(f"{exc}，未生成通知。")  # nothing to notify: a normal outcome here
        sys.exit(EXIT_OK)
    c = service.notice_counts(db, notice["id"])
    counts, earlier = c["severity"], c["earlier"]
    echo(f"整改通知 {notice['number']}（{STATUS_NAMES.get(notice['status'], notice['status'])}）")
    echo(f"  收文单位：{notice['unit']}")
    echo(f"  问题：{c['items']} 个（单项否决 {counts['veto']}，严重 {counts['major']}，一般 {counts['minor']}）"
         + (f"，其中前次通知已指出仍未整改 {earlier} 个" if earlier else ""))
    echo(f"  成文日期：{notice['issued']}  整改期限：{notice['deadline']}")
    echo(f"  收件人：{'、'.join(notice['recipients']) or '（未登记邮箱）'}")
    if out:
        _write(out, notice["html"])
    warning = service.office_warning(notice["office"])
    if warning and not send:
        echo(f"注意：{warning}。", err=True)
    if not send:
        if not out:
            echo("用 --out FILE 保存通知，--send 发送邮件。")
        sys.exit(EXIT_OK)
    # ServiceError: placeholder office without --force (exit 2); MailFailed: no recipients (exit 2)
    # or not accepted (exit 1, "…；通知未标记为已发送。")
    result = service.send_notice(db, notice["id"], force=force)
    echo(f"已发送：{'、'.join(result['recipients'])}（尝试 {result['attempts']} 次）")
    for addr, reason in result["refused"].items():
        echo(f"被拒收：{addr}（{reason}）", err=True)
    sys.exit(EXIT_OK)


@click.command("recheck")
@click.argument("name")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="把复查报告保存为 HTML 文件")
@click.option("--as-of", "as_of", type=DATE, default=None, help="判断更新是否及时的基准日期 YYYY-MM-DD（默认今天）")
@click.option("--time-limit", type=click.FloatRange(1), default=None, help="复查检查的最长时间（秒）")
@click.option("--audit-args", default=None, hidden=True, envvar="PORTALWATCH_AUDIT_ARGS",
              help="传给 portalwatch audit 的附加参数（测试与调优用）")
@db_option
def recheck_cmd(name: str, out: Path | None, as_of: str | None, time_limit: float | None, audit_args: str | None,
                db: Path) -> None:
    """复查：重新检查网站，逐项报告上一份整改通知中的问题已整改、未整改，以及新发现的问题。"""
    from portalwatch.scheduler.monitor import DEFAULT_TIME_LIMIT, RunConfig

    site, notice = service.recheck_target(db, name)  # no such site, no notice yet: one line, exit 2
    echo(f"正在复查“{name}”（整改通知 {notice['number']}）……", err=True)
    cfg = RunConfig(db=db, as_of=parse_as_of(as_of) if as_of else None,
                    time_limit=time_limit or DEFAULT_TIME_LIMIT, audit_args=shlex.split(audit_args or ""))
    rendered = service.run_recheck(db, site, notice, cfg)  # IncompleteError: exit 1, nothing recorded
    echo(rendered.text)
    if out:
        _write(out, rendered.html)
    sys.exit(EXIT_OK)


@click.command("notices")
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
def notices_cmd(name: str | None, fmt: str, db: Path) -> None:
    """列出整改通知的历史：编号、网站、日期、期限、状态、问题数和复查结果。"""
    rows = service.notice_history(db, name)  # a name never seen: one line, exit 2
    if fmt == "json":
        echo(dumps(rows, indent=2))
        return
    if not rows:
        echo("还没有整改通知。")
    for r in rows:
        line = (f"{r['number']}  {r['site']}  {r['issued']}  期限 {r['deadline']}  "
                f"{STATUS_NAMES.get(r['status'], r['status'])}  问题 {r['items']} 个")
        if r["last_followup"]:
            values = list(r["last_followup"]["items"].values())
            line += (f"  复查：已整改 {values.count('fixed')}，未整改 {values.count('not_fixed')}，"
                     f"新发现 {len(r['last_followup']['new'])}")
        if r["status"] == "failed" and r["last_error"]:
            line += f"  （{r['last_error']}）"
        echo(line)
        for d in r["deliveries"]:
            outcome = "已送达" if d["delivered"] else "失败"
            echo(f"    投递 {(d['at'] or '')[:19].replace('T', ' ')} {outcome}" + (f"（{d['error']}）" if d["error"] else ""))



COMMANDS = (notice_cmd, recheck_cmd, notices_cmd)
