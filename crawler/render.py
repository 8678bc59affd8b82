"""When to render a page in headless Chromium, and where Chromium is.

A crawler that reads only the HTML calls a column missing when the site writes its menu
with a script, and calls a list empty when the site loads it as JSON: false accusations.
A browser for every page is slow, so ``--render auto`` (the default) renders only
(a) the homepage when its navigation is built by script and (b) column pages whose list
is empty in the HTML but filled by a script. ``always`` renders every HTML page and
``never`` none (pages that would have needed it are still counted, so the summary can
say which verdicts to doubt).

This module decides; it imports neither Playwright nor the spider. The browser work is
done by ``render_handler`` (scrapy-playwright) and ``render_middleware`` (the spider
middleware that asks for renders and swaps rendered pages in).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
from dataclasses import dataclass
from typing import Any, Mapping

from lxml import etree, html as lxml_html

from portalwatch.crawler.snapshot import Page

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
                 "--disable-features=Translate,MediaRouter,OptimizationHints"]
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
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT

    @classmethod
    def from_settings(cls, settings: Any) -> "RenderPolicy":
        mode = str(settings.get("PORTALWATCH_RENDER") or "auto").lower()
        if mode not in MODES:
            raise ValueError(f"PORTALWATCH_RENDER 应为 auto、never 或 always：{mode}")
        timeout = float(settings.get("PORTALWATCH_RENDER_TIMEOUT") or DEFAULT_TIMEOUT)
        idle = float(settings.get("PORTALWATCH_RENDER_IDLE_TIMEOUT") or DEFAULT_IDLE_TIMEOUT)
        return cls(mode=mode, chromium=find_chromium(settings.get("PORTALWATCH_CHROMIUM") or None),
                   timeout=timeout, idle_timeout=min(idle, timeout / 2))

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


# -- does this page need a browser? -----------------------------------------------------

_FETCH = re.compile(
    r"XMLHttpRequest|\bfetch\s*\(|\$\.(?:ajax|get|getJSON|post)\b|jQuery\.(?:ajax|get|getJSON|post)\b|"
    r"\baxios\b|\.load\s*\(\s*['\"]|\.json\b|/api/|\bJSON\.parse\b|\bjsonp\b", re.I)
_DOM = re.compile(
    r"document\.write|\.innerHTML\s*\+?=|insertAdjacentHTML|appendChild|\.append\s*\(|\.html\s*\(|"
    r"createElement\s*\(|\btemplate\s*\(|\.render\s*\(|new\s+Vue\b|createApp\s*\(|ReactDOM|\{\{", re.I)
_TARGET = re.compile(
    r"getElementById\(\s*['\"]([\w:-]+)['\"]|(?:\$|jQuery|querySelector(?:All)?)\(\s*['\"]([#.])([\w-]+)")
_MENU_SCRIPT = re.compile(r"(?:^|[/_.-])(?:nav|menu|daohang|dh|header|head|top|lanmu|column)[\w.-]*\.js", re.I)
_SPA_SCRIPT = re.compile(r"vue|react|angular|chunk-vendors|app\.[0-9a-f]{6,}\.js|main\.[0-9a-f]{6,}\.js", re.I)
_LIST_NAME = re.compile(r"list|news|article|lb|liebiao|xxgk|data|items|dynamic|dongtai|tzgg|gkml|zwgk|"
                        r"content|con\b|info|tbody|table", re.I)
_NAV_NAME = re.compile(r"nav|menu|daohang|lanmu|column|\bdh\b|\blm\b", re.I)
_LOADING = re.compile(r"加载中|正在加载|数据加载|loading", re.I)
_MAX_SCRIPT_CHARS = 400_000
MIN_NAV_LINKS = 3  # fewer navigation entries than this: the homepage's menu is not in the HTML
MIN_HOME_LINKS = 5
EMPTY_TEXT = 20  # a container with less visible text than this (and no links) is empty


@dataclass
class _Scripts:
    fetches: bool
    builds: bool
    menu_src: bool
    spa: bool
    any: bool
    targets: list[tuple[str, str]]  # ("#", id) or (".", class) that scripts write into

    def kinds(self) -> str:
        names = [n for n, on in (("XHR/JSON", self.fetches), ("DOM 写入", self.builds),
                                 ("菜单脚本", self.menu_src), ("前端框架", self.spa)) if on]
        return "、".join(names) or "脚本"


def _scripts(doc: etree._Element) -> _Scripts:
    inline: list[str] = []
    srcs: list[str] = []
    size = 0
    for el in doc.iter("script"):
        src = el.get("src")
        if src:
            srcs.append(src)
            continue
        text = el.text or ""  # every type counts: text/html templates and inline JSON are clues too
        if size + len(text) > _MAX_SCRIPT_CHARS:
            text = text[: max(0, _MAX_SCRIPT_CHARS - size)]
        size += len(text)
        inline.append(text)
    code = "\n".join(inline)
    handlers = " ".join(v for el in doc.iter() if isinstance(el.tag, str)
                        for k, v in el.attrib.items() if k.startswith("on"))
    targets = [("#", m.group(1)) if m.group(1) else (m.group(2), m.group(3)) for m in _TARGET.finditer(code)]
    return _Scripts(fetches=bool(_FETCH.search(code) or _FETCH.search(handlers)),
                    builds=bool(_DOM.search(code)),
                    menu_src=any(_MENU_SCRIPT.search(s) for s in srcs),
                    spa=any(_SPA_SCRIPT.search(s) for s in srcs),
                    any=bool(srcs or code.strip()),
                    targets=targets)


def _visible_text(el: etree._Element) -> str:
    parts = [t for node in el.iter() if isinstance(node.tag, str) and node.tag not in ("script", "style")
             for t in (node.text,) if t]
    parts += [node.tail for node in el.iter() if node is not el and node.tail]
    return "".join("".join(parts).split())


def _is_empty(el: etree._Element) -> bool:
    if any(a.get("href") and not a.get("href", "").lower().startswith(("javascript:", "#")) for a in el.iter("a")):
        return False
    text = _visible_text(el)
    return len(text) < EMPTY_TEXT or bool(_LOADING.search(text) and len(text) < 60)


def _names(el: etree._Element) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}"


def _empty_targets(doc: etree._Element, targets: list[tuple[str, str]]) -> list[etree._Element]:
    """Elements that a script writes into and that are empty in the HTML."""
    found: list[etree._Element] = []
    seen: set[int] = set()
    for kind, name in targets:
        if kind == "#":
            els = doc.xpath("//*[@id=$n]", n=name)
        else:
            els = doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), $n)]", n=f" {name} ")
        for el in els[:3]:
            if id(el) not in seen and el.tag not in ("body", "html", "script") and _is_empty(el):
                seen.add(id(el))
                found.append(el)
    return found


def _empty_list_containers(doc: etree._Element) -> list[etree._Element]:
    """List-looking containers (ul, tbody, div.list ...) with nothing in them."""
    out = []
    for el in doc.iter("ul", "ol", "tbody", "div", "table", "section"):
        names = _names(el)
        if (el.tag in ("tbody",) or _LIST_NAME.search(names)) and not _NAV_NAME.search(names) and _is_empty(el):
            if el.tag == "div" and len(el) > 3:  # a layout block, not an empty list
                continue
            out.append(el)
    return out


def _label(el: etree._Element) -> str:
    if el.get("id"):
        return f"#{el.get('id')}"
    cls = (el.get("class") or "").split()
    return f"{el.tag}.{cls[0]}" if cls else el.tag


def _nav_count(page: Page) -> int:
    nodes = sum(1 for root in page.nav for _ in root.walk())
    return max(nodes, sum(1 for link in page.links if link.nav))


def _parse(html: str) -> etree._Element | None:
    if not html or not html.strip():
        return None
    try:
        return lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        try:
            return lxml_html.document_fromstring(html.encode("utf-8", "replace"))
        except (etree.ParserError, ValueError):
            return None


def _html_links(doc: etree._Element) -> int:
    return sum(1 for a in doc.iter("a")
               if (a.get("href") or "").strip() and not a.get("href", "").strip().lower().startswith(
                   ("javascript:", "#", "mailto:", "tel:")))


def script_built(page: Page, html: str, is_home: bool, is_column: bool) -> str:
    """``--render auto``'s judgement: a reason ("code: 中文说明") when the page's navigation or
    list is built by script in the browser, else "". Pages that already show their content
    are never rendered."""
    if not (is_home or is_column):
        return ""
    doc = _parse(html)
    if doc is None:
        return ""
    scripts = _scripts(doc)
    if not scripts.any:
        return ""
    empty_targets = _empty_targets(doc, scripts.targets)
    links = max(_html_links(doc), sum(1 for link in page.links if link.kind == "page"))
    if is_home:
        nav = _nav_count(page)
        nav_targets = [el for el in empty_targets if _NAV_NAME.search(_names(el))]
        builders = scripts.fetches or scripts.builds or scripts.menu_src or scripts.spa
        if nav_targets and builders:
            return (f"home_nav_script: 首页导航由脚本生成（{_label(nav_targets[0])} 在 HTML 中为空，"
                    f"脚本：{scripts.kinds()}）")
        if nav < MIN_NAV_LINKS and builders:
            return f"home_nav_script: 首页导航由脚本生成（HTML 中导航链接 {nav} 个，脚本：{scripts.kinds()}）"
        if links < MIN_HOME_LINKS:
            return f"home_script_only: 首页 HTML 中几乎没有链接（{links} 个），内容可能由脚本生成"
        return ""
    if page.list_items:
        return ""
    data = scripts.fetches or scripts.spa
    if not (data or scripts.builds):
        return ""
    list_targets = [el for el in empty_targets if not _NAV_NAME.search(_names(el))]
    if list_targets and data:
        return (f"list_script: 列表由脚本加载（{_label(list_targets[0])} 在 HTML 中为空，"
                f"脚本：{scripts.kinds()}）")
    containers = _empty_list_containers(doc)
    if containers and data:
        return (f"list_script: 列表由脚本加载（{_label(containers[0])} 在 HTML 中为空，"
                f"脚本：{scripts.kinds()}）")
    if list_targets and scripts.builds and page.text_length < 200:
        return f"list_script: 列表由脚本生成（{_label(list_targets[0])} 在 HTML 中为空）"
    if scripts.spa and links < MIN_HOME_LINKS:
        return f"page_script_only: 页面由前端框架生成（HTML 中链接 {links} 个）"
    return ""
