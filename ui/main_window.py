"""The main window: contract list on the left, the open contract in tabs on the right, menus and toolbar.

Every edit is committed as it is made (the tabs push undo commands that run app.ops operations), so there
is no Save; the window title shows how many errors the consistency check finds in the open contract.
Every op goes through the window's Operations (ui.operations), whose change feed redraws whatever shows
a changed part — the list row, the title, each tab — whichever tab made the edit.
Edit → Undo/Redo act on the current tab's stack through a QUndoGroup: the 概要/条款/签署页 tabs share
one stack for contract edits, the 附件 tab has its own.
"""

from __future__ import annotations

import importlib
import logging
import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeyEvent, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QSplitter,
    QStyle,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from app import __version__
from app.base.errors import UserError
from app.base.i18n import N_, _, ngettext
from app.base.i18n import language as i18n_language
from app.domain import READ_ONLY, Status
from app.ops import LISTED, Changes, Part
from app.store.location import network_share_warning
from app.store.lock import DatabaseLock, acquire_for
from ui import settings as keys
from ui.accessible import name_fields_by_labels
from ui.background import BackgroundCall, Cancelled, ProgressCall, finish_background_calls, run_in_background
from ui.contract_list_view import ContractListView
from ui.edit_commands import command_page
from ui.export_worker import ExportJob, ExportKind, ExportWorker
from ui.i18n import LANGUAGE_NAMES, RetranslateMixin
from ui.operations import Operations, operations_for
from ui.unsaved_entries import ask_to_discard, refused_entries
from ui.worded_command import reword_commands

if TYPE_CHECKING:
    from app.store.db import Database
    from ui.annexes_tab import AnnexesTab
    from ui.check_tab import CheckTab
    from ui.review_tab import ReviewTab
    from ui.schedule_tab import ScheduleTab

log = logging.getLogger(__name__)

SUMMARY, CLAUSES, ANNEXES, SCHEDULE, FILES, SIGNING, CHECKS, REVIEW = (
    "summary", "clauses", "annexes", "schedule", "files", "signing", "checks", "review",
)
TAB_TITLES = {
    SUMMARY: N_("Summary"),
    CLAUSES: N_("Clauses"),
    ANNEXES: N_("Annexes"),
    SCHEDULE: N_("Payments and deadlines"),
    FILES: N_("Files"),
    SIGNING: N_("Signing page"),
    CHECKS: N_("Check"),
    REVIEW: N_("Review"),
}
TAB_ORDER = tuple(TAB_TITLES)
#: Review → the state steps: the 审阅 tab's buttons (ui.review_tab.STATE_BUTTONS), with the menu's Alt letters, named
#: here so that the menu does not import the tab at start-up.
REVIEW_STEPS = (
    (Status.REVIEW, N_("&Send for review")),
    (Status.APPROVED, N_("&Approve")),
    (Status.SIGNED, N_("Mark as si&gned")),
    (Status.ARCHIVED, N_("Ar&chive")),
    (Status.DRAFT, N_("&Back to draft")),
)
#: How many of a workbook's changes the import's question lists before "… and N more".
MAX_LINES_ASKED = 8
#: The contract list's share of the window's width when no splitter position is remembered.
LIST_SHARE_PERCENT = 35
#: How long edits must pause before the title's error count is checked again (the 校验 tab checks at once).
CHECK_DELAY_MS = 600
#: Where each tab's widget lives: (tab, module, class, takes the shared undo stack). A tab is built (and its
#: module imported) the first time it is shown or asked for, so start-up pays only for the tab on screen.
TAB_WIDGETS = (
    (SUMMARY, "ui.contract_form", "ContractForm", True),
    (CLAUSES, "ui.clause_editor", "ClauseEditor", True),
    (ANNEXES, "ui.annexes_tab", "AnnexesTab", False),
    (SCHEDULE, "ui.schedule_tab", "ScheduleTab", False),
    (FILES, "ui.attachments_tab", "AttachmentsTab", False),
    (SIGNING, "ui.signing_tab", "SigningTab", True),
    (CHECKS, "ui.check_tab", "CheckTab", False),
    (REVIEW, "ui.review_tab", "ReviewTab", False),
)


class _Pages(Mapping[str, QWidget]):
    """The tabs' widgets by tab name; asking for one builds it if it was not built yet."""

    def __init__(self, window: MainWindow) -> None:
        self._window = weakref.ref(window)  # no cycle: a closed window is freed as soon as it is dropped

    def __getitem__(self, tab: str) -> QWidget:
        window = self._window()
        if tab not in TAB_TITLES or window is None:
            raise KeyError(tab)
        return window._page(tab)

    def __iter__(self) -> Iterator[str]:
        return iter(TAB_ORDER)

    def __len__(self) -> int:
        return len(TAB_ORDER)


class MainWindow(RetranslateMixin, QMainWindow):
    """The desktop app's window over one open database (File → Open database… swaps it)."""

    #: A print-ready packet (PDF bytes) was rendered for preview or printing.
    packet_ready = Signal(bytes)
    contract_opened = Signal(str)
    #: The window is being painted for the first time (emitted as its paint begins).
    first_painted = Signal()

    def __init__(self, db: Database, target: str = "", *, store: QSettings | None = None,
                 today: date | None = None, defer_checks: bool = False, parent: QWidget | None = None) -> None:
        """`defer_checks`: run the first contract's check after the window is first painted (start-up)."""
        super().__init__(parent)
        self._defer_checks = defer_checks
        self._after_paint: list[Callable[[], None]] = []
        self._painted = False
        self.store = store if store is not None else keys.settings()
        self.today = today
        self.db = db
        self.target = target or db.url
        #: The single-instance lock of the open database (set by ui.main.run; switched with the database).
        self.database_lock: DatabaseLock | None = None
        self.number: str | None = None
        self.export_dialog: QDialog | None = None
        self.preview_dialog: QDialog | None = None
        self._packet_worker: ExportWorker | None = None
        self._archive_call: BackgroundCall | None = None
        self._import_call: ProgressCall | None = None
        self._watching_focus = False
        self._progress: QProgressDialog | None = None
        self.undo_group = QUndoGroup(self)
        self._check_soon = QTimer(self)
        self._check_soon.setSingleShot(True)
        self._check_soon.setInterval(CHECK_DELAY_MS)
        self._check_soon.timeout.connect(self._recheck)
        from app.base.clock import set_user_name

        set_user_name(keys.read_text(self.store, keys.USER_NAME_KEY))
        self.setWindowIcon(QIcon(str(_icon_path())))
        self._make_actions()
        self._make_menus()
        self._build_panes()
        self.statusBar()
        self._restore_layout()
        self.retranslate_ui()
        keys.remember_database(self.store, self.target)
        self.open_first_contract()

    # ------------------------------------------------------------------ building

    def _build_panes(self) -> None:
        """(Re)build list and tabs for self.db."""
        for stack in list(self.undo_group.stacks()):
            self.undo_group.removeStack(stack)
        self.operations: Operations = operations_for(self.db)
        self.operations.changed.connect(self._on_changes)
        self.operations.reopened.connect(self._reopened)
        self.contract_stack = QUndoStack(self)
        self.list_view = ContractListView(self.db, our_party=keys.our_party(self.store))
        self.list_view.contract_selected.connect(self._contract_chosen)
        self.list_view.contract_activated.connect(self._focus_contract)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("contractTabs")
        self.tabs.setDocumentMode(True)
        self._built: dict[str, QWidget] = {}
        self._stale: set[str] = set()
        self.pages = _Pages(self)
        for _tab in TAB_ORDER:
            self.tabs.addTab(QWidget(), "")  # an empty page until the tab is first shown
        self.undo_group.addStack(self.contract_stack)
        self._page(TAB_ORDER[self.tabs.currentIndex()])
        self.tabs.currentChanged.connect(self._tab_changed)
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.list_view)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self._default_split()
        self.splitter.setChildrenCollapsible(False)
        old = self.centralWidget()
        self.setCentralWidget(self.splitter)
        if old is not None:
            old.deleteLater()
        self._build_reminders()
        self.setTabOrder(self.list_view.search, self.list_view.status_combo)
        self.setTabOrder(self.list_view.status_combo, self.list_view.table)
        self.setTabOrder(self.list_view.table, self.tabs)
        self.after_paint(self._watch_tab_bar)  # after the paint: no event crosses into Python before it
        self._tab_changed(self.tabs.currentIndex())
        self._retranslate_tabs()

    def _build_reminders(self) -> None:
        """The reminders dock of this database (rebuilt when another database is opened); its list is computed
        after the window is first painted, off the GUI thread."""
        from ui.reminders_panel import RemindersPanel

        old = getattr(self, "reminders", None)
        if old is not None:
            self.view_menu.removeAction(old.toggleViewAction())
            self.removeDockWidget(old)
            old.deleteLater()
        self.reminders = RemindersPanel(self.db, self.today, self)
        self.reminders.open_contract.connect(self._open_from_reminder)
        self.reminders.status_message.connect(self.show_status)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.reminders)
        toggle = self.reminders.toggleViewAction()
        self.view_menu.addAction(toggle)
        # The dock names its menu item after its title, which has no Alt letter: the menu's own text, after it.
        self.reminders.windowTitleChanged.connect(lambda _title: toggle.setText(_("&Reminders")))
        toggle.setText(_("&Reminders"))
        # One line until the reminders are computed; the list opens (150 px, or as the clerk left it) if any fall due.
        self.after_paint(self.reminders.refresh)

    def _open_from_reminder(self, number: str) -> None:
        if not self.list_view.select_number(number):
            self.list_view.search.clear()
            self.list_view.status_combo.setCurrentIndex(0)
            self.list_view.apply_filter()
            self.list_view.select_number(number)
        self.tabs.setCurrentWidget(self.pages[SCHEDULE])

    def _page(self, tab: str) -> QWidget:
        """The tab's widget, built and put in its place the first time (it then waits in `_stale` for data)."""
        widget = self._built.get(tab)
        if widget is not None:
            return widget
        widget = self._make_tab(tab)
        name_fields_by_labels(widget)
        self._built[tab] = widget
        self._stale.add(tab)
        index = TAB_ORDER.index(tab)
        current = self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)
        empty = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, _(TAB_TITLES[tab]))
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        if empty is not None:
            empty.deleteLater()
        return widget

    def _make_tab(self, tab: str) -> QWidget:
        module, name, shared = next((m, c, sh) for t, m, c, sh in TAB_WIDGETS if t == tab)
        # Imported when first shown, not at start-up: start-up pays only for the tab on screen.
        cls = getattr(importlib.import_module(module), name)
        if tab == SCHEDULE:
            widget = cls(self.db, today=self.today)
        else:
            widget = cls(self.db, self.contract_stack) if shared else cls(self.db)
        if tab == ANNEXES:
            self.undo_group.addStack(widget.undo_stack)
        if tab == REVIEW:  # comments written but not added when the window last closed
            widget.comments.restore_drafts(keys.comment_drafts(self.store, self.target))
        if tab == CHECKS:
            widget.jump.connect(self.jump_to)
            widget.checked.connect(self.update_title)
        message = getattr(widget, "status_message", None)
        if message is not None and hasattr(message, "connect"):
            message.connect(self.show_status)
        return widget

    @property
    def check_tab(self) -> CheckTab:
        return self._page(CHECKS)  # type: ignore[return-value]

    @property
    def schedule_tab(self) -> ScheduleTab:
        return self._page(SCHEDULE)  # type: ignore[return-value]

    @property
    def annexes_tab(self) -> AnnexesTab:
        return self._page(ANNEXES)  # type: ignore[return-value]

    def _action(self, name: str, slot, shortcut=None, icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.act_new = self._action("new", self.new_contract, QKeySequence.StandardKey.New, sp.SP_FileIcon)
        self.act_open = self._action("open", self.choose_database, QKeySequence.StandardKey.Open, sp.SP_DialogOpenButton)
        self.act_import_json = self._action("importJson", self.import_json)
        self.act_import_xlsx = self._action("importXlsx", self.import_excel)
        self.act_import_text = self._action("importText", self.import_contract_text)
        # bound methods, not lambdas: a lambda holding self in a Qt connection keeps a closed window alive
        self.act_export_pdf = self._action("exportPdf", self.export_pdf, "Ctrl+E", sp.SP_DialogSaveButton)
        self.act_export_xlsx = self._action("exportXlsx", self.export_xlsx)
        self.act_export_json = self._action("exportJson", self.export_json)
        self.act_archive = self._action("archivePacket", self.export_archive_packet)
        self.act_ledger = self._action("contractLedger", self.open_ledger)
        self.act_office = self._action("officeSettings", self.open_office_settings)
        self.act_preview = self._action("printPreview", self.print_preview, "Ctrl+Shift+P", sp.SP_FileDialogContentsView)
        self.act_print = self._action("print", self.print_packet, QKeySequence.StandardKey.Print, sp.SP_DialogApplyButton)
        self.act_quit = self._action("quit", self.close, QKeySequence.StandardKey.Quit)
        # Not the group's own undo/redo actions: those undo at once, while what is being typed is not stored yet
        self.act_undo = self._action("undo", self.undo, QKeySequence.keyBindings(QKeySequence.StandardKey.Undo),
                                     sp.SP_ArrowBack)
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        if QKeySequence("Ctrl+Y") not in redo_keys:  # the Windows/WPS habit
            redo_keys.append(QKeySequence("Ctrl+Y"))
        self.act_redo = self._action("redo", self.redo, redo_keys, sp.SP_ArrowForward)
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        for signal in (self.undo_group.canUndoChanged, self.undo_group.canRedoChanged):
            signal.connect(self._update_undo_actions)
        self.act_find = self._action("find", self.find_contract, QKeySequence.StandardKey.Find, sp.SP_FileDialogDetailedView)
        self.act_user_name = self._action("userName", self.choose_user_name)
        self.act_comment = self._action("addComment", self.add_review_comment, "Ctrl+Alt+M")
        self.act_about = self._action("about", self.about)
        # Keyboard: the tabs in turn from anywhere in the window (a text box would keep Ctrl+Tab otherwise)
        self.act_next_tab = self._action("nextTab", self.next_tab, [QKeySequence("Ctrl+Tab"), QKeySequence("Ctrl+PgDown")])
        self.act_previous_tab = self._action(
            "previousTab", self.previous_tab, [QKeySequence("Ctrl+Shift+Tab"), QKeySequence("Ctrl+PgUp")])
        self.act_mark_reviewed = self._action("markReviewed", self.mark_reviewed, "Ctrl+Shift+R")
        self.state_actions = {target: self._action(f"state_{target.value}", lambda _c=False, t=target: self.step_to(t))
                              for target, _text in REVIEW_STEPS}
        for action in (self.act_undo, self.act_redo):
            self.addAction(action)
        # Qt names the command to undo in its own words ("Undo …"): ours, in the window's language, replace them
        for signal in (self.undo_group.undoTextChanged, self.undo_group.redoTextChanged,
                       self.undo_group.activeStackChanged):
            signal.connect(self._show_undo_texts)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = self.file_menu.addMenu("")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.recent_menu.triggered.connect(self._open_recent)
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.act_import_text, self.act_import_json, self.act_import_xlsx])
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.act_export_pdf, self.act_export_xlsx, self.act_export_json])
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.act_archive, self.act_ledger])
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.act_preview, self.act_print])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)
        self.edit_menu = bar.addMenu("")
        self.edit_menu.addActions([self.act_undo, self.act_redo])
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.act_find)
        self.edit_menu.addAction(self.act_comment)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.act_user_name)
        self.edit_menu.addAction(self.act_office)
        self.view_menu = bar.addMenu("")
        self.view_menu.addActions([self.act_next_tab, self.act_previous_tab])
        self.view_menu.addSeparator()
        self.our_party_menu = self.view_menu.addMenu("")
        self.our_party_actions = self._our_party_actions(self.our_party_menu)
        self.language_menu = self.view_menu.addMenu("")
        try:
            from ui.i18n import add_language_actions

            self.language_group = add_language_actions(self.language_menu, self.store)
        except ImportError:
            self.language_menu.menuAction().setVisible(False)
        self.review_menu = bar.addMenu("")
        self.review_menu.addAction(self.act_mark_reviewed)
        self.review_menu.addSeparator()
        self.review_menu.addActions(list(self.state_actions.values()))
        self.review_menu.aboutToShow.connect(self._update_review_menu)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.act_about)
        self.toolbar = self.addToolBar("")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addActions([self.act_new, self.act_open])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.act_export_pdf, self.act_preview, self.act_print])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.act_undo, self.act_redo, self.act_find])

    def _our_party_actions(self, menu) -> dict[str, QAction]:
        """View → We are: 甲方 / 乙方 — which party the office is; the list's 对方 column shows the other one."""
        from PySide6.QtGui import QActionGroup

        group = QActionGroup(self)
        actions: dict[str, QAction] = {}
        current = keys.our_party(self.store)
        for role in ("a", "b"):
            action = QAction(self, checkable=True)
            action.setObjectName(f"ourParty_{role}")
            action.setChecked(role == current)
            action.triggered.connect(lambda _checked=False, r=role: self.set_our_party(r))
            group.addAction(action)
            menu.addAction(action)
            actions[role] = action
        return actions

    def set_our_party(self, role: str) -> None:
        """The office is party `role` in its contracts (remembered); the list shows the other party."""
        self.store.setValue(keys.OUR_PARTY_KEY, role)
        self.our_party_actions[role].setChecked(True)
        self.list_view.set_our_party(role)

    # ------------------------------------------------------------------ texts

    def retranslate_ui(self) -> None:
        texts = {
            self.act_new: _("&New contract…"),
            self.act_open: _("&Open database…"),
            self.act_import_json: _("Import &JSON…"),
            self.act_import_xlsx: _("Import cost table from &Excel…"),
            self.act_import_text: _("Import contract &text…"),
            self.act_export_pdf: _("Export P&DF…"),
            self.act_export_xlsx: _("Export E&xcel…"),
            self.act_export_json: _("Export J&SON…"),
            self.act_archive: _("&Archive packet…"),
            self.act_ledger: _("Contract &ledger…"),
            self.act_office: _("&Office settings…"),
            self.act_preview: _("Print pre&view…"),
            self.act_print: _("&Print…"),
            self.act_quit: _("&Quit"),
            self.act_find: _("&Find"),
            self.act_user_name: _("Your &name in review records…"),
            self.act_comment: _("Add review &comment…"),
            self.act_about: _("&About ContractDesk"),
            self.act_next_tab: _("&Next tab"),
            self.act_previous_tab: _("&Previous tab"),
            self.act_mark_reviewed: _("&Mark as reviewed…"),
        }
        for target, text in REVIEW_STEPS:
            texts[self.state_actions[target]] = _(text)
        for action, text in texts.items():
            action.setText(text)
            action.setIconText(plain_text(text))  # toolbar buttons: no mnemonic, no ellipsis
            action.setToolTip(_with_shortcut(plain_text(text), action))
        reword_commands(self.undo_group.stacks())  # what Undo and Redo name, in the new language too
        self._show_undo_texts()
        self.file_menu.setTitle(_("&File"))
        self.recent_menu.setTitle(_("&Recent databases"))
        self.edit_menu.setTitle(_("&Edit"))
        self.view_menu.setTitle(_("&View"))
        self.our_party_menu.setTitle(_("&We are"))
        from app.domain import party_name

        for role, action in self.our_party_actions.items():
            action.setText(_("{party} (the list shows the other party)").format(party=party_name(role)))
        self.language_menu.setTitle(_("&Language"))
        self.review_menu.setTitle(_("&Review"))
        self.help_menu.setTitle(_("&Help"))
        self.toolbar.setWindowTitle(_("Toolbar"))
        self._retranslate_tabs()
        self.update_title()
        if self.statusBar().currentMessage():  # a message in the old language: say what changed instead
            self.show_status(_("Interface language: {language}").format(
                language=LANGUAGE_NAMES.get(i18n_language(), i18n_language())))

    def _undo_texts(self) -> tuple[str, str]:
        undo, redo = self.undo_group.undoText(), self.undo_group.redoText()
        return (_("&Undo {command}").format(command=undo) if undo else _("&Undo"),
                _("&Redo {command}").format(command=redo) if redo else _("&Redo"))

    def _show_undo_texts(self, *_args) -> None:
        for action, text in zip((self.act_undo, self.act_redo), self._undo_texts(), strict=True):
            action.setText(text)
            action.setIconText(plain_text(_("&Undo") if action is self.act_undo else _("&Redo")))
            action.setToolTip(_with_shortcut(plain_text(text), action))

    def _retranslate_tabs(self) -> None:
        if not hasattr(self, "tabs"):
            return
        for i, tab in enumerate(TAB_ORDER):
            self.tabs.setTabText(i, _(TAB_TITLES[tab]))

    def update_title(self) -> None:
        parts = []
        if self.number:
            parts.append(self.number)
            errors = self.check_tab.error_count if CHECKS in self._built and CHECKS not in self._stale else 0
            if errors:
                parts.append(ngettext("{n} error", "{n} errors", errors).format(n=errors))
        parts.append(_("ContractDesk"))
        self.setWindowTitle(" — ".join(parts))

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # ------------------------------------------------------------------ contracts

    def open_first_contract(self) -> None:
        """At start (and after switching database): the contract opened last, if it is still there; else the first."""
        last = keys.last_contract(self.store, self.target)
        if last and self.list_view.select_number(last):
            return
        summary = self.list_view.model.summary(0)
        if summary is not None:
            self.list_view.select_number(summary.number)
        else:
            self.open_contract(None)

    def _editor_tabs(self) -> list[QWidget]:
        return [self._built[tab] for tab in (SUMMARY, CLAUSES, ANNEXES, SIGNING) if tab in self._built]

    def may_leave_contract(self) -> bool:
        """True when leaving the open contract loses nothing typed, or the clerk chose to discard it; False
        (the clerk taken back to the entry) when they go back to correct it."""
        self.finish_typing()  # an entry still in its editor (a cost cell's, say) is stored or refused first
        entries = refused_entries(self._editor_tabs())
        if not entries or ask_to_discard(self, entries):
            return True
        path, (tab, _text, _problem) = next(iter(entries.items()))
        self.tabs.setCurrentWidget(tab)
        focus = getattr(tab, "focus_where", None)
        if focus is not None:
            focus(path)
        return False

    def _contract_chosen(self, number: str) -> None:
        """A row chosen in the list: open it, unless the clerk goes back to an entry of the open contract."""
        if number != self.number and self.number is not None and not self.may_leave_contract():
            self.list_view.select_number(self.number, emit=False)  # the list keeps showing the open contract
            return
        self.open_contract(number)

    def open_contract(self, number: str | None) -> None:
        """Show `number` (None: nothing open). The current tab and the check (for the title) load now;
        the others when they are first shown, so opening a contract never waits for a hidden tab."""
        if number == self.number and number is not None:
            return
        self.number = number
        self.contract_stack.clear()
        self._stale = set(TAB_ORDER)
        if number is not None:
            keys.remember_contract(self.store, self.target, number)
        if self._defer_checks:  # start-up: paint the contract first, its check (the title's error count) right after
            self._defer_checks = False
            self.after_paint(lambda: self._load_checks(number))
        else:
            self.ensure_loaded(CHECKS)
        self.ensure_loaded(self._current_tab())
        self.update_title()
        if number is not None:
            self.contract_opened.emit(number)

    def _load_checks(self, number: str | None) -> None:
        if number == self.number:
            self.ensure_loaded(CHECKS)
            self.update_title()

    def after_paint(self, job: Callable[[], None], *, first: bool = False) -> None:
        """Run `job` on the event-loop turn after the window's next paint (`first`: before the jobs already waiting).
        A paintEvent (and `first_painted`), not an event filter: a filter on the window would make every event it gets
        before the first paint cross into Python."""
        if first:
            self._after_paint.insert(0, job)
        else:
            self._after_paint.append(job)

    def paintEvent(self, event) -> None:
        if not self._painted:
            self._painted = True
            self.first_painted.emit()
        super().paintEvent(event)
        if self._after_paint:
            pending, self._after_paint = self._after_paint, []
            for job in pending:
                QTimer.singleShot(0, job)

    def _current_tab(self) -> str | None:
        index = self.tabs.currentIndex()
        return TAB_ORDER[index] if 0 <= index < len(TAB_ORDER) else None

    def ensure_loaded(self, tab: str | None) -> QWidget | None:
        """The tab's widget, showing the open contract (loaded now if it was not yet)."""
        if tab is None or tab not in TAB_TITLES:
            return None
        page = self._page(tab)
        if tab in self._stale:
            self._stale.discard(tab)
            setter = getattr(page, "set_contract", None)
            if setter is not None:
                setter(self.number)
        return page

    def _on_changes(self, changes: Changes) -> None:
        """An op changed something: the list follows (the tabs redraw themselves from the same feed)."""
        model = self.list_view.model
        if changes.touches(Part.DATABASE) or (changes.touches(Part.CONTRACTS) and changes.number is None):
            model.reload()
        elif changes.touches(Part.CONTRACTS):
            self._after_import(changes.number) if changes.version is not None else self._after_delete(changes.number)
        elif changes.touches(Part.CALENDAR, Part.OFFICE):  # every contract's deadlines
            model.reload()
        elif changes.number is not None and changes.parts & LISTED and model.refresh_contract(changes.number):
            model.reload()  # sorted or filtered: the row goes where it now belongs (or leaves the filter)
            if self.number is not None:
                self.list_view.select_number(self.number, emit=False)
        if changes.number == self.number and self.number is not None and changes.touches(Part.STATE):
            self._forget_edits_once_read_only()
        if (changes.number == self.number and self.number is not None and changes.content and CHECKS in self._built
                and self.check_tab.isHidden()):
            self._check_soon.start()  # the 校验 tab checks at once when shown; the title's count once typing pauses
        self.update_title()

    def _forget_edits_once_read_only(self) -> None:
        """Signed or archived: the edits made before can no longer be undone (the store refuses them), so Undo
        stops offering them; what is recorded after signing (acceptance, say) is undoable again from there."""
        from app.store.states import state_of

        assert self.number is not None
        if state_of(self.db, self.number) in READ_ONLY:
            self.contract_stack.clear()
            if ANNEXES in self._built:
                self.annexes_tab.undo_stack.clear()

    def _reopened(self, number: str) -> None:
        """Said where the refusal of a declined edit was said (it would stand there otherwise, contradicting)."""
        self.show_status(_("Changed: {number} is back in review and needs approving again").format(number=number))

    def _recheck(self) -> None:
        """The title's error count after edits made while the 校验 tab is not shown."""
        if self.number is not None and CHECKS in self._built and CHECKS not in self._stale:
            self.check_tab.refresh()
            self.check_tab._out_of_date = False

    def _after_delete(self, number: str | None) -> None:
        self.list_view.model.reload()
        self.list_view.update_count()
        if number == self.number:
            self.open_first_contract()

    def _tab_changed(self, index: int) -> None:
        tab = self._current_tab()
        if tab is None:
            return
        page = self._page(tab)  # built the first time it is shown
        stack = getattr(page, "undo_stack", None) if tab == ANNEXES else None
        self.undo_group.setActiveStack(stack if isinstance(stack, QUndoStack) else self.contract_stack)
        if tab in self._stale:
            self.ensure_loaded(tab)
        self.update_title()

    def next_tab(self) -> None:
        """Ctrl+Tab: the next tab, with the focus on its first field. Left where it was, the focus fell to the
        reminders dock's "Restore all" button when the page that had it was hidden: one Space restored every
        dismissed reminder."""
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + 1) % self.tabs.count())
        self._focus_page()

    def previous_tab(self) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() - 1) % self.tabs.count())
        self._focus_page()

    def _review_tab(self) -> QWidget | None:
        if self._require_contract() is None:
            return None
        review = self._page(REVIEW)
        self.ensure_loaded(REVIEW)
        self.tabs.setCurrentWidget(review)
        return review

    def mark_reviewed(self) -> None:
        """Review → Mark as reviewed (Ctrl+Shift+R): the 审阅 tab's button, reached from anywhere."""
        self.finish_typing()
        review = self._review_tab()
        button = getattr(review, "mark_button", None)
        if button is not None and button.isEnabled():
            button.click()

    def step_to(self, target) -> None:
        """Review → a state step: the 审阅 tab's button for it, with whatever it asks first."""
        self.finish_typing()
        review = self._review_tab()
        button = getattr(review, "state_buttons", {}).get(target)
        if button is not None and button.isEnabled():
            button.click()

    def _update_review_menu(self) -> None:
        """The menu offers the steps the contract's state allows, as the tab's buttons do."""
        review = self.ensure_loaded(REVIEW) if self.number is not None else None
        buttons = getattr(review, "state_buttons", {})
        for target, action in self.state_actions.items():
            button = buttons.get(target)
            action.setEnabled(button is not None and button.isEnabled())
        self.act_mark_reviewed.setEnabled(self.number is not None)

    def jump_to(self, where: str) -> None:
        """Go to the field, clause or annex a check finding names."""
        if where.startswith("annex:"):
            self.ensure_loaded(ANNEXES)
            try:
                self.annexes_tab.select_annex(where.split(":", 1)[1])
            except KeyError:
                pass
            self.tabs.setCurrentWidget(self.pages[ANNEXES])
            return
        for tab in (SUMMARY, CLAUSES, SIGNING):
            page = self.ensure_loaded(tab)
            focus = getattr(page, "focus_where", None)
            if page is None or focus is None:
                continue
            self.tabs.setCurrentWidget(page)
            if focus(where):
                return
        self.tabs.setCurrentWidget(self.pages[CHECKS])
        self.show_status(_("Cannot go to {where}").format(where=where))

    def _focus_contract(self, number: str) -> None:
        self._contract_chosen(number)
        if self.number != number:
            return
        self._focus_page()

    def _watch_tab_bar(self) -> None:
        self.tabs.tabBar().installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication) and not self._watching_focus:
            self._watching_focus = True
            app.focusChanged.connect(self._watch_editor)

    def _watch_editor(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Undo is offered while an entry is typed and not stored yet (it is stored, then undone): the editor in
        focus says when it has typing of its own to undo."""
        if new is not None and not new.property("undoWatched"):
            if isinstance(new, QLineEdit):
                new.setProperty("undoWatched", True)
                new.textEdited.connect(self._update_undo_actions)
            elif isinstance(new, (QPlainTextEdit, QTextEdit)):
                new.setProperty("undoWatched", True)
                new.undoAvailable.connect(self._update_undo_actions)
        self._update_undo_actions()

    def _update_undo_actions(self, *_args) -> None:
        focus = QApplication.focusWidget()
        typing = focus is not None and self.tabs.isAncestorOf(focus) and _has_typing(focus)
        self.act_undo.setEnabled(self.undo_group.canUndo() or typing)
        self.act_redo.setEnabled(self.undo_group.canRedo())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Tab on the tab bar goes to the page's first field. A tab built when first shown has its fields at the end
        of the window's focus chain, after the reminders dock: Tab went to the dock's buttons first."""
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Tab
                and event.modifiers() == Qt.KeyboardModifier.NoModifier and watched is self.tabs.tabBar()):
            self._focus_page()
            return True
        return super().eventFilter(watched, event)

    def _focus_page(self) -> None:
        """The focus on the current tab's first field (the keyboard's way into the page)."""
        page = self.tabs.currentWidget()
        if page is not None:
            page.setFocus(Qt.FocusReason.OtherFocusReason)
            page.focusNextChild()

    def comment_target(self) -> tuple[str, str]:
        """What a new review comment is about: the field, clause or cost-table row in focus, else the contract."""
        getter = getattr(self.tabs.currentWidget(), "comment_target", None)
        found = getter(QApplication.focusWidget()) if getter is not None else None
        return found or ("contract", "")

    def add_review_comment(self, *, text: str | None = None) -> None:
        """Comment on what the clerk is looking at (Ctrl+Alt+M, as in Word); it shows in the 审阅 tab and the list."""
        number = self._require_contract()
        if number is None:
            return
        from app.ops.review import add_comment
        from app.rules.field_text import describe_target

        kind, target = self.comment_target()
        about = describe_target(kind, target)
        if text is None:
            text, ok = QInputDialog.getMultiLineText(self, _("Add review comment"),
                                                     _("Comment on {target}:").format(target=about))
            if not ok:
                return
        try:
            self.operations.run(add_comment, number, kind, target, text)
        except UserError as exc:
            QMessageBox.warning(self, _("Add review comment"), str(exc))
            return
        self.show_status(_("Comment added on {target}").format(target=about))

    def choose_user_name(self, *, name: str | None = None) -> None:
        """The name state steps, comments, revisions and the audit trail record (default: the login name)."""
        from app.base.clock import current_user, set_user_name

        if name is None:
            name, ok = QInputDialog.getText(self, _("Your name"), _("Name recorded with your reviews and changes:"),
                                            text=current_user())
            if not ok:
                return
        set_user_name(name)
        self.store.setValue(keys.USER_NAME_KEY, name.strip())
        self.show_status(_("Changes are now recorded as {name}").format(name=current_user()))

    def find_contract(self) -> None:
        self.list_view.focus_search()

    def finish_typing(self) -> None:
        """Store what the clerk is typing in a tab (a field, a clause, a cost-table cell) before an action reads or
        changes the contract. An editor stores its entry when the focus leaves it, but a toolbar button or a
        shortcut leaves the focus where it is: the action would read the stored contract without the entry, or
        undo an earlier edit and redraw over it. The focus leaves and comes back (a closed cell editor's goes to its
        table)."""
        focus = QApplication.focusWidget()
        if focus is None or not self.tabs.isAncestorOf(focus):
            return
        focus.clearFocus()  # the editor's own focus-out stores the entry (or keeps a refused one marked on screen)
        while focus is not None and not (focus.isVisible() and focus.focusPolicy() != Qt.FocusPolicy.NoFocus):
            focus = focus.parentWidget()
        if focus is not None and self.tabs.isAncestorOf(focus):
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def undo(self) -> None:
        """Edit → Undo on the current tab's stack; what is being typed is stored first, so it is what is undone."""
        self.finish_typing()
        stack = self.undo_group.activeStack()
        if stack is None or not stack.canUndo():
            return
        self._reveal(stack.command(stack.index() - 1))
        what = stack.undoText()
        self.undo_group.undo()
        if stack.canRedo() and stack.redoText() == what:  # done (a refused one is dropped and says why itself)
            self.show_status(_("Undone: {what}").format(what=what))

    def redo(self) -> None:
        """Edit → Redo; what is being typed is stored first (a new edit, after which there is nothing to redo)."""
        self.finish_typing()
        stack = self.undo_group.activeStack()
        if stack is None or not stack.canRedo():
            return
        self._reveal(stack.command(stack.index()))
        what = stack.redoText()
        self.undo_group.redo()
        if stack.canUndo() and stack.undoText() == what:
            self.show_status(_("Redone: {what}").format(what=what))

    def _reveal(self, command) -> None:
        """Bring forward the tab whose edit Undo or Redo is about to change, its field focused: 概要, 条款 and
        签署页 share one stack, and a title undone from 条款 changed nothing in sight (a refusal was said on the
        hidden tab). The stack stays the same one: the tab change does not switch it."""
        page, path = command_page(command)
        if page is None or self.tabs.indexOf(page) < 0:
            return
        if self.tabs.currentWidget() is not page:
            self.tabs.setCurrentWidget(page)
        focus = getattr(page, "focus_where", None)
        if path is not None and focus is not None:
            focus(path)

    def _require_contract(self) -> str | None:
        if self.number is None:
            self.show_status(_("Open a contract first"))
        return self.number

    def new_contract(self) -> None:
        """Ask for the new contract's number; a number refused (blank, taken) is asked for again with what was typed
        and why, so that the clerk corrects it instead of starting over."""
        label, typed = _("Contract number:"), ""
        while True:
            number, ok = QInputDialog.getText(self, _("New contract"), label, QLineEdit.EchoMode.Normal, typed)
            if not ok:
                return
            from app.ops import contracts as contract_ops  # SQLAlchemy: not before the first paint (ui.first_paint)

            try:
                self.operations.run(contract_ops.create_contract, number.strip(), _("New contract"), versioned=False)
            except UserError as exc:
                label, typed = _("Contract number:") + "\n" + _("Not created: {reason}").format(reason=exc), number
                continue
            break
        if self.number == number.strip():  # opened: straight to its first field, so typing can start
            form = self._page(SUMMARY)
            self.ensure_loaded(SUMMARY)
            self.tabs.setCurrentWidget(form)
            focus = getattr(form, "focus_where", None)
            if focus is not None:
                focus("party_a_number")

    def _after_import(self, number: str | None) -> None:
        """Show a contract that was just added (or replaced) in the list, and open it."""
        if number is None:
            return
        self.list_view.model.reload()
        self.list_view.update_count()
        if self.number == number:
            self.number = None  # force every tab to re-read it
        if not self.list_view.select_number(number):
            self.list_view.search.clear()
            self.list_view.status_combo.setCurrentIndex(0)
            self.list_view.apply_filter()
            self.list_view.select_number(number)

    def import_json(self, *, path: str | None = None) -> None:
        if not path:
            path, _selected = QFileDialog.getOpenFileName(self, _("Import a contract"), "", _("ContractDesk JSON (*.json)"))
            if not path:
                return
        from app.base.fileio import read_input_file
        from app.codecs.json_codec import loads_document
        from app.ops import contracts as contract_ops
        from app.store import contracts

        try:
            data = read_input_file(path)
            contract, comments, amendments = loads_document(data)
            replace = False
            if contracts.exists(self.db, contract.number):
                answer = QMessageBox.question(
                    self, _("Import"),
                    _("Contract {number} is already in the database. Replace it with the imported one?").format(
                        number=contract.number)
                    + ("\n" + _("Answer No to keep yours and only merge the file's comments and amendments.")
                       if comments or amendments else ""),
                )
                if answer != QMessageBox.StandardButton.Yes and not (comments or amendments):
                    return
                replace = answer == QMessageBox.StandardButton.Yes
            result = self.operations.call(contract_ops.import_document, data, replace=replace,
                                          source=Path(path).name).value
        except UserError as exc:
            QMessageBox.warning(self, _("Import"), str(exc))
            return
        if result.imported_state is not None:
            self.show_status(_("Imported {number}; it arrived {state}, recorded in its state history as imported "
                               "from {file}").format(number=result.number, state=result.imported_state.label,
                                                     file=Path(path).name))
        elif result.created or result.replaced:
            self.show_status(_("Imported {number}").format(number=result.number))
        else:
            self.show_status(_("{number} kept as it is; merged from the file: comments {added} new, {updated} updated; "
                               "amendments {amendments} new").format(
                number=result.number, added=result.comments_added, updated=result.comments_updated,
                amendments=result.amendments_added))
        self._after_import(result.number)
        if result.comments_kept_apart:
            from app.store.comments import kept_apart_note

            QMessageBox.information(self, _("Import"), kept_apart_note(result.comments_kept_apart))

    def import_contract_text(self, *, path: str | None = None) -> QDialog | None:
        """Read a contract from a Word file, a text or a text PDF and show it for checking (ui.intake_dialog); what
        the clerk accepts is stored as a new contract, which the change feed opens here. Returns the dialog."""
        if not path:
            path, _selected = QFileDialog.getOpenFileName(
                self, _("Import contract text"), "", _("Contract texts (*.docx *.txt *.pdf);;All files (*)"))
            if not path:
                return None
        from ui.intake_dialog import IntakeDialog

        dialog = IntakeDialog(self.db, Path(path), parent=self)
        dialog.status_message.connect(self.show_status)
        dialog.finished.connect(dialog.deleteLater)
        self.intake_dialog = dialog
        dialog.open()
        dialog.start()
        return dialog

    def import_excel(self, *, path: str | None = None) -> ProgressCall | None:
        """Replace the current contract's cost table with one read from a workbook, after confirmation. The workbook
        is read and compared off the GUI thread, with progress and Cancel (a 20,000-row table takes a second or two);
        returns that call (None when nothing is read)."""
        number = self._require_contract()
        if number is None or self._import_call is not None:
            return None
        from app.store import contracts

        try:
            contract, version = contracts.load_versioned(self.db, number)
            annex = next((a for a in contract.annexes if a.table is not None), None)
            if annex is None:
                raise UserError(_("this contract has no cost-table annex"), number)
        except UserError as exc:
            QMessageBox.warning(self, _("Import cost table"), str(exc))
            return None
        if not path:
            path, _selected = QFileDialog.getOpenFileName(self, _("Import a cost table"), "", _("Excel workbooks (*.xlsx)"))
            if not path:
                return None
        from app.codecs.xlsx_import import read_cost_table
        from app.rules.tablediff import diff_cost_rows

        old, workbook = annex.table or [], Path(path)

        def read(progress: Callable[[int, int], None]):
            table = read_cost_table(workbook, annex.no, annex.title, contract.number, progress=progress)
            return table, diff_cost_rows(old, table.rows)

        def done(result) -> None:
            self._import_call = None
            self._offer_table(number, version, annex.no, len(old), *result)

        def failed(exc: Exception) -> None:
            self._import_call = None
            if isinstance(exc, Cancelled):
                self.show_status(_("Import cancelled; nothing changed"))
            elif isinstance(exc, UserError):
                QMessageBox.warning(self, _("Import cost table"), str(exc))
            else:
                raise exc  # a bug: the crash dialog, not a silent stop

        self._import_call = self._with_progress(_("Import cost table"), _("Reading the workbook…"), read, done, failed)
        return self._import_call

    def _offer_table(self, number: str, version: int, annex_no: str, old_rows: int, table, diff) -> None:
        """The workbook's table, read and compared: stored once the clerk agrees."""
        from app.ops.annexes import import_cost_table

        if diff.is_empty:
            self.show_status(_("The workbook holds the same table; nothing changed"))
            return
        from app.review.report import table_lines

        *changes, total = [line.strip() for line in table_lines(diff)]  # as the review reports it, the total last
        more = len(changes) - MAX_LINES_ASKED
        shown = [*changes[:MAX_LINES_ASKED], *([_("… and {n} more").format(n=more)] if more > 0 else []), total]
        question = _("Replace the table of annex {no} ({old} rows) with the {new} rows of the workbook?").format(
            no=annex_no, old=old_rows, new=len(table.rows))
        answer = QMessageBox.question(self, _("Import cost table"), question + "\n\n" + "\n".join(shown))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:  # compared with the contract as read before: stored only if nothing changed since
            self.operations.run(import_cost_table, number, annex_no, table.rows, versioned=False,
                                expected_version=version)
        except UserError as exc:
            QMessageBox.warning(self, _("Import cost table"), str(exc))
            return
        self.show_status(_("Annex {no} now holds {n} rows").format(no=annex_no, n=len(table.rows)))

    def _with_progress(self, title: str, label: str, fn, done: Callable[[Any], None],
                       failed: Callable[[Exception], None]) -> ProgressCall:
        """Run `fn(progress)` off the GUI thread behind a window-modal progress dialog with Cancel (shown after
        400 ms); then `done(result)` or `failed(exception)` on the GUI thread (Cancelled when the clerk cancelled)."""
        dialog = QProgressDialog(label, _("Cancel"), 0, 0, self)
        dialog.setWindowTitle(title)
        dialog.setMinimumDuration(400)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        call = ProgressCall(fn)
        dialog.canceled.connect(call.cancel)

        def advance(count: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(count)

        def close() -> None:
            dialog.reset()
            dialog.deleteLater()

        call.signals.progress.connect(advance)
        for signal, then in ((call.signals.done, done), (call.signals.failed, failed)):
            signal.connect(close)
            signal.connect(then)
        QThreadPool.globalInstance().start(call)
        return call

    # ------------------------------------------------------------------ export and print

    def export_pdf(self) -> None:
        self.export(ExportKind.PDF)

    def export_xlsx(self) -> None:
        self.export(ExportKind.XLSX)

    def export_json(self) -> None:
        self.export(ExportKind.JSON)

    def export(self, kind: ExportKind = ExportKind.PDF):
        """Open the export dialog (window-modal, so the window keeps painting); returns it."""
        self.finish_typing()
        number = self._require_contract()
        if number is None:
            return None
        from ui.export_dialog import ExportDialog

        folder = keys.read_text(self.store, keys.EXPORT_FOLDER_KEY)
        dialog = ExportDialog(self.db, number, kind, folder=folder, today=self.today, parent=self)
        dialog.exported.connect(self._exported)
        dialog.finished.connect(dialog.deleteLater)
        name_fields_by_labels(dialog)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def _exported(self, path) -> None:
        self.store.setValue(keys.EXPORT_FOLDER_KEY, str(Path(path).parent))
        self.show_status(_("Saved {file}").format(file=str(path)))

    def _pdf_font(self) -> str:
        """The font chosen in the export dialog, if this computer has it (else automatic)."""
        from ui.export_dialog import installed_font_choices

        chosen = keys.read_text(self.store, keys.EXPORT_PDF_FONT_KEY) or "auto"
        return chosen if chosen in installed_font_choices() else "auto"

    def render_packet(self, then) -> ExportWorker | None:
        """Lay the packet out off the GUI thread (progress dialog with Cancel), then call then(pdf_bytes)."""
        self.finish_typing()
        number = self._require_contract()
        if number is None or self._packet_worker is not None:
            return None
        from app.ops.export import ExportOptions

        worker = ExportWorker(ExportJob(ExportKind.PREVIEW, self.db, number, ExportOptions(font=self._pdf_font())))
        progress = QProgressDialog(_("Laying out the packet…"), _("Cancel"), 0, 0, self)
        progress.setWindowTitle(_("Print"))
        progress.setMinimumDuration(400)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.canceled.connect(worker.cancel)

        def advance(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)

        worker.signals.progress.connect(advance)

        def done() -> None:
            self._packet_worker = None
            self._progress = None
            progress.reset()
            progress.deleteLater()

        def finished(pdf: bytes) -> None:
            done()
            self.packet_ready.emit(pdf)
            then(pdf)

        def failed(message: str) -> None:
            done()
            QMessageBox.warning(self, _("Print"), message)

        worker.signals.finished.connect(finished)
        worker.signals.failed.connect(failed)
        worker.signals.cancelled.connect(done)
        self._packet_worker, self._progress = worker, progress
        QThreadPool.globalInstance().start(worker)
        return worker

    def _printed(self, number: str) -> None:
        """A packet went to the printer: the contract is kept as printed."""
        from app.ops.export import packet_printed

        try:
            self.operations.run(packet_printed, number, versioned=False)
        except UserError as exc:
            self.show_status(str(exc))
            return
        self.show_status(_("Sent to the printer"))

    def print_preview(self) -> None:
        from ui.print_preview import show_preview

        number = self.number or ""

        def show(pdf: bytes) -> None:
            dialog = show_preview(pdf, number, self)
            dialog.accepted.connect(lambda: self._printed(number))  # its Print button prints, then accepts
            self.preview_dialog = dialog
            dialog.open()

        self.render_packet(show)

    def print_packet(self) -> None:
        from ui.print_preview import print_with_dialog

        number = self.number or ""

        def print_it(pdf: bytes) -> None:
            try:
                if print_with_dialog(pdf, number, self):
                    self._printed(number)
            except UserError as exc:
                QMessageBox.warning(self, _("Print"), str(exc))

        self.render_packet(print_it)

    # ------------------------------------------------------------------ the office's records

    def export_archive_packet(self, *, path: str | None = None):
        """File → Archive packet…: the contract's archive packet as one PDF, written off the GUI thread; the
        window says what it holds and what the office's settings want that is still missing."""
        from app.base.fileio import file_name_part
        from app.ops.archive import export_archive

        self.finish_typing()
        number = self._require_contract()
        if number is None or self._archive_call is not None:
            return None
        if not path:
            folder = keys.read_text(self.store, keys.EXPORT_FOLDER_KEY)
            suggested = str(Path(folder or Path.home()) / (_("archive packet {number}").format(
                number=file_name_part(number)) + ".pdf"))
            path, _selected = QFileDialog.getSaveFileName(self, _("Archive packet"), suggested, _("PDF files (*.pdf)"))
            if not path:
                return None
        db, today, font = self.db, self.today, self._pdf_font()
        self.show_status(_("Writing the archive packet…"))
        self._archive_path = path
        self._archive_call = run_in_background(
            lambda: export_archive(db, number, Path(path), font=font, today=today), self._archive_done,
            self._archive_failed)
        return self._archive_call

    def _archive_done(self, result) -> None:
        self._archive_call = None
        self.operations.announce(result.changes)
        packet, path = result.value, self._archive_path
        lines = [_("Saved {file}: {files}, {pages}.").format(
            file=path, files=ngettext("{n} file", "{n} files", len(packet.entries)).format(n=len(packet.entries)),
            pages=ngettext("{n} numbered page", "{n} numbered pages", packet.numbered_pages).format(
                n=packet.numbered_pages))]
        if packet.missing:
            lines.append(_("Still missing for the archive: {items}").format(
                items=_(", ").join(k.label for k in packet.missing)))
        lines += [p for c in packet.comparisons for p in c.problems]
        self.archive_message = "\n".join(lines)
        self._exported(path)
        box = QMessageBox(QMessageBox.Icon.Warning if len(lines) > 1 else QMessageBox.Icon.Information,
                          _("Archive packet"), self.archive_message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("archiveResult")
        box.finished.connect(box.deleteLater)
        box.open()

    def _archive_failed(self, exc: Exception) -> None:
        self._archive_call = None
        QMessageBox.warning(self, _("Archive packet"), str(exc))

    def open_ledger(self):
        from ui.ledger_dialog import LedgerDialog

        dialog = LedgerDialog(self.db, keys.read_text(self.store, keys.EXPORT_FOLDER_KEY), self.today, self)
        dialog.written.connect(lambda paths: paths and self._exported(paths[0]))
        dialog.finished.connect(dialog.deleteLater)
        self.ledger_dialog = dialog
        dialog.open()
        return dialog

    def open_office_settings(self):
        from ui.office_dialog import OfficeSettingsDialog

        dialog = OfficeSettingsDialog(self.db, self)
        dialog.accepted.connect(lambda: self.show_status(_("Office settings saved")))
        dialog.finished.connect(dialog.deleteLater)
        self.office_dialog = dialog
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ databases

    def choose_database(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(
            self, _("Open database"), "", _("ContractDesk databases (*.db *.sqlite);;All files (*)")
        )
        if path:
            self.open_database(path)

    def open_database(self, target: str) -> bool:
        """Switch to another database; on a problem the current one stays open and the user is told."""
        if not self.may_leave_contract():
            return False
        from app.ops.first_run import open_store
        from app.store.db import DatabaseProblem

        try:
            lock = acquire_for(target) if target != self.target else None
            try:
                db = open_store(target)
            except DatabaseProblem:
                if lock:
                    lock.release()
                raise
        except UserError as exc:  # DatabaseProblem, or DatabaseInUse naming who has it open
            QMessageBox.critical(self, _("Open database"), str(exc))
            return False
        if lock is not None:
            if self.database_lock is not None:
                self.database_lock.release()
            self.database_lock = lock
        warning = network_share_warning(target)
        if warning:
            QMessageBox.warning(self, _("Database on a network share"), warning)
        self._keep_comment_drafts()
        old = self.db
        finish_background_calls()  # the reminders may still be reading the old store
        self.db, self.target, self.number = db, target, None
        self._build_panes()
        old.close()
        keys.remember_database(self.store, target)
        self.open_first_contract()
        self.show_status(_("Opened {file}").format(file=target))
        return True

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for target in keys.recent_databases(self.store):
            self.recent_menu.addAction(target).setData(target)
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction(_("(none)")).setEnabled(False)

    def _open_recent(self, action: QAction) -> None:
        target = action.data()
        if target:
            self.open_database(str(target))

    def about(self) -> None:
        QMessageBox.about(
            self,
            _("About ContractDesk"),
            _("ContractDesk {version}\nContract packets kept in a local database: check, schedule, export and print.\n\n"
              "Database: {db}").format(version=__version__, db=self.target),
        )

    # ------------------------------------------------------------------ layout memory

    def _restore_layout(self) -> None:
        geometry = keys.read_bytes(self.store, keys.GEOMETRY_KEY)
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(1400, int(screen.width() * 0.9)), min(860, int(screen.height() * 0.9)))
        state = keys.read_bytes(self.store, keys.WINDOW_STATE_KEY)
        if state is not None:
            self.restoreState(state)
        splitter = keys.read_bytes(self.store, keys.SPLITTER_KEY)
        if splitter is None or not self.splitter.restoreState(splitter):
            self._default_split()
        self.list_view.apply_column_layout(keys.read_text(self.store, keys.LIST_COLUMNS_KEY))  # as the clerk left it

    def _default_split(self) -> None:
        """The list gets about a third of the window, the contract's tabs the rest. Sizes set before the
        window has its width are taken as pixels for the list, so they follow the window's width here."""
        width = max(self.width(), 800)
        list_width = width * LIST_SHARE_PERCENT // 100
        self.splitter.setSizes([list_width, width - list_width])

    def _keep_comment_drafts(self) -> None:
        """Review comments written but not added are kept for the next time this database is open (as a mail
        program keeps drafts): closing the window or opening another database does not throw them away."""
        review = cast("ReviewTab | None", self._built.get(REVIEW))
        if review is not None:
            keys.keep_comment_drafts(self.store, self.target, review.comments.all_drafts())

    def save_layout(self) -> None:
        self.store.setValue(keys.GEOMETRY_KEY, self.saveGeometry())
        self.store.setValue(keys.WINDOW_STATE_KEY, self.saveState())
        self.store.setValue(keys.SPLITTER_KEY, self.splitter.saveState())
        self.store.setValue(keys.LIST_COLUMNS_KEY, self.list_view.column_layout())
        self.store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.finish_typing()
        if not self.may_leave_contract():
            event.ignore()
            return
        if self._packet_worker is not None:
            self._packet_worker.cancel()
        self._keep_comment_drafts()
        self.save_layout()
        super().closeEvent(event)


def _has_typing(editor: QWidget) -> bool:
    """Whether `editor` holds typing it could undo itself (an entry not stored yet, or not redrawn since)."""
    if isinstance(editor, QLineEdit):
        return editor.isUndoAvailable() and not editor.isReadOnly()
    if isinstance(editor, (QPlainTextEdit, QTextEdit)):
        return editor.document().isUndoAvailable() and not editor.isReadOnly()
    return False


def plain_text(text: str) -> str:
    """A menu text without its mnemonic ("&Open…", "打开(&O)…") and trailing ellipsis, for toolbars and tooltips."""
    text = re.sub(r"\s*[(（]&\w[)）]", "", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return re.sub(r"(…|\.\.\.)+$", "", text.strip()).strip()


def _with_shortcut(text: str, action: QAction) -> str:
    """A tooltip naming the action's shortcut, in the language's own brackets (全角括号 in Chinese)."""
    shortcut = action.shortcut()
    if shortcut.isEmpty():
        return text
    return _("{action} ({shortcut})").format(action=text, shortcut=shortcut.toString(QKeySequence.SequenceFormat.NativeText))


def _icon_path() -> Path:
    from app.base.resources import resource

    return resource("icons", "contractdesk.png")

