"""content_error: the lexicon (built-in and the office's), its findings, and no built-in entry
ever matching correct text (real pages, test portals, the demo portal)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from check_helpers import SiteBuilder, ctx, item, run

from portalwatch.checks.content_error import BUILTIN, ContentError, LexiconError, load_lexicon
from portalwatch.crawler.extract.encoding import decode_html
from portalwatch.crawler.extract.page import extract_page
from portalwatch.crawler.snapshot import TextHit
from portalwatch.scheduler.demo import demo_source, render_demo_site

from conftest import REALPAGES, SITES

# the demo portal's one staged misspelling (scheduler/demo.py DEFECTS)
DEMO_DEFECT = ("xwdt/content_1006.html", "一如继往")


def test_a_built_in_misspelling_is_reported_with_its_correction_and_sentence():
    b = SiteBuilder()
    sentence = "深入学习贯彻习近平新时代中国特色社会主意思想。"
    b.article("/xwdt/1.html", "示范镇召开学习会", 3, text_hits=[TextHit("中国特色社会主意", sentence),
                                                         TextHit("中国特色社会主意", sentence)])
    b.article("/xwdt/2.html", "示范镇召开推进会", 3)
    (finding,), _ = run(ContentError, b.snapshot)
    assert finding.message == "页面“示范镇召开学习会”中“中国特色社会主意”应为“中国特色社会主义”。"
    assert finding.evidence["sentence"] == sentence and finding.evidence["correction"] == "中国特色社会主义"
    lines = ContentError.evidence_lines(finding.to_dict())
    assert ("正确写法", "中国特色社会主义") in lines and ("原文", sentence) in lines
    assert ContentError.key(finding.to_dict()) == ("content_error", finding.url, "中国特色社会主意")


def test_a_title_shown_in_lists_is_reported_once_on_its_article():
    b = SiteBuilder()
    title = "示范镇一如继往做好惠民工作"
    b.list_page("/xwdt/", [item(title, 3, "/xwdt/1.html"), item("示范镇另一条一如继往的新闻", 4, "/xwdt/9.html")],
                text_hits=[TextHit("一如继往", f"{title} 其他新闻"), TextHit("一如继往", "示范镇另一条一如继往的新闻")])
    b.article("/xwdt/1.html", title, 3, text_hits=[TextHit("一如继往", title)])
    found = run(ContentError, b.snapshot)[0]
    # the article, and the list for the entry whose article was not crawled
    assert sorted(f.url.rsplit("/", 1)[-1] for f in found) == ["", "1.html"]
    b.page("/xwdt/9.html", title="示范镇另一条新闻")  # crawled, and its text does not hold the term
    assert len(run(ContentError, b.snapshot)[0]) == 2


def test_office_lists_from_the_config_file(tmp_path):
    words = tmp_path / "词表.txt"
    words.write_text("# 本单位错误提法\n示范乡=示范镇\n某敏感词\n\n旧提法 → 新提法\n", encoding="utf-8")
    config = tmp_path / "portalwatch.yaml"
    config.write_text("content_error:\n  terms:\n    全县人民政府: 县人民政府\n    不当用语: null\n"
                      "  files: [词表.txt]\n", encoding="utf-8")
    context = ctx(PORTALWATCH_CONFIG=str(config))
    lexicon = load_lexicon(context).corrections
    assert lexicon["示范乡"] == "示范镇" and lexicon["某敏感词"] == "" and lexicon["旧提法"] == "新提法"
    assert lexicon["不当用语"] == "" and lexicon["不忘出心"] == "不忘初心"  # the built-in list stays
    assert set(ContentError.text_terms(context)) == set(lexicon)

    b = SiteBuilder()
    b.article("/a.html", "通知", 3, text_hits=[TextHit("某敏感词", "文中出现某敏感词。"), TextHit("示范乡", "示范乡政府。")])
    found = {f.evidence["wrong"]: f for f in run(ContentError, b.snapshot, context)[0]}
    assert found["某敏感词"].evidence["correction"] == "删除或改正"
    assert found["某敏感词"].message == "页面“通知”中“某敏感词”属于错误或不当表述，请删除或改正。"
    assert found["示范乡"].message == "页面“通知”中“示范乡”应为“示范镇”。"

    config.write_text("content_error:\n  builtin: false\n  terms: {示范乡: 示范镇}\n", encoding="utf-8")
    assert load_lexicon(context).corrections == {"示范乡": "示范镇"}
    # the same shape as an audit setting (--set PORTALWATCH_CONTENT_ERROR='{...}')
    assert load_lexicon(ctx(PORTALWATCH_CONTENT_ERROR={"terms": {"甲乙": "丙丁"}})).corrections["甲乙"] == "丙丁"


@pytest.mark.parametrize("yaml_text, error", [
    ("content_error:\n  files: [没有这个文件.txt]\n", "无法读取词表文件"),
    ("content_error:\n  terms: {镇: 乡}\n", "太短"),
    ("content_error:\n  terms: {人民: 人民政府}\n", "正确形式"),  # every correct text would match
    ("content_error: [a, b]\n", "应为对象"),
])
def test_a_broken_lexicon_is_a_clear_error(tmp_path, yaml_text, error):
    config = tmp_path / "c.yaml"
    config.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(LexiconError, match=error):
        load_lexicon(ctx(PORTALWATCH_CONFIG=str(config)))


def test_no_page_hits_no_finding_and_entries_never_correct_substrings():
    b = SiteBuilder()
    b.article("/a.html", "通知", 3)
    assert run(ContentError, b.snapshot)[0] == []
    for wrong, right in BUILTIN.items():
        assert wrong not in right and len(wrong) >= 3


def _corpus(tmp_path):
    yield from sorted(REALPAGES.rglob("*.htm*"))
    yield from sorted(SITES.rglob("*.htm*"))
    yield from sorted(render_demo_site(tmp_path / "demo", dt.date(2026, 11, 20)).rglob("*.htm*"))


def test_no_built_in_entry_occurs_in_real_or_test_pages(tmp_path):
    """Every built-in wrong form against every page we have, as raw HTML (any substring, not only
    extracted text): only the demo's staged defect may match."""
    hits = {}
    terms = tuple(BUILTIN)
    for path in _corpus(tmp_path):
        html, _, _ = decode_html(path.read_bytes(), None)
        raw = [t for t in terms if t in html]
        extracted = [h.term for h in extract_page(html, "http://www.example.gov.cn/a.html", as_of=dt.date(2026, 11, 20),
                                                  terms=terms)["text_hits"]]
        if raw or extracted:
            hits[path.as_posix()] = sorted(set(raw) | set(extracted))
    demo = [p for p in hits if p.endswith(DEMO_DEFECT[0]) and "/demo/" in p]
    assert [hits.pop(p) for p in demo] == [[DEMO_DEFECT[1]]]
    assert hits == {}, json.dumps(hits, ensure_ascii=False)
    assert demo_source().is_dir()
