"""Contracts' standings read from the store: one contract's (for the window and an op checking what it is about
to record) or every contract's at once (the ledger, the reminders), with the office's records read once."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.domain import Contract
from app.domain.calendar import WorkCalendar
from app.rules.lifecycle.record import ContractRecord
from app.rules.lifecycle.standing import Standing, build_standing
from app.rules.office import OfficeSettings
from app.store import attachments as attachment_store
from app.store import lifecycle as store
from app.store.calendar import load_calendar
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
