"""``portalwatch doctor``: ready to audit, with or without a browser."""

from __future__ import annotations

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
