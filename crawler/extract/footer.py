"""The identification items of a page's footer (政府网站发展指引: 网站标识).

Items, each recorded with the text as the page shows it:

- ``政府网站标识码``: ``政府网站标识码：3609000002``, ``网站标识码bm01000001``, ``网站识别号:1401070001``
- ``ICP备案号``: ``赣ICP备06000141号``, ``ICP备案编号：…``, ``京ICP证080276号``
- ``公安机关备案号``: ``赣公网安备 36090202000004号``, ``公安备案号：35012899001-19002``, ``赣公安备案 3604…``
- ``主办单位``: ``主办单位：…``, ``主办：…``, ``主办方：…``, ``…人民政府 主办``
- ``联系方式``: a phone, e-mail, address or fax label, or a 联系我们 link

The footer region (``footer``/``foot``/``bottom``/``copyright`` blocks) is read first; an item not
found there is looked for in the rest of the page's visible text, image ``alt`` texts and, last, in
inline scripts (``document.write('京ICP备…')``: present, written by script). Finding an item
anywhere means it is shown: this extractor errs towards "present", because a missing item is an
accusation.

``footer_status`` says whether the footer could be read: ``ok`` (at least one footer item, 版权所有
or © was seen), ``script`` (nothing seen, but the page has scripts or frames that may write its
footer: undecided, never missing), ``none`` (nothing seen and nothing that could write it), ``ok_script`` (read, but the footer region
holds a script or frame that may write the items not seen: those are undecided on this page).
"""

from __future__ import annotations

import re

from lxml import etree

from ._text import NON_CONTENT_TAGS, fold

ITEMS = ("政府网站标识码", "ICP备案号", "公安机关备案号", "主办单位", "联系方式")

_SP = r"[\s\u3000\u00a0]*"
PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {  # tried in order
    "政府网站标识码": (re.compile(rf"(?:政府)?网站(?:标识码|识别码|识别号){_SP}[:：]?{_SP}([A-Za-z0-9０-９]*)"),),
    "ICP备案号": (re.compile(rf"[\u4e00-\u9fff]?{_SP}ICP{_SP}[备证]{_SP}[\d０-９]+{_SP}号?(?:-\d+)?", re.I),
                re.compile(rf"ICP{_SP}备案(?:编号|序号|号)?{_SP}[:：]{_SP}\S+", re.I)),
    "公安机关备案号": (re.compile(rf"[\u4e00-\u9fff]?公网安备{_SP}[\d０-９\-]+{_SP}号?"),
                re.compile(rf"[\u4e00-\u9fff]?公安(?:机关)?备案(?:编号|号)?{_SP}[:：]?{_SP}[\d０-９\-]+号?")),
    "主办单位": (re.compile(rf"主办(?:单位|方|机关)?{_SP}[:：]{_SP}[^\s|｜，,]{{2,40}}"),
             re.compile(rf"[\u4e00-\u9fff]{{2,30}}(?:{_SP}[\u4e00-\u9fff]{{2,30}})?{_SP}主办(?![单方机])"),
             # "浙江省发展和改革委员会 版权所有" names the unit too (not accused of lacking one)
             re.compile(rf"版权所有{_SP}[:：]?{_SP}[\u4e00-\u9fff][^\s|｜，,]{{1,40}}|[\u4e00-\u9fff·]{{4,30}}{_SP}版权所有")),
    "联系方式": (re.compile(rf"联系方式|联系电话|(?:值班|办公|咨询)?电话{_SP}[:：]|联系我们|关于我们|E-?mail{_SP}[:：]|"
                        rf"(?:电子)?邮箱{_SP}[:：]|(?:通讯|联系)?地址{_SP}[:：]|传真{_SP}[:：]|(?-i:QQ)", re.I),
             re.compile(r"(?<!\d)(?:0\d{2,3}[-－—]\d{7,8}|1[3-9]\d{9})(?!\d)")),
}
# seen only in a footer: the page's footer was read (a 联系我们 in the text proves nothing)
_FOOTER_ITEMS = ("政府网站标识码", "ICP备案号", "公安机关备案号")
_FOOTER_MARK = re.compile(r"版权所有|Copyright|©|&copy;", re.I)
_SCRIPT_HINT = re.compile(r"foot|bottom|copyright|banquan|\bft\b|wb\.|dibu", re.I)
MAX_VALUE = 60


def _visible_text(el: etree._Element, limit: int = 200_000) -> tuple[str, list[str]]:
    """Visible text of ``el`` and the alt/title texts of its images."""
    parts: list[str] = []
    alts: list[str] = []
    size = 0
    for node in el.iter():
        tag = node.tag
        if not isinstance(tag, str):
            continue
        if tag in NON_CONTENT_TAGS:
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if tag == "img":
            alt = node.get("alt") or node.get("title")
            if alt:
                alts.append(alt)
        if node.text:
            parts.append(node.text)
            size += len(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
            size += len(node.tail)
        if size > limit:
            break
    return fold(" ".join(parts)), [fold(a) for a in alts]


def _find(texts: list[tuple[str, str]], found: dict[str, str]) -> None:
    for item in ITEMS:
        if item in found:
            continue
        for pattern in PATTERNS[item]:
            hit = next(((m, how) for text, how in texts if (m := pattern.search(text))), None)
            if hit:
                found[item] = f"{fold(hit[0].group(0))[:MAX_VALUE]}{hit[1]}"
                break


def _links_contact(root: etree._Element) -> bool:
    for a in root.iter("a"):
        href = (a.get("href") or "").lower()
        if href.startswith(("mailto:", "tel:")):
            return True
    return False


def extract_footer(root: etree._Element, footer_regions: list[etree._Element]) -> tuple[dict[str, str], str]:
    """``({item: value as shown}, footer_status)``."""
    found: dict[str, str] = {}
    region_texts: list[tuple[str, str]] = []
    for region in footer_regions:
        text, alts = _visible_text(region)
        region_texts.append((text, ""))
        region_texts.extend((a, "（图片说明文字）") for a in alts)
    _find(region_texts, found)
    marked = any(_FOOTER_MARK.search(t) or PATTERNS["主办单位"][0].search(t) for t, _ in region_texts)
    if len(found) < len(ITEMS):
        body = root.find("body")
        text, alts = _visible_text(body if body is not None else root)
        _find([(text, "")] + [(a, "（图片说明文字）") for a in alts], found)
        marked = marked or bool(_FOOTER_MARK.search(text))
    if "联系方式" not in found and _links_contact(root):
        found["联系方式"] = "（电话或邮箱链接）"
    scripts = [s for s in root.iter("script")]
    if len(found) < len(ITEMS):
        inline = [s.text for s in scripts if s.text and not s.get("src")]
        _find([(t, "（脚本写入）") for t in inline], found)
    if marked or any(item in found for item in _FOOTER_ITEMS) or (
            "主办单位" in found and PATTERNS["主办单位"][0].search(found["主办单位"])):
        scripted = any(region.find(".//script") is not None or region.find(".//iframe") is not None
                       for region in footer_regions)
        return found, "ok_script" if scripted and len(found) < len(ITEMS) else "ok"
    if scripts or root.find(".//iframe") is not None:
        return found, "script"
    return found, "none"
