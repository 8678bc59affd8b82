"""The layers stand on each other in one direction: crawler < checks < reports < scheduler.

Each layer is imported whole in a fresh interpreter (what it drags in at import time), and
its source is read for every import statement, including those inside functions (what it
would drag in later). ``portalwatch.errors`` is below every layer.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LAYERS = ("crawler", "checks", "reports", "scheduler")
# What each layer must never import (a higher layer, or for checks the crawling machinery).
FORBIDDEN = {
    "crawler": ("portalwatch.checks", "portalwatch.reports", "portalwatch.scheduler"),
    "checks": ("portalwatch.reports", "portalwatch.scheduler", "scrapy", "twisted", "playwright",
               "scrapy_playwright"),
    "reports": ("portalwatch.scheduler",),
}
# The crawler modules checks may use: the snapshot model and the plain data it is made of.
CHECKS_MAY_USE = ("portalwatch.crawler.snapshot", "portalwatch.crawler.docnumber", "portalwatch.crawler.verdicts")

IMPORT_ALL = """
import importlib, json, pkgutil, sys
import portalwatch.{layer} as layer
for info in pkgutil.walk_packages(layer.__path__, "portalwatch.{layer}."):
    importlib.import_module(info.name)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(layer: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", IMPORT_ALL.format(layer=layer)], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def imported_names(layer: str) -> dict[str, set[str]]:
    """Every module each file of ``layer`` names in an import statement, at any depth."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / layer).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        found[str(path.relative_to(REPO))] = names
    return found


def is_under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_from_above_it(layer):
    loaded = loaded_by(layer)
    assert f"portalwatch.{layer}" in loaded  # the import ran
    wrong = sorted(name for name in loaded if is_under(name, FORBIDDEN[layer]))
    assert not wrong, f"importing portalwatch.{layer} loads {wrong}"
    wrong_sources = {path: sorted(n for n in names if is_under(n, FORBIDDEN[layer]))
                     for path, names in imported_names(layer).items()}
    assert not {p: n for p, n in wrong_sources.items() if n}, wrong_sources


def test_checks_use_only_the_snapshot_level_of_the_crawler():
    crawler = {n for n in loaded_by("checks") if n.startswith("portalwatch.crawler.")}
    assert crawler <= set(CHECKS_MAY_USE), sorted(crawler - set(CHECKS_MAY_USE))
    for path, names in imported_names("checks").items():
        used = {n for n in names if n.startswith("portalwatch.crawler.")}
        assert all(is_under(n, CHECKS_MAY_USE) for n in used), (path, sorted(used))


def test_the_command_line_has_no_import_cycle():
    """Each command module imports on its own in a fresh interpreter (no half-initialised cli)."""
    for module in ("monitor_cli", "notice_cli", "cli_base", "cli", "doctor", "workers"):
        proc = subprocess.run([sys.executable, "-c", f"import portalwatch.scheduler.{module}"], capture_output=True,
                              text=True, timeout=60, cwd=REPO)
        assert proc.returncode == 0, (module, proc.stderr)
    for path, names in imported_names("scheduler").items():  # only the entry points import cli.py
        assert path == "scheduler/cli.py" or not is_under_any(names, "portalwatch.scheduler.cli"), path
    source = (REPO / "scheduler" / "monitor_cli.py").read_text(encoding="utf-8")
    assert "globals()" not in source and "_groups" not in source


def is_under_any(names: set[str], module: str) -> bool:
    return any(n == module or n.startswith(module + ".") for n in names)
