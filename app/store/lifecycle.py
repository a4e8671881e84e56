"""The office's records about contracts in the store: its settings, each contract's record (kind, term …), the
step events, the payments made and the reminders each user dismissed. Persistence only.

The `*_in` functions run inside the caller's transaction and decide nothing: what may be recorded is
app.rules.lifecycle's and app.rules.payments_made's business, called by app.ops, which also writes the audit trail.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.base.clock import now_iso
from app.base.errors import NotFound
from app.base.i18n import _
from app.codecs.office_settings import SETTINGS_FORMAT, Approver, OfficeSettings, dumps, loads
from app.domain import Status
from app.domain.kinds import ContractKind, ProcurementMethod
from app.rules.lifecycle.record import ContractRecord
from app.rules.lifecycle.standing import context_for
from app.rules.lifecycle.state_steps import state_events
from app.rules.lifecycle.steps import ORIGIN_UPGRADE, CheckResult, Conclusion, Event, EventKind, Step, replay
from app.rules.payments_made import PaymentMade, StoredPayment
from app.store.calendar import calendar_in
from app.store.db import Database
from app.store.schema import (
    ContractRecordRow,
    ContractRow,
    LifecycleEventRow,
    OfficeSettingsRow,
    PaymentMadeRow,
    ReminderDismissalRow,
)

SETTINGS_ROW_ID = 1


# ------------------------------------------------------------------ office settings


@dataclass(frozen=True)
class StoredSettings:
    settings: OfficeSettings
    updated_at: str | None  # None: never saved (the defaults)
    updated_by: str = ""


def settings_in(s: Session) -> StoredSettings:
    """The office's settings as stored, or the defaults when none were saved yet."""
    row = s.get(OfficeSettingsRow, SETTINGS_ROW_ID)
    if row is None:
        return StoredSettings(OfficeSettings(), None)
    return StoredSettings(loads(row.document), row.updated_at, row.updated_by)


def load_settings(db: Database) -> OfficeSettings:
    with db.read() as s:
        return settings_in(s).settings


def stored_settings(db: Database) -> StoredSettings:
    with db.read() as s:
        return settings_in(s)


def save_settings_in(s: Session, settings: OfficeSettings, user: str) -> None:
    row = s.get(OfficeSettingsRow, SETTINGS_ROW_ID)
    if row is None:
        row = OfficeSettingsRow(id=SETTINGS_ROW_ID)
        s.add(row)
    row.format, row.document, row.updated_at, row.updated_by = SETTINGS_FORMAT, dumps(settings), now_iso(), user
    s.flush()


# ------------------------------------------------------------------ the contract's record


def record_in(s: Session, contract_id: int) -> ContractRecord:
    row = s.get(ContractRecordRow, contract_id)
    return ContractRecord() if row is None else _record(row)


def _record(row: ContractRecordRow) -> ContractRecord:
    return ContractRecord(
        kind=ContractKind(row.kind) if row.kind else None,
        procurement=ProcurementMethod(row.procurement_method) if row.procurement_method else None,
        major=bool(row.major),
        term_start=row.term_start,
        term_end=row.term_end,
    )


def set_record_in(s: Session, contract_id: int, record: ContractRecord, user: str) -> None:
    row = s.get(ContractRecordRow, contract_id)
    if row is None:
        row = ContractRecordRow(contract_id=contract_id)
        s.add(row)
    row.kind = record.kind.value if record.kind else None
    row.procurement_method = record.procurement.value if record.procurement else None
    row.major = record.major
    row.term_start, row.term_end = record.term_start, record.term_end
    row.updated_at, row.updated_by = now_iso(), user
    s.flush()


def records_in(s: Session, ids: Collection[int] | None = None) -> dict[int, ContractRecord]:
    """Every contract's record by contract id (or those of `ids`; contracts without one are left out)."""
    stmt = select(ContractRecordRow)
    if ids is not None:
        stmt = stmt.where(ContractRecordRow.contract_id.in_(list(ids)))
    return {row.contract_id: _record(row) for row in s.scalars(stmt)}


# ------------------------------------------------------------------ step events


def _event(row: LifecycleEventRow) -> Event:
    return Event(
        kind=EventKind(row.kind),
        on=row.on_date,
        step=Step(row.step) if row.step else None,
        office=row.office or "",
        result=CheckResult(row.result) if row.result else None,
        conclusion=Conclusion(row.conclusion) if row.conclusion else None,
        approver=Approver(row.approver) if row.approver else None,
        approved_by=row.approved_by or "",
        requested_by=row.requested_by or "",
        copies=row.copies,
        reference=row.reference or "",
        note=row.note or "",
        legacy=bool(row.origin),
        origin=row.origin or "",
    )


def events_in(s: Session, contract_id: int) -> list[Event]:
    """The contract's events in the order they were recorded."""
    rows = s.scalars(select(LifecycleEventRow).where(LifecycleEventRow.contract_id == contract_id)
                     .order_by(LifecycleEventRow.seq))
    return [_event(r) for r in rows]


def all_events_in(s: Session, ids: Collection[int] | None = None) -> dict[int, list[Event]]:
    """Every contract's events (or those of `ids`) by contract id, in one query."""
    out: dict[int, list[Event]] = {}
    stmt = select(LifecycleEventRow).order_by(LifecycleEventRow.contract_id, LifecycleEventRow.seq)
    if ids is not None:
        stmt = stmt.where(LifecycleEventRow.contract_id.in_(list(ids)))
    for row in s.scalars(stmt):
        out.setdefault(row.contract_id, []).append(_event(row))
    return out


def add_events_in(s: Session, contract_id: int, events: Iterable[Event], user: str) -> None:
    """Append events after the contract's last one."""
    seq = s.scalar(select(func.coalesce(func.max(LifecycleEventRow.seq), 0))
                   .where(LifecycleEventRow.contract_id == contract_id)) or 0
    at = now_iso()
    for ev in events:
        seq += 1
        s.add(LifecycleEventRow(
            contract_id=contract_id, seq=seq, kind=ev.kind.value, step=ev.step.value if ev.step else None,
            on_date=ev.on, office=ev.office, result=ev.result.value if ev.result else None,
            conclusion=ev.conclusion.value if ev.conclusion else None,
            approver=ev.approver.value if ev.approver else None, approved_by=ev.approved_by,
            requested_by=ev.requested_by, copies=ev.copies, reference=ev.reference, note=ev.note,
            origin=(ev.origin or ORIGIN_UPGRADE) if ev.legacy else "", recorded_by=user, recorded_at=at,
        ))
    s.flush()


def event_json(ev: Event) -> dict:
    """An event as the audit trail keeps it: its kind, date and the details it has."""
    out: dict = {"event": ev.kind.value, "date": ev.on.isoformat()}
    for name in ("step", "result", "conclusion", "approver"):
        value = getattr(ev, name)
        if value is not None:
            out[name] = value.value
    for name in ("office", "approved_by", "requested_by", "reference", "note"):
        if getattr(ev, name):
            out[name] = getattr(ev, name)
    if ev.copies is not None:
        out["copies"] = ev.copies
    if ev.legacy:
        out["origin"] = ev.origin or ORIGIN_UPGRADE
    return out


# ------------------------------------------------------------------ payments made


def _payment(row: PaymentMadeRow) -> StoredPayment:
    return StoredPayment(row.id, PaymentMade(row.instalment, row.paid_on, row.amount, row.voucher or "", row.note or ""),
                         row.recorded_by or "", row.recorded_at)


def payments_in(s: Session, contract_id: int) -> list[StoredPayment]:
    """The contract's payments made, by date, then as recorded."""
    rows = s.scalars(select(PaymentMadeRow).where(PaymentMadeRow.contract_id == contract_id)
                     .order_by(PaymentMadeRow.paid_on, PaymentMadeRow.id))
    return [_payment(r) for r in rows]


def all_payments_in(s: Session, ids: Collection[int] | None = None) -> dict[int, list[StoredPayment]]:
    """Every contract's payments made (or those of `ids`) by contract id, in one query."""
    out: dict[int, list[StoredPayment]] = {}
    stmt = select(PaymentMadeRow).order_by(PaymentMadeRow.contract_id, PaymentMadeRow.paid_on, PaymentMadeRow.id)
    if ids is not None:
        stmt = stmt.where(PaymentMadeRow.contract_id.in_(list(ids)))
    for row in s.scalars(stmt):
        out.setdefault(row.contract_id, []).append(_payment(row))
    return out


def add_payment_in(s: Session, contract_id: int, p: PaymentMade, user: str) -> StoredPayment:
    row = PaymentMadeRow(contract_id=contract_id, instalment=p.instalment, paid_on=p.paid_on, amount=p.amount,
                         voucher=p.voucher, note=p.note, recorded_by=user, recorded_at=now_iso())
    s.add(row)
    s.flush()
    return _payment(row)


def remove_payment_in(s: Session, contract_id: int, payment_id: int) -> StoredPayment:
    row = s.get(PaymentMadeRow, payment_id)
    if row is None or row.contract_id != contract_id:
        raise NotFound(_("the contract has no payment with this id"), str(payment_id))
    stored = _payment(row)
    s.delete(row)
    s.flush()
    return stored


# ------------------------------------------------------------------ dismissed reminders


def dismissed(db: Database, user: str) -> frozenset[str]:
    """The digests of the reminders `user` dismissed."""
    with db.read() as s:
        return frozenset(s.scalars(select(ReminderDismissalRow.key).where(ReminderDismissalRow.user == user)))


def dismiss_in(s: Session, user: str, digest: str, number: str) -> bool:
    """Remember that `user` dismissed the reminder (app.rules.reminders.Reminder.dismiss_digest); False when it
    was already dismissed."""
    if s.get(ReminderDismissalRow, (user, digest)) is not None:
        return False
    s.add(ReminderDismissalRow(user=user, key=digest, number=number, dismissed_at=now_iso()))
    s.flush()
    return True


def forget_dismissals_in(s: Session, user: str) -> int:
    """Bring back every reminder `user` dismissed; how many."""
    mine = ReminderDismissalRow.user == user
    count = s.scalar(select(func.count()).select_from(ReminderDismissalRow).where(mine)) or 0
    s.execute(delete(ReminderDismissalRow).where(mine))
    return int(count)


# ------------------------------------------------------------------ the approval state's steps


def follow_state_in(s: Session, row: ContractRow, old: Status, new: Status, *, user: str, note: str = "") -> None:
    """Record the steps a change of the approval state stands for (called where the state changes, in its
    transaction), so the steps and the state agree whichever was used."""
    from app.store.contracts import load_in  # contracts imports this module at its top

    contract, _version = load_in(s, row.number, rows=False)
    calendar = calendar_in(s)
    today = date.today()
    settings = settings_in(s).settings
    ctx = context_for(contract, record_in(s, row.id), settings, calendar, today)
    lifecycle = replay(events_in(s, row.id), ctx)
    # The change of state is in the audit trail already; these events follow from it by the rule above and are
    # marked as such (origin "state", who and when), so they add no entry of their own.
    add_events_in(s, row.id, state_events(lifecycle, old, new, today, user, note), user)
