"""A UTF-8 page with a few bad bytes stays UTF-8; genuine GBK pages still decode as GB18030."""

from __future__ import annotations

import pytest

from portalwatch.crawler.extract.encoding import decode_html

TITLE = "某镇人民政府"
LINES = ("政务公开", "通知公告", "关于做好网站年度报表发布工作通知", "各镇人民政府县政府各部门", "为进一步加强网站管理",
         "提升政务公开水平")
TEXT = "".join(f"<p>{line}</p>" for line in LINES)


def _page(head: str = "") -> str:
    return f"<html><head>{head}<title>{TITLE}</title></head><body>{TEXT}</body></html>"


def _broken_utf8(head: str = "") -> bytes:
    """Real UTF-8 with three invalid bytes: a character cut to two bytes, then two stray bytes.

    Read as GB18030 these bytes give hardly an error (the runs of Chinese are even in length,
    and the bad bytes pair up), which is how the whole page used to turn into mojibake."""
    good = _page(head).encode("utf-8")
    cut, stray = good.index("通知公告".encode("utf-8")), good.index("提升".encode("utf-8"))
    return good[:cut] + "政".encode("utf-8")[:2] + good[cut:stray] + b"\xc0\xa1" + good[stray:]


@pytest.mark.parametrize("http_charset, head", [(None, ""), ("utf-8", ""), (None, '<meta charset="gbk">'),
                                                ("gb2312", "")], ids=["undeclared", "utf-8", "meta-gbk", "http-gb2312"])
def test_short_utf8_page_with_a_few_bad_bytes_stays_utf8(http_charset, head):
    text, encoding, note = decode_html(_broken_utf8(head), http_charset)
    assert encoding == "utf-8", note
    assert TITLE in text and all(line in text for line in LINES)
    assert text.count("\ufffd") == 3  # only the bad bytes are replaced
    if http_charset == "utf-8":
        assert note == ""


@pytest.mark.parametrize("http_charset, head", [(None, ""), ("utf-8", ""), (None, '<meta charset="gb2312">')],
                         ids=["undeclared", "wrong-utf-8-header", "meta-gb2312"])
def test_genuine_gbk_pages_still_decode_as_gb18030(http_charset, head):
    body = _page(head).encode("gbk")
    text, encoding, _ = decode_html(body, http_charset)
    assert encoding == "gb18030" and TITLE in text and TEXT in text, _
    # and a GBK page with a few bad bytes of its own is still GBK
    text, encoding, _ = decode_html(body[:300] + b"\xff\x80" + body[300:] + b"\xff", http_charset)
    assert encoding == "gb18030" and TITLE in text


def test_raw_jiangxi_response_bytes_decode_as_utf8(realpages):
    body = (realpages / "jiangxi-prov-policy-doc-raw-response-bytes.html").read_bytes()
    for http_charset in (None, "ISO-8859-1"):
        text, encoding, _ = decode_html(body, http_charset)
        assert encoding == "utf-8" and "赣府厅发〔2020〕6号" in text and "\ufffd" not in text
