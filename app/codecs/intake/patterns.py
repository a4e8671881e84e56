"""What contract text looks like: clause numbers, labels, dates, amounts, percentages and periods, as patterns.

Numbers may be written in digits (full-width too) or Chinese numerals; `NUM` matches either and
`app.codecs.intake.uppercase.parse_count` reads it. Patterns accept full-width and half-width punctuation alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.codecs.intake.uppercase import parse_count

#: A count in digits or Chinese numerals (lower or upper case).
NUM = r"[0-9０-９]+|[零〇一二两三四五六七八九十百壹贰叁肆伍陆柒捌玖拾佰]+"
#: The same, optionally inside a fill-in bracket and spaces: 【30】, 30, 三十.
FILL_NUM = r"【\s*(?P<n>" + NUM + r")\s*】|(?P<m>" + NUM + r")"

END_MARKERS = {"（以下无正文）", "(以下无正文)", "以下无正文", "（以下无正文。）", "（本页以下无正文）", "(本页以下无正文)",
               "（本页无正文）", "（以下为签字页）", "（以下为签署页）", "（此页无正文）", "（此页为签字页）"}
SIGNING_TITLE = re.compile(r"^\s*(签字页|签署页|签章页|签字盖章页)\s*[:：]?\s*$")
#: "label：value" with a short label (no sentence before the colon).
LABEL = re.compile(r"^\s*(?P<label>[\u4e00-\u9fffA-Za-z（）()、/\s]{1,24}?)\s*[:：]\s*(?P<value>.*)$")
DATE_LINE = re.compile(r"^\s*【?\s*(?P<y>\d{4})\s*】?\s*年\s*(?:【?\s*(?P<m>\d{1,2})\s*】?\s*月)?\s*(?:【?\s*(?P<d>\d{1,2})\s*】?\s*日)?\s*$")
DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日|(?P<y2>\d{4})[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2})(?!\d)")
FILL_IN = re.compile(r"【([^【】\n]*)】")

# ---------------------------------------------------------------- clause numbers


@dataclass(frozen=True)
class Heading:
    """A clause number at the start of a line: its style (for nesting), the number as printed, where the text starts."""

    style: tuple
    no: str
    end: int
    value: tuple[int, ...]


_CN = "零〇一二两三四五六七八九十百"
_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(r"^\s*(第([" + _CN + r"\d]+)章)[\s\u3000:：、.．]*")),
    ("article", re.compile(r"^\s*(第([" + _CN + r"\d]+)条)[\s\u3000:：、.．]*")),
    ("part", re.compile(r"^\s*(第([" + _CN + r"\d]+)部分)[\s\u3000:：、.．]*")),
    ("cn", re.compile(r"^\s*(([一二三四五六七八九十]{1,3})[、.．])[\s\u3000]*")),
    ("pcn", re.compile(r"^\s*([（(]([一二三四五六七八九十]{1,3})[）)])[\s\u3000、.．]*")),
    # 1.1 / 1.1.1 (a trailing dot allowed); not 1.5万元, 2025.05.20 or 3.5%
    ("dot", re.compile(r"^\s*((\d{1,3}(?:[.．]\d{1,3})+)[.．]?)(?![\d%％万元个年月日天小时])[\s\u3000、]*")),
    ("dot", re.compile(r"^\s*((\d{1,3})[、.．])(?![\d%％])[\s\u3000]*")),
    ("pnum", re.compile(r"^\s*([（(](\d{1,3})[）)])(?![\d%％])[\s\u3000、.．]*")),
    ("circled", re.compile(r"^\s*(([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]))[\s\u3000、.．]*")),
]
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def heading_at(text: str) -> Heading | None:
    """The clause number at the start of `text`, or None."""
    for style, pattern in _HEADINGS:
        m = pattern.match(text)
        if not m:
            continue
        no = m.group(1).strip()
        raw = m.group(2)
        if style == "dot":
            parts = tuple(int(p) for p in re.split(r"[.．]", raw))
            if len(parts) > 1 and no.endswith((".", "．")):
                no = no[:-1]
            return Heading(("dot", len(parts)), no, m.end(), parts)
        if style == "circled":
            return Heading((style,), no, m.end(), (_CIRCLED.index(raw) + 1,))
        value = parse_count(raw)
        if value is None or value == 0:
            continue
        return Heading((style,), no, m.end(), (value,))
    return None


_SENTENCE = re.compile(r"[。；;，,！？!?]")


def heading_is_title(rest: str) -> bool:
    """Whether the text after a clause number is a title (服务项目内容) rather than the start of its text."""
    rest = rest.strip()
    return not rest or (len(rest) <= 25 and not _SENTENCE.search(rest) and not rest.endswith(("：", ":"))
                        and "：" not in rest and ":" not in rest)


# ---------------------------------------------------------------- amounts


@dataclass(frozen=True)
class Figure:
    """An amount in digits: 4273290 in 【4273290】元, 1424430 in ¥1424430 元, 30 in 30万元 (value 300000)."""

    value: Decimal
    start: int  # the digits, so a fill-in template can replace exactly them
    end: int
    outer: tuple[int, int]  # currency, brackets and unit included
    digits: str
    wan: bool


_FIGURE = re.compile(
    r"(?P<cur>人民币|RMB|¥|￥)?[\s\u3000]*(?P<lb>【)?[\s\u3000]*(?P<cur2>人民币|RMB|¥|￥)?[\s\u3000]*"
    r"(?P<num>\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"[\s\u3000]*(?P<unit1>万元|元)?[\s\u3000]*(?P<rb>】)?[\s\u3000]*(?P<unit2>万元|元)?"
)


def figures(text: str) -> list[Figure]:
    """Amounts in digits that carry a currency sign or a 元/万元 unit."""
    out: list[Figure] = []
    for m in _FIGURE.finditer(text):
        unit = m.group("unit1") or m.group("unit2")
        currency = m.group("cur") or m.group("cur2")
        if not unit and not currency:
            continue
        start = m.start("num")
        if start > 0 and (text[start - 1].isdigit() or text[start - 1] in ".-/"):
            continue
        end = m.end("num")
        after = text[end:end + 1]
        if after in ("%", "％"):
            continue
        digits = m.group("num")
        try:
            value = Decimal(digits.replace(",", "").replace("，", ""))
        except InvalidOperation:
            continue
        wan = unit == "万元"
        if wan:
            value *= 10000
        outer_start = m.start("cur") if m.group("cur") else (m.start("lb") if m.group("lb") else m.start("num"))
        outer_end = m.end()
        while outer_end > end and text[outer_end - 1] in " \u3000":
            outer_end -= 1
        out.append(Figure(value, start, end, (outer_start, outer_end), digits, wan))
    return out


_UPPER_RUN = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿〇元圆角分整正]{2,}")


@dataclass(frozen=True)
class UpperText:
    text: str
    start: int
    end: int


def upper_amounts(text: str) -> list[UpperText]:
    """Runs of uppercase-amount characters that hold a digit and a 元/圆/角/分 (肆份 is a count, not an amount)."""
    out = []
    for m in _UPPER_RUN.finditer(text):
        run = m.group(0)
        if not any(ch in run for ch in "元圆角分") or not any(ch in run for ch in "零壹贰叁肆伍陆柒捌玖拾"):
            continue
        out.append(UpperText(run, m.start(), m.end()))
    return out


@dataclass(frozen=True)
class Percent:
    value: Decimal
    start: int
    end: int


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]|百分之\s*(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百点]+)")


def _cn_decimal(text: str) -> Decimal | None:
    whole, _dot, frac = text.partition("点")
    value = parse_count(whole) if whole else 0
    if value is None:
        return None
    digits = "".join(str("零一二三四五六七八九".index(ch)) if ch in "零一二三四五六七八九" else "" for ch in frac)
    if len(digits) != len(frac):
        return None
    return Decimal(f"{value}.{digits}") if digits else Decimal(value)


def percents(text: str) -> list[Percent]:
    out = []
    for m in _PERCENT.finditer(text):
        if m.group(1):
            value: Decimal | None = Decimal(m.group(1))
        else:
            raw = m.group(2)
            value = Decimal(raw) if raw[0].isdigit() else _cn_decimal(raw)
        if value is not None:
            out.append(Percent(value, m.start(), m.end()))
    return out


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """"30 日", "7 个工作日", "35 个月", "二年": a count and its unit (day, working_day, month, year)."""

    count: int
    unit: str
    start: int  # the number (brackets excluded)
    end: int
    outer: tuple[int, int]
    raw: str


_PERIOD = re.compile(r"(?:满)?【?\s*(?P<n>" + NUM + r")\s*】?\s*(?P<u>个工作日|工作日|个日历日|日历日|个自然日|自然日|日|天|个月|月|年|周|个星期)")
_UNITS = {"个工作日": "working_day", "工作日": "working_day", "个日历日": "day", "日历日": "day", "个自然日": "day",
          "自然日": "day", "日": "day", "天": "day", "个月": "month", "月": "month", "年": "year", "周": "week",
          "个星期": "week"}


def periods(text: str) -> list[Period]:
    out = []
    for m in _PERIOD.finditer(text):
        unit = m.group("u")
        raw = m.group("n")
        # a date (2025年5月) or a year number is not a period
        if unit in ("年", "月", "日") and raw.isdigit() and (len(raw) == 4 or text[m.end():m.end() + 1].isdigit()):
            continue
        if unit in ("月", "日") and not raw.isdigit() and m.start("n") > 0 and text[m.start("n") - 1] in "年月":
            continue
        if unit == "月" and raw.isdigit():  # 5月 is a month of the year; a period is "5个月"
            continue
        if unit == "日" and m.start("n") > 0 and text[m.start("n") - 1] in "月":
            continue
        count = parse_count(raw)
        if count is None:
            continue
        out.append(Period(count, _UNITS[unit], m.start("n"), m.end("n"), (m.start(), m.end()), raw))
    return out
