"""What every ``portalwatch`` command stands on: the group class, exit codes, shared options.

The command modules (``cli.py``, ``monitor_cli.py``, ``notice_cli.py``, ``doctor.py`` …)
import from here and define plain Click commands; ``cli.py`` defines the ``portalwatch``
group and adds them with ``main.add_command``. Nothing here imports a command module, so
there is no import cycle.

Errors end in one place, :meth:`OneLineErrors.main`: a :class:`PortalwatchError` (see
``portalwatch/errors.py`` for the tree) prints ``错误：<message>`` on one line on stderr and
exits with its ``exit_code``; Click's own usage errors print the same way, in Chinese
(``click_zh``), naming the option, and exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from portalwatch.errors import IncompleteError, InputError, PortalwatchError
from portalwatch.reports.safetext import SafeFormatter, echo
from portalwatch.scheduler import click_zh

EXIT_OK, EXIT_INTERRUPTED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3

click_zh.install()


# -- failing ------------------------------------------------------------------------------

def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """End the command: ``错误：message`` on stderr, exit ``code`` (raised, printed by the group)."""
    cls = {EXIT_USAGE: InputError, EXIT_INTERRUPTED: IncompleteError}.get(code, PortalwatchError)
    raise cls(message, exit_code=code)


class OneLineErrors(click.Group):
    """Errors in one line (``错误：…``), as the contract asks, not Click's usage block.

    Also gives every command added to it (and to its sub-groups) ``-v/--verbose``, so
    ``portalwatch audit URL -v`` works like ``portalwatch -v audit URL``.
    """

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        add_verbose_option(cmd)
        super().add_command(cmd, name)

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:  # a bare group: its help, as before
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            hint = f"（用法见 {exc.ctx.command_path} --help）" if exc.ctx is not None else ""
            echo(f"错误：{one_line(exc.format_message())}{hint}", err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            echo(f"错误：{one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            echo("已取消。", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except PortalwatchError as exc:  # the one place every portalwatch error ends
            echo(f"错误：{exc.message}", err=True)
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


def one_line(text: str) -> str:
    """One line; Click's hard-coded full stop (``缺少参数 'URL'.``) becomes a Chinese one."""
    text = " ".join(str(text).split())
    return text[:-1] + "。" if text.endswith(".") else text


# -- logging and -v ---------------------------------------------------------------------

class _Quiet(logging.Filter):
    """Below ``-vv``: robots.txt download errors dropped (the start page's own outcome is
    reported, with its reason, by the summary; an unreachable site is one line, not a traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("scrapy.downloadermiddlewares.robotstxt")
                    and record.levelno <= logging.ERROR)


class _OneLineFormatter(SafeFormatter):
    def __init__(self, fmt: str, tracebacks: bool) -> None:
        super().__init__(fmt)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if not self.tracebacks and (record.exc_info or record.exc_text or record.stack_info):
            record = logging.makeLogRecord(record.__dict__)
            record.exc_info = record.exc_text = record.stack_info = None
        return super().format(record)


_handler: logging.Handler | None = None


def setup_logging(verbosity: int) -> None:
    """Log to stderr: warnings (0), info (``-v``), debug with tracebacks (``-vv``). Idempotent."""
    global _handler
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(_OneLineFormatter("%(levelname)s %(name)s: %(message)s", tracebacks=verbosity >= 2))
    if verbosity < 2:
        _handler.addFilter(_Quiet())
    _handler.setLevel(level)
    root.addHandler(_handler)
    root.setLevel(level)


VERBOSE_HELP = "输出更多日志（-vv 为调试日志）；放在子命令前后均可"


def _more_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value:
        root = ctx.find_root()
        setup_logging(int(root.params.get("verbose") or 0) + value)


def add_verbose_option(cmd: click.Command) -> None:
    """``-v/--verbose`` on ``cmd`` (and on every command of a group), unless it has its own."""
    if not any("-v" in p.opts or "--verbose" in p.opts for p in cmd.params if isinstance(p, click.Option)):
        cmd.params.append(click.Option(["-v", "--verbose", "verbose_after"], count=True, expose_value=False,
                                       callback=_more_verbose, help=VERBOSE_HELP))
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            add_verbose_option(sub)


# -- shared options and types -----------------------------------------------------------

def default_db() -> Path:
    return Path(os.environ.get("PORTALWATCH_DB") or "portalwatch.db")


def check_db(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """Every command's ``--db``: refuse an unusable file in one line before anything is written."""
    from portalwatch.scheduler.dbpath import db_problem

    problem = db_problem(value)
    if problem:
        fail(problem)
    return value


db_option = click.option("--db", "db", type=click.Path(path_type=Path), default=default_db, callback=check_db,
                         show_default="$PORTALWATCH_DB 或 ./portalwatch.db", help="SQLite 数据库文件")

_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def to_date(value: object) -> dt.date:
    """``YYYY-MM-DD`` as a date, or InputError: a wrong format, or a date that does not exist."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _DATE.fullmatch(text)
    if not match:
        raise InputError(f"日期格式应为 YYYY-MM-DD：{value}")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            why = "月份应为 1 至 12"
        elif year < dt.MINYEAR:
            why = "年份无效"
        else:
            last = ((dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)).day
            why = f"{year} 年 {month} 月只有 {last} 天"
        raise InputError(f"日期不存在：{text}（{why}）") from None


class IsoDate(click.ParamType):
    """A ``YYYY-MM-DD`` option value, checked when parsed (its error names the option)."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # type: ignore[override]
        return "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        try:
            return to_date(value)
        except InputError as exc:
            self.fail(exc.message, param, ctx)


DATE = IsoDate()


def parse_as_of(value: object) -> dt.date:
    """The as-of date: ``value`` (a date, or ``YYYY-MM-DD``), today when not given."""
    return dt.date.today() if not value else to_date(value)


def parse_settings(pairs: tuple[str, ...]) -> dict[str, object]:
    """``--set`` pairs as settings (values JSON-decoded when they can be), checked by type."""
    from portalwatch.scheduler.setting_check import check_settings

    settings: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"--set 应为 KEY=VALUE：{pair}")
        try:
            settings[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            settings[key.strip()] = value
    check_settings(settings)  # SettingError: one line, exit 2
    return settings


class Duration(click.ParamType):
    """Seconds, as ``portalwatch run --time-limit`` takes them; ``90s``, ``30m``, ``4h`` work too."""

    name = "duration"
    UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600}

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, (int, float)):
            seconds = float(value)
        else:
            text = str(value).strip().lower()
            unit = next((u for u in sorted(self.UNITS, key=len, reverse=True) if text.endswith(u)), "")
            try:
                seconds = float(text[:len(text) - len(unit)]) * self.UNITS.get(unit, 1)
            except ValueError:
                self.fail(f"应为秒数或带单位的时长（如 90s、30m、4h）：{value}", param, ctx)
        if not seconds >= 1:
            self.fail(f"时长至少 1 秒：{value}", param, ctx)
        return seconds
