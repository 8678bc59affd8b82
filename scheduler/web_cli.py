"""Web workplace commands: ``users add``, ``users token``, ``users list`` and ``serve``.

Registered onto the ``portalwatch`` group by ``register(main)`` (one line in ``cli.py``).
Exit statuses: 0 done; 2 bad arguments (unknown user, bad role, short password, web
extras not installed).
"""

from __future__ import annotations

import getpass
import importlib.util
import sys
from pathlib import Path

import click

from portalwatch.reports.safetext import echo


def _default_db() -> Path:
    from portalwatch.scheduler.cli_base import default_db

    return default_db()


def _check_db(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    from portalwatch.scheduler.cli_base import check_db

    return check_db(ctx, param, value)


def _db_option():
    """The CLI's ``--db`` (same default and check), imported late: cli.py imports this module."""
    return click.option("--db", "db", type=click.Path(path_type=Path), default=_default_db, callback=_check_db,
                        show_default="$PORTALWATCH_DB 或 ./portalwatch.db", help="SQLite 数据库文件")


def _fail(message: str) -> None:
    from portalwatch.errors import InputError

    raise InputError(message)  # one line, exit 2 (scheduler/cli_base.py)


@click.group("users")
def users() -> None:
    """管理网页工作台的用户和 API 令牌。"""


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != first:
            _fail("两次输入的密码不一致")
        return first
    return sys.stdin.readline().rstrip("\r\n")


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "inspector", "viewer"]), required=True,
              help="角色：admin 管理员、inspector 检查员、viewer 查看")
@_db_option()
def users_add(name: str, role: str, db: Path) -> None:
    """添加用户（已存在时更新角色和密码）；密码从终端读取，或从标准输入的第一行读取。"""
    from portalwatch.scheduler.users import ROLE_NAMES, UserError, UserStore

    password = _read_password()
    store = UserStore(db)
    try:
        action = store.add_user(name, role, password)
    except UserError as exc:
        _fail(str(exc))
        return
    finally:
        store.close()
    echo(f"{'已添加' if action == 'added' else '已更新'}用户：{name.strip()}（{ROLE_NAMES[role]}）")


@users.command("token")
@click.argument("name")
@_db_option()
def users_token(name: str, db: Path) -> None:
    """为用户生成一个 API 令牌（供脚本使用：Authorization: Bearer 令牌），只显示这一次。"""
    from portalwatch.scheduler.users import UserError, UserStore

    store = UserStore(db)
    try:
        token = store.create_token(name)
    except UserError as exc:
        _fail(str(exc))
        return
    finally:
        store.close()
    echo(token)


@users.command("list")
@_db_option()
def users_list(db: Path) -> None:
    """列出用户及其角色。"""
    from portalwatch.scheduler.users import ROLE_NAMES, UserStore

    store = UserStore(db)
    try:
        rows = store.users()
    finally:
        store.close()
    if not rows:
        echo("还没有用户。用 portalwatch users add NAME --role admin 添加第一个管理员。")
    for u in rows:
        echo(f"{u['name']}  {ROLE_NAMES.get(u['role'], u['role'])}  {'启用' if u['enabled'] else '停用'}")


def web_importable() -> bool:
    """Make ``portalwatch.web`` importable; an editable install made before web/ existed lacks it."""
    import portalwatch

    if importlib.util.find_spec("portalwatch.web") is None:
        root = Path(__file__).resolve().parents[1]
        if (root / "web" / "app.py").is_file():
            portalwatch.__path__.append(str(root))  # type: ignore[attr-defined]
    try:
        return importlib.util.find_spec("portalwatch.web") is not None
    except ImportError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（办公网内使用时设为本机内网地址或 0.0.0.0）")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="监听端口")
@_db_option()
def serve(host: str, port: int, db: Path) -> None:
    """启动网页工作台（总览、临时检查、整改通知、网站登记）。"""
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        _fail("网页工作台需要额外的依赖：pip install 'portalwatch[web]'")
        return
    if not web_importable():
        _fail("找不到 portalwatch.web 模块，请重新安装：pip install -e '.[web]'")
    from portalwatch.scheduler.users import UserStore
    from portalwatch.web.app import create_app

    store = UserStore(db)
    try:
        if not store.users():
            echo(f"注意：还没有用户，请先运行 portalwatch users add 名称 --role admin --db {db}", err=True)
    finally:
        store.close()
    echo(f"网页工作台：http://{host if ':' not in host else f'[{host}]'}:{port}/  数据库：{db}  按 Ctrl-C 退出。", err=True)
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning", proxy_headers=False)


def register(main: click.Group) -> None:
    main.add_command(users)
    main.add_command(serve)
