"""Walking the real window as a clerk sees it: every tab, the texts on screen, the controls a keyboard reaches.

Used by the language and accessibility tests; nothing here knows a particular tab.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QAccessible, QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollBar,
    QTabBar,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QWidget,
)

from tests.conftest import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")


def show_every_tab(window) -> Iterator[tuple[str, QWidget]]:
    """Show each tab of the main window in turn (building it), yielding (tab name, page)."""
    from ui.main_window import TAB_ORDER

    for tab in TAB_ORDER:
        page = window.pages[tab]
        window.tabs.setCurrentWidget(page)
        QApplication.processEvents()
        yield tab, page


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    try:
        return model.columnCount(parent)
    except TypeError:  # a list model keeps columnCount private
        return 1


def _model_texts(model: QAbstractItemModel | None, cells: bool) -> Iterator[str]:
    if model is None:
        return
    root = QModelIndex()
    for section in range(_columns(model, root)):
        value = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if isinstance(value, str):
            yield value
    if not cells:
        return
    stack = [root]
    while stack:
        parent = stack.pop()
        for row in range(min(model.rowCount(parent), 200)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if isinstance(value, str):
                        yield value
            first = model.index(row, 0, parent)
            if model.rowCount(first) > 0:
                stack.append(first)


def widget_texts(widget: QWidget, cells: bool = True) -> Iterator[tuple[str, str]]:
    """(where, text) for every text the widget shows of its own: not what a clerk typed into it."""
    name = f"{type(widget).__name__}#{widget.objectName() or hex(id(widget))}"
    if widget.toolTip():
        yield f"{name}.toolTip", widget.toolTip()
    if widget.accessibleName():
        yield f"{name}.accessibleName", widget.accessibleName()
    if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.RichText:
        yield f"{name}.text", widget.text()
    elif isinstance(widget, QLabel):
        yield f"{name}.text", re.sub(r"<[^>]+>", "", widget.text())
    if isinstance(widget, QAbstractButton):
        yield f"{name}.text", widget.text()
    menu = widget.menu() if isinstance(widget, (QToolButton, QPushButton)) else None
    yield from action_texts([*widget.actions(), *(menu.actions() if menu is not None else [])], name)
    if isinstance(widget, QGroupBox):
        yield f"{name}.title", widget.title()
    if isinstance(widget, QTabBar):
        for i in range(widget.count()):
            yield f"{name}.tab{i}", widget.tabText(i)
            yield f"{name}.tabToolTip{i}", widget.tabToolTip(i)
    if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
        yield f"{name}.placeholder", widget.placeholderText()
    if isinstance(widget, QTextBrowser):  # what the window wrote there (the compare view, the amendments)
        for line in widget.toPlainText().splitlines():
            yield f"{name}.line", line
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            yield f"{name}.item{i}", widget.itemText(i)
            tip = widget.itemData(i, Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                yield f"{name}.itemTip{i}", tip
    if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
        yield from ((f"{name}.model", t) for t in _model_texts(widget.model(), cells))


def action_texts(actions: list[QAction], where: str = "action") -> Iterator[tuple[str, str]]:
    for action in actions:
        if action.isSeparator():
            continue
        yield f"{where}:{action.objectName()}", action.text()
        yield f"{where}:{action.objectName()}.toolTip", action.toolTip()
        if action.menu() is not None:
            menu = action.menu()
            assert isinstance(menu, QMenu)
            yield f"{where}:menu", menu.title()
            yield from action_texts(menu.actions(), where)


def window_texts(window) -> Iterator[tuple[str, str]]:
    """The window's own texts: title, status bar, menus, toolbar, the contract list and the tab titles."""
    yield "windowTitle", window.windowTitle()
    yield "status", window.statusBar().currentMessage()
    yield from action_texts(window.menuBar().actions(), "menu")
    yield from action_texts(window.toolbar.actions(), "toolbar")
    yield "toolbar.title", window.toolbar.windowTitle()
    for widget in [window.list_view, *window.list_view.findChildren(QWidget), window.tabs.tabBar()]:
        yield from widget_texts(widget)


def page_texts(page: QWidget) -> Iterator[tuple[str, str]]:
    for widget in [page, *page.findChildren(QWidget)]:
        yield from widget_texts(widget)


# ------------------------------------------------------------------ the catalogs

def _catalog():
    from babel.messages.pofile import read_po

    with (ROOT / "i18n" / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def _plain(text: str) -> str:
    """Without a mnemonic ("&File", "文件(&F)") and a trailing ellipsis: how a text is compared."""
    text = re.sub(r"\s*[(（]&\w[)）]", "", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return re.sub(r"(…|\.\.\.)+$", "", text.strip()).strip()


def _pattern(message: str) -> re.Pattern[str] | None:
    """A whole-text pattern for a message with {placeholders}; None when it has too little fixed text to tell."""
    pieces = re.split(r"\{[^{}]*\}", _plain(message))
    fixed = "".join(pieces)
    if len(re.findall(r"[A-Za-z]", fixed)) < 4 and len(CJK.findall(fixed)) < 2:
        return None
    return re.compile("^" + "(.+?)".join(re.escape(p) for p in pieces) + "$", re.S)


@cache
def translated_pairs() -> tuple[tuple[str, str], ...]:
    """(English msgid, Chinese msgstr) of every message whose two languages differ."""
    pairs = []
    for m in _catalog():
        if not m.id or not m.string:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for msgid in ids:
            for msgstr in strings:
                if msgstr and _plain(msgid) != _plain(msgstr):
                    pairs.append((msgid, msgstr))
    return tuple(pairs)


@cache
def _matchers(language: str) -> tuple[set[str], list[tuple[re.Pattern[str], str]]]:
    """Texts of the *other* language: the exact ones, and patterns for those with placeholders."""
    exact: set[str] = set()
    patterns: list[tuple[re.Pattern[str], str]] = []
    for msgid, msgstr in translated_pairs():
        foreign = msgid if language == "zh_CN" else msgstr
        if language == "zh_CN" and not re.search(r"[A-Za-z]{2}", _plain(foreign)):
            continue  # "{n} ×" and the like read the same in Chinese
        if language == "en" and not CJK.search(foreign):
            continue
        if "{" in foreign:
            pattern = _pattern(foreign)
            if pattern is not None:
                patterns.append((pattern, foreign))
        elif _plain(foreign):
            exact.add(_plain(foreign))
    return exact, patterns


def foreign_texts(texts, language: str, allowed: set[str] = frozenset()) -> list[str]:
    """The texts that are catalog messages of the other language ("where: text  (message)")."""
    exact, patterns = _matchers(language)
    found = []
    for where, text in texts:
        for line in (text or "").splitlines():
            plain = _plain(line)
            if not plain or plain in allowed:
                continue
            if plain in exact:
                found.append(f"{where}: {line!r}")
                continue
            for pattern, message in patterns:
                if pattern.match(plain):
                    found.append(f"{where}: {line!r}  ({message!r})")
                    break
    return sorted(set(found))


# ------------------------------------------------------------------ controls and their accessible names

CONTROLS = (QAbstractButton, QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractSlider,
            QAbstractItemView, QTabBar)


def _inside_a_qt_control(widget: QWidget) -> bool:
    """Parts Qt builds inside its own controls (a combo's list, a calendar's buttons, a tab bar's arrows)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QComboBox, QAbstractSpinBox, QTabBar, QCalendarWidget, QMenu, QLineEdit)):
            return True
        parent = parent.parentWidget()
    return False


def controls(root: QWidget) -> list[QWidget]:
    """The controls under `root` a clerk operates: buttons, boxes, lists and tables (not scroll bars and
    headers, not the parts of Qt's own compound controls)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or isinstance(widget, (QHeaderView, QScrollBar)):
            continue
        if _inside_a_qt_control(widget) or widget.objectName().startswith("qt_"):
            continue
        found.append(widget)
    return found


def accessible_name(widget: QWidget) -> str:
    """The name assistive technology reads for `widget` (a combo box's own answer is its current value)."""
    if isinstance(widget, QComboBox):
        return widget.accessibleName()
    iface = QAccessible.queryAccessibleInterface(widget)
    return (iface.text(QAccessible.Text.Name) if iface is not None else "") or widget.accessibleName()
