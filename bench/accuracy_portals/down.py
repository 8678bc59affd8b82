"""A portal whose server is down: every URL answers 503 (retries do not help).

The only expected finding is site_unreachable; anything else is a false alarm.
"""

from __future__ import annotations

from .common import Builder
from .server import Response

NAME, FAMILY, PROFILE, SITE, SEED = "down", "unreachable (503)", "township", "停运镇人民政府", 99


def build(b: Builder) -> None:
    b.fallback = Response("<html><body><h1>503 Service Unavailable</h1></body></html>", status=503,
                          headers={"Retry-After": "1"})
    b.expect("site_unreachable", "homepage")
