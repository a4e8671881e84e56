"""Amounts in the text: the total, each 大写 with its figures, and the instalments (amounts, percentages or both).

An instalment is an amount or a percentage that follows a payment verb (支付, 付款 …) in its sentence; its
condition is the clause of the sentence before the verb that says when (…之日起满一年并出具发票后三十日内).
A figure after 共计/合计/总价 … is a statement of the total, not an instalment. Penalties and deposits
(违约金, 保证金 …) are neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from app.codecs.intake.lines import Line
from app.codecs.intake.patterns import Figure, Percent, figures, percents, upper_amounts
from app.codecs.intake.uppercase import parse_count
from app.domain import Due, DueAfter

TOTAL_WORDS = ("合计金额小写", "合同总价款", "合同总价", "合同总金额", "合同总额", "合同金额", "合同价款", "签约合同价", "合同价",
               "总价款", "总金额", "总费用", "总价", "总额", "共计", "合计", "总计", "中标价", "成交价", "中标金额", "成交金额")
_VERB = re.compile(r"支付|付款|付清|拨付|付给|付至")
_NOT_INSTALMENT = re.compile(r"违约金|滞纳金|赔偿|罚款|利息|履约保证金|投标保证金|保证金为|每日|每天|每逾期")
_TIME_MARK = re.compile(r"内|后|前|起|时|之日|届满|满|当日|当月|次月|每年|每月|每季度")
_SENTENCE_END = "。；;"
_LINK = re.compile(r"^[\s，,（(]*(?:即|计|合|为|金额为|计人民币|即人民币|合计)?[\s：:]*$")


@dataclass
class TotalMention:
    figure: Figure
    label: str


@dataclass
class UpperMention:
    text: str
    start: int
    end: int
    figure: Figure | None


@dataclass
class InstalmentMention:
    amount: Figure | None
    percent: Percent | None
    upper: UpperMention | None
    wording: str
    wording_start: int
    #: 支付至合同价的97%: the percentage is where the payments reach, not this instalment's share.
    cumulative: bool = False


def total_label(text: str, fig: Figure) -> str | None:
    """The total word that introduces `fig` in its sentence (within 24 characters before it), if any."""
    start = fig.outer[0]
    left = text[max(0, start - 24):start]
    cut = max(left.rfind(ch) for ch in _SENTENCE_END)
    left = left[cut + 1:]
    best = None
    for word in TOTAL_WORDS:
        pos = left.rfind(word)
        if pos >= 0 and (best is None or pos > best[0]):
            best = (pos, word)
    if best is None:
        return None
    between = left[best[0] + len(best[1]):]
    if "的" in between and re.search(r"\d", between):  # 合同总价的30%：a share, not the total
        return None
    return best[1]


def uppers_with_figures(text: str, figs: list[Figure]) -> list[UpperMention]:
    """Each 大写 amount in the line with the figure it restates: the nearest figure before it (within 30 characters)."""
    out = []
    for up in upper_amounts(text):
        before = [f for f in figs if f.outer[1] <= up.start and up.start - f.outer[1] <= 30]
        fig = before[-1] if before else None
        out.append(UpperMention(up.text, up.start, up.end, fig))
    return out


def _condition(pre: str) -> tuple[str, int]:
    """The words before the payment verb that say when, and where they start in `pre`."""
    stripped_end = len(pre.rstrip(" ，,；;：:\u3000"))
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(r"[，,：:]", pre[:stripped_end]):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, stripped_end))
    chosen = None
    for s, e in reversed(pieces):
        piece = pre[s:e].strip()
        if piece and _TIME_MARK.search(piece):
            chosen = (s, e)
            break
    if chosen is None:
        nonempty = [(s, e) for s, e in pieces if pre[s:e].strip()]
        if not nonempty:
            return "", 0
        chosen = nonempty[-1]
    s, e = chosen
    raw = pre[s:e]
    lead = len(raw) - len(raw.lstrip(" \u3000；;"))
    text = raw.strip(" \u3000；;")
    for subject in ("甲方应向乙方", "甲方向乙方", "甲方应", "甲方", "采购人应", "采购人"):
        if text.endswith(subject) and len(text) > len(subject):
            text = text[: -len(subject)].rstrip("，, ")
            break
    return text, s + lead


def instalments(line: Line, totals: set[int]) -> list[InstalmentMention]:
    """The instalments stated in one line; `totals` holds the start offsets of figures already read as the total."""
    text = line.text
    figs = figures(text)
    uppers = uppers_with_figures(text, figs)
    candidates: list[Figure | Percent] = [f for f in figs if f.start not in totals]
    candidates += percents(text)
    marks = sorted(candidates, key=lambda m: m.start)
    out: list[InstalmentMention] = []
    boundary = 0
    i = 0
    while i < len(marks):
        mark = marks[i]
        i += 1
        start = mark.outer[0] if isinstance(mark, Figure) else mark.start
        if start < boundary:
            continue
        sentence_start = max([boundary] + [text.rfind(ch, 0, start) + 1 for ch in _SENTENCE_END])
        sentence_end = min([p for p in (text.find(ch, start) for ch in _SENTENCE_END) if p >= 0] or [len(text)])
        segment = text[sentence_start:start]
        if _NOT_INSTALMENT.search(text[sentence_start:sentence_end]):
            continue
        verbs = list(_VERB.finditer(segment))
        cumulative = False
        if verbs:
            verb = verbs[-1]
            wording, at = _condition(segment[:verb.start()])
            cumulative = text[sentence_start + verb.end():start].lstrip().startswith("至")
        else:
            # 剩余3%作为质量保证金，缺陷责任期满后支付: the share first, the condition and the verb after it
            after_start = mark.outer[1] if isinstance(mark, Figure) else mark.end
            after = text[after_start:sentence_end]
            later = _VERB.search(after)
            if later is None or not re.search(r"(剩余|余款|尾款|其余|余下)\s*$", segment):
                continue
            wording, at = _condition(after[:later.start()])
            at += after_start - sentence_start
        amount = mark if isinstance(mark, Figure) else None
        percent = mark if isinstance(mark, Percent) else None
        end = mark.outer[1] if isinstance(mark, Figure) else mark.end
        # 30%（即人民币300000元） or ¥300000元（合同总价的30%）: the other form in the same instalment
        while i < len(marks):
            nxt = marks[i]
            nstart = nxt.outer[0] if isinstance(nxt, Figure) else nxt.start
            gap = text[end:nstart]
            if nstart >= sentence_end or len(gap) > 30 or _VERB.search(gap):
                break
            if isinstance(nxt, Figure) and amount is None and (_LINK.match(gap) or "即" in gap):
                amount = nxt
            elif isinstance(nxt, Percent) and percent is None and ("的" in gap or _LINK.match(gap) or "总价" in gap):
                percent = nxt
            else:
                break
            end = nxt.outer[1] if isinstance(nxt, Figure) else nxt.end
            i += 1
        upper = next((u for u in uppers if amount is not None and u.figure is amount), None)
        if upper is not None:
            close = text.find("）", upper.end)
            end = max(end, close + 1 if 0 <= close - upper.end <= 1 else upper.end)
        boundary = end
        out.append(InstalmentMention(amount, percent, upper, wording, sentence_start + at, cumulative))
    return out


_COUNT = r"([0-9０-９]+|[一二两三四五六七八九十]+)"
_YEARS = re.compile(r"满\s*【?\s*" + _COUNT + r"\s*】?\s*(?:个)?(?:周)?年|" + _COUNT + r"\s*年(?:后|期满|届满)")
_MONTHS = re.compile(r"【?\s*([0-9０-９]+|[一二两三四五六七八九十]+)\s*】?\s*个月")
_INVOICE = re.compile(r"发票(?:后|之日起|之日后)?\s*【?\s*([0-9０-９]+|[一二两三四五六七八九十]+)\s*】?\s*(?:个)?(工作日|日|天)")
_DAYS = re.compile(r"(?:后|起|之日起)\s*【?\s*([0-9０-９]+|[一二两三四五六七八九十]+)\s*】?\s*(?:个)?(工作日|日历日|日|天)(?:内|后)")


def due_of(wording: str) -> tuple[Due, list[str]]:
    """The due rule a condition states, and what had to be assumed (English msgids for the record's note)."""
    notes: list[str] = []
    due = Due()
    if "验收" in wording:
        due.after = DueAfter.ACCEPTANCE
    elif re.search(r"签订|签署|生效|签字|订立", wording):
        due.after = DueAfter.EFFECTIVE
    else:
        due.after = DueAfter.ACCEPTANCE
        notes.append("the event the instalment counts from is not named: taken as acceptance")
    rest = wording
    inv = _INVOICE.search(rest)
    if inv:
        due.invoice_days = parse_count(inv.group(1))
        if inv.group(2) == "工作日":
            notes.append("working days after the invoice are counted as calendar days")
        rest = rest[:inv.start()] + rest[inv.end():]
    years = _YEARS.search(rest)
    if years:
        count = parse_count(years.group(1) or years.group(2) or "")
        if count is not None:
            due.years = count
    months = _MONTHS.search(rest)
    if months:
        due.months = parse_count(months.group(1)) or 0
    days = _DAYS.search(rest)
    if days:
        due.days = parse_count(days.group(1)) or 0
        if days.group(2) == "工作日":
            notes.append("working days are counted as calendar days (the due rule holds calendar days)")
    return due, notes


def percent_amount(total: Decimal, percent: Decimal) -> Decimal:
    """The amount of a percentage of the total, rounded half up to the fen."""
    from app.values.money import quantize

    return quantize(total * percent / 100)
