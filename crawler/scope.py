"""Which URLs belong to the audited site and which are worth crawling.

The site is the start URL's host and its ``www.`` twin on the same port, and, when the
start URL lives below the root, only that directory: township and department sites
often sit under a county portal's path (``/zwgk/xzxx/hqx/``), and the portal's other
pages are neither theirs to crawl nor theirs to answer for. Pages outside the site are
link-checked, never crawled. Endless URL spaces are judged in ``traps.py``.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

BINARY_EXT = frozenset("""
pdf doc docx xls xlsx ppt pptx wps et dps ofd zip rar 7z gz tar bz2 txt csv xml json rtf
jpg jpeg png gif bmp webp svg ico tif tiff mp3 mp4 avi flv wmv mov mkv wav swf apk exe msi dmg iso
css js woff woff2 ttf eot
""".split())
SCOPES = ("host", "path")


def host_key(host: str | None) -> str:
    return (host or "").lower().removeprefix("www.")


def url_key(url: str) -> str:
    """Deduplication key: canonical form without fragment."""
    return canonicalize_url(url, keep_fragments=False)


def extension(url: str) -> str:
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def site_directory(path: str) -> str:
    """The directory a start path stands for: ``/hqx/index.shtml`` and ``/hqx`` mean ``/hqx/``."""
    if not path or path == "/":
        return "/"
    if path.endswith("/"):
        return path
    head, _, last = path.rpartition("/")
    return (head + "/") if "." in last else (path + "/")


class SiteScope:
    """The audited site: a host (``host`` scope) or a directory on it (``path`` scope).

    ``mode="auto"`` is ``path`` when the start URL's directory is not ``/``, else ``host``."""

    def __init__(self, start_url: str, mode: str = "auto") -> None:
        parts = urlsplit(start_url)
        self.scheme = parts.scheme
        self.netloc = parts.netloc
        self.host = host_key(parts.hostname)
        self.port = parts.port
        directory = site_directory(parts.path)
        if mode not in ("auto", *SCOPES):
            raise ValueError(f"unknown scope {mode!r}")
        self.mode = ("path" if directory != "/" else "host") if mode == "auto" else mode
        self.prefix = directory if self.mode == "path" else "/"

    @property
    def base_url(self) -> str:
        """The site's root: where a path that cannot exist is probed for the soft-404 baseline."""
        return urlunsplit((self.scheme, self.netloc, self.prefix, "", ""))

    def same_host(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if host_key(parts.hostname) != self.host:
            return False
        if self.port is not None or parts.port is not None:
            return (parts.port or _default_port(parts.scheme)) == (self.port or _default_port(self.scheme))
        return True

    def in_path(self, url: str) -> bool:
        """Inside the site's directory (case-insensitive: many of these servers are IIS)."""
        if self.prefix == "/":
            return True
        path = (urlsplit(url).path or "/").lower()
        prefix = self.prefix.lower()
        return path.startswith(prefix) or path == prefix[:-1]

    def is_internal(self, url: str) -> bool:
        return self.same_host(url) and self.in_path(url)

    @staticmethod
    def is_binary(url: str) -> bool:
        return extension(url) in BINARY_EXT


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80
