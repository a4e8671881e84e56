"""The issue's test office and its ¥80,000 contract, walked through every step on the real 2025/2026 calendar.

Thresholds 50,000 / 500,000; review 5 working days; filing 5 working days. The review crosses National Day 2025
(Sunday 09-28 worked), the filing the Spring Festival 2026 (Saturday 02-14 worked), the second instalment falls
due after Labour Day 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.codecs.calendar_package import package_days
from app.domain import Contract, Due, DueAfter, Events, Party, Payment
from app.domain.calendar import WorkCalendar
from app.domain.kinds import AttachmentKind, ContractKind, ProcurementMethod
from app.rules.ledger import LedgerRow, ledger_row
from app.rules.lifecycle.steps import (
    CheckResult,
    Conclusion,
    Context,
    Event,
    EventKind,
    Lifecycle,
    Step,
    record,
    replay,
)
from app.rules.office import ApprovalLevel, Approver, OfficeSettings, Period
from app.rules.payments_made import PaymentMade, check_payment, instalments_paid, settle_schedule
from app.rules.schedule import Schedule, build_schedule

TEST_OFFICE = OfficeSettings(
    office="测试县人民政府办公室",
    our_party="a",
    approval=(
        ApprovalLevel(Decimal("0.00"), Approver.DEPARTMENT_HEAD),
        ApprovalLevel(Decimal("50000.00"), Approver.LEADER_IN_CHARGE),
        ApprovalLevel(Decimal("500000.00"), Approver.EXECUTIVE_MEETING),
    ),
    review_period=Period(5),
    filing_period=Period(5),
    filing_offices=("县司法局", "县档案馆"),
)
NUMBER = "测政采〔2025〕037号"
SIGNED = date(2026, 2, 12)
ACCEPTED = date(2026, 4, 10)
TODAY = date(2026, 5, 20)

EVENTS = [
    Event(EventKind.COUNTERPARTY_CHECKED, date(2025, 9, 24), result=CheckResult.PASSED, note="营业执照、信用中国已查"),
    Event(EventKind.REVIEW_SENT, date(2025, 9, 26), office="县司法局"),
    Event(EventKind.OPINION_RECEIVED, date(2025, 10, 13), conclusion=Conclusion.AGREED_WITH_CHANGES),
    Event(EventKind.APPROVED, date(2025, 10, 14), approver=Approver.LEADER_IN_CHARGE, approved_by="王副县长"),
    Event(EventKind.REGISTERED, date(2025, 10, 14), reference="测合登〔2025〕112号"),
    Event(EventKind.SEALED, date(2026, 2, 11), copies=4, requested_by="李四", approved_by="张主任"),
    Event(EventKind.FILED, date(2026, 2, 25), office="县司法局"),
    Event(EventKind.FILED, date(2026, 3, 2), office="县档案馆"),
    Event(EventKind.ARCHIVED, date(2026, 3, 5), reference="2026-长期-012"),
]
PAYMENTS = [
    PaymentMade(1, date(2026, 3, 3), Decimal("10000.00"), "记-0301"),
    PaymentMade(1, date(2026, 3, 10), Decimal("14000.00"), "记-0315"),
    PaymentMade(2, date(2026, 5, 8), Decimal("20000.00"), "记-0502"),
]
ATTACHED = frozenset({AttachmentKind.COUNTERPARTY_LICENCE, AttachmentKind.REVIEW_OPINION,
                      AttachmentKind.APPROVAL_SHEET, AttachmentKind.SIGNED_ORIGINAL})


def calendar() -> WorkCalendar:
    return WorkCalendar(package_days())


def contract() -> Contract:
    return Contract(
        number=NUMBER,
        title="办公家具采购合同",
        drafted="2025-09",
        total=Decimal("80000.00"),
        party_a=Party(name="测试县人民政府办公室"),
        party_b=Party(name="华安家具有限公司"),
        payments=[
            Payment(Decimal("24000.00"), Due(DueAfter.EFFECTIVE, days=15), "合同生效后十五日内支付30%"),
            Payment(Decimal("56000.00"), Due(DueAfter.ACCEPTANCE, days=30), "验收合格后三十日内支付70%"),
        ],
        events=Events(signed_a=SIGNED, signed_b=SIGNED, accepted=ACCEPTED),
    )


def context(cal: WorkCalendar, today: date = TODAY, **kw) -> Context:
    return Context(TEST_OFFICE, cal, today, Decimal("80000.00"), signed_on=SIGNED, kind=ContractKind.PROCUREMENT,
                   **kw)


@dataclass
class Walked:
    contract: Contract
    lifecycle: Lifecycle
    schedule: Schedule
    payments: list[PaymentMade]
    row: LedgerRow


def walk(cal: WorkCalendar, today: date = TODAY) -> Walked:
    """Every event recorded through the checks, in order (each as of its own day), then every payment."""
    c = contract()
    events: list[Event] = []
    for ev in EVENTS:
        events = record(events, ev, context(cal, ev.on, attachments=ATTACHED)).events
    made: list[PaymentMade] = []
    for p in PAYMENTS:
        made.append(check_payment(p, c.payments, made, p.paid_on))
    schedule = settle_schedule(build_schedule(c, cal, today), made)
    lifecycle = replay(events, context(cal, today))
    paid = instalments_paid(c.payments, made, schedule, today)
    row = ledger_row(c, TEST_OFFICE, lifecycle, paid, kind=ContractKind.PROCUREMENT,
                     procurement=ProcurementMethod.REQUEST_FOR_QUOTATION, term_start=SIGNED,
                     term_end=date(2026, 8, 11))
    return Walked(c, lifecycle, schedule, made, row)


def is_done(lifecycle: Lifecycle, step: Step) -> bool:
    return lifecycle.view(step).done_on is not None


def source_at(cal: WorkCalendar, day: date):
    """The contract's reminder source as it stood on `day`: only what had happened by then is recorded."""
    from app.rules.reminders import ReminderSource

    c = contract()
    ev = c.events
    ev.signed_a = ev.signed_b = SIGNED if SIGNED <= day else None
    ev.accepted = ACCEPTED if ACCEPTED <= day else None
    ctx = Context(TEST_OFFICE, cal, day, c.total, signed_on=ev.effective, kind=ContractKind.PROCUREMENT)
    lifecycle = replay([e for e in EVENTS if e.on <= day], ctx)
    schedule = settle_schedule(build_schedule(c, cal, day), [p for p in PAYMENTS if p.paid_on <= day])
    return ReminderSource(c.number, c.title, [*schedule.items, *lifecycle.items()], ends_on=date(2026, 8, 11))
