"""Payments made against a contract's instalments: part payments, settlement, what is unpaid and how late.

The schedule (app.rules.schedule) says when each instalment falls due; this module adds what was actually paid.
An instalment is settled on the day its payments reach its amount; until then its unpaid rest is due, and
past its due date overdue. Amounts are Decimal to the fen; nothing here reads the clock or the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from app.base.errors import UserError
from app.base.i18n import _, ngettext
from app.domain import Payment
from app.rules.schedule import ItemKind, ItemState, Schedule, ScheduleItem, make_item
from app.values.dates import out_of_range
from app.values.money import FEN, format_amount

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PaymentMade:
    """One payment as the voucher records it; `instalment` is 1-based, as the contract numbers them."""

    instalment: int
    paid_on: date
    amount: Decimal
    voucher: str = ""
    note: str = ""


@dataclass
class InstalmentPaid:
    """One instalment with the payments made on it, compared with its due date and `today`."""

    no: int
    amount: Decimal | None
    due: date | None
    today: date
    payments: list[PaymentMade] = field(default_factory=list)
    waits_for: str | None = None

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def unpaid(self) -> Decimal:
        return max(ZERO, (self.amount or ZERO) - self.paid)

    @property
    def settled_on(self) -> date | None:
        """The day the payments reached the amount (None while they have not)."""
        if self.amount is None:
            return None
        total = ZERO
        for p in sorted(self.payments, key=lambda p: p.paid_on):
            total += p.amount
            if total >= self.amount:
                return p.paid_on
        return None

    @property
    def late_days(self) -> int | None:
        """Days after the due date it was settled, or (unsettled) today is; None when not late."""
        if self.due is None:
            return None
        end = self.settled_on or self.today
        days = (end - self.due).days
        if self.settled_on is None and days <= 0:
            return None
        return days if days > 0 else None

    @property
    def overdue(self) -> Decimal:
        """The unpaid rest, once the due date has passed."""
        return self.unpaid if self.settled_on is None and self.due is not None and self.due < self.today else ZERO

    @property
    def status(self) -> str:
        """settled / settled 3 days late / ¥x of ¥y paid, overdue by 4 days / unpaid, due in 5 days …"""
        settled = self.settled_on
        if settled is not None:
            late = self.late_days
            if late:
                return ngettext("settled {n} day late", "settled {n} days late", late).format(n=late)
            return _("settled")
        paid = self.paid
        if paid and self.amount is not None:
            head = _("¥{paid} of ¥{amount} paid").format(paid=format_amount(paid), amount=format_amount(self.amount))
        else:
            head = _("unpaid")
        if self.due is None:
            return head + _(", ") + (_("waits for {event}").format(event=self.waits_for) if self.waits_for else _("no due date yet"))
        days = (self.due - self.today).days
        if days > 0:
            tail = ngettext("due in {n} day", "due in {n} days", days).format(n=days)
        elif days == 0:
            tail = _("due today")
        else:
            tail = ngettext("overdue by {n} day", "overdue by {n} days", -days).format(n=-days)
        return head + _(", ") + tail


def _payment_items(schedule: Schedule | None) -> dict[int, ScheduleItem]:
    """The schedule's due-date item per instalment (an invoiced instalment has two: the last is the payment)."""
    items: dict[int, ScheduleItem] = {}
    for item in schedule.items if schedule is not None else ():
        if item.kind is ItemKind.PAYMENT and item.payment is not None and item.key.startswith("payment["):
            items[item.payment] = item
    return items


def instalments_paid(
    instalments: Sequence[Payment], made: Sequence[PaymentMade], schedule: Schedule | None, today: date
) -> list[InstalmentPaid]:
    """Every instalment with its payments and due date (from `schedule`, the contract's computed schedule)."""
    items = _payment_items(schedule)
    out = []
    for no, instalment in enumerate(instalments, start=1):
        item = items.get(no)
        out.append(InstalmentPaid(
            no=no,
            amount=instalment.amount,
            due=item.date if item else None,
            today=today,
            payments=[p for p in made if p.instalment == no],
            waits_for=item.waits_for if item else None,
        ))
    return out


def settle_schedule(schedule: Schedule, made: Sequence[PaymentMade]) -> Schedule:
    """The schedule with each payment item done on the day its instalment was settled (late if after its due
    date), and what is still unpaid of a part-paid one in its description, so `schedule` and `due` show it."""
    by_no: dict[int, list[PaymentMade]] = {}
    for p in made:
        by_no.setdefault(p.instalment, []).append(p)
    items = []
    for item in schedule.items:
        if item.kind is ItemKind.PAYMENT and item.key.startswith("payment[") and item.payment in by_no:
            paid = InstalmentPaid(item.payment, item.amount, item.date, schedule.today, by_no[item.payment])
            what = item.what
            if paid.settled_on is None and paid.paid:
                what += _(" (¥{paid} paid, ¥{unpaid} unpaid)").format(
                    paid=format_amount(paid.paid), unpaid=format_amount(paid.unpaid)
                )
            new = make_item(
                item.key, what, item.rule, item.date, item.waits_for, schedule.today, kind=item.kind,
                done_on=paid.settled_on, payment=item.payment, amount=item.amount, wording=item.wording,
            )
            if new.state is ItemState.WAITING and paid.settled_on is None:
                new.waits_for = item.waits_for
            items.append(new)
        else:
            items.append(item)
    return replace(schedule, items=items)


def check_payment(
    new: PaymentMade, instalments: Sequence[Payment], made: Sequence[PaymentMade], today: date
) -> PaymentMade:
    """The payment as it will be stored (amount to the fen, voucher trimmed), or a UserError naming the field:
    an instalment the contract does not have, a zero or over-precise amount, a day after today, a voucher
    number already used on this contract, or more than the instalment still has unpaid."""
    count = len(instalments)
    if not 1 <= new.instalment <= max(count, 0):
        if not count:
            raise UserError(_("the contract has no instalments"), "payment")
        raise UserError(_("must be between {low} and {high}").format(low=1, high=count), "payment")
    amount = new.amount
    if amount <= 0:
        raise UserError(_("a payment must be more than zero"), "amount")
    if amount != amount.quantize(FEN):
        raise UserError(_("{value} has more than two decimal places").format(value=amount), "amount")
    problem = out_of_range(new.paid_on)
    if problem:
        raise UserError(problem, "date")
    if new.paid_on > today:
        raise UserError(_("{date} is after today").format(date=new.paid_on.isoformat()), "date")
    voucher = new.voucher.strip()
    if voucher:
        earlier = next((p for p in made if p.voucher.strip() == voucher), None)
        if earlier is not None:
            raise UserError(
                _("voucher {voucher} is already recorded (instalment {n}, {date})").format(
                    voucher=voucher, n=earlier.instalment, date=earlier.paid_on.isoformat()
                ),
                "voucher",
            )
    instalment = instalments[new.instalment - 1]
    if instalment.amount is None:
        raise UserError(_("instalment {n} has no amount set").format(n=new.instalment), "payment")
    paid = sum((p.amount for p in made if p.instalment == new.instalment), ZERO)
    left = instalment.amount - paid
    if amount > left:
        if left <= 0:
            raise UserError(_("instalment {n} is already paid in full").format(n=new.instalment), "amount")
        raise UserError(
            _("¥{amount} is more than the ¥{left} still unpaid of instalment {n}").format(
                amount=format_amount(amount), left=format_amount(left), n=new.instalment
            ),
            "amount",
        )
    return replace(new, amount=amount.quantize(FEN), voucher=voucher, note=new.note.strip())


@dataclass(frozen=True)
class PaidTotals:
    paid: Decimal
    unpaid: Decimal
    overdue: Decimal
    next_due: InstalmentPaid | None  # the earliest unsettled instalment with a due date


def totals(total: Decimal, instalments: Sequence[InstalmentPaid]) -> PaidTotals:
    """Paid to date, unpaid (of the contract total) and overdue, and the next instalment due."""
    paid = sum((i.paid for i in instalments), ZERO)
    open_ = [i for i in instalments if i.settled_on is None and i.due is not None and i.unpaid > 0]
    return PaidTotals(
        paid=paid,
        unpaid=total - paid,
        overdue=sum((i.overdue for i in instalments), ZERO),
        next_due=min(open_, key=lambda i: (i.due, i.no)) if open_ else None,
    )


@dataclass(frozen=True)
class StoredPayment:
    id: int
    payment: PaymentMade
    recorded_by: str
    recorded_at: str

    def as_json(self) -> dict:
        p = self.payment
        return {"id": self.id, "instalment": p.instalment, "date": p.paid_on.isoformat(), "amount": format_amount(p.amount, grouping=False),
                "voucher": p.voucher, "note": p.note, "recorded_by": self.recorded_by, "recorded_at": self.recorded_at}
