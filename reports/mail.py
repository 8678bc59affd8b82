"""E-mail delivery of notices over SMTP, and the automatic sending the monitor may switch on.

Settings come from the environment (or the YAML file named by ``PORTALWATCH_CONFIG``,
same names, the environment winning): ``PORTALWATCH_SMTP_HOST``, ``PORTALWATCH_SMTP_PORT``,
``PORTALWATCH_SMTP_SECURITY`` (``none``, ``starttls``, ``ssl``), ``PORTALWATCH_SMTP_USER``,
``PORTALWATCH_SMTP_PASSWORD``, ``PORTALWATCH_SMTP_FROM``; beyond the contract
``PORTALWATCH_SMTP_TIMEOUT`` (seconds), ``PORTALWATCH_SMTP_RETRIES`` (attempts, default 3) and
``PORTALWATCH_SMTP_BACKOFF`` (seconds before the second attempt, doubled each time). The
password is only ever read; nothing this module writes contains it.

A notice is marked ``sent`` only once the server has accepted the message (the reply to
DATA). Temporary failures (4xx replies, refused or dropped connections, timeouts) are
retried with backoff; permanent ones (5xx) stop at once. Every attempt is counted on the
notice, the last error kept and the attempt added to its delivery history; a notice once
delivered stays ``sent`` when a later re-send fails.

Errors: ``MailError`` (settings unusable, no recipients), raised before anything is sent.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Callable, Iterable, Mapping

from portalwatch.errors import PortalwatchError
from portalwatch.reports.notice import NoticeConfig, NoticeError, issue_notice, settings_reader
from portalwatch.reports.safetext import clean
from portalwatch.reports.storage import ACTIVE_STATUSES, NoticeStore

SECURITY_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
SERIOUS = ("veto", "major")


class MailError(PortalwatchError):
    """Mail cannot be attempted: settings missing or invalid, or no recipients (Chinese message)."""

    exit_code, http_status = 2, 503


class DeliveryError(MailError):
    """The mail server did not accept the notice (every attempt is in ``notice_deliveries``)."""

    exit_code, http_status = 1, 502


@dataclass
class SmtpSettings:
    host: str
    from_addr: str
    port: int = 25
    security: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "SmtpSettings":
        read = settings_reader(env)

        def get(name: str, default: str | None = None) -> str | None:
            return read(f"PORTALWATCH_SMTP_{name}", default)

        host, from_addr = get("HOST"), get("FROM")
        if not host or not from_addr:
            raise MailError("未配置发信服务器：请设置 PORTALWATCH_SMTP_HOST 和 PORTALWATCH_SMTP_FROM")
        security = (get("SECURITY", "none") or "none").lower()
        if security not in SECURITY_PORTS:
            raise MailError(f"PORTALWATCH_SMTP_SECURITY 应为 none、starttls 或 ssl：{security}")
        try:
            return cls(host=host, from_addr=from_addr, security=security,
                       port=int(get("PORT") or SECURITY_PORTS[security]), user=get("USER"), password=get("PASSWORD"),
                       timeout=float(get("TIMEOUT", "30") or 30), retries=max(1, int(get("RETRIES", "3") or 3)),
                       backoff=float(get("BACKOFF", "2") or 2))
        except ValueError as exc:
            raise MailError(f"发信设置格式不正确：{exc}") from None


@dataclass
class SendResult:
    notice_id: int
    number: str
    sent: bool
    attempts: int
    recipients: list[str]
    error: str | None = None
    refused: dict[str, str] = field(default_factory=dict)  # recipients the server refused, message sent to the rest


def build_message(notice: Mapping[str, Any], settings: SmtpSettings) -> EmailMessage:
    """multipart/alternative: the plain text first, the inlined HTML second (clients show the last they can)."""
    msg = EmailMessage()
    # the templates already escaped site text; a notice rendered before they did is cleaned here
    msg["Subject"] = clean(notice["subject"], one_line=True)
    msg["From"] = settings.from_addr
    msg["To"] = ", ".join(notice["recipients"])
    msg["Date"] = formatdate(localtime=True)
    domain = parseaddr(settings.from_addr)[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(domain=domain)
    # base64 bodies: safe through any relay, whatever it says about 8BITMIME and line lengths.
    msg.set_content(clean(notice["text"]), cte="base64")
    msg.add_alternative(clean(notice["html"]), subtype="html", cte="base64")
    return msg


def deliver(msg: EmailMessage, settings: SmtpSettings, recipients: list[str]) -> dict[str, str]:
    """One SMTP session. Returns the refused recipients; raises when nobody accepted the message."""
    if settings.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with server:
        if settings.security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if settings.user:
            server.login(settings.user, settings.password or "")
        refused = server.send_message(msg, from_addr=parseaddr(settings.from_addr)[1], to_addrs=recipients)
    return {addr: f"{code} {_text(reply)}" for addr, (code, reply) in refused.items()}


def is_temporary(exc: BaseException) -> bool:
    """4xx replies, dropped or refused connections and timeouts may clear; 5xx and TLS trust do not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, (ssl.SSLCertVerificationError, smtplib.SMTPNotSupportedError)):
        return False
    return isinstance(exc, (smtplib.SMTPServerDisconnected, OSError))


def describe(exc: BaseException, settings: SmtpSettings) -> str:
    """A one-line Chinese account of a delivery failure (never containing the password)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "收件人被拒绝：" + "；".join(f"{a}（{c} {_text(r)}）" for a, (c, r) in exc.recipients.items())
    elif isinstance(exc, smtplib.SMTPAuthenticationError):
        text = f"发信服务器拒绝登录：{exc.smtp_code} {_text(exc.smtp_error)}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"发信服务器拒绝：{exc.smtp_code} {_text(exc.smtp_error)}"
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        text = f"与发信服务器的连接中断：{exc}"
    elif isinstance(exc, OSError):
        text = f"无法连接发信服务器 {settings.host}:{settings.port}：{exc.strerror or exc}"
    else:
        text = f"发送失败：{exc}"
    if settings.password:
        text = text.replace(settings.password, "******")
    return text[:1000]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def send_notice(store: NoticeStore, notice_id: int, settings: SmtpSettings | None = None, *,
                sleep: Callable[[float], None] = time.sleep) -> SendResult:
    """E-mail a stored notice to its recipients, retrying temporary failures, recording each attempt."""
    settings = settings or SmtpSettings.from_env()
    notice = store.notice(notice_id)
    recipients = list(notice["recipients"])
    result = SendResult(notice_id, notice["number"], False, 0, recipients)
    if not recipients:
        store.mark_notice(notice_id, notice["status"], error="未登记收件邮箱，无法发送")
        raise MailError(f"“{notice['site']}”未登记收件邮箱，无法发送（用 portalwatch sites add 添加 --email）")
    msg = build_message(notice, settings)
    for attempt in range(1, settings.retries + 1):
        result.attempts = attempt
        try:
            result.refused = deliver(msg, settings, recipients)
        except (smtplib.SMTPException, OSError) as exc:
            result.error = describe(exc, settings)
            store.record_attempt(notice_id, result.error, recipients=recipients)
            if attempt == settings.retries or not is_temporary(exc):
                store.mark_notice(notice_id, "failed")
                return result
            sleep(settings.backoff * 2 ** (attempt - 1))
            continue
        result.sent, result.error = True, None
        partial = "；".join(f"{a}（{r}）" for a, r in result.refused.items())
        store.record_attempt(notice_id, f"部分收件人被拒绝：{partial}" if partial else None, delivered=True,
                             recipients=[a for a in recipients if a not in result.refused])
        store.mark_notice(notice_id, "sent")
        return result
    return result


@dataclass
class AutoSendResult:
    site: str
    action: str  # sent, failed, skipped
    detail: str = ""
    notice_id: int | None = None
    number: str | None = None


def auto_send_notices(store: NoticeStore, *, run_ids: Iterable[int] = (), sites: Iterable[str] = (),
                      settings: SmtpSettings | None = None, config: NoticeConfig | None = None,
                      issued: dt.date | None = None,
                      sleep: Callable[[float], None] = time.sleep) -> list[AutoSendResult]:
    """Send a notice to each given site (by name, or as the site of a run id) that has open
    veto or major findings not listed in any notice sent before; never the same findings twice.

    The notice lists the site's open findings not yet notified (minor ones ride along once a
    serious one triggers it) and counts those still open from earlier notices. A failed
    delivery leaves the notice ``failed``: the next call rewrites and retries it, since its
    findings were never received. Meant for the monitor, after ``update_history`` of a run::

        from portalwatch.reports.mail import auto_send_notices
        auto_send_notices(store, run_ids=[o.run_id for o in outcomes if o.completed])

    Raises ``MailError`` up front when SMTP is not configured.
    """
    settings = settings or SmtpSettings.from_env()
    config = config or NoticeConfig.from_env()
    names = list(dict.fromkeys([*sites, *store.sites_of_runs(run_ids)]))
    results = []
    for name in names:
        site = store.site(name)
        if site is None:
            results.append(AutoSendResult(name, "skipped", "没有该登记网站"))
            continue
        notified = store.notified_fingerprints(name)
        fresh = [f for f in store.tracked_findings(name, ACTIVE_STATUSES)
                 if f["severity"] in SERIOUS and f["fingerprint"] not in notified]
        if not fresh:
            results.append(AutoSendResult(name, "skipped", "没有未通知过的单项否决或严重问题"))
            continue
        if not site.get("emails"):
            results.append(AutoSendResult(name, "skipped", "未登记收件邮箱"))
            continue
        try:
            notice = issue_notice(store, name, config, issued=issued, only_unnotified=True, origin="auto")
        except NoticeError as exc:
            results.append(AutoSendResult(name, "skipped", str(exc)))
            continue
        sent = send_notice(store, notice["id"], settings, sleep=sleep)
        results.append(AutoSendResult(name, "sent" if sent.sent else "failed",
                                      sent.error or "、".join(sent.recipients), notice["id"], notice["number"]))
    return results
