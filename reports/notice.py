"""Rectification notices (整改通知): built from the database, rendered with Jinja2.

The workflow the notice serves (rules §6, seeds 000/001): the office inspects a site,
issues improvement opinions with a deadline (限期整改), the unit reports back in writing,
and the office re-checks (复查, see ``followup.py``) and accepts. A notice lists the site's
open findings (finding history statuses ``new``/``open``/``reopened``), grouped by check in
the order an inspector reads them: veto items first, then the order of the check registry.
Each group's title, guidance and evidence lines come from its check class.

Everything taken from the inspected site (titles, link texts, URLs, messages) is
untrusted: the HTML template autoescapes it, and phone and ID numbers in it are masked
before rendering, because published notices are themselves inspected for privacy.

Settings (environment first, then the YAML file named by ``PORTALWATCH_CONFIG``, whose
keys are the same names): ``PORTALWATCH_OFFICE`` (issuing office),
``PORTALWATCH_NOTICE_NUMBER`` (number pattern, ``{year}`` and ``{seq}``),
``PORTALWATCH_NOTICE_DAYS`` (working days to fix), ``PORTALWATCH_NOTICE_CONTACT`` (the
office's contact line), ``PORTALWATCH_NOTICE_CC`` (抄送), ``PORTALWATCH_NOTICE_HOLIDAYS``
(comma-separated ISO dates that are not working days).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import jinja2
import markupsafe

from portalwatch.errors import PortalwatchError, UnknownSiteError
from portalwatch.reports.privacy import mask_tree
from portalwatch.reports.safetext import clean
from portalwatch.reports.storage import ACTIVE_STATUSES, NoticeStore
from portalwatch.checks.base import Check
from portalwatch.checks.registry import check_class, check_order
from portalwatch.reports.summary import SEVERITY_NAMES, counted_score

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_OFFICE = "XX市人民政府办公室政务公开办"


def is_placeholder_office(office: str | None) -> bool:
    """The issuing office is still the shipped placeholder (XX市…): not fit to go out."""
    return not office or office == DEFAULT_OFFICE or "XX" in office.upper()


DEFAULT_NUMBER = "〔{year}〕第{seq}号"
DEFAULT_DAYS = 10
SEVERITY_RANK = {"veto": 0, "major": 1, "minor": 2}
CN_NUMERALS = "一二三四五六七八九十"


class NoticeError(PortalwatchError):
    """A notice cannot be made (unknown site, nothing to notify): message in Chinese."""

    exit_code, http_status = 2, 409


class UnknownNoticeSite(UnknownSiteError, NoticeError):
    """The notice names no registered site."""

    exit_code, http_status = 2, 404


# -- settings ---------------------------------------------------------------------------

def settings_reader(env: Mapping[str, str] | None = None) -> Callable[[str, str | None], str | None]:
    """``get(name, default)`` for ``PORTALWATCH_*`` settings: the environment, else the config
    file (read at most once per reader, so a long-running daemon still sees edits), else ``default``."""
    env = os.environ if env is None else env
    config: dict[str, Any] | None = None

    def get(name: str, default: str | None = None) -> str | None:
        nonlocal config
        if env.get(name):
            return env[name]
        if config is None:
            config = _config_file(env.get("PORTALWATCH_CONFIG"))
        value = config.get(name)
        return str(value) if value not in (None, "") else default

    return get


def _config_file(path: str | None) -> dict[str, Any]:
    if not path or not Path(path).is_file():
        return {}
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


@dataclass
class NoticeConfig:
    """How this office issues notices."""

    office: str = DEFAULT_OFFICE
    number_pattern: str = DEFAULT_NUMBER
    working_days: int = DEFAULT_DAYS
    contact: str = ""
    copy_to: str = ""
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "NoticeConfig":
        get = settings_reader(env)
        holidays = get("PORTALWATCH_NOTICE_HOLIDAYS", "") or ""
        return cls(
            office=get("PORTALWATCH_OFFICE", DEFAULT_OFFICE) or DEFAULT_OFFICE,
            number_pattern=get("PORTALWATCH_NOTICE_NUMBER", DEFAULT_NUMBER) or DEFAULT_NUMBER,
            working_days=int(get("PORTALWATCH_NOTICE_DAYS", str(DEFAULT_DAYS)) or DEFAULT_DAYS),
            contact=get("PORTALWATCH_NOTICE_CONTACT", "") or "",
            copy_to=get("PORTALWATCH_NOTICE_CC", "") or "",
            holidays=frozenset(dt.date.fromisoformat(d.strip()) for d in holidays.split(",") if d.strip()),
        )


def add_working_days(start: dt.date, days: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """The date ``days`` working days after ``start``: weekends and ``holidays`` skipped."""
    off = set(holidays)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day


def cn_date(value: str | dt.date | None) -> str:
    """``2026-11-23`` → ``2026年11月23日`` (the Arabic-numeral date of GB/T 9704)."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


# -- evidence ---------------------------------------------------------------------------

def evidence_lines(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The facts an inspector quotes for one finding, as (label, value) pairs: its check says which."""
    return check_class(str(item["check"])).evidence_lines(item)


# -- building a notice ------------------------------------------------------------------

def _order(item: Mapping[str, Any]) -> tuple:
    check = item["check"]
    return (check_order(check), check,
            SEVERITY_RANK.get(item["severity"], 3), item.get("url") or "", item.get("target") or "")


def group_items(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Findings grouped by check: groups holding a veto first, then registry order;
    within a group, the most severe first."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for item in sorted(items, key=_order):
        groups.setdefault(item["check"], []).append(item)
    ordered = sorted(groups.items(), key=lambda kv: (all(i["severity"] != "veto" for i in kv[1]), _order(kv[1][0])))
    result = []
    for n, (check, group) in enumerate(ordered):
        severity = min((i["severity"] for i in group), key=lambda s: SEVERITY_RANK.get(s, 3))
        cls = check_class(check)
        result.append({"check": check, "name": cls.display_title(), "items": group,
                       "severity": severity, "severity_name": SEVERITY_NAMES.get(severity, severity),
                       "index": CN_NUMERALS[n] if n < len(CN_NUMERALS) else str(n + 1),
                       "guidance": cls.guidance or Check.guidance})
    return result


def issue_notice(store: NoticeStore, site_name: str, config: NoticeConfig | None = None, *,
                 issued: dt.date | None = None, only_unnotified: bool = False,
                 origin: str = "manual") -> dict[str, Any]:
    """Make (or refresh) the site's notice draft from its open findings and render it.

    ``only_unnotified`` leaves out findings already listed in a sent notice (they are only
    counted). An unsent draft of the site is rewritten in place and keeps its number; when
    the last sent notice lists exactly the open findings, that notice is returned unchanged.
    Raises ``NoticeError`` when the site is unknown or there is nothing to notify.
    """
    config = config or NoticeConfig.from_env()
    site = store.site(site_name)
    if site is None:
        raise UnknownNoticeSite(site_name)
    notified = store.notified_fingerprints(site_name)
    items = [f for f in store.tracked_findings(site_name, ACTIVE_STATUSES)
             if not (only_unnotified and f["fingerprint"] in notified)]
    if not items:
        raise NoticeError(f"“{site_name}”目前没有需要通知整改的问题")
    run = store.inspection_run(site_name)
    issued = issued or dt.date.today()
    last = store.last_notice(site_name)
    if last and last["status"] == "sent" and not only_unnotified and \
            {i["fingerprint"] for i in store.notice_items(last["id"])} == {i["fingerprint"] for i in items}:
        return last  # nothing changed since it was sent: the same notice, no new number
    reuse = last["id"] if last and last["status"] != "sent" else None
    row = store.save_notice({
        "site": site_name, "issued": issued.isoformat(),
        "deadline": add_working_days(issued, config.working_days, config.holidays).isoformat(),
        "office": config.office, "unit": site.get("unit") or site_name, "recipients": site.get("emails") or [],
        "run_id": (run or {}).get("id") or max(i.get("last_run") or 0 for i in items) or None,
        "origin": origin,
    }, items, number_pattern=config.number_pattern, reuse=reuse)
    rendered = render_notice(notice_context(store, row, config))
    store.set_notice_render(row["id"], subject=rendered.subject, html=rendered.html, text=rendered.text)
    return store.notice(row["id"])


def notice_context(store: NoticeStore, notice: Mapping[str, Any], config: NoticeConfig) -> dict[str, Any]:
    """Everything the notice templates show, site text masked."""
    site = store.site(notice["site"]) or {"name": notice["site"], "url": "", "contact": ""}
    run = store.run(notice["run_id"]) if notice.get("run_id") else {}
    if run:  # the score shown beside the open findings leaves out the ones an inspector ignored
        counted = counted_score(store, run)[0]
        run = {**run, "score": counted["score"], "verdict": counted["verdict"], "grade": counted["grade"]}
    earlier = store.notified_fingerprints(notice["site"], exclude=notice["id"])
    open_now = {f["fingerprint"] for f in store.tracked_findings(notice["site"], ACTIVE_STATUSES)}
    items = []
    for item in mask_tree(store.notice_items(notice["id"])):
        items.append({**item, "evidence_lines": evidence_lines(item), "earlier": item["fingerprint"] in earlier,
                      "severity_name": SEVERITY_NAMES.get(item["severity"], item["severity"])})
    groups = group_items(items)
    counts = {s: sum(1 for i in items if i["severity"] == s) for s in SEVERITY_RANK}
    verdict = (run or {}).get("verdict") or ("不合格" if counts["veto"] else None)
    return {
        "notice": notice, "number": notice["number"], "office": notice["office"], "unit": notice["unit"],
        "title": f"关于{notice['unit']}网站存在问题限期整改的通知",
        "site": mask_tree({"name": site["name"], "url": site.get("url") or (run or {}).get("site") or "",
                           "contact": site.get("contact") or ""}),
        "issued": cn_date(notice["issued"]), "deadline": cn_date(notice["deadline"]),
        "working_days": config.working_days, "office_contact": config.contact, "copy_to": config.copy_to,
        "run": {"date": cn_date((run or {}).get("started")), "as_of": cn_date((run or {}).get("as_of")),
                "pages": (run or {}).get("pages"), "links": (run or {}).get("links_checked"),
                "verdict": verdict, "score": (run or {}).get("score"), "grade": (run or {}).get("grade"),
                "id": (run or {}).get("id")},
        "groups": groups, "total": len(items), "counts": counts, "undecided": undecided_items(run),
        "earlier_open": len(earlier & open_now),
        "earlier_listed": sum(1 for i in items if i["earlier"]),
    }


def undecided_items(run: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """What the inspection run could not look at (masked site text): listed as 待核实, never as problems."""
    import json

    try:
        summary = json.loads((run or {}).get("summary") or "{}")
    except (TypeError, ValueError):
        return []
    return mask_tree([u for u in summary.get("undecided", []) if isinstance(u, dict) and u.get("reason")][:50])


# -- rendering --------------------------------------------------------------------------

@dataclass
class Rendered:
    """A rendered document: mail subject, CSS-inlined HTML and the plain-text twin."""

    subject: str
    html: str
    text: str


def _safe(value: Any) -> Any:
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(clean(value))
    return clean(value) if isinstance(value, str) else value


def _env(html: bool) -> jinja2.Environment:
    # HTML autoescapes everything: site content is untrusted. Plain text is not HTML. Both
    # show control and bidi characters as visible escapes (``finalize`` sees every ``{{ }}``).
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=html,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, finalize=_safe)
    env.filters["score"] = lambda v: "" if v is None else f"{v:g}"
    env.tests["httpurl"] = lambda v: isinstance(v, str) and v.lower().startswith(("http://", "https://"))
    return env


def render_template(name: str, context: Mapping[str, Any]) -> str:
    return _env(html=name.endswith(".html.j2")).get_template(name).render(**context)


def inline_css(html: str) -> str:
    """Move the stylesheet into ``style`` attributes for mail clients; ``@page`` and ``@media``
    rules, which cannot be inlined, stay in a ``<style>`` element."""
    import premailer

    return premailer.transform(html, allow_network=False, disable_link_rewrites=True,
                               cssutils_logging_level=logging.CRITICAL, strip_important=False)


def render_notice(context: Mapping[str, Any]) -> Rendered:
    subject = clean(f"{context['number']} {context['title']}", one_line=True)
    return Rendered(subject=subject, html=inline_css(render_template("notice.html.j2", context)),
                    text=render_template("notice.txt.j2", context))
