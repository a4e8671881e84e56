"""Guardrails before approving, signing and sending: what stands against each step, going ahead only with a reason,
and drafts that go out marked as not having passed the check (app.review.obstacles, app.ops.review, app.ops.export)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from app.domain import Status
from app.domain.comment import Comment
from app.ops import review as review_ops
from app.ops.contracts import edit_contract, set_field
from app.ops.export import ExportOptions, export_packet
from app.review.obstacles import Obstacles, Step, obstacles, unsigned
from app.store import audit, states
from app.store.contracts import load
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import record_signing, sign
from tests.pdf_tools import pages_text

DRAFT_MARK = "草稿·未通过校验"


def comment(text: str = "请核对第4.1条标点", is_open: bool = True) -> Comment:
    return Comment("a828a471-0000", "clause", "4.1", text, "李四", "2025-06-01T08:00:00Z", "2025-06-01T08:00:00Z",
                   None if is_open else "2025-06-02T08:00:00Z", None if is_open else "张三")


# ---------------------------------------------------------------- what stands against a step


def test_the_sample_can_be_approved_but_not_signed_as_it_stands(sample):
    assert obstacles(sample, [], Step.APPROVE) == []  # warnings only: they never stand in the way
    found = [(o.code, o.where) for o in obstacles(sample, [], Step.SIGN)]
    # no signing dates, and nobody named as signing for Party A (Party B names 邵晓)
    assert found == [("unsigned", "signing.a.date"), ("unsigned", "signing.a.signatory"), ("unsigned", "signing.b.date")]


def test_check_errors_open_comments_and_blank_fill_ins_stand_against_approval(sample):
    sample.payments[0].amount = Decimal("1424000.00")  # instalments ¥430 short: a check error
    sample.party_b.bank.account_no = ""  # clause 1.4 prints it in 【】: now blank
    found = obstacles(sample, [comment(), comment("已解决", is_open=False)], Step.APPROVE)
    assert [(o.code, o.where) for o in found] == [
        ("check:payment-sum", "payments"), ("open-comment", ""), ("blank-fill-in", "clause:1.4")]
    assert "李四" in found[1].message and "请核对第4.1条标点" in found[1].message
    assert "a828a471" not in found[1].text  # the clerk reads who and where, not an id


def test_brackets_typed_empty_are_a_blank_fill_in(sample):
    sample.clauses[0].clauses[0].text += "交货地点：【　】；联系人：【】"
    [found] = [o for o in obstacles(sample, [], Step.APPROVE) if o.code == "blank-fill-in"]
    assert found.where == "clause:1.1" and "2" in found.message


def test_unsigned_means_no_date_or_nobody_named(sample):
    for role in ("a", "b"):
        sample.signing(role).date = date(2025, 6, 3)
    sample.signing_a.signatory = ""
    sample.signing_a.signature_image = b"\x89PNG"  # a signature image names who signed as well as a name does
    assert unsigned(sample) == []
    sample.signing_a.signature_image = None
    assert [o.where for o in unsigned(sample)] == ["signing.a.signatory"]
    sample.signing_a.seal_image = None  # a seal image is never asked for: the original is sealed on paper
    sample.signing_a.signatory = "李锦辉"
    assert unsigned(sample) == []


# ---------------------------------------------------------------- the state steps


def test_approving_with_problems_is_refused_until_a_reason_is_given(db):
    review_ops.set_state(db, N, "review")
    review_ops.add_comment(db, N, "clause", "4.1", "标点有误", user="李四")
    entries = len(audit.entries(db, N))
    with pytest.raises(Obstacles) as refused:
        review_ops.set_state(db, N, "approved")
    assert [p.code for p in refused.value.problems] == ["open-comment"]
    assert states.state_of(db, N) is Status.REVIEW and len(audit.entries(db, N)) == entries  # nothing happened
    with pytest.raises(Obstacles):
        review_ops.set_state(db, N, "approved", despite="   ")  # a blank reason is none

    review_ops.set_state(db, N, "approved", note="送局长", despite="李四的意见在会上已答复")
    assert states.state_of(db, N) is Status.APPROVED
    step = states.history(db, N)[-1]
    assert step.note.startswith("送局长; ") and "李四的意见在会上已答复" in step.note and "1" in step.note
    despite = [e for e in audit.entries(db, N) if e.what == "despite"]
    assert len(despite) == 1 and despite[0].new == "李四的意见在会上已答复"
    assert "open-comment" in despite[0].old and "标点有误" in despite[0].old


def test_a_clean_step_needs_no_reason_and_records_none(db):
    review_ops.set_state(db, N, "review")
    review_ops.set_state(db, N, "approved")
    assert states.history(db, N)[-1].note == ""
    assert not any(e.what == "despite" for e in audit.entries(db, N))


def test_signing_needs_a_signed_signing_page(db):
    for target in ("review", "approved"):
        review_ops.set_state(db, N, target)
    with pytest.raises(Obstacles) as refused:
        review_ops.set_state(db, N, "signed")
    assert {p.where for p in refused.value.problems} == {"signing.a.date", "signing.a.signatory", "signing.b.date"}
    record_signing(db)  # dates and signatory recorded on the approved contract: it stays approved
    assert states.state_of(db, N) is Status.APPROVED
    review_ops.set_state(db, N, "signed")
    assert states.state_of(db, N) is Status.SIGNED


def test_cli_refuses_with_the_problems_listed_and_goes_ahead_with_despite(cli, db):
    review_ops.set_state(db, N, "review")
    review_ops.add_comment(db, N, "field", "total", "总价待财政确认", user="王五")
    refused = cli("state", N, "approved")
    assert refused.code == 2 and "Traceback" not in refused.err
    assert "总价待财政确认" in refused.err and "--despite" in refused.err and "approving" in refused.err
    assert states.state_of(db, N) is Status.REVIEW
    done = cli("state", N, "approved", "--despite", "财政已口头确认")
    assert done.code == 0, done
    history = cli("state", N)
    assert "财政已口头确认" in history.out


def test_cli_in_chinese(cli, db):
    review_ops.set_state(db, N, "review")
    set_field(db, N, "payments[0].amount", "1424000.00")
    refused = cli("--lang", "zh_CN", "state", N, "approved")
    assert refused.code == 2
    assert "批准" in refused.err and "--despite" in refused.err and "少" in refused.err


# ---------------------------------------------------------------- packets


def test_a_draft_with_problems_goes_out_marked_on_every_page_and_sheet(cli, db, tmp_path):
    set_field(db, N, "payments[0].amount", "1424000.00")  # a check error
    pdf, xlsx, docx = tmp_path / "draft.pdf", tmp_path / "draft.xlsx", tmp_path / "draft.docx"
    result = cli("export", N, "--pdf", str(pdf), "--xlsx", str(xlsx), "--docx", str(docx))
    assert result.code == 0, result
    warning = result.err.splitlines()[0]
    assert warning.startswith("warning:") and "draft that has not passed the check" in warning
    assert "¥430.00" in result.err  # and which problem
    pages = pages_text(pdf)
    assert len(pages) > 5 and all(DRAFT_MARK in page for page in pages)  # the title page too
    summary = openpyxl.load_workbook(xlsx).worksheets[0]
    assert summary["A2"].value == "Draft — check not passed" and "430.00" in summary["B2"].value
    import docx as python_docx

    section = python_docx.Document(str(docx)).sections[0]
    assert DRAFT_MARK in section.header.paragraphs[0].text and DRAFT_MARK in section.first_page_header.paragraphs[0].text


def test_a_clean_draft_and_a_signed_packet_carry_no_mark(cli, db, tmp_path):
    clean = tmp_path / "clean.pdf"
    result = cli("export", N, "--pdf", str(clean), "--xlsx", str(tmp_path / "clean.xlsx"))
    assert result.code == 0 and result.err == ""
    assert not any(DRAFT_MARK in page for page in pages_text(clean))
    assert openpyxl.load_workbook(tmp_path / "clean.xlsx").worksheets[0]["A2"].value != "Draft — check not passed"
    sign(db)
    signed = tmp_path / "signed.pdf"
    assert cli("export", N, "--pdf", str(signed)).code == 0
    text = "".join(pages_text(signed))
    assert DRAFT_MARK not in text and "日期：2025年6月3日" in text  # the signing page prints the date


def test_a_signed_packet_with_problems_goes_out_only_with_a_reason(cli, db, tmp_path):
    sign(db)
    review_ops.add_comment(db, N, "contract", "", "归档前请补授权委托书", user="李四")
    out = tmp_path / "signed.pdf"
    refused = cli("export", N, "--pdf", str(out))
    assert refused.code == 2 and not out.exists()
    assert "归档前请补授权委托书" in refused.err and "--despite" in refused.err
    done = cli("export", N, "--pdf", str(out), "--despite", "授权委托书原件已附")
    assert done.code == 0, done
    assert DRAFT_MARK not in "".join(pages_text(out))  # a signed packet is not a draft
    [entry] = [e for e in audit.entries(db, N) if e.what == "despite"]
    assert entry.new == "授权委托书原件已附" and '"step":"export"' in entry.old


def test_the_export_op_says_what_the_draft_was_marked_for(db, tmp_path):
    def short(contract) -> None:
        contract.payments[0].amount = Decimal("1")

    edit_contract(db, N, short)
    done = export_packet(db, N, ExportOptions(json=tmp_path / "c.json"))
    assert done.value.unchecked == []  # a JSON document is data, not a packet: no guardrail, no mark
    done = export_packet(db, N, ExportOptions(pdf=tmp_path / "c.pdf"))
    assert [p.code for p in done.value.unchecked] == ["check:payment-sum"] and done.value.files == [tmp_path / "c.pdf"]


def test_print_preview_of_a_draft_with_problems_is_marked(db):
    import io

    from pypdf import PdfReader

    from app.ops.export import render_packet

    assert DRAFT_MARK not in PdfReader(io.BytesIO(render_packet(db, N))).pages[1].extract_text()
    set_field(db, N, "title", "")
    assert load(db, N).title == ""
    assert DRAFT_MARK in PdfReader(io.BytesIO(render_packet(db, N))).pages[1].extract_text()
