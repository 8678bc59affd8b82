"""``portalwatch users add/token/list`` through the real command line, on a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys

from portalwatch.scheduler.users import UserStore


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portalwatch", *args], input=stdin, capture_output=True, text=True,
                          timeout=60, env=dict(os.environ))


def test_users_add_token_list(db_path):
    added = cli("users", "add", "张三", "--role", "admin", "--db", str(db_path), stdin="correct-horse-1\n")
    assert added.returncode == 0 and "已添加用户：张三（管理员）" in added.stdout
    store = UserStore(db_path)
    try:
        stored = store.db.execute("select password from users where name = '张三'").fetchone()[0]
        assert stored.startswith("$argon2id$") and "correct-horse-1" not in stored
        assert store.verify("张三", "correct-horse-1")["role"] == "admin"
        assert store.verify("张三", "wrong-password") is None
    finally:
        store.close()

    token = cli("users", "token", "张三", "--db", str(db_path))
    assert token.returncode == 0 and token.stdout.strip().startswith("pw_")
    store = UserStore(db_path)
    try:
        assert store.user_for_token(token.stdout.strip())["name"] == "张三"
        assert token.stdout.strip() not in str(list(store.db.query("select * from tokens")))  # only its hash
    finally:
        store.close()

    short = cli("users", "add", "李四", "--role", "viewer", "--db", str(db_path), stdin="short\n")
    assert short.returncode == 2 and "密码至少 8 个字符" in short.stderr
    bad = cli("users", "add", "李四", "--role", "boss", "--db", str(db_path), stdin="long-enough-1\n")
    assert bad.returncode == 2
    assert cli("users", "token", "不存在", "--db", str(db_path)).returncode == 2
    listed = cli("users", "list", "--db", str(db_path))
    assert "张三  管理员  启用" in listed.stdout and "李四" not in listed.stdout


def test_public_only_resolver_keeps_an_audit_off_private_addresses(db_path, serve):
    """What ad-hoc audits run with unless private targets are allowed: a site on 127.0.0.1 (as a
    redirect or a re-resolved name would reach it) is not fetched, and nothing is requested."""
    from portalwatch.scheduler.publicdns import SETTING, is_public

    site = serve("township_columns")
    result = cli("audit", site.url, "--db", str(db_path), "--format", "json", "--no-progress", "--timeout", "2",
                 "--render", "never", "--delay", "0", "--set", "PORTALWATCH_RETRY_BACKOFF=0.05",
                 "--set", "PORTALWATCH_RETRY_AFTER_MAX=2", "--set", SETTING)
    assert result.returncode == 3, result.stderr  # unreachable, as the contract says for DNS failures
    assert site.requests == []
    assert [f["check"] for f in __import__("json").loads(result.stdout)["findings"]] == ["site_unreachable"]
    assert not any(is_public(a) for a in ("127.0.0.1", "10.0.0.1", "192.168.3.4", "169.254.169.254", "::1",
                                          "::ffff:127.0.0.1", "fd00::1", "0.0.0.0", "224.0.0.1"))
    assert is_public("8.8.8.8") and is_public("2001:4860:4860::8888")
