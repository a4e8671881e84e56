"""Old approval states (draft → review → approved → signed → archived) and the contract steps, both ways.

A database made before the steps were kept holds only a state and its history. `upgrade_events` turns them
into the events the steps would have recorded, marked `legacy`: what the state proves was done is done on the
day the contract entered that state; what it cannot prove (the counterparty check, registration) is skipped
as "not recorded"; what was still to do stays to do (a signed contract's filing). `status_for` is the other
way: the old state a lifecycle stage stands for, so the read-only rules keyed on the old states keep working.
docs/lifecycle.md says the same in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Protocol

from app.domain import Status
from app.rules.lifecycle.steps import Event, EventKind, Stage, Step

#: The old states in order, past draft.
_ORDER = (Status.REVIEW, Status.APPROVED, Status.SIGNED, Status.ARCHIVED)

_STATUS_OF_STAGE = {
    Stage.DRAFT: Status.DRAFT,
    Stage.IN_REVIEW: Status.REVIEW,
    Stage.AWAITING_APPROVAL: Status.REVIEW,
    Stage.APPROVED: Status.APPROVED,
    Stage.SIGNED: Status.SIGNED,
    Stage.FILED: Status.SIGNED,
    Stage.ARCHIVED: Status.ARCHIVED,
}


class HistoryRow(Protocol):
    """A row of the state history as app.domain.workflow.StateStep gives it."""

    to_state: str
    user: str
    at: str


def status_for(stage: Stage) -> Status:
    """The old approval state a stage stands for (signed and filed contracts are both read-only "signed")."""
    return _STATUS_OF_STAGE[stage]


def local_day(at: str) -> date | None:
    """The clerk's calendar day of a stored UTC time (state history is kept as ISO text ending in Z)."""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date()


def upgrade_events(
    status: Status | str,
    history: Sequence[HistoryRow],
    *,
    signed_on: date | None,
    upgraded_on: date,
) -> list[Event]:
    """The legacy events for a contract in `status` with its state `history`, oldest first.

    Each step is dated on the day the contract last entered the state that proves it (sealing: the signing
    date, where known); a state with no history row takes the next later state's day, else `upgraded_on`. Days are
    kept in step order, so a history edited by hand cannot make a step precede the one before it."""
    status = Status(status)
    if status is Status.DRAFT:
        return []
    entered: dict[Status, tuple[date, str]] = {}
    for row in history:
        day = local_day(str(row.at))
        if day is not None:
            entered[Status(row.to_state)] = (day, row.user or "")
    reached = _ORDER[: _ORDER.index(status) + 1]
    days: list[date] = []
    later = upgraded_on
    for state in reversed(reached):
        if state is Status.SIGNED and signed_on is not None:
            day = signed_on  # the seal goes on when the contract is signed, not when the app was told
        elif state in entered:
            day = entered[state][0]
        else:
            day = later
        later = min(day, later)
        days.insert(0, later)
    on = dict(zip(reached, days, strict=True))
    who = {state: entered[state][1] for state in reached if state in entered}

    events = [
        Event(EventKind.SKIPPED, on[Status.REVIEW], step=Step.COUNTERPARTY_CHECK, legacy=True),
        Event(EventKind.REVIEW_SENT, on[Status.REVIEW], legacy=True),
    ]
    if Status.APPROVED in on:
        events += [
            Event(EventKind.OPINION_RECEIVED, on[Status.APPROVED], legacy=True),
            Event(EventKind.APPROVED, on[Status.APPROVED], approved_by=who.get(Status.APPROVED, ""), legacy=True),
        ]
    if Status.SIGNED in on:
        events += [
            Event(EventKind.SKIPPED, on[Status.SIGNED], step=Step.REGISTRATION, legacy=True),
            Event(EventKind.SEALED, on[Status.SIGNED], legacy=True),
        ]
    if Status.ARCHIVED in on:
        events += [
            Event(EventKind.FILED, on[Status.ARCHIVED], legacy=True),
            Event(EventKind.ARCHIVED, on[Status.ARCHIVED], legacy=True),
        ]
    return events
