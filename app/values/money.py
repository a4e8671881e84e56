"""Money as Decimal to the fen: parsing what clerks type, formatting, and the Chinese uppercase amount.

The uppercase follows the People's Bank of China rules for writing amounts on bills
(零 for zeros between digits, 元整 when there is no jiao/fen, 壹拾 at the start of a group).
Where the rules allow a choice, one style is used everywhere:
- a zero at a group boundary (万位/亿位) directly followed by a non-zero 千位 is not written
  (¥107,000.53 → 壹拾万柒仟元零伍角叁分);
- a zero 元 digit before a non-zero 角 is written as 零 (¥1,680.32 → 壹仟陆佰捌拾元零叁角贰分);
- no 整 after 角.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.values.digits import fold_width

FEN = Decimal("0.01")
UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿", "万亿")
#: The largest amount the uppercase writer handles (below 10^16 yuan): the one bound every amount, product and
#: sum is held to where it enters, so that whatever is stored can be totalled, printed and written in uppercase.
MAX_AMOUNT = Decimal("9999999999999999.99")
#: The most rows a cost table may have, however it arrives (typed, pasted, imported from Excel or JSON).
MAX_TABLE_ROWS = 100_000
#: The largest amount one cost-table row may come to: MAX_AMOUNT shared among the most rows a table may have, with
#: room for VAT (a rate is at most 100 %, so it at most doubles an amount): no table can total more than MAX_AMOUNT
#: whatever is edited, and a cell edit never has to add up the table.
MAX_ROW_AMOUNT = (MAX_AMOUNT / (2 * MAX_TABLE_ROWS)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")


class AmountError(ValueError):
    """A text that is not an amount. `str()` is the reason in English (stable, callers test it);
    `message` is the same reason in the user's language."""

    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(reason.format(**values) if values else reason)
        self.reason, self.values = reason, values

    @property
    def message(self) -> str:
        return _(self.reason).format(**self.values) if self.values else _(self.reason)


def quantize(value: Decimal) -> Decimal:
    """Round half up to the fen, the way amounts are settled."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


_CURRENCY = str.maketrans({"¥": "", "￥": ""})
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
#: Separators a clerk may put between digits ("1,424,430", "1 424 430"); only between groups of three.
_SEPARATORS = ", _\u3000"
_GROUPED = re.compile(r"[+-]?\d{1,3}([, _\u3000]\d{3})+(\.\d*)?", re.ASCII)


def _ungroup(raw: str) -> str:
    """Drop thousands separators; a separator anywhere else ("12,3" for 12.3) is refused, not dropped,
    so a mistyped decimal point never turns into an amount ten or a hundred times larger."""
    if not any(sep in raw for sep in _SEPARATORS):
        return raw
    if not _GROUPED.fullmatch(raw):
        raise AmountError(N_("not a number"))
    return "".join(ch for ch in raw if ch not in _SEPARATORS)


def parse_decimal(text: str | int | Decimal, *, places: int = 2, allow_negative: bool = False) -> Decimal:
    """Parse a number as a clerk types it: "1,424,430.00", "¥1424430", "１４２４４３０元", " 12.5 " (never ¹²³).

    Refuses (AmountError) rather than rounds: more than `places` decimals, a negative number
    unless allowed, anything that is not a plain decimal number.
    """
    if isinstance(text, bool):
        raise AmountError(N_("not a number"))
    if isinstance(text, (int, Decimal)):
        raw = str(text)
    else:
        raw = fold_width(str(text)).translate(_CURRENCY).strip()
        if raw.endswith("元"):
            raw = raw[:-1].rstrip()
        raw = _ungroup(raw)
    if not raw:
        raise AmountError(N_("empty"))
    if not _NUMBER.fullmatch(raw):
        raise AmountError(N_("not a number"))
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise AmountError(N_("not a number")) from exc
    if value < 0 and not allow_negative:
        raise AmountError(N_("negative"))
    if value.is_zero():
        value = value.copy_abs()  # "-0" is zero, never written back as "-0.00"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise AmountError(N_("more than {places} decimal places"), places=places)
    return value


def parse_amount(text: str | int | Decimal) -> Decimal:
    """A non-negative amount to the fen, quantized to two places."""
    value = parse_decimal(text, places=2)
    if value > MAX_AMOUNT:
        raise AmountError(N_("too large"))
    return value.quantize(FEN)


def row_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A cost-table row's amount, quantity × unit price rounded to the fen, within MAX_ROW_AMOUNT.

    Each factor and the exact product are checked before rounding (a 40-digit product would not even round);
    AmountError("too large") otherwise.
    """
    if quantity > MAX_AMOUNT or unit_price > MAX_AMOUNT:
        raise AmountError(N_("too large"))
    with localcontext() as ctx:
        ctx.prec = 60  # exact for two factors of at most 20 digits
        product = quantity * unit_price
        if product > MAX_ROW_AMOUNT:
            raise AmountError(N_("too large"))
        return quantize(product)


def amount_sum(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum of `amounts`; AmountError("too large") when it passes MAX_AMOUNT."""
    with localcontext() as ctx:
        ctx.prec = 60
        total = sum(amounts, Decimal("0.00"))
    if total > MAX_AMOUNT:
        raise AmountError(N_("too large"))
    return total


def row_amount_problem(quantity: Decimal, unit_price: Decimal) -> str | None:
    """Why a row of `quantity` × `unit_price` may not be stored (beyond the one bound), None when it may."""
    try:
        row_amount(quantity, unit_price)
    except AmountError:
        if quantity > MAX_AMOUNT:
            return _("the quantity is larger than the largest amount ({max})").format(max=format_amount(MAX_AMOUNT))
        if unit_price > MAX_AMOUNT:
            return _("the unit price is larger than the largest amount ({max})").format(max=format_amount(MAX_AMOUNT))
        return _("quantity × unit price is more than the largest amount of a row ({max})").format(
            max=format_amount(MAX_ROW_AMOUNT))
    return None


def check_row_amount(quantity: Decimal, unit_price: Decimal, where: str) -> Decimal:
    """`row_amount`, or UserError naming `where` (a cell, a row path) for a quantity or product above the bound."""
    problem = row_amount_problem(quantity, unit_price)
    if problem is not None:
        raise UserError(problem, where)
    return row_amount(quantity, unit_price)


def table_total_problem() -> str:
    """What is said of a table whose total would pass the bound."""
    return _("the table's total is more than the largest amount ({max})").format(max=format_amount(MAX_AMOUNT))


def check_table_total(amounts: Iterable[Decimal], where: str) -> Decimal:
    """`amount_sum` of a table's row amounts, or UserError naming `where` when the total passes the bound."""
    try:
        return amount_sum(amounts)
    except AmountError as exc:
        raise UserError(table_total_problem(), where) from exc


def format_amount(value: Decimal, *, grouping: bool = True) -> str:
    """1424430 → "1,424,430.00" (or "1424430.00" without grouping)."""
    value = quantize(value)
    return f"{value:,.2f}" if grouping else f"{value:.2f}"


def format_plain(value: Decimal) -> str:
    """The contract's own plain style: whole yuan without decimals ("4273290"), else two places."""
    value = quantize(value)
    if value == value.to_integral_value():
        return f"{value:.0f}"
    return f"{value:.2f}"


def _group_upper(group: int) -> str:
    """Uppercase of 0 < group < 10000 without its group unit, zeros inside collapsed to one 零."""
    digits = f"{group:04d}"
    out: list[str] = []
    pending_zero = False
    started = False
    for pos, ch in enumerate(digits):
        d = int(ch)
        unit = _SMALL_UNITS[3 - pos]
        if d == 0:
            if started:
                pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(UPPER_DIGITS[d] + unit)
        started = True
    return "".join(out)


def integer_upper(n: int) -> str:
    """Uppercase numerals for a whole number (no 元): 4 → 肆, 16 → 壹拾陆, 100500 → 壹拾万零伍佰."""
    if n < 0:
        raise AmountError(N_("negative"))
    if n == 0:
        return "零"
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_GROUP_UNITS):
        raise AmountError(N_("too large"))
    out: list[str] = []
    need_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        group = groups[idx]
        if group == 0:
            need_zero = bool(out)
            continue
        # A lower group whose 千位 is zero needs a 零 after the higher group (壹万零伍佰);
        # so does a whole zero group in between (壹亿零壹).
        if out and (need_zero or group < 1000):
            out.append("零")
        out.append(_group_upper(group) + _GROUP_UNITS[idx])
        need_zero = False
    return "".join(out)


def rmb_upper(value: Decimal | int | str) -> str:
    """The Chinese uppercase amount: 4273290 → 肆佰贰拾柒万叁仟贰佰玖拾元整."""
    amount = quantize(Decimal(value))
    if amount < 0:
        raise AmountError(N_("negative"))
    if amount > MAX_AMOUNT:
        raise AmountError(N_("too large"))
    fen_total = int(amount * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if yuan == 0 and rest == 0:
        return "零元整"
    out = ""
    if yuan:
        out = integer_upper(yuan) + "元"
    if rest == 0:
        return out + "整"
    if jiao:
        if yuan and yuan % 10 == 0:
            out += "零"
        out += UPPER_DIGITS[jiao] + "角"
    if fen:
        if yuan and not jiao:
            out += "零"
        out += UPPER_DIGITS[fen] + "分"
    return out


#: How much of a refused value an error message quotes.
SHOWN_CHARS = 40


def amount_problem(value: Any, exc: AmountError) -> str:
    """The user-facing sentence for an amount that did not parse."""
    shown = _shown(value)
    reason = str(exc)
    if reason == "negative":
        return _("{value} is negative; amounts must be zero or more").format(value=shown)
    if reason.startswith("more than"):
        return _("{value} has more than two decimal places").format(value=shown)
    if reason == "too large":
        return _("{value} is too large").format(value=shown)
    return _("{value} is not an amount").format(value=shown)


def _shown(value: Any) -> str:
    """A value as the message quotes it: a JSON number as written (a Decimal, which json.dumps cannot write),
    text in quotes, and either cut short when it is too long to read."""
    text = str(value)
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + "…"
    return _('"{text}"').format(text=text) if isinstance(value, str) else text  # “…” in Chinese
