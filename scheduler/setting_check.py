"""Checking ``--set KEY=VALUE`` overrides before anything is written.

A mistyped value used to surface mid-crawl as "Unhandled error in Deferred", after which
the run was stored as complete with 0 pages and a perfect score. Every PORTALWATCH_*
setting declared in crawler/settings.py, and every Scrapy setting with a default, is
checked here against the type of its default, so the audit stops with one line and
exit 2 instead. Undeclared PORTALWATCH_* keys pass: checks read their own thresholds
(e.g. PORTALWATCH_HOMEPAGE_MAX_AGE) from the audit settings.
"""

from __future__ import annotations

from typing import Any, Callable

from portalwatch.errors import InputError


class SettingError(InputError, ValueError):
    """A ``--set`` value that cannot work; the message is one Chinese line."""

    exit_code, http_status = 2, 400


BOOL_WORDS = {"true", "false", "1", "0"}


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool) or value in (0, 1) or (isinstance(value, str) and value.lower() in BOOL_WORDS)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _workers(value: Any) -> bool:  # PORTALWATCH_ANALYSIS_WORKERS: "auto" or a process count
    return value in (None, "", "auto") or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


SPECIAL: dict[str, tuple[Callable[[Any], bool], str]] = {
    "PORTALWATCH_ANALYSIS_WORKERS": (_workers, "auto 或不小于 0 的整数"),
}


def _expect(default: Any, own: bool) -> tuple[Callable[[Any], bool], str] | None:
    """A test for values of a setting with this default, and its name; None when anything goes."""
    if isinstance(default, bool):
        return _is_bool, "true 或 false"
    if isinstance(default, int):
        if own:
            return (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0), "不小于 0 的整数"
        return _is_number, "数字"
    if isinstance(default, float):
        return (lambda v: _is_number(v) and (v >= 0 or not own)), "不小于 0 的数字" if own else "数字"
    if isinstance(default, dict):
        return (lambda v: isinstance(v, dict)), 'JSON 对象（如 {"a": "b"}）'
    if isinstance(default, (list, tuple)):
        return (lambda v: isinstance(v, (list, tuple))), 'JSON 数组（如 ["a"]）'
    if isinstance(default, str):
        return (lambda v: isinstance(v, (str, int, float)) and not isinstance(v, bool)), "文字"
    return None


def _declared() -> tuple[dict[str, Any], dict[str, Any]]:
    import scrapy.settings.default_settings as scrapy_defaults

    from portalwatch.crawler import settings as ours

    own = {k: getattr(ours, k) for k in dir(ours) if k.startswith("PORTALWATCH_")}
    theirs = {k: getattr(scrapy_defaults, k) for k in dir(scrapy_defaults) if k.isupper()}
    return own, theirs


def _loadable(path: str) -> bool:
    from scrapy.utils.misc import load_object

    try:
        load_object(path)
    except Exception:
        return False
    return True


COMPONENT_DICTS = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES", "ADDONS")


def _check_components(key: str, value: Any) -> None:
    """``{"dotted.Class": order}`` settings: every class must import and every order be a number or null."""
    if not isinstance(value, dict):
        return
    for path, order in value.items():
        if order is not None and not _is_number(order):
            raise SettingError(f"设置 {key} 中 {path} 的顺序应为数字或 null：{order!r}")
        if order is not None and isinstance(path, str) and not _loadable(path):
            raise SettingError(f"设置 {key} 中的组件无法加载：{path}")


def check_settings(values: dict[str, Any]) -> None:
    """Raise SettingError for the first override whose value cannot work."""
    own, theirs = _declared()
    for key, value in values.items():
        if key in COMPONENT_DICTS:
            _check_components(key, value)
        if key in SPECIAL:
            test, wanted = SPECIAL[key]
        elif key in own or key in theirs:
            default = own[key] if key in own else theirs[key]
            expected = _expect(default, own=key in own)
            if expected is None:
                continue
            test, wanted = expected
            if test(value) and isinstance(default, str) and isinstance(value, str) and _is_class_path(default) \
                    and not _loadable(value):
                raise SettingError(f"设置 {key} 应为可导入的类路径，无法加载：{value}")
        else:
            continue
        if not test(value):
            raise SettingError(f"设置 {key} 的值无效：{value!r}（应为{wanted}）")


def _is_class_path(default: str) -> bool:
    """Scrapy defaults like ``scrapy.resolver.CachingThreadedResolver`` name an importable object."""
    parts = default.split(".")
    return len(parts) >= 3 and all(p.isidentifier() for p in parts) and parts[-1][:1].isupper()
