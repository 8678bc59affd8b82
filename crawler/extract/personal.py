"""Personal identifiers in a page's text, found and masked before anything leaves the extractor.

Published 公示名单 that show full resident ID numbers, bank card numbers or the mobile
numbers of named persons are the most frequent item of recent inspection reports
(个人信息泄露). The extractor finds them here and keeps only masked forms
(:class:`~portalwatch.crawler.snapshot.PersonalHit`): the full number never reaches the
snapshot, the database, the JSON or a notice.

Masking (one rule for the whole program; ``reports/privacy.py`` re-uses it):

- resident ID: first 2 and last 3 characters, ``35*************23X`` (docs/rules.md §6);
- mobile: first 3 and last 4 digits, ``138****1234``;
- bank card: first 4 and last 4 digits, ``6222***********1234``.

Each masked form hides at least 4 digits that nothing else on the record gives back
(snippets around a hit are masked the same way, and any other long digit run in them too).

What counts (zero false alarms first):

- an ID number: 18 characters (17 digits and a digit or X), a province code that exists, a
  real birth date not after the audit date and not before 1900, and a valid ISO 7064
  MOD 11-2 check digit; not when a label before it names another register (统一社会信用代码,
  纳税人识别号, 订单号, 流水号, 编号 …);
- a bank card: 16–19 digits, Luhn-valid, a card prefix (62 UnionPay; 4/5 with 16 digits),
  after a mention of cards or accounts on the page (卡号, a 银行卡号 column, 账号 …), not
  labelled as something else and not a unit's account (单位账号, 对公, 财政 …);
- a mobile number (1[3-9] and 9 digits, no digit or letter around it): only beside a
  person's name in a published list — in a table with a 姓名 column (not a staff directory
  with 职务 / 职位 / 分管 / 单位 / 部门), or on a "张三 13812345678" line when the page has at
  least two such lines; never after 联系人 / 咨询 / 值班 / 举报 labels (a service contact),
  never next to an office line or after an office's, village's or grid's name (``货币信贷处 张三
  0791-88888888、181…``, ``东风村 张三 138…``: a work contact published on purpose). Office lines (0xxx-xxxxxxx, 400-) never look like mobiles. Masked forms (``138****1234``,
  ``4101**********1234``) have no digit run to match.

Numbers inside URLs and attachment addresses are not looked at: only visible text is.
"""

from __future__ import annotations

import datetime as dt
import re
from lxml import etree

from ._text import NON_CONTENT_TAGS, fold

MAX_HITS = 50  # hits kept per page (the check says "at least" when a page reaches it)
SNIPPET_SIDE = 15  # characters of context on each side of a hit

PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# candidates: a run of digits (and one trailing X for IDs) with no digit or Latin letter around it
_ID_CAND = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CARD_CAND = re.compile(r"(?<![0-9A-Za-z])\d{16,19}(?![0-9A-Za-z])")
_MOBILE_CAND = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
# masking patterns used on free text (titles, link texts, notices): deliberately broad for IDs
# (no check digit needed: hiding a non-ID costs nothing), narrow enough that dates, document
# numbers and article ids stay readable
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                      r"(?![0-9A-Za-z])")
_MOBILE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LONG_DIGITS = re.compile(r"\d{7,}")
_DIGIT_RUN = re.compile(r"\d{11}")  # fast pre-check: nothing to mask without 11 digits in a row

# a label right before a number that says it is not personal
_OTHER_REGISTER = re.compile(
    r"(?:统一社会信用代码|社会信用代码|信用代码|纳税人识别号|识别号|税号|注册号|组织机构代码|机构代码|登记证号|许可证号|"
    r"证书编号|证书号|订单号|订单编号|流水号|交易号|交易单号|单号|编号|批号|文号|合同号|项目代码|备案号|索引号|工单号|"
    r"条码|条形码|账单号|业务号|受理号|案号|档案号|准考证号|考号|登记号|凭证号)[^\d]{0,6}$")
_CARD_WORDS = re.compile(r"卡号|银行卡|借记卡|信用卡|社保卡|一卡通|存折|银行账号|银行帐号|账号|帐号|收款账户|账户")
_CORPORATE = re.compile(r"(?:单位|公司|对公|基本户|财政|国库|专户|户名[:：]?[^\s]{0,12}(?:局|委|办|政府|中心|公司|银行))"
                        r"[^\d]{0,20}$")
_CONTACT_LABEL = re.compile(r"(?:联系人|咨询|值班|举报|投诉|监督|服务|热线|办公|传真|客服|受理|报名|报警|求助)"
                            r"[^\d]{0,12}$")

# common surnames (the 100 most frequent single ones and some compound ones): a mobile number
# counts as a person's only beside something that looks like a name
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢"
    "安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游"
    "辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯")
# the Han run right before the number, standing alone (a non-Han character or the start before it)
_NAME_BEFORE = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,8})[\s:：,，、（(]*"
                          r"(?:(?:联系)?(?:电话|手机)(?:号码?)?|联系方式)?[\s:：,，、（(]*$")
_LABELS = ("手机号码", "手机号", "联系电话", "联系方式", "电话号码", "电话", "手机", "号码")
# words starting with a surname character that are no names
_NOT_NAMES = frozenset((
    "单位", "时间", "全部", "成员", "安全", "和平", "高新", "明天", "周末", "方式", "方法", "石油", "路线", "金额",
    "余额", "常用", "应急", "万元", "文件", "于是", "全年", "全镇", "全县", "全市", "全区", "全村", "全体", "华为",
    "明细", "江苏", "江西", "湖南", "湖北", "黄山", "宁夏", "吉林", "安徽", "贵州", "云南", "甘肃", "青海", "海南",
    "广东", "广西", "山东", "山西", "河南", "河北", "陕西", "四川", "福建", "浙江", "辽宁", "新疆", "西藏", "重庆",
    "上海", "北京", "天津", "台湾", "香港", "澳门", "内蒙古", "黑龙江", "本人", "家属", "时任", "成功", "包括",
    "祝贺", "连续", "管理", "项目", "任务", "向上", "程序", "车辆", "车牌", "房屋", "司机", "师傅", "农户", "毛重",
    "温馨提示", "联系", "电话", "手机", "号码", "商户", "宫颈", "党员", "宗地", "邮编", "邮政", "时段", "席位",
))
# an office line near a mobile number: a work contact (处室 张三 0791-88888888、13912345678)
_LANDLINE = re.compile(r"(?<!\d)(?:0\d{2,3}[-－—]?\d{7,8}|400[-－]?\d{3}[-－]?\d{4})(?!\d)")
# the name follows an office's name: an official's work contact, not a private person
# (a village or grid before the name: a 网格员 / 村干部 contact list, published on purpose)
_ORG_BEFORE = re.compile(r"(?:处|科|室|局|厅|委|办|站|所|中心|支行|分行|公司|大队|中队|部|院|组|股|队|村|社区|网格|屯|镇|乡|街道)"
                         r"[\s:：]*$")
_NAME_HEADERS = ("姓名", "户主", "申请人", "负责人姓名", "户主姓名", "学生姓名", "家长姓名")
_STAFF_HEADERS = ("职务", "职位", "职责", "分管", "岗位", "职称", "单位", "部门", "处室", "科室", "办公电话", "座机",
                  "网格", "包村", "包联", "驻村")

__all__ = ["find_personal", "luhn_ok", "mask_card", "mask_id", "mask_mobile", "mask_numbers", "mask_snippet",
           "valid_id_number"]


# -- masking -------------------------------------------------------------------------------

def mask_id(number: str) -> str:
    """``350102199001011234`` -> ``35*************234`` (birth date, region and sequence hidden)."""
    return number[:2] + "*" * (len(number) - 5) + number[-3:]


def mask_mobile(number: str) -> str:
    """``13812341234`` -> ``138****1234``."""
    return number[:3] + "****" + number[-4:]


def mask_card(number: str) -> str:
    """``6222021234567890123`` -> ``6222***********0123``."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _is_card_like(number: str) -> bool:
    return luhn_ok(number) and (number.startswith("62") or (len(number) == 16 and number[0] in "45"))


def mask_numbers(text: str) -> str:
    """Every ID-like number, mobile number and card-like number in ``text`` masked (same length).

    Broad on purpose (no check digit needed for an ID, no name needed for a mobile): used on
    everything the crawler keeps and on notices. Dates, document numbers and office lines
    (0412-5585806) have no run of 11 digits and stay as they are."""
    if not text or not _DIGIT_RUN.search(text):
        return text
    text = _ID_LIKE.sub(lambda m: mask_id(m[0]), text)
    text = _CARD_CAND.sub(lambda m: mask_card(m[0]) if _is_card_like(m[0]) else m[0], text)
    return _MOBILE_LIKE.sub(lambda m: mask_mobile(m[0]), text)


def mask_snippet(text: str) -> str:
    """``mask_numbers`` and then every other run of 7 or more digits (order numbers, accounts,
    numbers cut at the snippet's edge) hidden too, keeping its first 2 and last 2 digits."""
    text = mask_numbers(text)
    return _LONG_DIGITS.sub(lambda m: m[0][:2] + "*" * (len(m[0]) - 4) + m[0][-2:], text)


# -- validation ----------------------------------------------------------------------------

def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def valid_id_number(number: str, as_of: dt.date | None = None) -> bool:
    """An 18-character resident ID number: existing province, plausible region, real birth
    date (1900 … ``as_of``), and the ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if number[:2] not in PROVINCES or number[2:6] == "0000":
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > (as_of or dt.date.today()):
        return False
    check = _ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS)) % 11]
    return number[17].upper() == check


# -- finding -------------------------------------------------------------------------------

def _snippet(text: str, start: int, end: int, masked: str) -> str:
    """About 30 characters around ``text[start:end]``, the hit shown masked, every other number masked too."""
    lo, hi = max(0, start - SNIPPET_SIDE), min(len(text), end + SNIPPET_SIDE)
    # a digit run cut at the edge is masked whole (its visible part could be an ID's first half)
    wide_lo, wide_hi = lo, hi
    while wide_lo > 0 and text[wide_lo - 1].isdigit():
        wide_lo -= 1
    while wide_hi < len(text) and text[wide_hi].isdigit():
        wide_hi += 1
    before = mask_snippet(text[wide_lo:start])[lo - wide_lo:]
    after = mask_snippet(text[end:wide_hi])[: hi - end]
    return fold(f"{before}{masked}{after}")


def _name_before(text: str, start: int) -> bool:
    """A person's name (a common surname and 1-2 characters, standing alone) right before ``start``,
    perhaps followed by a label such as 电话 / 手机号码."""
    window = text[max(0, start - 16):start]
    if _CONTACT_LABEL.search(window):
        return False
    m = _NAME_BEFORE.search(window)
    if not m:
        return False
    word = m.group(1)
    if _ORG_BEFORE.search(window[max(0, m.start(1) - 14):m.start(1)]):
        return False  # 货币信贷处 张三 181…: a named official's work contact
    stripped = True
    while stripped:
        stripped = False
        for label in _LABELS:
            if word.endswith(label) and len(word) > len(label):
                word, stripped = word[: -len(label)], True
    if word in _NOT_NAMES:
        return False
    if len(word) in (2, 3) and word[0] in _SURNAMES:
        return True
    return len(word) in (3, 4) and word[:2] in _COMPOUND


def _table_mobiles(root: etree._Element | None) -> set[str]:
    """Mobile numbers in the cells of tables that list persons (a 姓名 column, no 职务 column)."""
    found: set[str] = set()
    if root is None:
        return found
    for table in root.iter("table"):
        rows = [r for r in table.iter("tr")]
        if len(rows) < 2:
            continue
        header = None
        for row in rows[:3]:
            cells = [fold("".join(c.itertext())) for c in row if c.tag in ("td", "th")]
            if any(any(h in cell for h in _NAME_HEADERS) and len(cell) <= 8 for cell in cells):
                header = cells
                break
        if header is None or any(any(s in cell for s in _STAFF_HEADERS) for cell in header):
            continue
        for el in table.iter():
            if el.tag in NON_CONTENT_TAGS:
                continue
            for part in (el.text, el.tail):
                if part and _DIGIT_RUN.search(part):
                    found.update(m[0] for m in _MOBILE_CAND.finditer(part))
    return found


def find_personal(text: str, root: etree._Element | None = None, as_of: dt.date | None = None,
                  limit: int = MAX_HITS) -> list[tuple[str, str, str]]:
    """``(kind, masked, masked snippet)`` for each personal identifier in ``text`` (the page's
    visible main text); ``root`` lets mobile numbers in name tables count."""
    if not text or not _DIGIT_RUN.search(text):
        return []
    hits: list[tuple[str, str, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _ID_CAND.finditer(text):
        number = m[0]
        if not valid_id_number(number, as_of) or _OTHER_REGISTER.search(text[max(0, m.start() - 20):m.start()]):
            continue
        taken.append(m.span())
        hits.append(("id_number", mask_id(number), _snippet(text, m.start(), m.end(), mask_id(number))))
    card_word = _CARD_WORDS.search(text)  # a card label (卡号, a 银行卡号 column) must come first
    for m in _CARD_CAND.finditer(text, card_word.end()) if card_word else ():
        number = m[0]
        if any(a <= m.start() < b for a, b in taken) or not _is_card_like(number):
            continue
        before = text[max(0, m.start() - 30):m.start()]
        if _OTHER_REGISTER.search(before[-20:]) or _CORPORATE.search(before):
            continue
        taken.append(m.span())
        hits.append(("bank_card", mask_card(number), _snippet(text, m.start(), m.end(), mask_card(number))))
    mobiles = []
    in_tables = _table_mobiles(root) if "姓名" in text or "户主" in text or "申请人" in text else set()
    for m in _MOBILE_CAND.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        before = text[max(0, m.start() - 16):m.start()]
        if _CONTACT_LABEL.search(before) or _LANDLINE.search(text[max(0, m.start() - 24):m.end() + 24]):
            continue  # a service contact, or a work contact with its office line
        beside = _name_before(text, m.start())
        if m[0] in in_tables or beside:
            mobiles.append((m, beside))
    # a lone "张三 13812345678" is a contact line; two or more make a list
    named = sum(1 for _, beside in mobiles if beside)
    for m, beside in mobiles:
        if m[0] in in_tables or named >= 2:
            hits.append(("mobile", mask_mobile(m[0]), _snippet(text, m.start(), m.end(), mask_mobile(m[0]))))
    return hits[:limit] if limit else hits
