"""The operations both front ends call: the command line and the web workplace (web/).

Plain functions over the database path; each opens the store, does one thing with the
existing store methods and report functions, and closes it. Neither front end holds logic
of its own: the web pages and the JSON API are these functions, rendered.

Errors are :class:`portalwatch.errors.PortalwatchError` subclasses (Chinese one-line
message; ``http_status`` for the web, ``exit_code`` for the CLI; see portalwatch/errors.py):

    InputError
    └── ServiceError            400  bad input (unknown profile, bad URL, bad registry row)
        ├── NotFound            404  no such site, finding, notice or audit (also a NotFoundError)
        │   └── NoSuchSite      404  no such site (also an UnknownSiteError)
        ├── NothingToNotify     400  no open finding to put in a notice
        ├── TargetRefused       400  an ad-hoc target the server must not visit (private address)
        └── MailFailed          502  the mail server could not be used (exit 2) or refused the notice (exit 1)

An error may carry ``cli_message``: the same message with the command-line hint (which
``portalwatch`` command lists the names); the CLI prints it, the web shows ``message``.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import json
import os
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

from portalwatch.errors import IncompleteError, InputError, NotFoundError, PortalwatchError, UnknownSiteError
from portalwatch.reports.storage import TRACKED_STATUSES, NoticeStore
from portalwatch.scheduler import webjobs

TREND_RUNS = 12  # runs in the dashboard's score trend
HISTORY_RUNS = 60  # runs in a site's score history chart


class ServiceError(InputError):
    """An operation refused for its input (message in Chinese)."""

    http_status = 400

    def __init__(self, *args: object, cli_message: str | None = None, **kwargs: int | None) -> None:
        PortalwatchError.__init__(self, *args, **kwargs)  # not UnknownSiteError's (name, message)
        self.cli_message = " ".join(cli_message.split()) if cli_message else self.message


class NotFound(ServiceError, NotFoundError):
    http_status = 404


class NoSuchSite(NotFound, UnknownSiteError):
    """No registered site of that name (the CLI adds which command lists them)."""

    def __init__(self, name: str) -> None:
        NotFound.__init__(self, f"没有名为“{name}”的登记网站", cli_message=UnknownSiteError(name).message)
        self.name = name


class NothingToNotify(ServiceError):
    """The site has no open finding to notify (the CLI: a normal outcome, exit 0)."""


class TargetRefused(ServiceError):
    http_status = 400


class MailFailed(ServiceError):
    http_status = 502
    exit_code = 1


@contextmanager
def store(db: Path) -> Iterator[NoticeStore]:
    s = NoticeStore(db)
    try:
        yield s
    finally:
        s.close()


# -- check names ------------------------------------------------------------------------

@functools.lru_cache(maxsize=512)
def check_title(check_id: str) -> str:
    """The Chinese name of a check: the class's ``title``, else the report's name, else the id
    (kept for the process: the registry is read once, not once per finding shown)."""
    from portalwatch.checks.registry import enabled_checks
    from portalwatch.reports.summary import CHECK_NAMES

    try:
        cls = enabled_checks().get(check_id)
    except Exception:  # a broken plug-in check must not take the pages down
        cls = None
    return (getattr(cls, "title", "") if cls else "") or CHECK_NAMES.get(check_id) or check_id


def check_titles(ids: Iterable[str]) -> dict[str, str]:
    return {i: check_title(i) for i in ids}


# -- sites and their state --------------------------------------------------------------

def overview(db: Path) -> list[dict[str, Any]]:
    """``portalwatch status``: per registered site its last run, verdict, score, open findings,
    change since the run before and availability (``reports.overview.site_overview``)."""
    from portalwatch.reports.overview import site_overview

    with store(db) as s:
        return site_overview(s)


def _overview(db: Path, only: str | None = None) -> list[dict[str, Any]]:
    """Overview rows (``reports.overview.site_overview``) with registry fields and the score trend."""
    from portalwatch.reports.overview import site_overview

    with store(db) as s:
        registry = {r["name"]: r for r in s.sites()}
        rows = []
        for row in site_overview(_OneSite(s, only) if only else s):
            site = registry.get(row["name"]) or {}
            trend = [r for r in reversed(s.site_runs(row["name"], limit=TREND_RUNS)) if r["score"] is not None]
            rows.append({**row, "region": site.get("region"), "profile": site.get("profile"),
                         "emails": site.get("emails") or [], "contact": site.get("contact"),
                         "trend": [{"run_id": r["id"], "started": r["started"], "score": r["score"]} for r in trend],
                         "open_total": sum(row["open"].values())})
            rows[-1]["verdict_text"] = verdict_of(rows[-1])
    return rows


class _OneSite:
    """A store whose registry holds one site: the overview of one site without computing them all."""

    def __init__(self, s: NoticeStore, name: str) -> None:
        self._s, self._name = s, name

    def sites(self, **_: Any) -> list[dict[str, Any]]:
        site = self._s.site(self._name)
        return [site] if site else []

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._s, attr)


SORTS = {
    "name": lambda r: r["name"],
    "score": lambda r: (r["score"] is None, r["score"] if r["score"] is not None else 0),
    "-score": lambda r: (r["score"] is None, -(r["score"] or 0)),
    "open": lambda r: -r["open_total"],
    "last_run": lambda r: (r["last_run"] or {}).get("started") or "",  # newest first (reversed), unchecked last
}


def filter_sites(rows: Iterable[dict[str, Any]], *, region: str | None = None, profile: str | None = None,
                 verdict: str | None = None, sort: str = "name") -> list[dict[str, Any]]:
    rows = [r for r in rows if (not region or (r["region"] or "") == region)
            and (not profile or (r["profile"] or "") == profile) and (not verdict or r["verdict_text"] == verdict)]
    rows.sort(key=SORTS.get(sort, SORTS["name"]), reverse=sort == "last_run")
    return rows


def list_sites(db: Path, *, region: str | None = None, profile: str | None = None, verdict: str | None = None,
               sort: str = "name") -> list[dict[str, Any]]:
    """Every registered site: registry fields, last run, verdict, score, score trend, open findings
    per check, availability and what the last run changed; filtered and sorted."""
    return filter_sites(_overview(db), region=region, profile=profile, verdict=verdict, sort=sort)


def dashboard(db: Path, *, region: str | None = None, profile: str | None = None, verdict: str | None = None,
              sort: str = "name") -> dict[str, Any]:
    """The 总览: the chosen rows, the choices for the filters, the checks with open findings, and
    what the last night changed."""
    everything = _overview(db)
    return {"rows": filter_sites(everything, region=region, profile=profile, verdict=verdict, sort=sort),
            "checks": sorted({c for r in everything for c in r["open"]}),
            "regions": sorted({r["region"] for r in everything if r["region"]}),
            "profiles": sorted({r["profile"] for r in everything if r["profile"]}),
            "changes": recent_changes(db, rows=everything)}


def verdict_of(row: dict[str, Any]) -> str:
    """The dashboard's verdict word for an overview row."""
    if not row.get("last_run"):
        return "未检查"
    return row.get("verdict") or ("合格" if row["last_run"]["status"] in ("complete", "unreachable") else "未完成")


def recent_changes(db: Path, hours: int = 36, rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """What the runs of the last night changed: per site, new, resolved and reopened findings."""
    since = (dt.datetime.now().astimezone() - dt.timedelta(hours=hours)).isoformat(timespec="seconds")
    out = []
    for row in _overview(db) if rows is None else rows:
        last = row["last_run"]
        if not last or (last["started"] or "") < since or not row["change"]:
            continue
        c = row["change"]
        if c["new"] or c["resolved"] or c["reopened"] or c.get("score"):
            out.append({"name": row["name"], "started": last["started"], **c})
    return out


def _need_site(s: NoticeStore, name: str) -> dict[str, Any]:
    site = s.site(name)
    if site is None:
        raise NoSuchSite(name)
    return site


def registered_site(db: Path, name: str) -> dict[str, Any]:
    """The registry row of ``name``, or NoSuchSite."""
    with store(db) as s:
        return _need_site(s, name)


def site_detail(db: Path, name: str) -> dict[str, Any]:
    """One site: registry row, overview row, score history, findings and notices."""
    with store(db) as s:
        site = _need_site(s, name)
        history = [{"run_id": r["id"], "started": r["started"], "status": r["status"], "score": r["score"],
                    "verdict": r["verdict"], "pages": r["pages"]}
                   for r in reversed(s.site_runs(name, limit=HISTORY_RUNS))]
    overview = next(iter(_overview(db, only=name)), None)
    return {"site": site, "overview": overview, "history": history, "findings": findings(db, name),
            "notices": notices(db, name)}


def tracked_findings(db: Path, name: str, statuses: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """A site's tracked finding rows as stored, only those of ``statuses`` when given (the CLI
    prints them; :func:`findings` describes them). A removed site keeps its findings."""
    wanted = [x.strip() for x in (statuses or []) if x and x.strip()] or None
    unknown = [x for x in wanted or [] if x not in TRACKED_STATUSES]
    if unknown:
        raise ServiceError(f"未知的状态：{','.join(unknown)}（可选 {','.join(TRACKED_STATUSES)}）")
    with store(db) as s:
        if s.site(name) is None and not s.tracked_findings(name):
            raise NoSuchSite(name)
        return s.tracked_findings(name, wanted)


def findings(db: Path, name: str, statuses: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """A site's tracked findings with status, first_seen, last_seen, evidence (and the check's name)."""
    from portalwatch.reports.notice import evidence_lines
    from portalwatch.reports.overview import findings_json

    rows = tracked_findings(db, name, statuses)
    out = []
    for row, doc in zip(rows, findings_json(rows)):
        try:
            lines = evidence_lines(row)
        except Exception:  # evidence of a plug-in check this version cannot describe
            lines = []
        out.append({**doc, "site": name, "check_title": check_title(row["check"]), "evidence_lines": lines})
    return out


def ignore_finding(db: Path, finding_id: str, reason: str) -> dict[str, Any]:
    """Mark a tracked finding (fingerprint or numeric findings.id) ignored, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写忽略原因")
    with store(db) as s:
        row = s.tracked(str(finding_id).strip())
        if row is None:
            raise NotFound(f"找不到编号为 {finding_id} 的已登记网站问题",
                           cli_message=f"找不到编号为 {finding_id} 的已登记网站问题（用 portalwatch findings 网站名称 查看编号）")
        s.ignore_finding(row["fingerprint"], reason)
        return {"id": row["fingerprint"], "site": row["site"], "status": "ignored", "reason": reason,
                "message": row["message"]}


# -- ad-hoc audits and re-checks ---------------------------------------------------------

def allow_private() -> bool:
    return os.environ.get("PORTALWATCH_WEB_ALLOW_PRIVATE", "") == "1"


def check_target(url: str, *, private_ok: bool | None = None) -> str:
    """A normalised http(s) URL the server may visit, or TargetRefused. The host is resolved and
    refused if any of its addresses is loopback, private, link-local, multicast or reserved,
    unless ``PORTALWATCH_WEB_ALLOW_PRIVATE=1`` (the server must not be a way into the office network)."""
    from portalwatch.scheduler.audit import AuditError, normalise_url

    raw = (url or "").strip()
    if "://" in raw and raw.split("://", 1)[0].lower() not in ("http", "https"):
        raise TargetRefused(f"只支持 http 和 https 网址：{raw}")
    try:
        url = normalise_url(raw)
    except AuditError as exc:
        raise TargetRefused(str(exc)) from None
    if allow_private() if private_ok is None else private_ok:
        return url
    parts = urlsplit(url)
    host = (parts.hostname or "").strip("[]")
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise TargetRefused(f"无法解析网址的主机名：{host}") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if getattr(addr, "ipv4_mapped", None):
            addr = addr.ipv4_mapped
        if not addr.is_global or addr.is_multicast:
            raise TargetRefused(f"不允许检查本机或内网地址：{host}（{addr}）。"
                                "如确需检查内网网站，请由管理员设置 PORTALWATCH_WEB_ALLOW_PRIVATE=1")
    return url


def start_audit(db: Path, url: str, profile: str = "township", as_of: str | None = None,
                user: str | None = None) -> int:
    """Queue an ad-hoc audit (a ``portalwatch audit`` subprocess); returns the audit's id."""
    from portalwatch.scheduler.registry import SiteError, check_profile

    target = check_target(url)
    profile = (profile or "township").strip()
    try:
        check_profile(profile)
    except SiteError as exc:
        raise ServiceError(str(exc)) from None
    if as_of:
        try:
            as_of = dt.date.fromisoformat(as_of).isoformat()
        except ValueError:
            raise ServiceError(f"日期格式应为 YYYY-MM-DD：{as_of}") from None
    return webjobs.create(db, "audit", target, profile=profile, as_of=as_of, user=user)


def audit_state(db: Path, audit_id: int) -> dict[str, Any]:
    """``{id, state, pages, links, queue, run_id, result, ...}``; ``result`` is the audit JSON once done."""
    job = webjobs.get(db, audit_id)
    if job is None or job["kind"] != "audit":
        raise NotFound(f"没有编号为 {audit_id} 的临时检查")
    return _job_doc(job)


def _job_doc(job: dict[str, Any]) -> dict[str, Any]:
    result = None
    if job["state"] == "done" and job["kind"] == "audit":
        try:
            result = json.loads(webjobs.output(job))
        except ValueError:
            result = None
    p = job["progress"]
    return {"id": job["id"], "kind": job["kind"], "state": job["state"], "target": job["target"],
            "url": job["target"], "profile": job["profile"], "as_of": job["as_of"], "user": job["user"],
            "pages": p["pages"], "links": p["links"], "dead": p["dead"], "queue": p["queue"],
            "run_id": job["run_id"], "created": job["created"], "started": job["started"],
            "finished": job["finished"], "exit_code": job["exit_code"], "error": job["error"], "result": result}


def audits(db: Path, limit: int = 30) -> list[dict[str, Any]]:
    return [_job_doc(j) for j in webjobs.recent(db, "audit", limit)]


def audit_result(db: Path, audit_id: int) -> dict[str, Any]:
    """A finished ad-hoc audit: its document plus the check names and evidence lines."""
    from portalwatch.reports.notice import evidence_lines

    doc = audit_state(db, audit_id)
    result = doc.get("result") or {}
    items = []
    for f in result.get("findings") or []:
        try:
            lines = evidence_lines(f)
        except Exception:
            lines = []
        items.append({**f, "check_title": check_title(f.get("check", "")), "evidence_lines": lines})
    return {**doc, "findings": items}


def recheck(db: Path, name: str, user: str | None = None, as_of: str | None = None) -> int:
    """Start ``portalwatch recheck NAME`` in the background (audit, then the follow-up of the last
    notice); without a notice yet, an audit of the registered site. Returns the job id."""
    with store(db) as s:
        site = _need_site(s, name)
        has_notice = s.last_notice(name) is not None
    if has_notice:
        return webjobs.create(db, "recheck", name, user=user, as_of=as_of)
    return webjobs.create(db, "site_audit", name, profile=site.get("profile"), user=user, as_of=as_of)


def recheck_target(db: Path, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(site, notice) a re-check of ``name`` audits and follows up: the last sent notice, else the last one."""
    with store(db) as s:
        site = _need_site(s, name)
        last = s.last_notice(name, sent_only=True) or s.last_notice(name)
    if last is None:
        raise ServiceError(f"“{name}”还没有整改通知，无可复查",
                           cli_message=f"“{name}”还没有整改通知，无可复查（先运行 portalwatch notice {name}）")
    return site, last


def run_recheck(db: Path, site: dict[str, Any], notice_row: dict[str, Any], cfg: Any) -> Any:
    """Audit the site now (``scheduler.monitor.audit_site`` with ``cfg``), then record the
    follow-up of the notice; the rendered follow-up report (``.text``, ``.html``).
    IncompleteError (exit 1) when the audit did not finish: nothing is recorded."""
    from portalwatch.reports.followup import record_followup
    from portalwatch.reports.notice import NoticeConfig
    from portalwatch.scheduler.monitor import audit_site

    outcome = audit_site(site, cfg)  # the audit subprocess, then the finding history update
    if outcome.run_id is None or not outcome.completed:
        raise IncompleteError(f"复查检查未完成（{outcome.status}）：{outcome.detail or '无详细信息'}；未记录复查结果。")
    with store(db) as s:
        _, _, rendered = record_followup(s, notice_row["id"], outcome.run_id, NoticeConfig.from_env())
    return rendered


def run_targets(db: Path, names: Iterable[str] = (), all_enabled: bool = False) -> list[dict[str, Any]]:
    """The registry rows ``portalwatch run`` audits: every enabled site (``all_enabled``), then ``names``."""
    with store(db) as s:
        chosen = s.sites(enabled_only=True) if all_enabled else []
        chosen += [_need_site(s, name) for name in names]
    if not chosen:
        raise ServiceError("没有启用的登记网站可检查")
    return chosen


def auto_send(db: Path, run_ids: Iterable[int]) -> list[Any]:
    """After a run: send a notice to each site of ``run_ids`` with serious findings never notified
    (``reports.mail.auto_send_notices``); MailFailed (exit 2) when mail is not usable at all."""
    from portalwatch.reports.mail import MailError, auto_send_notices

    with store(db) as s:
        try:
            return auto_send_notices(s, run_ids=list(run_ids))
        except MailError as exc:
            raise MailFailed(str(exc), exit_code=exc.exit_code) from None


def jobs(db: Path, limit: int = 50) -> list[dict[str, Any]]:
    return [_job_doc(j) for j in webjobs.recent(db, None, limit)]


# -- notices ----------------------------------------------------------------------------

def draft_notice(db: Path, name: str, issued: dt.date | None = None) -> dict[str, Any]:
    """Draft (or refresh) the site's rectification notice from its open findings
    (NothingToNotify when it has none)."""
    from portalwatch.reports.notice import NoticeConfig, NoticeError, issue_notice

    with store(db) as s:
        _need_site(s, name)
        try:
            return issue_notice(s, name, NoticeConfig.from_env(), issued=issued)
        except UnknownSiteError:
            raise NoSuchSite(name) from None
        except NoticeError as exc:
            raise NothingToNotify(str(exc)) from None


def notice_counts(db: Path, notice_id: int) -> dict[str, Any]:
    """A notice's items per severity and how many of them an earlier notice of the site named."""
    with store(db) as s:
        n = _need_notice(s, notice_id)
        items = s.notice_items(notice_id)
        earlier = s.notified_fingerprints(n["site"], exclude=notice_id) & {i["fingerprint"] for i in items}
    counts = {sev: 0 for sev in ("veto", "major", "minor")}
    for item in items:
        counts[item["severity"]] = counts.get(item["severity"], 0) + 1
    return {"items": len(items), "severity": counts, "earlier": len(earlier)}


def _need_notice(s: NoticeStore, notice_id: int) -> dict[str, Any]:
    if not list(s.db.query("select id from notices where id = ?", [notice_id])):
        raise NotFound(f"没有编号为 {notice_id} 的整改通知")
    return s.notice(notice_id)


def notice(db: Path, notice_id: int) -> dict[str, Any]:
    with store(db) as s:
        return _notice_doc(s, _need_notice(s, notice_id))


NOTICE_STATUS_NAMES = {"draft": "草稿", "sent": "已发送", "failed": "发送失败"}


def office_warning(office: str | None) -> str | None:
    """Why a notice of this issuing office must not go out (the shipped placeholder XX市…), or None."""
    from portalwatch.reports.notice import is_placeholder_office

    if not is_placeholder_office(office):
        return None
    return f"发文机关仍是占位名称“{office}”：请把 PORTALWATCH_OFFICE（环境变量或配置文件）设为本单位名称后再发送"


def send_notice(db: Path, notice_id: int, *, force: bool = False) -> dict[str, Any]:
    """E-mail a notice to the site's registered addresses (SMTP from the environment). A notice
    whose issuing office is still the placeholder is refused unless ``force``."""
    from portalwatch.reports.mail import MailError, SmtpSettings, send_notice as mail

    warning = office_warning(notice(db, notice_id)["office"])
    if warning and not force:
        raise ServiceError(f"整改通知未发送：{warning}。", cli_message=f"整改通知未发送：{warning}（确需照发请加 --force）。")
    with store(db) as s:
        try:
            result = mail(s, notice_id, SmtpSettings.from_env())
        except MailError as exc:  # not configured, no recipients (exit 2) or refused (exit 1)
            raise MailFailed(str(exc), exit_code=exc.exit_code) from None
        if not result.sent:
            failed = f"发送失败（尝试 {result.attempts} 次）：{result.error}"
            kept = ("此前已送达过，通知仍为已发送，本次失败已记入投递记录" if s.ever_delivered(notice_id)
                    else "通知未标记为已发送")
            raise MailFailed(failed, cli_message=f"{failed}；{kept}。")
        return {"notice_id": notice_id, "sent": True, "attempts": result.attempts,
                "recipients": [a for a in result.recipients if a not in result.refused],
                "refused": dict(result.refused)}


def notices(db: Path, name: str | None = None) -> list[dict[str, Any]]:
    """Notices (of one site or all) with their items count, deliveries and follow-ups."""
    with store(db) as s:
        return [_notice_doc(s, n) for n in reversed(s.notices(name))]


def notice_history(db: Path, name: str | None = None) -> list[dict[str, Any]]:
    """``portalwatch notices``: every notice (of one site or all), oldest first, with its items
    count, follow-ups count, last follow-up and deliveries. A removed site keeps its history."""
    with store(db) as s:
        if name is not None and s.site(name) is None and not s.notices(name):
            raise NoSuchSite(name)
        rows = []
        for n in s.notices(name):
            followups = s.followups(n["id"])
            rows.append({k: n[k] for k in ("id", "number", "site", "unit", "issued", "deadline", "status", "attempts",
                                           "sent_at", "last_error", "recipients", "origin", "run_id")}
                        | {"items": len(s.notice_items(n["id"])), "followups": len(followups),
                           "last_followup": followups[-1]["results"] if followups else None,
                           "deliveries": s.deliveries(n["id"])})
    return rows


def _notice_doc(s: NoticeStore, n: dict[str, Any]) -> dict[str, Any]:
    followups = []
    for f in s.followups(n["id"]):
        values = list((f["results"].get("items") or {}).values())
        followups.append({"id": f["id"], "at": f["at"], "run_id": f["run_id"], "fixed": values.count("fixed"),
                          "not_fixed": values.count("not_fixed"), "unknown": values.count("unknown"),
                          "new": len(f["results"].get("new") or []), "text": f["text"]})
    keys = ("id", "number", "site", "unit", "office", "issued", "deadline", "status", "attempts", "sent_at",
            "last_error", "recipients", "origin", "run_id", "subject")
    return {**{k: n.get(k) for k in keys}, "item_count": len(s.notice_items(n["id"])), "followups": followups,
            "deliveries": s.deliveries(n["id"]), "html_url": f"/notices/{n['id']}/html"}


def notice_html(db: Path, notice_id: int) -> str:
    """The notice as it prints and as it is mailed."""
    from portalwatch.reports.safetext import clean

    notice(db, notice_id)
    with store(db) as s:
        return clean(s.notice(notice_id)["html"] or "")


# -- the registry -----------------------------------------------------------------------

SAVE_ACTIONS = {"added": "已登记", "updated": "已更新", "unchanged": "未变化"}  # save_site's action, in words


def save_site(db: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """Register a site or update it (fields given replace the old ones); ``{site, action}``."""
    from portalwatch.scheduler.registry import SETTING_FIELDS, SiteError, refuse_duplicate, validate_site

    with store(db) as s:
        old = s.site(str(raw.get("name") or "").strip()) or {}
        given = {k: v for k, v in raw.items() if v not in (None, "")}
        merged = {**{k: old.get(k) for k in ("profile", "unit", "region", "contact", "emails")},
                  **(old.get("settings") or {}), "enabled": old.get("enabled", True), **given}
        if "emails" in given and isinstance(given["emails"], str):
            merged["emails"] = given["emails"]
        try:
            site = validate_site({k: v for k, v in merged.items() if k in SETTING_FIELDS or k in
                                  ("name", "url", "profile", "unit", "region", "contact", "emails", "enabled")})
            refuse_duplicate(site, s.sites())
        except SiteError as exc:
            raise ServiceError(str(exc)) from None
        counts = s.save_sites([site])
    action = "added" if counts["added"] else "updated" if counts["updated"] else "unchanged"
    return {"site": site, "action": action}


def import_sites(db: Path, filename: str, data: bytes) -> dict[str, Any]:
    """Register many sites from an uploaded CSV or YAML file: counts and the bad lines."""

    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml", ".txt"):
        raise ServiceError("请上传 CSV 或 YAML 文件（扩展名 .csv、.yaml 或 .yml）")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"registry{suffix}"
        path.write_bytes(data)
        return import_registry(db, path)


def import_registry(db: Path, path: Path) -> dict[str, Any]:
    """Register many sites from a CSV or YAML file, line by line: the good lines are saved (a
    second import updates, never duplicates), each bad line is reported ``{line, reason}``."""
    from portalwatch.scheduler.registry import SiteError, read_registry

    try:
        report = read_registry(path)
    except SiteError as exc:  # the file itself is unusable
        raise ServiceError(str(exc)) from None
    with store(db) as s:
        report.refuse_registered(s.sites())
        counts = s.save_sites(report.rows)
    return {**counts, "errors": [{"line": line, "reason": reason} for line, reason in report.errors]}


def set_site_enabled(db: Path, name: str, enabled: bool) -> dict[str, Any]:
    with store(db) as s:
        _need_site(s, name)
        s.save_sites([{"name": name, "enabled": enabled}])
        return s.site(name)


def remove_site(db: Path, name: str) -> None:
    """Remove a site from the registry (its runs and finding history stay)."""
    with store(db) as s:
        if not s.remove_site(name):
            raise NoSuchSite(name)


def sites_registry(db: Path) -> list[dict[str, Any]]:
    with store(db) as s:
        return s.sites()


def profiles() -> list[str]:
    return ["township", "department", "county"]


# -- the logs ---------------------------------------------------------------------------

def runs_log(db: Path, limit: int = 100) -> dict[str, Any]:
    """The latest runs, the monitor's job log with its failures, and the latest availability probes."""
    with store(db) as s:
        runs = list(s.db.query("select id, start_url as site, site as site_name, profile, as_of, started, finished,"
                               " status, pages, links_checked, score, verdict from audit_runs order by id desc limit ?", [limit]))
        log = s.job_log(limit=limit)
        probes = list(s.db.query("select site, url, at, ok, status, error, elapsed from probes"
                                 " order by id desc limit ?", [limit]))
    failures = [j for j in log if j["kind"] == "audit" and j["outcome"] not in ("complete", "unreachable")]
    return {"runs": runs, "jobs": log, "failures": failures, "probes": probes}


__all__ = ["ServiceError", "NotFound", "NoSuchSite", "NothingToNotify", "TargetRefused", "MailFailed"]
