"""Reading Chinese numerals as contracts write them: uppercase amounts (大写) and counts (肆份, 三十日).

`app.values.money.rmb_upper` writes one style; a contract from elsewhere may use any spelling the People's Bank of
China rules allow, and some they do not. `parse_upper_amount` reads the value tolerantly (圆 or 元, 整 or 正
or neither, 人民币 in front, lower-case numerals, a missing 壹 before 拾); `allowed_spellings` lists every
spelling the rules allow for a value, so the arithmetic review can tell a wrong amount (an error) from an
irregular spelling of the right one (a warning):

- zeros between digits are written as one 零; a 零 is optional where the zeros are followed by a non-zero
  千位 after 万/亿, or by a non-zero 角 after a zero 元 digit (¥1,680.32 → 壹仟陆佰捌拾元[零]叁角贰分;
  ¥107,000.53 → 壹拾万[零]柒仟元[零]伍角叁分);
- 整 (or 正) after 元 when there are no 角/分, optional after 角, never after 分; a zero 角 before a
  non-zero 分 is written 零 (¥325.04 → 叁佰贰拾伍元零肆分);
- 10–19 at the start are written with 壹 (壹拾陆元整).
"""

from __future__ import annotations

import itertools
import unicodedata
from decimal import Decimal

from app.values.money import MAX_AMOUNT, UPPER_DIGITS, quantize

_DIGITS = {ch: i for i, ch in enumerate(UPPER_DIGITS)} | {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {
    "〇": 0, "两": 2, "俩": 2}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000, "十": 10, "百": 100, "千": 1000}
_BIG = (("万亿", 10**12), ("亿", 10**8), ("万", 10**4))
#: Characters an uppercase amount is written with (the recogniser looks for runs of these).
UPPER_CHARS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正〇"


class UpperError(ValueError):
    """Not a readable Chinese numeral; the message says what was left over."""


def _integer(text: str) -> int:
    """零 … 仟, 万, 亿 numerals (upper or lower case) to an int; 拾 alone counts as 壹拾."""
    if not text:
        raise UpperError("empty")
    total = 0
    section = 0
    number: int | None = None
    i = 0
    while i < len(text):
        for token, value in _BIG:
            if text.startswith(token, i):
                if section + (number or 0) == 0:
                    raise UpperError(f"{token} without digits")
                total += (section + (number or 0)) * value
                section, number = 0, None
                i += len(token)
                break
        else:
            ch = text[i]
            if ch in _DIGITS:
                number = _DIGITS[ch]
            elif ch in _SMALL:
                section += (1 if number is None else number) * _SMALL[ch]
                number = None
            else:
                raise UpperError(f"unexpected {ch!r}")
            i += 1
    return total + section + (number or 0)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for noise in ("人民币", "RMB", "rmb", "（大写）", "(大写)", "大写", "：", ":", " ", "\u3000", "\t"):
        text = text.replace(noise, "")
    return text.replace("圆", "元").replace("〇", "零")


def parse_upper_amount(text: str) -> Decimal:
    """The value of an uppercase amount, however it is spelled; UpperError if it is not one."""
    body = _clean(text)
    if body.endswith(("整", "正")):
        body = body[:-1]
    if not body:
        raise UpperError("empty")
    yuan = 0
    if "元" in body:
        head, body = body.split("元", 1)
        head = head.rstrip("零") if head not in ("零",) else head
        yuan = _integer(head) if head else 0
    elif "角" not in body and "分" not in body:
        raise UpperError("no 元, 角 or 分")
    body = body.lstrip("零")
    jiao = fen = 0
    if "角" in body:
        head, body = body.split("角", 1)
        if len(head) != 1 or head not in _DIGITS:
            raise UpperError(f"bad 角 {head!r}")
        jiao = _DIGITS[head]
        body = body.lstrip("零")
        if body in ("整", "正"):  # 伍角整: allowed after 角
            body = ""
    if "分" in body:
        head, body = body.split("分", 1)
        head = head.lstrip("零")
        if len(head) != 1 or head not in _DIGITS:
            raise UpperError(f"bad 分 {head!r}")
        fen = _DIGITS[head]
    if body:
        raise UpperError(f"left over {body!r}")
    value = Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100
    if value > MAX_AMOUNT:
        raise UpperError("too large")
    return value.quantize(Decimal("0.01"))


def parse_count(text: str) -> int | None:
    """A count written in digits (full-width too) or Chinese numerals: 4, ４, 四, 肆, 三十, 十五, 两; None otherwise."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    try:
        return _integer(text.replace("〇", "零"))
    except UpperError:
        return None


# ---------------------------------------------------------------- allowed spellings


def _group(group: int) -> str:
    """0 < group < 10000 with its inner zeros as one 零, no leading or trailing zeros."""
    digits = f"{group:04d}".lstrip("0")
    units = ("仟", "佰", "拾", "")[4 - len(digits):]
    out: list[str] = []
    zero = False
    for ch, unit in zip(digits, units, strict=True):
        d = int(ch)
        if d == 0:
            zero = True
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(UPPER_DIGITS[d] + unit)
    return "".join(out)


def integer_spellings(n: int) -> set[str]:
    """Every allowed uppercase spelling of a whole number (no 元), by the optional-零 rule above."""
    if n == 0:
        return {"零"}
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    units = ("", "万", "亿", "万亿")
    parts: list[list[str]] = []
    written = False
    zero_before = False  # a zero digit stands between the last written digit and this group
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            if written:
                zero_before = True
            continue
        text = _group(g) + units[idx]
        if written and g < 1000:
            parts.append(["零" + text])  # zeros between digits: 零 required
        elif written and zero_before:
            parts.append(["零" + text, text])  # before a non-zero 千位: 零 optional
        else:
            parts.append([text])
        written = True
        zero_before = g % 10 == 0
    return {"".join(p) for p in itertools.product(*parts)}


def allowed_spellings(value: Decimal) -> set[str]:
    """Every spelling of `value` the PBOC rules allow, without the 人民币 in front (written or not)."""
    fen_total = int(quantize(value) * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if fen_total == 0:
        return {"零元整", "零圆整", "零元正", "零圆正"}
    heads = [""] if yuan == 0 else [i + unit for i in integer_spellings(yuan) for unit in ("元", "圆")]
    tails: list[str] = []
    if rest == 0:
        tails = ["整", "正"]
    elif jiao:
        zeros = ["零", ""] if yuan and yuan % 10 == 0 else [""]
        for z in zeros:
            j = z + UPPER_DIGITS[jiao] + "角"
            tails += [j + UPPER_DIGITS[fen] + "分"] if fen else [j, j + "整", j + "正"]
    else:
        tails = [("零" if yuan else "") + UPPER_DIGITS[fen] + "分"]
    return {h + t for h in heads for t in tails}


def spelling_allowed(text: str, value: Decimal) -> bool:
    """True when `text` (人民币 and spaces aside) is one of the allowed spellings of `value`."""
    return _clean(text) in {s.replace("圆", "元") for s in allowed_spellings(value)}
