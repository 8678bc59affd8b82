"""The stack's floor: a minimal Scrapy spider that touches the same URLs as the audit.

    python bench/minimal_spider.py URL [--concurrency 32] [--stats stats.json]

It follows every ``a[href]`` and ``img[src]`` on the site's host (plus the list pages
that exist only in TRS ``createPageHTML(...)`` scripts, which the audit also reaches),
GETs HTML pages, HEADs attachments and images, and does nothing else: no extraction,
no storage, no retries beyond Scrapy's defaults. The number of URLs it fetched is the
stat ``downloader/response_count``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import HtmlResponse

BINARY = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|wps|et|zip|rar|7z|png|jpe?g|gif|bmp|webp|svg|ico|mp4|mp3)$", re.I)
TRS = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")


class MinimalSpider(scrapy.Spider):
    name = "minimal"

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [url]
        self.host = urlsplit(url).netloc

    def parse(self, response):
        if not isinstance(response, HtmlResponse):
            return
        hrefs = response.css("a::attr(href), img::attr(src)").getall()
        for count, _, name, ext in TRS.findall(response.text):
            hrefs += [f"{name}.{ext}"] + [f"{name}_{i}.{ext}" for i in range(1, int(count))]
        for href in hrefs:
            url = response.urljoin(href.strip()).split("#", 1)[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != self.host:
                continue
            if BINARY.search(parts.path):
                yield scrapy.Request(url, method="HEAD", callback=self.ignore)
            else:
                yield scrapy.Request(url, callback=self.parse)

    def ignore(self, response):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--stats", type=Path, help="write the crawl stats here as JSON")
    args = parser.parse_args(argv)
    settings = {
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(MinimalSpider)
    started = time.monotonic()
    process.crawl(crawler, url=args.url)
    process.start()
    elapsed = time.monotonic() - started
    stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in crawler.stats.get_stats().items()}
    stats["bench/crawl_seconds"] = round(elapsed, 3)
    if args.stats:
        args.stats.write_text(json.dumps(stats, indent=2, sort_keys=True))
    print(json.dumps({"urls": stats.get("downloader/response_count", 0), "seconds": stats["bench/crawl_seconds"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
