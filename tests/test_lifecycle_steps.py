"""The contract steps as a state machine: order, deadlines on the real 2025/2026 calendar, skips, approval levels,
the seal register, filing, archiving, and the mapping of the old approval states."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.base.errors import UserError
from app.base.i18n import set_language
from app.codecs.calendar_package import package_days
from app.domain import Status
from app.domain.calendar import WorkCalendar
from app.domain.kinds import AttachmentKind, ContractKind
from app.rules.lifecycle.steps import (
    CheckResult,
    Conclusion,
    Context,
    Event,
    EventKind,
    Stage,
    Step,
    StepState,
    record,
    replay,
    review_deadline,
)
from app.rules.lifecycle.upgrade import status_for, upgrade_events
from app.rules.office import ApprovalLevel, Approver, OfficeSettings, Period, PeriodUnit
from app.rules.schedule import ItemState

D = date
OFFICE = OfficeSettings(
    office="测试县人民政府办公室",
    approval=(
        ApprovalLevel(Decimal("0.00"), Approver.DEPARTMENT_HEAD),
        ApprovalLevel(Decimal("50000.00"), Approver.LEADER_IN_CHARGE),
        ApprovalLevel(Decimal("500000.00"), Approver.EXECUTIVE_MEETING),
    ),
    review_period=Period(5),
    filing_period=Period(5),
    filing_offices=("县司法局", "县档案馆"),
)


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar(package_days())


def ctx(calendar, today, **kw) -> Context:
    return Context(OFFICE, calendar, today, Decimal("80000.00"), **kw)


def walk(events, context, *new):
    """Record each new event in turn (as the ops layer will), returning the events and the last lifecycle."""
    lifecycle = replay(events, context)
    for ev in new:
        lifecycle = record(lifecycle.events, ev, context)
    return lifecycle.events, lifecycle


CHECKED = Event(EventKind.COUNTERPARTY_CHECKED, D(2025, 9, 24), result=CheckResult.PASSED)
SENT = Event(EventKind.REVIEW_SENT, D(2025, 9, 26), office="县司法局")


def test_the_review_answer_is_due_5_working_days_later_across_national_day(calendar):
    # Sent Friday 2025-09-26. Sunday 09-28 was a make-up working day, 10-01..10-08 were off:
    # 09-28, 09-29, 09-30, 10-09, 10-10. Weekdays alone would say 10-03; holidays without the make-up day 10-13.
    _events, lc = walk([], ctx(calendar, D(2025, 10, 9)), CHECKED, SENT)
    opinion = lc.view(Step.OPINION)
    assert opinion.state is StepState.CURRENT
    assert opinion.item.date == D(2025, 10, 10)
    assert opinion.status == "due in 1 day"
    assert "within 5 working days after it was sent on 2025-09-26" in opinion.item.rule
    assert lc.stage is Stage.IN_REVIEW


def test_a_late_answer_says_how_late_in_the_users_language(calendar):
    events, lc = walk([], ctx(calendar, D(2025, 10, 13)), CHECKED, SENT)
    assert lc.view(Step.OPINION).status == "overdue by 3 days"
    _events, lc = walk(events, ctx(calendar, D(2025, 10, 14)),
                       Event(EventKind.OPINION_RECEIVED, D(2025, 10, 13), conclusion=Conclusion.AGREED))
    assert lc.view(Step.OPINION).status == "done 3 days late"
    set_language("zh_CN")
    assert lc.view(Step.OPINION).status == "已完成，迟了 3 天"


def test_outside_investigation_days_are_not_counted(calendar):
    context = ctx(calendar, D(2025, 10, 9))
    events, lc = walk([], context, CHECKED, SENT, Event(EventKind.REVIEW_PAUSED, D(2025, 9, 29), note="函询市场监管局"))
    # While the investigation goes on, the answer has no date yet.
    item = lc.view(Step.OPINION).item
    assert item.date is None and item.state is ItemState.WAITING
    assert lc.view(Step.OPINION).status == "waits for the end of the outside investigation"
    _events, lc = walk(events, context, Event(EventKind.REVIEW_RESUMED, D(2025, 9, 30)))
    # 09-29 and 09-30 not counted: 09-28, 10-09, 10-10, 10-11 (a make-up Saturday), 10-13.
    item = lc.view(Step.OPINION).item
    assert item.date == D(2025, 10, 13)
    assert "(2 working days of outside investigation not counted)" in item.rule


def test_review_deadline_in_calendar_days_ends_on_a_working_day(calendar):
    when, excluded = review_deadline(D(2025, 9, 26), Period(5, PeriodUnit.DAYS), [], calendar)
    assert (when, excluded) == (D(2025, 10, 9), 0)  # 10-01 is inside the holiday: moved to 10-09


def test_steps_go_in_order_and_a_skip_needs_a_reason(calendar):
    context = ctx(calendar, D(2025, 10, 20))
    with pytest.raises(UserError) as info:
        walk([], context, Event(EventKind.REVIEW_SENT, D(2025, 9, 26)))
    assert info.value.where == "step" and "counterparty check" in info.value.message
    for reason in ("", "   "):
        with pytest.raises(UserError) as info:
            walk([], context, Event(EventKind.SKIPPED, D(2025, 9, 20), step=Step.COUNTERPARTY_CHECK, note=reason))
        assert info.value.where == "reason" and info.value.message == "a skipped step needs a reason"
    events, lc = walk([], context, Event(EventKind.SKIPPED, D(2025, 9, 20), step=Step.COUNTERPARTY_CHECK,
                                         note="长期合作单位，资格已于2025年3月审查"))
    view = lc.view(Step.COUNTERPARTY_CHECK)
    assert view.state is StepState.SKIPPED
    assert view.status == "skipped: 长期合作单位，资格已于2025年3月审查"
    assert lc.current is Step.REVIEW
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.SKIPPED, D(2025, 9, 20), step=Step.ARCHIVING, note="不需要"))
    assert info.value.where == "step"


def test_skipping_the_review_skips_its_opinion(calendar):
    _events, lc = walk([], ctx(calendar, D(2025, 10, 20)), CHECKED,
                       Event(EventKind.SKIPPED, D(2025, 9, 25), step=Step.REVIEW, note="标准文本，无需审查"))
    assert lc.view(Step.OPINION).state is StepState.SKIPPED
    assert lc.view(Step.OPINION).item is None
    assert lc.current is Step.APPROVAL


def test_dates_never_go_back_nor_past_today(calendar):
    context = ctx(calendar, D(2025, 10, 20))
    with pytest.raises(UserError) as info:
        walk([], context, CHECKED, Event(EventKind.REVIEW_SENT, D(2025, 9, 23)))
    assert info.value.where == "date" and "2025-09-24" in info.value.message
    with pytest.raises(UserError) as info:
        walk([], context, Event(EventKind.COUNTERPARTY_CHECKED, D(2025, 10, 21), result=CheckResult.PASSED))
    assert info.value.where == "date" and "after today" in info.value.message


def test_the_approval_must_come_from_the_level_the_amount_needs(calendar):
    context = ctx(calendar, D(2025, 10, 20))
    events, lc = walk([], context, CHECKED, SENT,
                      Event(EventKind.OPINION_RECEIVED, D(2025, 10, 9), conclusion=Conclusion.AGREED))
    assert lc.view(Step.APPROVAL).detail == "needs: leader in charge"
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.APPROVED, D(2025, 10, 10), approver=Approver.DEPARTMENT_HEAD))
    assert info.value.where == "approver"
    assert info.value.message == ("a contract of ¥80,000.00 needs the approval of the leader in charge, "
                                  "not the department head")
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.APPROVED, D(2025, 10, 10)))
    assert info.value.where == "approver"
    # A higher level may always approve.
    _e, lc = walk(events, context, Event(EventKind.APPROVED, D(2025, 10, 10), approver=Approver.PRINCIPAL))
    assert lc.view(Step.APPROVAL).state is StepState.DONE
    # A major contract of the same amount needs the executive meeting.
    major = replace(context, major=True)
    with pytest.raises(UserError):
        walk(events, major, Event(EventKind.APPROVED, D(2025, 10, 10), approver=Approver.LEADER_IN_CHARGE))


def test_an_opinion_that_does_not_agree_sends_the_contract_round_again(calendar):
    context = ctx(calendar, D(2025, 11, 10))
    events, lc = walk([], context, CHECKED, SENT,
                      Event(EventKind.OPINION_RECEIVED, D(2025, 10, 9), conclusion=Conclusion.NOT_AGREED))
    assert lc.current is Step.REVIEW and lc.stage is Stage.DRAFT
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.APPROVED, D(2025, 10, 10), approver=Approver.PRINCIPAL))
    assert info.value.where == "step"
    with pytest.raises(UserError) as info:  # not before the refusal
        walk(events, context, Event(EventKind.REVIEW_SENT, D(2025, 10, 8)))
    assert info.value.where == "date"
    _e, lc = walk(events, context, Event(EventKind.REVIEW_SENT, D(2025, 10, 20), office="县司法局"))
    assert lc.round == 2
    assert lc.view(Step.OPINION).item.date == D(2025, 10, 27)


def test_a_contract_sent_back_before_sealing_is_reviewed_again(calendar):
    context = ctx(calendar, D(2025, 11, 10))
    events, _lc = walk([], context, CHECKED, SENT,
                       Event(EventKind.OPINION_RECEIVED, D(2025, 10, 9), conclusion=Conclusion.AGREED),
                       Event(EventKind.APPROVED, D(2025, 10, 10), approver=Approver.LEADER_IN_CHARGE))
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.RETURNED, D(2025, 10, 11)))
    assert info.value.where == "reason"
    _e, lc = walk(events, context, Event(EventKind.RETURNED, D(2025, 10, 11), note="付款条款需修改"))
    assert lc.current is Step.REVIEW
    assert lc.view(Step.APPROVAL).state is StepState.PENDING


def test_seal_register_and_filing_with_every_office(calendar):
    context = ctx(calendar, D(2026, 3, 5), signed_on=D(2026, 2, 12))
    events, lc = walk([], context, CHECKED, SENT,
                      Event(EventKind.OPINION_RECEIVED, D(2025, 10, 9), conclusion=Conclusion.AGREED),
                      Event(EventKind.APPROVED, D(2025, 10, 10), approver=Approver.LEADER_IN_CHARGE,
                            approved_by="王副县长"),
                      Event(EventKind.REGISTERED, D(2025, 10, 10), reference="测政合〔2025〕37号"))
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.SEALED, D(2026, 2, 11), copies=4, requested_by="李四"))
    assert info.value.where == "approved_by"
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.SEALED, D(2026, 2, 11), copies=0, requested_by="李四", approved_by="王五"))
    assert info.value.where == "copies"
    events, lc = walk(events, context,
                      Event(EventKind.SEALED, D(2026, 2, 11), copies=4, requested_by="李四", approved_by="王五"),
                      Event(EventKind.SEALED, D(2026, 2, 24), copies=1, requested_by="李四", approved_by="王五",
                            note="补盖一份"))
    assert [e.copies for e in lc.seal_register] == [4, 1]
    assert lc.view(Step.SEALING).detail == "2 entries in the seal register; 5 copies"
    # Filing: 5 working days after signing on 2026-02-12 — 02-13, 02-14 (a make-up Saturday), then the Spring
    # Festival (02-15..02-23), 02-24, 02-25, 02-26.
    filing = lc.view(Step.FILING)
    assert filing.item.date == D(2026, 2, 26)
    assert filing.status == "overdue by 7 days"
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.FILED, D(2026, 2, 11), office="县司法局"))
    assert info.value.where == "date" and "signed" in info.value.message
    events, lc = walk(events, context, Event(EventKind.FILED, D(2026, 2, 25), office="县司法局"))
    assert lc.view(Step.FILING).state is StepState.CURRENT
    assert lc.view(Step.FILING).detail == "filed with 1 of 2 offices"
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.FILED, D(2026, 2, 26), office="县司法局"))
    assert info.value.where == "office" and "already filed" in info.value.message
    events, lc = walk(events, context, Event(EventKind.FILED, D(2026, 3, 2), office="县档案馆"))
    filing = lc.view(Step.FILING)
    assert filing.state is StepState.DONE and filing.done_on == D(2026, 3, 2)
    assert filing.status == "done 4 days late"
    assert lc.stage is Stage.FILED


def test_archiving_lists_what_the_archive_still_lacks(calendar):
    base = ctx(calendar, D(2026, 3, 10), signed_on=D(2026, 2, 12), kind=ContractKind.PROCUREMENT)
    events, _lc = walk([], base, CHECKED, SENT,
                       Event(EventKind.OPINION_RECEIVED, D(2025, 10, 9), conclusion=Conclusion.AGREED),
                       Event(EventKind.APPROVED, D(2025, 10, 10), approver=Approver.LEADER_IN_CHARGE),
                       Event(EventKind.REGISTERED, D(2025, 10, 10), reference="37"),
                       Event(EventKind.SEALED, D(2026, 2, 11), copies=4, requested_by="李四", approved_by="王五"),
                       Event(EventKind.FILED, D(2026, 2, 25), office="县司法局"),
                       Event(EventKind.FILED, D(2026, 2, 26), office="县档案馆"))
    have = frozenset({AttachmentKind.COUNTERPARTY_LICENCE, AttachmentKind.REVIEW_OPINION,
                      AttachmentKind.SIGNED_ORIGINAL})
    with pytest.raises(UserError) as info:
        walk(events, replace(base, attachments=have), Event(EventKind.ARCHIVED, D(2026, 3, 5)))
    assert info.value.where == "attachments"
    assert info.value.message == "the archive still lacks: approval sheet"
    events, lc = walk(events, replace(base, attachments=have | {AttachmentKind.APPROVAL_SHEET}),
                      Event(EventKind.ARCHIVED, D(2026, 3, 5), reference="2026-永久-012"))
    assert lc.stage is Stage.ARCHIVED and lc.current is None
    with pytest.raises(UserError) as info:
        walk(events, base, Event(EventKind.SEALED, D(2026, 3, 6), copies=1, requested_by="a", approved_by="b"))
    assert "archived" in info.value.message


def test_replay_never_refuses_what_was_recorded_under_other_settings(calendar):
    context = ctx(calendar, D(2025, 10, 20))
    events, _lc = walk([], context, CHECKED, SENT,
                       Event(EventKind.OPINION_RECEIVED, D(2025, 10, 9), conclusion=Conclusion.AGREED),
                       Event(EventKind.APPROVED, D(2025, 10, 10), approver=Approver.LEADER_IN_CHARGE))
    stricter = replace(context, settings=replace(OFFICE, approval=(ApprovalLevel(Decimal("0"), Approver.PRINCIPAL),)))
    lc = replay(events, stricter)
    assert lc.view(Step.APPROVAL).state is StepState.DONE


# ---------------------------------------------------------------- the old approval states


def _history(*steps):
    return [SimpleNamespace(to_state=state, user=user, at=at) for state, user, at in steps]


@pytest.mark.parametrize(
    ("status", "stage", "done", "skipped"),
    [
        (Status.DRAFT, Stage.DRAFT, set(), set()),
        (Status.REVIEW, Stage.IN_REVIEW, {Step.REVIEW}, {Step.COUNTERPARTY_CHECK}),
        (Status.APPROVED, Stage.APPROVED, {Step.REVIEW, Step.OPINION, Step.APPROVAL}, {Step.COUNTERPARTY_CHECK}),
        (Status.SIGNED, Stage.SIGNED, {Step.REVIEW, Step.OPINION, Step.APPROVAL, Step.SEALING},
         {Step.COUNTERPARTY_CHECK, Step.REGISTRATION}),
        (Status.ARCHIVED, Stage.ARCHIVED,
         {Step.REVIEW, Step.OPINION, Step.APPROVAL, Step.SEALING, Step.FILING, Step.ARCHIVING},
         {Step.COUNTERPARTY_CHECK, Step.REGISTRATION}),
    ],
)
def test_old_states_upgrade_to_the_steps_they_prove(calendar, status, stage, done, skipped):
    history = _history(("review", "张三", "2025-06-02T03:00:00.000000Z"),
                       ("approved", "李四", "2025-06-05T03:00:00.000000Z"),
                       ("signed", "张三", "2025-06-10T03:00:00.000000Z"),
                       ("archived", "张三", "2025-12-01T03:00:00.000000Z"))
    signed = D(2025, 6, 9) if status in (Status.SIGNED, Status.ARCHIVED) else None
    events = upgrade_events(status, history, signed_on=signed, upgraded_on=D(2026, 1, 5))
    lc = replay(events, ctx(calendar, D(2026, 1, 5), signed_on=signed))
    assert lc.stage is stage
    assert status_for(lc.stage) is status
    assert {v.step for v in lc.steps if v.state is StepState.DONE} == done
    assert {v.step for v in lc.steps if v.state is StepState.SKIPPED} == skipped
    for view in lc.steps:
        if view.state is StepState.SKIPPED:
            assert view.status == "skipped: not recorded before the contract steps were kept"
        elif view.state is StepState.DONE:
            assert view.status == "done (recorded before the contract steps were kept)"
    if status is Status.APPROVED:
        assert lc.view(Step.APPROVAL).done_on == D(2025, 6, 5)
        assert next(e for e in events if e.kind is EventKind.APPROVED).approved_by == "李四"
    if status is Status.SIGNED:
        # Filing was never recorded: it is still to do, and overdue (5 working days after 2025-06-09).
        assert lc.view(Step.FILING).state is StepState.CURRENT
        assert lc.view(Step.FILING).item.date == D(2025, 6, 16)
        assert lc.view(Step.SEALING).done_on == D(2025, 6, 9)


def test_upgrade_without_history_keeps_the_steps_in_order(calendar):
    events = upgrade_events(Status.SIGNED, [], signed_on=D(2025, 6, 9), upgraded_on=D(2026, 1, 5))
    dates = [e.on for e in events]
    assert dates == sorted(dates) and dates[-1] == D(2025, 6, 9)
    # An upgraded contract takes new events as usual.
    context = ctx(calendar, D(2026, 1, 5), signed_on=D(2025, 6, 9))
    _e, lc = walk(events, context, Event(EventKind.FILED, D(2026, 1, 5), office="县司法局"))
    assert lc.view(Step.FILING).detail == "filed with 1 of 2 offices"


def test_a_failed_counterparty_check_holds_the_contract_until_one_passes(calendar):
    context = ctx(calendar, D(2025, 10, 20))
    events, lc = walk([], context, Event(EventKind.COUNTERPARTY_CHECKED, D(2025, 9, 20), result=CheckResult.FAILED,
                                         note="被列入经营异常名录"))
    view = lc.view(Step.COUNTERPARTY_CHECK)
    assert view.state is StepState.CURRENT and view.detail == "failed"
    with pytest.raises(UserError):
        walk(events, context, SENT)
    with pytest.raises(UserError) as info:
        walk(events, context, Event(EventKind.COUNTERPARTY_CHECKED, D(2025, 9, 22)))
    assert info.value.where == "result"
    _e, lc = walk(events, context, CHECKED, SENT)
    assert lc.view(Step.COUNTERPARTY_CHECK).detail == "passed" and lc.current is Step.OPINION
