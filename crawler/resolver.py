"""A resolver that knows only the names it is given: for tests and offline use.

Install it with ``--set TWISTED_DNS_RESOLVER=portalwatch.crawler.resolver.StaticResolver``
and ``--set 'PORTALWATCH_HOSTS={"portal.test": "127.0.0.1"}'``. Every other name fails
with a DNS error, so a test can simulate an unresolvable host without ever asking a
real DNS server.
"""

from __future__ import annotations

import ipaddress
from typing import Sequence

from scrapy.crawler import Crawler
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer


@implementer(IResolverSimple)
class StaticResolver:
    def __init__(self, reactor, hosts: dict[str, str]) -> None:
        self.reactor = reactor
        self.hosts = {k.lower(): v for k, v in hosts.items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor) -> "StaticResolver":
        return cls(reactor, crawler.settings.getdict("PORTALWATCH_HOSTS"))

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred:
        try:
            ipaddress.ip_address(name)
            return defer.succeed(name)
        except ValueError:
            pass
        address = self.hosts.get(name.lower())
        if address is None:
            return defer.fail(DNSLookupError(f"{name}: no such host (static resolver)"))
        return defer.succeed(address)
