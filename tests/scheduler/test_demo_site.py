"""The bundled demo portal keeps its deliberate defects, and nothing else breaks.

Everything here talks plain HTTP to the demo server on 127.0.0.1 (urllib), so the demo
site cannot rot silently: a defect that disappears, a placeholder left unrendered or a
link broken by accident fails a test. The last test runs the real audit on it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from collections import deque
from email.message import Message
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from portalwatch.scheduler.demo import DEFECTS, demo_source, render_demo_site, serve_directory, stop_server

AS_OF = dt.date(2026, 11, 20)
CONTRACT_CHECKS = {"site_unreachable", "dead_link", "missing_column", "empty_column", "stale_column",
                   "stale_homepage", "missing_interpretation", "unanswered_message", "privacy_exposure", "content_error",
                   "service_guide_incomplete", "site_identity", "missing_annual_report"}
REQUIRED = {  # the township profile's columns and the names the demo uses for them
    "乡镇概况": "乡镇简介", "机构职能": "机构职能", "法规文件": "政策法规", "决策信息": "决策信息",
    "行政权力": "行政权力", "财政信息": "预决算公开", "社会服务": "社会服务", "工作动态": "新闻动态",
}
DEAD = {  # path -> why it is broken
    "/wzdt/index.html": "404 internal link",
    "/zwgk/zcfg/P020_xzqlgzfa.pdf": "404 attachment",
    "/images/banner_xc.jpg": "404 image",
    "/ztzl/shce/index.html": "soft 404",
}
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})|\[(\d{2})-(\d{2})\]")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # report 3xx as they are
        return None


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)


def fetch(url: str, method: str = "GET") -> tuple[int, Message, bytes]:
    try:
        with OPENER.open(urllib.request.Request(url, method=method), timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = render_demo_site(tmp_path_factory.mktemp("demo") / "site", AS_OF)
    server, url = serve_directory(root)
    yield root, url
    stop_server(server)


def doc(url: str) -> lxml.html.HtmlElement:
    status, headers, body = fetch(url)
    assert status == 200, url
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    return lxml.html.fromstring(body.decode("utf-8"))


def dates_in(elements, as_of: dt.date = AS_OF) -> list[dt.date]:
    out = []
    for el in elements:
        m = DATE.search(el.text_content())
        if not m:
            continue
        if m.group(1):
            out.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        else:  # [MM-DD]: the latest such day not after as_of
            day = dt.date(as_of.year, int(m.group(4)), int(m.group(5)))
            out.append(day if day <= as_of else day.replace(year=as_of.year - 1))
    return out


def age(day: dt.date) -> int:
    return (AS_OF - day).days


def crawl(url: str) -> tuple[dict[str, lxml.html.HtmlElement], dict[str, set[str]]]:
    """Every HTML page reachable by <a href> from the homepage, and every same-host target."""
    host = urlsplit(url).netloc
    pages: dict[str, lxml.html.HtmlElement] = {}
    targets: dict[str, set[str]] = {}
    queue = deque([url])
    while queue:
        page_url = queue.popleft()
        if page_url in pages:
            continue
        status, headers, body = fetch(page_url)
        if status != 200 or not headers.get("Content-Type", "").startswith("text/html"):
            continue
        tree = lxml.html.fromstring(body.decode("utf-8"))
        pages[page_url] = tree
        for el, attr in [(a, "href") for a in tree.iter("a")] + [(i, "src") for i in tree.iter("img")] + \
                [(s, "src") for s in tree.iter("script") if s.get("src")] + \
                [(l, "href") for l in tree.iter("link")]:
            raw = (el.get(attr) or "").strip()
            if not raw or raw.startswith(("#", "javascript:", "mailto:", "tel:")):
                continue
            target = urljoin(page_url, raw).split("#")[0]
            assert urlsplit(target).netloc == host, f"demo links off-site: {target}"
            targets.setdefault(target, set()).add(page_url)
            if el.tag == "a" and target not in pages and not target.endswith((".pdf", ".xls", ".doc")):
                queue.append(target)
    return pages, targets


def test_templates_ship_with_the_package_and_render_every_placeholder(tmp_path):
    source = demo_source()
    assert source.is_dir() and (source / "index.html").is_file()
    for as_of in (AS_OF, dt.date(2027, 1, 5), dt.date.today()):
        root = render_demo_site(tmp_path / as_of.isoformat(), as_of)
        texts = [p for p in root.rglob("*") if p.suffix in (".html", ".css", ".js", ".txt")]
        assert len(texts) > 60
        for path in texts:
            assert "{{" not in path.read_text(encoding="utf-8"), path
        assert f"示范政发〔{(as_of - dt.timedelta(days=12)).year}〕3号" in \
            (root / "zwgk/zcfg/content_3201.html").read_text(encoding="utf-8")


def test_every_defect_of_the_contract_is_staged():
    assert {check for check, _ in DEFECTS} == CONTRACT_CHECKS - {"site_unreachable"}


def test_server_types_head_and_not_found(site):
    _, url = site
    status, headers, body = fetch(url + "zwgk/yjsgk/P020_bmys.pdf", "HEAD")
    assert status == 200 and headers["Content-Type"] == "application/pdf" and body == b""
    assert int(headers["Content-Length"]) > 0
    assert fetch(url + "zwgk/yjsgk/P020_yszxqk.xls")[1]["Content-Type"] == "application/vnd.ms-excel"
    assert fetch(url + "images/logo.png")[1]["Content-Type"] == "image/png"
    status, headers, body = fetch(url + "no/such/page.html")
    assert status == 404 and "页面未找到" in body.decode("utf-8")
    assert fetch(url + "no/such/page.html", "HEAD")[0] == 404
    assert fetch(url + "images/")[0] == 404  # no directory listings
    assert fetch(url + "robots.txt")[0] == 200


def test_only_the_staged_links_are_broken(site):
    _, url = site
    pages, targets = crawl(url)
    assert len(pages) >= 60
    broken = {}
    for target in targets:
        status, _, body = fetch(target)
        title = ""
        if status == 200 and target.endswith(".html"):
            title = lxml.html.fromstring(body.decode("utf-8")).findtext(".//title") or ""
        if status != 200 or "页面不存在" in title:
            broken[urlsplit(target).path] = status
    assert broken == {"/wzdt/index.html": 404, "/zwgk/zcfg/P020_xzqlgzfa.pdf": 404,
                      "/images/banner_xc.jpg": 404, "/ztzl/shce/index.html": 200}
    assert fetch(url + "zwgk/zcfg/P020_xzqlgzfa.pdf", "HEAD")[0] == 404
    # the soft 404 answers 200 and says the page does not exist
    tree = doc(url + "ztzl/shce/index.html")
    assert tree.findtext(".//title") == "页面不存在"
    # the broken image is on the homepage, the broken attachment on a policy document
    assert url + "images/banner_xc.jpg" in {urljoin(url, i.get("src")) for i in pages[url].iter("img")}
    assert targets[url + "zwgk/zcfg/P020_xzqlgzfa.pdf"] == {url + "zwgk/zcfg/content_3203.html"}
    # mailto:, tel:, javascript: and in-page links are present (and not broken)
    hrefs = [a.get("href") for a in pages[url].iter("a") if a.get("href")]
    assert any(h.startswith("mailto:") for h in hrefs) and any(h.startswith("tel:") for h in hrefs)
    assert "#top" in hrefs and any(h.startswith("javascript:") for h in hrefs)


def test_every_page_looks_like_a_government_site(site):
    _, url = site
    pages, _ = crawl(url)
    for page_url, tree in pages.items():
        if page_url.endswith("/ztzl/shce/index.html"):
            continue
        metas = {m.get("name"): m.get("content") for m in tree.iter("meta") if m.get("name")}
        assert metas["SiteName"] == "示范镇人民政府" and len(metas["SiteIDCode"]) == 10, page_url
        footer = tree.cssselect(".footer")[0].text_content()
        assert "主办单位" in footer and "政府网站标识码" in footer and "ICP备" in footer
        if "/content_" in page_url:
            assert metas["ArticleTitle"] and re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", metas["PubDate"])
        elif page_url != url:
            assert metas["ColumnName"], page_url


def test_navigation_has_every_required_column_but_one(site):
    _, url = site
    tree = doc(url)
    top = tree.cssselect("ul.nav > li > a")
    nested = tree.cssselect("ul.nav > li > a + ul > li > a")
    assert len(top) >= 5 and len(nested) >= 8
    names = {a.text_content().strip() for a in top + nested}
    for canonical, shown in REQUIRED.items():
        assert shown in names, canonical
    assert not any("重大事项" in n for n in names)
    assert "重大事项" not in tree.text_content()
    zwgk = [li for li in tree.cssselect("ul.nav > li") if li.cssselect("a")[0].text == "政府信息公开"][0]
    assert {"机构职能", "政策法规", "预决算公开"} <= {a.text for a in zwgk.cssselect("ul a")}
    for a in nested:  # every column page answers
        assert fetch(urljoin(url, a.get("href")))[0] == 200


def test_empty_column_and_a_harmless_sidebar_placeholder(site):
    _, url = site
    empty = doc(url + "zwgk/yjzj/index.html")
    items = empty.cssselect("ul.list > li")
    assert [li.text_content().strip() for li in items] == ["暂无信息"] and not empty.cssselect("ul.list a")
    service = doc(url + "shfw/index.html")
    assert "暂无" in service.cssselect(".side-box")[0].text_content()
    assert len(service.cssselect("ul.list > li > a[title] + span.date")) == 4


def test_homepage_is_stale_but_a_news_column_is_fresh(site):
    _, url = site
    home = dates_in(doc(url).cssselect("ul.list > li"))
    assert len(home) >= 10 and min(age(d) for d in home) == 20
    news = dates_in(doc(url + "xwdt/index.html").cssselect("ul.list > li"))
    assert min(age(d) for d in news) <= 3
    dept = dates_in(doc(url + "bmdt/index.html").cssselect("ul.list > li")) + \
        dates_in(doc(url + "bmdt/index_1.html").cssselect("ul.list > li"))
    assert min(age(d) for d in dept) == 40
    profile = dates_in(doc(url + "xzgk/index.html").cssselect("ul.list > li"))
    assert min(age(d) for d in profile) > 365  # static column: old is fine


def test_news_pagination_exists_only_in_the_trs_script(site):
    _, url = site
    first = fetch(url + "xwdt/index.html")[2].decode("utf-8")
    assert 'createPageHTML(2, 0, "index", "html")' in first
    pages, targets = crawl(url)
    assert url + "xwdt/index_1.html" not in targets  # no plain link anywhere
    second = dates_in(doc(url + "xwdt/index_1.html").cssselect("ul.list > li"))
    assert sorted(age(d) for d in second) == [20, 22, 26]
    assert url + "bmdt/index_1.html" in targets  # the other column uses plain pager links


def test_policy_documents_and_their_interpretations(site):
    _, url = site
    listing = doc(url + "zwgk/zcfg/index.html")
    links = [urljoin(url + "zwgk/zcfg/", a.get("href")) for a in listing.cssselect("ul.list > li > a")]
    assert len(links) == 3
    docs = {}
    for link in links:
        tree = doc(link)
        number = tree.cssselect("p.docnum")[0].text
        assert re.fullmatch(r"示范政(办)?发〔\d{4}〕\d号", number)
        docs[number[-2:]] = (link, tree)
    interp_list = doc(url + "zwgk/zcjd/index.html")
    interps = {urljoin(url + "zwgk/zcjd/", a.get("href")): a.get("title")
               for a in interp_list.cssselect("ul.list > li > a")}
    assert len(interps) == 2

    def hrefs(tree, base):
        return {urljoin(base, a.get("href")) for a in tree.iter("a") if a.get("href")}

    # 3号: linked both ways
    link3, tree3 = docs["3号"]
    linked = hrefs(tree3, link3) & set(interps)
    assert len(linked) == 1
    (interp3,) = linked
    assert link3 in hrefs(doc(interp3), interp3)
    # 2号: an interpretation names it in 《》 but neither page links the other
    link2, tree2 = docs["2号"]
    title2 = tree2.cssselect("h1.title")[0].text
    (interp2,) = [u for u, t in interps.items() if f"《{title2}》" in t]
    assert not hrefs(tree2, link2) & set(interps) and link2 not in hrefs(doc(interp2), interp2)
    # 1号: no interpretation at all
    link1, tree1 = docs["1号"]
    title1 = tree1.cssselect("h1.title")[0].text
    assert not hrefs(tree1, link1) & set(interps)
    for interp in interps:
        assert title1 not in doc(interp).text_content()


def test_the_audit_finds_every_staged_defect(site, tmp_path):
    """The real command on the demo: every registered check of the contract fires."""
    from conftest import run_cli

    from portalwatch.checks.registry import enabled_checks

    _, url = site
    result = run_cli("audit", url, "--format", "json", "--db", str(tmp_path / "demo.db"),
                     "--as-of", AS_OF.isoformat(), "--delay", "0", "--concurrency", "8", "--no-progress")
    assert result.code == 0, result.stderr
    findings = result.doc["findings"]
    by_check: dict[str, list[dict]] = {}
    for finding in findings:
        by_check.setdefault(finding["check"], []).append(finding)
    assert "site_unreachable" not in by_check
    assert {urlsplit(f["target"]).path for f in by_check["dead_link"]} == set(DEAD), json.dumps(
        by_check["dead_link"], ensure_ascii=False)
    registered = set(enabled_checks())
    for check in CONTRACT_CHECKS - {"site_unreachable"}:
        if check in registered:
            assert check in by_check, f"{check} did not fire on the demo site"
    columns = {check: {f["column"] for f in items} for check, items in by_check.items()}
    if "missing_column" in registered:
        assert columns["missing_column"] == {"重大事项"}
    if "empty_column" in registered:
        assert "意见征集" in columns["empty_column"] and "社会服务" not in columns["empty_column"]
    if "stale_column" in registered:
        assert "部门动态" in columns["stale_column"]
        assert not columns["stale_column"] & {"新闻动态", "乡镇简介", "机构职能"}
    if "missing_interpretation" in registered:
        severities = sorted(f["severity"] for f in by_check["missing_interpretation"])
        assert severities == ["major", "minor"]
    if "unanswered_message" in registered:
        (letter,) = by_check["unanswered_message"]
        assert letter["evidence"]["title"] == "关于村组道路硬化的建议" and letter["evidence"]["days_unanswered"] == 120
    if "privacy_exposure" in registered:
        (privacy,) = by_check["privacy_exposure"]
        assert urlsplit(privacy["url"]).path == "/tzgg/content_1205.html"
        assert privacy["evidence"]["counts"] == {"身份证号码": 3, "手机号码": 3}
        assert "239901195603120415" not in result.stdout and "13900001231" not in result.stdout
    if "content_error" in registered:
        (error,) = by_check["content_error"]
        assert urlsplit(error["url"]).path == "/xwdt/content_1006.html"
        assert error["evidence"]["wrong"] == "一如继往" and error["evidence"]["correction"] == "一如既往"
    if "service_guide_incomplete" in registered:  # only the one guide left incomplete, 3 complete ones pass
        (guide,) = by_check["service_guide_incomplete"]
        assert urlsplit(guide["url"]).path == "/shfw/content_4004.html" and guide["evidence"]["missing_count"] == 8
    if "site_identity" in registered:  # every page carries its identification but 部门动态's articles
        (identity,) = by_check["site_identity"]
        assert identity["evidence"]["item"] == "meta:ContentSource" and identity["evidence"]["pages_lacking"] == 6
        assert identity["severity"] == "minor"
    if "missing_annual_report" in registered:  # the 2024 report is there (Arabic year), 2025's is not
        (report,) = by_check["missing_annual_report"]
        assert report["evidence"]["required_year"] == AS_OF.year - 1
        assert [s["years"] for s in report["evidence"]["reports_seen"]] and all(
            s["years"] == [AS_OF.year - 2] for s in report["evidence"]["reports_seen"])


def test_site_root_is_a_plain_directory(tmp_path):
    root = render_demo_site(tmp_path / "a", AS_OF)
    assert isinstance(root, Path) and (root / "index.html").is_file()
    # rendering twice into the same place is fine
    render_demo_site(tmp_path / "a", AS_OF)
