"""``portalwatch doctor``: is this machine ready to audit?

Checks what an audit needs (Python, Scrapy, a writable database) and what it can do
without (Chromium for script-built pages, SMTP for notices, CJK fonts for rendered
notices). Chromium is not only looked for but started, headless, on a page whose
content is written by script: a binary that exists but cannot run (missing libraries,
a sandbox refusing root) is the usual failure on servers. Exit 0 when audits can run;
missing rendering is a warning, not a failure.
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable

import click

from portalwatch.reports.safetext import echo

OK, WARN, FAIL = "正常", "警告", "错误"
PROBE_PAGE = ("data:text/html;charset=utf-8,<title>doctor</title><div id=nav></div>"
              "<script>document.getElementById('nav').innerHTML='<a href=/x>栏目</a>'</script>")


@dataclass
class Result:
    name: str
    level: str
    detail: str


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def check_python() -> Result:
    v = platform.python_version()
    if sys.version_info < (3, 11):
        return Result("Python", FAIL, f"{v}，需要 3.11 或更高版本")
    return Result("Python", OK, f"{v}（{sys.executable}）")


def check_packages() -> Result:
    found = {p: _version(p) for p in ("scrapy", "scrapy-playwright", "playwright", "sqlite-utils")}
    missing = [p for p, v in found.items() if v is None and p in ("scrapy", "sqlite-utils")]
    text = "，".join(f"{p} {v or '未安装'}" for p, v in found.items())
    if missing:
        return Result("Python 依赖", FAIL, f"{text}；请运行 pip install -e .")
    if found["playwright"] is None or found["scrapy-playwright"] is None:
        return Result("Python 依赖", WARN, f"{text}；缺少 playwright/scrapy-playwright，无法渲染页面")
    return Result("Python 依赖", OK, text)


async def _launch(path: str, timeout: float) -> tuple[str, str]:
    from playwright.async_api import async_playwright

    from portalwatch.crawler.render import CHROMIUM_ARGS

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS,
                                           timeout=timeout * 1000)
        try:
            page = await browser.new_page()
            await page.goto(PROBE_PAGE, timeout=timeout * 1000)
            text = await page.inner_text("#nav", timeout=timeout * 1000)
            return browser.version, text
        finally:
            await browser.close()


def check_chromium(timeout: float = 30.0) -> Result:
    from portalwatch.crawler.render import find_chromium

    path = find_chromium()
    configured = os.environ.get("PORTALWATCH_CHROMIUM")
    if path is None:
        where = f"PORTALWATCH_CHROMIUM={configured} 不存在或不可执行" if configured else "未找到 Chromium"
        return Result("Chromium（渲染脚本生成的页面）", WARN,
                      f"{where}；审计仍可运行，但由脚本生成的栏目可能被误判。"
                      "安装：apt-get install chromium，或 playwright install chromium")
    if _version("playwright") is None:
        return Result("Chromium（渲染脚本生成的页面）", WARN, f"找到 {path}，但未安装 playwright，无法渲染")
    started = time.monotonic()
    try:
        browser_version, text = asyncio.run(asyncio.wait_for(_launch(path, timeout), timeout + 10))
    except Exception as exc:  # noqa: BLE001 - any failure to start is the answer
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        return Result("Chromium（渲染脚本生成的页面）", WARN,
                      f"{path} 无法启动：{first}；审计仍可运行，但不渲染页面")
    if text.strip() != "栏目":
        return Result("Chromium（渲染脚本生成的页面）", WARN, f"{path} 已启动，但脚本未执行（读到 {text!r}）")
    took = time.monotonic() - started
    return Result("Chromium（渲染脚本生成的页面）", OK,
                  f"{path}，版本 {browser_version}，无头启动并渲染测试页用时 {took:.1f} 秒")


def check_db(db: Path) -> Result:
    db = db.expanduser()
    target = db if db.exists() else db.parent if str(db.parent) else Path(".")
    if db.exists():
        if not os.access(db, os.R_OK | os.W_OK):
            return Result("数据库", FAIL, f"{db} 不可读写")
        return Result("数据库", OK, f"{db.resolve()}（已存在，可读写）")
    directory = target.resolve() if target.exists() else None
    if directory is None or not directory.is_dir():
        return Result("数据库", FAIL, f"{db} 所在目录 {target} 不存在")
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".portalwatch-doctor-"):
            pass
    except OSError as exc:
        return Result("数据库", FAIL, f"无法在 {directory} 中写入：{exc}")
    return Result("数据库", OK, f"{directory / db.name}（将在首次审计时创建）")


def check_smtp(timeout: float = 5.0) -> Result:
    """SMTP settings as the mailer reads them (environment, then ``PORTALWATCH_CONFIG``), and
    whether the server answers, takes STARTTLS and accepts the login as sending would (no mail).
    A greeting alone proves little: a wrong password is the usual reason notices do not go out."""
    import smtplib
    import ssl

    from portalwatch.reports.mail import MailError, SmtpSettings, describe

    try:
        smtp = SmtpSettings.from_env()
    except MailError as exc:
        return Result("邮件（SMTP）", WARN, f"{exc}；整改通知只能生成文件，不能发送邮件")
    what = f"{smtp.host}:{smtp.port}，加密方式 {smtp.security}，发件人 {smtp.from_addr}，" + (
        "已设置用户名" if smtp.user else "无用户名")
    cls = smtplib.SMTP_SSL if smtp.security == "ssl" else smtplib.SMTP
    kwargs = {"context": ssl.create_default_context()} if smtp.security == "ssl" else {}
    try:
        with cls(smtp.host, smtp.port, timeout=timeout, **kwargs) as conn:
            code, _ = conn.noop()
            if smtp.security == "starttls":
                conn.starttls(context=ssl.create_default_context())
            if smtp.user:
                conn.login(smtp.user, smtp.password or "")
    except smtplib.SMTPAuthenticationError as exc:
        return Result("邮件（SMTP）", WARN, f"{what}；{describe(exc, smtp)}，整改通知无法发送：请检查用户名和密码")
    except (OSError, smtplib.SMTPException) as exc:
        return Result("邮件（SMTP）", WARN, f"{what}；连接或登录失败：{describe(exc, smtp)}")
    return Result("邮件（SMTP）", OK, f"{what}；服务器已应答（{code}）" + ("，登录成功" if smtp.user else ""))


def check_fonts() -> Result:
    if not shutil.which("fc-list"):
        return Result("中文字体", WARN, "无法检查（没有 fc-list）；渲染的通知截图可能缺字")
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    if not out.strip():
        return Result("中文字体", WARN, "未找到中文字体（apt-get install fonts-noto-cjk）；渲染的页面和通知可能缺字")
    return Result("中文字体", OK, f"{len(out.strip().splitlines())} 个中文字体")


def check_broker(url: str, timeout: float = 5.0) -> list[Result]:
    """The message queue of many-machine runs (scheduler/workers.py): connect and ping Redis, then
    list the workers that answer a Celery ping. No worker is a warning: tasks wait in the queue."""
    try:
        from portalwatch.scheduler.workers import broker_problem, redact, workers_seen
    except ImportError as exc:
        return [Result("消息队列", FAIL, f"缺少 celery/redis（pip install -e '.[workers]'）：{exc}")]
    problem = broker_problem(url, timeout)
    if problem:
        return [Result("消息队列", FAIL, problem)]
    try:
        import redis

        info = redis.Redis.from_url(url, socket_timeout=timeout).info("server")
        version_text = f"Redis {info.get('redis_version', '?')}"
    except Exception:  # noqa: BLE001 - the ping worked; the version is a detail
        version_text = "Redis"
    results = [Result("消息队列", OK, f"{redact(url)}，{version_text}，连接正常")]
    try:
        seen = workers_seen(url, timeout=min(timeout, 3.0))
    except Exception as exc:  # noqa: BLE001
        return results + [Result("检查工作机", WARN, f"无法查询工作机：{exc}")]
    if not seen:
        results.append(Result("检查工作机", WARN, "没有工作机应答（portalwatch worker 未运行？），派出的检查会在队列中等待"))
    else:
        results.append(Result("检查工作机", OK, f"{len(seen)} 台应答：" + "、".join(seen)))
    return results


def run_checks(db: Path, chromium_timeout: float = 30.0, broker: str | None = None) -> list[Result]:
    checks: list[Callable[[], Result]] = [check_python, check_packages, lambda: check_db(db),
                                          lambda: check_chromium(chromium_timeout), check_smtp, check_fonts]
    results = [check() for check in checks]
    if broker:
        results += check_broker(broker)
    return results


def register(main: Any) -> None:
    """Add ``doctor`` to the ``portalwatch`` command group."""

    @main.command()
    @click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="要检查的 SQLite 数据库文件（默认 $PORTALWATCH_DB 或 ./portalwatch.db）")
    @click.option("--timeout", type=click.FloatRange(1), default=30.0, show_default=True,
                  help="启动 Chromium 的最长等待时间（秒）")
    @click.option("--broker", envvar="PORTALWATCH_BROKER", default=None,
                  help="同时检查消息队列（Redis）和在线的工作机 [默认 $PORTALWATCH_BROKER]")
    def doctor(db: Path | None, timeout: float, broker: str | None) -> None:
        """检查本机运行环境：Python、依赖、数据库、Chromium（页面渲染）、邮件设置，配置了消息队列时还有队列与工作机。"""
        from portalwatch import __version__
        from portalwatch.scheduler.cli_base import default_db

        db = db or default_db()
        echo(f"portalwatch {__version__} 运行环境检查")
        results = run_checks(db, timeout, (broker or "").strip() or None)
        for r in results:
            echo(f"[{r.level}] {r.name}：{r.detail}")
        failed = [r for r in results if r.level == FAIL]
        warned = [r for r in results if r.level == WARN]
        if failed:
            echo(f"结论：有 {len(failed)} 项错误，审计无法正常运行。")
            sys.exit(1)
        echo("结论：可以运行审计" + (f"（{len(warned)} 项警告，见上）。" if warned else "。"))
