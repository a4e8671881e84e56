"""Switching the interface language at runtime: our menus and Qt's own buttons follow, no restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMainWindow, QMenu

from app.base import i18n
from app.base.i18n import _
from ui.i18n import (
    LANGUAGE_KEY,
    LANGUAGE_NAMES,
    RetranslateMixin,
    add_language_actions,
    qt_translator,
    saved_language,
    switch_language,
)


class _Window(RetranslateMixin, QMainWindow):
    """A window built the way the app's windows are: texts set in retranslate_ui(), nowhere else."""

    def __init__(self) -> None:
        super().__init__()
        self.edit_menu = QMenu(self)
        self.undo_action = self.edit_menu.addAction("")
        self.redo_action = self.edit_menu.addAction("")
        self.menuBar().addMenu(self.edit_menu)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.setCentralWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.edit_menu.setTitle(_("Cost table"))
        self.undo_action.setText(_("Undo"))
        self.redo_action.setText(_("Redo"))


@pytest.fixture
def app(qapp):
    yield qapp
    switch_language(qapp, "en")


def _menu_texts(window: _Window) -> list[str]:
    return [window.edit_menu.title(), *(a.text() for a in window.edit_menu.actions())]


def test_menu_texts_change_at_runtime(qtbot, app):
    switch_language(app, "en")
    window = _Window()
    qtbot.addWidget(window)
    window.show()
    assert _menu_texts(window) == ["Cost table", "Undo", "Redo"]

    switch_language(app, "zh_CN")
    assert _menu_texts(window) == ["费用明细表", "撤销", "重做"]
    assert i18n.language() == "zh_CN"

    switch_language(app, "en")
    assert _menu_texts(window) == ["Cost table", "Undo", "Redo"]


def test_qt_standard_buttons_are_translated(qtbot, app):
    """Qt's own texts (standard buttons, dialogs) come from the qtbase translations PySide6 ships."""
    assert qt_translator("zh_CN") is not None, "PySide6 ships no qtbase_zh_CN translation"
    switch_language(app, "en")
    window = _Window()
    qtbot.addWidget(window)
    cancel = window.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "Cancel"
    switch_language(app, "zh_CN")
    assert cancel.text() == "取消"
    assert window.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    switch_language(app, "en")
    assert cancel.text() == "Cancel"


def test_switching_twice_installs_one_qt_translator(qtbot, app):
    """Back and forth leaves exactly the chosen language in force (no stale translator answering first)."""
    switch_language(app, "zh_CN")
    switch_language(app, "zh_CN")
    switch_language(app, "en")
    assert QApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    switch_language(app, "zh_CN")
    assert QApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_language_menu_switches_and_remembers(qtbot, app, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    switch_language(app, "zh_CN")
    window = _Window()
    qtbot.addWidget(window)
    menu = QMenu(window)
    group = add_language_actions(menu, settings)
    by_lang = {a.data(): a for a in group.actions()}
    assert set(by_lang) == {"zh_CN", "en"} and by_lang["zh_CN"].isChecked()

    by_lang["en"].trigger()
    assert window.undo_action.text() == "Undo"
    assert settings.value(LANGUAGE_KEY) == "en" and saved_language(settings) == "en"
    assert by_lang["en"].isChecked() and not by_lang["zh_CN"].isChecked()

    by_lang["zh_CN"].trigger()
    assert window.undo_action.text() == "撤销" and saved_language(settings) == "zh_CN"


def test_saved_language_defaults_to_the_environment(tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "empty.ini"), QSettings.Format.IniFormat)
    monkeypatch.setenv("CONTRACTDESK_LANG", "")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LANG", raising=False)
    assert saved_language(settings) == "zh_CN"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert saved_language(settings) == "en"


def test_startup_language_prefers_the_command_line_then_the_settings(qtbot, app, tmp_path):
    from ui.i18n import apply_startup_language, save_language

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    save_language("en", settings)
    assert apply_startup_language(app, None, settings) == "en" and _("Undo") == "Undo"
    assert apply_startup_language(app, "zh_CN", settings) == "zh_CN" and _("Undo") == "撤销"
    assert settings.value(LANGUAGE_KEY) == "en"  # --lang is for this run only


def _dispose(window: QMainWindow) -> None:
    """Delete the window now: later tests look for the app's main window among the top-level widgets."""
    from PySide6.QtCore import QEvent

    window.close()
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _menu_actions(menu) -> list:
    out = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        out.append(action)
        if action.menu() is not None:
            out += _menu_actions(action.menu())
    return out


def test_main_window_switches_language_from_its_menu(qtbot, app, db, db_path, tmp_path):
    """The real window: View → Language → English and back; menus, tab titles and Qt's buttons follow."""
    from PySide6.QtCore import QThreadPool

    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    switch_language(app, "zh_CN")
    window = MainWindow(db, str(db_path), store=settings)
    window.show()
    try:
        def menus() -> list[str]:
            return [a.text() for a in window.menuBar().actions()]

        def tabs() -> list[str]:
            return [window.tabs.tabText(i) for i in range(window.tabs.count())]

        def action_texts() -> dict[object, str]:
            """Every action of the menu bar's menus and the toolbar (the window's own commands)."""
            found = {}
            for menu_action in window.menuBar().actions():
                for action in _menu_actions(menu_action.menu()):
                    found[action] = action.text()
            for action in window.toolbar.actions():
                found[action] = action.text()
            return {a: t for a, t in found.items() if t and a.data() not in LANGUAGE_NAMES}

        chinese_menus, chinese_tabs, chinese_actions = menus(), tabs(), action_texts()
        assert chinese_menus[0] == "文件(&F)" and "编辑(&E)" in chinese_menus
        assert "附件" in chinese_tabs
        assert window.act_undo.text() == "撤销(&U)"

        by_lang = {a.data(): a for a in window.language_group.actions()}
        by_lang["en"].trigger()
        assert menus()[0] == "&File" and "&Edit" in menus()
        assert "Annexes" in tabs() and len(tabs()) == len(chinese_tabs)
        assert window.act_undo.text() == "&Undo"
        assert saved_language(settings) == "en"
        unchanged = [text for action, text in action_texts().items() if chinese_actions.get(action) == text]
        assert not unchanged, f"actions not translated: {unchanged}"
        english_texts = menus() + tabs()
        assert not any("\u4e00" <= ch <= "\u9fff" for text in english_texts for ch in text), english_texts

        by_lang["zh_CN"].trigger()
        assert menus() == chinese_menus and tabs() == chinese_tabs
    finally:
        QThreadPool.globalInstance().waitForDone(120_000)
        _dispose(window)


def test_every_action_in_the_main_window_follows_a_switch(qtbot, app, db, db_path, tmp_path):
    """Context menus of the tabs too (table rows, insert field): nothing keeps the old language."""
    from PySide6.QtCore import QThreadPool
    from PySide6.QtGui import QAction

    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    switch_language(app, "zh_CN")
    window = MainWindow(db, str(db_path), store=settings)
    try:
        def texts() -> dict[object, str]:
            return {a: a.text() for a in window.findChildren(QAction) if a.text() and a.data() not in LANGUAGE_NAMES}

        chinese = texts()
        switch_language(app, "en")
        unchanged = [t for a, t in texts().items() if chinese.get(a) == t]
        assert not unchanged, f"actions not translated: {unchanged}"
    finally:
        QThreadPool.globalInstance().waitForDone(120_000)
        _dispose(window)


def test_existing_widgets_take_the_new_locale(qtbot, app):
    """A date picker built in Chinese shows English month names after the switch (and back)."""
    from PySide6.QtWidgets import QDateEdit

    switch_language(app, "zh_CN")
    picker = QDateEdit()
    picker.setCalendarPopup(True)
    qtbot.addWidget(picker)
    assert picker.locale().monthName(5) == "五月"
    switch_language(app, "en")
    assert picker.locale().monthName(5) == "May"
    assert picker.calendarWidget().locale().monthName(5) == "May"
    switch_language(app, "zh_CN")
    assert picker.calendarWidget().locale().monthName(5) == "五月"


def test_a_tab_missing_its_hooks_is_refused_when_its_class_is_made(qapp):
    """A tab without retranslate_ui (or an editor tab without its three hooks) fails at import, not when a
    clerk first switches the language or opens a contract."""
    from PySide6.QtWidgets import QWidget

    from ui.field_widgets import ContractEditorBase
    from ui.i18n import RetranslateMixin

    with pytest.raises(TypeError, match="retranslate_ui"):
        type("Untranslated", (RetranslateMixin, QWidget), {})
    with pytest.raises(TypeError, match="show_contract, apply_read_only, focus_where"):
        type("Half", (ContractEditorBase,), {"retranslate_ui": lambda self: None})
