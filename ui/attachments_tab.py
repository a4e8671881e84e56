"""The 材料 tab: the files kept with the contract (review opinion, approval sheet, scanned signed original …).

Files are attached with a file dialog or dropped onto the list (the clerk says what kind they are), opened with
the system's viewer, saved elsewhere, removed; above the list, what the office's settings want in the archive
that is still missing, and how each scanned signed original compares with the packet it came from. The checks
(type, size, digest, duplicates) are app.archive's and app.ops.attachments'; this tab shows their answers.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.base.clock import local_time
from app.base.errors import UserError
from app.base.i18n import _, ngettext
from app.domain.attachment import AttachmentInfo
from app.domain.kinds import AttachmentKind
from app.ops import Part
from app.store import attachments as store
from app.store.db import Database
from app.values.file_types import PATTERNS, size_text
from ui.background import BackgroundCall, run_in_background
from ui.change_feed import FollowsContract
from ui.flow_layout import FlowLayout
from ui.i18n import RetranslateMixin
from ui.operations import operations_for
from ui.problem_label import PROBLEM_STYLE
from ui.value_combo import ValueCombo


class FileList(QTreeWidget):
    """The list of files; files dropped on it are handed to `dropped` (local paths)."""

    dropped = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.dropped.emit(paths)
        else:
            super().dropEvent(event)


class AttachmentsTab(FollowsContract, RetranslateMixin, QWidget):
    status_message = Signal(str)
    SHOWS = frozenset({Part.ATTACHMENTS, Part.LIFECYCLE, Part.OFFICE, Part.STATE})

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operations = operations_for(db)
        self.number: str | None = None
        self.items: list[AttachmentInfo] = []
        #: How a file is opened with the system's viewer (tests replace it).
        self.open_url = QDesktopServices.openUrl
        self._folder: tempfile.TemporaryDirectory[str] | None = None  # copies opened for viewing; made when needed
        self._comparing: BackgroundCall | None = None
        self.check_label = QLabel()
        self.check_label.setObjectName("archiveCheck")
        self.check_label.setWordWrap(True)
        self.compare_label = QLabel()
        self.compare_label.setObjectName("scanComparison")
        self.compare_label.setWordWrap(True)
        self.list = FileList()
        self.list.setObjectName("attachmentList")
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setColumnCount(7)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setStretchLastSection(True)
        self.list.dropped.connect(self.attach_paths)
        self.list.itemDoubleClicked.connect(lambda _item, _col: self.open_selected())
        self.list.itemSelectionChanged.connect(self._enable)
        self.kind = ValueCombo()
        self.kind.setObjectName("attachmentKind")
        for kind in AttachmentKind:
            self.kind.add_value(kind.label, kind)
        self.attach_button = QPushButton()
        self.open_button = QPushButton()
        self.save_button = QPushButton()
        self.remove_button = QPushButton()
        self.compare_button = QPushButton()
        self.attach_button.clicked.connect(lambda: self.attach_paths(None))
        self.open_button.clicked.connect(self.open_selected)
        self.save_button.clicked.connect(lambda: self.save_selected())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.compare_button.clicked.connect(self.compare_scans)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        buttons = FlowLayout()  # wraps when the tab is narrow (ui.flow_layout)
        buttons.addWidget(self.kind)
        buttons.addWidget(self.attach_button)
        for button in (self.open_button, self.save_button, self.remove_button, self.compare_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.check_label)
        layout.addWidget(self.compare_label)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self.retranslate_ui()
        self.follow(self.operations)

    def retranslate_ui(self) -> None:
        self.list.setHeaderLabels([_("Kind"), _("File"), _("Size"), _("Pages"), _("Attached"), _("By"), _("SHA-256")])
        for i, kind in enumerate(AttachmentKind):
            self.kind.setItemText(i, kind.label)
        for button, text in ((self.attach_button, _("Attach…")), (self.open_button, _("Open")),
                             (self.save_button, _("Save as…")), (self.remove_button, _("Remove…")),
                             (self.compare_button, _("Compare scanned original"))):
            button.setText(text)
            button.setAccessibleName(text.rstrip("…"))
        self.attach_button.setToolTip(_("Attach a file of the kind chosen on the left"))
        self.compare_button.setToolTip(
            _("Compare each scanned signed original with the packet it came from: pages, number and total"))
        self.kind.setAccessibleName(_("Kind of file to attach"))
        self.list.setAccessibleName(_("Files kept with the contract"))
        self.hint.setText(_("Drop files here to attach them (PDF, PNG, JPEG, Word, Excel; up to 50 MB each). "
                            "Double-click a file to open it."))
        if self.number is not None:
            self.refresh()

    def set_contract(self, number: str | None) -> None:
        self.number = number
        self.compare_label.setText("")
        self.compare_label.hide()
        self.refresh()

    # ------------------------------------------------------------------ drawing

    def refresh(self) -> None:
        from datetime import date

        from app.ops.standings import standing

        self.list.clear()
        self.items = []
        self.check_label.setText("")
        if self.number is None:
            self._enable()
            return
        try:
            st = standing(self.db, self.number, date.today())
        except UserError as exc:
            self.status_message.emit(str(exc))
            self._enable()
            return
        self.items = st.attachments
        for info in self.items:
            pages = str(info.pages) if info.pages is not None else "—"
            row = QTreeWidgetItem([info.kind.label, info.name, size_text(info.size), pages, local_time(info.added_at),
                                   info.added_by, info.sha256[:16] + "…"])
            row.setToolTip(6, info.sha256)
            row.setToolTip(1, info.note or info.name)
            row.setData(0, Qt.ItemDataRole.UserRole, info.id)
            self.list.addTopLevelItem(row)
        missing = st.missing_items
        if missing:
            self.check_label.setText(_("Still missing for the archive: {items}").format(
                items=_(", ").join(k.label for k in missing)))
            self.check_label.setStyleSheet(PROBLEM_STYLE)
        else:
            self.check_label.setText(_("Every file the office's rules want for the archive is attached."))
            self.check_label.setStyleSheet("")
        self._enable()

    def selected(self) -> AttachmentInfo | None:
        rows = self.list.selectedItems()
        if not rows:
            return None
        wanted = rows[0].data(0, Qt.ItemDataRole.UserRole)
        return next((i for i in self.items if i.id == wanted), None)

    def _enable(self) -> None:
        has = self.selected() is not None
        for button in (self.open_button, self.save_button, self.remove_button):
            button.setEnabled(has)
        self.attach_button.setEnabled(self.number is not None)
        self.compare_button.setEnabled(any(i.kind is AttachmentKind.SIGNED_ORIGINAL for i in self.items)
                                       and self._comparing is None)

    # ------------------------------------------------------------------ actions

    def attach_paths(self, paths: list[str] | None, kind: AttachmentKind | None = None) -> int:
        """Attach files (chosen in a dialog when `paths` is None); dropped files ask for their kind. The value is
        how many were attached; each refusal is reported with the file's name."""
        from app.ops.attachments import attach_path

        if self.number is None:
            return 0
        if paths is None:
            paths, _selected = QFileDialog.getOpenFileNames(
                self, _("Attach files"), "", _("Files that can be attached ({patterns})").format(patterns=PATTERNS))
            if not paths:
                return 0
            kind = kind or self.kind.value()
        elif kind is None:
            labels = [k.label for k in AttachmentKind]
            chosen, ok = QInputDialog.getItem(self, _("Attach files"), _("What kind of file is this?"), labels,
                                              self.kind.currentIndex(), False)
            if not ok:
                return 0
            kind = list(AttachmentKind)[labels.index(chosen)]
        attached, problems = 0, []
        for path in paths:
            try:
                self.operations.run(attach_path, self.number, kind, Path(path))
                attached += 1
            except UserError as exc:
                problems.append(str(exc))
        if problems:
            QMessageBox.warning(self, _("Attach files"), "\n".join(problems))
        if attached:
            self.status_message.emit(ngettext("{n} file attached", "{n} files attached", attached).format(n=attached))
        return attached

    def _write_temp(self, info: AttachmentInfo) -> Path:
        _info, data = store.content(self.db, self.number or "", info.id)
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="contractdesk-files-")
            self.destroyed.connect(lambda *_args, kept=self._folder: kept.cleanup())  # gone with the window
        folder = Path(self._folder.name) / str(info.id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / info.name
        path.write_bytes(data)
        return path

    def open_selected(self) -> Path | None:
        """Open the selected file with the system's viewer (from a private temporary copy)."""
        info = self.selected()
        if info is None or self.number is None:
            return None
        try:
            path = self._write_temp(info)
        except (UserError, OSError) as exc:
            self.status_message.emit(str(exc))
            return None
        if not self.open_url(QUrl.fromLocalFile(str(path))):
            self.status_message.emit(_("No program on this computer opens {name}").format(name=info.name))
        return path

    def save_selected(self, target: str | None = None) -> None:
        from app.base.fileio import atomic_write_bytes

        info = self.selected()
        if info is None or self.number is None:
            return
        if target is None:
            target, _selected = QFileDialog.getSaveFileName(self, _("Save the file"), info.name)
            if not target:
                return
        try:
            _info, data = store.content(self.db, self.number, info.id)
            atomic_write_bytes(Path(target), data)
        except (UserError, OSError) as exc:
            QMessageBox.warning(self, _("Save the file"), str(exc))
            return
        self.status_message.emit(_("Saved {file}").format(file=target))

    def remove_selected(self, confirm: bool = True) -> None:
        from app.ops.attachments import detach_file

        info = self.selected()
        if info is None or self.number is None:
            return
        if confirm and QMessageBox.question(self, _("Remove file"), _("Remove {name} from the contract?").format(
                name=info.name)) != QMessageBox.StandardButton.Yes:
            return
        try:
            self.operations.run(detach_file, self.number, info.id)
        except UserError as exc:
            QMessageBox.warning(self, _("Remove file"), str(exc))
            return
        self.status_message.emit(_("{name} removed").format(name=info.name))

    def compare_scans(self) -> None:
        """Compare the scanned signed originals with their packet off the GUI thread (the packet is laid out)."""
        from app.ops.archive import check_archive

        if self.number is None or self._comparing is not None:
            return
        number, db = self.number, self.db
        self.compare_label.setText(_("Comparing with the packet…"))
        self.compare_label.show()
        self._compared_number = number
        self._comparing = run_in_background(lambda: check_archive(db, number), self._compared, self._compare_failed)
        self._enable()

    def _compared(self, check) -> None:
        self._comparing = None
        if self._compared_number == self.number:
            lines = [f"{c.attachment.name}: {c.summary}" for c in check.comparisons]
            lines += [p for c in check.comparisons for p in c.problems]
            self.compare_label.setText("\n".join(lines) or _("No scanned signed original is attached."))
        self._enable()

    def _compare_failed(self, exc: Exception) -> None:
        self._comparing = None
        self.compare_label.setText(str(exc))
        self._enable()
