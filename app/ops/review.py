"""Operations of the review: approval states, "mark as reviewed", comments, amendments.

`user` names who acts (None: the user of this program, app.base.clock.current_user).

Comments and amendments are records about a contract, not its content: they do not advance the contract's
version, so a reviewer's comment never makes the clerk's next edit look stale.
"""

from __future__ import annotations

from app.domain import Status
from app.domain.amendment import Amendment
from app.domain.comment import Comment
from app.ops.changes import Done, Part
from app.ops.unit import contract_unit
from app.store import amendments as amendments_store
from app.store import comments as comments_store
from app.store import states
from app.store.db import Database
from app.store.revisions import Reason, check_name
from app.store.states import StateStep


def set_state(db: Database, number: str, target: Status | str, *, note: str = "",
              expected_version: int | None = None, user: str | None = None) -> Done[StateStep]:
    """Move the contract to `target` if the workflow allows it; who and when are recorded and the contract
    is kept as a revision in its new state (signing keeps it as signed, cost tables included)."""
    target = states.parse_state(target)
    with contract_unit(db, number, expected_version, user=user) as u:
        step = states.change_state_in(u.s, u.row, target, user=u.user, note=note)
        u.changed(Part.STATE)
        u.keep(Reason.STATE)
        return Done(u.result(), step)


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
