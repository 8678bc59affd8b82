"""Which checks run: one dict of dotted paths, built-ins listed exactly like user checks.

``BUILTIN_CHECKS`` is merged with the ``checks:`` key of the config file named by
``PORTALWATCH_CONFIG`` (a YAML mapping ``check id: dotted.path.ToClass``), then with the audit
setting ``PORTALWATCH_CHECKS`` (``--set PORTALWATCH_CHECKS='{...}'``): a new id adds a check, a
dotted path replaces one, ``null`` switches one off. The merged order is the display order of
summaries and notices (built-ins first, in the order of the national indicators).

Every check must load: a user's line that cannot be imported, names no class, or names something
that is not a ``Check`` with that id, and a built-in whose import fails (a broken install would
silently lose the veto check of an unreachable site) raise :class:`CheckLoadError` — one Chinese
line naming the config line — and the audit stops with exit 2 before anything is written.

Everything else reads checks through this module: ``check_class(id)`` (the class of a stored
finding's check, also when it has since been switched off), ``title_of(id)``, ``check_order(id)``.
"""

from __future__ import annotations

import importlib
import logging
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from portalwatch.checks.base import Check, Context, Finding, Note, Undecided
from portalwatch.crawler.snapshot import Snapshot
from portalwatch.errors import PortalwatchError

log = logging.getLogger(__name__)

BUILTIN_CHECKS: dict[str, str | None] = {
    "site_unreachable": "portalwatch.checks.site_unreachable.SiteUnreachable",
    "stale_homepage": "portalwatch.checks.stale_homepage.StaleHomepage",
    "missing_column": "portalwatch.checks.missing_column.MissingColumn",
    "empty_column": "portalwatch.checks.empty_column.EmptyColumn",
    "stale_column": "portalwatch.checks.stale_column.StaleColumn",
    "missing_interpretation": "portalwatch.checks.missing_interpretation.MissingInterpretation",
    "dead_link": "portalwatch.checks.dead_link.DeadLink",
    "unanswered_message": "portalwatch.checks.unanswered_message.UnansweredMessage",
    "privacy_exposure": "portalwatch.checks.privacy_exposure.PrivacyExposure",
    "content_error": "portalwatch.checks.content_error.ContentError",
    "service_guide_incomplete": "portalwatch.checks.service_guide_incomplete.ServiceGuideIncomplete",
    "site_identity": "portalwatch.checks.site_identity.SiteIdentity",
    "missing_annual_report": "portalwatch.checks.missing_annual_report.MissingAnnualReport",
}


class CheckLoadError(PortalwatchError):
    """A configured or built-in check cannot be loaded: one Chinese line naming the config line."""

    exit_code, http_status = 2, 500  # the office's configuration, not the request, is wrong


def load_object(path: str) -> Any:
    module_name, _, attr = path.rpartition(".")
    if not module_name:
        raise ImportError(f"不是“模块.类名”形式的路径：{path}")
    module = importlib.import_module(module_name)
    return getattr(module, attr)


# -- the config file -------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One line of the merged registry: where it comes from, for error messages."""

    path: str | None
    origin: str  # 内置 / 配置文件 x.yaml 第 3 行 / 设置 PORTALWATCH_CHECKS


def _config_entries(path: str | None) -> dict[str, Entry]:
    """``checks:`` of the config file, each with its line number."""
    if not path or not Path(path).is_file():
        return {}
    import yaml

    text = Path(path).read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise CheckLoadError(f"配置文件 {path} 无法解析：{' '.join(str(exc).split())}") from None
    if root is None or not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value != "checks":
            continue
        where = f"配置文件 {path} 第 {key.start_mark.line + 1} 行"
        if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null"):
            return {}
        if not isinstance(value, yaml.MappingNode):
            raise CheckLoadError(f"{where}：checks 应为“检查项编号: 模块.类名”的映射")
        out: dict[str, Entry] = {}
        for k, v in value.value:
            line = f"配置文件 {path} 第 {k.start_mark.line + 1} 行 checks.{k.value}"
            if not isinstance(v, yaml.ScalarNode):
                raise CheckLoadError(f"{line}：应为“模块.类名”形式的路径，或 null 关闭该检查项")
            dotted = None if v.tag.endswith(":null") or v.value in ("", "~") else str(v.value).strip()
            out[str(k.value)] = Entry(dotted, line)
        return out
    return {}


_config_cache: dict[tuple, dict[str, Entry]] = {}


def config_checks(env: Mapping[str, str] | None = None) -> dict[str, Entry]:
    """The ``checks:`` lines of ``PORTALWATCH_CONFIG`` (re-read when the file changes)."""
    path = (os.environ if env is None else env).get("PORTALWATCH_CONFIG")
    if not path:
        return {}
    try:
        stamp = Path(path).stat().st_mtime_ns
    except OSError:
        return {}
    key = (path, stamp)
    if key not in _config_cache:
        _config_cache.clear()
        _config_cache[key] = _config_entries(path)
    return _config_cache[key]


def registry_entries(overrides: Mapping[str, str | None] | None = None,
                     env: Mapping[str, str] | None = None) -> dict[str, Entry]:
    """Built-ins, then the config file's ``checks:``, then the audit setting ``PORTALWATCH_CHECKS``."""
    merged = {check_id: Entry(path, "内置") for check_id, path in BUILTIN_CHECKS.items()}
    merged.update(config_checks(env))
    if overrides is not None and not isinstance(overrides, Mapping):
        raise CheckLoadError("设置 PORTALWATCH_CHECKS 应为“检查项编号: 模块.类名”的映射（JSON 对象）")
    merged.update({str(k): Entry(v, f"设置 PORTALWATCH_CHECKS 的 {k}") for k, v in (overrides or {}).items()})
    return merged


def load_check(check_id: str, entry: Entry) -> type[Check]:
    """The class of one registry line, or CheckLoadError saying what is wrong with the line."""
    what = f"内置检查项 {check_id}" if entry.origin == "内置" else f"{entry.origin}"
    try:
        cls = load_object(str(entry.path))
    except Exception as exc:  # ImportError, AttributeError, or the module itself failing
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        if entry.origin == "内置":
            raise CheckLoadError(f"内置检查项 {check_id} 无法加载（{entry.path}）：{detail}；"
                                 "安装可能已损坏，请重新安装 portalwatch") from None
        raise CheckLoadError(f"{what}：无法加载检查项（{entry.path}）：{detail}") from None
    if not (isinstance(cls, type) and issubclass(cls, Check)):
        raise CheckLoadError(f"{what}：{entry.path} 不是检查项类（应继承 portalwatch.checks.base.Check）")
    if cls.id != check_id:
        raise CheckLoadError(f"{what}：{entry.path} 的 id 为“{cls.id}”，与配置的检查项编号 {check_id} 不一致")
    if cls.severity not in ("veto", "major", "minor"):
        raise CheckLoadError(f"{what}：{entry.path} 的 severity 应为 veto、major 或 minor，而不是“{cls.severity}”")
    return cls


def enabled_checks(overrides: Mapping[str, str | None] | None = None,
                   env: Mapping[str, str] | None = None) -> dict[str, type[Check]]:
    """Resolve the registry (built-ins, config file, ``overrides``) into check classes, in
    display order. Raises CheckLoadError for any line that cannot be loaded."""
    classes: dict[str, type[Check]] = {}
    for check_id, entry in registry_entries(overrides, env).items():
        if entry.path:
            classes[check_id] = load_check(check_id, entry)
    return classes


_known: dict[tuple, dict[str, type[Check]]] = {}


def known_checks() -> dict[str, type[Check]]:
    """For showing stored findings: the enabled checks, then switched-off built-ins; a line
    that cannot be loaded is left out with a log line (showing a notice must not fail)."""
    try:
        entries = registry_entries()
    except CheckLoadError as exc:
        log.warning("%s", exc)
        entries = {check_id: Entry(path, "内置") for check_id, path in BUILTIN_CHECKS.items()}
    memo = tuple(entries.items())
    if memo not in _known:
        _known.clear()
        _known[memo] = _known_from(entries)
    return _known[memo]


def _known_from(entries: Mapping[str, Entry]) -> dict[str, type[Check]]:
    out: dict[str, type[Check]] = {}
    for check_id, entry in [*entries.items(), *((k, Entry(v, "内置")) for k, v in BUILTIN_CHECKS.items())]:
        if check_id in out or not entry.path:
            continue
        try:
            out[check_id] = load_check(check_id, entry)
        except CheckLoadError as exc:
            log.warning("%s", exc)
    return out


_generic: dict[str, type[Check]] = {}


def check_class(check_id: str) -> type[Check]:
    """The class of a (stored) finding's check; for an id no line names any more, a plain
    ``Check`` with that id (its title is the id, its scoring the defaults)."""
    found = known_checks().get(check_id)
    if found is not None:
        return found
    if check_id not in _generic:
        _generic[check_id] = type(f"Unknown_{check_id}", (Check,), {"id": check_id, "__doc__": ""})
    return _generic[check_id]


def title_of(check_id: str) -> str:
    """The Chinese title of a check (its id when nothing names it)."""
    return check_class(check_id).display_title()


def check_order(check_id: str) -> int:
    """Display position: registry order; unknown ids after every known one."""
    order = list(known_checks())
    return order.index(check_id) if check_id in order else len(order)


# -- running ---------------------------------------------------------------------------------

@dataclass
class CheckResults:
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    undecided: list[Undecided] = field(default_factory=list)  # what could not be looked at
    errors: dict[str, str] = field(default_factory=dict)  # check id -> traceback


def run_checks(site: Snapshot, ctx: Context, overrides: Mapping[str, str | None] | None = None,
               classes: Mapping[str, type[Check]] | None = None) -> CheckResults:
    """Run every enabled check; a crashing check is reported and the others still run."""
    results = CheckResults()
    for check_id, cls in (classes if classes is not None else enabled_checks(overrides)).items():
        check = cls()
        try:
            found = list(check.run(site, ctx))
        except Exception:  # a user's check must not take the audit down
            log.exception("check %s crashed", check_id)
            results.errors[check_id] = traceback.format_exc(limit=5)
            continue
        results.findings.extend(found)
        results.notes.extend(check.notes)
        results.undecided.extend(getattr(check, "undecided", []))
    return results
