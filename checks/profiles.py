"""Required-column profiles: which columns a kind of site must have, and how old they may get.

A profile is a YAML data file (``checks/profiles/township.yaml`` ...) that users copy and
edit, then pass as ``--profile PATH``. Settings a profile file leaves out come from
``checks/profiles/_defaults.yaml``: the column-type maximum ages, the keyword classifier
for navigation columns that are not in the profile, the policy/interpretation column
keywords and the scoring settings. Why data and not code: inspectors in each province
use their own column lists and names, and they should not need a programmer to adapt them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from portalwatch.errors import InputError

COLUMN_TYPES = ("news", "notice", "plan", "static")
TYPE_LABELS = {"news": "动态类", "notice": "通知公告/政策文件类", "plan": "人事/规划/财政类", "static": "概况/职能类"}
BUILTIN = ("township", "department", "county")
DEFAULT_PROFILE = "township"
_MERGED_KEYS = ("max_age_days", "scoring", "interpretation")  # merged key by key over the defaults


@dataclass(frozen=True)
class ColumnSpec:
    """One required column: canonical name, type (sets the maximum age) and other names."""

    name: str
    type: str
    synonyms: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


@dataclass(frozen=True)
class Profile:
    """A loaded profile. Immutable: checks share one instance."""

    name: str
    columns: tuple[ColumnSpec, ...]
    title: str = ""
    max_age_days: Mapping[str, int | None] = field(default_factory=dict)
    classifier: tuple[tuple[str | None, tuple[str, ...]], ...] = ()  # (type or None = not judged, keywords)
    policy_columns: tuple[str, ...] = ()
    interpretation_columns: tuple[str, ...] = ()
    interpretation: Mapping[str, Any] = field(default_factory=dict)
    scoring: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # file it was read from

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Picklable and deep-copyable although its mappings are read-only views."""
        fields = {name: dict(value) if isinstance(value, MappingProxyType) else value
                  for name, value in self.__dict__.items()}
        return _rebuild, (fields,)

    def max_age(self, column_type: str | None) -> int | None:
        """Days the newest item of a column of this type may reach; None = never stale."""
        if column_type is None:
            return None
        return self.max_age_days.get(column_type)

    def classify(self, name: str) -> str | None:
        """Column type from keywords in ``name``; None when no keyword says (not checked)."""
        from portalwatch.checks.columns import normalise_name

        key = normalise_name(name)
        for column_type, keywords in self.classifier:
            if any(word in key for word in keywords):
                return column_type
        return None


def _rebuild(fields: dict[str, Any]) -> Profile:
    for name in ("max_age_days", "interpretation", "scoring"):
        fields[name] = MappingProxyType(fields[name])
    return Profile(**fields)


class ProfileError(InputError, ValueError):
    """A profile name or file that cannot be used (message in Chinese, fit for the CLI)."""

    exit_code, http_status = 2, 422


def _read_yaml(text: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"栏目配置文件 {where} 不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"栏目配置文件 {where} 的内容应是键值映射（name、columns ……）")
    return data


@functools.lru_cache(maxsize=None)
def _defaults() -> Mapping[str, Any]:
    text = (resources.files("portalwatch.checks") / "profiles" / "_defaults.yaml").read_text(encoding="utf-8")
    return _read_yaml(text, "_defaults.yaml")


def _words(value: Any, what: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and str(v).strip() for v in value):
        raise ProfileError(f"栏目配置文件 {where}：{what} 应是非空文字的列表")
    return tuple(str(v).strip() for v in value)


def _column_type(value: Any, column: str, where: str) -> str:
    if value not in COLUMN_TYPES:
        raise ProfileError(f"栏目配置文件 {where}：栏目“{column}”的类型“{value}”无效，"
                           f"应为 {'、'.join(COLUMN_TYPES)} 之一")
    return str(value)


def _columns(raw: Any, where: str) -> tuple[ColumnSpec, ...]:
    if not isinstance(raw, list) or not raw:
        raise ProfileError(f"栏目配置文件 {where} 缺少 columns 列表（必备栏目）")
    out: list[ColumnSpec] = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise ProfileError(f"栏目配置文件 {where}：第 {n} 个栏目缺少 name")
        name = str(item["name"]).strip()
        out.append(ColumnSpec(name=name, type=_column_type(item.get("type"), name, where),
                              synonyms=_words(item.get("synonyms"), f"栏目“{name}”的 synonyms", where)))
    names = [c.name for c in out]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ProfileError(f"栏目配置文件 {where}：栏目重复：{'、'.join(duplicated)}")
    return tuple(out)


def _max_ages(raw: Any, where: str) -> Mapping[str, int | None]:
    if not isinstance(raw, dict):
        raise ProfileError(f"栏目配置文件 {where}：max_age_days 应是“类型: 天数”的映射")
    out: dict[str, int | None] = {}
    for key, value in raw.items():
        _column_type(key, f"max_age_days.{key}", where)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ProfileError(f"栏目配置文件 {where}：max_age_days.{key} 应是不小于 0 的整数天数或 null")
        out[str(key)] = value
    return MappingProxyType(out)


def _classifier(raw: Any, where: str) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
    if not isinstance(raw, list):
        raise ProfileError(f"栏目配置文件 {where}：classifier 应是 {{type, keywords}} 的列表")
    out = []
    for item in raw:
        if not isinstance(item, dict) or "type" not in item:
            raise ProfileError(f"栏目配置文件 {where}：classifier 的每一项应含 type 和 keywords")
        column_type = None if item["type"] is None else _column_type(item["type"], "classifier", where)
        out.append((column_type, _words(item.get("keywords"), "classifier 的 keywords", where)))
    return tuple(out)


def profile_from_mapping(data: Mapping[str, Any], where: str = "<内存>") -> Profile:
    """Build a profile from parsed YAML, filling what it leaves out from the defaults."""
    base = _defaults()
    merged: dict[str, Any] = {**base, **data}
    for key in _MERGED_KEYS:
        if isinstance(data.get(key), dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **data[key]}
    for key in ("scoring", "interpretation"):
        if not isinstance(merged.get(key) or {}, dict):
            raise ProfileError(f"栏目配置文件 {where}：{key} 应是键值映射")
    name = str(merged.get("name") or Path(where).stem).strip()
    return Profile(
        name=name,
        title=str(merged.get("title") or name),
        columns=_columns(merged.get("columns"), where),
        max_age_days=_max_ages(merged.get("max_age_days") or {}, where),
        classifier=_classifier(merged.get("classifier") or [], where),
        policy_columns=_words(merged.get("policy_columns"), "policy_columns", where),
        interpretation_columns=_words(merged.get("interpretation_columns"), "interpretation_columns", where),
        interpretation=MappingProxyType(dict(merged.get("interpretation") or {})),
        scoring=MappingProxyType(dict(merged.get("scoring") or {})),
        source=where,
    )


@functools.lru_cache(maxsize=None)
def _builtin(name: str) -> Profile:
    resource = resources.files("portalwatch.checks") / "profiles" / f"{name}.yaml"
    return profile_from_mapping(_read_yaml(resource.read_text(encoding="utf-8"), f"{name}.yaml"), f"{name}.yaml")


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name (township, department, county) or a YAML file by path.

    Raises ``ValueError`` (``ProfileError``) with a Chinese message for an unknown name,
    a missing file or a file that is not a valid profile.
    """
    key = str(name_or_path or "").strip()
    if key in BUILTIN:
        return _builtin(key)
    path = Path(key).expanduser()
    if key and path.is_file():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"无法读取栏目配置文件 {path}：{exc}") from None
        return profile_from_mapping(_read_yaml(text, str(path)), str(path))
    if path.suffix.lower() in (".yaml", ".yml") or "/" in key or "\\" in key:
        raise ProfileError(f"找不到栏目配置文件：{key}")
    raise ProfileError(f"未知的栏目配置“{key}”：内置配置有 {'、'.join(BUILTIN)}，也可以给出 YAML 文件路径")


def profile_of(ctx: Any) -> Profile:
    """The profile a check should use: ``ctx.profile`` as loaded, or by name, or the default."""
    profile = getattr(ctx, "profile", None)
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, str) and profile.strip():
        return load_profile(profile)
    return load_profile(DEFAULT_PROFILE)
