"""The one root of portalwatch's own errors, and what each means to a front end.

Every error a user can cause or meet (a bad option, an unknown site, an unreachable mail
server, a check that cannot be loaded) derives from :class:`PortalwatchError`. Each class
says once how the command line ends (``exit_code``) and what the web answers
(``http_status``); its message is Chinese, one line, fit to show as is. The command line
maps them in one place (``scheduler/cli_base.py``: ``错误：<message>`` on stderr, exit
``exc.exit_code``); the web answers ``exc.http_status`` with the same message.

    PortalwatchError                                 exit 2  HTTP 400
    ├── InputError          bad input                exit 2  HTTP 400   (options, dates, --db, --set)
    │   ├── SettingError (ValueError)                exit 2  HTTP 400   scheduler/setting_check.py
    │   ├── AuditError                               exit 2  HTTP 422   scheduler/audit.py (URL, profile, scope)
    │   ├── ProfileError (ValueError)                exit 2  HTTP 422   checks/profiles.py
    │   └── SiteError (ValueError)                   exit 2  HTTP 422   scheduler/registry.py (registry row)
    ├── NotFoundError (LookupError)  no such thing   exit 2  HTTP 404   (a finding id, a notice)
    │   └── UnknownSiteError         no such site    exit 2  HTTP 404
    │       └── UnknownNoticeSite (NoticeError)      exit 2  HTTP 404   reports/notice.py
    ├── NoticeError         nothing to notify        exit 2  HTTP 409   reports/notice.py
    ├── MailError           mail not configured,     exit 2  HTTP 503   reports/mail.py
    │   │                   no recipients
    │   └── DeliveryError   the server refused it    exit 1  HTTP 502   reports/mail.py
    ├── CheckLoadError      a check cannot be loaded exit 2  HTTP 500   checks/registry.py (the config's checks:)
    ├── IncompleteError     the work did not finish  exit 1  HTTP 500   (interrupted, failed, cut short)
    ├── RenderError         a page did not render    exit 1  HTTP 502   crawler/render_handler.py (internal:
    │                                                                   the plain page stands, never shown)
    ├── ServiceError        an operation refused     exit 2  HTTP 400   scheduler/service.py (both front ends)
    │   ├── NotFound        no such site, finding…   exit 2  HTTP 404
    │   ├── TargetRefused   ad-hoc target refused    exit 2  HTTP 400   (loopback, private addresses)
    │   └── MailFailed      mail unusable or refused exit 1  HTTP 502
    ├── Unauthorized        no session or token      exit 2  HTTP 401   web/auth.py
    ├── Forbidden           the role does not allow  exit 2  HTTP 403   web/auth.py
    └── Throttled           too many failed logins   exit 2  HTTP 429   web/auth.py

The exit codes are those of docs/contract.md: 0 done, 1 not finished / not delivered, 2 bad
arguments (one line, nothing written), 3 site unreachable (``audit``, not an error: the
finding is stored). ``portalwatch notice`` with nothing to notify exits 0 (a normal outcome
for the command line, a 409 for the web).
"""

from __future__ import annotations


class PortalwatchError(Exception):
    """Base of every portalwatch error shown to a user.

    ``exit_code`` and ``http_status`` are class attributes; one instance may override them
    (``PortalwatchError("…", exit_code=1)``) where the same kind ends differently.
    """

    exit_code: int = 2
    http_status: int = 400

    def __init__(self, *args: object, exit_code: int | None = None, http_status: int | None = None) -> None:
        super().__init__(*args)
        if exit_code is not None:
            self.exit_code = exit_code
        if http_status is not None:
            self.http_status = http_status

    @property
    def message(self) -> str:
        """The message on one line (whitespace runs, newlines included, become one space)."""
        return " ".join(str(self).split())


class InputError(PortalwatchError):
    """Input that cannot be used: an option value, a date, a file, a setting."""

    exit_code = 2
    http_status = 400


class NotFoundError(PortalwatchError, LookupError):
    """A named thing (finding, notice, file) that does not exist."""

    exit_code = 2
    http_status = 404


class UnknownSiteError(NotFoundError):
    """No registered site of that name."""

    def __init__(self, name: str, message: str | None = None, **kwargs: int | None) -> None:
        super().__init__(message or f"没有名为“{name}”的登记网站（用 portalwatch sites list 查看已登记的网站）",
                         **kwargs)
        self.name = name


class IncompleteError(PortalwatchError):
    """The work was started but did not finish: interrupted, failed or cut short (kept, unscored)."""

    exit_code = 1
    http_status = 500

