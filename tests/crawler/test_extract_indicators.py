"""The service-guide and footer extractors on hand-written pages and on real gov.cn pages."""

from __future__ import annotations

import datetime as dt

import pytest

from portalwatch.crawler.extract.page import extract_page

REF = dt.date(2026, 11, 20)
URL = "http://zf.example.gov.cn/a.html"


def _page(body: str, title: str = "页面", head: str = "") -> dict:
    return extract_page(f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>", URL, as_of=REF)


def guide(body: str, title: str = "最低生活保障申请办事指南_示范镇") -> tuple[bool, list[str], list[str]]:
    fields = _page(body, title)
    return fields["is_guide"], fields["guide_elements"], fields["guide_labels"]


def test_a_table_guide_with_synonyms_and_a_label_spanning_rows():
    is_guide, present, labels = guide("""<table>
        <tr><td>事项名称</td><td>低保申请</td></tr>
        <tr><td rowspan="2">申请材料</td><td>身份证</td></tr><tr><td>户口簿</td></tr>
        <tr><td>受理条件</td><td>户籍在本镇</td></tr><tr><td>收费依据及标准</td><td>不收费</td></tr>
        <tr><td>承诺时限</td><td></td></tr><tr><td>咨询电话</td><td>0000-1234567</td></tr></table>""")
    assert is_guide
    assert present == ["事项名称", "申请条件", "办理材料", "收费标准", "联系电话"]
    assert "办理时间" in labels and "办理时间" not in present  # an empty cell is absent


def test_a_label_spanning_rows_with_its_values_only_below():
    _, present, _ = guide("""<table><tr><td rowspan="3">办理材料</td><td></td></tr>
        <tr><td>1. 身份证</td></tr><tr><td>2. 户口簿</td></tr>
        <tr><td>事项名称</td><td>X</td></tr><tr><td>办理流程</td><td>受理、审核</td></tr></table>""")
    assert present == ["事项名称", "办理材料", "办理流程"]


def test_a_header_row_over_a_value_row():
    _, present, labels = guide("<table><tr><th>事项名称</th><th>办理时限</th><th>收费标准</th></tr>"
                               "<tr><td>X</td><td></td><td>免费</td></tr></table>")
    assert labels == ["事项名称", "收费标准", "办理时间"] and present == ["事项名称", "收费标准"]


def test_inline_labels_headings_and_definition_lists():
    _, present, labels = guide("""<p><strong>事项名称：</strong>X</p><p><strong>办理材料：</strong></p><p>1.身份证</p>
        <p>办理地点：镇便民服务中心</p><p>联系电话：</p><dl><dt>办理流程</dt><dd>受理-审核</dd></dl>
        <p>五、办理时限：即时办结。收费标准：不收费。</p>""")
    assert present == ["事项名称", "办理材料", "办理地点", "收费标准", "办理时间", "办理流程"]
    assert "联系电话" in labels  # 联系电话： followed by the next label is empty
    _, present, _ = guide("<h3>一、事项名称</h3><p>X</p><h3>二、设定依据</h3><p>《条例》</p>"
                          "<h3>三、办理流程</h3><p><img src='/lc.png'></p><h3>四、收费标准</h3><p>无</p><h3>五、办理机构</h3>")
    assert present == ["事项名称", "设定依据", "收费标准", "办理流程"]  # 无 is a statement, an image is content


def test_what_is_not_a_guide():
    # a column listing guides, a contact page, a 政府信息公开指南, a page template's 联系电话
    assert not guide("<ul><li><a href='/1.html'>低保办事指南</a></li><li><a href='/2.html'>建房办事指南</a></li>"
                     "<li><a href='/3.html'>补贴办事指南</a></li></ul>", "办事指南_示范镇")[0]
    assert not guide("<p>机构名称：镇政府</p><p>地址：某路</p><p>电话：123</p><p>办公时间：9-17</p>", "联系我们")[0]
    assert not guide("<p>本指南根据条例编制。</p><p>受理机构：办公室</p>", "政府信息公开指南")[0]
    _, present, _ = guide("<div class='TRS_Editor'><p>事项名称：X</p><p>办理材料：身份证</p></div>"
                          "<div class='footer'><p>联系电话：0000-1234567 地址：镇政府路1号</p></div>")
    assert present == ["事项名称", "办理材料"]  # the footer's phone is not the guide's


def test_a_catalogue_of_services_is_not_a_guide():
    rows = "".join(f"<tr><td>事项{n}</td><td>镇政府</td><td>5日</td><td>不收费</td></tr>" for n in range(4))
    assert guide("<table><tr><th>事项名称</th><th>实施主体</th><th>办理时限</th><th>收费标准</th></tr>"
                 f"{rows}</table>", "政务服务事项办事指南目录")[0] is False


def test_a_guide_recognised_by_its_labels_without_its_name():
    is_guide, present, _ = guide("<p>设定依据：《条例》</p><p>申请条件：本镇户籍</p><p>办理材料：身份证</p>"
                                 "<p>办理流程：受理、审核</p>", "低保申请_示范镇")
    assert is_guide and present == ["设定依据", "申请条件", "办理材料", "办理流程"]


FOOTER = ("<div class='footer'><p>主办单位：示范镇人民政府 联系电话：0000-6123456</p>"
          "<p>政府网站标识码：2399000001 示ICP备20260001号-1 示公网安备 23990002000001号</p></div>")


def test_footer_items_as_shown():
    fields = _page("<div class='main'>正文</div>" + FOOTER)
    assert fields["footer_status"] == "ok"
    assert fields["footer"] == {"政府网站标识码": "政府网站标识码：2399000001", "ICP备案号": "示ICP备20260001号-1",
                                "公安机关备案号": "示公网安备 23990002000001号", "主办单位": "主办单位：示范镇人民政府",
                                "联系方式": "联系电话"}


def test_footer_in_an_image_alt_a_script_written_footer_and_none():
    alt = _page("<div class='footer'><p>版权所有 示范镇人民政府</p><img src='/b.png' alt='示ICP备20260001号-1'></div>")
    assert alt["footer"]["ICP备案号"] == "示ICP备20260001号-1（图片说明文字）"
    assert alt["footer"]["主办单位"] == "版权所有 示范镇人民政府"  # "X 版权所有" names the unit
    written = _page("<div class='main'>正文 联系方式</div><div id='footer'></div><script src='/js/foot.js'></script>")
    assert written["footer_status"] == "script" and "ICP备案号" not in written["footer"]
    inline = _page("<div class='footer'>版权所有<script>document.write('示ICP备20260001号')</script></div>")
    assert inline["footer"]["ICP备案号"] == "示ICP备20260001号（脚本写入）"
    assert _page("<div class='main'>正文</div>")["footer_status"] == "none"
    partly = _page("<div class='footer'><p>版权所有 示范镇人民政府</p><script src='/icp.js'></script></div>")
    assert partly["footer_status"] == "ok_script"  # items not seen may be written there


# real footers (tests/data/realpages): item -> the text shown; missing items really are absent
REAL = {
    "govcn-state-council-gazette-doc.html": {"政府网站标识码": "网站标识码bm01000001", "ICP备案号": "京ICP备05070218号",
                                            "公安机关备案号": "京公网安备11010202000001号", "主办单位": "主办单位：国务院办公厅"},
    "jiujiang-site-search-results.html": {"政府网站标识码": "政府网站标识码：3604000043", "ICP备案号": "赣ICP备19007231号",
                                         "公安机关备案号": "赣公安备案 36040202000107号", "主办单位": "主办：中共九江市委"},
    "pingtan-policy-doc-normative-wenhao.html": {"公安机关备案号": "公安备案号：35012899001-19002",
                                                 "政府网站标识码": "网站标识码：3590000001"},
    "taiyuan-xinghualing-district-list-p1-jeecms.html": {
        "政府网站标识码": "网站识别号:1401070001", "主办单位": "中共太原市杏花岭区委 太原市杏花岭区人民政府 主办"},
    "wanzai-county-stats-bulletin-2022.html": {"政府网站标识码": "网站标识码：3609220011", "主办单位": "主办：万载县人民政府",
                                               "公安机关备案号": "赣公网安备 36092202000105号"},
    "yichun-city-homepage.html": {"政府网站标识码": "政府网站标识码：3609000002", "ICP备案号": "赣ICP备06000141号"},
    "nfra-ministry-penalty-disclosure-angular-dom.html": {"政府网站标识码": "网站标识码：bm55000001"},
    "ordos-enggebei-xxgk-list-trs-pagination.html": {"ICP备案号": "蒙ICP备13001412号-2"},
}
COMPLETE = set(REAL) - {"yichun-city-homepage.html"} | {
    "shanxi-gov-article-trs.html", "handan-xxgk-platform-homepage.html", "handan-xxgk-guide-page.html", "yichun-city-stats-bulletin-2022.html"}


@pytest.mark.parametrize("name", sorted(set(REAL) | COMPLETE))
def test_real_footers_are_read(realpages, name):
    html = (realpages / name).read_text(encoding="utf-8")
    fields = extract_page(html, "http://www.example.gov.cn/a.html", as_of=REF)
    assert fields["footer_status"] == "ok"
    for item, shown in REAL.get(name, {}).items():
        assert fields["footer"][item] == shown, item
    if name in COMPLETE:  # no false "missing" on a real footer
        assert set(fields["footer"]) == {"政府网站标识码", "ICP备案号", "公安机关备案号", "主办单位", "联系方式"}
    assert not fields["is_guide"]


@pytest.mark.parametrize("name", ["jiangxi-dept-amr-policy-doc-hanweb.html", "lishui-city-policy-doc-hanweb-wenhao-table.html",
                                  "jiangxi-prov-interpretation-jiedu-hanweb.html"])
def test_real_script_written_footers_are_undecided(realpages, name):
    """大汉 (hanweb) pages write header and footer from /script/*.js: nothing is judged missing."""
    html = (realpages / name).read_text(encoding="utf-8")
    assert extract_page(html, "http://www.example.gov.cn/a.html", as_of=REF)["footer_status"] == "script"
