"""Soft 404s judged from the page as a whole, not from a phrase.

A self-inspection report that *quotes* 您访问的页面不存在或已被删除 (the errors it found)
is an article, not a missing page; the site's real not-found page, answered with 200,
still is.
"""

from __future__ import annotations

from httpserver import Response

from portalwatch.crawler.soft404 import Soft404Detector, message_phrase, title_reason

NAV = ('<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
       '<li><a href="/bsfw/">办事服务</a></li></ul></div>')
FOOT = '<div class="footer">主办：示范镇人民政府 地址：示范路1号</div>'
REPORT = ("<p>按照网站检查工作要求，我镇对政府网站进行了全面自查。自查发现 3 个链接打开后显示“您访问的页面不存在或已被删除”，"
          "原因是栏目调整后旧链接未同步更新，目前已全部整改。</p>")


def page(title: str, main: str, extra_head: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{extra_head}</head><body>{NAV}"
            f"<div class='main'>{main}</div>{FOOT}</body></html>")


def test_an_article_quoting_the_message_is_not_a_soft_404_while_the_real_one_is(serve, audit):
    home = page("示范镇人民政府", '<a href="/zwgk/zcbg.html">示范镇政府网站自查情况报告</a>'
                '<a href="/zwgk/bg2.html">网站链接检查说明</a><a href="/zwgk/old.html">示范镇旧版通知</a>'
                '<a href="/zwgk/removed.html">已撤下的公告</a>')
    missing = page("示范镇人民政府", "<p>对不起，您访问的页面不存在或已被删除！</p><a href='/'>返回首页</a>")
    site = serve(routes={
        "/": Response(home),
        # quoted, under an article title, with a publication date
        "/zwgk/zcbg.html": Response(page("示范镇政府网站自查情况报告", f"<h1>示范镇政府网站自查情况报告</h1>{REPORT}",
                                         "<meta name='PubDate' content='2026-11-10'>")),
        # the phrase unquoted, but the page's own content is a paragraph, not a message
        "/zwgk/bg2.html": Response(page("网站链接检查说明", "<h1>网站链接检查说明</h1><p>" + "检查中如遇页面不存在，"
                                        "请记录链接地址并报网站管理员核实处理，管理员应在三个工作日内修复或撤下失效链接。" * 3
                                        + "</p>")),
        "/zwgk/": Response(page("政务公开", "<p>政务公开栏目</p>")),
        "/bsfw/": Response(page("办事服务", "<p>办事服务栏目</p>")),
        "/zwgk/old.html": Response(missing),
        "/zwgk/removed.html": Response(page("页面不存在", "<p>该信息已被删除</p>")),
    })
    result = audit(site.url)
    assert result.code == 0, result.stderr
    dead = {f["target"]: f["evidence"]["reason"] for f in result.doc["findings"] if f["check"] == "dead_link"}
    assert dead == {site.url + "zwgk/old.html": "soft404", site.url + "zwgk/removed.html": "soft404"}


def test_quoted_phrases_and_article_titles_say_nothing():
    assert message_phrase("显示“您访问的页面不存在或已被删除”，已整改") == ""
    assert message_phrase("对不起，您访问的页面不存在或已被删除") == "页面不存在"
    assert title_reason("关于“页面不存在”问题的整改报告") == ""
    assert title_reason("404 Not Found") and title_reason("页面不存在 - 示范镇人民政府")
    assert title_reason("页面不存在_通知公告_示范县政务公开工作平台")  # column and site names say nothing
    detector = Soft404Detector()
    text = "示范镇 首页 政务公开 对不起，您访问的页面不存在或已被删除！ 返回首页"
    assert detector.classify("u", 200, "u", "示范镇人民政府", text, main_length=24)
    assert not detector.classify("u", 200, "u", "示范镇人民政府", text, main_length=24, dated=True)
    assert not detector.classify("u", 200, "u", "示范镇人民政府", text, main_length=400)
    # a probed page (no extraction): the phrase decides, unless it is quoted
    assert detector.classify_external("示范镇人民政府", text)
    assert not detector.classify_external("自查报告", "链接显示“页面不存在”，已整改。")


def test_a_page_is_parsed_once_for_its_fields_and_its_soft404_text(monkeypatch) -> None:
    """The soft-404 judgement reads the extractor's own tree (issue 12: no second parse per page)."""
    import datetime as dt

    import portalwatch.crawler.extract.page as page_mod
    from portalwatch.crawler.analysis import analyse_page
    from portalwatch.crawler.soft404 import title_and_text

    calls = []
    real = page_mod.parse_html
    monkeypatch.setattr(page_mod, "parse_html", lambda html: calls.append(1) or real(html))
    html = ("<html><head><title>页面不存在</title><style>.x{}</style></head><body><div>抱歉，您访问的页面"
            "<script>var a = '不可见';</script>不存在<!-- 注释 -->或已删除</div><noscript>请启用脚本</noscript>"
            "<a href='/'>返回首页</a></body></html>")
    result = analyse_page(html.encode("utf-8"), "utf-8", "http://127.0.0.1/x.html", dt.date(2026, 11, 20),
                          False, True)
    assert len(calls) == 1
    assert result["text"] == "抱歉，您访问的页面不存在或已删除返回首页"
    assert "不可见" not in result["text"] and "请启用脚本" not in result["text"] and "注释" not in result["text"]
    assert result["text"] == title_and_text(html)[1]  # the baseline and link probes read text the same way
