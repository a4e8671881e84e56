"""Operations of the review: approval states, "mark as reviewed", comments, amendments.

`user` names who acts (None: the user of this program, app.base.clock.current_user).

Comments and amendments are records about a contract, not its content: they do not advance the contract's
version, so a reviewer's comment never makes the clerk's next edit look stale.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain import Status, workflow
from app.domain.amendment import Amendment
from app.domain.comment import Comment
from app.domain.workflow import StateStep
from app.ops.changes import Done, Part
from app.ops.unit import contract_unit
from app.review.obstacles import Obstacle, Obstacles, Step, audit_problems, despite_note, given, obstacles
from app.store import amendments as amendments_store
from app.store import comments as comments_store
from app.store import contracts as store
from app.store import states
from app.store.db import Database
from app.store.revisions import Reason, check_name
from app.store.schema import ContractRow

#: The steps the guardrail stands before (app.review.obstacles).
GUARDED = {Status.APPROVED: Step.APPROVE, Status.SIGNED: Step.SIGN}


def set_state(db: Database, number: str, target: Status | str, *, note: str = "", despite: str | None = None,
              expected_version: int | None = None, user: str | None = None) -> Done[StateStep]:
    """Move the contract to `target` if the workflow allows it; who and when are recorded and the contract
    is kept as a revision in its new state (signing keeps it as signed, cost tables included).

    Approving and signing are refused (Obstacles, listing them) while something stands against them (check
    errors, open comments, blank fill-ins, an unsigned signing page) unless `despite` gives the reason to go
    ahead, which is kept in the audit trail and with the step in the state history.
    """
    target = workflow.parse_state(target)
    with contract_unit(db, number, expected_version, user=user) as u:
        step_kind = GUARDED.get(target)
        problems: list[Obstacle] = []
        if step_kind is not None and target in workflow.allowed_targets(Status(u.row.status)):
            problems = obstacles_in(u.s, u.row, step_kind)
            if problems and not given(despite):
                raise Obstacles(number, step_kind, problems)
        if problems:
            note = "; ".join(part for part in (note.strip(), despite_note(despite, problems)) if part)
            u.audit("despite", {"step": target.value, "problems": audit_problems(problems)}, (despite or "").strip())
        step = states.change_state_in(u.s, u.row, target, user=u.user, note=note)
        u.changed(Part.STATE)
        u.keep(Reason.STATE)
        return Done(u.result(), step)


def obstacles_in(s: Session, row: ContractRow, step: Step) -> list[Obstacle]:
    """What stands against `step` for the contract of `row`, read in the caller's transaction."""
    contract, _version = store.load_in(s, row.number)
    return obstacles(contract, comments_store.list_comments_in(s, row, open_only=True), step)


def obstacles_of(db: Database, number: str, step: Step) -> list[Obstacle]:
    """What stands against `step` for contract `number` now (the window asks before it offers the step)."""
    with db.read() as s:
        return obstacles_in(s, store.row_of(s, number), step)


def mark_reviewed(db: Database, number: str, name: str, *, user: str | None = None) -> Done[int]:
    """Freeze the current state under a name ("reviewed 2025-06-03"); the value is the revision's number."""
    with contract_unit(db, number, user=user) as u:
        name = check_name(u.s, u.row.id, name)
        seq = u.keep(Reason.REVIEWED, name=name, unless_unchanged=False)
        assert seq is not None
        u.audit("reviewed", None, {"revision": seq, "name": name})
        return Done(u.result(), seq)


def add_comment(db: Database, number: str, kind: str, target: str, text: str, *, user: str | None = None) -> Done[Comment]:
    """A new open comment on the contract, a field, a clause or a cost-table row."""
    with contract_unit(db, number, user=user) as u:
        comment = comments_store.add_comment_in(u.s, u.row, kind, target, text, user=u.user)
        u.parts.add(Part.COMMENTS)
        return Done(u.result(), comment)


def set_comment_resolved(db: Database, number: str, uid: str, resolved: bool, *, user: str | None = None) -> Done[Comment]:
    """Resolve (or reopen) a comment named by its id or a unique beginning of it."""
    with contract_unit(db, number, user=user) as u:
        comment, changed = comments_store.set_resolved_in(u.s, u.row, uid, resolved, user=u.user)
        if changed:
            u.parts.add(Part.COMMENTS)
        return Done(u.result(), comment)


def add_amendment(db: Database, number: str, amendment: Amendment, *, user: str | None = None) -> Done[None]:
    """Record an amendment (补充协议) to a signed contract; the contract as signed is kept first."""
    with contract_unit(db, number, user=user) as u:
        u.keep(Reason.AMENDMENT)
        amendments_store.add_amendment_in(u.s, u.row, amendment, user=u.user)
        u.parts.add(Part.AMENDMENTS)
        return Done(u.result())
