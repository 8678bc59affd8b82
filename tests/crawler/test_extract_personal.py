"""Personal identifiers and wanted terms, as the extractor records them: masked, and only real ones."""

from __future__ import annotations

import datetime as dt

import pytest

from portalwatch.crawler.extract.page import extract_page
from portalwatch.crawler.extract.personal import luhn_ok, mask_numbers, valid_id_number
from portalwatch.crawler.extract.textterms import find_terms

AS_OF = dt.date(2026, 11, 20)
URL = "http://zf.example.gov.cn/tzgg/1.html"
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    """``body17`` completed with its ISO 7064 MOD 11-2 check character."""
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, _W)) % 11]


def card(prefix: str, length: int = 19) -> str:
    """A Luhn-valid card number starting with ``prefix``."""
    body = (prefix + "0123456789" * 2)[: length - 1]
    for last in "0123456789":
        if luhn_ok(body + last):
            return body + last
    raise AssertionError


ID1 = id_number("41010119900101123")
ID2 = id_number("35010219851231004")
CARD = card("6222021", 19)


def extract(body: str, terms: tuple[str, ...] = ()) -> dict:
    html = f"<html><head><title>公示</title></head><body><div class='content'>{body}</div></body></html>"
    return extract_page(html, URL, as_of=AS_OF, terms=terms)


def kinds(fields: dict) -> list[str]:
    return [h.kind for h in fields["personal"]]


def everything(fields: dict) -> str:
    return repr(fields)


def test_validators():
    assert valid_id_number(ID1, AS_OF) and valid_id_number(ID2, AS_OF)
    assert not valid_id_number(ID1[:-1] + ("0" if ID1[-1] != "0" else "1"), AS_OF)  # wrong check digit
    assert not valid_id_number(id_number("99010119900101123"), AS_OF)  # no such province
    assert not valid_id_number(id_number("41010119901301123"), AS_OF)  # month 13
    assert not valid_id_number(id_number("41010120300101123"), AS_OF)  # born after the audit date
    assert luhn_ok(CARD) and not luhn_ok(CARD[:-1] + str((int(CARD[-1]) + 1) % 10))


def test_a_published_list_is_found_and_only_masked_forms_are_kept():
    rows = "".join(f"<tr><td>{n}</td><td>{i}</td><td>{m}</td><td>{c}</td></tr>" for n, i, m, c in [
        ("张三", ID1, "13812345678", CARD), ("李四", ID2, "13987654321", card("6217001", 19))])
    fields = extract(f"<h1>2026年低保公示名单 {ID1}</h1><table><tr><th>姓名</th><th>身份证号码</th><th>联系电话</th>"
                     f"<th>银行卡号</th></tr>{rows}</table><a href='/a.html'>张三 {ID1}</a>")
    assert sorted(kinds(fields)) == ["bank_card"] * 2 + ["id_number"] * 4 + ["mobile"] * 2
    hit = next(h for h in fields["personal"] if h.kind == "id_number")
    assert hit.masked == "41*************" + ID1[-3:]
    assert {h.masked for h in fields["personal"] if h.kind == "mobile"} == {"138****5678", "139****4321"}
    assert f"6222***********{CARD[-4:]}" in {h.masked for h in fields["personal"]}
    dump = everything(fields)  # titles, link texts, snippets: nothing full survives
    for number in (ID1, ID2, CARD, "13812345678", "13987654321", ID1[6:14] + ID1[14:]):
        assert number not in dump
    assert all(len(h.snippet) <= 60 for h in fields["personal"])


@pytest.mark.parametrize("text", [
    f"统一社会信用代码：{id_number('11010119900101123')}",  # shaped like an ID, labelled as a credit code
    f"纳税人识别号 {id_number('32010219900101123')}",
    f"订单号：{id_number('41010119900101123')}",
    "统一社会信用代码：91410100MA44XXXX0X",  # letters
    "流水号 2026112012345678901 交易时间 2026-11-20",
    "身份证号：410101********1234 手机 138****1234 卡号 6222 **** **** 1234",  # masked forms
    "身份证号：41010119900101****",
    "咨询电话：0371-63912345，服务热线 400-123-4567，传真 0371-63912346",
    "联系人：张三，联系电话：13812345678",  # one service contact
    "举报电话 13812345678、13912345678",
    "附件：<a href='/u/410101199001011238.xls'>名单.xls</a>",  # numbers only in a URL
    "<table><tr><th>姓名</th><th>职务</th><th>联系电话</th></tr>"
    "<tr><td>张三</td><td>村支书</td><td>13812345678</td></tr>"
    "<tr><td>李四</td><td>村主任</td><td>13912345678</td></tr></table>",  # a cadre directory
    "<table><tr><th>指标</th><th>数值</th></tr><tr><td>总额</td><td>6222021234567890128</td></tr>"
    "<tr><td>人口</td><td>13812345678</td></tr></table>",  # statistics, no card words
    "开户银行：中国工商银行郑州分行 单位账号：6222021234567890128",  # the unit's own account
    # officials' work contacts in an interpretation (a real page's layout): office, name, office line
    "省商务厅 开放开发处 黄善斌 0791-86246358、13812345678 省农业农村厅 计财处 苏钰 13912345678 "
    "省交通运输厅 财务处 罗佳 13712345678",
    "东风村 张三 13812345678 红旗村 李四 13912345678 石桥社区 王五 13712345678",  # village contacts
    "<table><tr><th>网格</th><th>网格员姓名</th><th>联系电话</th></tr><tr><td>第一网格</td><td>张三</td>"
    "<td>13812345678</td></tr><tr><td>第二网格</td><td>李四</td><td>13912345678</td></tr></table>",
    "<table><tr><th>单位</th><th>姓名</th><th>联系电话</th></tr><tr><td>民政办</td><td>张三</td><td>13812345678</td></tr>"
    "<tr><td>财政所</td><td>李四</td><td>13912345678</td></tr></table>",
    "2026年11月20日 示政发〔2026〕12号 索引号：410101199001011238",
])
def test_traps_are_not_personal(text):
    assert extract(text)["personal"] == []


def test_name_lines_need_a_list_and_a_card_needs_card_words():
    one = extract("张三 13812345678")
    assert one["personal"] == []  # one line: a contact, not a list
    two = extract("补助发放名单：张三 13812345678；李四 手机 13912345678；")
    assert kinds(two) == ["mobile", "mobile"]
    assert kinds(extract(f"编码 {CARD}")) == []
    assert kinds(extract(f"编码 {CARD}，请凭银行卡办理")) == []  # the card word comes after it
    assert kinds(extract(f"申请人张三，银行卡号：{CARD}")) == ["bank_card"]


def test_mask_numbers_keeps_dates_and_document_numbers():
    text = f"2026-11-20 示政发〔2026〕12号 0371-63912345 {ID1} 13812345678 {CARD}"
    masked = mask_numbers(text)
    assert masked.startswith("2026-11-20 示政发〔2026〕12号 0371-63912345 ")
    assert ID1 not in masked and "13812345678" not in masked and CARD not in masked
    assert len(masked) == len(text)


def test_text_hits_are_bounded_masked_sentences():
    fields = extract(f"第一句。深入学习习近平新时代中国特色社会主意思想，联系电话13812345678。下一句。",
                     terms=("中国特色社会主意", "不忘出心"))
    (hit,) = fields["text_hits"]
    assert hit.term == "中国特色社会主意"
    assert hit.snippet == "深入学习习近平新时代中国特色社会主意思想，联系电话138****5678。"
    assert extract("中国特色社会主义思想")["text_hits"] == []
    assert extract("中国特色社会主意", terms=())["text_hits"] == []  # nothing asked, nothing kept
    long = find_terms(["甲" * 200 + "不忘出心" + "乙" * 200], ("不忘出心",))
    assert long == [("不忘出心", "…" + "甲" * 40 + "不忘出心" + "乙" * 40 + "…")]
