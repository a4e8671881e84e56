"""Asking before an entry that cannot be stored is lost: closing the window, opening another contract or
another database with a refused entry on screen. The clerk goes back to it (the default, and Escape) or
discards it; nothing is ever dropped without the question."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.base.i18n import _
from app.rules.fields import where_label


def refused_entries(tabs) -> dict[str, tuple[QWidget, str, str]]:
    """path → (tab, typed text, problem) over the given editor tabs (those that have refused entries)."""
    found: dict[str, tuple[QWidget, str, str]] = {}
    for tab in tabs:
        entries = getattr(tab, "refused_entries", None)
        if entries is None:
            continue
        for path, (text, problem) in entries().items():
            found.setdefault(path, (tab, text, problem))
    return found


def ask_to_discard(parent: QWidget, entries: dict[str, tuple[QWidget, str, str]]) -> bool:
    """True when the clerk discards the entries, False to go back to them."""
    lines = [_("{field}: “{value}” — {problem}").format(field=where_label(path), value=text, problem=problem)
             for path, (_tab, text, problem) in entries.items()]
    return _go_back_or_discard(
        parent, "unsavedEntries", _("Entry not saved"),
        _("This entry cannot be saved as it is:") if len(lines) == 1 else _("These entries cannot be saved as they are:"),
        "\n".join(lines) + "\n\n" + _("Go back and correct it, or discard what was typed?"))


def ask_to_discard_changes(parent: QWidget, what: str) -> bool:
    """Before a dialog's Cancel (or Escape) throws away what the clerk changed in it: True to discard, False to go
    back to the dialog (the default, and Escape). `what` says what would be lost."""
    return _go_back_or_discard(parent, "discardChanges", _("Discard the changes?"), what)


def _go_back_or_discard(parent: QWidget, name: str, title: str, text: str, details: str = "") -> bool:
    """The one question of this module: 返回修改 (the default, and Escape) or 放弃; True when discarded."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    back = box.addButton(_("&Go back to it"), QMessageBox.ButtonRole.RejectRole)
    discard = box.addButton(_("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.setObjectName(name)
    box.exec()
    return box.clickedButton() is discard
