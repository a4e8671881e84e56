"""One user action, one transaction: find the contract, check the version the caller read, refuse what its
state does not allow, then record the change in the audit trail and keep the revisions due, all before commit.

A refused action leaves no trace; an accepted one is never stored without its audit entry. An edit of an
approved contract is refused unless the caller says to return it to review (`reopen`, Unit.content_edit): the
one place that rule lives, for every edit op.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.base.clock import current_user, local_time
from app.base.errors import Conflict, UserError
from app.base.i18n import _
from app.domain import Status, workflow
from app.ops.changes import Changes, Part
from app.store import audit, revisions, states
from app.store.contracts import row_of
from app.store.db import Database
from app.store.revisions import Reason
from app.store.schema import AuditRow, ContractRow

#: An automatic revision is kept before an edit when the contract's last one is older than this, and in an
#: editing session when it last edited the contract longer ago than this.
AUTO_REVISION_PAUSE = timedelta(minutes=30)


@dataclass
class EditSession:
    """A window's editing session: when it last edited each contract (monotonic seconds).

    Before its first edit of a contract, and after a long pause, a revision is kept ("before editing"), so a
    reviewer can compare what one sitting changed. The command line passes none: each command is its own.
    """

    last_edit: dict[str, float] = field(default_factory=dict)


@dataclass
class Unit:
    """The open transaction of one action on one contract."""

    s: Session
    row: ContractRow
    user: str
    parts: set[Part] = field(default_factory=set)
    annexes: set[int] = field(default_factory=set)
    touched: bool = False

    def __post_init__(self) -> None:
        self.start_version = self.row.version

    @property
    def number(self) -> str:
        return self.row.number

    def audit(self, what: str, old: Any = None, new: Any = None) -> None:
        audit.record(self.s, self.number, what, old, new, user=self.user)

    def changed(self, *parts: Part, annex: int | None = None) -> None:
        """Count the contract as changed (its version advances) in `parts`."""
        self.parts.update(parts)
        if annex is not None:
            self.annexes.add(annex)
        self.touched = True

    def keep(self, reason: Reason, *, name: str | None = None, unless_unchanged: bool = True) -> int | None:
        self.s.flush()
        seq = revisions.keep(self.s, self.number, reason, name=name, user=self.user, unless_unchanged=unless_unchanged)
        if seq is not None:
            self.parts.add(Part.REVISIONS)
        return seq

    def before_edit(self, session: EditSession | None) -> None:
        """Keep the "before editing" revision when one is due (see AUTO_REVISION_PAUSE)."""
        now = time.monotonic()
        pause = AUTO_REVISION_PAUSE.total_seconds()
        if session is not None:
            last = session.last_edit.get(self.number)
            session.last_edit[self.number] = now
            if last is not None and now - last < pause:
                return
        else:
            at = revisions.latest_at(self.s, self.row.id)
            if at is not None and _age(at) < AUTO_REVISION_PAUSE:
                return
        self.keep(Reason.SESSION)

    def content_edit(self, reopen: bool) -> None:
        """Before an edit changes what the contract says: an approved contract goes back to review when
        `reopen` (a state step with a note, audited, in this transaction), and is refused otherwise
        (ApprovedEdit), so nothing approved changes unseen. Signed and archived contracts are refused by
        their own rules (app.domain.workflow)."""
        if self.row.status != Status.APPROVED.value:
            return
        if not reopen:
            raise ApprovedEdit(self.number)
        states.change_state_in(self.s, self.row, Status.REVIEW, user=self.user, note=workflow.REOPENED_NOTE)
        self.changed(Part.STATE)
        self.keep(Reason.STATE)

    def result(self) -> Changes:
        self.s.flush()
        if self.touched and self.row.version == self.start_version:
            self.row.updated_at = func.current_timestamp()  # an UPDATE of the row: its version advances
            self.s.flush()
        return Changes(self.number, self.row.version, frozenset(self.parts), frozenset(self.annexes))


class ApprovedEdit(UserError):
    """An edit of an approved contract that was not told to return it to review (`reopen`)."""

    def __init__(self, number: str) -> None:
        super().__init__(_("the contract is approved: changing it returns it to review"), number)


def _age(iso: str) -> timedelta:
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return AUTO_REVISION_PAUSE
    return datetime.now(UTC) - moment


def stale(s: Session, number: str) -> Conflict:
    """The refusal of an edit made on an older version: who changed the contract, what and when."""
    from app.review.report import entry_subject

    last = s.execute(
        select(AuditRow.user, AuditRow.at, AuditRow.what, AuditRow.new).where(AuditRow.contract == number)
        .order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    if last is None:
        return Conflict(_("someone else changed this contract since you opened it; reload it and apply your change again"),
                        number)
    return Conflict(
        _("{user} changed {what} at {time}, after you opened this contract; reload it and apply your change again").format(
            user=last.user, what=entry_subject(last.what, last.new), time=local_time(last.at)),
        number,
    )


@contextmanager
def contract_unit(db: Database, number: str, expected_version: int | None = None, *,
                  user: str | None = None) -> Iterator[Unit]:
    """The transaction of an action on contract `number`; Conflict when its stored version is not
    `expected_version` (None: the caller read nothing earlier, e.g. the command line)."""
    with db.transaction() as s:
        row = row_of(s, number, lock=True)
        if expected_version is not None and row.version != expected_version:
            raise stale(s, number)
        yield Unit(s, row, user if user is not None else current_user())
        s.flush()
