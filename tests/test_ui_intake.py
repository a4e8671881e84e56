"""File → 导入合同文本… through the real window and dialog, as a clerk works it: open a Word file or a GBK text,
see what was recognised beside the source, correct a guessed value, store it and find it open; Cancel and bad
files store nothing. Also the export dialog's Word format."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QTreeWidgetItem, QTreeWidgetItemIterator

from app.codecs.intake import read_document, recognise
from app.store import contracts
from app.store.audit import entries
from tests.conftest import SAMPLE_NUMBER, database_digest
from tests.intake_samples import SERVICE_CODE, mof_sectioned_docx, services_gbk
from tests.test_intake_bad_input import CASES
from ui.intake_dialog import READING, ROW_COLOURS, VALUE, IntakeDialog
from ui.intake_source import CELL_SEPARATOR, COLOURS

READ_TIMEOUT_MS = 120_000
MOF_NUMBER = "HNCG-TY-2025-0215-1"


def open_text(qtbot, window, path: Path) -> IntakeDialog:
    """File → 导入合同文本… on `path` (the file chooser answered), waiting until the file is read."""
    action = window.act_import_text
    assert action in window.file_menu.actions()
    dialog = window.import_contract_text(path=str(path))
    assert isinstance(dialog, IntakeDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=READ_TIMEOUT_MS)
    return dialog


def items(tree) -> list[QTreeWidgetItem]:
    out = []
    it = QTreeWidgetItemIterator(tree)
    while it.value():
        out.append(it.value())
        it += 1
    return out


def field_item(dialog: IntakeDialog, path: str) -> QTreeWidgetItem:
    return next(i for i in items(dialog.fields) if i.data(0, Qt.ItemDataRole.UserRole) == path)


def type_value(qtbot, dialog: IntakeDialog, item: QTreeWidgetItem, text: str) -> None:
    """Double-click-edit the value cell as a clerk does: the editor opens, the text is typed, Enter commits."""
    tree = dialog.fields
    tree.setCurrentItem(item, VALUE)
    tree.editItem(item, VALUE)
    editor = tree.findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    editor.insert(text)  # typed (QTest cannot type Chinese)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tree.findChild(QLineEdit) is None)  # the view commits and closes the editor queued


def background(item: QTreeWidgetItem) -> str:
    return item.background(VALUE).color().name()


def test_word_contract_read_corrected_stored_and_opened(qtbot, window, db, tmp_path):
    source = mof_sectioned_docx(tmp_path / "服务合同.docx")
    dialog = open_text(qtbot, window, source)
    assert dialog.error == "" and dialog.pages.currentIndex() == 1
    result = dialog.reading.result
    assert "服务合同.docx" in dialog.summary.text() and "arithmetic errors: 1" in dialog.summary.text()
    # the source text is shown beside the fields, guessed and read places tinted
    assert dialog.source.toPlainText() == result.document.text.replace("\t", CELL_SEPARATOR)
    court = result.field("jurisdiction")
    assert dialog.source.colour_at(court.span.start) == COLOURS["guessed"]  # a rule, not a name: guessed
    name = result.field("parties.a.name")
    assert dialog.source.colour_at(name.span.start) == COLOURS["found"]
    assert dialog.source.colour_at(name.span.end + 1) is None
    # every group the clerk checks is listed
    groups = [dialog.fields.topLevelItem(i).text(0) for i in range(dialog.fields.topLevelItemCount())
              if not dialog.fields.topLevelItem(i).isHidden()]
    for name in ("Contract", "Amounts", "Party A", "Party B", "Instalments", "Periods and copies", "Clauses",
                 "Annexes and tables", "Signing page"):
        assert any(g.startswith(name) for g in groups), (name, groups)
    # a field picked: its place selected in the source and scrolled into view
    code = field_item(dialog, "parties.b.credit_code")
    dialog.fields.setCurrentItem(code)
    assert dialog.source.selected_text() == SERVICE_CODE
    cursor = dialog.source.cursorRect()
    assert dialog.source.viewport().rect().contains(cursor.center())
    # the table's section with a typed-wrong subtotal is shown, and picking it shows the row
    section = next(i for i in items(dialog.fields) if i.text(0).strip() == "一 绿化养护部分")
    assert section.text(READING) == "subtotal differs" and "¥310,500.00" in section.toolTip(0)
    dialog.fields.setCurrentItem(section)
    assert "绿化养护部分" in dialog.source.selected_text() and "310,500.00" in dialog.source.selected_text()
    # the court was guessed (a rule, not a name): it is marked, and the clerk corrects it
    court = field_item(dialog, "jurisdiction")
    assert court.text(READING) == "guessed" and background(court) == ROW_COLOURS["guessed"].name()
    type_value(qtbot, dialog, court, "汤阴县人民法院")
    assert court.text(VALUE) == "汤阴县人民法院" and court.text(READING) == "corrected"
    # a wrong value is refused as the form refuses it, naming the field, and blocks storing until fixed
    type_value(qtbot, dialog, code, SERVICE_CODE[:-1] + ("0" if SERVICE_CODE[-1] != "0" else "1"))
    assert background(code) == ROW_COLOURS["invalid"].name()
    assert not dialog.store_button.isEnabled()
    assert "Party B · Unified social credit code" in dialog.message.text()
    assert "check character" in dialog.details.text() or "invalid" in dialog.details.text()
    type_value(qtbot, dialog, code, SERVICE_CODE)
    assert dialog.store_button.isEnabled() and code.text(READING) == "found"
    # the arithmetic review: each finding linked to its place
    error = dialog.checks.topLevelItem(0).child(0)
    assert "¥310,500.00" in error.text(1)
    dialog.tabs.setCurrentIndex(1)
    dialog.checks.setCurrentItem(error)
    assert dialog.source.selected_text() == "310,500.00"
    # accept: one op stores it, the window opens it
    with qtbot.waitSignal(dialog.stored, timeout=10_000) as stored:
        dialog.store_button.click()
    assert stored.args == [MOF_NUMBER]
    assert not dialog.isVisible()
    c = contracts.load(db, MOF_NUMBER)
    assert c.jurisdiction == "汤阴县人民法院" and c.total == Decimal("1021500.00")
    assert c.annex("1").table[0].stated == Decimal("310500.00")
    assert window.number == MOF_NUMBER
    assert MOF_NUMBER in window.windowTitle()
    intake = [e for e in entries(db, MOF_NUMBER) if e.what == "intake"]
    assert len(intake) == 1
    details = json.loads(intake[0].new)
    assert details["file"] == "服务合同.docx" and details["corrected"] == ["jurisdiction"]
    assert details["arithmetic_errors"] == 1 and "jurisdiction" in details["guessed"]
    import hashlib

    assert details["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()


def test_gbk_text_stored_with_its_unit_price_only_row(qtbot, window, db, tmp_path):
    dialog = open_text(qtbot, window, services_gbk(tmp_path / "services.txt"))
    assert "GB18030" in dialog.summary.text()
    assert dialog.source.toPlainText().startswith("技术服务合同")
    row = next(i for i in items(dialog.fields) if i.text(0).strip() == "应急响应")
    assert "settled on actuals" in row.text(VALUE) and "¥2,000.00" in row.text(VALUE)
    # Party A's signatory is left blank in the text: the clerk fills it in
    signatory = field_item(dialog, "signing.a.signatory")
    type_value(qtbot, dialog, signatory, "张明")
    with qtbot.waitSignal(dialog.stored, timeout=10_000):
        dialog.store_button.click()
    c = contracts.load(db, "TY-FW-2025-032")
    assert c.signing_a.signatory == "张明"
    annex = next(a for a in c.annexes if a.table is not None)
    assert [(r.item, r.quantity) for r in annex.table] == [("系统巡检", 12), ("驻场运维", 12), ("应急响应", None)]
    assert window.number == "TY-FW-2025-032"


def test_cancel_stores_nothing(qtbot, window, db, db_path, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def answer(box):  # the corrections are asked about: first "go back", then "discard"
        asked.append(box.text())
        choice = "&Go back to it" if len(asked) == 1 else "&Discard"
        next(b for b in box.buttons() if b.text() == choice).click()

    monkeypatch.setattr(QMessageBox, "exec", answer)
    before = database_digest(db_path)
    dialog = open_text(qtbot, window, services_gbk(tmp_path / "services.txt"))
    type_value(qtbot, dialog, field_item(dialog, "signing.a.signatory"), "张明")
    dialog.fields.setCurrentItem(field_item(dialog, "total"))
    qtbot.keyClick(dialog.fields, Qt.Key.Key_Return)  # Enter in the list is not "store"
    assert dialog.isVisible() and not contracts.exists(db, "TY-FW-2025-032")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Escape threw the corrections away without a word
    assert asked == ["1 value corrected here will be lost: the draft is not taken in."] and dialog.isVisible()
    assert field_item(dialog, "signing.a.signatory").text(VALUE) == "张明"
    dialog.cancel_button.click()
    assert len(asked) == 2 and not dialog.isVisible()
    assert not contracts.exists(db, "TY-FW-2025-032")
    assert database_digest(db_path) == before
    assert window.number == SAMPLE_NUMBER


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_file_gives_one_line_and_stores_nothing(qtbot, window, db_path, tmp_path, case):
    make, english, _chinese = CASES[case]
    path = make(tmp_path)
    before = database_digest(db_path)
    dialog = open_text(qtbot, window, path)
    assert dialog.reading is None and english in dialog.error and path.name in dialog.error
    assert dialog.error.count("\n") == 0 and "Traceback" not in dialog.error
    assert dialog.refusal.isVisible() and dialog.refusal.text() == dialog.error
    assert "nothing was stored" in dialog.progress_label.text()
    assert not dialog.store_button.isVisible() and dialog.cancel_button.text() == "Close"
    dialog.cancel_button.click()
    assert database_digest(db_path) == before


def test_a_number_already_stored_is_refused_in_the_dialog_and_can_be_changed(qtbot, window, db, tmp_path, sample):
    from app.codecs.docx import export_docx

    export_docx(sample, tmp_path / "sample.docx")
    dialog = open_text(qtbot, window, tmp_path / "sample.docx")
    dialog.store_button.click()
    assert dialog.isVisible() and "already exists" in dialog.message.text()
    type_value(qtbot, dialog, field_item(dialog, "number"), "CMHA-AY-202500441-2")
    with qtbot.waitSignal(dialog.stored, timeout=10_000):
        dialog.store_button.click()
    stored = contracts.load(db, "CMHA-AY-202500441-2")
    assert stored.annex("3").table == sample.annex("3").table and stored.total == sample.total


def test_text_not_understood_is_visible_and_kept(qtbot, window, db, tmp_path):
    path = tmp_path / "lease.txt"
    path.write_text(
        "房屋租赁合同\n合同编号：TY-ZL-2025-007\n甲方：汤阴县机关事务服务中心\n乙方：汤阴县宏达商贸有限公司\n"
        "双方就房屋租赁事宜，达成如下协议。\n第一条 租金\n年租金为人民币36,000.00元（大写：叁万陆仟元整）。\n"
        "第二条 其他\n本合同一式两份，双方各执一份。\n\n甲方（盖章）：汤阴县机关事务服务中心\n乙方（盖章）：汤阴县宏达商贸有限公司\n"
        "见证人：王五\n", encoding="utf-8")
    dialog = open_text(qtbot, window, path)
    unplaced = [i for i in items(dialog.fields) if i.text(READING) == "not recognised"]
    assert [i.text(VALUE) for i in unplaced] == ["见证人：王五"]
    assert background(unplaced[0]) == ROW_COLOURS["unplaced"].name()
    dialog.fields.setCurrentItem(unplaced[0])
    assert dialog.source.selected_text() == "见证人：王五"
    assert dialog.source.colour_at(dialog.reading.result.unplaced[0].span.start) == COLOURS["unplaced"]
    with qtbot.waitSignal(dialog.stored, timeout=10_000):
        dialog.store_button.click()
    c = contracts.load(db, "TY-ZL-2025-007")
    assert "双方就房屋租赁事宜，达成如下协议。" in c.preamble  # a line of no field is kept as text
    assert "年租金为人民币" in c.clauses[0].text


def test_progress_while_reading(qtbot, window, tmp_path):
    dialog = window.import_contract_text(path=str(services_gbk(tmp_path / "services.txt")))
    assert dialog.pages.currentIndex() == 0 and dialog.progress.isVisibleTo(dialog)
    assert "step 1 of 3" in dialog.progress_label.text() and not dialog.store_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=READ_TIMEOUT_MS)
    assert dialog.pages.currentIndex() == 1


def test_the_dialog_in_chinese_and_after_a_switch(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QApplication

    from ui.i18n import switch_language

    switch_language(QApplication.instance(), "zh_CN")
    try:
        dialog = open_text(qtbot, window, mof_sectioned_docx(tmp_path / "services.docx"))
        assert window.act_import_text.text() == "导入合同文本(&T)…"
        assert dialog.store_button.text() == "存为新合同" and dialog.tabs.tabText(0) == "识别出的字段"
        assert field_item(dialog, "jurisdiction").text(READING) == "推测"
        assert dialog.checks.topLevelItem(0).text(0) == "错误（1）"
        switch_language(QApplication.instance(), "en")
        assert dialog.store_button.text() == "Store as a new contract"
        assert field_item(dialog, "jurisdiction").text(READING) == "guessed"
        assert "the section says" in dialog.checks.topLevelItem(0).child(0).text(1)
    finally:
        switch_language(QApplication.instance(), "en")


def test_word_export_from_the_export_dialog(qtbot, window, db, tmp_path, sample):
    from ui.export_dialog import ExportDialog
    from ui.export_worker import ExportKind

    dialog = ExportDialog(db, SAMPLE_NUMBER, ExportKind.PDF, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    index = dialog.format_combo.findData("docx")
    assert dialog.format_combo.itemText(index) == "Word document (.docx)"
    dialog.format_combo.setCurrentIndex(index)
    assert dialog.target.edit.text().endswith(f"{SAMPLE_NUMBER}.docx")
    assert not dialog.font_combo.isEnabled() and not dialog.sign_check.isEnabled()  # PDF-only options
    with qtbot.waitSignal(dialog.exported, timeout=READ_TIMEOUT_MS) as done:
        dialog.export_button.click()
    out = Path(done.args[0])
    assert out == tmp_path / f"{SAMPLE_NUMBER}.docx"
    assert recognise(read_document(out)).contract == sample  # the Word file gives the contract back


def close_discarding(dialog: IntakeDialog, monkeypatch) -> None:
    """Close the dialog as a clerk who discards the corrections when asked (a question left open at the end of a
    test would stand in the way of the window's deletion)."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "exec", lambda box: next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole).click())
    dialog.reject()
    assert not dialog.isVisible()


def test_a_corrected_instalment_clears_the_arithmetic_finding_that_quoted_it(qtbot, window, tmp_path, monkeypatch):
    """Instalment 1 typed ¥1424340 beside 壹佰肆拾贰万肆仟肆佰叁拾: corrected to 1424430, the review still said the
    instalments fell ¥90 short of the total. (The text's own figure still differs from its words: that finding stays.)"""
    from app.base.resources import resource
    from app.codecs.intake import Status

    text = resource("sample", "source.txt").read_text(encoding="utf-8")
    assert "支付费用【¥1424430 元】" in text
    wrong = tmp_path / "draft.txt"
    wrong.write_text(text.replace("支付费用【¥1424430 元】", "支付费用【¥1424340 元】", 1), encoding="utf-8")
    dialog = open_text(qtbot, window, wrong)
    assert sorted(c.code for c in dialog.read.report.of(Status.ERROR)) == ["instalment-sum", "upper-amount"]
    assert "arithmetic errors: 2" in dialog.summary.text()
    type_value(qtbot, dialog, field_item(dialog, "payments[0].amount"), "1424430")
    assert [c.code for c in dialog.read.report.of(Status.ERROR)] == ["upper-amount"]
    assert "arithmetic errors: 1" in dialog.summary.text()
    assert dialog.tabs.tabText(1) == "Arithmetic review (1 errors)"
    assert dialog.read.result.contract.payments[0].amount == Decimal("1424340.00")  # the reading stays as read
    close_discarding(dialog, monkeypatch)
