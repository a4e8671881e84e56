"""The office's steps around a contract, as a pure state machine over dated events.

对方审查 → 送合法性审查 → 收到审查意见 → 审批 → 登记编号 → 用印 → 备案 → 归档. The stored truth is the list of
events, oldest first; `replay` computes where the contract stands, each step's deadline (with the working-day
calendar, holidays and make-up working days alike) and how late a late step is; `record` checks a new event
against that and the office's settings and refuses it with a UserError naming the field. Nothing here reads
the clock or the database: `today`, the calendar and the settings come in with the `Context`.

Rules the machine keeps:
- steps go in order; a step is done once, except the seal register (用印登记) and filing, which take an entry
  per use of the seal and per office filed with;
- a step may be skipped (now or ahead of time) only with a reason, and archiving never; skipping the review
  skips its opinion too;
- an opinion that does not agree (不同意), or a contract sent back for changes before it is sealed, sends it
  round again from the legality review;
- days the legal office spends on outside investigation (调查核实) are not counted in its answer period:
  from the day the investigation starts to the day it ends, both included;
- the approval must come from the level the amount (or a major contract) needs, or a higher one;
- dates never go back before the step before them, nor past `today`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from app.base.errors import UserError
from app.base.i18n import N_, _, ngettext
from app.domain.calendar import WorkCalendar
from app.domain.kinds import AttachmentKind, ContractKind
from app.rules.office import ApprovalLevel, Approver, OfficeSettings, Period, PeriodUnit
from app.rules.schedule import ItemKind, ItemState, ScheduleItem, make_item
from app.values.money import format_amount


class Step(StrEnum):
    """The steps in the order a contract goes through them."""

    COUNTERPARTY_CHECK = "counterparty_check"
    REVIEW = "review"
    OPINION = "opinion"
    APPROVAL = "approval"
    REGISTRATION = "registration"
    SEALING = "sealing"
    FILING = "filing"
    ARCHIVING = "archiving"

    @property
    def label(self) -> str:
        return _(STEP_LABELS[self])


STEP_LABELS = {
    Step.COUNTERPARTY_CHECK: N_("counterparty check"),
    Step.REVIEW: N_("sent for legality review"),
    Step.OPINION: N_("legality review opinion"),
    Step.APPROVAL: N_("approval"),
    Step.REGISTRATION: N_("registration"),
    Step.SEALING: N_("sealing"),
    Step.FILING: N_("filing"),
    Step.ARCHIVING: N_("archiving"),
}
STEPS = tuple(Step)


class EventKind(StrEnum):
    COUNTERPARTY_CHECKED = "counterparty_checked"  # result, note
    REVIEW_SENT = "review_sent"  # office (the legal office it went to)
    REVIEW_PAUSED = "review_paused"  # outside investigation starts (note: what is being checked)
    REVIEW_RESUMED = "review_resumed"  # outside investigation ends
    OPINION_RECEIVED = "opinion_received"  # conclusion, note
    APPROVED = "approved"  # approver (level), approved_by (person or meeting)
    REGISTERED = "registered"  # reference: the internal registration number
    SEALED = "sealed"  # one seal-register entry: copies, requested_by, approved_by
    FILED = "filed"  # office
    ARCHIVED = "archived"  # reference: the archive's file number, if it gives one
    SKIPPED = "skipped"  # step, note = the reason
    RETURNED = "returned"  # sent back for changes before sealing; note = the reason


ORIGIN_UPGRADE = "upgrade"
ORIGIN_STATE = "state"

#: The step each kind of event completes or belongs to (SKIPPED names its own).
EVENT_STEP = {
    EventKind.COUNTERPARTY_CHECKED: Step.COUNTERPARTY_CHECK,
    EventKind.REVIEW_SENT: Step.REVIEW,
    EventKind.REVIEW_PAUSED: Step.OPINION,
    EventKind.REVIEW_RESUMED: Step.OPINION,
    EventKind.OPINION_RECEIVED: Step.OPINION,
    EventKind.APPROVED: Step.APPROVAL,
    EventKind.REGISTERED: Step.REGISTRATION,
    EventKind.SEALED: Step.SEALING,
    EventKind.FILED: Step.FILING,
    EventKind.ARCHIVED: Step.ARCHIVING,
    EventKind.RETURNED: Step.REVIEW,  # sent back: the review is done again
}


class CheckResult(StrEnum):
    PASSED = "passed"  # 通过
    CONCERNS = "concerns"  # 存在风险，已说明
    FAILED = "failed"  # 不通过

    @property
    def label(self) -> str:
        return _({"passed": N_("passed"), "concerns": N_("passed with concerns"), "failed": N_("failed")}[self.value])


class Conclusion(StrEnum):
    AGREED = "agreed"  # 同意
    AGREED_WITH_CHANGES = "agreed_with_changes"  # 修改后同意
    NOT_AGREED = "not_agreed"  # 不同意

    @property
    def label(self) -> str:
        return _({
            "agreed": N_("agreed"),
            "agreed_with_changes": N_("agreed subject to changes"),
            "not_agreed": N_("not agreed"),
        }[self.value])


@dataclass(frozen=True)
class Event:
    """One dated event. Only the fields its kind uses are set; `legacy` marks events made when an older
    database is upgraded (their details were never recorded, so they are not required)."""

    kind: EventKind
    on: date
    step: Step | None = None  # SKIPPED: the step skipped
    office: str = ""  # REVIEW_SENT, FILED
    result: CheckResult | None = None  # COUNTERPARTY_CHECKED
    conclusion: Conclusion | None = None  # OPINION_RECEIVED
    approver: Approver | None = None  # APPROVED
    approved_by: str = ""  # APPROVED: the person or meeting; SEALED: who allowed the use of the seal
    requested_by: str = ""  # SEALED
    copies: int | None = None  # SEALED
    reference: str = ""  # REGISTERED, ARCHIVED
    note: str = ""  # anything; the reason of SKIPPED and RETURNED
    legacy: bool = False
    #: Where a legacy event came from: "upgrade" (an older database, the default) or "state" (a change of the
    #: approval state, which gives no details).
    origin: str = ""

    @property
    def by_state(self) -> bool:
        return self.legacy and self.origin == ORIGIN_STATE

    @property
    def for_step(self) -> Step:
        if self.kind is EventKind.SKIPPED:
            assert self.step is not None
            return self.step
        return EVENT_STEP[self.kind]


@dataclass(frozen=True)
class Context:
    """What the rules need besides the events. `signed_on` is the day the contract was concluded (the later
    of the two signatures); `attachments`, where known, lets archiving check the files the archive wants."""

    settings: OfficeSettings
    calendar: WorkCalendar
    today: date
    amount: Decimal
    major: bool = False  # marked major by the clerk (the amount may make it major too)
    signed_on: date | None = None
    kind: ContractKind | None = None
    attachments: frozenset[AttachmentKind] | None = None

    @property
    def is_major(self) -> bool:
        return self.settings.is_major(self.amount, self.major)

    @property
    def required_approval(self) -> ApprovalLevel:
        return self.settings.approval_for(self.amount, self.major)


class StepState(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    CURRENT = "current"  # the next thing to do
    PENDING = "pending"  # comes later


class Stage(StrEnum):
    """Where a contract stands, as the ledger's state column and the old approval states see it."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    SIGNED = "signed"
    FILED = "filed"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return _(STAGE_LABELS[self])


STAGE_LABELS = {
    Stage.DRAFT: N_("drafting"),
    Stage.IN_REVIEW: N_("in legality review"),
    Stage.AWAITING_APPROVAL: N_("awaiting approval"),
    Stage.APPROVED: N_("approved"),
    Stage.SIGNED: N_("signed"),
    Stage.FILED: N_("filed"),
    Stage.ARCHIVED: N_("archived"),
}


def stage_text(stage: Stage, approval_unrecorded: bool) -> str:
    """The stage as the 付款与期限 tab, the ledger and the command line say it."""
    if approval_unrecorded:
        return _("{stage} (no approval recorded)").format(stage=stage.label)
    return stage.label


@dataclass
class StepView:
    """One step as the window and the CLI show it. `item` carries the deadline where the step has one."""

    step: Step
    state: StepState
    done_on: date | None = None
    reason: str = ""  # why it was skipped
    detail: str = ""  # e.g. "leader in charge (needed: leader in charge)", "filed with 1 of 2 offices"
    item: ScheduleItem | None = None
    legacy: bool = False
    by_state: bool = False  # recorded by a change of the approval state, without details

    @property
    def status(self) -> str:
        """done / done 3 days late / skipped: … / due in 2 days / overdue by 4 days / to do / later."""
        if self.state is StepState.SKIPPED:
            return _("skipped: {reason}").format(reason=self.reason)
        if self.legacy and self.by_state:
            return _("done (set through the approval state; details not recorded)")
        if self.legacy:
            return _("done (recorded before the contract steps were kept)")
        if self.item is not None and self.item.state is not ItemState.WAITING:
            return self.item.status
        if self.state is StepState.DONE:
            return _("done")
        if self.item is not None and self.item.waits_for and self.state is StepState.CURRENT:
            return _("waits for {event}").format(event=self.item.waits_for)
        if self.state is StepState.CURRENT:
            return _("to do")
        return _("later")


@dataclass(frozen=True)
class Pause:
    """Outside investigation during the legality review; `end` None while it goes on."""

    start: date
    end: date | None
    note: str = ""


@dataclass
class Lifecycle:
    """Where the contract stands after its events."""

    events: list[Event]
    steps: list[StepView]
    stage: Stage
    required_approval: ApprovalLevel
    major: bool
    seal_register: list[Event] = field(default_factory=list)
    filings: list[Event] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    round: int = 0  # legality review rounds started (a refused opinion or a return starts another)
    #: Signed by its signing dates (so its deadlines run) while no approval is recorded: a draft whose two dates were
    #: typed in, say. Said beside the stage, so that a ledger does not show it as signed like any other.
    approval_unrecorded: bool = False

    @property
    def stage_text(self) -> str:
        return stage_text(self.stage, self.approval_unrecorded)

    def view(self, step: Step) -> StepView:
        return next(v for v in self.steps if v.step is step)

    @property
    def current(self) -> Step | None:
        """The step to do next, or None once archived."""
        return next((v.step for v in self.steps if v.state is StepState.CURRENT), None)

    def items(self) -> list[ScheduleItem]:
        """The deadlines (the review answer, filing) as schedule items, for the schedule, `due` and reminders."""
        return [v.item for v in self.steps if v.item is not None]


# ---------------------------------------------------------------- counting


def review_deadline(sent: date, period: Period, pauses: Sequence[Pause], calendar: WorkCalendar) -> tuple[date | None, int]:
    """The day the legal office's answer is due, and how many counted days the pauses took out of the period.

    Working-day periods skip rest days (make-up working days count); calendar-day periods count every day
    and end on a working day (Civil Code art. 203). A day inside a pause is not counted. None while a
    pause that started within the period goes on."""

    def paused(day: date) -> Pause | None:
        return next((p for p in pauses if p.start <= day and (p.end is None or day <= p.end)), None)

    working = period.unit is PeriodUnit.WORKING_DAYS
    day, left, excluded = sent, period.count, 0
    while left:
        day += timedelta(days=1)
        counts = calendar.is_working_day(day) if working else True
        if not counts:
            continue
        pause = paused(day)
        if pause is None:
            left -= 1
        elif pause.end is None:
            return None, excluded
        else:
            excluded += 1
    return (day if working else calendar.next_working_day(day)), excluded


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


# ---------------------------------------------------------------- the machine


class _Machine:
    """Replays events in order; with `strict`, refuses the last one if the rules do not allow it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.done: dict[Step, Event] = {}
        self.skipped: dict[Step, Event] = {}
        self.sent: Event | None = None  # the review of the current round
        self.pauses: list[Pause] = []
        self.seals: list[Event] = []
        self.filings: list[Event] = []
        self.round = 0
        self.last_date: dict[Step, date] = {}
        self.floor: date | None = None  # a refused opinion or a return: nothing after may be dated earlier
        self.refused: Event | None = None  # the last opinion that did not agree
        self.last_check: Event | None = None  # the last counterparty check, passed or not

    # -- state
    def settled(self, step: Step) -> bool:
        return step in self.done or step in self.skipped

    def current(self) -> Step | None:
        return next((step for step in STEPS if not self.settled(step)), None)

    def earliest(self, step: Step) -> date | None:
        """The last date of the steps before `step`: nothing of `step` may be dated before it."""
        dates = [d for s, d in self.last_date.items() if STEPS.index(s) < STEPS.index(step)]
        if self.floor is not None:
            dates.append(self.floor)
        return max(dates) if dates else None

    # -- applying
    def apply(self, ev: Event, strict: bool) -> None:
        if strict:
            self._check(ev)
        step = ev.for_step
        if ev.kind is EventKind.SKIPPED:
            self.skipped[step] = ev
            if step is Step.REVIEW:
                self.skipped.setdefault(Step.OPINION, ev)
            return
        if ev.kind is EventKind.RETURNED:
            self._return(ev)
            return
        if ev.kind is EventKind.SEALED:
            self.last_date.setdefault(step, ev.on)  # a seal used again later does not hold the next steps back
        else:
            self.last_date[step] = max(ev.on, self.last_date.get(step, ev.on))
        if ev.kind is EventKind.COUNTERPARTY_CHECKED:
            self.last_check = ev
            if ev.result is CheckResult.FAILED:
                self.done.pop(step, None)
            else:
                self.done[step] = ev
        elif ev.kind is EventKind.REVIEW_SENT:
            self.round += 1
            self.sent, self.pauses = ev, []
            self.done[step] = ev
            self.skipped.pop(Step.OPINION, None)
        elif ev.kind is EventKind.REVIEW_PAUSED:
            self.pauses.append(Pause(ev.on, None, ev.note))
        elif ev.kind is EventKind.REVIEW_RESUMED:
            if self.pauses and self.pauses[-1].end is None:
                self.pauses[-1] = replace(self.pauses[-1], end=ev.on)
        elif ev.kind is EventKind.OPINION_RECEIVED:
            if ev.conclusion is Conclusion.NOT_AGREED:
                # Another round: the draft is changed and sent again, after this opinion.
                self.done.pop(Step.REVIEW, None)
                self.refused, self.sent, self.pauses = ev, None, []
                self.floor = max(ev.on, self.floor or ev.on)
            else:
                self.done[step] = ev
        elif ev.kind is EventKind.SEALED:
            self.seals.append(ev)
            self.done.setdefault(step, ev)
        elif ev.kind is EventKind.FILED:
            self.filings.append(ev)
            if ev.legacy or not self.missing_offices():
                self.done.setdefault(step, ev)
        else:
            self.done[step] = ev

    def _return(self, ev: Event) -> None:
        """Sent back for changes: the review and everything after it is done again (steps skipped stay
        skipped: the reason for skipping them has not changed)."""
        for step in STEPS[STEPS.index(Step.REVIEW):]:
            self.done.pop(step, None)
            self.last_date.pop(step, None)
        self.sent, self.pauses = None, []
        self.floor = max(ev.on, self.floor or ev.on)

    def missing_offices(self) -> list[str]:
        filed = {f.office for f in self.filings}
        offices = self.ctx.settings.filing_offices
        if not offices:
            return [] if self.filings else [""]
        return [o for o in offices if o not in filed]

    # -- checking a new event
    def _check(self, ev: Event) -> None:
        ctx = self.ctx
        if ev.on > ctx.today:
            raise UserError(_("{date} is after today").format(date=ev.on.isoformat()), "date")
        if ev.kind is EventKind.SKIPPED and ev.step is None:
            raise UserError(_("name the step"), "step")
        step = ev.for_step
        if self.settled(Step.ARCHIVING):
            raise UserError(_("the contract is archived and can no longer be changed"), "step")
        if ev.kind is EventKind.SKIPPED:
            self._check_skip(ev, step)
            return
        if ev.kind is EventKind.RETURNED:
            self._check_return(ev)
            return
        current = self.current()
        if (ev.kind is EventKind.SEALED and self.seals) or (ev.kind is EventKind.FILED and self.filings):
            pass  # another entry in the seal register, another office filed with
        elif ev.kind in (EventKind.REVIEW_PAUSED, EventKind.REVIEW_RESUMED, EventKind.OPINION_RECEIVED):
            if self.sent is None or Step.REVIEW not in self.done or self.settled(Step.OPINION):
                raise UserError(_("the contract is not waiting for a legality review opinion"), "step")
        elif self.settled(step):
            raise UserError(_("{step} is already recorded").format(step=step.label), "step")
        elif current is not step:
            assert current is not None
            raise UserError(
                _("{step} comes after {current}; record or skip that first").format(
                    step=step.label, current=current.label
                ),
                "step",
            )
        earliest = self.earliest(step)
        if ev.kind in (EventKind.REVIEW_PAUSED, EventKind.REVIEW_RESUMED, EventKind.OPINION_RECEIVED):
            earliest = max(d for d in (earliest, self.sent.on if self.sent else None, *self._pause_dates()) if d)
        if earliest is not None and ev.on < earliest:
            raise UserError(
                _("{date} is before {earlier}, the date of the step before it").format(
                    date=ev.on.isoformat(), earlier=earliest.isoformat()
                ),
                "date",
            )
        check = {
            EventKind.COUNTERPARTY_CHECKED: self._check_counterparty_checked,
            EventKind.REVIEW_PAUSED: self._check_review_paused,
            EventKind.REVIEW_RESUMED: self._check_review_resumed,
            EventKind.OPINION_RECEIVED: self._check_opinion_received,
            EventKind.APPROVED: self._check_approved,
            EventKind.REGISTERED: self._check_registered,
            EventKind.SEALED: self._check_sealed,
            EventKind.FILED: self._check_filed,
            EventKind.ARCHIVED: self._check_archived,
        }.get(ev.kind)
        if check is not None:
            check(ev)

    def _pause_dates(self) -> list[date]:
        return [d for p in self.pauses for d in (p.start, p.end) if d is not None]

    def _check_skip(self, ev: Event, step: Step) -> None:
        if not ev.note.strip():
            raise UserError(_("a skipped step needs a reason"), "reason")
        if step is Step.ARCHIVING:
            raise UserError(_("archiving cannot be skipped"), "step")
        if self.settled(step) or (step is Step.SEALING and self.seals) or (step is Step.FILING and self.filings):
            raise UserError(_("{step} is already recorded").format(step=step.label), "step")

    def _check_return(self, ev: Event) -> None:
        if not ev.note.strip():
            raise UserError(_("sending a contract back needs a reason"), "reason")
        if self.seals or self.settled(Step.SEALING):
            raise UserError(_("the contract is sealed; change it through an amendment"), "step")
        if not any(s in self.done for s in (Step.REVIEW, Step.OPINION, Step.APPROVAL, Step.REGISTRATION)):
            raise UserError(_("the contract has not been sent for review yet"), "step")

    def _check_counterparty_checked(self, ev: Event) -> None:
        if ev.result is None and not ev.legacy:
            raise UserError(_("give the result of the check"), "result")

    def _check_review_paused(self, ev: Event) -> None:
        if self.pauses and self.pauses[-1].end is None:
            raise UserError(_("an outside investigation is already under way"), "date")

    def _check_review_resumed(self, ev: Event) -> None:
        if not self.pauses or self.pauses[-1].end is not None:
            raise UserError(_("no outside investigation is under way"), "date")

    def _check_opinion_received(self, ev: Event) -> None:
        if ev.conclusion is None and not ev.legacy:
            raise UserError(_("give the opinion's conclusion"), "conclusion")
        if self.pauses and self.pauses[-1].end is None:
            raise UserError(_("record the end of the outside investigation first"), "date")

    def _check_approved(self, ev: Event) -> None:
        if ev.legacy:
            return
        needed = self.ctx.required_approval
        if ev.approver is None:
            raise UserError(_("give who approved it"), "approver")
        if ev.approver.rank < needed.approver.rank:
            raise UserError(
                _("a contract of ¥{amount} needs the approval of the {needed}, not the {given}").format(
                    amount=format_amount(self.ctx.amount), needed=needed.label, given=ev.approver.label
                ),
                "approver",
            )

    def _check_registered(self, ev: Event) -> None:
        if not ev.reference.strip() and not ev.legacy:
            raise UserError(_("give the registration number"), "reference")

    def _check_sealed(self, ev: Event) -> None:
        if ev.legacy:
            return
        if ev.copies is None or ev.copies < 1:
            raise UserError(_("give the number of copies sealed (1 or more)"), "copies")
        if not ev.requested_by.strip():
            raise UserError(_("give who asked for the seal"), "requested_by")
        if not ev.approved_by.strip():
            raise UserError(_("give who allowed the use of the seal"), "approved_by")

    def _check_filed(self, ev: Event) -> None:
        if ev.legacy:
            return
        signed = self.ctx.signed_on
        if signed is None:
            raise UserError(_("the contract is not signed by both parties yet; it is filed after signing"), "date")
        if ev.on < signed:
            raise UserError(
                _("{date} is before the contract was signed ({signed})").format(
                    date=ev.on.isoformat(), signed=signed.isoformat()
                ),
                "date",
            )
        if not ev.office.strip():
            raise UserError(_("give the office it was filed with"), "office")
        earlier = next((f for f in self.filings if f.office == ev.office), None)
        if earlier is not None:
            raise UserError(
                _("already filed with {office} on {date}").format(office=ev.office, date=earlier.on.isoformat()),
                "office",
            )

    def _check_archived(self, ev: Event) -> None:
        if ev.legacy:
            return
        if self.ctx.signed_on is None:
            raise UserError(_("the contract is not signed by both parties yet"), "step")
        if self.ctx.attachments is not None:
            missing = [
                k for k in self.ctx.settings.required_archive_items(self.ctx.kind, self.ctx.is_major)
                if k not in self.ctx.attachments
            ]
            if missing:
                raise UserError(
                    _("the archive still lacks: {items}").format(items=_(", ").join(k.label for k in missing)),
                    "attachments",
                )


# ---------------------------------------------------------------- views


def _stage(m: _Machine, ctx: Context) -> Stage:
    if m.settled(Step.ARCHIVING):
        return Stage.ARCHIVED
    if Step.FILING in m.done:
        return Stage.FILED
    if ctx.signed_on is not None and ctx.signed_on <= ctx.today:
        return Stage.SIGNED
    if m.settled(Step.APPROVAL):
        return Stage.APPROVED
    if m.settled(Step.OPINION):
        return Stage.AWAITING_APPROVAL
    if Step.REVIEW in m.done:
        return Stage.IN_REVIEW
    return Stage.DRAFT


def _opinion_item(m: _Machine, ctx: Context) -> ScheduleItem | None:
    if m.sent is None and Step.OPINION not in m.done:
        return None
    period = ctx.settings.review_period
    sent = m.sent
    done = m.done.get(Step.OPINION)
    if sent is None:
        return None
    when, excluded = review_deadline(sent.on, period, m.pauses, ctx.calendar)
    rule = _("within {period} after it was sent on {date}").format(period=period.words, date=sent.on.isoformat())
    if excluded:
        rule += _(" ({days} of outside investigation not counted)").format(days=Period(excluded, period.unit).words)
    what = _("Legality review opinion from {office}").format(office=sent.office) if sent.office else _(
        "Legality review opinion")
    return make_item(
        "lifecycle.opinion", what, rule, when, _("the end of the outside investigation"), ctx.today,
        done_on=done.on if done is not None else None,
    )


def _filing_item(m: _Machine, ctx: Context) -> ScheduleItem | None:
    if Step.FILING in m.skipped:
        return None
    period = ctx.settings.filing_period_for(ctx.is_major)
    signed = ctx.signed_on
    when = period.end(signed, ctx.calendar) if signed is not None else None
    offices = ctx.settings.filing_offices
    what = _("Filing with {offices}").format(offices=_(", ").join(offices)) if offices else _("Filing")
    rule = _("within {period} after signing").format(period=period.words)
    done = m.done.get(Step.FILING)
    done_on = max(f.on for f in m.filings) if done is not None and m.filings else (done.on if done else None)
    return make_item("lifecycle.filing", what, rule, when, _("signing by both parties"), ctx.today, done_on=done_on)


def _detail(step: Step, m: _Machine, ctx: Context) -> str:
    ev = m.done.get(step)
    if step is Step.APPROVAL:
        needed = ctx.required_approval.label
        if ev is not None and ev.approver is not None:
            given = ev.approver.label + (f" {ev.approved_by}" if ev.approved_by else "")
            return _("{given} (needed: {needed})").format(given=given, needed=needed)
        return _("needs: {needed}").format(needed=needed)
    if step is Step.COUNTERPARTY_CHECK and m.last_check is not None and m.last_check.result is not None:
        return m.last_check.result.label  # a failed check shows as such until one passes
    if step is Step.OPINION and ev is not None and ev.conclusion is not None:
        return ev.conclusion.label
    if step is Step.REGISTRATION and ev is not None:
        return ev.reference
    if step is Step.SEALING and m.seals:
        entries = ngettext("{n} entry in the seal register", "{n} entries in the seal register", len(m.seals))
        copies = sum(e.copies or 0 for e in m.seals)
        if not copies:  # entries made on upgrade carry no count
            return entries.format(n=len(m.seals))
        return entries.format(n=len(m.seals)) + _("; ") + ngettext("{n} copy", "{n} copies", copies).format(n=copies)
    if step is Step.FILING and ctx.settings.filing_offices:
        filed = len(ctx.settings.filing_offices) - len(m.missing_offices())
        return _("filed with {filed} of {total} offices").format(filed=filed, total=len(ctx.settings.filing_offices))
    if step is Step.ARCHIVING and ev is not None:
        return ev.reference
    return ""


def _views(m: _Machine, ctx: Context) -> list[StepView]:
    current = m.current()
    views = []
    for step in STEPS:
        if step in m.skipped and step not in m.done:
            skip = m.skipped[step]
            reason = skip.note
            if not reason and skip.legacy:
                reason = (_("not recorded when the approval state was set") if skip.by_state
                          else _("not recorded before the contract steps were kept"))
            view = StepView(step, StepState.SKIPPED, skip.on, reason=reason)
        elif step in m.done:
            ev = m.done[step]
            view = StepView(step, StepState.DONE, ev.on, legacy=ev.legacy, by_state=ev.by_state)
        elif step is current:
            view = StepView(step, StepState.CURRENT)
        else:
            view = StepView(step, StepState.PENDING)
        view.detail = _detail(step, m, ctx)
        if step is Step.OPINION and view.state is not StepState.SKIPPED:
            view.item = _opinion_item(m, ctx)
        elif step is Step.FILING and view.state is not StepState.SKIPPED:
            view.item = _filing_item(m, ctx)
        if step is Step.FILING and view.state is StepState.DONE and view.item is not None:
            view.done_on = view.item.done_on
        views.append(view)
    return views


def _run(events: Iterable[Event], ctx: Context, new: Event | None = None) -> tuple[_Machine, list[Event]]:
    m = _Machine(ctx)
    events = list(events)
    for ev in events:
        m.apply(ev, strict=False)
    if new is not None:
        m.apply(new, strict=True)
        events.append(new)
    return m, events


def _lifecycle(m: _Machine, events: list[Event], ctx: Context) -> Lifecycle:
    stage = _stage(m, ctx)
    return Lifecycle(
        events=events,
        steps=_views(m, ctx),
        stage=stage,
        approval_unrecorded=stage in (Stage.SIGNED, Stage.FILED) and not m.settled(Step.APPROVAL),
        required_approval=ctx.required_approval,
        major=ctx.is_major,
        seal_register=list(m.seals),
        filings=list(m.filings),
        pauses=list(m.pauses),
        round=m.round,
    )


def replay(events: Iterable[Event], ctx: Context) -> Lifecycle:
    """Where the contract stands after its stored events (oldest first). Never refuses: settings that changed
    since an event was recorded (a new threshold) do not undo it."""
    m, evs = _run(events, ctx)
    return _lifecycle(m, evs, ctx)


def record(events: Iterable[Event], new: Event, ctx: Context) -> Lifecycle:
    """Check `new` against the events so far and the office's rules; the lifecycle with it added, or a
    UserError naming the field (date, step, reason, approver, copies …) and the problem."""
    m, evs = _run(events, ctx, new)
    return _lifecycle(m, evs, ctx)


def lifecycle_items(events: Iterable[Event], ctx: Context) -> list[ScheduleItem]:
    """The deadlines the steps add to the contract's schedule and to `due`."""
    return replay(events, ctx).items()


__all__ = [
    "STEPS",
    "CheckResult",
    "Conclusion",
    "Context",
    "Event",
    "EventKind",
    "ItemKind",
    "Lifecycle",
    "Pause",
    "Stage",
    "Step",
    "StepState",
    "StepView",
    "lifecycle_items",
    "record",
    "replay",
    "review_deadline",
]
