"""The documentation keeps up with the code: every command is in the README, every
setting the crawler reads is declared in crawler/settings.py."""

from __future__ import annotations

import re
from pathlib import Path

import click

from portalwatch.scheduler.cli import main

REPO = Path(__file__).resolve().parents[1]


def command_paths(group: click.Group, prefix: str = "portalwatch") -> list[str]:
    paths = []
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        path = f"{prefix} {name}"
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
    return paths


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [path for path in command_paths(main) if path not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_portalwatch_setting_read_by_the_code_is_declared():
    declared = set(re.findall(r"^(PORTALWATCH_[A-Z_]+)\s*(?::[^=\n]+)?=", (REPO / "crawler" / "settings.py").read_text(),
                              re.M))
    used: set[str] = set()
    for folder in ("crawler", "scheduler"):
        for path in (REPO / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            used |= set(re.findall(r"settings\.get\w*\(\s*\"(PORTALWATCH_[A-Z_]+)\"", text))
    assert used, "no settings found: the scan is broken"
    assert used <= declared, f"undeclared settings: {sorted(used - declared)}"
