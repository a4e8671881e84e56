"""Reachable by keyboard and by assistive technology: every control has a name a screen reader can read
(its label, in the window's language), and a clerk's short job is done with the keys alone."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.store import contracts, revisions
from tests.conftest import show_window, wait_for_background
from tests.test_ui_contract_form import type_into
from tests.ui_walk import accessible_name, controls, show_every_tab
from ui.i18n import switch_language
from ui.main_window import ANNEXES, CHECKS, CLAUSES, REVIEW, SUMMARY, TAB_ORDER


@pytest.fixture
def window(qtbot, qapp, db, db_path, settings):
    yield show_window(qtbot, db, db_path, settings)
    wait_for_background()
    switch_language(qapp, "en")


def _nameless(root) -> list[str]:
    out = []
    for widget in controls(root):
        name = accessible_name(widget).strip()
        if not re.search(r"\w", name):
            where = []
            parent = widget.parentWidget()
            while parent is not None and len(where) < 3:
                where.append(type(parent).__name__)
                parent = parent.parentWidget()
            out.append(f"{type(widget).__name__}#{widget.objectName()} {name!r} in {'/'.join(where)}")
    return out


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_control_of_every_tab_has_an_accessible_name(qtbot, qapp, window, language):
    switch_language(qapp, language)
    missing = []
    for tab, page in show_every_tab(window):
        if tab == ANNEXES:
            for no in ("1", "3"):  # a text annex and the cost table
                page.select_annex(no)
                missing += [f"{tab}/{m}" for m in _nameless(page)]
        missing += [f"{tab}/{m}" for m in _nameless(page)]
    missing += [f"list/{m}" for m in _nameless(window.list_view)]
    dialog = window.export()
    missing += [f"export/{m}" for m in _nameless(dialog)]
    missing = sorted(set(missing))
    assert not missing, f"{len(missing)} controls without a name:\n" + "\n".join(missing)


def _answer_next_dialog(qtbot, text: str | None, key=Qt.Key.Key_Return) -> list[str]:
    """Type `text` into the next modal dialog and press `key` (Enter accepts, Escape cancels); returns the
    dialog's title once it was answered (empty when none came)."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.windowTitle())
        focus = dialog.focusWidget() or dialog
        if text is not None:
            type_into(focus, text)
        QTest.keyClick(focus, key)

    QTimer.singleShot(0, answer)
    return seen


def _keys(widget, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifiers)
    QApplication.processEvents()


def _dialog_closed(qtbot, window) -> None:
    """A window manager gives the window back its activation when a dialog closes; the offscreen one does not."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def test_a_short_job_with_the_keyboard_alone(qtbot, qapp, window, db):
    switch_language(qapp, "zh_CN")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)

    # Escape in the new-contract dialog: nothing is made
    seen = _answer_next_dialog(qtbot, "KB-0", Qt.Key.Key_Escape)
    _keys(QApplication.focusWidget() or window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["新建合同"] and not contracts.exists(db, "KB-0")
    _dialog_closed(qtbot, window)

    # Ctrl+N, a number, Enter: the new contract is open with the cursor in its first field
    seen = _answer_next_dialog(qtbot, "KB-2025-001")
    _keys(QApplication.focusWidget() or window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["新建合同"] and contracts.exists(db, "KB-2025-001")
    _dialog_closed(qtbot, window)
    form = window.pages[SUMMARY]
    assert window.tabs.currentWidget() is form and window.number == "KB-2025-001"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.editors["party_a_number"], timeout=3000)

    # type, Tab on: the entry is stored and the cursor is in the next field
    type_into(QApplication.focusWidget(), "TY-甲-7")
    _keys(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert contracts.load(db, "KB-2025-001").party_a_number == "TY-甲-7"
    assert QApplication.focusWidget() is form.editors["party_b_number"]
    type_into(QApplication.focusWidget(), "YF-8")
    _keys(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.editors["title"]

    # Ctrl+Tab and Ctrl+PgDown go through the tabs, Ctrl+Shift+Tab back, wherever the cursor is
    _keys(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.pages[CLAUSES]
    for _ in range(len(TAB_ORDER) - 2):
        _keys(QApplication.focusWidget() or window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.pages[REVIEW]
    _keys(QApplication.focusWidget() or window, Qt.Key.Key_Backtab,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentWidget() is window.pages[CHECKS]
    _keys(QApplication.focusWidget() or window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)

    # mark reviewed from the Review menu's shortcut, the name typed, Enter
    seen = _answer_next_dialog(qtbot, "初审")
    _keys(QApplication.focusWidget() or window, Qt.Key.Key_R,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert seen and seen[0] == "标记为已审核"
    assert [r.name for r in revisions.list_revisions(db, "KB-2025-001") if r.reviewed] == ["初审"]
    assert "已审核" in window.statusBar().currentMessage()


def test_the_main_actions_have_shortcuts_and_the_menus_mnemonics(qtbot, qapp, window):
    switch_language(qapp, "zh_CN")
    for action in (window.act_new, window.act_open, window.act_export_pdf, window.act_preview, window.act_print,
                   window.act_undo, window.act_redo, window.act_find, window.act_comment, window.act_mark_reviewed,
                   window.act_next_tab, window.act_previous_tab):
        assert not action.shortcut().isEmpty(), action.text()
    for menu_action in window.menuBar().actions():
        assert re.search(r"\(&\w\)$", menu_action.text()), menu_action.text()


def test_the_review_menu_offers_the_tabs_steps():
    from ui.main_window import REVIEW_STEPS
    from ui.review_tab import STATE_BUTTONS

    assert tuple((state, text.replace("&", "")) for state, text in REVIEW_STEPS) == tuple(STATE_BUTTONS)


def _alt_letter(text: str) -> str | None:
    found = re.search(r"&(\w)", text.replace("&&", ""))
    return found.group(1).upper() if found else None


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_menu_item_has_its_own_alt_letter_and_no_tab_takes_a_menus(qtbot, qapp, window, language):
    """File had O twice (打开数据库, 导出 JSON) and P twice (导出 PDF, 打印); the Review menu's steps and View's
    提醒 had none; 附件's 税率(&V) took View's Alt+V."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    switch_language(qapp, language)
    bar = [_alt_letter(action.text()) for action in window.menuBar().actions()]
    for menu_action in window.menuBar().actions():
        items = [a for a in menu_action.menu().actions() if not a.isSeparator()]
        letters = [_alt_letter(a.text()) for a in items]
        assert None not in letters, [a.text() for a in items]
        assert len(set(letters)) == len(letters), [a.text() for a in items]
    for tab in TAB_ORDER:
        page = window.pages[tab]
        window.tabs.setCurrentWidget(page)
        if tab == ANNEXES:
            page.select_annex("3")  # the cost table, with its footer's rates
        shown = [w for kind in (QLabel, QAbstractButton) for w in page.findChildren(kind) if w.isVisibleTo(page)]
        taken = [_alt_letter(w.text()) for w in shown if _alt_letter(w.text())]
        assert not set(taken) & set(bar), (tab, taken)
        assert len(set(taken)) == len(taken), (tab, taken)
