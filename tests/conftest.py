"""Shared fixtures: real local HTTP servers, a temporary SQLite file, the shared/ folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpserver import LocalSite, Response, Route  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
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
    path = SHARED / "realpages"
    if not path.is_dir():
        pytest.skip(f"real pages folder not found at {path}")
    return path


__all__ = ["Response", "LocalSite"]
