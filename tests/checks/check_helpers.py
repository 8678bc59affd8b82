"""Hand-built snapshots for the check tests: a site is a few lines, not a crawl.

``SiteBuilder`` makes a homepage and pages on ``http://zf.example.gov.cn``; helpers make
navigation nodes and list items with dates counted back from ``AS_OF``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from portalwatch.checks.base import Check, Context, Finding, Note, Undecided
from portalwatch.checks.profiles import load_profile
from portalwatch.crawler.snapshot import Link, ListItem, NavNode, Page, Snapshot

AS_OF = dt.date(2026, 11, 20)
BASE = "http://zf.example.gov.cn"


def url(path: str) -> str:
    return path if path.startswith("http") else BASE + path


def ago(days: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days)


def node(name: str, path: str | None = None, *children: NavNode) -> NavNode:
    return NavNode(name=name, url=url(path) if path else None, children=list(children))


def item(title: str, days: int | None = None, path: str | None = None) -> ListItem:
    day = ago(days) if days is not None else None
    return ListItem(title=title, url=url(path) if path else None, date=day, date_text=day.isoformat() if day else "")


def ctx(profile: Any = "township", as_of: dt.date = AS_OF, **settings: Any) -> Context:
    return Context(profile=load_profile(profile) if isinstance(profile, str) else profile, as_of=as_of,
                   settings=settings)


def run(check: type[Check], site: Snapshot, context: Context | None = None) -> tuple[list[Finding], list[Note]]:
    instance = check()
    findings = list(instance.run(site, context or ctx()))
    return findings, instance.notes


def run_undecided(check: type[Check], site: Snapshot,
                  context: Context | None = None) -> tuple[list[Finding], list[Undecided]]:
    """Findings and the undecided items (what the check could not look at)."""
    instance = check()
    findings = list(instance.run(site, context or ctx()))
    return findings, instance.undecided


class SiteBuilder:
    """``b = SiteBuilder(); b.nav(...); b.list_page("/gzdt/", [...]); b.snapshot``."""

    def __init__(self, site_name: str = "示范镇人民政府") -> None:
        self.snapshot = Snapshot(start_url=url("/"), home_url=url("/"))
        self.home = self.page("/", title=site_name, meta={"SiteName": site_name})

    def page(self, path: str, **fields: Any) -> Page:
        fields.setdefault("text_length", 300)
        page = Page(url=url(path), final_url=url(path), status=200, **fields)
        self.snapshot.pages[page.url] = page
        self.snapshot._by_final = {}
        return page

    def nav(self, *roots: NavNode) -> SiteBuilder:
        self.home.nav = list(roots)
        self.home.links += [Link(n.url, n.name, nav=True) for root in roots for _, n in root.walk() if n.url]
        return self

    def list_page(self, path: str, items: list[ListItem], *, name: str = "", placeholder: str = "",
                  more: list[list[ListItem]] = (), **fields: Any) -> Page:
        """A column list page; ``more`` are further pagination pages ``index_1.html`` ...
        linked only through ``Page.pagination`` (as a TRS ``createPageHTML`` script does)."""
        base = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
        others = [url(f"{base}index_{n}.html") for n in range(1, len(more) + 1)]
        text = fields.pop("text_length", 40 + 30 * len(items))
        first = self.page(path, meta={"ColumnName": name} if name else {}, list_items=list(items),
                          placeholder=placeholder, pagination=others, text_length=text, **fields)
        for n, extra in enumerate(more, 1):
            self.page(f"{base}index_{n}.html", list_items=list(extra), pagination=[first.url] + others,
                      text_length=40 + 30 * len(extra))
        return first

    def article(self, path: str, title: str, days: int | None = None, *, links: tuple[str, ...] = (),
                doc_number: str = "", cited_titles: tuple[str, ...] = (), cited_numbers: tuple[str, ...] = (),
                **fields: Any) -> Page:
        return self.page(path, title=title, meta={"ArticleTitle": title},
                         pub_date=ago(days) if days is not None else None,
                         links=[Link(url(p), "相关链接") for p in links], doc_number=doc_number,
                         cited_titles=list(cited_titles), cited_doc_numbers=list(cited_numbers),
                         text_length=800, **fields)
