"""The 审阅 tab: approval state and its buttons, revisions with "mark as reviewed", the compare view,
the comments panel, and the amendments with the effective values they set.

All rules live in app.review; this tab only shows their results and reports refusals.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.base.clock import local_time
from app.base.errors import UserError
from app.base.i18n import N_, _
from app.domain import Status, workflow
from app.ops import CONTENT, Changes, Part
from app.ops import review as review_ops
from app.review.obstacles import Obstacles
from app.rules.field_text import field_name, field_value
from app.store import amendments, revisions, states
from app.store.db import Database
from app.values.money import format_amount
from ui.change_feed import FollowsContract
from ui.comments_panel import CommentsPanel
from ui.flow_layout import FlowLayout
from ui.guardrail_dialog import ask_despite
from ui.i18n import RetranslateMixin
from ui.operations import operations_for
from ui.revision_compare import RevisionCompare

#: Steps that cannot be undone, and the question asked before taking them.
IRREVERSIBLE = {
    Status.SIGNED: N_("Mark {number} as signed? A signed contract is read-only; later changes need an amendment."),
    Status.ARCHIVED: N_("Archive {number}? An archived contract can no longer be changed."),
}

#: The state buttons: target state → button text.
STATE_BUTTONS = (
    (Status.REVIEW, N_("Send for review")),
    (Status.APPROVED, N_("Approve")),
    (Status.SIGNED, N_("Mark as signed")),
    (Status.ARCHIVED, N_("Archive")),
    (Status.DRAFT, N_("Back to draft")),
)


class ReviewTab(FollowsContract, RetranslateMixin, QWidget):
    """Review of one contract: state, revisions, the compare view, comments and amendments, each redrawn from
    the change feed (an edit in any tab shows in the compare view with "current state" at once)."""

    status_message = Signal(str)
    SHOWS = CONTENT | {Part.STATE, Part.REVISIONS, Part.COMMENTS, Part.AMENDMENTS}

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operations = operations_for(db)
        self.number: str | None = None
        self.state: Status | None = None
        self.guardrail: QWidget | None = None  # the guardrail dialog, while it is open
        self.state_label = QLabel()
        self.state_label.setObjectName("reviewState")
        self.read_only_label = QLabel()
        self.read_only_label.setObjectName("readOnlyNote")
        self.state_buttons: dict[Status, QPushButton] = {}
        header = FlowLayout()  # wraps when the tab is narrow (ui.flow_layout)
        header.addWidget(self.state_label)
        header.addWidget(self.read_only_label)
        for target, _text in STATE_BUTTONS:
            button = QPushButton()
            button.clicked.connect(lambda _checked=False, t=target: self.request_state(t))
            self.state_buttons[target] = button
            header.addWidget(button)

        self.revisions_box = QGroupBox()
        self.revision_list = QListWidget()
        self.mark_button = QPushButton()
        self.mark_button.clicked.connect(lambda: self.mark_reviewed())
        box = QVBoxLayout(self.revisions_box)
        box.addWidget(self.revision_list, 1)
        box.addWidget(self.mark_button)
        self.amendments_box = QGroupBox()
        self.amendments_view = QTextBrowser()
        QVBoxLayout(self.amendments_box).addWidget(self.amendments_view)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.revisions_box, 2)
        left_layout.addWidget(self.amendments_box, 1)

        self.compare_box = QGroupBox()
        self.compare = RevisionCompare(db)
        QVBoxLayout(self.compare_box).addWidget(self.compare)
        self.comments_box = QGroupBox()
        self.comments = CommentsPanel(db)
        QVBoxLayout(self.comments_box).addWidget(self.comments)
        self.comments.status_message.connect(self.status_message)
        self.revision_list.itemDoubleClicked.connect(self._compare_from_item)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        for w in (left, self.compare_box, self.comments_box):
            splitter.addWidget(w)
        # Each part gives up width as the window narrows, the changes least: at 1024 px the revisions had kept
        # their 260 px and the comments their buttons' row while the changes shrank to a column of single letters.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([260, 520, 360])  # proportions; the revision names and the diff need the room
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)
        self.retranslate_ui()
        self.set_contract(None)
        self.follow(self.operations)

    def retranslate_ui(self) -> None:
        for target, text in STATE_BUTTONS:
            self.state_buttons[target].setText(_(text))
        self.revisions_box.setTitle(_("Revisions"))
        self.revision_list.setAccessibleName(_("Revisions"))
        self.amendments_view.setAccessibleName(_("Amendments"))
        self.mark_button.setText(_("Mark as reviewed…"))
        self.amendments_box.setTitle(_("Amendments"))
        self.compare_box.setTitle(_("Changes"))
        self.comments_box.setTitle(_("Comments"))
        self.compare.retranslate_ui()
        self.comments.retranslate_ui()
        self._show_state()
        self._show_revisions()
        self._show_amendments()

    # ------------------------------------------------------------------ loading

    def set_contract(self, number: str | None) -> None:
        self.number = number
        self.reload()

    def refresh(self) -> None:
        self.reload()

    def refresh_for(self, changes: Changes) -> None:
        """Redraw only what `changes` changed (the comments panel keeps its selection otherwise)."""
        if changes.touches(Part.STATE, Part.DATABASE):
            self.state = states.state_of(self.db, self.number) if self.number is not None else None
            self._show_state()
        if changes.content or changes.touches(Part.REVISIONS, Part.STATE):
            self._show_revisions()
        if changes.touches(Part.COMMENTS, Part.DATABASE):
            self.comments.refresh()
        if changes.touches(Part.AMENDMENTS, Part.DATABASE):
            self._show_amendments()

    def reload(self) -> None:
        self.state = None
        if self.number is not None:
            try:
                self.state = states.state_of(self.db, self.number)
            except UserError as exc:
                self.status_message.emit(str(exc))
                self.number = None
        self._show_state()
        self._show_revisions()
        self._show_amendments()
        self.comments.set_contract(self.number)

    def _show_state(self) -> None:
        if self.state is None:
            self.state_label.setText("")
            self.read_only_label.setText("")
        else:
            self.state_label.setText(_("State: {state}").format(state=workflow.label(self.state)))
            steps = states.history(self.db, self.number) if self.number is not None else []
            lines = [f"{local_time(step.at)}  {step.user}  {step.from_state.label} → {step.to_state.label}"
                     + (f"  {workflow.note_text(step.note)}" if step.note else "") for step in steps]
            self.state_label.setToolTip("\n".join([_("State history:"), *lines]) if lines else _("No state changes yet"))
            self.read_only_label.setText(
                _("read-only: changes go through an amendment") if self.state in workflow.READ_ONLY else ""
            )
        allowed = workflow.allowed_targets(self.state) if self.state is not None else frozenset()
        for target, button in self.state_buttons.items():
            button.setEnabled(target in allowed)
        self.mark_button.setEnabled(self.number is not None)

    def _show_revisions(self) -> None:
        self.revision_list.clear()
        revs = revisions.list_revisions(self.db, self.number) if self.number is not None else []
        for r in reversed(revs):
            text = RevisionCompare.revision_label(r)
            item = QListWidgetItem(("✔ " if r.reviewed else "") + text)
            item.setData(Qt.ItemDataRole.UserRole, r.seq)
            item.setToolTip(item.text())  # whole, where a narrow window cuts it
            self.revision_list.addItem(item)
        self.compare.set_revisions(self.number, revs)

    def _show_amendments(self) -> None:
        if self.number is None:
            self.amendments_view.clear()
            return
        try:
            stored, listed, effective = amendments.load_effective(self.db, self.number)
        except UserError as exc:
            self.amendments_view.setPlainText(str(exc))
            return
        if not listed:
            self.amendments_view.setPlainText(_("No amendments."))
            return
        from app.review.diff import contract_fields

        before, after = contract_fields(stored), contract_fields(effective)
        parts = []
        for a in listed:
            signed = f" ({a.signed.isoformat()})" if a.signed else ""
            parts.append(f"<p><b>{escape(a.number)}</b> {escape(a.title)}{escape(signed)}</p><ul>")
            for path in sorted(a.changes):
                old = field_value(path, before.get(path, ""))
                new = field_value(path, after.get(path, a.changes[path]))
                parts.append(f"<li>{escape(field_name(path))}: {escape(old)} → <b>{escape(new)}</b></li>")
            parts.append("</ul>")
        total = _("effective total: {total}").format(total=format_amount(effective.total))
        parts.append(f"<p>{escape(total)}</p>")
        self.amendments_view.setHtml("".join(parts))

    def _compare_from_item(self, item: QListWidgetItem) -> None:
        self.compare.select(item.data(Qt.ItemDataRole.UserRole))

    # ------------------------------------------------------------------ actions

    def request_state(self, target: Status) -> None:
        """A state button. Approving and signing first show what stands against them (app.review.obstacles) and
        go ahead only with a reason; signing and archiving cannot be undone, so they are confirmed."""
        if self.number is None:
            return
        step = review_ops.GUARDED.get(target)
        problems = review_ops.obstacles_of(self.db, self.number, step) if step is not None else []
        irreversible = _(IRREVERSIBLE[target]).format(number=self.number) if target in IRREVERSIBLE else ""
        if problems and step is not None:
            self._guard(target, step, problems, irreversible)
            return
        if irreversible:
            answer = QMessageBox.question(self, _(dict(STATE_BUTTONS)[target]), irreversible)
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.set_state(target)

    def _guard(self, target: Status, step, problems, warning: str = "") -> None:
        """The guardrail dialog (self.guardrail while open): the step is taken with the reason given."""
        number = self.number
        self.guardrail = ask_despite(self, step, problems,
                                     lambda reason: self.set_state(target, despite=reason) if self.number == number else None,
                                     warning)

    def set_state(self, target: Status, despite: str | None = None) -> None:
        if self.number is None:
            return
        try:
            self.operations.run(review_ops.set_state, self.number, target, despite=despite)
        except Obstacles as exc:  # something new stood against it meanwhile: show what, ask again
            self._guard(target, exc.step, exc.problems)
            return
        except UserError as exc:
            self.status_message.emit(str(exc))
            return
        self.status_message.emit(_("{number} is now {state}").format(number=self.number, state=workflow.label(target)))

    def mark_reviewed(self, name: str | None = None) -> None:
        """Freeze the current state under a name (asked for when not given)."""
        if self.number is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(self, _("Mark as reviewed"), _("Name of the reviewed revision:"))
            if not ok:
                return
        try:
            seq = self.operations.run(review_ops.mark_reviewed, self.number, name).value
        except UserError as exc:
            self.status_message.emit(str(exc))
            return
        self.status_message.emit(_("Revision {n} marked as reviewed").format(n=seq))
