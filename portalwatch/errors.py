"""The one root of portalwatch's own errors, and what each means to a front end.

Every error a user can cause or meet (a bad option, an unknown site, an unreachable mail
server, a check that cannot be loaded) derives from :class:`PortalwatchError`. Each class
says once how the command line ends (``exit_code``) and what the web answers
(``http_status``); its message is Chinese, one line, fit to show as is.

    PortalwatchError                 exit 2 / HTTP 400   (the tree is completed by the layers)
"""

from __future__ import annotations


class PortalwatchError(Exception):
    """Base of every portalwatch error shown to a user."""

    exit_code: int = 2
    http_status: int = 400
