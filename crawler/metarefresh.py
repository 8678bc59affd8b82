"""Meta-refresh redirects read from the head of the page only, so no page is decoded whole here.

Scrapy's MetaRefreshMiddleware looks at the first 4,096 characters, but gets them from
``response.text``, which decodes the whole body and keeps that copy on the response until
it is freed: every 4 MB page waiting for analysis held 8 MB more than its body (measured
with bench/bomb_bench.py). Here it gets a copy of the first 8 KB to look at instead.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response

HEAD_BYTES = 8192  # enough for Scrapy's 4,096 characters in any encoding


class HeadMetaRefresh(MetaRefreshMiddleware):
    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        if not response.body:  # a 304 Not Modified of an incremental night, a HEAD: nothing to read
            return response
        if not isinstance(response, HtmlResponse) or len(response.body) <= HEAD_BYTES:
            return super().process_response(request, response)
        head = response.replace(body=response.body[:HEAD_BYTES])
        result = super().process_response(request, head)
        return response if result is head else result
