"""The 签署页 tab: each party's seal caption, signatory, date, seal and signature images, and a preview
of the signing page drawn by the PDF exporter itself (so the images sit and scale exactly as printed)."""

from __future__ import annotations

import dataclasses
import io
import logging
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QImage, QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import N_, _
from app.base.pdfium import document, page_image
from app.domain import Contract
from app.rules.fields import get_value, parse_value
from app.store.db import Database
from ui.background import BackgroundCall, run_in_background
from ui.edit_commands import FieldCommand
from ui.field_widgets import ContractEditorBase, DateEdit, FieldLineEdit, line_edit_of

log = logging.getLogger(__name__)

ROLES = ("a", "b")
IMAGE_FIELDS = (("seal_image", N_("Seal image")), ("signature_image", N_("Signature image")))
#: The preview is rendered at this many pixels per inch (an A4 page is then about 700 px wide).
PREVIEW_DPI = 85
MAX_IMAGE_BYTES = 20 * 1024 * 1024


def signing_page_png(contract: Contract, dpi: int = PREVIEW_DPI) -> bytes:
    """The signing page alone, laid out by the PDF exporter's own flowables and rendered to PNG."""
    from reportlab.platypus import SimpleDocTemplate

    from app.codecs.pdf.fonts import choose_fonts, register
    from app.codecs.pdf.pages import Layout
    from app.codecs.pdf.story import signing_page
    from app.codecs.pdf.styles import (
        MARGIN_BOTTOM,
        MARGIN_LEFT,
        MARGIN_RIGHT,
        MARGIN_TOP,
        PAGE_HEIGHT,
        PAGE_WIDTH,
        make_styles,
    )

    body, heading = register(choose_fonts())
    styles = make_styles(body, heading)
    layout = Layout(number=contract.number, body_font=body, seal=None)
    story = signing_page(contract, styles, layout)[1:]  # without its page break
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
    ).build(story)
    with document(buffer.getvalue()) as pdf:  # on a worker thread: one caller at a time (app.base.pdfium)
        image = page_image(pdf, 0, dpi / 72)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class SigningTab(ContractEditorBase):
    """签署页: per party caption, signatory, date and images, plus the page preview."""

    def __init__(self, db: Database, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(db, undo_stack, parent)
        self.editors: dict[str, QWidget] = {}
        self.labels: dict[str, tuple[QLabel, str]] = {}
        self.boxes: dict[str, QGroupBox] = {}
        self.image_buttons: dict[str, tuple[QPushButton, QPushButton, QLabel]] = {}
        column = QVBoxLayout()
        for role in ROLES:
            box = QGroupBox()
            form = QFormLayout(box)
            for name, label in (("seal_caption", N_("Seal caption")), ("signatory", N_("Signatory")), ("date", N_("Signing date"))):
                path = f"signing.{role}.{name}"
                editor: QWidget = DateEdit(path) if name == "date" else FieldLineEdit(path)
                line = line_edit_of(editor)
                assert line is not None
                line.commit.connect(self.commit_field)
                line.problem.connect(self.field_problem)
                self._add_row(form, path, label, editor)
            for name, label in IMAGE_FIELDS:
                path = f"signing.{role}.{name}"
                choose, remove, state = QPushButton(), QPushButton(), QLabel()
                choose.clicked.connect(lambda _c=False, p=path: self.choose_image(p))
                remove.clicked.connect(lambda _c=False, p=path: self.commit_field(p, None))
                row = QWidget()
                row_layout = QHBoxLayout(row)
                row_layout.setContentsMargins(0, 0, 0, 0)
                row_layout.addWidget(state, 1)
                row_layout.addWidget(choose)
                row_layout.addWidget(remove)
                self.image_buttons[path] = (choose, remove, state)
                self._add_row(form, path, label, row)
            self.boxes[role] = box
            column.addWidget(box)
        column.addStretch(1)
        self.preview_title = QLabel()
        self.preview = QLabel()
        self.preview.setObjectName("signingPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview.setStyleSheet("QLabel#signingPreview { background: #808080; padding: 8px; }")
        self._page: QPixmap | None = None  # the rendered page at PREVIEW_DPI; shown scaled to the pane
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview)
        scroll.viewport().installEventFilter(self)
        self.preview_scroll = scroll
        preview_box = QVBoxLayout()
        preview_box.addWidget(self.preview_title)
        preview_box.addWidget(scroll, 1)
        fields = QWidget()
        fields.setLayout(column)
        fields_scroll = QScrollArea()  # both parties' rows scroll on a short screen instead of growing the window
        fields_scroll.setFrameShape(QFrame.Shape.NoFrame)
        fields_scroll.setWidgetResizable(True)
        fields_scroll.setWidget(fields)
        fields_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the tab's first stop is its first field
        body = QHBoxLayout()
        body.addWidget(fields_scroll, 2)
        body.addLayout(preview_box, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(self.header())
        layout.addLayout(body, 1)
        self.retranslate_ui()
        self.show_contract(None)

    def _add_row(self, form: QFormLayout, path: str, label: str, editor: QWidget) -> None:
        title = QLabel()
        self.labels[path] = (title, label)
        self.editors[path] = editor
        form.addRow(title, editor)

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.boxes["a"].setTitle(_("Party A (甲方)"))
        self.boxes["b"].setTitle(_("Party B (乙方)"))
        for title, label in self.labels.values():
            title.setText(_(label))
        for choose, remove, _state in self.image_buttons.values():
            choose.setText(_("Choose PNG…"))
            remove.setText(_("Remove"))
        self.preview_title.setText(_("The signing page as it will print"))
        self._show_image_states(self.contract)

    # ------------------------------------------------------------------ showing

    def show_contract(self, contract: Contract | None) -> None:
        for path, editor in self.editors.items():
            if path in self.image_buttons:
                continue
            editor.show_value(get_value(contract, path) if contract is not None else None)  # type: ignore[attr-defined]
        self._show_image_states(contract)
        self.update_preview()
        self.setEnabled(contract is not None)

    def _show_image_states(self, contract: Contract | None) -> None:
        for path, (_choose, remove, state) in self.image_buttons.items():
            data = get_value(contract, path) if contract is not None else None
            state.setText(_("PNG, {kb} KB").format(kb=max(1, round(len(data) / 1024))) if data else _("none"))
            remove.setEnabled(bool(data) and not self.read_only)

    @property
    def preview_busy(self) -> bool:
        """A preview is being rendered (off the GUI thread)."""
        return getattr(self, "_preview_call", None) is not None

    def update_preview(self) -> None:
        """Render the signing page in the thread pool; the first one takes about half a second (fonts)."""
        self._preview_generation = generation = getattr(self, "_preview_generation", 0) + 1
        if self.contract is None:
            self._preview_call: BackgroundCall | None = None
            self._page = None
            self.preview.clear()
            return
        contract = dataclasses.replace(self.contract, annexes=[])  # the page shows no annex; a reload replaces it
        if self.preview.pixmap().isNull():
            self.preview.setText(_("Rendering the preview…"))
        tab = weakref.ref(self)  # the result may arrive after the tab is gone

        def deliver(result: bytes | Exception) -> None:
            alive = tab()
            if alive is not None and isValid(alive):
                alive._preview_done(generation, result)

        self._preview_call = run_in_background(lambda: signing_page_png(contract), deliver, deliver)

    def _preview_done(self, generation: int, result: bytes | Exception) -> None:
        if generation != self._preview_generation:
            return  # a newer preview is on its way
        self._preview_call = None
        if isinstance(result, Exception):
            self._page = None
        if isinstance(result, UserError):  # e.g. a stored image that no longer decodes
            self.preview.setText(str(result))
        elif isinstance(result, Exception):
            log.exception("signing page preview failed", exc_info=result)
            self.preview.setText(_("The preview could not be rendered: {error}").format(error=result))
        else:
            self._page = QPixmap.fromImage(QImage.fromData(result))
            self._fit_preview()

    def _fit_preview(self) -> None:
        """The page's whole width in view, seals and signatures where they will print; never enlarged."""
        page = self._page
        if page is None or page.isNull():
            return
        room = self.preview_scroll.viewport().width() - 16  # the label's padding
        if self.preview_scroll.isVisible() and 100 <= room < page.width():
            page = page.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(page)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.preview_scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_preview()
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ editing

    def commit_field(self, path: str, value: Any) -> None:
        if not self.may_commit(path):
            return
        assert self.contract is not None
        if get_value(self.contract, path) == value:
            return
        self.push(FieldCommand(self.context(), path, value))

    def choose_image(self, path: str) -> None:
        """Pick a PNG; it is checked (decodes, not oversized) before anything is stored."""
        if self.read_only:
            return
        name, _filter = QFileDialog.getOpenFileName(self, _("Choose an image"), "", _("PNG images (*.png)"))
        if not name:
            return
        file = Path(name)
        try:
            if file.stat().st_size > MAX_IMAGE_BYTES:
                raise UserError(_("the file is larger than 20 MB"), file.name)
            data = file.read_bytes()
            if not data.startswith(b"\x89PNG\r\n\x1a\n"):
                raise UserError(_("not a PNG image"), file.name)
            value = parse_value(path, data)
        except OSError as exc:
            self.show_message(str(UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), file.name)))
            return
        except UserError as exc:
            self.show_message(str(UserError(exc.message, file.name)))
            return
        self.commit_field(path, value)

    # ------------------------------------------------------------------ interface for the main window

    def apply_read_only(self, read_only: bool) -> None:
        for path, editor in self.editors.items():
            if path in self.image_buttons:
                choose, remove, _state = self.image_buttons[path]
                choose.setEnabled(not read_only)
                remove.setEnabled(not read_only and bool(self.contract and get_value(self.contract, path)))
            elif isinstance(editor, DateEdit):  # a signing date still blank is recorded after signing too
                editor.setReadOnly(self.field_locked(path, read_only))
            elif isinstance(editor, FieldLineEdit):
                editor.setReadOnly(read_only)

    def focus_where(self, where: str) -> bool:
        """Focus a signing field a finding names (``signing.b.signatory``, ``signing.a.date``)."""
        editor = self.editors.get(where)
        if editor is None:
            return False
        if where in self.image_buttons:
            self.image_buttons[where][0].setFocus()
            return True
        target = line_edit_of(editor) or editor
        target.setFocus()
        return True
