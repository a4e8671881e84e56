"""The Tab key moves on through every tab, as a clerk working by keyboard expects: it typed tab characters into an
annex's text (stored) and into a review comment, and went round the instalment table's cells for ever."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import show_window, wait_for_background
from ui.main_window import ANNEXES, CLAUSES, REVIEW, SCHEDULE, SUMMARY


@pytest.fixture
def window(qtbot, db, db_path, settings):
    w = show_window(qtbot, db, db_path, settings)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    yield w
    wait_for_background()


def tab_until(qtbot, target, presses: int) -> list[str]:
    """Press Tab until `target` has the focus (at most `presses` times); the path of the focus."""
    path = []
    for _ in range(presses):
        focus = QApplication.focusWidget()
        if focus is target:
            return path
        path.append(getattr(focus, "path", "") or focus.objectName() or type(focus).__name__)
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target}: {path}")


def test_tab_goes_through_the_instalments_to_their_buttons(qtbot, window):
    form = window.pages[SUMMARY]
    form.editor_for("payments[0].amount").setFocus()
    path = tab_until(qtbot, form.add_payment_button, 40)
    assert path[-1] == "payments[2].wording"
    qtbot.keyClick(form.add_payment_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.remove_payment_button


def test_tab_in_an_annex_text_moves_on_and_types_nothing(qtbot, window, db):
    annexes = window.pages[ANNEXES]
    window.tabs.setCurrentWidget(annexes)
    annexes.select_annex("1")
    text = annexes.text_page.text_edit
    before = text.toPlainText()
    text.setFocus()
    qtbot.keyClick(text, Qt.Key.Key_Tab)
    assert not text.hasFocus() and text.toPlainText() == before
    window.finish_typing()
    assert "\t" not in (contracts.load(db, N).annex("1").text or "")


def test_tab_in_a_review_comment_reaches_add_comment(qtbot, window):
    review = window.pages[REVIEW]
    window.tabs.setCurrentWidget(review)
    box = review.comments.text_edit
    box.setFocus()
    qtbot.keyClicks(box, "ok")
    path = tab_until(qtbot, review.comments.add_button, 5)
    assert box.toPlainText() == "ok" and len(path) <= 2


def test_ctrl_tab_puts_the_focus_in_the_new_tab_not_on_the_reminders_buttons(qtbot, window):
    """Left where it was, the focus fell to the reminders dock's "Restore all" when its page was hidden: the next
    Space restored every dismissed reminder."""
    form = window.pages[SUMMARY]
    form.editors["title"].setFocus()
    for _ in range(window.tabs.count() + 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
        focus = QApplication.focusWidget()
        assert focus is not None and window.tabs.currentWidget().isAncestorOf(focus), focus
        assert not window.reminders.isAncestorOf(focus)
        assert not isinstance(focus, QScrollArea), window.tabs.currentIndex()  # a stop the clerk cannot see


@pytest.mark.parametrize("tab", [CLAUSES, SCHEDULE, REVIEW])
def test_tab_from_the_tab_bar_goes_into_the_page_not_the_reminders(qtbot, window, tab):
    """A tab built when first shown has its fields at the end of the focus chain, after the reminders dock."""
    qtbot.waitUntil(lambda: not window._after_paint, timeout=3000)  # the window's after-paint work is done
    window.tabs.setCurrentWidget(window.pages[tab])
    bar = window.tabs.tabBar()
    bar.setFocus()
    qtbot.keyClick(bar, Qt.Key.Key_Tab)
    focus = QApplication.focusWidget()
    assert focus is not None and window.tabs.currentWidget().isAncestorOf(focus), focus
