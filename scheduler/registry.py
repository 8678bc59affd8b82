"""The site registry's input side: validating one site, reading CSV and YAML registries.

A registry file of hundreds of sites always has a few bad rows. Each row is validated on
its own and reported with its line number, and the good rows still import: an office
fixes the bad lines and imports the file again, which updates and never duplicates
(the site name is the key). One site is registered once: a second name for the same
address is refused, naming the site that already has it, since runs of both would make
its findings jump between the two.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

import yaml

from portalwatch.errors import InputError
from portalwatch.crawler.scope import SCOPES, host_key, site_directory
from portalwatch.scheduler.audit import AuditError, load_profile, normalise_url

MAX_EMAILS = 3
RENDER_MODES = ("auto", "never", "always")
EMAIL_RE = re.compile(r"^[^@\s;,<>]+@[^@\s;,<>]+\.[^@\s;,<>]+$")
# Header aliases: offices keep their registries in Excel with Chinese headers.
ALIASES = {
    "名称": "name", "网站名称": "name", "网址": "url", "网站地址": "url", "栏目配置": "profile",
    "类型": "profile", "单位": "unit", "主办单位": "unit", "地区": "region", "区域": "region",
    "负责人": "contact", "联系人": "contact", "邮箱": "emails", "电子邮箱": "emails", "email": "emails",
    "启用": "enabled", "最多页面": "max_pages", "渲染": "render", "并发": "concurrency",
    "间隔": "delay", "计划": "schedule", "时限": "time_limit", "范围": "scope",
}
SETTING_FIELDS = ("max_pages", "render", "concurrency", "delay", "schedule", "time_limit", "scope")
TRUE = {"1", "true", "yes", "y", "on", "是", "启用"}
FALSE = {"0", "false", "no", "n", "off", "否", "停用", "禁用"}


class SiteError(InputError, ValueError):
    """A registry row that cannot be used; the message is Chinese and names the field."""

    exit_code, http_status = 2, 422


@dataclass
class ImportReport:
    rows: list[dict[str, Any]] = field(default_factory=list)  # validated sites, in file order
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, Chinese reason)
    lines: list[int] = field(default_factory=list)  # the line of each row in ``rows``

    def refuse_registered(self, existing: Iterable[dict[str, Any]]) -> None:
        """Move rows whose address another registered site already has into ``errors``."""
        kept: list[tuple[int, dict[str, Any]]] = []
        existing = list(existing)
        for line, row in zip(self.lines, self.rows):
            try:
                refuse_duplicate(row, existing)
                kept.append((line, row))
            except SiteError as exc:
                self.errors.append((line, str(exc)))
        self.errors.sort()
        self.lines, self.rows = [k[0] for k in kept], [k[1] for k in kept]


def site_key(url: str) -> str:
    """What makes two registered addresses the same site: host (no ``www.``, no default port),
    and the site's directory, case-folded; http and https are one site."""
    parts = urlsplit(url)
    port = parts.port if parts.port not in (None, 80, 443) else None
    return f"{host_key(parts.hostname)}:{port or ''}{site_directory(parts.path).lower()}"


def refuse_duplicate(site: dict[str, Any], registered: Iterable[dict[str, Any]]) -> None:
    """SiteError when a site of another name is registered at the same address."""
    key = site_key(site["url"])
    for other in registered:
        if other["name"] != site["name"] and site_key(other["url"]) == key:
            raise SiteError(f"网址 {site['url']} 已登记为网站“{other['name']}”，同一网站不能以两个名称登记"
                            f"（如需改名，请先删除“{other['name']}”）")


def split_emails(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else re.split(r"[;；,，\s]+", str(value))
    return [str(e).strip() for e in items if str(e).strip()]


def parse_bool(value: Any, default: bool = True) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise SiteError(f"启用标志应为 是/否 或 1/0：{value}")


def parse_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """Per-site settings from a row or the command line; absent or blank fields are left out."""
    out: dict[str, Any] = {}
    for key in SETTING_FIELDS:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            if key in ("max_pages", "concurrency", "time_limit"):
                out[key] = int(value)
                if out[key] < 1:
                    raise ValueError
            elif key == "delay":
                out[key] = float(value)
                if out[key] < 0:
                    raise ValueError
            elif key in ("render", "scope"):
                if str(value).strip() not in (RENDER_MODES if key == "render" else SCOPES):
                    raise ValueError
                out[key] = str(value).strip()
            else:
                from portalwatch.scheduler.daemon import parse_cron

                parse_cron(str(value))
                out[key] = str(value).strip()
        except (ValueError, TypeError):
            raise SiteError(f"设置 {key} 的值无效：{value}") from None
    return out


_profiles_ok: dict[str, str | None] = {}


def check_profile(name: str) -> None:
    if name not in _profiles_ok:
        try:
            load_profile(name)
            _profiles_ok[name] = None
        except AuditError as exc:
            _profiles_ok[name] = str(exc)
    if _profiles_ok[name]:
        raise SiteError(_profiles_ok[name])


def validate_site(raw: dict[str, Any]) -> dict[str, Any]:
    """A clean registry row from user input (file row or command line), or SiteError."""
    row = {ALIASES.get(str(k).strip(), str(k).strip().lower()): v for k, v in raw.items() if k is not None}
    name = str(row.get("name") or "").strip()
    if not name:
        raise SiteError("缺少网站名称（name）")
    if len(name) > 100 or any(ord(ch) < 32 for ch in name):
        raise SiteError(f"网站名称过长或含控制字符：{name[:40]}")
    try:
        url = normalise_url(str(row.get("url") or ""))
    except AuditError as exc:
        raise SiteError(str(exc)) from None
    profile = str(row.get("profile") or "").strip() or "township"
    check_profile(profile)
    emails = split_emails(row.get("emails"))
    bad = [e for e in emails if not EMAIL_RE.match(e)]
    if bad:
        raise SiteError(f"邮箱地址格式不正确：{bad[0]}")
    if len(emails) > MAX_EMAILS:
        raise SiteError(f"联系邮箱最多 {MAX_EMAILS} 个，本行有 {len(emails)} 个")
    site = {"name": name, "url": url, "profile": profile, "emails": emails,
            "enabled": parse_bool(row.get("enabled")), "settings": parse_settings(row)}
    for key in ("unit", "region", "contact"):
        value = row.get(key)
        site[key] = str(value).strip() if value is not None and str(value).strip() else None
    return site


def read_registry(path: Path) -> ImportReport:
    """Validate every row of a CSV or YAML registry file; raise SiteError if the file is unusable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SiteError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _yaml_rows(data)
    else:
        rows = _csv_rows(data)
    report = ImportReport()
    names: dict[str, int] = {}
    addresses: dict[str, int] = {}
    for line, raw in rows:
        try:
            if isinstance(raw, str):
                raise SiteError(raw)
            site = validate_site(raw)
            if site["name"] in names:
                raise SiteError(f"网站名称“{site['name']}”与第 {names[site['name']]} 行重复")
            if site_key(site["url"]) in addresses:
                raise SiteError(f"网址 {site['url']} 与第 {addresses[site_key(site['url'])]} 行是同一网站")
        except SiteError as exc:
            report.errors.append((line, str(exc)))
            continue
        names[site["name"]] = line
        addresses[site_key(site["url"])] = line
        report.rows.append(site)
        report.lines.append(line)
    return report


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GBK; everything else is UTF-8 (often with a BOM).
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _csv_rows(data: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [ALIASES.get((h or "").strip(), (h or "").strip().lower()) for h in (reader.fieldnames or [])]
    if "name" not in header or "url" not in header:
        raise SiteError("CSV 文件第 1 行应为表头，至少包含 name 和 url 两列")
    while True:  # line_num is the record's last physical line: its line for all one-line rows
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, f"CSV 格式错误：{exc}"
            continue
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue  # a row of empty cells
        if raw.get(None):
            yield reader.line_num, "本行的列数多于表头"
            continue
        yield reader.line_num, raw


def _yaml_rows(data: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
    text = _decode(data)
    try:
        root = yaml.compose(text)
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else ""
        raise SiteError(f"YAML 格式错误{where}：{getattr(exc, 'problem', exc)}") from None
    if isinstance(value, dict) and isinstance(value.get("sites"), list):
        node = next(v for k, v in root.value if k.value == "sites")
        value = value["sites"]
    else:
        node = root
    if not isinstance(value, list):
        raise SiteError("YAML 文件应为网站列表（或含 sites: 列表）")
    for item_node, item in zip(node.value, value):
        line = item_node.start_mark.line + 1
        yield line, item if isinstance(item, dict) else "本项应为包含 name、url 等字段的映射"
