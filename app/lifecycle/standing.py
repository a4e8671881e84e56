"""Where a contract stands as the office sees it: its steps, its schedule with the payments made settled in and
the steps' deadlines added, what is paid and unpaid, its files. One place that puts the stored records together
with the office's settings and the calendar, for the window, the command line, the ledger and the reminders.

`build_standing` is pure; `standing` and `all_standings` read what they need from the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.orm import Session

from app.calendar.work_calendar import WorkCalendar
from app.domain import Contract
from app.domain.kinds import AttachmentKind
from app.ledger.model import LedgerRow, ledger_row
from app.lifecycle.record import ContractRecord
from app.lifecycle.steps import Context, Event, Lifecycle, replay
from app.office.settings import OfficeSettings
from app.payments_made import InstalmentPaid, PaidTotals, PaymentMade, instalments_paid, settle_schedule, totals
from app.reminders.collect import ReminderSource
from app.schedule import Schedule, build_schedule
from app.store.attachments import AttachmentInfo
from app.store.db import Database
from app.store.lifecycle import StoredPayment


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


def _standing_in(s: Session, contract: Contract, contract_id: int, settings: OfficeSettings, calendar: WorkCalendar,
                 today: date) -> Standing:
    from app.store import attachments as attachment_store
    from app.store import lifecycle as store

    return build_standing(contract, store.record_in(s, contract_id), settings, calendar, today,
                          store.events_in(s, contract_id), store.payments_in(s, contract_id),
                          attachment_store.list_in(s, contract_id))


def standing_in(s: Session, number: str, calendar: WorkCalendar, today: date) -> Standing:
    """The contract's standing inside an open transaction (an op checking what it is about to record)."""
    from app.store import lifecycle as store
    from app.store.contracts import load_in, row_of

    contract, _version = load_in(s, number, rows=False)
    return _standing_in(s, contract, row_of(s, number).id, store.settings_in(s).settings, calendar, today)


def standing(db: Database, number: str, today: date, calendar: WorkCalendar | None = None) -> Standing:
    """One contract's standing as stored (its cost tables are not read: nothing here needs their rows)."""
    from app.calendar.store import load_calendar

    calendar = calendar or load_calendar(db)
    with db.read() as s:
        return standing_in(s, number, calendar, today)


def all_standings(db: Database, today: date, calendar: WorkCalendar | None = None) -> list[Standing]:
    """Every contract's standing, by number, with the office's records read once for all."""
    from app.calendar.store import load_calendar
    from app.store import attachments as attachment_store
    from app.store import lifecycle as store
    from app.store.contracts import load_all_in

    calendar = calendar or load_calendar(db)
    with db.read() as s:
        settings = store.settings_in(s).settings
        records = store.records_in(s)
        events = store.all_events_in(s)
        payments = store.all_payments_in(s)
        files = attachment_store.all_in(s)
        return [build_standing(contract, records.get(cid, ContractRecord()), settings, calendar, today,
                               events.get(cid, []), payments.get(cid, []), files.get(cid, []))
                for cid, contract in load_all_in(s)]
