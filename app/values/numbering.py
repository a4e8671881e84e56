"""Clause numbers as contracts print them: 第十二条 at the top, 5.4.1 below; or, in government templates, numbers
counted among their siblings only (一、 （一） 1. （1） ①)."""

from __future__ import annotations

import re

from app.values.digits import is_ascii_digits

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
ARTICLE = re.compile(r"^第([零〇一二两三四五六七八九十百千\d]+)条$")
DOTTED = re.compile(r"^\d+(\.\d+)*$")
#: A number counted among its siblings only, as government templates number their parts: 一、 （一） 1. 1、 （1） ①.
SIBLING = re.compile(r"^(?:([零〇一二两三四五六七八九十百]+)[、.．]|[（(]([零〇一二两三四五六七八九十百\d]+)[）)]|(\d+)[、．]|(\d+)\.(?!\d)"
                     r"|([①-⑳]))$")


def cn_to_int(text: str) -> int | None:
    """Lower-case Chinese numeral (or Arabic digits) to int: 十二 → 12, 一百零五 → 105."""
    if is_ascii_digits(text):
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def annex_index(no: str) -> int | None:
    """An annex number as a count: "3", "三", "03" and "附件3" are all 3; None for "A" or "3-1"."""
    bare = no.strip().removeprefix("附件").strip()
    return cn_to_int(bare) if bare else None


def next_annex_no(existing: list[str]) -> str:
    """The number a new annex gets: one after the highest counted one (附件4 after 附件1–3)."""
    return str(max((n for n in map(annex_index, existing) if n), default=0) + 1)


def int_to_cn(n: int) -> str:
    """12 → 十二, 20 → 二十, 105 → 一百零五 (lower-case numerals, as article numbers use)."""
    if n <= 0:
        raise ValueError("article numbers start at 1")
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = digits[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + digits[rest]
        tail = int_to_cn(rest)
        return head + ("一" + tail if tail.startswith("十") else tail)
    raise ValueError("too many articles")


def article_no(n: int) -> str:
    return f"第{int_to_cn(n)}条"


def parse_no(no: str) -> tuple[int, ...] | None:
    """第五条 → (5,), 5.4.1 → (5, 4, 1); None for a number in no known style."""
    no = no.strip()
    m = ARTICLE.match(no)
    if m:
        value = cn_to_int(m.group(1))
        return (value,) if value else None
    if DOTTED.match(no):
        return tuple(int(p) for p in no.split("."))
    return None


def sibling_index(no: str) -> int | None:
    """一、 → 1, （三） → 3, 2. → 2, ② → 2: where a government template's number stands among its siblings; None for
    any other style (第五条, 5.4.1 are read by `parse_no`)."""
    m = SIBLING.match(no.strip())
    if m is None:
        return None
    circled = m.group(5)
    if circled:
        return ord(circled) - ord("①") + 1
    value = cn_to_int(next(g for g in m.groups()[:4] if g))
    return value or None


def child_no(parent: tuple[int, ...], index: int) -> str:
    """The dotted number of the index-th (1-based) child of a clause numbered `parent`."""
    return ".".join(str(p) for p in (*parent, index))
