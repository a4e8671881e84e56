"""Operations of the contract's steps: record a step (or skip one, with a reason), send a contract back, and keep
the office's record of it (kind, procurement method, major, term).

Each op is one transaction: the new event is checked by the step machine (app.lifecycle.steps) against the events
so far, the office's settings, the calendar and the files attached, then stored with its audit entry. The old
approval state follows the steps (`app.lifecycle.upgrade.status_for`): it moves forward as steps are done, back to
draft when the contract is sent back or the legal office does not agree, and a sealed contract is signed (read
only) — so every rule keyed on the approval state keeps working. The other way, a change of the approval state
made elsewhere (the review tab, `contractdesk state`) records the steps it stands for, without details
(`follow_state_in`), so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.calendar.work_calendar import WorkCalendar
from app.domain import Status
from app.domain.kinds import AttachmentKind
from app.i18n import _
from app.lifecycle.record import ContractRecord
from app.lifecycle.steps import (
    ORIGIN_STATE,
    Conclusion,
    Event,
    EventKind,
    Lifecycle,
    Step,
    StepState,
    record,
    replay,
)
from app.lifecycle.upgrade import status_for
from app.ops.changes import Done, Part
from app.ops.unit import Unit, contract_unit
from app.review.clock import now_iso
from app.review.revisions import Reason
from app.store import lifecycle as store
from app.store.db import Database
from app.store.schema import ContractRow, HolidayRow, StateChangeRow

#: The approval states in the order a contract goes through them.
STATUS_ORDER = (Status.DRAFT, Status.REVIEW, Status.APPROVED, Status.SIGNED, Status.ARCHIVED)
#: The file a step brings with it, when the clerk attaches it as the step is recorded.
STEP_FILE_KIND = {
    EventKind.COUNTERPARTY_CHECKED: AttachmentKind.COUNTERPARTY_LICENCE,
    EventKind.OPINION_RECEIVED: AttachmentKind.REVIEW_OPINION,
    EventKind.APPROVED: AttachmentKind.APPROVAL_SHEET,
}


def _rank(status: Status) -> int:
    return STATUS_ORDER.index(status)


def target_status(lifecycle: Lifecycle) -> Status:
    """The approval state the steps stand for; a contract with a seal-register entry is signed (read only)."""
    status = status_for(lifecycle.stage)
    if lifecycle.seal_register and _rank(status) < _rank(Status.SIGNED):
        return Status.SIGNED
    return status


def _sends_back(ev: Event) -> bool:
    return ev.kind is EventKind.RETURNED or (ev.kind is EventKind.OPINION_RECEIVED
                                            and ev.conclusion is Conclusion.NOT_AGREED)


def _set_status_in(u: Unit, new: Status, note: str) -> None:
    """Move the approval state to follow the steps; kept in its history like any change of state."""
    old = Status(u.row.status)
    u.row.status = new.value
    u.s.add(StateChangeRow(contract_id=u.row.id, from_state=old.value, to_state=new.value, user=u.user, at=now_iso(),
                           note=note))
    u.audit("state", old.value, new.value)
    u.changed(Part.STATE)
    u.keep(Reason.STATE)


@dataclass(frozen=True)
class NewFile:
    """A file attached as a step is recorded (the opinion with its conclusion, the approval sheet …)."""

    name: str
    data: bytes
    note: str = ""

    @classmethod
    def read(cls, path: Path, note: str = "") -> NewFile:
        from app.ops.attachments import read_attachment_file

        return cls(path.name, read_attachment_file(path), note)


def record_step(db: Database, number: str, event: Event, *, file: NewFile | None = None, today: date | None = None,
                user: str | None = None) -> Done[Lifecycle]:
    """Record one event of the contract's steps if the rules allow it; the value is where the contract now stands.

    A skipped step's reason and a return's reason are kept in the audit trail. With `file`, the step's file
    (see STEP_FILE_KIND) is attached in the same transaction."""
    from app.calendar.store import load_calendar
    from app.lifecycle.standing import context_for, standing_in

    today = today or date.today()
    calendar = load_calendar(db)
    with contract_unit(db, number, user=user) as u:
        attached = None
        if file is not None:
            from app.ops.attachments import attach_in

            kind = STEP_FILE_KIND.get(event.kind)
            if kind is None:
                from app.errors import UserError

                raise UserError(_("no file goes with this step; attach it on its own"), "file")
            attached = attach_in(u, kind, file.name, file.data, file.note)
        now = standing_in(u.s, number, calendar, today)
        ctx = context_for(now.contract, now.record, now.settings, calendar, today, now.attachments)
        lifecycle = record(now.lifecycle.events, event, ctx)
        store.add_events_in(u.s, u.row.id, [event], u.user)
        what = "step skipped" if event.kind is EventKind.SKIPPED else f"step {event.kind.value}"
        u.audit(what, None, store.event_json(event))
        u.parts.add(Part.LIFECYCLE)
        if attached is not None:
            u.parts.add(Part.ATTACHMENTS)
        _follow_steps(u, lifecycle, event)
        return Done(u.result(), lifecycle)


def _follow_steps(u: Unit, lifecycle: Lifecycle, event: Event) -> None:
    old = Status(u.row.status)
    new = target_status(lifecycle)
    if new is old:
        return
    if _rank(new) > _rank(old) or (_sends_back(event) and _rank(new) < _rank(old)):
        _set_status_in(u, new, _("follows the contract steps"))


def set_record(db: Database, number: str, rec: ContractRecord, *, user: str | None = None) -> Done[ContractRecord]:
    """Keep the office's record of the contract (kind, procurement method, major, term); audited."""
    rec = rec.check()
    with contract_unit(db, number, user=user) as u:
        old = store.record_in(u.s, u.row.id)
        if old == rec:
            return Done(u.result(), rec)
        store.set_record_in(u.s, u.row.id, rec, u.user)
        u.audit("contract record", old.as_json(), rec.as_json())
        u.parts.add(Part.LIFECYCLE)
        return Done(u.result(), rec)


# ------------------------------------------------------------------ the approval state, changed elsewhere


def state_events(lifecycle: Lifecycle, old: Status, new: Status, day: date, user: str, note: str) -> list[Event]:
    """The events a change of the approval state from `old` to `new` stands for, given the steps so far: forward,
    the steps the new state proves that are not settled yet; back, a return (and a new review, for "review")."""
    def ev(kind: EventKind, **details) -> Event:
        return Event(kind, day, legacy=True, origin=ORIGIN_STATE, **details)

    settled = {v.step for v in lifecycle.steps if v.state in (StepState.DONE, StepState.SKIPPED)}
    if _rank(new) < _rank(old):
        back = [ev(EventKind.RETURNED, note=note)]
        if new is Status.REVIEW:
            back.append(ev(EventKind.REVIEW_SENT))
        return back
    out: list[Event] = []
    reached = _rank(new)
    if reached >= _rank(Status.REVIEW):
        if Step.COUNTERPARTY_CHECK not in settled:
            out.append(ev(EventKind.SKIPPED, step=Step.COUNTERPARTY_CHECK))
        if Step.REVIEW not in settled:
            out.append(ev(EventKind.REVIEW_SENT))
    if reached >= _rank(Status.APPROVED):
        if Step.OPINION not in settled:
            out.append(ev(EventKind.OPINION_RECEIVED))
        if Step.APPROVAL not in settled:
            out.append(ev(EventKind.APPROVED, approved_by=user))
    if reached >= _rank(Status.SIGNED):
        if Step.REGISTRATION not in settled:
            out.append(ev(EventKind.SKIPPED, step=Step.REGISTRATION))
        if Step.SEALING not in settled and not lifecycle.seal_register:
            out.append(ev(EventKind.SEALED))
    if reached >= _rank(Status.ARCHIVED):
        if Step.FILING not in settled:
            out.append(ev(EventKind.FILED))
        out.append(ev(EventKind.ARCHIVED))
    return out


def follow_state_in(s: Session, row: ContractRow, old: Status, new: Status, *, user: str, note: str = "") -> None:
    """Record the steps a change of the approval state stands for (called where the state changes, in its
    transaction), so the steps and the state agree whichever was used."""
    from app.lifecycle.standing import context_for
    from app.store.contracts import load_in

    contract, _version = load_in(s, row.number, rows=False)
    calendar = _calendar_in(s)
    today = date.today()
    settings = store.settings_in(s).settings
    ctx = context_for(contract, store.record_in(s, row.id), settings, calendar, today)
    lifecycle = replay(store.events_in(s, row.id), ctx)
    # The change of state is in the audit trail already; these events follow from it by the rule above and are
    # marked as such (origin "state", who and when), so they add no entry of their own.
    store.add_events_in(s, row.id, state_events(lifecycle, old, new, today, user, note), user)


def _calendar_in(s: Session) -> WorkCalendar:
    from sqlalchemy import select

    from app.calendar.work_calendar import DayKind, HolidayDay

    rows = s.scalars(select(HolidayRow).order_by(HolidayRow.day))
    return WorkCalendar([HolidayDay(r.day, DayKind(r.kind), r.name or "") for r in rows])


__all__ = ["STEP_FILE_KIND", "NewFile", "follow_state_in", "record_step", "set_record", "state_events",
           "target_status"]
