"""Menu items and buttons that ask the clerk something open their question when clicked.

Qt hands a triggered menu item's or a clicked button's `checked` flag (False) to the slot; a slot whose first
parameter is the answer (a comment, a name, a reason, a path) took that False for the answer, skipped its question
and failed (the comment and the name raised, the payment's removal raised). Clicked here as the clerk clicks.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from app.ops.payments import record_payment
from app.store import audit
from app.store.comments import list_comments
from tests import office_files as files
from tests import office_scenario as sc
from tests.conftest import SAMPLE_NUMBER, show_window, wait_for_background
from ui.main_window import SCHEDULE, SUMMARY


@pytest.fixture
def window(qtbot, db, db_path, settings):
    yield show_window(qtbot, db, db_path, settings, today=date(2025, 6, 1))
    wait_for_background()


def test_add_review_comment_from_the_menu_asks_for_the_comment(window, db, monkeypatch):
    asked = []

    def answer(parent, title, label, text="", *args, **kwargs):
        asked.append(label)
        return "请核对合计", True

    monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(answer))
    window.tabs.setCurrentWidget(window.pages[SUMMARY])
    window.act_comment.trigger()
    assert len(asked) == 1
    assert [c.text for c in list_comments(db, SAMPLE_NUMBER)] == ["请核对合计"]
    assert window.statusBar().currentMessage().startswith("Comment added on")


def test_your_name_from_the_menu_asks_for_the_name(window, db, settings, monkeypatch):
    from app.base.clock import current_user, set_user_name

    monkeypatch.delenv("CONTRACTDESK_USER", raising=False)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("赵六", True)))
    try:
        window.act_user_name.trigger()
        assert current_user() == "赵六"
        assert settings.value("user/name") == "赵六"
    finally:
        set_user_name("")


@pytest.fixture
def paid(qtbot, db, db_path, settings):
    """The 付款与期限 tab of the signed office contract with one payment recorded, its row selected."""
    files.store_contract(db, signed=True)
    window = show_window(qtbot, db, db_path, settings, today=sc.TODAY)
    window.list_view.select_number(sc.NUMBER)
    window.tabs.setCurrentWidget(window.pages[SCHEDULE])
    tab = window.pages[SCHEDULE]
    window.operations.run(record_payment, sc.NUMBER, sc.PAYMENTS[0], today=sc.TODAY)
    assert tab.payments.topLevelItemCount() == 1
    tab.payments.setCurrentItem(tab.payments.topLevelItem(0))
    yield window, tab
    wait_for_background()


def test_removing_a_payment_with_its_button_asks_why(paid, db, monkeypatch):
    _window, tab = paid
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda _p, _t, text, *a, **k: asked.append(text)
                                                              or ("凭证号录错", True)))
    row = tab.payments.selectedItems()[0]
    named = f"Instalment {row.text(1)}: ¥{row.text(2)} paid on {row.text(0)}\n"
    tab.unpay_button.click()
    assert asked and asked[0].startswith(named)  # the question names the payment it removes
    assert tab.payments.topLevelItemCount() == 0
    removed = [e for e in audit.entries(db, sc.NUMBER) if e.what == "payment removed"]
    assert len(removed) == 1 and "凭证号录错" in (removed[0].new or "")


def test_import_a_contract_from_the_menu_asks_for_the_file(window, monkeypatch):
    asked = []

    def choose(*args, **kwargs):
        asked.append(args[1])
        return "", ""  # the clerk cancels

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(choose))
    window.act_import_json.trigger()
    window.act_import_text.trigger()
    assert len(asked) == 2


def test_removing_a_payment_without_a_reason_says_so_in_the_windows_words(paid, monkeypatch):
    window, tab = paid
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("  ", True)))
    tab.unpay_button.click()
    assert tab.payments.topLevelItemCount() == 1
    assert window.statusBar().currentMessage().startswith("Reason: ")


def test_a_tab_shown_again_keeps_its_undo_history_through_edits_elsewhere(qtbot, window, db):
    """A title edit while 附件 was hidden cleared 附件's undo history when it was shown again."""
    from tests.test_ui_annex import type_into_cell
    from ui.main_window import ANNEXES

    annexes = window.pages[ANNEXES]
    window.tabs.setCurrentWidget(annexes)
    annexes.select_annex("3")
    type_into_cell(qtbot, annexes.table_editor, 0, 6, "已核对")
    assert annexes.undo_stack.count() == 1
    form = window.pages[SUMMARY]
    window.tabs.setCurrentWidget(form)
    from app.ops.contracts import set_field

    window.operations.run(set_field, SAMPLE_NUMBER, "title", "新标题")
    window.tabs.setCurrentWidget(annexes)
    assert annexes.undo_stack.count() == 1 and window.act_undo.isEnabled()
