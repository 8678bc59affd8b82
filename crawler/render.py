"""When to render a page in headless Chromium, and where Chromium is.

A crawler that reads only the HTML calls a column missing when the site writes its menu
with a script, and calls a list empty when the site loads it as JSON: false accusations.
A browser for every page is slow, so ``--render auto`` (the default) renders only
(a) the homepage when its navigation is built by script, (b) column pages whose list
is empty in the HTML but filled by a script and (c) pages whose article body is an empty
box beside a script (``render_rules``). ``always`` renders every HTML page and
``never`` none (pages that would have needed it are still counted, so the summary can
say which verdicts to doubt).

This module decides; it imports neither Playwright nor the spider. The browser work is
done by ``render_handler`` (scrapy-playwright) and ``render_middleware`` (the spider
middleware that asks for renders and swaps rendered pages in).
"""

from __future__ import annotations

import glob
import os
import shutil
from dataclasses import dataclass
from typing import Any, Mapping

from portalwatch.crawler.render_rules import script_built
from portalwatch.crawler.snapshot import Page

__all__ = ["RenderPolicy", "find_chromium", "render_settings", "script_built"]

MODES = ("auto", "never", "always")
DEFAULT_TIMEOUT = 20.0  # seconds a page may take to render, everything included
DEFAULT_IDLE_TIMEOUT = 5.0  # seconds to wait for the network to fall quiet after load
HANDLER = "portalwatch.crawler.render_handler.RenderDownloadHandler"
MIDDLEWARE = "portalwatch.crawler.render_middleware.RenderMiddleware"
# Chromium as root in a container: no sandbox, no GPU, no /dev/shm, and no calls home
# (without the background-networking flags it tries to reach Google hosts).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
                 "--disable-software-rasterizer",
                 "--disable-features=Translate,MediaRouter,OptimizationHints,SpareRendererForSitePerProcess"]
NO_CHROMIUM_WARNING = "未找到 Chromium，本次未渲染 JavaScript 页面，由脚本生成的栏目可能被误判"
OFF_PREFIX = "needs_render_but_off:"  # render_reason of a page that needed rendering under --render never
UNAVAILABLE_PREFIX = "needs_render_no_browser:"  # ... that needed it but Chromium was not found
FAILED_PREFIX = "render_failed:"

# -- finding Chromium ------------------------------------------------------------------

_SYSTEM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
_COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_PLAYWRIGHT_GLOBS = ("chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/chrome-linux*/headless_shell",
                     "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium", "chromium-*/chrome-win*/chrome.exe")


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def playwright_chromium() -> str | None:
    """The newest Chromium that ``playwright install chromium`` left on this machine, if any."""
    roots = [os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or "", os.path.expanduser("~/.cache/ms-playwright"),
             os.path.expanduser("~/Library/Caches/ms-playwright"),
             os.path.join(os.environ.get("LOCALAPPDATA", ""), "ms-playwright")]
    for root in filter(None, roots):
        for pattern in _PLAYWRIGHT_GLOBS:
            found = sorted(p for p in glob.glob(os.path.join(root, pattern)) if _executable(p))
            if found:
                return found[-1]
    return None


def find_chromium(configured: str | None = None) -> str | None:
    """The Chromium binary to use, or None.

    An explicit path (the ``PORTALWATCH_CHROMIUM`` setting, else the environment
    variable) is used as given: when it does not exist there is no Chromium, so a wrong
    path is reported rather than silently replaced. Otherwise: the Debian/Ubuntu
    package, ``chromium``/``google-chrome`` on PATH, then Playwright's own download.
    """
    if configured is None or configured == "":
        configured = os.environ.get("PORTALWATCH_CHROMIUM", "")
    if configured:
        path = shutil.which(configured) or configured
        return os.path.abspath(path) if _executable(path) else None
    for path in _SYSTEM_PATHS:
        if _executable(path):
            return path
    for command in _COMMANDS:
        path = shutil.which(command)
        if path:
            return path
    return playwright_chromium()


# -- the policy --------------------------------------------------------------------------

@dataclass(frozen=True)
class RenderPolicy:
    """``PORTALWATCH_RENDER`` and friends, with the Chromium that was found."""

    mode: str = "auto"
    chromium: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_settings(cls, settings: Any) -> "RenderPolicy":
        mode = str(settings.get("PORTALWATCH_RENDER") or "auto").lower()
        if mode not in MODES:
            raise ValueError(f"PORTALWATCH_RENDER 应为 auto、never 或 always：{mode}")
        timeout = float(settings.get("PORTALWATCH_RENDER_TIMEOUT") or DEFAULT_TIMEOUT)
        return cls(mode=mode, chromium=find_chromium(settings.get("PORTALWATCH_CHROMIUM") or None), timeout=timeout)

    @property
    def available(self) -> bool:
        return self.chromium is not None

    @property
    def active(self) -> bool:
        """Pages will actually be rendered."""
        return self.mode != "never" and self.available

    def needs_render(self, page: Page, html: str, is_home: bool, is_column: bool) -> str:
        """Why this page should be rendered under the current mode, or "" (not rendered)."""
        if self.mode == "never":
            return ""
        if self.mode == "always":
            return "always: 按设置渲染所有页面"
        return script_built(page, html, is_home, is_column)


def render_settings(mode: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Scrapy settings for ``--render MODE``: scrapy-playwright wired in only when it can be used."""
    overrides = overrides or {}
    settings: dict[str, Any] = {"PORTALWATCH_RENDER": mode,
                                "SPIDER_MIDDLEWARES": {MIDDLEWARE: 950}}
    chromium = find_chromium(overrides.get("PORTALWATCH_CHROMIUM") or None)
    if mode == "never" or chromium is None:
        return settings
    timeout = float(overrides.get("PORTALWATCH_RENDER_TIMEOUT") or DEFAULT_TIMEOUT)
    settings.update({
        # Only requests with meta["playwright"] go to the browser; every other request is
        # passed to Scrapy's own HTTP/1.1 handler by scrapy-playwright's handler.
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": chromium, "headless": True, "args": CHROMIUM_ARGS,
                                      "timeout": 30_000, "handle_sigint": False, "handle_sigterm": False},
        "PLAYWRIGHT_ABORT_REQUEST": "portalwatch.crawler.render_handler.abort_request",
        "PLAYWRIGHT_MAX_CONTEXTS": 2,  # the current context and one being drained
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout * 1000,
        "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": True,
    })
    return settings

