"""Payments made: part payments, settlement, unpaid rest and lateness against the computed schedule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.base.errors import UserError
from app.rules.payments_made import PaymentMade, check_payment, instalments_paid, settle_schedule, totals
from app.rules.schedule import ItemState, build_schedule
from tests import office_scenario as sc


@pytest.fixture(scope="module")
def cal():
    return sc.calendar()


def test_an_instalment_is_settled_when_its_payments_reach_its_amount(cal):
    c = sc.contract()
    schedule = build_schedule(c, cal, sc.TODAY)
    paid = instalments_paid(c.payments, sc.PAYMENTS, schedule, sc.TODAY)
    first, second = paid
    # Effective 2026-02-12 + 15 days = 02-27 (a Friday).
    assert first.due == date(2026, 2, 27)
    assert first.paid == Decimal("24000.00") and first.unpaid == Decimal("0.00")
    assert first.settled_on == date(2026, 3, 10)
    assert first.status == "settled 11 days late"
    # Accepted 2026-04-10 + 30 days = 05-10, a Sunday: due on Monday 05-11.
    assert second.due == date(2026, 5, 11)
    assert second.settled_on is None
    assert second.unpaid == Decimal("36000.00") and second.overdue == Decimal("36000.00")
    assert second.status == "¥20,000.00 of ¥56,000.00 paid, overdue by 9 days"
    t = totals(c.total, paid)
    assert (t.paid, t.unpaid, t.overdue) == (Decimal("44000.00"), Decimal("36000.00"), Decimal("36000.00"))
    assert t.next_due is second


def test_the_schedule_shows_settled_and_part_paid_instalments(cal):
    c = sc.contract()
    schedule = settle_schedule(build_schedule(c, cal, sc.TODAY), sc.PAYMENTS)
    items = {i.key: i for i in schedule.items}
    assert items["payment[1]"].state is ItemState.DONE
    assert items["payment[1]"].status == "done 11 days late"
    second = items["payment[2]"]
    assert second.state is ItemState.OVERDUE and second.status == "overdue by 9 days"
    assert second.what.endswith("(¥20,000.00 paid, ¥36,000.00 unpaid)")
    # Before any payment the schedule is as computed.
    plain = {i.key: i for i in build_schedule(c, cal, sc.TODAY).items}
    assert plain["payment[1]"].state is ItemState.OVERDUE


@pytest.mark.parametrize(
    ("payment", "where", "words"),
    [
        (PaymentMade(3, date(2026, 3, 3), Decimal("1.00")), "payment", "between 1 and 2"),
        (PaymentMade(1, date(2026, 3, 3), Decimal("0.00")), "amount", "more than zero"),
        (PaymentMade(1, date(2026, 3, 3), Decimal("-5.00")), "amount", "more than zero"),
        (PaymentMade(1, date(2026, 3, 3), Decimal("1.005")), "amount", "two decimal places"),
        (PaymentMade(1, date(2026, 5, 21), Decimal("1.00")), "date", "after today"),
        (PaymentMade(2, date(2026, 5, 9), Decimal("1.00"), " 记-0301 "), "voucher", "already recorded"),
        (PaymentMade(2, date(2026, 5, 9), Decimal("36000.01")), "amount", "¥36,000.00 still unpaid"),
        (PaymentMade(1, date(2026, 5, 9), Decimal("0.01")), "amount", "paid in full"),
    ],
)
def test_bad_payments_are_refused_naming_the_field(payment, where, words):
    c = sc.contract()
    with pytest.raises(UserError) as info:
        check_payment(payment, c.payments, sc.PAYMENTS, sc.TODAY)
    assert info.value.where == where
    assert words in info.value.message


def test_a_payment_is_stored_to_the_fen_with_its_voucher_trimmed():
    c = sc.contract()
    stored = check_payment(PaymentMade(2, date(2026, 5, 9), Decimal("36000"), " 记-0520 "), c.payments, sc.PAYMENTS,
                           sc.TODAY)
    assert stored.amount == Decimal("36000.00") and str(stored.amount) == "36000.00"
    assert stored.voucher == "记-0520"


def test_many_part_payments_add_up_to_the_fen(cal):
    c = sc.contract()
    made: list[PaymentMade] = []
    # 56,000.00 in 7 payments of 8,000.00 less a fen, and the rest.
    for n in range(7):
        made.append(check_payment(PaymentMade(2, date(2026, 4, 20 + n), Decimal("7999.99")), c.payments, made,
                                  sc.TODAY))
    rest = Decimal("56000.00") - 7 * Decimal("7999.99")
    assert rest == Decimal("0.07")
    made.append(check_payment(PaymentMade(2, date(2026, 5, 11), rest), c.payments, made, sc.TODAY))
    paid = instalments_paid(c.payments, made, build_schedule(c, cal, sc.TODAY), sc.TODAY)[1]
    assert paid.paid == Decimal("56000.00") and paid.settled_on == date(2026, 5, 11)
    assert paid.status == "settled"
