"""Switching the interface language at runtime, Qt's own dialogs included.

switch_language() sets the core's gettext language (app.base.i18n), installs Qt's "qtbase_<lang>"
translator (standard buttons, file and print dialogs, context menus of line edits) from the
translations PySide6 ships, sets the default QLocale (existing widgets take it too), and delivers
QEvent.LanguageChange, on which Qt's own widgets re-read their texts. Ours re-read theirs in `retranslate_ui()`,
which switch_language() calls on every RetranslateMixin widget, parents first as Qt delivers the event; then each
labelled field takes its label's new text as its accessible name (ui.accessible). The choice is kept in QSettings
under LANGUAGE_KEY.

Our widgets are told by a call, not by overriding changeEvent: PySide6 hands the first event that reaches a Python
override to Python only after making a type for every QEvent subclass (≈3 ms), and the form's editors receive
change events before the window's first paint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QSettings, Qt, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from shiboken6 import isValid

from app.base import i18n

log = logging.getLogger(__name__)

#: QSettings key holding the chosen interface language ("zh_CN" or "en").
LANGUAGE_KEY = "ui/language"
#: Each language named in itself, as language menus conventionally show them (never translated).
LANGUAGE_NAMES = {"zh_CN": "中文（简体）", "en": "English"}
_QLOCALES = {"zh_CN": "zh_CN", "en": "en_US"}

_installed: list[QTranslator] = []  # kept referenced: a collected QTranslator would vanish from the app


def qt_translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def qt_translator(lang: str) -> QTranslator | None:
    """Qt's own translation of its dialogs and buttons for `lang`, or None when Qt ships none."""
    translator = QTranslator()
    if translator.load(f"qtbase_{lang}", qt_translations_dir()):
        return translator
    log.info("no Qt translation qtbase_%s in %s", lang, qt_translations_dir())
    return None


def switch_language(app: QCoreApplication, lang: str | None) -> str:
    """Switch the whole interface to `lang` without a restart; returns the language now in force."""
    lang = i18n.set_language(lang)
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if lang != "en":  # Qt's source texts are English already
        translator = qt_translator(lang)
        if translator is not None:
            app.installTranslator(translator)
            _installed.append(translator)
    QLocale.setDefault(QLocale(_QLOCALES.get(lang, lang)))
    _relocalise_widgets()
    # Installing a translator posts LanguageChange to the windows; going back to English may install
    # none, so announce the change ourselves and deliver it now (callers see the new texts on return).
    QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    if isinstance(app, QApplication):
        _retranslate_widgets()
        from ui.accessible import name_fields_by_labels

        for window in QApplication.topLevelWidgets():  # every label has its new text now: fields take it as their name
            name_fields_by_labels(window)
    return lang


def _retranslate_widgets() -> None:
    """retranslate_ui() once on every RetranslateMixin widget, each window's before its children's (the order Qt
    delivers LanguageChange in); a widget that an earlier one deleted is skipped, one it made has the new texts."""
    done: set[int] = set()
    for window in QApplication.topLevelWidgets():
        for widget in [window, *window.findChildren(QWidget)]:
            if isinstance(widget, RetranslateMixin) and id(widget) not in done and isValid(widget):
                done.add(id(widget))
                widget.retranslate_ui()


def _relocalise_widgets() -> None:
    """Existing widgets keep the locale they were created with (month names of a calendar popup, the
    decimal mark of a spin box); make every one without a locale of its own take the new default."""
    if not isinstance(QCoreApplication.instance(), QApplication):
        return
    for widget in QApplication.allWidgets():
        if not widget.testAttribute(Qt.WidgetAttribute.WA_SetLocale):
            widget.unsetLocale()


def saved_language(settings: QSettings | None = None) -> str:
    """The language chosen in the settings; otherwise CONTRACTDESK_LANG/LANG, otherwise Chinese."""
    value = (settings or _app_settings()).value(LANGUAGE_KEY)
    if isinstance(value, str) and value:
        return i18n.normalize_language(value)
    return i18n.language_from_environment()


def apply_startup_language(app: QCoreApplication, cli_lang: str | None = None,
                           settings: QSettings | None = None) -> str:
    """At start-up: `--lang` if given, else the saved choice, else the environment (Chinese when unset)."""
    return switch_language(app, cli_lang or saved_language(settings))


def save_language(lang: str, settings: QSettings | None = None) -> None:
    (settings or _app_settings()).setValue(LANGUAGE_KEY, i18n.normalize_language(lang))


def _app_settings() -> QSettings:
    """The app's own settings store (ui/settings.py), so the language sits beside the window layout."""
    try:
        from ui.settings import settings
    except ImportError:  # the settings module is optional for this one
        return QSettings()
    return settings()


def add_language_actions(menu: QMenu, settings: QSettings | None = None) -> QActionGroup:
    """Fill `menu` with one checkable action per language; choosing one switches and saves it."""
    group = QActionGroup(menu)
    group.setExclusive(True)
    for lang, name in LANGUAGE_NAMES.items():
        action = QAction(name, menu, checkable=True)
        action.setData(lang)
        action.setChecked(lang == i18n.language())
        group.addAction(action)
        menu.addAction(action)

    def chosen(action: QAction) -> None:
        lang = str(action.data())
        app = QCoreApplication.instance()
        if app is not None and lang != i18n.language():
            switch_language(app, lang)
            save_language(lang, settings)

    group.triggered.connect(chosen)
    return group


class RetranslateMixin:
    """A widget whose texts follow the interface language: put before the Qt class (`class MainWindow(RetranslateMixin,
    QMainWindow)`) and define retranslate_ui(), which switch_language() calls; a class that lacks it is refused when
    it is made, not when the language first changes."""

    retranslate_ui: Callable[[], None]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "retranslate_ui", None)):
            raise TypeError(f"{cls.__name__} must define retranslate_ui()")
