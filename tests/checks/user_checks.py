"""Users' own checks, loaded by dotted path in the registry tests."""

from __future__ import annotations

from typing import Iterator

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.crawler.snapshot import Snapshot


class Crashing(Check):
    """What it does: crashes, as a buggy user check would."""

    id = "crashing"
    message = "不会出现"

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        yield self.finding(url=site.start_url)
        raise RuntimeError("bug in a user's check")


class MissingSiteIdCode(Check):
    """What it does: reports a homepage without the 政府网站标识码 meta (SiteIDCode).

    Why it matters: the website guideline asks every page for it.
    """

    id = "missing_site_id_code"
    severity = "minor"
    message = "首页缺少政府网站标识码（SiteIDCode）。"

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        if site.home is not None and not site.home.meta.get("SiteIDCode"):
            yield self.finding(url=site.home.url)
