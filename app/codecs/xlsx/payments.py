"""Rows of the payment-schedule sheet: one per instalment, from a computed schedule when the caller has one.

The schedule (working days, holidays, Civil Code periods) is computed elsewhere; without it the sheet
still says each instalment's rule and what its due date waits for, and leaves the date empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.base.i18n import _
from app.domain import Contract, DueAfter, Payment


@dataclass(frozen=True)
class PaymentLine:
    no: int
    amount: Decimal | None
    rule: str
    due: date | None
    waits_for: str


def rule_text(payment: Payment) -> str:
    """The contract's own words for the rule, or one built from the structured due rule."""
    if payment.wording:
        return payment.wording
    due = payment.due
    start = _("acceptance") if due.after is DueAfter.ACCEPTANCE else _("the contract takes effect")
    parts = [
        _("{n} years").format(n=due.years) if due.years else "",
        _("{n} months").format(n=due.months) if due.months else "",
        _("{n} days").format(n=due.days) if due.days else "",
    ]
    period = " ".join(p for p in parts if p)
    text = _("{period} after {event}").format(period=period, event=start) if period else _("on {event}").format(event=start)
    if due.invoice_days is not None:
        text += _(", then within {n} days of the invoice").format(n=due.invoice_days)
    return text


def _waits_for(contract: Contract, index: int, payment: Payment) -> str:
    events = contract.events
    if payment.due.after is DueAfter.ACCEPTANCE and events.accepted is None:
        return _("acceptance")
    if payment.due.after is DueAfter.EFFECTIVE and events.effective is None:
        return _("both parties' signatures")
    if payment.due.invoice_days is not None and not any(inv.payment == index + 1 for inv in events.invoices):
        return _("the invoice")
    return ""


def _from_schedule(contract: Contract, schedule: Any) -> list[PaymentLine] | None:
    """Lines from an ``app.rules.schedule.Schedule``'s payment items (`payment` is the 1-based instalment);
    None when it has none we can place."""
    by_no: dict[int, Any] = {}
    for item in getattr(schedule, "items", ()):
        if getattr(item, "kind", None) == "payment" and isinstance(getattr(item, "payment", None), int):
            by_no[item.payment] = item  # the last one is the payment's due date (earlier: when it may be invoiced)
    if not by_no:
        return None
    lines = []
    for i, payment in enumerate(contract.payments):
        item = by_no.get(i + 1)
        if item is None:
            lines.append(PaymentLine(i + 1, payment.amount, rule_text(payment), None, _waits_for(contract, i, payment)))
            continue
        waits = getattr(item, "waits_for", None)
        rule = getattr(item, "wording", "") or getattr(item, "rule", "") or rule_text(payment)
        lines.append(PaymentLine(i + 1, payment.amount, str(rule), getattr(item, "date", None), str(waits or "")))
    return lines


def payment_lines(contract: Contract, schedule: Any = None) -> list[PaymentLine]:
    if schedule is not None:
        lines = _from_schedule(contract, schedule)
        if lines is not None:
            return lines
    return [
        PaymentLine(i + 1, p.amount, rule_text(p), None, _waits_for(contract, i, p)) for i, p in enumerate(contract.payments)
    ]
