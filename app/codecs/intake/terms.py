"""Periods, copies, the court and the price terms as the text states them.

Each pattern finds every statement of a term (the sample states the delivery period in 1.6 and again in 2.1),
so the arithmetic review can compare them; the contract takes the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.codecs.intake.patterns import NUM
from app.codecs.intake.uppercase import parse_count

_N = r"【?[\s\u3000]*(?P<n>" + NUM + r")[\s\u3000]*】?"

#: (contract field, pattern with group "n", unit of the number: day / working_day / month_or_year)
TERM_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("terms.delivery_days", re.compile(r"(?:合同生效|生效|合同签订|签订|签署|合同签署)(?:之日)?(?:起|后)[\s\u3000]*" + _N +
                                       r"[\s\u3000]*(?:个)?(?:日历日|自然日|日|天)内[^。；]{0,20}?(?:完成|交付|交货|供货|到货|安装|竣工|具备验收)"), "day"),
    ("terms.delivery_days", re.compile(r"(?:交货期|交付期|供货期|工期|完成期限|交货时间|交付时间)(?:限)?[为是：:\s]*(?:合同签订后|签订合同后|合同生效后)?[\s\u3000]*"
                                       + _N + r"[\s\u3000]*(?:个)?(?:日历日|自然日|日|天)"), "day"),
    ("terms.maintenance_months", re.compile(r"(?:免费维保期|维保服务期|维保期|质保期|免费保修期|保修期|维护期|质量保证期)[^。；，,\d【满]{0,12}?" + _N +
                                            r"[\s\u3000]*(?P<u>个月|年)"), "month_or_year"),
    ("terms.acceptance_request_days", re.compile(r"(?:在|于)[\s\u3000]*" + _N + r"[\s\u3000]*(?:个工作日|日|天)内[^。；]{0,15}?(?:提交|提出)[^。；]{0,10}?验收申请"), "day"),
    ("terms.acceptance_working_days", re.compile(r"收到[^，。；]{0,12}?验收申请(?:之日起|后)[\s\u3000]*" + _N + r"[\s\u3000]*个工作日内"), "working_day"),
    ("terms.reminder_working_days", re.compile(r"催告(?:之日起|后)[\s\u3000]*" + _N + r"[\s\u3000]*个工作日内"), "working_day"),
    ("terms.change_notice_days", re.compile(r"(?:变更|解除)[^。]{0,20}?提前[\s\u3000]*" + _N + r"[\s\u3000]*(?:日|天)"), "day"),
)


@dataclass(frozen=True)
class TermMatch:
    path: str
    value: int
    start: int  # the number
    end: int
    unit: str  # as written: 日, 个工作日, 个月, 年
    bracketed: bool


def term_matches(text: str) -> list[TermMatch]:
    out: list[TermMatch] = []
    for path, pattern, kind in TERM_PATTERNS:
        for m in pattern.finditer(text):
            count = parse_count(m.group("n"))
            if count is None:
                continue
            unit = "day" if kind == "day" else "working_day" if kind == "working_day" else m.group("u")
            value = count * 12 if kind == "month_or_year" and unit == "年" else count
            bracketed = text[max(0, m.start("n") - 2):m.start("n")].strip(" \u3000").endswith("【")
            out.append(TermMatch(path, value, m.start("n"), m.end("n"), unit, bracketed))
    return out


# ---------------------------------------------------------------- copies

_COPIES_TOTAL = re.compile(r"一式[\s\u3000]*" + _N + r"[\s\u3000]*份")
_HOLDER = re.compile(r"(?P<who>甲方|乙方|采购人|供应商|双方|甲乙双方|[\u4e00-\u9fff]{2,10}?)[\s\u3000]*(?:各)?(?:持有|持|执|留存|保存|存档|备案|各执|各持)[\s\u3000]*"
                     + _N + r"[\s\u3000]*份")


@dataclass(frozen=True)
class CopiesMatch:
    who: str  # "total", "a", "b", "both" or the holder as written
    value: int
    start: int
    end: int
    raw: str


def copies_matches(text: str) -> list[CopiesMatch]:
    from app.codecs.intake.parties import role_of

    out: list[CopiesMatch] = []
    for m in _COPIES_TOTAL.finditer(text):
        count = parse_count(m.group("n"))
        if count is not None:
            out.append(CopiesMatch("total", count, m.start("n"), m.end("n"), m.group("n")))
    for m in _HOLDER.finditer(text):
        count = parse_count(m.group("n"))
        if count is None:
            continue
        who = m.group("who")
        key = role_of(who) or ("both" if who.endswith("双方") else who)
        out.append(CopiesMatch(key, count, m.start("n"), m.end("n"), m.group("n")))
    return out


# ---------------------------------------------------------------- court

_COURT = re.compile(r"(?:提交|提请|向|由|交)(?P<place>[^，。；,;]{0,25}?)(?P<kind>人民法院|仲裁委员会)")
_PLACE_PREFIXES = ("合同履行地", "合同签订地", "项目所在地", "甲方所在地", "乙方所在地", "原告所在地", "被告所在地", "采购人所在地", "所在地")


@dataclass(frozen=True)
class CourtMatch:
    name: str
    start: int
    end: int
    concrete: bool  # names a place (汤阴县人民法院), not a rule (甲方所在地人民法院)


def court_match(text: str) -> CourtMatch | None:
    m = _COURT.search(text)
    if not m:
        return None
    place = m.group("place")
    start = m.start("place")
    for prefix in _PLACE_PREFIXES:
        if place.startswith(prefix) and len(place) > len(prefix):
            start += len(prefix)
            place = place[len(prefix):]
            break
    lead = len(place) - len(place.lstrip(" \u3000"))
    start += lead
    place = place.strip(" \u3000")
    concrete = bool(place) and not place.endswith(("所在地", "有管辖权的", "有管辖权")) and place not in _PLACE_PREFIXES
    return CourtMatch(place + m.group("kind"), start, m.end("kind"), concrete)


# ---------------------------------------------------------------- price terms

TAX_EXCLUSIVE = re.compile(r"不含税|未含税|不包含税|税费另计|不含增值税")
TAX_INCLUSIVE = re.compile(r"含税|包含税|含增值税|已含.{0,6}税")
FIXED = re.compile(r"固定不变价|固定总价|固定价格|固定单价|总价包干|一次性包干|包干价|不作调整|不予调整")
NOT_FIXED = re.compile(r"暂定价|暂定金额|按实结算|据实结算|按实际.{0,6}结算|可调价")
