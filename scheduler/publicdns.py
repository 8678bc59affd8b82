"""A resolver for audits started from the web: public addresses only.

The web server checks an ad-hoc target before it starts the audit (scheduler/service.py
``check_target``), but a site can still redirect, link or re-resolve (DNS rebinding) to a
loopback or office-network address during the crawl. Installed with
``--set TWISTED_DNS_RESOLVER=portalwatch.scheduler.publicdns.PublicOnlyResolver``, every
host name and IP literal the crawler connects to is resolved by Scrapy's own caching resolver
and refused, as a DNS failure, when the address is not global. Page rendering in Chromium does
not go through it (its sub-requests are blocked by type, not by address).
"""

from __future__ import annotations

import ipaddress
from typing import Sequence

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

SETTING = "TWISTED_DNS_RESOLVER=portalwatch.scheduler.publicdns.PublicOnlyResolver"


def is_public(address: str) -> bool:
    try:
        addr = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if getattr(addr, "ipv4_mapped", None):
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


class PublicOnlyResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred:
        def check(address: str) -> str:
            if not is_public(address):
                raise DNSLookupError(f"{name}: 地址 {address} 属于本机或内网，临时检查不访问")
            return address

        return super().getHostByName(name, timeout).addCallback(check)
