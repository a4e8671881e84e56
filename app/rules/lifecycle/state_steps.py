"""The steps a change of the approval state stands for: made on the review tab or with `contractdesk state`, it
records the steps the new state proves (forward) or a return (back), so the steps and the state never disagree."""

from __future__ import annotations

from datetime import date

from app.domain import Status
from app.rules.lifecycle.steps import ORIGIN_STATE, Event, EventKind, Lifecycle, Step, StepState

STATUS_ORDER = (Status.DRAFT, Status.REVIEW, Status.APPROVED, Status.SIGNED, Status.ARCHIVED)


def rank(status: Status) -> int:
    return STATUS_ORDER.index(status)


def state_events(lifecycle: Lifecycle, old: Status, new: Status, day: date, user: str, note: str) -> list[Event]:
    """The events a change of the approval state from `old` to `new` stands for, given the steps so far: forward,
    the steps the new state proves that are not settled yet; back, a return (and a new review, for "review")."""
    def ev(kind: EventKind, **details) -> Event:
        return Event(kind, day, legacy=True, origin=ORIGIN_STATE, **details)

    settled = {v.step for v in lifecycle.steps if v.state in (StepState.DONE, StepState.SKIPPED)}
    if rank(new) < rank(old):
        back = [ev(EventKind.RETURNED, note=note)]
        if new is Status.REVIEW:
            back.append(ev(EventKind.REVIEW_SENT))
        return back
    out: list[Event] = []
    reached = rank(new)
    if reached >= rank(Status.REVIEW):
        if Step.COUNTERPARTY_CHECK not in settled:
            out.append(ev(EventKind.SKIPPED, step=Step.COUNTERPARTY_CHECK))
        if Step.REVIEW not in settled:
            out.append(ev(EventKind.REVIEW_SENT))
    if reached >= rank(Status.APPROVED):
        if Step.OPINION not in settled:
            out.append(ev(EventKind.OPINION_RECEIVED))
        if Step.APPROVAL not in settled:
            out.append(ev(EventKind.APPROVED, approved_by=user))
    if reached >= rank(Status.SIGNED):
        if Step.REGISTRATION not in settled:
            out.append(ev(EventKind.SKIPPED, step=Step.REGISTRATION))
        if Step.SEALING not in settled and not lifecycle.seal_register:
            out.append(ev(EventKind.SEALED))
    if reached >= rank(Status.ARCHIVED):
        if Step.FILING not in settled:
            out.append(ev(EventKind.FILED))
        out.append(ev(EventKind.ARCHIVED))
    return out
