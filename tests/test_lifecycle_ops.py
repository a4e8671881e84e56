"""The office's steps, payments, files and settings through app.ops, stored: each op one transaction, audited,
refusals leave nothing behind, and the approval state follows the steps (and the steps the state)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from app.base.errors import UserError
from app.codecs.office_settings import Approver, read_settings
from app.domain import Status
from app.domain.kinds import AttachmentKind, ContractKind, ProcurementMethod
from app.ops import Part
from app.ops.attachments import attach_file, attach_path, detach_file
from app.ops.contracts import set_event
from app.ops.lifecycle import NewFile, change_record, contract_record, record_step, set_record
from app.ops.office import dismiss_reminder, export_office_settings, import_office_settings, save_office_settings
from app.ops.payments import record_payment, remove_payment
from app.ops.review import set_state
from app.ops.standings import standing
from app.rules.lifecycle.record import ContractRecord
from app.rules.lifecycle.steps import Event, EventKind, Stage, Step, StepState
from app.rules.payments_made import PaymentMade
from app.store import attachments as attachment_store
from app.store import audit
from app.store import lifecycle as store
from app.store.contracts import version_of
from app.store.states import history, state_of
from tests import office_files as files
from tests import office_scenario as sc
from tests.conftest import SAMPLE_NUMBER, database_digest

N = sc.NUMBER


@pytest.fixture
def office(db):
    files.store_contract(db)
    return db


def walk_to(db, last: int, today: date | None = None, first: int = 0) -> None:
    """Record the scenario's events from index `first` up to (not including) `last`, each on its own day; the
    signatures are recorded before the first filing."""
    for ev in sc.EVENTS[first:last]:
        if ev.kind is EventKind.FILED and standing(db, N, ev.on).contract.events.effective is None:
            set_event(db, N, "signed_a", sc.SIGNED)
            set_event(db, N, "signed_b", sc.SIGNED)
        record_step(db, N, ev, today=today or ev.on)


def audit_whats(db) -> list[tuple[str, str | None, str | None]]:
    return [(e.what, e.old, e.new) for e in audit.entries(db, N)]


# ------------------------------------------------------------------ steps


def test_each_step_is_stored_audited_and_the_state_follows(office):
    before = version_of(office, N)
    done = record_step(office, N, sc.EVENTS[0], today=sc.EVENTS[0].on)
    assert done.changes.parts == {Part.LIFECYCLE}
    assert done.changes.version == before  # a record about the contract: its text did not change
    assert state_of(office, N) is Status.DRAFT
    done = record_step(office, N, sc.EVENTS[1], today=sc.EVENTS[1].on)  # sent for review
    assert Part.STATE in done.changes.parts and done.changes.version == before + 1
    assert state_of(office, N) is Status.REVIEW
    walk_to(office, 5, today=sc.TODAY, first=2)
    assert state_of(office, N) is Status.APPROVED
    # Sealing makes it signed (read only); filing and archiving keep it so, then archived.
    walk_to_sealed = sc.EVENTS[5]
    record_step(office, N, walk_to_sealed, today=sc.TODAY)
    assert state_of(office, N) is Status.SIGNED
    steps = [h.to_state for h in history(office, N)]
    assert steps == [Status.REVIEW, Status.APPROVED, Status.SIGNED]
    whats = [w for w, _o, _n in audit_whats(office)]
    assert whats.count("state") == 3
    assert "step approved" in whats and "step sealed" in whats
    approved = next(json.loads(n) for w, _o, n in audit_whats(office) if w == "step approved")
    assert approved == {"event": "approved", "date": "2025-10-14", "approver": "leader_in_charge",
                        "approved_by": "王副县长"}
    assert audit.verify(office, N) is None


def test_a_refused_step_leaves_nothing_behind(office, db_path):
    walk_to(office, 3)
    before = database_digest(db_path)
    with pytest.raises(UserError) as info:  # ¥80,000 needs the leader in charge
        record_step(office, N, Event(EventKind.APPROVED, date(2025, 10, 14), approver=Approver.DEPARTMENT_HEAD),
                    today=sc.TODAY)
    assert info.value.where == "approver"
    with pytest.raises(UserError) as info:  # not after today
        record_step(office, N, sc.EVENTS[3], today=date(2025, 10, 13))
    assert info.value.where == "date"
    assert database_digest(db_path) == before


def test_a_skipped_step_needs_a_reason_and_the_audit_trail_keeps_it(office):
    with pytest.raises(UserError) as info:
        record_step(office, N, Event(EventKind.SKIPPED, date(2025, 9, 24), step=Step.COUNTERPARTY_CHECK),
                    today=sc.TODAY)
    assert str(info.value) == "reason: a skipped step needs a reason"
    record_step(office, N, Event(EventKind.SKIPPED, date(2025, 9, 24), step=Step.COUNTERPARTY_CHECK,
                                 note="续签合同，对方资质未变"), today=sc.TODAY)
    skipped = [json.loads(n) for w, _o, n in audit_whats(office) if w == "step skipped"]
    assert skipped == [{"event": "skipped", "date": "2025-09-24", "step": "counterparty_check",
                        "note": "续签合同，对方资质未变"}]
    view = standing(office, N, sc.TODAY).lifecycle.view(Step.COUNTERPARTY_CHECK)
    assert view.state is StepState.SKIPPED and view.status == "skipped: 续签合同，对方资质未变"


def test_a_refused_opinion_and_a_return_send_the_state_back_to_draft(office):
    walk_to(office, 2)
    assert state_of(office, N) is Status.REVIEW
    from app.rules.lifecycle.steps import Conclusion

    record_step(office, N, Event(EventKind.OPINION_RECEIVED, date(2025, 9, 30), conclusion=Conclusion.NOT_AGREED,
                                 note="付款条款不明"), today=sc.TODAY)
    assert state_of(office, N) is Status.DRAFT
    record_step(office, N, Event(EventKind.REVIEW_SENT, date(2025, 10, 9), office="县司法局"), today=sc.TODAY)
    record_step(office, N, Event(EventKind.OPINION_RECEIVED, date(2025, 10, 10), conclusion=Conclusion.AGREED),
                today=sc.TODAY)
    record_step(office, N, Event(EventKind.APPROVED, date(2025, 10, 14), approver=Approver.LEADER_IN_CHARGE),
                today=sc.TODAY)
    assert state_of(office, N) is Status.APPROVED
    with pytest.raises(UserError) as info:
        record_step(office, N, Event(EventKind.RETURNED, date(2025, 10, 15)), today=sc.TODAY)
    assert info.value.where == "reason"
    record_step(office, N, Event(EventKind.RETURNED, date(2025, 10, 15), note="金额调整"), today=sc.TODAY)
    assert state_of(office, N) is Status.DRAFT
    assert standing(office, N, sc.TODAY).lifecycle.current is Step.REVIEW


def test_a_change_of_the_approval_state_records_the_steps_it_stands_for(db):
    """The review tab's buttons and `contractdesk state` still work; the steps agree with them."""
    set_state(db, SAMPLE_NUMBER, "review")
    lc = standing(db, SAMPLE_NUMBER, date.today()).lifecycle
    assert lc.stage is Stage.IN_REVIEW
    assert lc.view(Step.REVIEW).status == "done (set through the approval state; details not recorded)"
    assert lc.view(Step.COUNTERPARTY_CHECK).status == "skipped: not recorded when the approval state was set"
    set_state(db, SAMPLE_NUMBER, "approved")
    assert standing(db, SAMPLE_NUMBER, date.today()).lifecycle.stage is Stage.APPROVED
    set_state(db, SAMPLE_NUMBER, "review", note="补充材料")  # sent back and to review again
    lc = standing(db, SAMPLE_NUMBER, date.today()).lifecycle
    assert lc.stage is Stage.IN_REVIEW and lc.current is Step.OPINION
    set_state(db, SAMPLE_NUMBER, "draft")
    assert standing(db, SAMPLE_NUMBER, date.today()).lifecycle.stage is Stage.DRAFT
    assert audit.verify(db, SAMPLE_NUMBER) is None


def test_the_contract_record_is_kept_and_audited(office):
    rec = ContractRecord(ContractKind.PROCUREMENT, ProcurementMethod.REQUEST_FOR_QUOTATION, False, sc.SIGNED,
                         date(2026, 8, 11))
    done = set_record(office, N, rec)
    assert done.changes.parts == {Part.LIFECYCLE}
    assert standing(office, N, sc.TODAY).record == rec
    with pytest.raises(UserError) as info:
        set_record(office, N, ContractRecord(term_start=date(2026, 8, 11), term_end=date(2026, 2, 12)))
    assert info.value.where == "term_end"
    assert [w for w, _o, _n in audit_whats(office)] == ["contract record"]


def test_a_change_of_some_fields_keeps_the_others_as_stored_when_written(office):
    """`contractdesk ledger-entry N --kind …` changes the kind only: a term set meanwhile in the window stays."""
    set_record(office, N, ContractRecord(term_start=date(2026, 2, 12), term_end=date(2026, 8, 11)))  # the window
    done = change_record(office, N, {"kind": ContractKind.PROCUREMENT})
    assert done.value == ContractRecord(kind=ContractKind.PROCUREMENT, term_start=date(2026, 2, 12),
                                        term_end=date(2026, 8, 11))
    assert contract_record(office, N) == done.value and standing(office, N, sc.TODAY).record == done.value
    assert change_record(office, N, {}).changes.parts == set()  # nothing to change: nothing written
    with pytest.raises(UserError) as info:
        change_record(office, N, {"term_end": date(2026, 1, 1)})
    assert info.value.where == "term_end" and contract_record(office, N) == done.value
    assert [w for w, _o, _n in audit_whats(office)] == ["contract record", "contract record"]


def test_a_major_mark_raises_the_approval_needed(office):
    set_record(office, N, ContractRecord(major=True))
    assert standing(office, N, sc.TODAY).lifecycle.required_approval.approver is Approver.EXECUTIVE_MEETING


# ------------------------------------------------------------------ payments


def test_payments_are_recorded_after_signing_part_payments_settle_an_instalment(db):
    files.store_contract(db, signed=True, accepted=True)
    with pytest.raises(UserError) as info:
        record_payment(db, N, PaymentMade(1, date(2026, 2, 10), Decimal("100.00")), today=sc.TODAY)
    assert info.value.where == "date" and "before the contract was signed" in info.value.message
    for p in sc.PAYMENTS:
        done = record_payment(db, N, p, today=sc.TODAY)
        assert done.changes.parts == {Part.PAYMENTS_MADE}
    st = standing(db, N, sc.TODAY)
    first, second = st.instalments
    assert first.settled_on == date(2026, 3, 10) and first.status == "settled 11 days late"
    assert second.paid == Decimal("20000.00") and second.unpaid == Decimal("36000.00")
    assert st.totals.paid == Decimal("44000.00")
    with pytest.raises(UserError) as info:
        record_payment(db, N, PaymentMade(1, date(2026, 5, 1), Decimal("0.01")), today=sc.TODAY)
    assert info.value.message == "instalment 1 is already paid in full"
    with pytest.raises(UserError) as info:
        record_payment(db, N, PaymentMade(2, date(2026, 5, 1), Decimal("1.00"), voucher="记-0502"), today=sc.TODAY)
    assert info.value.where == "voucher"
    stored = store.payments_in
    with db.read() as s:
        from app.store.contracts import row_of

        ids = [p.id for p in stored(s, row_of(s, N).id)]
    with pytest.raises(UserError) as info:
        remove_payment(db, N, ids[-1], reason=" ")
    assert info.value.where == "reason"
    remove_payment(db, N, ids[-1], reason="凭证录错")
    assert standing(db, N, sc.TODAY).totals.paid == Decimal("24000.00")
    removed = [(json.loads(o), json.loads(n)) for w, o, n in audit_whats(db) if w == "payment removed"]
    assert removed[0][0]["voucher"] == "记-0502" and removed[0][1] == {"reason": "凭证录错"}


# ------------------------------------------------------------------ files


def test_files_are_kept_with_their_digest_and_refused_when_not_what_they_say(office, tmp_path):
    pdf = files.pdf_bytes("测试县司法局合法性审查意见书", pages=2)
    done = attach_file(office, N, "review_opinion", "审查意见.pdf", pdf)
    info = done.value
    assert done.changes.parts == {Part.ATTACHMENTS}
    assert (info.pages, info.size, info.media_type) == (2, len(pdf), "application/pdf")
    import hashlib

    assert info.sha256 == hashlib.sha256(pdf).hexdigest()
    assert attachment_store.content(office, N, info.id)[1] == pdf
    attach_file(office, N, "counterparty_licence", "营业执照.jpg", files.jpeg_bytes())
    attach_file(office, N, "minutes", "纪要.docx", files.docx_bytes())
    attach_file(office, N, "correspondence", "往来.xlsx", files.xlsx_bytes())
    refusals = {
        "假的.pdf": (files.png_bytes(), "the file's content is of type PNG, not PDF as its name says"),
        "假的.docx": (files.xlsx_bytes(), "the file's content is of type Excel workbook, not Word document as its name says"),
        "程序.png": (b"MZ\x90\x00" + bytes(200), "the file's content is not of type PNG, whatever its name says"),
        "空.pdf": (b"", "the file is empty"),
        "程序.exe": (b"MZ\x90\x00", "only PDF, PNG, JPEG, Word (.docx, .doc), Excel (.xlsx, .xls) and text (.txt) "
                                     "files can be attached"),
        "说明.txt": (b"MZ\x90\x00\x03" + bytes(20), "the file's content is not of type text file, whatever its name says"),
        "坏.pdf": (b"%PDF-1.4\n garbage", "the PDF cannot be read (it may be damaged)"),
    }
    for name, (data, message) in refusals.items():
        with pytest.raises(UserError) as info:
            attach_file(office, N, "other", name, data)
        assert (info.value.where, info.value.message) == (name, message)
    with pytest.raises(UserError) as info:
        attach_file(office, N, "other", "again.pdf", pdf)
    assert "already attached as \"审查意见.pdf\"" in info.value.message
    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(UserError) as info:
        attach_path(office, N, "other", big)
    assert info.value.message == "the file is 50.0 MB; files up to 50 MB can be attached"
    listed = attachment_store.list_attachments(office, N)
    assert [a.kind for a in listed] == [AttachmentKind.COUNTERPARTY_LICENCE, AttachmentKind.REVIEW_OPINION,
                                        AttachmentKind.MINUTES, AttachmentKind.CORRESPONDENCE]
    detach_file(office, N, listed[0].id)
    assert len(attachment_store.list_attachments(office, N)) == 3
    whats = [w for w, _o, _n in audit_whats(office)]
    assert whats.count("attachment added") == 4 and whats.count("attachment removed") == 1


def test_a_step_takes_its_file_with_it(office):
    walk_to(office, 2)
    from app.rules.lifecycle.steps import Conclusion

    opinion = NewFile("审查意见书.pdf", files.pdf_bytes("同意"))
    done = record_step(office, N, Event(EventKind.OPINION_RECEIVED, date(2025, 10, 9),
                                        conclusion=Conclusion.AGREED), file=opinion, today=sc.TODAY)
    assert {Part.LIFECYCLE, Part.ATTACHMENTS} <= done.changes.parts
    assert [a.kind for a in attachment_store.list_attachments(office, N)] == [AttachmentKind.REVIEW_OPINION]


def test_archiving_waits_for_the_files_the_settings_want(office):
    walk_to(office, 8, today=sc.TODAY)
    with pytest.raises(UserError) as info:
        record_step(office, N, sc.EVENTS[8], today=sc.TODAY)
    assert info.value.where == "attachments"
    assert "approval sheet" in info.value.message
    for kind in ("counterparty_licence", "review_opinion", "approval_sheet", "signed_original"):
        attach_file(office, N, kind, f"{kind}.pdf", files.pdf_bytes(kind))
    record_step(office, N, sc.EVENTS[8], today=sc.TODAY)
    assert state_of(office, N) is Status.ARCHIVED
    with pytest.raises(UserError) as info:
        attach_file(office, N, "other", "late.pdf", files.pdf_bytes("late"))
    assert info.value.message == "the contract is archived and can no longer be changed"


# ------------------------------------------------------------------ office settings, reminders


def test_office_settings_go_out_and_come_in_as_a_file(db, tmp_path, db_path):
    assert store.load_settings(db).office == ""  # the defaults until saved
    save_office_settings(db, sc.TEST_OFFICE)
    out = tmp_path / "office-settings.json"
    export_office_settings(db, out)
    assert read_settings(out) == sc.TEST_OFFICE
    bad = tmp_path / "bad.json"
    bad.write_text(out.read_text(encoding="utf-8").replace('"50000.00"', '"50000.001"'), encoding="utf-8")
    before = database_digest(db_path)
    with pytest.raises(UserError) as info:
        import_office_settings(db, bad)
    assert info.value.where == "approval[1].from"
    assert database_digest(db_path) == before
    other = tmp_path / "other.json"
    other.write_text(out.read_text(encoding="utf-8").replace("测试县人民政府办公室", "另一县"), encoding="utf-8")
    done = import_office_settings(db, other)
    assert done.changes.parts == {Part.OFFICE} and store.load_settings(db).office == "另一县"


def test_a_dismissed_reminder_stays_away_for_that_user_only(db):
    done = dismiss_reminder(db, "ab" * 32, SAMPLE_NUMBER, user="张三")
    assert done.value and done.changes.parts == {Part.REMINDERS}
    assert not dismiss_reminder(db, "ab" * 32, SAMPLE_NUMBER, user="张三").value
    assert store.dismissed(db, "张三") == {"ab" * 32}
    assert store.dismissed(db, "李四") == frozenset()


# ------------------------------------------------------------------ both stores


def test_the_records_round_trip_on_sqlite_and_postgresql(store_db):
    """Steps, payments to the fen, a file's bytes and digest, the settings and a dismissal, on either store;
    deleting the contract takes its records with it."""
    files.store_contract(store_db, signed=True)
    for ev in sc.EVENTS[:8]:
        record_step(store_db, N, ev, today=sc.TODAY)
    record_payment(store_db, N, PaymentMade(1, date(2026, 3, 3), Decimal("9999.99"), "记-1"), today=sc.TODAY)
    record_payment(store_db, N, PaymentMade(1, date(2026, 3, 4), Decimal("0.01"), "记-2"), today=sc.TODAY)
    pdf = files.pdf_bytes("审批单")
    info = attach_file(store_db, N, "approval_sheet", "审批单.pdf", pdf).value
    dismiss_reminder(store_db, "cd" * 32, N, user="张三")
    st = standing(store_db, N, sc.TODAY)
    assert [e.kind for e in st.lifecycle.events] == [e.kind for e in sc.EVENTS[:8]]
    assert st.lifecycle.seal_register[0].copies == 4 and st.lifecycle.filings[1].office == "县档案馆"
    assert st.totals.paid == Decimal("10000.00") and st.settings == sc.TEST_OFFICE
    assert attachment_store.content(store_db, N, info.id)[1] == pdf
    assert state_of(store_db, N) is Status.SIGNED
    from app.ops.contracts import delete_contract

    with pytest.raises(UserError):  # a signed contract is not deleted
        delete_contract(store_db, N)
    from sqlalchemy import select

    from app.store.schema import ContractRow

    with store_db.transaction() as s:  # the store's cascade, as a restore of an older state would meet it
        s.delete(s.scalar(select(ContractRow).where(ContractRow.number == N)))
    with store_db.read() as s:
        from sqlalchemy import func

        from app.store.schema import AttachmentRow, LifecycleEventRow, PaymentMadeRow

        for table in (LifecycleEventRow, PaymentMadeRow, AttachmentRow):
            assert s.scalar(select(func.count()).select_from(table)) == 0
