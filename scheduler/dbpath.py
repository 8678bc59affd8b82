"""Checking ``--db PATH`` before a command opens it: one Chinese line and exit 2, nothing written.

Shared by every command through ``cli.db_option``. Without it a missing folder, a
read-only or immutable file, or a file that is not SQLite surfaced as a Python
traceback (exit 1), sometimes after a run row had been half started.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

SQLITE_HEADER = b"SQLite format 3\x00"


def db_problem(path: Path) -> str | None:
    """Why ``path`` cannot serve as portalwatch's database, or None when it can.

    Only reads: the file is never created or changed here. A missing file is fine (it is
    created on first use) when its folder exists and is writable.
    """
    path = Path(path).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        return f"数据库路径是一个目录，不是文件：{path}"
    if not folder.is_dir():
        return f"数据库所在的目录不存在：{folder}"
    # WAL mode keeps -wal and -shm files beside the database: the folder must be writable too.
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"数据库所在的目录不可写：{folder}"
    if not path.exists():
        return None
    if not os.access(path, os.R_OK | os.W_OK):
        return f"数据库文件不可读写（只读或被锁定）：{path}"
    try:
        with open(path, "r+b") as handle:  # also refuses immutable files (chattr +i), even to root
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"无法打开数据库文件：{path}（{exc.strerror or exc}）"
    if not header:
        return None  # an empty file is an empty database
    if header != SQLITE_HEADER:
        return f"不是 SQLite 数据库文件：{path}"
    return _unreadable(path)


def _unreadable(path: Path) -> str | None:
    """A SQLite header over a damaged file: find out now, not mid-audit."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=30)
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"数据库文件已损坏或无法读取：{path}（{exc}）"
    return None
