"""The guardrails in the window, clicked as a clerk would: the dialog before approving and signing, the question
before an approved contract is edited, the export dialog's draft note and its reason for a signed packet, the
状态 in 概要 following each step, and the list's 对方 and 合计 columns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.base.i18n import set_language
from app.domain import Status
from app.ops import review as review_ops
from app.ops.contracts import set_field
from app.store import audit, states
from app.store.contracts import load
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import answering, record_signing, show_window, wait_for_background
from tests.pdf_tools import pdftotext
from tests.test_ui_contract_form import retype
from ui.contract_list_model import OTHER_PARTY, TOTAL
from ui.main_window import REVIEW, SUMMARY

EXPORT_TIMEOUT_MS = 240_000


@pytest.fixture
def window(qtbot, db, db_path, settings):
    set_language("zh_CN")
    yield show_window(qtbot, db, db_path, settings)
    wait_for_background()


def show(window, tab: str):
    window.tabs.setCurrentWidget(window.pages[tab])
    return window.pages[tab]


def click_state(review, status: Status) -> None:
    button = review.state_buttons[status]
    assert button.isEnabled(), status
    button.click()


def test_approving_with_an_open_comment_goes_through_the_dialog_with_a_reason(qtbot, window, db):
    review_ops.add_comment(db, N, "clause", "4.1", "标点有误", user="李四")
    form = show(window, SUMMARY)
    assert form.status_value.text() == "草稿"
    review = show(window, REVIEW)
    click_state(review, Status.REVIEW)
    click_state(review, Status.APPROVED)
    dialog = review.guardrail
    assert dialog is not None and dialog.isVisible()
    assert dialog.problems.count() == 1 and "标点有误" in dialog.problems.item(0).text()
    assert "李四" in dialog.problems.item(0).text() and "批准本合同" in dialog.heading.text()
    assert not dialog.go_button.isEnabled()  # no reason, no way through
    dialog.reason.setPlainText("  ")
    assert not dialog.go_button.isEnabled()
    dialog.reason.setPlainText("已在审核会上答复李四")
    assert dialog.go_button.isEnabled()
    dialog.go_button.click()
    assert states.state_of(db, N) is Status.APPROVED
    assert "已在审核会上答复李四" in states.history(db, N)[-1].note
    assert any(e.what == "despite" and e.new == "已在审核会上答复李四" for e in audit.entries(db, N))
    assert "已在审核会上答复李四" in review.state_label.toolTip()
    show(window, SUMMARY)
    assert form.status_value.text() == "已批准"  # 概要 follows the step at once


def test_cancelling_the_dialog_takes_no_step(qtbot, window, db):
    window.operations.run(set_field, N, "title", "")  # as the form does
    review = show(window, REVIEW)
    click_state(review, Status.REVIEW)
    click_state(review, Status.APPROVED)
    assert "合同没有标题" in review.guardrail.problems.item(0).text()
    review.guardrail.cancel_button.click()
    assert states.state_of(db, N) is Status.REVIEW and review.state_label.text().endswith("审核中")


def test_signing_asks_for_the_signing_page_and_says_it_cannot_be_undone(qtbot, window, db):
    review = show(window, REVIEW)
    click_state(review, Status.REVIEW)
    click_state(review, Status.APPROVED)
    click_state(review, Status.SIGNED)
    dialog = review.guardrail
    texts = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert any("甲方没有签署日期" in t for t in texts) and any("签字人" in t for t in texts)
    assert dialog.warning.isVisibleTo(dialog) and "只读" in dialog.warning.text()
    dialog.reason.setPlainText("纸质原件已签，日期待补")
    dialog.go_button.click()
    assert states.state_of(db, N) is Status.SIGNED
    assert show(window, SUMMARY).status_value.text() == "已签署"


def test_an_edit_of_an_approved_contract_asks_once_and_returns_it_to_review(qtbot, window, db, monkeypatch):
    asked: list[str] = []

    review = show(window, REVIEW)
    click_state(review, Status.REVIEW)
    click_state(review, Status.APPROVED)
    form = show(window, SUMMARY)
    stored_title = load(db, N).title

    monkeypatch.setattr(QMessageBox, "question", answering(asked, QMessageBox.StandardButton.No))
    retype(form.editors["title"], "改过的标题")
    form.editors["title"].editingFinished.emit()
    assert asked == ["此合同已批准，修改后将退回审核中。继续？"]
    assert load(db, N).title == stored_title and states.state_of(db, N) is Status.APPROVED
    assert form.editors["title"].text() == stored_title  # the editor shows what is stored again
    assert form.status_value.text() == "已批准"

    monkeypatch.setattr(QMessageBox, "question", answering(asked, QMessageBox.StandardButton.Yes))
    retype(form.editors["title"], "改过的标题")
    form.editors["title"].editingFinished.emit()
    assert load(db, N).title == "改过的标题" and states.state_of(db, N) is Status.REVIEW
    assert form.status_value.text() == "审核中"
    assert window.statusBar().currentMessage() == f"已修改：{N} 已退回审核中，需重新批准"  # not the refusal before
    retype(form.editors["project"], "雪亮工程四期")
    form.editors["project"].editingFinished.emit()
    assert len(asked) == 2  # asked once: the contract is under review again
    assert load(db, N).project == "雪亮工程四期"


def test_recording_the_signing_on_an_approved_contract_asks_nothing(qtbot, window, db, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: pytest.fail("nothing to ask")))
    review = show(window, REVIEW)
    click_state(review, Status.REVIEW)
    click_state(review, Status.APPROVED)
    form = show(window, SUMMARY)
    edit = form.editors["events.signed_a"].edit
    retype(edit, "2025-06-03")
    edit.editingFinished.emit()
    assert load(db, N).signing_a.date == date(2025, 6, 3)  # one date: the signing page has it too
    assert states.state_of(db, N) is Status.APPROVED


def test_the_list_shows_the_other_party_and_the_whole_total(qtbot, window, db):
    set_field(db, N, "total", "12345678901.23")
    window.list_view.model.reload()
    model, table = window.list_view.model, window.list_view.table
    row = model.row_of(N)
    assert model.index(row, OTHER_PARTY).data() == "中国移动通信集团河南有限公司安阳分公司"  # 乙方: we are 甲方
    text = model.index(row, TOTAL).data()
    assert text == "12,345,678,901.23"
    assert table.columnWidth(TOTAL) >= table.fontMetrics().horizontalAdvance(text) + 8  # never clipped
    window.our_party_actions["b"].trigger()  # View → 我方是 → 乙方
    assert model.index(row, OTHER_PARTY).data() == "汤阴县公安局"
    assert window.store.value("office/ourParty") == "b"
    tip = model.headerData(OTHER_PARTY, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "每份合同的对方：本单位是乙方，此列显示甲方"


def test_the_export_dialog_says_a_draft_will_be_marked(qtbot, window, db, tmp_path):
    from ui.export_worker import ExportKind

    set_field(db, N, "payments[0].amount", "1424000.00")
    dialog = window.export(ExportKind.PDF)
    assert dialog.draft_note.isVisibleTo(dialog) and "草稿·未通过校验" in dialog.draft_note.text()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("json"))
    assert not dialog.draft_note.isVisibleTo(dialog)  # a JSON document is not a packet
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("pdf"))
    out = tmp_path / "draft.pdf"
    dialog.target.edit.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS):
        dialog.export_button.click()
    assert "草稿·未通过校验" in pdftotext(out)


def test_a_signed_packet_with_problems_asks_for_the_reason_before_it_goes(qtbot, window, db, tmp_path, monkeypatch):
    from ui.export_worker import ExportKind

    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))

    review = show(window, REVIEW)
    click_state(review, Status.REVIEW)
    click_state(review, Status.APPROVED)
    record_signing(db)
    window.operations.reload(N)  # the signing recorded elsewhere: accept what is stored
    click_state(review, Status.SIGNED)
    review_ops.add_comment(db, N, "contract", "", "缺授权委托书", user="李四")
    dialog = window.export(ExportKind.PDF)
    out = tmp_path / "signed.pdf"
    dialog.target.edit.setText(str(out))
    dialog.export_button.click()
    guard = dialog.guardrail
    assert guard is not None and dialog.worker is None and not out.exists()
    assert "缺授权委托书" in guard.problems.item(0).text()
    guard.reason.setPlainText("授权委托书原件随纸质件寄出")
    with qtbot.waitSignal(dialog.exported, timeout=EXPORT_TIMEOUT_MS):
        guard.go_button.click()
    assert Path(out).exists() and "草稿·未通过校验" not in pdftotext(out)
    assert any(e.what == "despite" and e.new == "授权委托书原件随纸质件寄出" for e in audit.entries(db, N))
