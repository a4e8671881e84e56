"""A live language switch retranslates everything on screen: every tab, menus, toolbar, status bar, the
comments panel, the compare view and an export dialog left open. A text that is a catalog message of the
other language (an English msgid in Chinese, a Chinese translation in English) fails the test."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget

from app.ops.review import add_comment, mark_reviewed
from app.rules.checks import RULE_LABELS
from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import show_window, store_edit, wait_for_background
from tests.ui_walk import foreign_texts, page_texts, show_every_tab, widget_texts, window_texts
from ui.i18n import switch_language
from ui.main_window import CLAUSES, REVIEW, MainWindow


@pytest.fixture
def window(qtbot, qapp, db, db_path, settings):
    switch_language(qapp, "en")
    add_comment(db, N, "clause", "4.1", "标点需改")
    mark_reviewed(db, N, "初审")
    contract = contracts.load(db, N)
    contract.terms.delivery_days = 45
    store_edit(db, contract)
    yield show_window(qtbot, db, db_path, settings)
    wait_for_background()
    switch_language(qapp, "en")


def _everything(window, dialog: QWidget) -> list[tuple[str, str]]:
    texts = list(window_texts(window))
    for tab, page in show_every_tab(window):
        texts += [(f"{tab}/{where}", text) for where, text in page_texts(page)]
        texts.append((f"{tab}/windowTitle", window.windowTitle()))
    texts += [(f"export/{where}", text) for w in [dialog, *dialog.findChildren(QWidget)] for where, text in widget_texts(w)]
    return texts


def _walk_and_check(window, dialog, language: str) -> None:
    texts = _everything(window, dialog)
    assert len(texts) > 300  # the walk reached the tabs
    bad = foreign_texts(texts, language, allowed=set(RULE_LABELS))  # rule codes (a tooltip) are identifiers
    assert not bad, f"{len(bad)} texts not in {language}:\n" + "\n".join(bad)


def test_every_tab_and_open_dialog_follow_a_switch_both_ways(qtbot, qapp, window, monkeypatch):
    # Things on screen that are built as the clerk works: a comment, a diff, a status message, a dialog
    for _tab, _page in show_every_tab(window):
        pass
    window.tabs.setCurrentWidget(window.pages[CLAUSES])
    dialog = window.export()
    assert dialog is not None and dialog.isVisible()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))

    for language in ("zh_CN", "en", "zh_CN"):
        window.add_review_comment(text="再看一下")  # a status message in the language before the switch
        assert window.statusBar().currentMessage()
        switch_language(qapp, language)
        QApplication.processEvents()
        _walk_and_check(window, dialog, language)
    review = window.pages[REVIEW]
    assert review.mark_button.text() == "标记为已审核…"
    assert review.comments.add_button.text() == "添加批注"


def test_a_window_opened_in_chinese_switches_to_english(qtbot, qapp, db, db_path, tmp_path):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    switch_language(qapp, "zh_CN")
    try:
        w = MainWindow(db, str(db_path), store=store, today=date(2025, 6, 1))
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        for _tab, _page in show_every_tab(w):
            pass
        dialog = w.export()
        switch_language(qapp, "en")
        _walk_and_check(w, dialog, "en")
    finally:
        QThreadPool.globalInstance().waitForDone(120_000)
        switch_language(qapp, "en")


def test_undo_and_redo_name_earlier_edits_in_the_new_language(qtbot, qapp, window):
    """A command is worded when it is made; after a switch the Edit menu named it in the old language."""
    from tests.test_ui_contract_form import retype
    from ui.main_window import ANNEXES, SUMMARY

    form = window.pages[SUMMARY]
    window.tabs.setCurrentWidget(form)
    retype(form.editors["project"], "雪亮工程四期")
    form.editors["project"].editingFinished.emit()
    retype(form.editors["title"], "新标题")
    form.editors["title"].editingFinished.emit()
    window.act_undo.trigger()  # one to undo (the project), one to redo (the title)
    assert (window.act_undo.text(), window.act_redo.text()) == ("&Undo Edit Project", "&Redo Edit Title")
    switch_language(qapp, "zh_CN")
    assert (window.act_undo.text(), window.act_redo.text()) == ("撤销“编辑项目名称”(&U)", "重做“编辑标题”(&R)")
    annexes = window.pages[ANNEXES]
    window.tabs.setCurrentWidget(annexes)
    annexes.select_annex("3")
    annexes.table_editor.model.setData(annexes.table_editor.model.index(0, 6), "已核对")
    switch_language(qapp, "en")
    assert window.act_undo.text() == "&Undo Edit row 1, Remark"
