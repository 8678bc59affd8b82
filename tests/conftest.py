"""Shared fixtures: real local HTTP servers, a temporary SQLite file, the project's copies of the contract and real pages."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpserver import LocalSite, Response, Route  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
# Copies kept in the project (tests read nothing outside the repository):
CONTRACT = REPO / "docs" / "contract.md"  # follows ../shared/contract.md
REALPAGES = Path(__file__).resolve().parent / "data" / "realpages"  # copy of ../shared/realpages
SITES = Path(__file__).resolve().parent / "sites"

# Tests talk to 127.0.0.1 only: never send them through a proxy from the environment.
for _var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
    os.environ.pop(_var, None)
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "*"


@pytest.fixture
def serve():
    """Start local sites: ``serve(root=path, routes={...})`` -> LocalSite; all stopped after the test."""
    started: list[LocalSite] = []

    def start(root: Path | str | None = None, routes: dict[str, Route] | None = None) -> LocalSite:
        if isinstance(root, str):
            root = SITES / root
        site = LocalSite(root=root, routes=routes)
        started.append(site)
        return site

    yield start
    for site in started:
        site.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "portalwatch.db"


@pytest.fixture(scope="session")
def realpages() -> Path:
    return REALPAGES


__all__ = ["Response", "LocalSite"]


# -- running the real command line ------------------------------------------------------

import json as _json  # noqa: E402
import subprocess  # noqa: E402
from dataclasses import dataclass  # noqa: E402

FAST = ["--delay", "0", "--concurrency", "8", "--timeout", "2", "--no-progress",
        "--set", "PORTALWATCH_RETRY_BACKOFF=0.05", "--set", "PORTALWATCH_RETRY_AFTER_MAX=2"]
RESOLVER = ["--set", "TWISTED_DNS_RESOLVER=portalwatch.crawler.resolver.StaticResolver"]


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def doc(self) -> dict:
        return _json.loads(self.stdout)


def run_cli(*args: str, timeout: float = 240, env: dict | None = None) -> CliResult:
    """Run ``portalwatch ARGS`` in a subprocess (one reactor per process, as in production)."""
    proc = subprocess.run([sys.executable, "-m", "portalwatch", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def audit(db_path: Path):
    """``audit(url, *extra)`` runs ``portalwatch audit URL --format json`` fast and returns CliResult."""

    def run(url: str, *extra: str, as_of: str = "2026-11-20") -> CliResult:
        return run_cli("audit", url, "--format", "json", "--db", str(db_path), "--as-of", as_of, *FAST, *extra)

    return run
