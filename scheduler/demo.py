"""The bundled demo portal: render it for a date, serve it on 127.0.0.1, audit it.

``demo_site/`` is a fictional township portal (示范镇人民政府) written as static HTML
templates. Dates in it are relative to an as-of date so the demo never goes out of date:

    {{d:-3}}   as-of minus 3 days as YYYY-MM-DD
    {{dm:-3}}  the same day as MM-DD (lists that omit the year)
    {{cn:-3}}  the same day as 2026年11月20日
    {{y:-3}}   the year of that day (document numbers such as 示范政发〔2026〕3号)

The site carries deliberate defects, at least one per check of the contract (except
``site_unreachable``): see ``DEFECTS``. ``tests/scheduler/test_demo_site.py`` keeps the
two in step.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Sequence

PLACEHOLDER = re.compile(r"\{\{\s*(d|dm|cn|y)\s*:\s*([+-]?\d+)\s*\}\}")
TEMPLATE_SUFFIXES = {".html", ".htm", ".css", ".js", ".txt"}

# What the demo site gets wrong on purpose (shown after the demo audit).
DEFECTS = (
    ("dead_link", "失效链接 4 处：页脚“网站地图”（404）、附件 PDF（404）、首页宣传图片（404）、"
                  "专题“扫黑除恶专项斗争”（返回 200 但提示“页面不存在”）"),
    ("missing_column", "缺少必备栏目“重大事项”（其余栏目以“乡镇简介”“新闻动态”“政策法规”“预决算公开”等名称提供）"),
    ("empty_column", "栏目“意见征集”只显示“暂无信息”"),
    ("stale_column", "栏目“部门动态”最新信息已是 40 天前"),
    ("stale_homepage", "首页最新信息已是 20 天前"),
    ("missing_interpretation", "政策文件 示范政办发〔…〕1号 无解读；示范政发〔…〕2号 的解读未与文件互相链接"),
    ("unanswered_message", "互动交流栏目的来信“关于村组道路硬化的建议”120 天前提交，至今未回复（回复内容为空）"),
    ("privacy_exposure", "通知公告“示范镇临时救助对象名单公示”公开了 3 人的完整身份证号码和手机号码"),
    ("content_error", "新闻“示范镇召开惠民政策宣讲会”中“一如继往”应为“一如既往”"),
    ("service_guide_incomplete", "办事指南“残疾人两项补贴申请办事指南”只列出事项名称和所需材料，缺少 8 项要素"),
    ("site_identity", "栏目“部门动态”的 6 篇文章页缺少元数据 ContentSource（信息来源）"),
    ("missing_annual_report", "政府信息公开年度报告最新为前年的，未发布上一年度的年度报告"),
)


def demo_source() -> Traversable:
    """The bundled template tree (works from a checkout, an editable install or a wheel)."""
    return resources.files("portalwatch.scheduler") / "demo_site"


def render_text(text: str, as_of: dt.date) -> str:
    """Replace every date placeholder with the date ``as_of`` + offset days."""

    def sub(match: re.Match[str]) -> str:
        day = as_of + dt.timedelta(days=int(match.group(2)))
        kind = match.group(1)
        if kind == "d":
            return day.isoformat()
        if kind == "dm":
            return day.strftime("%m-%d")
        if kind == "cn":
            return f"{day.year}年{day.month}月{day.day}日"
        return str(day.year)

    rendered = PLACEHOLDER.sub(sub, text)
    if "{{" in rendered:
        raise ValueError(f"未知的模板占位符：{rendered[rendered.index('{{'):][:40]}")
    return rendered


def render_demo_site(dest: Path, as_of: dt.date) -> Path:
    """Render the demo portal for ``as_of`` into ``dest`` (created; existing files overwritten)."""
    dest = Path(dest)

    def copy(node: Traversable, target: Path) -> None:
        for child in node.iterdir():
            if child.name.startswith(".") or child.name == "__pycache__":
                continue
            out = target / child.name
            if child.is_dir():
                out.mkdir(parents=True, exist_ok=True)
                copy(child, out)
            elif Path(child.name).suffix.lower() in TEMPLATE_SUFFIXES:
                out.write_text(render_text(child.read_text(encoding="utf-8"), as_of), encoding="utf-8")
            else:
                out.write_bytes(child.read_bytes())

    dest.mkdir(parents=True, exist_ok=True)
    copy(demo_source(), dest)
    return dest


NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>404 - 页面未找到</title></head>
<body><h1>404</h1><p>您访问的页面未找到。</p><p><a href="/">返回首页</a></p></body></html>
"""


class StaticHandler(SimpleHTTPRequestHandler):
    """Static files with explicit types, no directory listings, a Chinese 404 page, no log noise."""

    protocol_version = "HTTP/1.1"
    extensions_map = {
        ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8", ".js": "application/javascript; charset=utf-8",
        ".txt": "text/plain; charset=utf-8", ".png": "image/png", ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg", ".gif": "image/gif", ".pdf": "application/pdf",
        ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "": "application/octet-stream",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(404)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The stdlib version puts ``message`` into the status line (latin-1 only); ours
        # keeps the standard reason phrase and puts the Chinese text in the body.
        body = NOT_FOUND_PAGE.encode("utf-8") if code == 404 else \
            f"<html><body><h1>{code}</h1></body></html>".encode("utf-8")
        try:
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_directory(root: Path, host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``root`` in a daemon thread; returns the server (``shutdown()`` it) and its URL."""
    handler = partial(StaticHandler, directory=str(root))
    server = _Server((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, name="portalwatch-demo-http", daemon=True)
    thread.start()
    return server, f"http://{host}:{server.server_address[1]}/"


def stop_server(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a child process, killing it when it has not exited after ``timeout`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def child_env() -> dict[str, str]:
    """The environment for the audit: never send requests for 127.0.0.1 through a proxy."""
    env = dict(os.environ)
    for name in ("no_proxy", "NO_PROXY"):
        current = env.get(name, "")
        env[name] = ",".join(filter(None, [current, "127.0.0.1", "localhost"]))
    return env


DEMO_SITE = "示范镇"
DEMO_UNIT = "示范镇人民政府"
DEFAULT_DEMO_DB = Path("portalwatch-demo.db")  # not the office's database: a fake site does not belong there


def register_demo_site(db_path: Path, url: str) -> None:
    """Register the demo portal as 示范镇 (disabled: nightly runs never audit it), so that
    ``findings``/``notice``/``status`` work on the demo's results."""
    from portalwatch.reports.storage import MonitorStore
    from portalwatch.scheduler.registry import validate_site

    store = MonitorStore(db_path)
    try:
        store.save_sites([validate_site({"name": DEMO_SITE, "url": url, "profile": "township", "unit": DEMO_UNIT,
                                         "enabled": "0"})])
    finally:
        store.close()


def fold_into_history(db_path: Path, pid: int, since: str) -> int | None:
    """Fold the demo's run into the finding history (as ``portalwatch run`` does); its run id."""
    from portalwatch.reports.storage import MonitorStore

    store = MonitorStore(db_path)
    try:
        run = store.run_of_process(DEMO_SITE, pid, since=since)
        if run is None or run["status"] not in ("complete", "unreachable"):
            return None
        store.update_history(run["id"], DEMO_SITE)
        return run["id"]
    finally:
        store.close()


def next_steps(db_path: Path) -> list[str]:
    """The commands that continue on the demo's database (the path spelt out, quoted for the shell)."""
    db = shlex.quote(str(db_path))
    return [f"portalwatch findings {DEMO_SITE} --db {db}",
            f"portalwatch notice {DEMO_SITE} --db {db} --out {DEMO_SITE}整改通知.html",
            f"portalwatch status --db {db}"]


def run_demo(as_of: dt.date | None, db_path: Path, extra_args: Sequence[str] = ()) -> int:
    """Render and serve the demo portal, audit it in a subprocess as the registered site 示范镇,
    fold the run into the finding history, and return the audit's exit code."""
    from portalwatch.reports.storage import now_iso

    as_of = as_of or dt.date.today()
    db_path = Path(db_path).resolve()  # said once, used by the audit and by the commands shown
    workdir = Path(tempfile.mkdtemp(prefix="portalwatch-demo-"))
    server = None
    try:
        root = render_demo_site(workdir / "site", as_of)
        server, url = serve_directory(root)
        register_demo_site(db_path, url)
        say(f"示例网站“{DEMO_UNIT}”已在 {url} 启动（日期基准 {as_of.isoformat()}），开始检查……")
        say(f"数据库：{db_path}")
        cmd = [sys.executable, "-m", "portalwatch", "audit", url, "--as-of", as_of.isoformat(),
               "--db", str(db_path), "--site-name", DEMO_SITE, "--delay", "0", "--concurrency", "8", *extra_args]
        started = now_iso()
        proc = subprocess.Popen(cmd, env=child_env())
        try:
            code = proc.wait()
        except KeyboardInterrupt:
            stop_process(proc)
            say("演示已中断。")
            return 130
        if code in (0, 3):
            fold_into_history(db_path, proc.pid, started)
            say("说明：该示例网站故意设置了以下问题，可与上面的结果对照：")
            for check, text in DEFECTS:
                say(f"  - {check}：{text}")
            say(f"结果已保存到 {db_path}（示例网站登记为“{DEMO_SITE}”，已停用，夜间检查不会检查它）。接着可以：")
            for line in next_steps(db_path):
                say(f"  {line}")
        return code
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
