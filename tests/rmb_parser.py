"""An independent reader of Chinese uppercase amounts, written for the tests only.

It shares no code with app/values/money.py: it tokenises the text and adds digit × unit, so a bug in
the writer cannot be mirrored here.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL = {"拾": 10, "佰": 100, "仟": 1000}
BIG = [("万亿", 10**12), ("亿", 10**8), ("万", 10**4)]


def _integer(text: str) -> int:
    total = section = number = 0
    i = 0
    while i < len(text):
        for token, value in BIG:
            if text.startswith(token, i):
                total += (section + number) * value
                section = number = 0
                i += len(token)
                break
        else:
            ch = text[i]
            if ch in DIGITS:
                number = DIGITS[ch]
            elif ch in SMALL:
                section += number * SMALL[ch]
                number = 0
            else:
                raise ValueError(f"unexpected {ch!r}")
            i += 1
    return total + section + number


def parse_rmb_upper(text: str) -> Decimal:
    body = text.removesuffix("整").removesuffix("正")
    yuan = 0
    if "元" in body:
        head, body = body.split("元", 1)
        yuan = _integer(head)
    body = body.lstrip("零")
    jiao = fen = 0
    if "角" in body:
        head, body = body.split("角", 1)
        jiao = DIGITS[head]
    if "分" in body:
        head, body = body.split("分", 1)
        fen = DIGITS[head.lstrip("零")]
    if body:
        raise ValueError(f"left over: {body!r}")
    return Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100
