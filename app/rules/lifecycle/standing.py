"""Where a contract stands as the office sees it: its steps, its schedule with the payments made settled in and
the steps' deadlines added, what is paid and unpaid, its files. One place that puts the stored records together
with the office's settings and the calendar, for the window, the command line, the ledger and the reminders.

`build_standing` is pure; `standing` and `all_standings` read what they need from the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from app.domain import Contract
from app.domain.attachment import AttachmentInfo
from app.domain.calendar import WorkCalendar
from app.domain.kinds import AttachmentKind
from app.rules.ledger import LedgerRow, ledger_row
from app.rules.lifecycle.record import ContractRecord
from app.rules.lifecycle.steps import Context, Event, Lifecycle, replay
from app.rules.office import OfficeSettings
from app.rules.payments_made import (
    InstalmentPaid,
    PaidTotals,
    PaymentMade,
    StoredPayment,
    instalments_paid,
    settle_schedule,
    totals,
)
from app.rules.reminders import ReminderSource
from app.rules.schedule import Schedule, build_schedule


def context_for(contract: Contract, record: ContractRecord, settings: OfficeSettings, calendar: WorkCalendar,
                today: date, attachments: Sequence[AttachmentInfo] | None = None) -> Context:
    """What the step rules need to know of the contract: its amount, major mark, signing day, kind, files."""
    return Context(
        settings=settings,
        calendar=calendar,
        today=today,
        amount=contract.total,
        major=record.major,
        signed_on=contract.events.effective,
        kind=record.kind,
        attachments=frozenset(a.kind for a in attachments) if attachments is not None else None,
    )


@dataclass
class Standing:
    contract: Contract
    record: ContractRecord
    settings: OfficeSettings
    lifecycle: Lifecycle
    #: The contract's schedule with payments settled as paid, preceded by the steps' deadlines.
    schedule: Schedule
    instalments: list[InstalmentPaid]
    payments: list[StoredPayment] = field(default_factory=list)
    attachments: list[AttachmentInfo] = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.contract.number

    @property
    def totals(self) -> PaidTotals:
        return totals(self.contract.total, self.instalments)

    @property
    def attached_kinds(self) -> frozenset[AttachmentKind]:
        return frozenset(a.kind for a in self.attachments)

    @property
    def missing_items(self) -> tuple[AttachmentKind, ...]:
        """The files the office's settings want in the archive that are not attached."""
        wanted = self.settings.required_archive_items(self.record.kind, self.lifecycle.major)
        return tuple(k for k in wanted if k not in self.attached_kinds)

    def ledger_row(self) -> LedgerRow:
        r = self.record
        return ledger_row(self.contract, self.settings, self.lifecycle, self.instalments, kind=r.kind,
                          procurement=r.procurement, term_start=r.term_start, term_end=r.term_end)

    def reminder_source(self) -> ReminderSource:
        return ReminderSource(self.contract.number, self.contract.title, self.schedule.items,
                              ends_on=self.record.term_end)


def build_standing(contract: Contract, record: ContractRecord, settings: OfficeSettings, calendar: WorkCalendar,
                   today: date, events: Sequence[Event], payments: Sequence[StoredPayment],
                   attachments: Sequence[AttachmentInfo]) -> Standing:
    ctx = context_for(contract, record, settings, calendar, today, attachments)
    lifecycle = replay(events, ctx)
    made: list[PaymentMade] = [p.payment for p in payments]
    base = build_schedule(contract, calendar, today)
    settled = settle_schedule(base, made)
    schedule = replace(settled, items=[*lifecycle.items(), *settled.items])
    return Standing(contract, record, settings, lifecycle, schedule,
                    instalments_paid(contract.payments, made, settled, today), list(payments), list(attachments))
