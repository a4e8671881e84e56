"""Operations of the contract's steps: record a step (or skip one, with a reason), send a contract back, and keep
the office's record of it (kind, procurement method, major, term).

Each op is one transaction: the new event is checked by the step machine (app.rules.lifecycle.steps) against the events
so far, the office's settings, the calendar and the files attached, then stored with its audit entry. The old
approval state follows the steps (`app.rules.lifecycle.upgrade.status_for`): it moves forward as steps are done, back to
draft when the contract is sent back or the legal office does not agree, and a sealed contract is signed (read
only) — so every rule keyed on the approval state keeps working. The other way, a change of the approval state
made elsewhere (the review tab, `contractdesk state`) records the steps it stands for, without details
(`follow_state_in`), so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from app.base.clock import now_iso
from app.base.i18n import _
from app.domain import Status
from app.domain.kinds import AttachmentKind
from app.ops.changes import Done, Part
from app.ops.unit import Unit, contract_unit
from app.rules.lifecycle.record import ContractRecord
from app.rules.lifecycle.state_steps import rank
from app.rules.lifecycle.steps import (
    Conclusion,
    Event,
    EventKind,
    Lifecycle,
    record,
)
from app.rules.lifecycle.upgrade import status_for
from app.store import lifecycle as store
from app.store.contracts import row_of
from app.store.db import Database
from app.store.revisions import Reason
from app.store.schema import StateChangeRow

#: The approval states in the order a contract goes through them.
#: The file a step brings with it, when the clerk attaches it as the step is recorded.
STEP_FILE_KIND = {
    EventKind.COUNTERPARTY_CHECKED: AttachmentKind.COUNTERPARTY_LICENCE,
    EventKind.OPINION_RECEIVED: AttachmentKind.REVIEW_OPINION,
    EventKind.APPROVED: AttachmentKind.APPROVAL_SHEET,
}


def target_status(lifecycle: Lifecycle) -> Status:
    """The approval state the steps stand for; a contract with a seal-register entry is signed (read only)."""
    status = status_for(lifecycle.stage)
    if lifecycle.seal_register and rank(status) < rank(Status.SIGNED):
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
    from app.ops.standings import standing_in
    from app.rules.lifecycle.standing import context_for
    from app.store.calendar import load_calendar

    today = today or date.today()
    calendar = load_calendar(db)
    with contract_unit(db, number, user=user) as u:
        attached = None
        if file is not None:
            from app.ops.attachments import attach_in

            kind = STEP_FILE_KIND.get(event.kind)
            if kind is None:
                from app.base.errors import UserError

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
    if rank(new) > rank(old) or (_sends_back(event) and rank(new) < rank(old)):
        _set_status_in(u, new, _("follows the contract steps"))


def set_record(db: Database, number: str, rec: ContractRecord, *, user: str | None = None) -> Done[ContractRecord]:
    """Keep the office's record of the contract (kind, procurement method, major, term); audited."""
    return _keep_record(db, number, lambda _old: rec, user)


def change_record(db: Database, number: str, changes: dict[str, Any], *,
                  user: str | None = None) -> Done[ContractRecord]:
    """Change some fields of the office's record (`ContractRecord` field names); the others stay as stored when
    the change is written (read in the same transaction, so a change made meanwhile elsewhere is kept)."""
    return _keep_record(db, number, lambda old: replace(old, **changes), user)


def contract_record(db: Database, number: str) -> ContractRecord:
    """The office's record of the contract, as stored."""
    with db.read() as s:
        return store.record_in(s, row_of(s, number).id)


def _keep_record(db: Database, number: str, make: Callable[[ContractRecord], ContractRecord],
                 user: str | None) -> Done[ContractRecord]:
    with contract_unit(db, number, user=user) as u:
        old = store.record_in(u.s, u.row.id)
        rec = make(old).check()
        if old == rec:
            return Done(u.result(), rec)
        store.set_record_in(u.s, u.row.id, rec, u.user)
        u.audit("contract record", old.as_json(), rec.as_json())
        u.parts.add(Part.LIFECYCLE)
        return Done(u.result(), rec)


# ------------------------------------------------------------------ the approval state, changed elsewhere


__all__ = ["STEP_FILE_KIND", "NewFile", "change_record", "contract_record", "record_step", "set_record",
           "target_status"]
