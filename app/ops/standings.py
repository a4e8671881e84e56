"""Contracts' standings read from the store: one contract's (for the window and an op checking what it is about
to record) or every contract's at once (the ledger, the reminders), with the office's records read once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from app.domain import Contract
from app.domain.calendar import WorkCalendar
from app.rules.lifecycle.record import ContractRecord
from app.rules.lifecycle.standing import Standing, build_standing
from app.rules.office import OfficeSettings
from app.rules.schedule import ScheduleItem
from app.store import attachments as attachment_store
from app.store import lifecycle as store
from app.store.calendar import load_calendar
from app.store.contract_list import schedule_contracts
from app.store.contracts import load_all_in, load_in, row_of
from app.store.db import Database


def _standing_in(s: Session, contract: Contract, contract_id: int, settings: OfficeSettings, calendar: WorkCalendar,
                 today: date) -> Standing:

    return build_standing(contract, store.record_in(s, contract_id), settings, calendar, today,
                          store.events_in(s, contract_id), store.payments_in(s, contract_id),
                          attachment_store.list_in(s, contract_id))


def standing_in(s: Session, number: str, calendar: WorkCalendar, today: date) -> Standing:
    """The contract's standing inside an open transaction (an op checking what it is about to record)."""

    contract, _version = load_in(s, number, rows=False)
    return _standing_in(s, contract, row_of(s, number).id, store.settings_in(s).settings, calendar, today)


def standing(db: Database, number: str, today: date, calendar: WorkCalendar | None = None) -> Standing:
    """One contract's standing as stored (its cost tables are not read: nothing here needs their rows)."""

    calendar = calendar or load_calendar(db)
    with db.read() as s:
        return standing_in(s, number, calendar, today)


def all_standings(db: Database, today: date, calendar: WorkCalendar | None = None) -> list[Standing]:
    """Every contract's standing, by number, with the office's records read once for all."""

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


def next_deadlines(db: Database, numbers: Iterable[str], today: date,
                   calendar: WorkCalendar | None = None) -> dict[str, ScheduleItem | None]:
    """The list's 下一期限 for a batch of its rows: each contract's most pressing item as its standing has it — the
    instalments paid settled, the steps' own deadlines (the review opinion, filing) among them — as the reminders
    and 付款与期限 show it. Only what the schedule needs is read (no clauses, no cost tables), in a few queries."""
    calendar = calendar or load_calendar(db)
    light = schedule_contracts(db, numbers)
    ids = [cid for cid, _contract in light.values()]
    with db.read() as s:
        settings = store.settings_in(s).settings
        records, events = store.records_in(s, ids), store.all_events_in(s, ids)
        payments, files = store.all_payments_in(s, ids), attachment_store.all_in(s, ids)
    return {number: build_standing(contract, records.get(cid, ContractRecord()), settings, calendar, today,
                                   events.get(cid, []), payments.get(cid, []), files.get(cid, [])).schedule.next_item()
            for number, (cid, contract) in light.items()}
