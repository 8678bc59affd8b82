"""Privacy masking of site text shown in notices (rules §6: published notices are inspected too).

Phone numbers become ``138****1234``, ID numbers ``35*************123``, bank cards
``6222***********1234`` (one masking rule for the whole program:
``portalwatch.crawler.extract.personal.mask_numbers``, which the crawler applies before
anything is stored) and addresses stop at the township. Patterns are deliberately narrow (an
ID needs a plausible birth date, a mobile number exactly 11 digits starting 13-19, an address
a village or street and a house number after the township) so that dates, document numbers
and article ids stay readable.
"""

from __future__ import annotations

import re
from typing import Any

from portalwatch.crawler.extract.personal import mask_card, mask_id, mask_mobile, mask_numbers

__all__ = ["mask_card", "mask_id", "mask_mobile", "mask_numbers", "mask_private", "mask_tree"]

_UNIT = r"\d+(?:号楼|号|组|栋|幢|单元|室)"
_ADDRESS = re.compile(r"((?:乡|镇|街道|街道办事处))([^\s，。；,;：:]{0,20}?(?:村|社区|路|街|巷|小区)"
                      rf"[^\s，。；,;：:]{{0,20}}?{_UNIT}(?:[^\s，。；,;：:\d]{{0,4}}{_UNIT})*)")


def mask_private(text: str) -> str:
    """Mask ID numbers (``35*************123``), mobile numbers (``138****1234``), bank cards
    and the part of an address below the township."""
    text = mask_numbers(text)
    return _ADDRESS.sub(r"\1***", text)


def mask_tree(value: Any) -> Any:
    """``mask_private`` applied to every string inside dicts and lists."""
    if isinstance(value, str):
        return mask_private(value)
    if isinstance(value, dict):
        return {k: mask_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_tree(v) for v in value]
    return value
