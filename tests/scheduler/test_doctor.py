"""``portalwatch doctor``: ready to audit, with or without a browser."""

from __future__ import annotations

import socket

import pytest
from conftest import run_cli

from portalwatch.crawler.render import find_chromium


def test_doctor_starts_chromium_and_passes(tmp_path):
    result = run_cli("doctor", "--db", str(tmp_path / "p.db"), env={"PORTALWATCH_SMTP_HOST": ""})
    assert result.code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("[正常] Python：") for line in lines)
    assert any(line.startswith("[正常] 数据库：") for line in lines)
    assert any(line.startswith("[警告] 邮件（SMTP）") for line in lines)
    chromium = next(line for line in lines if "Chromium" in line)
    if find_chromium():
        assert chromium.startswith("[正常]") and "无头启动" in chromium, chromium
    assert "结论：可以运行审计" in result.stdout


def test_doctor_without_chromium_warns_but_passes(tmp_path):
    result = run_cli("doctor", "--db", str(tmp_path / "p.db"),
                     env={"PORTALWATCH_CHROMIUM": str(tmp_path / "missing-chromium")})
    assert result.code == 0
    assert "[警告] Chromium" in result.stdout and "apt-get install chromium" in result.stdout


def test_doctor_fails_when_the_database_cannot_be_written(tmp_path):
    result = run_cli("doctor", "--db", str(tmp_path / "no" / "such" / "dir" / "p.db"),
                     env={"PORTALWATCH_CHROMIUM": str(tmp_path / "missing-chromium")})
    assert result.code == 1
    assert "[错误] 数据库" in result.stdout and "有 1 项错误" in result.stdout


@pytest.fixture
def auth_smtp():
    """A real SMTP server (aiosmtpd) that offers AUTH without TLS and accepts only ``gkb`` / ``s3cret-ok``."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"gkb" and auth_data.password == b"s3cret-ok"
        return AuthResult(success=ok, handled=False)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(object(), hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        yield {"PORTALWATCH_SMTP_HOST": "127.0.0.1", "PORTALWATCH_SMTP_PORT": str(port),
               "PORTALWATCH_SMTP_SECURITY": "none", "PORTALWATCH_SMTP_FROM": "gkb@example.gov.cn",
               "PORTALWATCH_SMTP_USER": "gkb"}
    finally:
        controller.stop()


@pytest.mark.parametrize("password, level, words", [("wrong-s3cret", "警告", "发信服务器拒绝登录：535"),
                                                    ("s3cret-ok", "正常", "登录成功")])
def test_doctor_tries_the_smtp_login(tmp_path, auth_smtp, password, level, words):
    result = run_cli("doctor", "--db", str(tmp_path / "p.db"),
                     env={**auth_smtp, "PORTALWATCH_SMTP_PASSWORD": password,
                          "PORTALWATCH_CHROMIUM": str(tmp_path / "missing-chromium")})
    assert result.code == 0, result.stdout + result.stderr
    smtp = next(line for line in result.stdout.splitlines() if "邮件（SMTP）" in line)
    assert smtp.startswith(f"[{level}]") and words in smtp, smtp
    assert password not in result.stdout  # the password is never shown
