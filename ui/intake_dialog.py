"""File → 导入合同文本…: what intake recognised, beside the source text, for the clerk to check, correct and accept.

The file is read off the GUI thread (ui.intake_worker), step by step. A file that cannot be read, or is not a
contract, gives one line in the dialog and nothing is stored. Otherwise the recognised fields are listed by group
(the contract, amounts, each party, instalments, periods, clauses, annexes with their table rows, the signing
page, and what was not recognised), each with how it was read and where it stands; picking one shows its place
in the source text. Guessed fields, fields the text does not hold and text not recognised are marked in colour in
both. A corrected value is checked as the form checks it (app.rules.fields.parse_value) and refused with the reason
until it is valid. The arithmetic review has its own list, each finding linked to its place. Accept stores the
contract with one op (app.ops.intake.store_intake), which the change feed opens in the window; Cancel stores
nothing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QThreadPool, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.i18n import N_, _, ngettext
from app.codecs.intake.document import Span
from app.codecs.intake.labels import field_label
from app.domain import Contract, CostRow, party_name
from app.rules.fields import Kind, format_value, get_value, parse_value, set_value, spec_for
from app.store.db import Database
from app.values.money import format_amount
from ui.i18n import RetranslateMixin
from ui.intake_source import COLOURS, SourceView
from ui.intake_worker import STEPS, IntakeReading, IntakeWorker
from ui.operations import operations_for
from ui.problem_label import PROBLEM_RED, PROBLEM_STYLE

FIELD, VALUE, READING, WHERE = range(4)
PATH_ROLE = Qt.ItemDataRole.UserRole
SPAN_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_ROLE = Qt.ItemDataRole.UserRole + 2

#: The groups of the field list, in order, with the paths (or path prefixes) each holds.
GROUPS = ("contract", "amounts", "a", "b", "payments", "terms", "clauses", "annexes", "signing", "unplaced", "extras")
GROUP_TITLES = {
    "contract": N_("Contract"),
    "amounts": N_("Amounts"),
    "payments": N_("Instalments"),
    "terms": N_("Periods and copies"),
    "clauses": N_("Clauses"),
    "annexes": N_("Annexes and tables"),
    "signing": N_("Signing page"),
    "unplaced": N_("Not recognised"),
    "extras": N_("Stated in the text, no field for it yet"),
}
_AMOUNT_PATHS = ("total", "tax_inclusive", "fixed_price", "currency")
#: Backgrounds of list rows (the source text uses the same colours).
ROW_COLOURS = {
    "guessed": COLOURS["guessed"],
    "missing": QColor("#eeeeee"),
    "unplaced": COLOURS["unplaced"],
    "invalid": QColor("#f7b4b4"),
    "corrected": QColor("#d5f0d0"),
}
STATUS_COLOURS = {"error": QColor(PROBLEM_RED), "warning": QColor("#8a5a00"), "ok": QColor("#2e6b30")}


def group_of(path: str) -> str:
    if path.startswith("parties."):
        return path.split(".")[1]
    if path.startswith("payments"):
        return "payments"
    if path.startswith("terms."):
        return "terms"
    if path.startswith("signing."):
        return "signing"
    if path.startswith("annex:"):
        return "annexes"
    if path.startswith("clause:") or path == "preamble":
        return "clauses"
    return "amounts" if path in _AMOUNT_PATHS else "contract"


def editable(path: str) -> bool:
    """The contract number and every field the form edits on one line (not images, not long texts but an
    instalment's wording)."""
    if path == "number":
        return True
    try:
        kind = spec_for(path).kind
    except UserError:
        return False
    return kind is not Kind.IMAGE and (kind is not Kind.LONG_TEXT or path.endswith(".wording"))


def shown_value(contract: Contract, path: str, fallback: str) -> str:
    """A field's value as the clerk reads and types it (是/否 for a flag, 乙方 for the payee)."""
    if path == "number":
        return contract.number
    try:
        kind = spec_for(path).kind
        value = get_value(contract, path)
    except UserError:
        return fallback
    if kind is Kind.FLAG:
        return _("yes") if value else _("no")
    if kind is Kind.PAYEE:
        return party_name(value)
    return format_value(path, value)


def parse_typed(path: str, text: str) -> Any:
    """What the clerk typed as the stored value, checked as the form checks it; UserError naming the field."""
    if path == "number":
        from app.values.text_checks import check_identifier

        number = text.strip()
        if not number:
            raise UserError(_("a contract needs a number"), field_label(path))
        return check_identifier(number, field_label(path))
    kind = spec_for(path).kind
    if kind is Kind.PAYEE:
        for role in ("a", "b"):
            if text.strip() == party_name(role):
                return role
    if kind is Kind.FLAG and text.strip() in (_("yes"), _("no")):
        return text.strip() == _("yes")
    try:
        return parse_value(path, text)
    except UserError as exc:
        raise UserError(exc.message, field_label(path)) from exc


def _span_value(span: Span | None) -> tuple[int, int] | None:
    return (span.start, span.end) if span is not None else None


def _union(spans: list[Span]) -> Span | None:
    return Span(min(s.start for s in spans), max(s.end for s in spans)) if spans else None


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _ValueDelegate(QStyledItemDelegate):
    """Only the value column of an editable field can be edited."""

    def createEditor(self, parent, option, index: QModelIndex | QPersistentModelIndex):
        if index.column() != VALUE:
            return None
        return super().createEditor(parent, option, index)


class IntakeDialog(RetranslateMixin, QDialog):
    """Read `path`, show what was recognised, store it as a new contract when the clerk accepts.

    `read_done` when reading ended (recognised, refused or cancelled); `stored(number)` after the contract was
    stored; `status_message(text)` for the window's status bar."""

    read_done = Signal()
    stored = Signal(str)
    status_message = Signal(str)

    def __init__(self, db: Database, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intakeDialog")
        self.db, self.path = db, Path(path)
        self.worker: IntakeWorker | None = None
        self.reading: IntakeReading | None = None
        self.error = ""  # why the file was refused
        self.step = 0
        #: Corrections: path → the stored value, and path → what was typed; fields refused, with the reason.
        self.edits: dict[str, Any] = {}
        self.typed: dict[str, str] = {}
        self.invalid: dict[str, str] = {}
        self._filling = False

        self.summary = QLabel()
        self.summary.setObjectName("intakeSummary")
        self.summary.setWordWrap(True)
        self.pages = QStackedWidget()
        # reading (and refusal) page
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.refusal = QLabel()
        self.refusal.setObjectName("intakeRefusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(PROBLEM_STYLE)
        self.refusal.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        waiting = QWidget()
        wl = QVBoxLayout(waiting)
        wl.addStretch(1)
        wl.addWidget(self.progress_label)
        wl.addWidget(self.progress)
        wl.addWidget(self.refusal)
        wl.addStretch(2)
        self.pages.addWidget(waiting)
        # the reading: source text beside the fields and the review
        self.source = SourceView()
        self.source_title = QLabel()
        self.legend = [QLabel() for _kind in ("found", "guessed", "unplaced", "current")]
        for label, kind in zip(self.legend, ("found", "guessed", "unplaced", "current"), strict=True):
            label.setStyleSheet(f"background: {COLOURS[kind].name()}; padding: 1px 6px;")
        legend_row = QHBoxLayout()
        legend_row.addWidget(self.source_title)
        legend_row.addStretch(1)
        for label in self.legend:
            legend_row.addWidget(label)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(legend_row)
        ll.addWidget(self.source, 1)
        self.fields = QTreeWidget()
        self.fields.setObjectName("intakeFields")
        self.fields.setColumnCount(4)
        self.fields.setItemDelegate(_ValueDelegate(self.fields))
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                                    | QAbstractItemView.EditTrigger.SelectedClicked)
        self.fields.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.fields.setUniformRowHeights(True)
        header = self.fields.header()
        header.setSectionResizeMode(FIELD, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(READING, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHERE, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.details = QLabel()
        self.details.setObjectName("intakeDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fields_page = QWidget()
        fl = QVBoxLayout(fields_page)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.fields, 1)
        fl.addWidget(self.details)
        self.checks = QTreeWidget()
        self.checks.setObjectName("intakeChecks")
        self.checks.setColumnCount(3)
        self.checks.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.checks.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.checks.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.checks.header().setStretchLastSection(False)
        self.check_details = QLabel()  # the picked finding in full: its figures are the point
        self.check_details.setObjectName("intakeCheckDetails")
        self.check_details.setWordWrap(True)
        self.check_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        checks_page = QWidget()
        cl = QVBoxLayout(checks_page)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.checks, 1)
        cl.addWidget(self.check_details)
        self.tabs = QTabWidget()
        self.tabs.addTab(fields_page, "")
        self.tabs.addTab(checks_page, "")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.pages.addWidget(self.splitter)

        self.message = QLabel()
        self.message.setObjectName("intakeMessage")
        self.message.setWordWrap(True)
        # buttons of our own: a standard button would take Qt's own text back on a language switch
        self.buttons = QDialogButtonBox()
        # an action, not the accept role: the button box would make the first accept button the dialog's default,
        # and Enter pressed in a list would then store the contract
        self.store_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.store_button.setObjectName("intakeStore")
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.store_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter in the lists must never store the contract by accident
        self.store_button.setEnabled(False)
        self.store_button.clicked.connect(self.store)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.fields.currentItemChanged.connect(self._field_picked)
        self.fields.itemChanged.connect(self._field_edited)
        self.checks.currentItemChanged.connect(self._check_picked)
        self.resize(620, 220)  # while reading, or to say why the file was refused; full size once read
        self.retranslate_ui()

    # ------------------------------------------------------------------ size and texts

    def _size_to_screen(self) -> None:
        """As large as the reading needs, within the screen (1366×768 included), centred where it was."""
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        width, height = (1280, 760) if screen is None else (min(1280, int(screen.width() * 0.96)),
                                                            min(760, int(screen.height() * 0.94)))
        centre = self.frameGeometry().center()
        self.resize(width, height)
        self.splitter.setSizes([width * 9 // 20, width * 11 // 20])
        if self.isVisible():
            frame = self.frameGeometry()
            frame.moveCenter(centre)
            if screen is not None:
                frame.moveLeft(max(screen.left(), min(frame.left(), screen.right() - frame.width())))
                frame.moveTop(max(screen.top(), min(frame.top(), screen.bottom() - frame.height())))
            self.move(frame.topLeft())

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import contract text — {file}").format(file=self.path.name))
        self.tabs.setTabText(0, _("Recognised fields"))
        self.tabs.setTabText(1, _("Arithmetic review"))
        self.source_title.setText(_("Source text"))
        for label, text in zip(self.legend, (_("read"), _("guessed: check it"), _("not recognised"), _("shown")), strict=True):
            label.setText(text)
        self.fields.setHeaderLabels([_("Field"), _("Value"), _("Reading"), _("Where")])
        self.fields.setToolTip(_("Click a field to see where it stands in the source text; double-click a value to "
                                 "correct it"))
        self.checks.setHeaderLabels([_("Check"), _("Finding"), _("Where")])
        self.store_button.setText(_("Store as a new contract"))
        self.cancel_button.setText(_("Close") if self.error else _("Cancel"))
        self._show_step()
        if self.reading is not None:
            from app.codecs.intake import review

            self.read.report = review(self.read.result)  # findings in this language
            self._fill()
        self._update_state()

    def _show_step(self) -> None:
        self.progress_label.setText(_("Reading {file}: step {n} of {count}, {what}…").format(
            file=self.path.name, n=self.step + 1, count=len(STEPS), what=_(STEPS[self.step])))
        if self.error:
            self.progress_label.setText(_("{file} was not read; nothing was stored.").format(file=self.path.name))

    # ------------------------------------------------------------------ reading

    def start(self) -> None:
        """Read the file in the thread pool; the dialog shows each step until the reading arrives."""
        self.worker = IntakeWorker(self.path)
        self.worker.signals.step.connect(self._on_step)
        self.worker.signals.finished.connect(self._on_read)
        self.worker.signals.failed.connect(self._on_failed)
        self.worker.signals.cancelled.connect(self._on_cancelled)
        self.pages.setCurrentIndex(0)
        self._update_state()
        QThreadPool.globalInstance().start(self.worker)

    def _on_step(self, step: int) -> None:
        self.step = step
        self._show_step()

    def _on_read(self, reading: IntakeReading) -> None:
        self.worker = None
        self.reading = reading
        self._size_to_screen()
        self.source.set_source(reading.result.document.text)
        self._fill()
        self._mark_source()
        self.pages.setCurrentIndex(1)
        self._update_state()
        self.read_done.emit()

    def _on_failed(self, message: str) -> None:
        self.worker = None
        self.error = message
        self.refusal.setText(message)
        self.progress.setVisible(False)
        self.retranslate_ui()
        self.read_done.emit()

    def _on_cancelled(self) -> None:
        self.worker = None
        self.read_done.emit()

    def _update_state(self) -> None:
        ready = self.reading is not None
        self.store_button.setEnabled(ready and not self.invalid)
        self.store_button.setVisible(not self.error)
        self.summary.setVisible(ready)
        if ready:
            self.summary.setText(self._summary_text())
        if ready and self.invalid:
            self._say(_("Correct the values marked in red first: {fields}").format(
                fields="、".join(field_label(p) for p in self.invalid)), error=True)
        elif ready and not self.message.property("error"):
            self._say(_("Check what is marked in yellow, correct what is wrong, then store the contract. Nothing is "
                        "stored until then."))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.setStyleSheet(PROBLEM_STYLE if error else "")

    def _summary_text(self) -> str:
        from app.codecs.intake import Confidence, Status
        from app.codecs.intake.report import source_line

        result, report = self.read.result, self.read.report
        count = {c: sum(1 for f in result.fields if f.confidence is c) for c in Confidence}
        return _("Read from {source}. Found: {found} · guessed: {guessed} · not in the text: {missing} · not recognised: "
                 "{unplaced} · arithmetic errors: {errors}, warnings: {warnings}").format(
            source=source_line(result), found=count[Confidence.FOUND], guessed=count[Confidence.GUESSED],
            missing=count[Confidence.MISSING], unplaced=len(result.unplaced),
            errors=len(report.of(Status.ERROR)), warnings=len(report.of(Status.WARNING)))

    # ------------------------------------------------------------------ the lists

    def _fill(self) -> None:
        """(Re)build both lists from the reading, keeping the clerk's corrections."""
        assert self.reading is not None
        self._filling = True
        try:
            self._fill_fields()
            self._fill_checks()
        finally:
            self._filling = False

    @property
    def read(self) -> IntakeReading:
        """The reading shown (only asked for once there is one)."""
        assert self.reading is not None
        return self.reading

    def _item(self, parent, label: str, value: str = "", reading: str = "", span: Span | None = None,
              path: str | None = None, note: str = "") -> QTreeWidgetItem:
        doc = self.read.result.document
        item = QTreeWidgetItem(parent, [label, value, reading, doc.describe(span) if span is not None else ""])
        item.setData(0, SPAN_ROLE, _span_value(span))
        item.setData(0, PATH_ROLE, path)
        item.setData(0, NOTE_ROLE, note)
        item.setToolTip(VALUE, value)
        if note:
            for column in range(4):
                item.setToolTip(column, note)
        return item

    @staticmethod
    def _tint(item: QTreeWidgetItem, colour: QColor | None) -> None:
        for column in range(4):
            item.setBackground(column, QBrush(colour) if colour is not None else QBrush())

    def _fill_fields(self) -> None:
        from app.codecs.intake import Confidence

        result = self.read.result
        contract: Contract = result.contract
        self.fields.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for key in GROUPS:
            title = party_name(key) if key in ("a", "b") else _(GROUP_TITLES[key])
            group = QTreeWidgetItem(self.fields, [title])
            font = QFont(group.font(0))
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(True)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            groups[key] = group
        for record in result.fields:
            if record.path.startswith(("clause:", "annex:")) or record.path == "preamble":
                continue  # listed from the contract itself below, with their text and rows
            original = shown_value(contract, record.path, record.value)
            value = self.typed.get(record.path, original)
            item = self._item(groups[group_of(record.path)], field_label(record.path), value, record.confidence.label, record.span,
                              record.path, record.note)
            item.setData(VALUE, Qt.ItemDataRole.UserRole, original)
            if editable(record.path):
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            if record.path in self.invalid:
                self._tint(item, ROW_COLOURS["invalid"])
                item.setText(READING, _("not valid"))
            elif record.path in self.edits:
                self._tint(item, ROW_COLOURS["corrected"])
                item.setText(READING, _("corrected"))
            elif record.confidence is Confidence.GUESSED:
                self._tint(item, ROW_COLOURS["guessed"])
            elif record.confidence is Confidence.MISSING:
                self._tint(item, ROW_COLOURS["missing"])
            if record.path == "total":
                self._upper_totals(groups["amounts"], contract)
        self._clauses(groups["clauses"], contract)
        self._annexes(groups["annexes"], contract)
        for unplaced in result.unplaced:
            item = self._item(groups["unplaced"], _("Not placed"), _short(unplaced.text), _("not recognised"), unplaced.span,
                              note=_("this text has no place in the contract and is not stored; copy what matters into a "
                                     "clause after storing"))
            item.setToolTip(VALUE, unplaced.text)
            self._tint(item, ROW_COLOURS["unplaced"])
        for label, value, span in result.extras:
            self._item(groups["extras"], label, value, _("kept in the text"), span,
                       note=_("the contract has no field for this yet; the text that states it is kept"))
        for key, group in groups.items():
            # TRANSLATORS: a group of the intake dialog's field list and how many rows it holds
            group.setText(0, _("{group} ({n})").format(group=group.text(0), n=group.childCount()))
            group.setExpanded(key not in ("clauses", "extras") and group.childCount() > 0)
            group.setHidden(group.childCount() == 0)
        self.fields.resizeColumnToContents(FIELD)
        self.fields.setColumnWidth(FIELD, min(self.fields.columnWidth(FIELD), 260))

    def _upper_totals(self, group: QTreeWidgetItem, contract: Contract) -> None:
        """The total in words (大写) wherever the text restates the total."""
        facts = self.read.result.facts
        for pair in facts.pairs:
            if pair.upper and pair.upper_span is not None and (pair.figure == contract.total or pair.label == "total"):
                self._item(group, _("Total in words (大写)"), pair.upper, _("found"), pair.upper_span)

    def _clauses(self, group: QTreeWidgetItem, contract: Contract) -> None:
        from app.rules.templating import TemplateProblem, render_contract_text

        def rendered(template: str) -> str:
            try:
                return render_contract_text(template, contract).text
            except (TemplateProblem, UserError):
                return template

        result = self.read.result
        preamble = result.field("preamble")
        if contract.preamble and preamble is not None:
            text = rendered(contract.preamble)
            item = self._item(group, _("Preamble"), _short(text), preamble.confidence.label, preamble.span,
                              "preamble", preamble.note)
            item.setToolTip(VALUE, text[:2000])
            if preamble.confidence.value == "guessed":
                self._tint(item, ROW_COLOURS["guessed"])
        parents: list[QTreeWidgetItem] = [group]
        spans = result.clause_spans
        for i, (depth, clause) in enumerate(contract.all_clauses()):
            text = rendered(clause.text)
            del parents[depth + 1:]
            label = f"{clause.no} {clause.title}".strip() or _("(text without a clause number)")
            guessed = not clause.no
            item = self._item(parents[-1], label, _short(text), _("guessed") if guessed else _("found"),
                              spans[i] if i < len(spans) else None, f"clause:{clause.no}",
                              _("text without a clause number, kept as a clause") if guessed else "")
            item.setToolTip(VALUE, text[:2000])
            if guessed:
                self._tint(item, ROW_COLOURS["guessed"])
            parents.append(item)

    def _annexes(self, group: QTreeWidgetItem, contract: Contract) -> None:
        result = self.read.result
        for annex in contract.annexes:
            record = result.field(f"annex:{annex.no}")
            label = _("Annex {no}").format(no=annex.no) + (f" {annex.title}" if annex.title else "")
            if annex.table is not None:
                from app.domain import CostTable

                f = CostTable.of(annex.table).figures()
                value = _("cost table: {rows} rows, total ¥{total}").format(rows=len(annex.table),
                                                                           total=format_amount(f.total))
            else:
                value = _short(annex.text or "")
            confidence = record.confidence if record is not None else None
            item = self._item(group, label, value, confidence.label if confidence else "",
                              record.span if record else None, f"annex:{annex.no}", record.note if record else "")
            if confidence is not None and confidence.value == "guessed":
                self._tint(item, ROW_COLOURS["guessed"])
            elif confidence is not None and confidence.value == "missing":
                self._tint(item, ROW_COLOURS["missing"])
            if annex.table is not None:
                self._table_rows(item, annex.table, result.table_sources.get(annex.no, []))

    def _table_rows(self, parent: QTreeWidgetItem, rows: list[CostRow], sources: list) -> None:
        from app.domain import CostTable

        figures = CostTable.of(rows).figures().rows
        for k, (row, x) in enumerate(zip(rows, figures, strict=True)):
            line = sources[k] if k < len(sources) else None
            span = _union(list(line.spans.values())) if line is not None else None
            label = "\u3000" * row.level + f"{row.no} {row.item}".strip()
            note = ""
            if row.is_section:
                value = (_("section: ¥{amount}").format(amount=format_amount(x.net)) if x.net is not None
                         else _("section: settled on actuals"))
            elif row.quantity is None:
                value = _("settled on actuals (按实结算) at ¥{price}").format(price=format_amount(row.unit_price))
            else:
                value = f"{row.quantity.normalize():f} × ¥{format_amount(x.unit_price or Decimal(0))} = ¥{format_amount(x.net or Decimal(0))}"
            item = self._item(parent, label, value, _("found"), span, note=note)
            if row.stated is not None:
                note = _("the text states a subtotal of ¥{stated}; its rows add up to ¥{sum} (check reports it)").format(
                    stated=format_amount(row.stated), sum=format_amount(x.net or Decimal(0)))
                item.setText(READING, _("subtotal differs"))
                item.setData(0, NOTE_ROLE, note)
                for column in range(4):
                    item.setToolTip(column, note)
                self._tint(item, ROW_COLOURS["unplaced"])
            if row.is_section:
                font = QFont(item.font(0))
                font.setBold(True)
                item.setFont(0, font)

    def _fill_checks(self) -> None:
        from app.codecs.intake import Status
        from app.codecs.intake.arithmetic import check_label

        report = self.read.report
        doc = self.read.result.document
        self.checks.clear()
        titles = {Status.ERROR: _("Errors"), Status.WARNING: _("Warnings"), Status.OK: _("Passed")}
        for status in (Status.ERROR, Status.WARNING, Status.OK):
            found = report.of(status)
            group = QTreeWidgetItem(self.checks, [_("{group} ({n})").format(group=titles[status], n=len(found))])
            group.setFirstColumnSpanned(True)
            font = QFont(group.font(0))
            font.setBold(True)
            group.setFont(0, font)
            group.setForeground(0, QBrush(STATUS_COLOURS[status.value]))
            for check in found:
                item = QTreeWidgetItem(group, [check_label(check.code), check.message, doc.describe(check.span)])
                item.setData(0, SPAN_ROLE, _span_value(check.span))
                item.setToolTip(1, check.message)
                item.setForeground(1, QBrush(STATUS_COLOURS[status.value]))
            group.setExpanded(status is not Status.OK)
        self.tabs.setTabText(1, _("Arithmetic review ({errors} errors)").format(errors=len(report.of(Status.ERROR)))
                             if report.has_errors else _("Arithmetic review"))

    def _mark_source(self) -> None:
        from app.codecs.intake import Confidence

        result = self.read.result
        fields = [f for f in result.fields if not f.path.startswith(("clause:", "annex:"))]
        found = [f.span for f in fields if f.span is not None and f.confidence is Confidence.FOUND]
        guessed = [f.span for f in fields if f.span is not None and f.confidence is Confidence.GUESSED]
        guessed += [s for (_d, c), s in zip(result.contract.all_clauses(), result.clause_spans, strict=False)
                    if s is not None and not c.no]
        self.source.mark({"found": found, "guessed": guessed, "unplaced": [u.span for u in result.unplaced]})

    # ------------------------------------------------------------------ picking and correcting

    def _field_picked(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        span = item.data(0, SPAN_ROLE)
        self.source.show_span(Span(*span) if span else None)
        path = item.data(0, PATH_ROLE)
        note = item.data(0, NOTE_ROLE) or ""
        if path in self.invalid:
            note = self.invalid[path]
        elif span is None and path and not path.startswith(("clause:", "annex:")):
            note = "；".join(n for n in (note, _("not in the text")) if n)
        self.details.setText(_("{field}: {value}").format(field=item.text(FIELD).strip(), value=note) if note else "")

    def _check_picked(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        span = item.data(0, SPAN_ROLE)
        self.source.show_span(Span(*span) if span else None)
        where = item.text(2)
        self.check_details.setText(item.text(1) + (_(" ({place})").format(place=where) if where else "")
                                   if item.parent() is not None else "")

    def _field_edited(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != VALUE or self.reading is None:
            return
        path = item.data(0, PATH_ROLE)
        if not path or not editable(path):
            return
        text = item.text(VALUE)
        original = item.data(VALUE, Qt.ItemDataRole.UserRole)
        self._filling = True
        try:
            try:
                value = parse_typed(path, text)
            except UserError as exc:
                self.invalid[path] = str(exc)
                self.edits.pop(path, None)
                self.typed[path] = text
                self._tint(item, ROW_COLOURS["invalid"])
                item.setText(READING, _("not valid"))
                self.details.setText(str(exc))
            else:
                self.invalid.pop(path, None)
                if text == original:
                    self.edits.pop(path, None)
                    self.typed.pop(path, None)
                    self._tint(item, None)
                    record = self.read.result.field(path)
                    item.setText(READING, record.confidence.label if record is not None else "")
                else:
                    self.edits[path] = value
                    self.typed[path] = text
                    self._tint(item, ROW_COLOURS["corrected"])
                    item.setText(READING, _("corrected"))
                self.details.setText("")
                self._review_again()
        finally:
            self._filling = False
        self.message.setProperty("error", False)
        self._update_state()

    def _review_again(self) -> None:
        """The arithmetic review of the contract as corrected: an instalment typed right clears the finding that
        quoted it wrong (the tab and the summary kept both errors while the corrected value was stored)."""
        from dataclasses import replace

        from app.codecs.intake import review

        self.read.report = review(replace(self.read.result, contract=self.corrected_contract()))
        self._fill_checks()

    # ------------------------------------------------------------------ storing

    def corrected_contract(self) -> Contract:
        """The recognised contract with the clerk's corrections."""
        assert self.reading is not None
        import copy

        contract: Contract = copy.deepcopy(self.read.result.contract)  # the reading stays as read: an edit undone
        for path, value in self.edits.items():  # leaves no trace of it
            if path == "number":
                contract.number = value
            else:
                set_value(contract, path, value)
        return contract

    def store(self) -> None:
        """One op stores the contract (the change feed opens it in the window); a refusal is shown here."""
        if self.reading is None or self.invalid:
            return
        from app.codecs.intake import Confidence, Status
        from app.ops.intake import store_intake

        result, report = self.read.result, self.read.report
        contract = self.corrected_contract()
        try:
            done = operations_for(self.db).call(
                store_intake, contract, source_name=self.path.name, digest=self.reading.digest,
                guessed=[f.path for f in result.fields if f.confidence is Confidence.GUESSED],
                arithmetic_errors=len(report.of(Status.ERROR)), corrected=sorted(self.edits),
                source=self.reading.source)
        except UserError as exc:
            self._say(str(exc), error=True)
            return
        number = done.value.number
        self.status_message.emit(_("Stored {number} from {file}").format(number=number, file=self.path.name))
        self.stored.emit(number)
        self.accept()

    def reject(self) -> None:
        """Cancel (or Escape, or Close) stores nothing, asking first when values were corrected here; a reading
        still running is left to end on its own."""
        if self.edits:
            from ui.unsaved_entries import ask_to_discard_changes

            if not ask_to_discard_changes(self, ngettext(
                    "{n} value corrected here will be lost: the draft is not taken in.",
                    "{n} values corrected here will be lost: the draft is not taken in.",
                    len(self.edits)).format(n=len(self.edits))):
                return
        if self.worker is not None:
            self.worker.cancel()
            self.worker = None
        super().reject()
