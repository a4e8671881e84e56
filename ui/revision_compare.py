"""Compare view: pick two revisions, read the changes with added text green/underlined and removed red/struck."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QComboBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from app.base.clock import local_time
from app.base.errors import UserError
from app.base.i18n import _
from app.review.diff import ContractDiff, Span
from app.review.report import shown_fields, table_lines
from app.rules.field_text import field_name, field_value
from app.store import revisions
from app.store.db import Database
from app.store.revisions import CURRENT, RevisionInfo
from ui.flow_layout import FlowLayout
from ui.problem_label import PROBLEM_RED

ADDED_STYLE = "color:#1b7f2a;text-decoration:underline"
REMOVED_STYLE = f"color:{PROBLEM_RED};text-decoration:line-through"


def spans_html(spans: list[Span]) -> str:
    out = []
    for s in spans:
        text = escape(s.text).replace("\n", "<br>")
        if s.kind == "added":
            out.append(f'<span style="{ADDED_STYLE}">{text}</span>')
        elif s.kind == "removed":
            out.append(f'<span style="{REMOVED_STYLE}">{text}</span>')
        else:
            out.append(text)
    return "".join(out)


def diff_html(d: ContractDiff) -> str:
    """The diff as HTML for a QTextBrowser."""
    if d.is_empty:
        return "<p>" + escape(_("no changes")) + "</p>"
    parts: list[str] = []
    fields = shown_fields(d)
    if fields:
        parts.append("<h3>" + escape(_("Fields")) + "</h3><table cellspacing='4'>")
        for f in fields:
            parts.append(
                f"<tr><td>{escape(field_name(f.path))}</td>"
                f"<td>{spans_html([Span('removed', field_value(f.path, f.old))])}</td>"
                f"<td>→</td><td>{spans_html([Span('added', field_value(f.path, f.new))])}</td></tr>"
            )
        parts.append("</table>")
    if d.clauses:
        parts.append("<h3>" + escape(_("Clauses")) + "</h3>")
        for c in d.clauses:
            parts.append(f"<p><b>{escape(c.no)} {escape(c.new_title or c.old_title)}</b><br>{spans_html(c.spans)}</p>")
    if d.annexes:
        parts.append("<h3>" + escape(_("Annexes")) + "</h3>")
        for a in d.annexes:
            title = _("annex {no} {title}").format(no=a.no, title=a.new_title or a.old_title)
            parts.append(f"<p><b>{escape(title)}</b></p>")
            if a.spans:
                parts.append(f"<p>{spans_html(a.spans)}</p>")
            if a.pdf_changed:
                parts.append("<p>" + escape(_("attached PDF changed")) + "</p>")
            if a.table is not None:
                rows = []
                for line in table_lines(a.table):
                    style = ADDED_STYLE if line.lstrip().startswith("+") else REMOVED_STYLE if line.lstrip().startswith("-") else ""
                    rows.append(f'<span style="{style}">{escape(line.strip())}</span>' if style else escape(line.strip()))
                parts.append("<p>" + "<br>".join(rows) + "</p>")
    return "".join(parts)


class RevisionCompare(QWidget):
    """Two revision pickers and the rendered diff between them."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.number: str | None = None
        self.last_diff: ContractDiff | None = None
        self.from_label, self.to_label = QLabel(), QLabel()
        self.from_combo, self.to_combo = QComboBox(), QComboBox()
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        for combo in (self.from_combo, self.to_combo):  # a revision's whole name, never cut ("1 导入 —")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumWidth(80)  # in a narrow pane it narrows (the row wraps first), its tooltip whole
        row = FlowLayout()  # wraps when the tab is narrow (ui.flow_layout)
        for w in (self.from_label, self.from_combo, self.to_label, self.to_combo):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        self._default_from: int | None = None
        self.from_combo.currentIndexChanged.connect(self.refresh)
        self.to_combo.currentIndexChanged.connect(self.refresh)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.from_label.setText(_("Compare"))
        self.to_label.setText(_("with"))
        self.from_combo.setAccessibleName(_("Compare revision"))
        self.to_combo.setAccessibleName(_("with revision"))
        self.browser.setAccessibleName(_("Changes"))

    @staticmethod
    def revision_label(r: RevisionInfo) -> str:
        name = f" «{r.name}»" if r.name else ""
        why = f" {r.reason_label}" if r.reason_label and not r.name else ""
        return f"{r.seq}{name}{why} — {local_time(r.at)} {r.user}"

    def set_revisions(self, number: str | None, revs: list[RevisionInfo]) -> None:
        """Fill the pickers: from = the last reviewed revision (else the first), to = the current state.

        Redrawn for the same contract (after an edit, a new revision), the revisions picked stay picked."""
        keep = (self.from_combo.currentData(), self.to_combo.currentData()) if number == self.number else None
        if keep is not None and keep[0] == self._default_from:
            keep = (None, keep[1])  # "from" was the default: it follows a newly reviewed revision
        self.number = number
        for combo in (self.from_combo, self.to_combo):
            combo.blockSignals(True)
            combo.clear()
        for r in revs:
            self.from_combo.addItem(self.revision_label(r), r.seq)
            self.to_combo.addItem(self.revision_label(r), r.seq)
        self.to_combo.addItem(_("current state"), CURRENT)
        reviewed = [i for i, r in enumerate(revs) if r.reviewed]
        self.from_combo.setCurrentIndex(reviewed[-1] if reviewed else 0)
        self.to_combo.setCurrentIndex(self.to_combo.count() - 1)
        self._default_from = self.from_combo.currentData()
        if keep is not None:
            for combo, data in zip((self.from_combo, self.to_combo), keep, strict=True):
                if combo.findData(data) >= 0:
                    combo.setCurrentIndex(combo.findData(data))
        for combo in (self.from_combo, self.to_combo):
            combo.blockSignals(False)
        self.refresh()

    def select(self, old: int, new: int | str = CURRENT) -> None:
        self.from_combo.setCurrentIndex(self.from_combo.findData(old))
        self.to_combo.setCurrentIndex(self.to_combo.findData(new))
        self.refresh()

    def refresh(self) -> None:
        for combo in (self.from_combo, self.to_combo):
            combo.setToolTip(combo.currentText())
        if self.number is None or self.from_combo.count() == 0:
            self.last_diff = None
            self.browser.clear()
            return
        try:
            self.last_diff = revisions.compare(self.db, self.number, self.from_combo.currentData(), self.to_combo.currentData())
        except UserError as exc:
            self.last_diff = None
            self.browser.setPlainText(str(exc))
            return
        self.browser.setHtml(diff_html(self.last_diff))
